//! `sotay serve`: build into a private folder, serve it on 127.0.0.1 (or
//! `--bind`), watch content/, themes/ and assets/, rebuild on change and
//! reload the open page. A failed build keeps the last good site and shows
//! its errors over the page (and in the terminal) until the file is fixed.
//! Never writes into content/. Requests are checked in `request`: bounded
//! heads, GET and HEAD only, a Host naming this server, paths confined to
//! the served folder.

pub mod request;

use std::collections::BTreeMap;
use std::io::{BufReader, Read, Write};
use std::net::{IpAddr, Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use crate::build::{BuildOptions, build};
use crate::diag::Diagnostic;
use request::Status;

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub port: u16,
    /// Address to listen on: 127.0.0.1 unless told otherwise.
    pub bind: IpAddr,
}

/// How long a connection may take to send its request, and to read the reply.
const TIMEOUT: Duration = Duration::from_secs(10);
/// Connections answered at once; more are closed unanswered.
const MAX_CONNECTIONS: usize = 64;

/// What the browser polls: a build counter and the current errors.
#[derive(Default)]
struct State {
    version: u64,
    errors: Vec<String>,
}

/// The state, even if a thread panicked while holding it (it only holds
/// a counter and strings, which stay valid).
fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
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
    if opts.bind.is_unspecified() {
        return Err(Diagnostic::error(format!(
            "cannot serve on {}: pages are only answered for a name the browser used, so give one address",
            opts.bind
        ))
        .hint("--bind 127.0.0.1 (this computer only) or this computer's network address, e.g. --bind 192.168.1.5"));
    }
    crate::output::remove_dead_temp("sotay-serve-");
    let out = std::env::temp_dir()
        .join(format!("sotay-serve-{}", std::process::id()))
        .join("public");
    let state = Arc::new(Mutex::new(State::default()));
    rebuild(&opts.root, &out, &state, true);
    let listener = TcpListener::bind((opts.bind, opts.port)).map_err(|e| {
        Diagnostic::error(format!("cannot listen on {}:{}: {e}", opts.bind, opts.port))
            .hint("choose another port with --port")
    })?;
    let shown = match opts.bind {
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    eprintln!("serving on http://{shown}:{}/ (Ctrl+C to stop)", opts.port);
    if !opts.bind.is_loopback() {
        eprintln!("anyone who can reach {shown} on the network can read this preview");
    }
    watch_in_background(opts, &out, &state)?;
    let site = Arc::new(Site {
        out,
        bind: opts.bind,
        port: opts.port,
    });
    accept(&listener, &site, &state);
    Ok(())
}

/// The pages are up; now the PDFs and pictures, then watch for changes.
fn watch_in_background(
    opts: &ServeOptions,
    out: &Path,
    state: &Arc<Mutex<State>>,
) -> Result<(), Diagnostic> {
    let (root, out, state) = (opts.root.clone(), out.to_owned(), state.clone());
    std::thread::Builder::new()
        .name("sotay-watch".into())
        .spawn(move || {
            // Files are looked at first, so an edit saved meanwhile is seen.
            let seen = snapshot(&root);
            rebuild(&root, &out, &state, false);
            watch(&root, &out, &state, seen)
        })
        .map(drop)
        .map_err(|e| Diagnostic::error(format!("cannot start the file watcher: {e}")))
}

/// Each connection on its own thread, at most `MAX_CONNECTIONS` at once.
fn accept(listener: &TcpListener, site: &Arc<Site>, state: &Arc<Mutex<State>>) {
    let open = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming().flatten() {
        let slot = Slot::take(&open);
        if open.load(Ordering::SeqCst) > MAX_CONNECTIONS {
            continue; // dropping the slot and the stream closes it
        }
        let (site, state) = (site.clone(), state.clone());
        // A thread that cannot start drops its closure, slot included.
        let _ = std::thread::Builder::new().spawn(move || {
            let _slot = slot;
            respond(stream, &site, &state);
        });
    }
}

/// One open connection, counted while it lives (even if its thread panics).
struct Slot(Arc<AtomicUsize>);

