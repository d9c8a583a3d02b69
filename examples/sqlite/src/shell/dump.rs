//! `.schema` and `.dump`: the database written back as SQL that rebuilds it.

use std::io::Write;

use ctypes_sqlite::{RawValue, Row};

use super::format::{c_text, exact_real, sql_blob, sql_string};
use super::Shell;

/// A name as SQL must spell it: bare when it is a plain identifier and no keyword, otherwise
/// in double quotes.
pub fn identifier(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain && !ctypes_sqlite::is_keyword(name) {
        name.to_owned()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// A `CREATE TABLE` of a quoted name becomes `CREATE TABLE IF NOT EXISTS`, as sqlite3 writes it.
fn create_sql(sql: &str) -> String {
    match sql.strip_prefix("CREATE TABLE ") {
        Some(rest) if rest.starts_with(['"', '\'']) => format!("CREATE TABLE IF NOT EXISTS {rest}"),
        _ => sql.to_owned(),
    }
}

/// A value as an SQL literal that reads back as the same value.
pub fn literal(out: &mut Vec<u8>, value: RawValue<'_>) {
    match value {
        RawValue::Null => out.extend_from_slice(b"NULL"),
        RawValue::Integer(v) => out.extend_from_slice(v.to_string().as_bytes()),
        RawValue::Real(r) if r.is_infinite() => {
            out.extend_from_slice(if r > 0.0 { b"1e999" } else { b"-1e999" })
        }
        RawValue::Real(r) => out.extend_from_slice(real_literal(r).as_bytes()),
        // Cut at a NUL, as sqlite3 writes it (SQL text cannot hold one).
        RawValue::Text(t) => text_literal(out, c_text(t)),
        RawValue::Blob(b) => {
            let _ = sql_blob(out, b);
        }
    }
}

/// A real as `.dump` and `insert` mode write it: a whole number in the range of a 64-bit integer
/// as that integer with `.0`, anything else with sqlite's `%!.20g`.
fn real_literal(value: f64) -> String {
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if (-LIMIT..LIMIT).contains(&value) && value == value.trunc() {
        return format!("{}.0", value as i64);
    }
    exact_real(value)
}

/// Text with line breaks is written as `replace('a\nb','\n',char(10))`, so each statement
/// stays on one line.
fn text_literal(out: &mut Vec<u8>, text: &[u8]) {
    let has = |needle: &[u8]| text.windows(needle.len()).any(|w| w == needle);
    let newline = text.contains(&b'\n');
    let cr = text.contains(&b'\r');
    if (!newline && !cr) || has(b"\\n") || has(b"\\r") {
        let _ = sql_string(out, text);
        return;
    }
    let mut escaped = Vec::with_capacity(text.len() + 8);
    for &b in text {
        match b {
            b'\n' => escaped.extend_from_slice(b"\\n"),
            b'\r' => escaped.extend_from_slice(b"\\r"),
            _ => escaped.push(b),
        }
    }
    let mut inner = Vec::new();
    let _ = sql_string(&mut inner, &escaped);
    if cr {
        inner = [b"replace(".as_slice(), &inner, b",'\\r',char(13))"].concat();
    }
    if newline {
        inner = [b"replace(".as_slice(), &inner, b",'\\n',char(10))"].concat();
    }
    out.extend_from_slice(&inner);
}

impl Shell {
    /// `.schema [PATTERN]`.
    pub fn schema(&mut self, pattern: Option<&str>) -> bool {
        let rows = self.schema_rows(
            "SELECT name, type, sql FROM sqlite_schema WHERE sql IS NOT NULL \
             AND (?1 IS NULL OR tbl_name LIKE ?1 OR name LIKE ?1) ORDER BY rowid",
            pattern,
        );
        let Some(rows) = rows else { return false };
        let mut text = String::new();
        for (name, kind, sql) in rows {
            text.push_str(&create_sql(&sql));
            if kind == "view" {
                let columns = self
                    .names("SELECT name FROM pragma_table_info(?1)", &[&name])
                    .unwrap_or_default();
                let columns: Vec<String> = columns.iter().map(|c| identifier(c)).collect();
                text.push_str(&format!(
                    "\n/* {}({}) */",
                    identifier(&name),
                    columns.join(",")
                ));
            }
            text.push_str(";\n");
        }
        self.write(text.as_bytes());
        true
    }

    /// `.dump [PATTERN]`: the schema and every row of the tables (and the indexes, triggers and
    /// views) whose names match, in one transaction.
    pub fn dump(&mut self, table: Option<&str>) -> bool {
        let Some(tables) = self.schema_rows(
            "SELECT name, type, sql FROM sqlite_schema WHERE sql IS NOT NULL AND type = 'table' \
             AND (name NOT LIKE 'sqlite_%' OR name IN ('sqlite_sequence', 'sqlite_stat1')) \
             AND (?1 IS NULL OR name LIKE ?1) ORDER BY name = 'sqlite_sequence', rowid",
            table,
        ) else {
            return false;
        };
        let Some(others) = self.schema_rows(
            "SELECT name, type, sql FROM sqlite_schema WHERE sql IS NOT NULL \
             AND type IN ('index', 'trigger', 'view') AND name NOT LIKE 'sqlite_%' \
             AND (?1 IS NULL OR name LIKE ?1) ORDER BY rowid",
            table,
        ) else {
            return false;
        };
        self.write(b"PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n");
        let mut ok = true;
        for (name, _, sql) in &tables {
            // sqlite creates these two itself: the dump refills them.
            let head = match name.as_str() {
                "sqlite_sequence" => "DELETE FROM sqlite_sequence;\n".to_owned(),
                "sqlite_stat1" => "ANALYZE sqlite_schema;\n".to_owned(),
                _ => format!("{};\n", create_sql(sql)),
            };
            self.write(head.as_bytes());
            if let Err(e) = self.dump_rows(name) {
                eprintln!("Error: {}", e.sqlite_message().unwrap_or(&e.to_string()));
                ok = false;
            }
        }
        for (_, _, sql) in &others {
            self.write(format!("{sql};\n").as_bytes());
        }
        self.write(b"COMMIT;\n");
        ok
    }

    fn dump_rows(&mut self, table: &str) -> ctypes_sqlite::Result<()> {
        let name = identifier(table);
        let conn = &self.conn;
        let mut statement = conn.prepare(&format!("SELECT * FROM {name}"))?;
        let columns = statement.column_count();
        let mut rows = statement.rows();
        let mut line = Vec::new();
        while let Some(row) = rows.next()? {
            line.clear();
            line.extend_from_slice(format!("INSERT INTO {name} VALUES(").as_bytes());
            insert_values(&mut line, &row, columns)?;
            line.extend_from_slice(b");\n");
            if let Err(e) = self.out.write_all(&line) {
                eprintln!("Error: cannot write the output: {e}");
                break;
            }
        }
        Ok(())
    }

    fn schema_rows(
        &self,
        sql: &str,
        pattern: Option<&str>,
    ) -> Option<Vec<(String, String, String)>> {
        let result = (|| {
            let mut statement = self.conn.prepare(sql)?;
            if let Some(pattern) = pattern {
                statement.bind(1, pattern)?;
            }
            let mut rows = statement.rows();
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                let text = |i| -> ctypes_sqlite::Result<String> {
                    Ok(String::from_utf8_lossy(row.get_text(i)?.unwrap_or_default()).into_owned())
                };
                out.push((text(0)?, text(1)?, text(2)?));
            }
            Ok::<_, ctypes_sqlite::Error>(out)
        })();
        match result {
            Ok(rows) => Some(rows),
            Err(e) => {
                eprintln!("Error: {}", e.sqlite_message().unwrap_or(&e.to_string()));
                None
            }
        }
    }
}

fn insert_values(line: &mut Vec<u8>, row: &Row<'_>, columns: usize) -> ctypes_sqlite::Result<()> {
    for i in 0..columns {
        if i > 0 {
            line.push(b',');
        }
        literal(line, row.get_raw(i)?);
    }
    Ok(())
}
