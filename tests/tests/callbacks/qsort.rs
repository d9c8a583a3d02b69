//! qsort

use super::*;

fn qsort(compare: &Callback) -> Function {
    let size = t(Scalar::SizeT);
    func(
        &Library::this(),
        "qsort",
        &[
            CType::void_ptr(),
            size.clone(),
            size,
            compare.function_pointer_type(),
        ],
        CType::void(),
    )
}

#[test]
fn qsort_ints_with_a_rust_comparator() {
    let compared = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&compared);
    let compare = Callback::new(
        sig(&[CType::void_ptr(), CType::void_ptr()], int()),
        move |args| {
            counter.fetch_add(1, Ordering::Relaxed);
            let [a, b] = [&args[0], &args[1]].map(|p| {
                let p = p.as_pointer().expect("a pointer") as *const i32;
                // SAFETY: qsort passes pointers to elements of the int array below.
                unsafe { p.read() }
            });
            int_result(a.cmp(&b) as i64)
        },
    )
    .unwrap();
    let input = numbers(301, 1000);
    let array = CData::new(&int().array(input.len()).unwrap()).unwrap();
    for (i, &n) in input.iter().enumerate() {
        array.element(i).unwrap().set_value(n).unwrap();
    }
    call(
        &qsort(&compare),
        &[
            (&array).into(),
            input.len().into(),
            4usize.into(),
            (&compare).into(),
        ],
    );
    let sorted: Vec<i64> = (0..input.len())
        .map(|i| array.element(i).unwrap().value().unwrap().as_i64().unwrap())
        .collect();
    let mut expected = input;
    expected.sort_unstable();
    assert_eq!(sorted, expected);
    assert!(compared.load(Ordering::Relaxed) >= expected.len() - 1);
}

#[test]
fn qsort_structs_by_key_then_weight() {
    let item = CType::struct_builder("Item")
        .field("key", int())
        .field("weight", t(Scalar::Double))
        .build()
        .unwrap();
    let view_type = item.clone();
    let compare = Callback::new(
        sig(&[CType::void_ptr(), CType::void_ptr()], int()),
        move |args| {
            let [a, b] = [&args[0], &args[1]].map(|p| {
                let p = p.as_pointer().expect("a pointer") as *mut c_void;
                // SAFETY: qsort passes pointers to elements of the `Item` array below, valid
                // while the comparator runs.
                let view = unsafe { CData::from_address(&view_type, p) }.unwrap();
                let key = view.get("key").unwrap().as_i64().unwrap();
                let weight = view.get("weight").unwrap().as_f64().unwrap();
                (key, weight)
            });
            // Keys ascending, then weights descending.
            let order = a.0.cmp(&b.0).then(b.1.total_cmp(&a.1));
            int_result(order as i64)
        },
    )
    .unwrap();
    let keys = numbers(97, 10);
    let input: Vec<(i64, f64)> = keys
        .iter()
        .enumerate()
        .map(|(i, &k)| (k, (i as f64) * 0.75 - 20.0))
        .collect();
    let array = CData::new(&item.array(input.len()).unwrap()).unwrap();
    for (i, (key, weight)) in input.iter().enumerate() {
        array.set(&format!("[{i}].key"), *key).unwrap();
        array.set(&format!("[{i}].weight"), *weight).unwrap();
    }
    call(
        &qsort(&compare),
        &[
            (&array).into(),
            input.len().into(),
            item.size().unwrap().into(),
            (&compare).into(),
        ],
    );
    let sorted: Vec<(i64, f64)> = (0..input.len())
        .map(|i| {
            let key = array.get(&format!("[{i}].key")).unwrap().as_i64().unwrap();
            let weight = array.get(&format!("[{i}].weight")).unwrap();
            (key, weight.as_f64().unwrap())
        })
        .collect();
    let mut expected = input;
    expected.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
    assert_eq!(sorted, expected);
}
