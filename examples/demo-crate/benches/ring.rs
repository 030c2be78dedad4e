use criterion::{black_box, criterion_group, criterion_main, Criterion};
use demo_crate::checksum::adler32;
use demo_crate::Ring;

fn ring_push_pop(c: &mut Criterion) {
    c.bench_function("ring push pop", |b| {
        let mut r: Ring<u64, 64> = Ring::new();
        b.iter(|| {
            for i in 0..64 {
                let _ = r.push(black_box(i));
            }
            while let Some(v) = r.pop() {
                black_box(v);
            }
        })
    });
}

fn adler(c: &mut Criterion) {
    let data = vec![7u8; 64 * 1024];
    c.bench_function("adler32 64k", |b| b.iter(|| adler32(black_box(&data))));
}

criterion_group!(benches, ring_push_pop, adler);
criterion_main!(benches);
