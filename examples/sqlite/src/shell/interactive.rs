//! The prompt: `sqlite> `, `   ...> ` while a statement is incomplete, line editing and
//! history (rustyline), Ctrl-C to drop the line being typed or interrupt a running statement,
//! Ctrl-D to leave.

use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::{Config, Editor};

use super::input::Chunk;
use super::{Ended, Shell};

const PROMPT: &str = "sqlite> ";
const CONTINUE: &str = "   ...> ";

/// The file history is kept in: `$HOME/.ctypes_sqlite_history`, unless
/// `CTYPES_SQLITE_HISTORY` names another (an empty value keeps no history).
fn history_file() -> Option<std::path::PathBuf> {
    match std::env::var_os("CTYPES_SQLITE_HISTORY") {
        Some(path) if path.is_empty() => None,
        Some(path) => Some(path.into()),
        None => std::env::var_os("HOME")
            .map(|home| std::path::Path::new(&home).join(".ctypes_sqlite_history")),
    }
}

/// Reads and runs lines typed at the terminal until Ctrl-D or `.quit`.
pub fn run_prompt(shell: &mut Shell) -> Ended {
    let config = Config::builder().auto_add_history(false).build();
    let mut editor: Editor<(), DefaultHistory> = match Editor::with_config(config) {
        Ok(editor) => editor,
        Err(e) => {
            eprintln!("Error: cannot use the terminal: {e}");
            return Ended::Eof;
        }
    };
    // After the editor, which installs a SIGINT handler of its own for its lifetime (while it
    // reads a line the terminal sends Ctrl-C as a key, not as the signal).
    super::watch_interrupts(shell.connection().interrupt_handle());
    let history = history_file();
    if let Some(path) = &history {
        let _ = editor.load_history(path);
    }
    let mut chunk = Chunk::default();
    let mut line_number = 0;
    let ended = loop {
        let _ = shell.flush();
        // What a Ctrl-C interrupted is over: the next line runs in full.
        super::interrupt::clear();
        let prompt = if chunk.is_empty() { PROMPT } else { CONTINUE };
        match editor.readline(prompt) {
            Ok(line) => {
                line_number += 1;
                if !line.trim().is_empty() {
                    let _ = editor.add_history_entry(line.as_str());
                }
                if let Some(ended) = shell.take_line(&mut chunk, line.as_bytes(), line_number, true)
                {
                    if ended == Ended::Quit {
                        break ended;
                    }
                }
            }
            // Ctrl-C while typing: forget the statement being typed.
            Err(ReadlineError::Interrupted) => {
                chunk.take();
            }
            Err(ReadlineError::Eof) => break shell.finish_chunk(&mut chunk, true),
            Err(e) => {
                eprintln!("Error: cannot read the terminal: {e}");
                break Ended::Eof;
            }
        }
    };
    if let Some(path) = &history {
        let _ = editor.save_history(path);
    }
    ended
}
