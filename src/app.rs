//! The page: a drop zone, what was loaded, and what went wrong.

use std::collections::BTreeMap;
use std::sync::Arc;

use js_sys::{ArrayBuffer, Uint8Array};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::File;

use headroom_core::forecast::{ForecastOptions, ForecastResult};

use crate::components::drop_zone::DropZone;
use crate::components::error_banner::ErrorBanner;
use crate::components::file_view::FileView;
use crate::components::forecast_panel::{BacktestTable, ForecastControls, ForecastSettings};
use crate::components::metric_chart::MetricChart;
use crate::components::metric_mapping::MetricMapping;
use crate::components::number_field::{NumberField, Range};
use crate::components::policy_panel::PolicyPanel;
use crate::components::results::{EventsTable, InstancesChart, SummaryCards};
use crate::components::share_panel::{policy_document, policy_from_address, read_policy, write_address, SharePanel};
use crate::components::time_view::{Spans, TimeRangeButtons};
use crate::keep::{keep, Kept};
use crate::state::plan::{default_policy, prepare, Plan};
use crate::state::{add_file, auto_map, Job, LoadedFile, Metric, SAMPLE_FILE};
use crate::worker::client::{ParseClient, CANCELLED};
use crate::worker::fit::{FitClient, SUPERSEDED};

/// The instance count assumed during the history until the planner says otherwise.
pub const DEFAULT_REPLICAS: u32 = 4;

/// Reads a dropped or picked file's bytes, without copying them into WebAssembly memory; a file
/// over `MAX_FILE_BYTES` is refused unread.
async fn read_file(file: &File) -> Result<ArrayBuffer, String> {
    let name = file.name();
    headroom_core::check_file_size(file.size() as u64).map_err(|e| format!("{name}: {e}"))?;
    JsFuture::from(file.array_buffer())
        .await
        .and_then(|b| b.dyn_into::<ArrayBuffer>())
        .map_err(|_| format!("{name}: the browser could not read the file"))
}

/// Fetches the bundled sample export.
async fn fetch_sample() -> Result<ArrayBuffer, String> {
    let url = format!("sample/{SAMPLE_FILE}");
    let resp = gloo::net::http::Request::get(&url)
        .send()
        .await
        .map_err(|e| format!("{SAMPLE_FILE}: the sample could not be loaded: {e}"))?;
    if !resp.ok() {
        return Err(format!("{SAMPLE_FILE}: the sample could not be loaded (HTTP {})", resp.status()));
    }
    let bytes = resp.binary().await.map_err(|e| format!("{SAMPLE_FILE}: the sample could not be read: {e}"))?;
    Ok(Uint8Array::from(bytes.as_slice()).buffer())
}

