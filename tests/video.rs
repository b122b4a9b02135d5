//! Video in guides (issue 19, item 1): a guide's `video:` (a file shipped
//! with the site) and a step's video on a platform. The page plays the file
//! in the browser's own player with Vietnamese captions, shows a platform
//! video as a poster that loads nothing from the platform until a click,
//! and carries the captions as a transcript; the transcript is searchable,
//! the API and the sitemap carry the videos, the leaflet has a QR code to
//! the video. Bad captions are errors at the .vtt file's line; a missing
//! poster or captions file is an error naming it; a file over the size
//! limit is a warning.

mod common;

use common::*;

const KHAI_SINH_PATH: &str = "content/guides/ho-tich/dang-ky-khai-sinh.md";
const DIR: &str = "content/guides/ho-tich";
const UNITS: [&str; 3] = ["phuong-ba-dinh", "so-thu-nghiem", "xa-ba-vi"];
const YOUTUBE: &str = "https://www.youtube.com/watch?v=aaaaaaaaaaa";
const EMBED: &str = "https://www.youtube-nocookie.com/embed/aaaaaaaaaaa?autoplay=1";

/// The tiny MP4 (a 4-second still card, 320 × 180, under 4 KB) and its
/// poster, committed with the tests.
fn mp4() -> Vec<u8> {
    std::fs::read(repo().join("tests/video-fixture/minh-hoa.mp4")).unwrap()
}

fn poster() -> Vec<u8> {
    std::fs::read(repo().join("tests/video-fixture/anh-bia.jpg")).unwrap()
}

const CAPTIONS: &str = "WEBVTT\n\n1\n00:00:00.000 --> 00:00:02.000\nĐăng nhập Cổng Dịch vụ công bằng tài khoản định danh điện tử.\n\n2\n00:00:02.000 --> 00:00:04.000\n<v Cán bộ>Chọn thủ tục đăng ký khai sinh &amp; nộp hồ sơ.</v>\n";

const STEP_CAPTIONS: &str =
    "WEBVTT\n\n00:00:00.500 --> 00:00:03.000\nKiểm tra kỹ thông tin trước khi bấm nộp hồ sơ.\n";

/// The video lines of the khai sinh guide's front matter.
fn video_yaml() -> String {
    format!(
        "video:\n  title: \"Đăng ký khai sinh trên điện thoại\"\n  file: [video/minh-hoa.mp4]\n  poster: video/anh-bia.jpg\n  captions: video/phu-de.vtt\nstep_videos:\n  2:\n    url: \"{YOUTUBE}\"\n    poster: video/anh-bia.jpg\n    captions: video/buoc-2.vtt\n    duration: \"0:45\"\n"
    )
}

