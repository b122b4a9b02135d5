//! Message templates: rendered per unit and channel, checked against each
//! channel's rules, written as CSV and JSON for gateways.

mod common;

use common::*;

const MSG: &str = r#"purpose: "Thông báo hồ sơ"
audiences: [nguoi-dan]
channels: [sms, zns, email, loudspeaker]
guide: dang-ky-tam-tru
sender_fields:
  ma ho so: 20
body: |
  ((ten ngan)): Hồ sơ ((ma ho so)) đã xong. Hỗ trợ: ((duong day nong)).
zns:
  title: "Thông báo kết quả hồ sơ"
  paragraphs:
    - "((ten don vi)) thông báo hồ sơ ((Mã hồ sơ)) của bạn đã có kết quả."
  buttons:
    - text: "Xem hướng dẫn"
      url: "((duong dan))"
email:
  subject: "Hồ sơ ((ma ho so)) đã xong"
loudspeaker: "Xem tại dichvucong.gov.vn hoặc gọi ((duong day nong))."
"#;

fn rows(f: &Fixture, unit: &str) -> Vec<serde_json::Value> {
    let v: serde_json::Value =
        serde_json::from_str(&f.read_out(&format!("{unit}/tin-nhan/tin-nhan.json"))).unwrap();
    v["messages"].as_array().unwrap().clone()
}

#[test]
fn a_message_is_rendered_for_every_unit_and_channel() {
    let f = Fixture::html_only();
    f.write("content/messages/thong-bao.yaml", MSG);
    f.build_ok();
    let r = rows(&f, "xa-ba-vi");
    let get = |ch: &str, variant: &str| {
        r.iter()
            .find(|x| x["channel"] == ch && x["variant"] == variant)
            .unwrap_or_else(|| panic!("{ch}/{variant}"))
            .clone()
    };
    let accented = get("sms", "co-dau");
    assert_eq!(
        accented["text"],
        "Xã Ba Vì: Hồ sơ ((ma ho so)) đã xong. Hỗ trợ: 1022."
    );
    assert_eq!(accented["encoding"], "ucs2");
    let folded = get("sms", "khong-dau");
    assert_eq!(
        folded["text"],
        "Xa Ba Vi: Ho so ((ma ho so)) da xong. Ho tro: 1022."
    );
    assert_eq!(folded["encoding"], "gsm7");
    assert_eq!(folded["segments"], 1);
    assert_eq!(folded["sender_fields"], serde_json::json!(["ma ho so"]));
    let zns = get("zns", "zns");
    let text = zns["text"].as_str().unwrap();
    assert!(text.contains("hồ sơ <ma_ho_so> của bạn"), "{text}");
    assert!(
        text.contains(
            "Xem hướng dẫn -> https://sotay.example.vn/xa-ba-vi/huong-dan/dang-ky-tam-tru/"
        ),
        "{text}"
    );
    assert_eq!(zns["sender_fields"], serde_json::json!(["ma_ho_so"]));
    assert_eq!(
        get("email", "subject")["text"],
        "Hồ sơ ((ma ho so)) đã xong"
    );
    assert!(
        get("email", "html")["text"]
            .as_str()
            .unwrap()
            .contains("<p>")
    );
    assert_eq!(
        get("loudspeaker", "loa")["text"],
        "Xem tại dichvucong chấm gov chấm vn hoặc gọi một không hai hai."
    );
    // Other units get their own values.
    assert!(
        rows(&f, "phuong-ba-dinh")[0]["text"]
            .as_str()
            .unwrap()
            .starts_with("Phường Ba Đình:")
    );
    let csv = f.read_out("xa-ba-vi/tin-nhan/tin-nhan.csv");
    assert!(
        csv.starts_with(
            "\u{feff}message,channel,variant,encoding,characters,segments,sender_fields,text\r\n"
        ),
        "BOM and header"
    );
    assert!(csv.contains("thong-bao,sms,khong-dau,gsm7,"));
}

