//! Straight-line models over the step index `x = 0, 1, …, n − 1`: ordinary least squares, Theil–Sen
//! (robust to outliers and level shifts) and log-linear exponential growth.
//!
//! Intervals are the OLS prediction interval `ŷ ± z·s·√(1 + 1/n + (x₀ − x̄)²/Sxx)` (normal quantiles:
//! the histories are long), so they widen the further the horizon is from the middle of the history.
//! For Theil–Sen `s` is the robust spread `1.4826 × MAD` of the residuals; for exponential growth
//! the interval is computed on `ln y` and mapped back, so it is asymmetric and stays above zero.

use super::model::{FitError, Fitted, Model, Prediction, Z80, Z95};
use super::ModelKind;

/// Theil–Sen takes the median of pairwise slopes over at most this many evenly spaced points
/// (≈ 130,000 pairs); longer histories are subsampled deterministically.
pub const THEIL_SEN_MAX_POINTS: usize = 512;

/// Ordinary least squares.
#[derive(Clone, Copy, Debug)]
pub struct Linear;
/// Theil–Sen: the median of pairwise slopes, the median intercept.
#[derive(Clone, Copy, Debug)]
pub struct TheilSen;
/// Exponential growth: OLS on `ln y`.
#[derive(Clone, Copy, Debug)]
pub struct Exponential;

/// A fitted line with what its prediction interval needs.
struct Line {
    intercept: f64,
    slope: f64,
    sigma: f64,
    n: f64,
    x_mean: f64,
    sxx: f64,
    log: bool,
}

impl Line {
    fn predict(&self, h: usize) -> Result<Prediction, FitError> {
        let mut p = Prediction::default();
        for k in 0..h {
            let x0 = self.n - 1.0 + (k + 1) as f64;
            let mid = self.intercept + self.slope * x0;
            let se = self.sigma * (1.0 + 1.0 / self.n + (x0 - self.x_mean).powi(2) / self.sxx).sqrt();
            let f = |v: f64| if self.log { v.exp() } else { v };
            p.point.push(f(mid));
            p.lower_80.push(f(mid - Z80 * se));
            p.upper_80.push(f(mid + Z80 * se));
            p.lower_95.push(f(mid - Z95 * se));
            p.upper_95.push(f(mid + Z95 * se));
        }
        p.checked(h)
    }
}

struct FittedLine(Line);

impl Fitted for FittedLine {
    fn predict(&self, h: usize) -> Result<Prediction, FitError> {
        self.0.predict(h)
    }
}

/// x̄ and Sxx = Σ(x − x̄)² of `0..n`, in closed form.
fn x_moments(n: usize) -> (f64, f64) {
    let nf = n as f64;
    ((nf - 1.0) / 2.0, nf * (nf * nf - 1.0) / 12.0)
}

fn ols(y: &[f64], log: bool) -> Result<Line, FitError> {
    let n = y.len();
    if n < 3 {
        return Err(FitError::TooShort { needed: 3, have: n });
    }
    let (x_mean, sxx) = x_moments(n);
    let y_mean = y.iter().sum::<f64>() / n as f64;
    let sxy: f64 = y.iter().enumerate().map(|(i, v)| (i as f64 - x_mean) * (v - y_mean)).sum();
    let slope = sxy / sxx;
    let intercept = y_mean - slope * x_mean;
    let sse: f64 = y.iter().enumerate().map(|(i, v)| (v - intercept - slope * i as f64).powi(2)).sum();
    let sigma = (sse / (n - 2) as f64).sqrt();
    Ok(Line { intercept, slope, sigma, n: n as f64, x_mean, sxx, log })
}

impl Model for Linear {
    fn kind(&self) -> ModelKind {
        ModelKind::Linear
    }

    fn fit(&self, y: &[f64]) -> Result<Box<dyn Fitted>, FitError> {
        Ok(Box::new(FittedLine(ols(y, false)?)))
    }
}

impl Model for Exponential {
    fn kind(&self) -> ModelKind {
        ModelKind::Exponential
    }

    fn fit(&self, y: &[f64]) -> Result<Box<dyn Fitted>, FitError> {
        if let Some(index) = y.iter().position(|&v| v <= 0.0) {
            return Err(FitError::NonPositive { index, value: y[index] });
        }
        let logs: Vec<f64> = y.iter().map(|v| v.ln()).collect();
        Ok(Box::new(FittedLine(ols(&logs, true)?)))
    }
}

/// The median of `v` (reordered); the mean of the two middle values for an even count.
fn median(v: &mut [f64]) -> f64 {
    let n = v.len();
    let mid = n / 2;
    let (below, &mut hi, _) = v.select_nth_unstable_by(mid, f64::total_cmp);
    if n % 2 == 1 {
        return hi;
    }
    let lo = below.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (lo + hi) / 2.0
}

impl Model for TheilSen {
    fn kind(&self) -> ModelKind {
        ModelKind::TheilSen
    }

    /// Slopes over every pair of at most [`THEIL_SEN_MAX_POINTS`] points spread evenly over the
    /// history (point `round(k·(n − 1)/(m − 1))`): exact Theil–Sen up to that length, a
    /// deterministic subsample beyond it. The intercept is the median of `y − slope·x` over all points.
    fn fit(&self, y: &[f64]) -> Result<Box<dyn Fitted>, FitError> {
        let n = y.len();
        if n < 3 {
            return Err(FitError::TooShort { needed: 3, have: n });
        }
        let m = n.min(THEIL_SEN_MAX_POINTS);
        let idx: Vec<usize> = (0..m).map(|k| ((k as f64) * (n - 1) as f64 / (m - 1) as f64).round() as usize).collect();
        let mut slopes = Vec::with_capacity(m * (m - 1) / 2);
        for (a, &i) in idx.iter().enumerate() {
            for &j in &idx[a + 1..] {
                if j > i {
                    slopes.push((y[j] - y[i]) / (j - i) as f64);
                }
            }
        }
        let slope = median(&mut slopes);
        let mut resid: Vec<f64> = y.iter().enumerate().map(|(i, v)| v - slope * i as f64).collect();
        let intercept = median(&mut resid);
        let mut dev: Vec<f64> = y.iter().enumerate().map(|(i, v)| (v - intercept - slope * i as f64).abs()).collect();
        let sigma = 1.4826 * median(&mut dev);
        let (x_mean, sxx) = x_moments(n);
        Ok(Box::new(FittedLine(Line { intercept, slope, sigma, n: n as f64, x_mean, sxx, log: false })))
    }
}
