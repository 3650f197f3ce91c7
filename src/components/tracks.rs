//! The instances chart's counts and scale events, drawn on a canvas laid over the chart's plot.
//!
//! While a threshold is dragged, the counts change at every step and nothing else does: the axes,
//! the zoom slider, the min and max lines stay. Setting the chart library's option again would
//! redraw all of it (about 10 ms a step, most of the step's time); drawing the step lines and the
//! event squares on a canvas of their own costs well under a millisecond. So the chart keeps
//! the tracks' points (where its tooltip's pointer snaps, and for a PNG) but draws them
//! transparent, and this canvas
//! draws them where the chart's axes put them: again after each of the chart's own redraws (a zoom,
//! a resize, new axes), at once after each replay. The value axis reaches the highest count drawn,
//! tracks or events, and the policy's max line when it is near ([`axis_reach`]).
//!
//! The canvas fills rectangles rather than stroking paths: the browser rasterises what a canvas
//! was given at the end of the task, and a step line stroked as thousands of short segments costs
//! it about 3 ms, where the same line as rectangles, one per pixel column where it is dense
//! ([`solid_rects`]), and the event squares merged along each row ([`square_rects`]) cost under
//! 1 ms (Chromium's trace, `bench/browser/trace_workbench.py`).
//!
//! The value axis does not follow every new peak while the planner's hand moves: its top only
//! grows when the counts no longer fit ([`axis_top`] with room to grow), and shrinks back to fit
//! once the value is still.

use wasm_bindgen::JsCast;

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

