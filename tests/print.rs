//! Print PDFs as a print shop and a reader check them: page boxes in mm,
//! embedded fonts, the Vietnamese text, the QR code, the handbook's contents
//! and page count, and the errors an editor sees. Needs poppler-utils
//! (`.ci/run` installs it); a missing tool fails the test.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Fixture, render};

const PT_PER_MM: f64 = 72.0 / 25.4;

fn poppler(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("{tool} is needed for the print tests (apt-get install poppler-utils): {e}")
    });
    assert!(
        out.status.success(),
        "{tool} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// (width, height) in mm of a box from `pdfinfo -box`, first page.
fn pdf_box(pdf: &Path, name: &str) -> Option<(f64, f64, f64, f64)> {
    let info = poppler("pdfinfo", &["-box", pdf.to_str().unwrap()]);
    let line = info.lines().find(|l| l.starts_with(&format!("{name}:")))?;
    let v: Vec<f64> = line
        .split_whitespace()
        .skip(1)
        .map(|x| x.parse::<f64>().unwrap() / PT_PER_MM)
        .collect();
    Some((v[0], v[1], v[2] - v[0], v[3] - v[1]))
}

fn pages(pdf: &Path) -> usize {
    poppler("pdfinfo", &[pdf.to_str().unwrap()])
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("page count")
}

fn text(pdf: &Path, page: Option<usize>) -> String {
    let mut args = vec![];
    let p = page.map(|p| p.to_string());
    if let Some(p) = &p {
        args.extend(["-f", p.as_str(), "-l", p.as_str()]);
    }
    args.extend([pdf.to_str().unwrap(), "-"]);
    poppler("pdftotext", &args)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.2
}

#[test]
fn every_format_has_its_trim_size_with_and_without_bleed() {
    let f = Fixture::new();
    f.write(
        "content/print/in-nhanh.yaml",
        "name: \"In nhanh Ba Đình\"\nbleed_mm: 5\nmarks: crop+registration\n",
    );
    f.write(
        "content/print/khong-xen.yaml",
        "name: \"In văn phòng\"\nbleed_mm: 0\nmarks: none\n",
    );
    let unit = "content/units/phuong-ba-dinh.yaml";
    let text_of = std::fs::read_to_string(f.root().join(unit)).unwrap();
    f.write(unit, &format!("{text_of}print_shop: in-nhanh\n"));
    let unit = "content/units/xa-ba-vi.yaml";
    let text_of = std::fs::read_to_string(f.root().join(unit)).unwrap();
    f.write(unit, &format!("{text_of}print_shop: khong-xen\n"));
    f.build_ok();
    let out = f.out();
    let formats = [
        ("dang-ky-khai-sinh-to-gap-ba", 297.0, 210.0),
        ("dang-ky-khai-sinh-to-roi-a5", 148.0, 210.0),
    ];
    for unit in ["phuong-ba-dinh", "xa-ba-vi", "so-thu-nghiem"] {
        let mut docs: Vec<(String, f64, f64)> = formats
            .iter()
            .map(|(n, w, h)| (n.to_string(), *w, *h))
            .collect();
        docs.push((format!("so-tay-{unit}"), 148.0, 210.0));
        for (name, w, h) in &docs {
            // Download: exactly the trim size, no bleed.
            let dl = out.join(format!("{unit}/in-an/{name}.pdf"));
            let (_, _, mw, mh) = pdf_box(&dl, "MediaBox").unwrap();
            assert!(close(mw, *w) && close(mh, *h), "{dl:?}: {mw}x{mh} mm");
            // Press: trim + bleed (+ a 9 mm zone for marks), TrimBox at the trim size.
            let press = out.join(format!("{unit}/in-an/nha-in/{name}.pdf"));
            let (bleed, zone) = match unit {
                "phuong-ba-dinh" => (5.0, 9.0),
                "xa-ba-vi" => (0.0, 0.0),
                _ => (3.0, 9.0), // the built-in default profile
            };
            let (_, _, mw, mh) = pdf_box(&press, "MediaBox").unwrap();
            let edge = 2.0 * (bleed + zone);
            assert!(
                close(mw, w + edge) && close(mh, h + edge),
                "{press:?}: media {mw}x{mh} mm, want {}x{}",
                w + edge,
                h + edge
            );
            let (tx, ty, tw, th) = pdf_box(&press, "TrimBox").unwrap();
            assert!(close(tw, *w) && close(th, *h), "{press:?}: trim {tw}x{th}");
            assert!(close(tx, bleed + zone) && close(ty, bleed + zone));
        }
        assert_eq!(
            pages(&out.join(format!("{unit}/in-an/{}.pdf", formats[0].0))),
            2
        );
        assert_eq!(
            pages(&out.join(format!("{unit}/in-an/{}.pdf", formats[1].0))),
            2
        );
    }
}

#[test]
fn fonts_are_embedded_and_the_text_is_the_guides_vietnamese() {
    let f = Fixture::new();
    f.build_ok();
    for rel in [
        "phuong-ba-dinh/in-an/dang-ky-khai-sinh-to-gap-ba.pdf",
        "phuong-ba-dinh/in-an/nha-in/dang-ky-khai-sinh-to-roi-a5.pdf",
        "phuong-ba-dinh/in-an/so-tay-phuong-ba-dinh.pdf",
    ] {
        let pdf = f.out().join(rel);
        let fonts = poppler("pdffonts", &[pdf.to_str().unwrap()]);
        let rows: Vec<&str> = fonts.lines().skip(2).collect();
        assert!(!rows.is_empty(), "{rel}: no fonts");
        for row in rows {
            let cols: Vec<&str> = row.split_whitespace().collect();
            // name type... emb sub uni object ID: emb is 5th from the end.
            assert_eq!(cols[cols.len() - 5], "yes", "{rel}: not embedded: {row}");
            assert!(row.contains("BeVietnamPro"), "{rel}: {row}");
        }
        let t = text(&pdf, None);
        let joined = t.split_whitespace().collect::<Vec<_>>().join(" ");
        for want in [
            "Đăng ký khai sinh trực tuyến",
            "Đăng nhập Cổng Dịch vụ công",
            "Nộp hồ sơ",
            "Ủy ban nhân dân phường Ba Đình",
            "Hành chính thông minh - Tận tâm phục vụ",
            "mã OTP",
        ] {
            assert!(
                joined.contains(want),
                "{rel}: missing {want:?} in\n{joined}"
            );
        }
        use unicode_normalization::UnicodeNormalization;
        assert_eq!(t.nfc().collect::<String>(), t, "{rel}: text is not NFC");
    }
}

#[test]
fn the_qr_code_decodes_to_the_guide_page() {
    let f = Fixture::new();
    f.build_ok();
    for (rel, page) in [
        ("phuong-ba-dinh/in-an/dang-ky-khai-sinh-to-gap-ba.pdf", 1),
        (
            "phuong-ba-dinh/in-an/nha-in/dang-ky-khai-sinh-to-roi-a5.pdf",
            1,
        ),
    ] {
        let urls = common::qr::in_pdf_page(&f.out().join(rel), page, f.root());
        assert_eq!(
            urls,
            vec!["https://sotay.example.vn/phuong-ba-dinh/huong-dan/dang-ky-khai-sinh/"],
            "{rel}"
        );
    }
}

#[test]
fn the_handbook_pads_to_four_and_its_contents_point_to_the_right_pages() {
    let f = Fixture::new();
    f.build_ok();
    for unit in ["phuong-ba-dinh", "xa-ba-vi", "so-thu-nghiem"] {
        for rel in [
            format!("{unit}/in-an/so-tay-{unit}.pdf"),
            format!("{unit}/in-an/nha-in/so-tay-{unit}.pdf"),
        ] {
            let pdf = f.out().join(&rel);
            let n = pages(&pdf);
            assert_eq!(n % 4, 0, "{rel}: {n} pages");
            let toc = text(&pdf, Some(2)).replace('\u{2060}', "");
            assert!(toc.contains("Mục lục"), "{rel}: page 2 is not the contents");
            let mut entries = 0;
            for line in toc.lines() {
                let line = line.trim();
                let Some((title, num)) = line.rsplit_once(' ') else {
                    continue;
                };
                let Ok(num) = num.parse::<usize>() else {
                    continue;
                };
                let title = title.trim_end_matches(['.', ' ']).trim();
                if title.is_empty() {
                    continue;
                }
                entries += 1;
                let page = text(&pdf, Some(num));
                let flat = page.split_whitespace().collect::<Vec<_>>().join(" ");
                assert!(
                    flat.contains(title),
                    "{rel}: contents say {title:?} is on page {num}, which reads:\n{flat}"
                );
            }
            // Audiences and the guides under them.
            assert!(
                entries >= 3,
                "{rel}: contents has {entries} entries:\n{toc}"
            );
        }
    }
    // xa-ba-vi's own guide is in its handbook.
    let t = text(&f.out().join("xa-ba-vi/in-an/so-tay-xa-ba-vi.pdf"), None);
    assert!(t.contains("Nhờ Tổ công nghệ số hỗ trợ"));
}

#[test]
fn every_typst_special_character_prints_as_written() {
    let f = Fixture::new();
    let specials = r"Ký hiệu: \#nhãn \*sao\* \_gạch\_ $x$ @ref \<thẻ> \[a\] {b} ~ / \\ = + 1. 2) -- ... // /\* %& | ^ !? `lệnh`";
    f.write(
        "content/guides/ho-tich/dang-ky-khai-sinh.md",
        &common::KHAI_SINH.replace(
            "## Bước 2: Nộp hồ sơ\n",
            &format!("## Bước 2: Nộp hồ sơ\n\n{specials}\n"),
        ),
    );
    f.build_ok();
    let want = "Ký hiệu: #nhãn *sao* _gạch_ $x$ @ref <thẻ> [a] {b} ~ / \\ = + 1. 2) -- ... // /* %& | ^ !? lệnh";
    for rel in [
        "phuong-ba-dinh/in-an/dang-ky-khai-sinh-to-gap-ba.pdf",
        "phuong-ba-dinh/in-an/dang-ky-khai-sinh-to-roi-a5.pdf",
    ] {
        let t = text(&f.out().join(rel), None);
        let flat = t.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains(want), "{rel}: want\n{want}\nin\n{flat}");
    }
}

