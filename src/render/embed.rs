//! Embeds for portals the unit already runs: per guide an iframe page (with
//! our own postMessage resizer), a Declarative Shadow DOM fragment with a
//! plain-HTML fallback, the `<sotay-guide>` web component and static oEmbed
//! JSON; list and search-box widgets; and the webmaster page that shows
//! every widget with a live preview and a snippet to copy.

use serde::Serialize;
use tera::Context;

use super::pages::{base_context, canonical, rendered_for_unit};
use super::views::{Card, GuideView};
use super::{Renderer, Shared, Stats};
use crate::content::Guide;
use crate::diag::Diagnostic;
use crate::markdown::escape;
use crate::output::Staging;
use crate::resolve::UnitSite;

/// Folder of embeddable pages inside a unit folder.
pub const DIR: &str = "nhung";
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

    fn render(
        &self,
        site: &UnitSite,
        sh: &Shared,
        out: &Staging,
    ) -> Result<Stats, Vec<Diagnostic>> {
        if !site.outputs.widgets {
            return Ok(Stats::default());
        }
        let p = site.project;
        let u = site.unit;
        let base = &u.data.base_url;
        let t = |k: &str| sh.theme.strings.get(k).cloned().unwrap_or_default();
        let mut errors = Vec::new();
        let mut pages = 0;
        // Files that show no guide's text are kept whole while the frame is.
        let frame_kept = super::frame_kept(sh, out, &u.slug);
        // `make` is only called when the file is not kept.
        let mut emit = |rel: String, make: &dyn Fn() -> Result<String, Diagnostic>| {
            let made = if frame_kept {
                Ok(())
            } else {
                make().and_then(|text| {
                    let full = format!("{}/{rel}", u.slug);
                    super::frame_file(sh, out, &u.slug, &full, text.as_bytes())
                })
            };
            match made {
                Ok(()) => pages += usize::from(rel.ends_with(".html")),
                Err(e) => errors.push(e),
            }
        };
        let mut guide_errors = Vec::new();
        let mut guide_pages = 0;
        let ctx_base = base_context(site, sh);
        let page_ctx = |rel: &str, title: &str, canonical_url: &str| {
            let mut ctx = ctx_base.clone();
            ctx.insert("root", &"../".repeat(rel.matches('/').count()));
            ctx.insert("path", rel);
            ctx.insert("canonical", canonical_url);
            ctx.insert("title", title);
            ctx.insert("description", "");
            ctx
        };
        let shadow_css = sh
            .theme
            .static_files
            .iter()
            .find(|(n, _)| n == "nhung-manh.css")
            .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default();

        // The fragment's stylesheet: a file, not inline, so a host page's
        // `style-src` without 'unsafe-inline' still lets it apply.
        emit(format!("{DIR}/manh.css"), &|| {
            Ok(format!("{shadow_css}:host{{--sotay-brand:{}}}\n", u.colour))
        });

        for g in site.ordered() {
            let slug = &g.doc.slug;
            let page_url = canonical(base, &format!("huong-dan/{slug}/index.html"));
            let doc = std::cell::OnceCell::new();
            let doc = || doc.get_or_init(|| rendered_for_unit(site, sh, g));
            let mut file = |rel: &str, make: &dyn Fn(&str) -> Result<String, Diagnostic>| {
                let full = format!("{}/{rel}", u.slug);
                match super::guide_file(sh, out, &u.slug, slug, &full, || make(&full)) {
                    Ok(()) => guide_pages += usize::from(rel.ends_with(".html")),
                    Err(e) => guide_errors.push(e),
                }
            };
            // The iframe page.
            let rel = format!("{DIR}/huong-dan/{slug}/index.html");
            file(&rel, &|full| {
                let mut ctx = page_ctx(&rel, &g.doc.meta.title, &page_url);
                ctx.insert(
                    "guide",
                    &GuideView::new(g, doc().at_root("../../../"), site),
                );
                sh.template("embed/guide.html", &ctx, full)
            });
            // The Declarative Shadow DOM fragment: absolute URLs, pasted anywhere.
            file(&format!("{DIR}/huong-dan/{slug}/manh.html"), &|full| {
                let mut fctx = ctx_base.clone();
                fctx.insert("guide", &GuideView::new(g, doc().at_root(base), site));
                fctx.insert("canonical", &page_url);
                sh.template("embed/fragment.html", &fctx, full)
            });
            // oEmbed.
            file(&format!("{DIR}/huong-dan/{slug}/oembed.json"), &|_| {
                let o = OEmbed {
                    version: "1.0",
                    kind: "rich",
                    title: &g.doc.meta.title,
                    provider_name: &u.data.name,
                    provider_url: base,
                    author_name: &u.data.name,
                    html: iframe_snippet(
                        base,
                        &rel,
                        &format!("sotay-{slug}"),
                        &g.doc.meta.title,
                        900,
                    ),
                    width: 768,
                    height: 900,
                };
                serde_json::to_string(&o)
                    .map(|s| s + "\n")
                    .map_err(|e| Diagnostic::error(e.to_string()))
            });
        }

        // List widgets: by audience, by category, latest updated.
        let mut lists: Vec<(String, String, Vec<&Guide>)> = Vec::new();
        for a in &p.site.audiences {
            lists.push((
                format!("{DIR}/doi-tuong/{}/index.html", a.slug),
                a.name.clone(),
                site.ordered()
                    .filter(|g| g.doc.meta.audiences.contains(&a.slug))
                    .collect(),
            ));
        }
        for c in &p.site.categories {
            lists.push((
                format!("{DIR}/linh-vuc/{}/index.html", c.slug),
                c.name.clone(),
                site.ordered()
                    .filter(|g| g.doc.meta.category == c.slug)
                    .collect(),
            ));
        }
        let mut latest: Vec<&Guide> = site.ordered().collect();
        latest.sort_by_key(|g| std::cmp::Reverse(g.doc.meta.last_reviewed));
        latest.truncate(8);
        lists.push((
            format!("{DIR}/moi-cap-nhat/index.html"),
            t("latest_list"),
            latest,
        ));
        for (rel, title, guides) in &lists {
            emit(rel.clone(), &|| {
                let mut ctx = page_ctx(rel, title, &canonical(base, "huong-dan/index.html"));
                let cards: Vec<Card> = guides.iter().map(|g| Card::new(g, site)).collect();
                ctx.insert("guides", &cards);
                sh.template("embed/list.html", &ctx, &format!("{}/{rel}", u.slug))
            });
        }
        // Search box.
        let search_rel = format!("{DIR}/tim-kiem/index.html");
        emit(search_rel.clone(), &|| {
            let ctx = page_ctx(
                &search_rel,
                &t("search_title"),
                &canonical(base, "tim-kiem/index.html"),
            );
            sh.template(
                "embed/search.html",
                &ctx,
                &format!("{}/{search_rel}", u.slug),
            )
        });

        // The webmaster page.
        let example = site
            .popular()
            .into_iter()
            .next()
            .or_else(|| site.ordered().next());
        let webmaster = || -> Result<String, Diagnostic> {
            let widgets = widgets(site, sh, out, example);
            let per_guide: Vec<PerGuide> = site
                .ordered()
                .map(|g| PerGuide {
                    title: &g.doc.meta.title,
                    code: iframe_snippet(
                        base,
                        &format!("{DIR}/huong-dan/{}/index.html", g.doc.slug),
                        &format!("sotay-{}", g.doc.slug),
                        &g.doc.meta.title,
                        900,
                    ),
                })
                .collect();
            let server = server_snippets(base, site.outputs.api)
                .into_iter()
                .map(|(title, code)| ServerSnippet {
                    title,
                    code: sh.markdown.highlighter.html(
                        if title.starts_with("nginx") {
                            "nginx"
                        } else {
                            ""
                        },
                        &code,
                    ),
                })
                .collect::<Vec<_>>();
            let mut ctx: Context = page_ctx(
                WEBMASTER,
                &t("webmaster_title"),
                &canonical(base, WEBMASTER),
            );
            ctx.insert("widgets", &widgets);
            ctx.insert("per_guide", &per_guide);
            ctx.insert("server", &server);
            sh.template("webmaster.html", &ctx, &format!("{}/{WEBMASTER}", u.slug))
        };
        // It shows the example guide's fragment, highlighted (the costly
        // part): reused like that guide's own files while it is unchanged.
        match example {
            Some(g) => {
                let full = format!("{}/{WEBMASTER}", u.slug);
                match super::guide_file(sh, out, &u.slug, &g.doc.slug, &full, webmaster) {
                    Ok(()) => guide_pages += 1,
                    Err(e) => guide_errors.push(e),
                }
            }
            None => emit(WEBMASTER.to_owned(), &webmaster),
        }
        errors.extend(guide_errors);
        if errors.is_empty() {
            Ok(Stats {
                pages: pages + guide_pages,
                ..Stats::default()
            })
        } else {
            Err(errors)
        }
    }
}

