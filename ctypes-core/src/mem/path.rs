//! Field paths: `hdr.items[3].len`.

use crate::error::{Error, Result};

/// One step of a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Step<'a> {
    /// A field by name.
    Field(&'a str),
    /// An array element (or a pointer's target at an index).
    Index(usize),
}

/// Splits a path into steps. The empty path has none.
///
/// The grammar, exactly (no spaces anywhere):
///
/// ```text
/// path  = "" | first step*
/// first = name | index
/// step  = "." name | index
/// name  = [A-Za-z_] [A-Za-z0-9_]*        a C identifier
/// index = "[" ( "0" | [1-9] [0-9]* ) "]"  decimal, no sign, at most usize::MAX
/// ```
pub(crate) fn parse(path: &str) -> Result<Vec<Step<'_>>> {
    let bad = |reason: String| Error::BadPath {
        path: path.to_owned(),
        reason,
    };
    let mut steps = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('[') {
            let close = after
                .find(']')
                .ok_or_else(|| bad("missing `]`".to_owned()))?;
            steps.push(Step::Index(index(&after[..close]).map_err(bad)?));
            rest = &after[close + 1..];
            continue;
        }
        let named = match rest.strip_prefix('.') {
            Some(_) if steps.is_empty() => return Err(bad("a path may not start with `.`".into())),
            Some(after) => after,
            None if steps.is_empty() => rest,
            None => return Err(bad("expected `.` or `[` after a step".to_owned())),
        };
        let end = named
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(named.len());
        let name = &named[..end];
        if name.is_empty() {
            return Err(bad(match named.chars().next() {
                None => "a path may not end with `.`".to_owned(),
                Some(c) => format!("expected a field name, found `{c}`"),
            }));
        }
        if name.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(bad(format!(
                "a field name is a C identifier and cannot start with a digit: `{name}`"
            )));
        }
        steps.push(Step::Field(name));
        rest = &named[end..];
    }
    Ok(steps)
}

/// The index between `[` and `]`.
fn index(digits: &str) -> std::result::Result<usize, String> {
    let decimal = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    if !decimal {
        return Err(format!(
            "an index is a non-negative decimal integer, found `[{digits}]`"
        ));
    }
    if digits.len() > 1 && digits.starts_with('0') {
        return Err(format!("an index has no leading zeros, found `[{digits}]`"));
    }
    digits
        .parse()
        .map_err(|_| format!("index {digits} is larger than the largest, {}", usize::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_into_fields_and_indices() {
        assert_eq!(
            parse("hdr.items[3].len").unwrap(),
            vec![
                Step::Field("hdr"),
                Step::Field("items"),
                Step::Index(3),
                Step::Field("len")
            ]
        );
        assert_eq!(
            parse("[2][1]").unwrap(),
            vec![Step::Index(2), Step::Index(1)]
        );
        assert_eq!(parse("").unwrap(), vec![]);
        assert_eq!(
            parse("_a1[0][10].b_").unwrap(),
            vec![
                Step::Field("_a1"),
                Step::Index(0),
                Step::Index(10),
                Step::Field("b_")
            ]
        );
    }

    #[test]
    fn malformed_paths_say_why() {
        for (path, reason) in [
            ("a.", "a path may not end with `.`"),
            (".a", "a path may not start with `.`"),
            ("a[1", "missing `]`"),
            (
                "a[-1]",
                "an index is a non-negative decimal integer, found `[-1]`",
            ),
            ("a..b", "expected a field name, found `.`"),
            ("a[1]b", "expected `.` or `[` after a step"),
            ("a.[0]", "expected a field name, found `[`"),
            (
                "[+1]",
                "an index is a non-negative decimal integer, found `[+1]`",
            ),
            (
                "[ 2 ]",
                "an index is a non-negative decimal integer, found `[ 2 ]`",
            ),
            (
                "[]",
                "an index is a non-negative decimal integer, found `[]`",
            ),
            ("[01]", "an index has no leading zeros, found `[01]`"),
            (
                "[18446744073709551616]",
                "index 18446744073709551616 is larger than the largest, 18446744073709551615",
            ),
            ("a b", "expected `.` or `[` after a step"),
            (" a", "expected a field name, found ` `"),
            (
                "a.1b",
                "a field name is a C identifier and cannot start with a digit: `1b`",
            ),
            ("a-b", "expected `.` or `[` after a step"),
        ] {
            match parse(path) {
                Err(Error::BadPath { reason: r, .. }) => assert_eq!(r, reason, "{path}"),
                other => panic!("{path}: {other:?}"),
            }
        }
    }
}
