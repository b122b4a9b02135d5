//! Leaflets from guides of real length, checked as a print shop and a desk
//! would: each guide is printed in the first form that fits (the whole
//! guide, condensed, step titles, or the editor's own `leaflet:`), the form
//! is named in the print index, no text is set below 8 pt, a guide that fits
//! in no form is reported once and leaves the rest of the site published,
//! and `print: false` keeps a guide off paper.

mod common;

use std::path::Path;

use common::{Fixture, SITE, pdf_text, render};

/// A sentence of `words` Vietnamese words, ending with a full stop.
fn sentence(seed: usize, words: usize) -> String {
    const WORDS: &[&str] = &[
        "hồ",
        "sơ",
        "trực",
        "tuyến",
        "người",
        "dân",
        "nộp",
        "cổng",
        "dịch",
        "vụ",
        "công",
        "tài",
        "khoản",
        "định",
        "danh",
        "giấy",
        "tờ",
        "kết",
        "quả",
        "thời",
        "hạn",
        "ủy",
        "ban",
        "phường",
    ];
    let text: Vec<&str> = (0..words)
        .map(|i| WORDS[(seed * 7 + i * 5) % WORDS.len()])
        .collect();
    format!("{}.", text.join(" "))
}

/// A guide with `steps` steps; step N opens with "Câu mở đầu của bước N"
/// (its first sentence, `opening` words more), then `details` paragraphs
/// of details ("Chi tiết bước N …").
fn guide(title: &str, front: &str, steps: usize, opening: usize, details: usize) -> String {
    let mut s = format!(
        "---\ntitle: \"{title}\"\nsummary: \"Hướng dẫn thử in.\"\naudiences: [nguoi-dan]\ncategory: ho-tich\nwhere: \"Ủy ban nhân dân xã, phường\"\nprocessing_time:\n  text: \"3 ngày làm việc\"\nlast_reviewed: 2026-11-01\n{front}---\n\nGiới thiệu ngắn.\n"
    );
    for n in 1..=steps {
        let first = sentence(n, opening);
        s += &format!(
            "\n## Bước {n}: Làm việc thứ {n} của hướng dẫn\n\nCâu mở đầu của bước {n} {first}"
        );
        for p in 0..details {
            let more: Vec<String> = (0..5).map(|k| sentence(n + p + k, 24)).collect();
            s += &format!(
                " Chi tiết bước {n} {}\n\n{}",
                more.join(" "),
                sentence(p, 20)
            );
        }
        s += "\n";
    }
    s
}

const LONG: &str = "dai-qua-nen-rut-gon";
const TITLES: &str = "chi-in-ten-buoc";
const EDITOR: &str = "co-ban-tom-tat";
const STAFF: &str = "thu-tuc-noi-bo";
const TOO_LONG: &str = "khong-the-in";
const UNITS: [&str; 3] = ["phuong-ba-dinh", "so-thu-nghiem", "xa-ba-vi"];

fn fixture() -> Fixture {
    let f = Fixture::new();
    let path = |slug: &str| format!("content/guides/ho-tich/{slug}.md");
    f.write(&path(LONG), &guide("Hướng dẫn dài", "", 8, 6, 3));
    f.write(
        &path(TITLES),
        &guide("Hướng dẫn nhiều bước", "", 14, 120, 1),
    );
    let editor = "leaflet:\n  steps:\n    - \"Mở ứng dụng VNeID\"\n    - \"Chọn thủ tục, điền và gửi\"\n  notes: \"Kết quả gửi về ứng dụng.\"\n";
    f.write(
        &path(EDITOR),
        &guide("Hướng dẫn có bản tóm tắt", editor, 8, 6, 3),
    );
    f.write(
        &path(STAFF),
        &guide("Thủ tục nội bộ", "print: false\n", 2, 4, 0),
    );
    let many: String = (1..=120)
        .map(|i| format!("  - \"Giấy tờ số {i} cần mang theo khi đến nhận kết quả\"\n"))
        .collect();
    f.write(
        &path(TOO_LONG),
        &guide("Hướng dẫn quá dài", &format!("documents:\n{many}"), 2, 4, 0),
    );
    f
}

