//! Which of the two seasons capacity planners care about, daily and weekly, a history actually has.
//!
//! Candidate periods come from the step: `1 day / step` and `7 ×` that (a candidate is only tried
//! when a day is a whole number of steps within 1 %, the season is at least 2 steps long and the
//! history holds it at least twice). A candidate is kept when the autocorrelation at its lag
//! exceeds [`MIN_STRENGTH`] after removing what is slower than the season (a centred moving
//! average one season long) and, for the weekly season, the average daily profile. That keeps a
//! trend or a level shift from passing for a season, and a daily cycle from passing for a weekly one.
//! Cost: a few passes over the values (no FFT).

use serde::{Deserialize, Serialize};

/// The autocorrelation a season must exceed to be used.
pub const MIN_STRENGTH: f64 = 0.3;

const DAY_MS: i64 = 86_400_000;

/// A season found in the history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Season {
    /// `daily` or `weekly`.
    pub name: String,
    /// Its length in steps.
    pub period_steps: usize,
    /// Its length in milliseconds.
    pub period_ms: i64,
    /// The autocorrelation at its lag after removing slower movement (see the module docs), −1 to 1.
    pub strength: f64,
}

/// The daily and weekly seasons of `y` (one value per `step_ms`, no missing values), shortest first.
pub fn detect(y: &[f64], step_ms: i64) -> Vec<Season> {
    let mut out = Vec::new();
    if step_ms <= 0 {
        return out;
    }
    let per_day = (DAY_MS as f64 / step_ms as f64).round();
    if per_day < 1.0 || (per_day * step_ms as f64 - DAY_MS as f64).abs() > DAY_MS as f64 * 0.01 {
        return out;
    }
    let day = per_day as usize;
    if day >= 2 && y.len() >= 2 * day {
        let strength = acf(&detrend(y, day), day);
        if strength > MIN_STRENGTH {
            out.push(Season { name: "daily".into(), period_steps: day, period_ms: day as i64 * step_ms, strength });
        }
    }
    let week = 7 * day;
    if y.len() >= 2 * week {
        let mut r = detrend(y, week);
        if day >= 2 {
            remove_profile(&mut r, day);
        }
        let strength = acf(&r, week);
        if strength > MIN_STRENGTH {
            out.push(Season { name: "weekly".into(), period_steps: week, period_ms: week as i64 * step_ms, strength });
        }
    }
    out
}

/// `y` minus its centred moving average over `p` points (the window is clipped at the ends).
fn detrend(y: &[f64], p: usize) -> Vec<f64> {
    let mut prefix = Vec::with_capacity(y.len() + 1);
    prefix.push(0.0);
    let mut acc = 0.0;
    for v in y {
        acc += v;
        prefix.push(acc);
    }
    let half = p / 2;
    (0..y.len())
        .map(|i| {
            let (a, b) = (i.saturating_sub(half), (i + p - half).min(y.len()));
            y[i] - (prefix[b] - prefix[a]) / (b - a) as f64
        })
        .collect()
}

/// Subtracts the mean of each phase `i mod p`.
fn remove_profile(r: &mut [f64], p: usize) {
    let mut sums = vec![(0.0, 0usize); p];
    for (i, v) in r.iter().enumerate() {
        sums[i % p].0 += v;
        sums[i % p].1 += 1;
    }
    for (i, v) in r.iter_mut().enumerate() {
        let (s, n) = sums[i % p];
        *v -= s / n.max(1) as f64;
    }
}

/// The sample autocorrelation of `r` at `lag`; 0 for a constant series.
fn acf(r: &[f64], lag: usize) -> f64 {
    if r.len() <= lag {
        return 0.0;
    }
    let mean = r.iter().sum::<f64>() / r.len() as f64;
    let var: f64 = r.iter().map(|v| (v - mean).powi(2)).sum();
    if var <= 0.0 || !var.is_finite() {
        return 0.0;
    }
    r[lag..].iter().zip(r).map(|(a, b)| (a - mean) * (b - mean)).sum::<f64>() / var
}
