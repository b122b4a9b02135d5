//! The JSON API of a unit: `api/v1/index.json` lists the guides, and
//! `api/v1/huong-dan/<slug>.json` holds one guide with its steps as data.
//! Versioned (`"version"`, see `VERSION`) and stably ordered (guides by slug), so portals
//! and the `<sotay-guide>` widget can rely on it.

use serde::Serialize;

use super::docs::RenderedDoc;
use super::pages::canonical;
use super::{Rendered, Renderer, Shared, Stats};
use crate::content::{Channel, FeeChannel, Guide, Origin, Project};
use crate::diag::Diagnostic;
use crate::output::{Depends, Output};
use crate::resolve::UnitSite;

/// Fields are only ever added within a version (fees as schedules added
/// `text`, `next_change`, `paid` and `rates` beside the single amount).
pub const VERSION: u32 = 1;
pub const DIR: &str = crate::paths::API_DIR;

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
    /// The build's date.
    built: String,
    unit: UnitInfo<'a>,
    guides: Vec<IndexEntry<'a>>,
}

/// A fee: what readers pay on the build date in the guide page's words,
/// and the whole schedule as data. `amount` … `valid_until` are version 1's
/// single-amount fields, read off the rates for everyone on the build date.
#[derive(Serialize)]
struct Fee<'a> {
    name: &'a str,
    /// Đồng, at the counter, for everyone (0 when no rate applies).
    amount: u64,
    /// Đồng, online, for everyone (null when the fee has no online rate).
    online_amount: Option<u64>,
    /// The condition of a waiver on both channels, if there is one.
    exempt_if: Option<&'a str>,
    basis: &'a str,
    valid_until: Option<String>,
    /// One line, or one per channel when they differ.
    text: Vec<String>,
    /// The next known change, if any.
    next_change: Option<NextChange>,
    /// Whether any rate in force on the build date costs money.
    paid: bool,
    /// Every rate: amount in đồng, channel (`online`, `counter`, `both`),
    /// condition, basis, valid_from/valid_until (inclusive, or null).
    rates: &'a [crate::content::Rate],
}

#[derive(Serialize)]
struct NextChange {
    date: String,
    text: String,
}

#[derive(Serialize)]
struct Step<'a> {
    number: usize,
    title: String,
    /// Anchor of the step on the guide page.
    id: String,
    html: String,
    text: String,
    /// The step's own video (`step_videos:`).
    #[serde(skip_serializing_if = "Option::is_none")]
    video: Option<Video<'a>>,
}

/// A video of the guide or of a step: its files (absolute), or its
/// platform's page and player; poster, captions and their transcript.
#[derive(Serialize)]
struct Video<'a> {
    #[serde(flatten)]
    view: super::video::VideoView<'a>,
    /// Where to watch it: the platform's page, or the player on the guide page.
    watch_url: String,
}

#[derive(Serialize)]
struct ProcessingTime<'a> {
    text: &'a str,
    basis: Option<&'a str>,
}

/// Where to apply and ask in person for the guide, for this unit.
#[derive(Serialize)]
struct InPerson<'a> {
    /// Whether it is the unit's own desk (then `place` is its address).
    at_unit: bool,
    /// The unit's address, or the office the guide names for readers of
    /// units that do not receive the procedure.
    place: &'a str,
}

/// A form attached to the guide, to download.
#[derive(Serialize)]
struct Form<'a> {
    title: &'a str,
    /// Absolute address of the file.
    url: String,
    /// The file's type by its extension: `pdf`, `docx`, `xlsx`, `odt`, `ods`.
    #[serde(rename = "type")]
    kind: &'static str,
    mime: &'static str,
    bytes: usize,
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
    in_person: InPerson<'a>,
    channels: &'a [Channel],
    prerequisites: Vec<String>,
    documents: Vec<String>,
    forms: Vec<Form<'a>>,
    fees: Vec<Fee<'a>>,
    processing_time: ProcessingTime<'a>,
    steps: Vec<Step<'a>>,
    /// The guide's own video (`video:`).
    #[serde(skip_serializing_if = "Option::is_none")]
    video: Option<Video<'a>>,
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

    fn render(&self, site: &UnitSite, sh: &Shared, out: &Output) -> Rendered {
        if !site.outputs.api {
            return Ok(Stats::default());
        }
        let u = site.unit;
        // Guides in slug order: stable for clients diffing the API.
        let mut errors: Vec<Diagnostic> = site
            .guides
            .values()
            .filter_map(|g| {
                let rel = crate::paths::in_unit(&u.slug, &crate::paths::api_guide(&g.doc.slug));
                let depends = Depends::Guide {
                    unit: &u.slug,
                    slug: &g.doc.slug,
                };
                out.emit(&rel, depends, || to_json(&rel, &guide_doc(site, sh, g)))
                    .err()
            })
            .collect();
        // The index shows front matter only: kept while the frame is.
        let rel = crate::paths::in_unit(&u.slug, &format!("{DIR}/index.json"));
        let frame = Depends::Frame { unit: &u.slug };
        if let Err(e) = out.emit(&rel, frame, || to_json(&rel, &index(site, sh.date))) {
            errors.push(e);
        }
        if errors.is_empty() {
            Ok(Stats::default())
        } else {
            Err(errors)
        }
    }
}