/// The print index row of a guide, as text.
fn index_row(f: &Fixture, unit: &str, title: &str) -> String {
    let html = f.read_out(&format!("{unit}/in-an/index.html"));
    let start = html
        .find(&format!(">{title}</a></th>"))
        .unwrap_or_else(|| panic!("{title} in the print index of {unit}"));
    let end = html[start..].find("</tr>").unwrap() + start;
    html[start..end].to_owned()
}

fn leaflet(f: &Fixture, unit: &str, slug: &str, format: &str) -> std::path::PathBuf {
    f.out().join(format!("{unit}/in-an/{slug}-{format}.pdf"))
}

#[test]
fn each_guide_is_printed_in_the_first_form_that_fits() {
    let f = fixture();
    let report = f.build_ok();
    for unit in UNITS {
        let form = |title: &str| index_row(&f, unit, title);
        assert!(form("Đăng ký khai sinh trực tuyến").contains("Dạng: toàn văn"));
        assert!(
            form("Hướng dẫn dài").contains("Dạng: bản rút gọn"),
            "{}",
            form("Hướng dẫn dài")
        );
        let titles = form("Hướng dẫn nhiều bước");
        assert!(titles.contains("Dạng: chỉ tên các bước"), "{titles}");
        let editor = form("Hướng dẫn có bản tóm tắt");
        assert!(
            editor.contains("Dạng: bản tóm tắt của biên tập viên"),
            "{editor}"
        );
    }
    let text = |slug: &str| pdf_text(&leaflet(&f, "phuong-ba-dinh", slug, "to-gap-ba"));
    let squash = |s: String| s.split_whitespace().collect::<Vec<_>>().join(" ");
    // Condensed: each step's title and first sentence, and the way to the rest.
    let long = squash(text(LONG));
    for n in 1..=8 {
        assert!(long.contains(&format!("Câu mở đầu của bước {n}")), "{long}");
        assert!(!long.contains(&format!("Chi tiết bước {n}")), "{long}");
    }
    assert!(long.contains("Xem hướng dẫn đầy đủ, từng bước:"), "{long}");
    // Step titles only.
    let titles = squash(text(TITLES));
    assert!(titles.contains("Làm việc thứ 14 của hướng dẫn"), "{titles}");
    assert!(!titles.contains("Câu mở đầu"), "{titles}");
    // The editor's version, not the guide's text.
    let editor = squash(text(EDITOR));
    for line in [
        "Mở ứng dụng VNeID",
        "Chọn thủ tục, điền và gửi",
        "Kết quả gửi về ứng dụng.",
    ] {
        assert!(editor.contains(line), "{line}: {editor}");
    }
    assert!(!editor.contains("Câu mở đầu"), "{editor}");
    // The whole guide, when it fits.
    let whole = squash(text("dang-ky-khai-sinh"));
    assert!(
        !whole.contains("Xem hướng dẫn đầy đủ, từng bước:"),
        "{whole}"
    );

    // The same inputs choose the same forms from the render cache, with
    // the same bytes.
    let pdf = std::fs::read(leaflet(&f, "xa-ba-vi", LONG, "to-roi-a5")).unwrap();
    // The leaflet table of the print index (its footer lists the pages).
    let table = |f: &Fixture| {
        let html = f.read_out("xa-ba-vi/in-an/index.html");
        let start = html.find("<table>").unwrap();
        html[start..html.find("</table>").unwrap()].to_owned()
    };
    let index = table(&f);
    f.write(
        "content/pages/them.md",
        "---\ntitle: \"Thêm\"\nsummary: \"Thêm.\"\nlast_reviewed: 2026-11-01\n---\n\nThêm.\n",
    );
    let again = f.build_ok();
    assert!(
        again.pdfs_rendered < report.pdfs_rendered / 4,
        "{} then {}",
        report.pdfs_rendered,
        again.pdfs_rendered
    );
    assert_eq!(
        std::fs::read(leaflet(&f, "xa-ba-vi", LONG, "to-roi-a5")).unwrap(),
        pdf
    );
    assert!(table(&f) == index, "the forms changed");
}

