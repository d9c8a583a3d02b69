//! Threads C creates

use super::*;

#[test]
fn threads_c_creates_call_a_shared_callback_concurrently() {
    let lib = library();
    let (k, m) = (8usize, 500usize);
    let hits: Arc<Vec<AtomicU32>> = Arc::new((0..k * m).map(|_| AtomicU32::new(0)).collect());
    let calls = Arc::new(AtomicUsize::new(0));
    let on_test_thread = Arc::new(AtomicBool::new(false));
    let test_thread = std::thread::current().id();
    let callback = {
        let (hits, calls, on_test_thread) = (
            Arc::clone(&hits),
            Arc::clone(&calls),
            Arc::clone(&on_test_thread),
        );
        Callback::new(int_to_int(), move |args| {
            let x = int_arg(args, 0);
            hits[x as usize].fetch_add(1, Ordering::Relaxed);
            calls.fetch_add(1, Ordering::Relaxed);
            if std::thread::current().id() == test_thread {
                on_test_thread.store(true, Ordering::Relaxed);
            }
            int_result(3 * x + 1)
        })
        .unwrap()
    };
    let f = func(
        &lib,
        "cb_threads",
        &[callback.function_pointer_type(), int(), int()],
        t(Scalar::LongLong),
    );
    let total = call(
        &f,
        &[(&callback).into(), (k as i32).into(), (m as i32).into()],
    );
    let n = (k * m) as i64;
    assert_eq!(total.as_i64(), Some(3 * n * (n - 1) / 2 + n));
    assert_eq!(calls.load(Ordering::SeqCst), k * m);
    let counts: Vec<u32> = hits.iter().map(|h| h.load(Ordering::SeqCst)).collect();
    assert!(counts.iter().all(|&c| c == 1), "{counts:?}");
    assert!(!on_test_thread.load(Ordering::SeqCst));
}
