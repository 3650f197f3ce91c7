//! The page: a drop zone, what was loaded, and what went wrong.

use std::sync::Arc;

use js_sys::{ArrayBuffer, Uint8Array};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::File;

use crate::components::drop_zone::DropZone;
use crate::components::error_banner::ErrorBanner;
use crate::components::file_view::FileView;
use crate::components::metric_mapping::MetricMapping;
use crate::state::{add_file, auto_map, Job, LoadedFile, Mapping, SAMPLE_FILE};
use crate::worker::client::{ParseClient, CANCELLED};

/// Reads a dropped or picked file's bytes, without copying them into WebAssembly memory.
async fn read_file(file: &File) -> Result<ArrayBuffer, String> {
    let name = file.name();
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

    let mapping = RwSignal::new(Mapping::new());
    // Every change to the loaded files goes through here, so the mapping follows what is loaded
    // (new series fill empty metrics; removed ones are forgotten) in the same step.
    let change_files = move |f: &dyn Fn(&mut Vec<Arc<LoadedFile>>)| {
        files.update(|fs| f(fs));
        files.with_untracked(|fs| mapping.update(|m| auto_map(m, fs)));
    };
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

    // A file dropped outside the drop zone must not make the browser navigate away from the page.
    let guard_drop = |ev: web_sys::DragEvent| ev.prevent_default();
    let h1 = window_event_listener(leptos::ev::dragover, guard_drop);
    let h2 = window_event_listener(leptos::ev::drop, guard_drop);
    on_cleanup(move || {
        h1.remove();
        h2.remove();
    });

    view! {
        <header class="topbar">
            <h1>"Headroom"</h1>
            <p class="tagline">"Capacity planning from your metric exports — computed in this page; your data never leaves the browser."</p>
        </header>
        <main>
            <ErrorBanner errors />
            <DropZone on_files on_sample jobs=jobs.into() on_cancel />
            <Show when=move || files.with(Vec::is_empty)>
                <p class="empty" data-testid="empty-state">
                    "Nothing loaded yet. Drop an export above, choose files, or press "
                    <strong>"Try sample data"</strong>" to see two weeks of real EC2 CPU utilisation."
                </p>
            </Show>
            <Show when=move || !files.with(Vec::is_empty)>
                <MetricMapping files=files.into() mapping />
            </Show>
            <For
                each=move || files.get()
                key=|f| (f.name.clone(), f.bytes, f.series.len(), f.diagnostics.len())
                children=move |file| view! { <FileView file on_remove /> }
            />
        </main>
        <footer class="footer muted">
            "Headroom · sample data: Numenta Anomaly Benchmark (MIT) · charts: Apache ECharts"
        </footer>
    }
}