fn write_bytes(f: &Fixture, rel: &str, bytes: &[u8]) {
    let p = f.root().join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

/// The khai sinh guide with `video` (front matter lines) and the files.
fn with_video(f: &Fixture, video: &str) {
    f.write(
        KHAI_SINH_PATH,
        &KHAI_SINH.replace("documents:\n", &format!("{video}documents:\n")),
    );
    write_bytes(f, &format!("{DIR}/video/minh-hoa.mp4"), &mp4());
    write_bytes(f, &format!("{DIR}/video/anh-bia.jpg"), &poster());
    f.write(&format!("{DIR}/video/phu-de.vtt"), CAPTIONS);
    f.write(&format!("{DIR}/video/buoc-2.vtt"), STEP_CAPTIONS);
}

fn fixture() -> Fixture {
    let f = Fixture::html_only();
    with_video(&f, &video_yaml());
    f
}

/// The text of a page's element from `start` to the next `end`.
fn section(page: &str, start: &str, end: &str) -> String {
    let from = page.find(start).unwrap_or_else(|| panic!("no {start}"));
    let to = from + page[from..].find(end).expect("its end");
    page[from..to].to_owned()
}

fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every URL in `html` (src, href, poster, data-embed) that leaves the
/// unit's folder for another origin when the page loads: only `src` and
/// `poster` load; links and `data-embed` wait for the reader.
fn loads_on_open(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["src=\"", "poster=\""] {
        for (i, _) in html.match_indices(attr) {
            let v = &html[i + attr.len()..];
            let v = &v[..v.find('"').unwrap()];
            if v.contains("//") {
                out.push(v.to_owned());
            }
        }
    }
    out
}

#[test]
fn the_page_plays_the_file_with_captions_and_shows_the_transcript() {
    let f = fixture();
    f.build_ok();
    for unit in UNITS {
        let dir = f.out().join(unit).join("huong-dan/dang-ky-khai-sinh/video");
        assert_eq!(std::fs::read(dir.join("minh-hoa.mp4")).unwrap(), mp4());
        assert_eq!(std::fs::read(dir.join("anh-bia.jpg")).unwrap(), poster());
        assert_eq!(
            std::fs::read_to_string(dir.join("phu-de.vtt")).unwrap(),
            CAPTIONS
        );
        let page = f.read_out(&format!("{unit}/huong-dan/dang-ky-khai-sinh/index.html"));
        let player = section(
            &page,
            "<figure class=\"video\" id=\"xem-video\"",
            "</figure>",
        );
        for needle in [
            "<video controls preload=\"none\" poster=\"../../huong-dan/dang-ky-khai-sinh/video/anh-bia.jpg\"",
            "<source src=\"../../huong-dan/dang-ky-khai-sinh/video/minh-hoa.mp4\" type=\"video/mp4\">",
            "<track kind=\"captions\" srclang=\"vi\"",
            "src=\"../../huong-dan/dang-ky-khai-sinh/video/phu-de.vtt\" default>",
            // Duration from the MP4's own header; the size from the file.
            "<time datetime=\"PT0M4S\">0:04</time>",
            "MP4, 4 KB",
        ] {
            assert!(player.contains(needle), "{unit}: {needle} in\n{player}");
        }
        let transcript = flat(&sotay::links::text(&section(
            &player,
            "<details class=\"transcript\">",
            "</details>",
        )));
        assert!(
            transcript.contains(
                "0:00 Đăng nhập Cổng Dịch vụ công bằng tài khoản định danh điện tử. 0:02 Chọn thủ tục đăng ký khai sinh & nộp hồ sơ."
            ),
            "{transcript}"
        );
        // The step's video sits in step 2, a poster and a plain link; the
        // platform's player is only named in data-embed, for the click.
        let step = section(&page, "id=\"buoc-2-nop-ho-so-video\"", "</figure>");
        assert!(
            step.contains(&format!("data-embed=\"{}\"", html_escape(EMBED))),
            "{step}"
        );
        assert!(
            step.contains(&format!("href=\"{}\"", html_escape(YOUTUBE))),
            "{step}"
        );
        assert!(step.contains("Kiểm tra kỹ thông tin trước khi bấm nộp hồ sơ."));
        assert!(step.contains("<time datetime=\"PT0M45S\">0:45</time>"));
        assert!(!step.contains("<iframe"), "{step}");
        assert!(page.contains("<script src=\"../../assets/video.js\" defer></script>"));
        assert_eq!(loads_on_open(&page), Vec::<String>::new(), "{unit}");
        assert_links_resolve(f.root(), &f.out(), unit);
    }
}

/// Tera's HTML escaping of a URL, as it appears in an attribute.
fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
}

