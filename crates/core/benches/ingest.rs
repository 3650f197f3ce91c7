//! Ingest throughput on a generated ~100 MB `timestamp,cpu,memory,requests,latency_ms` CSV.
//!
//! Peer in the same run: the `csv` crate reading the same bytes into the same columns (timestamps
//! parsed with chrono, values with `str::parse`), the common fast path in Rust. Report the ratio
//! of the two, not absolute figures: these machines are shared and noisy.
//!
//!     cargo bench -p headroom-core --bench ingest

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

/// The peer: csv crate + chrono + str::parse into the same five columns, sorted by time.
fn csv_crate(bytes: &[u8]) -> usize {
    let mut rdr = csv::ReaderBuilder::new().has_headers(true).from_reader(bytes);
    let mut ts = Vec::new();
    let mut cols: [Vec<f64>; 4] = Default::default();
    let mut rec = csv::ByteRecord::new();
    while rdr.read_byte_record(&mut rec).unwrap_or(false) {
        let t = std::str::from_utf8(&rec[0])
            .ok()
            .and_then(|s| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").ok())
            .map_or(i64::MIN, |d| d.and_utc().timestamp_millis());
        ts.push(t);
        for (c, col) in cols.iter_mut().enumerate() {
            col.push(std::str::from_utf8(&rec[c + 1]).ok().and_then(|s| s.parse().ok()).unwrap_or(f64::NAN));
        }
    }
    let sorted = ts.windows(2).all(|w| w[0] <= w[1]);
    assert!(sorted);
    ts.len()
}

fn bench(c: &mut Criterion) {
    let bytes = headroom_core::synth::usage_csv(2_400_000, 42); // ≈ 100 MB
    let mut g = c.benchmark_group("ingest_100MB");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_with_input(BenchmarkId::new("headroom_core::parse", bytes.len()), &bytes, |b, bytes| {
        b.iter(|| headroom_core::parse("bench.csv", bytes).map(|p| p.series.len()).unwrap_or(0))
    });
    g.bench_with_input(BenchmarkId::new("peer: csv crate + chrono", bytes.len()), &bytes, |b, bytes| {
        b.iter(|| csv_crate(bytes))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
