//! Writes the two synthetic series of the forecast benchmark as `timestamp,value` CSV (RFC 3339
//! UTC timestamps), for peers outside Rust to read the very same numbers:
//!
//!     cargo run --release -p headroom-core --example forecast_series -- DIR
//!
//! produces `DIR/synthetic_14d_5min.csv` (4,032 points) and `DIR/synthetic_1y_5min.csv` (105,120).
use std::fmt::Write;

use headroom_core::forecast::synthetic::daily_weekly;
use headroom_core::time::to_rfc3339;

/// The seed `benches/forecast.rs` uses.
const SEED: u64 = 42;

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: forecast_series DIR");
        std::process::exit(2);
    };
    for (name, points) in [("synthetic_14d_5min.csv", 4_032), ("synthetic_1y_5min.csv", 105_120)] {
        let s = daily_weekly(points, 300_000, SEED);
        let mut out = String::with_capacity(points * 40);
        out.push_str("timestamp,value\n");
        for (t, v) in s.timestamps.iter().zip(&s.values) {
            let _ = writeln!(out, "{},{v}", to_rfc3339(*t));
        }
        let path = std::path::Path::new(&dir).join(name);
        if let Err(e) = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, out)) {
            eprintln!("forecast_series: cannot write {}: {e}", path.display());
            std::process::exit(1);
        }
        eprintln!("wrote {} ({points} points)", path.display());
    }
}
