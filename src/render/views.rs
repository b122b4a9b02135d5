//! The values templates see. Everything is pre-formatted for Vietnamese
//! readers (dates dd/mm/yyyy, đồng with dot separators) so templates stay
//! simple. URLs are relative to the unit root; templates prefix `root`.

use serde::Serialize;

use super::docs::RenderedDoc;
use crate::content::{Channel, Form, Guide, Project, Term, Unit};
use crate::markdown::Step;
use crate::resolve::UnitSite;

#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub slogan: &'a str,
    pub description: &'a str,
    pub base_url: &'a str,
}

impl<'a> SiteView<'a> {
    pub fn new(p: &'a Project) -> Self {
        let s = &p.site;
        Self {
            title: &s.title,
            slogan: &s.slogan,
            description: &s.description,
            base_url: &s.base_url,
        }
    }
}

#[derive(Serialize)]
pub struct UnitView<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub short_name: &'a str,
    pub kind: &'a str,
    pub kind_name: &'a str,
    pub address: &'a str,
    pub hours: &'a [String],
    pub hotline: &'a str,
    /// The hotline as a `tel:` target (digits and + only).
    pub hotline_tel: String,
    pub email: Option<&'a str>,
    pub zalo: Option<&'a str>,
    pub colour: &'a str,
    /// Path of the logo relative to the unit root, if any.
    pub logo: Option<String>,
    pub base_url: &'a str,
    pub url: String,
}

impl<'a> UnitView<'a> {
    pub fn new(p: &'a Project, u: &'a Unit) -> Self {
        let d = &u.data;
        Self {
            slug: &u.slug,
            name: &d.name,
            short_name: &d.short_name,
            kind: &d.kind,
            kind_name: p.kind_name(&d.kind),
            address: &d.address,
            hours: &d.hours,
            hotline: &d.hotline,
            hotline_tel: d
                .hotline
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '+')
                .collect(),
            email: d.email.as_deref(),
            zalo: d.zalo.as_deref(),
            colour: &u.colour,
            logo: logo_path(u),
            base_url: &d.base_url,
            url: format!("{}/index.html", u.slug),
        }
    }
}

/// Where the unit's logo is copied, relative to the unit root.
pub fn logo_path(u: &Unit) -> Option<String> {
    let logo = u.data.logo.as_ref()?;
    let ext = std::path::Path::new(logo)
        .extension()?
        .to_string_lossy()
        .to_ascii_lowercase();
    Some(format!("assets/logo.{ext}"))
}

#[derive(Serialize, Clone)]
pub struct TermView<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub url: String,
    pub count: usize,
    /// The campaign's slogans addressed to this audience (site.yaml
    /// `slogans:` naming it), in the order written; none for categories.
    pub slogans: Vec<&'a str>,
}

impl<'a> TermView<'a> {
    pub fn audience(t: &'a Term, site: &UnitSite<'a>) -> Self {
        let count = site
            .ordered()
            .filter(|g| g.doc.meta.audiences.contains(&t.slug))
            .count();
        let slogans = site
            .project
            .site
            .slogans
            .iter()
            .filter(|(_, s)| s.audiences.contains(&t.slug))
            .map(|(_, s)| s.text.as_str())
            .collect();
        Self {
            slug: &t.slug,
            name: &t.name,
            description: &t.description,
            url: crate::paths::audience_page(&t.slug),
            count,
            slogans,
        }
    }

    pub fn category(t: &'a Term, site: &UnitSite) -> Self {
        let count = site
            .ordered()
            .filter(|g| g.doc.meta.category == t.slug)
            .count();
        Self {
            slug: &t.slug,
            name: &t.name,
            description: &t.description,
            url: crate::paths::category_page(&t.slug),
            count,
            slogans: Vec::new(),
        }
    }
}

#[derive(Serialize)]
pub struct PageLink<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub url: String,
}

/// A guide in a list.
#[derive(Serialize, Clone)]
pub struct Card<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub url: String,
    pub category: &'a str,
    pub updated: String,
    /// Written or changed by this unit.
    pub local: bool,
}

impl<'a> Card<'a> {
    pub fn new(g: &'a Guide, site: &UnitSite<'a>) -> Self {
        let m = &g.doc.meta;
        let category = site
            .project
            .site
            .categories
            .iter()
            .find(|c| c.slug == m.category)
            .map_or("", |c| c.name.as_str());
        Self {
            slug: &g.doc.slug,
            title: &m.title,
            summary: &m.summary,
            url: guide_url(&g.doc.slug),
            category,
            updated: m.last_reviewed.display_vi(),
            local: g.origin != crate::content::Origin::Central,
        }
    }
}

pub fn guide_url(slug: &str) -> String {
    crate::paths::guide_page(slug)
}

/// A form attached to a guide, as a download link: `title` (`PDF, 120 KB`).
#[derive(Serialize)]
pub struct FormView<'a> {
    pub title: &'a str,
    /// Relative to the unit root.
    pub url: String,
    /// `PDF`, `DOCX`…
    pub kind: String,
    pub mime: &'static str,
    /// `120 KB`, `1,5 MB`.
    pub size: String,
    pub bytes: usize,
}

impl<'a> FormView<'a> {
    pub fn new(g: &Guide, f: &'a Form) -> Self {
        Self {
            title: &f.title,
            url: crate::paths::form(&g.doc.slug, &f.name),
            kind: f.kind.label(),
            mime: f.kind.mime(),
            size: crate::text::file_size(f.bytes.len() as u64),
            bytes: f.bytes.len(),
        }
    }

