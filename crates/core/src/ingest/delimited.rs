//! Delimiter-separated text: `timestamp,value` files and their relatives (semicolon, tab, pipe;
//! with or without a header; one or many value columns; a `sep=` first line; quoted fields).
//!
//! Detection works on a sample of the first lines: the delimiter that splits them consistently,
//! the column whose cells read as timestamps, whether the first row is a header, which columns
//! hold numbers. Then every row is read, and every unusable row or cell is reported.

use std::borrow::Cow;

use super::limits::{MAX_LINE_BYTES, MAX_POINTS, MAX_SERIES};
use super::text::{fast_decimal, parse_cell, split_fields, Cell, Lines};
use super::{finish_series_spaced, source_stem, Diagnostics, Format, IngestError, Parsed};
use crate::series::{Series, SeriesKind, Spacing};
use crate::time::{parse_datetime, parse_datetime_cached, DateCache, EpochUnit};

const SAMPLE_LINES: usize = 50;

/// How the timestamp column encodes time.
#[derive(Clone, Copy, Debug, PartialEq)]
enum TimeEncoding {
    Text,
    Epoch(EpochUnit),
}

impl TimeEncoding {
    fn read(self, cell: &str) -> Option<i64> {
        self.read_cached(cell, &mut DateCache::default())
    }

    fn read_cached(self, cell: &str, cache: &mut DateCache) -> Option<i64> {
        match self {
            TimeEncoding::Text => parse_datetime_cached(cell, cache),
            TimeEncoding::Epoch(unit) => {
                let cell = cell.trim_ascii();
                let v: f64 = fast_decimal(cell.as_bytes()).or_else(|| cell.trim().parse().ok())?;
                (v.is_finite() && EpochUnit::guess(v).is_some()).then(|| unit.to_millis(v))
            }
        }
    }
}

