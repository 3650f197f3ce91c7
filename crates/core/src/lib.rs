//! # headroom-core
//!
//! Every model and parser of Headroom, in pure Rust: no browser, no files, no clock. It takes bytes
//! and numbers and returns values, so the web app and the `headroom` CLI give identical results.
//!
//! - [`ingest`]: metric exports (bytes) → [`series::Series`] with located diagnostics.
//! - [`series`]: the series model and its summary statistics.
//! - [`time`]: reading and writing timestamps (UTC epoch milliseconds throughout).

pub mod ingest;
pub mod series;
pub mod time;

pub use ingest::{parse, Diagnostic, IngestError, Parsed};
pub use series::{Series, SeriesKind, SeriesStats};
