//! The microsite's HTML pages: home, guide list, one page per guide,
//! audience and category pages, free pages and the 404 page.

use std::borrow::Cow;

use rayon::prelude::*;
use tera::Context;

use super::docs::{RenderedDoc, Texts};
use super::views::{Card, GuideView, PageLink, ServiceView, SiteView, TermView, UnitView};
use super::{Rendered, Renderer, Shared, Stats};
use crate::content::{Date, Guide, Origin, Page, Term};
use crate::diag::Diagnostic;
use crate::output::{Depends, Output};
use crate::refs::{DocKey, missing_targets};
use crate::resolve::UnitSite;

pub enum PageKind<'p> {
    Home,
    AllGuides,
    Search,
    /// The catalogue of online services (`paths::SERVICES`).
    Services,
    Guide(&'p Guide),
    Audience(&'p Term),
    Category(&'p Term),
    Page(&'p Page),
    NotFound,
}

/// Every HTML page of a unit: (path under the unit folder, what it shows).
pub fn unit_pages<'p>(site: &UnitSite<'p>) -> Vec<(String, PageKind<'p>)> {
    let p = site.project;
    let mut v = vec![
        (crate::paths::HOME.to_owned(), PageKind::Home),
        (crate::paths::ALL_GUIDES.to_owned(), PageKind::AllGuides),
        (crate::paths::SEARCH_PAGE.to_owned(), PageKind::Search),
        (crate::paths::SERVICES.to_owned(), PageKind::Services),
    ];
    v.extend(
        site.ordered()
            .map(|g| (crate::paths::guide_page(&g.doc.slug), PageKind::Guide(g))),
    );
    v.extend(
        p.site
            .audiences
            .iter()
            .map(|a| (crate::paths::audience_page(&a.slug), PageKind::Audience(a))),
    );
    v.extend(
        p.site
            .categories
            .iter()
            .map(|c| (crate::paths::category_page(&c.slug), PageKind::Category(c))),
    );
    v.extend(
        p.pages
            .iter()
            .map(|pg| (crate::paths::page(&pg.slug), PageKind::Page(pg))),
    );
    v.push((crate::paths::NOT_FOUND.to_owned(), PageKind::NotFound));
    v
}

impl PageKind<'_> {
    /// The date a page last changed in content, for sitemaps.
    pub fn updated(&self) -> Option<Date> {
        match self {
            PageKind::Guide(g) => Some(g.doc.meta.last_reviewed),
            PageKind::Page(pg) => Some(pg.meta.last_reviewed),
            _ => None,
        }
    }
}

/// The public address of a page: base_url plus the path, without index.html.
pub fn canonical(base_url: &str, rel: &str) -> String {
    format!(
        "{base_url}{}",
        rel.strip_suffix("index.html").unwrap_or(rel)
    )
}

fn root_prefix(rel: &str) -> String {
    "../".repeat(rel.matches('/').count())
}

pub struct Html;

#[derive(serde::Serialize)]
struct Group<'a> {
    term: TermView<'a>,
    cards: Vec<Card<'a>>,
}

impl Renderer for Html {
    fn name(&self) -> &'static str {
        "html"
    }

    fn render(&self, site: &UnitSite, sh: &Shared, out: &Output) -> Rendered {
        let base = base_context(site, sh);
        let pages = unit_pages(site);
        let unit = &site.unit.slug;
        let errors: Vec<Diagnostic> = pages
            .par_iter()
            .filter_map(|(rel, kind)| {
                let depends = match kind {
                    PageKind::Guide(g) => Depends::Guide {
                        unit,
                        slug: &g.doc.slug,
                    },
                    _ => Depends::Frame { unit },
                };
                out.emit(&crate::paths::in_unit(unit, rel), depends, || {
                    render_page(site, sh, &base, rel, kind)
                })
                .err()
            })
            .collect();
        if errors.is_empty() {
            Ok(Stats {
                pages: pages.len(),
                ..Stats::default()
            })
        } else {
            Err(errors)
        }
    }
}