#[test]
fn over_long_sms_fails_naming_the_file_line_and_unit() {
    let f = Fixture::html_only();
    let long = "Đây là một thông báo rất dài. ".repeat(12);
    f.write("content/messages/dai.yaml", &format!("purpose: \"Dài\"\naudiences: [nguoi-dan]\nchannels: [sms]\nmax_sms_segments: 1\nbody: \"{long}\"\n"));
    let ds = f.build_err();
    let d = find_diag(&ds, "over the limit of 1");
    let loc = d.location.as_ref().unwrap();
    assert_eq!(
        (loc.file.to_str().unwrap(), loc.line),
        ("content/messages/dai.yaml", 5)
    );
    assert!(!d.units.is_empty());
}

#[test]
fn channel_rules_and_placeholders_are_checked() {
    let f = Fixture::html_only();
    f.write(
        "content/messages/loi.yaml",
        "purpose: \"Lỗi\"\naudiences: [nguoi-dan]\nchannels: [sms, zns]\nbody: \"Xin chào ((ten nguoi nhan)), xem ((duong dan)).\"\nzns:\n  title: \"Ngắn\"\n  paragraphs:\n    - \"Vào https://dichvucong.gov.vn để xem chi tiết hồ sơ.\"\n",
    );
    let ds = f.build_err();
    let unknown = find_diag(&ds, "unknown placeholder ((ten nguoi nhan))");
    assert_eq!(unknown.location.as_ref().unwrap().line, 4);
    assert!(unknown.hint.as_deref().unwrap().contains("sender_fields"));
    assert!(
        ds.iter()
            .any(|d| d.message.contains("((duong dan)) has no value")),
        "{}",
        render(&ds)
    );
    // With the placeholders fixed, the ZNS rules apply per unit.
    f.write(
        "content/messages/loi.yaml",
        "purpose: \"Lỗi\"\naudiences: [nguoi-dan]\nchannels: [sms, zns]\nbody: \"Xin chào.\"\nzns:\n  title: \"Ngắn\"\n  paragraphs:\n    - \"Vào https://dichvucong.gov.vn để xem chi tiết hồ sơ.\"\n",
    );
    let ds = f.build_err();
    assert!(
        ds.iter()
            .any(|d| d.message.contains("ZNS title is 4 characters")),
        "{}",
        render(&ds)
    );
    assert!(
        ds.iter()
            .any(|d| d.message.contains("contains a web address")),
        "{}",
        render(&ds)
    );
}

#[test]
fn advertising_sms_carries_the_label_and_opt_out() {
    let f = Fixture::html_only();
    f.write("content/messages/qc.yaml", "purpose: \"Quảng bá\"\naudiences: [nguoi-dan]\nchannels: [sms]\nadvertising: true\nbody: \"Làm thủ tục trên mạng.\"\n");
    assert!(
        f.build_err()
            .iter()
            .any(|d| d.message.contains("needs opt-out instructions"))
    );
    f.write("content/messages/qc.yaml", "purpose: \"Quảng bá\"\naudiences: [nguoi-dan]\nchannels: [sms]\nadvertising: true\nopt_out: \"Tu choi: soan TC gui 1022\"\nbody: \"Làm thủ tục trên mạng.\"\n");
    f.build_ok();
    let r = rows(&f, "phuong-ba-dinh");
    assert_eq!(
        r[1]["text"],
        "[QC] Lam thu tuc tren mang. Tu choi: soan TC gui 1022"
    );
    // 53 characters; `[` and `]` are GSM extended characters and count two each.
    assert_eq!(r[1]["characters"], 55);
}

#[test]
fn the_sample_writes_messages_for_every_unit() {
    let out = tempfile::tempdir().unwrap();
    let mut opts = sotay::BuildOptions::new(repo(), build_date());
    opts.out = out.path().join("public");
    opts.media = sotay::Media::Skip;
    sotay::build(&opts).unwrap_or_else(|f| panic!("{}", render(&f.diagnostics)));
    // Every unit of the city's registry, with a unit file or not.
    let project = sotay::content::load(&repo(), &sotay::diag::Sink::default()).unwrap();
    let units: Vec<&str> = project.units.iter().map(|u| u.slug.as_str()).collect();
    assert_eq!(units.len(), 142);
    for u in units {
        let csv = std::fs::read_to_string(opts.out.join(u).join("tin-nhan/tin-nhan.csv")).unwrap();
        for id in [
            "khau-hieu",
            "nhac-dung-dich-vu-cong",
            "thong-bao-ho-so",
            "canh-bao-otp",
            "moi-buoi-huong-dan",
            "moi-khao-sat",
        ] {
            assert!(
                csv.contains(&format!("\r\n{id},sms,khong-dau,gsm7,")),
                "{u}: {id}"
            );
        }
    }
}

