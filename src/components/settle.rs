//! Work that can wait until the planner's hand stops: while a slider is dragged the charts and
//! cards follow every step, but the address bar, the kept settings, the export text and the
//! events table are brought up to date once the value has been still for a moment.

use leptos::prelude::*;

/// How long a value must be still before the work that waits for it runs.
pub const SETTLE_MS: u32 = 150;

/// A counter that moves once whatever `track` reads has not changed for `ms` milliseconds
/// (a burst of changes moves it once, at its end).
pub fn quiet_after(ms: u32, track: impl Fn() + 'static) -> ReadSignal<u32> {
    let (tick, set_tick) = signal(0u32);
    let timer = StoredValue::new_local(None::<gloo::timers::callback::Timeout>);
    Effect::new(move |prev: Option<()>| {
        track();
        if prev.is_some() {
            // Replacing the timer drops (cancels) the one pending.
            timer.set_value(Some(gloo::timers::callback::Timeout::new(ms, move || set_tick.update(|t| *t += 1))));
        }
    });
    tick
}

/// `source`'s value, following it once it has been still for [`SETTLE_MS`].
pub fn settled<T: Clone + PartialEq + Send + Sync + 'static>(source: Signal<T>) -> Memo<T> {
    let tick = quiet_after(SETTLE_MS, move || source.track());
    Memo::new(move |_| {
        tick.track();
        source.get_untracked()
    })
}
