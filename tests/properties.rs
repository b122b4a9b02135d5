//! Property tests on the stable toolchain: generated hostile input for unit
//! files, infographic specs, front matter with Markdown, results data and
//! message placeholders. Whatever the input, loading and building end
//! without a panic, and every error names the file it is about.

mod common;

use std::path::Path;

use common::*;
use proptest::prelude::*;
use sotay::diag::Sink;

/// YAML scalars and shapes editors and attackers write.
fn yaml_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\"Phường Thử\"".to_owned()),
        Just("''".to_owned()),
        Just("~".to_owned()),
        Just("[]".to_owned()),
        Just("{}".to_owned()),
        Just("[a, [b, [c]]]".to_owned()),
        Just("&x [1, 2]".to_owned()),
        Just("*x".to_owned()),
        Just("*nowhere".to_owned()),
        Just("!!binary aGVsbG8=".to_owned()),
        Just("\"<script>alert(1)</script>\"".to_owned()),
        Just("\"../../../../etc/passwd\"".to_owned()),
        Just("\"#0b5394\"".to_owned()),
        Just("\"#zzz\"".to_owned()),
        Just("-1".to_owned()),
        Just("1e400".to_owned()),
        Just("18446744073709551616".to_owned()),
        Just("2026-13-45".to_owned()),
        Just("|\n  nhiều\n  dòng".to_owned()),
        Just("\"\\u202e\\u200b\"".to_owned()),
        "[a-zđ0-9 :#\\-\\[\\]{}&*!|>'\"%@`,]{0,16}",
    ]
}

fn yaml_key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("name"),
        Just("short_name"),
        Just("kind"),
        Just("base_url"),
        Just("colour"),
        Just("address"),
        Just("hours"),
        Just("hotline"),
        Just("logo"),
        Just("exclude"),
        Just("outputs"),
        Just("title"),
        Just("guide"),
        Just("canvases"),
        Just("steps"),
        Just("palette"),
        Just("<<"),
        Just("? [a]"),
        Just("tên"),
    ]
    .prop_map(str::to_owned)
}

/// A YAML mapping of known and odd keys, sometimes broken.
fn yaml_doc() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec((yaml_key(), yaml_value()), 0..12),
        prop_oneof![
            Just(""),
            Just("\r\n"),
            Just("\t"),
            Just("---\n"),
            Just("\u{feff}")
        ],
    )
        .prop_map(|(pairs, odd)| {
            let mut s = String::from(odd);
            for (k, v) in pairs {
                s.push_str(&format!("{k}: {v}\n"));
            }
            s
        })
}

/// Every error names a file; none panics.
fn errors_are_located(ds: &[sotay::Diagnostic]) -> Result<(), TestCaseError> {
    for d in ds.iter().filter(|d| d.is_error()) {
        prop_assert!(d.location.is_some(), "unlocated: {}", d.render(false));
    }
    Ok(())
}

fn load(root: &Path) -> Vec<sotay::Diagnostic> {
    let sink = Sink::default();
    if let Some(p) = sotay::content::load(root, &sink) {
        let _ = sotay::data::load(&p, &sink);
    }
    sink.into_sorted()
}

