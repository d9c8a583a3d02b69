//! The figures `scripts/cpython_ctypes_bench.py` writes: CPython's `ctypes` calling the same C
//! functions on the same machine, for comparison rows.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::Path;

use serde_json::Value;

/// Nanoseconds per iteration by group id, and the Python that measured them.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct CpythonFigures {
    pub python: String,
    pub ns: BTreeMap<String, f64>,
}

impl CpythonFigures {
    /// Reads the file; `Ok(None)` when it does not exist.
    pub fn read(path: &Path) -> Result<Option<CpythonFigures>, String> {
        let text = match fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(format!("cannot read {}: {error}", path.display())),
        };
        CpythonFigures::parse(&text)
            .map(Some)
            .map_err(|error| format!("{}: {error}", path.display()))
    }

    /// Parses `{"python": "3.x.y", "<group>": ns, ...}`; keys that are not numbers are ignored.
    pub fn parse(text: &str) -> Result<CpythonFigures, String> {
        let json: Value = serde_json::from_str(text).map_err(|error| error.to_string())?;
        let object = json.as_object().ok_or("not a JSON object")?;
        let python = object
            .get("python")
            .and_then(Value::as_str)
            .unwrap_or("unknown")
            .to_owned();
        let ns = object
            .iter()
            .filter_map(|(key, value)| Some((key.clone(), value.as_f64()?)))
            .filter(|(_, ns)| ns.is_finite() && *ns > 0.0)
            .collect();
        Ok(CpythonFigures { python, ns })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_numbers_by_group_and_the_version() {
        let figures = CpythonFigures::parse(
            r#"{"python": "3.11.7", "add": 61.5, "mid": 300, "number": "x", "repeat": 5}"#,
        )
        .unwrap();
        assert_eq!(figures.python, "3.11.7");
        assert_eq!(figures.ns.get("add"), Some(&61.5));
        assert_eq!(figures.ns.get("mid"), Some(&300.0));
        assert_eq!(figures.ns.get("number"), None);
    }

    #[test]
    fn a_missing_file_is_not_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            CpythonFigures::read(&dir.path().join("none.json")),
            Ok(None)
        );
    }
}
