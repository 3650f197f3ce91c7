//! Writes the workbench benchmark's data to a file: a year of 5-minute CPU, memory, requests and
//! latency (105,120 rows, `synth::usage_csv_every` with the seed `bench-workbench` uses), for
//! tools that load it into the page themselves (`bench/browser/trace_workbench.py`).
//!
//!     cargo run --release -p headroom-core --example workbench_csv -- OUT.csv [ROWS]
fn main() {
    let mut args = std::env::args().skip(1);
    let Some(out) = args.next() else {
        eprintln!("usage: workbench_csv OUT.csv [ROWS]");
        std::process::exit(2);
    };
    let rows = match args.next().map(|a| a.parse::<usize>()) {
        None => 105_120,
        Some(Ok(rows)) => rows,
        Some(Err(e)) => {
            eprintln!("workbench_csv: ROWS must be a whole number: {e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = std::fs::write(&out, headroom_core::synth::usage_csv_every(rows, 300, 42)) {
        eprintln!("workbench_csv: cannot write {out}: {e}");
        std::process::exit(1);
    }
}
