//! Proof of publication: the build stamp in every unit folder, and `sotay
//! verify` against portals played by servers on 127.0.0.1: a current copy,
//! an old copy, a partial copy, a 404, a redirect loop, a server that never
//! answers, and portal pages with and without a widget.

mod common;

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::{Fixture, build_date, copy_dir, find_diag, line_of, unit};
use sotay::proof::{Class, PortalState, Results, Stamp};

/// A portal host: files under `dir`; every path under `/phuong-vong/`
/// redirects to another one that redirects back.
struct Host {
    port: u16,
    stop: Arc<AtomicBool>,
}

impl Host {
    fn start(dir: PathBuf) -> Self {
        let (listener, port, stop) = listen();
        let stopped = stop.clone();
        std::thread::spawn(move || {
            while !stopped.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((s, _)) => {
                        let dir = dir.clone();
                        std::thread::spawn(move || answer(s, &dir));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Host { port, stop }
    }

    /// A server that accepts every connection and never answers.
    fn silent() -> Self {
        let (listener, port, stop) = listen();
        let stopped = stop.clone();
        std::thread::spawn(move || {
            let mut held: Vec<TcpStream> = Vec::new();
            while !stopped.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((s, _)) => held.push(s),
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Host { port, stop }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}/{path}", self.port)
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn listen() -> (TcpListener, u16, Arc<AtomicBool>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    (listener, port, Arc::new(AtomicBool::new(false)))
}

fn answer(stream: TcpStream, dir: &Path) {
    let Some(path) = common::server::request_path(&stream) else {
        return;
    };
    let mut stream = stream;
    if let Some(rest) = path.strip_prefix("/phuong-vong/") {
        let next = if rest == "a" { "b" } else { "a" };
        let head = format!(
            "HTTP/1.1 302 Found\r\nLocation: /phuong-vong/{next}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        let _ = stream.write_all(head.as_bytes());
        return;
    }
    let mut file = dir.join(path.trim_start_matches('/'));
    if file.is_dir() {
        file = file.join("index.html");
    }
    let (status, body) = match std::fs::read(&file) {
        Ok(b) if !path.contains("..") => ("200 OK", b),
        _ => ("404 Not Found", b"not found".to_vec()),
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}

/// A unit file published at `base_url`, with `extra` lines.
fn unit_at(name: &str, short: &str, base_url: &str, extra: &str) -> String {
    let text = unit(name, short, "phuong", extra);
    let line = text
        .lines()
        .find(|l| l.starts_with("base_url:"))
        .expect("base_url line")
        .to_owned();
    text.replace(&line, &format!("base_url: \"{base_url}\""))
}

/// The stamp of a unit folder recomputed from the files on disk.
fn stamp_from_disk(dir: &Path, unit: &str, base_url: &str, date: &str, inputs: &str) -> Stamp {
    let files: Vec<(String, sotay::hash::Hash)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy();
            (
                rel.replace('\\', "/"),
                sotay::hash::short(&std::fs::read(e.path()).unwrap()),
            )
        })
        .collect();
    Stamp::new(unit, base_url, date, inputs, &files)
}

fn read_stamp(out: &Path, unit: &str) -> Stamp {
    let path = out.join(unit).join("sotay-stamp.json");
    Stamp::parse(&std::fs::read(&path).unwrap()).expect("a sotay stamp")
}

#[test]
fn every_unit_folder_carries_a_stamp_of_its_files() {
    let f = Fixture::html_only();
    f.build_ok();
    let out = f.out();
    let stamp = read_stamp(&out, "phuong-ba-dinh");
    assert_eq!(
        (stamp.unit.as_str(), stamp.build_date.as_str()),
        ("phuong-ba-dinh", "2026-11-29")
    );
    assert_eq!(stamp.base_url, "https://sotay.example.vn/phuong-ba-dinh/");
    assert_eq!(stamp.version, env!("CARGO_PKG_VERSION"));
    let dir = out.join("phuong-ba-dinh");
    let again = |s: &Stamp| {
        stamp_from_disk(
            &dir,
            &s.unit,
            &s.base_url,
            &s.build_date,
            &s.input_fingerprint,
        )
    };
    // The hash covers exactly the files in the folder, the stamp left out.
    assert_eq!(again(&stamp), stamp);
    // A rebuild that keeps most files (one guide's text edited) stamps
    // what is on disk too, kept files included.
    f.write(
        "content/guides/cu-tru/dang-ky-tam-tru.md",
        &common::TAM_TRU.replace("Tờ khai.", "Tờ khai CT01."),
    );
    let report = f.build_ok();
    assert!(
        report.reused > 0,
        "the edit should keep other guides' files"
    );
    let edited = read_stamp(&out, "phuong-ba-dinh");
    assert_ne!(edited.build_id, stamp.build_id);
    assert_ne!(edited.files.hash, stamp.files.hash);
    assert_eq!(again(&edited), edited);
    // Same input and date, another folder, built cold: the same bytes.
    let mut opts = f.options();
    opts.out = f.root().join("public-2");
    sotay::build(&opts).expect("second build");
    assert_eq!(
        std::fs::read(out.join("phuong-ba-dinh/sotay-stamp.json")).unwrap(),
        std::fs::read(f.root().join("public-2/phuong-ba-dinh/sotay-stamp.json")).unwrap()
    );
}

#[test]
fn a_portal_page_that_is_not_a_web_address_is_an_error_at_its_line() {
    let f = Fixture::html_only();
    let text = unit(
        "Ủy ban nhân dân phường Ba Đình",
        "Phường Ba Đình",
        "phuong",
        "portal_page: \"badinh.hanoi.gov.vn/thu-tuc\"\n",
    );
    f.write("content/units/phuong-ba-dinh.yaml", &text);
    let ds = f.build_err();
    let d = find_diag(&ds, "portal_page must be a full web address");
    let (file, line, _) = common::at(d);
    assert!(file.ends_with("phuong-ba-dinh.yaml"), "{file}");
    assert_eq!(line, line_of(&text, "portal_page:"));
}

/// The fixture's units, each published by a portal in one state.
struct Portals {
    f: Fixture,
    host: Host,
    _silent: Host,
    _hosting: tempfile::TempDir,
}

fn portals() -> Portals {
    let hosting_dir = tempfile::tempdir().unwrap();
    let hosting = hosting_dir.path().to_owned();
    let host = Host::start(hosting.clone());
    let silent = Host::silent();
    let f = Fixture::html_only();
    let base = |u: &str| host.url(&format!("{u}/"));
    let units = [
        (
            "phuong-ba-dinh",
            "Phường Ba Đình",
            base("phuong-ba-dinh"),
            "cms/co-nhung.html",
        ),
        (
            "xa-ba-vi",
            "Xã Ba Vì",
            base("xa-ba-vi"),
            "cms/khong-co.html",
        ),
        (
            "so-thu-nghiem",
            "Sở Thử nghiệm",
            base("so-thu-nghiem"),
            "cms/lien-ket.html",
        ),
        ("phuong-mat", "Phường Mất", base("phuong-mat"), ""),
        ("phuong-vong", "Phường Vòng", base("phuong-vong"), ""),
        ("phuong-treo", "Phường Treo", silent.url("phuong-treo/"), ""),
    ];
    for (slug, short, url, portal) in &units {
        let extra = if portal.is_empty() {
            String::new()
        } else {
            format!("portal_page: \"{}\"\n", host.url(portal))
        };
        let text = unit_at(&format!("Ủy ban nhân dân {short}"), short, url, &extra);
        f.write(&format!("content/units/{slug}.yaml"), &text);
    }
    // An old copy: the same content built on an earlier day.
    let mut old = f.options();
    old.out = f.root().join("cu");
    old.date = sotay::content::Date::parse("2026-11-15").unwrap();
    sotay::build(&old).expect("old build");
    f.build_ok();
    let out = f.out();
    copy_dir(&out.join("phuong-ba-dinh"), &hosting.join("phuong-ba-dinh"));
    copy_dir(&f.root().join("cu/xa-ba-vi"), &hosting.join("xa-ba-vi"));
    // A partial copy: this build's stamp and home page, no guide pages.
    for file in ["sotay-stamp.json", "index.html"] {
        let to = hosting.join("so-thu-nghiem").join(file);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(out.join("so-thu-nghiem").join(file), to).unwrap();
    }
    // Portal pages: the iframe snippet the webmaster page gives, a link, nothing.
    let frame = "nhung/huong-dan/dang-ky-khai-sinh/index.html";
    assert!(out.join("phuong-ba-dinh").join(frame).is_file());
    let cms = |name: &str, body: String| {
        let p = hosting.join("cms").join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(
            p,
            format!("<!doctype html><title>UBND</title><main>{body}</main>"),
        )
        .unwrap();
    };
    let ba_dinh = base("phuong-ba-dinh");
    cms(
        "co-nhung.html",
        format!(
            "<iframe id=\"ks\" src=\"{ba_dinh}{frame}\" title=\"Khai sinh\" width=\"100%\" height=\"600\" loading=\"lazy\"></iframe>\n<script src=\"{ba_dinh}assets/nhung-co-gian.js\" defer></script>"
        ),
    );
    cms(
        "lien-ket.html",
        format!(
            "<p>Xem <a href=\"{}index.html\">hướng dẫn thủ tục</a>.</p>",
            base("so-thu-nghiem")
        ),
    );
    cms(
        "khong-co.html",
        format!("<p>Thủ tục hành chính: {}</p>", base("xa-ba-vi")),
    );
    Portals {
        f,
        host,
        _silent: silent,
        _hosting: hosting_dir,
    }
}

fn sotay(root: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_sotay"))
        .arg("--root")
        .arg(root)
        .arg("verify")
        .args([
            "--date",
            "2026-11-29",
            "--timeout",
            "1",
            "--retries",
            "0",
            "--jobs",
            "6",
        ])
        .args(args)
        .output()
        .expect("run sotay");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn history_lines(root: &Path) -> Vec<String> {
    std::fs::read_to_string(root.join("kiem-tra/lich-su.csv"))
        .unwrap_or_default()
        .trim_start_matches('\u{feff}')
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn verify_classifies_each_portal_and_keeps_a_history() {
    let p = portals();
    let root = p.f.root();
    let started = std::time::Instant::now();
    let (status, stdout, stderr) = sotay(root, &[]);
    assert_eq!(
        status, 1,
        "some units do not serve this build\n{stdout}\n{stderr}"
    );
    // The silent server costs one timeout, not one per unit in turn.
    assert!(started.elapsed() < Duration::from_secs(20));
    let results = Results::latest(root).expect("results file");
    assert_eq!(results.date, build_date().to_string());
    let get = |u: &str| {
        results
            .unit(u)
            .unwrap_or_else(|| panic!("no result for {u}"))
    };
    let class = |u: &str| (get(u).class, get(u).reason.clone());

    let current = get("phuong-ba-dinh");
    assert_eq!(current.class, Class::Current, "{current:?}");
    assert_eq!(
        current.expected_build_id,
        read_stamp(&p.f.out(), "phuong-ba-dinh").build_id
    );
    assert!(
        current
            .fetched
            .iter()
            .any(|f| f.url.ends_with("/huong-dan/dang-ky-khai-sinh/index.html"))
    );
    let portal = current.portal.as_ref().expect("portal checked");
    assert_eq!(portal.state, PortalState::Embeds);
    assert_eq!(portal.found[0].kind, "iframe");

    let older = get("xa-ba-vi");
    assert_eq!(older.class, Class::Older);
    assert_eq!(older.served.as_ref().unwrap().build_date, "2026-11-15");
    assert_eq!(older.portal.as_ref().unwrap().state, PortalState::Missing);

    assert_eq!(
        class("so-thu-nghiem"),
        (Class::Other, Some("partial".into()))
    );
    let links = get("so-thu-nghiem").portal.as_ref().unwrap();
    assert_eq!(links.state, PortalState::Links);
    assert_eq!(links.found[0].url, p.host.url("so-thu-nghiem/index.html"));

    assert_eq!(
        class("phuong-mat"),
        (Class::Unreachable, Some("http-404".into()))
    );
    assert_eq!(
        class("phuong-vong"),
        (Class::Unreachable, Some("redirect-loop".into()))
    );
    assert_eq!(
        class("phuong-treo"),
        (Class::Unreachable, Some("timeout".into()))
    );
    assert!(get("phuong-mat").portal.is_none());

    // The table names each unit's class.
    for (unit, word) in [
        ("phuong-ba-dinh", "current"),
        ("xa-ba-vi", "older"),
        ("phuong-treo", "unreachable"),
    ] {
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with(unit) && l.contains(word)),
            "{unit} {word}:\n{stdout}"
        );
    }
    // History: a header, then a row per unit per run.
    let first = history_lines(root);
    assert_eq!(first.len(), 1 + 6, "{first:#?}");
    assert!(first[0].starts_with("date,unit,class"));
    assert!(
        first
            .iter()
            .any(|l| l.starts_with("2026-11-29,xa-ba-vi,older,older-build,2026-11-15,"))
    );

    // The next build's coverage report shows the run; the stamps stay the
    // same (a verify run is no input of theirs), so the portal stays current.
    let stamp_before = std::fs::read(p.f.out().join("phuong-ba-dinh/sotay-stamp.json")).unwrap();
    p.f.build_ok();
    let stamp_after = std::fs::read(p.f.out().join("phuong-ba-dinh/sotay-stamp.json")).unwrap();
    assert_eq!(stamp_before, stamp_after);
    let report: serde_json::Value =
        serde_json::from_str(&p.f.read_out("bao-cao/bao-cao.json")).unwrap();
    let verify = &report["verify"];
    assert_eq!(verify["date"], "2026-11-29");
    let row = |u: &str| {
        verify["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["slug"] == u)
            .unwrap_or_else(|| panic!("no report row for {u}: {verify}"))
            .clone()
    };
    assert_eq!(row("phuong-ba-dinh")["class"], "current");
    assert_eq!(row("phuong-ba-dinh")["portal"]["state"], "embeds");
    assert_eq!(row("xa-ba-vi")["served_date"], "2026-11-15");
    assert_eq!(row("so-thu-nghiem")["reason"], "partial");
    assert_eq!(row("phuong-treo")["reason"], "timeout");
    let page = common::text_of(&p.f.read_out("bao-cao/index.html"));
    assert!(page.contains("Kiểm tra cổng thông tin"), "{page}");
    assert!(page.contains("Bản cũ, dựng ngày 2026-11-15"), "{page}");
    assert!(page.contains("Đăng thiếu trang"), "{page}");
    assert!(page.contains("Có nhúng hướng dẫn"), "{page}");
    let html = p.f.read_out("bao-cao/index.html");
    assert_eq!(common::a11y::audit(&html), Vec::<String>::new());

    // Only the current unit: all is well, exit 0; one more row.
    let (status, stdout, _) = sotay(root, &["--unit", "phuong-ba-dinh"]);
    assert_eq!(status, 0, "{stdout}");
    assert_eq!(history_lines(root).len(), 1 + 6 + 1);
    assert_eq!(Results::latest(root).unwrap().units.len(), 1);

    // A unit that does not exist: a usage error, nothing checked or recorded.
    let (status, _, stderr) = sotay(root, &["--unit", "phuong-ba-dnh"]);
    assert_eq!(status, 2, "{stderr}");
    assert!(stderr.contains("did you mean `phuong-ba-dinh`"), "{stderr}");
    assert_eq!(history_lines(root).len(), 1 + 6 + 1);

    // The report's block meets WCAG 2.1 AA in a browser too (last: axe
    // writes its runner beside the page).
    let report_page = p.f.out().join("bao-cao/index.html");
    for width in [390, 1280] {
        assert_eq!(
            common::axe::violations(&report_page, width),
            Vec::<String>::new()
        );
    }
}

#[test]
fn verify_without_a_build_is_a_setup_error() {
    let f = Fixture::html_only();
    let (status, _, stderr) = sotay(f.root(), &[]);
    assert_eq!(status, 2, "{stderr}");
    assert!(stderr.contains("no build stamp"), "{stderr}");
    assert!(stderr.contains("run `sotay build` first"), "{stderr}");
}
