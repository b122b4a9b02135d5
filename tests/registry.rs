//! The city's registry of units (content/registry.yaml): the sample's is
//! the whole city; a bad entry is an error at its line; a unit file the
//! registry does not know is a warning; the report lists who has no site.

mod common;

use common::{Fixture, at, find_diag, line_of};
use unicode_normalization::UnicodeNormalization;

const REGISTRY: &str = "\
# Sources: test fixture.
units:
  - name: \"Phường Ba Đình\"
    kind: phuong
    slug: phuong-ba-dinh
    source: 1
  - name: \"Xã Ba Vì\"
    kind: xa
    slug: xa-ba-vi
  - name: \"Sở Thử nghiệm\"
    kind: so
    slug: so-thu-nghiem
  - name: \"Phường Hồng Hà\"
    kind: phuong
    slug: phuong-hong-ha
  - name: \"Xã Đông Anh\"
    kind: xa
    slug: xa-dong-anh
    verified: false
";

#[test]
fn the_sample_registers_every_phuong_and_xa_of_the_city() {
    let sink = sotay::diag::Sink::default();
    let p = sotay::content::load(&common::repo(), &sink).expect("the sample loads");
    let diagnostics = sink.snapshot();
    assert!(diagnostics.is_empty(), "{}", common::render(&diagnostics));
    let units = &p.registry.units;
    let count = |k: &str| units.iter().filter(|u| u.kind == k).count();
    // Nghị quyết 1656/NQ-UBTVQH15, khoản 127: 126 units, 51 phường and 75 xã.
    assert_eq!((count("phuong"), count("xa")), (51, 75));
    assert!(count("so") >= 15, "the city's departments");
    for u in units {
        assert_eq!(
            u.name.nfc().collect::<String>(),
            u.name,
            "{} is NFC",
            u.slug
        );
        if u.kind != "so" {
            // The kind, then the name without diacritics.
            let bare = u.name.split_once(' ').map_or("", |(_, rest)| rest);
            assert_eq!(u.slug, format!("{}-{}", u.kind, common::slugify(bare)));
        }
        assert!(u.source.is_some(), "{} names its source", u.slug);
    }
    // Every sample unit is a registered one, of the same kind.
    for unit in &p.units {
        let entry = p.registry.get(&unit.slug).expect("registered");
        assert_eq!(entry.kind, unit.data.kind, "{}", unit.slug);
    }
}

#[test]
fn the_report_lists_registered_units_without_a_site() {
    let f = Fixture::html_only();
    f.write("content/registry.yaml", REGISTRY);
    f.build_ok();
    let json: serde_json::Value =
        serde_json::from_str(&f.read_out("bao-cao/bao-cao.json")).unwrap();
    assert_eq!(json["totals"]["registered"], 5);
    assert_eq!(json["totals"]["not_set_up"], 2);
    let missing: Vec<&str> = json["not_set_up"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["slug"].as_str().unwrap())
        .collect();
    // Kinds in site.yaml's order (so, phuong, xa), then by name.
    assert_eq!(missing, ["phuong-hong-ha", "xa-dong-anh"]);
    let html = common::text_of(&f.read_out("bao-cao/index.html"));
    assert!(
        html.contains("3/5 đơn vị trong danh mục của thành phố đã có trang"),
        "{html}"
    );
    assert!(html.contains("Phường Hồng Hà"));
    assert!(html.contains("Xã Đông Anh (tên chưa đối chiếu được với văn bản gốc)"));
}

#[test]
fn a_unit_set_up_under_a_name_the_registry_does_not_know_is_a_warning() {
    let f = Fixture::html_only();
    f.write(
        "content/registry.yaml",
        &REGISTRY.replace("slug: xa-ba-vi", "slug: xa-ba-vii"),
    );
    let report = f.build_ok();
    let d = find_diag(
        &report.diagnostics,
        "unit `xa-ba-vi` is not in the city's registry",
    );
    assert!(
        d.hint
            .as_deref()
            .unwrap_or("")
            .contains("did you mean `xa-ba-vii`"),
        "{d:?}"
    );
    assert!(at(d).0.ends_with("content/units/xa-ba-vi.yaml"));
}

#[test]
fn a_slug_registered_twice_or_a_kind_site_yaml_lacks_is_an_error_at_its_line() {
    let f = Fixture::html_only();
    let text = REGISTRY
        .replace("slug: phuong-hong-ha", "slug: phuong-ba-dinh")
        .replace(
            "kind: xa\n    slug: xa-dong-anh",
            "kind: huyen\n    slug: xa-dong-anh",
        );
    f.write("content/registry.yaml", &text);
    let ds = f.build_err();
    let twice = find_diag(&ds, "unit `phuong-ba-dinh` is registered twice");
    let second = text.match_indices("slug: phuong-ba-dinh").nth(1).unwrap().0;
    assert_eq!(at(twice).1, text[..second].matches('\n').count() + 1);
    assert!(at(twice).0.ends_with("content/registry.yaml"));
    let kind = find_diag(&ds, "has kind `huyen`");
    assert_eq!(at(kind).1, line_of(&text, "    slug: xa-dong-anh"));
    assert!(kind.hint.as_deref().unwrap_or("").contains("phuong"));
}
