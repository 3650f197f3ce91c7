//! Trend models: forecasts with 80 % and 95 % intervals, scored on the user's own history.
//!
//! [`forecast`] is the one entry point the app and the CLI call:
//!
//! 1. **Input** (`prepare.rs`): the series on its own step (or a chosen one), one value per
//!    step by mean, max or p95 ([`Aggregation`]), interior gaps filled by linear interpolation for
//!    fitting, leading and trailing empty bins trimmed.
//! 2. **Seasons** ([`seasons`]): daily and weekly, kept only when the history holds them twice and
//!    they are actually there.
//! 3. **Models**, all behind [`model::Model`] / [`model::Fitted`]: seasonal naive and seasonal
//!    mean (the per-phase median of the last five seasons at the last season's median level;
//!    without a season, the median of the last day, following a fresh level shift at once,
//!    [`baseline`]), linear OLS, Theil–Sen and exponential growth ([`regression`]), AutoETS and
//!    MSTL (from Grafana's `augurs`, [`augurs`]; MSTL's deseasonalised series is held at its last
//!    level), and the combination: the mean of the two best backtested models ([`combine`]).
//! 4. **Backtest** ([`backtest`]): rolling origin, five origins, each forecasting the horizon
//!    (at most a quarter of the history); `auto` picks the model with the lowest median MASE over
//!    the origins (one odd origin, a holiday or a level shift, does not decide), and reports every
//!    model's scores. A level shift in the very last points, after every origin, is checked for
//!    apart ([`FRESH_STEPS`], [`FRESH_REACH`]): when the pick did not see it coming by far, the
//!    model that followed those points best is used, with a note.
//! 5. **Intervals** ([`calibrate`]): the final forecast's 80 % and 95 % bands are the 80th and
//!    95th percentiles of its own backtest errors, by lead time; the model's native bands (normal
//!    theory, or √(seasons ahead) for seasonal naive) are kept only when the backtest is too short.
//! 6. **Limits**: for a `%` series, the first step whose point or 95 % upper bound passes 100 is
//!    flagged (more instances are needed, not a broken model); a non-negative history's forecast
//!    is clamped at zero, and a negative point forecast flagged.
//!
//! Speed (the browser fits the whole `auto` on a year of 5-minute points): MSTL decomposes at most
//! the last [`MSTL_MAX_POINTS`] points (raised to hold two of the longest season; a long
//! backtest window does not raise it), and AutoETS fits at most the last
//! [`augurs::ETS_MAX_POINTS`]; the result says so in its notes when that cuts the history. The other models always see the whole history. The
//! combination costs no extra backtest: its forecast at each origin is the mean of its members'.

pub mod augurs;
pub mod backtest;
pub mod baseline;
pub mod calibrate;
pub mod combine;
pub mod model;
mod prepare;
pub mod regression;
pub mod seasons;
pub mod synthetic;

use serde::{Deserialize, Serialize};

use crate::resample::{Aggregation, ResampleError};
use crate::series::Series;
use crate::time::{human_duration, to_rfc3339};

pub use backtest::ModelScore;
pub use model::{FitError, Fitted, Model, Prediction};
pub use seasons::Season;

const DAY_MS: i64 = 86_400_000;

/// The longest horizon: 90 days.
pub const MAX_HORIZON_MS: i64 = 90 * DAY_MS;
/// The fewest regular points a forecast needs.
pub const MIN_POINTS: usize = 16;
/// MSTL sees at most this many of the latest points (two weeks at 5 minutes; see the module docs).
pub const MSTL_MAX_POINTS: usize = 4_032;

/// A forecasting model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModelKind {
    SeasonalNaive,
    /// The per-phase median of the last five seasons at the last season's level; without a
    /// season, the median of the last day.
    SeasonalMean,
    Linear,
    TheilSen,
    Exponential,
    Ets,
    Mstl,
    /// The mean of the two best backtested models' forecasts ([`combine`]).
    Combination,
}

