//! Seasonal naive: every step repeats the value one season earlier (plain naive, the last value,
//! without a season). The baseline every other model must beat, and the scale of MASE.

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
