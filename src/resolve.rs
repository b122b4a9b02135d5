//! Per-unit resolution: a unit's site is the guides it publishes
//! (`Project::published`), in order, with its outputs.

use std::collections::BTreeMap;

use crate::content::{Doc, Guide, InfographicSpec, Project, Unit};
use crate::text::Collation;

/// One unit's site, as a value: units resolve and render independently.
pub struct UnitSite<'p> {
    pub project: &'p Project,
    pub unit: &'p Unit,
    /// Published guides by slug.
    pub guides: BTreeMap<&'p str, &'p Guide>,
    /// Guides in Vietnamese alphabetical order of their titles (a list
    /// rather than slugs to look up: pages walk it for counts and related
    /// guides, 30,000 guide pages at city scale).
    order: Vec<&'p Guide>,
    /// What the site carries besides its pages.
    pub outputs: Outputs,
}

/// Where a reader of one unit's guide applies and asks in person: the one
/// decision the help box, widgets, API, leaflets and messages all read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Desk<'p> {
    /// The unit's own desk (its address and hours): the guide names no
    /// `handled_by`, or names this unit or its kind.
    Own,
    /// Another office, in the guide's words (`handled_by.elsewhere`); the
    /// unit still gives general help on its hotline.
    Elsewhere(&'p str),
}

impl<'p> Desk<'p> {
    /// The desk for `g` on `unit`'s site.
    pub fn of(unit: &Unit, g: &'p Guide) -> Self {
        match &g.doc.meta.handled_by {
            Some(h) if !h.receives(unit) => Desk::Elsewhere(&h.elsewhere),
            _ => Desk::Own,
        }
    }

    /// The place to go, as readers see it: the unit's address or the
    /// other office.
    pub fn place<'a>(&self, unit: &'a Unit) -> &'a str
    where
        'p: 'a,
    {
        match self {
            Desk::Own => &unit.data.address,
            Desk::Elsewhere(text) => text,
        }
    }

    /// The other office, when it is not the unit's own desk.
    pub fn elsewhere(&self) -> Option<&'p str> {
        match self {
            Desk::Own => None,
            Desk::Elsewhere(text) => Some(text),
        }
    }
}

/// `outputs:` resolved for one unit: its own file, else site.yaml, else on.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Outputs {
    pub widgets: bool,
    pub api: bool,
}

impl<'p> UnitSite<'p> {
    /// One unit's site (`all` for many).
    pub fn new(project: &'p Project, unit: &'p Unit, collation: &Collation) -> Self {
        let mut one = Self::all(project, &[unit], collation);
        one.pop().expect("one unit, one site")
    }

    /// The unit's guides by slug, not yet in order.
    fn unordered(project: &'p Project, unit: &'p Unit) -> Self {
        let guides = project.published(unit);
        let (site, own) = (&project.site.outputs, &unit.data.outputs);
        let outputs = Outputs {
            widgets: own.widgets.or(site.widgets).unwrap_or(true),
            api: own.api.or(site.api).unwrap_or(true),
        };
        Self {
            project,
            unit,
            guides,
            order: Vec::new(),
            outputs,
        }
    }

    /// Every unit's site. The central guides are put in order once and
    /// each unit's own merged in: one sort for the city rather than one
    /// per unit (each a few thousand collation comparisons).
    pub fn all(project: &'p Project, units: &[&'p Unit], collation: &Collation) -> Vec<Self> {
        use rayon::prelude::*;
        // Titles in Vietnamese order; equal titles by slug.
        let cmp = |a: &Guide, b: &Guide| {
            collation
                .compare(&a.doc.meta.title, &b.doc.meta.title)
                .then_with(|| a.doc.slug.cmp(&b.doc.slug))
        };
        let mut central: Vec<&Guide> = project.guides.iter().collect();
        central.sort_by(|a, b| cmp(a, b));
        units
            .par_iter()
            .map(|unit| {
                let mut site = Self::unordered(project, unit);
                let mut own: Vec<&Guide> = unit.guides.iter().collect();
                own.sort_by(|a, b| cmp(a, b));
                // Central guides it publishes as they are (not excluded, not
                // overridden), with its own merged in.
                let shown = central.iter().copied().filter(|g| {
                    site.guides
                        .get(g.doc.slug.as_str())
                        .is_some_and(|s| std::ptr::eq(*s, *g))
                });
                site.order = merge(shown, own, cmp);
                site
            })
            .collect()
    }

    pub fn guide(&self, slug: &str) -> Option<&'p Guide> {
        self.guides.get(slug).copied()
    }

    /// Where this unit's readers of `g` apply and ask in person.
    pub fn desk(&self, g: &'p Guide) -> Desk<'p> {
        Desk::of(self.unit, g)
    }

    /// The infographics the unit shows: those about a guide it publishes,
    /// and those about no guide.
    pub fn infographics(&self) -> impl Iterator<Item = &'p Doc<InfographicSpec>> + '_ {
        self.project.infographics.iter().filter(|i| {
            i.meta
                .guide
                .as_ref()
                .is_none_or(|g| self.guide(g).is_some())
        })
    }

    /// Guides in alphabetical order.
    pub fn ordered(&self) -> impl Iterator<Item = &'p Guide> + '_ {
        self.order.iter().copied()
    }

    /// Whether this unit publishes its own version of a central guide.
    pub fn is_override(&self, slug: &str) -> bool {
        self.unit.guides.iter().any(|g| g.doc.slug == slug) && self.project.guide(slug).is_some()
    }

    /// The guides shown as popular on the home page.
    pub fn popular(&self) -> Vec<&'p Guide> {
        let slugs = self
            .unit
            .data
            .popular
            .as_ref()
            .unwrap_or(&self.project.site.popular);
        slugs.iter().filter_map(|s| self.guide(s)).collect()
    }
}

/// Two lists in order, merged; on a tie the first list's comes first.
fn merge<'p>(
    a: impl Iterator<Item = &'p Guide>,
    b: Vec<&'p Guide>,
    cmp: impl Fn(&Guide, &Guide) -> std::cmp::Ordering,
) -> Vec<&'p Guide> {
    let mut out = Vec::new();
    let mut b = b.into_iter().peekable();
    for g in a {
        while let Some(next) = b.next_if(|o| cmp(o, g).is_lt()) {
            out.push(next);
        }
        out.push(g);
    }
    out.extend(b);
    out
}
