//! Mounts the app and registers the offline service worker. Everything else lives in the library
//! so it can be tested in the browser.

fn main() {
    headroom::crash::install();
    headroom::offline::register_service_worker();
    leptos::mount::mount_to_body(headroom::App);
}
