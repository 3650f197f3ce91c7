//! The models from Grafana's `augurs`: AutoETS (non-seasonal: augurs has no seasonal ETS) and MSTL
//! (daily and weekly seasons by STL, the deseasonalised series held at its last season's level,
//! see `FlatLevel`). Both give native prediction intervals; MSTL's are the trend model's, shifted
//! by the repeated seasonal pattern. MSTL repeats the last cycle of each seasonal component in
//! phase (augurs skips to `len − period` and cycles; checked against a known season in
//! `tests/forecast.rs`).
//!
//! AutoETS searches additive-error models without trend, with a trend and with a damped trend
//! (spec `AZN`), chosen by AICc, on at most the last [`ETS_MAX_POINTS`] points: its optimiser runs
//! up to 2,000 iterations over the whole series per candidate, so its cost is linear in the points
//! it sees. MSTL decomposes all it is given (robust STL, see `stl_params`; the seasonal smoothing
//! windows are stlrs' `7 + 4(i + 1)`: 11 cycles for the shortest season, 15 for the next).

use std::borrow::Cow;

/// `augurs-ets` pulls in `rand` (it simulates intervals for multiplicative-error models, which are
/// never fitted here: the spec is `AZN`, whose intervals are analytic). On wasm32 there is no OS
/// entropy, and core must not depend on JavaScript: any request for random bytes is refused.
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
mod no_entropy {
    fn refuse(_: &mut [u8]) -> Result<(), getrandom::Error> {
        Err(getrandom::Error::UNSUPPORTED)
    }
    getrandom::register_custom_getrandom!(refuse);
}

use augurs_core::{Fit, Forecast, Predict};
use augurs_ets::{AutoETS, FittedAutoETS};
use augurs_mstl::{FittedTrendModel, MSTLModel, TrendModel};

use super::model::{FitError, Fitted, Model, Prediction};
use super::ModelKind;

/// The most points AutoETS is fitted on (3.5 days at 5 minutes).
pub const ETS_MAX_POINTS: usize = 1_008;

/// AutoETS (see the module docs).
#[derive(Clone, Copy, Debug)]
pub struct Ets;

/// MSTL with the given season lengths (steps); the ones the history does not hold twice are dropped.
#[derive(Clone, Debug)]
pub struct Mstl {
    pub periods: Vec<usize>,
}

/// Anything with augurs' `Predict`, at both levels.
struct Augurs<P>(P);

impl<P: Predict> Fitted for Augurs<P> {
    fn predict(&self, h: usize) -> Result<Prediction, FitError> {
        let fail = |e: P::Error| FitError::Failed(e.to_string());
        let f80 = self.0.predict(h, 0.8).map_err(fail)?;
        let f95 = self.0.predict(h, 0.95).map_err(fail)?;
        let (Some(i80), Some(i95)) = (f80.intervals, f95.intervals) else {
            return Err(FitError::Failed("the model returned no prediction intervals".into()));
        };
        Prediction {
            point: f80.point,
            lower_80: i80.lower,
            upper_80: i80.upper,
            lower_95: i95.lower,
            upper_95: i95.upper,
        }
        .checked(h)
    }
}

/// AutoETS needs a handful of points more than its parameters.
const MIN_POINTS: usize = 10;

/// AutoETS fitted on standardised values, `(y/s − mean) / sd` with `s = max |y|`, and mapped back
/// when predicting:
/// the optimiser converges in the same few hundred iterations whatever the units (bytes or
/// fractions of a percent), instead of running to its limit on ill-scaled or perfectly smooth data.
/// A constant history (sd = 0) forecasts itself with zero-width intervals.
#[derive(Debug)]
struct ScaledEts {
    fit: Option<FittedAutoETS>,
    /// Mean and standard deviation of `y / scale`.
    mean: f64,
    sd: f64,
    scale: f64,
    n: usize,
}

impl ScaledEts {
    /// `(v × sd + mean) × scale` for every value from `from` on.
    fn unscale(&self, forecast: &mut Forecast, from: usize) {
        let f = |v: &mut f64| *v = (*v * self.sd + self.mean) * self.scale;
        forecast.point.iter_mut().skip(from).for_each(f);
        if let Some(i) = forecast.intervals.as_mut() {
            i.lower.iter_mut().skip(from).for_each(f);
            i.upper.iter_mut().skip(from).for_each(f);
        }
    }

    fn constant(&self, h: usize, forecast: &mut Forecast) {
        let v = self.mean * self.scale;
        forecast.point.extend(std::iter::repeat_n(v, h));
        if let Some(i) = forecast.intervals.as_mut() {
            i.lower.extend(std::iter::repeat_n(v, h));
            i.upper.extend(std::iter::repeat_n(v, h));
        }
    }
}

impl Predict for ScaledEts {
    type Error = augurs_ets::Error;

    fn predict_in_sample_inplace(&self, level: Option<f64>, forecast: &mut Forecast) -> Result<(), Self::Error> {
        let from = forecast.point.len();
        match &self.fit {
            Some(fit) => {
                fit.predict_in_sample_inplace(level, forecast)?;
                self.unscale(forecast, from);
            }
            None => self.constant(self.n, forecast),
        }
        Ok(())
    }

    fn predict_inplace(&self, h: usize, level: Option<f64>, forecast: &mut Forecast) -> Result<(), Self::Error> {
        let from = forecast.point.len();
        match &self.fit {
            Some(fit) => {
                fit.predict_inplace(h, level, forecast)?;
                self.unscale(forecast, from);
            }
            None => self.constant(h, forecast),
        }
        Ok(())
    }

    fn training_data_size(&self) -> usize {
        self.n
    }
}

