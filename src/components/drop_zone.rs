//! Where files come in: drop them, pick them, or take the bundled sample.

use leptos::prelude::*;

use crate::state::Job;
use wasm_bindgen::JsCast;
use web_sys::{DragEvent, File, FileList, HtmlInputElement};

fn files_of(list: Option<FileList>) -> Vec<File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

#[component]
pub fn DropZone(
    /// Called with the files the user dropped or picked.
    on_files: Callback<Vec<File>>,
    /// Called when the user asks for the bundled sample.
    on_sample: Callback<()>,
    /// Files being read or parsed.
    jobs: Signal<Vec<Job>>,
    /// Called when the user cancels the loads in flight.
    on_cancel: Callback<()>,
) -> impl IntoView {
    let hover = RwSignal::new(false);
    let on_drop = move |ev: DragEvent| {
        ev.prevent_default();
        hover.set(false);
        let files = files_of(ev.data_transfer().and_then(|dt| dt.files()));
        if !files.is_empty() {
            on_files.run(files);
        }
    };
    let on_pick = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else { return };
        let files = files_of(input.files());
        // Reset so that picking the same file again (after editing it) fires `change` again.
        input.set_value("");
        if !files.is_empty() {
            on_files.run(files);
        }
    };
    view! {
        <section
            class="drop-zone"
            class:hover=move || hover.get()
            data-testid="drop-zone"
            aria-label="Load metric exports"
            on:dragenter=move |ev: DragEvent| { ev.prevent_default(); hover.set(true); }
            on:dragover=move |ev: DragEvent| { ev.prevent_default(); hover.set(true); }
            on:dragleave=move |_| hover.set(false)
            on:drop=on_drop
        >
            <p class="drop-title">"Drop metric exports here"</p>
            <p class="drop-hint">
                "CSV or JSON from Grafana, Prometheus, CloudWatch, Datadog, InfluxDB or Azure Monitor, or a plain "
                <code>"timestamp,value"</code>" file — the format is recognised from the content. A policy (Headroom JSON or a Kubernetes HPA manifest) dropped here becomes the policy. Files stay in this browser."
            </p>
            <div class="drop-actions">
                <label class="button">
                    "Choose files…"
                    <input type="file" multiple class="visually-hidden" data-testid="file-input"
                        accept=".csv,.tsv,.txt,.json,.ndjson,.jsonl,.yaml,.yml,text/csv,text/plain,application/json" on:change=on_pick />
                </label>
                <button type="button" class="button primary" data-testid="sample-data"
                    on:click=move |_| on_sample.run(())>
                    "Try sample data"
                </button>
            </div>
            <Show when=move || !jobs.with(Vec::is_empty)>
                <div class="progress" data-testid="progress" role="status" aria-live="polite">
                    <For each=move || jobs.get() key=|j| (j.id, j.phase, (j.fraction * 100.0) as u32) let:job>
                        <div class="progress-row">
                            <span class="progress-name">{job.name.clone()}</span>
                            // Reading has no measurable progress: the bar is indeterminate until parsing reports.
                            <progress max="1" value=(job.phase == "parsing").then_some(job.fraction)
                                aria-label=format!("{} {}", job.phase, job.name)></progress>
                            <span class="muted">{if job.phase == "parsing" {
                                format!("parsing {:.0} %", job.fraction * 100.0)
                            } else {
                                format!("{}…", job.phase)
                            }}</span>
                        </div>
                    </For>
                    <button type="button" class="button small" data-testid="cancel" on:click=move |_| on_cancel.run(())>
                        "Cancel"
                    </button>
                </div>
            </Show>
        </section>
    }
}
