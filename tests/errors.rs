//! Bad input gets a clear error naming the file, line and fix, and every
//! problem is reported in one run.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

#[test]
fn excluding_a_required_guide_names_the_unit_file_and_line() {
    let f = Fixture::new();
    f.write(
        "content/units/phuong-ba-dinh.yaml",
        &unit(
            "Ủy ban nhân dân phường Ba Đình",
            "Phường Ba Đình",
            "phuong",
            "exclude: [dang-ky-khai-sinh]\n",
        ),
    );
    let ds = f.build_err();
    let d = find_diag(&ds, "required for every Phường");
    assert_eq!(at(d), ("content/units/phuong-ba-dinh.yaml".into(), 10, 11));
    assert!(
        d.hint
            .as_deref()
            .unwrap()
            .contains("content/units/phuong-ba-dinh/guides/dang-ky-khai-sinh.md")
    );
}

#[test]
fn an_unknown_front_matter_key_is_located_with_a_suggestion() {
    let f = Fixture::new();
    f.write(
        "content/guides/cu-tru/dang-ky-tam-tru.md",
        &TAM_TRU.replace("category:", "categry:"),
    );
    let ds = f.build_err();
    let d = find_diag(&ds, "unknown key `categry`");
    assert_eq!(
        at(d),
        ("content/guides/cu-tru/dang-ky-tam-tru.md".into(), 5, 1)
    );
    assert!(
        d.hint
            .as_deref()
            .unwrap()
            .contains("did you mean `category`")
    );
    // The misspelt key explains the missing one: no second, redundant error.
    assert!(
        !ds.iter()
            .any(|d| d.message.contains("missing required key `category`")),
        "{}",
        render(&ds)
    );
    let text = d.render(false);
    assert!(
        text.contains("5 | categry: cu-tru") && text.contains("  | ^^^^^^^"),
        "{text}"
    );
}

#[test]
fn wrong_types_and_unknown_terms_are_located() {
    let f = Fixture::new();
    f.write(
        "content/guides/cu-tru/dang-ky-tam-tru.md",
        &TAM_TRU
            .replace("amount: 15000", "amount: \"mười lăm nghìn\"")
            .replace(
                "audiences: [nguoi-dan]",
                "audiences: [nguoi-dan, nguoi-gia]",
            ),
    );
    f.write(
        "content/guides/ho-tich/dang-ky-khai-sinh.md",
        &KHAI_SINH
            .replace("audiences: [nguoi-dan]", "audiences: [nguoi-gia]")
            .replace("category: ho-tich", "category: ho-tịch"),
    );
    let ds = f.build_err();
    let d = find_diag(&ds, "invalid YAML");
    assert_eq!(at(d).0, "content/guides/cu-tru/dang-ky-tam-tru.md");
    let amount_line = line_of(TAM_TRU, "      - amount: 15000");
    assert_eq!(at(d).1, amount_line, "{}", d.render(false));
    let d = find_diag(&ds, "unknown audience `nguoi-gia`");
    assert_eq!(
        at(d),
        ("content/guides/ho-tich/dang-ky-khai-sinh.md".into(), 4, 13)
    );
    let d = find_diag(&ds, "unknown category `ho-tịch`");
    assert_eq!(at(d).1, 5);
}

#[test]
fn a_link_to_a_missing_guide_or_heading_names_file_and_line() {
    let f = Fixture::new();
    f.write(
        "content/guides/ho-tich/dang-ky-khai-sinh.md",
        &KHAI_SINH.replace(
            "guide:dang-ky-tam-tru#buoc-1-chuan-bi-ho-so",
            "guide:dang-ky-tam-truu",
        ),
    );
    f.write(
        "content/pages/an-toan.md",
        &PAGE.replace("guide:dang-ky-khai-sinh", "guide:dang-ky-khai-sinh#buoc-9"),
    );
    let ds = f.build_err();
    let d = find_diag(&ds, "does not exist: `guide:dang-ky-tam-truu`");
    assert_eq!(
        at(d),
        ("content/guides/ho-tich/dang-ky-khai-sinh.md".into(), 23, 10)
    );
    assert!(d.hint.as_deref().unwrap().contains("guide:dang-ky-tam-tru"));
    let d = find_diag(&ds, "no heading `#buoc-9`");
    assert_eq!(at(d), ("content/pages/an-toan.md".into(), 7, 38));
}

