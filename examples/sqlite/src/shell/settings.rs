//! What the dot-commands and options change: the output mode, separators, headers, NULL text,
//! and the switches (`.bail`, `.timer`, `.changes`).

/// How result rows are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Values separated by the column separator, rows by the row separator.
    List,
    /// RFC 4180 CSV.
    Csv,
    /// A JSON array of objects.
    Json,
    /// One `name = value` line per column, a blank line between rows.
    Line,
    /// SQL literals.
    Quote,
    /// A Markdown table (buffers each result set).
    Markdown,
    /// An ASCII-art table (buffers each result set).
    Table,
    /// A table drawn with box characters (buffers each result set).
    Box,
    /// Aligned columns without borders (buffers each result set).
    Column,
    /// `INSERT` statements into the table `.mode insert` names.
    Insert,
    /// HTML table rows.
    Html,
    /// Like `list`, with the ASCII unit and record separators.
    Ascii,
}

/// Every mode name `.mode` takes, for messages.
pub const MODE_NAMES: &str =
    "ascii box column csv html insert json line list markdown quote table tabs";

impl Mode {
    /// The name `.mode` shows.
    pub fn name(self) -> &'static str {
        match self {
            Mode::List => "list",
            Mode::Csv => "csv",
            Mode::Json => "json",
            Mode::Line => "line",
            Mode::Quote => "quote",
            Mode::Markdown => "markdown",
            Mode::Table => "table",
            Mode::Box => "box",
            Mode::Column => "column",
            Mode::Insert => "insert",
            Mode::Html => "html",
            Mode::Ascii => "ascii",
        }
    }

    /// Whether rows are laid out in aligned columns, which needs the whole result set.
    pub fn is_columnar(self) -> bool {
        matches!(
            self,
            Mode::Markdown | Mode::Table | Mode::Box | Mode::Column
        )
    }
}

/// The shell's settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub mode: Mode,
    pub headers: bool,
    /// Whether headers were set explicitly (then `.mode column` leaves them as they are).
    pub headers_set: bool,
    /// The table `insert` mode writes into.
    pub insert_table: String,
    pub column_separator: Vec<u8>,
    pub row_separator: Vec<u8>,
    pub null_value: Vec<u8>,
    pub bail: bool,
    pub timer: bool,
    pub changes: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            mode: Mode::List,
            headers: false,
            headers_set: false,
            insert_table: "table".to_owned(),
            column_separator: b"|".to_vec(),
            row_separator: b"\n".to_vec(),
            null_value: Vec::new(),
            bail: false,
            timer: false,
            changes: false,
        }
    }
}

impl Settings {
    /// `.mode NAME`: the mode and the separators sqlite3 sets with it. `false` for an unknown
    /// name.
    pub fn set_mode(&mut self, name: &str) -> bool {
        match name {
            "list" => {
                self.mode = Mode::List;
                self.column_separator = b"|".to_vec();
                self.row_separator = b"\n".to_vec();
            }
            "tabs" => {
                self.mode = Mode::List;
                self.column_separator = b"\t".to_vec();
            }
            "csv" => {
                self.mode = Mode::Csv;
                self.column_separator = b",".to_vec();
                self.row_separator = b"\r\n".to_vec();
            }
            "line" | "lines" => {
                self.mode = Mode::Line;
                self.row_separator = b"\n".to_vec();
            }
            "quote" => {
                self.mode = Mode::Quote;
                self.column_separator = b",".to_vec();
                self.row_separator = b"\n".to_vec();
            }
            "json" => self.mode = Mode::Json,
            "markdown" => self.mode = Mode::Markdown,
            "table" => self.mode = Mode::Table,
            "box" => self.mode = Mode::Box,
            "html" => self.mode = Mode::Html,
            "ascii" => {
                self.mode = Mode::Ascii;
                self.column_separator = b"\x1f".to_vec();
                self.row_separator = b"\x1e".to_vec();
            }
            "insert" => {
                self.mode = Mode::Insert;
                self.insert_table = "table".to_owned();
            }
            "column" | "columns" => {
                self.mode = Mode::Column;
                if !self.headers_set {
                    self.headers = true;
                }
            }
            _ => return false,
        }
        true
    }

