//! The real sample content in content/ builds cleanly and makes a complete
//! campaign: this is what people see first.

mod common;

use std::path::Path;

use common::*;
use sotay::content::{Date, Origin, load};
use sotay::diag::Sink;

/// The date the sample's facts are checked against: the build date its
/// content was last reviewed for, passed in so no test reads the clock.
/// Move it forward when the sample is reviewed again.
fn review_date() -> Date {
    Date::parse("2026-11-29").unwrap()
}

/// The slugs of the sample's unit files, sorted.
fn unit_files() -> Vec<String> {
    let mut units: Vec<String> = std::fs::read_dir(repo().join("content/units"))
        .unwrap()
        .filter_map(|e| {
            let name = e.ok()?.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".yaml").map(str::to_owned)
        })
        .collect();
    units.sort();
    assert!(units.len() >= 8, "{units:?}");
    units
}

#[test]
fn the_sample_builds_the_whole_city_without_errors_or_warnings() {
    // Every registered unit's web pages, strictly: 126 phường and xã and
    // the sở, most of them made from the registry alone.
    let out = tempfile::tempdir().unwrap();
    let mut opts = sotay::BuildOptions::new(repo(), review_date());
    opts.out = out.path().join("city");
    opts.strict = true;
    opts.media = sotay::Media::Skip;
    let report = sotay::build(&opts)
        .unwrap_or_else(|f| panic!("sample build failed:\n{}", render(&f.diagnostics)));
    assert_eq!(report.units, 142);
    let hub = std::fs::read_to_string(opts.out.join("index.html")).unwrap();
    assert!(hub.contains("Hành chính thông minh - Tận tâm phục vụ"));

    // The units with a file and one made from the registry, whole: PDFs
    // and pictures too.
    let mut units = unit_files();
    units.push("phuong-thanh-xuan".into());
    opts.out = out.path().join("public");
    opts.media = sotay::Media::Build;
    opts.scope = sotay::Scope::Units(units.clone());
    let report = sotay::build(&opts)
        .unwrap_or_else(|f| panic!("sample build failed:\n{}", render(&f.diagnostics)));
    assert_eq!(report.units, units.len());
    let public = &opts.out;
    // The README's one-unit command names this unit.
    assert!(public.join("phuong-ba-dinh/index.html").is_file());
    let project = load(&repo(), &Sink::default()).expect("the sample loads");
    for unit in &units {
        let base = &project.unit(unit).expect("a unit").data.base_url;
        let problems = sotay::links::check(&public.join(unit), std::slice::from_ref(base));
        assert!(problems.is_empty(), "{unit}: {problems:#?}");
        let a11y = a11y::audit_dir(&public.join(unit));
        assert!(a11y.is_empty(), "{unit}: {a11y:#?}");
    }
    // Every unit's webmaster page offers the widgets with previews, snippets and server settings.
    let webmaster =
        std::fs::read_to_string(public.join("phuong-ba-dinh/nhung-vao-cong-thong-tin/index.html"))
            .unwrap();
    assert!(webmaster.matches("class=\"widget__preview\"").count() >= 3);
    assert!(webmaster.matches("data-copy").count() >= 5);
    assert!(
        webmaster.contains("frame-ancestors") && webmaster.contains("Access-Control-Allow-Origin")
    );
    assert!(webmaster.contains("class=\"hl-"), "snippets highlighted");

    // Every picture of the sample has its canvas size; they are kept in
    // target/sample-pictures/ for looking at.
    let keep = repo().join("target/sample-pictures");
    let _ = std::fs::remove_dir_all(&keep);
    let mut pictures = 0;
    for e in walkdir::WalkDir::new(public)
        .into_iter()
        .filter_map(Result::ok)
    {
        let path = e.path();
        if path.extension().is_none_or(|x| x != "png")
            || !path.to_string_lossy().contains("/do-hoa/") && !path.ends_with("xem-truoc.png")
        {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let want = match name
            .rsplit_once('-')
            .map(|(_, s)| s.trim_end_matches(".png"))
        {
            _ if name == "xem-truoc.png" => (1200, 630),
            Some(size) => {
                let (w, h) = size.split_once('x').expect("WxH in the name");
                (w.parse().unwrap(), h.parse().unwrap())
            }
            None => panic!("{name}"),
        };
        assert_eq!(image::image_dimensions(path).unwrap(), want, "{path:?}");
        let rel = path.strip_prefix(public).unwrap();
        std::fs::create_dir_all(keep.join(rel).parent().unwrap()).unwrap();
        std::fs::copy(path, keep.join(rel)).unwrap();
        pictures += 1;
    }
    // 3 infographics x 4 canvases in every unit, plus a preview per guide page.
    assert!(
        pictures >= units.len() * 3 * 4 + report.search_docs,
        "{pictures} pictures"
    );
    assert!(report.images > 0 && report.pdfs > 0);
    let (pages, leaflets) = assert_steps_agree(&repo(), public);
    assert!(
        pages >= 60 && leaflets == pages,
        "{pages} guide pages, {leaflets} leaflets compared"
    );
}

#[test]
fn the_sample_covers_the_plan() {
    let sink = Sink::default();
    let p = load(&repo(), &sink).expect("sample loads");
    assert!(!sink.has_errors(), "{}", render(&sink.into_sorted()));
    assert!(p.guides.len() >= 12, "{} central guides", p.guides.len());
    let kinds: Vec<&str> = p.units.iter().map(|u| u.data.kind.as_str()).collect();
    assert!(
        kinds.contains(&"so") && (kinds.contains(&"phuong") || kinds.contains(&"xa")),
        "{kinds:?}"
    );
    assert!(
        !kinds
            .iter()
            .any(|k| ["quan", "huyen", "thi-xa"].contains(k)),
        "no district level since 1/7/2025"
    );
    let overrides = p
        .units
        .iter()
        .flat_map(|u| &u.guides)
        .filter(|g| p.guide(&g.doc.slug).is_some())
        .count();
    let own = p
        .units
        .iter()
        .flat_map(|u| &u.guides)
        .filter(|g| p.guide(&g.doc.slug).is_none())
        .count();
    assert!(
        overrides >= 1 && own >= 1,
        "overrides {overrides}, unit-only {own}"
    );
    assert!(
        p.units
            .iter()
            .flat_map(|u| &u.guides)
            .all(|g| matches!(g.origin, Origin::Unit(_)))
    );
    for topic in [
        "khai-sinh",
        "thuong-tru",
        "tam-tru",
        "can-cuoc",
        "lai-xe",
        "dinh-danh",
        "ho-so-truc-tuyen",
        "thanh-toan",
        "kinh-doanh",
        "doanh-nghiep",
        "thue",
        "bao-hiem",
        // Plan III.1.2: lý lịch tư pháp online for Sở Tư pháp; Đề án 06: căn cước for young children.
        "ly-lich-tu-phap",
        "can-cuoc-cho-tre",
    ] {
        assert!(
            p.guides.iter().any(|g| g.doc.slug.contains(topic)),
            "no guide about {topic}"
        );
    }
    // Plan III.1.4: account safety and personal-data protection.
    for page in ["an-toan-thong-tin", "phan-hoi", "bao-ve-du-lieu-ca-nhan"] {
        assert!(p.pages.iter().any(|pg| pg.slug == page), "no page {page}");
    }
    assert_eq!(p.site.slogan, "Hành chính thông minh - Tận tâm phục vụ");
    // Facts must be true today: no fee past its end date, no guide unreviewed for a year.
    let today = review_date();
    let year_ago = today.plus_years(-1);
    for g in p
        .guides
        .iter()
        .chain(p.units.iter().flat_map(|u| &u.guides))
    {
        for fee in &g.doc.meta.fees {
            for until in fee.rates.iter().filter_map(|r| r.valid_until) {
                assert!(
                    until >= today,
                    "{}: a rate of fee `{}` ended on {until}",
                    g.doc.source.path.display(),
                    fee.name
                );
            }
        }
        assert!(
            g.doc.meta.last_reviewed > year_ago,
            "{} not reviewed for a year",
            g.doc.source.path.display()
        );
        assert!(
            g.doc.source.was_nfc,
            "{} is not NFC on disk",
            g.doc.source.path.display()
        );
    }
    assert!(Path::new(&repo().join("content/site.yaml")).is_file());
}

#[test]
fn the_coverage_report_of_the_sample_matches_the_content() {
    let out = tempfile::tempdir().unwrap();
    let mut opts = sotay::BuildOptions::new(repo(), review_date());
    opts.out = out.path().join("public");
    opts.media = sotay::Media::Skip;
    sotay::build(&opts).unwrap_or_else(|f| panic!("{}", render(&f.diagnostics)));
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(opts.out.join("bao-cao/bao-cao.json")).unwrap(),
    )
    .unwrap();
    // Hand-written from content/site.yaml and content/registry.yaml: the
    // whole city has a site, 16 sở x 3 required guides and 126 phường and
    // xã x 10 each; nothing missing.
    assert_eq!(json["totals"]["units"], 142);
    assert_eq!(json["totals"]["complete_units"], 142);
    assert_eq!(json["totals"]["required_cells"], 16 * 3 + 126 * 10);
    assert_eq!(json["totals"]["published_cells"], 16 * 3 + 126 * 10);
    let unit = |slug: &str| {
        json["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["slug"] == slug)
            .cloned()
            .unwrap()
    };
    let columns: Vec<&str> = json["required_guides"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let cell = |u: &serde_json::Value, guide: &str| {
        u["cells"][columns.iter().position(|c| *c == guide).unwrap()].clone()
    };
    let hk = unit("phuong-hoan-kiem");
    assert_eq!(cell(&hk, "dang-ky-tam-tru"), "overridden");
    assert_eq!(cell(&hk, "dang-ky-khai-sinh"), "published");
    assert_eq!(hk["overridden"], serde_json::json!(["dang-ky-tam-tru"]));
    let bv = unit("xa-ba-vi");
    assert_eq!(
        bv["own_guides"],
        serde_json::json!(["nho-to-cong-nghe-so-ho-tro"])
    );
    let so = unit("so-tu-phap");
    assert_eq!(so["required"], 3);
    assert_eq!(cell(&so, "dang-ky-khai-sinh"), "not-required");
    assert_eq!(cell(&so, "nop-ho-so-truc-tuyen"), "published");
    // Every registered unit has a row: the 126 phường and xã and the
    // departments, each with a site.
    let rows = json["units"].as_array().unwrap();
    assert_eq!(rows.len(), 142);
    let count = |kind: &str| rows.iter().filter(|u| u["kind"] == kind).count();
    assert_eq!(count("phuong") + count("xa"), 126);
    assert!(rows.iter().all(|u| u["site"] == true), "a unit has no site");
    // Sites made from the registry are marked; the unit files' are not.
    let mut own: Vec<String> = rows
        .iter()
        .filter(|u| u["from_registry"] == false)
        .map(|u| u["slug"].as_str().unwrap().to_owned())
        .collect();
    own.sort();
    assert_eq!(own, unit_files());
    // Sở first, then phường, then xã (the order of unit_kinds).
    let kinds: Vec<&str> = rows.iter().map(|u| u["kind"].as_str().unwrap()).collect();
    let first = |kind: &str| kinds.iter().position(|k| *k == kind).unwrap();
    let last = |kind: &str| kinds.iter().rposition(|k| *k == kind).unwrap();
    assert!(
        last("so") < first("phuong") && last("phuong") < first("xa"),
        "{kinds:?}"
    );
    let html = std::fs::read_to_string(opts.out.join("bao-cao/index.html")).unwrap();
    assert!(
        html.contains("<strong>142/142</strong> đơn vị đăng đủ các hướng dẫn bắt buộc"),
        "summary line"
    );
    let problems = sotay::links::check(&opts.out, &[]);
    let report_problems: Vec<_> = problems
        .iter()
        .filter(|p| p.page.starts_with("bao-cao"))
        .collect();
    assert!(report_problems.is_empty(), "{report_problems:?}");
}