#[component]
pub fn App() -> impl IntoView {
    let files = RwSignal::new(Vec::<Arc<LoadedFile>>::new());
    let errors = RwSignal::new(Vec::<String>::new());
    // What was kept from the last visit (the settings; the files come back from IndexedDB below).
    let kept = match crate::persist::load_session() {
        Ok(k) => k,
        Err(e) => {
            errors.update(|es| es.push(e));
            None
        }
    };

    let mapping = RwSignal::new(kept.as_ref().map(|k| k.mapping.clone()).unwrap_or_default());
    // Every change to the loaded files goes through here, so the mapping follows what is loaded
    // (new series fill empty metrics; removed ones are forgotten) in the same step.
    let change_files = move |f: &dyn Fn(&mut Vec<Arc<LoadedFile>>)| {
        files.update(|fs| f(fs));
        files.with_untracked(|fs| mapping.update(|m| auto_map(m, fs)));
    };
    // The policy: from the link if it carries one (a bad link says why and keeps the default),
    // and written back to the address bar on every change.
    // Without one, the policy kept from the last visit, else the seed's.
    let fallback = || kept.as_ref().map_or_else(default_policy, |k| k.policy.clone());
    let (initial, link_error) = match policy_from_address() {
        Ok(p) => (p.unwrap_or_else(fallback), None),
        Err(e) => (fallback(), Some(e)),
    };
    let policy = RwSignal::new(initial);
    // What happened to a policy file dropped with the data (imported, or why not).
    let notice = RwSignal::new(None::<String>);
    let jobs = RwSignal::new(Vec::<Job>::new());
    let client = StoredValue::new_local(ParseClient::new());
    let next_job = StoredValue::new(0u32);

    // One load: read (or fetch) the bytes, parse them in the worker with progress, file the result.
    // Errors never touch what is already loaded; a cancelled load just disappears.
    let start =
        move |name: String, read: std::pin::Pin<Box<dyn std::future::Future<Output = Result<ArrayBuffer, String>>>>| {
            next_job.update_value(|n| *n += 1);
            let id = next_job.get_value();
            jobs.update(|js| js.push(Job { id, name: name.clone(), phase: "reading", fraction: 0.0 }));
            let set = move |phase: &'static str, fraction: f64| {
                jobs.update(|js| {
                    if let Some(j) = js.iter_mut().find(|j| j.id == id) {
                        j.phase = phase;
                        j.fraction = fraction;
                    }
                })
            };
            spawn_local(async move {
                let result = match read.await {
                    // A policy document dropped with the data is imported as the policy.
                    Ok(bytes) if policy_document(&name, &Uint8Array::new(&bytes).to_vec()) => {
                        let text = String::from_utf8_lossy(&Uint8Array::new(&bytes).to_vec()).into_owned();
                        match read_policy(&name, &text) {
                            Ok(p) => {
                                policy.set(p);
                                notice.set(Some(format!("Policy imported from {name}.")));
                            }
                            Err(e) => errors.update(|es| es.push(format!("{e} — the policy shown is unchanged."))),
                        }
                        jobs.update(|js| js.retain(|j| j.id != id));
                        return;
                    }
                    Ok(bytes) => {
                        set("parsing", 0.0);
                        let client = client.with_value(ParseClient::clone);
                        client.parse(name, bytes, move |f| set("parsing", f)).await
                    }
                    Err(e) => Err(e),
                };
                match result {
                    Ok(file) => {
                        let file = Arc::new(file);
                        change_files(&|fs| add_file(fs, file.clone()));
                    }
                    Err(e) if e == CANCELLED => {}
                    Err(e) => errors.update(|es| es.push(e)),
                }
                jobs.update(|js| js.retain(|j| j.id != id));
            });
        };
    let on_files = Callback::new(move |list: Vec<File>| {
        errors.set(Vec::new());
        for f in list {
            start(f.name(), Box::pin(async move { read_file(&f).await }));
        }
    });
    let on_sample = Callback::new(move |()| {
        errors.set(Vec::new());
        start(SAMPLE_FILE.to_string(), Box::pin(fetch_sample()));
    });
    let on_cancel = Callback::new(move |()| client.with_value(ParseClient::cancel_all));
    let on_remove = Callback::new(move |name: String| change_files(&|fs| fs.retain(|f| f.name != name)));

    // The plan: forecasts per mapped metric (fitted in workers), the series prepared for replays,
    // and the replay of the policy over them. A policy change re-runs only the replay.
    let replicas = RwSignal::new(kept.as_ref().map_or(DEFAULT_REPLICAS, |k| k.replicas));
    if let Some(e) = link_error {
        errors.update(|es| es.push(e));
    }
    // Once the policy is still (not on every step of a dragged slider).
    let settled_policy = crate::components::settle::settled(policy.into());
    Effect::new(move |_| settled_policy.with(write_address));
    // A link opened in this tab (the fragment changed by hand or by another link).
    let on_hash = window_event_listener(leptos::ev::hashchange, move |_| match policy_from_address() {
        Ok(Some(p)) => {
            if policy.with_untracked(|cur| *cur != p) {
                policy.set(p);
            }
        }
        Ok(None) => {}
        Err(e) => errors.update(|es| es.push(e)),
    });
    on_cleanup(move || on_hash.remove());
    let settings = RwSignal::new(kept.as_ref().map_or_else(ForecastSettings::default, |k| k.settings));
    let keeping =
        keep(Kept { files, mapping, policy: settled_policy.into(), replicas, settings, errors }, move |back| {
            change_files(&|fs| {
                for f in &back {
                    add_file(fs, f.clone());
                }
            })
        });
    let on_clear = Callback::new(move |()| {
        client.with_value(ParseClient::cancel_all);
        replicas.set(DEFAULT_REPLICAS);
        keeping.clear.run(());
    });
    let forecasts = RwSignal::new(BTreeMap::<Metric, Arc<ForecastResult>>::new());
    let forecast_status = RwSignal::new(BTreeMap::<Metric, String>::new());
    let fitters = StoredValue::new_local(BTreeMap::<Metric, FitClient>::new());
    // What each metric's forecast was last asked for: its series and options.
    let requested = StoredValue::new_local(BTreeMap::<Metric, (headroom_core::Series, ForecastOptions)>::new());
    Effect::new(move |_| {
        let s = settings.get();
        let jobs: Vec<(Metric, headroom_core::Series)> = files
            .with(|fs| mapping.with(|mp| mp.iter().filter_map(|(m, r)| r.find(fs).map(|s| (*m, s.clone()))).collect()));
        // A chosen step is raised to the longest of the mapped series' steps, the step the replay
        // runs on (as `headroom simulate --forecast-step` does): a forecast finer than the replay
        // would be averaged back onto it, peaks and all.
        let replay_step = headroom_core::capacity::inputs::common_step(jobs.iter().map(|(_, s)| s)).unwrap_or(0);
        let options = ForecastOptions {
            model: s.model,
            horizon_ms: (s.horizon_days * 86_400_000.0) as i64,
            aggregation: s.aggregation,
            step_ms: s.step.ms().map(|chosen| chosen.max(replay_step)),
        };
        forecasts.update(|f| f.retain(|m, _| jobs.iter().any(|(j, _)| j == m)));
        forecast_status.update(|st| st.retain(|m, _| jobs.iter().any(|(j, _)| j == m)));
        requested.update_value(|r| r.retain(|m, _| jobs.iter().any(|(j, _)| j == m)));
        // A metric whose series and options are what was last asked for is not fitted again (a
        // file added for another metric, or a mapping left as it was, costs no fit).
        let jobs: Vec<(Metric, headroom_core::Series)> = jobs
            .into_iter()
            .filter(|(m, series)| requested.with_value(|r| r.get(m).is_none_or(|(s, o)| s != series || *o != options)))
            .collect();
        for (m, series) in &jobs {
            requested.update_value(|r| {
                r.insert(*m, (series.clone(), options.clone()));
            });
            forecast_status.update(|st| {
                st.insert(*m, "Fitting the models and backtesting them on this series…".to_string());
            });
        }
        for (m, series) in jobs {
            let client = fitters.with_value(|f| f.get(&m).cloned()).unwrap_or_else(|| {
                let c = FitClient::new();
                fitters.update_value(|f| {
                    f.insert(m, c.clone());
                });
                c
            });
            let options = options.clone();
            spawn_local(async move {
                // Timed as `headroom:fit:<metric>` in the page's User Timing: the request, the fit
                // in the worker and the answer back.
                let perf = web_sys::window().and_then(|w| w.performance());
                let name = format!("headroom:fit:{}", m.id());
                let start = format!("{name}-start");
                if let Some(perf) = &perf {
                    let _ = perf.mark(&start);
                }
                let result = client.fit(&series, &options).await;
                if let (Some(perf), Ok(_)) = (&perf, &result) {
                    let _ = perf.measure_with_start_mark(&name, &start);
                }
                match result {
                    Ok(r) => {
                        forecasts.update(|f| {
                            f.insert(m, Arc::new(r));
                        });
                        forecast_status.update(|st| {
                            st.remove(&m);
                        });
                    }
                    Err(e) if e == SUPERSEDED => {}
                    Err(e) => {
                        forecasts.update(|f| {
                            f.remove(&m);
                        });
                        forecast_status.update(|st| {
                            st.insert(m, format!("No forecast: {e}"));
                        });
                    }
                }
            });
        }
    });
    let prepared =
        Memo::new(move |_| files.with(|fs| mapping.with(|mp| forecasts.with(|f| prepare(fs, mp, replicas.get(), f)))));
    let chart_metric = RwSignal::new(Metric::Cpu);
    let plan = Memo::new(move |_| {
        prepared.with(|p| {
            let p = p.as_ref()?;
            let policy = policy.get();
            let forecast = forecasts.with(|f| f.get(&Metric::Cpu).or_else(|| f.values().next()).cloned());
            // Timed as `headroom:replay` in the page's User Timing (DevTools, and the workbench
            // benchmark read it).
            let replay = crate::components::echarts::timed("headroom:replay", || {
                p.as_ref().map_err(Clone::clone).and_then(|d| d.prepared.run(&policy).map_err(|e| e.to_string()))
            });
            let step_ms = p.as_ref().map_or(0, |d| d.step_ms);
            Some(Plan { replay, policy, forecast, step_ms })
        })
    });
    let plan_signal: Signal<Option<Plan>> = plan.into();
    let mapped = Memo::new(move |_| mapping.with(|m| m.keys().copied().collect::<Vec<_>>()));
    // The chart shows a mapped metric: the chosen one while it is mapped, else the first.
    let shown = Signal::derive(move || {
        let c = chart_metric.get();
        mapped.with(|ms| if ms.contains(&c) { c } else { ms.first().copied().unwrap_or(c) })
    });
    // A memo, not a derived signal: reading it (the policy lines do, at every policy change) must
    // not copy the series.
    let shown_series: Signal<Option<headroom_core::Series>> =
        Memo::new(move |_| files.with(|fs| mapping.with(|mp| mp.get(&shown.get()).and_then(|r| r.find(fs)).cloned())))
            .into();
    let shown_forecast = Signal::derive(move || forecasts.with(|f| f.get(&shown.get()).cloned()));
    // Both charts show one time range (zoomed on either, or chosen with the buttons above them).
    crate::components::time_view::provide();
    let spans: Signal<Option<Spans>> = Memo::new(move |_| {
        let history = shown_series
            .with(|s| s.as_ref().and_then(|s| Some((*s.timestamps.first()? as f64, *s.timestamps.last()? as f64))))?;
        let forecast_end = shown_forecast.with(|f| f.as_ref().and_then(|f| f.timestamps.last().map(|&t| t as f64)));
        Some(Spans { history, forecast_end })
    })
    .into();
    let status_text = Signal::derive(move || {
        forecast_status.with(|st| {
            st.get(&shown.get()).cloned().unwrap_or_else(|| {
                if mapped.with(Vec::is_empty) {
                    "Load a series to forecast it.".into()
                } else {
                    String::new()
                }
            })
        })
    });
    let notes = Memo::new(move |_| {
        let mut n: Vec<String> = prepared.with(|p| match p {
            Some(Ok(d)) => d.notes.clone(),
            Some(Err(e)) => vec![e.clone()],
            None => Vec::new(),
        });
        plan.with(|p| {
            if let Some(p) = p {
                match &p.replay {
                    Ok(r) => n.extend(r.notes.iter().cloned()),
                    Err(e) => n.push(format!("The policy could not be replayed: {e}")),
                }
            }
        });
        n.dedup();
        n
    });

    // A file dropped outside the drop zone must not make the browser navigate away from the page.
    let guard_drop = |ev: web_sys::DragEvent| ev.prevent_default();
    let h1 = window_event_listener(leptos::ev::dragover, guard_drop);
    let h2 = window_event_listener(leptos::ev::drop, guard_drop);
    on_cleanup(move || {
        h1.remove();
        h2.remove();
    });

    let has_files = move || !files.with(Vec::is_empty);
    view! {
        <header class="topbar">
            <h1>"Headroom"</h1>
            <p class="tagline">"Capacity planning from your metric exports — computed in this page; your data never leaves the browser."</p>
        </header>
        <main class="workbench">
            <aside class="side">
                <section class="panel data" aria-labelledby="data-title">
                    <h2 id="data-title">"Data"</h2>
                    <DropZone on_files on_sample jobs=jobs.into() on_cancel />
                    <Show when=has_files>
                        <MetricMapping files=files.into() mapping />
                        <NumberField id="replicas".to_string() label="Instances running during the history".to_string()
                            unit="instances" range=Range::new(1.0, 100_000.0, 1.0)
                            value=Signal::derive(move || f64::from(replicas.get()))
                            on_change=Callback::new(move |v: f64| replicas.set(v as u32))
                            hint="Demand = utilisation × this count; the replay spreads it over the simulated instances." />
                        <div class="kept" data-testid="storage-status">
                            <p class="muted">{move || keeping.problem.get().unwrap_or_else(||
                                "Kept in this browser only: a reload restores these files, the metric mapping and the policy.".to_string())}</p>
                            <button type="button" class="button small" data-testid="clear-data" on:click=move |_| on_clear.run(())
                                title="Forget the loaded files and the metric mapping (here and in this browser's storage); the policy stays">
                                "Clear data"
                            </button>
                        </div>
                    </Show>
                </section>
                <PolicyPanel policy />
                // What the plan is made of first (the policy, then the forecast it runs over),
                // then what is done with it.
                <section class="panel forecast-settings" aria-labelledby="forecast-settings-title">
                    <h2 id="forecast-settings-title">"Forecast settings"</h2>
                    <ForecastControls settings />
                </section>
                <SharePanel policy settled=settled_policy errors notice />
            </aside>
            <div class="results">
                <ErrorBanner errors />
                <Show when=move || !has_files()>
                    <p class="empty panel" data-testid="empty-state">
                        {move || if keeping.restored.get() {
                            view! {
                                "Nothing loaded yet. Drop an export on the left, choose files, or press "
                                <strong>"Try sample data"</strong>" to see two weeks of real EC2 CPU utilisation planned with the seed policy."
                            }.into_any()
                        } else {
                            "Looking for files kept from your last visit…".into_any()
                        }}
                    </p>
                </Show>
                <Show when=move || has_files() && mapped.with(Vec::is_empty)>
                    <p class="empty panel" data-testid="nothing-mapped">
                        "None of the loaded series feeds a metric yet: none was recognised as CPU or memory utilisation, response time or request rate. Choose which series each metric is read from under "<strong>"Metrics"</strong>" on the left; the plan appears at once."
                    </p>
                </Show>
                <Show when=move || has_files() && !mapped.with(Vec::is_empty)>
                    <SummaryCards plan=plan_signal />
                    <TimeRangeButtons spans />
                    <section class="panel" aria-labelledby="metric-title">
                        <div class="panel-head">
                            <h2 id="metric-title">{move || shown.get().label()}</h2>
                            <div class="tabs" role="tablist" aria-label="Metric shown">
                                {move || mapped.get().into_iter().map(|m| view! {
                                    <button type="button" role="tab" class="tab" aria-selected=move || (shown.get() == m).to_string()
                                        on:click=move |_| chart_metric.set(m)>{m.label()}</button>
                                }).collect_view()}
                            </div>
                        </div>
                        <MetricChart metric=shown series=shown_series forecast=shown_forecast policy=policy.into() />
                    </section>
                    <section class="panel" aria-labelledby="instances-title">
                        <h2 id="instances-title">"Instances"</h2>
                        <p class="muted">"Replayed over the history with the policy, then projected over the forecast (dashed) and its 95 % upper band (dotted)."</p>
                        <InstancesChart plan=plan_signal />
                    </section>
                    {move || {
                        let n = notes.get();
                        (!n.is_empty()).then(|| view! {
                            <ul class="panel notes" data-testid="plan-notes">{n.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}</ul>
                        })
                    }}
                    <BacktestTable forecast=shown_forecast status=status_text />
                    <EventsTable plan=plan_signal />
                </Show>
                <Show when=has_files>
                    <details class="panel files" open=true>
                        <summary><h2>"Loaded files"</h2></summary>
                        <For
                            each=move || files.get()
                            key=|f| (f.name.clone(), f.bytes, f.series.len(), f.diagnostics.len())
                            children=move |file| view! { <FileView file on_remove /> }
                        />
                    </details>
                </Show>
            </div>
        </main>
        <footer class="footer muted">
            "Headroom · sample data: Numenta Anomaly Benchmark (MIT) · charts: Apache ECharts"
        </footer>
    }
}
