//! Nothing unfinished reaches citizens: drafts and guides outside their
//! publish dates are in no output (pages, lists, search, feeds, API,
//! widgets, PDFs, pictures, messages, short links, the hub), the coverage
//! report and `check` list them, `serve` shows drafts with a banner, and
//! the prompts `sotay new` writes cannot be published.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

const KET_HON: &str = r#"---
draft: true
title: "Đăng ký kết hôn trực tuyến"
summary: "Đăng ký kết hôn trên Cổng Dịch vụ công."
audiences: [nguoi-dan]
category: ho-tich
where: "Ủy ban nhân dân xã, phường nơi cư trú"
processing_time:
  text: "Trong ngày"
last_reviewed: 2026-11-01
---

Hướng dẫn ngắn.

## Bước 1: Nộp hồ sơ

Trên Cổng.
"#;

const MESSAGE: &str = "purpose: \"Mời đăng ký kết hôn\"\naudiences: [nguoi-dan]\nchannels: [sms]\nguide: dang-ky-ket-hon\nbody: \"((ten ngan)): xem ((ten huong dan)) tại ((duong dan)).\"\n";

/// The fixture's own warning (Sở Thử nghiệm excludes a linked guide) and
/// nothing else, but that xã Ba Vì's copy of tạm trú is out of step when a
/// test gives the central guide publish dates.
fn only_the_fixtures_warning(ds: &[sotay::Diagnostic]) -> bool {
    ds.iter().all(|d| {
        d.message.contains("which unit `so-thu-nghiem` excludes")
            || d.message
                .contains("`dang-ky-tam-tru` has changed since this unit's version")
    })
}

fn date(s: &str) -> sotay::content::Date {
    sotay::content::Date::parse(s).unwrap()
}

/// Files under `out` (the coverage report aside) whose path or text names
/// `slug` or `title`; PDFs are read with pdftotext.
fn mentions(out: &Path, slug: &str, title: &str) -> Vec<String> {
    let mut found = Vec::new();
    for e in walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
    {
        let rel = e
            .path()
            .strip_prefix(out)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if rel.starts_with("bao-cao/") {
            continue;
        }
        let text = if rel.ends_with(".pdf") {
            pdf_text(e.path())
        } else {
            String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()).into_owned()
        };
        if rel.contains(slug) || text.contains(slug) || text.contains(title) {
            found.push(rel);
        }
    }
    found
}

