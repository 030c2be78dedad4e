//! An Adler-32 checksum, with a fast path that reads the input in words.

const MOD: u32 = 65521;

/// Adler-32 of `data`.
pub fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &byte in chunk {
            a += u32::from(byte);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

/// Sums the bytes of `data` four at a time through unaligned reads.
pub fn byte_sum(data: &[u8]) -> u64 {
    let mut sum = 0u64;
    let words = data.len() / 4;
    let ptr = data.as_ptr();
    for i in 0..words {
        // SAFETY: i * 4 + 4 <= data.len(), and read_unaligned has no
        // alignment requirement.
        let w = unsafe { std::ptr::read_unaligned(ptr.add(i * 4) as *const u32) };
        sum += u64::from(w & 0xff) + u64::from((w >> 8) & 0xff)
            + u64::from((w >> 16) & 0xff) + u64::from(w >> 24);
    }
    for &byte in &data[words * 4..] {
        sum += u64::from(byte);
    }
    sum
}

extern "C" {
    fn abs(x: i32) -> i32;
}

/// The C library's abs, through FFI.
pub fn c_abs(x: i32) -> i32 {
    unsafe { abs(x) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adler_known_value() {
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
    }

    #[test]
    fn byte_sum_matches_naive() {
        let data: Vec<u8> = (0..1003u32).map(|i| (i * 7) as u8).collect();
        let naive: u64 = data.iter().map(|&b| u64::from(b)).sum();
        assert_eq!(byte_sum(&data), naive);
    }

    #[test]
    fn ffi_abs() {
        assert_eq!(c_abs(-5), 5);
    }
}