#[test]
fn too_many_documents_for_the_flap_are_reported_naming_the_panel() {
    let f = Fixture::new();
    let docs: String = (1..=40)
        .map(|i| {
            format!("  - \"Bản sao giấy tờ số {i} có chứng thực của cơ quan có thẩm quyền\"\n")
        })
        .collect();
    f.write(
        "content/guides/ho-tich/dang-ky-khai-sinh.md",
        &common::KHAI_SINH.replace(
            "documents:\n  - \"Giấy chứng sinh\"\n",
            &format!("documents:\n{docs}"),
        ),
    );
    let shown = render(&f.build_ok().diagnostics);
    assert!(
        shown.contains(
            "does not fit the Tờ gấp ba A4 (the inside flap: fee, time, place and what to prepare)"
        ) && shown.contains("even as step titles only at 8 pt"),
        "{shown}"
    );
}

#[test]
fn same_input_gives_the_same_pdf_bytes() {
    // Two separate projects (two caches), the same content.
    let a = Fixture::new();
    let b = Fixture::new();
    a.build_ok();
    b.build_ok();
    for rel in [
        "phuong-ba-dinh/in-an/dang-ky-khai-sinh-to-gap-ba.pdf",
        "phuong-ba-dinh/in-an/nha-in/dang-ky-khai-sinh-to-roi-a5.pdf",
        "xa-ba-vi/in-an/so-tay-xa-ba-vi.pdf",
    ] {
        let x = std::fs::read(a.out().join(rel)).unwrap();
        let y = std::fs::read(b.out().join(rel)).unwrap();
        assert!(x == y, "{rel} differs between two builds");
        // No creation date unless a print-shop profile asks for it.
        assert!(!x.windows(13).any(|w| w == b"/CreationDate"), "{rel}");
    }
}