/// What the instances axis must reach for counts up to `peak` under a policy whose max is `max`:
/// the max line as well when it is near (at most four times the peak), so that the planner sees
/// how far the fleet is from its ceiling (and the axis, which no count can outgrow then, stays
/// as it is while a value moves); else the peak alone (a far max would flatten the counts).
pub fn axis_reach(peak: u32, max: u32) -> u32 {
    if max <= peak.max(1).saturating_mul(4) {
        peak.max(max)
    } else {
        peak
    }
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

/// The squares of `side` centred at `centres` (in time order: left to right), as rectangles
/// covering exactly the same pixels: squares on one row that touch or overlap are one rectangle.
/// A year of events at a few counts is a few hundred rectangles instead of a thousand squares,
/// filled as one path (whose union is what shows, however many overlap).
pub fn square_rects(centres: &[(f64, f64)], side: f64) -> Vec<Rect> {
    let half = side / 2.0;
    // Per row (by its centre's y): the rectangle being grown, as (left, right).
    let mut open: std::collections::BTreeMap<u64, (f64, f64)> = std::collections::BTreeMap::new();
    let mut out = Vec::new();
    for &(x, y) in centres {
        let (l, r) = (x - half, x + half);
        match open.entry(y.to_bits()) {
            std::collections::btree_map::Entry::Occupied(mut o) => {
                let grown = o.get_mut();
                if l <= grown.1 && r >= grown.0 {
                    *grown = (grown.0.min(l), grown.1.max(r));
                } else {
                    // Out of order or apart: the one grown so far is done (a later square that
                    // overlaps it anyway is filled by the same path: the union shows).
                    out.push([grown.0, y - half, grown.1 - grown.0, side]);
                    *grown = (l, r);
                }
            }
            std::collections::btree_map::Entry::Vacant(v) => {
                v.insert((l, r));
            }
        }
    }
    out.extend(open.iter().map(|(y, &(l, r))| [l, f64::from_bits(*y) - half, r - l, side]));
    out
}

/// A rectangle in pixels: left, top, width, height.
pub type Rect = [f64; 4];

/// The rectangles that cover a line of `width` along `line` (a [`step_line`]: each segment
/// horizontal or vertical), dashed with `pattern` (on, off, … lengths in pixels, an odd count
/// repeated twice, as a canvas does; empty: solid), as the canvas would stroke it with butt caps.
///
/// Filled as one path, these draw what stroking the line draws (at the corners, the joint's square
/// rather than its bevel: under a pixel of difference at the tracks' 2 px). A canvas fills
/// axis-aligned rectangles far faster than it strokes a path of thousands of short segments: in a
/// test page, 2,400 of them in 1.0 ms against 2.7 ms for the stroke. A segment that is neither
/// horizontal nor vertical (never in a step line) is covered by its bounding box.
pub fn line_rects(line: &[(f64, f64)], width: f64, pattern: &[f64]) -> Vec<Rect> {
    let half = width / 2.0;
    // Without repeated vertices, the line's own ends are its first and last vertex.
    let line = simplified(line);
    let mut pattern = pattern.to_vec();
    if pattern.len() % 2 == 1 {
        pattern.extend_from_within(..);
    }
    let period: f64 = pattern.iter().sum();
    let dashed = period > 0.0 && pattern.iter().all(|d| d.is_finite() && *d >= 0.0);
    let mut out = Vec::with_capacity(line.len());
    // How far along the line the segment starts (where the dash pattern is).
    let mut along = 0.0;
    let last = line.len().saturating_sub(1);
    for (i, w) in line.windows(2).enumerate() {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        let len = (x1 - x0).abs() + (y1 - y0).abs();
        if len == 0.0 {
            continue;
        }
        // A point `d` along the segment, and the rectangle of the piece from `a` to `b` along it:
        // reaching half the width past an end that is a joint (to fill the corner), not past a
        // dash's end or the line's own ends (butt caps).
        let at = |d: f64| (x0 + (x1 - x0) * d / len, y0 + (y1 - y0) * d / len);
        let mut piece = |a: f64, b: f64| {
            let ext_a = if a == 0.0 && i > 0 { half } else { 0.0 };
            let ext_b = if b == len && i + 1 < last { half } else { 0.0 };
            let (pa, pb) = (at(a - ext_a), at(b + ext_b));
            let (l, r) = (pa.0.min(pb.0), pa.0.max(pb.0));
            let (t, btm) = (pa.1.min(pb.1), pa.1.max(pb.1));
            if y0 == y1 {
                out.push([l, t - half, r - l, width]);
            } else if x0 == x1 {
                out.push([l - half, t, width, btm - t]);
            } else {
                out.push([l - half, t - half, r - l + width, btm - t + width]);
            }
        };
        if !dashed {
            piece(0.0, len);
        } else {
            // Walk the pattern from where it is at the segment's start.
            let mut d = 0.0;
            let mut phase = along % period;
            let mut k = 0;
            while phase >= pattern[k] {
                phase -= pattern[k];
                k = (k + 1) % pattern.len();
            }
            while d < len {
                let run = (pattern[k] - phase).min(len - d);
                if k % 2 == 0 && run > 0.0 {
                    piece(d, d + run);
                }
                d += run;
                phase = 0.0;
                k = (k + 1) % pattern.len();
            }
        }
        along += len;
    }
    out
}

/// `line` without repeated vertices, and with each run of segments going one way along one
/// horizontal or vertical line made one segment: a step line then alternates horizontal and
/// vertical segments. Its length, and so where a dash pattern along it is, does not change.
fn simplified(line: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(line.len());
    for &p in line {
        if out.last() == Some(&p) {
            continue;
        }
        let n = out.len();
        if n >= 2 {
            let (a, b) = (out[n - 2], out[n - 1]);
            // Along one line and on through b (a turn back keeps b: it is how far the line goes).
            let between = |a: f64, b: f64, c: f64| (a <= b && b <= c) || (c <= b && b <= a);
            if (a.1 == b.1 && b.1 == p.1 && between(a.0, b.0, p.0))
                || (a.0 == b.0 && b.0 == p.0 && between(a.1, b.1, p.1))
            {
                out[n - 1] = p;
                continue;
            }
        }
        out.push(p);
    }
    out
}

/// [`line_rects`] for a solid step line, with at most about one rectangle per pixel column where
/// the line is dense: all the line does within a column (its vertical segments, and the
/// horizontal ones between them) is one rectangle the line's width wide, spanning the levels the
/// line takes there, at the column's first vertical segment; a horizontal segment short enough
/// for the columns at its ends to cover it adds nothing. What it draws stays within a CSS pixel
/// of what [`line_rects`] draws (a column reaches half the width past its lowest and highest
/// level even at the line's ends, where [`line_rects`] ends flat); where a year of counts changes
/// every few pixels, it fills a third as many rectangles, and the canvas' time goes with their
/// number.
pub fn solid_rects(line: &[(f64, f64)], width: f64) -> Vec<Rect> {
    let half = width / 2.0;
    let line = simplified(line);
    let mut out = Vec::with_capacity(line.len() / 2 + 1);
    // The column being gathered: its index, the x it is drawn at, its lowest and highest level.
    let mut column: Option<(f64, f64, f64, f64)> = None;
    let flush = |column: Option<(f64, f64, f64, f64)>, out: &mut Vec<Rect>| {
        if let Some((_, x, lo, hi)) = column {
            out.push([x - half, lo - half, width, hi - lo + width]);
        }
    };
    let last = line.len().saturating_sub(1);
    for (i, w) in line.windows(2).enumerate() {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        if x0 == x1 {
            let (c, lo, hi) = (x0.floor(), y0.min(y1), y0.max(y1));
            match &mut column {
                Some((cc, _, l, h)) if *cc == c => {
                    *l = l.min(lo);
                    *h = h.max(hi);
                }
                _ => {
                    flush(column.take(), &mut out);
                    column = Some((c, x0, lo, hi));
                }
            }
            continue;
        }
        // Between two vertical segments (a simplified step line alternates), a horizontal one
        // that the column before it and the one after it cover: within one column, or reaching
        // no further than the line's width from where the column before is drawn (the next is
        // drawn where it ends).
        let (joint_a, joint_b) = (i > 0, i + 1 < last);
        if y0 == y1 && joint_a && joint_b {
            if let Some((c, x, _, _)) = column {
                if x1.floor() == c || (x1 - x).abs() <= width {
                    continue;
                }
            }
        }
        let ext_a = if joint_a { half } else { 0.0 };
        let ext_b = if joint_b { half } else { 0.0 };
        let (l, r) = if x0 <= x1 { (x0 - ext_a, x1 + ext_b) } else { (x1 - ext_b, x0 + ext_a) };
        let (t, b) = (y0.min(y1), y0.max(y1));
        out.push([l, t - half, r - l, b - t + width]);
        if y0 != y1 {
            // Not a step line's: what follows cannot count on the column before.
            flush(column.take(), &mut out);
        }
    }
    flush(column, &mut out);
    out
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
        // Each series as rectangles, filled as one path: one fill, however many (see `line_rects`).
        let (rects, alpha) = if mark == Mark::Square {
            (square_rects(&squares(points, &frame), SQUARE), SQUARE_OPACITY)
        } else {
            let line = step_line(points, &frame);
            let pattern = dash(mark, LINE_WIDTH);
            let rects = if pattern.is_empty() {
                solid_rects(&line, LINE_WIDTH)
            } else {
                line_rects(&line, LINE_WIDTH, &pattern)
            };
            (rects, 1.0)
        };
        ctx.begin_path();
        for [x, y, w, h] in rects {
            ctx.rect(x, y, w, h);
        }
        ctx.set_global_alpha(alpha);
        ctx.set_fill_style_str(color);
        ctx.fill();
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
    fn the_axis_reaches_a_near_max_line_and_not_a_far_one() {
        assert_eq!(axis_reach(4, 10), 10);
        assert_eq!(axis_reach(10, 10), 10);
        assert_eq!(axis_reach(2, 10), 2);
        assert_eq!(axis_reach(0, 3), 3);
        assert_eq!(axis_reach(5, 1000), 5);
    }

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
    fn a_solid_line_is_covered_by_one_rectangle_a_segment_reaching_into_its_corners() {
        let line = [(60.0, 180.0), (90.0, 180.0), (90.0, 150.0), (140.0, 150.0)];
        // Butt ends at the line's own ends; half the width past each joint.
        assert_eq!(
            line_rects(&line, 2.0, &[]),
            [[60.0, 179.0, 31.0, 2.0], [89.0, 149.0, 2.0, 32.0], [89.0, 149.0, 51.0, 2.0]]
        );
        // A repeated vertex draws nothing of its own; a lone vertex nothing at all.
        let doubled = [(60.0, 180.0), (90.0, 180.0), (90.0, 180.0), (90.0, 150.0)];
        assert_eq!(line_rects(&doubled, 2.0, &[]).len(), 2);
        assert!(line_rects(&[(1.0, 2.0)], 2.0, &[]).is_empty());
    }

    #[test]
    fn a_dashed_line_keeps_its_pattern_along_the_whole_line_and_around_corners() {
        let flat = [(0.0, 10.0), (20.0, 10.0)];
        let xs: Vec<(f64, f64)> = line_rects(&flat, 2.0, &[4.0, 2.0]).iter().map(|r| (r[0], r[0] + r[2])).collect();
        assert_eq!(xs, [(0.0, 4.0), (6.0, 10.0), (12.0, 16.0), (18.0, 20.0)]);
        assert!(line_rects(&flat, 2.0, &[4.0, 2.0]).iter().all(|r| r[1] == 9.0 && r[3] == 2.0));
        // Around a corner: 4 on and 1 off along the first segment, then 1 more off and 4 on down
        // the second, to the line's end.
        let corner = [(0.0, 0.0), (5.0, 0.0), (5.0, 5.0)];
        assert_eq!(line_rects(&corner, 2.0, &[4.0, 2.0]), [[0.0, -1.0, 4.0, 2.0], [4.0, 1.0, 2.0, 4.0]]);
        // A dash across the corner reaches into it from both sides.
        let across = line_rects(&corner, 2.0, &[10.0]);
        assert_eq!(across, [[0.0, -1.0, 6.0, 2.0], [4.0, -1.0, 2.0, 6.0]]);
        // An odd pattern is repeated (dotted: [w] is w on, w off).
        let dots: Vec<f64> = line_rects(&flat, 2.0, &[2.0]).iter().map(|r| r[0]).collect();
        assert_eq!(dots, [0.0, 4.0, 8.0, 12.0, 16.0]);
    }

    /// Whether a point is in any of `rects` grown by `grow` on every side.
    fn covered(rects: &[Rect], (x, y): (f64, f64), grow: f64) -> bool {
        rects.iter().any(|r| x >= r[0] - grow && x <= r[0] + r[2] + grow && y >= r[1] - grow && y <= r[1] + r[3] + grow)
    }

    /// A step line's points, flat, changing `n` times at random gaps of up to `gap` ms between
    /// counts 0 to 9 (a tiny generator: the same lines every run).
    fn random_points(seed: u64, n: usize, gap: f64) -> Vec<f64> {
        let mut state = seed;
        let mut next = move || {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as f64 / (1u64 << 31) as f64
        };
        let mut t = 0.0;
        let mut out = Vec::new();
        for _ in 0..n {
            t += (next() * gap).round();
            out.extend([t, (next() * 10.0).floor()]);
        }
        out
    }

    #[test]
    fn a_solid_line_s_columns_draw_what_its_segments_draw_within_a_pixel() {
        // Dense (a change every half pixel on average), medium and sparse lines, over 100 px.
        for (seed, n, gap) in [(1, 400, 250.0), (2, 400, 250.0), (3, 60, 3_000.0), (4, 12, 15_000.0), (5, 200, 800.0)] {
            let points = random_points(seed, n, gap);
            let line = step_line(&points, &frame());
            let (exact, columns) = (line_rects(&line, 2.0, &[]), solid_rects(&line, 2.0));
            // Sampled every quarter pixel across and half pixel up, over the plot and a little around it.
            for i in 0..=440 {
                for j in 0..=420 {
                    let p = (40.0 + f64::from(i) * 0.25, 10.0 + f64::from(j) * 0.5);
                    assert!(
                        !covered(&exact, p, 0.0) || covered(&columns, p, 1.0),
                        "seed {seed}: {p:?} is drawn by the segments, not by the columns"
                    );
                    assert!(
                        !covered(&columns, p, 0.0) || covered(&exact, p, 1.0),
                        "seed {seed}: {p:?} is drawn by the columns, not by the segments"
                    );
                }
            }
            // Where it is dense, far fewer rectangles: about one per column.
            if gap <= 250.0 {
                assert!(
                    columns.len() * 3 <= exact.len() && columns.len() <= 130,
                    "{} vs {}",
                    columns.len(),
                    exact.len()
                );
            }
        }
        // A sparse line draws exactly what its segments draw.
        let sparse = [(60.0, 180.0), (90.0, 180.0), (90.0, 150.0), (140.0, 150.0)];
        let mut a = solid_rects(&sparse, 2.0);
        let mut b = line_rects(&sparse, 2.0, &[]);
        a.sort_by(|x, y| x.partial_cmp(y).unwrap_or(std::cmp::Ordering::Equal));
        b.sort_by(|x, y| x.partial_cmp(y).unwrap_or(std::cmp::Ordering::Equal));
        assert_eq!(a, b);
    }

    #[test]
    fn squares_that_touch_on_a_row_are_one_rectangle_covering_the_same_pixels() {
        // Two rows: 3 overlapping squares then a lone one on row 10; two touching on row 20.
        let centres = [(0.0, 10.0), (2.0, 10.0), (20.0, 20.0), (4.0, 10.0), (25.0, 20.0), (30.0, 10.0)];
        let rects = square_rects(&centres, 5.0);
        assert_eq!(rects.len(), 3, "{rects:?}");
        for c in centres {
            assert!(covered(&rects, c, 0.0), "{c:?}");
        }
        assert!(rects.contains(&[-2.5, 7.5, 9.0, 5.0]), "{rects:?}");
        assert!(rects.contains(&[27.5, 7.5, 5.0, 5.0]), "{rects:?}");
        assert!(rects.contains(&[17.5, 17.5, 10.0, 5.0]), "{rects:?}");
        // Nothing between squares that do not touch.
        assert!(!covered(&rects, (15.0, 10.0), 0.0));
    }

    #[test]
    fn simplifying_keeps_how_far_a_line_goes() {
        // Collinear runs one way become one segment; a turn back on the same line is kept.
        let on = [(0.0, 0.0), (1.0, 0.0), (1.0, 0.0), (3.0, 0.0), (3.0, 5.0)];
        assert_eq!(simplified(&on), [(0.0, 0.0), (3.0, 0.0), (3.0, 5.0)]);
        let back = [(0.0, 0.0), (0.0, 10.0), (0.0, 4.0), (6.0, 4.0)];
        assert_eq!(simplified(&back), back);
        // So a column still spans the whole of it.
        let rects = solid_rects(&back, 2.0);
        assert!(covered(&rects, (0.0, 9.5), 0.0), "{rects:?}");
    }

    #[test]
    fn squares_out_of_order_are_all_covered() {
        let centres = [(10.0, 5.0), (2.0, 5.0), (8.0, 5.0), (30.0, 5.0)];
        let rects = square_rects(&centres, 5.0);
        for c in centres {
            assert!(covered(&rects, c, 0.0) && covered(&rects, (c.0 - 2.4, c.1), 0.0), "{c:?}: {rects:?}");
        }
    }

    #[test]
    fn dashes_are_the_chart_library_s() {
        assert_eq!(dash(Mark::Dashed, 2.0), [8.0, 4.0]);
        assert_eq!(dash(Mark::Dotted, 2.0), [2.0]);
        assert!(dash(Mark::Solid, 2.0).is_empty());
    }
}
