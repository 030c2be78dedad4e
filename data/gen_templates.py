import json
T = []
def tpl(name, intent, params, files, deps=None, module=None, notes=None):
    v = {"command": name.split("/")[0], "params": params, "files": files}
    if deps: v["deps"] = deps
    if module: v["module"] = module
    if notes: v["notes"] = notes
    T.append({"key": "rwb/templates/" + name, "value": json.dumps(v, indent=1),
              "layer": "long_term", "category": "template", "project": "rwb",
              "intent": intent, "tags": ["template", "rust", name.split("/")[0]]})

tpl("rust-async/tokio", "async main with a multi-threaded Tokio runtime",
 {"workers": {"default": "4"}},
 [{"path": "src/main.rs", "replace_stub": "main", "text": r'''//! Async entry point: a Tokio runtime with {{workers}} worker threads.

use std::time::Duration;

#[tokio::main(flavor = "multi_thread", worker_threads = {{workers}})]
async fn main() {
    let handles: Vec<_> = (0..4u64)
        .map(|i| {
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(10 * i)).await;
                i * i
            })
        })
        .collect();
    let mut total = 0;
    for handle in handles {
        match handle.await {
            Ok(v) => total += v,
            Err(e) => eprintln!("task failed: {e}"),
        }
    }
    println!("sum of squares: {total}");
}
'''}],
 [{"name": "tokio", "version": "1.24", "features": ["rt-multi-thread", "macros", "time"]}])

tpl("async-runtime/tokio", "Tokio runtime builder configuration",
 {"multi": {"default": "true"}, "enable_all": {"default": "true"}, "crate": {"default": "app"}},
 [{"path": "src/runtime.rs", "text": r'''//! Tokio runtime configuration: {{#multi}}multi-threaded{{/multi}}{{^multi}}current-thread{{/multi}} scheduler{{#enable_all}}, I/O and time drivers on{{/enable_all}}.

use std::future::Future;
use std::io;

use tokio::runtime::{Builder, Runtime};

/// Builds the runtime this crate runs on.
pub fn build() -> io::Result<Runtime> {
{{#multi}}    let mut builder = Builder::new_multi_thread();
    builder.thread_name("{{crate}}-worker");
{{/multi}}{{^multi}}    let mut builder = Builder::new_current_thread();
{{/multi}}{{#enable_all}}    builder.enable_all();
{{/enable_all}}    builder.build()
}

/// Runs a future to completion on a fresh runtime.
pub fn block_on<F: Future>(future: F) -> io::Result<F::Output> {
    Ok(build()?.block_on(future))
}
'''}],
 [{"name": "tokio", "version": "1.24", "features": ["rt", "rt-multi-thread", "net", "time"]}], "runtime")

chan_mpsc = r'''//! Producer/consumer over a Tokio mpsc channel ({{#bounded}}bounded, capacity {{capacity}}{{/bounded}}{{^bounded}}unbounded{{/bounded}}).

use tokio::sync::mpsc;

/// Sends `count` numbers from each of `producers` tasks; returns the sum received.
pub async fn run(producers: u64, count: u64) -> u64 {
{{#bounded}}    let (tx, mut rx) = mpsc::channel::<u64>({{capacity}});
{{/bounded}}{{^bounded}}    let (tx, mut rx) = mpsc::unbounded_channel::<u64>();
{{/bounded}}    for p in 0..producers {
        let tx = tx.clone();
        tokio::spawn(async move {
            for i in 0..count {
{{#bounded}}                if tx.send(p * count + i).await.is_err() {
{{/bounded}}{{^bounded}}                if tx.send(p * count + i).is_err() {
{{/bounded}}                    break; // the consumer is gone
                }
            }
        });
    }
    drop(tx);
    let mut sum = 0;
    while let Some(v) = rx.recv().await {
        sum += v;
    }
    sum
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn receives_everything() {
        assert_eq!(super::run(3, 10).await, (0..30).sum::<u64>());
    }
}
'''
tpl("channel-pattern/mpsc", "Tokio mpsc producer/consumer", {"bounded": {"default": "true"}, "capacity": {"default": "100"}},
 [{"path": "src/channel_mpsc.rs", "text": chan_mpsc}],
 [{"name": "tokio", "version": "1.24", "features": ["rt", "sync", "macros"]}], "channel_mpsc")