#[test]
fn a_second_build_takes_pdfs_from_the_cache_and_an_edit_redoes_only_its_guide() {
    let f = Fixture::new();
    let first = f.build_ok();
    assert!(first.pdfs > 0 && first.pdfs_rendered == first.pdfs);
    // Edit one guide's text: its leaflets and the handbooks that hold it are redone.
    let g = "content/guides/cu-tru/dang-ky-tam-tru.md";
    let old = std::fs::read_to_string(f.root().join(g)).unwrap();
    f.write(g, &old.replace("Trên Cổng.", "Trên Cổng Dịch vụ công."));
    let second = f.build_ok();
    assert_eq!(second.pdfs, first.pdfs);
    assert!(
        second.pdfs_rendered > 0 && second.pdfs_rendered < first.pdfs / 2,
        "{} of {} laid out again",
        second.pdfs_rendered,
        second.pdfs
    );
    // A corrupt cache entry is ignored, not printed.
    for e in std::fs::read_dir(f.root().join(".sotay-cache/render")).unwrap() {
        std::fs::write(e.unwrap().path(), b"not a pdf").unwrap();
    }
    f.write(g, &old);
    let third = f.build_ok();
    assert_eq!(third.pdfs_rendered, third.pdfs);
    let pdf = std::fs::read(
        f.out()
            .join("phuong-ba-dinh/in-an/dang-ky-tam-tru-to-gap-ba.pdf"),
    )
    .unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
}

/// The (device, inode) of a file: hard links share it.
#[cfg(unix)]
fn identity(p: &Path) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(p).unwrap();
    (m.dev(), m.ino())
}