pub(super) fn parse(source: &str, text: &str, progress: &mut dyn FnMut(f64)) -> Result<Parsed, IngestError> {
    // Blank lines are skipped; the first non-space byte settles it for nearly every line.
    let blank = |l: &str| l.bytes().all(|b| b.is_ascii_whitespace()) && l.trim().is_empty();
    let mut lines = Lines::new(text).filter(move |(_, l)| !blank(l)).peekable();

    // An Excel hint line (`sep=,`) fixes the delimiter.
    let mut delimiter = None;
    if let Some((_, l)) = lines.peek() {
        if let Some(d) = l.trim().strip_prefix("sep=") {
            // Only an ASCII delimiter: fields are split at byte positions, which must be character
            // boundaries (a `sep=` followed by a multi-byte character is ignored; found by fuzzing).
            delimiter = d.bytes().next().filter(u8::is_ascii);
            lines.next();
        }
    }
    let sample: Vec<(usize, &str)> = lines.clone().take(SAMPLE_LINES).collect();
    if let Some(&(line, l)) = sample.iter().find(|(_, l)| l.len() > MAX_LINE_BYTES) {
        return Err(too_long(line, l));
    }
    let (first_line_no, first_line) = *sample.first().ok_or(IngestError::Empty)?;
    let delimiter = match delimiter.or_else(|| detect_delimiter(&sample)) {
        Some(d) => d,
        None => return Err(IngestError::SingleColumn { line: first_line_no, sample: excerpt(first_line) }),
    };

    let mut fields = Vec::new();
    let mut rows: Vec<(usize, Vec<Cow<str>>)> = Vec::with_capacity(sample.len());
    for &(no, l) in &sample {
        split_fields(l, delimiter, &mut fields);
        // Ten thousand columns would cost ten thousand series (and a detection pass over each).
        if fields.len() > MAX_SERIES + 1 {
            return Err(IngestError::TooManyColumns { line: no, count: fields.len(), max: MAX_SERIES + 1 });
        }
        rows.push((no, fields.clone()));
    }
    let Some((ts_col, encoding)) = detect_time_column(&rows) else {
        if rows.len() == 1 {
            return Err(IngestError::NoUsableRows {
                line: first_line_no,
                first: "the file has a header but no data rows".to_string(),
            });
        }
        if let Some(e) = mixed_timestamps(&rows) {
            return Err(e);
        }
        return Err(IngestError::NoTimestampColumn { line: first_line_no, sample: excerpt(first_line) });
    };
    let has_header = rows[0].1.get(ts_col).is_none_or(|c| encoding.read(c).is_none());
    let header: Vec<String> =
        if has_header { rows[0].1.iter().map(|c| c.trim().to_string()).collect() } else { Vec::new() };
    let data_sample = if has_header { &rows[1..] } else { &rows[..] };
    let decimal_comma = delimiter != b',';
    let width = rows.iter().map(|(_, f)| f.len()).max().unwrap_or(0).max(header.len());

    // Value columns: every other column with a number in the sample; text columns are reported.
    let mut diags = Diagnostics::new();
    let mut value_cols = Vec::new();
    for c in (0..width).filter(|&c| c != ts_col) {
        let numeric = data_sample
            .iter()
            .any(|(_, f)| matches!(f.get(c).map(|s| parse_cell(s, decimal_comma)), Some(Cell::Number(..))));
        let all_missing = data_sample
            .iter()
            .all(|(_, f)| matches!(f.get(c).map(|s| parse_cell(s, decimal_comma)), None | Some(Cell::Missing)));
        if numeric || (all_missing && header.get(c).is_some_and(|h| !h.is_empty())) {
            value_cols.push(c);
        } else if data_sample.iter().any(|(_, f)| f.get(c).is_some_and(|s| !s.trim().is_empty())) {
            let name = header.get(c).map_or(String::new(), |h| format!(" (\"{h}\")"));
            diags.push(
                None,
                Some(c + 1),
                format!("column {}{name} holds text, not numbers: not read as a series", c + 1),
            );
        }
    }
    if value_cols.is_empty() {
        return Err(IngestError::NoValueColumn {
            column: ts_col + 1,
            name: header
                .get(ts_col)
                .cloned()
                .or_else(|| rows.iter().find_map(|(_, f)| f.get(ts_col)).map(|c| excerpt(c)))
                .unwrap_or_default(),
        });
    }

    let names = series_names(source, &header, &value_cols);
    // Size the columns from the sample's mean line length, so 100 MB inputs do not pay for
    // repeated doubling (which also leaves up to half of each column unused).
    let sample_bytes: usize = sample.iter().map(|(_, l)| l.len() + 1).sum();
    let rows_guess = (text.len() / (sample_bytes / sample.len().max(1)).max(1)) + 16;
    let rows_guess = rows_guess + rows_guess / 20;
    // Reading stops with an error past MAX_POINTS: never reserve more than that.
    let max_rows = MAX_POINTS / value_cols.len().max(1);
    let rows_guess = rows_guess.min(max_rows + 1);
    let mut cols: Vec<Column> =
        value_cols.iter().zip(names).map(|(&c, (name, unit))| Column::new(c, name, unit, rows_guess)).collect();
    let mut times: Vec<i64> = Vec::with_capacity(rows_guess);
    let mut row_lines: Vec<usize> = Vec::with_capacity(rows_guess);
    let needed = ts_col.max(*value_cols.last().unwrap_or(&0)) + 1;

    // The data rows, in one pass over the bytes from the first data line: fields are split at the
    // delimiter and rows at LF, CRLF or a lone CR (numbered as `Lines` numbers them), into slices
    // of the input. A row with a quote goes through `split_fields`; blank lines are skipped.
    let mut rest = lines.skip(usize::from(has_header)).peekable();
    let (mut line_no, mut pos) = match rest.peek() {
        Some(&(no, line)) => (no, (line.as_ptr() as usize).saturating_sub(text.as_ptr() as usize)),
        None => (0, text.len()),
    };
    let b = text.as_bytes();
    let total = b.len().max(1) as f64;
    let mut cells: Vec<&str> = Vec::with_capacity(width + 1);
    let mut dates = DateCache::default();
    while pos < b.len() {
        if line_no % 65_536 == 0 {
            progress(0.9 * pos as f64 / total); // rows are 90 % of the work
        }
        cells.clear();
        let (line_start, mut field_start, mut quoted) = (pos, pos, false);
        let mut i = pos;
        while i < b.len() {
            let c = b[i];
            if c == delimiter {
                // Fields past the widest sample row are never read: a row of a million delimiters
                // must not cost a million cells.
                if cells.len() <= width {
                    cells.push(text.get(field_start..i).unwrap_or(""));
                }
                field_start = i + 1;
            } else if c == b'\n' || c == b'\r' {
                break;
            } else if c == b'"' {
                quoted = true;
            }
            i += 1;
        }
        let line_end = i;
        pos = if b.get(i) == Some(&b'\r') && b.get(i + 1) == Some(&b'\n') { i + 2 } else { i + 1 };
        let this_line = line_no;
        line_no += 1;
        if line_end - line_start > MAX_LINE_BYTES {
            return Err(too_long(this_line, text.get(line_start..line_end).unwrap_or("")));
        }
        let line = text.get(line_start..line_end).unwrap_or("");
        if cells.is_empty() && line.bytes().all(|c| c.is_ascii_whitespace()) && line.trim().is_empty() {
            continue;
        }
        let owned: Vec<&str>;
        let row: &[&str] = if quoted {
            split_fields(line, delimiter, &mut fields);
            owned = fields.iter().map(|c| c.as_ref()).collect();
            &owned
        } else {
            cells.push(text.get(field_start..line_end).unwrap_or(""));
            &cells
        };
        read_row(
            row,
            this_line,
            ts_col,
            encoding,
            &mut dates,
            needed,
            decimal_comma,
            &mut times,
            &mut row_lines,
            &mut cols,
            &mut diags,
        );
        if times.len() > max_rows {
            let points = times.len() * cols.len();
            return Err(IngestError::TooManyPoints {
                points,
                series: cols.len(),
                line: Some(this_line),
                max: MAX_POINTS,
            });
        }
    }

    if times.is_empty() {
        return Err(match diags.first() {
            Some(d) => IngestError::NoUsableRows { line: d.line.unwrap_or(first_line_no), first: d.message.clone() },
            None => IngestError::NoUsableRows {
                line: first_line_no,
                first: "the file has a header but no data rows".to_string(),
            },
        });
    }

    // Each series owns its timestamps; the last column takes the row times without a copy.
    let mut series = Vec::with_capacity(cols.len());
    // Every column has the same timestamps: when they arrived in order, measure their spacing
    // (median step, gaps) once rather than once a column.
    let spacing = times.windows(2).all(|w| w[0] < w[1]).then(|| Spacing::of(&times));
    let last = cols.len().saturating_sub(1);
    for (i, col) in cols.into_iter().enumerate() {
        let ts = if i == last { std::mem::take(&mut times) } else { times.clone() };
        series.push(col.finish(ts, &row_lines, &mut diags, spacing.as_ref()));
    }
    Ok(Parsed { format: Format::Delimited { delimiter: delimiter as char }, series, diagnostics: diags.finish() })
}

