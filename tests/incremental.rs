//! A build after a series of edits (reusing the previous output and the
//! render cache) equals a clean build of the same content, byte for byte.

mod common;

use common::Fixture;

/// Build `opts` again from scratch (no cache, a new folder) and check the
/// output `f` holds equals it byte for byte; the clean build's report.
fn assert_equals_clean_build(f: &Fixture, opts: &sotay::BuildOptions) -> sotay::BuildReport {
    let after = common::output_files(&f.out());
    std::fs::remove_dir_all(f.root().join(".sotay-cache")).unwrap();
    let mut clean = opts.clone();
    clean.out = f.root().join("clean");
    let report =
        sotay::build(&clean).unwrap_or_else(|e| panic!("{}", common::render(&e.diagnostics)));
    let clean = common::output_files(&clean.out);
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        clean.keys().collect::<Vec<_>>()
    );
    for (p, b) in &clean {
        assert!(after[p] == *b, "{p:?} differs from a clean build");
    }
    report
}

#[test]
fn edits_then_build_equals_a_clean_build() {
    let f = Fixture::new();
    f.write(
        "content/infographics/khai-sinh.yaml",
        "title: \"Khai sinh trực tuyến\"\nguide: dang-ky-khai-sinh\n",
    );
    f.build_ok();

    // A series of edits: a guide's text, a print template, a unit's
    // colour, a guide deleted, an infographic added.
    let g = "content/guides/cu-tru/dang-ky-tam-tru.md";
    let text = std::fs::read_to_string(f.root().join(g)).unwrap();
    f.write(
        g,
        &text.replace("Trên Cổng.", "Trên Cổng Dịch vụ công quốc gia."),
    );
    f.build_ok();
    let lib = "themes/default/print/lib.typ";
    let t = std::fs::read_to_string(f.root().join(lib)).unwrap();
    f.write(lib, &t.replace("Cảnh giác lừa đảo", "Cảnh giác kẻ gian"));
    let unit = "content/units/xa-ba-vi.yaml";
    let u = std::fs::read_to_string(f.root().join(unit)).unwrap();
    f.write(unit, &u.replace("#0b5394", "#2e5a1c"));
    f.build_ok();
    std::fs::remove_file(
        f.root()
            .join("content/guides/kinh-doanh/dang-ky-ho-kinh-doanh.md"),
    )
    .unwrap();
    let xa = "content/units/xa-ba-vi/guides/nho-to-cong-nghe-so.md";
    std::fs::remove_file(f.root().join(xa)).unwrap();
    f.write(
        "content/infographics/tam-tru.yaml",
        "title: \"Tạm trú trực tuyến\"\nguide: dang-ky-tam-tru\n",
    );
    let incremental = f.build_ok();
    assert!(
        incremental.pdfs_rendered < incremental.pdfs,
        "the cache was used: {} of {} laid out",
        incremental.pdfs_rendered,
        incremental.pdfs
    );
    let after_edits = common::output_files(&f.out());
    assert!(
        !after_edits
            .keys()
            .any(|p| p.to_string_lossy().contains("dang-ky-ho-kinh-doanh")),
        "a deleted guide's outputs are gone"
    );

    let report = assert_equals_clean_build(&f, &f.options());
    assert_eq!(
        report.pdfs_rendered, report.pdfs,
        "the clean build used no cache"
    );
}

#[test]
fn processed_images_come_from_the_cache_and_a_damaged_entry_is_redone() {
    let f = Fixture::new();
    f.build_ok();
    let first = common::output_files(&f.out());
    let cache = f.root().join(".sotay-cache/render");
    let manifests = std::fs::read_dir(&cache)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "img")
        })
        .count();
    assert!(manifests >= 1, "the processed image is cached");
    // Damage every stored variant: the next build processes the image again.
    for e in std::fs::read_dir(&cache).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "var") {
            std::fs::write(&p, b"damaged").unwrap();
        }
    }
    std::fs::remove_file(f.out().join(".sotay-output")).unwrap();
    let mut again = f.options();
    again.out = f.root().join("again");
    sotay::build(&again).unwrap_or_else(|e| panic!("{}", common::render(&e.diagnostics)));
    assert!(
        common::output_files(&again.out) == first,
        "images from a damaged cache differ"
    );
}

