//! libffi type descriptions of C types, exact enough that libffi passes each value as the C
//! compiler does.

use std::ptr::{addr_of_mut, null_mut};

use libffi_sys::{self as sys, ffi_type};

use crate::ty::{deeper, CType, RecordDef, RecordKind, Scalar, ScalarClass, TypeKind};

/// A libffi description of one C type: a pointer to one of libffi's own scalar descriptions, or
/// to a struct description owned here (with everything it points to).
pub(crate) struct FfiType {
    ptr: *mut ffi_type,
    _owned: Option<Box<OwnedStruct>>,
}

/// A struct description and the element list it points to. Boxed so that its address, which
/// libffi keeps, never changes.
struct OwnedStruct {
    ty: ffi_type,
    /// Null-terminated, as libffi requires.
    elements: Vec<*mut ffi_type>,
    /// The descriptions the elements point to.
    _children: Vec<FfiType>,
}

// SAFETY: an `FfiType` is immutable once built, except that `ffi_prep_cif` fills in the size and
// alignment of struct descriptions, which happens once, before the description is shared (see
// `Cif::new`). libffi's own scalar descriptions are static and never written after startup.
unsafe impl Send for FfiType {}
// SAFETY: as for `Send`: shared use only reads.
unsafe impl Sync for FfiType {}

impl FfiType {
    pub(crate) fn as_ptr(&self) -> *mut ffi_type {
        self.ptr
    }

    /// The description of `ty` as a function argument or result: arrays are passed as pointers
    /// to their first element, as C does; `void` only makes sense as a result.
    pub(crate) fn of(ty: &CType) -> Result<FfiType, String> {
        match ty.kind() {
            TypeKind::Void => Ok(FfiType::fixed(addr_of_mut!(sys::ffi_type_void))),
            TypeKind::Array { .. } | TypeKind::Pointer(_) => {
                Ok(FfiType::fixed(addr_of_mut!(sys::ffi_type_pointer)))
            }
            _ => FfiType::element(ty),
        }
    }

    /// The description of `ty` as a function result: as [`FfiType::of`], but refusing the
    /// records that C returns where libffi does not look for a record.
    pub(crate) fn of_result(ty: &CType) -> Result<FfiType, String> {
        let described = FfiType::of(ty)?;
        if let Some(def) = ty.as_record().and_then(|r| r.definition()) {
            if returned_in_x87(def) {
                return Err(format!(
                    "`{ty}` cannot be returned by value: it holds a long double, so C returns it \
                     in the x87 register st0, where libffi does not look for a record"
                ));
            }
        }
        Ok(described)
    }

    /// The description of `ty` as a member of a struct description.
    fn element(ty: &CType) -> Result<FfiType, String> {
        match ty.kind() {
            TypeKind::Scalar(s) if s.class() == ScalarClass::Complex => complex(*s),
            TypeKind::Scalar(s) => Ok(FfiType::fixed(scalar(*s))),
            TypeKind::Pointer(_) => Ok(FfiType::fixed(addr_of_mut!(sys::ffi_type_pointer))),
            TypeKind::Record(record) => {
                let def = record
                    .definition()
                    .ok_or_else(|| format!("`{ty}` is incomplete"))?;
                deeper(|| FfiType::record(ty, def))
            }
            TypeKind::Void | TypeKind::Function(_) => Err(format!("`{ty}` has no values")),
            TypeKind::Array { .. } => Err(format!("an array (`{ty}`) cannot be passed by value")),
        }
    }

    /// This struct description with its size and alignment given, rather than left for libffi
    /// to compute from the elements (libffi computes them only when `size` is 0).
    #[cfg(all(target_arch = "x86_64", unix))]
    fn with_layout(mut self, size: usize, align: usize) -> FfiType {
        let owned = self
            ._owned
            .as_mut()
            .expect("only struct descriptions are given a layout");
        owned.ty.size = size;
        owned.ty.alignment = u16::try_from(align).expect("alignment checked to be at most 16");
        self
    }

    fn fixed(ptr: *mut ffi_type) -> FfiType {
        FfiType { ptr, _owned: None }
    }

    fn structure(children: Vec<FfiType>) -> FfiType {
        let mut elements: Vec<*mut ffi_type> = children.iter().map(FfiType::as_ptr).collect();
        elements.push(null_mut());
        let mut owned = Box::new(OwnedStruct {
            ty: ffi_type {
                size: 0,
                alignment: 0,
                type_: sys::FFI_TYPE_STRUCT,
                elements: null_mut(),
            },
            elements,
            _children: children,
        });
        owned.ty.elements = owned.elements.as_mut_ptr();
        let ptr = addr_of_mut!(owned.ty);
        FfiType {
            ptr,
            _owned: Some(owned),
        }
    }

