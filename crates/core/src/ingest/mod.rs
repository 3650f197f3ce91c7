//! Reading metric exports into [`Series`], with a located [`Diagnostic`] for every row or value that
//! could not be used.
//!
//! The entry point is [`parse`]: it takes a source name (for messages and series names) and the
//! raw bytes, detects the format from the content and returns the series plus diagnostics, or one
//! [`IngestError`] when nothing in the input is a time series. It never panics on any input.

mod delimited;
mod text;

use std::collections::HashMap;

use serde::Serialize;

use crate::series::Series;

pub use text::{parse_cell, Cell};

/// One problem found in the input, located as precisely as the format allows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// 1-based line of the input, when the problem belongs to a line.
    pub line: Option<usize>,
    /// 1-based field (column) on that line, when it belongs to one field.
    pub column: Option<usize>,
    pub message: String,
}

/// The format a parser recognised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// Delimiter-separated text (comma, semicolon, tab or pipe), with or without a header.
    Delimited { delimiter: char },
}

/// What a file yielded: its series, in column order, and every problem met on the way.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    pub format: Format,
    pub series: Vec<Series>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Why a whole input could not be read as a time series.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IngestError {
    /// The input holds no bytes, or only white space.
    #[error("the file is empty")]
    Empty,
    /// A NUL byte near the start: an image, archive or program rather than text.
    #[error("not a text file (binary data: a NUL byte at offset {offset}); export the metrics as CSV")]
    Binary { offset: usize },
    /// JSON input: the JSON exporters' formats are not read by this version.
    #[error("JSON input is not read by this version of Headroom; export the metric as CSV (timestamp,value)")]
    Json,
    /// No line splits into two or more fields on any of `,` `;` tab `|`.
    #[error("not a time series: line {line} has a single column (\"{sample}\"); expected a timestamp column and a value column")]
    SingleColumn { line: usize, sample: String },
    /// No column holds timestamps in a form Headroom reads.
    #[error("not a time series: no column holds timestamps (line {line} reads \"{sample}\"); expected dates like 2014-02-14 14:27:00 or epoch seconds")]
    NoTimestampColumn { line: usize, sample: String },
    /// Timestamps found, but no other column holds numbers.
    #[error("not a time series: column {column} (\"{name}\") holds timestamps but no other column holds numbers")]
    NoValueColumn { column: usize, name: String },
    /// Every data row was unusable; `first` is the first problem.
    #[error("no usable rows: every data row had a problem; the first, at line {line}: {first}")]
    NoUsableRows { line: usize, first: String },
}

/// Reads one export. `source` names the input in series names (for single-value files) and is
/// not otherwise interpreted: core never opens files.
pub fn parse(source: &str, bytes: &[u8]) -> Result<Parsed, IngestError> {
    let text = text::decode(bytes)?;
    let first = text.trim_start();
    if first.starts_with('{') || first.starts_with('[') {
        return Err(IngestError::Json);
    }
    delimited::parse(source, &text)
}

/// The name a single-value file's series takes: the source's file stem (`dir/cpu.csv` → `cpu`).
pub fn source_stem(source: &str) -> &str {
    let base = source.rsplit(['/', '\\']).next().unwrap_or(source);
    match base.rfind('.') {
        Some(i) if i > 0 => &base[..i],
        _ => base,
    }
}

/// Caps detailed diagnostics so a file with a million bad rows still reports in bounded memory;
/// the rest are counted and summarised in one final line.
pub(crate) struct Diagnostics {
    list: Vec<Diagnostic>,
    dropped: usize,
}

impl Diagnostics {
    const MAX_LISTED: usize = 1000;

    pub fn new() -> Self {
        Diagnostics { list: Vec::new(), dropped: 0 }
    }

    pub fn push(&mut self, line: Option<usize>, column: Option<usize>, message: String) {
        if self.list.len() < Self::MAX_LISTED {
            self.list.push(Diagnostic { line, column, message });
        } else {
            self.dropped += 1;
        }
    }

    pub fn first(&self) -> Option<&Diagnostic> {
        self.list.first()
    }

    pub fn finish(mut self) -> Vec<Diagnostic> {
        if self.dropped > 0 {
            self.list.push(Diagnostic {
                line: None,
                column: None,
                message: format!("{} more problems not listed", self.dropped),
            });
        }
        self.list
    }
}

/// Builds a series from rows in file order: sorts by time (reporting the first row out of order)
/// and merges duplicate timestamps by averaging their values (reporting each duplicate).
pub(crate) fn finish_series(
    mut series: Series,
    lines: &[usize],
    column: Option<usize>,
    diags: &mut Diagnostics,
) -> Series {
    let n = series.timestamps.len();
    let sorted = series.timestamps.windows(2).all(|w| w[0] <= w[1]);
    let mut order: Vec<usize> = (0..n).collect();
    if !sorted {
        let first_bad = series.timestamps.windows(2).position(|w| w[1] < w[0]).map_or(0, |i| i + 1);
        diags.push(
            Some(lines[first_bad]),
            column,
            format!("\"{}\": rows are not in time order (first at this line); sorted by time", series.name),
        );
        order.sort_by_key(|&i| series.timestamps[i]);
    }
    let mut ts = Vec::with_capacity(n);
    let mut vs = Vec::with_capacity(n);
    let mut group: Vec<f64> = Vec::new();
    let mut first_line: HashMap<i64, usize> = HashMap::new();
    let mut k = 0;
    while k < n {
        let t = series.timestamps[order[k]];
        group.clear();
        group.push(series.values[order[k]]);
        let mut j = k + 1;
        while j < n && series.timestamps[order[j]] == t {
            group.push(series.values[order[j]]);
            let first = *first_line.entry(t).or_insert(lines[order[k]]);
            diags.push(
                Some(lines[order[j]]),
                column,
                format!(
                    "\"{}\": duplicate timestamp {} (first at line {first}); values averaged",
                    series.name,
                    crate::time::to_rfc3339(t)
                ),
            );
            j += 1;
        }
        let finite: Vec<f64> = group.iter().copied().filter(|v| v.is_finite()).collect();
        let v = if finite.is_empty() { f64::NAN } else { finite.iter().sum::<f64>() / finite.len() as f64 };
        ts.push(t);
        vs.push(v);
        k = j;
    }
    series.timestamps = ts;
    series.values = vs;
    series
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems() {
        assert_eq!(source_stem("../data/ec2_cpu.csv"), "ec2_cpu");
        assert_eq!(source_stem("C:\\x\\mem.tsv"), "mem");
        assert_eq!(source_stem("noext"), "noext");
        assert_eq!(source_stem(".hidden"), ".hidden");
    }

    #[test]
    fn whole_file_errors_are_specific() {
        assert_eq!(parse("e.csv", b""), Err(IngestError::Empty));
        assert_eq!(parse("e.csv", b" \n\r\n"), Err(IngestError::Empty));
        assert_eq!(parse("p.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Err(IngestError::Binary { offset: 8 }));
        assert_eq!(parse("x.json", b" {\"a\": 1}"), Err(IngestError::Json));
    }
}
