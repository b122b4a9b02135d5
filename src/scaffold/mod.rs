//! `sotay new` and `sotay init`: files with every field documented in
//! Vietnamese comments, and a new project that builds. Never overwrites.

mod theme;

use std::path::{Path, PathBuf};

use crate::content::frontmatter::{Yaml, parse};
use crate::content::{Date, SITE_KEYS, SiteConfig, Source};
use crate::diag::Diagnostic;
use crate::text::slugify;

// The same files content::placeholders reads its prompts from.
const GUIDE: &str = crate::content::placeholders::GUIDE_TEMPLATE;
const PAGE: &str = crate::content::placeholders::PAGE_TEMPLATE;
const UNIT: &str = include_str!("unit.yaml");
const MESSAGE: &str = include_str!("message.yaml");
const INFOGRAPHIC: &str = include_str!("infographic.yaml");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Guide,
    Unit,
    Page,
    Message,
    Infographic,
}

#[derive(Debug, Clone)]
pub struct NewOptions {
    pub root: PathBuf,
    pub kind: Kind,
    /// A slug (`dang-ky-ket-hon`) or a Vietnamese title (`Đăng ký kết hôn`).
    pub name: String,
    /// For a guide: write it for this unit only.
    pub unit: Option<String>,
    /// For a guide: its category; for a unit: its kind.
    pub category: Option<String>,
    pub today: Date,
}

fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    vars.iter().fold(template.to_owned(), |t, (k, v)| {
        t.replace(&format!("{{{{{k}}}}}"), v)
    })
}

fn write_new(path: &Path, text: &str) -> Result<(), Diagnostic> {
    if path.exists() {
        return Err(
            Diagnostic::error(format!("{} already exists", path.display())).hint(
                "sotay never overwrites content: choose another name, or edit the existing file",
            ),
        );
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| Diagnostic::error(format!("cannot create {}: {e}", parent.display())))?;
    }
    std::fs::write(path, text)
        .map_err(|e| Diagnostic::error(format!("cannot write {}: {e}", path.display())))
}

fn site(root: &Path) -> Result<SiteConfig, Diagnostic> {
    let path = root.join("content/site.yaml");
    let src = Source::read(root, &path).map_err(|d| {
        d.hint("run sotay from a project folder, or create one with `sotay init DIR`")
    })?;
    let yaml = Yaml {
        text: &src.text,
        first_line: 1,
    };
    parse::<SiteConfig>(&src, &yaml, SITE_KEYS, "site.yaml").map_err(|mut ds| ds.remove(0))
}

/// Create one content file; returns its path.
pub fn new(opts: &NewOptions) -> Result<PathBuf, Diagnostic> {
    let slug = slugify(&opts.name);
    if slug.is_empty() {
        return Err(
            Diagnostic::error(format!("`{}` gives no usable file name", opts.name))
                .hint("use letters or digits, e.g. dang-ky-ket-hon"),
        );
    }
    let site = site(&opts.root)?;
    let d = Draft {
        opts,
        audience: site
            .audiences
            .first()
            .map(|a| a.slug.clone())
            .unwrap_or_default(),
        site: &site,
        content: opts.root.join("content"),
        title: if slug == opts.name {
            String::new()
        } else {
            opts.name.clone()
        },
        today: opts.today.to_string(),
        slug,
    };
    let (path, text) = match opts.kind {
        Kind::Guide => d.guide()?,
        Kind::Page => d.page(),
        Kind::Message => d.message(),
        Kind::Infographic => d.infographic(),
        Kind::Unit => d.unit(),
    };
    write_new(&path, &text)?;
    Ok(path)
}

/// What a new file is made from: its slug, the title given (empty when the
/// name was a slug already), and site.yaml's first audience.
struct Draft<'a> {
    opts: &'a NewOptions,
    site: &'a SiteConfig,
    content: PathBuf,
    slug: String,
    title: String,
    audience: String,
    today: String,
}

