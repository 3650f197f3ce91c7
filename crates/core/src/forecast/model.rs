//! The one shape every trend model has: fit on a regular, gap-free series, then predict `h` steps
//! with 80 % and 95 % intervals.

use serde::{Deserialize, Serialize};

use super::ModelKind;

/// The standard normal quantile for a central 80 % interval.
pub const Z80: f64 = 1.281_551_565_544_600_4;
/// The standard normal quantile for a central 95 % interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// A model before fitting: its settings (e.g. the season length).
pub trait Model {
    /// Which model this is.
    fn kind(&self) -> ModelKind;
    /// Fits `y` (one value per step, no missing values, oldest first).
    fn fit(&self, y: &[f64]) -> Result<Box<dyn Fitted>, FitError>;
}

/// A fitted model.
pub trait Fitted {
    /// The next `h` steps after the fitted history, with intervals.
    fn predict(&self, h: usize) -> Result<Prediction, FitError>;
}

/// Why a model could not be fitted or could not predict, independent of any series' name or time.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum FitError {
    /// The model needs more history than it was given.
    #[error("needs at least {needed} points, has {have}")]
    TooShort { needed: usize, have: usize },
    /// Log-linear growth needs every value above zero.
    #[error("needs every value above 0; point {index} is {value}")]
    NonPositive { index: usize, value: f64 },
    /// MSTL was asked for without any season that fits twice into the history.
    #[error("needs a daily or weekly season that the history holds at least twice; none was found")]
    NoSeason,
    /// The underlying fit failed or produced non-finite numbers.
    #[error("{0}")]
    Failed(String),
}

/// A forecast of `h` steps: the point forecast and its central 80 % and 95 % intervals, all of the
/// same length, all finite, `lower_95 ≤ lower_80 ≤ point ≤ upper_80 ≤ upper_95` at every step.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    pub point: Vec<f64>,
    pub lower_80: Vec<f64>,
    pub upper_80: Vec<f64>,
    pub lower_95: Vec<f64>,
    pub upper_95: Vec<f64>,
}

impl Prediction {
    /// Symmetric normal intervals: `point[i] ± z × sd[i]`.
    pub fn normal(point: Vec<f64>, sd: &[f64]) -> Prediction {
        let band = |z: f64, sign: f64| point.iter().zip(sd).map(|(p, s)| p + sign * z * s).collect::<Vec<f64>>();
        Prediction {
            lower_80: band(Z80, -1.0),
            upper_80: band(Z80, 1.0),
            lower_95: band(Z95, -1.0),
            upper_95: band(Z95, 1.0),
            point,
        }
    }

    /// Number of steps.
    pub fn len(&self) -> usize {
        self.point.len()
    }

    /// No steps.
    pub fn is_empty(&self) -> bool {
        self.point.is_empty()
    }

    /// Checks that every number is finite and puts the bands in order around the point (a model
    /// may return a band that crosses its point by rounding; it is widened to the point).
    pub fn checked(mut self, h: usize) -> Result<Prediction, FitError> {
        let cols = [&self.point, &self.lower_80, &self.upper_80, &self.lower_95, &self.upper_95];
        if cols.iter().any(|c| c.len() != h) {
            return Err(FitError::Failed(format!("predicted {} steps instead of {h}", self.point.len())));
        }
        if let Some(i) = cols.iter().find_map(|c| c.iter().position(|v| !v.is_finite())) {
            return Err(FitError::Failed(format!("the forecast is not a finite number at step {}", i + 1)));
        }
        for i in 0..h {
            let p = self.point[i];
            self.lower_80[i] = self.lower_80[i].min(p);
            self.upper_80[i] = self.upper_80[i].max(p);
            self.lower_95[i] = self.lower_95[i].min(self.lower_80[i]);
            self.upper_95[i] = self.upper_95[i].max(self.upper_80[i]);
        }
        Ok(self)
    }

    /// Clamps everything below zero to zero; returns the index of the first step whose point was
    /// negative, if any.
    pub fn clamp_at_zero(&mut self) -> Option<usize> {
        let first = self.point.iter().position(|&p| p < 0.0);
        for col in [&mut self.point, &mut self.lower_80, &mut self.upper_80, &mut self.lower_95, &mut self.upper_95] {
            col.iter_mut().for_each(|v| *v = v.max(0.0));
        }
        first
    }
}
