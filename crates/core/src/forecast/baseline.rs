//! Seasonal naive: every step repeats the value one season earlier (plain naive, the last value,
//! without a season). The baseline every other model must beat, and the scale of MASE.
//!
//! Seasonal mean ([`SeasonalMean`]): the per-phase median of the last five seasons, moved to the
//! last season's (median) level. On nyc_taxi's held-out week the median beat the mean of the last
//! four weeks (MAE 1,261 vs 2,089: the mean carried Christmas and New Year into January). Without a
//! season it is the series' recent level ([`level`]): the median of the last day.

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

/// Seasonal mean: the seasonal profile taken over the last (up to [`MEAN_SEASONS`]) whole
/// seasons, each step the median of the values at the same phase, raised or lowered to the level
/// of the last season (the median of the last season's deviations from the profile). One odd day
/// or week (an outage, a holiday, a blizzard) is outvoted instead of copied, in the profile and in
/// the level alike, and the noise of a single past season is not repeated; a level shift is
/// followed within one season. The median level shift, not the mean: on nyc_taxi it cut the
/// held-out MAE on the week before the blizzard (1,261 → 1,215) and on the file's last day
/// (4,191 → 2,252), where the two snowed-in days of that week had pulled its mean down.
///
/// Without a season (`period` < 2) it is the level alone ([`level`]): the median of the last
/// `level_window` points (one day of steps), held flat.
#[derive(Clone, Copy, Debug)]
pub struct SeasonalMean {
    pub period: usize,
    /// Points the level of a series without a season is the median of (one day of steps).
    pub level_window: usize,
}

impl Model for SeasonalMean {
    fn kind(&self) -> ModelKind {
        ModelKind::SeasonalMean
    }

    /// Needs the season at least twice (otherwise it is seasonal naive); the spread is the
    /// in-sample one-season-ahead error of the same rule. Without a season, the level.
    fn fit(&self, y: &[f64]) -> Result<Box<dyn Fitted>, FitError> {
        let m = self.period;
        if m < 2 {
            return fit_level(y, self.level_window);
        }
        if y.len() < 2 * m {
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
            let mut dev: Vec<f64> = y[end - m..end].iter().zip(&p).map(|(a, b)| a - b).collect();
            let shift = median(&mut dev);
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

/// The fewest points a level is the median of.
pub const MIN_LEVEL_POINTS: usize = 7;
/// The recent part of the level's window that can signal a level shift: the last 1/`RECENT_PART`.
pub const RECENT_PART: usize = 8;
/// How far (in robust standard deviations, 1.4826 × MAD of the window) the recent median must be
/// from the window's median to count as a level shift.
pub const SHIFT_SIGMAS: f64 = 3.0;

/// The level of a series without a season: the median of its last `window` points (at least
/// [`MIN_LEVEL_POINTS`]), or of the recent part of them when the level has just shifted, and
/// where the window's points lay around its median (the native bands, skew included).
///
/// The median, not the mean or the last value: MAE is what is scored and the median is what
/// minimises it; CPU and request counts are skewed (spikes above a floor), so a mean is pulled up
/// by the spikes and the last value may land on one. A level that has just moved (a deploy, a
/// scale-in) is followed at once: when the median of the last 1/[`RECENT_PART`] of the window
/// (3 hours of a day at 5 minutes) lies more than [`SHIFT_SIGMAS`] robust standard deviations from
/// the window's median, the level is that recent median (rds_cpu's step from 6 % to 14 %, which a
/// day-long median followed a day late: 7.8× seasonal naive's error on the day after).
pub fn level(y: &[f64], window: usize) -> Option<(f64, Vec<f64>)> {
    if y.len() < MIN_LEVEL_POINTS {
        return None;
    }
    let last = &y[y.len().saturating_sub(window.max(MIN_LEVEL_POINTS))..];
    let whole = median(&mut last.to_vec());
    let mut dev: Vec<f64> = last.iter().map(|v| (v - whole).abs()).collect();
    let mad = median(&mut dev);
    let recent_part = &last[last.len() - (last.len() / RECENT_PART).max(MIN_LEVEL_POINTS).min(last.len())..];
    let recent = median(&mut recent_part.to_vec());
    let (level, from) =
        if (recent - whole).abs() > SHIFT_SIGMAS * 1.4826 * mad { (recent, recent_part) } else { (whole, last) };
    let mut spread: Vec<f64> = from.iter().map(|v| v - level).collect();
    spread.sort_unstable_by(f64::total_cmp);
    Some((level, spread))
}

fn fit_level(y: &[f64], window: usize) -> Result<Box<dyn Fitted>, FitError> {
    let (level, spread) = level(y, window).ok_or(FitError::TooShort { needed: MIN_LEVEL_POINTS, have: y.len() })?;
    Ok(Box::new(FittedLevel { level, spread }))
}

/// A flat level; its native bands are the quantiles of the window's deviations from it.
struct FittedLevel {
    level: f64,
    /// `value − level` over the window the level came from, sorted.
    spread: Vec<f64>,
}

impl Fitted for FittedLevel {
    fn predict(&self, h: usize) -> Result<Prediction, FitError> {
        let q = |p: f64| {
            let x = p * (self.spread.len() - 1) as f64;
            let (lo, hi) = (x.floor() as usize, x.ceil() as usize);
            self.level + self.spread[lo] + (self.spread[hi] - self.spread[lo]) * (x - lo as f64)
        };
        let col = |v: f64| vec![v; h];
        Prediction {
            point: col(self.level),
            lower_80: col(q(0.1)),
            upper_80: col(q(0.9)),
            lower_95: col(q(0.025)),
            upper_95: col(q(0.975)),
        }
        .checked(h)
    }
}

/// The median of `v` (sorted in place); 0 for none.
pub(crate) fn median(v: &mut [f64]) -> f64 {
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