fn auto_ets(y: &[f64], spec: &str) -> Result<ScaledEts, FitError> {
    if y.len() < MIN_POINTS {
        return Err(FitError::TooShort { needed: MIN_POINTS, have: y.len() });
    }
    let y = &y[y.len().saturating_sub(ETS_MAX_POINTS)..];
    let n = y.len();
    let scale = y.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    if !scale.is_finite() {
        return Err(FitError::Failed("AutoETS: the values are not finite".into()));
    }
    if scale == 0.0 {
        return Ok(ScaledEts { fit: None, mean: 0.0, sd: 0.0, scale: 1.0, n });
    }
    let u = |v: &f64| v / scale;
    let mean = y.iter().map(u).sum::<f64>() / n as f64;
    let sd = (y.iter().map(|v| (u(v) - mean).powi(2)).sum::<f64>() / n as f64).sqrt();
    if sd <= 1e-12 {
        return Ok(ScaledEts { fit: None, mean, sd: 0.0, scale, n });
    }
    let z: Vec<f64> = y.iter().map(|v| (u(v) - mean) / sd).collect();
    let fit = AutoETS::new(1, spec).and_then(|m| m.fit(&z)).map_err(|e| FitError::Failed(format!("AutoETS: {e}")))?;
    Ok(ScaledEts { fit: Some(fit), mean, sd, scale, n })
}

impl Model for Ets {
    fn kind(&self) -> ModelKind {
        ModelKind::Ets
    }

    fn fit(&self, y: &[f64]) -> Result<Box<dyn Fitted>, FitError> {
        Ok(Box::new(Augurs(auto_ets(y, "AZN")?)))
    }
}

/// MSTL's trend: the level of the deseasonalised series, the mean of its last `window` points
/// (one shortest season), held flat. Extrapolating AutoETS's fitted slope of the deseasonalised
/// series over days or weeks cost more than it gained on the real series (nyc_taxi's held-out
/// week: MAE 1,727 with AutoETS, see `tests/forecast.rs`). The spread is the standard deviation
/// of the deseasonalised points around that level, growing as √(seasons ahead); `forecast`
/// replaces it by the backtest's error percentiles.
#[derive(Debug)]
struct FlatLevel {
    window: usize,
}

#[derive(Debug)]
struct FlatLevelFitted {
    level: f64,
    sd: f64,
    window: usize,
    n: usize,
}

type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

impl TrendModel for FlatLevel {
    fn name(&self) -> Cow<'_, str> {
        Cow::Borrowed("flat level (last season's mean)")
    }

    fn fit(&self, y: &[f64]) -> Result<Box<dyn FittedTrendModel + Sync + Send>, BoxError> {
        let w = self.window.clamp(1, y.len().max(1));
        let last = &y[y.len().saturating_sub(w)..];
        if last.is_empty() {
            return Err("no points".into());
        }
        let level = last.iter().sum::<f64>() / last.len() as f64;
        let sd = (last.iter().map(|v| (v - level).powi(2)).sum::<f64>() / last.len() as f64).sqrt();
        Ok(Box::new(FlatLevelFitted { level, sd, window: w, n: y.len() }))
    }
}

impl FittedTrendModel for FlatLevelFitted {
    fn predict_inplace(&self, horizon: usize, level: Option<f64>, forecast: &mut Forecast) -> Result<(), BoxError> {
        forecast.point.extend(std::iter::repeat_n(self.level, horizon));
        if let (Some(level), Some(iv)) = (level, forecast.intervals.as_mut()) {
            let z = if level >= 0.95 { super::model::Z95 } else { super::model::Z80 };
            for i in 0..horizon {
                let half = z * self.sd * ((i / self.window) as f64 + 1.0).sqrt();
                iv.lower.push(self.level - half);
                iv.upper.push(self.level + half);
            }
        }
        Ok(())
    }

    fn predict_in_sample_inplace(&self, level: Option<f64>, forecast: &mut Forecast) -> Result<(), BoxError> {
        self.predict_inplace(self.n, level, forecast)
    }

    fn training_data_size(&self) -> Option<usize> {
        Some(self.n)
    }
}

/// Robustness iterations of MSTL's STL (stlrs' default when robust is 15).
const STL_OUTER_LOOPS: usize = 3;

/// MSTL's STL settings: robust (each outer loop down-weights the points far from the fit, so a
/// holiday week or an outage does not bend the seasonal components), with [`STL_OUTER_LOOPS`]
/// outer loops. On nyc_taxi's held-out week: MAE 1,619 without robustness, 1,231 with 3 loops,
/// 1,237 with 15.
fn stl_params() -> augurs_mstl::stlrs::MstlParams {
    let mut stl = augurs_mstl::stlrs::StlParams::new();
    stl.robust(true).outer_loops(STL_OUTER_LOOPS);
    let mut p = augurs_mstl::stlrs::MstlParams::new();
    p.stl_params(stl);
    p
}

impl Model for Mstl {
    fn kind(&self) -> ModelKind {
        ModelKind::Mstl
    }

    fn fit(&self, y: &[f64]) -> Result<Box<dyn Fitted>, FitError> {
        let mut periods: Vec<usize> = self.periods.iter().copied().filter(|&p| p >= 2 && y.len() >= 2 * p).collect();
        periods.sort_unstable();
        periods.dedup();
        if periods.is_empty() {
            return Err(FitError::NoSeason);
        }
        if y.len() < MIN_POINTS {
            return Err(FitError::TooShort { needed: MIN_POINTS, have: y.len() });
        }
        let fitted = MSTLModel::new(periods.clone(), FlatLevel { window: periods[0] })
            .mstl_params(stl_params())
            .fit(y)
            .map_err(|e| FitError::Failed(format!("MSTL: {e}")))?;
        Ok(Box::new(Augurs(fitted)))
    }
}
