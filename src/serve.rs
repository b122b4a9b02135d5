//! `sotay serve`: build into a private folder, serve it on 127.0.0.1, watch
//! content/, themes/ and assets/, rebuild on change and reload the open page.
//! A failed build keeps the last good site and shows its errors over the page
//! (and in the terminal) until the file is fixed. Never writes into content/.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use crate::build::{BuildOptions, build};
use crate::diag::Diagnostic;

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub port: u16,
}

/// What the browser polls: a build counter and the current errors.
#[derive(Default)]
struct State {
    version: u64,
    errors: Vec<String>,
}

const LIVE_JS: &str = r#"(function () {
  "use strict";
  var seen = null, box = null;
  function show(errors) {
    if (!errors.length) { if (box) { box.remove(); box = null; } return; }
    if (!box) {
      box = document.createElement("div");
      box.setAttribute("role", "alert");
      box.id = "sotay-loi";
      box.style.cssText = "position:fixed;inset:0;z-index:99999;overflow:auto;background:rgba(20,20,20,.94);color:#fff;font:14px/1.5 ui-monospace,monospace;padding:24px;white-space:pre-wrap";
      document.body.appendChild(box);
    }
    box.textContent = "sotay: bản dựng lỗi (build failed). Sửa tệp rồi lưu lại; trang tự tải lại.\n\n" + errors.join("\n\n");
  }
  function poll() {
    fetch("/__sotay/status", { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (s) {
      if (seen !== null && s.version !== seen && !s.errors.length) { location.reload(); return; }
      seen = s.version;
      show(s.errors);
    }).catch(function () {}).then(function () { setTimeout(poll, 700); });
  }
  poll();
})();
"#;

pub fn serve(opts: &ServeOptions) -> Result<(), Diagnostic> {
    crate::output::remove_dead_temp("sotay-serve-");
    let out = std::env::temp_dir()
        .join(format!("sotay-serve-{}", std::process::id()))
        .join("public");
    let state = Arc::new(Mutex::new(State::default()));
    rebuild(&opts.root, &out, &state, true);
    let listener = TcpListener::bind(("127.0.0.1", opts.port)).map_err(|e| {
        Diagnostic::error(format!("cannot listen on 127.0.0.1:{}: {e}", opts.port))
            .hint("choose another port with --port")
    })?;
    eprintln!(
        "serving on http://127.0.0.1:{}/ (Ctrl+C to stop)",
        opts.port
    );
    {
        let (root, out, state) = (opts.root.clone(), out.clone(), state.clone());
        std::thread::spawn(move || {
            // The pages are up; now the PDFs and pictures. Files are looked
            // at first, so an edit saved meanwhile is seen.
            let seen = snapshot(&root);
            rebuild(&root, &out, &state, false);
            watch(&root, &out, &state, seen)
        });
    }
    for stream in listener.incoming().flatten() {
        let (out, state) = (out.clone(), state.clone());
        std::thread::spawn(move || respond(stream, &out, &state));
    }
    Ok(())
}

/// Build into the served folder. `pages_first` makes the pages show a
/// change at once (PDFs and pictures keep their previous files meanwhile);
/// the full build that follows lays out what the change touched.
fn rebuild(root: &Path, out: &Path, state: &Mutex<State>, pages_first: bool) {
    let mut opts = BuildOptions::new(root);
    opts.out = out.to_owned();
    opts.defer_media = pages_first;
    let html_only = pages_first;
    let result = build(&opts);
    let mut s = state.lock().expect("serve state");
    s.version += 1;
    match result {
        Ok(report) => {
            for d in &report.diagnostics {
                eprintln!("{}", d.render(false));
            }
            eprintln!(
                "rebuilt {} units, {} pages{} in {:.2} s: {} files changed, {} reused without rendering",
                report.units,
                report.pages,
                if html_only {
                    " (PDFs and pictures follow)"
                } else {
                    ", PDFs and pictures"
                },
                report.seconds,
                report.files - report.unchanged,
                report.reused
            );
            s.errors.clear();
        }
        Err(f) => {
            s.errors = f
                .diagnostics
                .iter()
                .filter(|d| d.is_error())
                .map(|d| d.render(false))
                .collect();
            for e in &s.errors {
                eprintln!("{e}");
            }
            eprintln!("build failed; still serving the last good site");
        }
    }
}