/// A line over [`MAX_LINE_BYTES`]: when it is long because it has over [`MAX_SERIES`] fields on
/// one of the delimiters (a file of a million columns), that is what the error says.
fn too_long(line: usize, text: &str) -> IngestError {
    let fields =
        1 + [b',', b';', b'\t', b'|'].iter().map(|&d| text.bytes().filter(|&b| b == d).count()).max().unwrap_or(0);
    if fields > MAX_SERIES + 1 {
        IngestError::TooManyColumns { line, count: fields, max: MAX_SERIES + 1 }
    } else {
        IngestError::LineTooLong { line, bytes: text.len(), max: MAX_LINE_BYTES }
    }
}

/// Reads one row's fields: its timestamp (or a diagnostic and the row is skipped), then one cell
/// per value column.
#[allow(clippy::too_many_arguments)]
#[inline]
fn read_row(
    fields: &[&str],
    line_no: usize,
    ts_col: usize,
    encoding: TimeEncoding,
    dates: &mut DateCache,
    needed: usize,
    decimal_comma: bool,
    times: &mut Vec<i64>,
    row_lines: &mut Vec<usize>,
    cols: &mut [Column],
    diags: &mut Diagnostics,
) {
    let Some(ts_cell) = fields.get(ts_col) else {
        diags.push(Some(line_no), None, format!("expected {needed} fields, found {}: row skipped", fields.len()));
        return;
    };
    let Some(t) = encoding.read_cached(ts_cell, dates) else {
        let what = if ts_cell.trim().is_empty() {
            "empty timestamp".to_string()
        } else {
            format!("cannot read \"{}\" as a timestamp", excerpt(ts_cell))
        };
        diags.push(Some(line_no), Some(ts_col + 1), format!("{what}: row skipped"));
        return;
    };
    times.push(t);
    row_lines.push(line_no);
    for col in cols {
        let cell = fields.get(col.index).copied().unwrap_or("");
        col.push(parse_cell(cell, decimal_comma), cell, line_no, diags);
    }
}

