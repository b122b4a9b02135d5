//! "Forms travel with the guide": files a guide names under `forms:` are
//! copied beside its page in every unit that publishes it, listed with
//! their type and size, in the API, and on each unit's catalogue of online
//! services; a form that is missing, of a refused type, not what its name
//! says, or outside the guide's folder is an error at its line.

mod common;

use common::*;

const KHAI_SINH_PATH: &str = "content/guides/ho-tich/dang-ky-khai-sinh.md";

/// A small but well-formed PDF (one empty page).
fn pdf() -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(b"xref\n0 4\n0000000000 65535 f \n");
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A ZIP of stored (uncompressed) entries, as Office and LibreOffice
/// packages are.
fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let offset = out.len() as u32;
        let (crc, len, nlen) = (crc32(data), data.len() as u32, name.len() as u16);
        let common = |v: &mut Vec<u8>| {
            v.extend_from_slice(&20u16.to_le_bytes()); // version needed
            v.extend_from_slice(&0u16.to_le_bytes()); // flags
            v.extend_from_slice(&0u16.to_le_bytes()); // stored
            v.extend_from_slice(&0u32.to_le_bytes()); // time, date
            v.extend_from_slice(&crc.to_le_bytes());
            v.extend_from_slice(&len.to_le_bytes());
            v.extend_from_slice(&len.to_le_bytes());
            v.extend_from_slice(&nlen.to_le_bytes());
            v.extend_from_slice(&0u16.to_le_bytes()); // extra
        };
        out.extend_from_slice(b"PK\x03\x04");
        common(&mut out);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        central.extend_from_slice(b"PK\x01\x02");
        central.extend_from_slice(&20u16.to_le_bytes()); // made by
        common(&mut central);
        central.extend_from_slice(&[0; 8]); // comment, disk, attributes
        central.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let (start, size) = (out.len() as u32, central.len() as u32);
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    let n = entries.len() as u16;
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&start.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// A minimal Word document.
fn docx() -> Vec<u8> {
    zip(&[
        (
            "[Content_Types].xml",
            br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#,
        ),
        (
            "word/document.xml",
            br#"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>To khai</w:t></w:r></w:p></w:body></w:document>"#,
        ),
    ])
}