pub(crate) fn base_context(site: &UnitSite, sh: &Shared) -> Context {
    let p = site.project;
    let mut ctx = Context::new();
    ctx.insert("site", &SiteView::new(p));
    ctx.insert("unit", &UnitView::new(p, site.unit));
    ctx.insert("t", &sh.theme.strings);
    ctx.insert("outputs", &site.outputs);
    let audiences: Vec<TermView> = p
        .site
        .audiences
        .iter()
        .map(|a| TermView::audience(a, site))
        .collect();
    let categories: Vec<TermView> = p
        .site
        .categories
        .iter()
        .map(|c| TermView::category(c, site))
        .collect();
    ctx.insert("audiences", &audiences);
    ctx.insert("categories", &categories);
    let pages: Vec<PageLink> = p
        .pages
        .iter()
        .map(|pg| PageLink {
            slug: &pg.slug,
            title: &pg.meta.title,
            url: crate::paths::page(&pg.slug),
        })
        .collect();
    ctx.insert("pages", &pages);
    ctx.insert("printing", &print_links(site, sh));
    ctx.insert("services_url", crate::paths::SERVICES);
    ctx.insert(
        "feedback_url",
        &p.pages
            .iter()
            .find(|pg| pg.slug == "phan-hoi")
            .map(|pg| crate::paths::page(&pg.slug)),
    );
    ctx
}

/// The context of a unit page at `rel`: links relative to its depth, its
/// canonical address, title and description.
pub(crate) fn page_context(
    site: &UnitSite,
    sh: &Shared,
    rel: &str,
    title: &str,
    description: &str,
) -> Context {
    let mut ctx = base_context(site, sh);
    let root = root_prefix(rel);
    ctx.insert("hub_url", &format!("{root}../index.html"));
    ctx.insert("root", &root);
    ctx.insert("path", rel);
    ctx.insert("canonical", &canonical(&site.unit.data.base_url, rel));
    ctx.insert("title", title);
    ctx.insert("description", description);
    ctx
}

fn render_page(
    site: &UnitSite,
    sh: &Shared,
    base: &Context,
    rel: &str,
    kind: &PageKind,
) -> Result<String, Diagnostic> {
    let unit = site.unit;
    let mut ctx = base.clone();
    // The 404 page is served at any depth, so it links absolutely to the unit.
    let root = if matches!(kind, PageKind::NotFound) {
        unit.data.base_url.clone()
    } else {
        root_prefix(rel)
    };
    ctx.insert("root", &root);
    ctx.insert("path", rel);
    ctx.insert("canonical", &canonical(&unit.data.base_url, rel));
    ctx.insert("hub_url", &format!("{root}../index.html"));
    let page = format!("{}/{rel}", unit.slug);
    let text = &sh.theme.text;
    let description = || site.project.site.description.clone();
    let (template, title, description) = match kind {
        PageKind::Home => {
            home(site, sh, &mut ctx);
            ("home.html", unit.data.short_name.clone(), description())
        }
        PageKind::AllGuides => {
            all_guides(site, &mut ctx);
            ("list.html", text.all_guides.clone(), description())
        }
        PageKind::Search => {
            all_guides(site, &mut ctx);
            ctx.insert("index_url", "chi-muc.js");
            ("search.html", text.search_title.clone(), description())
        }
        PageKind::Services => {
            // Every guide the unit publishes, in Vietnamese order.
            let services: Vec<ServiceView> = site.ordered().map(ServiceView::new).collect();
            ctx.insert("services", &services);
            (
                "services.html",
                text.services_title.clone(),
                text.services_lead.clone(),
            )
        }
        PageKind::Audience(a) | PageKind::Category(a) => {
            term_list(site, &mut ctx, a, matches!(kind, PageKind::Audience(_)));
            ("list.html", a.name.clone(), a.description.clone())
        }
        PageKind::Guide(g) => {
            guide_page(site, sh, &mut ctx, g, &root);
            let m = &g.doc.meta;
            ("guide.html", m.title.clone(), m.summary.clone())
        }
        PageKind::Page(pg) => {
            free_page(site, sh, &mut ctx, pg, &root);
            ("page.html", pg.meta.title.clone(), pg.meta.summary.clone())
        }
        PageKind::NotFound => ("404.html", text.not_found_title.clone(), String::new()),
    };
    ctx.insert("title", &title);
    ctx.insert("description", &description);
    sh.template(template, &ctx, &page)
}

