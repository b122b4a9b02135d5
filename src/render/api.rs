//! The JSON API of a unit: `api/v1/index.json` lists the guides, and
//! `api/v1/huong-dan/<slug>.json` holds one guide with its steps as data.
//! Versioned (`"version": 1`) and stably ordered (guides by slug), so portals
//! and the `<sotay-guide>` widget can rely on it.

use serde::Serialize;

use super::docs::RenderedDoc;
use super::pages::canonical;
use super::{Renderer, Shared, Stats};
use crate::content::{Channel, Guide, Origin, Project};
use crate::diag::Diagnostic;
use crate::output::Staging;
use crate::resolve::UnitSite;

pub const VERSION: u32 = 1;
pub const DIR: &str = "api/v1";

#[derive(Serialize)]
struct UnitInfo<'a> {
    slug: &'a str,
    name: &'a str,
    short_name: &'a str,
    kind: &'a str,
    address: &'a str,
    hours: &'a [String],
    hotline: &'a str,
    email: Option<&'a str>,
    zalo: Option<&'a str>,
    colour: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct Term<'a> {
    slug: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct IndexEntry<'a> {
    slug: &'a str,
    title: &'a str,
    summary: &'a str,
    category: Term<'a>,
    audiences: Vec<Term<'a>>,
    updated: String,
    /// Absolute address of the guide page.
    url: String,
    /// The guide's JSON document, relative to this index.
    json: String,
    local: bool,
}

#[derive(Serialize)]
struct Index<'a> {
    version: u32,
    unit: UnitInfo<'a>,
    guides: Vec<IndexEntry<'a>>,
}

#[derive(Serialize)]
struct Fee<'a> {
    name: &'a str,
    /// Đồng, at the counter.
    amount: u64,
    /// Đồng, online (null when not stated).
    online_amount: Option<u64>,
    exempt_if: Option<&'a str>,
    basis: &'a str,
    valid_until: Option<String>,
}

#[derive(Serialize)]
struct Step {
    number: usize,
    title: String,
    /// Anchor of the step on the guide page.
    id: String,
    html: String,
    text: String,
}

#[derive(Serialize)]
struct ProcessingTime<'a> {
    text: &'a str,
    basis: Option<&'a str>,
}

#[derive(Serialize)]
struct GuideDoc<'a> {
    version: u32,
    slug: &'a str,
    title: &'a str,
    summary: &'a str,
    not_for: Option<&'a str>,
    procedure_code: Option<&'a str>,
    category: Term<'a>,
    audiences: Vec<Term<'a>>,
    #[serde(rename = "where")]
    where_to_apply: &'a str,
    channels: &'a [Channel],
    prerequisites: Vec<String>,
    documents: Vec<String>,
    fees: Vec<Fee<'a>>,
    processing_time: ProcessingTime<'a>,
    steps: Vec<Step>,
    after_you_apply: Option<String>,
    help: Option<String>,
    legal_basis: &'a [String],
    related: Vec<&'a str>,
    updated: String,
    url: String,
    local: bool,
}

pub struct Api;