    /// A struct or union: by size and alignment alone when the platform ABI passes it in
    /// memory; member by member when libffi's natural layout of the members is the record's
    /// layout; otherwise (unions, bit-fields, packing, extra alignment, or such a record nested
    /// inside), as the platform ABI classifies the whole record.
    fn record(ty: &CType, def: &RecordDef) -> Result<FfiType, String> {
        #[cfg(all(target_arch = "x86_64", unix))]
        if def.size() > 16 {
            return in_memory(ty, def);
        }
        // On x86-64 the classifier decides, for natural records too: a member of size zero
        // still counts where GCC counts it (`struct { float a; int z[0]; }` is INTEGER), which
        // a natural description would leave out. Records of `long double`s keep their natural
        // description: libffi passes them in memory as C does.
        #[cfg(all(target_arch = "x86_64", unix))]
        if !(is_natural(def) && holds_long_double(def)) {
            return classified(ty, def);
        }
        #[cfg(not(all(target_arch = "x86_64", unix)))]
        if !is_natural(def) {
            return classified(ty, def);
        }
        let mut children = Vec::new();
        for field in def.fields() {
            if field.size() == 0 {
                continue;
            }
            let (element, count) = innermost(field.ty());
            let total = count
                .checked_add(children.len())
                .filter(|&n| n <= MAX_ELEMENTS)
                .ok_or_else(|| {
                    format!(
                        "`{ty}` cannot be passed by value: it has more than {MAX_ELEMENTS} \
                         scalar members, too many to describe to libffi one by one"
                    )
                })?;
            children.reserve(total - children.len());
            for _ in 0..count {
                children.push(FfiType::element(&element)?);
            }
        }
        Ok(FfiType::structure(children))
    }
}

/// The most elements a record is described with member by member.
const MAX_ELEMENTS: usize = 1 << 16;

/// Whether C returns a record in the x87 registers (or, where this is not known, may): on x86-64
/// System V, a record of at most 16 bytes holding a `long double` (one that is exactly a `long
/// double`, the x87 class, is returned in st0; libffi returns every record in RAX:RDX, XMM
/// registers or memory). Elsewhere, any record holding a `long double`.
fn returned_in_x87(def: &RecordDef) -> bool {
    if cfg!(all(target_arch = "x86_64", unix)) && def.size() > 16 {
        return false;
    }
    holds_long_double(def)
}

fn holds_long_double(def: &RecordDef) -> bool {
    def.fields().iter().any(|field| {
        let (element, _) = innermost(field.ty());
        match element.kind() {
            TypeKind::Scalar(s) => *s == Scalar::LongDouble,
            TypeKind::Record(r) => r
                .definition()
                .is_some_and(|def| deeper(|| holds_long_double(def))),
            _ => false,
        }
    })
}

/// The element type of a (possibly multi-dimensional) array and the total element count; the
/// type itself and 1 for anything else. A count that overflows (possible only for an array of
/// zero size) saturates at `usize::MAX`.
fn innermost(ty: &CType) -> (CType, usize) {
    let mut ty = ty.clone();
    let mut count: usize = 1;
    while let Some((element, len)) = ty.as_array().map(|(e, n)| (e.clone(), n)) {
        count = count.saturating_mul(len);
        ty = element;
    }
    (ty, count)
}

/// Whether libffi, laying out the record's members (arrays expanded, members of size zero
/// left out, as the C compiler leaves them out when it classifies a record) by their natural
/// alignment, gets the record's own offsets, size and alignment.
fn is_natural(def: &RecordDef) -> bool {
    let mut end: usize = 0;
    let mut max_align: usize = 0;
    for field in def.fields() {
        if field.is_bit_field() {
            return false;
        }
        if field.size() == 0 {
            // No data; the record is natural only if its alignment plays no part, which the
            // offsets of later members and the final size and alignment check.
            continue;
        }
        let (element, count) = innermost(field.ty());
        if let Some(inner) = element.as_record().and_then(|r| r.definition()) {
            if inner_kind_is_union(&element) || !deeper(|| is_natural(inner)) {
                return false;
            }
        }
        let (Ok(size), Ok(align)) = (element.size(), element.align()) else {
            return false;
        };
        let at = end.next_multiple_of(align);
        if at != field.offset() {
            return false;
        }
        let Some(next) = size.checked_mul(count).and_then(|n| at.checked_add(n)) else {
            return false;
        };
        end = next;
        max_align = max_align.max(align);
    }
    // No member with data: libffi cannot describe an empty record.
    max_align != 0 && end.next_multiple_of(max_align) == def.size() && max_align == def.align()
}