/// The home page: popular and latest guides, infographics, results.
fn home(site: &UnitSite, sh: &Shared, ctx: &mut Context) {
    ctx.insert("popular", &cards(site, site.popular().into_iter()));
    let mut latest: Vec<&Guide> = site.ordered().collect();
    latest.sort_by_key(|g| std::cmp::Reverse(g.doc.meta.last_reviewed));
    ctx.insert("latest", &cards(site, latest.into_iter().take(5)));
    ctx.insert("guide_count", &site.guides.len());
    let infographics: Vec<serde_json::Value> = site
        .infographics()
        .filter(|_| sh.media.linked())
        .map(|i| {
            serde_json::json!({
                "title": i.meta.title,
                "url": crate::paths::picture_page(&i.slug),
            })
        })
        .collect();
    ctx.insert("infographics", &infographics);
    let has_results = sh
        .datasets
        .iter()
        .any(|d| !d.series(&site.unit.slug).is_empty());
    ctx.insert("results_url", &has_results.then_some(super::charts::PAGE));
}

/// Every guide, grouped by category (the list and search pages).
fn all_guides(site: &UnitSite, ctx: &mut Context) {
    let groups: Vec<Group> = site
        .project
        .site
        .categories
        .iter()
        .map(|c| Group {
            term: TermView::category(c, site),
            cards: cards(
                site,
                site.ordered().filter(|g| g.doc.meta.category == c.slug),
            ),
        })
        .filter(|g| !g.cards.is_empty())
        .collect();
    ctx.insert("groups", &groups);
    ctx.insert("guides", &cards(site, site.ordered()));
    ctx.insert("term", &None::<()>);
}

/// The guides for one audience or category.
fn term_list(site: &UnitSite, ctx: &mut Context, a: &Term, is_audience: bool) {
    let list = cards(
        site,
        site.ordered().filter(|g| {
            if is_audience {
                g.doc.meta.audiences.contains(&a.slug)
            } else {
                g.doc.meta.category == a.slug
            }
        }),
    );
    let term = if is_audience {
        TermView::audience(a, site)
    } else {
        TermView::category(a, site)
    };
    ctx.insert("term", &term);
    ctx.insert("guides", &list);
    ctx.insert("groups", &Vec::<()>::new());
}

/// A guide's page: its text, its leaflets and its preview picture.
fn guide_page(site: &UnitSite, sh: &Shared, ctx: &mut Context, g: &Guide, root: &str) {
    let doc = rendered_for_unit(site, sh, g).at_root(root);
    let view = GuideView::new(g, doc, site, sh.docs.fees(g));
    ctx.insert("guide", &view);
    ctx.insert("is_override", &site.is_override(&g.doc.slug));
    // Only serve's preview renders drafts: it marks them with a banner.
    ctx.insert("draft", &g.doc.meta.draft);
    let leaflets: Vec<serde_json::Value> = sh
        .theme
        .print
        .iter()
        .filter(|_| sh.media.linked())
        .flat_map(|f| f.leaflets())
        .filter(|f| crate::print::takes(f, g, site))
        // A leaflet that fit in no form is not linked (print ran first; a
        // build that defers print links every format).
        .filter(|f| {
            !matches!(
                sh.leaflets.outcome(&site.unit.slug, &g.doc.slug, &f.slug),
                Some(crate::print::Outcome::Failed(_))
            )
        })
        .map(|f| {
            serde_json::json!({
                "name": f.name,
                "url": crate::paths::leaflet(&g.doc.slug, &f.slug, false),
            })
        })
        .collect();
    ctx.insert("leaflets", &leaflets);
    if sh.media.linked() && sh.theme.print_files.contains_key("xem-truoc.typ") {
        ctx.insert(
            "og_image",
            &format!(
                "{}{}",
                site.unit.data.base_url,
                crate::paths::guide_file(&g.doc.slug, crate::paths::PREVIEW_FILE)
            ),
        );
    }
}