/// One value column while rows are read.
struct Column {
    index: usize,
    name: String,
    unit: Option<String>,
    values: Vec<f64>,
    missing: usize,
    first_missing_line: usize,
}

impl Column {
    fn new(index: usize, name: String, unit: Option<String>, capacity: usize) -> Self {
        Column { index, name, unit, values: Vec::with_capacity(capacity), missing: 0, first_missing_line: 0 }
    }

    fn push(&mut self, cell: Cell, raw: &str, line: usize, diags: &mut Diagnostics) {
        let v = match cell {
            Cell::Number(v, unit) => {
                if let Some(u) = unit {
                    match &self.unit {
                        None => self.unit = Some(u.to_string()),
                        Some(known) if known != u => diags.push(
                            Some(line),
                            Some(self.index + 1),
                            format!(
                                "\"{}\": unit \"{u}\" differs from \"{known}\" used above; value kept as is",
                                self.name
                            ),
                        ),
                        Some(_) => {}
                    }
                }
                v
            }
            Cell::Missing => {
                if self.missing == 0 {
                    self.first_missing_line = line;
                }
                self.missing += 1;
                f64::NAN
            }
            Cell::Infinite => {
                diags.push(
                    Some(line),
                    Some(self.index + 1),
                    format!("\"{}\": infinite value \"{}\" kept as missing", self.name, excerpt(raw)),
                );
                f64::NAN
            }
            Cell::Invalid => {
                diags.push(
                    Some(line),
                    Some(self.index + 1),
                    format!("\"{}\": cannot read \"{}\" as a number; kept as missing", self.name, excerpt(raw)),
                );
                f64::NAN
            }
        };
        self.values.push(v);
    }

    fn finish(self, times: Vec<i64>, lines: &[usize], diags: &mut Diagnostics, spacing: Option<&Spacing>) -> Series {
        if self.missing > 0 {
            diags.push(
                Some(self.first_missing_line),
                Some(self.index + 1),
                format!(
                    "\"{}\": {} missing value{} (empty or NaN; first at this line), kept as gaps",
                    self.name,
                    self.missing,
                    if self.missing == 1 { "" } else { "s" }
                ),
            );
        }
        // The unit is only what the file stated (header or cells); finish_series settles the rest.
        let kind = SeriesKind::guess(&self.name, self.unit.as_deref());
        let series = Series { name: self.name, unit: self.unit, kind, timestamps: times, values: self.values };
        finish_series_spaced(series, lines, Some(self.index + 1), diags, spacing)
    }
}

