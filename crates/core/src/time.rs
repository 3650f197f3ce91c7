//! Reading timestamps as they appear in metric exports, and writing them back as RFC 3339.
//!
//! All instants are `i64` milliseconds since the Unix epoch, UTC. Timestamps without a zone
//! ("naive") are read as UTC: Headroom never consults the machine's clock or time zone.

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};

/// How a column of numbers encodes instants, decided once per column from its magnitude.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EpochUnit {
    Seconds,
    Millis,
    Micros,
    Nanos,
}

impl EpochUnit {
    /// The unit whose range holds `v` for dates between 1973 and 5138 (seconds) and the
    /// corresponding ranges for finer units; `None` for numbers no export would use as a time.
    pub fn guess(v: f64) -> Option<EpochUnit> {
        let a = v.abs();
        if !(1e8..1e20).contains(&a) || v < 0.0 {
            return None;
        }
        Some(if a < 1e11 {
            EpochUnit::Seconds
        } else if a < 1e14 {
            EpochUnit::Millis
        } else if a < 1e17 {
            EpochUnit::Micros
        } else {
            EpochUnit::Nanos
        })
    }

    /// Milliseconds for a number in this unit (fractions of a millisecond are rounded).
    pub fn to_millis(self, v: f64) -> i64 {
        let ms = match self {
            EpochUnit::Seconds => v * 1e3,
            EpochUnit::Millis => v,
            EpochUnit::Micros => v / 1e3,
            EpochUnit::Nanos => v / 1e6,
        };
        ms.round() as i64
    }
}

/// Parses a textual date-time: RFC 3339 / ISO 8601 with or without zone and fraction, with `T` or a
/// space between date and time, `YYYY/MM/DD`, minutes-only times, and bare dates (midnight UTC).
/// Returns `None` when the text is not one of these.
pub fn parse_datetime(s: &str) -> Option<i64> {
    parse_datetime_cached(s, &mut DateCache::default())
}

/// Every accepted form but the fixed layout that [`parse_fixed_cached`] already tried on the
/// ASCII-trimmed text.
fn parse_general(s: &str) -> Option<i64> {
    let ascii = s.trim_ascii();
    let s = ascii.trim();
    // Fast reject: every accepted form starts with a four-digit year and a separator.
    let b = s.as_bytes();
    if b.len() < 8 || !b[..4].iter().all(u8::is_ascii_digit) || !(b[4] == b'-' || b[4] == b'/') {
        return None;
    }
    // Padding that is not ASCII white space (a no-break space) hid the fixed layout.
    if s.len() != ascii.len() {
        if let Some(ms) = parse_fixed(b) {
            return Some(ms);
        }
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.timestamp_millis());
    }
    // Normalise: '/' dates to '-', a space separator to 'T', a trailing " UTC"/"Z" removed.
    let mut t = s.replace('/', "-");
    if t.len() > 10 && t.as_bytes()[10] == b' ' {
        t.replace_range(10..11, "T");
    }
    for suffix in [" UTC", " GMT", "Z", "z"] {
        if let Some(stripped) = t.strip_suffix(suffix) {
            t = stripped.to_string();
            break;
        }
    }
    // With an explicit offset (e.g. `+00:00`, `+0000`) after normalisation.
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f%:z", "%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M%:z"] {
        if let Ok(dt) = DateTime::parse_from_str(&t, fmt) {
            return Some(dt.timestamp_millis());
        }
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(&t, fmt) {
            return Some(dt.and_utc().timestamp_millis());
        }
    }
    if t.len() == 10 {
        if let Ok(d) = NaiveDate::parse_from_str(&t, "%Y-%m-%d") {
            return Some(d.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis());
        }
    }
    None
}

/// The hot path for the layouts nearly every export uses: `YYYY-MM-DD[T ]HH:MM:SS[.f][Z|±HH:MM]`,
/// read byte by byte. Anything else (or anything odd) returns `None` and takes the general path.
fn parse_fixed(b: &[u8]) -> Option<i64> {
    parse_fixed_cached(b, &mut DateCache::default())
}

/// The last date read by [`parse_datetime_cached`]: rows of one day share it, so the calendar
/// arithmetic runs once a day of data rather than once a row.
#[derive(Clone, Copy, Debug, Default)]
pub struct DateCache {
    date: [u8; 10],
    days: i64,
}

/// [`parse_datetime`] with a [`DateCache`] for runs of rows from the same day: the fixed layout
/// first, then every other accepted form.
pub fn parse_datetime_cached(s: &str, cache: &mut DateCache) -> Option<i64> {
    parse_fixed_cached(s.trim_ascii().as_bytes(), cache).or_else(|| parse_general(s))
}