#[test]
fn a_guide_that_fits_no_form_is_one_problem_and_the_rest_is_published() {
    let f = fixture();
    let report = f.build_ok();
    let overflows: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == Some("leaflet-overflow"))
        .collect();
    assert_eq!(overflows.len(), 1, "{}", render(&report.diagnostics));
    let d = overflows[0];
    assert!(d.is_error());
    assert!(
        d.message.contains(&format!("`{TOO_LONG}`")),
        "{}",
        d.message
    );
    assert!(
        d.message.contains("Tờ gấp ba A4") && d.message.contains("Tờ rơi A5"),
        "{}",
        d.message
    );
    let mut units = d.units.clone();
    units.sort();
    assert_eq!(units, UNITS);
    assert!(
        d.location
            .as_ref()
            .unwrap()
            .file
            .ends_with(format!("{TOO_LONG}.md"))
    );
    for unit in UNITS {
        // Its web page is there, without a link to a leaflet that is not.
        let page = f.read_out(&format!("{unit}/huong-dan/{TOO_LONG}/index.html"));
        assert!(page.contains("Hướng dẫn quá dài"));
        assert!(
            !page.contains(&format!("{TOO_LONG}-to-")),
            "links a missing leaflet"
        );
        assert!(!leaflet(&f, unit, TOO_LONG, "to-gap-ba").exists());
        assert!(index_row(&f, unit, "Hướng dẫn quá dài").contains("Không in được"));
        // Every other leaflet and the handbook are made.
        assert!(leaflet(&f, unit, "dang-ky-khai-sinh", "to-gap-ba").is_file());
        assert!(
            f.out()
                .join(format!("{unit}/in-an/so-tay-{unit}.pdf"))
                .is_file()
        );
    }

    // The command line publishes the site and still exits with failure.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sotay"))
        .args(["build", "--date", "2026-11-29", "--root"])
        .arg(f.root())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr
            .matches(&format!("guide `{TOO_LONG}` does not fit"))
            .count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains("build published the site"), "{stderr}");

    // site.yaml may make it a warning: then the build succeeds.
    f.write(
        "content/site.yaml",
        &format!("{SITE}print:\n  overflow: warning\n"),
    );
    let report = f.build_ok();
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.code == Some("leaflet-overflow"))
        .expect("still reported");
    assert!(!d.is_error());
}

#[test]
fn a_guide_with_print_false_stays_off_paper() {
    let f = fixture();
    f.build_ok();
    for unit in UNITS {
        for format in ["to-gap-ba", "to-roi-a5"] {
            assert!(!leaflet(&f, unit, STAFF, format).exists());
        }
        let page = f.read_out(&format!("{unit}/huong-dan/{STAFF}/index.html"));
        assert!(!page.contains(&format!("{STAFF}-to-")), "links a leaflet");
        assert!(
            index_row(&f, unit, "Thủ tục nội bộ")
                .contains("Không in (hướng dẫn này ghi print: false)")
        );
        let handbook = pdf_text(&f.out().join(format!("{unit}/in-an/so-tay-{unit}.pdf")));
        assert!(!handbook.contains("Thủ tục nội bộ"));
        assert!(handbook.contains("Đăng ký khai sinh trực tuyến"));
    }
    let report = common::text_of(&f.read_out("bao-cao/index.html"));
    let section = report
        .split("Chỉ đăng trên mạng, không in")
        .nth(1)
        .expect("the report lists guides not printed");
    assert!(section.contains("Thủ tục nội bộ"), "{section}");
}

/// Be Vietnam Pro's line box (ascender to descender) per point of type:
/// `pdftotext -bbox` gives each word's box, so box height / this = size.
const BOX_PER_PT: f64 = 1.265;

