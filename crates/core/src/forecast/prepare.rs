//! A series as the models need it: one value per step, nothing missing.
//!
//! The series is put on the epoch-aligned grid of the step ([`crate::resample::regularise`], mean,
//! max or p95 per bin). Bins without a value before the first and after the last value are
//! trimmed; the ones in between are filled by linear interpolation between their neighbours, for
//! fitting only (their count is reported), so a gap neither breaks a season nor counts as zero.
//! On a step longer than the data's, a first or last bin the export covers only in part (it ends
//! at 14:22: the 14:00 hour holds five readings of twelve) is left out: its max or p95 would be
//! too low, and a seasonal model would copy it forward. The forecast then starts at that bin.

use crate::resample::{regularise, Aggregation};
use crate::series::Series;

use super::ForecastError;

/// A regular, gap-free history.
pub(crate) struct Prepared {
    /// One value per step, oldest first.
    pub values: Vec<f64>,
    /// The start of the last bin kept.
    pub last_bin_ms: i64,
    /// Bins filled by interpolation.
    pub filled: usize,
    /// On a step longer than the data's: the last bin was left out because the export ends partway
    /// through it (its max or p95 would be of a part of the step); the forecast starts there.
    pub last_partial: bool,
}

/// `series` on `step_ms` by `agg`; `own_step_ms` is the series' own step. On a longer step than its
/// own, a first or last bin the export covers only in part is left out (when two bins remain).
pub(crate) fn prepare(
    series: &Series,
    step_ms: i64,
    own_step_ms: i64,
    agg: Aggregation,
) -> Result<Prepared, ForecastError> {
    let grid = regularise(series, step_ms, agg)
        .map_err(|source| ForecastError::Resample { series: series.name.clone(), source })?;
    let first = grid.values.iter().position(|v| v.is_finite());
    let last = grid.values.iter().rposition(|v| v.is_finite());
    let (Some(mut first), Some(mut last)) = (first, last) else {
        return Err(ForecastError::NoValues { series: series.name.clone() });
    };
    let mut last_partial = false;
    if step_ms > own_step_ms && own_step_ms > 0 {
        let finite = || series.timestamps.iter().zip(&series.values).filter(|(_, v)| v.is_finite()).map(|(t, _)| *t);
        let (t_first, t_last) = (finite().min().unwrap_or(0), finite().max().unwrap_or(0));
        // A reading one own step earlier (later) would still fall in the first (last) bin.
        if last > first + 1 && t_first.saturating_sub(own_step_ms) >= grid.timestamps[first] {
            first += 1;
        }
        if last > first + 1 && t_last.saturating_add(own_step_ms) < grid.timestamps[last].saturating_add(step_ms) {
            last -= 1;
            last_partial = true;
        }
    }
    let mut values = grid.values[first..=last].to_vec();
    let mut filled = 0;
    let mut prev = 0; // index of the last finite value; values[0] is finite
    for i in 1..values.len() {
        if values[i].is_finite() {
            if i > prev + 1 {
                let (a, b) = (values[prev], values[i]);
                for (k, j) in (prev + 1..i).enumerate() {
                    values[j] = a + (b - a) * (k + 1) as f64 / (i - prev) as f64;
                }
                filled += i - prev - 1;
            }
            prev = i;
        }
    }
    Ok(Prepared { values, last_bin_ms: grid.timestamps[last], filled, last_partial })
}
