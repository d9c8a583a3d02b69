//! Regression tests for memory-safety bugs: an object resized by a callback while the call that
//! runs it still uses the object's memory (passed directly, or reachable only through memory
//! another argument points to), a pointer stored in a library's global that outlived its
//! target, a keepalive dropped while its map was borrowed, a pointer index that wrapped, a long
//! chain of pointers whose drop overflowed the stack, a `char` array without a NUL passed as a
//! string, a second callback failure whose payload panics as it drops, and the record of a
//! `#[c_struct]` type defined by someone else first.
//!
//! The use-after-free cases show as invalid reads and writes under valgrind (see `.ci/run`);
//! each also checks what the caller can see.

use std::cell::RefCell;
use std::rc::Rc;

use ctypes_core::{
    c_struct, Arg, CData, CType, CTyped, CValue, Callback, Error, Library, Scalar, Value,
};
use ctypes_tests::fixture::{func, int, library, sig, t};

/// `void (*)(void)`.
fn void_fn() -> CType {
    CType::function_pointer(sig(&[], CType::void()))
}

/// `typedef struct { long a, b, c, d; } SndBig;`
fn big() -> CType {
    let long = t(Scalar::Long);
    CType::struct_builder("SndBig")
        .field("a", long.clone())
        .field("b", long.clone())
        .field("c", long.clone())
        .field("d", long)
        .build()
        .unwrap()
}

/// What a callback's attempts to resize an object returned.
type Attempts = Rc<RefCell<Vec<Result<(), Error>>>>;

/// A `void (*)(void)` callback that resizes `object` to 64 KiB (enough for the allocator to
/// move it), and the results of its attempts.
fn resizer(object: &CData) -> (Callback, Attempts) {
    let object = object.clone();
    let results = Rc::new(RefCell::new(Vec::new()));
    let seen = Rc::clone(&results);
    let callback = Callback::new_local(sig(&[], CType::void()), move |_| {
        seen.borrow_mut().push(object.resize(1 << 16));
        CValue::Void
    })
    .unwrap();
    (callback, results)
}

/// Checks that the one attempt recorded was refused because a call was using the object.
fn assert_refused(results: &RefCell<Vec<Result<(), Error>>>) {
    let results = results.borrow();
    assert_eq!(results.len(), 1, "the callback ran once");
    match &results[0] {
        Err(e @ Error::TypeMismatch { .. }) => assert!(
            e.to_string()
                .contains("cannot resize an object while a call uses it"),
            "{e}"
        ),
        other => panic!("resizing during the call: {other:?}"),
    }
}

/// The callback's address as a plain pointer value, which keeps a call on the short path.
fn code(callback: &Callback) -> Arg<'static> {
    Arg::Value(Value::Pointer(callback.code().as_ptr() as usize))
}

#[test]
fn an_array_argument_cannot_be_resized_during_the_call() {
    let lib = library();
    let fill = func(
        &lib,
        "snd_fill",
        &[int().pointer(), int(), void_fn()],
        CType::void(),
    );
    let array = CData::new(&int().array(4).unwrap()).unwrap();
    let (callback, results) = resizer(&array);
    // SAFETY: `void snd_fill(int *p, int n, void (*f)(void))`, with room for 4 ints at `p`.
    unsafe { fill.call(&[(&array).into(), 4.into(), (&callback).into()]) }.unwrap();
    assert_refused(&results);
    for i in 0..4 {
        assert_eq!(array.get(&format!("[{i}]")).unwrap(), Value::Int(i + 1));
    }
    // The call is over: the object may grow again.
    array.resize(1 << 16).unwrap();
    assert_eq!(array.capacity(), 1 << 16);
}

#[test]
fn the_target_of_a_pointer_argument_cannot_be_resized_during_the_call() {
    let lib = library();
    let fill = func(
        &lib,
        "snd_fill",
        &[int().pointer(), int(), void_fn()],
        CType::void(),
    );
    let array = CData::new(&int().array(4).unwrap()).unwrap();
    let pointers = [
        CData::pointer_to(&array.element(0).unwrap()).unwrap(),
        array.byref(0).unwrap(),
    ];
    for pointer in &pointers {
        let (callback, results) = resizer(&array);
        // SAFETY: as above; the pointer points at the array's 4 ints.
        unsafe { fill.call(&[pointer.into(), 4.into(), (&callback).into()]) }.unwrap();
        assert_refused(&results);
        assert_eq!(array.get("[3]").unwrap(), Value::Int(4));
    }
}

