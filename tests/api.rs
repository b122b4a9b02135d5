//! The JSON API per unit: versioned, stably ordered, steps as data.

mod common;

use common::*;
use serde_json::Value;

fn json(f: &Fixture, rel: &str) -> Value {
    serde_json::from_str(&f.read_out(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// A minimal schema check: every key present with the expected JSON type.
fn expect(v: &Value, fields: &[(&str, &str)], what: &str) {
    for (key, ty) in fields {
        let x = v
            .get(*key)
            .unwrap_or_else(|| panic!("{what}: missing {key}"));
        let ok = match *ty {
            "string" => x.is_string(),
            "string?" => x.is_string() || x.is_null(),
            "number" => x.is_u64(),
            "number?" => x.is_u64() || x.is_null(),
            "bool" => x.is_boolean(),
            "array" => x.is_array(),
            "object" => x.is_object(),
            _ => unreachable!(),
        };
        assert!(ok, "{what}: {key} should be {ty}, is {x}");
    }
}

#[test]
fn index_and_guide_documents_follow_the_schema() {
    let f = Fixture::html_only();
    f.build_ok();
    let index = json(&f, "xa-ba-vi/api/v1/index.json");
    expect(
        &index,
        &[
            ("version", "number"),
            ("unit", "object"),
            ("guides", "array"),
        ],
        "index",
    );
    assert_eq!(index["version"], 1);
    expect(
        &index["unit"],
        &[
            ("slug", "string"),
            ("name", "string"),
            ("hotline", "string"),
            ("address", "string"),
            ("hours", "array"),
            ("url", "string"),
        ],
        "unit",
    );
    let guides = index["guides"].as_array().unwrap();
    let slugs: Vec<&str> = guides.iter().map(|g| g["slug"].as_str().unwrap()).collect();
    let mut sorted = slugs.clone();
    sorted.sort();
    assert_eq!(slugs, sorted, "guides in slug order");
    assert!(
        slugs.contains(&"nho-to-cong-nghe-so"),
        "unit-only guide listed"
    );
    for g in guides {
        expect(
            g,
            &[
                ("slug", "string"),
                ("title", "string"),
                ("summary", "string"),
                ("category", "object"),
                ("audiences", "array"),
                ("updated", "string"),
                ("url", "string"),
                ("json", "string"),
                ("local", "bool"),
            ],
            "entry",
        );
        assert!(
            g["url"]
                .as_str()
                .unwrap()
                .starts_with("https://sotay.example.vn/xa-ba-vi/huong-dan/")
        );
        let doc = json(
            &f,
            &format!("xa-ba-vi/api/v1/{}", g["json"].as_str().unwrap()),
        );
        expect(
            &doc,
            &[
                ("version", "number"),
                ("slug", "string"),
                ("title", "string"),
                ("summary", "string"),
                ("not_for", "string?"),
                ("category", "object"),
                ("audiences", "array"),
                ("where", "string"),
                ("channels", "array"),
                ("documents", "array"),
                ("fees", "array"),
                ("processing_time", "object"),
                ("steps", "array"),
                ("after_you_apply", "string?"),
                ("legal_basis", "array"),
                ("related", "array"),
                ("updated", "string"),
                ("url", "string"),
                ("local", "bool"),
            ],
            g["slug"].as_str().unwrap(),
        );
        for s in doc["steps"].as_array().unwrap() {
            expect(
                s,
                &[
                    ("number", "number"),
                    ("title", "string"),
                    ("id", "string"),
                    ("html", "string"),
                    ("text", "string"),
                ],
                "step",
            );
        }
    }
    let ts = json(&f, "xa-ba-vi/api/v1/huong-dan/dang-ky-tam-tru.json");
    assert_eq!(ts["local"], true, "override is local");
    // Version 1's single-amount fields stay, read off the rates in force.
    assert_eq!(ts["fees"][0]["amount"], 15000);
    assert_eq!(ts["fees"][0]["online_amount"], 7000);
    assert_eq!(ts["fees"][0]["rates"][0]["amount"], 15000);
    assert_eq!(ts["fees"][0]["rates"][0]["channel"], "counter");
    assert_eq!(ts["fees"][0]["rates"][1]["amount"], 7000);
    assert_eq!(ts["fees"][0]["rates"][1]["channel"], "online");
    assert_eq!(
        ts["fees"][0]["text"],
        serde_json::json!(["Nộp trực tuyến: 7.000 đ", "Nộp trực tiếp: 15.000 đ"])
    );
    assert_eq!(ts["steps"][0]["title"], "Chuẩn bị hồ sơ");
    assert_eq!(ts["steps"][0]["id"], "buoc-1-chuan-bi-ho-so");
    assert!(
        ts["steps"][1]["text"]
            .as_str()
            .unwrap()
            .contains("Tổ công nghệ số")
    );
    // Other sites read the HTML fields: links and images are absolute.
    let ks = json(&f, "xa-ba-vi/api/v1/huong-dan/dang-ky-khai-sinh.json");
    let step = ks["steps"][0]["html"].as_str().unwrap();
    assert!(step.contains("href=\"https://sotay.example.vn/xa-ba-vi/huong-dan/dang-ky-tam-tru/index.html#buoc-1-chuan-bi-ho-so\""), "{step}");
    assert!(
        step.contains("src=\"https://sotay.example.vn/xa-ba-vi/anh/"),
        "{step}"
    );
    assert!(
        !step.contains("__SOTAY_ROOT__") && !step.contains("../"),
        "{step}"
    );
    // Excluded guides are absent from that unit's API.
    let so = json(&f, "so-thu-nghiem/api/v1/index.json");
    assert!(
        !so["guides"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["slug"] == "dang-ky-tam-tru")
    );
    assert!(
        !f.out()
            .join("so-thu-nghiem/api/v1/huong-dan/dang-ky-tam-tru.json")
            .exists()
    );
}