#[test]
fn transcripts_are_searchable_and_the_api_and_sitemap_carry_the_videos() {
    let f = fixture();
    f.build_ok();
    let unit = "phuong-ba-dinh";
    let base = base_url_of(f.root(), unit);
    let index = f.read_out(&format!("{unit}/tim-kiem/chi-muc.js"));
    let json = index
        .strip_prefix("window.SOTAY_INDEX=")
        .and_then(|s| s.trim_end().strip_suffix(';'))
        .unwrap();
    let index: serde_json::Value = serde_json::from_str(json).unwrap();
    let doc = index["docs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["u"] == "huong-dan/dang-ky-khai-sinh/index.html")
        .unwrap();
    let body = doc["b"].as_str().unwrap();
    assert!(body.contains("bằng tài khoản định danh điện tử"), "{body}");
    assert!(body.contains("Kiểm tra kỹ thông tin trước khi bấm nộp hồ sơ"));

    let api: serde_json::Value = serde_json::from_str(
        &f.read_out(&format!("{unit}/api/v1/huong-dan/dang-ky-khai-sinh.json")),
    )
    .unwrap();
    let v = &api["video"];
    assert_eq!(v["title"], "Đăng ký khai sinh trên điện thoại");
    assert_eq!(
        v["sources"][0]["url"],
        format!("{base}huong-dan/dang-ky-khai-sinh/video/minh-hoa.mp4")
    );
    assert_eq!(v["sources"][0]["mime"], "video/mp4");
    assert_eq!(v["sources"][0]["bytes"], mp4().len());
    assert_eq!(
        v["captions"],
        format!("{base}huong-dan/dang-ky-khai-sinh/video/phu-de.vtt")
    );
    assert_eq!(v["seconds"], 4);
    assert_eq!(
        v["watch_url"],
        format!("{base}huong-dan/dang-ky-khai-sinh/#xem-video")
    );
    assert_eq!(
        v["transcript"][1]["text"],
        "Chọn thủ tục đăng ký khai sinh & nộp hồ sơ."
    );
    let step = &api["steps"][1]["video"];
    assert_eq!(step["platform"]["name"], "YouTube");
    assert_eq!(step["platform"]["embed"], EMBED);
    assert_eq!(step["watch_url"], YOUTUBE);
    assert!(api["steps"][0].get("video").is_none());

    let sitemap = f.read_out(&format!("{unit}/sitemap.xml"));
    assert!(sitemap.contains("xmlns:video=\"http://www.google.com/schemas/sitemap-video/1.1\""));
    let entry = section(
        &sitemap,
        &format!("<loc>{base}huong-dan/dang-ky-khai-sinh/</loc>"),
        "</url>",
    );
    for needle in [
        format!(
            "<video:thumbnail_loc>{}</video:thumbnail_loc>",
            html_escape(&format!(
                "{base}huong-dan/dang-ky-khai-sinh/video/anh-bia.jpg"
            ))
        ),
        "<video:title>Đăng ký khai sinh trên điện thoại</video:title>".to_owned(),
        "<video:description>Đăng ký khai sinh cho trẻ mà không cần đến Ủy ban.</video:description>"
            .to_owned(),
        format!(
            "<video:content_loc>{}</video:content_loc>",
            html_escape(&format!(
                "{base}huong-dan/dang-ky-khai-sinh/video/minh-hoa.mp4"
            ))
        ),
        format!(
            "<video:player_loc>{}</video:player_loc>",
            html_escape(EMBED)
        ),
        "<video:duration>45</video:duration>".to_owned(),
    ] {
        assert!(entry.contains(&needle), "{needle} in\n{entry}");
    }
    // The widget of the guide shows the video too.
    let widget = f.read_out(&format!(
        "{unit}/nhung/huong-dan/dang-ky-khai-sinh/index.html"
    ));
    assert!(
        widget.contains("huong-dan/dang-ky-khai-sinh/video/anh-bia.jpg"),
        "{widget}"
    );
}

fn build_with_captions(vtt: &str) -> Vec<sotay::Diagnostic> {
    let f = fixture();
    f.write(&format!("{DIR}/video/phu-de.vtt"), vtt);
    f.build_err()
}

#[test]
fn bad_captions_are_errors_at_the_vtt_file_and_line() {
    let file = format!("{DIR}/video/phu-de.vtt");
    // No header.
    let ds = build_with_captions("00:00:00.000 --> 00:00:02.000\nA\n");
    let d = find_diag(&ds, "must start with the line `WEBVTT`");
    assert_eq!(at(d), (file.clone(), 1, 1));
    // A comma before the milliseconds (SubRip's way).
    let ds = build_with_captions("WEBVTT\n\n00:00:00,000 --> 00:00:02.000\nA\n");
    let d = find_diag(&ds, "`00:00:00,000` is not a WebVTT time");
    assert_eq!(at(d), (file.clone(), 3, 1));
    // Out of order, and ending before it starts: each at its own line, once.
    let ds = build_with_captions(
        "WEBVTT\n\n00:00:02.000 --> 00:00:03.000\nA\n\n00:00:01.000 --> 00:00:04.000\nB\n\n00:00:05.000 --> 00:00:04.500\nC\n",
    );
    assert_eq!(at(find_diag(&ds, "out of order")), (file.clone(), 6, 1));
    assert_eq!(
        at(find_diag(&ds, "ends at 00:00:04.500")),
        (file.clone(), 9, 1)
    );
    assert_eq!(
        ds.iter()
            .filter(|d| d.message.contains("out of order"))
            .count(),
        1
    );
}

#[test]
fn a_missing_caption_or_poster_file_is_an_error_naming_it() {
    let f = fixture();
    std::fs::remove_file(f.root().join(DIR).join("video/buoc-2.vtt")).unwrap();
    let ds = f.build_err();
    let d = find_diag(&ds, "captions file not found");
    assert!(d.message.contains("buoc-2.vtt"), "{}", render(&ds));
    assert_eq!(at(d).0, KHAI_SINH_PATH);

    let f = fixture();
    std::fs::remove_file(f.root().join(DIR).join("video/anh-bia.jpg")).unwrap();
    let ds = f.build_err();
    let d = find_diag(&ds, "poster file not found");
    assert!(d.message.contains("anh-bia.jpg"));
    // No captions at all: required, said once.
    let f = Fixture::html_only();
    with_video(
        &f,
        &video_yaml().replace("  captions: video/phu-de.vtt\n", ""),
    );
    let ds = f.build_err();
    let d = find_diag(&ds, "a video needs `captions:`");
    assert_eq!(at(d).0, KHAI_SINH_PATH);
    assert!(render(&ds).contains("captions are required"));
    assert_eq!(
        ds.iter().filter(|d| d.message.contains("captions")).count(),
        1
    );
}

#[test]
fn a_platform_url_elsewhere_or_a_path_out_of_the_project_is_refused() {
    let f = Fixture::html_only();
    with_video(
        &f,
        &video_yaml().replace(YOUTUBE, "https://video.example.com/watch?v=aaaaaaaaaaa"),
    );
    let ds = f.build_err();
    let d = find_diag(&ds, "is not a video on YouTube, Facebook or TikTok");
    let (file, line, _) = at(d);
    assert_eq!(file, KHAI_SINH_PATH);
    let text = std::fs::read_to_string(f.root().join(KHAI_SINH_PATH)).unwrap();
    assert_eq!(line, line_of(&text, "    url:"));

    let f = Fixture::html_only();
    with_video(
        &f,
        &video_yaml().replace(
            "poster: video/anh-bia.jpg\n  captions",
            "poster: ../../../../etc/anh.jpg\n  captions",
        ),
    );
    let ds = f.build_err();
    find_diag(&ds, "must be a file beside the guide");
}

#[test]
fn a_file_over_the_limit_is_a_warning_with_its_size() {
    let f = fixture();
    f.write(
        "content/site.yaml",
        &format!("{SITE}video:\n  max_mb: 0.002\n"),
    );
    let report = f.build_ok();
    let warnings: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("over the"))
        .collect();
    assert_eq!(warnings.len(), 2, "{}", render(&report.diagnostics));
    assert!(
        warnings[0]
            .message
            .contains("`minh-hoa.mp4` is 4 KB, over the 3 KB limit"),
        "{}",
        warnings[0].message
    );
    assert!(warnings.iter().any(|w| w.message.contains("anh-bia.jpg")));
    assert!(!warnings[0].is_error());
}

