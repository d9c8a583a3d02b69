//! Callback failures on threads C creates go to the failure handler, not to any Rust call: a
//! panic, a result that does not fit, a non-`Send` closure called on another thread. The
//! handler is process-global, so these tests live in their own binary and take turns.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::{Mutex, MutexGuard, Once};

use ctypes_core::{
    set_callback_failure_handler, Arg, CType, CValue, Callback, CallbackFailure, Error, Function,
    Library, Scalar, Signature, Value,
};
use ctypes_tests::fixture::{func, library, sig, t};

/// A failure as the handler received it.
#[derive(Debug, PartialEq)]
enum Failure {
    Panic(String),
    Thread,
    Result(String),
    Other(String),
}

static FAILURES: Mutex<Vec<Failure>> = Mutex::new(Vec::new());
static TURN: Mutex<()> = Mutex::new(());

/// Takes this test's turn with the handler installed and no failures recorded yet.
fn turn() -> MutexGuard<'static, ()> {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        set_callback_failure_handler(|failure| {
            let failure = match failure {
                CallbackFailure::Panic(payload) => Failure::Panic(
                    payload
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                        .unwrap_or_default(),
                ),
                CallbackFailure::Error(Error::CallbackThread) => Failure::Thread,
                CallbackFailure::Error(e @ Error::CallbackResult { .. }) => {
                    Failure::Result(e.to_string())
                }
                other => Failure::Other(format!("{other:?}")),
            };
            FAILURES.lock().unwrap().push(failure);
        });
    });
    let guard = TURN.lock().unwrap_or_else(|e| e.into_inner());
    FAILURES.lock().unwrap().clear();
    guard
}

fn failures() -> Vec<Failure> {
    std::mem::take(&mut *FAILURES.lock().unwrap())
}

fn call(f: &Function, args: &[Arg<'_>]) -> CValue {
    // SAFETY: every signature in these tests is the C declaration of the function, and every
    // callback passed has the function-pointer type C expects.
    unsafe { f.call(args) }.unwrap_or_else(|e| panic!("calling `{}`: {e}", f.name()))
}

fn int_to_int() -> Signature {
    sig(&[t(Scalar::Int)], t(Scalar::Int))
}

/// `int cb_on_thread(int (*f)(int), int x)`: f(x) on a new thread.
fn on_thread(lib: &Library) -> Function {
    let int = t(Scalar::Int);
    func(
        lib,
        "cb_on_thread",
        &[CType::function_pointer(int_to_int()), int.clone()],
        int,
    )
}

fn x_of(args: &[CValue]) -> i64 {
    args[0].as_i64().expect("an int")
}

#[test]
fn panics_on_c_threads_go_to_the_handler() {
    let _turn = turn();
    let lib = library();
    let odd_panics = Callback::new(int_to_int(), |args| {
        let x = x_of(args);
        if x % 2 == 1 {
            panic!("odd {x}");
        }
        CValue::Value(Value::Int(x + 1))
    })
    .unwrap();
    let int = t(Scalar::Int);
    let threads = func(
        &lib,
        "cb_threads",
        &[odd_panics.function_pointer_type(), int.clone(), int],
        t(Scalar::LongLong),
    );
    let (k, m) = (4i64, 6i64);
    // The call itself succeeds: no callback ran on this thread.
    let total = call(
        &threads,
        &[(&odd_panics).into(), (k as i32).into(), (m as i32).into()],
    );
    let evens = (0..k * m).filter(|x| x % 2 == 0);
    assert_eq!(total.as_i64(), Some(evens.map(|x| x + 1).sum()));
    let mut got = failures();
    got.sort_by_key(|f| match f {
        Failure::Panic(m) => m[4..].parse::<i64>().unwrap_or(-1),
        _ => -1,
    });
    let expected: Vec<Failure> = (0..k * m)
        .filter(|x| x % 2 == 1)
        .map(|x| Failure::Panic(format!("odd {x}")))
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn panic_on_the_calling_thread_does_not_reach_the_handler() {
    let _turn = turn();
    let lib = library();
    let boom = Callback::new(int_to_int(), |_| panic!("here")).unwrap();
    let int = t(Scalar::Int);
    let sum = func(
        &lib,
        "cb_sum",
        &[
            boom.function_pointer_type(),
            int.clone(),
            int.pointer(),
            int.pointer(),
        ],
        t(Scalar::LongLong),
    );
    let payload = catch_unwind(AssertUnwindSafe(|| {
        call(&sum, &[(&boom).into(), 1.into(), Arg::NULL, Arg::NULL])
    }))
    .expect_err("re-raised on this thread");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"here"));
    assert_eq!(failures(), []);
}

#[test]
fn local_callback_refuses_a_c_thread() {
    let _turn = turn();
    let lib = library();
    let ran = Rc::new(std::cell::Cell::new(0));
    let counter = Rc::clone(&ran);
    let local = Callback::new_local(int_to_int(), move |args| {
        counter.set(counter.get() + 1);
        CValue::Value(Value::Int(x_of(args) * 2))
    })
    .unwrap();
    // On another thread: not run, 0 for C, the handler told.
    let r = call(&on_thread(&lib), &[(&local).into(), 21.into()]);
    assert_eq!(r.as_i64(), Some(0));
    assert_eq!(ran.get(), 0);
    assert_eq!(failures(), [Failure::Thread]);
    assert_eq!(
        Error::CallbackThread.to_string(),
        "a callback whose closure is not `Send` was called on a thread other than its own"
    );
    // On its own thread: run.
    let int = t(Scalar::Int);
    let sum = func(
        &lib,
        "cb_sum",
        &[
            local.function_pointer_type(),
            int.clone(),
            int.pointer(),
            int.pointer(),
        ],
        t(Scalar::LongLong),
    );
    let total = call(&sum, &[(&local).into(), 3.into(), Arg::NULL, Arg::NULL]);
    assert_eq!(total.as_i64(), Some(6));
    assert_eq!(ran.get(), 3);
    assert_eq!(failures(), []);
}

#[test]
fn result_that_does_not_fit_on_a_c_thread_goes_to_the_handler() {
    let _turn = turn();
    let lib = library();
    let too_big = Callback::new(int_to_int(), |args| {
        CValue::Value(Value::Int(x_of(args) << 40))
    })
    .unwrap();
    let r = call(&on_thread(&lib), &[(&too_big).into(), 3.into()]);
    assert_eq!(r.as_i64(), Some(0));
    assert_eq!(
        failures(),
        [Failure::Result(
            "callback returned Int(3298534883328) (value 3298534883328 does not fit in `int`), \
             which does not fit its result type `int`"
                .to_owned()
        )]
    );
}
