//! The plan's slogans by audience (site.yaml `slogans:` with `audiences:`):
//! shown on their audience's page, usable in messages for that audience,
//! and checked against the audiences site.yaml defines.

mod common;

use common::*;

const PEOPLE: &str = "Dịch vụ công trực tuyến - Đơn giản thủ tục, tiết kiệm thời gian";
const BUSINESS: &str = "Nộp thuế điện tử - Tiết kiệm chi phí, nâng cao hiệu quả kinh doanh";

/// The fixture's site.yaml with a slogan for everyone and one per audience.
fn with_slogans(f: &Fixture) {
    f.write(
        "content/site.yaml",
        &SITE.replacen(
            "description: ",
            &format!(
                "slogans:\n  chung: \"Làm thủ tục trên mạng\"\n  nguoi-dan:\n    text: \"{PEOPLE}\"\n    audiences: [nguoi-dan]\n  doanh-nghiep:\n    text: \"{BUSINESS}\"\n    audiences: [doanh-nghiep]\ndescription: "
            ),
            1,
        ),
    );
}

fn message(audiences: &str, body: &str) -> String {
    format!("purpose: \"Khẩu hiệu\"\naudiences: {audiences}\nchannels: [sms]\nbody: \"{body}\"\n")
}

/// The message's accented SMS for a unit.
fn sms(f: &Fixture, unit: &str) -> String {
    let v: serde_json::Value =
        serde_json::from_str(&f.read_out(&format!("{unit}/tin-nhan/tin-nhan.json"))).unwrap();
    v["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["message"] == "khau-hieu" && m["variant"] == "co-dau")
        .expect("the message")["text"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn an_audience_page_shows_its_slogans_and_a_message_for_it_uses_them() {
    let f = Fixture::html_only();
    with_slogans(&f);
    f.write(
        "content/messages/khau-hieu.yaml",
        &message(
            "[nguoi-dan]",
            "((khau hieu nguoi dan)). ((khau hieu chung)): ((trang web))",
        ),
    );
    f.build_ok();
    let text = |rel: &str| sotay::links::text(&f.read_out(&format!("phuong-ba-dinh/{rel}")));
    let people = text("doi-tuong/nguoi-dan/index.html");
    assert!(people.contains(&format!("“{PEOPLE}”")), "{people}");
    assert!(!people.contains(BUSINESS), "{people}");
    let business = text("doi-tuong/doanh-nghiep/index.html");
    assert!(
        business.contains(BUSINESS) && !business.contains(PEOPLE),
        "{business}"
    );
    let category = text("linh-vuc/ho-tich/index.html");
    assert!(!category.contains(PEOPLE) && !category.contains(BUSINESS));
    assert_eq!(
        sms(&f, "phuong-ba-dinh"),
        format!("{PEOPLE}. Làm thủ tục trên mạng: https://sotay.example.vn/phuong-ba-dinh/")
    );
}

#[test]
fn a_message_to_another_audience_cannot_use_an_audience_slogan() {
    let f = Fixture::html_only();
    with_slogans(&f);
    f.write(
        "content/messages/khau-hieu.yaml",
        &message(
            "[nguoi-dan, doanh-nghiep]",
            "((khau hieu nguoi dan)): ((trang web))",
        ),
    );
    let ds = f.build_err();
    let d = find_diag(&ds, "slogan `nguoi-dan` is for nguoi-dan");
    assert!(d.message.contains("`doanh-nghiep`"), "{}", d.message);
    let (file, line, _) = at(d);
    assert!(file.ends_with("content/messages/khau-hieu.yaml"), "{file}");
    assert_eq!(line, 4, "{}", render(&ds));
}

#[test]
fn a_slogan_naming_an_unknown_audience_is_a_located_error() {
    let f = Fixture::html_only();
    f.write(
        "content/site.yaml",
        &SITE.replacen(
            "description: ",
            "slogans:\n  dan:\n    text: \"Khẩu hiệu\"\n    audiences: [nguoi-dan, nguoi-dam]\ndescription: ",
            1,
        ),
    );
    let ds = f.build_err();
    let d = find_diag(&ds, "unknown audience `nguoi-dam` in slogan `dan`");
    let (file, line, col) = at(d);
    assert!(file.ends_with("content/site.yaml"), "{file}");
    // `    audiences: [nguoi-dan, nguoi-dam]` is the sixth line of the file.
    assert_eq!((line, col), (6, 28), "{}", render(&ds));
    assert!(
        d.hint
            .as_deref()
            .unwrap()
            .contains("did you mean `nguoi-dan`"),
        "{:?}",
        d.hint
    );
}

#[test]
fn a_misspelt_slogan_field_is_named() {
    let f = Fixture::html_only();
    f.write(
        "content/site.yaml",
        &SITE.replacen(
            "description: ",
            "slogans:\n  dan:\n    txt: \"Khẩu hiệu\"\ndescription: ",
            1,
        ),
    );
    let ds = f.build_err();
    let d = find_diag(&ds, "txt");
    assert!(at(d).0.ends_with("content/site.yaml"), "{}", render(&ds));
}