fn parse_fixed_cached(b: &[u8], cache: &mut DateCache) -> Option<i64> {
    fn num(b: &[u8]) -> Option<u32> {
        b.iter().try_fold(0u32, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0')))
    }
    if b.len() < 19
        || b[4] != b'-'
        || b[7] != b'-'
        || !(b[10] == b'T' || b[10] == b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let days = if b[..10] == cache.date {
        cache.days
    } else {
        let days = days_from_civil(num(&b[0..4])? as i64, num(&b[5..7])?, num(&b[8..10])?)?;
        cache.date.copy_from_slice(&b[..10]);
        cache.days = days;
        days
    };
    let (h, m, s) = (num(&b[11..13])?, num(&b[14..16])?, num(&b[17..19])?);
    if h > 23 || m > 59 || s > 59 {
        return None;
    }
    let mut i = 19;
    let mut frac_ms = 0i64;
    if b.get(i) == Some(&b'.') {
        let digits = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        let kept = &b[i + 1..i + 1 + digits.min(3)];
        frac_ms = i64::from(num(kept)?) * 10i64.pow(3 - kept.len() as u32);
        i += 1 + digits;
    }
    let offset_min: i64 = match &b[i..] {
        [] | [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), hh @ ..] if hh.len() == 5 && hh[2] == b':' || hh.len() == 4 => {
            let (oh, om) = (num(&hh[0..2])?, num(&hh[hh.len() - 2..])?);
            let o = i64::from(oh * 60 + om);
            if *sign == b'+' {
                o
            } else {
                -o
            }
        }
        _ => return None,
    };
    let secs = days * 86_400 + i64::from(h * 3600 + m * 60 + s) - offset_min * 60;
    Some(secs * 1000 + frac_ms)
}

/// Days since 1970-01-01 of a proleptic Gregorian date, or `None` if the date does not exist
/// (Howard Hinnant's `days_from_civil`: arithmetic only, no tables).
fn days_from_civil(y: i64, m: u32, d: u32) -> Option<i64> {
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_len = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if d == 0 || d > month_len {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// Formats epoch milliseconds as RFC 3339 in UTC (`2014-02-14T14:27:00Z`, with a fraction only when
/// the instant has one).
pub fn to_rfc3339(ms: i64) -> String {
    match DateTime::<Utc>::from_timestamp_millis(ms) {
        Some(dt) => dt.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        None => format!("{ms} ms (out of range)"),
    }
}

/// Reads a duration as people and policies write it — `5ms`, `2s`, `0.5 s`, `100us`, `1.5m`,
/// `1 min`, `2h`, `1d`; a bare number is seconds — as seconds. `None` for anything else,
/// negative or not finite.
pub fn parse_duration_s(s: &str) -> Option<f64> {
    let s = s.trim();
    let split =
        s.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == 'e' || c == 'E')).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let v: f64 = num.parse().ok()?;
    let secs = match unit.trim() {
        "" | "s" | "sec" | "secs" | "second" | "seconds" => v,
        "ns" => v / 1e9,
        "us" | "µs" => v / 1e6,
        "ms" => v / 1e3,
        "m" | "min" | "mins" | "minute" | "minutes" => v * 60.0,
        "h" | "hour" | "hours" => v * 3600.0,
        "d" | "day" | "days" => v * 86_400.0,
        _ => return None,
    };
    (secs.is_finite() && secs >= 0.0).then_some(secs)
}

/// A short human form of a duration in milliseconds: `5 min`, `14 d 2 h`, `30 s`, `250 ms`.
pub fn human_duration(ms: i64) -> String {
    let neg = ms < 0;
    let ms = ms.unsigned_abs();
    const S: u64 = 1000;
    const M: u64 = 60 * S;
    const H: u64 = 60 * M;
    const D: u64 = 24 * H;
    let text = if ms == 0 {
        "0 s".to_string()
    } else if ms < S {
        format!("{ms} ms")
    } else if ms < M {
        if ms.is_multiple_of(S) {
            format!("{} s", ms / S)
        } else {
            format!("{:.1} s", ms as f64 / S as f64)
        }
    } else if ms < H {
        two_units(ms, M, "min", S, "s")
    } else if ms < D {
        two_units(ms, H, "h", M, "min")
    } else {
        two_units(ms, D, "d", H, "h")
    };
    if neg {
        format!("-{text}")
    } else {
        text
    }
}

fn two_units(ms: u64, big: u64, big_name: &str, small: u64, small_name: &str) -> String {
    let whole = ms / big;
    let rest = (ms % big) / small;
    if rest == 0 {
        format!("{whole} {big_name}")
    } else {
        format!("{whole} {big_name} {rest} {small_name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_forms_exports_use() {
        let t = 1_392_388_020_000; // 2014-02-14T14:27:00Z
        for s in [
            "2014-02-14 14:27:00",
            "2014-02-14T14:27:00",
            "2014-02-14T14:27:00Z",
            "2014-02-14T14:27:00.000Z",
            "2014-02-14T14:27:00+00:00",
            "2014-02-14T15:27:00+01:00",
            "2014-02-14 14:27:00 UTC",
            "2014/02/14 14:27:00",
            "2014-02-14 14:27",
            "2014-02-14T14:27:00.000000000Z",
        ] {
            assert_eq!(parse_datetime(s), Some(t), "{s}");
        }
        assert_eq!(parse_datetime("2014-02-14"), Some(1_392_336_000_000));
        assert_eq!(parse_datetime("2014-02-14 14:27:00.250"), Some(t + 250));
    }

    #[test]
    fn the_date_cache_gives_the_same_instants() {
        let mut cache = DateCache::default();
        for s in [
            "2014-02-14 14:27:00",
            "2014-02-14 23:59:59",
            "2014-02-15 00:00:00",
            "2014-02-14T01:00:00Z",
            "2014-02-30 00:00:00",
            "2014-02-14 14:27",
        ] {
            assert_eq!(parse_datetime_cached(s, &mut cache), parse_datetime(s), "{s}");
        }
        // A cached date never lets an invalid time through.
        assert_eq!(parse_datetime_cached("2014-02-14 25:00:00", &mut cache), None);
    }

    #[test]
    fn durations_as_policies_write_them() {
        for (s, want) in [
            ("5ms", 0.005),
            ("2s", 2.0),
            ("0.5 s", 0.5),
            ("100us", 1e-4),
            ("1.5m", 90.0),
            ("1 min", 60.0),
            ("2h", 7200.0),
            ("1d", 86_400.0),
            ("3", 3.0),
        ] {
            assert_eq!(parse_duration_s(s), Some(want), "{s}");
        }
        for s in ["", "ms", "-1s", "5 parsecs", "1e400s", "NaN"] {
            assert_eq!(parse_duration_s(s), None, "{s}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_time() {
        for s in ["", "value", "51.84", "2014-13-45 10:00:00", "2014-02-30", "12/02/2014", "abcd-ef"] {
            assert_eq!(parse_datetime(s), None, "{s}");
        }
    }

    #[test]
    fn epoch_units_by_magnitude() {
        assert_eq!(EpochUnit::guess(1_392_388_020.0), Some(EpochUnit::Seconds));
        assert_eq!(EpochUnit::guess(1_392_388_020_000.0), Some(EpochUnit::Millis));
        assert_eq!(EpochUnit::guess(1_392_388_020_000_000.0), Some(EpochUnit::Micros));
        assert_eq!(EpochUnit::guess(1.392_388_02e18), Some(EpochUnit::Nanos));
        assert_eq!(EpochUnit::guess(51.8), None);
        assert_eq!(EpochUnit::guess(-1_392_388_020.0), None);
        assert_eq!(EpochUnit::Seconds.to_millis(1_435_781_430.781), 1_435_781_430_781);
    }

    #[test]
    fn civil_days_agree_with_chrono() {
        for (y, m, d) in
            [(1970, 1, 1), (2000, 2, 29), (2014, 3, 9), (1969, 12, 31), (2100, 2, 28), (1600, 3, 1), (9999, 12, 31)]
        {
            let want = NaiveDate::from_ymd_opt(y as i32, m, d)
                .unwrap()
                .signed_duration_since(NaiveDate::from_ymd_opt(1970, 1, 1).unwrap())
                .num_days();
            assert_eq!(days_from_civil(y, m, d), Some(want), "{y}-{m}-{d}");
        }
        for (y, m, d) in [(2014, 2, 29), (2100, 2, 29), (2014, 13, 1), (2014, 0, 1), (2014, 4, 31), (2014, 1, 0)] {
            assert_eq!(days_from_civil(y, m, d), None, "{y}-{m}-{d}");
        }
    }

    #[test]
    fn formats_rfc3339_and_durations() {
        assert_eq!(to_rfc3339(1_392_388_020_000), "2014-02-14T14:27:00Z");
        assert_eq!(to_rfc3339(1_392_388_020_250), "2014-02-14T14:27:00.250Z");
        assert_eq!(human_duration(300_000), "5 min");
        assert_eq!(human_duration(14 * 86_400_000 + 7_200_000), "14 d 2 h");
        assert_eq!(human_duration(1_800_000), "30 min");
        assert_eq!(human_duration(90_000), "1 min 30 s");
    }
}
