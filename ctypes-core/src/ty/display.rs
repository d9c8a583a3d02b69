//! Printing types as C declarations.

use std::fmt::{self, Write};

use super::ctype::{CType, TypeKind};
use super::deep::deeper;
use super::record::{Field, RecordDef};
use super::signature::Signature;
use crate::layout::{ByteOrder, LayoutRules};

impl CType {
    /// The C declaration of `name` with this type: `int (*name)[3]`, `void (*cb)(int)`.
    pub fn declaration(&self, name: &str) -> String {
        let mut out = String::new();
        declarator(self, name.to_owned(), &mut out);
        out
    }

    /// The full definition of a record with each member's offset and size as comments, and the
    /// record's size and alignment; for other types, the same as `to_string()`. `{:#}` prints
    /// this too.
    ///
    /// ```
    /// use ctypes_core::{CType, Scalar};
    ///
    /// let point = CType::struct_builder("point")
    ///     .field("x", CType::scalar(Scalar::Short))
    ///     .field("y", CType::scalar(Scalar::Int))
    ///     .build()?;
    /// assert_eq!(
    ///     point.definition(),
    ///     "struct point {\n    short x; /* offset 0, size 2 */\n    int y; /* offset 4, size 4 */\n}; /* size 8, align 4 */"
    /// );
    /// # Ok::<(), ctypes_core::Error>(())
    /// ```
    pub fn definition(&self) -> String {
        let mut out = String::new();
        match self.as_record() {
            Some(record) => match record.definition() {
                Some(def) => {
                    if let Some(pack) = def.pack() {
                        let _ = writeln!(out, "#pragma pack(push, {pack})");
                    }
                    write_record_body(self, def, 0, 0, &mut out);
                    let _ = write!(out, "; /* size {}, align {} */", def.size(), def.align());
                    if def.pack().is_some() {
                        out.push_str("\n#pragma pack(pop)");
                    }
                }
                None => {
                    let _ = write!(out, "{};", record.c_name());
                }
            },
            None => out = self.to_string(),
        }
        out
    }
}

impl fmt::Display for CType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            return f.write_str(&self.definition());
        }
        f.write_str(self.declaration("").trim_end())
    }
}

/// Writes `ty` declaring `name`.
///
/// The declarator grows outward from the name: `*` in front of it, `[n]` and `(parameters)`
/// behind it, parentheses around both where C needs them. What goes in front is kept as a list
/// (innermost first) and what goes behind as one string, so a chain of a million pointers or
/// arrays takes linear time and no recursion; only parameter lists recurse, on a stack that
/// grows as needed.
fn declarator(ty: &CType, name: String, out: &mut String) {
    let mut before: Vec<&str> = Vec::new();
    let mut after = String::new();
    let mut ty = ty;
    // Whether the type reached is `const`: the target of a pointer to const.
    let mut is_const = false;
    let base_name = loop {
        match ty.kind() {
            TypeKind::Void => break "void".to_owned(),
            TypeKind::Scalar(s) => break s.c_name().to_owned(),
            TypeKind::Record(r) => break r.c_name(),
            TypeKind::Pointer(target) => {
                // A `const` pointer is written `* const`, its qualifier after its star.
                before.push(if is_const { "*const " } else { "*" });
                is_const = ty.is_pointer_to_const();
                if matches!(
                    target.kind(),
                    TypeKind::Array { .. } | TypeKind::Function(_)
                ) {
                    before.push("(");
                    after.push(')');
                }
                ty = target;
            }
            TypeKind::Array { element, len } => {
                let _ = write!(after, "[{len}]");
                ty = element;
            }
            TypeKind::Function(sig) => {
                after.push('(');
                deeper(|| write_parameter_list(sig, &mut after));
                after.push(')');
                // A function is never `const`, nor is its result by this pointer.
                is_const = false;
                ty = sig.result();
            }
        }
    };
    if is_const {
        out.push_str("const ");
    }
    out.push_str(&base_name);
    if !before.is_empty() || !name.is_empty() || !after.is_empty() {
        out.push(' ');
        out.extend(before.iter().rev().copied());
        out.push_str(&name);
        out.push_str(&after);
    }
}

fn write_parameter_list(sig: &Signature, out: &mut String) {
    if sig.args().is_empty() && !sig.is_variadic() {
        out.push_str("void");
        return;
    }
    for (i, arg) in sig.args().iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        declarator(arg, String::new(), out);
    }
    if sig.is_variadic() {
        if !sig.args().is_empty() {
            out.push_str(", ");
        }
        out.push_str("...");
    }
}