impl Renderer for Api {
    fn name(&self) -> &'static str {
        "api"
    }

    fn render(
        &self,
        site: &UnitSite,
        sh: &Shared,
        out: &Staging,
    ) -> Result<Stats, Vec<Diagnostic>> {
        if !site.outputs.api {
            return Ok(Stats::default());
        }
        let p = site.project;
        let u = site.unit;
        let category = |g| category(p, g);
        let audiences = |g| audiences(p, g);
        let page_url = |g: &Guide| {
            canonical(
                &u.data.base_url,
                &format!("huong-dan/{}/index.html", g.doc.slug),
            )
        };
        let mut errors = Vec::new();
        let mut put = |rel: String, value: &dyn erased::Json| match value.to_json() {
            Ok(json) => {
                let rel = format!("{}/{DIR}/{rel}", u.slug);
                if let Err(e) = super::frame_file(sh, out, &u.slug, &rel, json.as_bytes()) {
                    errors.push(e);
                }
            }
            Err(e) => errors.push(Diagnostic::error(format!("cannot write JSON {rel}: {e}"))),
        };
        // Guides in slug order: stable for clients diffing the API.
        let mut guide_errors = Vec::new();
        for g in site.guides.values() {
            let rel = format!("{}/{DIR}/huong-dan/{}.json", u.slug, g.doc.slug);
            let made = super::guide_file(sh, out, &u.slug, &g.doc.slug, &rel, || {
                let m = &g.doc.meta;
                // Other sites read this: links and images are absolute.
                let doc: RenderedDoc =
                    super::pages::rendered_for_unit(site, sh, g).at_root(&u.data.base_url);
                let texts = super::pages::texts_for_unit(site, sh, g);
                let steps = doc
                    .body
                    .steps
                    .iter()
                    .zip(&texts.steps)
                    .map(|(s, text)| Step {
                        number: s.number,
                        title: s.title.clone(),
                        id: s.id.clone(),
                        html: s.body.clone(),
                        text: text.clone(),
                    })
                    .collect();
                let json = GuideDoc {
                    version: VERSION,
                    slug: &g.doc.slug,
                    title: &m.title,
                    summary: &m.summary,
                    not_for: m.not_for.as_deref(),
                    procedure_code: m.procedure_code.as_deref(),
                    category: category(g),
                    audiences: audiences(g),
                    where_to_apply: &m.where_to_apply,
                    channels: &m.channels,
                    prerequisites: texts.prerequisites.clone(),
                    documents: texts.documents.clone(),
                    fees: m
                        .fees
                        .iter()
                        .map(|f| Fee {
                            name: &f.name,
                            amount: f.amount,
                            online_amount: f.online_amount,
                            exempt_if: f.exempt_if.as_deref(),
                            basis: &f.basis,
                            valid_until: f.valid_until.map(|d| d.to_string()),
                        })
                        .collect(),
                    processing_time: ProcessingTime {
                        text: &m.processing_time.text,
                        basis: m.processing_time.basis.as_deref(),
                    },
                    steps,
                    after_you_apply: doc.after_you_apply.clone(),
                    help: doc.help.clone(),
                    legal_basis: &m.legal_basis,
                    related: m
                        .related
                        .iter()
                        .map(String::as_str)
                        .filter(|s| site.guide(s).is_some())
                        .collect(),
                    updated: m.last_reviewed.to_string(),
                    url: page_url(g),
                    local: g.origin != Origin::Central,
                };
                erased::Json::to_json(&json)
                    .map_err(|e| Diagnostic::error(format!("cannot write JSON {rel}: {e}")))
            });
            if let Err(e) = made {
                guide_errors.push(e);
            }
        }
        // The index shows front matter only: kept while the frame is.
        if !super::frame_kept(sh, out, &u.slug) {
            let index = Index {
                version: VERSION,
                unit: UnitInfo {
                    slug: &u.slug,
                    name: &u.data.name,
                    short_name: &u.data.short_name,
                    kind: &u.data.kind,
                    address: &u.data.address,
                    hours: &u.data.hours,
                    hotline: &u.data.hotline,
                    email: u.data.email.as_deref(),
                    zalo: u.data.zalo.as_deref(),
                    colour: &u.colour,
                    url: &u.data.base_url,
                },
                guides: site
                    .guides
                    .values()
                    .map(|g| IndexEntry {
                        slug: &g.doc.slug,
                        title: &g.doc.meta.title,
                        summary: &g.doc.meta.summary,
                        category: category(g),
                        audiences: audiences(g),
                        updated: g.doc.meta.last_reviewed.to_string(),
                        url: page_url(g),
                        json: format!("huong-dan/{}.json", g.doc.slug),
                        local: g.origin != Origin::Central,
                    })
                    .collect(),
            };
            put("index.json".into(), &index);
        }
        errors.extend(guide_errors);
        if errors.is_empty() {
            Ok(Stats::default())
        } else {
            Err(errors)
        }
    }
}

fn category<'a>(p: &'a Project, g: &'a Guide) -> Term<'a> {
    let c = p
        .site
        .categories
        .iter()
        .find(|c| c.slug == g.doc.meta.category);
    Term {
        slug: &g.doc.meta.category,
        name: c.map_or("", |c| c.name.as_str()),
    }
}

fn audiences<'a>(p: &'a Project, g: &'a Guide) -> Vec<Term<'a>> {
    p.site
        .audiences
        .iter()
        .filter(|a| g.doc.meta.audiences.contains(&a.slug))
        .map(|a| Term {
            slug: &a.slug,
            name: &a.name,
        })
        .collect()
}

/// Text of an HTML fragment: tags dropped, entities decoded, spaces collapsed.
pub fn plain(html: &str) -> String {
    crate::links::text(html)
}

mod erased {
    /// Serialise any of the API documents through one writer.
    pub trait Json {
        fn to_json(&self) -> serde_json::Result<String>;
    }

    impl<T: serde::Serialize> Json for T {
        fn to_json(&self) -> serde_json::Result<String> {
            let mut s = serde_json::to_string(self)?;
            s.push('\n');
            Ok(s)
        }
    }
}
