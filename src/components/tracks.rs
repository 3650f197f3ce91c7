//! The instances chart's counts and scale events, drawn on a canvas laid over the chart's plot.
//!
//! While a threshold is dragged, the counts change at every step and nothing else does: the axes,
//! the zoom slider, the min and max lines stay. Setting the chart library's option again would
//! redraw all of it (about 10 ms a step, most of the step's time); drawing the step lines and the
//! event squares on a canvas of their own costs well under a millisecond. So the chart keeps
//! the tracks' points (for its tooltip and for a PNG) but draws them transparent, and this canvas
//! draws them where the chart's axes put them: again after each of the chart's own redraws (a zoom,
//! a resize, new axes), at once after each replay. The value axis reaches the highest count drawn,
//! tracks or events.
//!
//! The value axis does not follow every new peak while the planner's hand moves: its top only
//! grows when the counts no longer fit ([`axis_top`] with room to grow), and shrinks back to fit
//! once the value is still.

use wasm_bindgen::{JsCast, JsValue};

use super::echarts;
use super::legend::Mark;
use super::results::INSTANCE_SERIES;

/// The top of the instances axis for counts up to `peak`: the round number just above it that
/// the chart library would choose itself (a nice step of about a fifth of the range, at least 1).
pub fn axis_top(peak: u32) -> u32 {
    let peak = peak.max(1);
    let step = nice(f64::from(peak) / 5.0).max(1.0);
    ((f64::from(peak) / step).ceil() * step) as u32
}

/// The top to grow to while the planner's hand moves, when the counts outgrew the axis: with room
/// for half as much again, so that a drag that keeps raising the peak redraws the axes seldom.
pub fn grown_top(peak: u32) -> u32 {
    axis_top(peak.saturating_add(peak / 2))
}

/// 1, 2, 3 or 5 times a power of ten, the nearest to `v` (as the chart library rounds its steps).
fn nice(v: f64) -> f64 {
    if !v.is_finite() || v <= 0.0 {
        return 1.0;
    }
    let exp = 10f64.powf(v.log10().floor());
    let f = v / exp;
    let n = if f < 1.5 {
        1.0
    } else if f < 2.5 {
        2.0
    } else if f < 4.0 {
        3.0
    } else if f < 7.0 {
        5.0
    } else {
        10.0
    };
    n * exp
}

/// Where the chart's plot is and what its edges stand for: pixels from the chart's top left, the
/// instants at the plot's left and right edges (ms since the epoch), and the pixel rows of the
/// counts 0 and 1 (a linear value axis).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
    pub t0: f64,
    pub t1: f64,
    pub y0: f64,
    pub y1: f64,
}

impl Frame {
    fn x(&self, t: f64) -> f64 {
        let x = self.left + (t - self.t0) / (self.t1 - self.t0) * (self.right - self.left);
        // Far outside the plot only the side matters (and the canvas is spared huge numbers).
        x.clamp(self.left - 50.0, self.right + 50.0)
    }

    fn y(&self, v: f64) -> f64 {
        self.y0 + v * (self.y1 - self.y0)
    }

    fn usable(&self) -> bool {
        [self.left, self.right, self.top, self.bottom, self.t0, self.t1, self.y0, self.y1].iter().all(|v| v.is_finite())
            && self.right > self.left
            && self.bottom > self.top
            && self.t1 > self.t0
    }
}

/// A step line's vertices in pixels, for points flat as `[t0, v0, t1, v1, …]` (each count held
/// until the next point): only the part in view, plus the steps into and out of it.
pub fn step_line(points: &[f64], f: &Frame) -> Vec<(f64, f64)> {
    let pts: Vec<(f64, f64)> = points.chunks_exact(2).map(|p| (p[0], p[1])).collect();
    if pts.is_empty() || !f.usable() {
        return Vec::new();
    }
    // The last point at or before the left edge, and the first at or after the right one.
    let first = pts.partition_point(|p| p.0 <= f.t0).saturating_sub(1);
    let last = pts.partition_point(|p| p.0 < f.t1).min(pts.len() - 1);
    let mut out = Vec::with_capacity(2 * (last - first + 1));
    for i in first..=last {
        let (t, v) = pts[i];
        let y = f.y(v);
        out.push((f.x(t), y));
        if i < last {
            out.push((f.x(pts[i + 1].0), y));
        }
    }
    out
}