#[test]
fn a_draft_is_in_no_output_and_the_report_lists_it() {
    let f = Fixture::new();
    f.write("content/guides/ho-tich/dang-ky-ket-hon.md", KET_HON);
    f.write("content/messages/moi-ket-hon.yaml", MESSAGE);
    // Xã Ba Vì's own version of tạm trú is a draft: it keeps the central one.
    let own = "content/units/xa-ba-vi/guides/dang-ky-tam-tru.md";
    let text = std::fs::read_to_string(f.root().join(own)).unwrap();
    f.write(own, &text.replacen("---\n", "---\ndraft: true\n", 1));
    let page = PAGE
        .replacen("---\n", "---\ndraft: true\n", 1)
        .replace("An toàn thông tin", "Trang nháp riêng");
    f.write("content/pages/trang-nhap.md", &page);
    let report = f.build_ok();
    assert!(
        only_the_fixtures_warning(&report.diagnostics),
        "{}",
        render(&report.diagnostics)
    );

    let leaks = mentions(&f.out(), "dang-ky-ket-hon", "Đăng ký kết hôn");
    assert!(leaks.is_empty(), "the draft guide shows in {leaks:?}");
    let leaks = mentions(&f.out(), "trang-nhap", "Trang nháp riêng");
    assert!(leaks.is_empty(), "the draft page shows in {leaks:?}");
    // The rest is there: the fixture's guides, leaflets and messages.
    assert!(
        f.out()
            .join("phuong-ba-dinh/huong-dan/dang-ky-khai-sinh/index.html")
            .is_file()
    );
    assert!(
        f.read_out("phuong-ba-dinh/tim-kiem/chi-muc.js")
            .contains("dang-ky-khai-sinh")
    );
    let ba_vi = f.read_out("xa-ba-vi/huong-dan/dang-ky-tam-tru/index.html");
    assert!(ba_vi.contains("Trên Cổng."), "the central version");
    assert!(
        !ba_vi.contains("cộng đồng ở thôn"),
        "not the draft override"
    );

    let json: serde_json::Value =
        serde_json::from_str(&f.read_out("bao-cao/bao-cao.json")).unwrap();
    let unpublished = |unit: &str| -> Vec<(String, String)> {
        json["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["slug"] == unit)
            .unwrap()["unpublished"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| {
                (
                    g["slug"].as_str().unwrap().to_owned(),
                    g["reason"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let draft = |s: &str| (s.to_owned(), "draft".to_owned());
    assert_eq!(
        unpublished("phuong-ba-dinh"),
        vec![draft("dang-ky-ket-hon")]
    );
    assert_eq!(
        unpublished("xa-ba-vi"),
        vec![draft("dang-ky-ket-hon"), draft("dang-ky-tam-tru")]
    );
    assert_eq!(json["unpublished_pages"][0]["slug"], "trang-nhap");
    // Three units × the draft guide, Xã Ba Vì's own draft, the page.
    assert_eq!(json["totals"]["unpublished"], 5);
    let html = f.read_out("bao-cao/index.html");
    assert!(html.contains("Chưa đăng") && html.contains("Đăng ký kết hôn trực tuyến"));
    assert!(html.contains("Bản nháp"));
}

#[test]
fn serve_shows_a_draft_with_a_banner() {
    let f = Fixture::html_only();
    f.write("content/guides/ho-tich/dang-ky-ket-hon.md", KET_HON);
    let mut opts = f.options();
    opts.drafts = true; // what `sotay serve` builds with
    let report = sotay::build(&opts).expect("builds");
    assert!(
        only_the_fixtures_warning(&report.diagnostics),
        "{}",
        render(&report.diagnostics)
    );
    let page = f.read_out("phuong-ba-dinh/huong-dan/dang-ky-ket-hon/index.html");
    assert!(page.contains("class=\"draft-banner\""), "{page}");
    assert!(page.contains("sẽ không được đăng"));
    let other = f.read_out("phuong-ba-dinh/huong-dan/dang-ky-khai-sinh/index.html");
    assert!(!other.contains("draft-banner"), "only drafts carry it");
    // A plain build of the same content has no page for it.
    f.build_ok();
    assert!(
        !f.out()
            .join("phuong-ba-dinh/huong-dan/dang-ky-ket-hon")
            .exists()
    );
}

fn sotay(args: &[&str], root: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sotay"))
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn a_new_guide_is_a_draft_and_its_prompts_cannot_be_published() {
    let f = Fixture::html_only();
    let o = sotay(&["new", "guide", "Đăng ký kết hôn"], f.root());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rel = "content/guides/ho-tich/dang-ky-ket-hon.md";
    let written = std::fs::read_to_string(f.root().join(rel)).unwrap();
    assert!(written.contains("\ndraft: true\n"), "{written}");
    // Built as written: nothing of it is published, and the build says so.
    let report = f.build_ok();
    assert_eq!(report.unpublished, 1);
    assert!(
        only_the_fixtures_warning(&report.diagnostics),
        "{}",
        render(&report.diagnostics)
    );
    assert!(
        !f.out()
            .join("phuong-ba-dinh/huong-dan/dang-ky-ket-hon")
            .exists()
    );
    assert!(
        f.read_out("bao-cao/bao-cao.json")
            .contains("\"dang-ky-ket-hon\"")
    );

    // The editor removes `draft: true` and nothing else: every prompt and
    // `…` is an error at its line.
    f.write(rel, &written.replace("\ndraft: true\n", "\n"));
    let line_of = |needle: &str| {
        let text = std::fs::read_to_string(f.root().join(rel)).unwrap();
        1 + text.lines().position(|l| l.contains(needle)).unwrap()
    };
    let ds = f.build_err();
    let summary = find_diag(&ds, "Viết một hai câu ngắn");
    assert_eq!(at(summary), (rel.to_owned(), line_of("summary:"), 11));
    assert!(summary.hint.as_deref().unwrap().contains("draft: true"));
    let time = find_diag(&ds, "in `processing_time`");
    assert_eq!(at(time).1, line_of("ngày làm việc kể từ"));
    for (needle, line) in [
        ("in `fees`", "Lệ phí …"),
        ("in `legal_basis`", "  - \"Luật …\""),
        ("in `documents`", "Ảnh chụp rõ nét"),
        (
            "Một hai câu giới thiệu ngắn.",
            "Một hai câu giới thiệu ngắn.",
        ),
    ] {
        let lines: Vec<usize> = ds
            .iter()
            .filter(|d| d.message.contains(needle))
            .map(|d| at(d).1)
            .collect();
        assert!(
            lines.contains(&line_of(line)),
            "{needle}: {lines:?}\n{}",
            render(&ds)
        );
    }
    assert!(
        !f.out()
            .join("phuong-ba-dinh/huong-dan/dang-ky-ket-hon")
            .exists()
    );

    // `check` reports the same, and lists drafts apart from problems.
    let check = sotay::check::check(&sotay::check::CheckOptions {
        root: f.root().to_owned(),
        today: build_date(),
        ahead: None,
    });
    let summary = find_diag(&check.diagnostics, "Viết một hai câu ngắn");
    assert!(summary.is_error());
    assert_eq!(at(summary).1, line_of("summary:"));
    f.write(rel, &written);
    let check = sotay::check::check(&sotay::check::CheckOptions {
        root: f.root().to_owned(),
        today: build_date(),
        ahead: None,
    });
    assert_eq!(check.errors(), 0, "{}", render(&check.diagnostics));
    let note = check
        .schedule
        .iter()
        .find(|n| n.slug == "dang-ky-ket-hon")
        .unwrap();
    assert_eq!(note.status, "draft");
}

#[test]
fn publish_dates_are_decided_by_the_build_date() {
    let f = Fixture::html_only();
    let dated = KET_HON.replace(
        "draft: true\n",
        "publish_from: 2026-12-01\npublish_until: 2026-12-31\n",
    );
    f.write("content/guides/ho-tich/dang-ky-ket-hon.md", &dated);
    // A published guide links to it ahead of the day it appears.
    f.write(
        "content/guides/cu-tru/dang-ky-tam-tru.md",
        &TAM_TRU.replace(
            "Tờ khai.",
            "Sau đó [đăng ký kết hôn](guide:dang-ky-ket-hon).",
        ),
    );
    let page = "phuong-ba-dinh/huong-dan/dang-ky-ket-hon/index.html";
    let build = |day: &str| {
        let mut opts = f.options();
        opts.date = date(day);
        sotay::build(&opts).unwrap_or_else(|e| panic!("{}", render(&e.diagnostics)))
    };
    let before = build("2026-11-30");
    assert!(!f.out().join(page).exists());
    assert!(
        !f.read_out("phuong-ba-dinh/sitemap.xml")
            .contains("dang-ky-ket-hon")
    );
    assert!(
        !f.read_out("phuong-ba-dinh/api/v1/index.json")
            .contains("dang-ky-ket-hon")
    );
    let link = find_diag(&before.diagnostics, "published only from 01/12/2026");
    assert!(!link.is_error());
    assert_eq!(at(link).0, "content/guides/cu-tru/dang-ky-tam-tru.md");
    let tam_tru = f.read_out("phuong-ba-dinh/huong-dan/dang-ky-tam-tru/index.html");
    assert!(tam_tru.contains("đăng ký kết hôn") && !tam_tru.contains("dang-ky-ket-hon"));
    assert!(f.read_out("bao-cao/bao-cao.json").contains("\"not-yet\""));
    assert!(
        f.read_out("bao-cao/index.html")
            .contains("Đăng từ ngày 2026-12-01")
    );
    // `check` says when it appears, within its look-ahead.
    let check = sotay::check::check(&sotay::check::CheckOptions {
        root: f.root().to_owned(),
        today: date("2026-11-30"),
        ahead: None,
    });
    let note = check
        .schedule
        .iter()
        .find(|n| n.slug == "dang-ky-ket-hon")
        .unwrap();
    assert_eq!(
        (note.status, note.date, note.soon),
        ("not-yet", Some(date("2026-12-01")), true)
    );
    // A month ahead, with the look-ahead cut to 20 days: held, not soon.
    let check = sotay::check::check(&sotay::check::CheckOptions {
        root: f.root().to_owned(),
        today: date("2026-11-01"),
        ahead: Some(20),
    });
    let note = check
        .schedule
        .iter()
        .find(|n| n.slug == "dang-ky-ket-hon")
        .unwrap();
    assert_eq!((note.status, note.soon), ("not-yet", false));

    // On its first day, over the same output: there, and linked.
    let on = build("2026-12-01");
    assert!(
        only_the_fixtures_warning(&on.diagnostics),
        "{}",
        render(&on.diagnostics)
    );
    assert!(f.read_out(page).contains("Đăng ký kết hôn trực tuyến"));
    assert!(
        f.read_out("bao-cao/index.html")
            .contains("Mọi hướng dẫn và trang đều đã đăng.")
    );
    assert!(
        f.read_out("phuong-ba-dinh/sitemap.xml")
            .contains("dang-ky-ket-hon")
    );
    assert!(
        f.read_out("phuong-ba-dinh/api/v1/index.json")
            .contains("dang-ky-ket-hon")
    );
    let tam_tru = f.read_out("phuong-ba-dinh/huong-dan/dang-ky-tam-tru/index.html");
    assert!(
        tam_tru.contains("href=\"../../huong-dan/dang-ky-ket-hon/index.html\""),
        "{}",
        &tam_tru[tam_tru.find("Sau đó").unwrap()..][..200]
    );
    // Its last day, then the day after: gone again.
    build("2026-12-31");
    assert!(f.out().join(page).is_file());
    let after = build("2027-01-01");
    assert!(!f.out().join(page).exists());
    find_diag(&after.diagnostics, "published only until 31/12/2026");
    assert!(f.read_out("bao-cao/bao-cao.json").contains("\"ended\""));
}

#[test]
fn a_required_guide_that_is_a_draft_is_an_error() {
    let f = Fixture::html_only();
    let rel = "content/guides/ho-tich/dang-ky-khai-sinh.md";
    f.write(rel, &KHAI_SINH.replacen("---\n", "---\ndraft: true\n", 1));
    let ds = f.build_err();
    let d = find_diag(&ds, "required guide `dang-ky-khai-sinh` is a draft");
    assert_eq!(at(d), (rel.to_owned(), 2, 1));
    assert!(d.affects("phuong-ba-dinh") && d.affects("xa-ba-vi"));
    assert!(d.hint.as_deref().unwrap().contains("required:"));
    // In serve's preview the draft is there, so nothing vanishes.
    let mut opts = f.options();
    opts.drafts = true;
    sotay::build(&opts).expect("the preview builds");
}

#[test]
fn links_to_a_draft_are_errors_and_related_drafts_are_dropped() {
    let f = Fixture::html_only();
    let tam_tru = "content/guides/cu-tru/dang-ky-tam-tru.md";
    f.write(tam_tru, &TAM_TRU.replacen("---\n", "---\ndraft: true\n", 1));
    // Khai sinh links to tạm trú in its text and lists it under related.
    let ds = f.build_err();
    let d = find_diag(&ds, "link to `guide:dang-ky-tam-tru`, which is a draft");
    let khai_sinh = "content/guides/ho-tich/dang-ky-khai-sinh.md";
    let line = 1 + KHAI_SINH
        .lines()
        .position(|l| l.contains("guide:dang-ky-tam-tru"))
        .unwrap();
    assert_eq!((at(d).0, at(d).1), (khai_sinh.to_owned(), line));

    // Without the text link, the related entry is left out where the
    // draft is (Phường Ba Đình) and kept where the unit's own version is
    // published (Xã Ba Vì).
    f.write(
        khai_sinh,
        &KHAI_SINH.replace(
            "Xem thêm [tạm trú](guide:dang-ky-tam-tru#buoc-1-chuan-bi-ho-so).",
            "Xem thêm.",
        ),
    );
    f.build_ok();
    let ba_dinh = f.read_out("phuong-ba-dinh/huong-dan/dang-ky-khai-sinh/index.html");
    assert!(!ba_dinh.contains("dang-ky-tam-tru"), "{ba_dinh}");
    let ba_vi = f.read_out("xa-ba-vi/huong-dan/dang-ky-khai-sinh/index.html");
    assert!(ba_vi.contains("dang-ky-tam-tru/index.html"), "{ba_vi}");
}

#[test]
fn an_empty_window_is_an_error() {
    let f = Fixture::html_only();
    let rel = "content/pages/an-toan.md";
    f.write(
        rel,
        &PAGE.replacen(
            "---\n",
            "---\npublish_from: 2027-01-01\npublish_until: 2026-12-31\n",
            1,
        ),
    );
    let ds = f.build_err();
    let d = find_diag(&ds, "is before publish_from");
    assert_eq!((at(d).0, at(d).1), (rel.to_owned(), 3));
}

#[test]
fn a_link_to_a_draft_page_is_an_error_at_the_link() {
    let f = Fixture::html_only();
    f.write(
        "content/pages/an-toan.md",
        &PAGE.replacen("---\n", "---\ndraft: true\n", 1),
    );
    let ds = f.build_err();
    let d = find_diag(&ds, "link to `page:an-toan`, which is a draft");
    let line = 1 + KHAI_SINH
        .lines()
        .position(|l| l.contains("page:an-toan"))
        .unwrap();
    assert_eq!(
        (at(d).0, at(d).1),
        (
            "content/guides/ho-tich/dang-ky-khai-sinh.md".to_owned(),
            line
        )
    );
}
