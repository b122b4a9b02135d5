//! Search in a real browser, from file:// (a kiosk opening the folder from
//! disk): Vietnamese folding, ranking, how people ask (questions and
//! synonyms), and the no-JavaScript list.

mod common;

use common::browser::{dump_dom, file_url};

use common::*;

fn guide(title: &str, summary: &str) -> String {
    HO_KINH_DOANH
        .replace(
            "title: \"Đăng ký hộ kinh doanh\"",
            &format!("title: \"{title}\""),
        )
        .replace(
            "summary: \"Đăng ký hộ kinh doanh.\"",
            &format!("summary: \"{summary}\""),
        )
}

/// Result links (relative to the unit root) for a query, in order, and the status line.
fn search(f: &Fixture, unit: &str, q: &str) -> (Vec<String>, String) {
    let page = f.out().join(unit).join("tim-kiem/index.html");
    let url = format!("{}?q={}", file_url(&page), q.replace(' ', "%20"));
    let dom = dump_dom(&url);
    let list = dom
        .split("id=\"ket-qua\"")
        .nth(1)
        .expect("results list")
        .split("</ol>")
        .next()
        .unwrap();
    let hrefs = list
        .split("href=\"")
        .skip(1)
        .map(|h| {
            h.split('"')
                .next()
                .unwrap()
                .trim_start_matches("../")
                .to_owned()
        })
        .collect();
    let status = dom
        .split("id=\"trang-thai\"")
        .nth(1)
        .unwrap()
        .split('>')
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    (hrefs, status)
}

fn fixture() -> Fixture {
    let f = Fixture::html_only();
    f.write(
        "content/guides/khac/hoa-giai.md",
        &guide("Hòa giải ở cơ sở", "Nhờ tổ hòa giải giúp khi có mâu thuẫn."),
    );
    f.write(
        "content/guides/khac/hoa-nhap.md",
        &guide("Hoà nhập cộng đồng", "Hỗ trợ người khuyết tật hoà nhập."),
    );
    f.write(
        "content/guides/khac/thuy-loi.md",
        &guide(
            "Xin phép xây dựng gần công trình thủy lợi",
            "Giấy phép cho hoạt động trong phạm vi bảo vệ công trình thủy lợi.",
        ),
    );
    f.build_ok();
    f
}

#[test]
fn unaccented_and_mixed_tone_queries_find_the_right_guide() {
    let f = fixture();
    let unit = "phuong-ba-dinh";
    let (hits, status) = search(&f, unit, "dang ky khai sinh");
    assert_eq!(
        hits.first().map(String::as_str),
        Some("huong-dan/dang-ky-khai-sinh/index.html"),
        "{hits:?}"
    );
    assert!(status.contains("Tìm thấy"), "{status}");
    let (hits, _) = search(&f, unit, "DANG KY TAM TRU");
    assert_eq!(hits[0], "huong-dan/dang-ky-tam-tru/index.html");
    // "tạm trú" is the title of one guide and only in the body of khai sinh.
    let (hits, _) = search(&f, unit, "tạm trú");
    assert_eq!(hits[0], "huong-dan/dang-ky-tam-tru/index.html", "{hits:?}");
    assert!(
        hits.contains(&"huong-dan/dang-ky-khai-sinh/index.html".to_owned()),
        "body matches are found too: {hits:?}"
    );
    // Both tone placements match each other; the exact one ranks first.
    let (hits, _) = search(&f, unit, "hòa");
    assert_eq!(
        hits[..2],
        [
            "huong-dan/hoa-giai/index.html".to_owned(),
            "huong-dan/hoa-nhap/index.html".to_owned()
        ],
        "{hits:?}"
    );
    let (hits, _) = search(&f, unit, "hoà");
    assert_eq!(
        hits[..2],
        [
            "huong-dan/hoa-nhap/index.html".to_owned(),
            "huong-dan/hoa-giai/index.html".to_owned()
        ],
        "{hits:?}"
    );
    let (hits, _) = search(&f, unit, "thuỷ lợi");
    assert_eq!(
        hits.first().map(String::as_str),
        Some("huong-dan/thuy-loi/index.html"),
        "{hits:?}"
    );
    // Title beats summary beats body.
    let (hits, _) = search(&f, unit, "khai sinh");
    assert_eq!(hits[0], "huong-dan/dang-ky-khai-sinh/index.html");
    let (hits, status) = search(&f, unit, "xyzzy");
    assert!(
        hits.is_empty() && status.contains("Không tìm thấy"),
        "{status}"
    );
}

