//! Strings: `char` and `wchar_t` arrays, and strings at raw addresses.

use super::*;

#[test]
fn char_strings_round_trip_and_refuse_overflow() {
    let s = CData::string_buffer(b"hello").unwrap();
    assert_eq!(s.ty().to_string(), "char [6]");
    assert_eq!(s.to_bytes(), b"hello\0");
    s.set_string(b"hi").unwrap();
    assert_eq!(s.string_value().unwrap(), b"hi");
    assert_eq!(s.to_bytes(), b"hi\0lo\0");
    s.set_string(b"sixsix").unwrap();
    assert_eq!(s.string_value().unwrap(), b"sixsix", "no room for the NUL");
    assert_eq!(
        s.set_string(b"seven!!").unwrap_err().to_string(),
        "string of 7 bytes does not fit in `char [6]` of 6 bytes"
    );
    assert_eq!(s.to_bytes(), b"sixsix", "a refused string writes nothing");
    let u = CData::new(&scalar(Scalar::UChar).array(4).unwrap()).unwrap();
    u.set_string(&[0xc3, 0xa9]).unwrap();
    assert_eq!(u.string_value().unwrap(), [0xc3, 0xa9]);
    let ints = CData::new(&scalar(Scalar::Int).array(4).unwrap()).unwrap();
    assert_eq!(
        ints.set_string(b"x").unwrap_err().to_string(),
        "expected a char array, found `int [4]`"
    );
    assert_eq!(
        ints.string_value().unwrap_err().to_string(),
        "expected a char array, found `int [4]`"
    );
    // A char array inside a record.
    let rec = CType::struct_builder("named")
        .field("id", scalar(Scalar::Int))
        .field("name", scalar(Scalar::Char).array(8).unwrap())
        .build()
        .unwrap();
    let r = CData::new(&rec).unwrap();
    r.field("name").unwrap().set_string(b"ctypes").unwrap();
    assert_eq!(r.to_bytes()[4..], *b"ctypes\0\0");
    assert_eq!(
        r.field("name")
            .unwrap()
            .set_string(b"too long!")
            .unwrap_err()
            .to_string(),
        "string of 9 bytes does not fit in `char [8]` of 8 bytes"
    );
}

#[test]
fn wide_strings_hold_any_text() {
    let text = "héllo wörld ✓ 😀";
    let units: Vec<u32> = if Scalar::WcharT.size() == 4 {
        text.chars().map(u32::from).collect()
    } else {
        text.encode_utf16().map(u32::from).collect()
    };
    let w = CData::wide_string_buffer(text).unwrap();
    assert_eq!(w.size(), (units.len() + 1) * Scalar::WcharT.size());
    assert_eq!(w.wide_value().unwrap(), text);
    let mut expected = Vec::new();
    for &u in units.iter().chain(&[0]) {
        match Scalar::WcharT.size() {
            4 => expected.extend_from_slice(&u.to_ne_bytes()),
            _ => expected.extend_from_slice(&(u as u16).to_ne_bytes()),
        }
    }
    assert_eq!(w.to_bytes(), expected);
    w.set_wide("ß").unwrap();
    assert_eq!(w.wide_value().unwrap(), "ß");
    let small = CData::new(&scalar(Scalar::WcharT).array(3).unwrap()).unwrap();
    small.set_wide("äöü").unwrap();
    assert_eq!(small.wide_value().unwrap(), "äöü");
    let err = small.set_wide("äöüß").unwrap_err().to_string();
    let unit = Scalar::WcharT.size();
    assert_eq!(
        err,
        format!(
            "string of {} bytes does not fit in `wchar_t [3]` of {} bytes",
            4 * unit,
            3 * unit
        )
    );
    assert_eq!(small.wide_value().unwrap(), "äöü");
    // Through a raw address.
    // SAFETY: `w` is alive, NUL-terminated and not written during the call.
    let back = unsafe { wstring_at(w.addressof().unwrap(), None) }.unwrap();
    assert_eq!(back, "ß");
    // SAFETY: `small` holds three readable code units.
    let back = unsafe { wstring_at(small.addressof().unwrap(), Some(2)) }.unwrap();
    assert_eq!(back, "äö");
    // An invalid code unit is an error, not a panic.
    if Scalar::WcharT.size() == 4 {
        small.write_bytes(0, &0xd800u32.to_ne_bytes()).unwrap();
        assert_eq!(
            small.wide_value().unwrap_err().to_string(),
            "expected a valid wide string, found code unit 0xd800"
        );
    }
}

