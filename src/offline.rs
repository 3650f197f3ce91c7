//! Working offline: registers `sw.js` (generated into the build by `scripts/service-worker.sh`),
//! which caches the built files so the app opens and works without a network once loaded.

use wasm_bindgen::JsValue;

/// Registers the service worker when the page is served over HTTP(S) by a browser that has
/// service workers. Failure only costs offline use, so it is logged, never shown as an error.
pub fn register_service_worker() {
    let Some(window) = web_sys::window() else { return };
    let served = window.location().protocol().is_ok_and(|p| p == "http:" || p == "https:");
    let navigator = window.navigator();
    let has_sw = js_sys::Reflect::get(&navigator, &JsValue::from_str("serviceWorker")).is_ok_and(|v| v.is_object());
    if !served || !has_sw {
        return;
    }
    let promise = navigator.service_worker().register("./sw.js");
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(e) = wasm_bindgen_futures::JsFuture::from(promise).await {
            gloo::console::warn!("Headroom: offline use is unavailable (service worker not registered)", e);
        }
    });
}
