//! Widgets in a hostile host page, in real Chromium: the host runs on one
//! 127.0.0.1 port, the unit on another (so they are different origins). The
//! host's CSS sets fonts, colours, spacing and box sizing (on `*` with
//! !important); its Content-Security-Policy allows the unit's origin only
//! where the README says a widget needs it, and never 'unsafe-inline'. Each
//! widget must keep its own look, the iframes must follow their content's
//! height, nothing may be refused, and nothing may load from a third
//! origin. Screenshots go to target/widget-screenshots/ for a human to look at.

mod common;

use std::path::PathBuf;

use common::browser::{command, dump_dom};
use common::server::Server;
use common::*;

const HOSTILE_CSS: &str = "body { font: italic 30px/1 serif; color: red; letter-spacing: 4px; word-spacing: 9px; text-transform: uppercase; text-align: right; }
div, p, a, li, form, iframe, sotay-guide { letter-spacing: 6px; line-height: 0.6; padding: 9px; border: 3px dotted red; }
iframe { height: 150px; }
* { font-family: serif !important; color: rgb(255, 0, 255) !important; box-sizing: content-box !important; }
h2, h3 { display: none !important; }
ol, li { list-style: none !important; }";

fn unit_headers(path: &str) -> Vec<(String, String)> {
    let mut h = Vec::new();
    if path.starts_with("/api/") || path.starts_with("/assets/") {
        h.push(("Access-Control-Allow-Origin".to_owned(), "*".to_owned()));
    }
    h
}

/// The host page's policy: the unit's origin where the README says a
/// widget needs it, and nowhere 'unsafe-inline'.
fn host_csp(widgets: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' {widgets}; style-src 'self' {widgets}; img-src 'self' {widgets}; frame-src {widgets}; connect-src {widgets}"
    )
}

/// Runs first in the host page: records every refusal of its policy.
const CSP_JS: &str = r#"
window.sotayRefused = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.sotayRefused.push(e.effectiveDirective + " refused " + (e.blockedURI || "inline") + " (" + e.sourceFile + ":" + e.lineNumber + ")");
});
"#;

