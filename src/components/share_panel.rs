//! Sharing and taking the policy elsewhere: the address bar always holds the policy (`#v1.…`,
//! never the data), "Copy link" copies it, a policy file (Headroom JSON, the seed's document, a
//! Kubernetes HPA manifest) can be imported, and the policy exported as Kubernetes HPA, KEDA, AWS
//! or Headroom JSON — with what the format cannot express said next to it.

use headroom_core::capacity::export::{export, ExportOptions, Format};
use headroom_core::capacity::policy::Policy;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::download::download;

/// The policy in the current address, if the address has a fragment: `Ok(None)` without one.
pub fn policy_from_address() -> Result<Option<Policy>, String> {
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    if hash.trim_start_matches('#').is_empty() {
        return Ok(None);
    }
    headroom_core::share::decode(&hash)
        .map(Some)
        .map_err(|e| format!("The link's policy could not be used ({e}); the policy shown is unchanged."))
}

/// Puts `policy` in the address bar without adding a history entry.
pub fn write_address(policy: &Policy) {
    let Some(window) = web_sys::window() else { return };
    let fragment = format!("#{}", headroom_core::share::encode(policy));
    if window.location().hash().ok().as_deref() == Some(fragment.as_str()) {
        return;
    }
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&fragment));
    }
}

/// Reads a policy document: Headroom's JSON or the seed's (`{…}`), else a Kubernetes manifest.
pub fn read_policy(name: &str, text: &str) -> Result<Policy, String> {
    let parsed = if text.trim_start().starts_with('{') { Policy::from_json(text) } else { Policy::from_hpa_yaml(text) };
    parsed.map_err(|e| format!("{name}: {e}"))
}

/// The largest file looked at as a possible policy document (policies are a few kB).
const MAX_POLICY_BYTES: usize = 256 * 1024;

/// Whether a file dropped with the data is a policy document rather than metrics: a small YAML
/// file, or a small JSON object with a policy's `scaler` or the seed's `auto_scaling`.
pub fn policy_document(name: &str, bytes: &[u8]) -> bool {
    if bytes.len() > MAX_POLICY_BYTES {
        return false;
    }
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        return true;
    }
    let text = String::from_utf8_lossy(bytes);
    text.trim_start().starts_with('{') && (text.contains("\"scaler\"") || text.contains("\"auto_scaling\""))
}