impl Draft<'_> {
    /// The title given, or `default` (a prompt for the editor).
    fn title_or(&self, default: &str) -> String {
        if self.title.is_empty() {
            default.to_owned()
        } else {
            self.title.clone()
        }
    }

    /// A guide in its category's folder, or in the unit's with `--unit`.
    fn guide(&self) -> Result<(PathBuf, String), Diagnostic> {
        let (opts, site, slug) = (self.opts, self.site, &self.slug);
        let category = opts
            .category
            .clone()
            .or_else(|| site.categories.first().map(|c| c.slug.clone()))
            .unwrap_or_default();
        if !site.categories.iter().any(|c| c.slug == category) {
            let known: Vec<&str> = site.categories.iter().map(|c| c.slug.as_str()).collect();
            return Err(
                Diagnostic::error(format!("unknown category `{category}`")).hint(format!(
                    "categories in content/site.yaml: {}",
                    known.join(", ")
                )),
            );
        }
        let title = self.title_or(crate::content::placeholders::GUIDE_TITLE_PROMPT);
        let path = match &opts.unit {
            Some(u) => self
                .content
                .join("units")
                .join(u)
                .join("guides")
                .join(format!("{slug}.md")),
            None => self
                .content
                .join("guides")
                .join(&category)
                .join(format!("{slug}.md")),
        };
        let text = fill(
            GUIDE,
            &[
                ("title", &title),
                ("audience", &self.audience),
                ("category", &category),
                ("today", &self.today),
            ],
        );
        Ok((path, text))
    }

    fn page(&self) -> (PathBuf, String) {
        let title = self.title_or(crate::content::placeholders::PAGE_TITLE_PROMPT);
        (
            self.content.join("pages").join(format!("{}.md", self.slug)),
            fill(PAGE, &[("title", &title), ("today", &self.today)]),
        )
    }

    fn message(&self) -> (PathBuf, String) {
        let title = self.title_or("Mục đích của tin nhắn");
        (
            self.content
                .join("messages")
                .join(format!("{}.yaml", self.slug)),
            fill(MESSAGE, &[("title", &title), ("audience", &self.audience)]),
        )
    }

    fn infographic(&self) -> (PathBuf, String) {
        let title = self.title_or("Tiêu đề đồ họa");
        (
            self.content
                .join("infographics")
                .join(format!("{}.yaml", self.slug)),
            fill(INFOGRAPHIC, &[("title", &title)]),
        )
    }

    /// A unit: from its entry in the city's registry when it has one (its
    /// official name, kind, and the address and phone a source gave), else
    /// of the kind given with `--category`, else site.yaml's first.
    fn unit(&self) -> (PathBuf, String) {
        let root = &self.opts.root;
        let registry = crate::content::registry::load(
            root,
            |p| Source::read(root, p).ok(),
            &crate::diag::Sink::default(),
        );
        let entry = registry.get(&self.slug);
        let kind = entry
            .map(|e| e.kind.clone())
            .or_else(|| self.opts.category.clone())
            .or_else(|| self.site.unit_kinds.first().map(|k| k.0.clone()))
            .unwrap_or_default();
        let title = entry.map_or_else(|| self.title_or("Tên đơn vị"), |e| e.name.clone());
        let (address, phone) =
            entry.map_or((None, None), |e| (e.address.as_deref(), e.phone.as_deref()));
        (
            self.content
                .join("units")
                .join(format!("{}.yaml", self.slug)),
            unit_file(&title, &kind, &self.slug, address, phone),
        )
    }
}

/// A unit file with every field explained; the address and hotline are
/// prompts unless a source gave them.
fn unit_file(
    title: &str,
    kind: &str,
    slug: &str,
    address: Option<&str>,
    hotline: Option<&str>,
) -> String {
    // Inside YAML double quotes.
    let quoted = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
    fill(
        UNIT,
        &[
            ("title", &quoted(title)),
            ("kind", kind),
            ("slug", slug),
            ("address", &quoted(address.unwrap_or("Bộ phận Một cửa, …"))),
            ("hotline", &quoted(hotline.unwrap_or("1022"))),
        ],
    )
}

/// Create a new project in `dir` (which must be empty or absent) that builds.
pub fn init(dir: &Path, today: Date) -> Result<Vec<PathBuf>, Diagnostic> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(Diagnostic::error(format!("{} is not empty", dir.display()))
            .hint("choose a new folder name"));
    }
    let mut written = Vec::new();
    for (rel, bytes) in theme::FILES {
        let path = dir.join("themes/default").join(rel);
        std::fs::create_dir_all(path.parent().expect("theme files are in folders"))
            .map_err(|e| Diagnostic::error(e.to_string()))?;
        std::fs::write(&path, bytes)
            .map_err(|e| Diagnostic::error(format!("cannot write {}: {e}", path.display())))?;
        written.push(path);
    }
    let files = [
        ("content/site.yaml", SITE.to_owned()),
        (".gitignore", "/public\n/.sotay-cache\n".to_owned()),
        (
            "content/units/phuong-mau.yaml",
            unit_file("Phường Mẫu", "phuong", "phuong-mau", None, None),
        ),
        (
            "content/guides/dich-vu-cong-truc-tuyen/nop-ho-so-truc-tuyen.md",
            fill(
                GUIDE,
                &[
                    ("title", "Nộp hồ sơ trực tuyến"),
                    ("audience", "nguoi-dan"),
                    ("category", "dich-vu-cong-truc-tuyen"),
                    ("today", &today.to_string()),
                ],
            ),
        ),
        (
            "content/pages/gioi-thieu.md",
            fill(
                PAGE,
                &[("title", "Giới thiệu"), ("today", &today.to_string())],
            ),
        ),
    ];
    for (rel, text) in files {
        let path = dir.join(rel);
        write_new(&path, &text)?;
        written.push(path);
    }
    Ok(written)
}

