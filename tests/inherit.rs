//! A unit's version that inherits (`inherits: true`): it says only what
//! differs from the central guide, and the central guide's later edits
//! reach it. Problems name the file and line they come from.

mod common;

use common::{Fixture, at, find_diag, line_of, render, unit};

const CENTRAL: &str = "content/guides/cu-tru/dang-ky-tam-tru.md";
const OWN: &str = "content/units/phuong-ba-dinh/guides/dang-ky-tam-tru.md";

/// Ba Đình's version: one fee of its own and a section of its own.
const BA_DINH: &str = r#"---
inherits: true
fees:
  - name: "Lệ phí đăng ký tạm trú"
    rates:
      - amount: 15000
        channel: counter
        basis: "Thông tư 75/2022/TT-BTC"
      - amount: 6000
        channel: online
        basis: "Nghị quyết thử nghiệm của phường"
---

## + Nơi nộp tại phường Ba Đình

Bộ phận một cửa, tầng 1, trụ sở phường.
"#;

/// The fixture with a unit that publishes the central version as it is,
/// and Ba Đình's version that inherits.
fn inheriting() -> Fixture {
    let f = Fixture::html_only();
    f.write(
        "content/units/phuong-cua-nam.yaml",
        &unit(
            "Ủy ban nhân dân phường Cửa Nam",
            "Phường Cửa Nam",
            "phuong",
            "",
        ),
    );
    f.write(OWN, BA_DINH);
    f
}

fn page(f: &Fixture, unit: &str) -> String {
    f.read_out(&format!("{unit}/huong-dan/dang-ky-tam-tru/index.html"))
}

