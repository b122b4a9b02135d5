//! "Where to ask is where it is done": a guide whose `handled_by` leaves a
//! unit out sends that unit's readers to the office that receives it, in
//! every output that says where to go (page help box, widgets, API,
//! leaflet, handbook, messages), and keeps the unit's hotline for general
//! help. Needs poppler-utils for the PDF text.

mod common;

use std::process::Command;

use common::*;

const ELSEWHERE: &str = "Bộ phận Một cửa của xã, phường nơi bạn cư trú";
/// The fixture's address of the sở (`common::unit`).
const SO_ADDRESS: &str = "Bộ phận Một cửa, Sở Thử nghiệm";
const PHUONG_ADDRESS: &str = "Bộ phận Một cửa, Phường Ba Đình";

/// The fixture with khai sinh received by phường and xã desks only.
fn fixture(f: Fixture) -> Fixture {
    f.write(
        "content/guides/ho-tich/dang-ky-khai-sinh.md",
        &KHAI_SINH.replace(
            "where: \"Ủy ban nhân dân xã, phường nơi cư trú\"\n",
            &format!(
                "where: \"Ủy ban nhân dân xã, phường nơi cư trú\"\nhandled_by:\n  kinds: [phuong, xa]\n  elsewhere: \"{ELSEWHERE}\"\n"
            ),
        ),
    );
    f.write(
        "content/messages/hoi-khai-sinh.yaml",
        "purpose: \"Mời làm khai sinh trực tuyến\"\naudiences: [nguoi-dan]\nchannels: [sms]\nguide: dang-ky-khai-sinh\nbody: \"Cần giúp, hãy đến ((dia chi)) hoặc gọi ((duong day nong)).\"\n",
    );
    f
}

/// Text with runs of white space made one space (pages and PDFs wrap lines).
fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The guide page's help box ("Cần hỗ trợ?"), as text.
fn help_box(f: &Fixture, unit: &str) -> String {
    let page = f.read_out(&format!("{unit}/huong-dan/dang-ky-khai-sinh/index.html"));
    let start = page.find("<section class=\"help\"").expect("a help box");
    let end = start + page[start..].find("</section>").expect("its end");
    flat(&sotay::links::text(&page[start..end]))
}

