//! The kiosk screen at the one-stop desk (`trinh-chieu/index.html`), checked
//! as the desk would use it: the unit's folder copied to another place and
//! the page opened from disk in Chromium for an hour of (virtual) time, its
//! rotation, DOM, timers, hotline and network watched; a key press pauses;
//! axe-core finds nothing; without JavaScript every slide is on the page;
//! `kiosk:` in site.yaml and unit files is honoured and checked at its line.

mod common;

use std::path::{Path, PathBuf};

use common::browser::{command_at, file_url};
use common::*;

/// An infographic about a guide every unit publishes, drawn on every canvas.
const KHAI_SINH: &str = r#"title: "3 bước đăng ký khai sinh trực tuyến"
guide: dang-ky-khai-sinh
steps:
  - icon: login
    text: "Đăng nhập Cổng Dịch vụ công quốc gia"
  - icon: file-upload
    text: "Điền tờ khai và nộp hồ sơ"
  - icon: certificate
    text: "Nhận Giấy khai sinh"
"#;

/// An infographic about no guide.
const OTP: &str = r#"title: "Không chia sẻ mã OTP"
steps:
  - icon: lock
    text: "Không đọc mã OTP cho bất kỳ ai"
  - icon: lock
    text: "Cán bộ không gọi điện xin mã OTP"
"#;

/// An infographic drawn only for social networks, not for the LED screen.
const SQUARE: &str = r#"title: "Chỉ cho mạng xã hội"
steps:
  - text: "Một bước"
formats: [vuong]
"#;

/// An infographic about the guide so-thu-nghiem excludes.
const TAM_TRU: &str = r#"title: "Đăng ký tạm trú"
guide: dang-ky-tam-tru
formats: [ngang]
"#;

fn with_infographics(f: &Fixture) {
    f.write("content/infographics/khai-sinh.yaml", KHAI_SINH);
    f.write("content/infographics/otp.yaml", OTP);
    f.write("content/infographics/vuong.yaml", SQUARE);
    f.write("content/infographics/tam-tru.yaml", TAM_TRU);
}

/// Appends `text` to a fixture file.
fn append(f: &Fixture, rel: &str, text: &str) {
    let old = std::fs::read_to_string(f.root().join(rel)).unwrap();
    f.write(rel, &format!("{old}{text}"));
}

/// The fixture with pictures: site.yaml lists two infographics, phường Ba
/// Đình changes the time to 20 s, xã Ba Vì shows only one infographic.
fn fixture() -> Fixture {
    let f = Fixture::new();
    with_infographics(&f);
    append(
        &f,
        "content/site.yaml",
        "kiosk:\n  infographics: [otp, khai-sinh]\n",
    );
    append(
        &f,
        "content/units/phuong-ba-dinh.yaml",
        "kiosk:\n  seconds: 20\n",
    );
    append(
        &f,
        "content/units/xa-ba-vi.yaml",
        "kiosk:\n  infographics: [khai-sinh]\n",
    );
    f.build_ok();
    f
}