/// Runs last in the host page: measures the widgets and writes a report.
const CHECK_JS: &str = r#"
function wait(ms) { return new Promise(function (ok) { setTimeout(ok, ms); }); }
function style(el) {
  if (!el) return null;
  var s = getComputedStyle(el);
  return { font: s.fontFamily, color: s.color, display: s.display, letterSpacing: s.letterSpacing,
    wordSpacing: s.wordSpacing, textTransform: s.textTransform, fontStyle: s.fontStyle, textAlign: s.textAlign };
}
function shadow(host) {
  var sr = host && host.shadowRoot;
  if (!sr) return { shadow: false };
  var h2 = sr.querySelector("h2");
  return { shadow: true, title: h2 ? h2.textContent : null, article: style(sr.querySelector("article")),
    h2: style(h2), p: style(sr.querySelector("article > p:not(.don-vi)")) };
}
setTimeout(async function () {
  var r = {};
  r.frames = Array.prototype.map.call(document.querySelectorAll("iframe"), function (f) {
    return { id: f.id, styleHeight: f.style.height, height: Math.round(f.getBoundingClientRect().height),
      border: getComputedStyle(f).borderTopWidth };
  });
  var frag = document.querySelector(".sotay-nhung");
  if (frag) {
    r.fragment = shadow(frag);
    r.fragment.fallbackShown = frag.querySelector(".sotay-nhung__du-phong").getClientRects().length > 0;
  }
  var c = document.querySelector("sotay-guide");
  if (c) r.component = shadow(c);
  var form = document.querySelector("form[role=search]");
  if (form) r.search = { action: form.action, shown: form.getClientRects().length > 0 };
  var f = document.querySelector("iframe");
  if (f && document.body.hasAttribute("data-reflow")) {
    // Narrower: the content wraps and grows; wider again: it shrinks back.
    r.reflow = { before: parseFloat(f.style.height) };
    f.style.maxWidth = "none";
    f.style.width = "320px";
    await wait(1500);
    r.reflow.narrow = parseFloat(f.style.height);
    f.style.width = "880px";
    await wait(1500);
    r.reflow.wide = parseFloat(f.style.height);
  }
  r.refused = window.sotayRefused;
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
    std::fs::write(host_dir.path().join("csp.js"), CSP_JS).unwrap();
    std::fs::write(host_dir.path().join("check.js"), CHECK_JS).unwrap();
    let host = Server::start(host_dir.path().to_owned(), |_| Vec::new());
    Setup {
        f,
        unit,
        host,
        host_dir,
    }
}

/// A portal page on the host origin with `widgets` in its body, under the
/// strict policy; `body_attrs` go on its body.
fn host_page(s: &Setup, name: &str, body_attrs: &str, widgets: &str) -> String {
    let csp = host_csp(s.unit.url("").trim_end_matches('/'));
    let html = format!(
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\"><script src=\"csp.js\"></script><title>Cổng thông tin</title><link rel=\"stylesheet\" href=\"hostile.css\"></head><body{body_attrs}><h1>Cổng thông tin phường</h1><p>Tin tức…</p><div class=\"noi-dung\">{widgets}</div><script src=\"check.js\"></script></body></html>"
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

/// A shadow-root widget's element kept the widget's own look: none of the
/// host's inherited or !important properties reached it.
fn assert_own_style(v: &serde_json::Value, what: &str) {
    assert!(
        v["font"].as_str().unwrap().starts_with("system-ui"),
        "{what}: not the widget's font: {v}"
    );
    assert_eq!(
        v["color"], "rgb(27, 27, 27)",
        "{what}: not the widget's colour"
    );
    assert_ne!(v["display"], "none", "{what}: hidden by host CSS");
    for (property, own) in [
        ("letterSpacing", "normal"),
        ("wordSpacing", "0px"),
        ("textTransform", "none"),
        ("fontStyle", "normal"),
        ("textAlign", "left"),
    ] {
        assert_eq!(
            v[property], own,
            "{what}: the host's {property} reached in: {v}"
        );
    }
}

/// Both shadow-root widgets rendered in their own look.
fn assert_shadow_widget(v: &serde_json::Value, what: &str) {
    assert_eq!(v["shadow"], true, "{what}: {v}");
    for part in ["article", "h2", "p"] {
        assert_own_style(&v[part], &format!("{what} {part}"));
    }
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

fn assert_nothing_refused(v: &serde_json::Value) {
    assert_eq!(
        v["refused"],
        serde_json::json!([]),
        "the host's policy refused: {v}"
    );
}

#[test]
fn every_widget_keeps_its_look_in_a_hostile_page_under_a_strict_csp() {
    let s = setup();
    // Every snippet the webmaster page offers that goes into a page.
    let widgets: Vec<String> = [
        "khung-huong-dan",
        "danh-sach",
        "o-tim-kiem",
        "thanh-phan-web",
        "doan-html",
    ]
    .iter()
    .map(|id| snippet(&s, id))
    .collect();
    for code in &widgets {
        assert!(
            !code.contains("style=") && !code.contains("<style"),
            "inline style: {code}"
        );
        for (i, _) in code.match_indices("<script") {
            assert!(
                code[i..].starts_with("<script src="),
                "inline script: {code}"
            );
        }
    }
    let url = host_page(&s, "portal.html", "", &widgets.join("\n"));
    let v = run(&url, "portal.png");
    assert_nothing_refused(&v);
    assert_only_two_origins(&s, &v);
    // The guide and the list in iframes: frameless, sized to their content.
    let frames = v["frames"].as_array().unwrap();
    assert_eq!(frames.len(), 2, "{v}");
    for (f, attribute) in frames.iter().zip([900.0, 600.0]) {
        let h: f64 = f["styleHeight"]
            .as_str()
            .unwrap()
            .trim_end_matches("px")
            .parse()
            .unwrap_or_else(|_| panic!("resizer set no height: {f}"));
        assert!(
            h > 100.0 && (h - attribute).abs() > 1.0,
            "height not the content's: {f}"
        );
        // The host's padding may add to it; its `iframe { height }` may not win.
        assert!(f["height"].as_f64().unwrap() >= h.floor(), "{f}");
        assert_eq!(f["border"], "0px", "{f}");
    }
    assert_shadow_widget(&v["fragment"], "fragment");
    assert_eq!(
        v["fragment"]["fallbackShown"], false,
        "fallback shown beside the shadow root"
    );
    assert_shadow_widget(&v["component"], "component");
    assert_eq!(v["component"]["title"], "Đăng ký khai sinh trực tuyến");
    assert_eq!(v["search"]["shown"], true, "{v}");
    assert_eq!(
        v["search"]["action"],
        s.unit.url("tim-kiem/index.html"),
        "{v}"
    );
}

#[test]
fn the_iframe_widget_resizes_to_its_content() {
    let s = setup();
    // The per-guide snippet for a text-only guide, whose height surely
    // changes with width.
    let page =
        s.f.read_out("phuong-ba-dinh/nhung-vao-cong-thong-tin/index.html");
    assert!(
        page.contains("id=&quot;sotay-dang-ky-tam-tru&quot;")
            || page.contains("sotay-dang-ky-tam-tru"),
        "per-guide snippet offered"
    );
    let theme = sotay::theme::Theme::load(s.f.root(), "default", &sotay::diag::Sink::default())
        .expect("the default theme loads");
    let frame = sotay::render::embed::Frame {
        base_url: &s.unit.url(""),
        rel: "nhung/huong-dan/dang-ky-tam-tru/index.html",
        id: "sotay-tam-tru",
        title: "Đăng ký tạm trú",
        height: 900,
    };
    let code = sotay::render::embed::iframe_snippet(&theme, s.f.root(), &frame).unwrap();
    let url = host_page(&s, "iframe.html", " data-reflow", &code);
    let v = run(&url, "iframe.png");
    assert_nothing_refused(&v);
    let r = &v["reflow"];
    let (h, narrow, wide) = (
        r["before"].as_f64().unwrap_or(0.0),
        r["narrow"].as_f64().unwrap_or(0.0),
        r["wide"].as_f64().unwrap_or(0.0),
    );
    assert!(
        h > 300.0 && (h - 900.0).abs() > 1.0,
        "height {h} not taken from the content: {v}"
    );
    // Reflowed at another width, the content changes height and the iframe
    // follows it there and back.
    assert!(
        narrow > h + 10.0 && (wide - h).abs() < 2.0,
        "iframe did not follow its content: {h} -> {narrow} -> {wide}: {v}"
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