fn inner_kind_is_union(ty: &CType) -> bool {
    ty.is_record_of(RecordKind::Union)
}

/// libffi's description of a complex type (libffi has them wherever it is built with
/// `FFI_TARGET_HAS_COMPLEX_TYPE`, which `libffi-sys` declares on every target but Windows).
#[cfg(not(windows))]
fn complex(s: Scalar) -> Result<FfiType, String> {
    Ok(FfiType::fixed(match s {
        Scalar::FloatComplex => addr_of_mut!(sys::ffi_type_complex_float),
        Scalar::DoubleComplex => addr_of_mut!(sys::ffi_type_complex_double),
        _ => addr_of_mut!(sys::ffi_type_complex_longdouble),
    }))
}

#[cfg(windows)]
fn complex(s: Scalar) -> Result<FfiType, String> {
    Err(format!(
        "`{s}` cannot be passed by value through libffi on this target: it has no complex types"
    ))
}

/// libffi's description of a real scalar.
fn scalar(s: Scalar) -> *mut ffi_type {
    match (s.class(), s.size()) {
        (ScalarClass::Float, _) => match s {
            Scalar::Float => addr_of_mut!(sys::ffi_type_float),
            Scalar::Double => addr_of_mut!(sys::ffi_type_double),
            _ => addr_of_mut!(sys::ffi_type_longdouble),
        },
        (ScalarClass::Integer { signed: true }, 1) => addr_of_mut!(sys::ffi_type_sint8),
        (ScalarClass::Integer { signed: true }, 2) => addr_of_mut!(sys::ffi_type_sint16),
        (ScalarClass::Integer { signed: true }, 4) => addr_of_mut!(sys::ffi_type_sint32),
        (ScalarClass::Integer { signed: true }, _) => addr_of_mut!(sys::ffi_type_sint64),
        (_, 1) => addr_of_mut!(sys::ffi_type_uint8),
        (_, 2) => addr_of_mut!(sys::ffi_type_uint16),
        (_, 4) => addr_of_mut!(sys::ffi_type_uint32),
        (_, _) => addr_of_mut!(sys::ffi_type_uint64),
    }
}

/// A description of a record over 16 bytes, which the x86-64 psABI always passes and returns
/// in memory (its only exception, a record of vector types, has no equivalent here): libffi
/// then needs only the record's size and alignment, so the description carries those, and a
/// few integer elements that make libffi classify the record as memory too, whatever its
/// members, however many.
#[cfg(all(target_arch = "x86_64", unix))]
fn in_memory(ty: &CType, def: &RecordDef) -> Result<FfiType, String> {
    let (size, align) = (def.size(), def.align());
    debug_assert!(size > 16);
    // A natural record's alignment, at most 16, is what libffi computes from its members
    // anyway, and has always been given to libffi.
    if align > 8 && !is_natural(def) {
        return Err(format!(
            "`{ty}` cannot be passed by value: its alignment exceeds 8, and libffi aligns such a \
             value differently from C"
        ));
    }
    let chunk = align.min(8);
    let described = FfiType::structure(
        (0..16 / chunk)
            .map(|_| FfiType::fixed(integer_of_size(chunk)))
            .collect(),
    );
    Ok(described.with_layout(size, align))
}