fn write_bytes(f: &Fixture, rel: &str, bytes: &[u8]) {
    let p = f.root().join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

/// The khai sinh guide with a procedure code, an online channel and
/// `forms` (YAML lines under `forms:`).
fn khai_sinh_with(forms: &str) -> String {
    KHAI_SINH.replace(
        "documents:\n",
        &format!(
            "procedure_code: \"0.000001\"\nchannels:\n  - name: \"Cổng Dịch vụ công quốc gia\"\n    url: \"https://dichvucong.gov.vn\"\n  - name: \"Bộ phận Một cửa\"\nforms:\n{forms}documents:\n"
        ),
    )
}

const TWO_FORMS: &str = "  - file: \"to-khai-khai-sinh.pdf\"\n    title: \"Tờ khai đăng ký khai sinh\"\n  - file: \"bieu-mau/uy-quyen.docx\"\n    title: \"Văn bản ủy quyền\"\n";

/// The fixture whose khai sinh guide (published by all three units)
/// carries a PDF and a DOCX form.
fn with_forms() -> Fixture {
    let f = Fixture::html_only();
    f.write(KHAI_SINH_PATH, &khai_sinh_with(TWO_FORMS));
    write_bytes(&f, "content/guides/ho-tich/to-khai-khai-sinh.pdf", &pdf());
    write_bytes(&f, "content/guides/ho-tich/bieu-mau/uy-quyen.docx", &docx());
    f
}

const UNITS: [&str; 3] = ["phuong-ba-dinh", "so-thu-nghiem", "xa-ba-vi"];

fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of a page's element from `start` to the next `end`.
fn section(page: &str, start: &str, end: &str) -> String {
    let from = page.find(start).unwrap_or_else(|| panic!("no {start}"));
    let to = from + page[from..].find(end).expect("its end");
    page[from..to].to_owned()
}

#[test]
fn forms_are_copied_listed_with_type_and_size_and_linked() {
    let f = with_forms();
    f.build_ok();
    let (pdf, docx) = (pdf(), docx());
    for unit in UNITS {
        let dir = f.out().join(unit).join("huong-dan/dang-ky-khai-sinh");
        assert_eq!(
            std::fs::read(dir.join("to-khai-khai-sinh.pdf")).unwrap(),
            pdf,
            "{unit}"
        );
        assert_eq!(
            std::fs::read(dir.join("uy-quyen.docx")).unwrap(),
            docx,
            "{unit}"
        );
        let page = f.read_out(&format!("{unit}/huong-dan/dang-ky-khai-sinh/index.html"));
        let prepare = section(&page, "aria-labelledby=\"can-chuan-bi\"", "</section>");
        assert!(
            prepare.contains("href=\"../../huong-dan/dang-ky-khai-sinh/to-khai-khai-sinh.pdf\""),
            "{prepare}"
        );
        let text = flat(&sotay::links::text(&prepare));
        assert!(
            text.contains("Tờ khai đăng ký khai sinh (PDF, 1 KB)"),
            "{text}"
        );
        assert!(text.contains("Văn bản ủy quyền (DOCX, 1 KB)"), "{text}");
        // The guide's widget page links them too.
        let widget = f.read_out(&format!(
            "{unit}/nhung/huong-dan/dang-ky-khai-sinh/index.html"
        ));
        assert!(
            widget.contains("href=\"../../../huong-dan/dang-ky-khai-sinh/uy-quyen.docx\""),
            "{unit}"
        );
        assert_links_resolve(f.root(), &f.out(), unit);
    }
    // Guides without forms carry no form files.
    assert!(
        !std::fs::read_dir(f.out().join("phuong-ba-dinh/huong-dan/dang-ky-tam-tru"))
            .unwrap()
            .any(|e| e.unwrap().path().extension().is_some_and(|x| x == "pdf"))
    );
}

#[test]
fn forms_go_only_to_units_that_publish_the_guide() {
    // Tạm trú: excluded by the sở, overridden (without forms) by xã Ba Vì.
    let f = Fixture::html_only();
    f.write(
        "content/guides/cu-tru/dang-ky-tam-tru.md",
        &TAM_TRU.replace(
            "processing_time:",
            "forms:\n  - file: \"mau-ct01.pdf\"\n    title: \"Tờ khai thay đổi thông tin cư trú (mẫu CT01)\"\nprocessing_time:",
        ),
    );
    write_bytes(&f, "content/guides/cu-tru/mau-ct01.pdf", &pdf());
    f.build_ok();
    let copy = |unit: &str| {
        f.out()
            .join(unit)
            .join("huong-dan/dang-ky-tam-tru/mau-ct01.pdf")
            .is_file()
    };
    assert!(copy("phuong-ba-dinh"));
    assert!(!copy("so-thu-nghiem"), "the sở does not publish tạm trú");
    assert!(!copy("xa-ba-vi"), "xã Ba Vì publishes its own version");
    let services = f.read_out("xa-ba-vi/dich-vu-cong/index.html");
    assert!(!services.contains("mau-ct01.pdf"));
}

#[test]
fn the_api_lists_each_form() {
    let f = with_forms();
    f.build_ok();
    let json: serde_json::Value =
        serde_json::from_str(&f.read_out("phuong-ba-dinh/api/v1/huong-dan/dang-ky-khai-sinh.json"))
            .unwrap();
    let forms = json["forms"].as_array().expect("forms");
    assert_eq!(forms.len(), 2);
    let base = base_url_of(f.root(), "phuong-ba-dinh");
    assert_eq!(forms[0]["title"], "Tờ khai đăng ký khai sinh");
    assert_eq!(
        forms[0]["url"],
        format!("{base}huong-dan/dang-ky-khai-sinh/to-khai-khai-sinh.pdf")
    );
    assert_eq!(forms[0]["type"], "pdf");
    assert_eq!(forms[0]["mime"], "application/pdf");
    assert_eq!(forms[0]["bytes"], pdf().len());
    assert_eq!(forms[1]["type"], "docx");
    assert_eq!(forms[1]["bytes"], docx().len());
    // A guide without forms has an empty list.
    let tam_tru: serde_json::Value =
        serde_json::from_str(&f.read_out("phuong-ba-dinh/api/v1/huong-dan/dang-ky-tam-tru.json"))
            .unwrap();
    assert_eq!(tam_tru["forms"], serde_json::json!([]));
}

#[test]
fn each_unit_has_a_catalogue_of_its_online_services() {
    let f = with_forms();
    f.build_ok();
    for unit in UNITS {
        let page = f.read_out(&format!("{unit}/dich-vu-cong/index.html"));
        // Linked from every page's footer.
        let home = f.read_out(&format!("{unit}/index.html"));
        assert!(home.contains("href=\"dich-vu-cong/index.html\""), "{unit}");
        let entry = section(&page, "id=\"dv-dang-ky-khai-sinh\"", "</li>\n");
        assert!(
            entry.contains("href=\"../huong-dan/dang-ky-khai-sinh/index.html\""),
            "{entry}"
        );
        assert!(
            entry.contains("href=\"https://dichvucong.gov.vn\""),
            "{entry}"
        );
        assert!(
            entry.contains("href=\"../huong-dan/dang-ky-khai-sinh/uy-quyen.docx\""),
            "{entry}"
        );
        let text = flat(&sotay::links::text(&entry));
        assert!(text.contains("Mã thủ tục 0.000001"), "{text}");
        assert!(text.contains("Cổng Dịch vụ công quốc gia"), "{text}");
        assert!(
            !text.contains("Bộ phận Một cửa"),
            "not an online channel: {text}"
        );
        assert!(
            text.contains("Tờ khai đăng ký khai sinh (PDF, 1 KB)"),
            "{text}"
        );
        assert_links_resolve(f.root(), &f.out(), unit);
    }
    // Every guide the unit publishes, in Vietnamese order of titles:
    // "Đăng ký hộ…" < "Đăng ký khai sinh…" < "Đăng ký tạm trú".
    let page = f.read_out("phuong-ba-dinh/dich-vu-cong/index.html");
    let pos = |slug: &str| {
        page.find(&format!("id=\"dv-{slug}\""))
            .unwrap_or_else(|| panic!("{slug} listed"))
    };
    assert!(pos("dang-ky-ho-kinh-doanh") < pos("dang-ky-khai-sinh"));
    assert!(pos("dang-ky-khai-sinh") < pos("dang-ky-tam-tru"));
    // A guide without an online address or forms says so.
    let tam_tru = flat(&sotay::links::text(&section(
        &page,
        "id=\"dv-dang-ky-tam-tru\"",
        "</li>\n",
    )));
    assert!(
        tam_tru.contains("chưa có địa chỉ nộp trực tuyến"),
        "{tam_tru}"
    );
    assert!(tam_tru.contains("Không có biểu mẫu"), "{tam_tru}");
    // The sở's own guides only: tạm trú is excluded there.
    let so = f.read_out("so-thu-nghiem/dich-vu-cong/index.html");
    assert!(!so.contains("dv-dang-ky-tam-tru"));
}

/// The error a build reports for this `forms` entry, with the files it needs.
fn form_error(forms: &str, files: &[(&str, Vec<u8>)], needle: &str) -> (String, usize) {
    let f = Fixture::html_only();
    let text = khai_sinh_with(forms);
    f.write(KHAI_SINH_PATH, &text);
    for (rel, bytes) in files {
        write_bytes(&f, rel, bytes);
    }
    let ds = f.build_err();
    let d = find_diag(&ds, needle);
    let (file, line, _) = at(d);
    assert_eq!(file, KHAI_SINH_PATH, "{}", render(&ds));
    let shown = text.lines().nth(line - 1).unwrap_or_default().to_owned();
    assert!(d.hint.is_some(), "{}", render(&ds));
    (shown, line)
}

fn entry(file: &str) -> String {
    format!("  - file: \"{file}\"\n    title: \"Tờ khai\"\n")
}

#[test]
fn a_missing_form_is_an_error_at_its_line() {
    let (line, _) = form_error(&entry("to-khai.pdf"), &[], "form file not found");
    assert!(line.contains("to-khai.pdf"), "{line}");
}

#[test]
fn a_form_of_a_refused_type_is_an_error_at_its_line() {
    let exe = b"MZ\x90\x00\x03\x00\x00\x00".to_vec();
    let (line, _) = form_error(
        &entry("cai-dat.exe"),
        &[("content/guides/ho-tich/cai-dat.exe", exe)],
        "not a type sotay publishes",
    );
    assert!(line.contains("cai-dat.exe"), "{line}");
}

#[test]
fn a_form_whose_bytes_are_not_its_type_is_an_error_at_its_line() {
    let exe = b"MZ\x90\x00\x03\x00\x00\x00".to_vec();
    let (line, _) = form_error(
        &entry("to-khai.pdf"),
        &[("content/guides/ho-tich/to-khai.pdf", exe)],
        "is not a PDF file",
    );
    assert!(line.contains("to-khai.pdf"), "{line}");
    // A PDF renamed .docx is refused too.
    let (line, _) = form_error(
        &entry("to-khai.docx"),
        &[("content/guides/ho-tich/to-khai.docx", pdf())],
        "is not a DOCX file",
    );
    assert!(line.contains("to-khai.docx"), "{line}");
}

#[test]
fn a_form_outside_the_guide_folder_is_an_error_at_its_line() {
    // The file exists, one folder up: still refused, by its path.
    let (line, _) = form_error(
        &entry("../to-khai.pdf"),
        &[("content/guides/to-khai.pdf", pdf())],
        "must be a file beside the guide",
    );
    assert!(line.contains("../to-khai.pdf"), "{line}");
    let (line, _) = form_error(
        &entry("/etc/passwd.pdf"),
        &[],
        "must be a file beside the guide",
    );
    assert!(line.contains("/etc/passwd.pdf"), "{line}");
}

#[cfg(unix)]
#[test]
fn a_form_linked_from_outside_the_project_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("bi-mat.pdf"), pdf()).unwrap();
    let f = Fixture::html_only();
    f.write(KHAI_SINH_PATH, &khai_sinh_with(&entry("to-khai.pdf")));
    std::os::unix::fs::symlink(
        outside.path().join("bi-mat.pdf"),
        f.root().join("content/guides/ho-tich/to-khai.pdf"),
    )
    .unwrap();
    let ds = f.build_err();
    let d = find_diag(&ds, "leads outside the content folder");
    assert_eq!(at(d).0, KHAI_SINH_PATH);
}