/// The delimiter among `,` `;` tab `|` that splits the sample into the most lines of one
/// consistent width of at least two fields.
fn detect_delimiter(sample: &[(usize, &str)]) -> Option<u8> {
    let mut fields = Vec::new();
    let mut best: Option<(usize, usize, u8)> = None;
    // On a tie, tab, semicolon and pipe beat comma: they rarely occur inside values, while a comma
    // can be a decimal separator (`51,8`).
    for d in [b'\t', b';', b'|', b','] {
        let mut counts = std::collections::HashMap::new();
        for (_, l) in sample {
            split_fields(l, d, &mut fields);
            *counts.entry(fields.len()).or_insert(0usize) += 1;
        }
        if let Some((&width, &lines)) = counts.iter().filter(|(&w, _)| w >= 2).max_by_key(|(&w, &n)| (n, w)) {
            if best.is_none_or(|(n, w, _)| (lines, width) > (n, w)) {
                best = Some((lines, width, d));
            }
        }
    }
    best.map(|(_, _, d)| d)
}

/// The column whose cells (beyond a possible header) read as timestamps in at least 80 % of the
/// sample rows. Text date-times win over epoch numbers; among epoch columns, one whose header
/// says time, else the leftmost.
fn detect_time_column(rows: &[(usize, Vec<Cow<str>>)]) -> Option<(usize, TimeEncoding)> {
    let data = if rows.len() > 1 { &rows[1..] } else { rows };
    let width = rows.iter().map(|(_, f)| f.len()).max()?;
    let share = |c: usize, read: &dyn Fn(&str) -> bool| {
        let ok = data.iter().filter(|(_, f)| f.get(c).is_some_and(|s| read(s))).count();
        ok as f64 / data.len() as f64
    };
    if let Some(c) = (0..width).find(|&c| share(c, &|s| parse_datetime(s).is_some()) >= 0.8) {
        return Some((c, TimeEncoding::Text));
    }
    let epoch_cols: Vec<usize> = (0..width)
        .filter(|&c| share(c, &|s| s.trim().parse::<f64>().ok().and_then(EpochUnit::guess).is_some()) >= 0.8)
        .collect();
    let header_says_time = |c: usize| {
        rows[0].1.get(c).is_some_and(|h| {
            let h = h.to_ascii_lowercase();
            ["time", "date", "ts", "epoch", "clock"].iter().any(|w| h.contains(w))
        })
    };
    let c = epoch_cols.iter().copied().find(|&c| header_says_time(c)).or_else(|| epoch_cols.first().copied())?;
    // One unit for the whole column, from the median of the sample.
    let mut vals: Vec<f64> = data.iter().filter_map(|(_, f)| f.get(c)?.trim().parse::<f64>().ok()).collect();
    vals.sort_by(f64::total_cmp);
    let unit = EpochUnit::guess(*vals.get(vals.len() / 2)?)?;
    Some((c, TimeEncoding::Epoch(unit)))
}

/// When no column reads as timestamps in 80 % of the sample, but one does in at least half of it
/// (dates and epoch numbers counted together): a column of mixed or partly broken timestamps,
/// named with the first row that does not read in its majority form.
fn mixed_timestamps(rows: &[(usize, Vec<Cow<str>>)]) -> Option<IngestError> {
    let data = rows.get(1..).filter(|d| d.len() >= 2)?;
    let width = rows.iter().map(|(_, f)| f.len()).max()?;
    let is_date = |s: &str| parse_datetime(s).is_some();
    let is_epoch = |s: &str| s.trim().parse::<f64>().ok().and_then(EpochUnit::guess).is_some();
    let count =
        |c: usize, read: &dyn Fn(&str) -> bool| data.iter().filter(|(_, f)| f.get(c).is_some_and(|s| read(s))).count();
    let (column, dates, epochs) = (0..width)
        .map(|c| (c, count(c, &is_date), count(c, &|s| !is_date(s) && is_epoch(s))))
        .max_by_key(|&(c, d, e)| (d + e, std::cmp::Reverse(c)))?;
    if 2 * (dates + epochs) < data.len() || dates + epochs < 2 {
        return None;
    }
    let majority: &dyn Fn(&str) -> bool = if dates >= epochs { &is_date } else { &is_epoch };
    let (line, cell) = data.iter().find_map(|(no, f)| {
        let cell = f.get(column).map_or("", |c| c.as_ref());
        (!majority(cell)).then_some((*no, cell))
    })?;
    Some(IngestError::MixedTimestamps {
        column: column + 1,
        name: rows[0].1.get(column).map_or(String::new(), |h| excerpt(h)),
        rows: data.len(),
        dates,
        epochs,
        line,
        sample: excerpt(cell),
    })
}

