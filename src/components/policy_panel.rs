//! The policy panel: the policy kind, its thresholds or targets, and the fleet around it (min/max,
//! warm-up, redundancy, price). Every control writes the policy signal at once; the replay reacts.

use headroom_core::capacity::policy::{
    Hpa, HpaBehavior, HpaMetric, HpaRules, HpaSource, HpaTargetKind, Latency, Metric as CoreMetric, Policy, Queueing,
    Rule, Scaler, TargetTracking, Threshold, TrackingMetric, TrackingPolicy, MAX_INSTANCES,
};
use leptos::prelude::*;

use super::number_field::{NumberField, Range};
use crate::state::plan::seed_thresholds;

/// The kinds a planner can pick, as the select lists them.
const KINDS: [(&str, &str); 4] = [
    ("threshold", "Thresholds (add / remove an instance)"),
    ("hpa", "Kubernetes HPA (autoscaling/v2)"),
    ("target_tracking", "AWS target tracking"),
    ("queueing", "Queueing (Erlang C): a latency target"),
];

/// The kind's id, as in the policy JSON.
pub fn kind_id(p: &Policy) -> &'static str {
    scaler_kind(&p.scaler)
}

fn scaler_kind(s: &Scaler) -> &'static str {
    match s {
        Scaler::Threshold(_) => "threshold",
        Scaler::Hpa(_) => "hpa",
        Scaler::TargetTracking(_) => "target_tracking",
        Scaler::StepScaling(_) => "step_scaling",
        Scaler::Queueing(_) => "queueing",
    }
}

/// A scaler of `kind` carrying over what it can from the current one (the CPU figure).
pub fn switch_kind(current: &Scaler, kind: &str) -> Option<Scaler> {
    let cpu = match current {
        Scaler::Threshold(t) => t.cpu.map(|r| r.scale_up),
        Scaler::Hpa(h) => h.metrics.iter().find(|m| m.maps_to() == Some(CoreMetric::Cpu)).map(|m| m.value),
        Scaler::TargetTracking(t) => t.policies.iter().find(|p| p.metric == TrackingMetric::Cpu).map(|p| p.target),
        _ => None,
    };
    Some(match kind {
        "threshold" => Scaler::Threshold(seed_thresholds(cpu.unwrap_or(75.0))),
        "hpa" => Scaler::Hpa(Hpa {
            metrics: vec![HpaMetric {
                source: HpaSource::Resource,
                name: "cpu".into(),
                target: HpaTargetKind::Utilization,
                value: cpu.unwrap_or(70.0),
            }],
            behavior: None,
            tolerance: 0.1,
            sync_s: 15.0,
        }),
        "target_tracking" => Scaler::TargetTracking(TargetTracking {
            policies: vec![TrackingPolicy {
                metric: TrackingMetric::Cpu,
                target: cpu.unwrap_or(50.0),
                disable_scale_in: false,
            }],
            period_s: 60.0,
            scale_in_cooldown_s: 300.0,
        }),
        "queueing" => Scaler::Queueing(Queueing { service_rate: 10.0, target_s: 0.05, latency: Latency::MeanWait }),
        _ => return None,
    })
}

/// Switches `policy` to the scaler kind `kind`. The scaler the planner last had of that kind comes
/// back as they left it (`kept` holds the one left behind for each kind, for the way back); a kind
/// not used yet starts from its defaults with the CPU figure carried over ([`switch_kind`]). False
/// when `kind` is not one of [`KINDS`] or is the current one.
pub fn switch(policy: &mut Policy, kind: &str, kept: &mut Vec<Scaler>) -> bool {
    if scaler_kind(&policy.scaler) == kind {
        return false;
    }
    let next = match kept.iter().position(|s| scaler_kind(s) == kind) {
        Some(i) => kept.remove(i),
        None => match switch_kind(&policy.scaler, kind) {
            Some(s) => s,
            None => return false,
        },
    };
    let left = std::mem::replace(&mut policy.scaler, next);
    kept.retain(|s| scaler_kind(s) != scaler_kind(&left));
    kept.push(left);
    true
}

/// A number bound to one field of the policy: (id, label, unit), its range, and how to read and
/// write it.
fn field(
    policy: RwSignal<Policy>,
    names: (&str, &str, &str),
    range: Range,
    slider: bool,
    get: impl Fn(&Policy) -> f64 + Copy + Send + Sync + 'static,
    set: impl Fn(&mut Policy, f64) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    checked_field(policy, names, range, slider, (get, set), None)
}

