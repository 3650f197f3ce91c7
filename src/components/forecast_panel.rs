//! The forecast's controls (model, horizon, what each step keeps) and what the backtest measured
//! for every model on the planner's own series.

use std::sync::Arc;

use headroom_core::forecast::{Flag, ForecastResult, ModelChoice, ModelKind};
use headroom_core::resample::Aggregation;
use leptos::prelude::*;

use super::number_field::{NumberField, Range};

/// The forecast settings the planner controls.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ForecastSettings {
    pub model: ModelChoice,
    pub horizon_days: f64,
    pub aggregation: Aggregation,
    /// Kept by sessions since the step could be chosen; older ones forecast on the data's own.
    #[serde(default)]
    pub step: ForecastStep,
}

impl Default for ForecastSettings {
    fn default() -> Self {
        ForecastSettings {
            model: ModelChoice::Auto,
            horizon_days: 14.0,
            aggregation: Aggregation::Mean,
            step: ForecastStep::Own,
        }
    }
}

/// The step each metric is forecast on: the data's own, or a longer one whose per-step max or p95
/// plans for the peaks within it (each forecast value then holds over the data steps it covers).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ForecastStep {
    #[default]
    #[serde(rename = "own")]
    Own,
    #[serde(rename = "15m")]
    QuarterHour,
    #[serde(rename = "1h")]
    Hour,
    #[serde(rename = "1d")]
    Day,
}

impl ForecastStep {
    pub const ALL: [ForecastStep; 4] =
        [ForecastStep::Own, ForecastStep::QuarterHour, ForecastStep::Hour, ForecastStep::Day];

    /// The step in milliseconds; `None` = each series' own.
    pub fn ms(self) -> Option<i64> {
        match self {
            ForecastStep::Own => None,
            ForecastStep::QuarterHour => Some(15 * 60_000),
            ForecastStep::Hour => Some(3_600_000),
            ForecastStep::Day => Some(86_400_000),
        }
    }

    /// The `<option>` value (as in the session's JSON).
    pub fn id(self) -> &'static str {
        match self {
            ForecastStep::Own => "own",
            ForecastStep::QuarterHour => "15m",
            ForecastStep::Hour => "1h",
            ForecastStep::Day => "1d",
        }
    }

    /// The choice as the select offers it.
    fn label(self) -> &'static str {
        match self {
            ForecastStep::Own => "the data's own step",
            ForecastStep::QuarterHour => "15-minute steps",
            ForecastStep::Hour => "hourly steps",
            ForecastStep::Day => "daily steps",
        }
    }

    /// What one step is, in a sentence ("each hour").
    fn each(self) -> &'static str {
        match self {
            ForecastStep::Own => "each step of the data",
            ForecastStep::QuarterHour => "each 15-minute step",
            ForecastStep::Hour => "each hour",
            ForecastStep::Day => "each day (UTC)",
        }
    }
}

/// What the aggregation does at `step`, under its select.
pub fn aggregation_hint(step: ForecastStep, aggregation: Aggregation) -> String {
    match (step, aggregation) {
        (ForecastStep::Own, _) => "Of the readings in each step of the series' own interval: it matters where several \
            fall in one step (an irregular export); choose a longer step above to plan for the peaks within it."
            .to_string(),
        (_, Aggregation::Mean) => format!(
            "The forecast follows the average of {}; max or p95 plans for the peaks within it. \
             Series exported at a longer step are forecast on the longest of theirs.",
            step.each()
        ),
        (_, _) => format!(
            "The forecast follows the {} of {}, and the replay holds that value over all of it: \
             capacity for the peaks, not the average. Series exported at a longer step are forecast on the longest of theirs.",
            aggregation.label(),
            step.each()
        ),
    }
}

fn choice_id(c: ModelChoice) -> &'static str {
    c.kind().map_or("auto", ModelKind::label)
}

fn model_name(k: ModelKind) -> &'static str {
    match k {
        ModelKind::SeasonalNaive => "Seasonal naive (baseline)",
        ModelKind::SeasonalMean => "Seasonal median of recent cycles (without a season: the recent level)",
        ModelKind::Combination => "Combination of the two best",
        ModelKind::Linear => "Linear trend (OLS)",
        ModelKind::TheilSen => "Robust linear (Theil–Sen)",
        ModelKind::Exponential => "Exponential growth",
        ModelKind::Ets => "Exponential smoothing (AutoETS)",
        ModelKind::Mstl => "Daily + weekly seasonality (MSTL)",
    }
}

fn opt(v: Option<f64>, f: impl Fn(f64) -> String) -> String {
    v.filter(|x| x.is_finite()).map_or("—".to_string(), f)
}