#[test]
fn a_missing_image_or_alt_text_names_file_and_line() {
    let f = Fixture::new();
    std::fs::remove_file(f.root().join("content/guides/ho-tich/anh/dang-nhap.png")).unwrap();
    f.write(
        "content/guides/cu-tru/dang-ky-tam-tru.md",
        &TAM_TRU.replace(
            "Tờ khai.",
            "Tờ khai.\n\n![](anh/to-khai.png)\n\n![IMG_2024.png](anh/to-khai.png)",
        ),
    );
    f.image("content/guides/cu-tru/anh/to-khai.png", 800, 600);
    let ds = f.build_err();
    let d = find_diag(&ds, "image file not found: anh/dang-nhap.png");
    assert_eq!(
        at(d),
        ("content/guides/ho-tich/dang-ky-khai-sinh.md".into(), 25, 1)
    );
    let d = find_diag(&ds, "has no alt text");
    assert_eq!(
        at(d),
        (
            "content/guides/cu-tru/dang-ky-tam-tru.md".into(),
            line_of(TAM_TRU, "Tờ khai.") + 2,
            1
        )
    );
    find_diag(&ds, "is a file name, not a description");
}

#[test]
fn steps_out_of_order_are_errors() {
    let f = Fixture::new();
    f.write(
        "content/guides/cu-tru/dang-ky-tam-tru.md",
        &TAM_TRU.replace("## Bước 2:", "## Bước 3:"),
    );
    let ds = f.build_err();
    let d = find_diag(&ds, "step number 3 where step 2 was expected");
    assert_eq!(at(d).1, line_of(TAM_TRU, "## Bước 2:"));
    assert!(d.hint.as_deref().unwrap().contains("## Bước 2: Nộp hồ sơ"));
}

#[test]
fn an_override_must_keep_headings_other_guides_link_to() {
    let f = Fixture::new();
    f.write(
        "content/units/xa-ba-vi/guides/dang-ky-tam-tru.md",
        &TAM_TRU.replace("## Bước 1: Chuẩn bị hồ sơ", "## Bước 1: Chuẩn bị giấy tờ"),
    );
    let ds = f.build_err();
    let d = find_diag(&ds, "unit `xa-ba-vi` overrides that guide");
    assert_eq!(
        at(d),
        ("content/guides/ho-tich/dang-ky-khai-sinh.md".into(), 23, 10)
    );
}

#[test]
fn duplicate_slugs_and_bad_file_names_are_errors() {
    let f = Fixture::new();
    f.write("content/guides/khac/dang-ky-tam-tru.md", TAM_TRU);
    f.write("content/guides/khac/Đăng ký.md", TAM_TRU);
    let ds = f.build_err();
    let d = find_diag(&ds, "two guides share the file name `dang-ky-tam-tru`");
    assert!(
        d.hint
            .as_deref()
            .unwrap()
            .contains("content/guides/cu-tru/dang-ky-tam-tru.md")
    );
    let d = find_diag(&ds, "cannot be used as a web address");
    assert!(d.hint.as_deref().unwrap().contains("dang-ky"));
}

#[test]
fn template_errors_name_the_template_and_line() {
    let f = Fixture::new();
    let path = f.root().join("themes/default/templates/404.html");
    let t = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, t.replace("{{ t.back_home }}", "{{ t.back_home ")).unwrap();
    let ds = f.build_err();
    let d = find_diag(&ds, "template syntax error");
    assert_eq!(at(d).0, "themes/default/templates/404.html");
    assert_eq!(at(d).1, 5);
    // A runtime error (an unknown variable) is located too.
    std::fs::write(
        &path,
        t.replace("{{ t.back_home }}", "{{ t.back_home }}{{ khong_co.x }}"),
    )
    .unwrap();
    let ds = f.build_err();
    let d = find_diag(&ds, "template error");
    assert_eq!(
        at(d),
        ("themes/default/templates/404.html".into(), 5, at(d).2)
    );
    assert!(d.hint.as_deref().unwrap().contains("while rendering"));
}

