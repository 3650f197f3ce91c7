//! What every parser does last with each series: order by time, merge duplicates, report both.

use std::collections::HashMap;

use super::Diagnostics;
use crate::series::Series;

/// Builds a series from rows in file order: sorts by time (reporting the first row out of order)
/// and merges duplicate timestamps by averaging their values (reporting each duplicate).
pub(crate) fn finish_series(
    mut series: Series,
    lines: &[usize],
    column: Option<usize>,
    diags: &mut Diagnostics,
) -> Series {
    let n = series.timestamps.len();
    let sorted = series.timestamps.windows(2).all(|w| w[0] <= w[1]);
    let mut order: Vec<usize> = (0..n).collect();
    if !sorted {
        let first_bad = series.timestamps.windows(2).position(|w| w[1] < w[0]).map_or(0, |i| i + 1);
        diags.push(
            Some(lines[first_bad]),
            column,
            format!("\"{}\": rows are not in time order (first at this line); sorted by time", series.name),
        );
        order.sort_by_key(|&i| series.timestamps[i]);
    }
    let mut ts = Vec::with_capacity(n);
    let mut vs = Vec::with_capacity(n);
    let mut group: Vec<f64> = Vec::new();
    let mut first_line: HashMap<i64, usize> = HashMap::new();
    let mut k = 0;
    while k < n {
        let t = series.timestamps[order[k]];
        group.clear();
        group.push(series.values[order[k]]);
        let mut j = k + 1;
        while j < n && series.timestamps[order[j]] == t {
            group.push(series.values[order[j]]);
            let first = *first_line.entry(t).or_insert(lines[order[k]]);
            diags.push(
                Some(lines[order[j]]),
                column,
                format!(
                    "\"{}\": duplicate timestamp {} (first at line {first}); values averaged",
                    series.name,
                    crate::time::to_rfc3339(t)
                ),
            );
            j += 1;
        }
        let finite: Vec<f64> = group.iter().copied().filter(|v| v.is_finite()).collect();
        let v = if finite.is_empty() { f64::NAN } else { finite.iter().sum::<f64>() / finite.len() as f64 };
        ts.push(t);
        vs.push(v);
        k = j;
    }
    series.timestamps = ts;
    series.values = vs;
    series
}
