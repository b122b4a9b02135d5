//! Markdown of guides and pages rendered to HTML once, then shared by every
//! unit that publishes them unchanged. A unit that lacks a link target gets
//! its own render, with that link as plain text.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::content::Date;
use crate::content::{Doc, Guide, Project};
use crate::images::Processed;
use crate::markdown::{self, AlertLabels, Env, Highlighter, Rendered, Sanitizer, Step, Target};
use crate::refs::DocKey;
use crate::theme::{FeeText, Text};

/// Stands for the unit root in rendered Markdown. The same render serves the
/// site (`../../`), embeds (`../../../`), and snippets and the JSON API used on
/// other sites (the absolute `base_url`); `RenderedDoc::at_root` puts the right
/// prefix in.
pub const DOC_ROOT: &str = "__SOTAY_ROOT__/";

#[derive(Debug, Clone, Default, Serialize)]
pub struct RenderedDoc {
    pub body: Rendered,
    pub not_for: Option<String>,
    pub prerequisites: Vec<String>,
    pub documents: Vec<String>,
    pub after_you_apply: Option<String>,
    pub help: Option<String>,
}

impl RenderedDoc {
    /// This render with links and images prefixed by `root`.
    pub fn at_root(&self, root: &str) -> RenderedDoc {
        let fix = |s: &String| s.replace(DOC_ROOT, root);
        let opt = |s: &Option<String>| s.as_ref().map(fix);
        RenderedDoc {
            body: Rendered {
                intro: fix(&self.body.intro),
                steps: self
                    .body
                    .steps
                    .iter()
                    .map(|st| Step {
                        title_html: fix(&st.title_html),
                        body: fix(&st.body),
                        ..st.clone()
                    })
                    .collect(),
                rest: fix(&self.body.rest),
            },
            not_for: opt(&self.not_for),
            prerequisites: self.prerequisites.iter().map(fix).collect(),
            documents: self.documents.iter().map(fix).collect(),
            after_you_apply: opt(&self.after_you_apply),
            help: opt(&self.help),
        }
    }
}

/// The shared pieces of Markdown rendering.
pub struct Markdown<'a> {
    pub labels: AlertLabels,
    pub highlighter: Highlighter,
    pub sanitizer: Sanitizer,
    pub images: &'a BTreeMap<PathBuf, Processed>,
}

impl Markdown<'_> {
    /// Render one document for a context where `has_guide` tells which
    /// guides exist and `pages` which free pages.
    pub fn render<M>(
        &self,
        doc: &Doc<M>,
        has_guide: &(dyn Fn(&str) -> bool + Sync),
        has_page: &(dyn Fn(&str) -> bool + Sync),
    ) -> RenderedDoc {
        let link = |t: &Target| -> Option<String> {
            let (kind_dir, slug, anchor, ok) = match t {
                Target::Guide { slug, anchor } => ("huong-dan", slug, anchor, has_guide(slug)),
                Target::Page { slug, anchor } => ("trang", slug, anchor, has_page(slug)),
            };
            let frag = anchor
                .as_ref()
                .filter(|a| !a.is_empty())
                .map(|a| format!("#{a}"))
                .unwrap_or_default();
            ok.then(|| format!("{DOC_ROOT}{kind_dir}/{slug}/index.html{frag}"))
        };
        let dir = doc.source.abs.parent().unwrap_or(Path::new(".")).to_owned();
        let image = move |src: &str, alt: &str| -> Option<String> {
            let path = crate::images::referenced_file(&dir, src)?;
            self.images.get(&path).map(|p| p.img_html(DOC_ROOT, alt))
        };
        let env = Env {
            link: &link,
            image: &image,
            labels: &self.labels,
            highlighter: &self.highlighter,
            sanitizer: &self.sanitizer,
        };
        let mut out = RenderedDoc {
            body: markdown::render(&doc.parsed.body, &env),
            ..Default::default()
        };
        for (key, md) in &doc.parsed.fields {
            match *key {
                "not_for" => out.not_for = Some(markdown::render_inline(md, &env)),
                "prerequisites" => out.prerequisites.push(markdown::render_inline(md, &env)),
                "documents" => out.documents.push(markdown::render_inline(md, &env)),
                "after_you_apply" => {
                    out.after_you_apply = Some(markdown::render_fragment(md, &env))
                }
                "help" => out.help = Some(markdown::render_fragment(md, &env)),
                _ => {}
            }
        }
        out
    }
}

