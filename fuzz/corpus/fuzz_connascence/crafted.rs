use std::time::Duration;
const TIMEOUT_MS: u64 = 30000;
#[derive(Debug)]
#[cfg_attr(feature = "serde", serde(rename = "x_y_z"))]
pub fn connect(host: &str, port: u16, retries: u32, backoff: u32) -> bool {
    let t = Duration::from_millis(86400);
    let pair = (host, port);
    let _ = pair.1 + 1 + 2 + 0;
    log("connect failed"); log("connect failed");
    log("connect failed");
    retries > 0 && backoff > 0 && t.as_secs() > 0
}
fn wide(a: i8, b: u8, c: i16, d: u16, e: i32, f: u32, g: i64) {}
fn generic<F: Fn(u8) -> u8>(f: F, x: Vec<u8>, y: Vec<u16>) {}
struct Big {
    a1: u8, a2: u8, a3: u8, a4: u8, a5: u8, a6: u8, a7: u8,
    a8: u8, a9: u8, a10: u8, a11: u8, a12: u8, a13: std::vec::Vec<u8>,
}
impl Big { fn m(&self, a: u8, b: u8, c: u8) {} }
fn log(s: &str) { let _ = s; let api = "https://api.example.com"; let _ = api; }
#[cfg(test)]
mod tests { fn t() { let _ = 12345; let _ = "connect failed"; } }
pub fn other() -> &'static str { let _ = 86400; "https://api.example.com" }
