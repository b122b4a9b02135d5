//! Building fixture projects: the pages a webmaster uploads exist, links
//! resolve, nothing loads from another origin, output is deterministic.

mod common;

use common::*;

#[test]
fn every_unit_gets_its_pages_and_the_hub_lists_them() {
    let f = Fixture::html_only();
    let report = f.build_ok();
    assert_eq!(report.units, 3);
    for unit in ["so-thu-nghiem", "phuong-ba-dinh", "xa-ba-vi"] {
        for page in [
            "index.html",
            "huong-dan/index.html",
            "huong-dan/dang-ky-khai-sinh/index.html",
            "doi-tuong/nguoi-dan/index.html",
            "doi-tuong/doanh-nghiep/index.html",
            "linh-vuc/ho-tich/index.html",
            "trang/an-toan/index.html",
            "404.html",
            "sitemap.xml",
            "atom.xml",
            "robots.txt",
            "assets/style.css",
        ] {
            assert!(
                f.out().join(unit).join(page).is_file(),
                "{unit}/{page} missing"
            );
        }
    }
    let hub = f.read_out("index.html");
    for (slug, name) in [
        ("so-thu-nghiem", "Sở Thử nghiệm"),
        ("phuong-ba-dinh", "Phường Ba Đình"),
        ("xa-ba-vi", "Xã Ba Vì"),
    ] {
        assert!(
            hub.contains(&format!("href=\"{slug}/index.html\"")),
            "hub lacks {slug}"
        );
        assert!(hub.contains(name));
    }
}

#[test]
fn every_link_and_anchor_resolves_inside_each_unit_folder() {
    let f = Fixture::html_only();
    f.build_ok();
    for unit in ["so-thu-nghiem", "phuong-ba-dinh", "xa-ba-vi"] {
        assert_links_resolve(f.root(), &f.out(), unit);
    }
    let hub = sotay::links::check(&f.out(), &[]);
    let hub: Vec<_> = hub
        .into_iter()
        .filter(|p| p.page.components().count() == 1)
        .collect();
    assert!(hub.is_empty(), "{hub:?}");
}

#[test]
fn no_page_loads_anything_from_another_origin() {
    let f = Fixture::html_only();
    f.build_ok();
    for unit in ["so-thu-nghiem", "phuong-ba-dinh", "xa-ba-vi"] {
        assert_links_resolve(f.root(), &f.out(), unit);
    }
    // An editor pastes an embed from elsewhere: the build refuses it, naming the line.
    f.write(
        "content/pages/an-toan.md",
        &format!("{PAGE}\n<img src=\"https://tracker.example.com/p.gif\" alt=\"x\">\n"),
    );
    let errors = f.build_err();
    let e = errors
        .iter()
        .find(|d| d.message.contains("tracker.example.com"))
        .expect("remote image reported");
    let loc = e.location.as_ref().unwrap();
    assert_eq!(
        (loc.file.to_str().unwrap(), loc.line),
        ("content/pages/an-toan.md", 9)
    );
}

#[test]
fn raw_html_is_sanitised() {
    let f = Fixture::html_only();
    f.write(
        "content/pages/an-toan.md",
        &format!("{PAGE}\n<div onclick=\"steal()\">Nhấn</div>\n\n<script>alert(1)</script>\n\n<a href=\"javascript:alert(1)\">x</a> <iframe src=\"trang.html\"></iframe>\n"),
    );
    f.build_ok();
    let page = f.read_out("xa-ba-vi/trang/an-toan/index.html");
    assert!(page.contains("Nhấn"));
    for bad in ["onclick", "<script", "javascript:", "<iframe"] {
        assert!(!page.contains(bad), "{bad} survived");
    }
}

