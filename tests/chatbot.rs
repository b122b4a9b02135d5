//! The chatbot knowledge file (`api/v1/hoi-dap.json` and `.csv`) as a
//! vendor would import it, and the checks on `questions:`,
//! `search.synonyms` and `chatbot.answer_chars`.

mod common;

use common::*;
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

const SYNONYMS: &str =
    "search:\n  synonyms:\n    cccd: [căn cước công dân, căn cước]\n    hộ khẩu: [thường trú]\n";

/// The fixture with questions on the birth guide (one written decomposed,
/// as macOS pastes it), synonyms and a short answer length.
fn fixture(answer_chars: usize) -> Fixture {
    let f = Fixture::html_only();
    f.write(
        "content/site.yaml",
        &format!("{SITE}{SYNONYMS}chatbot:\n  answer_chars: {answer_chars}\n"),
    );
    let decomposed: String = "đăng ký khai sinh cho con ở đâu".nfd().collect();
    f.write(
        "content/guides/ho-tich/dang-ky-khai-sinh.md",
        &KHAI_SINH.replace(
            "audiences: [nguoi-dan]\n",
            &format!(
                "audiences: [nguoi-dan]\nquestions:\n  - \"làm giấy khai sinh online thế nào\"\n  - \"{decomposed}\"\n  - \"Làm giấy khai sinh ONLINE thế nào?\"\n"
            ),
        ),
    );
    f
}

fn json(f: &Fixture, unit: &str) -> Value {
    serde_json::from_str(&f.read_out(&format!("{unit}/api/v1/hoi-dap.json"))).unwrap()
}

fn entry<'a>(file: &'a Value, slug: &str) -> &'a Value {
    file["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["slug"] == slug)
        .unwrap_or_else(|| panic!("no entry {slug}"))
}