/// Runs `page` (served at `url`) in Chromium with every host but 127.0.0.1
/// unresolvable, so nothing leaves the machine; the DOM after its scripts
/// and the URL of every request the page made (Chromium's net log, by the
/// page's network isolation key, so the browser's own requests are not
/// counted).
fn run_served(url: &str) -> (String, Vec<String>) {
    // A network isolation key names sites: scheme and host, no port.
    let site = "http://127.0.0.1";
    let profile = tempfile::tempdir().unwrap();
    let log = profile.path().join("net.json");
    let out = common::browser::command(profile.path())
        .arg("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1")
        // The browser's own form-autofill lookup (for the search box) is
        // not the page's request.
        .arg("--disable-features=AutofillServerCommunication")
        .arg(format!("--log-net-log={}", log.display()))
        .arg("--dump-dom")
        .arg(url)
        .output()
        .expect("run chromium");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let requests = common::browser::requests_in_log(&log, site);
    (String::from_utf8_lossy(&out.stdout).into_owned(), requests)
}

/// Presses the first play button once the page's scripts ran, then says
/// what the frame holds.
const CLICK_JS: &str = r#"
document.querySelector(".video__play").click();
setTimeout(function () {
  var out = document.createElement("pre");
  out.id = "bao-cao";
  var f = document.querySelector(".video__frame--platform iframe");
  out.textContent = f ? f.src : "no iframe";
  document.body.appendChild(out);
}, 1000);
"#;