#[test]
fn two_builds_are_byte_identical() {
    // Two copies of one project, each built cold (no previous output, no
    // render cache) into a folder of its own: nothing is reused, so every
    // page, PDF and picture is made twice and must come out the same.
    let f = Fixture::new();
    let twin = tempfile::tempdir().unwrap();
    copy_dir(f.root(), twin.path());
    f.build_ok();
    let mut opts = sotay::BuildOptions::new(twin.path(), build_date());
    opts.out = twin.path().join("elsewhere");
    let report = sotay::build(&opts).expect("the twin builds");
    assert_eq!(report.reused, 0, "the twin reused files");
    assert!(report.pdfs > 0 && report.images > 0, "no PDFs or pictures");
    assert_eq!(report.pdfs, report.pdfs_rendered, "PDFs came from a cache");
    let (first, second) = (snapshot(&f.out()), snapshot(&opts.out));
    assert_eq!(first.len(), second.len());
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(a.0, b.0);
        assert!(a.1 == b.1, "{} differs between builds", a.0.display());
    }
}

#[test]
fn the_build_date_is_recorded_and_nothing_else_changes_with_it() {
    let f = Fixture::html_only();
    f.build_ok();
    let report = f.read_out("bao-cao/bao-cao.json");
    assert!(report.contains("\"date\": \"2026-11-29\""), "{report}");
    assert!(f.read_out("bao-cao/index.html").contains("29/11/2026"));
    let api = f.read_out("xa-ba-vi/api/v1/index.json");
    assert!(api.contains("\"built\":\"2026-11-29\""), "{api}");
    let first = output_files(&f.out());
    // The next day's build of the same content: only the dated files differ.
    let mut opts = f.options();
    opts.date = sotay::content::Date::parse("2026-11-30").unwrap();
    sotay::build(&opts).expect("builds");
    let second = output_files(&f.out());
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    let changed: Vec<String> = first
        .iter()
        .filter(|(p, bytes)| second[*p] != **bytes)
        .map(|(p, _)| p.to_string_lossy().into_owned())
        .collect();
    // (The build stamp records the date too: `verify` reads it back; the
    // packages hold the stamp and date their entries.)
    let dated = |p: &String| {
        p.starts_with("bao-cao/")
            || p.starts_with("goi-tai-len/")
            || p.ends_with("api/v1/index.json")
            || p.ends_with("api/v1/hoi-dap.json")
            || p.ends_with("/sotay-stamp.json")
    };
    assert!(
        !changed.is_empty() && changed.iter().all(dated),
        "{changed:?}"
    );
}

