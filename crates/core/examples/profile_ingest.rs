//! Profiling aid for ingest (run under perf or valgrind):
//!   profile_ingest gen FILE ROWS   writes a synthetic usage CSV
//!   profile_ingest parse FILE      parses it once and prints MB/s
fn main() {
    let args: Vec<String> = std::env::args().collect();
    match (args.get(1).map(String::as_str), args.get(2)) {
        (Some("gen"), Some(file)) => {
            let rows = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
            std::fs::write(file, headroom_core::synth::usage_csv(rows, 42)).expect("write");
        }
        (Some("parse"), Some(file)) => {
            let bytes = std::fs::read(file).expect("read");
            let t = std::time::Instant::now();
            let parsed = headroom_core::parse(file, &bytes).expect("parse");
            let secs = t.elapsed().as_secs_f64();
            let mb = bytes.len() as f64 / 1e6;
            eprintln!("{} series, {mb:.1} MB in {secs:.3} s = {:.1} MB/s", parsed.series.len(), mb / secs);
        }
        _ => eprintln!("usage: profile_ingest gen FILE ROWS | parse FILE"),
    }
}