/// [`field`] with a rule that involves the rest of the policy (`check`: why a typed or dragged
/// value is refused), said under the field rather than applied silently.
fn checked_field(
    policy: RwSignal<Policy>,
    (id, label, unit): (&str, &str, &str),
    range: Range,
    slider: bool,
    (get, set): (
        impl Fn(&Policy) -> f64 + Copy + Send + Sync + 'static,
        impl Fn(&mut Policy, f64) + Copy + Send + Sync + 'static,
    ),
    check: Option<Callback<f64, Option<String>>>,
) -> impl IntoView {
    // A memo: a change to another field of the policy leaves this one's effects, and its
    // slider's value, untouched (a derived signal would re-run them all at every step of a drag).
    let value = Memo::new(move |_| policy.with(get));
    view! {
        <NumberField id=id.to_string() label=label.to_string() unit=unit.to_string() range slider check
            value
            on_change=Callback::new(move |v| {
                // Only a real change re-runs the replay (typing the same value again does not).
                let mut next = policy.get_untracked();
                set(&mut next, v);
                if next != policy.get_untracked() {
                    policy.set(next);
                }
            }) />
    }
}

fn threshold(p: &Policy) -> Option<&Threshold> {
    match &p.scaler {
        Scaler::Threshold(t) => Some(t),
        _ => None,
    }
}

fn threshold_mut(p: &mut Policy) -> Option<&mut Threshold> {
    match &mut p.scaler {
        Scaler::Threshold(t) => Some(t),
        _ => None,
    }
}

fn rule_mut(t: &mut Threshold, m: CoreMetric) -> &mut Option<Rule> {
    match m {
        CoreMetric::Cpu => &mut t.cpu,
        CoreMetric::Memory => &mut t.memory,
        CoreMetric::ResponseTime => &mut t.response_time,
        CoreMetric::RequestRate => &mut t.request_rate,
    }
}

fn rule(t: &Threshold, m: CoreMetric) -> Option<Rule> {
    t.rules().find(|(mm, _)| *mm == m).map(|(_, r)| r)
}

/// Per metric: whether it is used, its scale-up threshold (slider + number) and scale-down.
fn threshold_rules(policy: RwSignal<Policy>) -> impl IntoView {
    let metrics: [(CoreMetric, &str, &str, &str, Range); 4] = [
        (CoreMetric::Cpu, "cpu", "CPU", "%", Range::new(1.0, 100.0, 1.0)),
        (CoreMetric::Memory, "memory", "Memory", "%", Range::new(1.0, 100.0, 1.0)),
        (CoreMetric::ResponseTime, "latency", "Response time", "s", Range::new(0.01, 60.0, 0.01)),
        (CoreMetric::RequestRate, "requests", "Request rate", "req/s per instance", Range::new(0.1, 100_000.0, 1.0)),
    ];
    metrics
        .into_iter()
        .map(|(m, id, label, unit, range)| {
            // Memos, as the fields' values are: a drag of another value sets no checkbox.
            let used = Memo::new(move |_| policy.with(|p| threshold(p).and_then(|t| rule(t, m)).is_some()));
            let toggle = move |ev: leptos::ev::Event| {
                let on = event_target_checked(&ev);
                policy.update(|p| {
                    if let Some(t) = threshold_mut(p) {
                        let r = rule_mut(t, m);
                        *r = if on {
                            Some(r.unwrap_or(Rule { scale_up: default_threshold(m), scale_down: None }))
                        } else {
                            None
                        };
                    }
                })
            };
            let up = move |p: &Policy| threshold(p).and_then(|t| rule(t, m)).map_or(default_threshold(m), |r| r.scale_up);
            let down = move |p: &Policy| threshold(p).and_then(|t| rule(t, m)).map_or(0.0, |r| r.scale_down());
            view! {
                <fieldset class="rule">
                    <legend>
                        <label><input type="checkbox" data-testid=format!("use-{id}") prop:checked=move || used.get() on:change=toggle />" "{label}</label>
                    </legend>
                    <Show when=move || used.get()>
                        {field(policy, (&format!("threshold-{id}"), "Scale up above", unit), range, true, up, move |p, v| {
                            if let Some(Some(r)) = threshold_mut(p).map(|t| rule_mut(t, m)) {
                                r.scale_up = v;
                                if r.scale_down.is_some_and(|d| d >= v) {
                                    r.scale_down = Some(v * 0.5);
                                }
                            }
                        })}
                        {checked_field(policy, (&format!("threshold-{id}-down"), "Scale down below", unit), range, true, (down, move |p, v| {
                            if let Some(Some(r)) = threshold_mut(p).map(|t| rule_mut(t, m)) {
                                // The check below refuses a value at or above the scale-up line.
                                r.scale_down = Some(v);
                            }
                        }), Some(Callback::new(move |v: f64| {
                            let up = policy.with_untracked(up);
                            (v >= up).then(|| format!("must be below the scale-up threshold ({})", crate::components::number_field::with_unit(up, unit)))
                        })))}
                    </Show>
                </fieldset>
            }
        })
        .collect_view()
}

