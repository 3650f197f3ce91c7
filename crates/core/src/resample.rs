//! Regularisation: a series with whatever spacing the export had → one value per fixed step, the
//! form the trend and capacity models work on.
//!
//! The grid is aligned to the epoch: bin `k` starts at `t_k = k × step` (UTC epoch milliseconds)
//! and covers `[t_k, t_k + step)`. Every bin from the one holding the first point to the one
//! holding the last is present, so the output is strictly increasing with a constant step. A bin
//! with no point, or only missing values, is missing (`NaN`); missing values inside a bin are
//! ignored. One pass over the points, output-sized allocations only.

use serde::{Deserialize, Serialize};

use crate::series::Series;
use crate::time::{human_duration, to_rfc3339};

/// The most bins [`regularise`] builds (320 MB of output: an instant and a value per bin): a 1 s step over 231 days, a 1 min
/// step over 38 years.
pub const MAX_BINS: u64 = 20_000_000;

/// How the values that fall into one bin become its value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    /// The arithmetic mean.
    #[default]
    Mean,
    /// The largest value.
    Max,
    /// The 95th percentile, by linear interpolation between the closest ranks (numpy's default
    /// `method="linear"`, Hyndman & Fan type 7): with the bin's `n` values sorted as
    /// `x[0] ≤ … ≤ x[n−1]`, `h = 0.95 × (n − 1)`, the result is
    /// `x[⌊h⌋] + (h − ⌊h⌋) × (x[⌊h⌋+1] − x[⌊h⌋])`. One value gives itself; two give
    /// `x[0] + 0.95 × (x[1] − x[0])`; twenty-one give `x[19]` exactly. `h` is computed in integers
    /// (`95 × (n − 1) / 100`), so the interpolation weight carries no rounding error.
    P95,
}

impl Aggregation {
    pub fn label(self) -> &'static str {
        match self {
            Aggregation::Mean => "mean",
            Aggregation::Max => "max",
            Aggregation::P95 => "p95",
        }
    }

    /// The aggregation named by its [`label`](Aggregation::label).
    pub fn parse(label: &str) -> Option<Aggregation> {
        [Aggregation::Mean, Aggregation::Max, Aggregation::P95].into_iter().find(|a| a.label() == label)
    }
}

/// Why a series could not be regularised.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ResampleError {
    /// The step is zero or negative.
    #[error("the step must be a positive duration, not {step_ms} ms")]
    NonPositiveStep { step_ms: i64 },
    /// The grid from the first to the last point would need more than [`MAX_BINS`] bins.
    #[error(
        "a {step} step from {from} to {to} would take {bins} bins, more than the {max} allowed; choose a longer step",
        step = human_duration(*.step_ms), from = to_rfc3339(*.from_ms), to = to_rfc3339(*.to_ms), max = MAX_BINS
    )]
    TooManyBins { bins: u128, step_ms: i64, from_ms: i64, to_ms: i64 },
    /// A bin would start outside the range of epoch milliseconds that an `i64` holds.
    #[error(
        "a {step} grid cannot hold the instant {ms} ms: its bin would start out of range",
        step = human_duration(*.step_ms)
    )]
    OutOfRange { ms: i64, step_ms: i64 },
}

/// Puts `series` onto the epoch-aligned grid of `step_ms` (see the module docs), combining the
/// values of each bin with `agg`. Name, unit and kind are kept.
///
/// Expects what [`crate::ingest::parse`] returns (timestamps increasing); other input is sorted
/// first rather than refused. Non-finite values count as missing. Timestamps without a value
/// (arrays of unequal length) are ignored, as are values without a timestamp. An empty series
/// gives an empty series.
pub fn regularise(series: &Series, step_ms: i64, agg: Aggregation) -> Result<Series, ResampleError> {
    if step_ms <= 0 {
        return Err(ResampleError::NonPositiveStep { step_ms });
    }
    let n = series.timestamps.len().min(series.values.len());
    let (ts, vs) = (&series.timestamps[..n], &series.values[..n]);
    let (timestamps, values) = if ts.windows(2).all(|w| w[0] <= w[1]) {
        regularise_sorted(ts, vs, step_ms, agg)?
    } else {
        let mut pairs: Vec<(i64, f64)> = ts.iter().copied().zip(vs.iter().copied()).collect();
        pairs.sort_by_key(|p| p.0);
        let (ts, vs): (Vec<i64>, Vec<f64>) = pairs.into_iter().unzip();
        regularise_sorted(&ts, &vs, step_ms, agg)?
    };
    Ok(Series { name: series.name.clone(), unit: series.unit.clone(), kind: series.kind, timestamps, values })
}

