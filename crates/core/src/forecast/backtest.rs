//! Rolling-origin evaluation on the user's own history.
//!
//! Up to [`ORIGINS`] origins at the end of the history, `window` steps apart (the last `window`,
//! the `window` before it, …): at each, the model is fitted on everything before the origin (at
//! most the model's fitting cap) and forecasts `window` steps, compared with what happened.
//! `window = min(horizon, a quarter of the history)`: the backtest tests the lead times the user
//! asked for, and five origins rank models more stably than three (one odd day or week moves the
//! ranking less). The errors at each lead time also set the final intervals ([`super::calibrate`]).
//! Scores pool every forecast step of every origin (except the median MASE, which `auto` ranks by):
//! MAE; MAPE over the actual values that are not zero; sMAPE (`2|f − a| / (|f| + |a|)`, steps
//! where both are zero skipped); MASE = MAE / the in-sample MAE of seasonal naive (longest season,
//! else naive) on the history before the earliest origin; the median MASE = the median over the
//! origins of each origin's MAE over the same scale; coverage = the share of actual values
//! inside the 80 % and 95 % intervals.

use serde::{Deserialize, Serialize};

use super::baseline::{median, naive_mae};
use super::model::{Model, Prediction};
use super::ModelKind;

/// The most origins a backtest uses.
pub const ORIGINS: usize = 5;

/// One model's backtest scores. Each figure is `None` when it cannot be computed (the model
/// could not be fitted, no non-zero actual for MAPE, a flat history for MASE).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelScore {
    pub model: ModelKind,
    pub mae: Option<f64>,
    /// Percent.
    pub mape: Option<f64>,
    /// Percent (0–200).
    pub smape: Option<f64>,
    pub mase: Option<f64>,
    /// The median over the origins of each origin's MASE (its MAE over the same scale): what
    /// `auto` ranks models by, so that one odd origin (a holiday week, the day of a level shift)
    /// does not decide the pick.
    #[serde(default)]
    pub median_mase: Option<f64>,
    /// The share (0–1) of actual values inside the 80 % interval: the model's own interval (the
    /// final forecast's is calibrated on these errors, [`super::calibrate`]).
    pub coverage_80: Option<f64>,
    /// The share (0–1) of actual values inside the 95 % interval.
    pub coverage_95: Option<f64>,
    /// Origins evaluated.
    pub origins: usize,
    /// Steps forecast from each origin.
    pub window_steps: usize,
    /// Why the model could not be scored, if it could not.
    pub error: Option<String>,
}

impl ModelScore {
    /// A model that could not be scored, and why.
    pub fn failed(model: ModelKind, window_steps: usize, error: String) -> ModelScore {
        ModelScore {
            model,
            mae: None,
            mape: None,
            smape: None,
            mase: None,
            median_mase: None,
            coverage_80: None,
            coverage_95: None,
            origins: 0,
            window_steps,
            error: Some(error),
        }
    }
}

/// Where to cut the history.
pub(crate) struct Plan {
    pub window: usize,
    /// Origins (indices of the first forecast step), latest first.
    pub origins: Vec<usize>,
    /// MASE's denominator.
    pub scale: Option<f64>,
}

/// The plan for history `y`, a horizon of `h` steps, the longest season `m`
/// (1 without) and `min_train` points that a fit needs at least.
pub(crate) fn plan(y: &[f64], h: usize, m: usize, min_train: usize) -> Plan {
    let n = y.len();
    let window = h.min(n / 4).max(1);
    let origins: Vec<usize> =
        (1..=ORIGINS).filter_map(|k| n.checked_sub(k * window)).filter(|&o| o >= min_train).collect();
    let scale = origins.last().and_then(|&o| naive_mae(&y[..o], m));
    Plan { window, origins, scale }
}

/// Fits `model` at each origin of `plan` on `y` (at most the last `cap` points before the origin)
/// and scores it; also returns its forecast at each origin (in the order of `plan.origins`), when
/// every origin could be forecast. Forecasts are clamped at zero first when `non_negative`.
pub(crate) fn run(
    model: &dyn Model,
    y: &[f64],
    plan: &Plan,
    cap: usize,
    non_negative: bool,
) -> (ModelScore, Option<Vec<Prediction>>) {
    let kind = model.kind();
    if plan.origins.is_empty() {
        return (ModelScore::failed(kind, plan.window, "the history is too short to backtest".into()), None);
    }
    let mut preds = Vec::with_capacity(plan.origins.len());
    for &o in &plan.origins {
        let train = &y[o.saturating_sub(cap)..o];
        match model.fit(train).and_then(|f| f.predict(plan.window)) {
            Ok(mut p) => {
                if non_negative {
                    p.clamp_at_zero();
                }
                preds.push(p);
            }
            Err(e) => return (ModelScore::failed(kind, plan.window, e.to_string()), None),
        }
    }
    (score_predictions(kind, y, plan, &preds), Some(preds))
}

/// Scores forecasts already made at each origin of `plan` (in its order).
pub(crate) fn score_predictions(kind: ModelKind, y: &[f64], plan: &Plan, preds: &[Prediction]) -> ModelScore {
    let (mut abs, mut n, mut ape, mut n_ape, mut sape, mut n_sape, mut in80, mut in95) =
        (0.0, 0usize, 0.0, 0usize, 0.0, 0usize, 0usize, 0usize);
    let mut per_origin = Vec::with_capacity(preds.len());
    for (&o, pred) in plan.origins.iter().zip(preds) {
        let mut origin_abs = 0.0;
        for (i, &a) in y[o..o + plan.window].iter().enumerate() {
            let f = pred.point[i];
            let e = (f - a).abs();
            abs += e;
            origin_abs += e;
            n += 1;
            if a != 0.0 {
                ape += e / a.abs();
                n_ape += 1;
            }
            if f.abs() + a.abs() > 0.0 {
                sape += 2.0 * e / (f.abs() + a.abs());
                n_sape += 1;
            }
            in80 += usize::from(pred.lower_80[i] <= a && a <= pred.upper_80[i]);
            in95 += usize::from(pred.lower_95[i] <= a && a <= pred.upper_95[i]);
        }
        per_origin.push(origin_abs / plan.window as f64);
    }
    if n == 0 {
        return ModelScore::failed(kind, plan.window, "the history is too short to backtest".into());
    }
    let mae = abs / n as f64;
    let scale = plan.scale.filter(|s| *s > 0.0);
    ModelScore {
        model: kind,
        mae: Some(mae),
        mape: (n_ape > 0).then(|| 100.0 * ape / n_ape as f64),
        smape: (n_sape > 0).then(|| 100.0 * sape / n_sape as f64),
        mase: scale.map(|s| mae / s),
        median_mase: scale.map(|s| median(&mut per_origin) / s),
        coverage_80: Some(in80 as f64 / n as f64),
        coverage_95: Some(in95 as f64 / n as f64),
        origins: plan.origins.len(),
        window_steps: plan.window,
        error: None,
    }
}

/// The absolute errors `|actual − point|` of forecasts made at each origin of `plan`, grouped by
/// lead time (`out[i]` holds every origin's error `i + 1` steps ahead).
pub(crate) fn errors_by_lead(y: &[f64], plan: &Plan, preds: &[Prediction]) -> Vec<Vec<f64>> {
    let mut out = vec![Vec::with_capacity(preds.len()); plan.window];
    for (&o, pred) in plan.origins.iter().zip(preds) {
        for (i, (&a, &f)) in y[o..o + plan.window].iter().zip(&pred.point).enumerate() {
            out[i].push((a - f).abs());
        }
    }
    out
}