impl ModelKind {
    /// Every model, simplest first (the order ties are broken in).
    pub const ALL: [ModelKind; 8] = [
        ModelKind::SeasonalNaive,
        ModelKind::SeasonalMean,
        ModelKind::Linear,
        ModelKind::TheilSen,
        ModelKind::Exponential,
        ModelKind::Ets,
        ModelKind::Mstl,
        ModelKind::Combination,
    ];

    /// The name used in JSON and on the command line.
    pub fn label(self) -> &'static str {
        match self {
            ModelKind::SeasonalNaive => "seasonal-naive",
            ModelKind::SeasonalMean => "seasonal-mean",
            ModelKind::Linear => "linear",
            ModelKind::TheilSen => "theil-sen",
            ModelKind::Exponential => "exponential",
            ModelKind::Ets => "ets",
            ModelKind::Mstl => "mstl",
            ModelKind::Combination => "combination",
        }
    }
}

/// Which model to fit: one by name, or `auto` (the best backtest).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModelChoice {
    #[default]
    Auto,
    SeasonalNaive,
    SeasonalMean,
    Linear,
    TheilSen,
    Exponential,
    Ets,
    Mstl,
    Combination,
}

impl ModelChoice {
    /// The named model; `None` for auto.
    pub fn kind(self) -> Option<ModelKind> {
        match self {
            ModelChoice::Auto => None,
            ModelChoice::SeasonalNaive => Some(ModelKind::SeasonalNaive),
            ModelChoice::SeasonalMean => Some(ModelKind::SeasonalMean),
            ModelChoice::Linear => Some(ModelKind::Linear),
            ModelChoice::TheilSen => Some(ModelKind::TheilSen),
            ModelChoice::Exponential => Some(ModelKind::Exponential),
            ModelChoice::Ets => Some(ModelKind::Ets),
            ModelChoice::Mstl => Some(ModelKind::Mstl),
            ModelChoice::Combination => Some(ModelKind::Combination),
        }
    }

    /// Reads `auto` or a model's [`ModelKind::label`].
    pub fn parse(s: &str) -> Option<ModelChoice> {
        if s == "auto" {
            return Some(ModelChoice::Auto);
        }
        let kind = ModelKind::ALL.into_iter().find(|k| k.label() == s)?;
        Some(match kind {
            ModelKind::SeasonalNaive => ModelChoice::SeasonalNaive,
            ModelKind::SeasonalMean => ModelChoice::SeasonalMean,
            ModelKind::Linear => ModelChoice::Linear,
            ModelKind::TheilSen => ModelChoice::TheilSen,
            ModelKind::Exponential => ModelChoice::Exponential,
            ModelKind::Ets => ModelChoice::Ets,
            ModelKind::Mstl => ModelChoice::Mstl,
            ModelKind::Combination => ModelChoice::Combination,
        })
    }
}

/// What to forecast and how.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ForecastOptions {
    #[serde(default)]
    pub model: ModelChoice,
    /// How far ahead: at least one step, at most [`MAX_HORIZON_MS`].
    pub horizon_ms: i64,
    /// How the values within one step are combined (what capacity reacts to: mean, max or p95).
    #[serde(default)]
    pub aggregation: Aggregation,
    /// The step to forecast on; `None` = the series' own (median) step.
    #[serde(default)]
    pub step_ms: Option<i64>,
}

/// Something about the forecast a planner must see.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Flag {
    /// A percent metric is forecast above 100 %: more instances are needed, not a broken model.
    AboveLimit {
        limit: f64,
        /// The first forecast step whose point forecast passes the limit.
        first_point_ms: Option<i64>,
        /// The first forecast step whose 95 % upper bound passes the limit.
        first_upper_95_ms: Option<i64>,
        message: String,
    },
    /// The history never goes below zero but the model forecast it would; the forecast (and its
    /// intervals) are clamped at zero.
    ClampedAtZero { first_ms: i64, message: String },
}