#[test]
fn every_problem_is_reported_in_one_run() {
    let f = Fixture::new();
    f.write(
        "content/guides/cu-tru/dang-ky-tam-tru.md",
        &TAM_TRU.replace("title:", "titel:"),
    );
    f.write(
        "content/guides/ho-tich/dang-ky-khai-sinh.md",
        &KHAI_SINH.replace(
            "guide:dang-ky-tam-tru#buoc-1-chuan-bi-ho-so",
            "guide:khong-co",
        ),
    );
    f.write(
        "content/units/xa-ba-vi.yaml",
        &unit("Ủy ban nhân dân xã Ba Vì", "Xã Ba Vì", "quan", ""),
    );
    let ds = f.build_err();
    find_diag(&ds, "unknown key `titel`");
    find_diag(&ds, "guide:khong-co");
    let d = find_diag(&ds, "unknown unit kind `quan`");
    assert!(d.hint.as_deref().unwrap().contains("no district level"));
}

#[test]
fn unknown_unit_on_the_command_line() {
    let f = Fixture::new();
    let mut opts = f.options();
    opts.scope = sotay::Scope::Units(vec!["phuong-ba-dinhh".into()]);
    let ds = sotay::build(&opts).unwrap_err().diagnostics;
    assert!(
        find_diag(&ds, "no unit `phuong-ba-dinhh`")
            .hint
            .as_deref()
            .unwrap()
            .contains("phuong-ba-dinh")
    );
}

#[test]
fn the_cli_prints_located_errors_and_exits_1() {
    let f = Fixture::new();
    let ok = Command::new(env!("CARGO_BIN_EXE_sotay"))
        .args(["build", "--root"])
        .arg(f.root())
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let summary = String::from_utf8_lossy(&ok.stderr);
    assert!(summary.contains("built 3 units"), "{summary}");
    f.write(
        "content/guides/cu-tru/dang-ky-tam-tru.md",
        &TAM_TRU.replace("category:", "categry:"),
    );
    let out = Command::new(env!("CARGO_BIN_EXE_sotay"))
        .args(["build", "--root"])
        .arg(f.root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("error: unknown key `categry` in front matter"),
        "{err}"
    );
    assert!(
        err.contains("--> content/guides/cu-tru/dang-ky-tam-tru.md:5:1"),
        "{err}"
    );
    assert!(err.contains("help: did you mean `category`?"), "{err}");
    assert!(
        err.contains("the previous output was left as it was"),
        "{err}"
    );
    assert!(!err.contains("\u{1b}["), "no colours when not a terminal");
}

#[test]
fn refuses_to_overwrite_a_folder_it_did_not_make() {
    let f = Fixture::new();
    f.write("docs/notes.txt", "quan trọng");
    let mut opts = f.options();
    opts.out = f.root().join("docs");
    let ds = sotay::build(&opts).unwrap_err().diagnostics;
    find_diag(&ds, "was not made by sotay");
    assert!(Path::new(&f.root().join("docs/notes.txt")).is_file());
}

#[test]
fn svg_logos_and_images_with_scripts_fail_the_build_at_their_line() {
    let f = Fixture::new();
    f.write(
        "content/units/phuong-ba-dinh.yaml",
        &unit(
            "Ủy ban nhân dân phường Ba Đình",
            "Phường Ba Đình",
            "phuong",
            "logo: logo.svg\n",
        ),
    );
    // The old check looked for ` on…=`; this handler follows a newline.
    f.write(
        "content/units/phuong-ba-dinh/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 48 48\"\nonload=\"alert(document.domain)\">\n<circle r=\"20\"/>\n</svg>\n",
    );
    // A guide's SVG picture goes through the same check.
    f.write(
        "content/guides/cu-tru/dang-ky-tam-tru.md",
        &TAM_TRU.replace("Tờ khai.", "Tờ khai.\n\n![Sơ đồ nộp hồ sơ](anh/so-do.svg)"),
    );
    f.write(
        "content/guides/cu-tru/anh/so-do.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\">\n<script>fetch('//x')</script>\n</svg>\n",
    );
    let ds = f.build_err();
    let d = find_diag(&ds, "contains a script");
    assert_eq!(at(d), ("content/guides/cu-tru/anh/so-do.svg".into(), 2, 1));
    let d = find_diag(&ds, "event handler `onload`");
    assert_eq!(
        at(d),
        ("content/units/phuong-ba-dinh/logo.svg".into(), 2, 1)
    );
    assert!(
        d.hint
            .as_deref()
            .unwrap()
            .contains("export the SVG again without scripts"),
        "{}",
        d.render(false)
    );
    assert!(!f.out().exists(), "nothing was published");

    // The same pictures without the script are published.
    let clean = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 48 48\">\n<circle r=\"20\"/>\n</svg>\n";
    f.write("content/units/phuong-ba-dinh/logo.svg", clean);
    f.write("content/guides/cu-tru/anh/so-do.svg", clean);
    f.build_ok();
    assert!(
        f.read_out("phuong-ba-dinh/assets/logo.svg")
            .contains("<circle")
    );
}