/// Series names and units from the header. A lone value column with a generic header (`value`)
/// takes the file's stem, so `ec2_cpu_utilization_5f5533.csv` yields a series of that name.
fn series_names(source: &str, header: &[String], cols: &[usize]) -> Vec<(String, Option<String>)> {
    cols.iter()
        .map(|&c| {
            let raw = header.get(c).map(String::as_str).unwrap_or("").trim();
            let (name, unit) = split_unit(raw);
            let generic = matches!(name.to_ascii_lowercase().as_str(), "" | "value" | "values" | "y" | "val");
            let name = if generic && cols.len() == 1 {
                source_stem(source).to_string()
            } else if name.is_empty() {
                format!("column {}", c + 1)
            } else {
                name.to_string()
            };
            (name, unit)
        })
        .collect()
}

/// `cpu (%)`, `latency [ms]` → the name and its unit.
fn split_unit(h: &str) -> (&str, Option<String>) {
    for (open, close) in [('(', ')'), ('[', ']')] {
        if let (Some(i), true) = (h.rfind(open), h.ends_with(close)) {
            let unit = h[i + 1..h.len() - 1].trim();
            if !unit.is_empty() && unit.len() <= 8 {
                return (h[..i].trim(), Some(unit.to_string()));
            }
        }
    }
    (h, None)
}

