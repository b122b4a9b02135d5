//! WCAG 2.1 AA basics checked on every generated page of the fixture and of
//! the sample: language, one h1, no skipped heading levels, alt text, skip
//! link, landmarks, named links and form controls, unique ids, and no
//! JavaScript needed; and axe-core's WCAG 2.1 A/AA rules in Chromium on one
//! page of every kind, at a phone's width and a desktop's.

mod common;

use std::path::{Path, PathBuf};

use common::a11y::{audit, audit_dir};
use common::*;

#[test]
fn the_audit_catches_what_it_claims_to() {
    let bad = "<script>x()</script><html lang=\"en\"><h1>a</h1><h3>b</h3><img src=x><a href=y></a><p id=q></p><p id=q></p><a href=z>bấm vào đây</a><ul><li><input disabled type=checkbox> Giấy tờ</li></ul><label for=\"q2\">Tìm</label><input id=\"q2\"><label>Tên <input></label>";
    let p = audit(bad);
    for needle in [
        "lang",
        "skips",
        "alt",
        "skip link",
        "landmark",
        "duplicate id",
        "link without text",
        "vague link",
        "form control without a name",
    ] {
        assert!(
            p.iter().any(|m| m.contains(needle)),
            "{needle} not caught: {p:?}"
        );
    }
    // Only the checkbox: the labelled and the wrapped inputs have names.
    let unnamed: Vec<_> = p.iter().filter(|m| m.contains("without a name")).collect();
    assert_eq!(unnamed.len(), 1, "{unnamed:?}");
}

#[test]
fn fixture_pages_pass_the_audit() {
    let f = Fixture::new();
    f.build_ok();
    let problems = audit_dir(&f.out());
    assert!(problems.is_empty(), "{problems:#?}");
}

/// The first subfolder of `dir` (by name), for "one page of this kind".
fn first_in(dir: &Path) -> String {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names.into_iter().next().expect("a subfolder")
}

/// One page of every kind the sample builds: the hub's pages, then a unit's.
fn page_kinds(out: &Path) -> Vec<PathBuf> {
    let unit = std::fs::read_dir(out)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.join("huong-dan").is_dir())
        .unwrap_or_else(|| panic!("no unit folder in {}", out.display()));
    let mut pages = vec![
        out.join("index.html"),
        out.join("bao-cao/index.html"),
        out.join("ket-qua/index.html"),
    ];
    let each = |dir: &str| format!("{dir}/{}/index.html", first_in(&unit.join(dir)));
    for rel in [
        "index.html".to_owned(),
        "huong-dan/dang-ky-khai-sinh/index.html".to_owned(), // has a task list
        "huong-dan/index.html".to_owned(),
        each("doi-tuong"),
        each("linh-vuc"),
        "tim-kiem/index.html".to_owned(),
        "dich-vu-cong/index.html".to_owned(),
        each("trang"),
        "404.html".to_owned(),
        "in-an/index.html".to_owned(),
        "ket-qua/index.html".to_owned(),
        each("do-hoa"),
        "nhung-vao-cong-thong-tin/index.html".to_owned(),
        "trinh-chieu/index.html".to_owned(),
        "nhung/huong-dan/dang-ky-khai-sinh/index.html".to_owned(),
        "nhung/moi-cap-nhat/index.html".to_owned(),
        "nhung/tim-kiem/index.html".to_owned(),
    ] {
        pages.push(unit.join(rel));
    }
    for p in &pages {
        assert!(p.is_file(), "page kind missing: {}", p.display());
    }
    pages
}

#[test]
fn axe_finds_no_wcag_violation_on_any_page_kind_at_phone_and_desktop_widths() {
    axe::script();
    // Shard 1 of as many as there are units: the hub and one whole unit.
    let project = sotay::content::load(&repo(), &sotay::diag::Sink::default()).unwrap();
    let units = project.units.len();
    let out = tempfile::tempdir().unwrap();
    let mut opts = sotay::BuildOptions::new(repo(), build_date());
    opts.out = out.path().join("public");
    opts.scope = sotay::Scope::Shard(format!("1/{units}").parse().unwrap());
    if let Err(f) = sotay::build(&opts) {
        panic!("sample build failed:\n{}", render(&f.diagnostics));
    }
    let pages = page_kinds(&opts.out);
    // The harness can fail: an unnamed checkbox is caught.
    let bad = opts.out.join("xau.html");
    std::fs::write(&bad, "<!doctype html><html lang=\"vi\"><head><title>x</title></head><body><main><h1>x</h1><input type=\"checkbox\"></main></body></html>").unwrap();
    assert!(
        axe::violations(&bad, 390)
            .iter()
            .any(|v| v.starts_with("\"label\"")),
        "axe missed an unnamed checkbox"
    );
    // Two browsers at a time, one per width.
    let found: Vec<String> = std::thread::scope(|s| {
        let runs: Vec<_> = [390, 1280]
            .map(|width| {
                let pages = &pages;
                let root = &opts.out;
                s.spawn(move || {
                    pages
                        .iter()
                        .flat_map(|p| {
                            let rel = p.strip_prefix(root).unwrap().display().to_string();
                            axe::violations(p, width)
                                .into_iter()
                                .map(move |v| format!("{rel} at {width}px: {v}"))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .into_iter()
            .collect();
        runs.into_iter().flat_map(|r| r.join().unwrap()).collect()
    });
    assert!(
        found.is_empty(),
        "{} violations:\n{}",
        found.len(),
        found.join("\n")
    );
}
