//! `headroom-serve [DIR] [ADDR]`: serves the built app (default `dist` on 127.0.0.1:8080).

use std::net::TcpListener;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap_or_else(|| "dist".into());
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:8080".into());
    if !std::path::Path::new(&dir).join("index.html").is_file() {
        eprintln!("headroom-serve: {dir}/index.html not found; build the app first (scripts/serve.sh does)");
        std::process::exit(1);
    }
    let listener = match TcpListener::bind(&addr) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("headroom-serve: cannot listen on {addr}: {e}");
            std::process::exit(1);
        }
    };
    println!("Headroom is served at http://{addr}/  (Ctrl-C stops it)");
    headroom_e2e::serve::run(dir, listener);
}
