//! Bytes to text, text to numbered lines, lines to fields, fields to numbers.

use std::borrow::Cow;

use super::IngestError;

/// Decodes input as UTF-8 text, dropping a byte-order mark. Binary input (a NUL byte in the first
/// 8 KiB, as in images, archives and executables) is refused; other invalid UTF-8 sequences are
/// replaced so a stray Latin-1 character in a label cannot cost the whole file.
pub fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, IngestError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(IngestError::Empty);
    }
    if let Some(offset) = bytes.iter().take(8192).position(|&b| b == 0) {
        return Err(IngestError::Binary { offset });
    }
    // Validation alone is much faster than the lossy scan; only broken input pays for the latter.
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Cow::Borrowed(text)),
        Err(_) => Ok(String::from_utf8_lossy(bytes)),
    }
}

/// Iterates over lines ended by LF, CRLF or a lone CR, with 1-based line numbers.
#[derive(Clone)]
pub struct Lines<'a> {
    rest: &'a str,
    line: usize,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Self {
        Lines { rest: text, line: 0 }
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<(usize, &'a str)> {
        if self.rest.is_empty() {
            return None;
        }
        self.line += 1;
        let bytes = self.rest.as_bytes();
        match bytes.iter().position(|&b| b == b'\n' || b == b'\r') {
            Some(i) => {
                let line = &self.rest[..i];
                let skip = if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') { 2 } else { 1 };
                self.rest = &self.rest[i + skip..];
                Some((self.line, line))
            }
            None => {
                let line = self.rest;
                self.rest = "";
                Some((self.line, line))
            }
        }
    }
}

/// Splits one line into fields on `delim`, honouring double quotes (`"a,b"`, `"say ""hi"""`).
/// Fields are trimmed of surrounding spaces; quotes are removed.
pub fn split_fields<'a>(line: &'a str, delim: u8, out: &mut Vec<Cow<'a, str>>) {
    out.clear();
    let bytes = line.as_bytes();
    let mut i = 0;
    loop {
        // Skip leading spaces of a field (but not a tab delimiter).
        while i < bytes.len() && bytes[i] == b' ' && delim != b' ' {
            i += 1;
        }
        if i < bytes.len() && bytes[i] == b'"' {
            let mut value = String::new();
            let mut j = i + 1;
            let mut start = j;
            // The usual quoted field has no doubled quote inside: borrow it.
            if let Some(k) = bytes[j..].iter().position(|&b| b == b'"') {
                let q = j + k;
                if bytes.get(q + 1) != Some(&b'"') {
                    out.push(Cow::Borrowed(&line[j..q]));
                    match bytes[q + 1..].iter().position(|&b| b == delim) {
                        Some(k) => {
                            i = q + 1 + k + 1;
                            continue;
                        }
                        None => return,
                    }
                }
            }
            loop {
                match bytes[j..].iter().position(|&b| b == b'"') {
                    Some(k) => {
                        let q = j + k;
                        if bytes.get(q + 1) == Some(&b'"') {
                            value.push_str(&line[start..=q]);
                            j = q + 2;
                            start = j;
                        } else {
                            value.push_str(&line[start..q]);
                            j = q + 1;
                            break;
                        }
                    }
                    None => {
                        // Unterminated quote: take the rest of the line as the field.
                        value.push_str(&line[start..]);
                        j = bytes.len();
                        break;
                    }
                }
            }
            out.push(Cow::Owned(value));
            // Skip anything between the closing quote and the next delimiter.
            match bytes[j..].iter().position(|&b| b == delim) {
                Some(k) => i = j + k + 1,
                None => return,
            }
        } else {
            match bytes[i..].iter().position(|&b| b == delim) {
                Some(k) => {
                    out.push(Cow::Borrowed(line[i..i + k].trim_ascii_end()));
                    i += k + 1;
                }
                None => {
                    out.push(Cow::Borrowed(line[i..].trim_ascii_end()));
                    return;
                }
            }
        }
    }
}

/// What one cell of a value column holds.
#[derive(Debug, PartialEq)]
pub enum Cell<'a> {
    /// A number, with the unit written after it (`45 %` → 45, `%`).
    Number(f64, Option<&'a str>),
    /// An empty cell or an explicit missing marker (`NaN`, `null`, `-`, ...).
    Missing,
    /// `Inf`/`+Inf`/`-Inf`: a value that no model can use.
    Infinite,
    /// Anything else.
    Invalid,
}