#[test]
fn short_links_redirect_and_never_change() {
    let f = Fixture::html_only();
    f.write("content/messages/ngan.yaml", "purpose: \"Ngắn\"\naudiences: [nguoi-dan]\nchannels: [sms]\nguide: dang-ky-tam-tru\nbody: \"Xem ((duong dan ngan))\"\n");
    f.build_ok();
    let record: std::collections::BTreeMap<String, String> =
        serde_json::from_str(&f.read_out("xa-ba-vi/g/index.json")).unwrap();
    let (code, _) = record
        .iter()
        .find(|(_, s)| *s == "dang-ky-tam-tru")
        .unwrap();
    let page = f.read_out(&format!("xa-ba-vi/g/{code}/index.html"));
    assert!(
        page.contains(
            "http-equiv=\"refresh\" content=\"0; url=../../huong-dan/dang-ky-tam-tru/index.html\""
        ),
        "{page}"
    );
    assert!(
        page.contains("<a href=\"../../huong-dan/dang-ky-tam-tru/index.html\">"),
        "visible link"
    );
    let sms = rows(&f, "xa-ba-vi")[0]["text"].as_str().unwrap().to_owned();
    assert!(sms.ends_with(&format!("/xa-ba-vi/g/{code}/")), "{sms}");
    assert_links_resolve(f.root(), &f.out(), "xa-ba-vi");
    // Changing a published code is an error that names the old one.
    f.write(
        "content/guides/cu-tru/dang-ky-tam-tru.md",
        &TAM_TRU.replace("last_reviewed:", "short: moi1\nlast_reviewed:"),
    );
    let ds = f.build_err();
    let d = find_diag(&ds, "would change");
    assert!(
        d.hint
            .as_deref()
            .unwrap()
            .contains(&format!("short: {code}"))
    );
    // Recording the old code explicitly is fine.
    f.write(
        "content/guides/cu-tru/dang-ky-tam-tru.md",
        &TAM_TRU.replace("last_reviewed:", &format!("short: {code}\nlast_reviewed:")),
    );
    f.build_ok();
}

#[test]
fn named_campaign_slogans_fill_their_placeholders() {
    let f = Fixture::html_only();
    let site = std::fs::read_to_string(f.root().join("content/site.yaml")).unwrap();
    f.write(
        "content/site.yaml",
        &format!("{site}slogans:\n  an toàn: \"Không chia sẻ mã OTP cho bất kỳ ai\"\n"),
    );
    f.write(
        "content/messages/khau-hieu-phu.yaml",
        "purpose: \"Khẩu hiệu\"\naudiences: [nguoi-dan]\nchannels: [sms]\nbody: \"((Khẩu hiệu an toàn)). ((ten ngan))\"\n",
    );
    f.build_ok();
    let r = rows(&f, "xa-ba-vi");
    let sms = r
        .iter()
        .find(|x| x["message"] == "khau-hieu-phu" && x["variant"] == "co-dau")
        .unwrap_or_else(|| panic!("{r:?}"));
    assert_eq!(sms["text"], "Không chia sẻ mã OTP cho bất kỳ ai. Xã Ba Vì");
    // A slogan the site does not list is an unknown placeholder, and the
    // hint names the slogans it does list.
    f.write(
        "content/messages/khau-hieu-phu.yaml",
        "purpose: \"Khẩu hiệu\"\naudiences: [nguoi-dan]\nchannels: [sms]\nbody: \"((khau hieu so hoa)).\"\n",
    );
    let ds = f.build_err();
    let d = find_diag(&ds, "unknown placeholder ((khau hieu so hoa))");
    assert!(d.hint.as_deref().unwrap().contains("((khau hieu an toàn))"));
}
