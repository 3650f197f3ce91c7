//! A labelled number with its unit, optionally with a slider beside it. Both are native inputs, so
//! they are keyboard-operable (arrows, Page Up/Down, Home/End on the slider) and announced by
//! screen readers. The slider applies while it is dragged; the number applies when it holds a
//! valid value in range, and otherwise says what is wrong and keeps the last good value. A value
//! the field's `check` refuses is not applied from either: the message says why.

use leptos::prelude::*;

/// How a value is entered.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Range {
    pub min: f64,
    pub max: f64,
    pub step: f64,
}

impl Range {
    pub const fn new(min: f64, max: f64, step: f64) -> Range {
        Range { min, max, step }
    }
}

/// Formats a value for the input without noise (`75`, `0.5`, `1.25`).
pub fn plain(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Reads what was typed: a finite number within `range`, or a sentence saying why not.
pub fn read(text: &str, range: Range, unit: &str) -> Result<f64, String> {
    let t = text.trim().replace(',', ".");
    let v: f64 = t.parse().map_err(|_| format!("“{}” is not a number", text.trim()))?;
    if !v.is_finite() {
        return Err("enter a finite number".into());
    }
    if v < range.min {
        return Err(format!("at least {}", with_unit(range.min, unit)));
    }
    if v > range.max {
        return Err(format!("at most {}", with_unit(range.max, unit)));
    }
    Ok(v)
}

/// `75%`, `1 instance`, `2 instances`, `300 s`: a value with its unit, a counted unit singular at 1.
pub fn with_unit(v: f64, unit: &str) -> String {
    let sp = if unit.is_empty() || unit == "%" { "" } else { " " };
    let counted = unit.len() > 2 && unit.chars().all(|c| c.is_ascii_alphabetic());
    let unit = if v == 1.0 && counted { unit.strip_suffix('s').unwrap_or(unit) } else { unit };
    format!("{}{sp}{unit}", plain(v))
}

#[component]
pub fn NumberField(
    /// Stable id of the number input (also its `data-testid`).
    id: String,
    label: String,
    #[prop(into)] unit: String,
    range: Range,
    #[prop(into)] value: Signal<f64>,
    on_change: Callback<f64>,
    /// Show a slider beside the number.
    #[prop(default = false)]
    slider: bool,
    /// A short explanation under the field.
    #[prop(optional, into)]
    hint: Option<String>,
    /// A rule the range cannot say (below another field's value): why a typed value is refused,
    /// or `None` to take it.
    #[prop(default = None)]
    check: Option<Callback<f64, Option<String>>>,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let unit_for_read = unit.clone();
    let on_number = move |ev: leptos::ev::Event| {
        let read =
            read(&event_target_value(&ev), range, &unit_for_read).and_then(|v| match check.and_then(|c| c.run(v)) {
                Some(why) => Err(why),
                None => Ok(v),
            });
        match read {
            Ok(v) => {
                error.set(None);
                on_change.run(v);
            }
            Err(e) => error.set(Some(e)),
        }
    };
    // The slider's value applies unless `check` refuses it: then the message says why, and the
    // thumb goes back to the value in force when it is let go.
    let on_slider = move |ev: leptos::ev::Event| {
        let Ok(v) = event_target_value(&ev).parse::<f64>() else { return };
        match check.and_then(|c| c.run(v)) {
            Some(why) => error.set(Some(why)),
            None => {
                error.set(None);
                on_change.run(v);
            }
        }
    };
    let on_slider_done = move |ev: leptos::ev::Event| {
        let slider = event_target::<web_sys::HtmlInputElement>(&ev);
        let Ok(v) = slider.value().parse::<f64>() else { return };
        if check.and_then(|c| c.run(v)).is_some() {
            slider.set_value(&plain(value.get_untracked()));
        }
    };
    // The number shows the value unless what is typed already means it ("0.", "1.50" while typing),
    // so typing is never overwritten mid-number.
    let number = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        let v = value.get();
        if let Some(input) = number.get() {
            let typed: Option<f64> = input.value().trim().replace(',', ".").parse().ok();
            if typed != Some(v) {
                input.set_value(&plain(v));
            }
        }
    });
    let error_id = format!("{id}-error");
    let hint_view = hint.map(|h| view! { <span class="field-hint muted">{h}</span> });
    view! {
        <div class="field" class:invalid=move || error.with(Option::is_some)>
            <label for=id.clone()>{label.clone()}</label>
            <div class="field-inputs">
                {slider.then(|| view! {
                    <input type="range" class="field-slider" aria-label=format!("{label} (slider)")
                        min=range.min max=range.max step=range.step
                        prop:value=move || value.get() on:input=on_slider on:change=on_slider_done />
                })}
                <input type="number" class="field-number" id=id.clone() data-testid=id.clone()
                    min=range.min max=range.max step=range.step inputmode="decimal"
                    aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                    aria-describedby=error_id.clone()
                    node_ref=number on:input=on_number />
                <span class="field-unit">{unit}</span>
            </div>
            {hint_view}
            <span class="field-error" id=error_id role="status">{move || error.get()}</span>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_numbers_in_range_and_says_why_not() {
        let r = Range::new(0.0, 100.0, 1.0);
        assert_eq!(read(" 75 ", r, "%"), Ok(75.0));
        assert_eq!(read("37,5", r, "%"), Ok(37.5));
        assert_eq!(read("abc", r, "%"), Err("“abc” is not a number".into()));
        assert_eq!(read("120", r, "%"), Err("at most 100%".into()));
        assert_eq!(read("-1", Range::new(1.0, 10.0, 1.0), "instances"), Err("at least 1 instance".into()));
        assert_eq!(read("11", Range::new(1.0, 10.0, 1.0), "instances"), Err("at most 10 instances".into()));
        assert_eq!(read("0", Range::new(1.0, 10.0, 1.0), "s"), Err("at least 1 s".into()));
        assert_eq!(plain(75.0), "75");
        assert_eq!(plain(0.25), "0.25");
    }
}