/// One JSON document, with a final newline.
fn to_json(rel: &str, value: &impl Serialize) -> Result<String, Diagnostic> {
    serde_json::to_string(value)
        .map(|s| s + "\n")
        .map_err(|e| Diagnostic::error(format!("cannot write JSON {rel}: {e}")))
}

/// A guide's page on the unit's site.
fn page_url(site: &UnitSite, g: &Guide) -> String {
    canonical(
        &site.unit.data.base_url,
        &crate::paths::guide_page(&g.doc.slug),
    )
}

/// The guide's video (`step` None) or a step's, with absolute URLs.
fn api_video<'a>(site: &UnitSite, g: &'a Guide, step: Option<u32>) -> Option<Video<'a>> {
    let v = g.videos.iter().find(|v| v.step == step)?;
    Some(Video {
        view: super::video::VideoView::new(g, v, &site.unit.data.base_url),
        watch_url: super::video::watch_url(site, g, v),
    })
}

/// A guide's document: other sites read it, so links and images are absolute.
fn guide_doc<'a>(site: &'a UnitSite, sh: &Shared, g: &'a Guide) -> GuideDoc<'a> {
    let (p, m) = (site.project, &g.doc.meta);
    let doc: RenderedDoc =
        super::pages::rendered_for_unit(site, sh, g).at_root(&site.unit.data.base_url);
    let texts = super::pages::texts_for_unit(site, sh, g);
    let desk = site.desk(g);
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
            video: api_video(site, g, Some(s.number as u32)),
        })
        .collect();
    GuideDoc {
        version: VERSION,
        slug: &g.doc.slug,
        title: &m.title,
        summary: &m.summary,
        not_for: m.not_for.as_deref(),
        procedure_code: m.procedure_code.as_deref(),
        category: category(p, g),
        audiences: audiences(p, g),
        where_to_apply: &m.where_to_apply,
        in_person: InPerson {
            at_unit: desk.elsewhere().is_none(),
            place: desk.place(site.unit),
        },
        channels: &m.channels,
        prerequisites: texts.prerequisites.clone(),
        documents: texts.documents.clone(),
        forms: g
            .forms
            .iter()
            .map(|f| Form {
                title: &f.title,
                url: format!(
                    "{}{}",
                    site.unit.data.base_url,
                    crate::paths::form(&g.doc.slug, &f.name)
                ),
                kind: f.kind.ext(),
                mime: f.kind.mime(),
                bytes: f.bytes.len(),
            })
            .collect(),
        fees: m
            .fees
            .iter()
            .zip(sh.docs.fees(g))
            .map(|(f, t)| {
                let counter = f.quote(FeeChannel::Counter, sh.date).base;
                let online = f.quote(FeeChannel::Online, sh.date).base;
                let exempt = f.quote(FeeChannel::Counter, sh.date).conditional;
                Fee {
                    name: &f.name,
                    amount: counter.map_or(0, |r| r.amount),
                    online_amount: online.map(|r| r.amount),
                    exempt_if: exempt
                        .iter()
                        .find(|r| r.amount == 0 && r.channel == FeeChannel::Both)
                        .and_then(|r| r.condition.as_deref()),
                    basis: counter.or(online).map_or("", |r| r.basis.as_str()),
                    valid_until: counter
                        .or(online)
                        .and_then(|r| r.valid_until)
                        .map(|d| d.to_string()),
                    text: t.lines.clone(),
                    next_change: t.next_date.zip(t.next.clone()).map(|(d, text)| NextChange {
                        date: d.to_string(),
                        text,
                    }),
                    paid: t.paid,
                    rates: &f.rates,
                }
            })
            .collect(),
        processing_time: ProcessingTime {
            text: &m.processing_time.text,
            basis: m.processing_time.basis.as_deref(),
        },
        steps,
        video: api_video(site, g, None),
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
        url: page_url(site, g),
        local: g.origin != Origin::Central,
    }
}

/// The unit's index: its details and every guide's front matter.
fn index<'a>(site: &'a UnitSite, date: crate::content::Date) -> Index<'a> {
    let (p, u) = (site.project, site.unit);
    Index {
        version: VERSION,
        built: date.to_string(),
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
                category: category(p, g),
                audiences: audiences(p, g),
                updated: g.doc.meta.last_reviewed.to_string(),
                url: page_url(site, g),
                json: crate::paths::api_guide_in_api(&g.doc.slug),
                local: g.origin != Origin::Central,
            })
            .collect(),
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