/// [`regularise`] on non-decreasing `ts` of the same length as `vs`.
fn regularise_sorted(
    ts: &[i64],
    vs: &[f64],
    step: i64,
    agg: Aggregation,
) -> Result<(Vec<i64>, Vec<f64>), ResampleError> {
    let (Some(&first), Some(&last)) = (ts.first(), ts.last()) else {
        return Ok((Vec::new(), Vec::new()));
    };
    let bin_start = |t: i64| -> Result<i64, ResampleError> {
        i64::try_from(i128::from(t.div_euclid(step)) * i128::from(step))
            .map_err(|_| ResampleError::OutOfRange { ms: t, step_ms: step })
    };
    let (first_bin, last_bin) = (bin_start(first)?, bin_start(last)?);
    let bins = (i128::from(last_bin) - i128::from(first_bin)) / i128::from(step) + 1;
    if bins > i128::from(MAX_BINS) {
        return Err(ResampleError::TooManyBins {
            bins: u128::try_from(bins).unwrap_or(u128::MAX),
            step_ms: step,
            from_ms: first,
            to_ms: last,
        });
    }
    let bins = usize::try_from(bins).unwrap_or(0);
    let mut out_t = Vec::with_capacity(bins);
    let mut out_v = Vec::with_capacity(bins);
    let mut scratch = Vec::new();

    // Every bin start from first_bin to last_bin fits in i64 (both ends do), and so does each
    // `start + step` except possibly after the last bin, where `None` means "no end".
    let mut next = Some(first_bin);
    let mut i = 0;
    while i < ts.len() {
        let start = bin_start(ts[i])?;
        while let Some(t) = next.filter(|&t| t < start) {
            out_t.push(t);
            out_v.push(f64::NAN);
            next = t.checked_add(step);
        }
        let end = start.checked_add(step);
        let run = ts[i..].iter().position(|&t| end.is_some_and(|e| t >= e)).map_or(ts.len(), |k| i + k);
        out_t.push(start);
        out_v.push(aggregate(&vs[i..run], agg, &mut scratch));
        next = end;
        i = run;
    }
    Ok((out_t, out_v))
}

/// One bin's value: `NaN` when it holds no finite value.
fn aggregate(values: &[f64], agg: Aggregation, scratch: &mut Vec<f64>) -> f64 {
    let finite = || values.iter().copied().filter(|v| v.is_finite());
    match agg {
        Aggregation::Mean => {
            let (sum, n) = finite().fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
            if n == 0 {
                return f64::NAN;
            }
            let mean = sum / n as f64;
            if mean.is_finite() {
                mean
            } else {
                // The sum overflowed: average shares instead.
                finite().map(|v| v / n as f64).sum()
            }
        }
        Aggregation::Max => finite().fold(f64::NAN, f64::max),
        Aggregation::P95 => {
            scratch.clear();
            scratch.extend(finite());
            p95(scratch)
        }
    }
}