#[component]
pub fn ForecastControls(settings: RwSignal<ForecastSettings>) -> impl IntoView {
    let on_model = move |ev: leptos::ev::Event| {
        if let Some(c) = ModelChoice::parse(&event_target_value(&ev)) {
            settings.update(|s| s.model = c);
        }
    };
    let on_agg = move |ev: leptos::ev::Event| {
        if let Some(a) = Aggregation::parse(&event_target_value(&ev)) {
            settings.update(|s| s.aggregation = a);
        }
    };
    let on_step = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        if let Some(step) = ForecastStep::ALL.into_iter().find(|s| s.id() == value) {
            settings.update(|s| s.step = step);
        }
    };
    view! {
        <div class="field">
            <label for="forecast-model">"Model"</label>
            <select id="forecast-model" data-testid="forecast-model" on:change=on_model
                prop:value=move || choice_id(settings.get().model)>
                <option value="auto">"Auto: the best backtest"</option>
                {ModelKind::ALL.into_iter().map(|k| view! { <option value=k.label()>{model_name(k)}</option> }).collect_view()}
            </select>
        </div>
        <NumberField id="forecast-horizon".to_string() label="Horizon".to_string() unit="days" range=Range::new(1.0, 90.0, 1.0)
            value=Memo::new(move |_| settings.with(|s| s.horizon_days))
            on_change=Callback::new(move |v| settings.update(|s| s.horizon_days = v)) />
        <div class="field">
            <label for="forecast-step">"Forecast on"</label>
            <select id="forecast-step" data-testid="forecast-step" on:change=on_step
                prop:value=move || settings.get().step.id()>
                {ForecastStep::ALL.into_iter().map(|s| view! { <option value=s.id()>{s.label()}</option> }).collect_view()}
            </select>
        </div>
        <div class="field">
            <label for="forecast-aggregation">"Each step keeps the"</label>
            <select id="forecast-aggregation" data-testid="forecast-aggregation" on:change=on_agg
                prop:value=move || settings.get().aggregation.label().to_string()>
                <option value="mean">"mean"</option>
                <option value="max">"max"</option>
                <option value="p95">"p95"</option>
            </select>
            <span class="field-hint muted" data-testid="aggregation-hint">
                {move || settings.with(|s| aggregation_hint(s.step, s.aggregation))}
            </span>
        </div>
    }
}

/// Every model's backtest scores, the chosen one marked, and the forecast's flags and notes.
#[component]
pub fn BacktestTable(
    forecast: Signal<Option<Arc<ForecastResult>>>,
    #[prop(into)] status: Signal<String>,
) -> impl IntoView {
    view! {
        <section class="panel backtest" aria-labelledby="backtest-title">
            <h2 id="backtest-title">"Forecast"</h2>
            <p class="muted" data-testid="forecast-status">{status}</p>
            {move || forecast.get().map(|f| {
                let flags: Vec<String> = f.flags.iter().map(|fl| match fl {
                    Flag::AboveLimit { message, .. } | Flag::ClampedAtZero { message, .. } => message.clone(),
                }).collect();
                let seasons = if f.seasons.is_empty() {
                    "no daily or weekly season found".to_string()
                } else {
                    format!("seasons: {}", f.seasons.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", "))
                };
                let step = format!(
                    "{} steps, each the {} of its readings",
                    headroom_core::time::human_duration(f.step_ms),
                    f.aggregation.label()
                );
                view! {
                    <p class="muted" data-testid="forecast-summary">
                        {format!("{} · {} · {} · rolling-origin backtest on this series", model_name(f.model), seasons, step)}
                    </p>
                    {flags.into_iter().map(|m| view! { <p class="flag" data-testid="forecast-flag">{m}</p> }).collect_view()}
                    <div class="table-scroll">
                        <table data-testid="backtest-table">
                            <thead><tr>
                                <th scope="col">"Model"</th><th scope="col" title="Mean absolute error">"MAE"</th>
                                <th scope="col" title="Mean absolute percentage error">"MAPE"</th>
                                <th scope="col" title="Symmetric MAPE">"sMAPE"</th>
                                <th scope="col" title="Mean absolute scaled error: below 1 beats the seasonal-naive baseline">"MASE"</th>
                                <th scope="col" title="The median of the MASE at each backtest origin: what auto ranks the models by (one odd week does not decide)">"median MASE"</th>
                                <th scope="col" title="Share of actuals inside the 80 % interval">"80 % cover"</th>
                                <th scope="col" title="Share of actuals inside the 95 % interval">"95 % cover"</th>
                            </tr></thead>
                            <tbody>
                                {f.backtest.iter().map(|s| {
                                    let chosen = s.model == f.model;
                                    let cells = match &s.error {
                                        Some(e) => view! { <td colspan="7" class="muted">{e.clone()}</td> }.into_any(),
                                        None => view! {
                                            <td>{opt(s.mae, |v| format!("{v:.3}"))}</td>
                                            <td>{opt(s.mape, |v| format!("{v:.1} %"))}</td>
                                            <td>{opt(s.smape, |v| format!("{v:.1} %"))}</td>
                                            <td>{opt(s.mase, |v| format!("{v:.2}"))}</td>
                                            <td>{opt(s.median_mase, |v| format!("{v:.2}"))}</td>
                                            <td>{opt(s.coverage_80, |v| format!("{:.0} %", v * 100.0))}</td>
                                            <td>{opt(s.coverage_95, |v| format!("{:.0} %", v * 100.0))}</td>
                                        }.into_any(),
                                    };
                                    view! {
                                        <tr class:chosen=chosen>
                                            <th scope="row">{s.model.label()}{chosen.then_some(" ✓")}</th>
                                            {cells}
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    {(!f.notes.is_empty()).then(|| view! {
                        <ul class="notes muted">{f.notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}</ul>
                    })}
                }
            })}
        </section>
    }
}