#[cfg(unix)]
#[test]
fn a_pdf_is_on_disk_once_and_one_changed_in_the_output_is_made_again() {
    let f = Fixture::new();
    f.build_ok();
    let unit = f
        .out()
        .join("phuong-ba-dinh/in-an/dang-ky-khai-sinh-to-gap-ba.pdf");
    let cached: Vec<PathBuf> = std::fs::read_dir(f.root().join(".sotay-cache/render"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| identity(p) == identity(&unit))
        .collect();
    assert_eq!(cached.len(), 1, "the unit's PDF is its cache entry, linked");
    let shop = walkdir::WalkDir::new(f.out().join("nha-in"))
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| {
            e.path()
                .ends_with("phuong-ba-dinh/dang-ky-khai-sinh-to-roi-a5.pdf")
        })
        .expect("the print shop's folder has the unit's press PDF");
    let press = f
        .out()
        .join("phuong-ba-dinh/in-an/nha-in/dang-ky-khai-sinh-to-roi-a5.pdf");
    assert_eq!(identity(shop.path()), identity(&press));

    // A webmaster's tool rewrites the PDF in place (through the link, the
    // cache entry too): the next build notices and makes it again.
    let right = std::fs::read(&unit).unwrap();
    let other = std::fs::read(
        f.out()
            .join("phuong-ba-dinh/in-an/dang-ky-tam-tru-to-gap-ba.pdf"),
    )
    .unwrap();
    std::fs::write(&unit, &other).unwrap();
    let again = f.build_ok();
    assert!(again.pdfs_rendered >= 1, "{again:?}");
    assert!(
        std::fs::read(&unit).unwrap() == right,
        "the leaflet is made again"
    );
}

#[test]
fn guide_pages_and_the_home_page_link_to_the_pdfs() {
    let f = Fixture::new();
    f.build_ok();
    let page = f.read_out("phuong-ba-dinh/huong-dan/dang-ky-khai-sinh/index.html");
    assert!(page.contains("Tải tờ rơi (PDF)"));
    assert!(
        page.contains("href=\"../../in-an/dang-ky-khai-sinh-to-gap-ba.pdf\""),
        "{page}"
    );
    assert!(page.contains("href=\"../../in-an/dang-ky-khai-sinh-to-roi-a5.pdf\""));
    let home = f.read_out("phuong-ba-dinh/index.html");
    assert!(
        home.contains("href=\"in-an/so-tay-phuong-ba-dinh.pdf\""),
        "{home}"
    );
    assert!(home.contains("href=\"in-an/index.html\""));
    let index = f.read_out("phuong-ba-dinh/in-an/index.html");
    assert!(index.contains("nha-in/dang-ky-khai-sinh-to-gap-ba.pdf"));
    assert!(index.contains("3 mm"), "{index}");
    for unit in ["phuong-ba-dinh", "xa-ba-vi", "so-thu-nghiem"] {
        common::assert_links_resolve(f.root(), &f.out(), unit);
    }
}

