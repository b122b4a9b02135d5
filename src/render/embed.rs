//! Embeds for portals the unit already runs: per guide an iframe page (with
//! our own postMessage resizer), a Declarative Shadow DOM fragment with a
//! plain-HTML fallback, the `<sotay-guide>` web component and static oEmbed
//! JSON; list and search-box widgets; and the webmaster page that shows
//! every widget with a live preview and a snippet to copy.

use serde::Serialize;
use tera::Context;

use super::pages::{base_context, canonical, rendered_for_unit};
use super::views::{Card, GuideView};
use super::{Rendered, Renderer, Shared, Stats};
use crate::content::Guide;
use crate::diag::Diagnostic;
use crate::markdown::escape;
use crate::output::{Depends, Output};
use crate::resolve::UnitSite;

/// Folder of embeddable pages inside a unit folder.
pub const DIR: &str = crate::paths::EMBED_DIR;
/// The webmaster page.
pub const WEBMASTER: &str = "nhung-vao-cong-thong-tin/index.html";

pub struct Embed;

#[derive(Serialize)]
struct Widget {
    id: &'static str,
    title: String,
    description: String,
    /// Relative URL for the live preview iframe, if the widget is a page.
    preview: Option<String>,
    height: u32,
    /// Highlighted snippet HTML.
    code: String,
}

#[derive(Serialize)]
struct PerGuide<'a> {
    title: &'a str,
    code: String,
}

#[derive(Serialize)]
struct ServerSnippet {
    title: &'static str,
    code: String,
}

#[derive(Serialize)]
struct OEmbed<'a> {
    version: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    title: &'a str,
    provider_name: &'a str,
    provider_url: &'a str,
    author_name: &'a str,
    html: String,
    width: u32,
    height: u32,
}

/// The snippet a webmaster pastes for an iframe widget: the frame and the
/// unit's resizer script, with no inline style or script, so a host page's
/// CSP needs only the unit's origin in `frame-src` and `script-src`.
pub fn iframe_snippet(base_url: &str, rel: &str, id: &str, title: &str, height: u32) -> String {
    format!(
        "<iframe id=\"{id}\" src=\"{base_url}{rel}\" title=\"{title}\" width=\"100%\" height=\"{height}\" loading=\"lazy\"></iframe>\n\
<script src=\"{base_url}assets/nhung-co-gian.js\" defer></script>",
        title = escape(title)
    )
}

impl Renderer for Embed {
    fn name(&self) -> &'static str {
        "embed"
    }

    fn render(&self, site: &UnitSite, sh: &Shared, out: &Output) -> Rendered {
        if !site.outputs.widgets {
            return Ok(Stats::default());
        }
        let e = UnitEmbeds {
            site,
            sh,
            out,
            base: base_context(site, sh),
        };
        let mut made = Made::default();
        made.add(".css", e.stylesheet());
        for g in site.ordered() {
            e.guide(g, &mut made);
        }
        e.lists(&mut made);
        made.add(".html", e.search_box());
        made.add(".html", e.webmaster());
        if made.errors.is_empty() {
            Ok(Stats {
                pages: made.pages,
                ..Stats::default()
            })
        } else {
            Err(made.errors)
        }
    }
}

/// Pages written and problems met.
#[derive(Default)]
struct Made {
    pages: usize,
    errors: Vec<Diagnostic>,
}

impl Made {
    fn add(&mut self, rel: &str, r: Result<(), Diagnostic>) {
        match r {
            Ok(()) => self.pages += usize::from(rel.ends_with(".html")),
            Err(e) => self.errors.push(e),
        }
    }
}

/// One unit's widgets.
struct UnitEmbeds<'s, 'p> {
    site: &'s UnitSite<'p>,
    sh: &'s Shared<'s>,
    out: &'s Output<'s>,
    /// What every page template sees.
    base: Context,
}

impl UnitEmbeds<'_, '_> {
    fn unit(&self) -> &str {
        &self.site.unit.slug
    }

    fn base_url(&self) -> &str {
        &self.site.unit.data.base_url
    }

    fn t(&self, key: &str) -> String {
        self.sh.theme.strings.get(key).cloned().unwrap_or_default()
    }

    /// A page's context: `rel` is under the unit folder.
    fn page_ctx(&self, rel: &str, title: &str, canonical_url: &str) -> Context {
        let mut ctx = self.base.clone();
        ctx.insert("root", &"../".repeat(rel.matches('/').count()));
        ctx.insert("path", rel);
        ctx.insert("canonical", canonical_url);
        ctx.insert("title", title);
        ctx.insert("description", "");
        ctx
    }