/// The centres of the event squares in view, in pixels, for points flat as `[t0, v0, …]`.
pub fn squares(points: &[f64], f: &Frame) -> Vec<(f64, f64)> {
    if !f.usable() {
        return Vec::new();
    }
    points.chunks_exact(2).filter(|p| p[0] >= f.t0 && p[0] <= f.t1).map(|p| (f.x(p[0]), f.y(p[1]))).collect()
}

/// The dash pattern the chart library gives a line of `width` drawn as `mark` (empty: solid).
pub fn dash(mark: Mark, width: f64) -> Vec<f64> {
    match mark {
        Mark::Dashed => vec![4.0 * width, 2.0 * width],
        Mark::Dotted => vec![width],
        _ => Vec::new(),
    }
}

/// The width of the tracks' lines (the chart library's default for a line series).
pub const LINE_WIDTH: f64 = 2.0;
/// The side of an event's square, in pixels, and how opaque it is.
pub const SQUARE: f64 = 5.0;
pub const SQUARE_OPACITY: f64 = 0.7;

/// Draws `data` (points by series id, as the instances chart holds them) on `canvas`, laid over
/// the chart in `el`, where its axes put them now. Clears the canvas when the chart is not
/// drawn. The canvas is sized to the chart (at the screen's pixel density) when that changed.
pub fn draw(canvas: &web_sys::HtmlCanvasElement, el: &web_sys::Element, data: &[(&str, Vec<f64>)]) {
    let Some((w, h, frame)) = echarts::frame(el) else {
        clear(canvas);
        return;
    };
    let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).max(1.0);
    let (pw, ph) = ((w * dpr).round() as u32, (h * dpr).round() as u32);
    let (css_w, css_h) = (format!("{w}px"), format!("{h}px"));
    let style = canvas.style();
    if canvas.width() != pw || canvas.height() != ph {
        canvas.set_width(pw);
        canvas.set_height(ph);
    }
    if style.get_property_value("width").ok().as_deref() != Some(css_w.as_str())
        || style.get_property_value("height").ok().as_deref() != Some(css_h.as_str())
    {
        let _ = style.set_property("width", &css_w);
        let _ = style.set_property("height", &css_h);
    }
    let Some(ctx) = context(canvas) else { return };
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, w, h);
    ctx.save();
    ctx.begin_path();
    // The plot, and the width of a line above and below it (a count at the axis' top or at 0
    // is drawn whole, as the chart library draws it).
    ctx.rect(frame.left, frame.top - LINE_WIDTH, frame.right - frame.left, frame.bottom - frame.top + 2.0 * LINE_WIDTH);
    ctx.clip();
    for (id, points) in data {
        let Some(&(_, _, color, mark)) = INSTANCE_SERIES.iter().find(|s| s.0 == *id) else { continue };
        if mark == Mark::Square {
            // One path for every square: one fill, however many events.
            ctx.begin_path();
            for (x, y) in squares(points, &frame) {
                ctx.rect(x - SQUARE / 2.0, y - SQUARE / 2.0, SQUARE, SQUARE);
            }
            ctx.set_global_alpha(SQUARE_OPACITY);
            ctx.set_fill_style_str(color);
            ctx.fill();
            ctx.set_global_alpha(1.0);
            continue;
        }
        let line = step_line(points, &frame);
        let Some(&(x, y)) = line.first() else { continue };
        ctx.begin_path();
        ctx.move_to(x, y);
        for &(x, y) in &line[1..] {
            ctx.line_to(x, y);
        }
        ctx.set_stroke_style_str(color);
        ctx.set_line_width(LINE_WIDTH);
        ctx.set_line_join("bevel");
        let pattern: js_sys::Array = dash(mark, LINE_WIDTH).into_iter().map(JsValue::from_f64).collect();
        let _ = ctx.set_line_dash(&pattern);
        ctx.stroke();
    }
    ctx.restore();
}

fn context(canvas: &web_sys::HtmlCanvasElement) -> Option<web_sys::CanvasRenderingContext2d> {
    canvas.get_context("2d").ok().flatten()?.dyn_into().ok()
}

