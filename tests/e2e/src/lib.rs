//! Test support for Headroom's browser tests and benchmarks: a static server and a WebDriver harness.

pub mod browser;
pub mod serve;
