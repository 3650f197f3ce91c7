//! Intervals from the backtest: the 80 % and 95 % bands of the final forecast are the empirical
//! 80th and 95th percentiles of the model's own absolute backtest errors, so they cover about what
//! they claim on this series instead of what the model's assumptions (normal, independent errors)
//! promise.
//!
//! The backtest window is split into up to [`BLOCKS`] equal blocks of lead times; each block's
//! errors (every origin, every lead in the block) give that block's percentiles, so bands widen
//! with the lead time as the errors did. Beyond the window (a horizon longer than the backtest
//! could test) the last block's widths grow as √(lead / window), like a random walk.

use super::model::Prediction;

/// Lead-time blocks the window is split into.
pub const BLOCKS: usize = 4;
/// The fewest errors a block needs for its percentiles to be used.
pub const MIN_ERRORS: usize = 20;

/// The `q`-quantile (0–1) of `v` by linear interpolation; `v` is sorted in place. `None` if empty.
fn quantile(v: &mut [f64], q: f64) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable_by(f64::total_cmp);
    let x = q * (v.len() - 1) as f64;
    let (lo, hi) = (x.floor() as usize, x.ceil() as usize);
    Some(v[lo] + (v[hi] - v[lo]) * (x - lo as f64))
}

/// Replaces the bands of `pred` by the backtest's error percentiles (`errors[i]`: absolute errors
/// `i + 1` steps ahead, see `backtest::errors_by_lead`). Leaves `pred` as it is and returns false
/// when a block holds fewer than [`MIN_ERRORS`] errors or any is not finite.
pub(crate) fn apply(pred: &mut Prediction, errors: &[Vec<f64>]) -> bool {
    let window = errors.len();
    if window == 0 {
        return false;
    }
    let blocks = BLOCKS.min(window);
    let mut widths = Vec::with_capacity(blocks);
    for b in 0..blocks {
        let (from, to) = (b * window / blocks, (b + 1) * window / blocks);
        let mut e: Vec<f64> = errors[from..to].iter().flatten().copied().collect();
        if e.len() < MIN_ERRORS || e.iter().any(|v| !v.is_finite()) {
            return false;
        }
        let q80 = quantile(&mut e, 0.8).unwrap_or(0.0);
        let q95 = quantile(&mut e, 0.95).unwrap_or(0.0);
        widths.push((q80, q95));
    }
    for i in 0..pred.len() {
        let (q80, q95, grow) = if i < window {
            let (a, b) = widths[i * blocks / window];
            (a, b, 1.0)
        } else {
            let (a, b) = widths[blocks - 1];
            (a, b, ((i + 1) as f64 / window as f64).sqrt())
        };
        let p = pred.point[i];
        pred.lower_80[i] = p - q80 * grow;
        pred.upper_80[i] = p + q80 * grow;
        pred.lower_95[i] = p - q95 * grow;
        pred.upper_95[i] = p + q95 * grow;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_are_the_error_percentiles_per_block_and_grow_past_the_window() {
        // Window 4, one block per lead; errors 1..=100 at every lead, doubled at the last.
        let base: Vec<f64> = (1..=100).map(f64::from).collect();
        let errors = vec![base.clone(), base.clone(), base.clone(), base.iter().map(|v| 2.0 * v).collect()];
        let mut p = Prediction::normal(vec![10.0; 16], &[0.0; 16]);
        assert!(apply(&mut p, &errors));
        assert!((p.upper_80[0] - (10.0 + 80.2)).abs() < 1e-9, "{}", p.upper_80[0]);
        assert!((p.lower_95[0] - (10.0 - 95.05)).abs() < 1e-9, "{}", p.lower_95[0]);
        assert!((p.upper_80[3] - (10.0 + 160.4)).abs() < 1e-9);
        // Lead 16 = 4 windows: √4 = 2× the last block.
        assert!((p.upper_80[15] - (10.0 + 320.8)).abs() < 1e-9, "{}", p.upper_80[15]);
        // Too few errors: untouched.
        let mut q = Prediction::normal(vec![1.0; 4], &[1.0; 4]);
        let before = q.clone();
        assert!(!apply(&mut q, &vec![vec![1.0; 3]; 4]));
        assert_eq!(q, before);
    }
}
