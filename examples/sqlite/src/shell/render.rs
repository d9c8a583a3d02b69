//! Writing a statement's rows in the current mode as they are stepped.

use std::io::{self, Write};

use ctypes_sqlite::{RawValue, Row};

use super::columnar::Columnar;
use super::dump::{identifier, literal};
use super::format::{c_text, csv_field, exact_real, html_text, json_string, sql_blob, sql_string};
use super::settings::{Mode, Settings};

/// Why printing a row stopped.
#[derive(Debug)]
pub enum Failure {
    /// sqlite could not give a column.
    Sql(ctypes_sqlite::Error),
    /// The output could not be written.
    Io(io::Error),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Failure {
        Failure::Io(e)
    }
}

impl From<ctypes_sqlite::Error> for Failure {
    fn from(e: ctypes_sqlite::Error) -> Failure {
        Failure::Sql(e)
    }
}

/// Writes one result set.
#[derive(Debug)]
pub struct Printer<'s> {
    settings: &'s Settings,
    names: Vec<String>,
    rows: usize,
    columnar: Option<Columnar>,
    // The width `line` mode right-aligns column names to.
    name_width: usize,
}

impl<'s> Printer<'s> {
    pub fn new(settings: &'s Settings, names: Vec<String>) -> Printer<'s> {
        let columnar = settings
            .mode
            .is_columnar()
            .then(|| Columnar::new(settings.mode, &names, settings.headers));
        let name_width = names.iter().map(String::len).fold(5, usize::max);
        Printer {
            settings,
            names,
            rows: 0,
            columnar,
            name_width,
        }
    }

    /// Writes (or, in the aligned modes, keeps) one row.
    pub fn row(&mut self, row: &Row<'_>, out: &mut dyn Write) -> Result<(), Failure> {
        let s = self.settings;
        let first = self.rows == 0;
        self.rows += 1;
        let count = self.names.len();
        match s.mode {
            Mode::List | Mode::Ascii => {
                if first && s.headers {
                    self.header(out, |out, name| out.write_all(name))?;
                }
                for i in 0..count {
                    if i > 0 {
                        out.write_all(&s.column_separator)?;
                    }
                    out.write_all(self.text(row, i)?)?;
                }
                out.write_all(&s.row_separator)?;
            }
            Mode::Csv => {
                let separator = &s.column_separator;
                if first && s.headers {
                    self.header(out, |out, name| csv_field(out, name, separator))?;
                }
                for i in 0..count {
                    if i > 0 {
                        out.write_all(separator)?;
                    }
                    match row.get_text(i)? {
                        None => out.write_all(&s.null_value)?,
                        Some(text) => csv_field(out, c_text(text), separator)?,
                    }
                }
                out.write_all(&s.row_separator)?;
            }
            Mode::Line => {
                if !first {
                    out.write_all(&s.row_separator)?;
                }
                for i in 0..count {
                    let name = self.names[i].as_bytes();
                    let pad = self.name_width.saturating_sub(name.len());
                    out.write_all(&b" ".repeat(pad))?;
                    out.write_all(name)?;
                    out.write_all(b" = ")?;
                    out.write_all(self.text(row, i)?)?;
                    out.write_all(&s.row_separator)?;
                }
            }
            Mode::Quote => {
                if first && s.headers {
                    self.header(out, sql_string)?;
                }
                for i in 0..count {
                    if i > 0 {
                        out.write_all(&s.column_separator)?;
                    }
                    match row.get_raw(i)? {
                        RawValue::Null => out.write_all(b"NULL")?,
                        RawValue::Integer(v) => write!(out, "{v}")?,
                        RawValue::Real(r) => out.write_all(exact_real(r).as_bytes())?,
                        RawValue::Text(t) => sql_string(out, c_text(t))?,
                        RawValue::Blob(b) => sql_blob(out, b)?,
                    }
                }
                out.write_all(&s.row_separator)?;
            }
            Mode::Json => {
                out.write_all(if first { b"[{" } else { b",\n{" })?;
                for i in 0..count {
                    if i > 0 {
                        out.write_all(b",")?;
                    }
                    json_string(out, self.names[i].as_bytes())?;
                    out.write_all(b":")?;
                    match row.get_raw(i)? {
                        RawValue::Null => out.write_all(b"null")?,
                        RawValue::Integer(v) => write!(out, "{v}")?,
                        RawValue::Real(r) if r.is_infinite() => {
                            out.write_all(if r > 0.0 { b"1e999" } else { b"-1e999" })?
                        }
                        RawValue::Real(r) => out.write_all(exact_real(r).as_bytes())?,
                        RawValue::Text(t) => json_string(out, c_text(t))?,
                        RawValue::Blob(b) => json_string(out, b)?,
                    }
                }
                out.write_all(b"}")?;
            }
            Mode::Html => {
                if first && s.headers {
                    out.write_all(b"<TR>")?;
                    for name in &self.names {
                        out.write_all(b"<TH>")?;
                        html_text(out, name.as_bytes())?;
                        out.write_all(b"</TH>\n")?;
                    }
                    out.write_all(b"</TR>\n")?;
                }
                out.write_all(b"<TR>")?;
                for i in 0..count {
                    out.write_all(b"<TD>")?;
                    html_text(out, self.text(row, i)?)?;
                    out.write_all(b"</TD>\n")?;
                }
                out.write_all(b"</TR>\n")?;
            }
            Mode::Insert => {
                let mut line = Vec::with_capacity(64);
                line.extend_from_slice(b"INSERT INTO ");
                line.extend_from_slice(identifier(&s.insert_table).as_bytes());
                if s.headers {
                    line.push(b'(');
                    for (i, name) in self.names.iter().enumerate() {
                        if i > 0 {
                            line.push(b',');
                        }
                        line.extend_from_slice(identifier(name).as_bytes());
                    }
                    line.push(b')');
                }
                line.extend_from_slice(b" VALUES(");
                for i in 0..count {
                    if i > 0 {
                        line.push(b',');
                    }
                    literal(&mut line, row.get_raw(i)?);
                }
                line.extend_from_slice(b");\n");
                out.write_all(&line)?;
            }
            Mode::Markdown | Mode::Table | Mode::Box | Mode::Column => {
                let mut cells = Vec::with_capacity(count);
                for i in 0..count {
                    cells.push(self.text(row, i)?.to_vec());
                }
                if let Some(columnar) = &mut self.columnar {
                    columnar.push(cells.into_iter());
                }
            }
        }
        Ok(())
    }

    /// Ends the result set: closes the JSON array, draws an aligned table.
    pub fn finish(self, out: &mut dyn Write) -> io::Result<()> {
        match self.settings.mode {
            Mode::Json if self.rows > 0 => out.write_all(b"]\n"),
            _ => match self.columnar {
                Some(columnar) => columnar.finish(out),
                None => Ok(()),
            },
        }
    }

    /// A column as `%s` shows sqlite's text for it; the NULL text for NULL.
    fn text<'r>(&'r self, row: &Row<'r>, i: usize) -> Result<&'r [u8], Failure> {
        Ok(match row.get_text(i)? {
            None => &self.settings.null_value,
            Some(text) => c_text(text),
        })
    }

    fn header(
        &self,
        out: &mut dyn Write,
        mut write: impl FnMut(&mut dyn Write, &[u8]) -> io::Result<()>,
    ) -> io::Result<()> {
        for (i, name) in self.names.iter().enumerate() {
            if i > 0 {
                out.write_all(&self.settings.column_separator)?;
            }
            write(out, name.as_bytes())?;
        }
        out.write_all(&self.settings.row_separator)
    }
}
