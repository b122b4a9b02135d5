//! Widgets in a hostile host page, in real Chromium: the host runs on one
//! 127.0.0.1 port, the unit on another (so they are different origins). The
//! host's CSS forces fonts, colours and box sizing with !important; each
//! widget must keep its own look, the iframe must follow its content's
//! height, and nothing may load from a third origin. Screenshots go to
//! target/widget-screenshots/ for a human to look at.

mod common;

use std::path::PathBuf;

use common::browser::{command, dump_dom};
use common::server::Server;
use common::*;

const HOSTILE_CSS: &str = "* { font-family: serif !important; color: rgb(255, 0, 255) !important; line-height: 0.6 !important; box-sizing: content-box !important; } h2, h3 { display: none !important; } ol, li { list-style: none !important; }";

fn unit_headers(path: &str) -> Vec<(String, String)> {
    let mut h = Vec::new();
    if path.starts_with("/api/") || path.starts_with("/assets/") {
        h.push(("Access-Control-Allow-Origin".to_owned(), "*".to_owned()));
    }
    h
}

fn host_headers(_: &str) -> Vec<(String, String)> {
    // A strict policy: no inline styles, scripts only from the two origins.
    vec![("Content-Security-Policy".to_owned(), "default-src 'none'; script-src 'self' 'unsafe-inline' http://127.0.0.1:*; style-src 'self' http://127.0.0.1:*; connect-src http://127.0.0.1:*; frame-src http://127.0.0.1:*; img-src http://127.0.0.1:*".to_owned())]
}

/// Runs in the host page: measures the widgets and writes a report.
const CHECK_JS: &str = r#"
setTimeout(function () {
  var r = {};
  function style(el) { var s = getComputedStyle(el); return { font: s.fontFamily, color: s.color, display: s.display }; }
  var f = document.querySelector("iframe");
  if (f) r.iframe = { styleHeight: f.style.height, height: Math.round(f.getBoundingClientRect().height) };
  var frag = document.querySelector(".sotay-nhung");
  if (frag) {
    var sr = frag.shadowRoot;
    r.fragment = { shadow: !!sr, h2: sr ? style(sr.querySelector("h2")) : null,
      fallbackShown: frag.querySelector(".sotay-nhung__du-phong").getClientRects().length > 0 };
  }
  var c = document.querySelector("sotay-guide");
  if (c) {
    var h2 = c.shadowRoot && c.shadowRoot.querySelector("h2");
    r.component = { shadow: !!c.shadowRoot, title: h2 ? h2.textContent : null, h2: h2 ? style(h2) : null };
  }
  r.resources = performance.getEntriesByType("resource").map(function (e) { return e.name; });
  var out = document.createElement("pre");
  out.id = "bao-cao";
  out.textContent = JSON.stringify(r);
  document.body.appendChild(out);
}, 2500);
"#;

struct Setup {
    f: Fixture,
    unit: Server,
    host: Server,
    host_dir: tempfile::TempDir,
}

fn setup() -> Setup {
    let f = Fixture::new();
    let unit = Server::start(f.out().join("phuong-ba-dinh"), unit_headers);
    let yaml = std::fs::read_to_string(f.root().join("content/units/phuong-ba-dinh.yaml")).unwrap();
    f.write(
        "content/units/phuong-ba-dinh.yaml",
        &yaml.replace("https://sotay.example.vn/phuong-ba-dinh/", &unit.url("")),
    );
    f.build_ok();
    let host_dir = tempfile::tempdir().unwrap();
    std::fs::write(host_dir.path().join("hostile.css"), HOSTILE_CSS).unwrap();
    std::fs::write(host_dir.path().join("check.js"), CHECK_JS).unwrap();
    let host = Server::start(host_dir.path().to_owned(), host_headers);
    Setup {
        f,
        unit,
        host,
        host_dir,
    }
}

fn host_page(s: &Setup, name: &str, widget: &str) -> String {
    let html = format!(
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Cổng thông tin</title><link rel=\"stylesheet\" href=\"hostile.css\"></head><body><h1>Cổng thông tin phường</h1><p>Tin tức…</p>{widget}<script src=\"check.js\"></script></body></html>"
    );
    std::fs::write(s.host_dir.path().join(name), html).unwrap();
    s.host.url(name)
}