/// A forecast, its intervals, and how every model scored on the history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ForecastResult {
    /// The model that made this forecast.
    pub model: ModelKind,
    pub step_ms: i64,
    pub aggregation: Aggregation,
    /// One per forecast step: one step after the last history point (on the series' own step) or,
    /// on a longer step, one step after the last whole bin (the bin the export ends partway
    /// through is forecast, not read), then every step.
    pub timestamps: Vec<i64>,
    pub point: Vec<f64>,
    pub lower_80: Vec<f64>,
    pub upper_80: Vec<f64>,
    pub lower_95: Vec<f64>,
    pub upper_95: Vec<f64>,
    /// Backtest scores: every model for auto (including the ones that do not apply, with the
    /// reason), else the chosen model and seasonal naive as the baseline.
    pub backtest: Vec<ModelScore>,
    pub seasons: Vec<Season>,
    pub flags: Vec<Flag>,
    /// What was done to the input and why (interpolated bins, capped history, fallbacks).
    pub notes: Vec<String>,
}

/// Why a series could not be forecast.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ForecastError {
    /// The series has no finite value.
    #[error("series \"{series}\" has no values to forecast")]
    NoValues { series: String },
    /// The series could not be put on a regular grid.
    #[error("series \"{series}\": {source}")]
    Resample { series: String, source: ResampleError },
    /// The series' step could not be measured (fewer than two points) and none was given.
    #[error("series \"{series}\" has no step to forecast on: it needs at least two points, or a step")]
    NoStep { series: String },
    /// Too little regular history.
    #[error("series \"{series}\" has {points} points on a {step} step; a forecast needs at least {needed}")]
    TooShort { series: String, points: usize, needed: usize, step: String },
    /// The horizon is shorter than one step.
    #[error("the horizon {horizon} is shorter than one {step} step")]
    HorizonTooShort { horizon: String, step: String },
    /// The horizon is longer than [`MAX_HORIZON_MS`].
    #[error("the horizon {horizon} is longer than the 90 days allowed")]
    HorizonTooLong { horizon: String },
    /// The chosen model does not apply to this series or failed on it.
    #[error("series \"{series}\": {model} {reason}")]
    Model { series: String, model: &'static str, reason: String },
}

/// Builds a model with the seasons found in the history, on a step of `step_ms`.
fn build(kind: ModelKind, seasons: &[Season], step_ms: i64) -> Box<dyn Model> {
    let longest = seasons.iter().map(|s| s.period_steps).max().unwrap_or(1);
    let day = usize::try_from(DAY_MS / step_ms.max(1)).unwrap_or(1);
    match kind {
        ModelKind::SeasonalNaive => Box::new(baseline::SeasonalNaive { period: longest }),
        ModelKind::SeasonalMean => Box::new(baseline::SeasonalMean { period: longest, level_window: day }),
        ModelKind::Linear => Box::new(regression::Linear),
        ModelKind::TheilSen => Box::new(regression::TheilSen),
        ModelKind::Exponential => Box::new(regression::Exponential),
        ModelKind::Ets => Box::new(augurs::Ets),
        ModelKind::Mstl => Box::new(augurs::Mstl { periods: seasons.iter().map(|s| s.period_steps).collect() }),
        // Never fitted as one model: `forecast` fits its members and averages them.
        ModelKind::Combination => Box::new(baseline::SeasonalNaive { period: longest }),
    }
}

