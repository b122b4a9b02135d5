//! `sotay init` makes a project that builds; `sotay new` adds files that
//! build, explained in Vietnamese comments, and never overwrites.

mod common;

use std::process::Command;

use common::*;

fn sotay(args: &[&str], root: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sotay"))
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .unwrap()
}

/// `sotay init` into a new folder under `parent`; the project's folder.
fn init(parent: &std::path::Path) -> std::path::PathBuf {
    let dir = parent.join("du-an");
    let out = Command::new(env!("CARGO_BIN_EXE_sotay"))
        .arg("init")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

#[test]
fn init_then_new_files_build_cleanly() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = init(tmp.path());
    let build = sotay(&["build"], &dir);
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    // The example guide is a draft full of prompts: built, but not published.
    assert!(
        !dir.join("public/phuong-mau/huong-dan/nop-ho-so-truc-tuyen")
            .exists()
    );
    assert!(
        std::fs::read_to_string(dir.join("public/bao-cao/bao-cao.json"))
            .unwrap()
            .contains("\"nop-ho-so-truc-tuyen\"")
    );

    for args in [
        vec!["new", "guide", "Đăng ký kết hôn"],
        vec!["new", "page", "lien-he"],
        vec!["new", "unit", "Xã Mẫu", "--category", "xa"],
        vec!["new", "guide", "ho-tro-tai-nha", "--unit", "phuong-mau"],
        vec!["new", "message", "Nhắc nộp hồ sơ trên mạng"],
        vec!["new", "infographic", "Nộp hồ sơ trên mạng"],
    ] {
        let o = sotay(&args, &dir);
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let guide = std::fs::read_to_string(
        dir.join("content/guides/dich-vu-cong-truc-tuyen/dang-ky-ket-hon.md"),
    )
    .unwrap();
    assert!(guide.contains("title: \"Đăng ký kết hôn\""));
    assert!(
        guide.contains("# Tên hướng dẫn: bắt đầu bằng động từ"),
        "fields are explained"
    );
    assert!(dir.join("content/units/xa-mau.yaml").is_file());
    assert!(
        dir.join("content/messages/nhac-nop-ho-so-tren-mang.yaml")
            .is_file()
    );
    assert!(
        dir.join("content/units/phuong-mau/guides/ho-tro-tai-nha.md")
            .is_file()
    );
    let build = sotay(&["build", "--strict"], &dir);
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    // New guides and pages are drafts: not published until the editor says so.
    assert!(dir.join("public/xa-mau/index.html").is_file());
    assert!(!dir.join("public/xa-mau/trang/lien-he").exists());
    assert!(!dir.join("public/xa-mau/huong-dan/dang-ky-ket-hon").exists());
    // The new infographic is drawn for the new unit.
    assert_eq!(
        image::image_dimensions(
            dir.join("public/xa-mau/do-hoa/nop-ho-so-tren-mang/vuong-1080x1080.png")
        )
        .unwrap(),
        (1080, 1080)
    );
    assert!(
        std::fs::read_to_string(dir.join("public/xa-mau/tin-nhan/tin-nhan.csv"))
            .unwrap()
            .contains("nhac-nop-ho-so-tren-mang,sms,khong-dau")
    );

    // Never overwrite.
    let before = std::fs::read(dir.join("content/pages/lien-he.md")).unwrap();
    let again = sotay(&["new", "page", "lien-he"], &dir);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    assert_eq!(
        std::fs::read(dir.join("content/pages/lien-he.md")).unwrap(),
        before
    );
    let not_empty = Command::new(env!("CARGO_BIN_EXE_sotay"))
        .arg("init")
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(not_empty.status.code(), Some(1));
}

#[test]
fn new_guide_rejects_an_unknown_category() {
    let f = Fixture::new();
    let o = sotay(
        &["new", "guide", "dang-ky-ket-hon", "--category", "ho-tic"],
        f.root(),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown category `ho-tic`"));
}

#[test]
fn a_new_unit_starts_from_its_registry_entry() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = init(tmp.path());
    std::fs::write(
        dir.join("content/registry.yaml"),
        "units:\n  - name: \"Phường Mẫu\"\n    kind: phuong\n    slug: phuong-mau\n  \
         - name: \"Xã Hồng Vân\"\n    kind: xa\n    slug: xa-hong-van\n    \
         address: \"Số 1, thôn \\\"Mẫu\\\"\"\n    phone: \"024 1022\"\n",
    )
    .unwrap();
    // The name as an editor would type it; the kind comes from the registry.
    let o = sotay(
        &["new", "unit", "Xã Hồng Vân", "--category", "phuong"],
        &dir,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let unit = std::fs::read_to_string(dir.join("content/units/xa-hong-van.yaml")).unwrap();
    for want in [
        "name: \"Xã Hồng Vân\"",
        "kind: xa",
        "address: \"Số 1, thôn \\\"Mẫu\\\"\"",
        "hotline: \"024 1022\"",
    ] {
        assert!(unit.contains(want), "{want} in\n{unit}");
    }
    let build = sotay(&["build", "--html-only"], &dir);
    let err = String::from_utf8_lossy(&build.stderr);
    assert!(build.status.success(), "{err}");
    assert!(!err.contains("not in the city's registry"), "{err}");
    assert!(dir.join("public/xa-hong-van/index.html").exists());
}
