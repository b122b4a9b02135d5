//! `sotay serve`: an edit shows up in the served page within a bounded wait,
//! a broken file shows its error over the page, and fixing it clears it.
//! Hostile requests (traversal in every spelling, symlinks out, foreign
//! Host names, oversize or trickling clients) are refused and the server goes on.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::browser::dump_dom;
use common::*;

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn get(port: u16, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).ok()?;
    Some(buf.split_once("\r\n\r\n")?.1.to_owned())
}

/// Poll until `ok` holds for the body of `path`, at most 30 s.
fn wait_for(port: u16, path: &str, what: &str, ok: impl Fn(&str) -> bool) -> String {
    let start = Instant::now();
    loop {
        if let Some(body) = get(port, path)
            && ok(&body)
        {
            return body;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what} at {path}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn edits_reload_errors_show_and_clear() {
    let f = Fixture::new();
    let port = free_port();
    let log = f.root().join("serve.log");
    let _server = Running(
        Command::new(env!("CARGO_BIN_EXE_sotay"))
            .arg("--root")
            .arg(f.root())
            .args(["serve", "--port", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap(),
    );
    let page = "/phuong-ba-dinh/huong-dan/dang-ky-tam-tru/index.html";
    let body = wait_for(port, page, "the first build", |b| b.contains("Trên Cổng."));
    assert!(
        body.contains("/__sotay/live.js"),
        "live reload script injected"
    );

    // An edit appears.
    f.write(
        "content/guides/cu-tru/dang-ky-tam-tru.md",
        &TAM_TRU.replace("Trên Cổng.", "Nộp trên Cổng Dịch vụ công quốc gia."),
    );
    wait_for(port, page, "the edited text", |b| {
        b.contains("Nộp trên Cổng Dịch vụ công quốc gia.")
    });
    // Only what the edit touched was rendered: the terminal says how many
    // files were reused without rendering.
    let reused = || -> Vec<usize> {
        std::fs::read_to_string(&log)
            .unwrap()
            .lines()
            .filter_map(|l| l.strip_suffix(" reused without rendering"))
            .filter_map(|l| l.rsplit(' ').next()?.parse().ok())
            .collect()
    };
    let start = Instant::now();
    while !reused().iter().any(|&n| n > 0) {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no rebuild reused anything: {:?}",
            reused()
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    // A broken file: the status reports it, the last good page is still served,
    // and the page shows the error over it.
    f.write(
        "content/guides/cu-tru/dang-ky-tam-tru.md",
        &TAM_TRU.replace("title:", "titel:"),
    );
    let status = wait_for(port, "/__sotay/status", "the error", |b| {
        b.contains("unknown key `titel`")
    });
    assert!(
        status.contains("content/guides/cu-tru/dang-ky-tam-tru.md:2:1"),
        "{status}"
    );
    assert!(
        get(port, page)
            .unwrap()
            .contains("Nộp trên Cổng Dịch vụ công quốc gia.")
    );
    let dom = dump_dom(&format!("http://127.0.0.1:{port}{page}"));
    assert!(
        dom.contains("id=\"sotay-loi\"") && dom.contains("unknown key"),
        "no error overlay"
    );

    // Fixed: the error clears and the page has the new text.
    f.write(
        "content/guides/cu-tru/dang-ky-tam-tru.md",
        &TAM_TRU.replace("Trên Cổng.", "Đã sửa xong."),
    );
    wait_for(port, "/__sotay/status", "the error to clear", |b| {
        b.contains("\"errors\":[]")
    });
    wait_for(port, page, "the fixed text", |b| b.contains("Đã sửa xong."));
    assert!(!f.out().exists(), "serve wrote public/");
}

/// Send `request` as it is; the reply's status code (0 if none came) and body.
fn raw(port: u16, request: &[u8]) -> (u16, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let _ = s.write_all(request);
    let mut reply = Vec::new();
    let _ = s.read_to_end(&mut reply);
    let status = status_of(&reply);
    let body = match reply.windows(4).position(|w| w == b"\r\n\r\n") {
        Some(i) => reply[i + 4..].to_vec(),
        None => Vec::new(),
    };
    (status, body)
}

fn get_raw(port: u16, path: &str) -> (u16, Vec<u8>) {
    raw(
        port,
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n").as_bytes(),
    )
}

/// A request line, then one header byte a second for a minute; the reply's
/// status, and whether all the bytes were sent (the server waited that long).
fn trickle(port: u16) -> (u16, bool) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(b"GET / HTTP/1.1\r\n").unwrap();
    let mut w = s.try_clone().unwrap();
    let writer = std::thread::spawn(move || {
        for _ in 0..60 {
            if w.write_all(b"X").is_err() {
                return false;
            }
            std::thread::sleep(Duration::from_secs(1));
        }
        true
    });
    let mut reply = Vec::new();
    let mut buf = [0; 1024];
    while let Ok(n @ 1..) = s.read(&mut buf) {
        reply.extend_from_slice(&buf[..n]);
    }
    (status_of(&reply), writer.join().unwrap())
}

/// The status code of a raw reply, 0 if there was none.
fn status_of(reply: &[u8]) -> u16 {
    reply
        .get(9..12)
        .and_then(|c| std::str::from_utf8(c).ok()?.parse().ok())
        .unwrap_or(0)
}

/// `sotay serve` on the fixture, with its temporary folder in `tmp`; the
/// server, its port and the folder it serves.
fn start(f: &Fixture, tmp: &Path) -> (Running, u16, PathBuf) {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_sotay"))
        .arg("--root")
        .arg(f.root())
        .args(["serve", "--port", &port.to_string()])
        .env("TMPDIR", tmp)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(tmp.join("serve.log")).unwrap())
        .spawn()
        .unwrap();
    let served = tmp.join(format!("sotay-serve-{}/public", child.id()));
    (Running(child), port, served)
}

/// Wait (at most 5 minutes) until the log says the full build is done, so
/// no rebuild replaces files the test puts in the served folder.
fn wait_for_full_build(log: &Path) {
    let start = Instant::now();
    while !std::fs::read_to_string(log)
        .unwrap_or_default()
        .contains(", PDFs and pictures in")
    {
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "no full build in 5 minutes"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[cfg(unix)]
#[test]
fn hostile_requests_are_refused_and_the_server_keeps_serving() {
    let f = Fixture::new();
    let tmp = tempfile::tempdir().unwrap();
    let secret = tmp.path().join("secret.txt");
    std::fs::write(&secret, "BÍ-MẬT-NGOÀI-THƯ-MỤC").unwrap();
    let (_server, port, served) = start(&f, tmp.path());
    let page = "/phuong-ba-dinh/huong-dan/dang-ky-tam-tru/index.html";
    wait_for(port, page, "the first build", |b| b.contains("Trên Cổng."));
    wait_for_full_build(&tmp.path().join("serve.log"));

    // A client that trickles its request a byte a second is cut off with a
    // 408 while it is still sending; meanwhile everything below is served.
    let trickler = std::thread::spawn(move || trickle(port));

    // Symlinks inside the served folder that lead out of it.
    std::os::unix::fs::symlink(&secret, served.join("leak.txt")).unwrap();
    std::os::unix::fs::symlink(tmp.path(), served.join("leakdir")).unwrap();
    let up = "%2e%2e/".repeat(12);
    for path in [
        "/%2e%2e/%2e%2e/%2e%2e/etc/passwd".to_owned(),
        "/..%2f..%2f..%2fetc/passwd".to_owned(),
        format!("/{up}etc/passwd"),
        format!("/{}etc/passwd", "..%2f".repeat(12)),
        "/%2e%2e/%2e%2e/secret.txt".to_owned(),
        "/..%2f..%2fsecret.txt".to_owned(),
        "/..%5c..%5csecret.txt".to_owned(),
        "/..\\..\\etc/passwd".to_owned(),
        "/../../secret.txt".to_owned(),
        "/%00".to_owned(),
        "/phuong-ba-dinh/index.html%00.txt".to_owned(),
        "/leak.txt".to_owned(),
        "/leakdir/secret.txt".to_owned(),
        "/%2".to_owned(),
        "/%c3%28".to_owned(),
    ] {
        let (status, body) = get_raw(port, &path);
        let body = String::from_utf8_lossy(&body);
        assert!(
            (400..500).contains(&status),
            "{path}: status {status}, expected a refusal"
        );
        assert!(
            !body.contains("BÍ-MẬT") && !body.contains("root:"),
            "{path} leaked: {body}"
        );
    }
    assert_eq!(get_raw(port, "/leak.txt").0, 403);
    assert_eq!(get_raw(port, "/%2e%2e/secret.txt").0, 400);

    // DNS rebinding: a page on another name that resolves to 127.0.0.1.
    let foreign = format!("GET {page} HTTP/1.1\r\nHost: evil.example:{port}\r\n\r\n");
    assert_eq!(raw(port, foreign.as_bytes()).0, 403);
    let no_host = format!("GET {page} HTTP/1.1\r\n\r\n");
    assert_eq!(raw(port, no_host.as_bytes()).0, 400);
    let localhost = format!("GET {page} HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n");
    assert_eq!(raw(port, localhost.as_bytes()).0, 200);

    // Only GET and HEAD; HEAD has no body.
    let post =
        format!("POST {page} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 3\r\n\r\nabc");
    assert_eq!(raw(port, post.as_bytes()).0, 405);
    let head = format!("HEAD {page} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n");
    assert_eq!(raw(port, head.as_bytes()), (200, Vec::new()));

    // Oversize request line and too many headers: refused, and the next
    // request is answered.
    let long = format!(
        "GET /{} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n",
        "a".repeat(64 * 1024)
    );
    assert_eq!(raw(port, long.as_bytes()).0, 414);
    let many = format!(
        "GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{}\r\n",
        "X-A: b\r\n".repeat(500)
    );
    assert_eq!(raw(port, many.as_bytes()).0, 431);
    assert_eq!(raw(port, b"\x00\xff\r\n\r\n").0, 400);
    let (status, body) = get_raw(port, page);
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("Trên Cổng."));

    let (status, ran_out) = trickler.join().unwrap();
    assert_eq!(status, 408, "the trickling client was not cut off");
    assert!(!ran_out, "the server waited for the whole trickle");
    assert_eq!(get_raw(port, page).0, 200, "still serving");
}

#[test]
fn serving_to_every_address_is_refused_with_a_hint() {
    let f = Fixture::new();
    let out = Command::new(env!("CARGO_BIN_EXE_sotay"))
        .arg("--root")
        .arg(f.root())
        .args([
            "serve",
            "--bind",
            "0.0.0.0",
            "--port",
            &free_port().to_string(),
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("cannot serve on 0.0.0.0") && stderr.contains("--bind 127.0.0.1"),
        "{stderr}"
    );
}

#[test]
fn serve_previews_a_draft_with_a_banner_that_build_leaves_out() {
    let f = Fixture::html_only();
    let draft = TAM_TRU
        .replacen("---\n", "---\ndraft: true\n", 1)
        .replace("Đăng ký tạm trú", "Đăng ký kết hôn");
    f.write("content/guides/ho-tich/dang-ky-ket-hon.md", &draft);
    let tmp = tempfile::tempdir().unwrap();
    let (_server, port, _) = start(&f, tmp.path());
    let page = "/phuong-ba-dinh/huong-dan/dang-ky-ket-hon/index.html";
    let body = wait_for(port, page, "the draft's page", |b| {
        b.contains("Đăng ký kết hôn")
    });
    let banner = body
        .split("class=\"draft-banner\"")
        .nth(1)
        .expect("the draft carries a banner");
    assert!(
        banner.contains("sẽ không được đăng"),
        "{}",
        &banner[..200.min(banner.len())]
    );
    let other = wait_for(
        port,
        "/phuong-ba-dinh/huong-dan/dang-ky-khai-sinh/index.html",
        "a finished guide",
        |b| !b.is_empty(),
    );
    assert!(!other.contains("draft-banner"));
    // The same content built for publishing has no trace of it.
    f.build_ok();
    assert!(
        !f.out()
            .join("phuong-ba-dinh/huong-dan/dang-ky-ket-hon")
            .exists()
    );
}
