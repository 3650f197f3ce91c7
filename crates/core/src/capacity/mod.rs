//! Capacity models: how many instances a demand needs, and what a policy would run.
//!
//! - [`policy`]: the policy model (threshold, HPA, AWS target tracking and step scaling,
//!   queueing), its JSON and the seed's document; [`yaml`]: Kubernetes HPA manifests.
//! - [`export`]: a policy as HPA or KEDA YAML, AWS scaling-policy JSON or Headroom JSON, with notes.
//! - [`replay`]: preparing metric data and replaying a policy over history and forecast.
//! - Controllers: [`threshold`], [`hpa`], [`aws`], and [`queueing_scaler`] over [`queueing`]
//!   (M/M/c, Erlang C).

mod alarm;
pub mod aws;
pub mod export;
pub mod hpa;
pub mod inputs;
pub mod policy;
pub mod queueing;
pub mod queueing_scaler;
pub mod replay;
pub mod threshold;
pub mod yaml;

pub use policy::{Metric, Policy, PolicyError, Scaler};
pub use replay::{
    ForecastInputs, Headroom, HistoryInstances, MetricColumns, Prepared, Reason, Replay, ReplayError, ReplayInputs,
    ScaleEvent, Summary, Track,
};
