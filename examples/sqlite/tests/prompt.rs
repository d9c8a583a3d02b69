//! The interactive prompt, driven through a pseudo-terminal as a person would use it.

use std::process::Command;

use rexpect::session::{spawn_command, PtySession};

/// A bound on waiting for each expected piece of output, so that a broken prompt fails the
/// test instead of hanging it; not a measure of speed.
const PATIENCE_MS: u64 = 30_000;

fn start(history: &std::path::Path) -> PtySession {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ctypes-sqlite"));
    command.env("CTYPES_SQLITE_HISTORY", history);
    spawn_command(command, Some(PATIENCE_MS)).expect("the program starts in a terminal")
}

fn history_file(name: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!(
        "ctypes-sqlite-history-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&path);
    path
}

#[test]
fn a_session_types_statements_interrupts_a_query_and_exits() {
    let history = history_file("session");
    let mut p = start(&history);
    p.exp_string("Enter \".help\" for usage hints.").unwrap();
    p.exp_string("sqlite> ").unwrap();

    // A statement over two lines: the continuation prompt, then the rows.
    p.send_line("select 'multi' ||").unwrap();
    p.exp_string("   ...> ").unwrap();
    p.send_line("'line' as joined, 40 + 2;").unwrap();
    p.exp_string("multiline|42").unwrap();
    p.exp_string("sqlite> ").unwrap();

    // Ctrl-C while typing drops the unfinished statement.
    p.send("select 'never").unwrap();
    p.flush().unwrap();
    p.send_control('c').unwrap();
    p.exp_string("sqlite> ").unwrap();
    p.send_line("select 'fresh' || 'start';").unwrap();
    p.exp_string("freshstart").unwrap();
    p.exp_string("sqlite> ").unwrap();

    // Ctrl-C during an endless query interrupts it; the shell stays.
    p.send_line(
        "select 'run' || 'ning'; \
         with recursive n(i) as (select 1 union all select i + 1 from n) select count(*) from n;",
    )
    .unwrap();
    p.exp_string("running").unwrap();
    p.send_control('c').unwrap();
    p.exp_string("Runtime error: interrupted (9)").unwrap();
    p.exp_string("sqlite> ").unwrap();
    p.send_line("select 'still' || 'here';").unwrap();
    p.exp_string("stillhere").unwrap();
    p.exp_string("sqlite> ").unwrap();

    // Errors at the prompt carry no line number.
    p.send_line("selec 1;").unwrap();
    p.exp_string("Parse error: near \"selec\": syntax error")
        .unwrap();
    p.exp_string("sqlite> ").unwrap();

    // Ctrl-D leaves.
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();

    let saved = std::fs::read_to_string(&history).unwrap();
    assert!(saved.contains("select 'fresh' || 'start';"), "{saved}");
    std::fs::remove_file(&history).unwrap();
}

#[test]
fn history_is_recalled_with_the_up_arrow() {
    let history = history_file("recall");
    let mut p = start(&history);
    p.exp_string("sqlite> ").unwrap();
    p.send_line("select 6 * 7 as answer;").unwrap();
    p.exp_string("42").unwrap();
    p.exp_string("sqlite> ").unwrap();
    // Up arrow, then Enter: the same statement again.
    p.send("\x1b[A").unwrap();
    p.flush().unwrap();
    p.exp_string("select 6 * 7 as answer;").unwrap();
    p.send("\r").unwrap();
    p.flush().unwrap();
    p.exp_string("42").unwrap();
    p.exp_string("sqlite> ").unwrap();
    p.send_line(".quit").unwrap();
    p.exp_eof().unwrap();
    std::fs::remove_file(&history).unwrap();
}

#[test]
fn ctrl_c_stops_a_script_read_at_the_prompt() {
    let history = history_file("read");
    let script =
        std::env::temp_dir().join(format!("ctypes-sqlite-prompt-{}.sql", std::process::id()));
    std::fs::write(
        &script,
        "select 'script' || 'started';\n\
         with recursive n(i) as (select 1 union all select i + 1 from n) select count(*) from n;\n\
         select 'after' || 'wards';\n",
    )
    .unwrap();
    let mut p = start(&history);
    p.exp_string("sqlite> ").unwrap();
    p.send_line(&format!(".read {}", script.display())).unwrap();
    p.exp_string("scriptstarted").unwrap();
    p.send_control('c').unwrap();
    p.exp_string("Runtime error near line 2: interrupted (9)")
        .unwrap();
    p.exp_string("sqlite> ").unwrap();
    // The rest of the script did not run; the shell goes on.
    p.send_line("select 'next' || 'one';").unwrap();
    let seen = p.exp_string("nextone").unwrap();
    assert!(!seen.contains("afterwards"), "{seen}");
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
    std::fs::remove_file(&script).unwrap();
    let _ = std::fs::remove_file(&history);
}
