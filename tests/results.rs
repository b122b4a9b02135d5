//! Results charts from content/data: accessible SVG with the same figures in
//! a table, per unit and for the city; bad CSV is an error at its row and column.

mod common;

use common::{Fixture, render};

const YAML: &str = r#"title: "Kết quả năm 2026"
source: "Số liệu thử nghiệm"
charts:
  - column: truc_tuyen
    title: "Tỷ lệ hồ sơ nộp trực tuyến"
    kind: line
    unit: "%"
    target: 80
  - column: huong_dan
    title: "Số người được hướng dẫn"
    kind: bar
    unit: "người"
"#;

const CSV: &str = "thang,don_vi,truc_tuyen,huong_dan
2026-01,thanh-pho,55.5,15400
2026-02,thanh-pho,61.2,16020
2026-01,phuong-ba-dinh,50.1,320
2026-02,phuong-ba-dinh,57.9,410
";

fn fixture(csv: &str) -> Fixture {
    let f = Fixture::html_only();
    f.write("content/data/ket-qua.yaml", YAML);
    f.write("content/data/ket-qua.csv", csv);
    f
}

#[test]
fn units_and_the_city_get_charts_with_tables() {
    let f = fixture(CSV);
    f.build_ok();
    let page = f.read_out("phuong-ba-dinh/ket-qua/index.html");
    assert_eq!(page.matches("<svg class=\"chart\"").count(), 2);
    assert!(page.contains("role=\"img\""));
    assert!(page.contains("<title id=\"bd-ket-qua-0-t\">Tỷ lệ hồ sơ nộp trực tuyến</title>"));
    assert!(
        page.contains("tháng 1/2026 là 50,1%, tháng 2/2026 là 57,9%"),
        "description: {page}"
    );
    assert!(page.contains("<th scope=\"row\">2/2026</th><td>57,9%</td>"));
    assert!(page.contains("<td>410 người</td>"));
    assert!(page.contains("Mục tiêu 80%"));
    assert!(page.contains("Số liệu thử nghiệm"));
    // Only this unit's rows.
    assert!(!page.contains("15.400"));
    let city = f.read_out("ket-qua/index.html");
    assert!(city.contains("<td>15.400 người</td>") && city.contains("61,2%"));
    let home = f.read_out("phuong-ba-dinh/index.html");
    assert!(home.contains("href=\"ket-qua/index.html\""));
    // A unit without rows has no results page.
    assert!(!f.out().join("xa-ba-vi/ket-qua/index.html").exists());
    common::assert_links_resolve(f.root(), &f.out(), "phuong-ba-dinh");
    let a11y = common::a11y::audit_dir(&f.out().join("phuong-ba-dinh/ket-qua"));
    assert!(a11y.is_empty(), "{a11y:#?}");
}

#[test]
fn a_value_that_is_not_a_number_is_an_error_at_its_row_and_column() {
    let f = fixture(&CSV.replace("57.9", "57.9%"));
    let shown = render(&f.build_err());
    assert!(shown.contains("content/data/ket-qua.csv:5:24"), "{shown}");
    assert!(
        shown.contains("row 5, column truc_tuyen: `57.9%` is not a number"),
        "{shown}"
    );
}

#[test]
fn a_missing_column_and_an_unknown_unit_are_errors() {
    let f = fixture(&CSV.replace("huong_dan", "huongdan"));
    let shown = render(&f.build_err());
    assert!(
        shown.contains("chart column `huong_dan` is not in content/data/ket-qua.csv"),
        "{shown}"
    );
    assert!(shown.contains("content/data/ket-qua.yaml:9"), "{shown}");
    assert!(shown.contains("did you mean `huongdan`?"), "{shown}");

    let f = fixture(&CSV.replace("2026-02,phuong-ba-dinh", "2026-02,phuong-ba-din"));
    let shown = render(&f.build_err());
    assert!(shown.contains("content/data/ket-qua.csv:5:9"), "{shown}");
    assert!(
        shown.contains("unknown unit `phuong-ba-din`")
            && shown.contains("did you mean `phuong-ba-dinh`?"),
        "{shown}"
    );

    let f = fixture(&CSV.replace("thang,", "month,"));
    let shown = render(&f.build_err());
    assert!(
        shown.contains("column `thang` is missing") && shown.contains("content/data/ket-qua.csv:1"),
        "{shown}"
    );
}