#[test]
fn a_form_over_the_size_limit_is_an_error() {
    let mut big = pdf();
    big.resize(11 * 1024 * 1024, b' ');
    let (line, _) = form_error(
        &entry("to-khai.pdf"),
        &[("content/guides/ho-tich/to-khai.pdf", big)],
        "forms are at most 10 MB",
    );
    assert!(line.contains("to-khai.pdf"), "{line}");
}

#[test]
fn a_form_file_name_must_be_a_web_address() {
    let (line, _) = form_error(
        &entry("Tờ khai.pdf"),
        &[("content/guides/ho-tich/Tờ khai.pdf", pdf())],
        "cannot be used as a web address",
    );
    assert!(line.contains("Tờ khai.pdf"), "{line}");
}

#[test]
fn pages_with_forms_pass_the_accessibility_audits() {
    let f = with_forms();
    f.build_ok();
    let problems = common::a11y::audit_dir(&f.out());
    assert!(problems.is_empty(), "{problems:#?}");
    common::axe::script();
    let unit = f.out().join("phuong-ba-dinh");
    let mut found = Vec::new();
    for rel in [
        "huong-dan/dang-ky-khai-sinh/index.html",
        "dich-vu-cong/index.html",
    ] {
        for width in [390, 1280] {
            found.extend(
                common::axe::violations(&unit.join(rel), width)
                    .into_iter()
                    .map(|v| format!("{rel} at {width}px: {v}")),
            );
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}
