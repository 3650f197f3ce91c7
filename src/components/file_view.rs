//! A loaded file: its series (name, points, time span, chart) and its diagnostics.

use std::sync::Arc;

use leptos::prelude::*;

use super::series_chart::{SeriesChart, MAX_CHART_POINTS};
use crate::state::{bytes_text, diagnostic_text, points_text, range_text, span_text, thousands, LoadedFile};

#[component]
pub fn FileView(file: Arc<LoadedFile>, on_remove: Callback<String>) -> impl IntoView {
    let name = file.name.clone();
    let count = file.series.len();
    let summary = format!("{} · {} · {} series", file.format.label(), bytes_text(file.bytes), count);
    let diagnostics = file.diagnostics.clone();
    view! {
        <section class="file" data-testid="file">
            <header class="file-header">
                <h2 class="file-name">{file.name.clone()}</h2>
                <span class="muted">{summary}</span>
                <button type="button" class="button small" aria-label=format!("Remove {}", file.name)
                    on:click=move |_| on_remove.run(name.clone())>"Remove"</button>
            </header>
            <Diagnostics diagnostics />
            {(0..count).map(|index| view! { <SeriesCard file=file.clone() index /> }).collect_view()}
        </section>
    }
}

/// Series `index` of `file`: name, kind, points, time span, range and chart.
#[component]
pub fn SeriesCard(file: Arc<LoadedFile>, index: usize) -> impl IntoView {
    let Some(series) = file.series.get(index) else { return ().into_any() };
    // One pass for every figure on the card.
    let stats = series.stats();
    let kind = match &series.unit {
        Some(u) => format!("{} · {u}", series.kind.label()),
        None => series.kind.label().to_string(),
    };
    view! {
        <article class="series-card" data-testid="series-card">
            <header>
                <h3 data-testid="series-name">{series.name.clone()}</h3>
                <span class="tag">{kind}</span>
            </header>
            <p class="figures">
                <span data-testid="series-points">{points_text(series.len())}</span>
                " · "
                <span data-testid="series-span">{stats.as_ref().map_or("no points".to_string(), span_text)}</span>
            </p>
            <p class="figures muted">{stats.as_ref().map(|st| range_text(st, series.unit.as_deref()))}</p>
            {(series.len() > MAX_CHART_POINTS).then(|| view! {
                <p class="figures muted" data-testid="chart-note">
                    {format!("The chart draws {} of the {} points (largest-triangle downsampling keeps the peaks); every figure uses all of them.",
                        thousands(MAX_CHART_POINTS), thousands(series.len()))}
                </p>
            })}
            <SeriesChart file=file.clone() index />
        </article>
    }
    .into_any()
}

/// Every problem found in a file, located by line and column. Closed by default; the summary says
/// how many there are.
#[component]
pub fn Diagnostics(diagnostics: Vec<headroom_core::Diagnostic>) -> impl IntoView {
    if diagnostics.is_empty() {
        return view! {
            <p class="diagnostics ok" data-testid="diagnostics">"Every row was read."</p>
        }
        .into_any();
    }
    let n = diagnostics.len();
    view! {
        <details class="diagnostics" data-testid="diagnostics">
            <summary>{format!("{} problem{} found — good rows were still read", thousands(n), if n == 1 { "" } else { "s" })}</summary>
            <ul>
                {diagnostics.iter().map(|d| view! { <li>{diagnostic_text(d)}</li> }).collect_view()}
            </ul>
        </details>
    }
    .into_any()
}
