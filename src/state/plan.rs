//! The plan: which series feed the policy, their forecasts, and the replay of the policy over
//! both. Plain data and text; `app.rs` holds it in memos so a policy change re-runs only the
//! replay over the already prepared series.

use std::collections::BTreeMap;
use std::sync::Arc;

use headroom_core::capacity::inputs::{align, ForecastColumn, Sources};
use headroom_core::capacity::policy::{Policy, Rule, Scaler, Threshold};
use headroom_core::capacity::replay::{HistoryInstances, Prepared, Replay};
use headroom_core::forecast::ForecastResult;
use headroom_core::time::to_rfc3339;

use super::{LoadedFile, Mapping, Metric};

/// The policy a newcomer starts with: the seed's document (CPU 75 %, memory 80 %, response time
/// 2 s → add an instance; remove one when every metric is well below), 1 to 10 instances.
pub fn default_policy() -> Policy {
    Policy::from_json(SEED_POLICY).unwrap_or_else(|_| Policy {
        version: headroom_core::capacity::policy::VERSION,
        min_instances: 1,
        max_instances: 10,
        initial_instances: None,
        warmup_s: 0.0,
        redundancy: Default::default(),
        price_per_hour: 0.0,
        scaler: Scaler::Threshold(seed_thresholds(75.0)),
    })
}

/// The seed's thresholds (memory 80 %, response time 2 s, Headroom's default steps, cooldowns and
/// evaluation) with the CPU scale-up threshold `cpu`.
pub fn seed_thresholds(cpu: f64) -> Threshold {
    Threshold {
        cpu: Some(Rule { scale_up: cpu, scale_down: None }),
        memory: Some(Rule { scale_up: 80.0, scale_down: None }),
        response_time: Some(Rule { scale_up: 2.0, scale_down: None }),
        request_rate: None,
        step_up: 1,
        step_down: 1,
        cooldown_up_s: 300.0,
        cooldown_down_s: 300.0,
        evaluation: Default::default(),
    }
}

/// The seed's policy document, as it was written.
pub const SEED_POLICY: &str = r#"{"auto_scaling": {"triggers": {"cpu_usage": 75, "memory_usage": 80, "response_time": "2s"}, "actions": {"scale_up": "add_instance", "scale_down": "remove_instance"}}}"#;

/// The capacity model's metric for an app metric.
pub fn core_metric(m: Metric) -> headroom_core::capacity::policy::Metric {
    use headroom_core::capacity::policy::Metric as C;
    match m {
        Metric::Cpu => C::Cpu,
        Metric::Memory => C::Memory,
        Metric::Latency => C::ResponseTime,
        Metric::RequestRate => C::RequestRate,
    }
}

/// The series prepared for replays, with what aligning them noticed (the replay adds its own
/// notes).
#[derive(Clone, Debug)]
pub struct PreparedData {
    pub prepared: Arc<Prepared>,
    pub step_ms: i64,
    pub notes: Vec<String>,
}

impl PartialEq for PreparedData {
    /// The same preparation, not merely equal data: preparing again always counts as a change.
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.prepared, &other.prepared)
    }
}

/// Lays the mapped series and their forecasts on one grid and prepares them for replays. `None`
/// when no metric is mapped; an error sentence when the data cannot be replayed.
pub fn prepare(
    files: &[Arc<LoadedFile>],
    mapping: &Mapping,
    replicas: u32,
    forecasts: &BTreeMap<Metric, Arc<ForecastResult>>,
) -> Option<Result<PreparedData, String>> {
    let mut sources = Sources::default();
    let mut any = false;
    for m in Metric::ALL {
        let i = core_metric(m).index();
        let Some(series) = mapping.get(&m).and_then(|r| r.find(files)) else { continue };
        any = true;
        sources.series[i] = Some(series);
        sources.forecasts[i] = forecasts.get(&m).map(|f| ForecastColumn::of(f));
    }
    if !any {
        return None;
    }
    Some(align(&sources, HistoryInstances::Constant(replicas.max(1))).map_err(|e| e.to_string()).and_then(|a| {
        let prepared = Prepared::new(&a.inputs).map_err(|e| e.to_string())?;
        Ok(PreparedData { prepared: Arc::new(prepared), step_ms: a.step_ms, notes: a.notes })
    }))
}

