//! `sotay serve`: an edit shows up in the served page within a bounded wait,
//! a broken file shows its error over the page, and fixing it clears it.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
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
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
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
