//! Which loaded series feeds which metric: one labelled select per metric.

use std::sync::Arc;

use leptos::prelude::*;

use crate::state::{all_series, count_like, LoadedFile, Mapping, Metric};

#[component]
pub fn MetricMapping(files: Signal<Vec<Arc<LoadedFile>>>, mapping: RwSignal<Mapping>) -> impl IntoView {
    let choices = Memo::new(move |_| files.with(|fs| all_series(fs)));
    view! {
        <section class="mapping" data-testid="metric-mapping" aria-labelledby="mapping-title">
            <h2 id="mapping-title">"Metrics"</h2>
            <p class="muted">"Choose the series each metric is read from. Headroom guessed from the series' names."</p>
            <div class="mapping-grid">
                {Metric::ALL
                    .into_iter()
                    .map(|m| {
                        let id = format!("map-{}", m.id());
                        let current = move || mapping.with(|mp| mp.get(&m).map(|r| r.label()).unwrap_or_default());
                        let on_change = move |ev: leptos::ev::Event| {
                            let value = event_target_value(&ev);
                            let chosen = choices.with(|cs| cs.iter().find(|r| r.label() == value).cloned());
                            mapping.update(|mp| match chosen {
                                Some(r) => {
                                    mp.insert(m, r);
                                }
                                None => {
                                    mp.remove(&m);
                                }
                            });
                        };
                        view! {
                            <label for=id.clone()>{m.label()}</label>
                            <select id=id.clone() data-testid=id.clone() on:change=on_change prop:value=current>
                                <option value="">"— not used —"</option>
                                <For each=move || choices.get() key=|r| r.label() let:r>
                                    <option value=r.label() selected=move || current() == r.label()>{r.label()}</option>
                                </For>
                            </select>
                            {move || {
                                let n = files.with(|fs| count_like(fs, m));
                                (n > 1).then(|| view! {
                                    <p class="field-hint muted mapping-hint" data-testid=format!("map-{}-hint", m.id())>
                                        {format!("{n} loaded series look like {}: the one chosen here is used.", m.label().to_lowercase())}
                                    </p>
                                })
                            }}
                        }
                    })
                    .collect_view()}
            </div>
        </section>
    }
}
