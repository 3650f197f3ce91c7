//! The malformed files of the end-to-end test (`tests/e2e/tests/hostile.rs`), each answered with
//! its own message naming the reason (and the line, where there is one).

use headroom_core::{parse, IngestError};

#[test]
fn each_malformed_file_gets_its_own_message() {
    let cases: [(&str, &[u8], &str); 5] = [
        ("empty.csv", b"", "the file is empty"),
        ("binary.bin", b"\x7fELF\x02\x01\x01\0\0\0", "not a text file (binary data: a NUL byte at offset 7)"),
        (
            "header.csv",
            b"timestamp,value\n",
            "no usable rows: every data row had a problem; the first, at line 1: the file has a header but no data rows",
        ),
        (
            "hash.csv",
            b"timestamp#value\n2014-02-14 14:27:00#1\n2014-02-14 14:32:00#2\n",
            "not a time series: line 1 has a single column (\"timestamp#value\")",
        ),
        (
            "truncated.json",
            b"{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},\"values\":[[1435781430,\"1\"],[14357",
            "not valid JSON: EOF while parsing a list at line 1, column 106",
        ),
    ];
    for (name, bytes, message) in cases {
        let e = parse(name, bytes).unwrap_err().to_string();
        assert!(e.starts_with(message), "{name}: {e}");
    }
    assert!(matches!(parse("e.csv", b""), Err(IngestError::Empty)));
}

#[test]
fn mixed_timestamp_formats_are_named_with_the_first_odd_line() {
    let text = "timestamp,value\n2014-02-14 14:27:00,1\n2014-02-14T14:32:00Z,2\n1392389220,4\nFeb 14 2014 14:52,5\n2014-02-14 14:57:00,6\n1392390000,7\n";
    let e = parse("mixed.csv", text.as_bytes()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "not a time series Headroom can read: column 1 (\"timestamp\") mixes timestamp formats: of 6 rows sampled, 3 read as dates and 2 as epoch numbers; line 4 reads \"1392389220\". Export the timestamps in one format"
    );
    // A few odd rows among many good ones are not refused: they are reported and skipped.
    let text = format!("{text}{}", (0..30).map(|i| format!("2014-02-14 16:{i:02}:00,1\n")).collect::<String>());
    let p = parse("mixed.csv", text.as_bytes()).unwrap();
    assert_eq!(p.series[0].len(), 33);
    assert!(
        p.diagnostics.iter().any(|d| d.line == Some(4) && d.message.contains("\"1392389220\"")),
        "{:?}",
        p.diagnostics
    );
}
