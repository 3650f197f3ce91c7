//! Reading metric exports into [`Series`], with a located [`Diagnostic`] for every row or value that
//! could not be used.
//!
//! The entry point is [`parse`]: it takes a source name (for messages and series names) and the
//! raw bytes, detects the format from the content and returns the series plus diagnostics, or one
//! [`IngestError`] when nothing in the input is a time series. It never panics on any input.

mod delimited;
mod finish;
mod text;

use serde::Serialize;

use crate::series::Series;

pub(crate) use finish::finish_series;
pub use text::{parse_cell, Cell};

/// One problem found in the input, located as precisely as the format allows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// 1-based line of the input, when the problem belongs to a line.
    pub line: Option<usize>,
    /// 1-based field (column) on that line, when it belongs to one field.
    pub column: Option<usize>,
    /// Where in a structured (JSON) document, e.g. `data.result[1].values[17]`.
    pub path: Option<String>,
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
            self.list.push(Diagnostic { line, column, path: None, message });
        } else {
            self.dropped += 1;
        }
    }

    /// A problem located by a path in a structured document (and its line, when known).
    #[allow(dead_code)] // until the JSON readers land
    pub fn push_at(&mut self, line: Option<usize>, path: String, message: String) {
        if self.list.len() < Self::MAX_LISTED {
            self.list.push(Diagnostic { line, column: None, path: Some(path), message });
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
                path: None,
                message: format!("{} more problems not listed", self.dropped),
            });
        }
        self.list
    }
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