#[test]
fn a_pointer_argument_keeps_its_target_alive_during_the_call() {
    let lib = library();
    let fill = func(
        &lib,
        "snd_fill",
        &[int().pointer(), int(), void_fn()],
        CType::void(),
    );
    // The pointer is all that keeps the array alive; the callback unsets it, which would free
    // the array while C is about to write into it.
    let pointer = CData::new(&int().array(4).unwrap())
        .unwrap()
        .byref(0)
        .unwrap();
    let unset = pointer.clone();
    let ran = Rc::new(RefCell::new(false));
    let seen = Rc::clone(&ran);
    let callback = Callback::new_local(sig(&[], CType::void()), move |_| {
        *seen.borrow_mut() = unset.set_null().is_ok();
        CValue::Void
    })
    .unwrap();
    // SAFETY: as above; the pointer points at 4 ints, kept alive by the pointer (and, once the
    // callback unsets it, by the call).
    unsafe { fill.call(&[(&pointer).into(), 4.into(), (&callback).into()]) }.unwrap();
    assert!(*ran.borrow(), "the callback unset the pointer");
    assert!(pointer.is_null().unwrap());
}

#[test]
fn the_result_object_cannot_be_resized_during_call_into() {
    let lib = library();
    let big = big();
    let make = func(&lib, "snd_make_big", &[void_fn()], big.clone());
    let out = CData::new(&big).unwrap();
    let (callback, results) = resizer(&out);
    // Once on the short path (a plain pointer argument), once on the general one.
    for arg in [code(&callback), (&callback).into()] {
        results.borrow_mut().clear();
        out.write_bytes(0, &[0; 32]).unwrap();
        // SAFETY: `SndBig snd_make_big(void (*f)(void))`; `callback` outlives the call.
        unsafe { make.call_into(&[arg], &out) }.unwrap();
        assert_refused(&results);
        for (field, value) in [("a", 1), ("b", 2), ("c", 3), ("d", 4)] {
            assert_eq!(out.get(field).unwrap(), Value::Int(value), "field {field}");
        }
    }
    out.resize(1 << 16).unwrap();
}

#[test]
fn a_record_argument_cannot_be_resized_during_the_call() {
    let lib = library();
    let big = big();
    let weigh = func(
        &lib,
        "snd_weigh_big",
        &[big.clone(), void_fn()],
        t(Scalar::Long),
    );
    let record = CData::new(&big).unwrap();
    for (field, value) in [("a", 1), ("b", 2), ("c", 3), ("d", 4)] {
        record.set(field, value).unwrap();
    }
    let (callback, results) = resizer(&record);
    for arg in [code(&callback), (&callback).into()] {
        results.borrow_mut().clear();
        // SAFETY: `long snd_weigh_big(SndBig s, void (*f)(void))`; `callback` outlives the call.
        let weight = unsafe { weigh.call(&[(&record).into(), arg]) }.unwrap();
        assert_refused(&results);
        assert_eq!(weight.as_i64(), Some(1 + 4 + 9 + 16));
    }
    record.resize(1 << 16).unwrap();
}

#[test]
fn a_pointer_stored_in_a_library_global_keeps_its_target_for_ever() {
    let lib = library();
    {
        // SAFETY: `int *snd_global`; no other test touches it.
        let global = unsafe { lib.global("snd_global", &int().pointer()) }.unwrap();
        let target = CData::new(&int()).unwrap();
        target.set_value(42).unwrap();
        global.set_pointer(&target).unwrap();
        // This view can follow the pointer it stored.
        assert_eq!(global.deref().unwrap().value().unwrap(), Value::Int(42));
    }
    // Both the view and the target object are gone; C still holds the pointer. Allocations
    // made now would reuse the target's memory if it had been freed.
    let noise: Vec<Box<[u8; 4]>> = (0..1000).map(|_| Box::new([0xAA; 4])).collect();
    let read = func(&lib, "snd_read_global", &[], int());
    // SAFETY: `int snd_read_global(void)`, which reads `*snd_global`.
    let value = unsafe { read.call(&[]) }.unwrap();
    assert_eq!(value.as_i64(), Some(42));
    drop(noise);
}