#[test]
fn a_version_that_inherits_shows_its_changes_and_follows_the_central_guide() {
    let f = inheriting();
    let report = f.build_ok();
    let own = page(&f, "phuong-ba-dinh");
    assert!(own.contains("6.000 đ"), "the unit's fee");
    assert!(!own.contains("7.000 đ"), "the central fee is replaced");
    assert!(own.contains("Nơi nộp tại phường Ba Đình"));
    assert!(!own.contains("+ Nơi nộp"), "the mark is not shown");
    assert!(own.contains("Bộ phận một cửa, tầng 1"));
    // Everything else is the central guide's.
    for central in [
        "Đăng ký tạm trú",
        "Chuẩn bị hồ sơ",
        "Tờ khai.",
        "Trên Cổng.",
    ] {
        assert!(own.contains(central), "{central}");
    }
    // The local section comes after the steps.
    assert!(own.find("Trên Cổng.").unwrap() < own.find("Bộ phận một cửa").unwrap());
    let other = page(&f, "phuong-cua-nam");
    assert!(other.contains("7.000 đ") && !other.contains("6.000 đ"));
    assert!(!other.contains("Ba Đình"));
    // The API (fees, steps) and search (the whole text) carry it too.
    let api = f.read_out("phuong-ba-dinh/api/v1/huong-dan/dang-ky-tam-tru.json");
    assert!(api.contains("6.000 đ") && api.contains("Tờ khai."), "{api}");
    let search = f.read_out("phuong-ba-dinh/tim-kiem/chi-muc.js");
    assert!(search.contains("Bộ phận một cửa"));
    // The report counts it as the unit's own version, one that inherits.
    let report_json: serde_json::Value =
        serde_json::from_str(&f.read_out("bao-cao/bao-cao.json")).unwrap();
    let row = report_json["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["slug"] == "phuong-ba-dinh")
        .unwrap();
    assert_eq!(row["overridden"], serde_json::json!(["dang-ky-tam-tru"]));
    assert_eq!(row["inheriting"], serde_json::json!(["dang-ky-tam-tru"]));
    assert!(row["to_review"].as_array().unwrap().is_empty());
    let quiet = |ds: &[sotay::Diagnostic]| {
        !ds.iter().any(|d| {
            d.location
                .as_ref()
                .is_some_and(|l| l.file.ends_with("phuong-ba-dinh/guides/dang-ky-tam-tru.md"))
        })
    };
    assert!(
        quiet(&report.diagnostics),
        "{}",
        render(&report.diagnostics)
    );

    // The city rewords a step: the inheriting version follows, unasked.
    let text = std::fs::read_to_string(f.root().join(CENTRAL)).unwrap();
    f.write(CENTRAL, &text.replace("Tờ khai.", "Tờ khai CT01 đã ký."));
    let report = f.build_ok();
    let own = page(&f, "phuong-ba-dinh");
    assert!(own.contains("Tờ khai CT01 đã ký.") && own.contains("6.000 đ"));
    assert!(
        quiet(&report.diagnostics),
        "{}",
        render(&report.diagnostics)
    );
}

#[test]
fn a_problem_in_the_units_part_names_the_units_file_and_line() {
    let f = inheriting();
    let text = format!("{BA_DINH}\nXem [thủ tục khác](guide:khong-co).\n");
    f.write(OWN, &text);
    let ds = f.build_err();
    let d = find_diag(&ds, "guide:khong-co");
    assert_eq!(at(d).0, OWN);
    assert_eq!(at(d).1, line_of(&text, "Xem [thủ tục khác]"));
}

#[test]
fn a_problem_in_an_inherited_part_names_the_central_file_and_line() {
    // The central guide links a guide Ba Đình does not publish: in Ba
    // Đình's version that link is broken, in the central guide's words.
    let f = inheriting();
    let central = common::TAM_TRU.replace(
        "Trên Cổng.",
        "Trên Cổng.\n\nCó cửa hàng? Xem [hộ kinh doanh](guide:dang-ky-ho-kinh-doanh).",
    );
    f.write(CENTRAL, &central);
    f.write(
        "content/units/phuong-ba-dinh.yaml",
        &unit(
            "Ủy ban nhân dân phường Ba Đình",
            "Phường Ba Đình",
            "phuong",
            "exclude: [dang-ky-ho-kinh-doanh]\n",
        ),
    );
    let ds = f.build_err();
    let d = ds
        .iter()
        .find(|d| d.message.contains("guide:dang-ky-ho-kinh-doanh") && d.is_error())
        .unwrap_or_else(|| panic!("{}", render(&ds)));
    assert_eq!(at(d).0, CENTRAL);
    assert_eq!(at(d).1, line_of(&central, "Có cửa hàng?"));
}

#[test]
fn a_replaced_section_the_central_guide_no_longer_has_is_added_with_a_warning() {
    let f = inheriting();
    let text = format!("{BA_DINH}\n## Lưu ý\n\nMang theo căn cước.\n");
    f.write(OWN, &text);
    let report = f.build_ok();
    let d = find_diag(&report.diagnostics, "no section `Lưu ý`");
    assert!(!d.is_error());
    assert_eq!(at(d).0, OWN);
    assert_eq!(at(d).1, line_of(&text, "## Lưu ý"));
    assert!(page(&f, "phuong-ba-dinh").contains("Mang theo căn cước."));
}

#[test]
fn a_step_is_replaced_by_its_number_and_a_section_left_out_by_a_dash() {
    let f = inheriting();
    let central = format!(
        "{}\n## Lưu ý\n\nGhi chú chung của thành phố.\n",
        common::TAM_TRU
    );
    f.write(CENTRAL, &central);
    let text = format!(
        "{BA_DINH}\n## Bước 2: Nộp hồ sơ tại phường\n\nNộp ở bộ phận một cửa.\n\n## - Lưu ý\n"
    );
    f.write(OWN, &text);
    let report = f.build_ok();
    let own = page(&f, "phuong-ba-dinh");
    assert!(own.contains("Nộp hồ sơ tại phường") && own.contains("Nộp ở bộ phận một cửa."));
    assert!(!own.contains("Trên Cổng."), "step 2 replaced");
    assert!(own.contains("Tờ khai."), "step 1 kept");
    assert!(!own.contains("Ghi chú chung"), "section left out");
    assert!(page(&f, "phuong-cua-nam").contains("Ghi chú chung"));
    assert!(
        !report
            .diagnostics
            .iter()
            .any(|d| d.message.contains("no section")),
        "{}",
        render(&report.diagnostics)
    );
}

#[test]
fn a_wrong_front_matter_key_or_value_is_an_error_at_the_units_line() {
    let f = inheriting();
    let text = BA_DINH.replace("inherits: true\n", "inherits: true\nfess: 5\n");
    f.write(OWN, &text);
    let ds = f.build_err();
    let d = find_diag(&ds, "unknown key `fess`");
    assert_eq!(at(d).0, OWN);
    assert_eq!(at(d).1, line_of(&text, "fess:"));

    let text = BA_DINH.replace("inherits: true\n", "inherits: true\nrelated: 5\n");
    f.write(OWN, &text);
    let ds = f.build_err();
    let d = find_diag(&ds, "invalid");
    assert_eq!(at(d).0, OWN);
    assert_eq!(at(d).1, line_of(&text, "related:"));
}

#[test]
fn based_on_in_a_version_that_inherits_and_inheriting_from_nothing_are_errors() {
    let f = inheriting();
    let text = BA_DINH.replace(
        "inherits: true\n",
        "inherits: true\nbased_on: \"12345678\"\n",
    );
    f.write(OWN, &text);
    let ds = f.build_err();
    let d = find_diag(&ds, "based_on means nothing here");
    assert_eq!(at(d).1, line_of(&text, "based_on:"));

    let f = inheriting();
    let lost = "content/units/phuong-ba-dinh/guides/khong-co-ban-chung.md";
    f.write(lost, BA_DINH);
    let ds = f.build_err();
    let d = find_diag(&ds, "which does not exist");
    assert_eq!(at(d).0, lost);
    assert_eq!(at(d).1, 2);
}

#[test]
fn a_new_section_goes_before_the_central_section_written_after_it() {
    let f = inheriting();
    let central = format!(
        "{}\n## Gia hạn\n\nGia hạn trước khi hết hạn.\n\n## Lưu ý\n\nGhi chú chung.\n",
        common::TAM_TRU
    );
    f.write(CENTRAL, &central);
    // Ba Đình's own section is written above the Lưu ý it replaces.
    let text = format!("{BA_DINH}\n## Lưu ý\n\nGhi chú của phường.\n");
    f.write(OWN, &text);
    f.build_ok();
    let own = page(&f, "phuong-ba-dinh");
    let at = |s: &str| own.find(s).unwrap_or_else(|| panic!("{s}"));
    assert!(at("Gia hạn trước khi hết hạn.") < at("Bộ phận một cửa, tầng 1"));
    assert!(at("Bộ phận một cửa, tầng 1") < at("Ghi chú của phường."));
    assert!(!own.contains("Ghi chú chung."));
}

/// A one-page PDF, small but well formed (the forms check reads its magic).
fn pdf() -> Vec<u8> {
    let body = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";
    body.as_bytes().to_vec()
}

#[test]
fn forms_the_version_does_not_set_are_the_central_guides_beside_it() {
    let f = inheriting();
    let central = common::TAM_TRU.replace(
        "fees:\n",
        "forms:\n  - file: \"to-khai-ct01.pdf\"\n    title: \"Tờ khai thay đổi thông tin cư trú\"\nfees:\n",
    );
    f.write(CENTRAL, &central);
    let pdf_path = f.root().join("content/guides/cu-tru/to-khai-ct01.pdf");
    std::fs::write(pdf_path, pdf()).unwrap();
    f.build_ok();
    assert!(page(&f, "phuong-ba-dinh").contains("Tờ khai thay đổi thông tin cư trú"));
    assert!(
        f.out()
            .join("phuong-ba-dinh/huong-dan/dang-ky-tam-tru/to-khai-ct01.pdf")
            .is_file()
    );
}

#[test]
fn a_notice_about_an_inherited_key_names_the_central_file_and_line() {
    // The central fee has a rate that ends soon; Ba Đình's version does
    // not set fees, so the notice is about the central guide's words.
    let f = inheriting();
    let central = common::TAM_TRU.replace(
        "        channel: online\n        basis: \"Thông tư 75/2022/TT-BTC\"\n",
        "        channel: online\n        basis: \"Thông tư 75/2022/TT-BTC\"\n      - amount: 0\n        channel: online\n        condition: \"bạn có tài khoản định danh điện tử mức 2\"\n        basis: \"Thông tư 117/2026/TT-BTC\"\n        valid_until: 2026-12-31\n",
    );
    f.write(CENTRAL, &central);
    f.write(
        OWN,
        "---\ninherits: true\nwhere: \"Công an phường Ba Đình\"\n---\n",
    );
    let ds = sotay::check::check(&sotay::check::CheckOptions {
        root: f.root().to_owned(),
        today: common::build_date(),
        ahead: Some(60),
    })
    .diagnostics;
    let coming: Vec<_> = ds
        .iter()
        .filter(|d| d.message.contains("changes on 01/01/2027"))
        .collect();
    assert_eq!(coming.len(), 1, "{}", render(&ds));
    assert_eq!(at(coming[0]).0, CENTRAL);
    assert_eq!(
        at(coming[0]).1,
        line_of(&central, "        valid_until: 2026-12-31")
    );
}

#[test]
fn a_section_replaced_twice_is_a_warning_at_the_second() {
    let f = inheriting();
    let text = format!(
        "{BA_DINH}\n## Bước 1: Chuẩn bị hồ sơ\n\nMột.\n\n## Bước 1: Chuẩn bị lại\n\nHai.\n"
    );
    f.write(OWN, &text);
    let report = f.build_ok();
    let d = find_diag(&report.diagnostics, "is here twice");
    assert_eq!(at(d).0, OWN);
    assert_eq!(at(d).1, line_of(&text, "## Bước 1: Chuẩn bị lại"));
    let own = page(&f, "phuong-ba-dinh");
    assert!(own.contains("Một.") && !own.contains("Hai."));
}
