//! What every parser does last with each series: order by time, merge duplicates, settle the unit
//! (percent written as 0–1, default units), and report all of it along with gaps and irregular
//! steps.

use super::Diagnostics;
use crate::series::{Series, SeriesKind, Spacing};
use crate::time::{human_duration, to_rfc3339};

/// Builds a series from rows in file order, `lines[i]` being the 1-based input line of point `i`
/// (0 or absent when unknown) and `column` the 1-based column its values came from:
///
/// 1. sorts by time, reporting the first row out of order;
/// 2. merges duplicate timestamps by averaging their finite values, reporting each duplicate;
/// 3. reports gaps (intervals over 1.5 × the median step) and irregular steps, one diagnostic each;
/// 4. a CPU or memory series with no unit from the file whose finite values all lie in [0, 1]
///    (at least one strictly between 0 and 1) holds fractions: they are multiplied by 100, unit `%`, and reported;
/// 5. a series still without a unit takes its kind's default: `%` for CPU, `B` for a bytes series
///    whose name says "byte". A unit the file stated is never changed.
pub(crate) fn finish_series(series: Series, lines: &[usize], column: Option<usize>, diags: &mut Diagnostics) -> Series {
    finish_series_spaced(series, lines, column, diags, None)
}

/// [`finish_series`] for series known to share their timestamps: `spacing`, when given, is the
/// spacing of those timestamps, measured once for all of them (it is used only if the timestamps
/// need no sorting or merging, i.e. are exactly what was measured).
pub(crate) fn finish_series_spaced(
    mut series: Series,
    lines: &[usize],
    column: Option<usize>,
    diags: &mut Diagnostics,
    spacing: Option<&Spacing>,
) -> Series {
    let n = series.timestamps.len();
    // Parsers keep the arrays parallel; a mismatch must not cost a panic.
    series.values.resize(n, f64::NAN);
    let line_of = |i: usize| lines.get(i).copied().filter(|&l| l > 0);

    // The common case, already strictly increasing: nothing to sort or merge, no copy.
    if series.timestamps.windows(2).all(|w| w[0] < w[1]) {
        let sp = spacing.copied().unwrap_or_else(|| Spacing::of(&series.timestamps));
        report_spacing(&series, &sp, line_of, column, diags);
        settle_unit(&mut series, column, diags);
        return series;
    }
    let sorted = series.timestamps.windows(2).all(|w| w[0] <= w[1]);
    let mut order: Vec<usize> = Vec::new();
    if !sorted {
        let first_bad = series.timestamps.windows(2).position(|w| w[1] < w[0]).map_or(0, |i| i + 1);
        diags.push(
            line_of(first_bad),
            column,
            format!("\"{}\": rows are not in time order (first at this line); sorted by time", series.name),
        );
        order = (0..n).collect();
        // Stable: rows with one timestamp stay in file order, so the first one is kept as first.
        order.sort_by_key(|&i| series.timestamps[i]);
    }
    let at = |k: usize| if sorted { k } else { order[k] };

    let mut ts = Vec::with_capacity(n);
    let mut vs = Vec::with_capacity(n);
    // The input position of each merged point's first row, for locating later diagnostics.
    let mut firsts = Vec::with_capacity(n);
    let mut k = 0;
    while k < n {
        let i = at(k);
        let t = series.timestamps[i];
        let v = series.values[i];
        let (mut sum, mut count) = if v.is_finite() { (v, 1usize) } else { (-0.0, 0) };
        let mut j = k + 1;
        while j < n && series.timestamps[at(j)] == t {
            let vj = series.values[at(j)];
            if vj.is_finite() {
                sum += vj;
                count += 1;
            }
            let first = line_of(i).map_or_else(String::new, |l| format!(" (first at line {l})"));
            diags.push(
                line_of(at(j)),
                column,
                format!("\"{}\": duplicate timestamp {}{first}; values averaged", series.name, to_rfc3339(t)),
            );
            j += 1;
        }
        let v = match count {
            0 => f64::NAN,
            1 => sum,
            _ => mean_of_duplicates(&series.values, (k..j).map(at)),
        };
        ts.push(t);
        vs.push(v);
        firsts.push(i);
        k = j;
    }
    series.timestamps = ts;
    series.values = vs;

    let sp = Spacing::of(&series.timestamps);
    report_spacing(&series, &sp, |p| firsts.get(p).and_then(|&i| line_of(i)), column, diags);
    settle_unit(&mut series, column, diags);
    series
}