fn default_threshold(m: CoreMetric) -> f64 {
    match m {
        CoreMetric::Cpu => 75.0,
        CoreMetric::Memory => 80.0,
        CoreMetric::ResponseTime => 2.0,
        CoreMetric::RequestRate => 100.0,
    }
}

fn threshold_controls(policy: RwSignal<Policy>) -> impl IntoView {
    let t = |f: fn(&Threshold) -> f64| move |p: &Policy| threshold(p).map_or(0.0, f);
    view! {
        {threshold_rules(policy)}
        <div class="field-row">
            {field(policy, ("step-up", "Add per scale-up", "instances"), Range::new(1.0, 1000.0, 1.0), false,
                t(|t| f64::from(t.step_up)), |p, v| if let Some(t) = threshold_mut(p) { t.step_up = v as u32 })}
            {field(policy, ("step-down", "Remove per scale-down", "instances"), Range::new(1.0, 1000.0, 1.0), false,
                t(|t| f64::from(t.step_down)), |p, v| if let Some(t) = threshold_mut(p) { t.step_down = v as u32 })}
        </div>
        <div class="field-row">
            {field(policy, ("cooldown-up", "Cooldown after scaling, before scaling up", "s"), Range::new(0.0, 86_400.0, 30.0), false,
                t(|t| t.cooldown_up_s), |p, v| if let Some(t) = threshold_mut(p) { t.cooldown_up_s = v })}
            {field(policy, ("cooldown-down", "… before scaling down", "s"), Range::new(0.0, 86_400.0, 30.0), false,
                t(|t| t.cooldown_down_s), |p, v| if let Some(t) = threshold_mut(p) { t.cooldown_down_s = v })}
        </div>
        <div class="field-row">
            {field(policy, ("eval-periods", "Breaching periods (N)", ""), Range::new(1.0, 32.0, 1.0), false,
                t(|t| f64::from(t.evaluation.periods)), |p, v| if let Some(t) = threshold_mut(p) {
                    t.evaluation.periods = v as u32;
                    t.evaluation.of = t.evaluation.of.max(v as u32);
                })}
            {field(policy, ("eval-of", "of periods (M)", ""), Range::new(1.0, 32.0, 1.0), false,
                t(|t| f64::from(t.evaluation.of)), |p, v| if let Some(t) = threshold_mut(p) {
                    t.evaluation.of = v as u32;
                    t.evaluation.periods = t.evaluation.periods.min(v as u32);
                })}
            {field(policy, ("eval-period", "Period", "s"), Range::new(1.0, 86_400.0, 10.0), false,
                t(|t| t.evaluation.period_s), |p, v| if let Some(t) = threshold_mut(p) { t.evaluation.period_s = v })}
        </div>
    }
}

fn hpa_mut(p: &mut Policy) -> Option<&mut Hpa> {
    match &mut p.scaler {
        Scaler::Hpa(h) => Some(h),
        _ => None,
    }
}

fn hpa(p: &Policy) -> Option<&Hpa> {
    match &p.scaler {
        Scaler::Hpa(h) => Some(h),
        _ => None,
    }
}

/// The target utilisation of resource `name` (cpu or memory), if the HPA has one.
fn hpa_target(h: &Hpa, name: &str) -> Option<f64> {
    h.metrics
        .iter()
        .find(|m| m.source == HpaSource::Resource && m.name == name && m.target == HpaTargetKind::Utilization)
        .map(|m| m.value)
}

fn set_hpa_target(h: &mut Hpa, name: &str, v: Option<f64>) {
    let at = h
        .metrics
        .iter()
        .position(|m| m.source == HpaSource::Resource && m.name == name && m.target == HpaTargetKind::Utilization);
    match (at, v) {
        (Some(i), Some(v)) => h.metrics[i].value = v,
        (Some(i), None) => {
            h.metrics.remove(i);
        }
        (None, Some(v)) => h.metrics.push(HpaMetric {
            source: HpaSource::Resource,
            name: name.into(),
            target: HpaTargetKind::Utilization,
            value: v,
        }),
        (None, None) => {}
    }
}