/// Central renders of every document, and each unit's own guides.
pub struct Docs {
    pub rendered: HashMap<DocKey, RenderedDoc>,
    /// Each rendered guide's plain texts (search index, API), made once
    /// rather than once per unit (150 units, 200 guides: 30,000 times).
    pub texts: HashMap<DocKey, Texts>,
    /// Each guide's fees as readers see them on the build date: the one
    /// place pages, widgets, the API, PDFs and messages take them from.
    pub fees: HashMap<DocKey, Vec<FeeText>>,
}

/// A rendered guide's text without markup, as the search index and the
/// API carry it. Links are made absolute per unit only inside tags, so the
/// text is the same in every unit that renders the guide the shared way.
#[derive(Clone, Default)]
pub struct Texts {
    pub search: String,
    pub steps: Vec<String>,
    pub prerequisites: Vec<String>,
    pub documents: Vec<String>,
}

impl Texts {
    pub fn of(r: &RenderedDoc) -> Self {
        let plain = super::api::plain;
        let steps: Vec<String> = r.body.steps.iter().map(|s| plain(&s.body)).collect();
        // Search: intro, each step's title and text, the rest.
        let mut search = plain(&r.body.intro);
        for (s, text) in r.body.steps.iter().zip(&steps) {
            for part in [s.title.as_str(), text] {
                search.push(' ');
                search.push_str(part);
            }
        }
        search.push(' ');
        search.push_str(&plain(&r.body.rest));
        Self {
            search: search.trim().to_owned(),
            steps,
            prerequisites: r.prerequisites.iter().map(|h| plain(h)).collect(),
            documents: r.documents.iter().map(|h| plain(h)).collect(),
        }
    }
}

impl Docs {
    /// The fees of `g` on the build date.
    pub fn fees(&self, g: &Guide) -> &[FeeText] {
        self.fees.get(&DocKey::of(g)).map_or(&[], Vec::as_slice)
    }

    pub fn render_all(p: &Project, md: &Markdown, date: Date, text: &Text) -> Self {
        let has_page = |s: &str| p.pages.iter().any(|pg| pg.slug == s);
        let central_has = |s: &str| p.guide(s).is_some();
        let fees = p
            .guides
            .iter()
            .chain(p.units.iter().flat_map(|u| &u.guides))
            .map(|g| {
                let texts = g.doc.meta.fees.iter();
                (
                    DocKey::of(g),
                    texts.map(|f| FeeText::new(f, date, text)).collect(),
                )
            })
            .collect();
        let mut jobs: Vec<(DocKey, &Guide, Option<&crate::content::Unit>)> =
            p.guides.iter().map(|g| (DocKey::of(g), g, None)).collect();
        for u in &p.units {
            jobs.extend(u.guides.iter().map(|g| (DocKey::of(g), g, Some(u))));
        }
        let mut rendered: HashMap<DocKey, RenderedDoc> = jobs
            .into_par_iter()
            .map(|(key, g, unit)| {
                let doc = match unit {
                    None => md.render(&g.doc, &central_has, &has_page),
                    Some(u) => {
                        let has = |s: &str| p.publishes(u, s);
                        md.render(&g.doc, &has, &has_page)
                    }
                };
                (key, doc)
            })
            .collect();
        let pages: Vec<(DocKey, RenderedDoc)> = p
            .pages
            .par_iter()
            .map(|pg| {
                (
                    DocKey::Page(pg.slug.clone()),
                    md.render(pg, &central_has, &has_page),
                )
            })
            .collect();
        let texts = rendered
            .par_iter()
            .filter(|(k, _)| !matches!(k, DocKey::Page(_)))
            .map(|(k, r)| (k.clone(), Texts::of(r)))
            .collect();
        rendered.extend(pages);
        Self {
            rendered,
            texts,
            fees,
        }
    }
}
