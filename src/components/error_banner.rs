//! Problems that stopped a whole file from loading, shown until dismissed or the next load.

use leptos::prelude::*;

#[component]
pub fn ErrorBanner(errors: RwSignal<Vec<String>>) -> impl IntoView {
    view! {
        <Show when=move || !errors.with(Vec::is_empty)>
            <div class="error-banner" role="alert" data-testid="error-banner">
                <ul>
                    {move || errors.get().into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}
                </ul>
                <button type="button" class="button small" on:click=move |_| errors.set(Vec::new())>
                    "Dismiss"
                </button>
            </div>
        </Show>
    }
}