/// Writes `struct tag attrs { members }` with members indented by `depth` levels; `base` is the
/// record's offset within the outermost record, so nested members show absolute offsets.
fn write_record_body(ty: &CType, def: &RecordDef, depth: usize, base: usize, out: &mut String) {
    let record = ty.as_record().expect("caller passes a record");
    out.push_str(record.kind().keyword());
    // Attributes go between the keyword and the tag: `struct tag __attribute__((...)) {` is not C.
    write_attributes(def, out);
    if let Some(tag) = record.tag() {
        let _ = write!(out, " {tag}");
    }
    if let (Some(pack), true) = (def.pack(), depth > 0) {
        // `#pragma pack` cannot appear inside a member list.
        let _ = write!(out, " /* pack({pack}) */");
    }
    out.push_str(" {\n");
    for field in def.fields() {
        write_member(field, depth + 1, base, out);
    }
    let _ = write!(out, "{:indent$}}}", "", indent = depth * 4);
}

fn write_attributes(def: &RecordDef, out: &mut String) {
    let mut attrs = Vec::new();
    if def.rules() != LayoutRules::NATIVE {
        attrs.push(match def.rules() {
            LayoutRules::Msvc => "ms_struct".to_owned(),
            LayoutRules::SysV => "gcc_struct".to_owned(),
        });
    }
    if let Some(align) = def.align_attr() {
        attrs.push(format!("aligned({align})"));
    }
    if def.byte_order() != ByteOrder::NATIVE {
        let order = match def.byte_order() {
            ByteOrder::Big => "big-endian",
            ByteOrder::Little => "little-endian",
        };
        attrs.push(format!("scalar_storage_order(\"{order}\")"));
    }
    if !attrs.is_empty() {
        let _ = write!(out, " __attribute__(({}))", attrs.join(", "));
    }
}

fn write_member(field: &Field, depth: usize, base: usize, out: &mut String) {
    let _ = write!(out, "{:indent$}", "", indent = depth * 4);
    let offset = base + field.offset();
    match field.ty().as_record().and_then(|r| r.definition()) {
        Some(inner) if field.is_anonymous() => {
            deeper(|| write_record_body(field.ty(), inner, depth, offset, out));
        }
        _ => out.push_str(&field.ty().declaration(field.name().unwrap_or(""))),
    }
    match field.bit_width() {
        Some(width) => {
            let _ = write!(
                out,
                " : {width}; /* offset {offset}, bit {}, width {width} */",
                field.bit_offset()
            );
        }
        None => {
            let _ = write!(out, "; /* offset {offset}, size {} */", field.size());
        }
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use crate::{CType, Scalar, Signature};

    #[test]
    fn declarators_nest_like_c() {
        let int = CType::scalar(Scalar::Int);
        let arr = int.array(3).unwrap();
        assert_eq!(arr.pointer().declaration("p"), "int (*p)[3]");
        assert_eq!(
            int.pointer().array(4).unwrap().declaration("a"),
            "int *a[4]"
        );
        let cb = CType::function_pointer(Signature::new(vec![int.clone()], CType::void()));
        assert_eq!(cb.declaration("cb"), "void (*cb)(int)");
        assert_eq!(cb.to_string(), "void (*)(int)");
        let none = CType::function_pointer(Signature::new(vec![], int.clone()));
        assert_eq!(none.array(2).unwrap().declaration("t"), "int (*t[2])(void)");
        let returns_fp = Signature::new(vec![int.clone()], cb);
        assert_eq!(
            CType::function_pointer(returns_fp).declaration("f"),
            "void (*(*f)(int))(int)"
        );
    }

    #[test]
    fn const_targets_print_where_c_writes_them() {
        let char_ = CType::scalar(Scalar::Char);
        assert_eq!(char_.pointer_to_const().declaration("s"), "const char *s");
        // A pointer to a const pointer to char, and a const pointer to const char.
        assert_eq!(
            char_.pointer().pointer_to_const().declaration("p"),
            "char *const *p"
        );
        assert_eq!(
            char_.pointer_to_const().pointer_to_const().declaration("p"),
            "const char *const *p"
        );
        // Through arrays to their elements: a pointer to an array of 3 const ints.
        let ints = CType::scalar(Scalar::Int).array(3).unwrap();
        assert_eq!(
            ints.pointer_to_const().declaration("a"),
            "const int (*a)[3]"
        );
        assert_eq!(
            char_
                .pointer_to_const()
                .array(2)
                .unwrap()
                .declaration("names"),
            "const char *names[2]"
        );
        let strchr = Signature::new(
            vec![char_.pointer_to_const(), CType::scalar(Scalar::Int)],
            char_.pointer(),
        );
        assert_eq!(
            CType::function_pointer(strchr.clone()).declaration("f"),
            "char *(*f)(const char *, int)"
        );
        // Equality ignores the qualifier: a call passes either alike.
        assert_eq!(char_.pointer_to_const(), char_.pointer());
        assert_eq!(
            CType::function_pointer(strchr),
            CType::function_pointer(Signature::new(
                vec![char_.pointer(), CType::scalar(Scalar::Int)],
                char_.pointer()
            ))
        );
        assert!(!char_.pointer().is_pointer_to_const());
    }
}