/// Forecasts `series` as `opts` asks: see the module docs.
pub fn forecast(series: &Series, opts: &ForecastOptions) -> Result<ForecastResult, ForecastError> {
    let name = || series.name.clone();
    let own_step = series.stats().map_or(0, |s| s.step_ms);
    // A forecast is never finer than its data: a step below the series' own is raised to it.
    let raised = opts.step_ms.filter(|&s| s > 0 && s < own_step);
    let step_ms = opts.step_ms.map_or(own_step, |s| s.max(own_step));
    if series.values.iter().all(|v| !v.is_finite()) {
        return Err(ForecastError::NoValues { series: name() });
    }
    if step_ms <= 0 {
        return Err(ForecastError::NoStep { series: name() });
    }
    if opts.horizon_ms > MAX_HORIZON_MS {
        return Err(ForecastError::HorizonTooLong { horizon: human_duration(opts.horizon_ms) });
    }
    if opts.horizon_ms < step_ms {
        return Err(ForecastError::HorizonTooShort {
            horizon: human_duration(opts.horizon_ms.max(0)),
            step: human_duration(step_ms),
        });
    }
    let h = usize::try_from(opts.horizon_ms / step_ms).unwrap_or(1);
    let prep = prepare::prepare(series, step_ms, own_step, opts.aggregation)?;
    let y = &prep.values;
    if y.len() < MIN_POINTS {
        return Err(ForecastError::TooShort {
            series: name(),
            points: y.len(),
            needed: MIN_POINTS,
            step: human_duration(step_ms),
        });
    }
    let mut notes = Vec::new();
    if let Some(asked) = raised {
        notes.push(format!(
            "forecast on the series' own {} step: the {} step asked for is finer than its data",
            human_duration(step_ms),
            human_duration(asked)
        ));
    }
    if prep.last_partial {
        notes.push(format!(
            "the last {} step, which the data covers only in part, is forecast rather than read",
            human_duration(step_ms)
        ));
    }
    if prep.filled > 0 {
        notes.push(format!(
            "{} empty {} steps filled by linear interpolation for fitting",
            prep.filled,
            human_duration(step_ms)
        ));
    }
    let seasons = seasons::detect(y, step_ms);
    let longest = seasons.iter().map(|s| s.period_steps).max().unwrap_or(1);
    let non_negative = y.iter().all(|&v| v >= 0.0);
    let plan = backtest::plan(y, h, longest, MIN_POINTS);
    let mstl_cap = MSTL_MAX_POINTS.max(2 * longest);
    let cap = |k: ModelKind| if k == ModelKind::Mstl { mstl_cap } else { usize::MAX };

    let candidates: Vec<ModelKind> = match opts.model.kind() {
        None | Some(ModelKind::Combination) => ModelKind::ALL.to_vec(),
        Some(ModelKind::SeasonalNaive) => vec![ModelKind::SeasonalNaive],
        Some(k) => vec![k, ModelKind::SeasonalNaive],
    };
    let mut scores = Vec::with_capacity(candidates.len());
    let mut runs: Vec<(ModelKind, Vec<Prediction>)> = Vec::new();
    for &k in candidates.iter().filter(|&&k| k != ModelKind::Combination) {
        let (score, preds) = backtest::run(build(k, &seasons, step_ms).as_ref(), y, &plan, cap(k), non_negative);
        scores.push(score);
        if let Some(p) = preds {
            runs.push((k, p));
        }
    }
    let members = if candidates.contains(&ModelKind::Combination) {
        let members = combine::members(&scores);
        let combined = (members.len() >= 2)
            .then(|| {
                let per_model: Vec<&[Prediction]> = members
                    .iter()
                    .filter_map(|m| runs.iter().find(|(k, _)| k == m).map(|(_, p)| p.as_slice()))
                    .collect();
                combine::mean_per_origin(&per_model)
            })
            .flatten();
        match combined {
            Some(preds) => {
                scores.push(backtest::score_predictions(ModelKind::Combination, y, &plan, &preds));
                runs.push((ModelKind::Combination, preds));
            }
            None => scores.push(ModelScore::failed(
                ModelKind::Combination,
                plan.window,
                "needs at least two other models that could be backtested".into(),
            )),
        }
        members
    } else {
        Vec::new()
    };

    let mut chosen = match opts.model.kind() {
        Some(k) => k,
        None => pick(&scores, &mut notes),
    };
    if opts.model.kind().is_none() {
        let fit_before = |k: ModelKind, ys: &[f64], h: usize| {
            build(k, &seasons, step_ms).fit(&ys[ys.len().saturating_sub(cap(k))..]).and_then(|f| f.predict(h)).ok()
        };
        if let Some((k, note)) = fresh_shift(y, chosen, &members, &scores, fit_before) {
            chosen = k;
            notes.push(note);
        }
    }
    let fitted_kinds: Vec<ModelKind> = if chosen == ModelKind::Combination { members.clone() } else { vec![chosen] };
    if fitted_kinds.contains(&ModelKind::Mstl) && y.len() > mstl_cap {
        notes.push(format!("MSTL decomposed the last {mstl_cap} of {} points", y.len()));
    }
    if fitted_kinds.contains(&ModelKind::Ets) && y.len() > augurs::ETS_MAX_POINTS {
        notes.push(format!("AutoETS was fitted on the last {} of {} points", augurs::ETS_MAX_POINTS, y.len()));
    }
    if chosen == ModelKind::Combination {
        let labels: Vec<&str> = members.iter().map(|k| k.label()).collect();
        notes.push(format!("the combination is the mean of {}", labels.join(", ")));
    }
    if fitted_kinds.contains(&ModelKind::Exponential) {
        if let Some(i) = y.iter().position(|&v| v <= 0.0) {
            let at = prep.last_bin_ms.saturating_sub((y.len() - 1 - i) as i64 * step_ms);
            return Err(ForecastError::Model {
                series: name(),
                model: chosen.label(),
                reason: format!("needs every value above 0; the value at {} is {}", to_rfc3339(at), y[i]),
            });
        }
    }
    if fitted_kinds.is_empty() {
        let reason =
            scores.iter().find(|s| s.model == ModelKind::Combination).and_then(|s| s.error.clone()).unwrap_or_default();
        return Err(ForecastError::Model { series: name(), model: chosen.label(), reason });
    }
    let mut preds = Vec::with_capacity(fitted_kinds.len());
    for &k in &fitted_kinds {
        let fit_on = &y[y.len().saturating_sub(cap(k))..];
        let p = build(k, &seasons, step_ms)
            .fit(fit_on)
            .and_then(|f| f.predict(h))
            .map_err(|e| ForecastError::Model { series: name(), model: k.label(), reason: e.to_string() })?;
        preds.push(p);
    }
    let mut pred = combine::mean(&preds).unwrap_or_default();
    if let Some((_, bt)) = runs.iter().find(|(k, _)| *k == chosen) {
        if !calibrate::apply(&mut pred, &backtest::errors_by_lead(y, &plan, bt)) {
            notes.push("too little backtest to calibrate the intervals; they are the model's own".into());
        }
    }

    let base_ms = if opts.step_ms.is_none() {
        series.timestamps.iter().zip(&series.values).filter(|(_, v)| v.is_finite()).map(|(t, _)| *t).max()
    } else {
        None
    }
    .unwrap_or(prep.last_bin_ms);
    let timestamps: Vec<i64> = (1..=h as i64).map(|k| base_ms.saturating_add(k.saturating_mul(step_ms))).collect();

    let mut flags = Vec::new();
    if non_negative {
        if let Some(i) = pred.clamp_at_zero() {
            flags.push(Flag::ClampedAtZero {
                first_ms: timestamps[i],
                message: format!(
                    "the {} forecast goes below zero from {}; a series that never did is clamped at 0",
                    chosen.label(),
                    to_rfc3339(timestamps[i])
                ),
            });
        }
    }
    if series.unit.as_deref() == Some("%") {
        flags.extend(above_limit(&pred, &timestamps, 100.0));
    }
    Ok(ForecastResult {
        model: chosen,
        step_ms,
        aggregation: opts.aggregation,
        timestamps,
        point: pred.point,
        lower_80: pred.lower_80,
        upper_80: pred.upper_80,
        lower_95: pred.lower_95,
        upper_95: pred.upper_95,
        backtest: scores,
        seasons,
        flags,
        notes,
    })
}

