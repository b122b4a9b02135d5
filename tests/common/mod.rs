//! A small but complete project written into a temporary folder, with the
//! repository's default theme, so each test can break one thing and build.

#![allow(dead_code)]

pub mod a11y;
pub mod axe;
pub mod browser;
pub mod qr;
pub mod server;

use std::path::{Path, PathBuf};

use sotay::{BuildFailure, BuildOptions, BuildReport};

pub struct Fixture {
    pub dir: tempfile::TempDir,
    /// Whether its builds make PDFs and pictures.
    pub media: sotay::Media,
}

pub const SITE: &str = r#"title: "Sổ tay thử nghiệm"
slogan: "Hành chính thông minh - Tận tâm phục vụ"
description: "Dự án nhỏ để kiểm thử."
base_url: "https://sotay.example.vn/"
unit_kinds:
  so: "Sở"
  phuong: "Phường"
  xa: "Xã"
audiences:
  - slug: nguoi-dan
    name: "Người dân"
    description: "Mọi người dân."
  - slug: doanh-nghiep
    name: "Doanh nghiệp"
    description: "Doanh nghiệp, hộ kinh doanh."
categories:
  - slug: ho-tich
    name: "Hộ tịch"
    description: "Khai sinh, khai tử."
  - slug: cu-tru
    name: "Cư trú"
    description: "Thường trú, tạm trú."
required:
  phuong: [dang-ky-khai-sinh]
  xa: [dang-ky-khai-sinh]
popular: [dang-ky-khai-sinh, dang-ky-tam-tru]
"#;

pub fn unit(name: &str, short: &str, kind: &str, extra: &str) -> String {
    format!(
        r##"name: "{name}"
short_name: "{short}"
kind: {kind}
base_url: "https://sotay.example.vn/{slug}/"
colour: "#0b5394"
address: "Bộ phận Một cửa, {short}"
hours:
  - "Thứ Hai đến Thứ Sáu: 8:00–17:00"
hotline: "1022"
{extra}"##,
        slug = crate::common::slugify(short)
    )
}

pub fn slugify(s: &str) -> String {
    sotay::text::slugify(s)
}

pub const KHAI_SINH: &str = r#"---
title: "Đăng ký khai sinh trực tuyến"
summary: "Đăng ký khai sinh cho trẻ mà không cần đến Ủy ban."
audiences: [nguoi-dan]
category: ho-tich
where: "Ủy ban nhân dân xã, phường nơi cư trú"
documents:
  - "Giấy chứng sinh"
fees:
  - name: "Lệ phí đăng ký khai sinh đúng hạn"
    amount: 0
    basis: "Luật Hộ tịch 2014"
processing_time:
  text: "Trong ngày"
related: [dang-ky-tam-tru]
last_reviewed: 2026-11-01
---

Hướng dẫn ngắn.

## Bước 1: Đăng nhập Cổng Dịch vụ công

