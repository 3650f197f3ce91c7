//! The parsing worker (a dedicated Web Worker built by Trunk; see `headroom::worker`).

fn main() {
    #[cfg(target_arch = "wasm32")]
    {
        console_error_panic_hook::set_once();
        headroom::worker::service::run();
    }
}
