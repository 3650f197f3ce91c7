//! The JSON families. The first byte chooses an envelope that the rest is placed inside, so
//! mutations of one item (a Prometheus result, a CloudWatch datapoint, ...) reach that family's
//! reader instead of failing JSON syntax at the envelope: 0 = the bytes as they are (whole real
//! exports as seeds), then Prometheus, CloudWatch statistics and data, Datadog v1 and v2, Azure
//! Monitor, records, NDJSON.
#![no_main]

use libfuzzer_sys::fuzz_target;

const ENVELOPES: [(&str, &str); 9] = [
    ("", ""),
    ("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[", "]}}"),
    ("{\"Label\":\"CPUUtilization\",\"Datapoints\":[", "]}"),
    ("{\"MetricDataResults\":[", "],\"Messages\":[]}"),
    ("{\"status\":\"ok\",\"res_type\":\"time_series\",\"series\":[", "]}"),
    ("{\"data\":{\"type\":\"timeseries_response\",\"attributes\":{", "}}}"),
    ("{\"timespan\":\"2024-01-01T00:00:00Z/2024-01-02T00:00:00Z\",\"interval\":\"PT1M\",\"value\":[", "]}"),
    ("[", "]"),
    ("{\"time\":\"2024-01-01T00:00:00Z\",\"cpu\":1}\n", "\n"),
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let (open, close) = ENVELOPES[usize::from(pick) % ENVELOPES.len()];
    let mut bytes = open.as_bytes().to_vec();
    bytes.extend_from_slice(rest);
    bytes.extend_from_slice(close.as_bytes());
    let _ = headroom_core::parse("fuzz.json", &bytes);
});
