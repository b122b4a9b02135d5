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

const REGISTRY_SITES: &str = "
registry_sites:
  unit_url: \"https://sotay.example.vn/{slug}/\"
  hotline: \"024 1022\"
  address: \"Điểm Phục vụ hành chính công {name}\"
";

/// The fixture with the registry, and site.yaml asking for a site for every
/// registered unit; Xã Đông Anh's entry has a sourced phone.
fn city_fixture(f: Fixture) -> Fixture {
    f.write(
        "content/registry.yaml",
        &REGISTRY.replace(
            "slug: xa-dong-anh\n",
            "slug: xa-dong-anh\n    phone: \"024 3883 0000\"\n",
        ),
    );
    let site = std::fs::read_to_string(f.root().join("content/site.yaml")).unwrap();
    f.write("content/site.yaml", &format!("{site}{REGISTRY_SITES}"));
    f
}

#[test]
fn every_registered_unit_gets_a_site_from_its_entry_when_site_yaml_asks() {
    let f = city_fixture(Fixture::html_only());
    f.build_ok();
    // Phường Hồng Hà has no unit file: its site comes from the registry.
    let home = common::text_of(&f.read_out("phuong-hong-ha/index.html"));
    assert!(home.contains("Phường Hồng Hà"), "{home}");
    assert!(home.contains("Điểm Phục vụ hành chính công Phường Hồng Hà"));
    assert!(home.contains("024 1022"), "the city hotline stands in");
    assert!(
        f.out()
            .join("phuong-hong-ha/huong-dan/dang-ky-khai-sinh/index.html")
            .exists()
    );
    let stamp = f.read_out("phuong-hong-ha/sotay-stamp.json");
    assert!(
        stamp.contains("https://sotay.example.vn/phuong-hong-ha/"),
        "{stamp}"
    );
    let base = "https://sotay.example.vn/phuong-hong-ha/".to_owned();
    let broken = sotay::links::check(&f.out().join("phuong-hong-ha"), &[base]);
    assert!(broken.is_empty(), "{}", broken.len());
    assert!(f.out().join("goi-tai-len/phuong-hong-ha.zip").exists());
    // A sourced phone in the registry wins over the default.
    let dong_anh = common::text_of(&f.read_out("xa-dong-anh/index.html"));
    assert!(dong_anh.contains("024 3883 0000") && !dong_anh.contains("024 1022"));

    let json: serde_json::Value =
        serde_json::from_str(&f.read_out("bao-cao/bao-cao.json")).unwrap();
    assert_eq!(json["totals"]["not_set_up"], 0);
    assert_eq!(json["totals"]["units"], 5);
    let row = json["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["slug"] == "phuong-hong-ha")
        .unwrap();
    assert_eq!(
        (row["site"].as_bool(), row["from_registry"].as_bool()),
        (Some(true), Some(true))
    );
    assert_eq!(row["complete"], true);
}

#[test]
fn a_site_from_the_registry_has_its_leaflets_and_handbook() {
    let f = city_fixture(Fixture::new());
    f.build_ok();
    let print = f.out().join("phuong-hong-ha/in-an");
    let pdfs: Vec<String> = std::fs::read_dir(&print)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".pdf"))
        .collect();
    assert!(
        pdfs.iter().any(|n| n.starts_with("dang-ky-khai-sinh-")),
        "{pdfs:?}"
    );
    assert!(
        pdfs.iter().any(|n| n.ends_with("-phuong-hong-ha.pdf")),
        "a handbook: {pdfs:?}"
    );
    let leaflet = pdfs
        .iter()
        .find(|n| n.starts_with("dang-ky-khai-sinh-"))
        .unwrap();
    let text = common::pdf_text(&print.join(leaflet));
    assert!(
        text.contains("Phường Hồng Hà") && text.contains("024 1022"),
        "{text}"
    );
}

#[test]
fn a_registry_sites_url_without_the_slug_is_an_error_at_its_line() {
    let f = city_fixture(Fixture::html_only());
    let site = std::fs::read_to_string(f.root().join("content/site.yaml")).unwrap();
    let bad = site.replace(
        "https://sotay.example.vn/{slug}/",
        "https://sotay.example.vn/",
    );
    f.write("content/site.yaml", &bad);
    let ds = f.build_err();
    let d = find_diag(&ds, "is not a web address with {slug} in it");
    assert_eq!(at(d).0, "content/site.yaml");
    assert_eq!(at(d).1, line_of(&bad, "  unit_url:"));
    assert_eq!(
        ds.iter().filter(|d| d.message.contains("{slug}")).count(),
        1,
        "once, not per unit"
    );
}
