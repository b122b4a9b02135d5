//! Facts that change on a date: one fixture built before a waiver, during
//! it and after it. The guide page, the leaflet (pdftotext), the handbook,
//! the API, the widget and a message must all say the same, correct thing on
//! each date; `check` lists the coming changes and fails `--strict` on an
//! ended one; the print index lists what to reprint.

mod common;

use common::*;
use sotay::check::{CheckOptions, check};
use sotay::content::Date;

const THUONG_TRU: &str = r#"---
title: "Đăng ký thường trú"
summary: "Đăng ký nơi thường trú trên mạng."
audiences: [nguoi-dan]
category: cu-tru
where: "Công an xã, phường"
fees:
  - name: "Lệ phí đăng ký thường trú"
    rates:
      - amount: 20000
        channel: counter
        basis: "Thông tư 75/2022/TT-BTC"
      - amount: 10000
        channel: online
        basis: "Thông tư 75/2022/TT-BTC"
      - amount: 0
        channel: online
        condition: "bạn có tài khoản định danh điện tử mức 2"
        basis: "Thông tư 117/2026/TT-BTC"
        valid_from: 2026-08-15
        valid_until: 2027-02-28
processing_time:
  text: "7 ngày làm việc"
last_reviewed: 2026-11-01
---

## Bước 1: Chuẩn bị hồ sơ

Tờ khai.

## Bước 2: Nộp hồ sơ

Trên Cổng.
"#;

const MESSAGE: &str = r#"purpose: "Nhắc lệ phí"
audiences: [nguoi-dan]
channels: [email]
guide: dang-ky-thuong-tru
body: |
  Lệ phí: ((le phi)).
email:
  subject: "Lệ phí đăng ký thường trú"
"#;

const WAIVER: &str = "Nộp trực tuyến: Miễn phí nếu bạn có tài khoản định danh điện tử mức 2 (đến hết 28/02/2027); các trường hợp khác: 10.000 đ";
const AFTER: &str = "Nộp trực tuyến: 10.000 đ";
const COUNTER: &str = "Nộp trực tiếp: 20.000 đ";

fn fixture(media: bool) -> Fixture {
    let f = if media {
        Fixture::new()
    } else {
        Fixture::html_only()
    };
    f.write("content/guides/cu-tru/dang-ky-thuong-tru.md", THUONG_TRU);
    f.write("content/messages/le-phi.yaml", MESSAGE);
    f
}

fn build_at(f: &Fixture, date: &str) {
    let mut opts = f.options();
    opts.date = Date::parse(date).unwrap();
    if let Err(e) = sotay::build(&opts) {
        panic!("{}", render(&e.diagnostics));
    }
}

/// Everything a reader can see of the fee on one date, per output.
struct Seen {
    page: String,
    api: serde_json::Value,
    widget: String,
    message: String,
    leaflet: String,
    handbook: String,
}