/// A description of a record of at most 16 bytes that libffi classifies exactly as the x86-64
/// psABI classifies the C record (see [`crate::abi::classify`]): one element list per
/// eightbyte, integers where the class is INTEGER, a float or a double where it is SSE.
///
/// The description carries the record's own size and alignment, which libffi then keeps
/// instead of computing them from the elements (as CPython's ctypes does for packed records):
/// a packed record is copied with exactly its size, and its stack slot is aligned as C aligns
/// it, while the elements only steer the classification.
#[cfg(all(target_arch = "x86_64", unix))]
fn classified(ty: &CType, def: &RecordDef) -> Result<FfiType, String> {
    use crate::abi::{classify, Class};

    let size = def.size();
    let align = def.align();
    debug_assert!(size <= 16);
    let cannot = |why: &str| format!("`{ty}` cannot be passed by value: {why}");
    if holds_long_double(def) {
        return Err(cannot("it holds a long double"));
    }
    let classification = classify(ty).map_err(|e| cannot(&e.to_string()))?;
    let Some(classes) = classification.classes() else {
        let member = misaligned_member(ty, 0).unwrap_or_else(|| "a member".to_owned());
        return Err(cannot(&format!(
            "{member} is not aligned, so C passes the record in memory, which libffi cannot \
             be told for a record of 16 bytes or less"
        )));
    };
    if align > 8 {
        return Err(cannot(
            "its alignment exceeds 8, and libffi aligns such a value differently from C",
        ));
    }
    if size == 0 {
        return Err(cannot("it is empty"));
    }
    let mut children = Vec::new();
    for (i, class) in classes.iter().enumerate() {
        let extent = (size - i * 8).min(8);
        // Each eightbyte's elements end exactly at the next eightbyte, so that libffi's own
        // placement of the elements (by their alignment) puts each in its eightbyte.
        match class {
            Class::Integer if extent == 8 => {
                children.push(FfiType::fixed(addr_of_mut!(sys::ffi_type_uint64)));
            }
            Class::Integer => children
                .extend((0..extent).map(|_| FfiType::fixed(addr_of_mut!(sys::ffi_type_uint8)))),
            // Only floats or a double lie here, each aligned to its size (or the record would
            // be in memory), so the eightbyte is either 8 or 4 bytes long.
            Class::Sse if extent == 8 => {
                children.push(FfiType::fixed(addr_of_mut!(sys::ffi_type_double)));
            }
            Class::Sse if extent == 4 => {
                children.push(FfiType::fixed(addr_of_mut!(sys::ffi_type_float)));
            }
            Class::NoClass => return Err(cannot("an eightbyte holds only padding")),
            class => {
                return Err(cannot(&format!(
                    "an eightbyte of {extent} bytes is of class {class}, which libffi cannot \
                     be given for a record"
                )))
            }
        }
    }
    Ok(FfiType::structure(children).with_layout(size, align))
}

/// The first member of `ty` (at `offset` in the outermost record) that lies at an offset not
/// a multiple of its size, described for a message: what sends a small record to memory.
#[cfg(all(target_arch = "x86_64", unix))]
fn misaligned_member(ty: &CType, offset: usize) -> Option<String> {
    let at = |what: &str, size: usize| {
        (!offset.is_multiple_of(size))
            .then(|| format!("member of type `{what}` at offset {offset}"))
    };
    match ty.kind() {
        // A complex value need only be aligned as its parts are.
        TypeKind::Scalar(s) => at(s.c_name(), s.complex_part().unwrap_or(*s).size()),
        TypeKind::Pointer(_) => at(&ty.to_string(), size_of::<usize>()),
        TypeKind::Array { element, .. } => deeper(|| misaligned_member(element, offset)),
        TypeKind::Record(r) => r.definition()?.fields().iter().find_map(|field| {
            let offset = offset + field.offset();
            match (field.bit_width(), r.kind()) {
                // A union's bit-field counts as an integer of its width's size.
                (Some(width), RecordKind::Union) => {
                    let size = (width.max(1) as usize).div_ceil(8).next_power_of_two();
                    (!offset.is_multiple_of(size))
                        .then(|| format!("bit-field of type `{}` at offset {offset}", field.ty()))
                }
                (Some(_), RecordKind::Struct) => None,
                (None, _) => deeper(|| misaligned_member(field.ty(), offset)),
            }
        }),
        TypeKind::Void | TypeKind::Function(_) => None,
    }
}

#[cfg(not(all(target_arch = "x86_64", unix)))]
fn classified(ty: &CType, _def: &RecordDef) -> Result<FfiType, String> {
    Err(format!(
        "`{ty}` cannot be passed by value on this target: unions, bit-fields and packed or \
         over-aligned records are described only for x86-64 System V"
    ))
}

#[cfg(all(target_arch = "x86_64", unix))]
fn integer_of_size(size: usize) -> *mut ffi_type {
    match size {
        1 => addr_of_mut!(sys::ffi_type_uint8),
        2 => addr_of_mut!(sys::ffi_type_uint16),
        4 => addr_of_mut!(sys::ffi_type_uint32),
        _ => addr_of_mut!(sys::ffi_type_uint64),
    }
}
