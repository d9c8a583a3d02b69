//! System headers run through the C preprocessor, as `ctypes_core::cdef` reads them.

use std::io::Write as _;
use std::process::{Command, Stdio};

use crate::cc;

/// The header sets the declaration tests read: each set is preprocessed as one text.
pub const HEADER_SETS: &[&[&str]] = &[
    &["zlib.h"],
    &["sys/stat.h"],
    &["time.h"],
    &["dirent.h"],
    &["sys/socket.h", "netinet/in.h"],
    &["sys/epoll.h"],
    &["pthread.h"],
    &["stdio.h"],
    &["sqlite3.h"],
    &["netinet/ip.h", "netinet/tcp.h", "netinet/udp.h"],
    &["signal.h", "ucontext.h"],
    &[
        "stdlib.h",
        "math.h",
        "termios.h",
        "sys/resource.h",
        "netdb.h",
        "stddef.h",
    ],
];

/// `#include` lines for `headers`.
pub fn includes(headers: &[&str]) -> String {
    headers
        .iter()
        .map(|h| format!("#include <{h}>\n"))
        .collect()
}

/// The output of `cc -E -P` on a file that includes `headers`.
pub fn preprocess(headers: &[&str]) -> String {
    let mut child = Command::new(cc::compiler())
        .args(["-E", "-P", "-std=gnu11", "-x", "c", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the C compiler runs");
    child
        .stdin
        .take()
        .expect("a pipe to the compiler")
        .write_all(includes(headers).as_bytes())
        .expect("the compiler reads its input");
    let out = child.wait_with_output().expect("the compiler finishes");
    assert!(
        out.status.success(),
        "cc -E -P failed on {headers:?}:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("preprocessed headers are UTF-8")
}