    /// Emit a file under the unit folder.
    fn emit<B: AsRef<[u8]>>(
        &self,
        rel: &str,
        depends: Depends,
        make: impl FnOnce(&str) -> Result<B, Diagnostic>,
    ) -> Result<(), Diagnostic> {
        let full = crate::paths::in_unit(self.unit(), rel);
        self.out.emit(&full, depends, || make(&full))
    }

    fn frame(&self) -> Depends<'_> {
        Depends::Frame { unit: self.unit() }
    }

    /// The fragment's stylesheet: a file, not inline, so a host page's
    /// `style-src` without 'unsafe-inline' still lets it apply.
    fn stylesheet(&self) -> Result<(), Diagnostic> {
        self.emit(&format!("{DIR}/manh.css"), self.frame(), |_| {
            let shadow_css = self
                .sh
                .theme
                .static_files
                .iter()
                .find(|(n, _)| n == "nhung-manh.css")
                .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default();
            Ok(format!(
                "{shadow_css}:host{{--sotay-brand:{}}}\n",
                self.site.unit.colour
            ))
        })
    }

    /// A guide's iframe page, fragment and oEmbed.
    fn guide(&self, g: &Guide, made: &mut Made) {
        let (site, sh) = (self.site, self.sh);
        let slug = &g.doc.slug;
        let depends = Depends::Guide {
            unit: self.unit(),
            slug,
        };
        let page_url = canonical(self.base_url(), &crate::paths::guide_page(slug));
        let doc = std::cell::OnceCell::new();
        let doc = || doc.get_or_init(|| rendered_for_unit(site, sh, g));
        let rel = crate::paths::embed_guide(slug);
        let page = self.emit(&rel, depends, |full| {
            let mut ctx = self.page_ctx(&rel, &g.doc.meta.title, &page_url);
            let view = GuideView::new(g, doc().at_root("../../../"), site);
            ctx.insert("guide", &view);
            sh.template("embed/guide.html", &ctx, full)
        });
        made.add(&rel, page);
        // The Declarative Shadow DOM fragment: absolute URLs, pasted anywhere.
        let fragment = crate::paths::embed_fragment(slug);
        let written = self.emit(&fragment, depends, |full| {
            let mut ctx = self.base.clone();
            let view = GuideView::new(g, doc().at_root(self.base_url()), site);
            ctx.insert("guide", &view);
            ctx.insert("canonical", &page_url);
            sh.template("embed/fragment.html", &ctx, full)
        });
        made.add(&fragment, written);
        let oembed = crate::paths::embed_oembed(slug);
        let written = self.emit(&oembed, depends, |_| self.oembed(g, &rel));
        made.add(&oembed, written);
    }

    fn oembed(&self, g: &Guide, frame_rel: &str) -> Result<String, Diagnostic> {
        let (u, base) = (self.site.unit, self.base_url());
        let o = OEmbed {
            version: "1.0",
            kind: "rich",
            title: &g.doc.meta.title,
            provider_name: &u.data.name,
            provider_url: base,
            author_name: &u.data.name,
            html: iframe_snippet(
                base,
                frame_rel,
                &format!("sotay-{}", g.doc.slug),
                &g.doc.meta.title,
                900,
            ),
            width: 768,
            height: 900,
        };
        serde_json::to_string(&o)
            .map(|s| s + "\n")
            .map_err(|e| Diagnostic::error(e.to_string()))
    }

    /// List widgets: by audience, by category, latest updated.
    fn lists(&self, made: &mut Made) {
        let (site, p) = (self.site, self.site.project);
        let mut lists: Vec<(String, String, Vec<&Guide>)> = Vec::new();
        for a in &p.site.audiences {
            let guides = site
                .ordered()
                .filter(|g| g.doc.meta.audiences.contains(&a.slug));
            lists.push((
                crate::paths::embed_audience(&a.slug),
                a.name.clone(),
                guides.collect(),
            ));
        }
        for c in &p.site.categories {
            let guides = site.ordered().filter(|g| g.doc.meta.category == c.slug);
            lists.push((
                crate::paths::embed_category(&c.slug),
                c.name.clone(),
                guides.collect(),
            ));
        }
        let mut latest: Vec<&Guide> = site.ordered().collect();
        latest.sort_by_key(|g| std::cmp::Reverse(g.doc.meta.last_reviewed));
        latest.truncate(8);
        lists.push((
            crate::paths::EMBED_LATEST.to_owned(),
            self.t("latest_list"),
            latest,
        ));
        let all_guides = canonical(self.base_url(), crate::paths::ALL_GUIDES);
        for (rel, title, guides) in &lists {
            let written = self.emit(rel, self.frame(), |full| {
                let mut ctx = self.page_ctx(rel, title, &all_guides);
                let cards: Vec<Card> = guides.iter().map(|g| Card::new(g, site)).collect();
                ctx.insert("guides", &cards);
                self.sh.template("embed/list.html", &ctx, full)
            });
            made.add(rel, written);
        }
    }

    fn search_box(&self) -> Result<(), Diagnostic> {
        let rel = crate::paths::EMBED_SEARCH;
        self.emit(rel, self.frame(), |full| {
            let search = canonical(self.base_url(), crate::paths::SEARCH_PAGE);
            let ctx = self.page_ctx(rel, &self.t("search_title"), &search);
            self.sh.template("embed/search.html", &ctx, full)
        })
    }

    /// The webmaster page. It shows the example guide's fragment,
    /// highlighted (the costly part): kept like that guide's own files
    /// while it is unchanged.
    fn webmaster(&self) -> Result<(), Diagnostic> {
        let site = self.site;
        let example = site
            .popular()
            .into_iter()
            .next()
            .or_else(|| site.ordered().next());
        let depends = match example {
            Some(g) => Depends::Guide {
                unit: self.unit(),
                slug: &g.doc.slug,
            },
            None => self.frame(),
        };
        self.emit(WEBMASTER, depends, |full| {
            let mut ctx = self.page_ctx(
                WEBMASTER,
                &self.t("webmaster_title"),
                &canonical(self.base_url(), WEBMASTER),
            );
            ctx.insert("widgets", &widgets(site, self.sh, self.out, example));
            ctx.insert("per_guide", &self.per_guide());
            ctx.insert("server", &self.server());
            self.sh.template("webmaster.html", &ctx, full)
        })
    }

    /// Every guide's iframe snippet.
    fn per_guide(&self) -> Vec<PerGuide<'_>> {
        self.site
            .ordered()
            .map(|g| PerGuide {
                title: &g.doc.meta.title,
                code: iframe_snippet(
                    self.base_url(),
                    &crate::paths::embed_guide(&g.doc.slug),
                    &format!("sotay-{}", g.doc.slug),
                    &g.doc.meta.title,
                    900,
                ),
            })
            .collect()
    }

    /// Server settings, highlighted.
    fn server(&self) -> Vec<ServerSnippet> {
        server_snippets(self.base_url(), self.site.outputs.api)
            .into_iter()
            .map(|(title, code)| {
                let language = if title.starts_with("nginx") {
                    "nginx"
                } else {
                    ""
                };
                ServerSnippet {
                    title,
                    code: self.sh.markdown.highlighter.html(language, &code),
                }
            })
            .collect()
    }
}