/// Installed before the page's script: counts the page's pending timers,
/// then samples the page in the middle of every slide for an hour, presses
/// Space, waits, presses Space again, and writes a report into
/// `<pre id="bao-cao">`. Its own timers use the browser's originals, so they
/// are not counted.
const PROBE: &str = r#"
(function () {
  "use strict";
  var st = window.setTimeout.bind(window), ct = window.clearTimeout.bind(window);
  var si = window.setInterval.bind(window);
  var live = new Set(), most = 0, intervals = 0, errors = [];
  window.addEventListener("error", function (e) { errors.push(String(e.message)); });
  window.setTimeout = function (f, ms) {
    var id = st(function () { live.delete(id); f(); }, ms);
    live.add(id);
    most = Math.max(most, live.size);
    return id;
  };
  window.clearTimeout = function (id) { live.delete(id); ct(id); };
  window.setInterval = function (f, ms) { intervals++; return si(f, ms); };
  function nodes() {
    var w = document.createTreeWalker(document, NodeFilter.SHOW_ALL), n = 0;
    while (w.nextNode()) n++;
    return n;
  }
  function shown() {
    var s = document.querySelectorAll(".slide");
    for (var i = 0; i < s.length; i++) if (!s[i].hidden) return i;
    return -1;
  }
  function hotline() {
    var h = document.getElementById("duong-day-nong"), r = h.getBoundingClientRect();
    var top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return { text: h.textContent, seen: h.checkVisibility() && r.top >= 0 && r.bottom <= innerHeight
      && r.height > 0 && h.contains(top) };
  }
  function sample() {
    var s = document.querySelectorAll(".slide")[shown()];
    var img = s && s.querySelector("img");
    return { t: Date.now() - t0, slide: shown(), nodes: nodes(), live: live.size,
      hotline: hotline(), loaded: !img || (img.complete && img.naturalWidth > 0),
      counter: document.getElementById("so-trang").textContent,
      status: document.getElementById("trang-thai").textContent };
  }
  function key(k) {
    document.body.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));
  }
  var t0 = Date.now(), r = { samples: [] }, ms, hour;
  function report() {
    r.most = most; r.intervals = intervals; r.errors = errors;
    r.resources = performance.getEntriesByType("resource").map(function (e) { return e.name; });
    var out = document.createElement("pre");
    out.id = "bao-cao";
    out.textContent = JSON.stringify(r);
    document.body.appendChild(out);
  }
  function every() {
    r.samples.push(sample());
    if (Date.now() - t0 < hour) return st(every, ms);
    key(" ");
    r.pressed = sample();
    st(function () {
      r.paused = sample();
      key(" ");
      r.resumed = sample();
      st(function () { r.after = sample(); report(); }, ms * 1.5);
    }, ms * 5);
  }
  document.addEventListener("DOMContentLoaded", function () {
    ms = 1000 * parseInt(document.querySelector("[data-seconds]").getAttribute("data-seconds"), 10);
    hour = 3600 * 1000;
    st(every, ms / 2);
  });
})();
"#;

/// A copy of the kiosk page beside it with `probe.js` before its script and
/// `extra` at the end of its body; its path.
fn instrument(page: &Path, extra: &str) -> PathBuf {
    std::fs::write(page.with_file_name("probe.js"), PROBE).unwrap();
    let html = std::fs::read_to_string(page).unwrap();
    let html = html
        .replacen(
            "<script src=",
            "<script src=\"probe.js\"></script><script src=",
            1,
        )
        .replacen("</body>", &format!("{extra}</body>"), 1);
    let copy = page.with_file_name("kiem-tra.html");
    std::fs::write(&copy, html).unwrap();
    copy
}

/// Runs `page` in Chromium at the LED screen's size for `seconds` of
/// virtual time; the probe's report and the URLs of every network request
/// made for a page from disk (Chromium's net log: file:// loads are not in
/// it, and its own background requests carry no file:// isolation key).
fn run(page: &Path, seconds: u64) -> (serde_json::Value, Vec<String>) {
    let profile = tempfile::tempdir().unwrap();
    let log = profile.path().join("net.json");
    let out = command_at(profile.path(), 1920)
        .arg("--window-size=1920,1080")
        .arg(format!("--virtual-time-budget={}", seconds * 1000))
        .arg(format!("--log-net-log={}", log.display()))
        .arg("--dump-dom")
        .arg(file_url(page))
        .output()
        .expect("run chromium");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dom = String::from_utf8_lossy(&out.stdout);
    let report = dom
        .split("<pre id=\"bao-cao\">")
        .nth(1)
        .and_then(|s| s.split("</pre>").next())
        .unwrap_or_else(|| panic!("the probe did not finish:\n{dom}"));
    let report = report
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&");
    let requests = common::browser::requests_in_log(&log, "file://");
    (serde_json::from_str(&report).unwrap(), requests)
}