#[test]
fn without_javascript_the_search_page_lists_every_guide() {
    let f = fixture();
    // Without JavaScript the browser shows the page's static HTML: every guide
    // must be linked from it, grouped by category.
    let html = f.read_out("xa-ba-vi/tim-kiem/index.html");
    let list = html.split("id=\"danh-sach\"").nth(1).expect("no-JS list");
    for slug in [
        "dang-ky-khai-sinh",
        "dang-ky-tam-tru",
        "dang-ky-ho-kinh-doanh",
        "nho-to-cong-nghe-so",
        "hoa-giai",
        "thuy-loi",
    ] {
        assert!(
            list.contains(&format!("href=\"../huong-dan/{slug}/index.html\"")),
            "{slug} not reachable without JavaScript"
        );
    }
    assert!(
        html.contains(
            "<form class=\"search\" role=\"search\" action=\"index.html\" method=\"get\""
        )
    );
}

#[test]
fn the_build_reports_the_search_index_size() {
    let f = Fixture::html_only();
    let report = f.build_ok();
    assert_eq!(
        report.search_docs,
        2 + 3 + 4,
        "guides indexed over all units"
    );
    let on_disk: u64 = ["so-thu-nghiem", "phuong-ba-dinh", "xa-ba-vi"]
        .iter()
        .map(|u| {
            std::fs::metadata(f.out().join(u).join("tim-kiem/chi-muc.js"))
                .unwrap()
                .len()
        })
        .sum();
    assert_eq!(report.search_bytes, on_disk);
}

/// The fixture with site.yaml's synonyms, a guide's questions, and guides
/// a synonym leads to: a residence guide that never says "hộ khẩu", beside
/// the business guide whose title has "hộ" and whose text has "mật khẩu"
/// (so "hộ khẩu" finds it by words alone).
fn asking_fixture() -> Fixture {
    let f = Fixture::html_only();
    f.write(
        "content/site.yaml",
        &format!(
            "{SITE}search:\n  synonyms:\n    cccd: [căn cước công dân, căn cước]\n    hộ khẩu: [thường trú]\n    bằng lái: [giấy phép lái xe]\n"
        ),
    );
    f.write(
        "content/guides/kinh-doanh/dang-ky-ho-kinh-doanh.md",
        &HO_KINH_DOANH.replace("Giấy tờ.", "Đăng nhập bằng tài khoản và mật khẩu."),
    );
    f.write(
        "content/guides/cu-tru/dang-ky-thuong-tru.md",
        &guide("Đăng ký thường trú", "Đăng ký nơi ở chính thức của bạn."),
    );
    f.write(
        "content/guides/khac/cap-doi-can-cuoc.md",
        &guide("Cấp đổi thẻ căn cước", "Đổi thẻ khi đến tuổi phải đổi."),
    );
    f.write(
        "content/guides/khac/doi-giay-phep-lai-xe.md",
        &guide("Đổi giấy phép lái xe", "Đổi giấy phép sắp hết hạn."),
    );
    f.write(
        "content/guides/ho-tich/dang-ky-khai-sinh.md",
        &KHAI_SINH.replace(
            "audiences: [nguoi-dan]\n",
            "audiences: [nguoi-dan]\nquestions: [\"làm giấy khai sinh online thế nào\"]\n",
        ),
    );
    f.build_ok();
    f
}