/// Modification times of every file the site is built from.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, (SystemTime, u64)> {
    let mut m = BTreeMap::new();
    for dir in ["content", "themes", "assets"] {
        for e in walkdir::WalkDir::new(root.join(dir))
            .into_iter()
            .filter_map(Result::ok)
        {
            if let Ok(meta) = e.metadata()
                && meta.is_file()
            {
                m.insert(
                    e.path().to_owned(),
                    (
                        meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
                        meta.len(),
                    ),
                );
            }
        }
    }
    m
}

/// Polling, not OS events: simple, portable, and a half-written file is
/// simply seen again on the next tick.
fn watch(
    root: &Path,
    out: &Path,
    state: &Mutex<State>,
    mut last: BTreeMap<PathBuf, (SystemTime, u64)>,
) {
    loop {
        std::thread::sleep(Duration::from_millis(300));
        let now = snapshot(root);
        if now != last {
            // Let an editor finish writing before building.
            std::thread::sleep(Duration::from_millis(150));
            last = snapshot(root);
            // Pages first, then PDFs and pictures unless the editor saved
            // again. Both update the served folder in place and render only
            // what the change touched (one guide edited: that guide's pages
            // in every unit, the lists and search indexes; then its PDFs and
            // pictures); the rest is reused.
            rebuild(root, out, state, true);
            if snapshot(root) == last {
                rebuild(root, out, state, false);
            }
        }
    }
}

fn respond(stream: TcpStream, out: &Path, state: &Mutex<State>) {
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    while let Ok(n) = reader.read_line(&mut String::new()) {
        if n <= 2 {
            break;
        }
    }
    let path = line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .to_owned();
    let (status, ctype, body) = match path.as_str() {
        "/__sotay/status" => {
            let s = state.lock().expect("serve state");
            (
                "200 OK",
                "application/json",
                serde_json::json!({ "version": s.version, "errors": s.errors })
                    .to_string()
                    .into_bytes(),
            )
        }
        "/__sotay/live.js" => ("200 OK", "text/javascript", LIVE_JS.as_bytes().to_vec()),
        _ => file(out, &path),
    };
    let mut stream = stream;
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}

fn file(out: &Path, url_path: &str) -> (&'static str, &'static str, Vec<u8>) {
    let rel: PathBuf = url_path
        .split('/')
        .filter(|p| !p.is_empty() && *p != "." && *p != "..")
        .map(crate::links::percent_decode)
        .collect();
    let mut path = out.join(rel);
    if path.is_dir() {
        path = path.join("index.html");
    }
    let Ok(bytes) = std::fs::read(&path) else {
        return ("404 Not Found", "text/html; charset=utf-8", inject(b"<!doctype html><meta charset=utf-8><title>404</title><p>Kh\xc3\xb4ng t\xc3\xacm th\xe1\xba\xa5y trang.</p>"));
    };
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => ("200 OK", "text/html; charset=utf-8", inject(&bytes)),
        Some("css") => ("200 OK", "text/css", bytes),
        Some("js") => ("200 OK", "text/javascript", bytes),
        Some("json") => ("200 OK", "application/json", bytes),
        Some("xml") => ("200 OK", "application/xml", bytes),
        Some("svg") => ("200 OK", "image/svg+xml", bytes),
        Some("png") => ("200 OK", "image/png", bytes),
        Some("jpg") => ("200 OK", "image/jpeg", bytes),
        Some("pdf") => ("200 OK", "application/pdf", bytes),
        Some("csv") => ("200 OK", "text/csv; charset=utf-8", bytes),
        _ => ("200 OK", "application/octet-stream", bytes),
    }
}

/// Add the live-reload script to a served page (only here, never in the build).
fn inject(html: &[u8]) -> Vec<u8> {
    let tag = b"<script src=\"/__sotay/live.js\" defer></script>";
    let text = html.to_vec();
    let pos = text
        .windows(7)
        .rposition(|w| w == b"</body>")
        .unwrap_or(text.len());
    let mut out = Vec::with_capacity(text.len() + tag.len());
    out.extend_from_slice(&text[..pos]);
    out.extend_from_slice(tag);
    out.extend_from_slice(&text[pos..]);
    out
}