#[test]
fn the_download_pdf_is_tagged_with_title_author_and_language() {
    let f = Fixture::new();
    f.build_ok();
    let pdf = f
        .out()
        .join("phuong-ba-dinh/in-an/dang-ky-khai-sinh-to-gap-ba.pdf");
    let info = poppler("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(info.contains("Tagged:          yes"), "{info}");
    assert!(info.contains("Title:           Đăng ký khai sinh trực tuyến – Tờ gấp ba A4"));
    assert!(info.contains("Author:          Ủy ban nhân dân phường Ba Đình"));
    let bytes = std::fs::read(&pdf).unwrap();
    let has = |s: &[u8]| bytes.windows(s.len()).any(|w| w == s);
    assert!(has(b"pdfuaid"), "no PDF/UA identification");
    assert!(has(b"/Lang"), "no document language");
    // The press version is the print shop's: no tags needed, no links.
    let press = f
        .out()
        .join("phuong-ba-dinh/in-an/nha-in/dang-ky-khai-sinh-to-gap-ba.pdf");
    let info = poppler("pdfinfo", &[press.to_str().unwrap()]);
    assert!(info.contains("Tagged:          no"), "{info}");
}

#[test]
fn bad_print_shop_profiles_are_errors_with_file_and_line() {
    let f = Fixture::new();
    f.write(
        "content/print/in-nhanh.yaml",
        "name: \"In nhanh\"\nbleed_mm: 2\nmarks: crops\n",
    );
    let unit = "content/units/xa-ba-vi.yaml";
    let text_of = std::fs::read_to_string(f.root().join(unit)).unwrap();
    f.write(unit, &format!("{text_of}print_shop: in-nhan\n"));
    let shown = render(&f.build_err());
    assert!(shown.contains("content/print/in-nhanh.yaml:2"), "{shown}");
    assert!(shown.contains("bleed of 2 mm is not offered"), "{shown}");
    assert!(
        shown.contains("content/print/in-nhanh.yaml:3") && shown.contains("did you mean `crop`?"),
        "{shown}"
    );
    assert!(
        shown.contains("no print shop `in-nhan`") && shown.contains("did you mean `in-nhanh`?"),
        "{shown}"
    );
}

#[test]
fn a_low_resolution_image_warns_for_print() {
    let f = Fixture::new();
    // 300 px wide, landscape: placed 110 mm wide in the handbook = 69 dpi.
    f.image("content/guides/ho-tich/anh/dang-nhap.png", 300, 200);
    let report = f.build_ok();
    let shown = render(&report.diagnostics);
    assert!(
        shown.contains("would print at 69 dpi")
            && shown.contains("content/guides/ho-tich/dang-ky-khai-sinh.md"),
        "{shown}"
    );
}

#[test]
fn html_only_builds_no_pdfs_and_links_none() {
    let f = Fixture::new();
    f.write(
        "content/infographics/khai-sinh.yaml",
        "title: \"Khai sinh trực tuyến\"\nguide: dang-ky-khai-sinh\n",
    );
    let mut o = f.options();
    o.media = sotay::Media::Skip;
    let report = sotay::build(&o).unwrap_or_else(|e| panic!("{}", render(&e.diagnostics)));
    assert_eq!(report.pdfs + report.images, 0);
    assert!(!f.out().join("phuong-ba-dinh/in-an").exists());
    let page = f.read_out("phuong-ba-dinh/huong-dan/dang-ky-khai-sinh/index.html");
    assert!(
        !page.contains(".pdf") && !page.contains("og:image"),
        "{page}"
    );
    for unit in ["phuong-ba-dinh", "xa-ba-vi", "so-thu-nghiem"] {
        common::assert_links_resolve(f.root(), &f.out(), unit);
    }
    // A full build after it is not skipped as unchanged.
    let full = f.build_ok();
    assert!(full.pdfs > 0);
}

/// The print stage's PDFs of one unit (download and press).
fn print_pdfs_of(f: &Fixture, unit: &str) -> usize {
    walkdir::WalkDir::new(f.out().join(unit).join("in-an"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "pdf"))
        .count()
}

#[test]
fn a_units_edit_lays_out_its_pdfs_alone_and_a_new_slogan_only_what_shows_it() {
    let f = Fixture::new();
    // The A5 leaflet of this theme does not show the slogan.
    let a5 = "themes/default/print/to-roi-a5.typ";
    let text = std::fs::read_to_string(f.root().join(a5)).unwrap();
    let shown = "align(center, text(weight: \"bold\", fill: c.brand, d.slogan))";
    assert!(text.contains(shown));
    f.write(a5, &text.replace(shown, "[]"));
    let first = f.build_ok();
    assert_eq!(first.pdfs_rendered, first.pdfs);

    let unit = "content/units/xa-ba-vi.yaml";
    let u = std::fs::read_to_string(f.root().join(unit)).unwrap();
    f.write(unit, &u.replace("hotline: \"", "hotline: \"0243 "));
    let second = f.build_ok();
    let xa = print_pdfs_of(&f, "xa-ba-vi");
    assert!(xa > 0);
    assert_eq!(
        second.pdfs_rendered, xa,
        "only xa-ba-vi's PDFs are laid out again"
    );

    let site = "content/site.yaml";
    let s = std::fs::read_to_string(f.root().join(site)).unwrap();
    let slogan = s
        .lines()
        .find(|l| l.starts_with("slogan:"))
        .expect("the fixture has a slogan");
    f.write(
        site,
        &s.replace(slogan, "slogan: \"Dịch vụ công trực tuyến cho mọi người\""),
    );
    let third = f.build_ok();
    let a5_pdfs = walkdir::WalkDir::new(f.out())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name().to_string_lossy();
            name.ends_with("-to-roi-a5.pdf") && e.path().to_string_lossy().contains("/in-an/")
        })
        .count();
    assert!(a5_pdfs > 0);
    assert_eq!(
        third.pdfs_rendered,
        third.pdfs - a5_pdfs,
        "every PDF but the A5 leaflets shows the slogan"
    );
}

