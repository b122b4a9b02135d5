//! Per-unit resolution: a unit's site is the central guides, minus the ones
//! it excludes, with its overrides swapped in and its own guides added.

use std::collections::BTreeMap;

use crate::content::{Guide, Project, Unit};
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

/// `outputs:` resolved for one unit: its own file, else site.yaml, else on.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Outputs {
    pub widgets: bool,
    pub api: bool,
}

impl<'p> UnitSite<'p> {
    pub fn new(project: &'p Project, unit: &'p Unit, collation: &Collation) -> Self {
        let mut guides: BTreeMap<&str, &Guide> = project
            .guides
            .iter()
            .filter(|g| !unit.data.exclude.contains(&g.doc.slug))
            .map(|g| (g.doc.slug.as_str(), g))
            .collect();
        for g in &unit.guides {
            guides.insert(g.doc.slug.as_str(), g);
        }
        let mut order: Vec<&Guide> = guides.values().copied().collect();
        order.sort_by(|a, b| collation.compare(&a.doc.meta.title, &b.doc.meta.title));
        let (site, own) = (&project.site.outputs, &unit.data.outputs);
        let outputs = Outputs {
            widgets: own.widgets.or(site.widgets).unwrap_or(true),
            api: own.api.or(site.api).unwrap_or(true),
        };
        Self {
            project,
            unit,
            guides,
            order,
            outputs,
        }
    }

    pub fn guide(&self, slug: &str) -> Option<&'p Guide> {
        self.guides.get(slug).copied()
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
