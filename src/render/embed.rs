//! Embeds for portals the unit already runs: per guide an iframe page (with
//! our own postMessage resizer), a Declarative Shadow DOM fragment with a
//! plain-HTML fallback, the `<sotay-guide>` web component and static oEmbed
//! JSON; list and search-box widgets; and the webmaster page that shows
//! every widget with a live preview and a snippet to copy.

use std::path::Path;

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
use crate::theme::{Theme, fill};

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

/// The snippet a webmaster pastes for an iframe widget
/// (`snippets/iframe.txt`): the frame and the unit's resizer script, with no
/// inline style or script, so a host page's CSP needs only the unit's origin
/// in `frame-src` and `script-src`. `root` is the project's, for errors.
pub fn iframe_snippet(theme: &Theme, root: &Path, frame: &Frame) -> Result<String, Diagnostic> {
    let mut ctx = Context::new();
    ctx.insert("base_url", frame.base_url);
    ctx.insert("rel", frame.rel);
    ctx.insert("id", frame.id);
    ctx.insert("title", &escape(frame.title));
    ctx.insert("height", &frame.height);
    theme.snippet(root, "iframe.txt", &ctx)
}

/// An iframe widget: the unit's URL, the page under it, the element id, its
/// title and starting height.
pub struct Frame<'a> {
    pub base_url: &'a str,
    pub rel: &'a str,
    pub id: &'a str,
    pub title: &'a str,
    pub height: u32,
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

    /// An iframe snippet for this unit.
    fn iframe(&self, rel: &str, id: &str, title: &str, height: u32) -> Result<String, Diagnostic> {
        let frame = Frame {
            base_url: self.base_url(),
            rel,
            id,
            title,
            height,
        };
        iframe_snippet(self.sh.theme, &self.sh.project.root, &frame)
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
            let view = GuideView::new(g, doc().at_root("../../../"), site, sh.docs.fees(g));
            ctx.insert("guide", &view);
            sh.template("embed/guide.html", &ctx, full)
        });
        made.add(&rel, page);
        // The Declarative Shadow DOM fragment: absolute URLs, pasted anywhere.
        let fragment = crate::paths::embed_fragment(slug);
        let written = self.emit(&fragment, depends, |full| {
            let mut ctx = self.base.clone();
            let view = GuideView::new(g, doc().at_root(self.base_url()), site, sh.docs.fees(g));
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
            html: self.iframe(
                frame_rel,
                &format!("sotay-{}", g.doc.slug),
                &g.doc.meta.title,
                900,
            )?,
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
            self.sh.theme.text.latest_list.clone(),
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
            let ctx = self.page_ctx(rel, &self.sh.theme.text.search_title, &search);
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
                &self.sh.theme.text.webmaster_title,
                &canonical(self.base_url(), WEBMASTER),
            );
            ctx.insert("widgets", &widgets(site, self.sh, self.out, example)?);
            ctx.insert("per_guide", &self.per_guide()?);
            ctx.insert("server", &self.server()?);
            ctx.insert("kiosk", crate::paths::KIOSK);
            ctx.insert("upload", &self.upload());
            self.sh.template("webmaster.html", &ctx, full)
        })
    }

    /// How to upload the folder: its package and checksum (paths in the
    /// build's output), the stamp to check on the portal, whom to call.
    fn upload(&self) -> serde_json::Value {
        let slug = &self.site.unit.slug;
        let base = self.base_url();
        serde_json::json!({
            "folder": slug,
            "zip": crate::paths::package_zip(slug),
            "sum": crate::paths::package_sum(slug),
            "zip_name": format!("{slug}.zip"),
            "base_url": base,
            "stamp": crate::paths::STAMP,
            "stamp_url": format!("{base}{}", crate::paths::STAMP),
            "help": self.sh.project.site.webmaster_help,
        })
    }

    /// Every guide's iframe snippet.
    fn per_guide(&self) -> Result<Vec<PerGuide<'_>>, Diagnostic> {
        self.site
            .ordered()
            .map(|g| {
                Ok(PerGuide {
                    title: &g.doc.meta.title,
                    code: self.iframe(
                        &crate::paths::embed_guide(&g.doc.slug),
                        &format!("sotay-{}", g.doc.slug),
                        &g.doc.meta.title,
                        900,
                    )?,
                })
            })
            .collect()
    }

    /// Server settings, highlighted.
    fn server(&self) -> Result<Vec<ServerSnippet>, Diagnostic> {
        let sh = self.sh;
        let snippets = server_snippets(
            sh.theme,
            &sh.project.root,
            self.base_url(),
            self.site.outputs.api,
        )?;
        Ok(snippets
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
            .collect())
    }
}