/// The last points a fresh level shift is looked for in.
pub const FRESH_STEPS: usize = 3;
/// How far outside its own 95 % band the last [`FRESH_STEPS`] points must all lie, on one side, as
/// a multiple of the band's reach from the point forecast, to count as a fresh level shift.
pub const FRESH_REACH: f64 = 5.0;

/// A level shift in the very last points, which no backtest origin could see: `auto`'s pick,
/// fitted on the history before the last [`FRESH_STEPS`] points, puts every one of them on one side
/// at least [`FRESH_REACH`] times as far from its forecast as its own (model) 95 % band reaches.
/// Then the model (of those backtested) that followed those points best one step ahead (refitted
/// before each) is used instead, with a note saying why: a model that follows a new level is
/// wanted, and only one-step forecasts can show which does (fitted before them all, none has seen
/// the new level). `fit` fits a model on a history and predicts `h` steps; the pick is the mean of
/// `members` when it is the combination.
///
/// A series that holds one value (an instance count) has a 95 % band of no width around it: any
/// step that lasts [`FRESH_STEPS`] points counts, and the forecast follows the new count.
///
/// On grok_asg the series fell from 33 to 1 in the four points before a held-out day; `auto` had
/// picked Theil–Sen (best backtest), which forecast 33 all day: 32× seasonal naive's error. With
/// the check it is seasonal naive (1.0×), and over the 83 held-out windows of the real series auto
/// goes from 0.893 to 0.856 of seasonal naive's MAE, with no other window changed. That shift was
/// 99 band-reaches away; no other window's last points were more than 2 outside, so a blip at the
/// edge of a band does not move the pick.
fn fresh_shift(
    y: &[f64],
    chosen: ModelKind,
    members: &[ModelKind],
    scores: &[ModelScore],
    fit: impl Fn(ModelKind, &[f64], usize) -> Option<Prediction>,
) -> Option<(ModelKind, String)> {
    let n = y.len();
    if n < MIN_POINTS + FRESH_STEPS {
        return None;
    }
    let (before, last) = y.split_at(n - FRESH_STEPS);
    let picked: &[ModelKind] = if chosen == ModelKind::Combination { members } else { std::slice::from_ref(&chosen) };
    let preds: Vec<Prediction> = picked.iter().filter_map(|&k| fit(k, before, FRESH_STEPS)).collect();
    if preds.len() != picked.len() {
        return None;
    }
    let pred = combine::mean(&preds)?;
    // How far each last point is from the forecast, in reaches of the 95 % band on its side.
    let reach = |i: usize, a: f64| {
        let edge = if a >= pred.point[i] { pred.upper_95[i] } else { pred.lower_95[i] };
        (a - pred.point[i]).abs() / (edge - pred.point[i]).abs().max(f64::MIN_POSITIVE)
    };
    let one_side = last.iter().enumerate().all(|(i, &a)| a > pred.point[i])
        || last.iter().enumerate().all(|(i, &a)| a < pred.point[i]);
    if !one_side || last.iter().enumerate().any(|(i, &a)| reach(i, a) < FRESH_REACH) {
        return None;
    }
    // The absolute one-step errors over the last points of the mean of `kinds`, each step fitted
    // on everything before it.
    let one_step = |kinds: &[ModelKind]| -> Option<f64> {
        let mut total = 0.0;
        for (j, &a) in last.iter().enumerate() {
            let history = &y[..n - FRESH_STEPS + j];
            let points: Vec<f64> = kinds.iter().filter_map(|&k| fit(k, history, 1).map(|p| p.point[0])).collect();
            if points.len() != kinds.len() {
                return None;
            }
            total += (a - points.iter().sum::<f64>() / points.len() as f64).abs();
        }
        total.is_finite().then_some(total)
    };
    let theirs = one_step(picked)?;
    let best = scores
        .iter()
        .filter(|s| s.mae.is_some() && s.model != ModelKind::Combination && s.model != chosen)
        .filter_map(|s| one_step(std::slice::from_ref(&s.model)).map(|e| (e, s.model)))
        .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))?;
    (best.0 < theirs).then(|| {
        (
            best.1,
            format!(
                "the last {FRESH_STEPS} points lie far outside what {} expected from the history before them \
                 (a level shift at the very end, which the backtest could not see); {} followed them best",
                chosen.label(),
                best.1.label()
            ),
        )
    })
}