/// The webmaster page's widgets: each with its preview and its snippet,
/// highlighted; the example guide's when the unit has a guide.
fn widgets(site: &UnitSite, sh: &Shared, out: &Output, example: Option<&Guide>) -> Vec<Widget> {
    let u = site.unit;
    let base = &u.data.base_url;
    let t = |k: &str| sh.theme.strings.get(k).cloned().unwrap_or_default();
    let search_rel = crate::paths::EMBED_SEARCH;
    let hl = |code: &str| sh.markdown.highlighter.html("html", code);
    let mut widgets = Vec::new();
    if let Some(g) = example {
        let slug = &g.doc.slug;
        let rel = crate::paths::embed_guide(slug);
        widgets.push(Widget {
            id: "khung-huong-dan",
            title: format!("{} (iframe)", g.doc.meta.title),
            description: "Khung nhúng (iframe) tự co giãn theo nội dung. Dùng được trên mọi cổng thông tin cho phép iframe.".into(),
            preview: Some(format!("../{rel}")),
            height: 700,
            code: hl(&iframe_snippet(base, &rel, &format!("sotay-{slug}"), &g.doc.meta.title, 900)),
        });
        let frag = out
            .read(&crate::paths::in_unit(
                &u.slug,
                &crate::paths::embed_fragment(slug),
            ))
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        widgets.push(Widget {
            id: "doan-html",
            title: "Đoạn HTML không cần JavaScript".into(),
            description: "Dán thẳng vào nội dung bài viết. Kiểu chữ của cổng thông tin không làm vỡ hướng dẫn; nếu hệ thống quản trị xoá thẻ <template>, phần nội dung rút gọn bên dưới vẫn hiển thị.".into(),
            preview: Some(format!("../{}", crate::paths::embed_fragment(slug))),
            height: 500,
            code: hl(&frag),
        });
        if site.outputs.api {
            widgets.push(Widget {
            id: "thanh-phan-web",
            title: "Thành phần web <sotay-guide>".into(),
            description: "Đọc dữ liệu JSON của đơn vị và hiển thị trong vùng tách biệt. Cần máy chủ cho phép đọc thư mục api/ từ trang khác (xem Cài đặt máy chủ).".into(),
            preview: None,
            height: 0,
            code: hl(&format!(
                "<script src=\"{base}assets/sotay-guide.js\" defer></script>\n<sotay-guide src=\"{base}{}\"><a href=\"{}\">{}</a></sotay-guide>",
                crate::paths::api_guide(slug),
                canonical(base, &crate::paths::guide_page(slug)),
                escape(&g.doc.meta.title)
            )),
        });
        }
        widgets.push(Widget {
            id: "oembed",
            title: "oEmbed".into(),
            description: "Cho hệ thống quản trị hỗ trợ oEmbed: dán địa chỉ trang hướng dẫn, hoặc khai báo địa chỉ oEmbed dưới đây.".into(),
            preview: None,
            height: 0,
            code: hl(&format!("{base}{}", crate::paths::embed_oembed(slug))),
        });
    }
    let list_rel = crate::paths::EMBED_LATEST;
    widgets.push(Widget {
        id: "danh-sach",
        title: t("latest_list"),
        description: format!("Danh sách hướng dẫn mới cập nhật. Có danh sách theo từng đối tượng ({DIR}/doi-tuong/…) và lĩnh vực ({DIR}/linh-vuc/…)."),
        preview: Some(format!("../{list_rel}")),
        height: 480,
        code: hl(&iframe_snippet(base, &list_rel, "sotay-danh-sach", &t("latest_list"), 600)),
    });
    widgets.push(Widget {
        id: "o-tim-kiem",
        title: t("search_title"),
        description: "Ô tìm kiếm bằng HTML thuần, không cần JavaScript: kết quả mở trong thẻ mới trên trang của đơn vị. Gõ có dấu hay không dấu đều tìm được.".into(),
        preview: Some(format!("../{search_rel}")),
        height: 220,
        code: hl(&format!(
            "<form action=\"{base}{}\" method=\"get\" target=\"_blank\" role=\"search\">\n  <label>{} <input type=\"search\" name=\"q\"></label>\n  <button type=\"submit\">{}</button>\n</form>",
            crate::paths::SEARCH_PAGE,
            escape(&t("search_label")),
            escape(&t("search_button"))
        )),
    });
    widgets
}