/// The webmaster page's widgets: each with its preview and its snippet,
/// highlighted; the example guide's when the unit has a guide.
fn widgets(
    site: &UnitSite,
    sh: &Shared,
    out: &Output,
    example: Option<&Guide>,
) -> Result<Vec<Widget>, Diagnostic> {
    let mut widgets = match example {
        Some(g) => guide_widgets(site, sh, out, g)?,
        None => Vec::new(),
    };
    let (t, root) = (&sh.theme.text, &sh.project.root);
    let base = &site.unit.data.base_url;
    let hl = |code: &str| sh.markdown.highlighter.html("html", code);
    let list_rel = crate::paths::EMBED_LATEST;
    let list = Frame {
        base_url: base,
        rel: list_rel,
        id: "sotay-danh-sach",
        title: &t.latest_list,
        height: 600,
    };
    widgets.push(Widget {
        id: "danh-sach",
        title: t.latest_list.clone(),
        description: fill(&t.widget_list_text, &[("dir", DIR)]),
        preview: Some(format!("../{list_rel}")),
        height: 480,
        code: hl(&iframe_snippet(sh.theme, root, &list)?),
    });
    let search_rel = crate::paths::EMBED_SEARCH;
    let mut ctx = Context::new();
    ctx.insert("base_url", base);
    ctx.insert("search", crate::paths::SEARCH_PAGE);
    ctx.insert("label", &escape(&t.search_label));
    ctx.insert("button", &escape(&t.search_button));
    widgets.push(Widget {
        id: "o-tim-kiem",
        title: t.search_title.clone(),
        description: t.widget_search_text.clone(),
        preview: Some(format!("../{search_rel}")),
        height: 220,
        code: hl(&sh.theme.snippet(root, "search-form.txt", &ctx)?),
    });
    Ok(widgets)
}

/// The example guide's widgets: iframe, HTML fragment, web component (when
/// the unit has an API) and oEmbed.
fn guide_widgets(
    site: &UnitSite,
    sh: &Shared,
    out: &Output,
    g: &Guide,
) -> Result<Vec<Widget>, Diagnostic> {
    let u = site.unit;
    let base = &u.data.base_url;
    let (t, root) = (&sh.theme.text, &sh.project.root);
    let hl = |code: &str| sh.markdown.highlighter.html("html", code);
    let slug = &g.doc.slug;
    let title = &g.doc.meta.title;
    let rel = crate::paths::embed_guide(slug);
    let id = format!("sotay-{slug}");
    let frame = Frame {
        base_url: base,
        rel: &rel,
        id: &id,
        title,
        height: 900,
    };
    let mut widgets = vec![Widget {
        id: "khung-huong-dan",
        title: fill(&t.widget_iframe_title, &[("title", title)]),
        description: t.widget_iframe_text.clone(),
        preview: Some(format!("../{rel}")),
        height: 700,
        code: hl(&iframe_snippet(sh.theme, root, &frame)?),
    }];
    let frag = out
        .read(&crate::paths::in_unit(
            &u.slug,
            &crate::paths::embed_fragment(slug),
        ))
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    widgets.push(Widget {
        id: "doan-html",
        title: t.widget_html_title.clone(),
        description: t.widget_html_text.clone(),
        preview: Some(format!("../{}", crate::paths::embed_fragment(slug))),
        height: 500,
        code: hl(&frag),
    });
    if site.outputs.api {
        let mut ctx = Context::new();
        ctx.insert("base_url", base);
        ctx.insert("api", &crate::paths::api_guide(slug));
        ctx.insert("page", &canonical(base, &crate::paths::guide_page(slug)));
        ctx.insert("title", &escape(title));
        widgets.push(Widget {
            id: "thanh-phan-web",
            title: t.widget_component_title.clone(),
            description: t.widget_component_text.clone(),
            preview: None,
            height: 0,
            code: hl(&sh.theme.snippet(root, "component.txt", &ctx)?),
        });
    }
    widgets.push(Widget {
        id: "oembed",
        title: t.widget_oembed_title.clone(),
        description: t.widget_oembed_text.clone(),
        preview: None,
        height: 0,
        code: hl(&format!("{base}{}", crate::paths::embed_oembed(slug))),
    });
    Ok(widgets)
}

/// Server settings a static file cannot make: who may frame the embeds
/// (`frame-ancestors`, header only) and cross-origin reads of the API
/// (when the unit has one) and of the assets.
pub fn server_snippets(
    theme: &Theme,
    root: &Path,
    base_url: &str,
    api: bool,
) -> Result<Vec<(&'static str, String)>, Diagnostic> {
    let path = base_url
        .find("://")
        .and_then(|i| base_url[i + 3..].find('/').map(|j| &base_url[i + 3 + j..]))
        .unwrap_or("/");
    let mut ctx = Context::new();
    ctx.insert("path", path);
    ctx.insert("dir", DIR);
    ctx.insert("api", &api);
    ctx.insert(
        "ancestors",
        "'self' https://*.hanoi.gov.vn https://*.gov.vn",
    );
    [
        ("nginx", "nginx.txt"),
        ("Apache (.htaccess)", "htaccess.txt"),
        ("_headers (Netlify, Cloudflare Pages)", "headers.txt"),
    ]
    .into_iter()
    .map(|(title, name)| Ok((title, theme.snippet(root, name, &ctx)?)))
    .collect()
}
