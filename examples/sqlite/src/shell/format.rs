//! Single values written the way each output mode writes them.

use std::io::{self, Write};

/// Text as C's `%s` writes it: up to the first NUL byte.
pub fn c_text(bytes: &[u8]) -> &[u8] {
    match bytes.iter().position(|&b| b == 0) {
        Some(end) => &bytes[..end],
        None => bytes,
    }
}

/// Whether CSV must quote a field holding this byte: controls, space, `"`, `'`, `,`, DEL and
/// every byte of a non-ASCII character.
fn needs_csv_quote(byte: u8) -> bool {
    matches!(byte, 1..=b' ' | b'"' | b'\'' | b',' | 0x7f..=0xff)
}

/// A CSV field: quoted (with `"` doubled) when empty, when it holds a byte that needs it, or
/// when it holds the column separator.
pub fn csv_field(out: &mut dyn Write, field: &[u8], separator: &[u8]) -> io::Result<()> {
    let quote = field.is_empty()
        || field.iter().any(|&b| needs_csv_quote(b))
        || (!separator.is_empty() && field.windows(separator.len()).any(|w| w == separator));
    if !quote {
        return out.write_all(field);
    }
    out.write_all(b"\"")?;
    for part in field.split_inclusive(|&b| b == b'"') {
        out.write_all(part)?;
        if part.last() == Some(&b'"') {
            out.write_all(b"\"")?;
        }
    }
    out.write_all(b"\"")
}

/// A JSON string: `"` and `\` escaped, control characters as `\b \f \n \r \t` or `\u00XX`,
/// every other byte as it is.
pub fn json_string(out: &mut dyn Write, text: &[u8]) -> io::Result<()> {
    out.write_all(b"\"")?;
    let mut start = 0;
    for (i, &b) in text.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\x08' => b"\\b",
            b'\x0c' => b"\\f",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1f => b"",
            _ => continue,
        };
        out.write_all(&text[start..i])?;
        if escape.is_empty() {
            write!(out, "\\u{b:04x}")?;
        } else {
            out.write_all(escape)?;
        }
        start = i + 1;
    }
    out.write_all(&text[start..])?;
    out.write_all(b"\"")
}

/// Text in HTML: `<`, `&`, `>`, `"` and `'` as entities.
pub fn html_text(out: &mut dyn Write, text: &[u8]) -> io::Result<()> {
    let mut start = 0;
    for (i, &b) in text.iter().enumerate() {
        let entity: &[u8] = match b {
            b'<' => b"&lt;",
            b'&' => b"&amp;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            _ => continue,
        };
        out.write_all(&text[start..i])?;
        out.write_all(entity)?;
        start = i + 1;
    }
    out.write_all(&text[start..])
}

/// An SQL string literal: in single quotes, each `'` doubled.
pub fn sql_string(out: &mut dyn Write, text: &[u8]) -> io::Result<()> {
    out.write_all(b"'")?;
    for part in text.split_inclusive(|&b| b == b'\'') {
        out.write_all(part)?;
        if part.last() == Some(&b'\'') {
            out.write_all(b"'")?;
        }
    }
    out.write_all(b"'")
}

/// An SQL blob literal, `X'00ff'`.
pub fn sql_blob(out: &mut dyn Write, blob: &[u8]) -> io::Result<()> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut text = Vec::with_capacity(3 + 2 * blob.len());
    text.extend_from_slice(b"X'");
    for &b in blob {
        text.push(HEX[usize::from(b >> 4)]);
        text.push(HEX[usize::from(b & 15)]);
    }
    text.push(b'\'');
    out.write_all(&text)
}

/// A real as the quote and JSON modes (and `.dump`) write it: sqlite's `%!.20g`, enough
/// digits to read the same double back, with `.0` on whole numbers.
pub fn exact_real(value: f64) -> String {
    ctypes_sqlite::format_real(c"%!.20g", value).unwrap_or_else(|_| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(field: &[u8]) -> String {
        let mut out = Vec::new();
        csv_field(&mut out, field, b",").unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn csv_quotes_what_sqlite3_quotes() {
        assert_eq!(csv(b"plain"), "plain");
        assert_eq!(csv(b""), "\"\"");
        assert_eq!(csv(b"a \"b\""), "\"a \"\"b\"\"\"");
        assert_eq!(csv(b"it's"), "\"it's\"");
        assert_eq!(csv("é".as_bytes()), "\"é\"");
        assert_eq!(csv(b"a|b"), "a|b");
    }

    #[test]
    fn json_escapes_controls_only() {
        let mut out = Vec::new();
        json_string(&mut out, b"a\"\\\x01\n\x7f/").unwrap();
        assert_eq!(out, b"\"a\\\"\\\\\\u0001\\n\x7f/\"");
    }

    #[test]
    fn sql_literals_double_their_quotes() {
        let mut out = Vec::new();
        sql_string(&mut out, b"it's").unwrap();
        sql_blob(&mut out, &[0, 0xff]).unwrap();
        assert_eq!(out, b"'it''s'X'00ff'");
    }
}