/// The unit's folder, copied to another place (as onto the desk's PC).
fn copied(f: &Fixture, unit: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("may-tinh-mot-cua").join(unit);
    copy_dir(&f.out().join(unit), &to);
    (dir, to.join("trinh-chieu/index.html"))
}

#[test]
fn an_hour_on_the_desk_screen_rotates_without_growing_and_pauses_on_a_key() {
    let f = fixture();
    let (_dir, page) = copied(&f, "phuong-ba-dinh");
    let slides = 2 + 3; // otp and khai-sinh, then the unit's three guides
    let seconds = 20; // the unit's own kiosk.seconds
    let probe = instrument(&page, "");
    let (r, requests) = run(&probe, 3600 + 10 * seconds + 60);
    assert_eq!(r["errors"], serde_json::json!([]), "script errors: {r}");
    let samples = r["samples"].as_array().unwrap();
    assert!(
        samples.len() >= 3600 / seconds as usize,
        "{} samples",
        samples.len()
    );
    let first = &samples[0];
    for (k, s) in samples.iter().enumerate() {
        // Each sample is in the middle of a slide: the k-th slide after the first.
        assert_eq!(s["slide"], k % slides, "sample {k} at {} ms: {s}", s["t"]);
        assert_eq!(
            s["counter"],
            format!("Trang {}/{slides}", k % slides + 1),
            "{s}"
        );
        assert_eq!(
            s["nodes"], first["nodes"],
            "the DOM grew by sample {k}: {s}"
        );
        assert_eq!(s["live"], 1, "one timer pending, not {}: {s}", s["live"]);
        assert_eq!(s["hotline"]["seen"], true, "hotline hidden at {k}: {s}");
        assert!(
            s["hotline"]["text"].as_str().unwrap().contains("1022"),
            "{s}"
        );
        assert_eq!(s["loaded"], true, "a picture did not load: {s}");
        assert_eq!(s["status"], "Tự chuyển trang sau mỗi 20 giây.", "{s}");
    }
    assert_eq!(r["most"], 1, "more than one timer at once: {r}");
    assert_eq!(r["intervals"], 0);
    // Space pauses: said on screen, no timer, the same slide a while later.
    let (pressed, paused) = (&r["pressed"], &r["paused"]);
    assert_eq!(pressed["status"], "Đã tạm dừng.", "{pressed}");
    assert_eq!(pressed["live"], 0, "{pressed}");
    assert_eq!(paused["slide"], pressed["slide"], "{paused}");
    assert_eq!(paused["nodes"], first["nodes"]);
    assert_eq!(paused["hotline"]["seen"], true);
    // Space again resumes: one slide further after a slide and a half.
    let (resumed, after) = (&r["resumed"], &r["after"]);
    assert_eq!(resumed["status"], first["status"], "{resumed}");
    let next = (paused["slide"].as_u64().unwrap() + 1) % slides as u64;
    assert_eq!(after["slide"], next, "{after}");
    // Nothing but files: the page's resources, and the network as Chromium saw it.
    for url in r["resources"].as_array().unwrap() {
        assert!(url.as_str().unwrap().starts_with("file://"), "{url}");
    }
    assert!(requests.is_empty(), "network requests: {requests:?}");
}

#[test]
fn the_network_watch_sees_a_request_from_the_page() {
    // The harness can fail: a page from disk that loads from another origin
    // is seen in the net log.
    let f = fixture();
    let (_dir, page) = copied(&f, "xa-ba-vi");
    let probe = instrument(&page, "<img src=\"http://127.0.0.1:9/anh.png\" alt=\"\">");
    let (r, requests) = run(&probe, 3600 + 300);
    assert!(
        requests.iter().any(|u| u == "http://127.0.0.1:9/anh.png"),
        "{requests:?}"
    );
    // xa-ba-vi: its own list (khai-sinh) and the site's 12 s.
    assert_eq!(
        r["samples"][0]["status"],
        "Tự chuyển trang sau mỗi 12 giây."
    );
}