/// The smallest type in a PDF, in points, from its words' boxes.
fn smallest_type(pdf: &Path) -> f64 {
    let out = std::process::Command::new("pdftotext")
        .args(["-bbox"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (apt-get install poppler-utils)");
    let xml = String::from_utf8_lossy(&out.stdout);
    let attr = |line: &str, name: &str| -> f64 {
        let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        let len = line[start..].find('"').unwrap();
        line[start..start + len].parse().unwrap()
    };
    xml.lines()
        .filter(|l| l.trim_start().starts_with("<word "))
        .map(|l| (attr(l, "yMax") - attr(l, "yMin")) / BOX_PER_PT)
        .fold(f64::INFINITY, f64::min)
}

#[test]
fn no_leaflet_sets_text_below_8_pt() {
    let f = fixture();
    f.build_ok();
    let mut checked = 0;
    for unit in UNITS {
        for entry in std::fs::read_dir(f.out().join(format!("{unit}/in-an"))).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|x| x == "pdf") {
                let size = smallest_type(&path);
                assert!(size > 7.9, "{path:?}: text at {size:.2} pt");
                checked += 1;
            }
        }
    }
    // At least the four printable guides here in 2 formats, and the handbook.
    assert!(checked >= 3 * (4 * 2 + 1), "{checked} PDFs");
}

/// The fixture with older readers and staff as audiences, each with a guide.
fn with_large_print_and_staff() -> Fixture {
    let f = Fixture::new();
    let site = SITE.replace(
        "categories:",
        "  - slug: nguoi-cao-tuoi\n    name: \"Người cao tuổi\"\n    description: \"Người cao tuổi.\"\n  - slug: can-bo\n    name: \"Cán bộ\"\n    description: \"Cán bộ một cửa.\"\ncategories:",
    );
    f.write(
        "content/site.yaml",
        &format!("{site}print:\n  large_print: [nguoi-cao-tuoi]\n  staff: [can-bo]\n"),
    );
    let elderly = guide("Hướng dẫn cho người cao tuổi", "", 5, 6, 1).replace(
        "audiences: [nguoi-dan]",
        "audiences: [nguoi-dan, nguoi-cao-tuoi]",
    );
    f.write("content/guides/ho-tich/cho-nguoi-cao-tuoi.md", &elderly);
    let staff = guide("Tiếp nhận hồ sơ tại quầy", "", 3, 6, 0)
        .replace("audiences: [nguoi-dan]", "audiences: [can-bo]");
    f.write("content/guides/ho-tich/tiep-nhan-tai-quay.md", &staff);
    f
}

#[test]
fn older_readers_get_large_print_and_staff_their_own_handbook() {
    let f = with_large_print_and_staff();
    f.build_ok();
    let unit = "phuong-ba-dinh";
    let large = leaflet(&f, unit, "cho-nguoi-cao-tuoi", "chu-to-a4");
    assert!(large.is_file());
    // Only guides for older readers get it.
    assert!(!leaflet(&f, unit, "dang-ky-khai-sinh", "chu-to-a4").exists());
    let info = std::process::Command::new("pdfinfo")
        .arg(&large)
        .output()
        .unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains("Pages:           2"), "{info}");
    assert!(info.contains("595.276 x 841.89"), "A4 portrait: {info}");
    let size = smallest_type(&large);
    assert!(size > 13.9, "large print at {size:.2} pt");
    let text = pdf_text(&large)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("Làm việc thứ 5 của hướng dẫn"), "{text}");

    let handbook = |slug: &str| f.out().join(format!("{unit}/in-an/{slug}-{unit}.pdf"));
    let citizens = pdf_text(&handbook("so-tay"));
    assert!(citizens.contains("Đăng ký khai sinh trực tuyến"));
    assert!(
        !citizens.contains("Tiếp nhận hồ sơ tại quầy"),
        "staff guide in the citizens' handbook"
    );
    let staff = pdf_text(&handbook("so-tay-can-bo"));
    assert!(staff.contains("Tiếp nhận hồ sơ tại quầy"));
    assert!(!staff.contains("Đăng ký khai sinh trực tuyến"));
    let large_book = handbook("so-tay-chu-to");
    let text = pdf_text(&large_book);
    assert!(text.contains("Hướng dẫn cho người cao tuổi"));
    assert!(!text.contains("Đăng ký khai sinh trực tuyến"));
    let size = smallest_type(&large_book);
    assert!(size > 13.9, "large-print handbook at {size:.2} pt");
    // The print index offers all three handbooks.
    let index = f.read_out(&format!("{unit}/in-an/index.html"));
    for name in [
        "Sổ tay A5 đóng ghim giữa",
        "Sổ tay chữ to A5",
        "Sổ tay nghiệp vụ cán bộ A5",
    ] {
        assert!(index.contains(name), "{name}");
    }
}