/// Xã Ba Vì keeps its own figures in its folder (no don_vi column), for
/// January only.
const BA_VI: &str = "thang,truc_tuyen,huong_dan
2026-01,44.0,150
";

fn report_results(f: &Fixture) -> serde_json::Value {
    let json: serde_json::Value =
        serde_json::from_str(&f.read_out("bao-cao/bao-cao.json")).unwrap();
    json["results"][0].clone()
}

#[test]
fn a_units_own_figures_are_merged_and_the_report_shows_who_reported_each_month() {
    let f = fixture(CSV);
    f.write("content/units/xa-ba-vi/data/ket-qua.csv", BA_VI);
    f.build_ok();
    let page = f.read_out("xa-ba-vi/ket-qua/index.html");
    assert!(
        page.contains("<th scope=\"row\">1/2026</th><td>44%</td>"),
        "{page}"
    );
    assert!(page.contains("<td>150 người</td>"));

    let r = report_results(&f);
    assert_eq!(r["months"], serde_json::json!(["2026-01", "2026-02"]));
    let reported = |slug: &str| {
        r["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["slug"] == slug)
            .unwrap()["reported"]
            .clone()
    };
    assert_eq!(reported("phuong-ba-dinh"), serde_json::json!([true, true]));
    assert_eq!(reported("xa-ba-vi"), serde_json::json!([true, false]));
    assert_eq!(reported("so-thu-nghiem"), serde_json::json!([false, false]));
    assert_eq!(r["counts"], serde_json::json!([2, 1]));
    let html = common::text_of(&f.read_out("bao-cao/index.html"));
    assert!(html.contains("Xã Ba Vì Đã báo cáo Chưa báo cáo"), "{html}");

    // A new month in the unit's file reaches its page and the report.
    f.write(
        "content/units/xa-ba-vi/data/ket-qua.csv",
        &format!("{BA_VI}2026-02,47.5,170\n"),
    );
    f.build_ok();
    assert!(
        f.read_out("xa-ba-vi/ket-qua/index.html")
            .contains("<td>47,5%</td>")
    );
    assert_eq!(report_results(&f)["counts"], serde_json::json!([2, 2]));
}

#[test]
fn a_units_file_holds_its_own_figures_once_for_a_city_dataset() {
    let f = fixture(CSV);
    // Another unit's row, and a month the city file already gives for it.
    let path = "content/units/phuong-ba-dinh/data/ket-qua.csv";
    f.write(
        path,
        "thang,don_vi,truc_tuyen,huong_dan\n2026-03,xa-ba-vi,40,10\n2026-02,phuong-ba-dinh,57.9,410\n",
    );
    // A dataset the city does not have, and a unit file short of a column.
    f.write("content/units/xa-ba-vi/data/khac.csv", BA_VI);
    f.write(
        "content/units/so-thu-nghiem/data/ket-qua.csv",
        "thang,truc_tuyen\n2026-01,40\n",
    );
    let ds = f.build_err();
    let other = common::find_diag(&ds, "`xa-ba-vi` in the figures of `phuong-ba-dinh`");
    assert_eq!(common::at(other), (path.to_owned(), 2, 9));
    assert!(
        other
            .hint
            .as_deref()
            .unwrap_or("")
            .contains("leave out the don_vi column")
    );
    let twice = common::find_diag(
        &ds,
        "the figures of phuong-ba-dinh for 2026-02 are given twice",
    );
    assert_eq!(common::at(twice).1, 3);
    assert!(
        twice
            .hint
            .as_deref()
            .unwrap_or("")
            .contains("content/data/ket-qua.csv:5"),
        "{twice:?}"
    );
    let unknown = common::find_diag(&ds, "there is no content/data/khac.csv");
    assert!(
        unknown
            .hint
            .as_deref()
            .unwrap_or("")
            .contains("ket-qua.csv")
    );
    let short = common::find_diag(&ds, "chart column `huong_dan` is not in");
    assert_eq!(
        common::at(short),
        (
            "content/units/so-thu-nghiem/data/ket-qua.csv".to_owned(),
            1,
            1
        )
    );
    // Each problem once.
    assert_eq!(
        ds.iter()
            .filter(|d| d.message.contains("given twice"))
            .count(),
        1,
        "{}",
        render(&ds)
    );
}
