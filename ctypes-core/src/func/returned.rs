//! What a pointer result is: a pointer object of its declared type, or the C string it points
//! to, so that no caller has to turn a bare address into either by hand.

use std::ffi::{c_void, CString};

use crate::encode::CValue;
use crate::error::{Error, Result};
use crate::mem::{string_at, wstring_at, CData, Value};
use crate::ty::CType;

impl CValue {
    /// The address of a pointer result, `None` for `NULL`; an error if this is not a pointer.
    fn address(&self) -> Result<Option<usize>> {
        match self {
            CValue::Value(Value::Pointer(0)) => Ok(None),
            CValue::Value(Value::Pointer(p)) => Ok(Some(*p)),
            other => Err(Error::TypeMismatch {
                expected: "a pointer".to_owned(),
                found: format!("{other:?}"),
            }),
        }
    }

    /// A pointer object of type `ty` (a pointer type, say the function's declared result type)
    /// holding this pointer result. Following it is `unsafe`
    /// ([`CData::deref_unchecked`]): the memory is C's.
    ///
    /// ```
    /// use ctypes_core::{CType, Library, Scalar, Signature, Value};
    ///
    /// let int = CType::scalar(Scalar::Int);
    /// let libc = Library::this();
    /// let calloc = libc.function(
    ///     "calloc",
    ///     Signature::new(vec![CType::scalar(Scalar::SizeT); 2], int.pointer()),
    /// )?;
    /// // SAFETY: `void *calloc(size_t, size_t)`, for one int.
    /// let result = unsafe { calloc.call(&[1usize.into(), 4usize.into()]) }?;
    /// let p = result.to_pointer_object(calloc.signature().result())?;
    /// // SAFETY: calloc returned a zeroed int, owned by C until freed below.
    /// let n = unsafe { p.deref_unchecked() }?;
    /// n.set_value(7)?;
    /// assert_eq!(n.value()?, Value::Int(7));
    /// let free = libc.function("free", Signature::new(vec![CType::void_ptr()], CType::void()))?;
    /// // SAFETY: `void free(void *)` on what calloc returned, no longer used.
    /// unsafe { free.call(&[(&p).into()]) }?;
    /// # Ok::<(), ctypes_core::Error>(())
    /// ```
    pub fn to_pointer_object(&self, ty: &CType) -> Result<CData> {
        if ty.pointee().is_none() {
            return Err(Error::TypeMismatch {
                expected: "a pointer type".to_owned(),
                found: format!("`{ty}`"),
            });
        }
        let pointer = CData::new(ty)?;
        pointer.set_value(Value::Pointer(self.address()?.unwrap_or(0)))?;
        Ok(pointer)
    }

    /// The bytes of the NUL-terminated string a `char *` result points to, copied (without the
    /// NUL); `None` for `NULL`.
    ///
    /// # Safety
    /// A non-null result must point to a NUL-terminated string that stays unchanged while it
    /// is copied.
    pub unsafe fn to_bytes_until_nul(&self) -> Result<Option<Vec<u8>>> {
        Ok(self.address()?.map(|address| {
            // SAFETY: the caller's promise.
            unsafe { string_at(address as *const c_void, None) }
        }))
    }

    /// The NUL-terminated string a `char *` result points to, as a [`CString`]; `None` for
    /// `NULL`.
    ///
    /// # Safety
    /// As for [`CValue::to_bytes_until_nul`].
    pub unsafe fn to_c_string(&self) -> Result<Option<CString>> {
        // SAFETY: forwarded to the caller.
        let bytes = unsafe { self.to_bytes_until_nul() }?;
        Ok(bytes.map(|b| CString::new(b).expect("the bytes stop before the first NUL")))
    }

    /// The NUL-terminated UTF-8 string a `char *` result points to, as a [`String`]; `None` for
    /// `NULL`, an error if it is not UTF-8.
    ///
    /// ```
    /// use ctypes_core::{CType, Library, Signature};
    ///
    /// let getenv = Library::this().function(
    ///     "getenv",
    ///     Signature::new(vec![CType::char_ptr()], CType::char_ptr()),
    /// )?;
    /// std::env::set_var("CTYPES_DOC_EXAMPLE", "value");
    /// // SAFETY: `char *getenv(const char *)`; the environment is not changed meanwhile.
    /// let value = unsafe { getenv.call(&["CTYPES_DOC_EXAMPLE".into()])?.to_string() }?;
    /// assert_eq!(value.as_deref(), Some("value"));
    /// // SAFETY: as above.
    /// let missing = unsafe { getenv.call(&["CTYPES_DOC_MISSING".into()])?.to_string() }?;
    /// assert_eq!(missing, None);
    /// # Ok::<(), ctypes_core::Error>(())
    /// ```
    ///
    /// # Safety
    /// As for [`CValue::to_bytes_until_nul`].
    pub unsafe fn to_string(&self) -> Result<Option<String>> {
        // SAFETY: forwarded to the caller.
        let bytes = unsafe { self.to_bytes_until_nul() }?;
        bytes
            .map(|b| {
                String::from_utf8(b).map_err(|e| Error::TypeMismatch {
                    expected: "a UTF-8 string".to_owned(),
                    found: format!("bytes that are not UTF-8 ({e})"),
                })
            })
            .transpose()
    }

    /// The NUL-terminated string a `wchar_t *` result points to; `None` for `NULL`.
    ///
    /// # Safety
    /// A non-null result must point to a NUL-terminated, aligned `wchar_t` string that stays
    /// unchanged while it is read.
    pub unsafe fn to_wide_string(&self) -> Result<Option<String>> {
        self.address()?
            .map(|address| {
                // SAFETY: the caller's promise.
                unsafe { wstring_at(address as *const c_void, None) }
            })
            .transpose()
    }
}
