//! A chart's legend as a row of buttons above it: each shows or hides one series, says which with
//! `aria-pressed`, and is reached and pressed from the keyboard (a legend drawn by the chart
//! library is neither). Both charts use it; each draws its legend into the chart only while it is
//! saved as PNG.

use leptos::prelude::*;

/// How a series is drawn, for its swatch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    Solid,
    Dashed,
    Dotted,
    Square,
    /// A filled band; the 95 % band is the lighter.
    Band,
    LightBand,
}

impl Mark {
    fn class(self) -> &'static str {
        match self {
            Mark::Solid => "swatch line",
            Mark::Dashed => "swatch line dashed",
            Mark::Dotted => "swatch line dotted",
            Mark::Square => "swatch square",
            Mark::Band => "swatch band",
            Mark::LightBand => "swatch band light",
        }
    }
}

/// One entry: the series' key (`data-series`), its label, colour and mark.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: &'static str,
    pub label: String,
    pub color: &'static str,
    pub mark: Mark,
}

/// The row of buttons; pressing one calls `toggle` with its key. `entries` should change only
/// when the series drawn do (the buttons are made again then); `hidden` (the keys not shown) only
/// updates `aria-pressed`, so a button keeps the keyboard's focus when pressed.
#[component]
pub fn ChartLegend(
    /// What the group is, for screen readers.
    label: &'static str,
    testid: &'static str,
    entries: Signal<Vec<Entry>>,
    hidden: Signal<Vec<&'static str>>,
    toggle: Callback<&'static str>,
) -> impl IntoView {
    view! {
        <div class="chart-legend" role="group" aria-label=label data-testid=testid>
            {move || entries.get().into_iter().map(|e| {
                let key = e.key;
                let pressed = move || (!hidden.with(|h| h.contains(&key))).to_string();
                view! {
                    <button type="button" class="legend-item" data-series=key aria-pressed=pressed
                            on:click=move |_| toggle.run(key)>
                        <span class=e.mark.class() style=format!("--swatch:{}", e.color) aria-hidden="true"></span>
                        {e.label}
                    </button>
                }
            }).collect_view()}
        </div>
    }
}