#[test]
fn a_failing_build_leaves_the_previous_output_and_content_untouched() {
    let f = Fixture::html_only();
    f.build_ok();
    let before = snapshot(&f.out());
    f.write(
        "content/guides/cu-tru/dang-ky-tam-tru.md",
        &TAM_TRU.replace("title:", "titel:"),
    );
    let content_before = snapshot(&f.root().join("content"));
    let errors = f.build_err();
    assert!(!errors.is_empty());
    assert_eq!(snapshot(&f.out()), before, "previous output changed");
    assert_eq!(
        snapshot(&f.root().join("content")),
        content_before,
        "content changed"
    );
    // No staging folders left behind (the PDF cache is meant to stay).
    let leftovers: Vec<_> = std::fs::read_dir(f.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n != ".sotay-cache")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn unit_overrides_additions_and_exclusions_shape_each_site() {
    let f = Fixture::html_only();
    f.build_ok();
    // xa-ba-vi overrides tạm trú and adds its own guide.
    let own = f.read_out("xa-ba-vi/huong-dan/dang-ky-tam-tru/index.html");
    assert!(
        own.contains("Tổ công nghệ số cộng đồng"),
        "override not used"
    );
    let central = f.read_out("phuong-ba-dinh/huong-dan/dang-ky-tam-tru/index.html");
    assert!(!central.contains("Tổ công nghệ số cộng đồng"));
    assert!(
        f.out()
            .join("xa-ba-vi/huong-dan/nho-to-cong-nghe-so/index.html")
            .is_file()
    );
    assert!(
        !f.out()
            .join("phuong-ba-dinh/huong-dan/nho-to-cong-nghe-so/index.html")
            .exists()
    );
    // so-thu-nghiem excludes tạm trú: no page, not listed, links to it unlinked.
    assert!(
        !f.out()
            .join("so-thu-nghiem/huong-dan/dang-ky-tam-tru/index.html")
            .exists()
    );
    let list = f.read_out("so-thu-nghiem/huong-dan/index.html");
    assert!(!list.contains("dang-ky-tam-tru"));
    let ks = f.read_out("so-thu-nghiem/huong-dan/dang-ky-khai-sinh/index.html");
    assert!(
        ks.contains("Xem thêm tạm trú") && !ks.contains("dang-ky-tam-tru/index.html"),
        "excluded link should be plain text"
    );
}

#[test]
fn unit_data_flows_into_every_page() {
    let f = Fixture::html_only();
    f.write(
        "content/units/phuong-ba-dinh.yaml",
        &unit(
            "Ủy ban nhân dân phường Ba Đình",
            "Phường Ba Đình",
            "phuong",
            "email: \"motcua@example.vn\"\nzalo: \"https://zalo.me/000\"\n",
        )
        .replace("\"1022\"", "\"024 3823 0000\"")
        .replace("#0b5394", "#8a1538"),
    );
    f.build_ok();
    for e in walkdir::WalkDir::new(f.out().join("phuong-ba-dinh"))
        .into_iter()
        .filter_map(Result::ok)
    {
        if e.path().extension().is_some_and(|x| x == "html") {
            let html = std::fs::read_to_string(e.path()).unwrap();
            let page = e.path().display();
            if e.path().components().any(|c| c.as_os_str() == "g") {
                // Short-link redirects name the unit and nothing else.
                assert!(html.contains("Phường Ba Đình"), "{page}: name");
                continue;
            }
            if e.path()
                .components()
                .any(|c| c.as_os_str() == "trinh-chieu")
            {
                // The desk's screen shows the name and the hotline, to read, not to tap.
                assert!(
                    html.contains("Ủy ban nhân dân phường Ba Đình"),
                    "{page}: name"
                );
                assert!(html.contains("024 3823 0000"), "{page}: hotline");
                assert!(html.contains("--brand:#8a1538"), "{page}: colour");
                continue;
            }
            if e.path().components().any(|c| c.as_os_str() == "nhung") {
                // Embeds carry the brand, short name and hotline only.
                assert!(html.contains("Phường Ba Đình"), "{page}: name");
                assert!(html.contains("href=\"tel:02438230000\""), "{page}: hotline");
                if e.file_name() != "manh.html" {
                    assert!(html.contains("--brand:#8a1538"), "{page}: colour");
                }
                continue;
            }
            assert!(
                html.contains("Ủy ban nhân dân phường Ba Đình"),
                "{page}: name"
            );
            assert!(
                html.contains("href=\"tel:02438230000\"") && html.contains("024 3823 0000"),
                "{page}: hotline"
            );
            assert!(
                html.contains("Bộ phận Một cửa, Phường Ba Đình"),
                "{page}: address"
            );
            assert!(html.contains("Thứ Hai đến Thứ Sáu"), "{page}: hours");
            assert!(
                html.contains("mailto:motcua@example.vn") && html.contains("https://zalo.me/000"),
                "{page}: email, zalo"
            );
            assert!(html.contains("--brand:#8a1538"), "{page}: colour");
            assert!(html.contains("lang=\"vi\""), "{page}: lang");
        }
    }
}

#[test]
fn sitemap_and_feed_use_absolute_urls_from_base_url() {
    let f = Fixture::html_only();
    f.build_ok();
    let sitemap = f.read_out("phuong-ba-dinh/sitemap.xml");
    assert!(
        sitemap.contains(
            "<loc>https://sotay.example.vn/phuong-ba-dinh/huong-dan/dang-ky-khai-sinh/</loc>"
        ),
        "{sitemap}"
    );
    assert!(sitemap.contains("<lastmod>2026-11-01</lastmod>"));
    let locs = sitemap.matches("<loc>").count();
    assert!(
        sitemap
            .matches("<loc>https://sotay.example.vn/phuong-ba-dinh/")
            .count()
            == locs
    );
    let atom = f.read_out("phuong-ba-dinh/atom.xml");
    assert!(
        atom.contains(
            "<id>https://sotay.example.vn/phuong-ba-dinh/huong-dan/dang-ky-khai-sinh/</id>"
        )
    );
    // Newest first.
    let ks = atom.find("dang-ky-khai-sinh").unwrap();
    let tt = atom.find("dang-ky-tam-tru").unwrap();
    assert!(ks < tt, "feed not ordered by date");
    assert!(atom.contains("<updated>2026-11-01T00:00:00+07:00</updated>"));
}

#[test]
fn vietnamese_text_is_normalised_to_nfc() {
    use unicode_normalization::UnicodeNormalization;
    let f = Fixture::html_only();
    let nfd: String = TAM_TRU
        .replace(
            "Đăng ký tạm trú trực tuyến.",
            "Đăng ký tạm trú qua mạng, nhanh chóng.",
        )
        .nfd()
        .collect();
    f.write("content/guides/cu-tru/dang-ky-tam-tru.md", &nfd);
    f.build_ok();
    let html = f.read_out("phuong-ba-dinh/huong-dan/dang-ky-tam-tru/index.html");
    assert!(
        html.contains("Đăng ký tạm trú qua mạng, nhanh chóng."),
        "NFC text missing"
    );
    assert!(html.nfc().collect::<String>() == html, "output is not NFC");
    // Heading ids still fold correctly from decomposed input.
    assert!(html.contains("id=\"buoc-1-chuan-bi-ho-so\""));
}

#[test]
fn gfm_markdown_renders_accessibly() {
    let f = Fixture::html_only();
    f.write(
        "content/pages/an-toan.md",
        &format!("{PAGE}\n| Kênh | Số |\n|---|---:|\n| Đường dây nóng | 1022 |\n\n~~Cũ~~ mới.\n\n- [x] Đã có tài khoản\n- [ ] Chưa có\n\nXem nguồn[^1].\n\n[^1]: Luật Hộ tịch.\n\n> [!CAUTION]\n> Không bấm vào đường link lạ.\n\n```json\n{{\"hotline\": 1022}}\n```\n"),
    );
    f.build_ok();
    let html = f.read_out("xa-ba-vi/trang/an-toan/index.html");
    assert!(
        html.contains("<table>") && html.contains("<th>Kênh</th>"),
        "table"
    );
    assert!(html.contains("<del>Cũ</del>"), "strikethrough");
    // Task boxes nobody can tick are named glyphs, not unlabelled checkboxes.
    assert!(
        html.contains("role=\"img\" aria-label=\"Đã xong\"></span>\nĐã có tài khoản")
            && html.contains("role=\"img\" aria-label=\"Chưa xong\"></span>\nChưa có")
            && !html.contains("type=\"checkbox\""),
        "task list"
    );
    assert!(html.contains("class=\"footnote-definition\""), "footnotes");
    assert!(
        html.contains("class=\"callout callout--caution\" role=\"note\"")
            && html.contains("Thận trọng"),
        "alert"
    );
    assert!(
        html.contains("<span class=\"hl-") && !html.contains("style=\"color"),
        "highlighting uses classes"
    );
}

#[test]
fn images_are_resized_with_srcset_and_size() {
    let f = Fixture::html_only();
    f.build_ok();
    let html = f.read_out("phuong-ba-dinh/huong-dan/dang-ky-khai-sinh/index.html");
    let img = html
        .split("<img")
        .nth(1)
        .unwrap()
        .split('>')
        .next()
        .unwrap();
    assert!(
        img.contains("srcset=") && img.contains("width=\"720\"") && img.contains("height=\"1560\""),
        "{img}"
    );
    assert!(img.contains("alt=\"Màn hình đăng nhập\""));
    // The 1080x2340 screenshot is not shipped at full size.
    for e in std::fs::read_dir(f.out().join("phuong-ba-dinh/anh")).unwrap() {
        let p = e.unwrap().path();
        let (w, _) = image::image_dimensions(&p).unwrap();
        assert!(w <= 720, "{} is {w}px wide", p.display());
    }
}

#[test]
fn a_guide_page_weighs_under_60_kb_with_its_css() {
    let f = Fixture::html_only();
    f.build_ok();
    let html = std::fs::metadata(
        f.out()
            .join("phuong-ba-dinh/huong-dan/dang-ky-khai-sinh/index.html"),
    )
    .unwrap()
    .len();
    let css = std::fs::metadata(f.out().join("phuong-ba-dinh/assets/style.css"))
        .unwrap()
        .len();
    assert!(html + css < 60_000, "guide page is {} bytes", html + css);
}

#[test]
fn build_one_unit_only_and_elsewhere() {
    let f = Fixture::html_only();
    let mut opts = f.options();
    opts.out = f.root().join("elsewhere/site");
    opts.scope = sotay::Scope::Units(vec!["phuong-ba-dinh".into()]);
    sotay::build(&opts).unwrap();
    assert!(opts.out.join("phuong-ba-dinh/index.html").is_file());
    assert!(!opts.out.join("xa-ba-vi").exists());
    assert!(!f.out().exists(), "public/ written despite --out");
    // A later single-unit build keeps the other units already there.
    opts.scope = sotay::Scope::Whole;
    sotay::build(&opts).unwrap();
    opts.scope = sotay::Scope::Units(vec!["xa-ba-vi".into()]);
    sotay::build(&opts).unwrap();
    assert!(opts.out.join("phuong-ba-dinh/index.html").is_file());
    assert!(opts.out.join("index.html").is_file());
}

#[test]
fn light_unit_colours_are_darkened_with_a_warning() {
    let f = Fixture::html_only();
    f.write(
        "content/units/xa-ba-vi.yaml",
        &unit("Ủy ban nhân dân xã Ba Vì", "Xã Ba Vì", "xa", "").replace("#0b5394", "#4caf50"),
    );
    let report = f.build_ok();
    let w = report
        .diagnostics
        .iter()
        .find(|d| d.message.contains("contrast"))
        .expect("contrast warning");
    assert_eq!(
        w.location.as_ref().unwrap().file,
        std::path::Path::new("content/units/xa-ba-vi.yaml")
    );
    let html = f.read_out("xa-ba-vi/index.html");
    assert!(!html.contains("--brand:#4caf50"));
    let used = html
        .split("--brand:")
        .nth(1)
        .unwrap()
        .split('}')
        .next()
        .unwrap();
    let rgb = sotay::colour::parse_hex(used).unwrap();
    assert!(sotay::colour::contrast_with_white(rgb) >= 4.5, "{used}");
    // --strict turns the warning into a failure.
    let mut opts = f.options();
    opts.strict = true;
    assert!(sotay::build(&opts).is_err());
}

#[test]
fn the_readme_example_guide_builds() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let example = readme
        .split("```markdown\n")
        .nth(1)
        .expect("example in README")
        .split("\n```\n")
        .next()
        .unwrap();
    let f = Fixture::html_only();
    f.write("content/guides/ho-tich/vi-du.md", &format!("{example}\n"));
    f.image("content/guides/ho-tich/anh/dang-nhap.png", 1080, 2340);
    // The form the example attaches (`forms:`): a PDF is what it says.
    f.write(
        "content/guides/ho-tich/to-khai-khai-sinh.pdf",
        "%PDF-1.4\n%%EOF\n",
    );
    f.write(
        "content/guides/ho-tich/lien-thong-khai-sinh.md",
        &TAM_TRU
            .replace("Chuẩn bị hồ sơ", "Chọn dịch vụ")
            .replace("category: cu-tru", "category: ho-tich"),
    );
    f.write("content/pages/phan-hoi.md", PAGE);
    let site = SITE.replace("    description: \"Mọi người dân.\"\n", "    description: \"Mọi người dân.\"\n  - slug: nguoi-cao-tuoi\n    name: \"Người cao tuổi\"\n    description: \"Người từ 60 tuổi.\"\n");
    f.write("content/site.yaml", &site);
    let report = f.build_ok();
    let about_example: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| {
            d.location
                .as_ref()
                .is_some_and(|l| l.file.ends_with("vi-du.md"))
        })
        .cloned()
        .collect();
    assert!(about_example.is_empty(), "{}", render(&about_example));
    let html = f.read_out("phuong-ba-dinh/huong-dan/vi-du/index.html");
    assert!(html.contains("Làm giấy khai sinh cho con trên điện thoại"));
    assert!(html.contains("id=\"buoc-2-dien-to-khai-va-nop-ho-so\""));
    assert!(html.contains("href=\"../../huong-dan/vi-du/to-khai-khai-sinh.pdf\""));
}