tpl("channel-pattern/oneshot", "Tokio oneshot request/answer", {"bounded": {"default": "true"}, "capacity": {"default": "1"}},
 [{"path": "src/channel_oneshot.rs", "text": r'''//! One answer over a Tokio oneshot channel (it holds exactly one value).

use tokio::sync::oneshot;

/// Computes `input * 2` on another task and hands the answer back once.
pub async fn run(input: u64) -> Option<u64> {
    let (tx, rx) = oneshot::channel();
    tokio::spawn(async move {
        // the receiver may be gone; then nobody wants the answer
        let _ = tx.send(input * 2);
    });
    rx.await.ok()
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn answers_once() {
        assert_eq!(super::run(21).await, Some(42));
    }
}
'''}],
 [{"name": "tokio", "version": "1.24", "features": ["rt", "sync", "macros"]}], "channel_oneshot",
 "a oneshot channel always holds exactly one value: --bounded and --capacity do not apply")

tpl("channel-pattern/broadcast", "Tokio broadcast fan-out", {"bounded": {"default": "true"}, "capacity": {"default": "16"}},
 [{"path": "src/channel_broadcast.rs", "text": r'''//! Fan-out over a Tokio broadcast channel (always bounded: capacity {{capacity}}).

use tokio::sync::broadcast;

/// Sends `count` messages to `subscribers` receivers; returns how many each saw
/// (a receiver that lags counts the messages it missed).
pub async fn run(subscribers: usize, count: u64) -> Vec<u64> {
    let (tx, _) = broadcast::channel::<u64>({{capacity}});
    let mut handles = Vec::with_capacity(subscribers);
    for _ in 0..subscribers {
        let mut rx = tx.subscribe();
        handles.push(tokio::spawn(async move {
            let mut got = 0;
            loop {
                match rx.recv().await {
                    Ok(_) => got += 1,
                    Err(broadcast::error::RecvError::Lagged(n)) => got += n,
                    Err(broadcast::error::RecvError::Closed) => break got,
                }
            }
        }));
    }
    for i in 0..count {
        // an error only means no receiver is listening right now
        let _ = tx.send(i);
    }
    drop(tx);
    let mut counts = Vec::with_capacity(subscribers);
    for handle in handles {
        counts.push(handle.await.unwrap_or(0));
    }
    counts
}
'''}],
 [{"name": "tokio", "version": "1.24", "features": ["rt", "sync"]}], "channel_broadcast",
 "broadcast channels are always bounded (old messages are dropped for slow receivers)")

tpl("channel-pattern/crossbeam", "crossbeam-channel producer/consumer with threads", {"bounded": {"default": "true"}, "capacity": {"default": "100"}},
 [{"path": "src/channel_crossbeam.rs", "text": r'''//! Producer/consumer threads over a crossbeam channel ({{#bounded}}bounded, capacity {{capacity}}{{/bounded}}{{^bounded}}unbounded{{/bounded}}).

use std::thread;

/// Sends `count` numbers from each of `producers` threads; returns the sum received.
pub fn run(producers: u64, count: u64) -> u64 {
{{#bounded}}    let (tx, rx) = crossbeam_channel::bounded::<u64>({{capacity}});
{{/bounded}}{{^bounded}}    let (tx, rx) = crossbeam_channel::unbounded::<u64>();
{{/bounded}}    let workers: Vec<_> = (0..producers)
        .map(|p| {
            let tx = tx.clone();
            thread::spawn(move || {
                for i in 0..count {
                    if tx.send(p * count + i).is_err() {
                        break; // the consumer is gone
                    }
                }
            })
        })
        .collect();
    drop(tx);
    let sum = rx.iter().sum();
    for worker in workers {
        // a producer that panicked has already sent what it could
        let _ = worker.join();
    }
    sum
}

#[cfg(test)]
mod tests {
    #[test]
    fn receives_everything() {
        assert_eq!(super::run(3, 10), (0..30).sum::<u64>());
    }
}
'''}],
 [{"name": "crossbeam-channel", "version": "0.5"}], "channel_crossbeam")