/// The mean of the finite values at `idx`; sums that overflow are averaged as a sum of shares.
fn mean_of_duplicates(values: &[f64], idx: impl Iterator<Item = usize> + Clone) -> f64 {
    let finite = || idx.clone().filter_map(|i| values.get(i).copied()).filter(|v| v.is_finite());
    let count = finite().count() as f64;
    let mean = finite().sum::<f64>() / count;
    if mean.is_finite() {
        mean
    } else {
        finite().map(|v| v / count).sum()
    }
}

/// One diagnostic when the series has gaps, located at the row after the largest, and one when
/// its steps are irregular, located at the first row off the step.
fn report_spacing(
    series: &Series,
    sp: &Spacing,
    line_of_point: impl Fn(usize) -> Option<usize>,
    column: Option<usize>,
    diags: &mut Diagnostics,
) {
    let step = human_duration(sp.step_ms);
    if let Some((after, len)) = sp.largest_gap {
        let from = after.checked_sub(1).and_then(|i| series.timestamps.get(i)).copied().unwrap_or_default();
        let to = series.timestamps.get(after).copied().unwrap_or_default();
        let what = if sp.gaps == 1 { "1 gap".to_string() } else { format!("{} gaps", sp.gaps) };
        let largest = if sp.gaps == 1 { ":" } else { ", the largest" };
        diags.push(
            line_of_point(after),
            column,
            format!(
                "\"{}\": {what} longer than 1.5 steps (step {step}){largest} {} from {} to {}; left as gaps",
                series.name,
                human_duration(len),
                to_rfc3339(from),
                to_rfc3339(to),
            ),
        );
    }
    if sp.irregular() {
        diags.push(
            sp.first_off_step.and_then(&line_of_point),
            column,
            format!(
                "\"{}\": irregular steps: {} of {} intervals differ from the median step ({step}) by more than 10 % (first at this line)",
                series.name, sp.off_step, sp.intervals,
            ),
        );
    }
}

