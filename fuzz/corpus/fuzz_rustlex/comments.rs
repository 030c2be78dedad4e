/* a /* nested */ c */ unsafe { f() }
/// doc
//! inner
fn main() {}