tpl("trait-design/trait", "trait skeleton with an implementation, optionally with a GAT",
 {"name": {}, "snake": {}, "bounds_clause": {"default": ""}, "extra_impls": {"default": ""}, "gats": {"default": "false"}},
 [{"path": "src/{{snake}}.rs", "text": r'''//! The `{{name}}` trait and an implementation to start from.

/// What a `{{name}}` can do.
pub trait {{name}}{{bounds_clause}} {
{{#gats}}    /// A borrowed view of the items (a generic associated type).
    type Iter<'a>: Iterator<Item = &'a str>
    where
        Self: 'a;

    /// Iterates over the items without copying them.
    fn items(&self) -> Self::Iter<'_>;

{{/gats}}    /// A short description.
    fn describe(&self) -> String;
}

/// A starting implementation of [`{{name}}`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct {{name}}Impl {
    items: Vec<String>,
}

impl {{name}}Impl {
    /// An implementation holding `items`.
    pub fn new(items: Vec<String>) -> Self {
        Self { items }
    }
}

impl {{name}} for {{name}}Impl {
{{#gats}}    type Iter<'a> = std::iter::Map<std::slice::Iter<'a, String>, fn(&'a String) -> &'a str>;

    fn items(&self) -> Self::Iter<'_> {
        self.items.iter().map(String::as_str as fn(&String) -> &str)
    }

{{/gats}}    fn describe(&self) -> String {
        format!("{} items", self.items.len())
    }
}
{{extra_impls}}'''}], None, "{{snake}}")

traced = r'''{{#backtrace}}
/// An error with the backtrace of where it was created
/// (captured when RUST_BACKTRACE or RUST_LIB_BACKTRACE is set).
#[derive(Debug)]
pub struct Traced {
    /// The error itself.
    pub error: Error,
    /// Where it was created.
    pub backtrace: Backtrace,
}

impl From<Error> for Traced {
    fn from(error: Error) -> Self {
        Self { error, backtrace: Backtrace::capture() }
    }
}

impl fmt::Display for Traced {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.error)
    }
}

impl std::error::Error for Traced {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}
{{/backtrace}}'''
ctxtrait = r'''{{#context}}
/// Adds what was being done to an error.
pub trait Context<T> {
    /// Wraps the error with `context`.
    fn context(self, context: impl Into<String>) -> Result<T>;
}

impl<T, E: Into<Error>> Context<T> for std::result::Result<T, E> {
    fn context(self, context: impl Into<String>) -> Result<T> {
        self.map_err(|e| Error::Context { context: context.into(), source: Box::new(e.into()) })
    }
}
{{/context}}'''
tpl("error-handling/thiserror", "error enum with thiserror and a Result alias",
 {"backtrace": {"default": "false"}, "context": {"default": "false"}},
 [{"path": "src/error.rs", "text": r'''//! The crate's error type (thiserror) and `Result` alias.

{{#backtrace}}use std::backtrace::Backtrace;
use std::fmt;
{{/backtrace}}use std::io;

/// Everything that can go wrong in this crate.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing failed.
    #[error("i/o error: {0}")]
    Io(#[from] io::Error),
    /// Input that could not be parsed.
    #[error("line {line}: {message}")]
    Parse {
        /// 1-based line of the input.
        line: usize,
        /// What was wrong.
        message: String,
    },
{{#context}}    /// Another error, with what was being done when it happened.
    #[error("{context}: {source}")]
    Context {
        /// What was being done.
        context: String,
        /// The error underneath.
        source: Box<Error>,
    },
{{/context}}}

/// `Result` with this crate's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
''' + ctxtrait + traced}],
 [{"name": "thiserror", "version": "1"}], "error")

