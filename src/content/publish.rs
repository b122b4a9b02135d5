//! What a build publishes on its date. Drafts (`draft: true`) and guides or
//! pages outside their `publish_from` / `publish_until` are taken out of the
//! project before anything else reads it, so no output (pages, lists,
//! search, feeds, API, widgets, PDFs, pictures, messages, short links, the
//! hub) can show them; `Project::published` then says what each unit
//! publishes of what is left. The coverage report and `check` list them.

use super::Date;
use super::load::{Project, YamlFile};
use super::model::{Doc, Guide, Origin, Page, Schedule, Scheduled, Unit, Withheld};
use crate::diag::{Diagnostic, Sink};

impl Project {
    /// Keep only what is published on `date`: the rest moves to
    /// `withheld_guides` and `withheld_pages`. With `drafts` (serve's
    /// preview) drafts stay. A required guide that a unit would lose is an
    /// error: a mandatory guide must not vanish without anyone noticing.
    pub fn publish_on(&mut self, date: Date, drafts: bool, sink: &Sink) {
        let why = |s: Schedule| s.withheld(date, drafts);
        let (guides, held) = split(std::mem::take(&mut self.guides), |g: &Guide| {
            why(g.doc.meta.schedule())
        });
        self.guides = guides;
        self.withheld_guides.extend(held);
        for u in &mut self.units {
            let (guides, held) = split(std::mem::take(&mut u.guides), |g: &Guide| {
                why(g.doc.meta.schedule())
            });
            u.guides = guides;
            self.withheld_guides.extend(held);
        }
        let (pages, held) = split(std::mem::take(&mut self.pages), |p: &Page| {
            why(p.meta.schedule())
        });
        self.pages = pages;
        self.withheld_pages.extend(held);
        self.check_required(sink);
    }

    /// The guides `unit` would publish but for a draft flag or publish
    /// dates: its own, and central ones it neither excludes nor replaces
    /// with a published version of its own. In slug order.
    pub fn withheld_in<'p>(&'p self, unit: &Unit) -> Vec<(&'p Guide, Withheld)> {
        let mut out: Vec<(&Guide, Withheld)> = self
            .withheld_guides
            .iter()
            .filter(|(g, _)| match &g.origin {
                Origin::Unit(u) => *u == unit.slug,
                Origin::Central => {
                    !unit.excludes(&g.doc.slug)
                        && !unit.guides.iter().any(|o| o.doc.slug == g.doc.slug)
                }
            })
            .map(|(g, why)| (g, *why))
            .collect();
        // The unit's own version first: when both are withheld, it is the
        // one the unit would publish.
        out.sort_by_key(|(g, _)| (g.doc.slug.clone(), g.origin == Origin::Central));
        out.dedup_by(|later, first| later.0.doc.slug == first.0.doc.slug);
        out
    }

    /// Why the central guide `slug` is not published, if it is withheld.
    pub fn withheld_central(&self, slug: &str) -> Option<(&Guide, Withheld)> {
        self.withheld_guides
            .iter()
            .find(|(g, _)| g.origin == Origin::Central && g.doc.slug == slug)
            .map(|(g, why)| (g, *why))
    }

    /// Every unit publishes the guides site.yaml requires of its kind.
    fn check_required(&self, sink: &Sink) {
        for u in &self.units {
            let Some(required) = self.site.required.get(&u.data.kind) else {
                continue;
            };
            for slug in required.iter().filter(|s| !self.publishes(u, s)) {
                if let Some((g, why)) = self.withheld_central(slug) {
                    sink.push(required_withheld(u, g, why));
                }
            }
        }
    }
}

/// A required guide a unit would not publish, at the line that withholds it.
fn required_withheld(u: &Unit, g: &Guide, why: Withheld) -> Diagnostic {
    let slug = &g.doc.slug;
    let (state, fix) = match why {
        Withheld::Draft => (
            "is a draft".to_owned(),
            "finish it and remove `draft: true`",
        ),
        Withheld::NotYet(d) => (
            format!("is published only from {}", d.display_vi()),
            "remove publish_from",
        ),
        Withheld::Ended(d) => (
            format!("was published only until {}", d.display_vi()),
            "remove or move publish_until",
        ),
    };
    g.doc
        .error_at(
            Schedule::key(why),
            None,
            format!(
                "required guide `{slug}` {state}: it would vanish from the sites of the units that must publish it (site.yaml `required:`)"
            ),
        )
        .hint(format!(
            "{fix}; or take `{slug}` out of `required:` in content/site.yaml until it is ready"
        ))
        .for_unit(&u.slug)
}

/// (published, withheld with the reason).
fn split<T>(items: Vec<T>, why: impl Fn(&T) -> Option<Withheld>) -> (Vec<T>, Vec<(T, Withheld)>) {
    let mut kept = Vec::new();
    let mut held = Vec::new();
    for item in items {
        match why(&item) {
            Some(w) => held.push((item, w)),
            None => kept.push(item),
        }
    }
    (kept, held)
}

/// `publish_from` after `publish_until` would publish it on no day.
pub(super) fn check_schedules(p: &Project, sink: &Sink) {
    for g in p
        .guides
        .iter()
        .chain(p.units.iter().flat_map(|u| &u.guides))
    {
        check_schedule(&g.doc, sink);
    }
    for pg in &p.pages {
        check_schedule(pg, sink);
    }
}

fn check_schedule<M: Scheduled>(doc: &Doc<M>, sink: &Sink) {
    let s = doc.meta.schedule();
    if let (Some(from), Some(until)) = (s.publish_from, s.publish_until)
        && from > until
    {
        sink.push(
            doc.error_at(
                "publish_until",
                None,
                format!(
                    "publish_until {until} is before publish_from {from}: it would be published on no day"
                ),
            )
            .hint("swap the two dates, or remove one of them"),
        );
    }
}