#[test]
fn a_guide_text_edit_renders_that_guide_again_and_nothing_else() {
    let f = Fixture::new();
    let mut opts = f.options();
    opts.media = sotay::Media::Skip;
    let build =
        || sotay::build(&opts).unwrap_or_else(|e| panic!("{}", common::render(&e.diagnostics)));
    let first = build();
    assert_eq!(first.reused, 0, "a first build renders everything");
    let inode = |rel: &str| {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(f.out().join(rel)).unwrap().ino()
    };
    let other = "phuong-ba-dinh/huong-dan/dang-ky-tam-tru/index.html";
    let other_inode = inode(other);

    // The text of one guide: its files are rendered again, the rest reused.
    let g = "content/guides/ho-tich/dang-ky-khai-sinh.md";
    let text = std::fs::read_to_string(f.root().join(g)).unwrap();
    let edited = text.replace(
        "Không đưa mã xác thực (OTP) cho ai.",
        "Không đưa mã xác thực (OTP) cho bất kỳ ai, kể cả người xưng là cán bộ.",
    );
    assert_ne!(text, edited);
    f.write(g, &edited);
    let body = build();
    // Every unit publishes it: its page, two embeds, its JSON, the search
    // index, the webmaster page (which shows its fragment) and the build
    // stamp change; nothing else does.
    let changed = body.files - body.unchanged;
    assert!(
        body.reused > 0 && changed <= 7 * 3,
        "{changed} changed, {} reused of {}",
        body.reused,
        body.files
    );
    assert!(
        f.read_out("phuong-ba-dinh/huong-dan/dang-ky-khai-sinh/index.html")
            .contains("kể cả người xưng là cán bộ")
    );
    assert!(
        f.read_out("phuong-ba-dinh/nhung/huong-dan/dang-ky-khai-sinh/manh.html")
            .contains("kể cả người xưng là cán bộ")
    );
    assert_eq!(
        inode(other),
        other_inode,
        "another guide's page was rewritten"
    );
    // Nor were lists, feeds and list widgets rendered: they show front
    // matter only (what is rendered: the edited guide's files, search
    // indexes, images and theme files; about 60 of 156 here, 120 if lists
    // were rendered too).
    let rendered = body.files - body.reused;
    assert!(
        rendered * 2 < body.files,
        "{rendered} of {} files rendered",
        body.files
    );

    // Its title: every page listing it shows the new one.
    f.write(
        g,
        &edited.replace(
            "title: \"Đăng ký khai sinh trực tuyến\"",
            "title: \"Đăng ký khai sinh qua mạng\"",
        ),
    );
    let title = build();
    assert_eq!(title.reused, 0, "a title edit renders every page");
    assert!(
        f.read_out("phuong-ba-dinh/huong-dan/index.html")
            .contains("Đăng ký khai sinh qua mạng")
    );

    // Damaged bookkeeping: a warning, everything built, nothing lost.
    let manifests = f.root().join(".sotay-cache/output");
    for e in std::fs::read_dir(&manifests).unwrap() {
        let p = e.unwrap().path();
        let t = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, t.replacen('\t', "\tzz", 3)).unwrap();
    }
    f.write(g, &edited);
    let damaged = build();
    assert_eq!(damaged.reused, 0);
    assert!(
        damaged
            .diagnostics
            .iter()
            .any(|d| d.message.contains("damaged")),
        "{}",
        common::render(&damaged.diagnostics)
    );
    // A file edited by hand in the output is put right by the next build.
    std::fs::write(f.out().join(other), "vandalised").unwrap();
    f.write(g, &text);
    let repaired = build();
    assert!(repaired.reused > 0);
    assert!(f.read_out(other).contains("<!doctype html>"));

    assert_equals_clean_build(&f, &opts);
}

#[test]
fn pages_first_then_media_equals_a_clean_build() {
    // What `serve` does after an edit: pages at once (PDFs and pictures keep
    // their previous files), then the full build.
    let f = Fixture::new();
    f.build_ok();
    let pdfs = |out: &std::path::Path| {
        common::output_files(out)
            .keys()
            .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
            .count()
    };
    let before = pdfs(&f.out());
    assert!(before > 0);
    let g = "content/guides/cu-tru/dang-ky-tam-tru.md";
    let text = std::fs::read_to_string(f.root().join(g)).unwrap();
    f.write(g, &text.replace("Tờ khai.", "Tờ khai CT01."));
    let mut pages = f.options();
    pages.media = sotay::Media::Defer;
    let first =
        sotay::build(&pages).unwrap_or_else(|e| panic!("{}", common::render(&e.diagnostics)));
    assert!(first.reused > 0 && first.pdfs == 0);
    assert!(
        f.read_out("phuong-ba-dinh/huong-dan/dang-ky-tam-tru/index.html")
            .contains("CT01")
    );
    assert_eq!(pdfs(&f.out()), before, "PDFs stay until the full build");
    let full = f.build_ok();
    assert!(full.reused > 0, "the pages of the first pass are reused");
    assert!(
        full.pdfs_rendered > 0 && full.pdfs_rendered < full.pdfs,
        "{} of {} PDFs laid out",
        full.pdfs_rendered,
        full.pdfs
    );

    assert_equals_clean_build(&f, &f.options());
}
