//! A series as the models need it: one value per step, nothing missing.
//!
//! The series is put on the epoch-aligned grid of the step ([`crate::resample::regularise`], mean,
//! max or p95 per bin). Bins without a value before the first and after the last value are
//! trimmed; the ones in between are filled by linear interpolation between their neighbours, for
//! fitting only (their count is reported), so a gap neither breaks a season nor counts as zero.

use crate::resample::{regularise, Aggregation};
use crate::series::Series;

use super::ForecastError;

/// A regular, gap-free history.
pub(crate) struct Prepared {
    /// One value per step, oldest first.
    pub values: Vec<f64>,
    /// The start of the last bin with a value.
    pub last_bin_ms: i64,
    /// Bins filled by interpolation.
    pub filled: usize,
}

pub(crate) fn prepare(series: &Series, step_ms: i64, agg: Aggregation) -> Result<Prepared, ForecastError> {
    let grid = regularise(series, step_ms, agg)
        .map_err(|source| ForecastError::Resample { series: series.name.clone(), source })?;
    let first = grid.values.iter().position(|v| v.is_finite());
    let last = grid.values.iter().rposition(|v| v.is_finite());
    let (Some(first), Some(last)) = (first, last) else {
        return Err(ForecastError::NoValues { series: series.name.clone() });
    };
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
    Ok(Prepared { values, last_bin_ms: grid.timestamps[last], filled })
}
