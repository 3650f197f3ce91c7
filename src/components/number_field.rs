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

/// A slider over a range of three orders of magnitude or more (a response time from 10 ms to a
/// minute, a request rate from 0.1 to 100,000) moves on a logarithmic scale: on a straight one,
/// the values a planner uses would crowd into its first few pixels.
pub fn slider_is_log(range: Range) -> bool {
    range.min > 0.0 && range.max / range.min >= 1000.0
}

/// The positions of a logarithmic slider over `range` (0 to this): each 1.2 % above the last, so
/// that no two of them round to the same value at three significant digits (an arrow key always
/// moves it).
pub fn log_positions(range: Range) -> f64 {
    ((range.max / range.min).ln() / 1.012f64.ln()).ceil().max(1.0)
}

/// Where `v` sits on a logarithmic slider over `range`.
pub fn log_position(v: f64, range: Range) -> f64 {
    let n = log_positions(range);
    let p = n * (v / range.min).ln() / (range.max / range.min).ln();
    if p.is_finite() {
        p.round().clamp(0.0, n)
    } else {
        0.0
    }
}

/// The value at position `p` of a logarithmic slider over `range`, to three significant digits.
pub fn log_value(p: f64, range: Range) -> f64 {
    let n = log_positions(range);
    let v = range.min * (range.max / range.min).powf(p.clamp(0.0, n) / n);
    let digits = 2 - v.log10().floor() as i32;
    let scale = 10f64.powi(digits.abs());
    let rounded = if digits >= 0 { (v * scale).round() / scale } else { (v / scale).round() * scale };
    rounded.clamp(range.min, range.max)
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
    /// A rule the range cannot say (below another field's value): why a typed or dragged value is
    /// refused, or `None` to take it.
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
    let log = slider_is_log(range);
    // The slider's own value: the field's value, or its position on a logarithmic slider.
    let to_slider = move |v: f64| if log { log_position(v, range) } else { v };
    let from_slider = move |p: f64| if log { log_value(p, range) } else { p };
    let on_slider = move |ev: leptos::ev::Event| {
        let Ok(v) = event_target_value(&ev).parse::<f64>().map(from_slider) else { return };
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
        let Ok(v) = slider.value().parse::<f64>().map(from_slider) else { return };
        if check.and_then(|c| c.run(v)).is_some() {
            // Back where the field's value is: both inputs show it, and nothing is wrong now.
            slider.set_value(&plain(to_slider(value.get_untracked())));
            error.set(None);
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
                {slider.then(|| {
                    let (min, max, step) = if log { (0.0, log_positions(range), 1.0) } else { (range.min, range.max, range.step) };
                    let unit = unit.clone();
                    view! {
                        <input type="range" class="field-slider" aria-label=format!("{label} (slider)")
                            min=min max=max step=step
                            // Said as the value with its unit (a logarithmic slider's own is a position).
                            aria-valuetext=move || with_unit(value.get(), &unit)
                            prop:value=move || to_slider(value.get()) on:input=on_slider on:change=on_slider_done />
                    }
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

    #[test]
    fn wide_ranges_slide_on_a_log_scale_where_every_position_is_a_new_value() {
        let latency = Range::new(0.01, 60.0, 0.01);
        let requests = Range::new(0.1, 100_000.0, 1.0);
        assert!(slider_is_log(latency) && slider_is_log(requests));
        assert!(!slider_is_log(Range::new(1.0, 100.0, 1.0)), "percentages stay on a straight scale");
        for r in [latency, requests] {
            assert_eq!((log_value(0.0, r), log_value(log_positions(r), r)), (r.min, r.max));
            let values: Vec<f64> = (0..=log_positions(r) as u32).map(|p| log_value(f64::from(p), r)).collect();
            // Every position a value above the last: an arrow key always moves it.
            assert!(values.windows(2).all(|w| w[1] > w[0]), "{r:?}");
            // Three significant digits, shown without noise.
            for &v in &values {
                let shown = plain(v);
                let digits = shown.chars().filter(char::is_ascii_digit).skip_while(|&c| c == '0').count();
                assert!(digits <= 3 || v >= 1000.0, "{shown}");
            }
            // A value's position gives it back (to three significant digits).
            for v in [r.min, 2.0, 45.0, r.max] {
                let back = log_value(log_position(v, r), r);
                assert!((back - v).abs() <= v * 0.01, "{v} → {back}");
            }
        }
        // The values a planner uses sit in the slider's middle, not its first pixels.
        let middle = |v: f64, r: Range| (0.3..=0.7).contains(&(log_position(v, r) / log_positions(r)));
        assert!(middle(2.0, latency) && middle(100.0, requests));
    }
}