Xem thêm [tạm trú](guide:dang-ky-tam-tru#buoc-1-chuan-bi-ho-so).

![Màn hình đăng nhập](anh/dang-nhap.png)

## Bước 2: Nộp hồ sơ

> [!WARNING]
> Không đưa mã xác thực (OTP) cho ai.

## Lưu ý

Xem [an toàn](page:an-toan).
"#;

pub const TAM_TRU: &str = r#"---
title: "Đăng ký tạm trú"
summary: "Đăng ký tạm trú trực tuyến."
audiences: [nguoi-dan]
category: cu-tru
where: "Công an xã, phường"
fees:
  - name: "Lệ phí đăng ký tạm trú"
    rates:
      - amount: 15000
        channel: counter
        basis: "Thông tư 75/2022/TT-BTC"
      - amount: 7000
        channel: online
        basis: "Thông tư 75/2022/TT-BTC"
processing_time:
  text: "3 ngày làm việc"
last_reviewed: 2026-10-01
---

## Bước 1: Chuẩn bị hồ sơ

Tờ khai.

## Bước 2: Nộp hồ sơ

Trên Cổng.
"#;

pub const HO_KINH_DOANH: &str = r#"---
title: "Đăng ký hộ kinh doanh"
summary: "Đăng ký hộ kinh doanh."
audiences: [doanh-nghiep]
category: cu-tru
where: "Ủy ban nhân dân xã, phường"
processing_time:
  text: "3 ngày làm việc"
last_reviewed: 2026-09-01
---

## Bước 1: Chuẩn bị

Giấy tờ.
"#;

pub const PAGE: &str = r#"---
title: "An toàn thông tin"
summary: "Giữ an toàn tài khoản."
last_reviewed: 2026-11-01
---

Không chia sẻ mã xác thực (OTP). Xem [khai sinh](guide:dang-ky-khai-sinh).
"#;

impl Fixture {
    /// The fixture, built whole: pages, PDFs and pictures.
    pub fn new() -> Self {
        Self::with_media(sotay::Media::Build)
    }

    /// The fixture for tests that read only web pages, JSON and other text
    /// output: built without PDFs and pictures (`--html-only`), which are
    /// most of a build's time.
    pub fn html_only() -> Self {
        Self::with_media(sotay::Media::Skip)
    }

    fn with_media(media: sotay::Media) -> Self {
        let f = Fixture {
            dir: tempfile::tempdir().expect("temp dir"),
            media,
        };
        copy_dir(
            &repo().join("themes/default"),
            &f.root().join("themes/default"),
        );
        f.write("content/site.yaml", SITE);
        f.write(
            "content/units/so-thu-nghiem.yaml",
            &unit(
                "Sở Thử nghiệm Hà Nội",
                "Sở Thử nghiệm",
                "so",
                "exclude: [dang-ky-tam-tru]\n",
            ),
        );
        f.write(
            "content/units/phuong-ba-dinh.yaml",
            &unit(
                "Ủy ban nhân dân phường Ba Đình",
                "Phường Ba Đình",
                "phuong",
                "",
            ),
        );
        f.write(
            "content/units/xa-ba-vi.yaml",
            &unit("Ủy ban nhân dân xã Ba Vì", "Xã Ba Vì", "xa", ""),
        );
        f.write("content/guides/ho-tich/dang-ky-khai-sinh.md", KHAI_SINH);
        f.write("content/guides/cu-tru/dang-ky-tam-tru.md", TAM_TRU);
        f.write(
            "content/guides/kinh-doanh/dang-ky-ho-kinh-doanh.md",
            HO_KINH_DOANH,
        );
        f.write("content/pages/an-toan.md", PAGE);
        // A unit override (same slug) and a unit-only guide.
        // It records the central version it copies (content::versions).
        let based_on = sotay::content::versions::version_of(TAM_TRU);
        f.write(
            "content/units/xa-ba-vi/guides/dang-ky-tam-tru.md",
            &TAM_TRU
                .replace(
                    "Trên Cổng.",
                    "Trên Cổng, hoặc nhờ Tổ công nghệ số cộng đồng ở thôn.",
                )
                .replacen("---\n", &format!("---\nbased_on: \"{based_on}\"\n"), 1),
        );
        f.write(
            "content/units/xa-ba-vi/guides/nho-to-cong-nghe-so.md",
            &HO_KINH_DOANH
                .replace("Đăng ký hộ kinh doanh", "Nhờ Tổ công nghệ số hỗ trợ")
                .replace("Giấy tờ.", "Xem [khai sinh](guide:dang-ky-khai-sinh)."),
        );
        f.image("content/guides/ho-tich/anh/dang-nhap.png", 1080, 2340);
        f
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn out(&self) -> PathBuf {
        self.root().join("public")
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// Replace the first `old` in a project file with `new`; the file must
    /// hold `old` (so an edit that no longer applies fails the test).
    pub fn edit(&self, rel: &str, old: &str, new: &str) {
        let text = std::fs::read_to_string(self.root().join(rel)).unwrap();
        assert!(text.contains(old), "{rel} does not contain {old:?}");
        self.write(rel, &text.replacen(old, new, 1));
    }

    pub fn read_out(&self, rel: &str) -> String {
        std::fs::read_to_string(self.out().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    pub fn image(&self, rel: &str, w: u32, h: u32) {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 251) as u8, (y % 241) as u8, 90])
        })
        .save(p)
        .unwrap();
    }

    pub fn options(&self) -> BuildOptions {
        let mut opts = BuildOptions::new(self.root(), build_date());
        opts.media = self.media;
        opts
    }

    pub fn build(&self) -> Result<BuildReport, BuildFailure> {
        sotay::build(&self.options())
    }

    pub fn build_ok(&self) -> BuildReport {
        match self.build() {
            Ok(r) => r,
            Err(f) => panic!("build failed:\n{}", render(&f.diagnostics)),
        }
    }

    /// The failed build's diagnostics, rendered as a user sees them.
    pub fn build_err(&self) -> Vec<sotay::Diagnostic> {
        match self.build() {
            Ok(_) => panic!("build succeeded but should have failed"),
            Err(f) => f.diagnostics,
        }
    }
}