#[test]
fn a_keepalive_whose_drop_writes_the_same_pointer_does_not_panic() {
    // A destructor that runs when the callback kept alive by `slot` is dropped, and writes
    // `slot` itself.
    struct ClearOnDrop(CData, Rc<RefCell<Option<Result<(), Error>>>>);
    impl Drop for ClearOnDrop {
        fn drop(&mut self) {
            *self.1.borrow_mut() = Some(self.0.set_value(Value::Pointer(0)));
        }
    }
    let slot = CData::new(&void_fn()).unwrap();
    let cleared = Rc::new(RefCell::new(None));
    let guard = ClearOnDrop(slot.clone(), Rc::clone(&cleared));
    let callback = Callback::new_local(sig(&[], CType::void()), move |_| {
        let _ = &guard;
        CValue::Void
    })
    .unwrap();
    slot.set_callback(&callback).unwrap();
    drop(callback);
    // Replacing the pointer drops the callback, whose closure's destructor writes `slot`.
    slot.set_value(Value::Pointer(0)).unwrap();
    assert!(matches!(*cleared.borrow(), Some(Ok(()))), "{cleared:?}");
    assert_eq!(slot.value().unwrap(), Value::Pointer(0));
}

#[test]
fn a_huge_index_through_a_pointer_is_an_error() {
    let array = CData::new(&int().array(4).unwrap()).unwrap();
    for i in 0..4 {
        array.element(i).unwrap().set_value(i as i32 * 10).unwrap();
    }
    let pointer = CData::pointer_to(&array.element(1).unwrap()).unwrap();
    assert_eq!(pointer.get("[1]").unwrap(), Value::Int(20));
    // `usize::MAX` must not wrap to -1 (element 0).
    for index in [usize::MAX, isize::MAX as usize + 1] {
        match pointer.get(&format!("[{index}]")) {
            Err(Error::IndexOutOfBounds { index: i, .. }) => assert_eq!(i, index),
            other => panic!("p[{index}]: {other:?}"),
        }
    }
}

#[test]
fn dropping_a_long_chain_of_pointers_does_not_overflow_the_stack() {
    // A small stack, so that a drop that recursed once per link would overflow it long before
    // the end of the chain.
    let links = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            let void_ptr = CType::void_ptr();
            let mut head = CData::new(&void_ptr).unwrap();
            for _ in 0..100_000 {
                let link = CData::new(&void_ptr).unwrap();
                link.set_pointer(&head).unwrap();
                head = link;
            }
            // The chain is followable before it is dropped.
            let second = head.cast(&void_ptr.pointer()).unwrap().deref().unwrap();
            assert_eq!(second.ty(), &void_ptr);
            drop(head);
            100_000
        })
        .unwrap()
        .join()
        .expect("the chain drops without overflowing the stack");
    assert_eq!(links, 100_000);
}

#[test]
fn an_object_reachable_only_through_another_arguments_memory_cannot_be_resized_during_the_call() {
    let lib = library();
    let held = CType::struct_builder("SndHeld")
        .field("p", int().pointer())
        .field("n", int())
        .build()
        .unwrap();
    let fill = func(
        &lib,
        "snd_fill_held",
        &[held.pointer(), void_fn()],
        CType::void(),
    );
    let array = CData::new(&int().array(4).unwrap()).unwrap();
    let holder = CData::new(&held).unwrap();
    holder
        .field("p")
        .unwrap()
        .set_pointer(&array.element(0).unwrap())
        .unwrap();
    holder.set("n", 4).unwrap();
    let (callback, results) = resizer(&array);
    // SAFETY: `void snd_fill_held(SndHeld *h, void (*f)(void))`; `h->p` has room for 4 ints.
    unsafe { fill.call(&[(&holder).into(), (&callback).into()]) }.unwrap();
    assert_refused(&results);
    for i in 0..4 {
        assert_eq!(array.get(&format!("[{i}]")).unwrap(), Value::Int(i + 1));
    }
    array.resize(1 << 16).unwrap();
}

