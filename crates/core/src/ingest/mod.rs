//! Reading metric exports into [`Series`], with a located [`Diagnostic`] for every row or value that
//! could not be used.
//!
//! The entry point is [`parse`]: it takes a source name (for messages and series names) and the
//! raw bytes, detects the format from the content and returns the series plus diagnostics, or one
//! [`IngestError`] when nothing in the input is a time series. It never panics on any input.
//!
//! Detection, in order: text starting with `{` or `[` is JSON (Prometheus, CloudWatch, Datadog,
//! Azure Monitor, arrays of records, NDJSON: the `json` module tells them apart by their shape);
//! a first line that is a Flux annotation (`#group,...`) or header (`,result,table,...`) is
//! InfluxDB CSV; anything else is delimited text.

mod delimited;
mod finish;
mod influx;
mod json;
pub mod limits;
mod text;

use serde::{Deserialize, Serialize};

use crate::series::Series;

pub(crate) use finish::{finish_series, finish_series_spaced};
pub use limits::{check_file_size, MAX_FILE_BYTES, MAX_LINE_BYTES, MAX_POINTS, MAX_SERIES};
pub use text::{parse_cell, Cell};

use crate::display::thousands;
use limits::{at_line, human_bytes};

/// One problem found in the input, located as precisely as the format allows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// Delimiter-separated text (comma, semicolon, tab or pipe), with or without a header.
    Delimited { delimiter: char },
    /// InfluxDB Flux CSV (`,result,table,_start,...`), with the `#group` / `#datatype` /
    /// `#default` annotation rows or without them.
    InfluxCsv { annotated: bool },
    /// Prometheus HTTP API `query_range` / `query` result, with or without its envelope.
    PrometheusJson,
    /// AWS CloudWatch `get-metric-statistics` (`Datapoints`).
    CloudwatchMetricStatistics,
    /// AWS CloudWatch `get-metric-data` (`MetricDataResults`).
    CloudwatchMetricData,
    /// Datadog v1 `/api/v1/query` (`series[].pointlist`).
    DatadogV1,
    /// Datadog v2 timeseries query (`data.attributes.series` / `times` / `values`).
    DatadogV2,
    /// Azure Monitor metrics REST response (`value[].timeseries[].data[]`).
    AzureMonitor,
    /// A JSON array of objects (or one object), one instant per object.
    JsonRecords,
    /// Newline-delimited JSON: one object per line.
    Ndjson,
}

