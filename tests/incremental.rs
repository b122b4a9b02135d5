//! A build after a series of edits (reusing the previous output and the
//! render cache) equals a clean build of the same content, byte for byte.

mod common;

use common::Fixture;

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

    // Clean: no cache, no previous output.
    std::fs::remove_dir_all(f.root().join(".sotay-cache")).unwrap();
    let mut clean = f.options();
    clean.out = f.root().join("clean");
    let report =
        sotay::build(&clean).unwrap_or_else(|e| panic!("{}", common::render(&e.diagnostics)));
    assert_eq!(report.pdfs_rendered, report.pdfs);
    let clean = common::output_files(&clean.out);
    assert_eq!(
        after_edits.keys().collect::<Vec<_>>(),
        clean.keys().collect::<Vec<_>>()
    );
    for (p, b) in &clean {
        assert!(after_edits[p] == *b, "{p:?} differs from a clean build");
    }
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
