//! # headroom-core
//!
//! Every model and parser of Headroom, in pure Rust: no browser, no files, no clock. It takes bytes
//! and numbers and returns values, so the web app and the `headroom` CLI give identical results.
//!
//! - [`ingest`]: metric exports (bytes) → [`series::Series`] with located diagnostics.
//! - [`series`]: the series model and its summary statistics.
//! - [`resample`]: series onto a fixed, epoch-aligned step (mean, max or p95 per bin).
//! - [`share`]: a policy as a share link's fragment (`v1.…`), decoded strictly.
//! - [`time`]: reading and writing timestamps (UTC epoch milliseconds throughout).

pub mod capacity;
pub mod display;
pub mod forecast;
pub mod ingest;
pub mod resample;
pub mod series;
pub mod share;
pub mod synth;
pub mod time;

pub use ingest::{check_file_size, parse, parse_with_progress, Diagnostic, IngestError, Parsed, MAX_FILE_BYTES};
pub use resample::{regularise, Aggregation, ResampleError, MAX_BINS};
pub use series::{Series, SeriesKind, SeriesStats};