impl Format {
    /// What the format is called in the interface: "CSV", "Prometheus JSON", ...
    pub fn label(self) -> &'static str {
        match self {
            Format::Delimited { .. } => "CSV",
            Format::InfluxCsv { .. } => "InfluxDB CSV",
            Format::PrometheusJson => "Prometheus JSON",
            Format::CloudwatchMetricStatistics => "CloudWatch get-metric-statistics",
            Format::CloudwatchMetricData => "CloudWatch get-metric-data",
            Format::DatadogV1 => "Datadog v1 query",
            Format::DatadogV2 => "Datadog v2 timeseries query",
            Format::AzureMonitor => "Azure Monitor metrics",
            Format::JsonRecords => "JSON records",
            Format::Ndjson => "NDJSON",
        }
    }
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
    /// Input that starts like JSON but is not valid JSON (nor NDJSON); where serde_json stopped.
    #[error("not valid JSON: {message} at line {line}, column {column}")]
    InvalidJson { line: usize, column: usize, message: String },
    /// JSON nested deeper than serde_json's limit of 128 levels.
    #[error(
        "JSON nested more than 128 levels deep (at line {line}, column {column}); no metric export nests this deep"
    )]
    JsonTooDeep { line: usize, column: usize },
    /// Valid JSON in none of the shapes Headroom reads; `found` describes its top level.
    #[error("not a metric export Headroom reads: expected Prometheus (data.result), CloudWatch (Datapoints or MetricDataResults), Datadog (series or data.attributes), Azure Monitor (value[].timeseries) or an array of objects with a timestamp key; found {found}")]
    UnknownJson { found: String },
    /// A Prometheus error response (`"status": "error"`), with its `errorType` and `error`.
    #[error("Prometheus returned an error instead of data ({error_type}): {error}")]
    PrometheusError { error_type: String, error: String },
    /// Another service's error response (Datadog `errors`, Azure `error`, an InfluxDB error table).
    #[error("{service} returned an error instead of data: {message}")]
    ErrorResponse { service: &'static str, message: String },
    /// A recognised export whose structure is broken at `path` (e.g. `Datapoints` not an array).
    #[error("{format}: at {path}: {message}")]
    JsonStructure { format: &'static str, path: String, message: String },
    /// A recognised export that holds no data points (an empty result, or none readable).
    #[error("no data in this {format} export: {detail}")]
    NoData { format: &'static str, detail: String },
    /// JSON records in which no key holds timestamps; `keys` lists the first keys found.
    #[error("not a time series: no key of the JSON objects holds timestamps (keys: {keys}); expected ISO 8601 dates or epoch numbers")]
    NoTimeKey { keys: String },
    /// JSON records whose time key is the only key holding numbers or timestamps.
    #[error("not a time series: key \"{key}\" holds timestamps but no other key holds numbers")]
    NoValueKey { key: String },
    /// No line splits into two or more fields on any of `,` `;` tab `|`.
    #[error("not a time series: line {line} has a single column (\"{sample}\"); expected a timestamp column and a value column")]
    SingleColumn { line: usize, sample: String },
    /// No column holds timestamps in a form Headroom reads.
    #[error("not a time series: no column holds timestamps (line {line} reads \"{sample}\"); expected dates like 2014-02-14 14:27:00 or epoch seconds")]
    NoTimestampColumn { line: usize, sample: String },
    /// A column that reads as timestamps in at least half of the sampled rows but not in 80 %: its
    /// timestamps mix formats (dates and epoch numbers, or several date layouts) or are partly
    /// broken. `line` is the first row not in the column's majority form.
    #[error(
        "not a time series Headroom can read: column {column} (\"{name}\") mixes timestamp formats: of {rows} rows sampled, {dates} read as dates and {epochs} as epoch numbers; line {line} reads \"{sample}\". Export the timestamps in one format"
    )]
    MixedTimestamps {
        /// 1-based column.
        column: usize,
        /// Its header (or first cell).
        name: String,
        /// Data rows sampled.
        rows: usize,
        /// How many read as text dates.
        dates: usize,
        /// How many read as epoch numbers (and not as dates).
        epochs: usize,
        /// The first row not in the majority form.
        line: usize,
        /// Its cell.
        sample: String,
    },
    /// Timestamps found, but no other column holds numbers.
    #[error("not a time series: column {column} (\"{name}\") holds timestamps but no other column holds numbers")]
    NoValueColumn { column: usize, name: String },
    /// The file is larger than [`MAX_FILE_BYTES`]; nothing of it was read.
    #[error(
        "{} is over the {} limit: export a shorter span, a coarser step or fewer series",
        human_bytes(*.bytes, *.max), human_bytes(*.max, *.max)
    )]
    FileTooLarge {
        /// The file's size in bytes.
        bytes: u64,
        /// [`MAX_FILE_BYTES`].
        max: u64,
    },
    /// A line of a line-based format longer than [`MAX_LINE_BYTES`]: not a metric export.
    #[error(
        "line {} is {} bytes long, over the limit of {} bytes per line: not a metric export (a row is a few hundred bytes)",
        thousands(*.line), thousands(*.bytes), thousands(*.max)
    )]
    LineTooLong {
        /// 1-based line number.
        line: usize,
        /// Its length in bytes (without the line ending).
        bytes: usize,
        /// [`MAX_LINE_BYTES`].
        max: usize,
    },
    /// A delimited file whose line has more columns than a timestamp and [`MAX_SERIES`] series.
    #[error(
        "line {} has {} columns; Headroom reads at most {} (a timestamp and {} series): export fewer series per file",
        thousands(*.line), thousands(*.count), thousands(*.max), thousands(*.max - 1)
    )]
    TooManyColumns {
        /// 1-based line number.
        line: usize,
        /// Its number of fields.
        count: usize,
        /// [`MAX_SERIES`] + 1.
        max: usize,
    },
    /// More series than [`MAX_SERIES`] in one file.
    #[error(
        "this {format} file holds {} series; Headroom reads at most {} per file: export fewer series per file",
        thousands(*.count), thousands(*.max)
    )]
    TooManySeries {
        /// The format's label.
        format: &'static str,
        /// How many series it holds.
        count: usize,
        /// [`MAX_SERIES`].
        max: usize,
    },
    /// More data points than [`MAX_POINTS`] in one file (all series together).
    #[error(
        "{} data points in {} series{}, over the limit of {} per file: export a shorter span or a coarser step",
        thousands(*.points), thousands(*.series), at_line(.line), thousands(*.max)
    )]
    TooManyPoints {
        /// Points read when the limit was passed (the whole file's when `line` is `None`).
        points: usize,
        /// Series they belong to.
        series: usize,
        /// The line at which reading stopped, for formats that check while reading.
        line: Option<usize>,
        /// [`MAX_POINTS`].
        max: usize,
    },
    /// Every data row was unusable; `first` is the first problem.
    #[error("no usable rows: every data row had a problem; the first, at line {line}: {first}")]
    NoUsableRows { line: usize, first: String },
}

/// Reads one export. `source` names the input in series names (for single-value files) and is
/// not otherwise interpreted: core never opens files.
pub fn parse(source: &str, bytes: &[u8]) -> Result<Parsed, IngestError> {
    parse_with_progress(source, bytes, &mut |_| {})
}

/// [`parse`], reporting progress as a fraction in [0, 1] now and then (for a progress bar; the
/// delimited reader reports every 64 Ki lines, the others at the end).
pub fn parse_with_progress(source: &str, bytes: &[u8], progress: &mut dyn FnMut(f64)) -> Result<Parsed, IngestError> {
    check_file_size(bytes.len() as u64)?;
    let text = text::decode(bytes)?;
    let first = text.trim_start();
    let parsed = if first.starts_with('{') || first.starts_with('[') {
        json::parse(source, &text)
    } else if influx::detect(&text) {
        influx::parse(source, &text)
    } else {
        delimited::parse(source, &text, progress)
    };
    progress(1.0);
    limits::check_parsed(parsed?)
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
        assert!(matches!(parse("x.json", b" {\"a\": 1}"), Err(IngestError::UnknownJson { .. })));
    }
}
