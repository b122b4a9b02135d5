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
function wait(ms) { return new Promise(function (ok) { setTimeout(ok, ms); }); }
setTimeout(async function () {
  var r = {};
  function style(el) { var s = getComputedStyle(el); return { font: s.fontFamily, color: s.color, display: s.display }; }
  var f = document.querySelector("iframe");
  if (f) {
    r.iframe = { styleHeight: f.style.height, height: Math.round(f.getBoundingClientRect().height) };
    // Narrower: the content wraps and grows; wider again: it shrinks back.
    f.style.maxWidth = "none";
    f.style.width = "320px";
    await wait(1500);
    r.iframe.narrow = parseFloat(f.style.height);
    r.iframe.narrowWidth = f.getBoundingClientRect().width;
    f.style.width = "880px";
    await wait(1500);
    r.iframe.wide = parseFloat(f.style.height);
  }
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
    // The screenshot run also logs the console, to catch errors and CSP refusals.
    let profile = tempfile::tempdir().unwrap();
    let shot = command(profile.path())
        .args(["--enable-logging=stderr", "--v=0"])
        .arg(format!("--screenshot={}", shots.join(screenshot).display()))
        .arg(url)
        .output()
        .unwrap();
    let console: Vec<String> = String::from_utf8_lossy(&shot.stderr)
        .lines()
        .filter(|l| {
            l.contains("CONSOLE")
                && (l.contains("Uncaught") || l.contains("Refused") || l.contains("Error"))
        })
        .map(str::to_owned)
        .collect();
    assert!(
        console.is_empty(),
        "console errors on {url}:\n{}",
        console.join("\n")
    );
    let report = dom
        .split("id=\"bao-cao\">")
        .nth(1)
        .unwrap_or_else(|| panic!("no report in:\n{dom}"))
        .split("</pre>")
        .next()
        .unwrap();
    serde_json::from_str(
        &report
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
    .unwrap()
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
    // The webmaster page's snippet for the example guide…
    assert!(snippet(&s, "khung-huong-dan").contains("sotay:height"));
    // …and the same for a text-only guide, whose height surely changes with width.
    let code = sotay::render::embed::iframe_snippet(
        &s.unit.url(""),
        "nhung/huong-dan/dang-ky-tam-tru/index.html",
        "sotay-tam-tru",
        "Đăng ký tạm trú",
        900,
    );
    let page =
        s.f.read_out("phuong-ba-dinh/nhung-vao-cong-thong-tin/index.html");
    assert!(
        page.contains("id=&quot;sotay-dang-ky-tam-tru&quot;")
            || page.contains("sotay-dang-ky-tam-tru"),
        "per-guide snippet offered"
    );
    let url = host_page(&s, "iframe.html", &code);
    let v = run(&url, "iframe.png");
    let px = v["iframe"]["styleHeight"].as_str().unwrap();
    assert!(px.ends_with("px"), "resizer did not set a height: {v}");
    let h: f64 = px.trim_end_matches("px").parse().unwrap();
    assert!(
        h > 300.0 && (h - 900.0).abs() > 1.0,
        "height {h} not taken from the content"
    );
    let (narrow, wide) = (
        v["iframe"]["narrow"].as_f64().unwrap(),
        v["iframe"]["wide"].as_f64().unwrap(),
    );
    // Reflowed at another width, the content changes height and the iframe
    // follows it there and back (which way depends on text and images).
    assert!(
        narrow > h + 10.0 && (wide - h).abs() < 2.0,
        "iframe did not follow its content: {h} -> {narrow} -> {wide}: {v}"
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

/// Drives a page of the unit from a same-origin wrapper page (the test can
/// reach into the frame), then reports what it saw.
const DRIVER_JS: &str = r##"
var f = document.getElementById("sut");
var r = {};
function wait(ms) { return new Promise(function (ok) { setTimeout(ok, ms); }); }
f.addEventListener("load", async function () {
  var d = f.contentDocument, w = f.contentWindow;
  var errors = [];
  w.addEventListener("error", function (e) { errors.push(String(e.message)); });
  if (d.querySelector("[data-copy]")) {
    await wait(300);
    var b = d.querySelector("[data-copy]");
    r.copyVisible = !b.hidden;
    b.click();
    await wait(1000);
    r.copyLabel = b.textContent;
    r.selection = String(w.getSelection());
    r.snippet = b.parentNode.querySelector("pre").textContent;
    r.highlighted = !!d.querySelector("pre.code span[class^='hl-']");
    r.previews = d.querySelectorAll("iframe.widget__preview").length;
  }
  var q = d.getElementById("q");
  if (q && d.getElementById("ket-qua")) {
    q.focus();
    r.focused = d.activeElement === q;
    q.value = "dang ky khai sinh";
    q.dispatchEvent(new w.Event("input", { bubbles: true }));
    await wait(1500);
    var first = d.querySelector("#ket-qua a");
    r.first = first ? first.getAttribute("href") : null;
    r.status = d.getElementById("trang-thai").textContent;
    if (first) { first.focus(); r.resultFocusable = d.activeElement === first; }
    q.focus();
    q.dispatchEvent(new w.KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    await wait(100);
    r.afterEscape = { value: q.value, hidden: d.getElementById("ket-qua").hidden };
    q.value = "tam tru";
    q.form.requestSubmit();
    await wait(300);
    var top = d.querySelector("#ket-qua a");
    r.afterEnter = top ? top.getAttribute("href") : null;
  }
  r.errors = errors;
  var out = document.createElement("pre");
  out.id = "bao-cao";
  out.textContent = JSON.stringify(r);
  document.body.appendChild(out);
});
"##;

fn drive(s: &Setup, page: &str, name: &str) -> serde_json::Value {
    let dir = s.f.out().join("phuong-ba-dinh");
    std::fs::write(dir.join("driver.js"), DRIVER_JS).unwrap();
    std::fs::write(
        dir.join(format!("{name}.html")),
        format!("<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>kiểm thử</title></head><body><iframe id=\"sut\" src=\"{page}\" width=\"900\" height=\"900\"></iframe><script src=\"driver.js\"></script></body></html>"),
    )
    .unwrap();
    run(&s.unit.url(&format!("{name}.html")), &format!("{name}.png"))
}

#[test]
fn the_webmaster_page_has_previews_highlighted_snippets_and_working_copy_buttons() {
    let s = setup();
    let v = drive(&s, "nhung-vao-cong-thong-tin/index.html", "webmaster");
    assert_eq!(v["copyVisible"], true, "{v}");
    // Copied, or (where the browser refuses clipboard access) the snippet is
    // selected and the reader is told to press Ctrl+C.
    let label = v["copyLabel"].as_str().unwrap();
    if label != "Đã sao chép" {
        assert!(label.starts_with("Đã chọn đoạn mã"), "{v}");
        assert_eq!(v["selection"], v["snippet"], "{v}");
    }
    assert!(v["snippet"].as_str().unwrap().contains("<iframe"), "{v}");
    assert_eq!(v["highlighted"], true, "{v}");
    assert!(v["previews"].as_u64().unwrap() >= 3, "{v}");
    assert_eq!(v["errors"], serde_json::json!([]), "{v}");
}

#[test]
fn search_works_from_the_keyboard() {
    let s = setup();
    let v = drive(&s, "tim-kiem/index.html", "search-keys");
    assert_eq!(v["focused"], true, "{v}");
    assert_eq!(
        v["first"], "../huong-dan/dang-ky-khai-sinh/index.html",
        "{v}"
    );
    assert_eq!(v["resultFocusable"], true, "{v}");
    assert_eq!(v["afterEscape"]["value"], "", "{v}");
    assert_eq!(v["afterEscape"]["hidden"], true, "{v}");
    assert_eq!(
        v["afterEnter"], "../huong-dan/dang-ky-tam-tru/index.html",
        "{v}"
    );
    assert_eq!(v["errors"], serde_json::json!([]), "{v}");
}

#[test]
fn a_unit_can_leave_out_widgets_and_the_api() {
    // Portals that embed nothing: no nhung/, no api/, no webmaster page, and
    // no page points at them. Off for the site, widgets back on for one unit.
    let f = Fixture::new();
    let off = format!("{SITE}outputs:\n  widgets: false\n  api: false\n");
    f.write("content/site.yaml", &off);
    let ba_vi = |extra: &str| unit("Ủy ban nhân dân xã Ba Vì", "Xã Ba Vì", "xa", extra);
    f.write(
        "content/units/xa-ba-vi.yaml",
        &ba_vi("outputs:\n  widgets: true\n"),
    );
    f.build_ok();
    let out = f.out();
    for u in ["phuong-ba-dinh", "so-thu-nghiem"] {
        for gone in ["nhung", "api", "nhung-vao-cong-thong-tin"] {
            assert!(!out.join(u).join(gone).exists(), "{u}/{gone} written");
        }
        let page = f.read_out(&format!("{u}/huong-dan/dang-ky-khai-sinh/index.html"));
        assert!(page.contains("Đăng ký khai sinh"));
        assert!(!page.contains("nhung"), "{u}: a page points at the widgets");
        assert!(out.join(u).join("tim-kiem/index.html").is_file());
        assert_links_resolve(f.root(), &out, u);
    }
    // Widgets without the API: no web-component widget, no API server lines.
    let webmaster = f.read_out("xa-ba-vi/nhung-vao-cong-thong-tin/index.html");
    assert!(webmaster.contains("id=\"khung-huong-dan\""));
    assert!(!webmaster.contains("id=\"thanh-phan-web\"") && !webmaster.contains("api/"));
    assert!(!out.join("xa-ba-vi/api").exists());
    assert!(
        out.join("xa-ba-vi/nhung/huong-dan/dang-ky-khai-sinh/oembed.json")
            .is_file()
    );
    assert_links_resolve(f.root(), &out, "xa-ba-vi");

    // A misspelt switch names the file, the line and the keys there are.
    f.write(
        "content/site.yaml",
        &format!("{SITE}outputs:\n  widget: false\n"),
    );
    let errs = f.build_err();
    let d = find_diag(&errs, "widget");
    let shown = render(std::slice::from_ref(d));
    assert!(shown.contains("site.yaml"), "{shown}");
    assert!(shown.contains("widgets"), "{shown}");

    // Back on: the next build writes them again.
    f.write("content/site.yaml", SITE);
    f.write("content/units/xa-ba-vi.yaml", &ba_vi(""));
    f.build_ok();
    assert!(out.join("phuong-ba-dinh/api/v1/index.json").is_file());
    assert!(
        f.read_out("phuong-ba-dinh/huong-dan/dang-ky-khai-sinh/index.html")
            .contains("oembed.json")
    );
    assert_links_resolve(f.root(), &out, "phuong-ba-dinh");
}