    /// A mode option on the command line (`-csv`, …): like `.mode`, but `-csv` keeps the row
    /// separator and `-list` both separators, as sqlite3 does.
    pub fn set_mode_option(&mut self, name: &str) -> bool {
        match name {
            "list" => self.mode = Mode::List,
            "csv" => {
                self.mode = Mode::Csv;
                self.column_separator = b",".to_vec();
            }
            "tabs" => {
                self.mode = Mode::List;
                self.column_separator = b"\t".to_vec();
                self.row_separator = b"\n".to_vec();
            }
            "line" => self.mode = Mode::Line,
            "column" => self.mode = Mode::Column,
            "quote" | "json" | "markdown" | "table" | "box" | "html" | "ascii" => {
                return self.set_mode(name)
            }
            _ => return false,
        }
        true
    }

    /// `.show`'s lines, as sqlite3 prints them (echo, eqp, stats and column widths do not exist
    /// here: they show sqlite3's defaults).
    pub fn show(&self, output: &str, filename: &str) -> String {
        let rows = [
            ("echo", "off".to_owned()),
            ("eqp", "off".to_owned()),
            ("explain", "auto".to_owned()),
            (
                "headers",
                if self.headers { "on" } else { "off" }.to_owned(),
            ),
            ("mode", self.mode.name().to_owned()),
            ("nullvalue", quoted(&self.null_value)),
            ("output", output.to_owned()),
            ("colseparator", quoted(&self.column_separator)),
            ("rowseparator", quoted(&self.row_separator)),
            ("stats", "off".to_owned()),
            ("width", String::new()),
            ("filename", filename.to_owned()),
        ];
        let mut text = String::new();
        for (name, value) in rows {
            text.push_str(&format!("{name:>12}: {value}\n"));
        }
        text
    }
}

/// A separator or NULL text as `.show` writes it: in double quotes, with C escapes.
fn quoted(bytes: &[u8]) -> String {
    let mut text = String::from("\"");
    for &b in bytes {
        match b {
            b'\n' => text.push_str("\\n"),
            b'\r' => text.push_str("\\r"),
            b'\t' => text.push_str("\\t"),
            b'"' => text.push_str("\\\""),
            b'\\' => text.push_str("\\\\"),
            0x20..=0x7e => text.push(b as char),
            _ => text.push_str(&format!("\\{b:03o}")),
        }
    }
    text.push('"');
    text
}

/// A dot-command argument with its backslash escapes resolved, as sqlite3 resolves them:
/// `\t`, `\n`, `\r`, `\a`, `\b`, `\v`, `\f`, octal `\NNN`; before any other character the
/// backslash is dropped.
pub fn unescape(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' || i + 1 == bytes.len() {
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        i += 1;
        let c = bytes[i];
        i += 1;
        out.push(match c {
            b'a' => 0x07,
            b'b' => 0x08,
            b't' => b'\t',
            b'n' => b'\n',
            b'v' => 0x0b,
            b'f' => 0x0c,
            b'r' => b'\r',
            b'0'..=b'7' => {
                let mut value = u32::from(c - b'0');
                for _ in 0..2 {
                    match bytes.get(i) {
                        Some(&d @ b'0'..=b'7') => {
                            value = value * 8 + u32::from(d - b'0');
                            i += 1;
                        }
                        _ => break,
                    }
                }
                value as u8
            }
            other => other,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_take_c_escapes() {
        assert_eq!(unescape(r"\t"), b"\t");
        assert_eq!(unescape(r"\r\n"), b"\r\n");
        assert_eq!(unescape(r"a\101\\"), b"aA\\");
        assert_eq!(unescape(r"\q\x41"), b"qx41");
        assert_eq!(unescape("a\\"), b"a\\");
    }

    #[test]
    fn csv_mode_sets_its_separators_and_list_restores_them() {
        let mut settings = Settings::default();
        assert!(settings.set_mode("csv"));
        assert_eq!(settings.row_separator, b"\r\n");
        assert!(settings.set_mode("list"));
        assert_eq!(settings.column_separator, b"|");
        assert!(!settings.set_mode("nope"));
    }
}