#[test]
fn axe_finds_nothing_on_the_kiosk_screen() {
    axe::script();
    let f = fixture();
    let page = f.out().join("phuong-ba-dinh/trinh-chieu/index.html");
    for width in [1920, 390] {
        let found = axe::violations(&page, width);
        assert!(found.is_empty(), "at {width}px: {found:#?}");
    }
    let problems = a11y::audit(&std::fs::read_to_string(&page).unwrap());
    assert!(problems.is_empty(), "{problems:?}");
}

/// The `src` of every image in `html`, in order.
fn images(html: &str) -> Vec<String> {
    sotay::links::attributes(html)
        .into_iter()
        .filter(|a| a.tag == "img" && a.name == "src")
        .map(|a| a.value)
        .collect()
}

#[test]
fn without_javascript_every_slide_is_on_the_page_with_codes_that_scan() {
    let f = fixture();
    let html = f.read_out("phuong-ba-dinh/trinh-chieu/index.html");
    // site.yaml's list, in its order; then every guide with its QR code.
    assert_eq!(
        images(&html),
        [
            "../do-hoa/otp/ngang-1920x1080.png",
            "../do-hoa/khai-sinh/ngang-1920x1080.png",
            "qr/dang-ky-ho-kinh-doanh.png",
            "qr/dang-ky-khai-sinh.png",
            "qr/dang-ky-tam-tru.png",
        ]
    );
    assert!(!html.contains("<section class=\"slide slide--guide\" hidden"));
    let text = text_of(&html);
    for title in [
        "Không chia sẻ mã OTP",
        "Đăng ký khai sinh trực tuyến",
        "Đăng ký tạm trú",
        "Đăng ký hộ kinh doanh",
        "Đường dây nóng: 1022",
    ] {
        assert!(text.contains(title), "{title} not on the page");
    }
    // The controls that need JavaScript are hidden without it.
    assert!(html.contains("<footer class=\"kiosk__foot\" id=\"dieu-khien\" hidden>"));
    // Each code leads to its guide on the unit's site.
    let base = base_url_of(f.root(), "phuong-ba-dinh");
    for slug in [
        "dang-ky-khai-sinh",
        "dang-ky-tam-tru",
        "dang-ky-ho-kinh-doanh",
    ] {
        let png = f
            .out()
            .join(format!("phuong-ba-dinh/trinh-chieu/qr/{slug}.png"));
        let img = image::open(&png).unwrap().to_luma8();
        assert_eq!(
            common::qr::in_image(img),
            [format!("{base}huong-dan/{slug}/")],
            "{slug}"
        );
    }
    // The webmaster page links it and says how to use it at the desk.
    let webmaster = f.read_out("phuong-ba-dinh/nhung-vao-cong-thong-tin/index.html");
    assert!(webmaster.contains("href=\"../trinh-chieu/index.html\""));
    assert!(text_of(&webmaster).contains("mở tệp trinh-chieu/index.html bằng trình duyệt"));
}

#[test]
fn each_unit_shows_its_own_list_and_time() {
    let f = fixture();
    let page = |unit: &str| f.read_out(&format!("{unit}/trinh-chieu/index.html"));
    // xa-ba-vi's own list; the site's 12 s.
    let ba_vi = page("xa-ba-vi");
    let pictures: Vec<String> = images(&ba_vi)
        .into_iter()
        .filter(|s| s.starts_with("../do-hoa/"))
        .collect();
    assert_eq!(pictures, ["../do-hoa/khai-sinh/ngang-1920x1080.png"]);
    assert!(ba_vi.contains("data-seconds=\"12\""));
    assert!(
        ba_vi.contains("qr/nho-to-cong-nghe-so.png"),
        "its own guide"
    );
    // phuong-ba-dinh: the site's list, its own 20 s.
    assert!(page("phuong-ba-dinh").contains("data-seconds=\"20\""));
    // The square-only infographic is never on the LED screen.
    for unit in ["so-thu-nghiem", "phuong-ba-dinh", "xa-ba-vi"] {
        assert!(!page(unit).contains("do-hoa/vuong/"), "{unit}");
    }
}