/// The diagnostic whose message contains `needle`, or a panic listing all.
pub fn find_diag<'a>(ds: &'a [sotay::Diagnostic], needle: &str) -> &'a sotay::Diagnostic {
    ds.iter()
        .find(|d| d.message.contains(needle))
        .unwrap_or_else(|| panic!("no diagnostic with {needle:?} in:\n{}", render(ds)))
}

/// Where a diagnostic points: (file, line, column).
pub fn at(d: &sotay::Diagnostic) -> (String, usize, usize) {
    let l = d.location.as_ref().expect("located");
    (l.file.to_string_lossy().into_owned(), l.line, l.col)
}

pub fn render(ds: &[sotay::Diagnostic]) -> String {
    ds.iter()
        .map(|d| d.render(false))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The 1-based line of `text` that starts with `prefix`.
pub fn line_of(text: &str, prefix: &str) -> usize {
    text.lines()
        .position(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starts with {prefix:?}"))
        + 1
}

/// The date every test build runs on (the sample's review date): tests pass
/// it in, none reads the machine's clock.
pub fn build_date() -> sotay::content::Date {
    sotay::content::Date::parse("2026-11-29").expect("a date")
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
    {
        let rel = e.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// Every file under `dir` with its bytes, for byte-for-byte comparisons.
/// An output tree's files by path, without sotay's marker file: what a
/// webmaster uploads, for comparing two builds.
pub fn output_files(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    snapshot(dir)
        .into_iter()
        .filter(|(p, _)| p != Path::new(".sotay-output"))
        .collect()
}

pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut v: Vec<_> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

/// The base_url written in a unit's YAML file.
pub fn base_url_of(root: &Path, unit: &str) -> String {
    let yaml = std::fs::read_to_string(root.join(format!("content/units/{unit}.yaml"))).unwrap();
    yaml.lines()
        .find_map(|l| l.strip_prefix("base_url: "))
        .unwrap()
        .trim_matches('"')
        .to_owned()
}

/// Every relative link and anchor in a unit folder resolves inside it, and
/// nothing loads from an origin other than the unit's own.
pub fn assert_links_resolve(root: &Path, out: &Path, unit: &str) {
    let problems = sotay::links::check(&out.join(unit), &[base_url_of(root, unit)]);
    assert!(
        problems.is_empty(),
        "{unit}:\n{}",
        problems
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Every output of every built unit shows each guide's steps as the document
/// model knows them: the page's ids and titles, the API JSON, the leaflet's
/// text (`pdftotext`) and the infographics that take their steps from it.
/// Returns how many guide pages and leaflets were compared.
pub fn assert_steps_agree(root: &Path, out: &Path) -> (usize, usize) {
    let sink = sotay::diag::Sink::default();
    let project = sotay::content::load(root, &sink).expect("the project loads");
    let (mut compared, mut leaflets) = (0, 0);
    for unit in &project.units {
        let dir = out.join(&unit.slug);
        if !dir.is_dir() {
            continue;
        }
        for e in std::fs::read_dir(dir.join("huong-dan")).unwrap() {
            let e = e.unwrap();
            if !e.file_type().unwrap().is_dir() {
                continue;
            }
            let slug = e.file_name().to_string_lossy().into_owned();
            let guide = unit
                .guides
                .iter()
                .find(|g| g.doc.slug == slug)
                .or_else(|| project.guide(&slug))
                .unwrap_or_else(|| panic!("{}: no guide {slug} in content", unit.slug));
            let steps = &guide.doc.parsed.body.steps;
            let at = format!("{}/{slug}", unit.slug);
            let page =
                std::fs::read_to_string(dir.join(format!("huong-dan/{slug}/index.html"))).unwrap();
            let page_text = sotay::links::text(&page);
            for s in steps {
                assert!(
                    page.contains(&format!("id=\"{}\"", s.anchor)),
                    "{at}: page lacks #{}",
                    s.anchor
                );
                assert!(
                    page_text.contains(&s.title),
                    "{at}: page lacks step title {:?}",
                    s.title
                );
            }
            let api = dir.join(format!("api/v1/huong-dan/{slug}.json"));
            if api.is_file() {
                let json: serde_json::Value =
                    serde_json::from_str(&std::fs::read_to_string(&api).unwrap()).unwrap();
                let shown: Vec<(String, String)> = json["steps"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| {
                        (
                            s["id"].as_str().unwrap().to_owned(),
                            s["title"].as_str().unwrap().to_owned(),
                        )
                    })
                    .collect();
                let known: Vec<(String, String)> = steps
                    .iter()
                    .map(|s| (s.anchor.clone(), s.title.clone()))
                    .collect();
                assert_eq!(shown, known, "{at}: API steps");
            }
            if let Some(pdf) = first_leaflet(&dir, &slug) {
                leaflets += 1;
                let text = squash(&pdf_text(&pdf));
                for s in steps {
                    assert!(
                        text.contains(&squash(&s.title)),
                        "{at}: {} lacks {:?}",
                        pdf.display(),
                        s.title
                    );
                }
            }
            for spec in project.infographics.iter().filter(|i| {
                i.meta.guide.as_deref() == Some(slug.as_str()) && i.meta.steps.is_empty()
            }) {
                let page = dir.join(format!("do-hoa/{}/index.html", spec.slug));
                let html = std::fs::read_to_string(&page).unwrap();
                let drawn: Vec<String> = html
                    .split("<li>")
                    .skip(1)
                    .map(|li| sotay::links::text(li.split("</li>").next().unwrap()))
                    .collect();
                let titles: Vec<String> = steps.iter().map(|s| s.title.clone()).collect();
                assert!(
                    drawn.ends_with(&titles)
                        || drawn.windows(titles.len()).any(|w| w == titles.as_slice()),
                    "{at}: infographic {} draws {drawn:?}",
                    spec.slug
                );
            }
            compared += 1;
        }
    }
    (compared, leaflets)
}

fn first_leaflet(unit_dir: &Path, slug: &str) -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(unit_dir.join("in-an"))
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(&format!("{slug}-")))
                && p.extension().is_some_and(|x| x == "pdf")
        })
        .collect();
    found.sort();
    found.into_iter().next()
}

pub fn pdf_text(pdf: &Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .args([pdf.as_os_str(), std::ffi::OsStr::new("-")])
        .output()
        .expect("pdftotext (apt-get install poppler-utils)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Text without white space or soft hyphens, for comparing wrapped lines.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{ad}' && *c != '-')
        .collect()
}

/// An HTML page's text, entities decoded, on one line.
pub fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out.replace("&#x2F;", "/").replace("&amp;", "&");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}