tpl("error-handling/anyhow", "application errors with anyhow",
 {"backtrace": {"default": "false"}, "context": {"default": "false"}},
 [{"path": "src/error.rs", "text": r'''//! Application errors with anyhow: one error type, context on the way up.

{{#context}}use anyhow::Context as _;
{{/context}}pub use anyhow::{anyhow, bail, ensure, Error, Result};

/// Reads a file as text{{#context}}, saying which file failed{{/context}}.
pub fn read_text(path: &std::path::Path) -> Result<String> {
{{#context}}    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
{{/context}}{{^context}}    Ok(std::fs::read_to_string(path)?)
{{/context}}}

/// Parses a positive number.
pub fn parse_positive(text: &str) -> Result<u64> {
    let n: u64 = text.trim().parse()?;
    ensure!(n > 0, "expected a positive number, got {n}");
    Ok(n)
}
{{#backtrace}}
/// The error with its causes and, when RUST_BACKTRACE=1 or RUST_LIB_BACKTRACE=1
/// was set, the backtrace anyhow captured.
pub fn report(error: &Error) -> String {
    format!("{error:?}")
}
{{/backtrace}}'''}],
 [{"name": "anyhow", "version": "1"}], "error")

tpl("error-handling/std", "error enum with std only and a Result alias",
 {"backtrace": {"default": "false"}, "context": {"default": "false"}},
 [{"path": "src/error.rs", "text": r'''//! The crate's error type (std only) and `Result` alias.

{{#backtrace}}use std::backtrace::Backtrace;
{{/backtrace}}use std::fmt;
use std::io;

/// Everything that can go wrong in this crate.
#[derive(Debug)]
pub enum Error {
    /// Reading or writing failed.
    Io(io::Error),
    /// Input that could not be parsed.
    Parse {
        /// 1-based line of the input.
        line: usize,
        /// What was wrong.
        message: String,
    },
{{#context}}    /// Another error, with what was being done when it happened.
    Context {
        /// What was being done.
        context: String,
        /// The error underneath.
        source: Box<Error>,
    },
{{/context}}}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io(e) => write!(f, "i/o error: {e}"),
            Error::Parse { line, message } => write!(f, "line {line}: {message}"),
{{#context}}            Error::Context { context, source } => write!(f, "{context}: {source}"),
{{/context}}        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io(e) => Some(e),
{{#context}}            Error::Context { source, .. } => Some(source.as_ref()),
{{/context}}            Error::Parse { .. } => None,
        }
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Io(e)
    }
}

/// `Result` with this crate's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
''' + ctxtrait + traced}], None, "error")

tpl("rust-ffi/wrapper", "safe Rust wrapper over a C header with SAFETY comments",
 {"header": {}, "lib": {}, "sys": {}, "wrappers": {}, "bindgen": {"default": "false"}, "module": {}},
 [{"path": "src/{{module}}.rs", "text": r'''//! Rust bindings for `{{header}}` and safe wrappers over them.
//!
{{#bindgen}}//! The raw declarations in `sys` come from bindgen.
{{/bindgen}}{{^bindgen}}//! The raw declarations in `sys` were written from the header's prototypes.
{{/bindgen}}//! Link the C library from build.rs: `println!("cargo:rustc-link-lib={{lib}}");`

/// The C declarations as the header has them (generated: lints that are
/// about C's naming and layout are allowed here only).
#[allow(non_camel_case_types, non_upper_case_globals, non_snake_case, dead_code, clippy::all)]
pub mod sys {
{{sys}}}
{{wrappers}}'''}], None, "{{module}}")

