//! Mounts the app. Everything else lives in the library so it can be tested in the browser.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(headroom::App);
}