#[test]
fn synonyms_and_questions_find_what_people_type() {
    let f = asking_fixture();
    let unit = "phuong-ba-dinh";
    let page = |slug: &str| format!("huong-dan/{slug}/index.html");
    // An abbreviation: in no guide's text, found by its synonym, any case.
    for q in ["cccd", "CCCD", "đổi cccd"] {
        let (hits, _) = search(&f, unit, q);
        assert_eq!(hits, [page("cap-doi-can-cuoc")], "{q}");
    }
    // What many still call residence registration: the residence guide
    // first, the business guide (words alone) after it.
    for q in ["hộ khẩu", "ho khau", "Hộ Khẩu"] {
        let (hits, _) = search(&f, unit, q);
        assert_eq!(
            hits,
            [page("dang-ky-thuong-tru"), page("dang-ky-ho-kinh-doanh")],
            "{q}"
        );
    }
    let (hits, _) = search(&f, unit, "đổi bằng lái");
    assert_eq!(hits, [page("doi-giay-phep-lai-xe")]);
    // A question the editor wrote: "online" is in no guide's text.
    let (hits, _) = search(&f, unit, "giấy khai sinh online");
    assert_eq!(hits, [page("dang-ky-khai-sinh")]);
    let (hits, _) = search(&f, unit, "lam giay khai sinh online the nao");
    assert_eq!(hits, [page("dang-ky-khai-sinh")]);
    // Synonyms replace whole words only.
    let (hits, status) = search(&f, unit, "cccdx");
    assert!(hits.is_empty(), "{hits:?} {status}");
}

#[test]
fn the_sample_finds_what_people_type() {
    let out = tempfile::tempdir().unwrap();
    let mut opts = sotay::BuildOptions::new(repo(), build_date());
    opts.out = out.path().join("public");
    opts.media = sotay::Media::Skip;
    opts.scope = sotay::Scope::Units(vec!["phuong-ba-dinh".into()]);
    if let Err(e) = sotay::build(&opts) {
        panic!("sample build failed:\n{}", render(&e.diagnostics));
    }
    let page = opts.out.join("phuong-ba-dinh/tim-kiem/index.html");
    let first = |q: &str| -> Vec<String> {
        let url = format!("{}?q={}", file_url(&page), q.replace(' ', "%20"));
        result_links(&dump_dom(&url))
    };
    let hits = first("cccd");
    assert!(
        hits.len() >= 2
            && hits[..2].contains(&"huong-dan/cap-doi-can-cuoc/index.html".to_owned())
            && hits[..2].contains(&"huong-dan/can-cuoc-cho-tre-duoi-6-tuoi/index.html".to_owned()),
        "{hits:?}"
    );
    for q in ["hộ khẩu", "chuyển hộ khẩu"] {
        let hits = first(q);
        assert_eq!(
            hits[0], "huong-dan/dang-ky-thuong-tru/index.html",
            "{q}: {hits:?}"
        );
    }
    for (q, slug) in [
        ("đổi bằng lái", "doi-giay-phep-lai-xe"),
        ("làm giấy khai sinh online thế nào", "dang-ky-khai-sinh"),
        ("kt3", "dang-ky-tam-tru"),
        ("lltp", "cap-phieu-ly-lich-tu-phap"),
    ] {
        let hits = first(q);
        assert_eq!(
            hits.first().map(String::as_str),
            Some(format!("huong-dan/{slug}/index.html").as_str()),
            "{q}: {hits:?}"
        );
    }
}

/// Result links in a dumped search page, relative to the unit root.
fn result_links(dom: &str) -> Vec<String> {
    let list = dom
        .split("id=\"ket-qua\"")
        .nth(1)
        .expect("results list")
        .split("</ol>")
        .next()
        .unwrap();
    list.split("href=\"")
        .skip(1)
        .map(|h| {
            h.split('"')
                .next()
                .unwrap()
                .trim_start_matches("../")
                .to_owned()
        })
        .collect()
}