fn pdf_text(f: &Fixture, rel: &str) -> String {
    let pdf = f.out().join(rel);
    let out = Command::new("pdftotext")
        .args([pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext is needed (apt-get install poppler-utils)");
    assert!(out.status.success(), "pdftotext {rel}");
    flat(&String::from_utf8(out.stdout).expect("utf-8"))
}

fn api(f: &Fixture, unit: &str) -> serde_json::Value {
    serde_json::from_str(&f.read_out(&format!("{unit}/api/v1/huong-dan/dang-ky-khai-sinh.json")))
        .unwrap()
}

/// The message's accented SMS for a unit.
fn sms(f: &Fixture, unit: &str) -> String {
    let v: serde_json::Value =
        serde_json::from_str(&f.read_out(&format!("{unit}/tin-nhan/tin-nhan.json"))).unwrap();
    v["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["message"] == "hoi-khai-sinh" && m["variant"] == "co-dau")
        .expect("the message")["text"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn a_unit_that_does_not_receive_a_guide_sends_readers_where_it_is_done() {
    let f = fixture(Fixture::new());
    f.build_ok();

    // The sở: the other office and the hotline, not the sở's desk.
    let so = help_box(&f, "so-thu-nghiem");
    assert!(so.contains(ELSEWHERE), "{so}");
    assert!(so.contains("Đường dây nóng 1022"), "{so}");
    assert!(!so.contains(SO_ADDRESS), "{so}");
    assert!(!so.contains("hỏi trực tiếp cán bộ của đơn vị"), "{so}");
    // The phường: today's box, its own desk.
    let phuong = help_box(&f, "phuong-ba-dinh");
    assert!(
        phuong.contains("hỏi trực tiếp cán bộ của đơn vị"),
        "{phuong}"
    );
    assert!(phuong.contains(PHUONG_ADDRESS), "{phuong}");
    assert!(!phuong.contains(ELSEWHERE), "{phuong}");

    // The API says the same.
    let so = api(&f, "so-thu-nghiem");
    assert_eq!(so["in_person"]["at_unit"], false);
    assert_eq!(so["in_person"]["place"], ELSEWHERE);
    let phuong = api(&f, "phuong-ba-dinh");
    assert_eq!(phuong["in_person"]["at_unit"], true);
    assert_eq!(phuong["in_person"]["place"], PHUONG_ADDRESS);

    // So does the leaflet's contact block, and the handbook's entry.
    for rel in [
        "so-thu-nghiem/in-an/dang-ky-khai-sinh-to-gap-ba.pdf",
        "so-thu-nghiem/in-an/dang-ky-khai-sinh-to-roi-a5.pdf",
    ] {
        let t = pdf_text(&f, rel);
        assert!(t.contains(ELSEWHERE), "{rel}: {t}");
        assert!(t.contains("1022"), "{rel}: {t}");
        assert!(!t.contains(SO_ADDRESS), "{rel}: {t}");
    }
    let t = pdf_text(&f, "phuong-ba-dinh/in-an/dang-ky-khai-sinh-to-gap-ba.pdf");
    assert!(t.contains(PHUONG_ADDRESS) && !t.contains(ELSEWHERE), "{t}");
    let book = pdf_text(&f, "so-thu-nghiem/in-an/so-tay-so-thu-nghiem.pdf");
    assert!(
        book.contains(&format!("trực tiếp tại: {ELSEWHERE}")),
        "{book}"
    );

    // The widgets.
    for rel in [
        "nhung/huong-dan/dang-ky-khai-sinh/index.html",
        "nhung/huong-dan/dang-ky-khai-sinh/manh.html",
    ] {
        let so = flat(&f.read_out(&format!("so-thu-nghiem/{rel}")));
        assert!(so.contains(ELSEWHERE) && !so.contains(SO_ADDRESS), "{so}");
        let phuong = flat(&f.read_out(&format!("phuong-ba-dinh/{rel}")));
        assert!(phuong.contains(PHUONG_ADDRESS), "{phuong}");
    }

    // A message naming the guide puts the right place beside it.
    assert_eq!(
        sms(&f, "so-thu-nghiem"),
        format!("Cần giúp, hãy đến {ELSEWHERE} hoặc gọi 1022.")
    );
    assert_eq!(
        sms(&f, "phuong-ba-dinh"),
        format!("Cần giúp, hãy đến {PHUONG_ADDRESS} hoặc gọi 1022.")
    );
}

#[test]
fn a_guide_without_handled_by_is_received_by_every_unit() {
    let f = Fixture::html_only();
    f.build_ok();
    let so = help_box(&f, "so-thu-nghiem");
    assert!(so.contains(SO_ADDRESS), "{so}");
    assert_eq!(api(&f, "so-thu-nghiem")["in_person"]["at_unit"], true);
}

#[test]
fn handled_by_may_name_units_whatever_their_kind() {
    let f = Fixture::html_only();
    f.write(
        "content/guides/ho-tich/dang-ky-khai-sinh.md",
        &KHAI_SINH.replace(
            "category: ho-tich\n",
            "category: ho-tich\nhandled_by:\n  units: [so-thu-nghiem]\n  elsewhere: \"Sở Thử nghiệm\"\n",
        ),
    );
    f.build_ok();
    assert_eq!(api(&f, "so-thu-nghiem")["in_person"]["at_unit"], true);
    let phuong = api(&f, "phuong-ba-dinh");
    assert_eq!(phuong["in_person"]["at_unit"], false);
    assert_eq!(phuong["in_person"]["place"], "Sở Thử nghiệm");
}

#[test]
fn unknown_kinds_and_units_in_handled_by_are_located_errors() {
    let f = Fixture::html_only();
    f.write(
        "content/guides/ho-tich/dang-ky-khai-sinh.md",
        &KHAI_SINH.replace(
            "category: ho-tich\n",
            "category: ho-tich\nhandled_by:\n  kinds: [phuong, quan]\n  units: [so-tu-phap]\n  elsewhere: \"Ủy ban nhân dân xã, phường\"\n",
        ),
    );
    let ds = f.build_err();
    let d = find_diag(&ds, "unknown unit kind `quan` in handled_by");
    let (file, line, col) = at(d);
    assert!(file.ends_with("dang-ky-khai-sinh.md"), "{file}");
    // Line 7 of the file: `  kinds: [phuong, quan]`.
    assert_eq!((line, col), (7, 19), "{}", render(&ds));
    let hint = d.hint.as_deref().unwrap();
    assert!(hint.contains("so, phuong, xa"), "{hint}");
    let d = find_diag(&ds, "unknown unit `so-tu-phap` in handled_by");
    assert_eq!(at(d).1, 8, "{}", render(&ds));
    assert!(d.hint.as_deref().unwrap().contains("so-thu-nghiem"));
}
