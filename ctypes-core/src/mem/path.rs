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

/// The steps of a path, in order; the empty path has none. An error ends them.
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
pub(crate) fn steps(path: &str) -> Steps<'_> {
    Steps {
        path,
        rest: path,
        first: true,
    }
}

/// Checks the whole of a path against its grammar (see [`steps`]), without allocating.
pub(crate) fn check(path: &str) -> Result<()> {
    steps(path).try_for_each(|step| step.map(drop))
}

/// The iterator of [`steps`].
pub(crate) struct Steps<'a> {
    path: &'a str,
    rest: &'a str,
    first: bool,
}

impl<'a> Iterator for Steps<'a> {
    type Item = Result<Step<'a>>;

    fn next(&mut self) -> Option<Result<Step<'a>>> {
        if self.rest.is_empty() {
            return None;
        }
        let step = self.step();
        self.first = false;
        if step.is_err() {
            self.rest = "";
        }
        Some(step)
    }
}

impl<'a> Steps<'a> {
    fn step(&mut self) -> Result<Step<'a>> {
        let path = self.path;
        let bad = |reason: String| Error::BadPath {
            path: path.to_owned(),
            reason,
        };
        if let Some(after) = self.rest.strip_prefix('[') {
            let close = after
                .find(']')
                .ok_or_else(|| bad("missing `]`".to_owned()))?;
            let step = Step::Index(index(&after[..close]).map_err(bad)?);
            self.rest = &after[close + 1..];
            return Ok(step);
        }
        let named = match self.rest.strip_prefix('.') {
            Some(_) if self.first => return Err(bad("a path may not start with `.`".into())),
            Some(after) => after,
            None if self.first => self.rest,
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
        self.rest = &named[end..];
        Ok(Step::Field(name))
    }
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

    fn parse(path: &str) -> Result<Vec<Step<'_>>> {
        let steps = steps(path).collect::<Result<Vec<_>>>();
        assert_eq!(check(path).is_ok(), steps.is_ok());
        steps
    }

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