/// A free page: the shared render, or the unit's own when it lacks a link
/// target.
fn free_page(site: &UnitSite, sh: &Shared, ctx: &mut Context, pg: &Page, root: &str) {
    let (p, unit) = (site.project, site.unit);
    let key = DocKey::Page(pg.slug.clone());
    let doc = if gaps(site, &pg.parsed) {
        sh.markdown.render(pg, &|s| p.publishes(unit, s), &|s| {
            p.pages.iter().any(|x| x.slug == s)
        })
    } else {
        sh.docs.rendered.get(&key).cloned().unwrap_or_default()
    };
    ctx.insert("content", &doc.at_root(root).body);
    ctx.insert("updated", &pg.meta.last_reviewed.display_vi());
    ctx.insert("draft", &pg.meta.draft);
}

/// The handbook and the print page, when the theme makes PDFs.
fn print_links(site: &UnitSite, sh: &Shared) -> Option<serde_json::Value> {
    let formats = sh.theme.print.as_ref().filter(|_| sh.media.linked())?;
    Some(serde_json::json!({
        "index": crate::paths::PRINT_INDEX,
        "handbook": formats
            .handbook()
            .map(|f| crate::paths::handbook(&f.slug, &site.unit.slug, false)),
    }))
}

/// Whether a document links to a guide this unit does not publish.
fn gaps(site: &UnitSite, parsed: &crate::content::Parsed) -> bool {
    missing_targets(parsed, &|slug| site.guide(slug).is_some())
}

/// A guide's HTML for this unit: the shared render unless this unit's
/// exclusions break one of its links.
pub(crate) fn rendered_for_unit<'a>(
    site: &UnitSite,
    sh: &'a Shared,
    g: &Guide,
) -> Cow<'a, RenderedDoc> {
    let key = DocKey::of(g);
    if own_render(site, g) {
        let p = site.project;
        return Cow::Owned(
            sh.markdown
                .render(&g.doc, &|s| site.guide(s).is_some(), &|s| {
                    p.pages.iter().any(|x| x.slug == s)
                }),
        );
    }
    // Borrowed: the shared render is not copied for every unit.
    sh.docs
        .rendered
        .get(&key)
        .map_or_else(|| Cow::Owned(RenderedDoc::default()), Cow::Borrowed)
}

/// Whether this unit renders a central guide itself: its exclusions break
/// one of the guide's links, so the shared render does not fit.
fn own_render(site: &UnitSite, g: &Guide) -> bool {
    g.origin == Origin::Central && gaps(site, &g.doc.parsed)
}

/// A guide's plain texts (search index, API) for this unit: the shared ones
/// unless the unit renders the guide itself.
pub(crate) fn texts_for_unit<'a>(site: &UnitSite, sh: &'a Shared, g: &Guide) -> Cow<'a, Texts> {
    let key = DocKey::of(g);
    match sh.docs.texts.get(&key) {
        Some(t) if !own_render(site, g) => Cow::Borrowed(t),
        _ => Cow::Owned(Texts::of(&rendered_for_unit(site, sh, g))),
    }
}

fn cards<'p>(site: &UnitSite<'p>, guides: impl Iterator<Item = &'p Guide>) -> Vec<Card<'p>> {
    guides.map(|g| Card::new(g, site)).collect()
}
