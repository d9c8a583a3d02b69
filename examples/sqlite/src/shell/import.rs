//! `.import FILE TABLE`: CSV records into a table, created from the header line if missing.

use ctypes_sqlite::ToSql;

use super::dump::identifier;
use super::settings::Mode;
use super::Shell;

/// A record of fields, and the line of the file it ends on (1-based).
type Record = (usize, Vec<Vec<u8>>);

/// Splits CSV text into records of fields (RFC 4180: `"` quotes a field, `""` inside is a
/// quote, separators and line breaks inside quotes belong to the field).
pub fn records(text: &[u8], separator: u8) -> Vec<Record> {
    let mut records = Vec::new();
    let mut line = 1;
    let mut record = Vec::new();
    let mut field = Vec::new();
    let mut i = 0;
    let mut quoted = false;
    let mut started = false;
    while i < text.len() {
        let c = text[i];
        if quoted {
            if c == b'"' {
                if text.get(i + 1) == Some(&b'"') {
                    field.push(b'"');
                    i += 1;
                } else {
                    quoted = false;
                }
            } else {
                if c == b'\n' {
                    line += 1;
                }
                field.push(c);
            }
        } else if c == b'"' && field.is_empty() {
            quoted = true;
            started = true;
        } else if c == separator {
            record.push(std::mem::take(&mut field));
            started = true;
        } else if c == b'\n' || c == b'\r' {
            if c == b'\r' && text.get(i + 1) == Some(&b'\n') {
                i += 1;
            }
            if started || !field.is_empty() || !record.is_empty() {
                record.push(std::mem::take(&mut field));
                records.push((line, std::mem::take(&mut record)));
            }
            started = false;
            line += 1;
        } else {
            field.push(c);
            started = true;
        }
        i += 1;
    }
    if started || !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push((line, record));
    }
    records
}

impl Shell {
    /// `.import [--csv] [--skip N] FILE TABLE`.
    pub fn import(&mut self, args: &[String]) -> bool {
        let mut csv = self.settings.mode == Mode::Csv;
        let mut skip = 0usize;
        let mut names = Vec::new();
        let mut i = 0;
        while i < args.len() {
            match args[i].as_str() {
                "--csv" => csv = true,
                "--skip" => {
                    i += 1;
                    skip = match args.get(i).and_then(|n| n.parse().ok()) {
                        Some(n) => n,
                        None => return usage(),
                    };
                }
                option if option.starts_with('-') && option.len() > 1 => {
                    eprintln!("ERROR: unknown option: \"{option}\".  Usage:");
                    return usage();
                }
                _ => names.push(args[i].clone()),
            }
            i += 1;
        }
        let [file, table] = names.as_slice() else {
            return usage();
        };
        let text = match std::fs::read(file) {
            Ok(text) => text,
            Err(_) => {
                eprintln!("Error: cannot open \"{file}\"");
                return false;
            }
        };
        // As sqlite3 does: importing in csv mode turns its output row separator `\r\n` into
        // `\n`, the one it reads.
        if self.settings.mode == Mode::Csv && self.settings.row_separator == b"\r\n" {
            self.settings.row_separator = b"\n".to_vec();
        }
        let separator = if csv {
            b','
        } else {
            self.settings
                .column_separator
                .first()
                .copied()
                .unwrap_or(b',')
        };
        let mut records = records(&text, separator).into_iter().skip(skip);
        match self.import_records(file, table, &mut records) {
            Ok(()) => true,
            Err(e) => {
                eprintln!("Error: {}", e.sqlite_message().unwrap_or(&e.to_string()));
                false
            }
        }
    }

    fn import_records(
        &mut self,
        file: &str,
        table: &str,
        records: &mut dyn Iterator<Item = Record>,
    ) -> ctypes_sqlite::Result<()> {
        let name = identifier(table);
        let exists = !self
            .names(
                "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') AND name = ?1",
                &[table],
            )?
            .is_empty();
        if !exists {
            let Some((_, header)) = records.next() else {
                return Ok(());
            };
            // Every name quoted, as sqlite3 writes this statement.
            let quoted = |n: &str| format!("\"{}\"", n.replace('"', "\"\""));
            let columns: Vec<String> = header
                .iter()
                .map(|c| format!("{} TEXT", quoted(&String::from_utf8_lossy(c))))
                .collect();
            self.conn.execute_batch(&format!(
                "CREATE TABLE {}(\n{})",
                quoted(table),
                columns.join(", ")
            ))?;
        }
        let conn = &self.conn;
        let count = conn
            .prepare(&format!("SELECT * FROM {name}"))?
            .column_count();
        let marks = vec!["?"; count].join(",");
        let mut insert = conn.prepare(&format!("INSERT INTO {name} VALUES({marks})"))?;
        let own_transaction = conn.is_autocommit();
        if own_transaction {
            conn.execute_batch("BEGIN")?;
        }
        let mut result = Ok(());
        for (line, record) in records {
            if record.len() != count {
                eprintln!(
                    "{file}:{line}: expected {count} columns but found {} - {}",
                    record.len(),
                    if record.len() < count {
                        "filling the rest with NULL"
                    } else {
                        "extras ignored"
                    }
                );
            }
            let texts: Vec<String> = record
                .iter()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect();
            let params: Vec<&dyn ToSql> = (0..count)
                .map(|i| match texts.get(i) {
                    Some(text) => text as &dyn ToSql,
                    None => &ctypes_sqlite::Null as &dyn ToSql,
                })
                .collect();
            if let Err(e) = insert.execute(&params) {
                result = Err(e);
                break;
            }
        }
        drop(insert);
        if own_transaction {
            conn.execute_batch(if result.is_ok() { "COMMIT" } else { "ROLLBACK" })?;
        }
        result
    }
}

fn usage() -> bool {
    eprintln!("Usage: .import [--csv] [--skip N] FILE TABLE");
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_keep_separators_quotes_and_line_breaks() {
        let text = b"a,b\r\n\"x,1\",\"say \"\"hi\"\"\"\n\"two\nlines\",\n";
        let records = records(text, b',');
        assert_eq!(records.len(), 3);
        assert_eq!(
            records[1],
            (2, vec![b"x,1".to_vec(), b"say \"hi\"".to_vec()])
        );
        assert_eq!(records[2], (4, vec![b"two\nlines".to_vec(), Vec::new()]));
    }
}