/// The webmaster page's widgets: each with its preview and its snippet,
/// highlighted; the example guide's when the unit has a guide.
fn widgets(site: &UnitSite, sh: &Shared, out: &Staging, example: Option<&Guide>) -> Vec<Widget> {
    let u = site.unit;
    let base = &u.data.base_url;
    let t = |k: &str| sh.theme.strings.get(k).cloned().unwrap_or_default();
    let search_rel = format!("{DIR}/tim-kiem/index.html");
    let hl = |code: &str| sh.markdown.highlighter.html("html", code);
    let mut widgets = Vec::new();
    if let Some(g) = example {
        let slug = &g.doc.slug;
        let rel = format!("{DIR}/huong-dan/{slug}/index.html");
        widgets.push(Widget {
            id: "khung-huong-dan",
            title: format!("{} (iframe)", g.doc.meta.title),
            description: "Khung nhúng (iframe) tự co giãn theo nội dung. Dùng được trên mọi cổng thông tin cho phép iframe.".into(),
            preview: Some(format!("../{rel}")),
            height: 700,
            code: hl(&iframe_snippet(base, &rel, &format!("sotay-{slug}"), &g.doc.meta.title, 900)),
        });
        let frag = out
            .read(&format!("{}/{DIR}/huong-dan/{slug}/manh.html", u.slug))
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        widgets.push(Widget {
            id: "doan-html",
            title: "Đoạn HTML không cần JavaScript".into(),
            description: "Dán thẳng vào nội dung bài viết. Kiểu chữ của cổng thông tin không làm vỡ hướng dẫn; nếu hệ thống quản trị xoá thẻ <template>, phần nội dung rút gọn bên dưới vẫn hiển thị.".into(),
            preview: Some(format!("../{DIR}/huong-dan/{slug}/manh.html")),
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
                "<script src=\"{base}assets/sotay-guide.js\" defer></script>\n<sotay-guide src=\"{base}api/v1/huong-dan/{slug}.json\"><a href=\"{}\">{}</a></sotay-guide>",
                canonical(base, &format!("huong-dan/{slug}/index.html")),
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
            code: hl(&format!("{base}{DIR}/huong-dan/{slug}/oembed.json")),
        });
    }
    let list_rel = format!("{DIR}/moi-cap-nhat/index.html");
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
            "<form action=\"{base}tim-kiem/index.html\" method=\"get\" target=\"_blank\" role=\"search\">\n  <label>{} <input type=\"search\" name=\"q\"></label>\n  <button type=\"submit\">{}</button>\n</form>",
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
