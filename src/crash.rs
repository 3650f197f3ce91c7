//! When the page's Rust code panics: a readable message over the page with a way to continue,
//! instead of a page that silently stops responding. Built with plain DOM calls (never through
//! Leptos, whose state the panic may have left half-updated) and text nodes only.
//!
//! The work is not lost: the policy is in the address bar and, with the loaded files, the mapping
//! and the settings, in this browser's storage (`crate::keep`), so "Reload" brings it all back.
//! "Start afresh" forgets the kept work first, for when the kept work itself is what fails.

use wasm_bindgen::prelude::*;
use web_sys::{Document, HtmlElement};

/// Installs the panic hook (once; the console still gets the message and stack).
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show(&info.to_string());
    }));
}

fn element(doc: &Document, tag: &str, class: &str, text: Option<&str>) -> Option<HtmlElement> {
    let el: HtmlElement = doc.create_element(tag).ok()?.dyn_into().ok()?;
    if !class.is_empty() {
        el.set_class_name(class);
    }
    if let Some(t) = text {
        el.set_text_content(Some(t));
    }
    Some(el)
}

fn button(
    doc: &Document,
    label: &str,
    testid: &str,
    primary: bool,
    action: impl FnOnce() + 'static,
) -> Option<HtmlElement> {
    let b = element(doc, "button", if primary { "button primary" } else { "button" }, Some(label))?;
    let _ = b.set_attribute("type", "button");
    let _ = b.set_attribute("data-testid", testid);
    b.set_onclick(Some(Closure::once_into_js(action).unchecked_ref()));
    Some(b)
}

fn reload() {
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}

/// Forgets the kept settings and files, and the policy in the address, then reloads.
fn start_afresh() {
    let Some(w) = web_sys::window() else { return };
    if let Ok(Some(s)) = w.local_storage() {
        let _ = s.clear();
    }
    if let Ok(Some(idb)) = w.indexed_db() {
        let _ = idb.delete_database("headroom");
    }
    let loc = w.location();
    let bare = loc.pathname().unwrap_or_else(|_| "./".into());
    // Let the deletion start before the page goes.
    let go = Closure::once_into_js(move || {
        if let Some(w) = web_sys::window() {
            let _ = w.location().replace(&bare);
        }
    });
    let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(go.unchecked_ref(), 200);
}

/// Shows the crash panel (only the first: a panic that follows another adds nothing new).
fn show(message: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    if doc.query_selector("[data-testid=crash]").ok().flatten().is_some() {
        return;
    }
    let Some(body) = doc.body() else { return };
    let build = || -> Option<HtmlElement> {
        let add = |parent: &HtmlElement, child: Option<HtmlElement>| {
            let child: HtmlElement = child?;
            parent.append_child(&child).ok().map(|_| ())
        };
        let overlay = element(&doc, "div", "crash", None)?;
        let _ = overlay.set_attribute("data-testid", "crash");
        let _ = overlay.set_attribute("role", "alertdialog");
        let _ = overlay.set_attribute("aria-labelledby", "crash-title");
        let panel = element(&doc, "div", "crash-panel panel", None)?;
        let title = element(&doc, "h2", "", Some("Headroom stopped because of an internal error"))?;
        title.set_id("crash-title");
        add(&panel, Some(title))?;
        let kept = "Nothing is lost: your policy is in the address bar, and it, the loaded files and the metric \
                    mapping are kept in this browser. Reload to continue where you were.";
        add(&panel, element(&doc, "p", "", Some(kept)))?;
        let details = element(&doc, "details", "", None)?;
        add(&details, element(&doc, "summary", "", Some("What went wrong (for a bug report)")))?;
        let pre = element(&doc, "pre", "crash-message", Some(message))?;
        let _ = pre.set_attribute("data-testid", "crash-message");
        add(&details, Some(pre))?;
        add(&panel, Some(details))?;
        let actions = element(&doc, "div", "crash-actions", None)?;
        add(&actions, button(&doc, "Reload", "crash-reload", true, reload))?;
        add(&actions, button(&doc, "Start afresh (forget the kept work)", "crash-afresh", false, start_afresh))?;
        add(&panel, Some(actions))?;
        add(&overlay, Some(panel))?;
        Some(overlay)
    };
    if let Some(overlay) = build() {
        let _ = body.append_child(&overlay);
        if let Ok(Some(b)) = doc.query_selector("[data-testid=crash-reload]") {
            if let Ok(b) = b.dyn_into::<HtmlElement>() {
                let _ = b.focus();
            }
        }
    }
}

/// A deliberate panic, for the end-to-end test of this panel (`window.wasmBindings.headroom_test_panic()`);
/// nothing in the page calls it.
#[wasm_bindgen]
pub fn headroom_test_panic() {
    panic!("deliberate panic from headroom_test_panic (a test of the crash panel)");
}
