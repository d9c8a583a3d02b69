//! The aligned modes (`table`, `box`, `markdown`, `column`): a result set is held until its
//! last row, then drawn with every column as wide as its widest cell.
//!
//! Widths count characters, as sqlite3 3.40 does (a wide CJK character counts one). A tab
//! moves to the next multiple of 8; any other control character starts a new line inside the
//! cell (`\r\n` counts once), and a row with such a cell makes every row of the result set
//! ruled off from the next (in `column` mode, followed by an empty line). A column name shows its
//! first line only; `column` mode shows the names only with headers on, the others always.

use std::io::{self, Write};

use super::settings::Mode;

/// One line of a cell, ready to print, and its width in characters.
type Line = (Vec<u8>, usize);

/// A result set being collected.
#[derive(Debug)]
pub struct Columnar {
    mode: Mode,
    show_names: bool,
    headers: Vec<Vec<Line>>,
    rows: Vec<Vec<Vec<Line>>>,
    widths: Vec<usize>,
    multi_line: bool,
}

impl Columnar {
    pub fn new(mode: Mode, names: &[String], show_names: bool) -> Columnar {
        // A name shows its first line only.
        let headers: Vec<Vec<Line>> = names
            .iter()
            .map(|n| lines(n.as_bytes()).into_iter().take(1).collect())
            .collect();
        let widths = headers.iter().map(|h| widest(h)).collect();
        Columnar {
            mode,
            show_names,
            headers,
            rows: Vec::new(),
            widths,
            multi_line: false,
        }
    }

    /// Adds a row of cells (each already the text to show).
    pub fn push(&mut self, cells: impl Iterator<Item = Vec<u8>>) {
        let row: Vec<Vec<Line>> = cells.map(|c| lines(&c)).collect();
        for (width, cell) in self.widths.iter_mut().zip(&row) {
            *width = (*width).max(widest(cell));
            self.multi_line |= cell.len() > 1;
        }
        self.rows.push(row);
    }

    /// Draws the result set; nothing for one without rows.
    pub fn finish(self, out: &mut dyn Write) -> io::Result<()> {
        if self.rows.is_empty() {
            return Ok(());
        }
        if self.mode == Mode::Column {
            return self.finish_plain(out);
        }
        let style = Style::of(self.mode);
        if let Some(top) = style.top {
            self.rule(out, top)?;
        }
        self.header(out, style.vertical)?;
        self.rule(out, style.under_header)?;
        let last = self.rows.len() - 1;
        for (i, row) in self.rows.iter().enumerate() {
            self.row(out, style.vertical, row)?;
            if i < last && self.multi_line {
                if let Some(between) = style.between {
                    self.rule(out, between)?;
                }
            }
        }
        if let Some(bottom) = style.bottom {
            self.rule(out, bottom)?;
        }
        Ok(())
    }

    /// `column` mode: names left-aligned over dashes, two spaces between columns, no borders.
    fn finish_plain(&self, out: &mut dyn Write) -> io::Result<()> {
        if self.show_names {
            self.plain_line(out, self.headers.iter().map(|cell| cell.first()))?;
            let mut rule = Vec::new();
            for (i, &w) in self.widths.iter().enumerate() {
                if i > 0 {
                    rule.extend_from_slice(b"  ");
                }
                rule.extend(std::iter::repeat_n(b'-', w));
            }
            rule.push(b'\n');
            out.write_all(&rule)?;
        }
        for (i, row) in self.rows.iter().enumerate() {
            if i > 0 && self.multi_line {
                out.write_all(b"\n")?;
            }
            let height = row.iter().map(Vec::len).max().unwrap_or(1);
            for k in 0..height {
                self.plain_line(out, row.iter().map(|cell| cell.get(k)))?;
            }
        }
        Ok(())
    }