#[test]
fn the_knowledge_file_validates_against_its_schema() {
    let f = fixture(400);
    f.build_ok();
    let unit = "phuong-ba-dinh";
    let file = json(&f, unit);
    let schema: Value =
        serde_json::from_str(&f.read_out(&format!("{unit}/api/v1/hoi-dap.schema.json"))).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let errors: Vec<String> = validator
        .iter_errors(&file)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The schema is not a formality: a file without answers fails it.
    let mut broken = file.clone();
    broken["entries"][0]
        .as_object_mut()
        .unwrap()
        .remove("answer");
    assert!(!validator.is_valid(&broken));
    assert_eq!(
        file["schema"],
        "https://sotay.example.vn/phuong-ba-dinh/api/v1/hoi-dap.schema.json"
    );
    assert_eq!(file["version"], 1);
    assert_eq!(file["built"], build_date().to_string());
    assert_eq!(file["unit"]["hotline"], "1022");
    // Every guide the unit publishes, in slug order; none it leaves out.
    let slugs: Vec<&str> = file["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["slug"].as_str().unwrap())
        .collect();
    assert_eq!(
        slugs,
        [
            "dang-ky-ho-kinh-doanh",
            "dang-ky-khai-sinh",
            "dang-ky-tam-tru"
        ]
    );
    let so = json(&f, "so-thu-nghiem");
    assert!(
        so["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["slug"] != "dang-ky-tam-tru")
    );
    assert_eq!(file["synonyms"][1]["typed"], "hộ khẩu");
    assert_eq!(file["synonyms"][1]["means"][0], "thường trú");
}

#[test]
fn an_entry_carries_questions_answer_steps_link_and_hotline() {
    let f = fixture(400);
    f.build_ok();
    let text = f.read_out("phuong-ba-dinh/api/v1/hoi-dap.json");
    assert_eq!(text.nfc().collect::<String>(), text, "NFC");
    let file = json(&f, "phuong-ba-dinh");
    let e = entry(&file, "dang-ky-khai-sinh");
    // The title first, then the editor's questions in NFC; the third
    // repeats the first but for case and punctuation (a warning at load).
    assert_eq!(
        e["questions"],
        serde_json::json!([
            "Đăng ký khai sinh trực tuyến",
            "làm giấy khai sinh online thế nào",
            "đăng ký khai sinh cho con ở đâu"
        ])
    );
    assert_eq!(
        e["answer"],
        "Đăng ký khai sinh cho trẻ mà không cần đến Ủy ban. Phí, lệ phí: Lệ phí đăng ký khai sinh đúng hạn: Miễn phí. Thời hạn giải quyết: Trong ngày. Nơi giải quyết: Ủy ban nhân dân xã, phường nơi cư trú."
    );
    assert_eq!(
        e["steps"],
        serde_json::json!(["Đăng nhập Cổng Dịch vụ công", "Nộp hồ sơ"])
    );
    assert_eq!(
        e["url"],
        "https://sotay.example.vn/phuong-ba-dinh/huong-dan/dang-ky-khai-sinh/"
    );
    assert_eq!(e["hotline"], "1022");
    assert_eq!(e["fee"], "Lệ phí đăng ký khai sinh đúng hạn: Miễn phí");
    // The fee is the one in force on the build date, as the page says it.
    let t = entry(&file, "dang-ky-tam-tru");
    assert_eq!(
        t["fee"],
        "Lệ phí đăng ký tạm trú: Nộp trực tuyến: 7.000 đ; Nộp trực tiếp: 15.000 đ"
    );
    let page = f.read_out("phuong-ba-dinh/huong-dan/dang-ky-tam-tru/index.html");
    assert!(page.contains("7.000 đ") && page.contains("15.000 đ"));
    // A guide without fees says none.
    assert_eq!(entry(&file, "dang-ky-ho-kinh-doanh")["fee"], Value::Null);
    // A unit's own version is the one its file carries.
    let ba_vi = json(&f, "xa-ba-vi");
    assert!(
        ba_vi["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["slug"] == "nho-to-cong-nghe-so")
    );
}

#[test]
fn answers_keep_within_the_configured_length() {
    let f = fixture(90);
    f.build_ok();
    let file = json(&f, "phuong-ba-dinh");
    assert_eq!(file["answer_max_chars"], 90);
    for e in file["entries"].as_array().unwrap() {
        let answer = e["answer"].as_str().unwrap();
        assert!(answer.chars().count() <= 90, "{answer}");
        assert!(
            answer.starts_with(e["summary"].as_str().unwrap()),
            "{answer}"
        );
    }
    // 90 characters hold the summary (50) and the time (33), not the fee
    // (58) before them.
    assert_eq!(
        entry(&file, "dang-ky-khai-sinh")["answer"],
        "Đăng ký khai sinh cho trẻ mà không cần đến Ủy ban. Thời hạn giải quyết: Trong ngày."
    );
}

#[test]
fn the_csv_opens_in_excel_with_a_row_per_question() {
    let f = fixture(400);
    f.build_ok();
    let bytes = std::fs::read(f.out().join("phuong-ba-dinh/api/v1/hoi-dap.csv")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert_eq!(text.nfc().collect::<String>(), text, "NFC");
    assert!(text.contains("\r\n"));
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header,
        ["slug", "question", "answer", "steps", "url", "hotline"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let file = json(&f, "phuong-ba-dinh");
    let questions: usize = file["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["questions"].as_array().unwrap().len())
        .sum();
    assert_eq!(rows.len(), questions);
    let row = rows
        .iter()
        .find(|r| &r[1] == "làm giấy khai sinh online thế nào")
        .expect("a row for the editor's question");
    let e = entry(&file, "dang-ky-khai-sinh");
    assert_eq!(&row[0], "dang-ky-khai-sinh");
    assert_eq!(&row[2], e["answer"].as_str().unwrap());
    assert_eq!(&row[3], "1. Đăng nhập Cổng Dịch vụ công\n2. Nộp hồ sơ");
    assert_eq!(&row[4], e["url"].as_str().unwrap());
    assert_eq!(&row[5], "1022");
}

#[test]
fn the_knowledge_file_follows_the_api_switch() {
    let f = fixture(400);
    f.write(
        "content/units/xa-ba-vi.yaml",
        &unit(
            "Ủy ban nhân dân xã Ba Vì",
            "Xã Ba Vì",
            "xa",
            "outputs:\n  api: false\n",
        ),
    );
    f.build_ok();
    assert!(!f.out().join("xa-ba-vi/api/v1/hoi-dap.json").exists());
    assert!(f.out().join("phuong-ba-dinh/api/v1/hoi-dap.json").is_file());
}

#[test]
fn bad_questions_synonyms_and_lengths_are_errors_at_their_line() {
    let f = Fixture::html_only();
    let site = format!(
        "{SITE}search:\n  synonyms:\n    cccd: [căn cước]\n    \"CCCD\": [căn cước công dân]\n    bằng lái: []\n    sổ đỏ: [sổ đỏ]\n    \"?!\": [căn cước]\nchatbot:\n  answer_chars: 20\n"
    );
    f.write("content/site.yaml", &site);
    let guide = KHAI_SINH.replace(
        "audiences: [nguoi-dan]\n",
        &format!(
            "audiences: [nguoi-dan]\nquestions:\n  - \"   \"\n  - \"{}\"\n  - \"đăng ký khai sinh trực tuyến\"\n",
            "hỏi ".repeat(40)
        ),
    );
    f.write("content/guides/ho-tich/dang-ky-khai-sinh.md", &guide);
    let ds = f.build_err();
    let site_file = "content/site.yaml";
    let line = |prefix: &str| line_of(&site, prefix);
    let d = find_diag(&ds, "synonym `CCCD` is listed twice");
    assert_eq!(at(d), (site_file.into(), line("    \"CCCD\""), 6));
    let d = find_diag(&ds, "synonym `bằng lái` needs 1 to 10 alternatives");
    assert_eq!(at(d).1, line("    bằng lái"));
    let d = find_diag(&ds, "`sổ đỏ` is the synonym `sổ đỏ` itself");
    assert_eq!(at(d), (site_file.into(), line("    sổ đỏ"), 13));
    let d = find_diag(&ds, "a synonym without letters or digits");
    assert_eq!(at(d).1, line("    \"?!\""));
    let d = find_diag(&ds, "chatbot.answer_chars is 20; at least 80");
    assert_eq!(at(d).1, line("  answer_chars"));
    let g = "content/guides/ho-tich/dang-ky-khai-sinh.md";
    let d = find_diag(&ds, "a question without words");
    assert_eq!(at(d).0, g);
    assert_eq!(at(d).1, line_of(&guide, "questions:"));
    let d = find_diag(&ds, "the question is 160 characters long; at most 150");
    assert_eq!(at(d), (g.into(), line_of(&guide, "  - \"hỏi"), 6));
    let d = find_diag(&ds, "this question repeats the title or another question");
    assert_eq!(d.severity, sotay::Severity::Warning);
    assert_eq!(
        at(d).1,
        line_of(&guide, "  - \"đăng ký khai sinh trực tuyến")
    );
    // Bounds: more than 30 questions is an error at the key.
    let many: String = (0..31).map(|i| format!("  - \"câu hỏi {i}\"\n")).collect();
    let guide = KHAI_SINH.replace(
        "audiences: [nguoi-dan]\n",
        &format!("audiences: [nguoi-dan]\nquestions:\n{many}"),
    );
    let g2 = Fixture::html_only();
    g2.write("content/guides/ho-tich/dang-ky-khai-sinh.md", &guide);
    let d2 = g2.build_err();
    let d = find_diag(&d2, "31 questions; at most 30");
    assert_eq!(at(d).1, line_of(&guide, "questions:"));
    // Each problem once.
    assert_eq!(
        ds.iter()
            .filter(|d| d.message.contains("listed twice"))
            .count(),
        1
    );
}

#[test]
fn a_misspelt_or_mistyped_search_setting_is_an_error_at_its_line() {
    let f = Fixture::html_only();
    let site = format!("{SITE}search:\n  synonym:\n    cccd: [căn cước]\n");
    f.write("content/site.yaml", &site);
    let ds = f.build_err();
    let d = find_diag(&ds, "synonym");
    assert_eq!(at(d).1, line_of(&site, "  synonym:"), "{}", render(&ds));
    let site = format!("{SITE}search:\n  synonyms:\n    cccd: \"căn cước\"\n");
    f.write("content/site.yaml", &site);
    let ds = f.build_err();
    let d = find_diag(&ds, "invalid");
    assert_eq!(at(d).1, line_of(&site, "    cccd:"), "{}", render(&ds));
    let guide = KHAI_SINH.replace(
        "audiences: [nguoi-dan]\n",
        "audiences: [nguoi-dan]\nquestions: \"một câu\"\n",
    );
    f.write("content/site.yaml", SITE);
    f.write("content/guides/ho-tich/dang-ky-khai-sinh.md", &guide);
    let ds = f.build_err();
    let d = find_diag(&ds, "invalid");
    assert_eq!(at(d).1, line_of(&guide, "questions:"), "{}", render(&ds));
}

#[test]
fn a_guides_own_faq_headings_are_questions_too() {
    let f = fixture(400);
    let path = "content/guides/cu-tru/dang-ky-tam-tru.md";
    let text = std::fs::read_to_string(f.root().join(path)).unwrap();
    f.write(
        path,
        &format!(
            "{text}\n## Câu hỏi thường gặp\n\n### Thuê trọ 20 ngày có phải đăng ký không?\n\nKhông.\n\n\
             ### Bao lâu có kết quả?\n\nTrong 3 ngày làm việc.\n\n## Liên hệ\n\n### Giờ làm việc\n\nGiờ hành chính.\n"
        ),
    );
    f.build_ok();
    let file = json(&f, "phuong-ba-dinh");
    let questions = entry(&file, "dang-ky-tam-tru")["questions"].clone();
    let asked: Vec<&str> = questions
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q.as_str().unwrap())
        .collect();
    assert!(
        asked.contains(&"Thuê trọ 20 ngày có phải đăng ký không?"),
        "{asked:?}"
    );
    assert!(asked.contains(&"Bao lâu có kết quả?"), "{asked:?}");
    // A heading of the next section is not a question.
    assert!(!asked.contains(&"Giờ làm việc"), "{asked:?}");
}