#[test]
fn string_at_reads_raw_c_strings() {
    let owned = std::ffi::CString::new("raw text").unwrap();
    // SAFETY: `owned` is a live NUL-terminated string.
    let all = unsafe { string_at(owned.as_ptr().cast(), None) };
    assert_eq!(all, b"raw text");
    // SAFETY: `owned` has at least 3 readable bytes.
    let some = unsafe { string_at(owned.as_ptr().cast(), Some(3)) };
    assert_eq!(some, b"raw");
    let buf = CData::string_buffer(b"in a buffer").unwrap();
    // SAFETY: `buf` is alive and NUL-terminated.
    let back = unsafe { string_at(buf.addressof().unwrap(), None) };
    assert_eq!(back, b"in a buffer");
}

#[test]
fn strings_in_known_objects_are_read_within_their_bounds() {
    let buffer = CData::string_buffer(b"hello").unwrap();
    assert_eq!(buffer.string_at(0, None).unwrap(), b"hello");
    assert_eq!(buffer.string_at(4, Some(2)).unwrap(), b"o\0");
    assert_eq!(buffer.string_at(6, Some(0)).unwrap(), b"");
    assert_eq!(
        buffer.string_at(4, Some(3)).unwrap_err().to_string(),
        "string_at: range 4..7 is outside an object of 6 bytes"
    );
    assert_eq!(
        buffer.string_at(7, None).unwrap_err().to_string(),
        "string_at: range 7..7 is outside an object of 6 bytes"
    );
    // Without a NUL inside the object, there is no string to stop at.
    buffer.set_string(b"sixsix").unwrap();
    assert_eq!(
        buffer.string_at(2, None).unwrap_err().to_string(),
        "expected a NUL-terminated string inside the object of 6 bytes, found no NUL in bytes 2..6"
    );
    // A field is an object of its own size, even inside a larger record.
    let record = CType::struct_builder("Named")
        .field("name", scalar(Scalar::Char).array(4).unwrap())
        .field("rest", scalar(Scalar::Int))
        .build()
        .unwrap();
    let named = CData::new(&record).unwrap();
    named.field("name").unwrap().set_string(b"abcd").unwrap();
    named.set("rest", 0x41).unwrap();
    let name = named.field("name").unwrap();
    assert_eq!(
        name.string_at(1, Some(4)).unwrap_err().to_string(),
        "string_at: range 1..5 is outside an object of 4 bytes"
    );
    assert!(
        name.string_at(0, None).is_err(),
        "the NUL is past the field"
    );
    assert_eq!(named.string_at(0, None).unwrap(), b"abcdA");
}

#[test]
fn strings_through_pointers_stop_at_the_end_of_what_they_point_into() {
    let buffer = CData::string_buffer(b"pointer").unwrap();
    let p = buffer.byref(3).unwrap();
    assert_eq!(p.string_at(0, None).unwrap(), b"nter");
    assert_eq!(p.string_at(1, Some(4)).unwrap(), b"ter\0");
    assert_eq!(
        p.string_at(0, Some(6)).unwrap_err().to_string(),
        "string_at: range 3..9 is outside an object of 8 bytes"
    );
    // A pointer of another origin has no known bounds: only the unsafe form reads it.
    let raw = CData::new(&CType::void_ptr()).unwrap();
    raw.set_value(Value::Pointer(buffer.addressof().unwrap() as usize))
        .unwrap();
    let err = raw.string_at(0, Some(2)).unwrap_err().to_string();
    assert!(err.contains("unknown bounds"), "{err}");
    // SAFETY: `buffer` holds 8 readable bytes at that address.
    let bytes = unsafe { string_at(buffer.addressof().unwrap(), Some(8)) };
    assert_eq!(bytes, b"pointer\0");
    let null = CData::new(&CType::void_ptr()).unwrap();
    assert!(null.string_at(0, None).is_err());
}

#[test]
fn wide_strings_in_known_objects_are_read_within_their_bounds() {
    let wide = CData::wide_string_buffer("héllo").unwrap();
    assert_eq!(wide.wstring_at(0, None).unwrap(), "héllo");
    let unit = Scalar::WcharT.size();
    assert_eq!(wide.wstring_at(unit, Some(2)).unwrap(), "él");
    assert_eq!(
        wide.wstring_at(unit, Some(6)).unwrap_err().to_string(),
        format!(
            "wstring_at: range {unit}..{} is outside an object of {} bytes",
            7 * unit,
            6 * unit
        )
    );
    let p = wide.byref(2 * unit).unwrap();
    assert_eq!(p.wstring_at(0, None).unwrap(), "llo");
}