/// One fixture for a whole property: files are overwritten case by case.
fn fixture() -> Fixture {
    Fixture::new()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn any_unit_file_loads_or_is_a_located_error(yaml in yaml_doc()) {
        let f = fixture();
        f.write("content/units/phuong-sinh.yaml", &yaml);
        errors_are_located(&load(f.root()))?;
    }

    #[test]
    fn any_infographic_spec_loads_or_is_a_located_error(yaml in yaml_doc()) {
        let f = fixture();
        f.write("content/infographics/sinh.yaml", &yaml);
        errors_are_located(&load(f.root()))?;
    }

    #[test]
    fn any_results_data_loads_or_is_a_located_error(
        rows in proptest::collection::vec(
            proptest::collection::vec(
                prop_oneof![
                    Just("2026-01".to_owned()), Just("2026-13".to_owned()), Just("thanh-pho".to_owned()),
                    Just("phuong-ba-dinh".to_owned()), Just("\"58,1\"".to_owned()), Just("\"".to_owned()),
                    Just("-0".to_owned()), Just("NaN".to_owned()), Just("1e999".to_owned()), Just("".to_owned()),
                    "[0-9.,a-z\" ]{0,6}",
                ],
                0..5,
            ),
            0..30,
        )
    ) {
        let f = fixture();
        let mut csv = String::from("thang,don_vi,ho_so\n");
        for r in rows {
            csv.push_str(&r.join(","));
            csv.push('\n');
        }
        f.write("content/data/sinh.csv", &csv);
        f.write(
            "content/data/sinh.yaml",
            "title: \"Số liệu\"\nsource: \"Thử\"\ncharts:\n  - column: ho_so\n    title: \"Hồ sơ\"\n    kind: line\n    unit: \"hồ sơ\"\n",
        );
        errors_are_located(&load(f.root()))?;
    }

    #[test]
    fn any_placeholders_are_found_within_the_text(s in "[((()) a-zđ?_\\-]{0,40}") {
        for p in sotay::messages::placeholders::find(&s) {
            prop_assert!(p.start < p.end && p.end <= s.len());
            prop_assert!(s.is_char_boundary(p.start) && s.is_char_boundary(p.end));
            prop_assert_eq!(&s[p.start..p.start + 2], "((");
        }
        let same = sotay::messages::placeholders::replace(&s, |p| format!("(({}))", p.raw));
        prop_assert_eq!(
            sotay::messages::placeholders::find(&same).len(),
            sotay::messages::placeholders::find(&s).len()
        );
    }
}

proptest! {
    // Whole builds are slower: fewer cases, each through every page output.
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn any_front_matter_and_text_builds_or_is_a_located_error(
        title in "[a-zđăâêôơư<>\"&' ]{1,30}",
        fm in proptest::collection::vec((prop_oneof![
            Just("documents"), Just("help"), Just("not_for"), Just("related"), Just("audiences"),
            Just("fees"), Just("short"), Just("tags"),
        ].prop_map(str::to_owned), yaml_value()), 0..4),
        body in proptest::collection::vec(prop_oneof![
            Just("## Bước 1: Nộp hồ sơ\n\n".to_owned()),
            Just("## Bước 2: Nhận kết quả\n\n".to_owned()),
            Just("<table class=\"x\"\n  id=\"y\"><tr><td>".to_owned()),
            Just("[a](guide:dang-ky-khai-sinh#buoc-1-dang-nhap-cong-dich-vu-cong)".to_owned()),
            Just("![x](anh/khong.png)".to_owned()),
            Just("<img src=x onerror=alert(1)>".to_owned()),
            Just("- [ ] việc\n".to_owned()),
            "[a-zđ .,*_`#>|\\-\n]{0,20}",
        ], 0..12).prop_map(|v| v.concat()),
    ) {
        let f = fixture();
        let mut extra = String::new();
        for (k, v) in fm {
            extra.push_str(&format!("{k}: {v}\n"));
        }
        let text = TAM_TRU
            .replace("title: \"Đăng ký tạm trú\"", &format!("title: {}", yaml_quote(&title)))
            .replace("last_reviewed: 2026-10-01\n", &format!("last_reviewed: 2026-10-01\n{extra}"))
            .replace("## Bước 1: Chuẩn bị hồ sơ\n\nTờ khai.", &body);
        f.write("content/guides/thu/sinh.md", &text);
        let mut opts = f.options();
        opts.media = sotay::Media::Skip;
        match sotay::build(&opts) {
            Ok(_) => {
                for unit in ["phuong-ba-dinh", "xa-ba-vi"] {
                    let problems = sotay::links::check(&f.out().join(unit), &[base_url_of(f.root(), unit)]);
                    prop_assert!(problems.is_empty(), "{problems:?}\n{text}");
                }
            }
            Err(e) => errors_are_located(&e.diagnostics)?,
        }
    }
}

fn yaml_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}
