//! No input can panic the parser or the resampler: arbitrary bytes, CSV-shaped noise, valid
//! exports (whose every row must come back), and arbitrary series on arbitrary steps.

use std::collections::BTreeMap;

use headroom_core::{parse, regularise, Aggregation, ResampleError, Series, SeriesKind};
use proptest::collection::vec;
use proptest::prelude::*;

/// Time cells as exports write them, and near misses.
const TIMES: &[&str] = &[
    "2014-02-14 14:27:00",
    "2014-02-14 14:32:00",
    "2014-02-14T14:27:00Z",
    "2014-02-14T14:27:00.250+01:00",
    "2014-02-14T14:27:00+0000",
    "2014/02/14 14:27",
    "2014-02-14 14:27:00 UTC",
    "2014-02-14",
    "2014-02-30",
    "2014-13-45 10:00:00",
    "2014-02-14 24:00:00",
    "9999-12-31T23:59:59Z",
    "0000-01-01 00:00:00",
    "1392388020",
    "1392388320",
    "1392388020000",
    "1392388020000000",
    "1.39238802e18",
    "99999999999999999999",
    "100000000",
    "\"2014-02-14 14:27:00\"",
    "",
];

/// Value cells, headers and the ways they go wrong.
const CELLS: &[&str] = &[
    "timestamp",
    "value",
    "cpu (%)",
    "memory [MB]",
    "\"Time\"",
    "\"a,b\"",
    "\"say \"\"hi\"\"\"",
    "\"",
    "51.8",
    "0.25",
    "1",
    "0",
    "51,8",
    "1,234.5",
    "-0",
    "1e308",
    "1e309",
    "-1e-320",
    "45 %",
    "0.5 %",
    "120ms",
    "4.4 V",
    "NaN",
    "-Inf",
    "null",
    "-",
    "",
    " ",
    "sep=;",
    "µs",
    "é",
];

fn cell(from: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        6 => proptest::sample::select(from).prop_map(String::from),
        1 => "[0-9\\-:T .,;\t\"%eE+NaIfnu]{0,12}",
    ]
}

/// An instant written in one of the forms exports use.
fn format_time(form: u8, minute: i64) -> String {
    let secs = 1_392_388_020 + minute * 60; // from 2014-02-14T14:27:00Z
    let dt = chrono::DateTime::from_timestamp(secs, 0).unwrap_or_default();
    match form % 6 {
        0 => dt.format("%Y-%m-%d %H:%M:%S").to_string(),
        1 => dt.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        2 => dt.format("%Y/%m/%d %H:%M").to_string(),
        3 => secs.to_string(),
        4 => (secs * 1000).to_string(),
        _ => format!("\"{}\"", dt.format("%Y-%m-%dT%H:%M:%S+00:00")),
    }
}

/// One data row: minutes since the start (disorder, duplicates and gaps arise by chance), a
/// near-miss time cell now and then, value cells, a line ending and rarely another delimiter.
type Row = (i64, Option<String>, Vec<String>, &'static str, Option<&'static str>);

const DELIMITERS: &[&str] = &[",", ";", "\t", "|", ", "];

fn data_row() -> impl Strategy<Value = Row> {
    (
        0i64..300,
        prop_oneof![12 => Just(None), 1 => cell(TIMES).prop_map(Some)],
        vec(cell(CELLS), 0..4),
        proptest::sample::select(&["\n", "\r\n", "\r", "\n\n"][..]),
        prop_oneof![15 => Just(None), 1 => proptest::sample::select(DELIMITERS).prop_map(Some)],
    )
}