macro_toml = r'''[package]
name = "{{crate_dir}}"
version = "0.1.0"
edition = "2021"
description = "{{kind}} macro {{name}}"

[lib]
proc-macro = true

[dependencies]
{{#syn}}proc-macro2 = "1"
quote = "1"
syn = { version = "1", features = ["full"] }
{{/syn}}'''
tpl("rust-macro/derive", "derive macro crate", {"name": {}, "snake": {}, "crate_dir": {}, "kind": {"default": "derive"}, "syn": {"default": "true"}},
 [{"path": "{{crate_dir}}/Cargo.toml", "text": macro_toml},
  {"path": "{{crate_dir}}/src/lib.rs", "text": r'''//! `#[derive({{name}})]`: gives a type an inherent `{{snake}}_name()` that
//! returns the type's name as written in the source.

use proc_macro::TokenStream;
{{#syn}}use quote::quote;
use syn::{parse_macro_input, DeriveInput};

/// Derives `{{snake}}_name()` for a struct, enum or union.
#[proc_macro_derive({{name}})]
pub fn derive_{{snake}}(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let name = ident.to_string();
    let expanded = quote! {
        impl #impl_generics #ident #ty_generics #where_clause {
            /// The type's name as written in the source.
            pub fn {{snake}}_name() -> &'static str {
                #name
            }
        }
    };
    expanded.into()
}
{{/syn}}{{^syn}}use proc_macro::TokenTree;

/// Derives `{{snake}}_name()` for a struct, enum or union without generics
/// (parsing by hand, without syn).
#[proc_macro_derive({{name}})]
pub fn derive_{{snake}}(input: TokenStream) -> TokenStream {
    let mut tokens = input.into_iter();
    let mut ident = None;
    while let Some(tt) = tokens.next() {
        if let TokenTree::Ident(kw) = &tt {
            let kw = kw.to_string();
            if kw == "struct" || kw == "enum" || kw == "union" {
                ident = tokens.next().map(|t| t.to_string());
                break;
            }
        }
    }
    let Some(ident) = ident else {
        return "compile_error!(\"#[derive({{name}})] needs a struct, enum or union\");"
            .parse()
            .expect("a compile_error! invocation parses");
    };
    let code = String::from("impl ")
        + &ident
        + " { pub fn {{snake}}_name() -> &'static str { \""
        + &ident
        + "\" } }";
    code.parse()
    .expect("generated impl parses")
}
{{/syn}}'''}],
 None, None)
tpl("rust-macro/attribute", "attribute macro crate", {"name": {}, "snake": {}, "crate_dir": {}, "kind": {"default": "attribute"}, "syn": {"default": "true"}},
 [{"path": "{{crate_dir}}/Cargo.toml", "text": macro_toml},
  {"path": "{{crate_dir}}/src/lib.rs", "text": r'''//! `#[{{snake}}]` on a function: prints when the function is entered.

use proc_macro::TokenStream;
{{#syn}}use quote::quote;
use syn::{parse_macro_input, ItemFn};

/// Wraps the function body so that it reports entering the function.
#[proc_macro_attribute]
pub fn {{snake}}(attr: TokenStream, item: TokenStream) -> TokenStream {
    let label = attr.to_string();
    let mut function = parse_macro_input!(item as ItemFn);
    let name = function.sig.ident.to_string();
    let body = &function.block;
    function.block = syn::parse_quote!({
        eprintln!("enter {} {}", #name, #label);
        #body
    });
    quote!(#function).into()
}
{{/syn}}{{^syn}}
/// Passes the item through unchanged (a starting point without syn).
#[proc_macro_attribute]
pub fn {{snake}}(attr: TokenStream, item: TokenStream) -> TokenStream {
    let _ = attr;
    item
}
{{/syn}}'''}],
 None, None)
tpl("rust-macro/function", "function-like macro crate", {"name": {}, "snake": {}, "crate_dir": {}, "kind": {"default": "function"}, "syn": {"default": "true"}},
 [{"path": "{{crate_dir}}/Cargo.toml", "text": macro_toml},
  {"path": "{{crate_dir}}/src/lib.rs", "text": r'''//! `{{snake}}!(a, b, c)`: the number of comma-separated expressions, as a
//! `usize` constant computed at compile time.

use proc_macro::TokenStream;
{{#syn}}use quote::quote;
use syn::punctuated::Punctuated;
use syn::{parse_macro_input, Expr, Token};

/// Counts the expressions it is given.
#[proc_macro]
pub fn {{snake}}(input: TokenStream) -> TokenStream {
    let parser = Punctuated::<Expr, Token![,]>::parse_terminated;
    let exprs = parse_macro_input!(input with parser);
    let n = exprs.len();
    quote!(#n).into()
}
{{/syn}}{{^syn}}use proc_macro::TokenTree;

/// Counts the comma-separated token groups it is given (without syn).
#[proc_macro]
pub fn {{snake}}(input: TokenStream) -> TokenStream {
    let mut n = 0usize;
    let mut pending = false;
    for tt in input {
        match tt {
            TokenTree::Punct(p) if p.as_char() == ',' => {
                if pending {
                    n += 1;
                }
                pending = false;
            }
            _ => pending = true,
        }
    }
    if pending {
        n += 1;
    }
    format!("{n}usize").parse().expect("a number literal parses")
}
{{/syn}}'''}],
 None, None)