/// Server settings a static file cannot make: who may frame the embeds
/// (`frame-ancestors`, header only) and cross-origin reads of the API
/// (when the unit has one) and of the assets.
pub fn server_snippets(base_url: &str, api: bool) -> Vec<(&'static str, String)> {
    let path = base_url
        .find("://")
        .and_then(|i| base_url[i + 3..].find('/').map(|j| &base_url[i + 3 + j..]))
        .unwrap_or("/");
    let ancestors = "'self' https://*.hanoi.gov.vn https://*.gov.vn";
    let (nginx_api, apache_cors, headers_api) = if api {
        (
            format!(
                "location {path}api/ {{\n    add_header Access-Control-Allow-Origin \"*\";\n}}\n"
            ),
            "(api|assets)",
            format!("{path}api/*\n  Access-Control-Allow-Origin: *\n"),
        )
    } else {
        (String::new(), "assets", String::new())
    };
    vec![
        (
            "nginx",
            format!(
                "location {path}{DIR}/ {{\n    add_header Content-Security-Policy \"frame-ancestors {ancestors}\";\n}}\n{nginx_api}location {path}assets/ {{\n    add_header Access-Control-Allow-Origin \"*\";\n}}\nerror_page 404 {path}404.html;"
            ),
        ),
        (
            "Apache (.htaccess)",
            format!(
                "# Đặt tệp này trong thư mục của đơn vị (cần mod_headers)\n<IfModule mod_headers.c>\n  <If \"%{{REQUEST_URI}} =~ m#^{path}{DIR}/#\">\n    Header set Content-Security-Policy \"frame-ancestors {ancestors}\"\n  </If>\n  <If \"%{{REQUEST_URI}} =~ m#^{path}{apache_cors}/#\">\n    Header set Access-Control-Allow-Origin \"*\"\n  </If>\n</IfModule>\nErrorDocument 404 {path}404.html"
            ),
        ),
        (
            "_headers (Netlify, Cloudflare Pages)",
            format!(
                "{path}{DIR}/*\n  Content-Security-Policy: frame-ancestors {ancestors}\n{headers_api}{path}assets/*\n  Access-Control-Allow-Origin: *"
            ),
        ),
    ]
}