#[test]
fn a_rebuild_rewrites_only_the_files_that_changed() {
    use std::os::unix::fs::MetadataExt;
    let f = Fixture::html_only();
    let first = f.build_ok();
    assert_eq!(first.unchanged, 0);
    let inode = |rel: &str| std::fs::metadata(f.out().join(rel)).unwrap().ino();
    let css = inode("phuong-ba-dinh/assets/style.css");
    let khai_sinh = inode("phuong-ba-dinh/huong-dan/dang-ky-khai-sinh/index.html");
    let tam_tru = inode("phuong-ba-dinh/huong-dan/dang-ky-tam-tru/index.html");
    // Nothing changed: nothing is rewritten.
    let again = f.build_ok();
    assert_eq!(
        again.unchanged, again.files,
        "an unchanged build rewrote files"
    );
    // One guide's text changed: its pages change, unrelated files keep their identity.
    f.write(
        "content/guides/cu-tru/dang-ky-tam-tru.md",
        &TAM_TRU.replace("Trên Cổng.", "Trên Cổng Dịch vụ công quốc gia."),
    );
    let edit = f.build_ok();
    assert_ne!(
        inode("phuong-ba-dinh/huong-dan/dang-ky-tam-tru/index.html"),
        tam_tru
    );
    assert_eq!(inode("phuong-ba-dinh/assets/style.css"), css);
    assert_eq!(
        inode("phuong-ba-dinh/huong-dan/dang-ky-khai-sinh/index.html"),
        khai_sinh
    );
    let changed = edit.files - edit.unchanged;
    assert!(
        changed > 0 && changed * 5 < edit.files,
        "{changed} of {} files rewritten",
        edit.files
    );
}

