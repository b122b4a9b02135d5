//! Infographics, social images and link previews, checked as a user would:
//! every raster has its size, text stays inside the canvas and off other text
//! (read from the layout), a text that cannot fit fails at its line, the web
//! page carries a text alternative, and guide pages have link previews.

mod common;

use common::{Fixture, build_date, pdf_text, render};

const SPEC: &str = r#"title: "3 bước đăng ký khai sinh trực tuyến"
subtitle: "Làm tại nhà, không mất lệ phí nếu đúng hạn."
guide: dang-ky-khai-sinh
steps:
  - icon: login
    text: "Đăng nhập Cổng Dịch vụ công quốc gia bằng tài khoản VNeID"
  - icon: file-upload
    text: "Điền tờ khai, đính kèm ảnh Giấy chứng sinh và nộp hồ sơ"
  - icon: certificate
    text: "Nhận Giấy khai sinh bản điện tử và bản giấy"
callouts:
  - "Không đọc mã OTP cho bất kỳ ai"
"#;

fn fixture() -> Fixture {
    let f = Fixture::new();
    f.write("content/infographics/khai-sinh.yaml", SPEC);
    f
}

#[test]
fn every_raster_has_its_size_and_the_posters_their_paper() {
    let f = fixture();
    f.build_ok();
    for unit in ["phuong-ba-dinh", "xa-ba-vi", "so-thu-nghiem"] {
        let dir = f.out().join(format!("{unit}/do-hoa/khai-sinh"));
        for (name, w, h) in [
            ("vuong-1080x1080.png", 1080, 1080),
            ("doc-1080x1920.png", 1080, 1920),
            ("ngang-1920x1080.png", 1920, 1080),
            ("xem-truoc-1200x630.png", 1200, 630),
        ] {
            let dims = image::image_dimensions(dir.join(name)).unwrap();
            assert_eq!(dims, (w, h), "{unit}/{name}");
        }
        // Every guide page's link preview.
        for g in ["dang-ky-khai-sinh", "dang-ky-ho-kinh-doanh"] {
            let p = f.out().join(format!("{unit}/huong-dan/{g}/xem-truoc.png"));
            assert_eq!(image::image_dimensions(&p).unwrap(), (1200, 630), "{p:?}");
        }
        assert!(dir.join("khai-sinh.svg").is_file());
        for (pdf, w, h) in [
            ("ap-phich-a3.pdf", 297.0, 420.0),
            ("ap-phich-a2.pdf", 420.0, 594.0),
        ] {
            // The download poster's MediaBox is the paper size (poppler).
            let out = std::process::Command::new("pdfinfo")
                .arg(dir.join(pdf))
                .output()
                .expect("pdfinfo is needed (apt-get install poppler-utils)");
            let info = String::from_utf8_lossy(&out.stdout);
            let size = info
                .lines()
                .find_map(|l| l.strip_prefix("Page size:"))
                .expect("page size");
            let nums: Vec<f64> = size
                .split_whitespace()
                .filter_map(|x| x.parse().ok())
                .collect();
            let mm = |pt: f64| pt * 25.4 / 72.0;
            assert!(
                (mm(nums[0]) - w).abs() < 0.2 && (mm(nums[1]) - h).abs() < 0.2,
                "{unit}/{pdf}: {size}"
            );
            assert!(dir.join("nha-in").join(pdf).is_file());
        }
    }
    // xa-ba-vi's own guide has a preview too.
    assert!(
        f.out()
            .join("xa-ba-vi/huong-dan/nho-to-cong-nghe-so/xem-truoc.png")
            .is_file()
    );
}

/// Paper cannot change on its date: every PDF the build makes (leaflets,
/// handbooks, posters; download and press) says on which day its facts held.
#[test]
fn every_pdf_carries_the_build_date() {
    let f = fixture();
    f.build_ok();
    let stamp = format!("Thông tin tại ngày {}", build_date().display_vi());
    let pdfs: Vec<_> = walkdir::WalkDir::new(f.out())
        .into_iter()
        .filter_map(Result::ok)
        .map(walkdir::DirEntry::into_path)
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .collect();
    let posters = pdfs
        .iter()
        .filter(|p| p.to_string_lossy().contains("ap-phich"))
        .count();
    assert!(
        posters >= 12,
        "download and press posters in 3 units: {pdfs:?}"
    );
    for pdf in &pdfs {
        let text = pdf_text(pdf)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(text.contains(&stamp), "{pdf:?} lacks {stamp:?}: {text}");
    }
}