impl Slot {
    fn take(open: &Arc<AtomicUsize>) -> Slot {
        open.fetch_add(1, Ordering::SeqCst);
        Slot(open.clone())
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Build into the served folder. `pages_first` makes the pages show a
/// change at once (PDFs and pictures keep their previous files meanwhile);
/// the full build that follows lays out what the change touched.
fn rebuild(root: &Path, out: &Path, state: &Mutex<State>, pages_first: bool) {
    // A preview is of today: each rebuild takes the day it runs on.
    let mut opts = BuildOptions::new(root, crate::content::Date::today());
    opts.out = out.to_owned();
    // The preview shows drafts, each with a banner saying it is one.
    opts.drafts = true;
    if pages_first {
        opts.media = crate::options::Media::Defer;
    }
    let html_only = pages_first;
    let result = build(&opts);
    let mut s = lock(state);
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

/// Answer one connection: one request, then close. Reads are bounded in
/// size and time, so a client that sends too much or nothing only gets an
/// error; nothing a client sends can stop the server.
fn respond(stream: TcpStream, site: &Site, state: &Mutex<State>) {
    let _ = stream.set_write_timeout(Some(TIMEOUT));
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(Deadline {
        stream: read_half,
        until: Instant::now() + TIMEOUT,
    });
    let (reply, head) = match request::read(&mut reader) {
        Ok(req) => (answer(&req, site, state), req.head),
        Err(status) => (Reply::error(status), false),
    };
    send(&stream, &reply, head);
    if reply.status != Status::Ok {
        linger(&stream, &mut reader);
    }
}

/// A connection's reads, all before one deadline: a client that sends a
/// byte now and then cannot hold its thread longer than one that sends nothing.
struct Deadline {
    stream: TcpStream,
    until: Instant,
}

impl Read for Deadline {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = self.until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(std::io::ErrorKind::TimedOut.into());
        }
        self.stream.set_read_timeout(Some(left))?;
        self.stream.read(buf)
    }
}

/// The reply to a well-formed request.
fn answer(req: &request::Request, site: &Site, state: &Mutex<State>) -> Reply {
    match &req.host {
        None if req.http11 => return Reply::error(Status::BadRequest),
        Some(host) if !request::host_allowed(host, site.bind, site.port) => {
            return Reply::error(Status::Forbidden);
        }
        _ => {}
    }
    match req.path.as_str() {
        "/__sotay/status" => {
            let s = lock(state);
            let status = serde_json::json!({ "version": s.version, "errors": s.errors });
            Reply::ok("application/json", status.to_string().into_bytes())
        }
        "/__sotay/live.js" => Reply::ok("text/javascript", LIVE_JS.as_bytes().to_vec()),
        path => file(&site.out, path),
    }
}

/// The served folder and the address it is served on.
struct Site {
    out: PathBuf,
    bind: IpAddr,
    port: u16,
}

struct Reply {
    status: Status,
    ctype: &'static str,
    body: Vec<u8>,
}

impl Reply {
    fn ok(ctype: &'static str, body: Vec<u8>) -> Self {
        Reply {
            status: Status::Ok,
            ctype,
            body,
        }
    }

    fn error(status: Status) -> Self {
        if status == Status::NotFound {
            return Reply {
                status,
                ctype: "text/html; charset=utf-8",
                body: inject(NOT_FOUND.as_bytes()),
            };
        }
        Reply {
            status,
            ctype: "text/plain; charset=utf-8",
            body: format!("{}\n", status.line()).into_bytes(),
        }
    }
}

const NOT_FOUND: &str =
    "<!doctype html><meta charset=utf-8><title>404</title><p>Không tìm thấy trang.</p>";

fn send(mut stream: &TcpStream, reply: &Reply, head_only: bool) {
    let allow = if reply.status == Status::MethodNotAllowed {
        "Allow: GET, HEAD\r\n"
    } else {
        ""
    };
    let head = format!(
        "HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n{allow}Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        reply.status.line(),
        reply.ctype,
        reply.body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    if !head_only {
        let _ = stream.write_all(&reply.body);
    }
}

/// After an error reply, read (and drop) what the client is still sending
/// for a moment before closing: closing with unread data resets the
/// connection, and the client could lose the reply.
fn linger(stream: &TcpStream, reader: &mut BufReader<Deadline>) {
    let _ = stream.shutdown(Shutdown::Write);
    let soon = Instant::now() + Duration::from_millis(500);
    let deadline = &mut reader.get_mut().until;
    *deadline = (*deadline).min(soon);
    let _ = std::io::copy(&mut reader.take(1 << 20), &mut std::io::sink());
}

/// The served file for a request path, or 400, 403 or 404.
fn file(out: &Path, url_path: &str) -> Reply {
    match read_served(out, url_path) {
        Ok((path, bytes)) => match path.extension().and_then(|e| e.to_str()) {
            Some("html") => Reply::ok("text/html; charset=utf-8", inject(&bytes)),
            ext => Reply::ok(content_type(ext), bytes),
        },
        Err(status) => Reply::error(status),
    }
}

fn read_served(out: &Path, url_path: &str) -> Result<(PathBuf, Vec<u8>), Status> {
    let path = request::confine(out, &request::resolve(out, url_path)?)?;
    let bytes = std::fs::read(&path).map_err(|_| Status::NotFound)?;
    Ok((path, bytes))
}

fn content_type(ext: Option<&str>) -> &'static str {
    match ext {
        Some("css") => "text/css",
        Some("js") => "text/javascript",
        Some("json") => "application/json",
        Some("xml") => "application/xml",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg") => "image/jpeg",
        Some("pdf") => "application/pdf",
        Some("csv") => "text/csv; charset=utf-8",
        // Videos in guides: files, posters, captions (a track needs text/vtt).
        Some("mp4") => "video/mp4",
        Some("webm") => "video/webm",
        Some("vtt") => "text/vtt; charset=utf-8",
        Some("jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        // Forms attached to guides (DOCX, XLSX, ODT, ODS).
        other => other
            .and_then(crate::content::FormKind::of_ext)
            .map_or("application/octet-stream", |k| k.mime()),
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
