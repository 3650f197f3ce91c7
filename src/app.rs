//! The page: a drop zone, what was loaded, and what went wrong.

use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::File;

use crate::components::drop_zone::DropZone;
use crate::components::error_banner::ErrorBanner;
use crate::components::file_view::FileView;
use crate::state::{add_file, ingest, LoadedFile, SAMPLE_FILE};

/// A pending read of one input: its name and bytes, or a sentence saying why not.
type Job = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(String, Vec<u8>), String>>>>;

/// Reads a dropped or picked file's bytes.
async fn read_file(file: File) -> Result<(String, Vec<u8>), String> {
    let name = file.name();
    let file = gloo::file::File::from(file);
    match gloo::file::futures::read_as_bytes(&file).await {
        Ok(bytes) => Ok((name, bytes)),
        Err(e) => Err(format!("{name}: the browser could not read the file: {e}")),
    }
}

/// Fetches the bundled sample export.
async fn fetch_sample() -> Result<(String, Vec<u8>), String> {
    let url = format!("sample/{SAMPLE_FILE}");
    let resp = gloo::net::http::Request::get(&url)
        .send()
        .await
        .map_err(|e| format!("{SAMPLE_FILE}: the sample could not be loaded: {e}"))?;
    if !resp.ok() {
        return Err(format!("{SAMPLE_FILE}: the sample could not be loaded (HTTP {})", resp.status()));
    }
    let bytes = resp.binary().await.map_err(|e| format!("{SAMPLE_FILE}: the sample could not be read: {e}"))?;
    Ok((SAMPLE_FILE.to_string(), bytes))
}

#[component]
pub fn App() -> impl IntoView {
    let files = RwSignal::new(Vec::<LoadedFile>::new());
    let errors = RwSignal::new(Vec::<String>::new());
    let busy = RwSignal::new(0usize);

    // Runs one load (read + parse) and files its result; errors never touch what is loaded.
    let load = move |job: Job| {
        busy.update(|n| *n += 1);
        spawn_local(async move {
            let result = job.await.and_then(|(name, bytes)| ingest(&name, &bytes));
            match result {
                Ok(file) => files.update(|fs| add_file(fs, file)),
                Err(e) => errors.update(|es| es.push(e)),
            }
            busy.update(|n| *n = n.saturating_sub(1));
        });
    };
    let on_files = Callback::new(move |list: Vec<File>| {
        errors.set(Vec::new());
        for f in list {
            load(Box::pin(read_file(f)));
        }
    });
    let on_sample = Callback::new(move |()| {
        errors.set(Vec::new());
        load(Box::pin(fetch_sample()));
    });
    let on_remove = Callback::new(move |name: String| files.update(|fs| fs.retain(|f| f.name != name)));

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
            <DropZone on_files on_sample busy=busy.into() />
            <Show when=move || files.with(Vec::is_empty)>
                <p class="empty" data-testid="empty-state">
                    "Nothing loaded yet. Drop an export above, choose files, or press "
                    <strong>"Try sample data"</strong>" to see two weeks of real EC2 CPU utilisation."
                </p>
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
