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
