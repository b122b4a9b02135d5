//! Search in a real browser, from file:// (a kiosk opening the folder from
//! disk): Vietnamese folding, ranking, and the no-JavaScript list.

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