#[test]
fn a_platform_video_loads_nothing_from_the_platform_until_the_click() {
    let f = fixture();
    f.build_ok();
    let unit_dir = f.out().join("phuong-ba-dinh");
    let page = unit_dir.join("huong-dan/dang-ky-khai-sinh/index.html");
    // A copy of the page that presses play (a deferred script after the
    // page's own video.js).
    std::fs::write(page.with_file_name("bam.js"), CLICK_JS).unwrap();
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("</body>"));
    std::fs::write(
        page.with_file_name("bam.html"),
        html.replacen(
            "</body>",
            "<script src=\"bam.js\" defer></script></body>",
            1,
        ),
    )
    .unwrap();
    let server = common::server::Server::start(unit_dir, |_| Vec::new());
    let origin = format!("127.0.0.1:{}", server.port);

    let (dom, requests) = run_served(&server.url("huong-dan/dang-ky-khai-sinh/index.html"));
    assert!(
        requests.iter().any(|u| u.ends_with("/assets/video.js")),
        "the page's requests were not recorded: {requests:?}"
    );
    let elsewhere: Vec<_> = requests.iter().filter(|u| !u.contains(&origin)).collect();
    assert!(
        elsewhere.is_empty(),
        "requests to another origin on load: {elsewhere:?}"
    );
    // The script showed the button and put no player on the page.
    let step = section(&dom, "id=\"buoc-2-nop-ho-so-video\"", "</figure>");
    assert!(
        step.contains("<button type=\"button\" class=\"video__play\">"),
        "{step}"
    );
    assert!(!step.contains("<iframe"), "{step}");

    let (dom, requests) = run_served(&server.url("huong-dan/dang-ky-khai-sinh/bam.html"));
    let report = section(&dom, "<pre id=\"bao-cao\">", "</pre>");
    assert!(
        report.contains("https://www.youtube-nocookie.com/embed/aaaaaaaaaaa?autoplay=1"),
        "{report}"
    );
    let elsewhere: Vec<_> = requests.iter().filter(|u| !u.contains(&origin)).collect();
    assert_eq!(elsewhere, vec![EMBED], "after the click: {requests:?}");
}

#[test]
fn the_page_with_players_passes_axe() {
    let f = fixture();
    f.build_ok();
    let page = f
        .out()
        .join("phuong-ba-dinh/huong-dan/dang-ky-khai-sinh/index.html");
    for width in [390, 1280] {
        let v = common::axe::violations(&page, width);
        assert!(v.is_empty(), "at {width} px: {v:#?}");
    }
    let html = std::fs::read_to_string(&page).unwrap();
    assert_eq!(common::a11y::audit(&html), Vec::<String>::new());
}

#[test]
fn the_leaflet_has_a_qr_code_to_the_video_beside_the_guides() {
    let f = Fixture::new();
    with_video(&f, &video_yaml());
    f.build_ok();
    let base = base_url_of(f.root(), "phuong-ba-dinh");
    let page = format!("{base}huong-dan/dang-ky-khai-sinh/");
    for rel in [
        "phuong-ba-dinh/in-an/nha-in/dang-ky-khai-sinh-to-roi-a5.pdf",
        "phuong-ba-dinh/in-an/dang-ky-khai-sinh-to-roi-a5.pdf",
    ] {
        let pdf = f.out().join(rel);
        assert_eq!(
            common::qr::in_pdf_page(&pdf, 1, f.root()),
            vec![page.clone(), format!("{page}#xem-video")],
            "{rel}"
        );
        let text = pdf_text(&pdf);
        assert!(flat(&text).contains("Xem video hướng dẫn"), "{rel}: {text}");
    }
    // A guide without a video has one code only.
    let pdf = f
        .out()
        .join("phuong-ba-dinh/in-an/nha-in/dang-ky-tam-tru-to-roi-a5.pdf");
    assert_eq!(common::qr::in_pdf_page(&pdf, 1, f.root()).len(), 1);
}

#[test]
fn two_different_files_with_one_name_are_refused() {
    let f = Fixture::html_only();
    with_video(
        &f,
        &video_yaml().replace(
            &format!("    url: \"{YOUTUBE}\"\n"),
            "    file: khac/minh-hoa.mp4\n",
        ),
    );
    let mut other = mp4();
    other.extend_from_slice(b"\0\0\0\x08free");
    write_bytes(&f, &format!("{DIR}/khac/minh-hoa.mp4"), &other);
    let ds = f.build_err();
    let d = find_diag(
        &ds,
        "two different video files are published as `minh-hoa.mp4`",
    );
    assert_eq!(at(d).0, KHAI_SINH_PATH);
}
