//! Machine-readable files: sitemap.xml with absolute URLs from base_url, an
//! Atom feed of guides by review date, and robots.txt pointing at the sitemap.

use serde::Serialize;
use tera::Context;

use super::pages::{PageKind, canonical, unit_pages};
use super::views::{SiteView, UnitView};
use super::{Rendered, Renderer, Shared, Stats};
use crate::output::{Depends, Output};
use crate::resolve::UnitSite;

pub struct Feeds;

#[derive(Serialize)]
struct SitemapUrl {
    loc: String,
    lastmod: Option<String>,
    /// A guide page's videos (Google's video sitemap extension).
    videos: Vec<SitemapVideo>,
}

#[derive(Serialize)]
struct SitemapVideo {
    thumbnail_loc: String,
    title: String,
    description: String,
    /// The file (a video shipped with the site)…
    content_loc: Option<String>,
    /// …or the platform's player.
    player_loc: Option<String>,
    duration: Option<u32>,
}

/// The sitemap entries of a guide's videos, with absolute URLs.
fn sitemap_videos(site: &UnitSite, g: &crate::content::Guide) -> Vec<SitemapVideo> {
    g.videos
        .iter()
        .map(|v| {
            let view = super::video::VideoView::new(g, v, &site.unit.data.base_url);
            SitemapVideo {
                thumbnail_loc: view.poster,
                title: v.title.clone(),
                description: g.doc.meta.summary.clone(),
                content_loc: view.sources.into_iter().next().map(|s| s.url),
                player_loc: view.platform.map(|p| p.embed.to_owned()),
                duration: v.duration,
            }
        })
        .collect()
}

#[derive(Serialize)]
struct Entry<'a> {
    title: &'a str,
    summary: &'a str,
    url: String,
    updated: String,
}

impl Renderer for Feeds {
    fn name(&self) -> &'static str {
        "feeds"
    }

    fn render(&self, site: &UnitSite, sh: &Shared, out: &Output) -> Rendered {
        let unit = site.unit;
        let frame = Depends::Frame { unit: &unit.slug };
        if out.is_kept(frame) {
            return Ok(Stats::default());
        }
        let base = &unit.data.base_url;
        let urls: Vec<SitemapUrl> = unit_pages(site)
            .into_iter()
            .filter(|(_, k)| !matches!(k, PageKind::NotFound))
            .map(|(rel, k)| SitemapUrl {
                loc: canonical(base, &rel),
                lastmod: k.updated().map(|d| d.to_string()),
                videos: match k {
                    PageKind::Guide(g) => sitemap_videos(site, g),
                    _ => Vec::new(),
                },
            })
            .collect();
        let mut guides: Vec<_> = site.ordered().collect();
        guides.sort_by(|a, b| {
            b.doc
                .meta
                .last_reviewed
                .cmp(&a.doc.meta.last_reviewed)
                .then(a.doc.slug.cmp(&b.doc.slug))
        });
        let entries: Vec<Entry> = guides
            .iter()
            .map(|g| Entry {
                title: &g.doc.meta.title,
                summary: &g.doc.meta.summary,
                url: canonical(base, &crate::paths::guide_page(&g.doc.slug)),
                updated: g.doc.meta.last_reviewed.rfc3339(),
            })
            .collect();
        let mut ctx = Context::new();
        ctx.insert("site", &SiteView::new(site.project));
        ctx.insert("unit", &UnitView::new(site.project, unit));
        ctx.insert("t", &sh.theme.strings);
        ctx.insert("urls", &urls);
        ctx.insert("entries", &entries);
        ctx.insert("feed_url", &format!("{base}atom.xml"));
        ctx.insert(
            "updated",
            &entries
                .first()
                .map(|e| e.updated.clone())
                .unwrap_or_else(|| crate::content::date::CAMPAIGN_START.rfc3339()),
        );
        let slug = &unit.slug;
        let mut errors = Vec::new();
        for (template, file) in [("sitemap.xml", "sitemap.xml"), ("atom.xml", "atom.xml")] {
            let rel = crate::paths::in_unit(slug, file);
            if let Err(e) = out.emit(&rel, frame, || sh.template(template, &ctx, &rel)) {
                errors.push(e);
            }
        }
        let robots = format!("User-agent: *\nAllow: /\nSitemap: {base}sitemap.xml\n");
        let rel = crate::paths::in_unit(slug, "robots.txt");
        if let Err(e) = out.emit(&rel, frame, || Ok(robots)) {
            errors.push(e);
        }
        if errors.is_empty() {
            Ok(Stats::default())
        } else {
            Err(errors)
        }
    }
}
