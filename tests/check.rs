//! `sotay check`: every lint fires on a fixture made to trigger it, and none
//! fires on correct Vietnamese; stale facts are judged against a given date;
//! links of every built unit are checked; nothing is written to public/.

mod common;

use std::process::Command;

use common::*;
use sotay::check::{CheckOptions, check};
use sotay::content::Date;

fn run(f: &Fixture, today: &str) -> Vec<sotay::Diagnostic> {
    check(&CheckOptions {
        root: f.root().to_owned(),
        today: Date::parse(today).unwrap(),
        ahead: None,
    })
    .diagnostics
}

fn guide_with(body: &str) -> String {
    let front = TAM_TRU.split("\n---\n").next().unwrap();
    format!("{front}\n---\n\n{body}")
}

/// The diagnostics of one code, as "line: message".
fn of(ds: &[sotay::Diagnostic], code: &str) -> Vec<String> {
    ds.iter()
        .filter(|d| d.code == Some(code))
        .map(|d| {
            format!(
                "{}: {}",
                d.location.as_ref().map_or(0, |l| l.line),
                d.message
            )
        })
        .collect()
}

#[test]
fn correct_vietnamese_raises_no_warning() {
    let f = Fixture::new();
    f.write(
        "content/guides/cu-tru/dang-ky-tam-tru.md",
        &guide_with(
            "Kế hoạch 40/KH-UBND hướng dẫn việc này. Bạn dùng tài khoản định danh điện tử (VNeID) để đăng nhập.\n\n\
             ## Bước 1: Chuẩn bị hồ sơ\n\nChụp ảnh hợp đồng thuê nhà. Ảnh phải rõ chữ.\n\n\
             > [!WARNING]\n> Không đọc mã xác thực (mã OTP) cho ai.\n\n\
             ## Bước 2: Nộp hồ sơ\n\nXem [cách nộp hồ sơ trực tuyến](guide:dang-ky-khai-sinh).\n\n### Nếu bị từ chối\n\nSửa rồi nộp lại.\n",
        ),
    );
    let ds: Vec<_> = run(&f, "2026-11-29")
        .into_iter()
        .filter(|d| {
            d.location
                .as_ref()
                .is_some_and(|l| l.file.ends_with("cu-tru/dang-ky-tam-tru.md"))
        })
        .collect();
    assert!(ds.is_empty(), "{}", render(&ds));
}

#[test]
fn plain_language_lints_fire_where_they_should() {
    let f = Fixture::new();
    let long = "Người dân khi đến làm thủ tục tại Bộ phận Một cửa cần mang theo đầy đủ các loại giấy tờ tùy thân còn thời hạn sử dụng cùng với các loại giấy tờ chứng minh nơi ở hợp pháp theo quy định hiện hành của pháp luật về cư trú.";
    let steps: String = (1..=11)
        .map(|i| format!("## Bước {i}: Nộp phần {i}\n\nMột việc.\n\n"))
        .collect();
    f.write(
        "content/guides/cu-tru/dang-ky-tam-tru.md",
        &guide_with(&format!(
            "{long}\n\nCâu một. Câu hai. Câu ba. Câu bốn. Câu năm. Câu sáu.\n\nLàm trên Cổng DVC.\n\n{}\n## Bước 12: Hồ sơ cần có\n\nXem [tại đây](guide:dang-ky-khai-sinh).\n",
            steps
        )),
    );
    let ds = run(&f, "2026-11-29");
    let pl = of(&ds, "plain-language");
    assert!(
        pl.iter()
            .any(|m| m.contains("sentence of") && m.starts_with("21:")),
        "{pl:#?}"
    );
    assert!(
        pl.iter().any(|m| m.contains("paragraph of 6 sentences")),
        "{pl:#?}"
    );
    assert!(
        pl.iter().any(|m| m.contains("`DVC` is not explained")),
        "{pl:#?}"
    );
    assert!(pl.iter().any(|m| m.contains("12 steps")), "{pl:#?}");
    assert!(
        pl.iter()
            .any(|m| m.contains("`Bước 12: Hồ sơ cần có` does not start with a verb")),
        "{pl:#?}"
    );
    assert!(
        !pl.iter().any(|m| m.contains("Nộp phần")),
        "steps starting with a verb pass: {pl:#?}"
    );
    let a11y = of(&ds, "accessibility");
    assert!(
        a11y.iter().any(|m| m.contains("link text \"tại đây\"")),
        "{a11y:#?}"
    );
}

#[test]
fn text_and_accessibility_lints() {
    use unicode_normalization::UnicodeNormalization;
    let f = Fixture::new();
    let nfd: String = PAGE.nfd().collect();
    f.write(
        "content/pages/an-toan.md",
        &format!("{nfd}\n# Tiêu đề thừa\n\n## Mục\n\n#### Chi tiết\n\nXin chaøo caùc baïn.\n"),
    );
    let ds = run(&f, "2026-11-29");
    let text = of(&ds, "text");
    assert!(
        text.iter().any(|m| m.contains("not in Unicode NFC")),
        "{text:#?}"
    );
    assert!(
        text.iter()
            .any(|m| m.contains("TCVN3") && m.starts_with("15:")),
        "{text:#?}"
    );
    let a11y = of(&ds, "accessibility");
    assert!(
        a11y.iter().any(|m| m.contains("level-1 heading")),
        "{a11y:#?}"
    );
    assert!(
        a11y.iter().any(|m| m.contains("jumps from 2 to 4")),
        "{a11y:#?}"
    );
}

