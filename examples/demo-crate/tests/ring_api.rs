use demo_crate::Ring;

#[test]
fn fifo_order() {
    let mut r: Ring<&str, 8> = Ring::new();
    for w in ["a", "b", "c"] {
        r.push(w).unwrap();
    }
    assert_eq!(r.pop(), Some("a"));
    assert_eq!(r.pop(), Some("b"));
    assert_eq!(r.len(), 1);
}
