//! A small static file server for the built app (`dist/`), bound to 127.0.0.1 only.
//!
//! Used by the end-to-end tests and by `scripts/serve.sh`. Std only: GET and HEAD, correct MIME
//! types (WebAssembly must be served as `application/wasm` for streaming compilation), no
//! directory listings, no paths outside the root. Every response carries the page's
//! Content-Security-Policy (read from the `<meta http-equiv>` that `scripts/csp.sh` puts in
//! `index.html`), so workers, which a meta element does not cover, run under it too.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;

/// Whether the server answers: while false, every request's connection is closed unanswered, as
/// if the network were down (the offline tests use it).
pub type Online = Arc<AtomicBool>;

/// Starts serving `root` on `addr` (port 0 picks a free port) in background threads and returns
/// the bound address.
pub fn spawn(root: impl Into<PathBuf>, addr: &str) -> std::io::Result<SocketAddr> {
    spawn_switchable(root, addr).map(|(a, _)| a)
}

/// [`spawn`], with a switch that takes the server off the network and back.
pub fn spawn_switchable(root: impl Into<PathBuf>, addr: &str) -> std::io::Result<(SocketAddr, Online)> {
    let listener = TcpListener::bind(addr)?;
    let local = listener.local_addr()?;
    let root = root.into();
    let online = Online::new(AtomicBool::new(true));
    let switch = online.clone();
    thread::spawn(move || accept_loop(listener, root, switch));
    Ok((local, online))
}

/// Serves `root` on `addr` in the calling thread, forever.
pub fn run(root: impl Into<PathBuf>, listener: TcpListener) {
    accept_loop(listener, root.into(), Online::new(AtomicBool::new(true)));
}

fn accept_loop(listener: TcpListener, root: PathBuf, online: Online) {
    for stream in listener.incoming().flatten() {
        let root = root.clone();
        let online = online.clone();
        thread::spawn(move || {
            let _ = handle(stream, &root, &online);
        });
    }
}

/// The policy in `root/index.html`'s `<meta http-equiv="Content-Security-Policy">`, plus what only a
/// header can say (`frame-ancestors`); `None` when the page has none.
pub fn content_security_policy(root: &Path) -> Option<String> {
    let html = std::fs::read_to_string(root.join("index.html")).ok()?;
    let meta = html.find("http-equiv=\"Content-Security-Policy\"")?;
    let rest = &html[meta..];
    let start = rest.find("content=\"")? + "content=\"".len();
    let len = rest[start..].find('"')?;
    Some(format!("{}; frame-ancestors 'none'", &rest[start..start + len]))
}

fn handle(mut stream: TcpStream, root: &Path, online: &AtomicBool) -> std::io::Result<()> {
    // Read per connection: the policy's script hash changes with every build of `root`.
    let csp = content_security_policy(root);
    let mut reader = BufReader::new(stream.try_clone()?);
    loop {
        let mut request_line = String::new();
        if !online.load(Ordering::SeqCst) || reader.read_line(&mut request_line)? == 0 || !online.load(Ordering::SeqCst)
        {
            return Ok(());
        }
        let mut keep_alive = true;
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h)? == 0 || h == "\r\n" || h == "\n" {
                break;
            }
            if h.to_ascii_lowercase().starts_with("connection: close") {
                keep_alive = false;
            }
        }
        let mut parts = request_line.split_whitespace();
        let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
        if method != "GET" && method != "HEAD" {
            respond(&mut stream, 405, "text/plain", b"method not allowed", method == "HEAD", &csp)?;
        } else {
            match resolve(root, target) {
                Some(path) => match std::fs::read(&path) {
                    Ok(body) => respond(&mut stream, 200, mime(&path), &body, method == "HEAD", &csp)?,
                    Err(_) => respond(&mut stream, 404, "text/plain", b"not found", method == "HEAD", &csp)?,
                },
                None => respond(&mut stream, 404, "text/plain", b"not found", method == "HEAD", &csp)?,
            }
        }
        if !keep_alive {
            return Ok(());
        }
    }
}

/// Maps a request target to a file under `root`: `/` is `index.html`; query and fragment are
/// ignored; `..` and absolute components are refused.
pub fn resolve(root: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let path = percent_decode(path)?;
    let rel = Path::new(path.trim_start_matches('/'));
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    let full = root.join(rel);
    if full.is_dir() {
        let index = full.join("index.html");
        return index.is_file().then_some(index);
    }
    full.is_file().then_some(full)
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn mime(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "json" | "webmanifest" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn respond(
    stream: &mut TcpStream,
    status: u16,
    mime: &str,
    body: &[u8],
    head: bool,
    csp: &Option<String>,
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Method Not Allowed",
    };
    let csp = csp.as_ref().map_or(String::new(), |p| format!("Content-Security-Policy: {p}\r\n"));
    let header = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {mime}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\n{csp}\r\n",
        body.len()
    );
    stream.write_all(header.as_bytes())?;
    if !head {
        stream.write_all(body)?;
    }
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_inside_the_root_only() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        assert_eq!(resolve(root, "/Cargo.toml?x=1"), Some(root.join("Cargo.toml")));
        assert_eq!(resolve(root, "/../Cargo.toml"), None);
        assert_eq!(resolve(root, "/%2e%2e/Cargo.toml"), None);
        assert_eq!(resolve(root, "/missing"), None);
    }

    #[test]
    fn the_policy_comes_from_the_page() {
        let dir = std::env::temp_dir().join(format!("headroom-serve-csp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        assert_eq!(content_security_policy(&dir), None);
        std::fs::write(
            dir.join("index.html"),
            "<meta charset=\"utf-8\" />\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; object-src 'none'\" />",
        )
        .unwrap();
        assert_eq!(
            content_security_policy(&dir).as_deref(),
            Some("default-src 'self'; object-src 'none'; frame-ancestors 'none'")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