/// How much better seasonal naive's backtest must be than the seasonal mean's for `auto` to pick
/// it. Both forecast the same profile: seasonal naive copies the last season (without a season,
/// the last value), the seasonal mean takes the per-phase median of the last five (without a
/// season, the median of the last day), which varies less; a near tie over five origins is not
/// evidence for the noisier one. On the 83 held-out windows (auto ÷ seasonal naive, geometric
/// mean of MAE): 0.856 without the margin, 0.855 at 1–5 % (auto better than seasonal naive on
/// 49–50 windows instead of 47), 0.854 at 10 %, 0.865 at 20 %.
pub const SEASONAL_MEAN_MARGIN: f64 = 0.05;

/// The model `auto` uses: the lowest median MASE over the backtest origins (pooled MAE when no
/// MASE could be computed); an exact tie goes to the simpler model (the order of
/// [`ModelKind::ALL`]). Seasonal naive only when it beats the seasonal mean by
/// [`SEASONAL_MEAN_MARGIN`]; otherwise the best of the others. Seasonal naive when nothing could
/// be scored.
///
/// No margin in favour of simpler models: "the simplest within 2 % of the best" picked worse on
/// held-out data (83 held-out days and weeks of nine real series: geometric mean of auto's MAE over
/// seasonal naive's 0.918 with the margin, 0.893 without).
fn pick(scores: &[ModelScore], notes: &mut Vec<String>) -> ModelKind {
    let key = rank_key(scores);
    let mut ranked: Vec<(f64, ModelKind)> =
        scores.iter().filter_map(|s| key(s).filter(|v| v.is_finite()).map(|v| (v, s.model))).collect();
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mean = ranked.iter().find(|r| r.1 == ModelKind::SeasonalMean).map(|r| r.0);
    match ranked.first() {
        Some(&(v, ModelKind::SeasonalNaive)) if mean.is_some_and(|m| m <= v * (1.0 + SEASONAL_MEAN_MARGIN)) => {
            // Not clearly better than the seasonal mean: the best of the others.
            ranked[1].1
        }
        Some(&(_, k)) => k,
        None => {
            notes.push("no model could be backtested; seasonal naive was used".into());
            ModelKind::SeasonalNaive
        }
    }
}

