//! Print orders (`nha-in/` beside the units), checked as a print shop
//! receiving one would: its folder holds exactly the press PDFs of the units
//! that chose it, the same bytes as theirs; the order sheet opens in Excel
//! (BOM, Vietnamese header, a row per PDF with its real page count, the
//! quantity to fill); the zip holds the same folder and is the same bytes on
//! every build; a leaflet that fits in no form is simply not in the order;
//! builds that do not make every unit's PDFs write no orders; the page
//! listing the shops passes the accessibility audit and axe-core. Needs
//! poppler-utils (`pdfinfo`) for the page counts, Chromium and axe-core
//! (`.ci/run` installs them).

mod common;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::process::Command;

use common::{Fixture, SITE};

const FAST: &str = "in-nhanh";
const OFFICE: &str = "in-van-phong";
/// A guide whose leaflets fit in no form (120 documents to bring).
const TOO_LONG: &str = "khong-the-in";

/// The fixture with two print shops: site.yaml's default (`in-nhanh`, 5 mm
/// bleed) for the sở and Ba Đình, `in-van-phong` (no bleed) for Ba Vì; and
/// a guide no leaflet can hold, in every unit.
fn fixture() -> Fixture {
    let f = Fixture::new();
    f.write(
        &format!("content/print/{FAST}.yaml"),
        "name: \"In nhanh Ba Đình\"\nbleed_mm: 5\nmarks: crop+registration\nnotes: \"Giao hàng trong 3 ngày\"\n",
    );
    f.write(
        &format!("content/print/{OFFICE}.yaml"),
        "name: \"In văn phòng\"\nbleed_mm: 0\nmarks: none\n",
    );
    f.write(
        "content/site.yaml",
        &format!("{SITE}print_shop: {FAST}\nprint:\n  overflow: warning\n"),
    );
    let unit = "content/units/xa-ba-vi.yaml";
    let text = std::fs::read_to_string(f.root().join(unit)).unwrap();
    f.write(unit, &format!("{text}print_shop: {OFFICE}\n"));
    let documents: String = (1..=120)
        .map(|i| format!("  - \"Giấy tờ số {i} cần mang theo khi đến nhận kết quả\"\n"))
        .collect();
    f.write(
        &format!("content/guides/ho-tich/{TOO_LONG}.md"),
        &common::KHAI_SINH
            .replace("Đăng ký khai sinh trực tuyến", "Hướng dẫn quá dài")
            .replace(
                "documents:\n  - \"Giấy chứng sinh\"\n",
                &format!("documents:\n{documents}"),
            ),
    );
    f
}

/// Every file under `dir`, by its path from there (`/`-separated).
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    common::snapshot(dir)
        .into_iter()
        .map(|(p, b)| (p.to_string_lossy().replace('\\', "/"), b))
        .collect()
}

fn pdf_pages(pdf: &Path) -> usize {
    let out = Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .expect("pdfinfo (apt-get install poppler-utils)");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("a page count")
}

/// The zip's entries, read back with the zip crate: name and bytes.
fn unzip(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..z.len())
        .map(|i| {
            let mut e = z.by_index(i).unwrap();
            let mut bytes = Vec::new();
            e.read_to_end(&mut bytes).unwrap();
            (e.name().unwrap().into_owned(), bytes)
        })
        .collect()
}

const HEADER: [&str; 9] = [
    "Tệp",
    "Ấn phẩm",
    "Khổ thành phẩm (mm)",
    "Số trang",
    "Lề xén (mm)",
    "Màu",
    "Đơn vị",
    "Hướng dẫn",
    "Số lượng",
];

/// A shop's order sheet as Excel reads it: BOM, then CSV rows.
fn sheet(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .expect("a UTF-8 byte order mark, so Excel reads UTF-8");
    assert!(
        std::str::from_utf8(text).unwrap().contains("\r\n"),
        "CRLF line ends"
    );
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text);
    csv.records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[test]