tpl("embedded-rust/no-std", "no_std firmware logic module and linker memory layout for a microcontroller target",
 {"target": {}, "hal": {"default": ""}, "rtic": {"default": "false"}},
 [{"path": "src/firmware.rs", "text": r'''//! Firmware logic for `{{target}}`{{#hal}} on the `{{hal}}` HAL{{/hal}}{{#rtic}}, scheduled by RTIC{{/rtic}}.
//!
//! Uses `core` only (no heap, no operating system), so it builds in a
//! `#![no_std]` crate and on the host alike: the logic is tested with
//! `cargo test` on the host and the board-specific part stays thin.

/// A fixed-capacity ring buffer of samples: no allocation, usable from an
/// interrupt handler inside a critical section.
#[derive(Debug, Clone)]
pub struct Ring<const N: usize> {
    buf: [u16; N],
    head: usize,
    len: usize,
}

impl<const N: usize> Ring<N> {
    /// An empty ring.
    pub const fn new() -> Self {
        Self { buf: [0; N], head: 0, len: 0 }
    }

    /// Adds a sample; false when the ring is full.
    pub fn push(&mut self, sample: u16) -> bool {
        if self.len == N {
            return false;
        }
        self.buf[(self.head + self.len) % N] = sample;
        self.len += 1;
        true
    }

    /// Takes the oldest sample.
    pub fn pop(&mut self) -> Option<u16> {
        if self.len == 0 {
            return None;
        }
        let sample = self.buf[self.head];
        self.head = (self.head + 1) % N;
        self.len -= 1;
        Some(sample)
    }

    /// Samples held.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no sample is held.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl<const N: usize> Default for Ring<N> {
    fn default() -> Self {
        Self::new()
    }
}

/// One step of an exponential moving average in fixed point:
/// `prev + (sample - prev) / 2^shift`, without floating point.
pub fn smooth(prev: u16, sample: u16, shift: u32) -> u16 {
    let prev = i32::from(prev);
    let delta = (i32::from(sample) - prev) >> shift.min(15);
    (prev + delta).clamp(0, i32::from(u16::MAX)) as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ring_keeps_order() {
        let mut r: Ring<2> = Ring::new();
        assert!(r.push(1) && r.push(2) && !r.push(3));
        assert_eq!((r.pop(), r.pop(), r.pop()), (Some(1), Some(2), None));
    }

    #[test]
    fn smooth_moves_toward_the_sample() {
        assert_eq!(smooth(100, 200, 1), 150);
        assert_eq!(smooth(200, 100, 2), 175);
    }
}
'''},
  {"path": "memory.x", "text": r'''/* Linker memory layout for {{target}} (read by cortex-m-rt's link.x).
 * These are an STM32F4's (512 KiB flash, 128 KiB RAM): change ORIGIN and
 * LENGTH to your chip's datasheet values. */
MEMORY
{
  FLASH : ORIGIN = 0x08000000, LENGTH = 512K
  RAM : ORIGIN = 0x20000000, LENGTH = 128K
}
'''}], None, "firmware")

json.dump({"format": "rwb-memory", "version": 1, "entries": T}, open(__import__("os").path.join(__import__("os").path.dirname(__import__("os").path.abspath(__file__)), "templates.json"), "w"), indent=1)
print(len(T))