/// What models are ranked by: the median MASE over the backtest origins, or the pooled MAE when
/// no model has a MASE (a flat history).
pub(crate) fn rank_key(scores: &[ModelScore]) -> fn(&ModelScore) -> Option<f64> {
    if scores.iter().any(|s| s.median_mase.is_some()) {
        |s| s.median_mase
    } else {
        |s| s.mae
    }
}

/// The limit flag for `pred`, if its point or 95 % upper bound passes `limit`.
fn above_limit(pred: &Prediction, timestamps: &[i64], limit: f64) -> Option<Flag> {
    let first = |col: &[f64]| col.iter().position(|&v| v > limit).map(|i| timestamps[i]);
    let (first_point_ms, first_upper_95_ms) = (first(&pred.point), first(&pred.upper_95));
    let when = first_point_ms.or(first_upper_95_ms)?;
    let what = if first_point_ms.is_some() { "the forecast" } else { "the 95 % upper bound" };
    Some(Flag::AboveLimit {
        limit,
        first_point_ms,
        first_upper_95_ms,
        message: format!(
            "{what} passes {limit} % at {}: more instances are needed, not a broken model",
            to_rfc3339(when)
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scored(model: ModelKind, median_mase: f64) -> ModelScore {
        ModelScore {
            median_mase: Some(median_mase),
            mae: Some(median_mase),
            error: None,
            ..ModelScore::failed(model, 1, String::new())
        }
    }

    #[test]
    fn auto_takes_the_seasonal_mean_over_a_seasonal_naive_not_clearly_better() {
        let mut notes = Vec::new();
        let with = |mean: f64| {
            vec![
                scored(ModelKind::SeasonalNaive, 1.00),
                scored(ModelKind::SeasonalMean, mean),
                scored(ModelKind::Linear, 1.50),
            ]
        };
        assert_eq!(pick(&with(1.04), &mut notes), ModelKind::SeasonalMean);
        assert_eq!(pick(&with(0.90), &mut notes), ModelKind::SeasonalMean);
        assert_eq!(pick(&with(1.06), &mut notes), ModelKind::SeasonalNaive);
        // Any other model still wins on its score alone…
        let mut other = with(1.04);
        other.push(scored(ModelKind::Ets, 0.99));
        assert_eq!(pick(&other, &mut notes), ModelKind::Ets);
        // …and when seasonal naive is out, the best of the others is used: here AutoETS, ahead of
        // the seasonal mean.
        let mut between = with(1.04);
        between.push(scored(ModelKind::Ets, 1.03));
        assert_eq!(pick(&between, &mut notes), ModelKind::Ets);
        assert!(notes.is_empty());
    }
}
