//! A package per webmaster: each unit folder as one zip with its SHA-256,
//! holding exactly the folder (build stamp included), the same bytes on
//! every build of the same input and date; the webmaster page says how to
//! check and upload it, and whom to call.

mod common;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use common::Fixture;

/// A zip's entries and bytes, read as an unarchiver other than ours would.
fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            entry.read_to_end(&mut data).unwrap();
            (entry.name().unwrap().into_owned(), data)
        })
        .collect()
}

/// The unit folder on disk, as `<unit>/<path>` → bytes.
fn folder(out: &Path, unit: &str) -> BTreeMap<String, Vec<u8>> {
    common::output_files(&out.join(unit))
        .into_iter()
        .map(|(p, b)| (format!("{unit}/{}", p.to_string_lossy()), b))
        .collect()
}

#[test]
fn each_unit_folder_comes_as_one_checked_zip_that_repeats_byte_for_byte() {
    let f = Fixture::html_only();
    f.build_ok();
    let out = f.out();
    let mut first = BTreeMap::new();
    for unit in ["phuong-ba-dinh", "xa-ba-vi", "so-thu-nghiem"] {
        let zip = std::fs::read(out.join(format!("goi-tai-len/{unit}.zip"))).unwrap();
        let sum = f.read_out(&format!("goi-tai-len/{unit}.zip.sha256"));
        let hex = sotay::hash::hex(&sotay::hash::sha256(&zip));
        assert_eq!(sum, format!("{hex}  {unit}.zip\n"), "sha256sum -c form");
        let entries = unzip(&zip);
        assert!(entries.contains_key(&format!("{unit}/sotay-stamp.json")));
        assert_eq!(
            entries,
            folder(&out, unit),
            "the zip is the folder, no more, no less"
        );
        first.insert(unit, zip);
    }
    // A cold build of the same input and date: the same bytes.
    std::fs::remove_dir_all(&out).unwrap();
    f.build_ok();
    for (unit, zip) in first {
        let again = std::fs::read(out.join(format!("goi-tai-len/{unit}.zip"))).unwrap();
        assert!(again == zip, "{unit}.zip differs between two builds");
    }
}

#[test]
fn the_webmaster_page_says_how_to_check_and_upload_the_package_and_whom_to_call() {
    let f = Fixture::html_only();
    let site = std::fs::read_to_string(f.root().join("content/site.yaml")).unwrap();
    f.write(
        "content/site.yaml",
        &format!(
            "{site}webmaster_help:\n  name: \"Tổ hỗ trợ thử nghiệm\"\n  phone: \"024 0000\"\n"
        ),
    );
    f.build_ok();
    let page = common::text_of(&f.read_out("xa-ba-vi/nhung-vao-cong-thong-tin/index.html"));
    for needle in [
        "goi-tai-len/xa-ba-vi.zip",
        "sha256sum -c xa-ba-vi.zip.sha256",
        "Get-FileHash xa-ba-vi.zip -Algorithm SHA256",
        "https://sotay.example.vn/xa-ba-vi/sotay-stamp.json",
        "Cần hỗ trợ, liên hệ Tổ hỗ trợ thử nghiệm",
        "đường dây nóng 024 0000",
    ] {
        assert!(page.contains(needle), "{needle} in {page}");
    }
    let html = f.read_out("xa-ba-vi/nhung-vao-cong-thong-tin/index.html");
    assert!(html.contains("href=\"tel:0240000\""));
}

#[test]
fn a_build_of_some_units_makes_no_package() {
    let f = Fixture::html_only();
    let mut opts = f.options();
    opts.scope = sotay::Scope::Units(vec!["xa-ba-vi".into()]);
    sotay::build(&opts).unwrap();
    assert!(f.out().join("xa-ba-vi/sotay-stamp.json").exists());
    assert!(!f.out().join("goi-tai-len").exists());
}