fn each_shop_receives_its_units_press_pdfs_an_order_sheet_and_a_zip() {
    let f = fixture();
    let report = f.build_ok();
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.code == Some("leaflet-overflow")),
        "the fixture's long guide fits after all"
    );
    let out = f.out();
    let shops = [
        (FAST, vec!["phuong-ba-dinh", "so-thu-nghiem"], "5"),
        (OFFICE, vec!["xa-ba-vi"], "0"),
    ];
    // Only the two shops the units chose: no built-in default package.
    let top: Vec<String> = files(&out.join("nha-in")).into_keys().collect();
    assert!(top.iter().all(|p| p == "index.html"
        || p.starts_with(&format!("{FAST}/"))
        || p.starts_with(&format!("{OFFICE}/"))
        || p == &format!("{FAST}.zip")
        || p == &format!("{OFFICE}.zip")));
    for (shop, units, bleed) in &shops {
        let dir = out.join("nha-in").join(shop);
        let package = files(&dir);
        // Exactly the press PDFs of its units, the same bytes.
        let mut expected: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        for unit in units {
            for (name, bytes) in files(&out.join(unit).join("in-an/nha-in")) {
                expected.insert(format!("{unit}/{name}"), bytes);
            }
        }
        assert!(expected.len() >= 7, "{shop}: {:?}", expected.keys());
        let pdfs: BTreeMap<String, Vec<u8>> = package
            .iter()
            .filter(|(p, _)| p.as_str() != "don-dat-in.csv")
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect();
        assert_eq!(
            pdfs.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>(),
            "{shop}"
        );
        assert!(pdfs == expected, "{shop}: a PDF differs from its unit's");
        assert!(!pdfs.keys().any(|p| p.contains(TOO_LONG)));
        #[cfg(unix)]
        {
            // On disk, one file for the unit's and the package's copy.
            use std::os::unix::fs::MetadataExt;
            let first = expected.keys().next().unwrap();
            let (unit, name) = first.split_once('/').unwrap();
            let ino = |p: &Path| std::fs::metadata(p).unwrap().ino();
            assert_eq!(
                ino(&dir.join(first)),
                ino(&out.join(unit).join("in-an/nha-in").join(name))
            );
        }

        // The order sheet: a row per PDF, with its real page count.
        let rows = sheet(&package["don-dat-in.csv"]);
        assert_eq!(rows[0], HEADER);
        let listed: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
        assert_eq!(listed, pdfs.keys().map(String::as_str).collect::<Vec<_>>());
        for row in &rows[1..] {
            let (unit, name) = row[0].split_once('/').unwrap();
            assert_eq!(row[3], pdf_pages(&dir.join(&row[0])).to_string(), "{row:?}");
            assert_eq!((row[4].as_str(), row[5].as_str()), (*bleed, "CMYK"));
            assert!(row[6].starts_with("Ủy ban") || row[6].starts_with("Sở"));
            assert!(row[8].is_empty(), "the quantity is for the shop to fill");
            if name.starts_with("so-tay-") {
                assert_eq!(name, format!("so-tay-{unit}.pdf"));
                assert_eq!(row[1], "Sổ tay A5 đóng ghim giữa");
                assert_eq!(row[2], "148 × 210");
                assert_eq!(row[7], "Sổ tay (mọi hướng dẫn của đơn vị)");
            } else if name.ends_with("-to-gap-ba.pdf") {
                assert_eq!(
                    (row[1].as_str(), row[2].as_str()),
                    ("Tờ gấp ba A4", "297 × 210")
                );
                assert_eq!(row[3], "2");
            } else {
                assert!(name.ends_with("-to-roi-a5.pdf"), "{name}");
                assert_eq!(
                    (row[1].as_str(), row[2].as_str()),
                    ("Tờ rơi A5 hai mặt", "148 × 210")
                );
                assert_eq!(row[3], "2");
            }
        }
        let khai_sinh = rows
            .iter()
            .find(|r| r[0].ends_with("/dang-ky-khai-sinh-to-gap-ba.pdf"))
            .unwrap();
        assert_eq!(khai_sinh[7], "Đăng ký khai sinh trực tuyến");

        // The zip: the same folder, under the shop's name, in path order.
        let entries = unzip(&out.join("nha-in").join(format!("{shop}.zip")));
        let in_zip: Vec<(String, Vec<u8>)> = package
            .into_iter()
            .map(|(p, b)| (format!("{shop}/{p}"), b))
            .collect();
        assert!(entries == in_zip, "{shop}.zip differs from its folder");
    }

    // The page listing the shops, linked from the hub and the report.
    let index = f.read_out("nha-in/index.html");
    for needle in [
        "In nhanh Ba Đình",
        "In văn phòng",
        "href=\"in-nhanh.zip\"",
        "href=\"in-van-phong/don-dat-in.csv\"",
        "href=\"../xa-ba-vi/in-an/index.html\"",
        "Giao hàng trong 3 ngày",
        "tờ rơi không in được",
    ] {
        assert!(index.contains(needle), "nha-in/index.html lacks {needle}");
    }
    assert!(
        f.read_out("index.html")
            .contains("href=\"nha-in/index.html\"")
    );
    assert!(
        f.read_out("bao-cao/index.html")
            .contains("href=\"../nha-in/index.html\"")
    );

    // Another build of the same project (into a new folder; PDFs from the
    // render cache): the same zips and sheets, byte for byte.
    let mut opts = f.options();
    opts.out = f.root().join("public-2");
    sotay::build(&opts).unwrap();
    let again = |p: &str| std::fs::read(opts.out.join(p)).unwrap();
    for (shop, _, _) in &shops {
        for p in [
            format!("nha-in/{shop}.zip"),
            format!("nha-in/{shop}/don-dat-in.csv"),
        ] {
            assert!(
                again(&p) == std::fs::read(out.join(&p)).unwrap(),
                "{p} differs between two builds"
            );
        }
    }

    // A shard of several makes the city pages but not every unit's PDFs:
    // no orders, and nothing links to them.
    opts.out = f.root().join("public-shard");
    opts.scope = sotay::Scope::Shard("1/2".parse().unwrap());
    sotay::build(&opts).unwrap();
    assert!(!opts.out.join("nha-in").exists());
    let hub = std::fs::read_to_string(opts.out.join("index.html")).unwrap();
    assert!(!hub.contains("nha-in/"));

    // The page is accessible: the project's audit, and axe-core's WCAG 2.1
    // AA rules in Chromium at a phone's width and a desktop's (last: axe
    // writes its runner beside the page).
    let problems = common::a11y::audit(&index);
    assert!(problems.is_empty(), "{problems:#?}");
    common::axe::script();
    for width in [390, 1280] {
        let found = common::axe::violations(&out.join("nha-in/index.html"), width);
        assert!(found.is_empty(), "at {width}px: {found:#?}");
    }
}

#[test]
fn a_build_without_pdfs_writes_no_orders_and_links_none() {
    let f = Fixture::html_only();
    f.build_ok();
    assert!(!f.out().join("nha-in").exists());
    assert!(!f.read_out("index.html").contains("nha-in/"));
    assert!(!f.read_out("bao-cao/index.html").contains("nha-in/"));
}