/// The first 60 characters of a cell or line, for messages.
fn excerpt(s: &str) -> String {
    let s = s.trim();
    match s.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{parse, IngestError};
    use crate::series::SeriesKind;

    #[test]
    fn nab_style_file() {
        let p = parse(
            "x/ec2_cpu_utilization_5f5533.csv",
            b"timestamp,value\n2014-02-14 14:27:00,51.8\n2014-02-14 14:32:00,44.5\n",
        )
        .unwrap();
        assert_eq!(p.series.len(), 1);
        let s = &p.series[0];
        assert_eq!(s.name, "ec2_cpu_utilization_5f5533");
        assert_eq!(s.kind, SeriesKind::Cpu);
        assert_eq!(s.unit.as_deref(), Some("%"));
        assert_eq!(s.timestamps, vec![1_392_388_020_000, 1_392_388_320_000]);
        assert_eq!(s.values, vec![51.8, 44.5]);
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    }

    #[test]
    fn no_header_semicolon_decimal_comma_and_cr_endings() {
        let p = parse("m.csv", b"1392388020;51,8\r1392388320;44,5\r").unwrap();
        assert_eq!(p.series[0].timestamps, vec![1_392_388_020_000, 1_392_388_320_000]);
        assert_eq!(p.series[0].values, vec![51.8, 44.5]);
    }

    #[test]
    fn grafana_like_quoted_header_units_and_many_columns() {
        let csv =
            "sep=,\r\n\"Time\",\"cpu (%)\",\"latency\"\r\n1392388020000,45 %,120 ms\r\n1392388320000,,130 ms\r\n\r\n";
        let p = parse("g.csv", csv.as_bytes()).unwrap();
        assert_eq!(p.series.len(), 2);
        assert_eq!((p.series[0].name.as_str(), p.series[0].unit.as_deref()), ("cpu", Some("%")));
        assert_eq!((p.series[1].name.as_str(), p.series[1].unit.as_deref()), ("latency", Some("ms")));
        assert_eq!(p.series[1].kind, SeriesKind::Latency);
        assert!(p.series[0].values[1].is_nan(), "an empty cell is missing, not zero");
        assert_eq!(p.diagnostics.len(), 1, "{:?}", p.diagnostics);
        assert_eq!(p.diagnostics[0].line, Some(4));
        assert!(p.diagnostics[0].message.contains("1 missing value"));
    }

    #[test]
    fn quoted_data_rows_and_blank_lines_between_rows() {
        let csv = "time,requests\n\"2024-01-01 00:00:00\",\"1,234\"\n\n  \n2024-01-01 00:01:00,1300\r\n\"2024-01-01 00:02:00\",\"1,250.5\"";
        let p = parse("q.csv", csv.as_bytes()).unwrap();
        let s = &p.series[0];
        assert_eq!(s.values, vec![1234.0, 1300.0, 1250.5]);
        assert_eq!(s.timestamps, vec![1_704_067_200_000, 1_704_067_260_000, 1_704_067_320_000]);
        // Line numbers count blank lines: the bad row on line 8 is reported as line 8.
        let csv = "time,requests\n2024-01-01 00:00:00,1\n\n\n2024-01-01 00:01:00,2\n2024-01-01 00:02:00,2\n2024-01-01 00:03:00,2\nbad,3\n";
        let p = parse("q.csv", csv.as_bytes()).unwrap();
        assert_eq!(p.diagnostics[0].line, Some(8), "{:?}", p.diagnostics);
    }

    #[test]
    fn bad_rows_are_reported_and_good_rows_kept() {
        let csv = "timestamp,value\n2014-02-14 14:27:00,1\nnot a date,2\n2014-02-14 14:37:00,abc\n2014-02-14 14:32:00,3\n2014-02-14 14:32:00,5\n";
        let p = parse("b.csv", csv.as_bytes()).unwrap();
        let s = &p.series[0];
        assert_eq!(s.timestamps.len(), 3);
        assert_eq!(s.values[1], 4.0, "duplicates averaged");
        assert!(s.values[2].is_nan());
        let msgs: Vec<_> = p.diagnostics.iter().map(|d| (d.line, d.message.as_str())).collect();
        assert!(msgs.iter().any(|(l, m)| *l == Some(3) && m.contains("\"not a date\"")), "{msgs:?}");
        assert!(msgs.iter().any(|(l, m)| *l == Some(4) && m.contains("\"abc\"")), "{msgs:?}");
        assert!(msgs.iter().any(|(l, m)| *l == Some(5) && m.contains("not in time order")), "{msgs:?}");
        assert!(msgs.iter().any(|(l, m)| *l == Some(6) && m.contains("duplicate timestamp")), "{msgs:?}");
    }

    #[test]
    fn text_that_is_not_a_time_series() {
        assert!(matches!(
            parse("r.txt", b"hello world\nthis is prose\n"),
            Err(IngestError::SingleColumn { line: 1, .. })
        ));
        assert!(matches!(parse("n.csv", b"name,age\nann,31\nbob,42\n"), Err(IngestError::NoTimestampColumn { .. })));
        assert!(matches!(
            parse("t.csv", b"time,host\n2014-02-14 14:27:00,a\n2014-02-14 14:32:00,b\n"),
            Err(IngestError::NoValueColumn { column: 1, .. })
        ));
        assert!(matches!(parse("h.csv", b"timestamp,value\n"), Err(IngestError::NoUsableRows { line: 1, .. })));
        // A title line shorter than the rows, and only text beside the times (found by no_panic.rs).
        assert_eq!(
            parse("l.csv", b"Metrics export\nweb-1,2014-01-01\nweb-2,2014-01-02\n"),
            Err(IngestError::NoValueColumn { column: 2, name: "2014-01-01".into() })
        );
    }
}