    fn plain_line<'a>(
        &self,
        out: &mut dyn Write,
        cells: impl Iterator<Item = Option<&'a Line>>,
    ) -> io::Result<()> {
        let mut line = Vec::new();
        for (i, (cell, &w)) in cells.zip(&self.widths).enumerate() {
            if i > 0 {
                line.extend_from_slice(b"  ");
            }
            let (text, n) = cell.map_or((&[][..], 0), |(t, n)| (&t[..], *n));
            line.extend_from_slice(text);
            line.extend(std::iter::repeat_n(b' ', w - n));
        }
        line.push(b'\n');
        out.write_all(&line)
    }

    fn rule(&self, out: &mut dyn Write, [left, fill, cross, right]: [&str; 4]) -> io::Result<()> {
        let mut line = String::from(left);
        for (i, &w) in self.widths.iter().enumerate() {
            if i > 0 {
                line.push_str(cross);
            }
            line.push_str(&fill.repeat(w + 2));
        }
        line.push_str(right);
        line.push('\n');
        out.write_all(line.as_bytes())
    }

    fn header(&self, out: &mut dyn Write, bar: &str) -> io::Result<()> {
        let height = self.headers.iter().map(Vec::len).max().unwrap_or(1);
        for k in 0..height {
            let mut line = Vec::new();
            for (cell, &w) in self.headers.iter().zip(&self.widths) {
                let (text, n) = cell.get(k).map_or((&[][..], 0), |(t, n)| (&t[..], *n));
                let left = (w - n) / 2;
                line.extend_from_slice(bar.as_bytes());
                line.push(b' ');
                line.extend(std::iter::repeat_n(b' ', left));
                line.extend_from_slice(text);
                line.extend(std::iter::repeat_n(b' ', w - n - left + 1));
            }
            line.extend_from_slice(bar.as_bytes());
            line.push(b'\n');
            out.write_all(&line)?;
        }
        Ok(())
    }

    fn row(&self, out: &mut dyn Write, bar: &str, row: &[Vec<Line>]) -> io::Result<()> {
        let height = row.iter().map(Vec::len).max().unwrap_or(1);
        for k in 0..height {
            let mut line = Vec::new();
            for (cell, &w) in row.iter().zip(&self.widths) {
                let (text, n) = cell.get(k).map_or((&[][..], 0), |(t, n)| (&t[..], *n));
                line.extend_from_slice(bar.as_bytes());
                line.push(b' ');
                line.extend_from_slice(text);
                line.extend(std::iter::repeat_n(b' ', w - n + 1));
            }
            line.extend_from_slice(bar.as_bytes());
            line.push(b'\n');
            out.write_all(&line)?;
        }
        Ok(())
    }
}

/// The pieces each aligned mode draws with: rules as left, fill, cross, right.
struct Style {
    top: Option<[&'static str; 4]>,
    under_header: [&'static str; 4],
    between: Option<[&'static str; 4]>,
    bottom: Option<[&'static str; 4]>,
    vertical: &'static str,
}

impl Style {
    fn of(mode: Mode) -> Style {
        match mode {
            Mode::Box => Style {
                top: Some(["┌", "─", "┬", "┐"]),
                under_header: ["├", "─", "┼", "┤"],
                between: Some(["├", "─", "┼", "┤"]),
                bottom: Some(["└", "─", "┴", "┘"]),
                vertical: "│",
            },
            Mode::Markdown => Style {
                top: None,
                under_header: ["|", "-", "|", "|"],
                between: None,
                bottom: None,
                vertical: "|",
            },
            _ => Style {
                top: Some(["+", "-", "+", "+"]),
                under_header: ["+", "-", "+", "+"],
                between: Some(["+", "-", "+", "+"]),
                bottom: Some(["+", "-", "+", "+"]),
                vertical: "|",
            },
        }
    }
}

fn widest(cell: &[Line]) -> usize {
    cell.iter().map(|(_, n)| *n).max().unwrap_or(0)
}

/// A cell's text split into display lines (see the module's documentation).
fn lines(text: &[u8]) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut i = 0;
    loop {
        let mut line = Vec::new();
        let mut n = 0;
        while i < text.len() {
            let c = text[i];
            if c >= b' ' {
                n += 1;
                line.push(c);
                i += 1;
                while i < text.len() && text[i] & 0xc0 == 0x80 {
                    line.push(text[i]);
                    i += 1;
                }
            } else if c == b'\t' {
                loop {
                    n += 1;
                    line.push(b' ');
                    if n % 8 == 0 {
                        break;
                    }
                }
                i += 1;
            } else {
                break;
            }
        }
        lines.push((line, n));
        if i >= text.len() {
            return lines;
        }
        i += if text[i] == b'\r' && text.get(i + 1) == Some(&b'\n') {
            2
        } else {
            1
        };
        if i >= text.len() {
            return lines;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(text: &str) -> Vec<(String, usize)> {
        lines(text.as_bytes())
            .into_iter()
            .map(|(l, n)| (String::from_utf8(l).unwrap(), n))
            .collect()
    }

    #[test]
    fn control_characters_break_lines_and_tabs_expand() {
        assert_eq!(shown("a\r\nb"), [("a".into(), 1), ("b".into(), 1)]);
        assert_eq!(shown("a\x01\x02b").len(), 3);
        assert_eq!(shown("x\n"), [("x".into(), 1)]);
        assert_eq!(shown("\n"), [(String::new(), 0)]);
        assert_eq!(shown("ab\tc"), [("ab      c".into(), 9)]);
        assert_eq!(shown("日本"), [("日本".into(), 2)]);
    }
}