#[test]
fn text_stays_inside_the_canvas_and_off_other_text_on_every_canvas() {
    let f = fixture();
    for canvas in ["vuong", "doc", "ngang", "xem-truoc", "a3", "a2"] {
        for unit in ["phuong-ba-dinh", "so-thu-nghiem"] {
            let (w, h, boxes) = sotay::visual::layout(f.root(), unit, "khai-sinh", canvas)
                .unwrap_or_else(|e| panic!("{canvas}/{unit}: {e}"));
            assert!(!boxes.is_empty());
            for b in &boxes {
                assert!(
                    b.x0 >= -0.5 && b.y0 >= -0.5 && b.x1 <= w + 0.5 && b.y1 <= h + 0.5,
                    "{canvas}/{unit}: {b:?} leaves the {w}x{h} canvas"
                );
            }
            for (i, a) in boxes.iter().enumerate() {
                for b in &boxes[i + 1..] {
                    let apart = a.x1 <= b.x0 + 0.5
                        || b.x1 <= a.x0 + 0.5
                        || a.y1 <= b.y0 + 0.5
                        || b.y1 <= a.y0 + 0.5;
                    assert!(apart, "{canvas}/{unit}: {a:?} overlaps {b:?}");
                }
            }
            let all: String = boxes
                .iter()
                .map(|b| b.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let flat = all.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(flat.contains("khai sinh"), "{canvas}: {flat}");
            if canvas != "xem-truoc" {
                // Every step is drawn whole (the link preview shows the headline only).
                for word in ["Đăng nhập", "tờ khai", "bản điện tử", "mã OTP"] {
                    assert!(
                        flat.contains(word),
                        "{canvas}/{unit}: no {word:?} in {flat}"
                    );
                }
            }
        }
    }
}

#[test]
fn a_step_too_long_fails_with_its_file_line_and_text() {
    let f = Fixture::new();
    let long = "Đọc kỹ từng dòng trên màn hình, kiểm tra họ tên, ngày sinh, số định danh cá nhân, nơi cư trú, quê quán, dân tộc, quốc tịch của cha, mẹ và của bé trước khi bấm nút tiếp tục, rồi đọc lại lần nữa thật chậm. ".repeat(3);
    f.write(
        "content/infographics/khai-sinh.yaml",
        &SPEC.replace("Nhận Giấy khai sinh bản điện tử và bản giấy", long.trim()),
    );
    let shown = render(&f.build_err());
    // The third step's text is on line 10 of the spec.
    assert!(
        shown.contains("content/infographics/khai-sinh.yaml:10:"),
        "{shown}"
    );
    assert!(
        shown.contains("text does not fit")
            && shown.contains("step-3")
            && shown.contains("Đọc kỹ từng dòng"),
        "{shown}"
    );
}

#[test]
fn an_unknown_icon_lists_close_matches() {
    let f = Fixture::new();
    f.write(
        "content/infographics/khai-sinh.yaml",
        &SPEC.replace("icon: login", "icon: logn"),
    );
    let shown = render(&f.build_err());
    assert!(
        shown.contains("content/infographics/khai-sinh.yaml:5:"),
        "{shown}"
    );
    assert!(
        shown.contains("unknown icon `logn`") && shown.contains("`login`"),
        "{shown}"
    );
}

#[test]
fn the_web_page_has_the_svg_with_a_text_alternative_and_downloads() {
    let f = fixture();
    f.build_ok();
    let page = f.read_out("phuong-ba-dinh/do-hoa/khai-sinh/index.html");
    let alt = page
        .split("alt=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("img with alt");
    for part in [
        "3 bước đăng ký khai sinh trực tuyến",
        "Bước 1: Đăng nhập Cổng Dịch vụ công quốc gia bằng tài khoản VNeID",
        "Không đọc mã OTP cho bất kỳ ai",
        "Ủy ban nhân dân phường Ba Đình",
    ] {
        assert!(alt.contains(part), "alt text lacks {part:?}: {alt}");
    }
    assert!(
        page.contains("src=\"../../do-hoa/khai-sinh/khai-sinh.svg\""),
        "{page}"
    );
    // The text alternative is on the page too, and every download resolves.
    assert!(page.contains("<li>Điền tờ khai, đính kèm ảnh Giấy chứng sinh và nộp hồ sơ</li>"));
    let svg = f.read_out("phuong-ba-dinh/do-hoa/khai-sinh/khai-sinh.svg");
    assert!(
        svg.starts_with("<svg") && svg.contains("viewBox=\"0 0 1080 1080\""),
        "{}",
        &svg[..200]
    );
    // The SVG carries its text alternative itself.
    assert!(svg.contains("role=\"img\""));
    assert!(
        svg.contains("<title id=\"sotay-tieu-de\">3 bước đăng ký khai sinh trực tuyến</title>")
    );
    assert!(svg.contains("Bước 3: Nhận Giấy khai sinh bản điện tử và bản giấy"));
    let home = f.read_out("phuong-ba-dinh/index.html");
    assert!(home.contains("href=\"do-hoa/khai-sinh/index.html\""));
    common::assert_links_resolve(f.root(), &f.out(), "phuong-ba-dinh");
}

#[test]
fn guide_pages_carry_open_graph_and_twitter_tags_with_absolute_urls() {
    let f = Fixture::new();
    f.build_ok();
    let page = f.read_out("xa-ba-vi/huong-dan/dang-ky-khai-sinh/index.html");
    for tag in [
        "<meta property=\"og:image\" content=\"https://sotay.example.vn/xa-ba-vi/huong-dan/dang-ky-khai-sinh/xem-truoc.png\">",
        "<meta property=\"og:image:width\" content=\"1200\">",
        "<meta property=\"og:image:height\" content=\"630\">",
        "<meta property=\"og:title\" content=\"Đăng ký khai sinh trực tuyến\">",
        "<meta property=\"og:url\" content=\"https://sotay.example.vn/xa-ba-vi/huong-dan/dang-ky-khai-sinh/\">",
        "<meta name=\"twitter:card\" content=\"summary_large_image\">",
        "<meta name=\"twitter:image\" content=\"https://sotay.example.vn/xa-ba-vi/huong-dan/dang-ky-khai-sinh/xem-truoc.png\">",
    ] {
        assert!(page.contains(tag), "missing {tag}");
    }
}

#[test]
fn the_palette_is_the_units_colour_or_the_campaigns() {
    let f = fixture();
    let unit = "content/units/xa-ba-vi.yaml";
    let text = std::fs::read_to_string(f.root().join(unit)).unwrap();
    f.write(unit, &text.replace("#0b5394", "#2e5a1c"));
    f.write(
        "content/infographics/chung.yaml",
        &SPEC.replace(
            "guide: dang-ky-khai-sinh\n",
            "guide: dang-ky-khai-sinh\npalette: theme\n",
        ),
    );
    f.build_ok();
    let band = |rel: &str| {
        let img = image::open(f.out().join(rel)).unwrap().to_rgb8();
        img.get_pixel(5, 5).0
    };
    assert_eq!(
        band("xa-ba-vi/do-hoa/khai-sinh/vuong-1080x1080.png"),
        [0x2e, 0x5a, 0x1c]
    );
    assert_eq!(
        band("xa-ba-vi/do-hoa/chung/vuong-1080x1080.png"),
        [0x0b, 0x53, 0x94]
    );
}

/// Every guide's link preview in every unit, decoded to pixels.
fn previews(f: &Fixture) -> Vec<(String, Vec<u8>)> {
    let mut all = Vec::new();
    for unit in ["phuong-ba-dinh", "xa-ba-vi", "so-thu-nghiem"] {
        for g in ["dang-ky-khai-sinh", "dang-ky-ho-kinh-doanh"] {
            all.push(pixels(f, &format!("{unit}/huong-dan/{g}/xem-truoc.png")));
        }
    }
    all
}

/// Each unit's infographic PNGs, by path, as RGB.
fn infographics(f: &Fixture) -> Vec<(String, Vec<u8>)> {
    let mut all = Vec::new();
    for unit in ["phuong-ba-dinh", "xa-ba-vi", "so-thu-nghiem"] {
        for name in [
            "vuong-1080x1080",
            "doc-1080x1920",
            "ngang-1920x1080",
            "xem-truoc-1200x630",
        ] {
            all.push(pixels(f, &format!("{unit}/do-hoa/khai-sinh/{name}.png")));
        }
    }
    all
}

/// Each unit's posters (download and press, A3 and A2), by path: the text
/// poppler reads and the page size it reports.
fn posters(f: &Fixture) -> Vec<(String, String)> {
    let mut all = Vec::new();
    for unit in ["phuong-ba-dinh", "xa-ba-vi", "so-thu-nghiem"] {
        for size in ["a3", "a2"] {
            for rel in [
                format!("{unit}/do-hoa/khai-sinh/ap-phich-{size}.pdf"),
                format!("{unit}/do-hoa/khai-sinh/nha-in/ap-phich-{size}.pdf"),
            ] {
                let path = f.out().join(&rel);
                let info = std::process::Command::new("pdfinfo")
                    .arg(&path)
                    .output()
                    .expect("pdfinfo is needed (apt-get install poppler-utils)");
                let info = String::from_utf8_lossy(&info.stdout).into_owned();
                let size = info.lines().find(|l| l.starts_with("Page size:"));
                let text: Vec<String> = pdf_text(&path)
                    .split_whitespace()
                    .map(str::to_owned)
                    .collect();
                let shown = format!("{} | {}", size.unwrap_or("no page size"), text.join(" "));
                all.push((rel, shown));
            }
        }
    }
    all
}

fn pixels(f: &Fixture, rel: &str) -> (String, Vec<u8>) {
    let img = image::open(f.out().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    (rel.to_owned(), img.to_rgb8().into_raw())
}

/// How far each picture is from the same picture drawn whole, at worst,
/// in one colour channel (0 to 255).
fn worst_differences(a: &[(String, Vec<u8>)], b: &[(String, Vec<u8>)]) -> Vec<(String, u8)> {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|((rel, x), (_, y))| {
            assert_eq!(x.len(), y.len(), "{rel}: not the same size");
            let worst = x.iter().zip(y).map(|(p, q)| p.abs_diff(*q)).max();
            (rel.clone(), worst.unwrap_or(0))
        })
        .collect()
}

#[test]
fn pictures_drawn_over_a_layer_shared_by_units_look_as_if_drawn_whole() {
    // The fixture's units share a colour: a guide's preview and each
    // infographic canvas are drawn once with the unit's name, QR code and
    // footer left out, and each unit's over it; each poster is laid out
    // once so, and each unit's slots put into it.
    let f = fixture();
    let report = f.build_ok();
    // Each guide's preview, 4 canvases and 4 posters, each layer for
    // several units.
    assert!(
        report.layered_pictures >= 32 && report.picture_layers * 2 <= report.layered_pictures,
        "{} pictures over {} layers",
        report.layered_pictures,
        report.picture_layers
    );
    let (previews_layered, infographics_layered) = (previews(&f), infographics(&f));
    let posters_composed = posters(&f);
    // Each unit's poster names the unit.
    assert!(
        posters_composed[0].1.contains("PHƯỜNG BA ĐÌNH"),
        "{}",
        posters_composed[0].1
    );
    assert!(
        posters_composed[4].1.contains("XÃ BA VÌ"),
        "{}",
        posters_composed[4].1
    );
    // Each unit's pictures show its own name, link and QR code.
    assert_ne!(previews_layered[0].1, previews_layered[2].1);
    for canvas in 0..4 {
        assert_ne!(
            infographics_layered[canvas].1,
            infographics_layered[canvas + 4].1,
            "two units' {} are the same",
            infographics_layered[canvas].0
        );
    }

    // Drawn whole for every unit (composing off): the same pixels. A
    // glyph's edge is blended as typst-render blends it; the QR code's
    // edge, an image's, may differ by one level of one channel.
    let site = std::fs::read_to_string(f.root().join("content/site.yaml")).unwrap();
    f.write(
        "content/site.yaml",
        &format!("{site}print:\n  compose: false\n"),
    );
    for dir in ["public", ".sotay-cache"] {
        let _ = std::fs::remove_dir_all(f.root().join(dir));
    }
    let report = f.build_ok();
    assert_eq!(report.layered_pictures, 0);
    for (rel, worst) in worst_differences(&previews_layered, &previews(&f)) {
        assert_eq!(worst, 0, "{rel} differs from the preview drawn whole");
    }
    for (rel, worst) in worst_differences(&infographics_layered, &infographics(&f)) {
        assert!(
            worst <= 1,
            "{rel} differs from the picture drawn whole by {worst}"
        );
    }
    // Posters composed read as posters drawn whole: paper and text.
    for ((rel, composed), (_, whole)) in posters_composed.iter().zip(posters(&f)) {
        assert_eq!(composed, &whole, "{rel}");
    }
}

/// The fixture's theme with `from` replaced by `to` in one print template.
fn edit_template(f: &Fixture, template: &str, from: &str, to: &str) {
    let path = format!("themes/default/print/{template}");
    let text = std::fs::read_to_string(f.root().join(&path)).unwrap();
    let edited = text.replace(from, to);
    assert_ne!(edited, text, "{from} is not in {template}");
    f.write(&path, &edited);
}

#[test]
fn a_preview_template_showing_the_unit_outside_its_slots_is_drawn_whole() {
    // A theme's template that also writes the unit's name in the footer:
    // a layer shared by units would carry one unit's name to all.
    let f = Fixture::new();
    edit_template(
        &f,
        "xem-truoc.typ",
        "d.slogan)))",
        "d.slogan + \" \" + d.unit.name)))",
    );
    let report = f.build_ok();
    assert_eq!(report.layered_pictures, 0);
    let all = previews(&f);
    assert_ne!(all[0].1, all[2].1, "two units' previews are the same");
}

#[test]
fn an_infographic_template_showing_the_unit_outside_its_slots_is_drawn_whole() {
    // The unit's hotline in place of the header's title: outside the
    // slots, so the infographics cannot share a layer (previews still do).
    let f = fixture();
    edit_template(
        &f,
        "infographic.typ",
        "size: s, d.title)))",
        "size: s, d.unit.hotline)))",
    );
    let report = f.build_ok();
    let every_preview = walkdir::WalkDir::new(f.out())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "xem-truoc.png")
        .count();
    assert_eq!(report.layered_pictures, every_preview);
    let all = infographics(&f);
    assert_ne!(all[0].1, all[4].1, "two units' infographics are the same");
}