/// Percent written as a fraction, then the kind's default unit (see [`finish_series`]).
fn settle_unit(series: &mut Series, column: Option<usize>, diags: &mut Diagnostics) {
    if series.unit.is_some() {
        return;
    }
    if matches!(series.kind, SeriesKind::Cpu | SeriesKind::Memory) {
        let finite = || series.values.iter().filter(|v| v.is_finite());
        // At least one value strictly between 0 and 1: a series of only 0s and 1s is more likely
        // whole percent on an idle machine than a fraction.
        let fraction = finite().all(|&v| (0.0..=1.0).contains(&v)) && finite().any(|&v| v > 0.0 && v < 1.0);
        if fraction {
            for v in &mut series.values {
                *v *= 100.0;
            }
            series.unit = Some("%".to_string());
            diags.push(
                None,
                column,
                format!(
                    "\"{}\": every value lies between 0 and 1 and the file gives no unit: read as fractions and multiplied by 100 (unit %)",
                    series.name
                ),
            );
            return;
        }
    }
    series.unit = match series.kind {
        SeriesKind::Cpu => Some("%".to_string()),
        SeriesKind::Bytes if series.name.to_ascii_lowercase().contains("byte") => Some("B".to_string()),
        _ => None,
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(name: &str, unit: Option<&str>, ts: &[i64], vs: &[f64]) -> Series {
        Series {
            name: name.into(),
            unit: unit.map(String::from),
            kind: SeriesKind::guess(name, unit),
            timestamps: ts.to_vec(),
            values: vs.to_vec(),
        }
    }

    fn finish(s: Series, lines: &[usize]) -> (Series, Vec<crate::ingest::Diagnostic>) {
        let mut d = Diagnostics::new();
        let s = finish_series(s, lines, Some(2), &mut d);
        (s, d.finish())
    }

    const MIN: i64 = 60_000;

    #[test]
    fn gaps_are_reported_once_at_the_row_after_the_largest() {
        let ts: Vec<i64> =
            [0, 5, 10, 15, 30, 35, 40, 100, 105, 110, 115, 120, 125, 130, 135, 140, 145, 150, 155, 160, 165]
                .iter()
                .map(|m| 1_394_323_200_000 + m * MIN)
                .collect();
        let lines: Vec<usize> = (2..23).collect();
        let (s, d) = finish(series("requests", None, &ts, &vec![1.0; ts.len()]), &lines);
        assert_eq!(s.len(), 21);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].line, Some(9), "the row after the 1 h gap");
        assert_eq!(
            d[0].message,
            "\"requests\": 2 gaps longer than 1.5 steps (step 5 min), the largest 1 h from 2014-03-09T00:40:00Z to 2014-03-09T01:40:00Z; left as gaps"
        );
    }

    #[test]
    fn one_gap_and_irregular_steps() {
        let (_, d) = finish(series("x", None, &[0, MIN, 2 * MIN, 10 * MIN], &[1.0; 4]), &[5, 6, 7, 8]);
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(
            d[0].message,
            "\"x\": 1 gap longer than 1.5 steps (step 1 min): 8 min from 1970-01-01T00:02:00Z to 1970-01-01T00:10:00Z; left as gaps"
        );
        assert_eq!(d[0].line, Some(8));
        assert_eq!(
            d[1].message,
            "\"x\": irregular steps: 1 of 3 intervals differ from the median step (1 min) by more than 10 % (first at this line)"
        );
        assert_eq!(d[1].line, Some(8));
    }

    #[test]
    fn lines_that_are_unknown_or_short_leave_the_diagnostic_unlocated() {
        let (s, d) = finish(series("x", None, &[3 * MIN, 0, MIN, MIN, 9 * MIN], &[1.0, 2.0, 3.0]), &[]);
        assert_eq!(s.timestamps, vec![0, MIN, 3 * MIN, 9 * MIN]);
        assert_eq!(s.values[1], 3.0, "a missing value (padding) does not count in the average");
        assert!(s.values[3].is_nan());
        assert!(d.iter().all(|d| d.line.is_none()), "{d:?}");
        assert!(d[1].message.contains("duplicate timestamp 1970-01-01T00:01:00Z; values averaged"), "{d:?}");
    }

    #[test]
    fn duplicates_average_finite_values_without_overflow() {
        let (s, _) = finish(series("x", None, &[0, 0, 0, MIN], &[f64::MAX, f64::MAX, f64::NAN, 1.0]), &[1, 2, 3, 4]);
        assert_eq!(s.values, vec![f64::MAX, 1.0]);
    }

    #[test]
    fn cpu_fractions_become_percent_and_stated_units_are_kept() {
        let ts = [0, MIN, 2 * MIN];
        let (s, d) = finish(series("cpu", None, &ts, &[0.25, f64::NAN, 0.5]), &[2, 3, 4]);
        assert_eq!(s.unit.as_deref(), Some("%"));
        assert_eq!(s.values[0], 25.0);
        assert!(s.values[1].is_nan());
        assert_eq!(s.values[2], 50.0);
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "\"cpu\": every value lies between 0 and 1 and the file gives no unit: read as fractions and multiplied by 100 (unit %)"
        );
        let (s, _) = finish(series("memory_used", None, &ts, &[0.5, 0.75, 1.0]), &[]);
        assert_eq!((s.unit.as_deref(), s.values[2]), (Some("%"), 100.0));

        // A stated unit, all zeros, a value above 1, or another kind: left alone.
        for (name, unit, vs, want_unit) in [
            ("cpu", Some("%"), [0.25, 0.5, 0.75], Some("%")),
            ("cpu", None, [0.0, 0.0, 0.0], Some("%")),
            ("cpu", None, [0.0, 1.0, 1.0], Some("%")),
            ("cpu", None, [0.25, 1.5, 0.75], Some("%")),
            ("memory", None, [0.25, 1.5, 0.75], None),
            ("latency", None, [0.25, 0.5, 0.75], None),
            ("disk_write_bytes", None, [0.25, 0.5, 0.75], Some("B")),
        ] {
            let (s, d) = finish(series(name, unit, &ts, &vs), &[]);
            assert_eq!(s.values, vs, "{name} {unit:?}");
            assert_eq!(s.unit.as_deref(), want_unit, "{name} {unit:?}");
            assert!(d.is_empty(), "{d:?}");
        }
    }
}