#[component]
pub fn SharePanel(
    policy: RwSignal<Policy>,
    /// The policy once still (what the address bar holds): exported without following every step
    /// of a dragged slider.
    settled: Memo<Policy>,
    errors: RwSignal<Vec<String>>,
    /// A status line: a copied link, an imported policy.
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let copied = notice;
    let on_copy = move |_| {
        let Some(window) = web_sys::window() else { return };
        // The link to the policy as it is now (the address bar follows it once it is still).
        let here = window.location().href().unwrap_or_default();
        let base = here.split('#').next().unwrap_or_default();
        let href = policy.with_untracked(|p| format!("{base}#{}", headroom_core::share::encode(p)));
        let navigator = window.navigator();
        let has = js_sys::Reflect::get(&navigator, &"clipboard".into()).is_ok_and(|c| c.is_object());
        if !has {
            copied.set(Some("This browser offers no clipboard here: copy the address bar instead.".into()));
            return;
        }
        spawn_local_copy(navigator.clipboard().write_text(&href), copied);
    };
    let format = RwSignal::new(Format::Hpa);
    let name = RwSignal::new("my-app".to_string());
    let exported = Memo::new(move |_| {
        let opts = ExportOptions { name: name.get(), namespace: None };
        settled.with(|p| export(p, format.get(), &opts))
    });
    let on_format = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        if let Some(f) = Format::ALL.into_iter().find(|f| f.name() == v) {
            format.set(f);
        }
    };
    let on_download = move |_| {
        let f = format.get_untracked();
        let file = format!("{}-{}.{}", name.get_untracked(), f.name(), f.extension());
        let mime = if f.extension() == "json" { "application/json" } else { "application/yaml" };
        if let Err(e) = exported.with_untracked(|x| download(&file, &x.text, mime)) {
            errors.update(|es| es.push(format!("{file}: {e}")));
        }
    };
    let on_import = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|l| l.get(0)) else { return };
        input.set_value("");
        let name = file.name();
        leptos::task::spawn_local(async move {
            let text = JsFuture::from(file.text()).await.ok().and_then(|t| t.as_string());
            match text
                .ok_or_else(|| format!("{name}: the browser could not read the file"))
                .and_then(|t| read_policy(&name, &t))
            {
                Ok(p) => {
                    errors.set(Vec::new());
                    policy.set(p);
                    copied.set(Some(format!("Policy imported from {name}.")));
                }
                Err(e) => errors.update(|es| es.push(format!("{e} — the policy shown is unchanged."))),
            }
        });
    };
    view! {
        <section class="panel share" aria-labelledby="share-title">
            <h2 id="share-title">"Share and export"</h2>
            <p class="muted">"The address bar holds this policy (never your data): share it, bookmark it."</p>
            <div class="share-actions">
                <button type="button" class="button small" data-testid="copy-link" on:click=on_copy>"Copy link"</button>
                <label class="button small">
                    "Import policy…"
                    <input type="file" class="visually-hidden" data-testid="policy-file" accept=".json,.yaml,.yml,application/json"
                        on:change=on_import />
                </label>
                <span class="muted" role="status" data-testid="share-status">{move || copied.get()}</span>
            </div>
            // Each on a row of its own: the formats' names are read in full, even 390 px wide.
            <div class="field">
                <label for="export-format">"Export as"</label>
                <select id="export-format" data-testid="export-format" on:change=on_format
                    prop:value=move || format.get().name()>
                    <option value="hpa">"Kubernetes HPA (autoscaling/v2)"</option>
                    <option value="keda">"KEDA ScaledObject"</option>
                    <option value="aws">"AWS put-scaling-policy JSON"</option>
                    <option value="json">"Headroom policy JSON"</option>
                </select>
            </div>
            <div class="field">
                <label for="export-name">"Workload name"</label>
                <input id="export-name" class="field-number wide" prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev)) />
            </div>
            {move || exported.with(|x| (!x.notes.is_empty()).then(|| view! {
                <ul class="notes muted" data-testid="export-notes">{x.notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}</ul>
            }))}
            <pre class="export" data-testid="export-text">{move || exported.with(|x| x.text.clone())}</pre>
            <button type="button" class="button small" data-testid="export-download" on:click=on_download>"Download"</button>
        </section>
    }
}

fn spawn_local_copy(promise: js_sys::Promise, copied: RwSignal<Option<String>>) {
    leptos::task::spawn_local(async move {
        let msg = match JsFuture::from(promise).await {
            Ok(_) => "Link copied.",
            Err(_) => "The browser did not allow copying: copy the address bar instead.",
        };
        copied.set(Some(msg.to_string()));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_documents_are_told_from_metric_exports() {
        assert!(policy_document("p.json", crate::state::plan::SEED_POLICY.as_bytes()));
        let own = crate::state::plan::default_policy().to_json();
        assert!(policy_document("policy.json", own.as_bytes()));
        assert!(policy_document("hpa.YAML", b"apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n"));
        let prometheus = br#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#;
        assert!(!policy_document("q.json", prometheus));
        assert!(!policy_document("cpu.csv", b"timestamp,value\n2024-01-01,1\n"));
        // A big JSON file is data even if a field is called "scaler".
        let big = format!("{{\"scaler\": 1, \"pad\": \"{}\"}}", "x".repeat(MAX_POLICY_BYTES));
        assert!(!policy_document("big.json", big.as_bytes()));
    }
}