/// The snippet the webmaster page offers for a widget, unescaped from its highlighted HTML.
fn snippet(s: &Setup, id: &str) -> String {
    let page =
        s.f.read_out("phuong-ba-dinh/nhung-vao-cong-thong-tin/index.html");
    let section = page
        .split(&format!("id=\"{id}\""))
        .nth(1)
        .unwrap_or_else(|| panic!("no widget {id}"));
    let code = section
        .split("<code>")
        .nth(1)
        .unwrap()
        .split("</code>")
        .next()
        .unwrap();
    let mut text = String::new();
    let mut in_tag = false;
    for c in code.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn run(url: &str, screenshot: &str) -> serde_json::Value {
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("../widget-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let dom = dump_dom(url);
    let profile = tempfile::tempdir().unwrap();
    command(profile.path())
        .arg(format!("--screenshot={}", shots.join(screenshot).display()))
        .arg(url)
        .output()
        .unwrap();
    let report = dom
        .split("id=\"bao-cao\">")
        .nth(1)
        .unwrap_or_else(|| panic!("no report in:\n{dom}"))
        .split("</pre>")
        .next()
        .unwrap();
    serde_json::from_str(&report.replace("&quot;", "\"").replace("&amp;", "&")).unwrap()
}

fn assert_own_style(v: &serde_json::Value, what: &str) {
    assert!(
        !v["font"].as_str().unwrap().starts_with("serif"),
        "{what}: host font leaked in: {v}"
    );
    assert_ne!(
        v["color"], "rgb(255, 0, 255)",
        "{what}: host colour leaked in"
    );
    assert_ne!(v["display"], "none", "{what}: hidden by host CSS");
}

fn assert_only_two_origins(s: &Setup, v: &serde_json::Value) {
    for r in v["resources"].as_array().unwrap() {
        let r = r.as_str().unwrap();
        assert!(
            r.starts_with(&s.unit.url("")) || r.starts_with(&s.host.url("")),
            "request to a third origin: {r}"
        );
    }
}

#[test]
fn the_iframe_widget_resizes_to_its_content() {
    let s = setup();
    let url = host_page(&s, "iframe.html", &snippet(&s, "khung-huong-dan"));
    let v = run(&url, "iframe.png");
    let px = v["iframe"]["styleHeight"].as_str().unwrap();
    assert!(px.ends_with("px"), "resizer did not set a height: {v}");
    let h: f64 = px.trim_end_matches("px").parse().unwrap();
    assert!(
        h > 300.0 && (h - 900.0).abs() > 1.0,
        "height {h} not taken from the content"
    );
    assert_only_two_origins(&s, &v);
}

#[test]
fn the_html_fragment_keeps_its_style_in_a_hostile_page() {
    let s = setup();
    let url = host_page(&s, "fragment.html", &snippet(&s, "doan-html"));
    let v = run(&url, "fragment.png");
    assert_eq!(v["fragment"]["shadow"], true, "{v}");
    assert_own_style(&v["fragment"]["h2"], "fragment");
    assert_eq!(
        v["fragment"]["fallbackShown"], false,
        "fallback shown beside the shadow root"
    );
    assert_only_two_origins(&s, &v);
}

#[test]
fn the_web_component_renders_from_the_api_under_a_strict_csp() {
    let s = setup();
    let url = host_page(&s, "component.html", &snippet(&s, "thanh-phan-web"));
    let v = run(&url, "component.png");
    assert_eq!(v["component"]["shadow"], true, "{v}");
    assert_eq!(v["component"]["title"], "Đăng ký khai sinh trực tuyến");
    assert_own_style(&v["component"]["h2"], "component");
    assert_only_two_origins(&s, &v);
}

#[test]
fn list_and_search_widgets_render() {
    let s = setup();
    let url = host_page(&s, "list.html", &snippet(&s, "danh-sach"));
    let v = run(&url, "list.png");
    assert!(
        v["iframe"]["styleHeight"].as_str().unwrap().ends_with("px"),
        "{v}"
    );
    let url = host_page(&s, "search.html", &snippet(&s, "o-tim-kiem"));
    let v = run(&url, "search-box.png");
    assert_only_two_origins(&s, &v);
    let form = snippet(&s, "o-tim-kiem");
    assert!(
        form.contains(&format!("action=\"{}tim-kiem/index.html\"", s.unit.url(""))),
        "{form}"
    );
}