#[test]
fn a_char_array_without_a_nul_is_refused_as_a_string_argument() {
    let libc = Library::this();
    let strlen = func(&libc, "strlen", &[CType::char_ptr()], t(Scalar::SizeT));
    let full = CData::from_bytes(&t(Scalar::Char).array(4).unwrap(), b"abcd").unwrap();
    // SAFETY: `size_t strlen(const char *)`; the library refuses an argument without a NUL.
    let refused = unsafe { strlen.call(&[(&full).into()]) }.unwrap_err();
    match &refused {
        Error::Argument {
            function,
            index,
            found,
            ..
        } => {
            assert_eq!((function.as_str(), *index), ("strlen", 0), "{refused}");
            assert!(
                found.contains("no NUL inside the object's 4 bytes"),
                "{refused}"
            );
        }
        other => panic!("{other:?}"),
    }
    // A field of a record is searched to its own end, not into the next field.
    let record = CType::struct_builder("two_names")
        .field("a", t(Scalar::Char).array(4).unwrap())
        .field("b", t(Scalar::Char).array(4).unwrap())
        .build()
        .unwrap();
    let names = CData::from_bytes(&record, b"abcdxy\0\0").unwrap();
    let a = names.field("a").unwrap();
    // SAFETY: as above.
    assert!(unsafe { strlen.call(&[(&a).into()]) }.is_err());
    let b = names.field("b").unwrap();
    // SAFETY: as above; `b` holds a NUL.
    let len = unsafe { strlen.call(&[(&b).into()]) }.unwrap();
    assert_eq!(len.as_u64(), Some(2));
    // With a NUL, the same kind of object is a string.
    let short = CData::from_bytes(&t(Scalar::Char).array(4).unwrap(), b"abc\0").unwrap();
    // SAFETY: as above.
    let len = unsafe { strlen.call(&[(&short).into()]) }.unwrap();
    assert_eq!(len.as_u64(), Some(3));
    // `void *` and `unsigned char *` parameters take bytes that are not strings.
    let memchr = func(
        &libc,
        "memchr",
        &[CType::void_ptr(), int(), t(Scalar::SizeT)],
        CType::void_ptr(),
    );
    // SAFETY: `void *memchr(const void *, int, size_t)` over the 4 bytes of `full`.
    let found = unsafe { memchr.call(&[(&full).into(), i32::from(b'd').into(), 4u64.into()]) };
    let at = found.unwrap().value();
    assert_eq!(
        at,
        Some(Value::Pointer(full.addressof().unwrap() as usize + 3))
    );
}

/// A panic payload that panics when dropped.
struct PanicsOnDrop;

impl Drop for PanicsOnDrop {
    fn drop(&mut self) {
        panic!("the payload's drop panics");
    }
}

#[test]
fn a_second_callback_failure_whose_payload_panics_on_drop_does_not_abort() {
    let lib = library();
    let twice = func(&lib, "snd_twice", &[void_fn()], CType::void());
    let runs = Rc::new(RefCell::new(0));
    let seen = Rc::clone(&runs);
    let callback = Callback::new_local(sig(&[], CType::void()), move |_| {
        *seen.borrow_mut() += 1;
        if *seen.borrow() == 1 {
            std::panic::panic_any("the first failure");
        }
        std::panic::panic_any(PanicsOnDrop);
    })
    .unwrap();
    let raised = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // SAFETY: `void snd_twice(void (*f)(void))`.
        unsafe { twice.call(&[(&callback).into()]) }
    }))
    .expect_err("the call re-raises the first failure");
    assert_eq!(raised.downcast_ref::<&str>(), Some(&"the first failure"));
    assert_eq!(*runs.borrow(), 2, "C called the callback twice");
}

#[c_struct]
#[derive(Clone, Copy, Debug)]
struct Sealed {
    x: i32,
    y: i64,
}

#[test]
fn the_record_of_a_c_struct_cannot_be_defined_by_anyone_else() {
    let declared = Sealed::c_type_declared();
    let attempt = CType::struct_builder("Sealed")
        .field("x", t(Scalar::Char))
        .define(&declared);
    match attempt {
        Err(e @ Error::DefinedByDeclaration(_)) => {
            assert_eq!(
                e.to_string(),
                "`struct Sealed` is defined by its Rust declaration (`#[c_struct]` or \
                 `#[c_union]`), not at run time"
            );
        }
        other => panic!("{other:?}"),
    }
    // The declaration still defines it, as the Rust type is laid out.
    let defined = Sealed::c_type();
    assert!(defined.same_object(&declared));
    assert_eq!(defined.size().unwrap(), 16);
    assert_eq!(
        defined.as_record().unwrap().definition().unwrap().fields()[1].offset(),
        8
    );
}