/// A header-ish first line and rows in one time form and on one delimiter, with every kind of
/// damage now and then.
fn csvish() -> impl Strategy<Value = String> {
    let header = proptest::sample::select(
        &[
            "",
            "timestamp,value\n",
            "time;cpu (%);memory\r\n",
            "sep=,\n\"Time\",\"cpu\",\"latency\"\n",
            "\u{feff}ts\tvalue\n",
            "timestamp,cpu,memory,requests,latency_ms\n",
            "time|memory_used\n",
            "Metrics export\n",
            "Metrics export\nhost,time,value\n",
        ][..],
    );
    // Now and then a label column before the time (`host,time,value`).
    let label =
        prop_oneof![3 => Just(None), 1 => proptest::sample::select(&["web-1", "a", "", "\"x,y\""][..]).prop_map(Some)];
    (header, any::<u8>(), proptest::sample::select(DELIMITERS), label, vec(data_row(), 0..40)).prop_map(
        |(header, form, delim, label, rows)| {
            let mut s = header.to_string();
            for (minute, bad_time, values, end, other) in rows {
                if let Some(label) = label {
                    s.push_str(label);
                    s.push_str(delim);
                }
                s.push_str(&bad_time.unwrap_or_else(|| format_time(form, minute)));
                for v in values {
                    s.push_str(other.unwrap_or(delim));
                    s.push_str(&v);
                }
                s.push_str(end);
            }
            s
        },
    )
}

/// Free text over the alphabets exports are written in.
fn noise() -> impl Strategy<Value = String> {
    "[0-9\\-:T .,;\t\r\n\"%eE+NaIfa-zA-Z]{0,600}"
}

