//! `headroom inspect FILE...`

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use headroom_core::time::{human_duration, to_rfc3339};
use headroom_core::{parse, Series};
use serde_json::{json, Value};

#[derive(clap::Args)]
pub struct Args {
    /// Print one JSON object {"series": [...], "diagnostics": [...]} instead of a table.
    #[arg(long)]
    json: bool,
    /// Metric exports to read (CSV: timestamp,value and relatives).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
}

/// A series with the file it came from.
struct Found {
    file: String,
    series: Series,
}

pub fn run(args: &Args) -> ExitCode {
    let mut found = Vec::new();
    let mut diagnostics = Vec::new();
    let mut failed = false;
    for path in &args.files {
        let file = path.display().to_string();
        let bytes = match crate::read_export(path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("headroom: {file}: {e}");
                failed = true;
                continue;
            }
        };
        match parse(&file, &bytes) {
            Ok(parsed) => {
                for d in parsed.diagnostics {
                    diagnostics.push(
                        json!({"file": file, "line": d.line, "column": d.column, "path": d.path, "message": d.message}),
                    );
                }
                found.extend(parsed.series.into_iter().map(|series| Found { file: file.clone(), series }));
            }
            Err(e) => {
                eprintln!("headroom: {file}: {e}");
                failed = true;
            }
        }
    }
    let out = if args.json { json_report(&found, diagnostics) } else { table(&found, &diagnostics) };
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = std::io::stdout().write_all(out.as_bytes());
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn json_report(found: &[Found], diagnostics: Vec<Value>) -> String {
    let series: Vec<Value> = found
        .iter()
        .filter_map(|f| {
            let st = f.series.stats()?;
            Some(json!({
                "name": f.series.name,
                "file": f.file,
                "kind": f.series.kind,
                "points": st.points,
                "missing": st.missing,
                "start": to_rfc3339(st.start_ms),
                "end": to_rfc3339(st.end_ms),
                "step_seconds": seconds(st.step_ms),
                "min": st.min,
                "max": st.max,
                "mean": st.mean,
                "unit": f.series.unit,
            }))
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&json!({"series": series, "diagnostics": diagnostics}))
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// Whole seconds as an integer, fractions as a float.
fn seconds(ms: i64) -> Value {
    if ms % 1000 == 0 {
        json!(ms / 1000)
    } else {
        json!(ms as f64 / 1000.0)
    }
}

fn table(found: &[Found], diagnostics: &[Value]) -> String {
    let header = ["series", "points", "start", "end", "step", "min", "max", "mean", "unit"];
    let mut rows: Vec<[String; 9]> = vec![header.map(String::from)];
    for f in found {
        let Some(st) = f.series.stats() else { continue };
        let num = |v: Option<f64>| v.map_or("-".to_string(), fmt_num);
        rows.push([
            f.series.name.clone(),
            st.points.to_string(),
            to_rfc3339(st.start_ms),
            to_rfc3339(st.end_ms),
            human_duration(st.step_ms),
            num(st.min),
            num(st.max),
            num(st.mean),
            f.series.unit.clone().unwrap_or_else(|| "-".into()),
        ]);
    }
    let widths: Vec<usize> = (0..9).map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for r in &rows {
        // Text columns (name, start, end, step, unit) left-aligned, numbers right-aligned.
        let numeric = |i: usize| matches!(i, 1 | 5 | 6 | 7);
        let cells: Vec<String> = r
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (cell, w))| if numeric(i) { format!("{cell:>w$}") } else { format!("{cell:<w$}") })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    for d in diagnostics {
        let mut loc = match (d["line"].as_u64(), d["column"].as_u64()) {
            (Some(l), Some(c)) => format!(":{l}:{c}"),
            (Some(l), None) => format!(":{l}"),
            _ => String::new(),
        };
        if let Some(p) = d["path"].as_str() {
            loc.push_str(&format!(" ({p})"));
        }
        eprintln!("{}{loc}: {}", d["file"].as_str().unwrap_or(""), d["message"].as_str().unwrap_or(""));
    }
    out
}

/// Up to four decimals, without trailing zeros.
fn fmt_num(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}
