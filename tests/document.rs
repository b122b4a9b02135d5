//! One document model: every output shows a guide's steps exactly as the
//! parsed document has them, and the structure that used to disagree
//! between parsers (links in headings, images in headings, raw HTML split
//! over lines, Windows line endings) is read once and the same everywhere.

mod common;

use common::*;

#[test]
fn steps_agree_across_page_api_leaflet_and_pictures_in_the_fixture() {
    let f = Fixture::new();
    f.write(
        "content/guides/cu-tru/dang-ky-tam-tru.md",
        &TAM_TRU.replace(
            "## Bước 1: Chuẩn bị hồ sơ\n\nTờ khai.",
            "<table class=\"ho-so\"\n  id=\"bang-ho-so\"><tr><td>Tờ khai</td></tr></table>\n\n## Bước 1: Chuẩn bị ![biểu tượng hồ sơ](../ho-tich/anh/dang-nhap.png) hồ sơ {#buoc-1-chuan-bi-ho-so}\n\nTờ khai.",
        ),
    );
    f.build_ok();
    let (pages, leaflets) = assert_steps_agree(f.root(), &f.out());
    assert!(
        pages >= 8 && leaflets == pages,
        "{pages} guide pages, {leaflets} leaflets compared"
    );
}

#[test]
fn a_guide_link_inside_a_heading_is_checked() {
    let f = Fixture::new();
    f.write(
        "content/guides/cu-tru/dang-ky-tam-tru.md",
        &TAM_TRU.replace(
            "## Bước 2: Nộp hồ sơ",
            "## Bước 2: Nộp hồ sơ như [khai sinh](guide:khong-co)",
        ),
    );
    let ds = f.build_err();
    let d = find_diag(&ds, "guide that does not exist");
    let (file, line, _) = at(d);
    assert_eq!(
        (file.as_str(), line),
        (
            "content/guides/cu-tru/dang-ky-tam-tru.md",
            line_of(TAM_TRU, "## Bước 2")
        )
    );
}

#[test]
fn windows_line_endings_keep_every_line_right() {
    let f = Fixture::new();
    let guide = TAM_TRU
        .replace("## Bước 2: Nộp hồ sơ", "## Bước 3: Nộp hồ sơ")
        .replace('\n', "\r\n");
    f.write("content/guides/cu-tru/dang-ky-tam-tru.md", &guide);
    let khai_sinh = KHAI_SINH.replace("category: ho-tich\n", "category: ho-tich\nnam: 2026\n");
    f.write(
        "content/guides/ho-tich/dang-ky-khai-sinh.md",
        &khai_sinh.replace('\n', "\r\n"),
    );
    let unit = unit(
        "Ủy ban nhân dân phường Ba Đình",
        "Phường Ba Đình",
        "phuong",
        "titel: \"sai\"\n",
    );
    f.write(
        "content/units/phuong-ba-dinh.yaml",
        &unit.replace('\n', "\r\n"),
    );
    let ds = f.build_err();
    let key = find_diag(&ds, "titel");
    let line = unit.lines().position(|l| l.starts_with("titel")).unwrap() + 1;
    assert_eq!(
        key.location.as_ref().unwrap().line,
        line,
        "{}",
        key.render(false)
    );
    let front = find_diag(&ds, "`nam`");
    let line = khai_sinh
        .lines()
        .position(|l| l.starts_with("nam:"))
        .unwrap()
        + 1;
    assert_eq!(
        front.location.as_ref().unwrap().line,
        line,
        "{}",
        front.render(false)
    );
    let step = find_diag(&ds, "step number 3");
    assert_eq!(
        at(step),
        (
            "content/guides/cu-tru/dang-ky-tam-tru.md".into(),
            line_of(TAM_TRU, "## Bước 2"),
            1
        )
    );
    assert!(!render(&ds).contains('\r'));
}

#[test]
fn pasted_html_split_over_lines_builds() {
    let f = Fixture::new();
    f.write(
        "content/guides/cu-tru/dang-ky-tam-tru.md",
        &TAM_TRU.replace(
            "Tờ khai.",
            "<table class=\"x\"\n  id=\"y\"><tr><td>Tờ khai</td></tr></table>\n\nA <span class=\"a\"\n  title=\"b\">chữ</span>.",
        ),
    );
    f.build_ok();
    let page = f.read_out("phuong-ba-dinh/huong-dan/dang-ky-tam-tru/index.html");
    assert!(page.contains("Tờ khai</td>"), "the table is on the page");
}

#[test]
fn a_problem_in_a_shared_guide_is_reported_once_with_its_units() {
    let f = Fixture::new();
    // Every unit links to this guide's missing heading through the page.
    f.write(
        "content/pages/an-toan.md",
        &PAGE.replace(
            "(guide:dang-ky-khai-sinh)",
            "(guide:dang-ky-khai-sinh#khong-co)",
        ),
    );
    let ds = f.build_err();
    let hits: Vec<_> = ds
        .iter()
        .filter(|d| d.message.contains("no heading `#khong-co`"))
        .collect();
    assert_eq!(hits.len(), 1, "{}", render(&ds));
}

#[test]
fn deep_nesting_is_an_error_at_its_line_not_a_print_failure() {
    let f = Fixture::new();
    let deep: String = (0..100)
        .map(|i| format!("{}- mục\n", "  ".repeat(i)))
        .collect();
    f.write(
        "content/guides/cu-tru/dang-ky-tam-tru.md",
        &TAM_TRU.replace("Tờ khai.", &format!("Tờ khai.\n\n{deep}")),
    );
    let ds = f.build_err();
    let d = find_diag(&ds, "nested more than");
    let loc = d.location.as_ref().unwrap();
    assert!(loc.file.ends_with("dang-ky-tam-tru.md"));
    assert!(loc.line > 18, "{}", d.render(false));
    assert!(
        !ds.iter().any(|d| d.message.contains("print template")),
        "{}",
        render(&ds)
    );
    // The long source line is cut around the place, not printed whole.
    assert!(
        d.render(false).lines().all(|l| l.chars().count() < 200),
        "{}",
        d.render(false)
    );
}

#[test]
fn a_leaflet_that_cannot_fit_is_one_problem_naming_every_unit() {
    let f = Fixture::new();
    // 200 steps: even their titles alone cannot fit a leaflet.
    let steps: String = (1..=200)
        .map(|n| format!("## Bước {n}: Gửi hồ sơ lần {n} trên Cổng Dịch vụ công\n\nGửi.\n\n"))
        .collect();
    f.write(
        "content/guides/ho-tich/dang-ky-khai-sinh.md",
        &KHAI_SINH
            .replace(
                "## Bước 1: Đăng nhập Cổng Dịch vụ công",
                &format!("{steps}## Bước 201: Đăng nhập Cổng Dịch vụ công"),
            )
            .replace("## Bước 2: Nộp hồ sơ", "## Bước 202: Nộp hồ sơ"),
    );
    let report = f.build_ok();
    let fits: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("does not fit"))
        .collect();
    assert_eq!(
        fits.len(),
        1,
        "one per guide:\n{}",
        render(&report.diagnostics)
    );
    let d = fits[0];
    assert_eq!(
        d.units,
        ["phuong-ba-dinh", "so-thu-nghiem", "xa-ba-vi"],
        "{}",
        d.render(false)
    );
    assert!(
        d.location
            .as_ref()
            .unwrap()
            .file
            .ends_with("dang-ky-khai-sinh.md")
    );
}