fn hpa_controls(policy: RwSignal<Policy>) -> impl IntoView {
    let resource = move |name: &'static str, label: &'static str, default: f64| {
        let used = Memo::new(move |_| policy.with(|p| hpa(p).and_then(|h| hpa_target(h, name)).is_some()));
        let toggle = move |ev: leptos::ev::Event| {
            let on = event_target_checked(&ev);
            policy.update(|p| {
                if let Some(h) = hpa_mut(p) {
                    set_hpa_target(h, name, on.then_some(hpa_target(h, name).unwrap_or(default)));
                }
            })
        };
        view! {
            <fieldset class="rule">
                <legend><label><input type="checkbox" data-testid=format!("use-hpa-{name}") prop:checked=move || used.get() on:change=toggle />" "{label}</label></legend>
                <Show when=move || used.get()>
                    {field(policy, (&format!("hpa-{name}"), "Target average utilisation", "%"), Range::new(1.0, 100.0, 1.0), true,
                        move |p| p_hpa(p, name, default), move |p, v| if let Some(h) = hpa_mut(p) { set_hpa_target(h, name, Some(v)) })}
                </Show>
            </fieldset>
        }
    };
    let window =
        |p: &Policy| hpa(p).map_or(300.0, |h| f64::from(h.behavior.as_ref().map_or(300, |b| b.down().window_s)));
    let others = move || {
        policy.with(|p| {
            hpa(p)
                .map(|h| {
                    h.metrics
                        .iter()
                        .filter(|m| !(m.source == HpaSource::Resource && m.target == HpaTargetKind::Utilization))
                        .map(|m| format!("{} {:?} target {}", m.name, m.target, m.value))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    view! {
        {resource("cpu", "CPU", 70.0)}
        {resource("memory", "Memory", 80.0)}
        {move || {
            let o = others();
            (!o.is_empty()).then(|| view! { <p class="muted">"Also from the imported manifest: "{o.join("; ")}</p> })
        }}
        <div class="field-row">
            {field(policy, ("hpa-tolerance", "Tolerance", ""), Range::new(0.0, 0.99, 0.01), false,
                |p| hpa(p).map_or(0.1, |h| h.tolerance), |p, v| if let Some(h) = hpa_mut(p) { h.tolerance = v })}
            {field(policy, ("hpa-down-window", "Scale-down stabilisation window", "s"), Range::new(0.0, 3600.0, 15.0), false,
                window, |p, v| if let Some(h) = hpa_mut(p) {
                    let b = h.behavior.get_or_insert_with(HpaBehavior::default);
                    b.scale_down.get_or_insert_with(HpaRules::default).stabilization_window_s = Some(v as u32);
                })}
        </div>
        <p class="muted">{move || if policy.with(|p| hpa(p).is_some_and(|h| h.behavior.is_none())) {
            "No behavior section: the controller's legacy rules apply (scale up at most to max(2 × current, 4); scale down after the highest recommendation of the last 5 minutes)."
        } else {
            "With a behavior section: stabilisation first, then the rate limits (defaults: up 4 pods or 100 % per 15 s, down 100 % per 15 s)."
        }}</p>
    }
}

fn p_hpa(p: &Policy, name: &str, default: f64) -> f64 {
    hpa(p).and_then(|h| hpa_target(h, name)).unwrap_or(default)
}

fn tracking_mut(p: &mut Policy) -> Option<&mut TargetTracking> {
    match &mut p.scaler {
        Scaler::TargetTracking(t) => Some(t),
        _ => None,
    }
}

fn tracking(p: &Policy) -> Option<&TargetTracking> {
    match &p.scaler {
        Scaler::TargetTracking(t) => Some(t),
        _ => None,
    }
}

fn tracking_controls(policy: RwSignal<Policy>) -> impl IntoView {
    let one = move |metric: TrackingMetric,
                    id: &'static str,
                    label: &'static str,
                    unit: &'static str,
                    range: Range,
                    default: f64| {
        let used = Memo::new(move |_| {
            policy.with(|p| tracking(p).is_some_and(|t| t.policies.iter().any(|x| x.metric == metric)))
        });
        let toggle = move |ev: leptos::ev::Event| {
            let on = event_target_checked(&ev);
            policy.update(|p| {
                if let Some(t) = tracking_mut(p) {
                    t.policies.retain(|x| x.metric != metric);
                    if on {
                        t.policies.push(TrackingPolicy { metric, target: default, disable_scale_in: false });
                    }
                }
            })
        };
        view! {
            <fieldset class="rule">
                <legend><label><input type="checkbox" data-testid=format!("use-tt-{id}") prop:checked=move || used.get() on:change=toggle />" "{label}</label></legend>
                <Show when=move || used.get()>
                    {field(policy, (&format!("tt-{id}"), "Target", unit), range, true,
                        move |p| tracking(p).and_then(|t| t.policies.iter().find(|x| x.metric == metric)).map_or(default, |x| x.target),
                        move |p, v| if let Some(x) = tracking_mut(p).and_then(|t| t.policies.iter_mut().find(|x| x.metric == metric)) { x.target = v })}
                </Show>
            </fieldset>
        }
    };
    view! {
        {one(TrackingMetric::Cpu, "cpu", "Average CPU utilisation (ASGAverageCPUUtilization)", "%", Range::new(1.0, 100.0, 1.0), 50.0)}
        {one(TrackingMetric::RequestCountPerTarget, "requests", "Requests per target (ALBRequestCountPerTarget)", "req/min per instance", Range::new(0.1, 100_000.0, 1.0), 100.0)}
        <div class="field-row">
            {field(policy, ("tt-cooldown", "Scale-in cooldown", "s"), Range::new(0.0, 86_400.0, 30.0), false,
                |p| tracking(p).map_or(300.0, |t| t.scale_in_cooldown_s), |p, v| if let Some(t) = tracking_mut(p) { t.scale_in_cooldown_s = v })}
        </div>
        <p class="muted">"Scales out as soon as any policy is above its target, in only when every policy is below (AWS rounds out up and in down)."</p>
    }
}

fn queueing_mut(p: &mut Policy) -> Option<&mut Queueing> {
    match &mut p.scaler {
        Scaler::Queueing(q) => Some(q),
        _ => None,
    }
}

fn queueing(p: &Policy) -> Option<&Queueing> {
    match &p.scaler {
        Scaler::Queueing(q) => Some(q),
        _ => None,
    }
}

fn queueing_controls(policy: RwSignal<Policy>) -> impl IntoView {
    view! {
        <div class="field-row">
            {field(policy, ("service-rate", "Requests one instance serves", "req/s"), Range::new(0.001, 1e6, 1.0), false,
                |p| queueing(p).map_or(10.0, |q| q.service_rate), |p, v| if let Some(q) = queueing_mut(p) { q.service_rate = v })}
            {field(policy, ("latency-target", "Mean queueing wait at most", "ms"), Range::new(0.001, 600_000.0, 0.001), false,
                |p| queueing(p).map_or(50.0, |q| q.target_s * 1000.0), |p, v| if let Some(q) = queueing_mut(p) { q.target_s = v / 1000.0 })}
        </div>
        <p class="muted">"Needs a request-rate series: each step runs the fewest instances whose M/M/c queue meets the wait target."</p>
    }
}

#[component]
pub fn PolicyPanel(policy: RwSignal<Policy>) -> impl IntoView {
    // The scaler of each kind the planner switched away from: switching back brings it back.
    let kept = StoredValue::new(Vec::<Scaler>::new());
    let switched_to = StoredValue::new(None::<&'static str>);
    let on_kind = move |ev: leptos::ev::Event| {
        let kind = event_target_value(&ev);
        let mut changed = false;
        let mut next = policy.get_untracked();
        kept.update_value(|k| changed = switch(&mut next, &kind, k));
        if changed {
            switched_to.set_value(Some(kind_id(&next)));
            policy.set(next);
        }
    };
    // A memo: the controls are rebuilt when the kind changes, not on every value (which would
    // replace the input being typed in).
    let kind = Memo::new(move |_| policy.with(kind_id));
    // A policy from elsewhere (a link, an imported file) starts the memory afresh.
    Effect::new(move |_| {
        if switched_to.get_value() != Some(kind.get()) {
            kept.update_value(Vec::clear);
        }
    });
    let kind = move || kind.get();
    let max = f64::from(MAX_INSTANCES);
    view! {
        <section class="panel policy" aria-labelledby="policy-title">
            <h2 id="policy-title">"Policy"</h2>
            <div class="field">
                <label for="policy-kind">"Kind"</label>
                <select id="policy-kind" data-testid="policy-kind" on:change=on_kind prop:value=kind>
                    {KINDS.iter().map(|(id, label)| view! { <option value=*id>{*label}</option> }).collect_view()}
                    <Show when=move || kind() == "step_scaling">
                        <option value="step_scaling">"AWS step scaling (imported)"</option>
                    </Show>
                </select>
            </div>
            {move || match kind() {
                "threshold" => threshold_controls(policy).into_any(),
                "hpa" => hpa_controls(policy).into_any(),
                "target_tracking" => tracking_controls(policy).into_any(),
                "queueing" => queueing_controls(policy).into_any(),
                _ => view! { <p class="muted">"Step scaling as imported; its steps are replayed exactly. Pick another kind to tune it here."</p> }.into_any(),
            }}
            <h3>"Fleet"</h3>
            <div class="field-row">
                {checked_field(policy, ("min-instances", "Min", "instances"), Range::new(1.0, max, 1.0), false,
                    (|p| f64::from(p.min_instances), |p, v| p.min_instances = v as u32),
                    Some(Callback::new(move |v: f64| policy.with_untracked(|p| (v > f64::from(p.max_instances))
                        .then(|| format!("above Max ({}): raise Max first", p.max_instances))))))}
                {checked_field(policy, ("max-instances", "Max", "instances"), Range::new(1.0, max, 1.0), false,
                    (|p| f64::from(p.max_instances), |p, v| p.max_instances = v as u32),
                    Some(Callback::new(move |v: f64| policy.with_untracked(|p| (v < f64::from(p.min_instances))
                        .then(|| format!("below Min ({}): lower Min first", p.min_instances))))))}
            </div>
            <div class="field-row">
                {field(policy, ("warmup", "Warm-up", "s"), Range::new(0.0, 3600.0, 10.0), false, |p| p.warmup_s, |p, v| p.warmup_s = v)}
                {field(policy, ("price", "Price per instance-hour", ""), Range::new(0.0, 1e6, 0.01), false, |p| p.price_per_hour, |p, v| p.price_per_hour = v)}
            </div>
            <div class="field-row">
                {field(policy, ("spare", "Spare (N+k)", "instances"), Range::new(0.0, 1000.0, 1.0), false,
                    |p| f64::from(p.redundancy.spare), |p, v| p.redundancy.spare = v as u32)}
                {field(policy, ("zones", "Zones (survive losing one)", ""), Range::new(1.0, 10.0, 1.0), false,
                    |p| f64::from(p.redundancy.zones), |p, v| p.redundancy.zones = v as u32)}
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn threshold(p: &mut Policy) -> &mut headroom_core::capacity::policy::Threshold {
        match &mut p.scaler {
            Scaler::Threshold(t) => t,
            other => panic!("not thresholds: {other:?}"),
        }
    }

    #[test]
    fn switching_kind_and_back_brings_back_what_the_planner_set() {
        let mut p = crate::state::plan::default_policy();
        let mut kept = Vec::new();
        let t = threshold(&mut p);
        t.cpu = Some(Rule { scale_up: 65.0, scale_down: Some(30.0) });
        t.cooldown_up_s = 120.0;
        let set = p.scaler.clone();
        // Away through every other kind: each starts from its defaults with the CPU figure.
        for kind in ["hpa", "target_tracking", "queueing"] {
            assert!(switch(&mut p, kind, &mut kept), "{kind}");
            assert_eq!(kind_id(&p), kind);
        }
        assert!(matches!(&kept[0], Scaler::Threshold(_)) && kept.len() == 3, "{kept:?}");
        // An edit made under HPA is kept for HPA too.
        assert!(switch(&mut p, "hpa", &mut kept));
        let Scaler::Hpa(h) = &mut p.scaler else { panic!("not HPA") };
        assert_eq!(h.metrics[0].value, 65.0, "the CPU figure carried over");
        h.metrics[0].value = 55.0;
        assert!(switch(&mut p, "threshold", &mut kept));
        assert_eq!(p.scaler, set, "the thresholds and cooldown as they were set");
        assert!(switch(&mut p, "hpa", &mut kept));
        assert!(matches!(&p.scaler, Scaler::Hpa(h) if h.metrics[0].value == 55.0));
        // The current kind, or one that is not offered, changes nothing.
        assert!(!switch(&mut p, "hpa", &mut kept));
        assert!(!switch(&mut p, "nonsense", &mut kept));
        assert_eq!(kind_id(&p), "hpa");
    }
}