/// Reads a value cell. `decimal_comma` accepts `51,8` (semicolon-separated European exports).
pub fn parse_cell(s: &str, decimal_comma: bool) -> Cell<'_> {
    let s = s.trim_ascii();
    if let Some(v) = fast_decimal(s.as_bytes()) {
        return Cell::Number(v, None);
    }
    let s = s.trim();
    if s.is_empty() {
        return Cell::Missing;
    }
    // Markers are short and never start with a digit: most cells skip this check entirely.
    if s.len() <= 9 && !s.as_bytes()[0].is_ascii_digit() {
        const MISSING: &[&str] = &["nan", "-nan", "null", "none", "n/a", "na", "-", "undefined"];
        const INFINITE: &[&str] = &["inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"];
        if MISSING.iter().any(|m| s.eq_ignore_ascii_case(m)) {
            return Cell::Missing;
        }
        if INFINITE.iter().any(|m| s.eq_ignore_ascii_case(m)) {
            return Cell::Infinite;
        }
    }
    let bytes = s.as_bytes();
    let mut end = 0;
    let mut seen_digit = false;
    while end < bytes.len() {
        let b = bytes[end];
        let ok = match b {
            b'0'..=b'9' => {
                seen_digit = true;
                true
            }
            b'+' | b'-' => end == 0 || matches!(bytes[end - 1], b'e' | b'E'),
            b'.' => true,
            b',' => true,
            b'e' | b'E' => {
                seen_digit && bytes.get(end + 1).is_some_and(|c| c.is_ascii_digit() || *c == b'-' || *c == b'+')
            }
            _ => false,
        };
        if !ok {
            break;
        }
        end += 1;
    }
    if !seen_digit {
        return Cell::Invalid;
    }
    let num = &s[..end];
    let unit = s[end..].trim();
    let unit = if unit.is_empty() {
        None
    } else if unit.chars().count() <= 8 && unit.chars().all(|c| c.is_alphabetic() || matches!(c, '%' | '/' | 'µ' | '°'))
    {
        Some(unit)
    } else {
        return Cell::Invalid;
    };
    let parsed = if num.contains(',') {
        if decimal_comma && num.matches(',').count() == 1 && !num.contains('.') {
            num.replace(',', ".").parse::<f64>().ok()
        } else if is_thousands_grouped(num) {
            num.replace(',', "").parse::<f64>().ok()
        } else {
            None
        }
    } else {
        num.parse::<f64>().ok()
    };
    match parsed {
        Some(v) if v.is_finite() => Cell::Number(v, unit),
        Some(_) => Cell::Infinite,
        None => Cell::Invalid,
    }
}

/// Powers of ten that are exact in an f64.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22,
];

/// The hot path for plain decimals (`51.846`, `-3`, `900`): `[+-]digits[.digits]`, at most 17
/// characters, read exactly. Clinger's fast path: an integer mantissa m ≤ 2^53 divided by an exact
/// power of ten is one correctly rounded IEEE operation, so the result equals `str::parse`.
/// Anything else (exponents, units, long mantissas) returns `None` and takes the general path.
#[inline]
pub(crate) fn fast_decimal(b: &[u8]) -> Option<f64> {
    let (neg, digits) = match b.first()? {
        b'-' => (true, &b[1..]),
        b'+' => (false, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() || digits.len() > 17 {
        return None;
    }
    let mut m: u64 = 0;
    let mut frac: Option<usize> = None;
    for (i, &c) in digits.iter().enumerate() {
        match c {
            b'0'..=b'9' => {
                m = m * 10 + u64::from(c - b'0');
                if let Some(f) = frac.as_mut() {
                    *f += 1;
                }
            }
            b'.' if frac.is_none() && i > 0 && i + 1 < digits.len() => frac = Some(0),
            _ => return None,
        }
    }
    if m > 1u64 << 53 {
        return None;
    }
    let v = m as f64 / POW10[frac.unwrap_or(0)];
    Some(if neg { -v } else { v })
}

/// `1,234,567.5`: digit groups of three after the first.
fn is_thousands_grouped(num: &str) -> bool {
    let num = num.strip_prefix(['-', '+']).unwrap_or(num);
    let int = num.split('.').next().unwrap_or("");
    let mut groups = int.split(',');
    let first = groups.next().unwrap_or("");
    (1..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_digit())
        && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_with_every_ending() {
        let got: Vec<_> = Lines::new("a\nb\r\nc\rd").collect();
        assert_eq!(got, vec![(1, "a"), (2, "b"), (3, "c"), (4, "d")]);
        let got: Vec<_> = Lines::new("a\n\nb\n").collect();
        assert_eq!(got, vec![(1, "a"), (2, ""), (3, "b")]);
    }

    #[test]
    fn fields_with_quotes() {
        let mut out = Vec::new();
        split_fields(r#""Time","a ""b""",3 , x"#, b',', &mut out);
        assert_eq!(out, vec!["Time", r#"a "b""#, "3", "x"]);
        split_fields("a;;b", b';', &mut out);
        assert_eq!(out, vec!["a", "", "b"]);
        split_fields("a,", b',', &mut out);
        assert_eq!(out, vec!["a", ""]);
    }

    #[test]
    fn cells() {
        assert_eq!(parse_cell("51.846000000000004", false), Cell::Number(51.846000000000004, None));
        assert_eq!(parse_cell("45 %", false), Cell::Number(45.0, Some("%")));
        assert_eq!(parse_cell("4.4 V", false), Cell::Number(4.4, Some("V")));
        assert_eq!(parse_cell("120ms", false), Cell::Number(120.0, Some("ms")));
        assert_eq!(parse_cell("1e-3", false), Cell::Number(0.001, None));
        assert_eq!(parse_cell("-2.5E+2", false), Cell::Number(-250.0, None));
        assert_eq!(parse_cell("51,8", true), Cell::Number(51.8, None));
        assert_eq!(parse_cell("1,234.5", false), Cell::Number(1234.5, None));
        assert_eq!(parse_cell("NaN", false), Cell::Missing);
        assert_eq!(parse_cell("", false), Cell::Missing);
        assert_eq!(parse_cell("+Inf", false), Cell::Infinite);
        assert_eq!(parse_cell("abc", false), Cell::Invalid);
        assert_eq!(parse_cell("12 apples and pears", false), Cell::Invalid);
        assert_eq!(parse_cell("51,8", false), Cell::Invalid);
    }
}