/// Every page of a PDF as greyscale pixels at `dpi`.
fn pixels(pdf: &Path, dpi: u32) -> Vec<Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("p");
    poppler(
        "pdftoppm",
        &[
            "-r",
            &dpi.to_string(),
            "-gray",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    pages.sort();
    pages.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

/// Assert two PDFs have the same pages, pixel for pixel at 50 dpi;
/// how many pages they have.
fn assert_same_pages(ours: &Path, theirs: &Path) -> usize {
    let (x, y) = (pixels(ours, 50), pixels(theirs, 50));
    assert_eq!(x.len(), y.len(), "{ours:?}: page count");
    for (k, (p, q)) in x.iter().zip(&y).enumerate() {
        assert!(
            p == q,
            "{ours:?} page {} differs from the whole layout",
            k + 1
        );
    }
    x.len()
}

/// A press PDF merged from the guide's PDF and the unit's slots
/// (src/print/merge.rs), with the boxes a print shop reads of the one laid
/// out whole and no transparency group (a press would blend and separate
/// the page in its colour space).
fn assert_merged_like(ours: &Path, whole: &Path) {
    let bytes = std::fs::read(ours).unwrap();
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    assert!(has(b"/SotayGuide"), "{ours:?} is not merged");
    assert!(!has(b"/Group"), "{ours:?} has a transparency group");
    let boxes = |pdf: &Path| -> Vec<String> {
        poppler("pdfinfo", &["-box", pdf.to_str().unwrap()])
            .lines()
            .filter(|l| l.contains("Box:"))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(boxes(ours), boxes(whole), "{ours:?}: its boxes");
}

/// A tagged PDF's structure tree with its text (`pdfinfo -struct-text`; as
/// bytes: poppler prints titles in UTF-16).
fn struct_tree(pdf: &Path) -> Vec<u8> {
    let out = Command::new("pdfinfo")
        .args(["-struct-text", pdf.to_str().unwrap()])
        .output()
        .expect("pdfinfo is needed for the print tests (apt-get install poppler-utils)");
    assert!(out.status.success(), "pdfinfo -struct-text {pdf:?}");
    out.stdout
}

/// The fixture with xa-ba-vi in a colour of its own (so composing swaps
/// colours), a web link in khai sinh's steps and `print:` settings
/// appended to site.yaml.
fn fixture_with_print(print: &str) -> Fixture {
    let f = Fixture::new();
    f.edit("content/units/xa-ba-vi.yaml", "#0b5394", "#8a3b12");
    // A web link: its underline's colour is in the tagged PDF's structure.
    let step = "## Bước 2: Nộp hồ sơ\n";
    f.edit(
        "content/guides/ho-tich/dang-ky-khai-sinh.md",
        step,
        &format!("{step}\nNộp trên [Cổng Dịch vụ công](https://dichvucong.gov.vn/).\n"),
    );
    let site = "content/site.yaml";
    let s = std::fs::read_to_string(f.root().join(site)).unwrap();
    assert!(
        !s.contains("\nprint:"),
        "the fixture's site.yaml has print: already"
    );
    f.write(site, &format!("{s}\nprint:\n{print}"));
    f
}

/// A unit's leaflets (no handbooks) of one variant: `in-an` for download,
/// `in-an/nha-in` for the press.
fn leaflets_in(out: &Path, unit: &str, dir: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(out.join(unit).join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.ends_with(".pdf") && !name.starts_with("so-tay")
        })
        .collect();
    v.sort();
    v
}

#[test]
fn composed_leaflets_look_and_read_exactly_like_ones_laid_out_whole() {
    let composed = fixture_with_print("  compose: true\n");
    let whole = fixture_with_print("  compose: false\n");
    let a = composed.build_ok();
    let b = whole.build_ok();
    assert_eq!(a.pdfs, b.pdfs);
    let mut pages = 0;
    let mut tagged = 0;
    let units = ["phuong-ba-dinh", "xa-ba-vi"];
    for (unit, dir) in units
        .iter()
        .flat_map(|u| [(*u, "in-an"), (*u, "in-an/nha-in")])
    {
        let leaflets = leaflets_in(&composed.out(), unit, dir);
        assert!(leaflets.len() >= 6, "{unit}: {leaflets:?}");
        for pdf in leaflets {
            let rel = pdf.strip_prefix(composed.out()).unwrap();
            let theirs = whole.out().join(rel);
            pages += assert_same_pages(&pdf, &theirs);
            if dir == "in-an" {
                // The tagged PDF's structure, its reading order and text.
                let ours = struct_tree(&pdf);
                assert!(ours.windows(3).any(|w| w == b"H1 "), "{rel:?}: no H1");
                assert!(
                    ours == struct_tree(&theirs),
                    "{rel:?}: the tags differ from the whole layout"
                );
                tagged += 1;
            }
            if dir == "in-an/nha-in" {
                assert_merged_like(&pdf, &theirs);
            }
            let info = poppler("pdfinfo", &[pdf.to_str().unwrap()]);
            let name = if unit == "xa-ba-vi" {
                "Ủy ban nhân dân xã Ba Vì"
            } else {
                "Ủy ban nhân dân phường Ba Đình"
            };
            assert!(
                info.contains(&format!("Author:          {name}")),
                "{rel:?}: {info}"
            );
        }
    }
    assert!(pages >= 48, "{pages} pages compared");
    assert!(tagged >= 12, "{tagged} tagged PDFs compared");
}

/// `fixture_with_print`, with handbooks only (no leaflet formats) and two
/// more units that publish phuong-ba-dinh's guides: one in its colour
/// (their handbooks share one layout), one in a colour of its own. Their
/// contact blocks differ.
fn fixture_with_handbooks(print: &str) -> Fixture {
    let f = fixture_with_print(print);
    let formats = "themes/default/print/formats.yaml";
    let theme = std::fs::read_to_string(f.root().join(formats)).unwrap();
    let handbook = theme.find("  - slug: so-tay\n").unwrap();
    let after = theme.find("  - slug: so-tay-chu-to\n").unwrap();
    let rest = theme.find("# Base text sizes").unwrap();
    let only = format!("formats:\n{}{}", &theme[handbook..after], &theme[rest..]);
    f.write(formats, &only);
    let hoan_kiem = common::unit(
        "Ủy ban nhân dân phường Hoàn Kiếm",
        "Phường Hoàn Kiếm",
        "phuong",
        "email: \"mot-cua@example.vn\"\n",
    );
    f.write("content/units/phuong-hoan-kiem.yaml", &hoan_kiem);
    let cua_nam = common::unit(
        "Ủy ban nhân dân phường Cửa Nam",
        "Phường Cửa Nam",
        "phuong",
        "",
    )
    .replace("#0b5394", "#2e7d32");
    f.write("content/units/phuong-cua-nam.yaml", &cua_nam);
    f
}

#[test]
fn composed_handbooks_look_and_read_exactly_like_ones_laid_out_whole() {
    let composed = fixture_with_handbooks("  compose: true\n");
    let whole = fixture_with_handbooks("  compose: false\n");
    let a = composed.build_ok();
    let b = whole.build_ok();
    assert_eq!(a.pdfs, b.pdfs);
    // Laid out whole, each of the five units' handbooks is a layout of its
    // own; composed, the three units with the same guides share theirs.
    assert_eq!(b.layouts, b.pdfs, "whole: {b:?}");
    assert!(a.layouts < b.layouts, "composed {a:?}, whole {b:?}");
    let mut pages = 0;
    let units = [
        ("phuong-ba-dinh", "phường Ba Đình"),
        ("phuong-hoan-kiem", "phường Hoàn Kiếm"),
        ("phuong-cua-nam", "phường Cửa Nam"),
    ];
    for (unit, name) in units {
        for dir in ["in-an", "in-an/nha-in"] {
            let rel = format!("{unit}/{dir}/so-tay-{unit}.pdf");
            let (ours, theirs) = (composed.out().join(&rel), whole.out().join(&rel));
            let n = assert_same_pages(&ours, &theirs);
            assert!(n.is_multiple_of(4) && n >= 8, "{rel}: {n} pages");
            pages += n;
            if dir == "in-an" {
                assert!(
                    struct_tree(&ours) == struct_tree(&theirs),
                    "{rel}: the tags differ from the whole layout"
                );
            } else if unit != "phuong-cua-nam" {
                // Cửa Nam's colour is its own: its book is laid out whole.
                assert_merged_like(&ours, &theirs);
            }
            // The unit's own name in the PDF's title and author.
            let info = poppler("pdfinfo", &[ours.to_str().unwrap()]);
            for line in [
                format!("Title:           Sổ tay A5 đóng ghim giữa – Ủy ban nhân dân {name}"),
                format!("Author:          Ủy ban nhân dân {name}"),
            ] {
                assert!(info.contains(&line), "{rel}: {info}");
            }
        }
    }
    assert!(pages >= 48, "{pages} pages compared");
    // Each unit's own contact block and QR codes are in its handbook.
    let cover = text(
        &composed
            .out()
            .join("phuong-hoan-kiem/in-an/so-tay-phuong-hoan-kiem.pdf"),
        Some(1),
    );
    assert!(cover.contains("mot-cua@example.vn"), "{cover}");
    assert!(cover.contains("PHƯỜNG HOÀN KIẾM"), "{cover}");
    // The press copy reads the same: the unit's slots and the guides' text.
    let press = text(
        &composed
            .out()
            .join("phuong-hoan-kiem/in-an/nha-in/so-tay-phuong-hoan-kiem.pdf"),
        None,
    );
    for words in [
        "mot-cua@example.vn",
        "PHƯỜNG HOÀN KIẾM",
        "Các bước thực hiện",
    ] {
        assert!(press.contains(words), "{words}: {press}");
    }
}

#[test]
fn a_handbook_that_cannot_be_made_is_reported_by_print_alone() {
    // A template that no longer pads to a multiple of four pages: each
    // handbook is refused, and the print orders leave it out instead of
    // reporting it again as a file they cannot read.
    let f = Fixture::new();
    f.edit(
        "themes/default/print/so-tay.typ",
        "let pad = calc.rem(4 - calc.rem(last + 1, 4), 4)",
        "let pad = 4 - calc.rem(last + 1, 4) + 1",
    );
    let shown = render(&f.build_err());
    assert!(shown.contains("not a multiple of 4"), "{shown}");
    assert!(!shown.contains("print order"), "{shown}");
}

#[test]
fn a_template_that_shows_a_units_data_outside_its_slots_still_prints_each_units() {
    let f = fixture_with_print("  compose: true\n");
    f.edit(
        "content/units/xa-ba-vi.yaml",
        "hotline: \"1022\"",
        "hotline: \"0243 999 888\"",
    );
    let help = "section-label(d)[Cần hỗ trợ?]";
    f.edit(
        "themes/default/print/to-gap-ba.typ",
        help,
        &format!("{help}\n      [Gọi số #d.unit.hotline]"),
    );
    f.build_ok();
    for (unit, hotline) in [("xa-ba-vi", "0243 999 888"), ("phuong-ba-dinh", "1022")] {
        let pdf = f
            .out()
            .join(unit)
            .join("in-an/nha-in/dang-ky-khai-sinh-to-gap-ba.pdf");
        let words = text(&pdf, Some(1))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            words.contains(&format!("Gọi số {hotline}")),
            "{unit}: {words}"
        );
    }
}

#[test]
fn a_slot_that_shows_the_guides_steps_still_prints_them() {
    // The slots' document leaves the steps out (no slot of the default
    // theme shows them): one that reads them is laid out whole.
    let f = fixture_with_print("  compose: true\n");
    f.edit(
        "themes/default/print/to-gap-ba.typ",
        "upper(d.unit.name))),",
        "[#upper(d.unit.name) · #d.steps.len() bước])),",
    );
    f.build_ok();
    for unit in ["xa-ba-vi", "phuong-ba-dinh"] {
        let pdf = f
            .out()
            .join(unit)
            .join("in-an/nha-in/dang-ky-khai-sinh-to-gap-ba.pdf");
        let words: Vec<String> = text(&pdf, Some(1))
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        let at = words.iter().position(|w| w == "bước");
        let steps = at.and_then(|k| words.get(k.checked_sub(1)?)?.parse::<usize>().ok());
        assert!(steps.is_some_and(|n| n > 0), "{unit}: {words:?}");
    }
}

#[test]
fn a_units_address_too_long_for_its_slot_is_one_problem_at_its_unit_file() {
    let f = Fixture::new();
    let long = "Thôn Đông Cao, đường liên xã, cạnh nhà văn hoá và trạm y tế, ".repeat(12);
    f.edit(
        "content/units/xa-ba-vi.yaml",
        "address: \"Bộ phận Một cửa, Xã Ba Vì\"",
        &format!("address: \"{long}\""),
    );
    // An overflow leaves the rest published: the build succeeds with it.
    let ds = f.build_ok().diagnostics;
    let mine: Vec<&sotay::Diagnostic> = ds
        .iter()
        .filter(|d| d.units.contains(&"xa-ba-vi".to_owned()))
        .collect();
    assert_eq!(mine.len(), 1, "{}", render(&ds));
    let shown = render(&ds);
    assert!(
        shown.contains(
            "the unit `xa-ba-vi` does not fit the unit's contact block on the Tờ gấp ba A4"
        ),
        "{shown}"
    );
    assert!(shown.contains("content/units/xa-ba-vi.yaml"), "{shown}");
    // Its handbooks still print, with the whole address: a book's pages
    // flow, so its contact blocks grow instead of overflowing.
    for dir in ["in-an", "in-an/nha-in"] {
        let book = f.out().join(format!("xa-ba-vi/{dir}/so-tay-xa-ba-vi.pdf"));
        let words = text(&book, None)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let whole = long.trim_end_matches([',', ' ']);
        assert_eq!(words.matches(whole).count(), 2, "{dir}: {words}");
    }
    // The other units' leaflets are made.
    let other = f
        .out()
        .join("phuong-ba-dinh/in-an/nha-in/dang-ky-khai-sinh-to-gap-ba.pdf");
    assert!(other.exists());
}
