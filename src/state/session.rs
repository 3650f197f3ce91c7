//! What the page keeps between visits besides the files: the policy, which series feeds which
//! metric, the history's instance count and the forecast settings — as versioned JSON (the page
//! keeps it in `localStorage`; the files' series go to IndexedDB, see `crate::persist`).

use headroom_core::capacity::policy::Policy;
use serde::{Deserialize, Serialize};

use super::{Mapping, Metric, SeriesRef};
use crate::components::forecast_panel::ForecastSettings;

/// The version of [`Session`]'s JSON; another version is not read (the page starts afresh).
pub const SESSION_VERSION: u32 = 1;

/// The planner's settings, as kept between visits.
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    pub policy: Policy,
    pub mapping: Mapping,
    pub replicas: u32,
    pub settings: ForecastSettings,
}

#[derive(Serialize, Deserialize)]
struct Link {
    metric: String,
    file: String,
    series: String,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    version: u32,
    policy: serde_json::Value,
    mapping: Vec<Link>,
    replicas: u32,
    settings: ForecastSettings,
}

impl Session {
    pub fn to_json(&self) -> String {
        let stored = Stored {
            version: SESSION_VERSION,
            policy: serde_json::from_str(&self.policy.to_json()).unwrap_or(serde_json::Value::Null),
            mapping: self
                .mapping
                .iter()
                .map(|(m, r)| Link { metric: m.id().to_string(), file: r.file.clone(), series: r.series.clone() })
                .collect(),
            replicas: self.replicas,
            settings: self.settings,
        };
        serde_json::to_string(&stored).unwrap_or_default()
    }

    /// Reads what [`Session::to_json`] wrote. The policy is validated like an imported one; a
    /// metric that no longer exists is skipped. The error says what could not be read.
    pub fn from_json(json: &str) -> Result<Session, String> {
        let stored: Stored = serde_json::from_str(json).map_err(|e| format!("unreadable ({e})"))?;
        if stored.version != SESSION_VERSION {
            return Err(format!("kept by another version of Headroom (session version {})", stored.version));
        }
        let policy = Policy::from_json(&stored.policy.to_string()).map_err(|e| format!("its policy: {e}"))?;
        if stored.replicas == 0 {
            return Err("its instance count is 0".to_string());
        }
        let mapping = stored
            .mapping
            .into_iter()
            .filter_map(|l| {
                let m = Metric::ALL.into_iter().find(|m| m.id() == l.metric)?;
                Some((m, SeriesRef { file: l.file, series: l.series }))
            })
            .collect();
        Ok(Session { policy, mapping, replicas: stored.replicas, settings: stored.settings })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::components::forecast_panel::ForecastStep;
    use crate::state::plan::default_policy;
    use headroom_core::forecast::ModelChoice;
    use headroom_core::resample::Aggregation;

    fn session() -> Session {
        let mut mapping = Mapping::new();
        mapping.insert(Metric::Cpu, SeriesRef { file: "a.csv".into(), series: "cpu".into() });
        mapping.insert(Metric::Latency, SeriesRef { file: "b.json".into(), series: "p95 › api".into() });
        let mut policy = default_policy();
        policy.max_instances = 37;
        Session {
            policy,
            mapping,
            replicas: 6,
            settings: ForecastSettings {
                model: ModelChoice::Ets,
                horizon_days: 30.0,
                aggregation: Aggregation::P95,
                step: ForecastStep::Hour,
            },
        }
    }

    #[test]
    fn a_session_round_trips() {
        let s = session();
        assert_eq!(Session::from_json(&s.to_json()).unwrap(), s);
    }

    #[test]
    fn a_damaged_or_foreign_session_is_refused_with_a_reason() {
        assert!(Session::from_json("{").unwrap_err().starts_with("unreadable"));
        let other = session().to_json().replace("\"version\":1", "\"version\":9");
        assert_eq!(Session::from_json(&other).unwrap_err(), "kept by another version of Headroom (session version 9)");
        let bad = session().to_json().replace("\"max_instances\":37", "\"max_instances\":-3");
        assert!(
            Session::from_json(&bad).unwrap_err().starts_with("its policy"),
            "{}",
            Session::from_json(&bad).unwrap_err()
        );
        let zero = session().to_json().replace("\"replicas\":6", "\"replicas\":0");
        assert_eq!(Session::from_json(&zero).unwrap_err(), "its instance count is 0");
    }

    #[test]
    fn a_session_kept_before_the_forecast_step_could_be_chosen_forecasts_on_the_datas_own() {
        let json = session().to_json();
        assert!(json.contains(",\"step\":\"1h\""), "{json}");
        let back = Session::from_json(&json.replace(",\"step\":\"1h\"", "")).unwrap();
        assert_eq!(back.settings.step, ForecastStep::Own);
        assert_eq!(back.settings.aggregation, Aggregation::P95);
    }

    #[test]
    fn an_unknown_metric_is_skipped() {
        let json = session().to_json().replace("\"metric\":\"latency\"", "\"metric\":\"gpu\"");
        let back = Session::from_json(&json).unwrap();
        assert_eq!(back.mapping.keys().copied().collect::<Vec<_>>(), [Metric::Cpu]);
    }
}