/// The 95th percentile of `x` (finite values, any order; reordered in place) as documented on
/// [`Aggregation::P95`]; `NaN` for no values. Linear time: selection, not sorting.
fn p95(x: &mut [f64]) -> f64 {
    let Some(last) = x.len().checked_sub(1) else {
        return f64::NAN;
    };
    let rank = last * 95; // h × 100
    let (lo, rem) = (rank / 100, rank % 100);
    let (_, &mut a, above) = x.select_nth_unstable_by(lo, f64::total_cmp);
    if rem == 0 {
        return a;
    }
    let Some(b) = above.iter().copied().min_by(f64::total_cmp) else {
        return a;
    };
    let w = rem as f64 / 100.0;
    let v = a + (b - a) * w;
    if v.is_finite() {
        v
    } else {
        // b − a overflowed (values near ±f64::MAX of both signs).
        a * (1.0 - w) + b * w
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::series::SeriesKind;

    const MIN: i64 = 60_000;

    fn series(ts: &[i64], vs: &[f64]) -> Series {
        Series {
            name: "cpu".into(),
            unit: Some("%".into()),
            kind: SeriesKind::Cpu,
            timestamps: ts.to_vec(),
            values: vs.to_vec(),
        }
    }

    fn same(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y || (x.is_nan() && y.is_nan()))
    }

    #[test]
    fn bins_are_epoch_aligned_half_open_and_complete() {
        // Points at 1:30, 4:59.999, 5:00, 9:00, 21:00; 5 min bins.
        let s = series(&[90_000, 5 * MIN - 1, 5 * MIN, 9 * MIN, 21 * MIN], &[1.0, 3.0, 10.0, f64::NAN, 7.0]);
        let r = regularise(&s, 5 * MIN, Aggregation::Mean).unwrap();
        assert_eq!(r.timestamps, vec![0, 5 * MIN, 10 * MIN, 15 * MIN, 20 * MIN]);
        // [0,5): 1 and 3; [5,10): 10 and a missing value; [10,15), [15,20): empty; [20,25): 7.
        assert!(same(&r.values, &[2.0, 10.0, f64::NAN, f64::NAN, 7.0]), "{:?}", r.values);
        assert_eq!((r.name.as_str(), r.unit.as_deref(), r.kind), ("cpu", Some("%"), SeriesKind::Cpu));

        let r = regularise(&s, 5 * MIN, Aggregation::Max).unwrap();
        assert!(same(&r.values, &[3.0, 10.0, f64::NAN, f64::NAN, 7.0]), "{:?}", r.values);
    }

    #[test]
    fn a_bin_of_only_missing_values_is_missing() {
        let s = series(&[0, 1000, 60_000], &[f64::NAN, f64::INFINITY, 4.0]);
        for agg in [Aggregation::Mean, Aggregation::Max, Aggregation::P95] {
            let r = regularise(&s, MIN, agg).unwrap();
            assert!(same(&r.values, &[f64::NAN, 4.0]), "{agg:?}: {:?}", r.values);
        }
    }

    #[test]
    fn negative_instants_floor_to_their_bin() {
        let s = series(&[-1, 0, 59_999, 60_000], &[1.0, 2.0, 4.0, 8.0]);
        let r = regularise(&s, MIN, Aggregation::Max).unwrap();
        assert_eq!(r.timestamps, vec![-MIN, 0, MIN]);
        assert_eq!(r.values, vec![1.0, 4.0, 8.0]);
    }

    #[test]
    fn p95_is_numpys_linear_percentile() {
        // Hand-computed, h = 0.95 × (n − 1):
        // n = 1: the value itself.
        assert_eq!(p95(&mut [7.0]), 7.0);
        // n = 2, [10, 20]: h = 0.95 → 10 + 0.95 × 10 = 19.5.
        assert_eq!(p95(&mut [20.0, 10.0]), 19.5);
        // n = 5, 1..=5 shuffled: h = 3.8 → 4 + 0.8 × 1 = 4.8.
        assert!((p95(&mut [5.0, 1.0, 4.0, 2.0, 3.0]) - 4.8).abs() < 1e-12);
        // n = 10, 10, 20, …, 100: h = 8.55 → 90 + 0.55 × 10 = 95.5.
        let mut x: Vec<f64> = (1..=10).rev().map(|i| f64::from(i) * 10.0).collect();
        assert!((p95(&mut x) - 95.5).abs() < 1e-12);
        // n = 21, 0..=20: h = 19 exactly → 19.
        let mut x: Vec<f64> = (0..=20).map(f64::from).collect();
        assert_eq!(p95(&mut x), 19.0);
        // n = 4 with ties, [1, 1, 2, 100]: h = 2.85 → 2 + 0.85 × 98 = 85.3.
        assert!((p95(&mut [100.0, 1.0, 2.0, 1.0]) - 85.3).abs() < 1e-12);
        assert!(p95(&mut []).is_nan());
        // Extreme values do not overflow to infinity.
        assert!(p95(&mut [-f64::MAX, f64::MAX]).is_finite());
    }

    #[test]
    fn p95_per_bin_ignores_missing_values() {
        let s = series(&[0, 1, 2, 3, 4, 5, 60_000], &[1.0, 2.0, f64::NAN, 3.0, 4.0, 5.0, 9.0]);
        let r = regularise(&s, MIN, Aggregation::P95).unwrap();
        assert_eq!(r.timestamps, vec![0, MIN]);
        assert!((r.values[0] - 4.8).abs() < 1e-12, "{:?}", r.values);
        assert_eq!(r.values[1], 9.0);
    }

    #[test]
    fn unsorted_or_ragged_input_is_handled() {
        let s = series(&[120_000, 0, 60_000, 5], &[3.0, 1.0, 2.0]);
        let r = regularise(&s, MIN, Aggregation::Mean).unwrap();
        assert_eq!(r.timestamps, vec![0, MIN, 2 * MIN]);
        assert_eq!(r.values, vec![1.0, 2.0, 3.0]);
        let empty = regularise(&series(&[], &[]), MIN, Aggregation::P95).unwrap();
        assert!(empty.is_empty());
    }

    #[test]
    fn errors_say_what_to_change() {
        let s = series(&[0, 86_400_000 * 365], &[1.0, 2.0]);
        assert_eq!(regularise(&s, 0, Aggregation::Mean), Err(ResampleError::NonPositiveStep { step_ms: 0 }));
        let e = regularise(&s, 1000, Aggregation::Mean).unwrap_err();
        assert_eq!(
            e,
            ResampleError::TooManyBins { bins: 31_536_001, step_ms: 1000, from_ms: 0, to_ms: 31_536_000_000 }
        );
        assert_eq!(
            e.to_string(),
            "a 1 s step from 1970-01-01T00:00:00Z to 1971-01-01T00:00:00Z would take 31536001 bins, more than the 20000000 allowed; choose a longer step"
        );
        assert_eq!(regularise(&s, 86_400_000, Aggregation::Mean).map(|r| r.len()), Ok(366));
        let far = series(&[i64::MIN, i64::MAX], &[1.0, 2.0]);
        assert!(matches!(regularise(&far, 7, Aggregation::Max), Err(ResampleError::OutOfRange { .. })));
        assert!(matches!(regularise(&far, i64::MAX, Aggregation::Max), Err(ResampleError::OutOfRange { .. })));
        let r = regularise(&series(&[i64::MAX - 1, i64::MAX], &[1.0, 2.0]), 1, Aggregation::Max).unwrap();
        assert_eq!(r.timestamps, vec![i64::MAX - 1, i64::MAX]);
    }
}