/// What the results panel shows: the policy replayed and what it gave.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub policy: Policy,
    pub replay: Result<Replay, String>,
    /// The forecast of the metric the summary scores (CPU if mapped, else the first one).
    pub forecast: Option<Arc<ForecastResult>>,
    /// The data step the replay ran on.
    pub step_ms: i64,
}

impl Plan {
    /// The chosen model's backtest MASE (below 1: better than the seasonal-naive baseline).
    pub fn score_text(&self) -> String {
        match &self.forecast {
            None => "—".into(),
            Some(f) => match f.backtest.iter().find(|s| s.model == f.model).and_then(|s| s.mase) {
                Some(mase) => format!("MASE {mase:.2}"),
                None => "not scored".into(),
            },
        }
    }

    pub fn score_detail(&self) -> String {
        match &self.forecast {
            None => "no forecast: see Forecast below".into(),
            Some(f) => match f.backtest.iter().find(|s| s.model == f.model).and_then(|s| s.coverage_95) {
                Some(c) => {
                    format!("{} · 95 % interval held {:.0} % of actuals in the backtest", f.model.label(), c * 100.0)
                }
                None => format!("{} · too little history to backtest", f.model.label()),
            },
        }
    }
}

/// The runway as the planner reads it: the date the forecast first needs more than the maximum,
/// or how long it stays within it.
pub fn runway_text(replay: &Replay) -> String {
    match (replay.runway, &replay.forecast) {
        (Some(t), _) => to_rfc3339(t).get(..10).unwrap_or_default().to_string(),
        (None, Some(f)) => format!("> {}", to_rfc3339(f.end_ms).get(..10).unwrap_or_default()),
        (None, None) => "no forecast".into(),
    }
}

/// Cost of a 730-hour month at the forecast's mean count (or the history's, without a forecast).
pub fn cost_per_month(replay: &Replay, price_per_hour: f64) -> String {
    let mean = replay.forecast.as_ref().map_or(replay.history.summary.mean, |f| f.summary.mean);
    let cost = mean * 730.0 * price_per_hour;
    if cost >= 100.0 {
        super::thousands(cost.round() as usize)
    } else {
        format!("{cost:.2}")
    }
}

/// A replay for tests: an hour at 5-minute steps of CPU at 90 % on 2 instances, under the seed
/// policy (75 %): the count rises within the hour.
#[cfg(test)]
pub(crate) fn hot_hour_replay() -> headroom_core::capacity::replay::Replay {
    use headroom_core::capacity::replay::{HistoryInstances, MetricColumns, ReplayInputs};
    let inputs = ReplayInputs {
        timestamps: (0..12).map(|k| k * 300_000).collect(),
        metrics: MetricColumns { cpu: Some(vec![90.0; 12]), ..Default::default() },
        instances: HistoryInstances::Constant(2),
        forecast: None,
    };
    Prepared::new(&inputs).unwrap().run(&default_policy()).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_instances_csv_has_a_row_per_step_and_phase() {
        let csv = hot_hour_replay().instances_csv(300_000);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "timestamp,phase,instances");
        assert_eq!(lines.len(), 1 + 12);
        assert_eq!(lines[1], "1970-01-01T00:00:00Z,history,2");
        // CPU at 90 % against a 75 % threshold: the count rises before the hour is out.
        assert!(
            lines.last().unwrap().ends_with(",history,3") || lines.last().unwrap().ends_with(",history,4"),
            "{csv}"
        );
    }
}