const SITE: &str = r#"# Cấu hình chung của chiến dịch. Xem README của sotay để biết từng mục.
title: "Sổ tay dịch vụ công trực tuyến"
slogan: "Hành chính thông minh - Tận tâm phục vụ"
description: "Hướng dẫn từng bước, dễ hiểu để người dân tự làm thủ tục hành chính trên mạng."
# Các khẩu hiệu khác của chiến dịch, đặt tên để dùng trong tin nhắn:
# ((khau hieu <tên>)). Ghi đúng nguyên văn trong kế hoạch tuyên truyền, ví dụ:
# slogans:
#   tên ngắn: "Nguyên văn khẩu hiệu"
#   tên khác:            # khẩu hiệu dành cho một số đối tượng: hiện trên trang
#     text: "Nguyên văn"  # của đối tượng đó
#     audiences: [nguoi-dan]
# Địa chỉ web của trang tổng hợp.
base_url: "https://example.gov.vn/"
# Widget nhúng (nhung/) và dữ liệu JSON (api/) có ở mọi đơn vị, trừ khi tắt
# ở đây hoặc trong tệp của đơn vị. Tắt khi cổng thông tin không dùng, để tải
# lên ít tệp hơn:
# outputs:
#   widgets: false
#   api: false
# Màn hình trình chiếu tại Bộ phận Một cửa (trinh-chieu/): mỗi trang hiện
# bao nhiêu giây (5 đến 600) và chiếu những hình đồ họa nào, theo thứ tự. Bỏ
# trống: 12 giây, mọi hình vẽ cho màn hình ngang. Đơn vị có thể đặt riêng
# trong tệp của mình.
# kiosk:
#   seconds: 12
#   infographics: [ten-hinh-do-hoa]
# Loại đơn vị: slug -> tên hiển thị.
unit_kinds:
  so: "Sở"
  phuong: "Phường"
  xa: "Xã"
audiences:
  - slug: nguoi-dan
    name: "Người dân"
    description: "Mọi người dân muốn tự làm thủ tục hành chính trên mạng."
  - slug: doanh-nghiep
    name: "Doanh nghiệp, hộ kinh doanh"
    description: "Người mở và điều hành doanh nghiệp, hộ kinh doanh."
categories:
  - slug: dich-vu-cong-truc-tuyen
    name: "Dùng dịch vụ công trực tuyến"
    description: "Những việc chung: nộp hồ sơ, theo dõi hồ sơ, thanh toán."
# Hướng dẫn mọi đơn vị cùng loại phải đăng. Một hướng dẫn bắt buộc không được
# là bản nháp: bỏ dấu # ở hai dòng dưới khi hướng dẫn đã viết xong.
# required:
#   phuong: [nop-ho-so-truc-tuyen]
# Cách người dân gõ khi tìm (không bắt buộc): chữ viết tắt, tên gọi quen ->
# từ các hướng dẫn dùng. Trang tìm kiếm và tệp hỏi đáp cho chatbot dùng chúng.
# search:
#   synonyms:
#     cccd: [căn cước công dân, căn cước]
#     hộ khẩu: [thường trú]
# Câu trả lời ngắn trong tệp hỏi đáp api/v1/hoi-dap.json dài nhất (mặc định 400 ký tự):
# chatbot:
#   answer_chars: 400
# Hướng dẫn nổi bật trên trang chủ.
popular: [nop-ho-so-truc-tuyen]
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_theme_is_the_repository_theme() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        let mut on_disk: Vec<String> = walkdir::WalkDir::new(&dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                e.path()
                    .strip_prefix(&dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        on_disk.sort();
        let built_in: Vec<String> = theme::FILES.iter().map(|(p, _)| (*p).to_owned()).collect();
        assert_eq!(
            built_in, on_disk,
            "regenerate src/scaffold/theme.rs when theme files are added or removed"
        );
        for (rel, bytes) in theme::FILES {
            assert_eq!(std::fs::read(dir.join(rel)).unwrap(), *bytes, "{rel}");
        }
    }
}
