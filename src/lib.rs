//! Headroom's web app (Leptos, client-side rendered). Thin: parsing and models are in
//! `headroom-core`; this crate only moves bytes in and draws what core returns.

pub mod app;
pub mod components;
pub mod crash;
pub mod keep;
pub mod offline;
pub mod persist;
pub mod state;
pub mod worker;

pub use app::App;