    pub fn all(g: &'a Guide) -> Vec<Self> {
        g.forms.iter().map(|f| Self::new(g, f)).collect()
    }
}

/// A guide on the unit's catalogue of online services.
#[derive(Serialize)]
pub struct ServiceView<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub url: String,
    pub procedure_code: Option<&'a str>,
    /// The channels with an address: where to apply online.
    pub online: Vec<&'a Channel>,
    pub forms: Vec<FormView<'a>>,
}

impl<'a> ServiceView<'a> {
    pub fn new(g: &'a Guide) -> Self {
        let m = &g.doc.meta;
        Self {
            slug: &g.doc.slug,
            title: &m.title,
            url: guide_url(&g.doc.slug),
            procedure_code: m.procedure_code.as_deref(),
            online: m.channels.iter().filter(|c| c.url.is_some()).collect(),
            forms: FormView::all(g),
        }
    }
}

/// Where to apply and ask in person for a guide on this unit's site
/// (`resolve::Desk`, as templates see it).
#[derive(Serialize)]
pub struct DeskView<'a> {
    /// The other office, when the unit's own desk does not receive the
    /// procedure; null when it does.
    pub elsewhere: Option<&'a str>,
    /// Where to go: the unit's address, or the other office.
    pub place: &'a str,
}

#[derive(Serialize)]
pub struct GuideView<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub not_for: Option<String>,
    pub procedure_code: Option<&'a str>,
    pub audiences: Vec<TermView<'a>>,
    pub category: Option<TermView<'a>>,
    pub where_to_apply: &'a str,
    pub desk: DeskView<'a>,
    pub channels: &'a [Channel],
    pub prerequisites: Vec<String>,
    pub documents: Vec<String>,
    /// Forms to download, in the order written.
    pub forms: Vec<FormView<'a>>,
    pub fees: &'a [crate::theme::FeeText],
    /// Whether any fee costs money (then readers are told to check the amount).
    pub has_paid_fee: bool,
    pub processing_time: &'a str,
    pub processing_basis: Option<&'a str>,
    pub intro: String,
    pub steps: Vec<Step>,
    pub rest: String,
    pub after_you_apply: Option<String>,
    pub help: Option<String>,
    pub legal_basis: &'a [String],
    pub related: Vec<Card<'a>>,
    pub updated: String,
    pub updated_iso: String,
    pub local: bool,
    /// The guide's own video (`video:`), and each step's (`step_videos:`).
    pub video: Option<super::video::VideoView<'a>>,
    pub step_videos: Vec<super::video::VideoView<'a>>,
    /// Whether a video is on a platform (the page then loads `video.js`).
    pub platform_video: bool,
}

impl<'a> GuideView<'a> {
    pub fn new(
        g: &'a Guide,
        doc: RenderedDoc,
        site: &UnitSite<'a>,
        fees: &'a [crate::theme::FeeText],
    ) -> Self {
        let m = &g.doc.meta;
        let p = site.project;
        let audiences = p
            .site
            .audiences
            .iter()
            .filter(|a| m.audiences.contains(&a.slug))
            .map(|a| TermView::audience(a, site))
            .collect();
        let category = p
            .site
            .categories
            .iter()
            .find(|c| c.slug == m.category)
            .map(|c| TermView::category(c, site));
        // Related: the editor's list first, then others in the same category.
        let mut related: Vec<Card> = m
            .related
            .iter()
            .filter_map(|s| site.guide(s))
            .map(|r| Card::new(r, site))
            .collect();
        for other in site.ordered() {
            if related.len() >= 4 {
                break;
            }
            if other.doc.slug != g.doc.slug
                && other.doc.meta.category == m.category
                && !related.iter().any(|c| c.slug == other.doc.slug)
            {
                related.push(Card::new(other, site));
            }
        }
        Self {
            slug: &g.doc.slug,
            title: &m.title,
            summary: &m.summary,
            not_for: doc.not_for,
            procedure_code: m.procedure_code.as_deref(),
            audiences,
            category,
            where_to_apply: &m.where_to_apply,
            desk: {
                let desk = site.desk(g);
                DeskView {
                    elsewhere: desk.elsewhere(),
                    place: desk.place(site.unit),
                }
            },
            channels: &m.channels,
            prerequisites: doc.prerequisites,
            documents: doc.documents,
            forms: FormView::all(g),
            fees,
            has_paid_fee: fees.iter().any(|f| f.paid || f.unknown),
            processing_time: &m.processing_time.text,
            processing_basis: m.processing_time.basis.as_deref(),
            intro: doc.body.intro,
            steps: doc.body.steps,
            rest: doc.body.rest,
            after_you_apply: doc.after_you_apply,
            help: doc.help,
            legal_basis: &m.legal_basis,
            related,
            updated: m.last_reviewed.display_vi(),
            updated_iso: m.last_reviewed.to_string(),
            local: g.origin != crate::content::Origin::Central,
            video: super::video::VideoView::all(g, "")
                .into_iter()
                .find(|v| v.step.is_none()),
            step_videos: super::video::VideoView::all(g, "")
                .into_iter()
                .filter(|v| v.step.is_some())
                .collect(),
            platform_video: g
                .videos
                .iter()
                .any(|v| matches!(v.source, crate::content::video::Source::Platform(_))),
        }
    }
}
