//! What one file may hold. Hostile or huge input is refused with an [`IngestError`] naming the
//! limit, early and in bounded memory, instead of exhausting the browser tab (wasm32 has 4 GiB).
//!
//! | limit | value | checked |
//! |---|---|---|
//! | file size | [`MAX_FILE_BYTES`] (1 GB) | by the app before reading, and by [`super::parse`] |
//! | line length | [`MAX_LINE_BYTES`] (1 MiB) | CSV/TSV and InfluxDB CSV lines (JSON is often one line) |
//! | series | [`MAX_SERIES`] (1,000) | a delimited file's columns up front; other formats after reading |
//! | points | [`MAX_POINTS`] (20 million) | delimited and InfluxDB rows as read; JSON after reading |
//!
//! JSON nesting is bounded by serde_json (128 levels, [`IngestError::JsonTooDeep`]).

use super::{IngestError, Parsed};
use crate::display::thousands;

/// The largest file Headroom reads: 1 GB (10^9 bytes). Larger files are refused before they are
/// read ([`check_file_size`]); a file this size holds tens of millions of rows, more than
/// [`MAX_POINTS`] in most layouts.
pub const MAX_FILE_BYTES: u64 = 1_000_000_000;
/// The longest line of a line-based format (CSV/TSV, InfluxDB CSV): 1 MiB. A metric export's
/// rows are a few hundred bytes; even [`MAX_SERIES`] numeric columns fit in 30 KB.
pub const MAX_LINE_BYTES: usize = 1 << 20;
/// The most series one file may yield: 1,000. Every series is charted and listed for mapping;
/// more than this is a dump of a whole fleet, better exported per group.
pub const MAX_SERIES: usize = 1_000;
/// The most data points one file may yield (all series together): 20 million, about 320 MB as
/// timestamps and values (38 years of one series at 1-minute steps).
pub const MAX_POINTS: usize = 20_000_000;

/// Refuses a file over [`MAX_FILE_BYTES`] before it is read: the app calls this with the file's
/// size so a 5 GB file never reaches memory. The message reads "1.2 GB is over the 1 GB limit…";
/// callers prefix the file name.
pub fn check_file_size(bytes: u64) -> Result<(), IngestError> {
    if bytes > MAX_FILE_BYTES {
        return Err(IngestError::FileTooLarge { bytes, max: MAX_FILE_BYTES });
    }
    Ok(())
}

/// Refuses a parse result over [`MAX_SERIES`] or [`MAX_POINTS`] (for formats that cannot check as
/// they read).
pub(super) fn check_parsed(parsed: Parsed) -> Result<Parsed, IngestError> {
    let format = parsed.format.label();
    if parsed.series.len() > MAX_SERIES {
        return Err(IngestError::TooManySeries { format, count: parsed.series.len(), max: MAX_SERIES });
    }
    let points: usize = parsed.series.iter().map(|s| s.timestamps.len()).sum();
    if points > MAX_POINTS {
        return Err(IngestError::TooManyPoints { points, series: parsed.series.len(), line: None, max: MAX_POINTS });
    }
    Ok(parsed)
}

/// `1.2 GB`, `950 MB`, `12 KB`, `512 bytes` (decimal units, as file managers show them). Sizes
/// that would read the same as `max` at this precision are written in bytes.
pub(crate) fn human_bytes(n: u64, max: u64) -> String {
    let short = |n: u64| {
        let (v, unit) = match n {
            0..1_000 => return format!("{n} bytes"),
            1_000..1_000_000 => (n as f64 / 1e3, "KB"),
            1_000_000..1_000_000_000 => (n as f64 / 1e6, "MB"),
            1_000_000_000..1_000_000_000_000 => (n as f64 / 1e9, "GB"),
            _ => (n as f64 / 1e12, "TB"),
        };
        let s = format!("{v:.1}");
        format!("{} {unit}", s.strip_suffix(".0").unwrap_or(&s))
    };
    if n != max && short(n) == short(max) {
        format!("{} bytes", thousands(n as usize))
    } else {
        short(n)
    }
}

/// " by line 12" when the line is known.
pub(crate) fn at_line(line: &Option<usize>) -> String {
    line.map_or(String::new(), |l| format!(" by line {}", thousands(l)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_a_file_manager() {
        assert_eq!(human_bytes(1_234_567_890, MAX_FILE_BYTES), "1.2 GB");
        assert_eq!(human_bytes(MAX_FILE_BYTES, MAX_FILE_BYTES), "1 GB");
        assert_eq!(human_bytes(1_000_000_001, MAX_FILE_BYTES), "1,000,000,001 bytes");
        assert_eq!(human_bytes(950_000_000, MAX_FILE_BYTES), "950 MB");
        assert_eq!(human_bytes(12, MAX_FILE_BYTES), "12 bytes");
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(20_000_000), "20,000,000");
    }

    #[test]
    fn file_size_limit() {
        assert_eq!(check_file_size(MAX_FILE_BYTES), Ok(()));
        let e = check_file_size(1_200_000_000).unwrap_err();
        assert_eq!(e, IngestError::FileTooLarge { bytes: 1_200_000_000, max: MAX_FILE_BYTES });
        assert_eq!(
            e.to_string(),
            "1.2 GB is over the 1 GB limit: export a shorter span, a coarser step or fewer series"
        );
        assert!(check_file_size(5 << 40).unwrap_err().to_string().starts_with("5.5 TB is over the 1 GB limit"));
    }
}