#[test]
fn a_unit_named_like_a_city_level_folder_is_an_error_at_its_file() {
    let f = Fixture::new();
    f.write(
        "content/units/bao-cao.yaml",
        &unit(
            "Ủy ban nhân dân phường Báo Cáo",
            "Phường Báo Cáo",
            "phuong",
            "",
        ),
    );
    let ds = f.build_err();
    let d = find_diag(&ds, "`bao-cao` cannot be a unit's file name");
    assert_eq!(at(d).0, "content/units/bao-cao.yaml");
    assert!(d.message.contains("city level"), "{}", d.message);
    assert!(d.hint.as_deref().unwrap().contains("rename the unit file"));
}

#[test]
fn a_logo_must_be_a_picture_inside_the_units_folder() {
    let f = Fixture::new();
    let outside = f.root().join("secret.png");
    std::fs::write(&outside, b"not a logo").unwrap();
    f.write(
        "content/units/phuong-ba-dinh/page.html",
        "<script>x</script>",
    );
    for (logo, needle) in [
        ("../../../secret.png", "must be an SVG, PNG"),
        ("page.html", "must be an SVG, PNG"),
        ("missing.png", "logo file not found"),
    ] {
        f.write(
            "content/units/phuong-ba-dinh.yaml",
            &unit(
                "Ủy ban nhân dân phường Ba Đình",
                "Phường Ba Đình",
                "phuong",
                &format!("logo: {logo}\n"),
            ),
        );
        let ds = f.build_err();
        let d = find_diag(&ds, needle);
        assert_eq!(at(d).0, "content/units/phuong-ba-dinh.yaml", "{logo}");
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(
            &outside,
            f.root().join("content/units/phuong-ba-dinh/logo.png"),
        )
        .unwrap();
        f.write(
            "content/units/phuong-ba-dinh.yaml",
            &unit(
                "Ủy ban nhân dân phường Ba Đình",
                "Phường Ba Đình",
                "phuong",
                "logo: logo.png\n",
            ),
        );
        let ds = f.build_err();
        find_diag(&ds, "leads outside the unit's folder");
    }
}

#[test]
fn a_theme_missing_a_ui_string_names_the_key_and_the_file() {
    let f = Fixture::html_only();
    let path = f.root().join("themes/default/strings.yaml");
    let t = std::fs::read_to_string(&path).unwrap();
    let without: String = t
        .lines()
        .filter(|l| !l.starts_with("latest_list:"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&path, without).unwrap();
    let ds = f.build_err();
    let d = find_diag(&ds, "the theme's UI strings lack `latest_list`");
    assert_eq!(at(d).0, "themes/default/strings.yaml");
    let hint = d.hint.as_deref().unwrap();
    assert!(hint.contains("themes/default/strings.yaml"), "{hint}");
    // The hint carries the missing line itself: pasting it fixes the build.
    let line = hint
        .lines()
        .find(|l| l.starts_with("latest_list: \""))
        .unwrap_or_else(|| panic!("no line to paste in: {hint}"));
    let fixed = format!("{}{line}\n", std::fs::read_to_string(&path).unwrap());
    std::fs::write(&path, fixed).unwrap();
    f.build_ok();
}
