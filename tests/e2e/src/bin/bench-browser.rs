//! `bench-browser [ROWS]`: Headroom's wasm ingest against Papa Parse and d3-dsv on the same bytes,
//! in one headless Chromium run (see bench/browser/bench.js). Needs the built app in `dist/` and
//! `npm ci` in bench/browser; scripts/bench.sh does both. Prints the figures and ratios and writes
//! them to target/bench-browser.json.

use std::path::Path;
use std::time::Duration;

use headroom_e2e::browser::{dist, workspace, Browser};
use serde_json::Value;

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() {
    let rows: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(2_400_000);
    let root = workspace();
    let site = root.join("target/bench-browser");
    let _ = std::fs::remove_dir_all(&site);
    let bench = root.join("bench/browser");
    let staged = copy_dir(&dist(), &site).and_then(|()| {
        for (from, name) in [
            (bench.join("bench.html"), "bench.html"),
            (bench.join("bench.js"), "bench.js"),
            (bench.join("node_modules/papaparse/papaparse.min.js"), "papaparse.min.js"),
            (bench.join("node_modules/d3-dsv/dist/d3-dsv.min.js"), "d3-dsv.min.js"),
        ] {
            std::fs::copy(&from, site.join(name))
                .map_err(|e| std::io::Error::other(format!("{}: {e}", from.display())))?;
        }
        std::fs::write(site.join("bench.csv"), headroom_core::synth::usage_csv(rows, 42))
    });
    if let Err(e) = staged {
        eprintln!(
            "bench-browser: cannot stage the benchmark page: {e} (build dist/ and run `npm ci` in bench/browser first)"
        );
        std::process::exit(1);
    }

    let b = Browser::serving(&site).await;
    b.client.goto(&format!("{}bench.html", b.url)).await.expect("open the benchmark page");
    let mut result = Value::Null;
    for _ in 0..1200 {
        result = b.js("return window.__bench || null", vec![]).await;
        if !result.is_null() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    b.close().await;
    if let Some(e) = result.get("error") {
        eprintln!("bench-browser: the page failed: {e}");
        std::process::exit(1);
    }
    let s = &result["summary"];
    println!(
        "ingest of {:.1} MB in headless Chromium (median of 7 interleaved rounds after a warm-up):",
        s["mb"].as_f64().unwrap_or(0.0)
    );
    for (name, key) in
        [("headroom (wasm worker)", "headroom_mb_s"), ("papaparse", "papaparse_mb_s"), ("d3-dsv", "d3_dsv_mb_s")]
    {
        println!("  {name:<24} {:>8.1} MB/s", s[key].as_f64().unwrap_or(0.0));
    }
    println!("  headroom / papaparse    {:>8.2}x  (target >= 10x)", s["vs_papaparse"].as_f64().unwrap_or(0.0));
    println!("  headroom / d3-dsv       {:>8.2}x  (target >= 3x)", s["vs_d3_dsv"].as_f64().unwrap_or(0.0));
    println!(
        "  wasm memory / file size {:>8.2}x  (target <= 3x)",
        s["wasm_memory_per_file_byte"].as_f64().unwrap_or(0.0)
    );
    if let Some(phases) = result["runs"]["headroom"]["worker_phases_ms"].as_array() {
        for p in phases {
            println!(
                "  headroom worker phases: copy in {:.0} ms, parse {:.0} ms, pack out {:.0} ms",
                p["copy"].as_f64().unwrap_or(0.0),
                p["parse"].as_f64().unwrap_or(0.0),
                p["pack"].as_f64().unwrap_or(0.0)
            );
        }
    }
    let out = root.join("target/bench-browser.json");
    let _ = std::fs::write(&out, serde_json::to_string_pretty(&result).unwrap_or_default());
    println!("details: {}", out.display());
}