// Case counts keep the whole file under 10 s in a debug build on two idle cores.
proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop_oneof![vec(any::<u8>(), 0..2000), vec(1u8..=255, 0..2000)]) {
        let _ = parse("x.csv", &bytes);
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

    #[test]
    fn csv_shaped_text_never_panics(text in prop_oneof![csvish(), noise()]) {
        if let Ok(p) = parse("x.csv", text.as_bytes()) {
            for s in &p.series {
                prop_assert_eq!(s.timestamps.len(), s.values.len());
                prop_assert!(s.timestamps.windows(2).all(|w| w[0] < w[1]), "{}: not strictly increasing", s.name);
                prop_assert!(s.values.iter().all(|v| !v.is_infinite()));
                let _ = s.stats();
                let _ = s.gaps();
            }
        }
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    /// `timestamp,value` with duplicates, disorder and missing values: one point per distinct
    /// timestamp, each the mean of its finite values (exactly the value when it is alone).
    #[test]
    fn valid_exports_round_trip(
        rows in vec((0i64..400, prop_oneof![9 => (-1e7f64..1e7).prop_map(Some), 1 => Just(None)]), 1..120),
        epoch in any::<bool>(),
    ) {
        let base = 1_400_000_000i64; // 2014-05-13T16:53:20Z
        let mut csv = String::from("timestamp,value\n");
        let mut expected: BTreeMap<i64, Vec<f64>> = BTreeMap::new();
        for &(k, v) in &rows {
            let secs = base + k * 60;
            let t = if epoch {
                secs.to_string()
            } else {
                chrono::DateTime::from_timestamp(secs, 0).unwrap().format("%Y-%m-%d %H:%M:%S").to_string()
            };
            let cell = v.map_or_else(|| "NaN".to_string(), |v| v.to_string());
            csv.push_str(&format!("{t},{cell}\n"));
            expected.entry(secs * 1000).or_default().extend(v);
        }
        let p = parse("t.csv", csv.as_bytes()).unwrap();
        prop_assert_eq!(p.series.len(), 1);
        let s = &p.series[0];
        prop_assert_eq!(s.timestamps.len(), expected.len());
        for ((&t, vs), (&got_t, &got_v)) in expected.iter().zip(s.timestamps.iter().zip(&s.values)) {
            prop_assert_eq!(t, got_t);
            match vs.as_slice() {
                [] => prop_assert!(got_v.is_nan()),
                [v] => prop_assert_eq!(*v, got_v),
                vs => {
                    let mean = vs.iter().sum::<f64>() / vs.len() as f64;
                    prop_assert!((mean - got_v).abs() <= 1e-9 * (1.0 + mean.abs()), "{} vs {}", mean, got_v);
                }
            }
        }
        let duplicates = p.diagnostics.iter().filter(|d| d.message.contains("duplicate timestamp")).count();
        prop_assert_eq!(expected.len() + duplicates, rows.len(), "rows lost silently");
    }

    #[test]
    fn regularise_on_moderate_grids(
        step in 1i64..5_000_000,
        offsets in vec(-5_000i64..5_000, 0..200),
        values in vec(prop_oneof![4 => -1e6f64..1e6, 1 => Just(f64::NAN), 1 => any::<f64>()], 0..200),
        base in -4_000_000_000_000i64..4_000_000_000_000,
        agg in proptest::sample::select(&[Aggregation::Mean, Aggregation::Max, Aggregation::P95][..]),
    ) {
        // Timestamps within ±5000 steps of `base`: at most 10,001 bins.
        let timestamps: Vec<i64> = offsets.iter().map(|o| base + o * step + o.rem_euclid(7) * (step / 7)).collect();
        check_regularise(&series(timestamps, values), step, agg)?;
    }

    #[test]
    fn regularise_on_arbitrary_instants_and_steps(
        timestamps in vec(any::<i64>(), 0..50),
        values in vec(any::<f64>(), 0..50),
        step in prop_oneof![any::<i64>(), Just(1i64), Just(i64::MAX), Just(0i64), Just(-1i64)],
        agg in proptest::sample::select(&[Aggregation::Mean, Aggregation::Max, Aggregation::P95][..]),
    ) {
        check_regularise(&series(timestamps, values), step, agg)?;
    }
}

fn series(timestamps: Vec<i64>, values: Vec<f64>) -> Series {
    Series { name: "s".into(), unit: None, kind: SeriesKind::Other, timestamps, values }
}

/// The grid is strictly increasing by exactly one step from the first point's bin to the last's,
/// and a bin has a finite value exactly when some finite input falls in it.
fn check_regularise(s: &Series, step: i64, agg: Aggregation) -> Result<(), TestCaseError> {
    let r = match regularise(s, step, agg) {
        Ok(r) => r,
        Err(ResampleError::NonPositiveStep { .. }) => {
            prop_assert!(step <= 0);
            return Ok(());
        }
        Err(e) => {
            prop_assert!(!e.to_string().is_empty());
            return Ok(());
        }
    };
    prop_assert!(step > 0);
    prop_assert_eq!(r.timestamps.len(), r.values.len());
    let n = s.timestamps.len().min(s.values.len());
    let points: Vec<(i64, f64)> = s.timestamps.iter().copied().zip(s.values.iter().copied()).take(n).collect();
    if points.is_empty() {
        prop_assert!(r.is_empty());
        return Ok(());
    }
    let bin = |t: i64| (i128::from(t.div_euclid(step))) * i128::from(step);
    let (lo, hi) = points.iter().fold((i64::MAX, i64::MIN), |(lo, hi), &(t, _)| (lo.min(t), hi.max(t)));
    prop_assert_eq!(r.timestamps.first().map(|&t| i128::from(t)), Some(bin(lo)));
    prop_assert_eq!(r.timestamps.last().map(|&t| i128::from(t)), Some(bin(hi)));
    prop_assert!(r.timestamps.windows(2).all(|w| i128::from(w[1]) - i128::from(w[0]) == i128::from(step)));

    let mut finite_per_bin: BTreeMap<i128, Vec<f64>> = BTreeMap::new();
    for &(t, v) in &points {
        let e = finite_per_bin.entry(bin(t)).or_default();
        if v.is_finite() {
            e.push(v);
        }
    }
    for (&t, &v) in r.timestamps.iter().zip(&r.values) {
        let inputs = finite_per_bin.get(&i128::from(t)).map_or(&[][..], Vec::as_slice);
        if inputs.is_empty() {
            prop_assert!(v.is_nan(), "bin {} has no finite input but value {}", t, v);
        } else {
            prop_assert!(v.is_finite(), "bin {} lost its finite inputs {:?}: {}", t, inputs, v);
            let (min, max) = inputs.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
            let slack = 1e-9 * min.abs().max(max.abs());
            prop_assert!(v >= min - slack && v <= max + slack, "bin {}: {} outside [{}, {}]", t, v, min, max);
            if agg == Aggregation::Max {
                prop_assert_eq!(v, max);
            }
        }
    }
    Ok(())
}
