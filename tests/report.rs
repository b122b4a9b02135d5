//! The coverage report can say no: a required guide a unit excludes with a
//! written reason is shown as excluded, with the reason, in the page, the
//! JSON, both CSV files and the workbook; a registered unit without a site
//! has every required guide missing; the files are the same bytes on a
//! second build.

mod common;

use std::io::Read;

use common::{Fixture, at, find_diag, line_of, unit};

const REASON: &str =
    "Phường chưa có cán bộ hộ tịch; người dân đăng ký khai sinh tại phường Hồng Hà.";

const REGISTRY: &str = "\
# Sources: test fixture.
units:
  - {name: \"Phường Ba Đình\", kind: phuong, slug: phuong-ba-dinh}
  - {name: \"Xã Ba Vì\", kind: xa, slug: xa-ba-vi}
  - {name: \"Sở Thử nghiệm\", kind: so, slug: so-thu-nghiem}
  - {name: \"Phường Hồng Hà\", kind: phuong, slug: phuong-hong-ha}
";

fn ba_dinh(exclude: &str) -> String {
    unit(
        "Ủy ban nhân dân phường Ba Đình",
        "Phường Ba Đình",
        "phuong",
        exclude,
    )
}

fn excluding_with_reason() -> Fixture {
    let f = Fixture::html_only();
    f.write("content/registry.yaml", REGISTRY);
    f.write(
        "content/units/phuong-ba-dinh.yaml",
        &ba_dinh(&format!(
            "exclude:\n  - guide: dang-ky-khai-sinh\n    reason: \"{REASON}\"\n"
        )),
    );
    f
}

fn json(f: &Fixture) -> serde_json::Value {
    serde_json::from_str(&f.read_out("bao-cao/bao-cao.json")).unwrap()
}

fn row<'a>(json: &'a serde_json::Value, slug: &str) -> &'a serde_json::Value {
    json["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["slug"] == slug)
        .unwrap_or_else(|| panic!("{slug} has a row"))
}

/// The CSV's rows as fields, after checking the BOM Excel needs.
fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .expect("a BOM so Excel reads UTF-8");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

/// A workbook part's text, read as an unarchiver would.
fn xlsx_part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an XLSX is a zip");
    let mut part = zip.by_name(name).expect(name);
    let mut text = String::new();
    part.read_to_string(&mut text).unwrap();
    text
}

#[test]
fn a_required_guide_excluded_with_a_reason_is_reported_as_excluded_everywhere() {
    let f = excluding_with_reason();
    f.build_ok();
    let json = json(&f);
    let required: Vec<&str> = json["required_guides"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g.as_str().unwrap())
        .collect();
    let column = required
        .iter()
        .position(|g| *g == "dang-ky-khai-sinh")
        .unwrap();
    let ba_dinh = row(&json, "phuong-ba-dinh");
    assert_eq!(ba_dinh["cells"][column], "excluded");
    assert_eq!(ba_dinh["excluded"][0]["reason"], REASON);
    assert_eq!(ba_dinh["complete"], true, "nothing is missing");
    assert_eq!(ba_dinh["published_required"], 0);
    assert_eq!(json["totals"]["excluded_cells"], 1);
    // Xã Ba Vì publishes it: the same column says so.
    assert_eq!(row(&json, "xa-ba-vi")["cells"][column], "published");

    let html = common::text_of(&f.read_out("bao-cao/index.html"));
    assert!(
        html.contains(&format!(
            "Phường Ba Đình Đăng ký khai sinh trực tuyến (dang-ky-khai-sinh) {REASON}"
        )),
        "{html}"
    );

    let details = csv_rows(&std::fs::read(f.out().join("bao-cao/chi-tiet.csv")).unwrap());
    let line = details
        .iter()
        .find(|r| r[1] == "phuong-ba-dinh" && r[3] == "dang-ky-khai-sinh")
        .expect("a row for the excluded guide");
    assert_eq!(line[4], "Không đăng, có lý do");
    assert_eq!(line[5], REASON);

    let xlsx = std::fs::read(f.out().join("bao-cao/bao-cao.xlsx")).unwrap();
    let book = xlsx_part(&xlsx, "xl/workbook.xml");
    assert!(
        book.contains("name=\"Đơn vị\"") && book.contains("name=\"Chi tiết hướng dẫn\""),
        "{book}"
    );
    let strings = xlsx_part(&xlsx, "xl/sharedStrings.xml");
    assert!(strings.contains(REASON), "the reason is in the workbook");
}

#[test]
fn a_registered_unit_without_a_site_has_every_required_guide_missing() {
    let f = excluding_with_reason();
    f.build_ok();
    let json = json(&f);
    let hong_ha = row(&json, "phuong-hong-ha");
    assert_eq!(hong_ha["site"], false);
    assert_eq!(hong_ha["complete"], false);
    assert_eq!(hong_ha["missing"], serde_json::json!(["dang-ky-khai-sinh"]));
    // Only units with a site count towards the completed ones.
    assert_eq!(json["totals"]["units"], 3);

    let units = csv_rows(&std::fs::read(f.out().join("bao-cao/don-vi.csv")).unwrap());
    let head = &units[0];
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let line = units
        .iter()
        .find(|r| r[col("Tên thư mục")] == "phuong-hong-ha")
        .unwrap();
    assert_eq!(line[col("Đã có trang")], "Không");
    assert_eq!(line[col("Thiếu")], "1");
    assert_eq!(
        line[col("Số liệu tại ngày")],
        common::build_date().to_string()
    );
    // Every registered unit and every unit with a site has one row.
    assert_eq!(units.len() - 1, 4);

    let html = common::text_of(&f.read_out("bao-cao/index.html"));
    assert!(
        html.contains("Phường Hồng Hà Phường Chưa có trang (0/1)"),
        "{html}"
    );
}

#[test]
fn the_report_files_are_the_same_bytes_on_a_second_build() {
    let f = excluding_with_reason();
    f.build_ok();
    let files = [
        "bao-cao/bao-cao.xlsx",
        "bao-cao/don-vi.csv",
        "bao-cao/chi-tiet.csv",
    ];
    let first: Vec<Vec<u8>> = files
        .iter()
        .map(|p| std::fs::read(f.out().join(p)).unwrap())
        .collect();
    std::fs::remove_dir_all(f.out()).unwrap();
    f.build_ok();
    for (p, before) in files.iter().zip(first) {
        assert_eq!(std::fs::read(f.out().join(p)).unwrap(), before, "{p}");
    }
}

#[test]
fn excluding_a_required_guide_without_a_reason_asks_for_one_at_its_line() {
    let f = Fixture::html_only();
    let text = ba_dinh("exclude:\n  - guide: dang-ky-khai-sinh\n    reason: \"  \"\n");
    f.write("content/units/phuong-ba-dinh.yaml", &text);
    let ds = f.build_err();
    let d = find_diag(&ds, "excluding it needs a written reason");
    assert_eq!(at(d).0, "content/units/phuong-ba-dinh.yaml");
    assert_eq!(at(d).1, line_of(&text, "  - guide: dang-ky-khai-sinh"));
    assert!(d.hint.as_deref().unwrap_or("").contains("reason:"), "{d:?}");

    // A misspelt key says which keys an exclusion takes.
    f.write(
        "content/units/phuong-ba-dinh.yaml",
        &ba_dinh("exclude:\n  - guide: dang-ky-khai-sinh\n    ly_do: \"x\"\n"),
    );
    let ds = f.build_err();
    let d = find_diag(&ds, "ly_do");
    assert!(
        d.message.contains("reason") || d.hint.as_deref().unwrap_or("").contains("reason"),
        "{d:?}"
    );
}

#[test]
fn a_full_build_counts_each_units_leaflets() {
    let f = Fixture::new();
    f.build_ok();
    let report = json(&f);
    for u in report["units"].as_array().unwrap() {
        let slug = u["slug"].as_str().unwrap();
        let handbook_suffix = format!("-{slug}.pdf");
        let leaflets = std::fs::read_dir(f.out().join(slug).join("in-an"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".pdf") && !n.ends_with(&handbook_suffix))
            .count();
        assert!(leaflets > 0, "{slug}");
        assert_eq!(u["leaflets"]["made"], leaflets, "{slug}");
        assert_eq!(u["leaflets"]["failed"], 0, "{slug}");
    }
    // Without print, the report does not pretend to know.
    let g = Fixture::html_only();
    g.build_ok();
    assert!(row(&json(&g), "phuong-ba-dinh")["leaflets"].is_null());
}

/// The version the build asks a unit's copy to record, from its hint.
fn asked_version(ds: &[sotay::Diagnostic], needle: &str) -> String {
    let hint = find_diag(ds, needle).hint.clone().unwrap_or_default();
    let start = hint
        .find("based_on: \"")
        .expect("the hint names the version")
        + 11;
    hint[start..start + 8].to_owned()
}

fn to_review(f: &Fixture) -> Vec<serde_json::Value> {
    row(&json(f), "xa-ba-vi")["to_review"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn a_units_copy_that_falls_out_of_step_with_the_central_guide_is_flagged() {
    // The fixture's xã Ba Vì has its own copy of tạm trú; here it says
    // nothing about which central version it copies.
    let f = Fixture::html_only();
    let copy = "content/units/xa-ba-vi/guides/dang-ky-tam-tru.md";
    let text = std::fs::read_to_string(f.root().join(copy)).unwrap();
    let unsaid: String = text
        .lines()
        .filter(|l| !l.starts_with("based_on:"))
        .map(|l| format!("{l}\n"))
        .collect();
    f.write(copy, &unsaid);
    let report = f.build_ok();
    let version = asked_version(&report.diagnostics, "does not say which version");
    let review = to_review(&f);
    assert_eq!(review.len(), 1);
    assert!(review[0]["based_on"].is_null());
    assert_eq!(review[0]["current"], version.as_str());

    // Brought in step: no warning, nothing to review.
    let in_step = unsaid.replacen("---\n", &format!("---\nbased_on: \"{version}\"\n"), 1);
    f.write(copy, &in_step);
    let report = f.build_ok();
    assert!(
        !report
            .diagnostics
            .iter()
            .any(|d| d.message.contains("based_on")
                || d.message.contains("version of `dang-ky-tam-tru`")),
        "{}",
        common::render(&report.diagnostics)
    );
    assert!(to_review(&f).is_empty());

    // The city edits the central guide: the copy is flagged again, at its
    // based_on line, with the new version to write once reviewed.
    let central = "content/guides/cu-tru/dang-ky-tam-tru.md";
    let text = std::fs::read_to_string(f.root().join(central)).unwrap();
    f.write(
        central,
        &text.replace("Trên Cổng.", "Trên Cổng Dịch vụ công quốc gia."),
    );
    let report = f.build_ok();
    let d = find_diag(
        &report.diagnostics,
        "has changed since this unit's version was based on it",
    );
    assert_eq!(at(d).0, copy);
    assert_eq!(at(d).1, line_of(&in_step, "based_on:"));
    let now = asked_version(&report.diagnostics, "has changed since");
    assert_ne!(now, version);
    let review = to_review(&f);
    assert_eq!(review[0]["based_on"], version.as_str());
    assert_eq!(review[0]["current"], now.as_str());
    let html = common::text_of(&f.read_out("bao-cao/index.html"));
    assert!(
        html.contains(&format!("(dang-ky-tam-tru) {version} {now}")),
        "{html}"
    );
}

#[test]
fn based_on_outside_a_units_copy_of_a_central_guide_is_an_error() {
    let f = Fixture::html_only();
    let path = "content/guides/cu-tru/dang-ky-tam-tru.md";
    let text = std::fs::read_to_string(f.root().join(path)).unwrap();
    f.write(
        path,
        &text.replacen("---\n", "---\nbased_on: \"12345678\"\n", 1),
    );
    let ds = f.build_err();
    let d = find_diag(&ds, "based_on applies only to a unit's version");
    assert_eq!(at(d), (path.to_owned(), 2, 12));
}