fn seen(f: &Fixture) -> Seen {
    let unit = "phuong-ba-dinh";
    let page = text_of(&f.read_out(&format!("{unit}/huong-dan/dang-ky-thuong-tru/index.html")));
    let api: serde_json::Value = serde_json::from_str(
        &f.read_out(&format!("{unit}/api/v1/huong-dan/dang-ky-thuong-tru.json")),
    )
    .unwrap();
    let widget = text_of(&f.read_out(&format!(
        "{unit}/{}",
        sotay::paths::embed_guide("dang-ky-thuong-tru")
    )));
    let messages: serde_json::Value =
        serde_json::from_str(&f.read_out(&format!("{unit}/tin-nhan/tin-nhan.json"))).unwrap();
    let message = messages["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["channel"] == "email" && m["variant"] == "text")
        .map(|m| m["text"].as_str().unwrap().to_owned())
        .unwrap();
    let pdf = |rel: String| squash_lines(&pdf_text(&f.out().join(unit).join(rel)));
    Seen {
        page,
        api,
        widget,
        message,
        leaflet: pdf(sotay::paths::leaflet(
            "dang-ky-thuong-tru",
            "to-roi-a5",
            false,
        )),
        handbook: pdf(sotay::paths::handbook("so-tay", unit, false)),
    }
}

/// Runs of white space as one space (PDF lines wrap anywhere).
fn squash_lines(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn api_text(api: &serde_json::Value) -> Vec<String> {
    api["fees"][0]["text"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn every_output_says_the_same_fee_before_during_and_after_a_waiver() {
    let f = fixture(true);

    // Before the waiver: the base rates, and the waiver named as the change.
    build_at(&f, "2026-08-01");
    let s = seen(&f);
    assert_eq!(api_text(&s.api), vec![AFTER, COUNTER]);
    let next = "Từ 15/08/2026: Nộp trực tuyến: Miễn phí nếu bạn có tài khoản định danh điện tử mức 2 (đến hết 28/02/2027); các trường hợp khác: 10.000 đ";
    assert_eq!(s.api["fees"][0]["next_change"]["date"], "2026-08-15");
    assert_eq!(s.api["fees"][0]["next_change"]["text"], next);
    for (what, text) in [
        ("page", &s.page),
        ("widget", &s.widget),
        ("message", &s.message),
    ] {
        assert!(
            text.contains(AFTER) && text.contains(COUNTER),
            "{what}: {text}"
        );
        assert!(
            text.contains(next),
            "{what} names the coming waiver: {text}"
        );
    }
    // The coverage report lists it for every unit that publishes the guide.
    let report: serde_json::Value =
        serde_json::from_str(&f.read_out("bao-cao/bao-cao.json")).unwrap();
    let ba_dinh = report["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["slug"] == "phuong-ba-dinh")
        .unwrap();
    assert_eq!(ba_dinh["upcoming"][0]["date"], "2026-08-15", "{ba_dinh:#}");
    assert_eq!(ba_dinh["upcoming"][0]["guide"], "dang-ky-thuong-tru");
    assert_eq!(ba_dinh["upcoming"][0]["text"], next);
    assert!(text_of(&f.read_out("bao-cao/index.html")).contains("Thay đổi sắp tới"));
    // 15/08 is within the leaflet's 90 days: it prints the change.
    for (what, text) in [("leaflet", &s.leaflet), ("handbook", &s.handbook)] {
        assert!(
            text.contains(AFTER) && text.contains(next),
            "{what}: {text}"
        );
        assert!(
            text.contains("Thông tin tại ngày 01/08/2026"),
            "{what}: {text}"
        );
    }

    // During it: the waiver with its end, and what comes after.
    build_at(&f, "2026-12-01");
    let s = seen(&f);
    assert_eq!(api_text(&s.api), vec![WAIVER, COUNTER]);
    let next = "Từ 01/03/2027: Nộp trực tuyến: 10.000 đ";
    assert_eq!(s.api["fees"][0]["next_change"]["text"], next);
    assert_eq!(s.api["fees"][0]["paid"], true);
    for (what, text) in [
        ("page", &s.page),
        ("widget", &s.widget),
        ("message", &s.message),
        ("leaflet", &s.leaflet),
        ("handbook", &s.handbook),
    ] {
        assert!(text.contains(WAIVER), "{what}: {text}");
        assert!(text.contains(COUNTER), "{what}: {text}");
        assert!(text.contains(next), "{what} names the end: {text}");
    }
    assert!(s.leaflet.contains("Thông tin tại ngày 01/12/2026"));
    // The print index lists the leaflets to reprint on 01/03/2027.
    let index = text_of(&f.read_out("phuong-ba-dinh/in-an/index.html"));
    let reprint = index.split("Cần in lại").nth(1).expect("a reprint list");
    assert!(
        reprint.contains("01/03/2027 Đăng ký thường trú"),
        "{reprint}"
    );

    // After it: the base rates again, no change to name, nothing to reprint.
    build_at(&f, "2027-03-01");
    let s = seen(&f);
    assert_eq!(api_text(&s.api), vec![AFTER, COUNTER]);
    assert_eq!(s.api["fees"][0]["next_change"], serde_json::Value::Null);
    for (what, text) in [
        ("page", &s.page),
        ("widget", &s.widget),
        ("message", &s.message),
        ("leaflet", &s.leaflet),
        ("handbook", &s.handbook),
    ] {
        assert!(text.contains(AFTER), "{what}: {text}");
        assert!(
            !text.contains("Miễn phí nếu bạn có tài khoản"),
            "{what}: {text}"
        );
        assert!(!text.contains("Từ 01/03/2027"), "{what}: {text}");
    }
    let index = text_of(&f.read_out("phuong-ba-dinh/in-an/index.html"));
    assert!(!index.contains("Cần in lại"), "{index}");
}

#[test]
fn a_change_beyond_the_print_horizon_is_not_printed_but_is_on_the_page() {
    let f = fixture(true);
    f.write(
        "content/site.yaml",
        &format!(
            "{}\nprint:\n  horizon_days: 30\n",
            std::fs::read_to_string(f.root().join("content/site.yaml")).unwrap()
        ),
    );
    build_at(&f, "2026-12-01");
    let s = seen(&f);
    assert!(s.page.contains("Từ 01/03/2027"), "{}", s.page);
    assert!(s.leaflet.contains(WAIVER), "{}", s.leaflet);
    assert!(!s.leaflet.contains("Từ 01/03/2027"), "{}", s.leaflet);
    let index = text_of(&f.read_out("phuong-ba-dinh/in-an/index.html"));
    assert!(!index.contains("Cần in lại"), "{index}");
}

fn check_at(f: &Fixture, date: &str, ahead: Option<u32>) -> Vec<sotay::Diagnostic> {
    check(&CheckOptions {
        root: f.root().to_owned(),
        today: Date::parse(date).unwrap(),
        ahead,
    })
    .diagnostics
}

fn with_code<'a>(ds: &'a [sotay::Diagnostic], code: &str) -> Vec<&'a sotay::Diagnostic> {
    ds.iter().filter(|d| d.code == Some(code)).collect()
}

#[test]
fn check_lists_coming_changes_as_notices_and_warns_on_ended_rates() {
    let f = fixture(false);
    // 2026-12-01 with the default 60 days: 01/03/2027 is 90 days away.
    let ds = check_at(&f, "2026-12-01", None);
    assert!(with_code(&ds, "upcoming").is_empty(), "{}", render(&ds));
    assert!(with_code(&ds, "ended").is_empty(), "{}", render(&ds));
    // With 90 days it is listed, once, at the rate's line, as a notice.
    let ds = check_at(&f, "2026-12-01", Some(90));
    let coming = with_code(&ds, "upcoming");
    assert_eq!(coming.len(), 1, "{}", render(&ds));
    let d = coming[0];
    assert_eq!(d.severity, sotay::Severity::Notice);
    assert!(d.message.contains("changes on 01/03/2027"), "{}", d.message);
    assert!(
        d.message.contains("Nộp trực tuyến: 10.000 đ"),
        "{}",
        d.message
    );
    let (file, line, _) = at(d);
    assert!(file.ends_with("dang-ky-thuong-tru.md"), "{file}");
    assert_eq!(line, 21, "the valid_until line");
    // Before the waiver starts, its start is the coming change.
    let ds = check_at(&f, "2026-08-01", None);
    let coming = with_code(&ds, "upcoming");
    assert_eq!(coming.len(), 1, "{}", render(&ds));
    assert!(coming[0].message.contains("changes on 15/08/2026"));
    // After it ended, the rate is a warning: `--strict` fails on it.
    let ds = check_at(&f, "2027-03-02", None);
    let ended = with_code(&ds, "ended");
    assert_eq!(ended.len(), 1, "{}", render(&ds));
    assert_eq!(ended[0].severity, sotay::Severity::Warning);
    assert!(ended[0].message.contains("ended on 28/02/2027"));
}

#[test]
fn the_cli_reports_coming_changes_and_strict_fails_only_on_ended_facts() {
    let f = fixture(false);
    let run = |date: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_sotay"))
            .args([
                "--root",
                f.root().to_str().unwrap(),
                "check",
                "--strict",
                "--date",
                date,
                "--ahead",
                "90",
                "--format",
                "json",
            ])
            .output()
            .unwrap()
    };
    let counts = |out: &std::process::Output| -> serde_json::Value {
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let during = run("2026-12-01");
    let c = counts(&during);
    assert_eq!(c["notices"], 1, "{c}");
    let warnings = c["warnings"].as_u64().unwrap();
    let ended = run("2027-03-02");
    let e = counts(&ended);
    assert_eq!(e["warnings"].as_u64().unwrap(), warnings + 1, "{e}");
    assert!(!ended.status.success(), "--strict fails on an ended rate");
    if warnings == 0 {
        assert!(during.status.success(), "notices never fail --strict: {c}");
    }
}

#[test]
fn a_fee_in_the_old_form_or_with_clashing_rates_is_an_error_at_its_file() {
    let f = fixture(false);
    f.write(
        "content/guides/cu-tru/dang-ky-thuong-tru.md",
        &THUONG_TRU.replace(
            "      - amount: 10000\n        channel: online\n",
            "      - amount: 10000\n",
        ),
    );
    let ds = f.build_err();
    let d = find_diag(&ds, "two rates for everyone on the same channel");
    assert!(at(d).0.ends_with("dang-ky-thuong-tru.md"));
    assert!(d.hint.as_deref().unwrap().contains("valid_from"));

    f.write("content/guides/cu-tru/dang-ky-thuong-tru.md", TAM_TRU_OLD);
    let ds = f.build_err();
    let d = find_diag(&ds, "online_amount");
    assert!(
        at(d).0.ends_with("dang-ky-thuong-tru.md"),
        "{}",
        render(&ds)
    );
    assert!(d.message.contains("channel: online"), "{}", d.message);

    f.write(
        "content/guides/cu-tru/dang-ky-thuong-tru.md",
        &THUONG_TRU.replace("condition: \"bạn có", "condition: \"Nếu bạn có"),
    );
    let ds = f.build_err();
    let d = find_diag(&ds, "in words that follow");
    assert_eq!(at(d).1, 18, "{}", render(&ds));
}

/// A guide written for an older sotay: one amount, online_amount beside it.
const TAM_TRU_OLD: &str = r#"---
title: "Đăng ký thường trú"
summary: "Đăng ký nơi thường trú trên mạng."
audiences: [nguoi-dan]
category: cu-tru
where: "Công an xã, phường"
fees:
  - name: "Lệ phí đăng ký thường trú"
    amount: 20000
    online_amount: 10000
    basis: "Thông tư 75/2022/TT-BTC"
processing_time:
  text: "7 ngày làm việc"
last_reviewed: 2026-11-01
---

## Bước 1: Chuẩn bị hồ sơ

Tờ khai.
"#;