#[test]
fn stale_facts_are_judged_against_the_date() {
    let f = Fixture::new();
    f.write(
        "content/guides/cu-tru/dang-ky-tam-tru.md",
        &TAM_TRU.replace(
            "      - amount: 7000\n",
            "      - amount: 5000\n        channel: online\n        basis: \"Thông tư cũ\"\n        valid_until: 2025-12-31\n      - amount: 7000\n",
        ),
    );
    let ds = run(&f, "2026-11-29");
    let ended = of(&ds, "ended");
    assert!(
        ended
            .iter()
            .any(|m| m.starts_with("16:") && m.contains("ended on 31/12/2025")),
        "{ended:#?}"
    );
    let stale = of(&ds, "stale");
    assert!(
        !stale.iter().any(|m| m.contains("last reviewed")),
        "reviewed this year: {stale:#?}"
    );
    // A year later, every fixture guide is due for review too.
    let ds = run(&f, "2027-11-30");
    let reviews = of(&ds, "stale")
        .into_iter()
        .filter(|m| m.contains("last reviewed"))
        .count();
    assert!(reviews >= 3, "{}", render(&ds));
}

#[test]
fn links_of_every_built_unit_are_checked() {
    let f = Fixture::new();
    let path = f.root().join("themes/default/templates/page.html");
    let t = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        t.replace(
            "<h1>{{ title }}</h1>",
            "<h1>{{ title }}</h1><a href=\"{{ root }}khong-co.html\">Trang không có</a>",
        ),
    )
    .unwrap();
    let ds = run(&f, "2026-11-29");
    let links = of(&ds, "links");
    assert!(
        links.iter().any(|m| m.contains(
            "trang/an-toan/index.html: ../../khong-co.html (target file does not exist)"
        )),
        "{links:#?}"
    );
    assert!(!f.out().exists(), "check wrote public/");
}

#[test]
fn the_cli_reports_json_and_fails_on_warnings_with_strict() {
    let f = Fixture::new();
    f.write(
        "content/pages/an-toan.md",
        &format!("{PAGE}\nGọi UBND phường.\n"),
    );
    // No other warning in the fixture: the sở publishes every guide.
    f.write(
        "content/units/so-thu-nghiem.yaml",
        &unit("Sở Thử nghiệm Hà Nội", "Sở Thử nghiệm", "so", ""),
    );
    let out = Command::new(env!("CARGO_BIN_EXE_sotay"))
        .args([
            "check",
            "--format",
            "json",
            "--today",
            "2026-11-29",
            "--root",
        ])
        .arg(f.root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "warnings alone do not fail without --strict"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["errors"], 0);
    assert_eq!(v["warnings"], 1, "{v:#}");
    assert_eq!(v["diagnostics"][0]["code"], "plain-language");
    assert_eq!(
        v["diagnostics"][0]["location"]["file"],
        "content/pages/an-toan.md"
    );
    assert_eq!(v["diagnostics"][0]["location"]["line"], 9);
    let strict = Command::new(env!("CARGO_BIN_EXE_sotay"))
        .args(["check", "--strict", "--root"])
        .arg(f.root())
        .output()
        .unwrap();
    assert_eq!(strict.status.code(), Some(1));
    let err = String::from_utf8_lossy(&strict.stderr);
    assert!(
        err.contains("check: 0 error(s), 1 warning(s), 0 coming change(s) (1 plain-language)"),
        "{err}"
    );
}

#[test]
fn the_sample_passes_check_strict_and_names_its_coming_fee_changes() {
    let ds = check(&CheckOptions {
        root: repo(),
        // A date passed in (no test reads the clock), a month before the
        // sample's first fee change; site.yaml looks 90 days ahead.
        today: Date::parse("2026-12-01").unwrap(),
        ahead: None,
    })
    .diagnostics;
    let failing: Vec<_> = ds
        .iter()
        .filter(|d| d.severity != sotay::Severity::Notice)
        .cloned()
        .collect();
    assert!(failing.is_empty(), "{}", render(&failing));
    // Every notice is a fee change, on one of the two days the sample's
    // circulars set: TT 64/2025's reduction ends with 2026, TT 117/2026's
    // waivers with February 2027.
    let mut days: Vec<&str> = ds
        .iter()
        .map(|d| {
            assert_eq!(d.code, Some("upcoming"), "{}", d.message);
            let day = d.message.split("changes on ").nth(1).unwrap();
            &day[..10]
        })
        .collect();
    days.sort();
    days.dedup();
    assert_eq!(days, ["01/01/2027", "01/03/2027"], "{}", render(&ds));
    // Each changing rate is named once, in the file that writes it: the
    // three căn cước reductions, and the TT 117 waivers (residence, căn
    // cước, GPLX) — counted from the content, not written here. A unit
    // version that inherits its fees (Hoàn Kiếm's tạm trú) names none.
    let p = sotay::content::load(&repo(), &sotay::diag::Sink::default()).unwrap();
    let writes_fees =
        |g: &&sotay::content::Guide| g.doc.inherited.as_ref().is_none_or(|i| i.sets("fees"));
    let dated_rates = p
        .guides
        .iter()
        .chain(p.units.iter().flat_map(|u| &u.guides))
        .filter(writes_fees)
        .flat_map(|g| &g.doc.meta.fees)
        .flat_map(|f| &f.rates)
        .filter(|r| r.valid_until.is_some())
        .count();
    assert_eq!(ds.len(), dated_rates, "{}", render(&ds));
}
