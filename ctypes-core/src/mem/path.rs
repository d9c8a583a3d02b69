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
pub(crate) fn parse(path: &str) -> Result<Vec<Step<'_>>> {
    let bad = |reason| Error::BadPath {
        path: path.to_owned(),
        reason,
    };
    let mut steps = Vec::new();
    let mut rest = path;
    let mut expect_name = true;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('[') {
            let close = after.find(']').ok_or_else(|| bad("missing `]`"))?;
            let index = after[..close]
                .trim()
                .parse()
                .map_err(|_| bad("an index must be a non-negative integer"))?;
            steps.push(Step::Index(index));
            rest = &after[close + 1..];
            expect_name = false;
        } else if let Some(after) = rest.strip_prefix('.') {
            if steps.is_empty() {
                return Err(bad("a path may not start with `.`"));
            }
            if expect_name {
                return Err(bad("empty field name"));
            }
            rest = after;
            expect_name = true;
            if rest.is_empty() {
                return Err(bad("a path may not end with `.`"));
            }
        } else {
            if !expect_name {
                return Err(bad("expected `.` or `[` after an index"));
            }
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            let name = &rest[..end];
            if name.is_empty() {
                return Err(bad("empty field name"));
            }
            steps.push(Step::Field(name));
            rest = &rest[end..];
            expect_name = false;
        }
    }
    Ok(steps)
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
    }

    #[test]
    fn malformed_paths_say_why() {
        for (path, reason) in [
            ("a.", "a path may not end with `.`"),
            (".a", "a path may not start with `.`"),
            ("a[1", "missing `]`"),
            ("a[-1]", "an index must be a non-negative integer"),
            ("a..b", "empty field name"),
            ("a[1]b", "expected `.` or `[` after an index"),
        ] {
            match parse(path) {
                Err(Error::BadPath { reason: r, .. }) => assert_eq!(r, reason, "{path}"),
                other => panic!("{path}: {other:?}"),
            }
        }
    }
}
