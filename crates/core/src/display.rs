//! Preparing series for display (never for models): downsampling to what a chart can draw.

/// Largest-Triangle-Three-Buckets downsampling (Steinarsson, 2013) of `(ts, vs)` to at most
/// `threshold` points, keeping the first and last point and the visual shape — peaks survive,
/// which matters for capacity. Missing values (NaN) are kept as gaps: a bucket with no finite value
/// yields one NaN point. Input shorter than `threshold` (or a threshold under 3) is returned as is.
pub fn lttb(ts: &[i64], vs: &[f64], threshold: usize) -> (Vec<i64>, Vec<f64>) {
    let keep = lttb_indices(ts, vs, threshold);
    (keep.iter().map(|&i| ts[i]).collect(), keep.iter().map(|&i| vs[i]).collect())
}

/// The indices [`lttb`] keeps, increasing: to thin series that share their timestamps (a forecast
/// and its bands) at the same instants, so that a chart's tooltip finds all of them at once.
pub fn lttb_indices(ts: &[i64], vs: &[f64], threshold: usize) -> Vec<usize> {
    let n = ts.len().min(vs.len());
    if threshold < 3 || n <= threshold {
        return (0..n).collect();
    }
    let mut out = Vec::with_capacity(threshold);
    out.push(0);
    // Buckets over the points between the first and the last.
    let every = (n - 2) as f64 / (threshold - 2) as f64;
    let mut a = 0usize; // index of the previously selected point
    for i in 0..threshold - 2 {
        let start = (i as f64 * every) as usize + 1;
        let end = (((i + 1) as f64 * every) as usize + 1).min(n - 1);
        // The average of the next bucket (or the last point) is the third vertex.
        let next_start = end;
        let next_end = (((i + 2) as f64 * every) as usize + 1).min(n);
        let (mut avg_t, mut avg_v, mut cnt) = (0.0, 0.0, 0usize);
        for j in next_start..next_end.max(next_start + 1).min(n) {
            if vs[j].is_finite() {
                avg_t += ts[j] as f64;
                avg_v += vs[j];
                cnt += 1;
            }
        }
        let (at, av) = (ts[a] as f64, vs[a]);
        let mut best = None;
        let mut best_area = -1.0;
        for j in start..end.max(start + 1).min(n - 1) {
            if !vs[j].is_finite() {
                continue;
            }
            let area = if cnt == 0 || !av.is_finite() {
                // No reference triangle: prefer the extreme value.
                vs[j].abs()
            } else {
                let (ct, cv) = (avg_t / cnt as f64, avg_v / cnt as f64);
                ((at - ct) * (vs[j] - av) - (at - ts[j] as f64) * (cv - av)).abs()
            };
            if area > best_area {
                best_area = area;
                best = Some(j);
            }
        }
        match best {
            Some(j) => {
                out.push(j);
                a = j;
            }
            // A bucket of missing values: its first point, missing too, keeps the gap visible.
            None => out.push(start.min(n - 1)),
        }
    }
    out.push(n - 1);
    out
}

/// `10000` → `10,000`: counts in messages and on the page.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_series_are_untouched() {
        let (t, v) = lttb(&[1, 2, 3], &[1.0, 2.0, 3.0], 10);
        assert_eq!((t, v), (vec![1, 2, 3], vec![1.0, 2.0, 3.0]));
    }

    #[test]
    fn keeps_ends_count_order_and_peaks() {
        let n = 10_000;
        let ts: Vec<i64> = (0..n).map(|i| i * 60_000).collect();
        let mut vs: Vec<f64> = (0..n).map(|i| 50.0 + (i as f64 / 300.0).sin() * 10.0).collect();
        vs[4321] = 99.0; // a one-point spike a planner must see
        let (t, v) = lttb(&ts, &vs, 500);
        assert_eq!(t.len(), 500);
        assert_eq!((t[0], *t.last().unwrap()), (0, (n - 1) * 60_000));
        assert!(t.windows(2).all(|w| w[0] < w[1]));
        assert!(v.contains(&99.0), "the spike survives downsampling");
    }

    #[test]
    fn gaps_stay_gaps() {
        let n = 1000;
        let ts: Vec<i64> = (0..n).collect();
        let vs: Vec<f64> = (0..n).map(|i| if (400..600).contains(&i) { f64::NAN } else { i as f64 }).collect();
        let (_, v) = lttb(&ts, &vs, 100);
        assert!(v.iter().any(|x| x.is_nan()));
        assert!(v.iter().filter(|x| x.is_finite()).count() >= 70);
    }
}