#[test]
fn a_build_with_nothing_changed_is_skipped_but_repairs_a_damaged_output() {
    let f = Fixture::html_only();
    // No warnings, so the fast path applies.
    f.write(
        "content/units/so-thu-nghiem.yaml",
        &unit("Sở Thử nghiệm Hà Nội", "Sở Thử nghiệm", "so", ""),
    );
    let first = f.build_ok();
    assert!(
        first.diagnostics.is_empty(),
        "{}",
        render(&first.diagnostics)
    );
    let again = f.build_ok();
    assert_eq!(again.outcome, sotay::Outcome::Unchanged);
    assert_eq!(
        (again.files, again.unchanged, again.pages),
        (first.files, first.files, first.pages)
    );
    // A file deleted by hand is noticed and the output rebuilt.
    std::fs::remove_file(f.out().join("xa-ba-vi/index.html")).unwrap();
    let repaired = f.build_ok();
    assert_ne!(repaired.outcome, sotay::Outcome::Unchanged);
    assert!(f.out().join("xa-ba-vi/index.html").is_file());
    // So is one edited by hand (a file of a guide, and a list page).
    let hand = [
        "xa-ba-vi/huong-dan/dang-ky-khai-sinh/index.html",
        "xa-ba-vi/huong-dan/index.html",
    ];
    for rel in hand {
        std::fs::write(f.out().join(rel), "sửa tay").unwrap();
        let repaired = f.build_ok();
        assert_ne!(repaired.outcome, sotay::Outcome::Unchanged, "{rel}");
        assert!(f.read_out(rel).contains("<!doctype html>"), "{rel}");
    }
    let again = f.build_ok();
    assert_eq!(again.outcome, sotay::Outcome::Unchanged);
    // An edit is built.
    f.write(
        "content/pages/an-toan.md",
        &PAGE.replace("Không chia sẻ", "Tuyệt đối không chia sẻ"),
    );
    let edited = f.build_ok();
    assert_ne!(edited.outcome, sotay::Outcome::Unchanged);
    assert!(
        f.read_out("xa-ba-vi/trang/an-toan/index.html")
            .contains("Tuyệt đối không chia sẻ")
    );
}

