//! demo-crate: a fixed-capacity ring buffer, a tiny tokenizer and a checksum,
//! written to give rwb something real to build, test, benchmark and audit.

pub mod checksum;
pub mod ring;
pub mod tokenize;

pub use ring::Ring;
pub use tokenize::{tokenize, Token};