/// Clears `canvas`.
pub fn clear(canvas: &web_sys::HtmlCanvasElement) {
    if let Some(ctx) = context(canvas) {
        let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
        ctx.clear_rect(0.0, 0.0, f64::from(canvas.width()), f64::from(canvas.height()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_ends_on_the_round_number_the_chart_library_would_choose() {
        // A fifth of the range, rounded to 1, 2, 3 or 5 × 10ⁿ (at least 1), and the top a multiple.
        let tops: Vec<u32> = [0, 1, 4, 5, 6, 7, 9, 12, 13, 17, 40, 41, 130, 999].iter().map(|&p| axis_top(p)).collect();
        assert_eq!(tops, [1, 1, 4, 5, 6, 7, 10, 12, 15, 18, 40, 50, 150, 1000]);
        for peak in 0..2_000 {
            assert!(axis_top(peak) >= peak, "{peak}");
            assert!(grown_top(peak) >= axis_top(peak), "{peak}");
        }
        // Room to grow: a peak raised by half still fits.
        assert!(grown_top(10) >= 15 && grown_top(100) >= 150);
    }

    fn frame() -> Frame {
        // 100 px for 100 s from x = 50; 10 px per instance up from y = 200.
        Frame { left: 50.0, right: 150.0, top: 20.0, bottom: 200.0, t0: 0.0, t1: 100_000.0, y0: 200.0, y1: 190.0 }
    }

    #[test]
    fn a_step_line_holds_each_count_until_the_next_change() {
        let pts = [10_000.0, 2.0, 40_000.0, 5.0, 90_000.0, 3.0];
        let line = step_line(&pts, &frame());
        assert_eq!(line, [(60.0, 180.0), (90.0, 180.0), (90.0, 150.0), (140.0, 150.0), (140.0, 170.0)]);
    }

    #[test]
    fn a_zoomed_step_line_keeps_the_steps_into_and_out_of_view_and_nothing_else() {
        let f = Frame { t0: 30_000.0, t1: 60_000.0, ..frame() };
        let pts = [0.0, 1.0, 10_000.0, 2.0, 40_000.0, 5.0, 50_000.0, 4.0, 70_000.0, 6.0, 90_000.0, 3.0];
        let line = step_line(&pts, &f);
        // From the count held into view (2, since 10 s), to the first change after it (6 at 70 s).
        let xs: Vec<f64> = line.iter().map(|p| p.0).collect();
        let ys: Vec<f64> = line.iter().map(|p| p.1).collect();
        assert_eq!(ys, [180.0, 180.0, 150.0, 150.0, 160.0, 160.0, 140.0]);
        assert_eq!(xs[0], 0.0, "the step into view starts off the plot, clamped: {xs:?}");
        assert!((xs[2] - 83.333).abs() < 0.01 && (xs[4] - 116.667).abs() < 0.01, "{xs:?}");
        assert!((xs[6] - 183.333).abs() < 0.01, "the step out of view ends off the plot: {xs:?}");
        // Zoomed in between two changes: the count held across the whole plot.
        let between = Frame { t0: 41_000.0, t1: 42_000.0, ..frame() };
        assert_eq!(step_line(&pts, &between), [(0.0, 150.0), (200.0, 150.0), (200.0, 160.0)]);
    }

    #[test]
    fn nothing_is_drawn_without_points_or_a_plot() {
        assert!(step_line(&[], &frame()).is_empty());
        let flat = Frame { t1: 0.0, ..frame() };
        assert!(step_line(&[1.0, 2.0], &flat).is_empty());
        assert!(squares(&[1.0, 2.0], &Frame { y0: f64::NAN, ..frame() }).is_empty());
        // A lone point is held from where it is.
        assert_eq!(step_line(&[50_000.0, 1.0], &frame()), [(100.0, 190.0)]);
    }

    #[test]
    fn only_events_in_view_get_a_square() {
        let pts = [5_000.0, 2.0, 50_000.0, 3.0, 150_000.0, 4.0];
        assert_eq!(squares(&pts, &frame()), [(55.0, 180.0), (100.0, 170.0)]);
    }

    #[test]
    fn dashes_are_the_chart_library_s() {
        assert_eq!(dash(Mark::Dashed, 2.0), [8.0, 4.0]);
        assert_eq!(dash(Mark::Dotted, 2.0), [2.0]);
        assert!(dash(Mark::Solid, 2.0).is_empty());
    }
}
