//! Where results go: standard output, or a file named by `.output` / `.once`.

use std::fs::File;
use std::io::{self, BufWriter, Write};

/// The current output, buffered.
#[derive(Debug)]
pub struct Output {
    writer: Writer,
    name: String,
    /// Set by `.once`: back to standard output after the next command or SQL.
    pub once: bool,
}

#[derive(Debug)]
enum Writer {
    Stdout(BufWriter<io::Stdout>),
    File(BufWriter<File>),
}

const BUFFER: usize = 64 * 1024;

impl Output {
    pub fn stdout() -> Output {
        Output {
            writer: Writer::Stdout(BufWriter::with_capacity(BUFFER, io::stdout())),
            name: "stdout".to_owned(),
            once: false,
        }
    }

    /// Sends what follows to the file at `path`, created or truncated.
    pub fn redirect(&mut self, path: &str, once: bool) -> io::Result<()> {
        let file = File::create(path)?;
        self.flush()?;
        self.writer = Writer::File(BufWriter::with_capacity(BUFFER, file));
        self.name = path.to_owned();
        self.once = once;
        Ok(())
    }

    /// Back to standard output (a file is flushed and closed).
    pub fn reset(&mut self) -> io::Result<()> {
        let result = self.flush();
        if matches!(self.writer, Writer::File(_)) {
            *self = Output::stdout();
        }
        result
    }

    /// The name `.show` gives the output.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.writer {
            Writer::Stdout(w) => w.write(buf),
            Writer::File(w) => w.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.writer {
            Writer::Stdout(w) => w.write_all(buf),
            Writer::File(w) => w.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.writer {
            Writer::Stdout(w) => w.flush(),
            Writer::File(w) => w.flush(),
        }
    }
}