#[test]
fn without_a_list_the_screen_shows_every_infographic_drawn_for_it() {
    let f = Fixture::new();
    with_infographics(&f);
    f.build_ok();
    let html = f.read_out("phuong-ba-dinh/trinh-chieu/index.html");
    assert!(html.contains("data-seconds=\"12\""));
    let pictures: Vec<String> = images(&html)
        .into_iter()
        .filter(|s| s.starts_with("../do-hoa/"))
        .collect();
    assert_eq!(
        pictures,
        [
            "../do-hoa/khai-sinh/ngang-1920x1080.png",
            "../do-hoa/otp/ngang-1920x1080.png",
            "../do-hoa/tam-tru/ngang-1920x1080.png",
        ]
    );
    // so-thu-nghiem does not publish dang-ky-tam-tru: not its infographic.
    let so = f.read_out("so-thu-nghiem/trinh-chieu/index.html");
    assert!(!so.contains("do-hoa/tam-tru/"));
}

#[test]
fn bad_kiosk_settings_are_errors_at_their_lines() {
    let f = Fixture::html_only();
    with_infographics(&f);
    append(
        &f,
        "content/site.yaml",
        "kiosk:\n  seconds: 2\n  infographics:\n    - otp\n    - kahi-sinh\n    - vuong\n",
    );
    append(
        &f,
        "content/units/so-thu-nghiem.yaml",
        "kiosk:\n  infographics: [tam-tru]\n",
    );
    append(
        &f,
        "content/units/phuong-ba-dinh.yaml",
        "kiosk:\n  secondz: 15\n",
    );
    let ds = f.build_err();
    let site = std::fs::read_to_string(f.root().join("content/site.yaml")).unwrap();
    let seconds = find_diag(&ds, "kiosk.seconds is 2");
    assert_eq!(at(seconds).1, line_of(&site, "  seconds: 2"));
    let unknown = find_diag(&ds, "unknown infographic `kahi-sinh`");
    assert_eq!(at(unknown).1, line_of(&site, "    - kahi-sinh"));
    assert!(unknown.hint.as_deref().unwrap().contains("`khai-sinh`"));
    let square = find_diag(&ds, "`vuong` is not drawn for the LED screen");
    assert_eq!(at(square).1, line_of(&site, "    - vuong"));
    let unit = std::fs::read_to_string(f.root().join("content/units/so-thu-nghiem.yaml")).unwrap();
    let excluded = find_diag(&ds, "which this unit does not publish");
    assert_eq!(
        at(excluded),
        (
            "content/units/so-thu-nghiem.yaml".to_owned(),
            line_of(&unit, "  infographics: [tam-tru]"),
            18
        )
    );
    let key = find_diag(&ds, "secondz");
    let ba_dinh =
        std::fs::read_to_string(f.root().join("content/units/phuong-ba-dinh.yaml")).unwrap();
    assert_eq!(at(key).0, "content/units/phuong-ba-dinh.yaml");
    assert_eq!(at(key).1, line_of(&ba_dinh, "  secondz: 15"));
    // One diagnostic per problem, and no other.
    for needle in [
        "kiosk.seconds",
        "kahi-sinh",
        "`vuong`",
        "does not publish",
        "secondz",
    ] {
        let n = ds.iter().filter(|d| d.message.contains(needle)).count();
        assert_eq!(n, 1, "{needle}: {}", render(&ds));
    }
    assert_eq!(
        ds.iter().filter(|d| d.is_error()).count(),
        5,
        "{}",
        render(&ds)
    );
}