#[test]
fn each_units_guides_are_in_vietnamese_order_with_its_own_merged_in() {
    // Units are resolved together (central guides sorted once, each
    // unit's own merged in): the order must be that of sorting the unit's
    // guides as a whole.
    let f = Fixture::html_only();
    f.write(
        "content/units/xa-ba-vi/guides/cap-ban-sao.md",
        &HO_KINH_DOANH.replace("Đăng ký hộ kinh doanh", "Cấp bản sao trích lục"),
    );
    f.write(
        "content/units/xa-ba-vi/guides/an-toan-tai-khoan.md",
        &HO_KINH_DOANH.replace("Đăng ký hộ kinh doanh", "Ánh sáng an toàn tài khoản"),
    );
    let sink = sotay::diag::Sink::default();
    let p = sotay::content::load(f.root(), &sink).expect("loads");
    let collation = sotay::text::Collation::default();
    let units: Vec<&sotay::content::Unit> = p.units.iter().collect();
    let all = sotay::resolve::UnitSite::all(&p, &units, &collation);
    for (site, unit) in all.iter().zip(&units) {
        // The unit's published guides, sorted here as a whole.
        let mut sorted: Vec<&sotay::content::Guide> = site.guides.values().copied().collect();
        sorted.sort_by(|a, b| collation.compare(&a.doc.meta.title, &b.doc.meta.title));
        let ordered: Vec<&sotay::content::Guide> = site.ordered().collect();
        assert_eq!(ordered.len(), sorted.len(), "{}", unit.slug);
        for (a, b) in ordered.iter().zip(&sorted) {
            assert!(
                std::ptr::eq(*a, *b),
                "{}: {} / {}",
                unit.slug,
                a.doc.slug,
                b.doc.slug
            );
        }
        let slugs: Vec<&str> = site.ordered().map(|g| g.doc.slug.as_str()).collect();
        if unit.slug == "xa-ba-vi" {
            // A, Á, B, C, Đ… : "Ánh" before "Cấp", "Cấp" before "Đăng".
            let at = |s: &str| slugs.iter().position(|x| *x == s).unwrap();
            assert!(at("an-toan-tai-khoan") < at("cap-ban-sao"), "{slugs:?}");
            assert!(at("cap-ban-sao") < at("dang-ky-khai-sinh"), "{slugs:?}");
            // Its own version of a central guide, not the central one.
            let own = site.guide("dang-ky-tam-tru").unwrap();
            assert!(site.ordered().any(|g| std::ptr::eq(g, own)));
        }
    }
}
