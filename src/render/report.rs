//! The coverage report for the coordinating centre, `bao-cao/`: which unit
//! publishes which required guide (central, its own version, or missing),
//! how fresh each guide is, and warnings per unit, as HTML and JSON. It
//! reads no clock: ages are judged by `sotay check`, dates are shown here.

use std::collections::BTreeMap;

use serde::Serialize;
use tera::Context;

use super::views::SiteView;
use super::{Rendered, Renderer, Shared, Stage, Stats, Units, one};
use crate::content::Withheld;
use crate::diag::{Diagnostic, Severity};
use crate::output::{Depends, Output};
use crate::resolve::UnitSite;

pub const DIR: &str = crate::paths::REPORT_DIR;

#[derive(Serialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "kebab-case")]
pub enum Cell {
    /// The central guide, as written.
    Published,
    /// The unit's own version of the guide.
    Overridden,
    /// Required for this kind of unit but not published. A successful build
    /// never has one (excluding a required guide is an error); the format
    /// keeps the case for reports made from partial data.
    Missing,
    /// Not required for this kind of unit (published or not).
    NotRequired,
}

#[derive(Serialize)]
struct UnitRow<'a> {
    slug: &'a str,
    name: &'a str,
    kind: &'a str,
    kind_name: &'a str,
    url: String,
    required: usize,
    published_required: usize,
    complete: bool,
    guides: usize,
    own_guides: Vec<&'a str>,
    overridden: Vec<&'a str>,
    missing: Vec<&'a str>,
    warnings: usize,
    cells: Vec<Cell>,
    /// Fee changes in its published guides within `check.look_ahead_days`.
    upcoming: Vec<Upcoming<'a>>,
    /// Guides it would publish but for a draft flag or publish dates.
    unpublished: Vec<Unpublished<'a>>,
    /// Guides it publishes on the web only (`print: false`).
    not_printed: Vec<GuideRef<'a>>,
}

/// A guide by its file name and title.
#[derive(Serialize)]
struct GuideRef<'a> {
    slug: &'a str,
    title: &'a str,
}

/// A fee that changes soon in one unit's guide.
#[derive(Serialize)]
struct Upcoming<'a> {
    date: String,
    date_vi: String,
    guide: &'a str,
    title: &'a str,
    fee: &'a str,
    /// What readers see from that day.
    text: &'a str,
}

/// A guide or page not published on the build's date, and why.
#[derive(Serialize)]
struct Unpublished<'a> {
    slug: &'a str,
    title: &'a str,
    #[serde(flatten)]
    why: Withheld,
}

#[derive(Serialize)]
struct Freshness<'a> {
    slug: &'a str,
    title: &'a str,
    last_reviewed: String,
    /// The first day after the build date on which one of its fees changes.
    next_fee_change: Option<String>,
}

#[derive(Serialize)]
struct Totals {
    units: usize,
    complete_units: usize,
    required_cells: usize,
    published_cells: usize,
    /// Unit-guide pairs and free pages not published (see `Unpublished`).
    unpublished: usize,
    /// (unit, guide) pairs published on the web only (`print: false`).
    not_printed: usize,
    /// Units in the city's registry (`content/registry.yaml`), and those
    /// of them with no site.
    registered: usize,
    not_set_up: usize,
}

/// A unit the city registers that has no unit file, so no site.
#[derive(Serialize)]
struct NotSetUp<'a> {
    slug: &'a str,
    name: &'a str,
    kind: &'a str,
    kind_name: &'a str,
    verified: bool,
}

#[derive(Serialize)]
struct Coverage<'a> {
    version: u32,
    /// The build's date: what the report says is true on.
    date: String,
    /// Required guides (the matrix columns), in slug order.
    required_guides: Vec<&'a str>,
    units: Vec<UnitRow<'a>>,
    freshness: Vec<Freshness<'a>>,
    /// Free pages not published on the build's date (every unit's).
    unpublished_pages: Vec<Unpublished<'a>>,
    /// Registered units without a site, by kind, then name.
    not_set_up: Vec<NotSetUp<'a>>,
    totals: Totals,
    /// The latest `sotay verify` run, when the project has one.
    verify: Option<Verified>,
}

/// The coverage report of every unit, written last: it counts the
/// warnings every other output met.
pub struct Report;

impl Renderer for Report {
    fn name(&self) -> &'static str {
        "report"
    }

    fn stage(&self) -> Stage {
        Stage::City
    }

    fn render_all(&self, units: &Units, sh: &Shared, out: &Output) -> Rendered {
        let orders = super::orders::linked(sh, units);
        one(render(sh, units.every, orders, &sh.sink.snapshot(), out))?;
        Ok(Stats::default())
    }
}

/// Write `bao-cao/index.html` and `bao-cao/bao-cao.json` at the output root
/// (the page links the print orders when `orders`).
fn render(
    sh: &Shared,
    sites: &[UnitSite],
    orders: bool,
    diagnostics: &[Diagnostic],
    out: &Output,
) -> Result<(), Diagnostic> {
    let p = sh.project;
    let report = coverage(sh, sites, diagnostics);
    let json = serde_json::to_string_pretty(&report)
        .map_err(|e| Diagnostic::error(format!("coverage report: {e}")))?;
    out.emit(crate::paths::REPORT_JSON, Depends::Loose, || {
        Ok(format!("{json}\n"))
    })?;
    let titles: BTreeMap<&str, &str> = p
        .guides
        .iter()
        .map(|g| (g.doc.slug.as_str(), g.doc.meta.title.as_str()))
        .collect();
    let mut ctx = Context::new();
    ctx.insert("site", &SiteView::new(p));
    ctx.insert("t", &sh.theme.strings);
    ctx.insert("report", &report);
    ctx.insert("date_vi", &sh.date.display_vi());
    ctx.insert("titles", &titles);
    ctx.insert("has_orders", &orders);
    ctx.insert("root", "../");
    ctx.insert("canonical", &format!("{}{DIR}/", p.site.base_url));
    let page = crate::paths::REPORT_PAGE;
    out.emit(page, Depends::Loose, || {
        sh.template("report.html", &ctx, page)
    })
}

/// The report: required guides as columns, a row per unit (by kind, then
/// name), every guide's freshness, and totals.
fn coverage<'a>(
    sh: &Shared<'a>,
    sites: &'a [UnitSite],
    diagnostics: &[Diagnostic],
) -> Coverage<'a> {
    let p = sh.project;
    let mut columns: Vec<&str> = p
        .site
        .required
        .values()
        .flatten()
        .map(String::as_str)
        .collect();
    columns.sort_unstable();
    columns.dedup();
    let mut units: Vec<UnitRow> = sites
        .iter()
        .map(|site| unit_row(site, sh, &columns, diagnostics))
        .collect();
    sh.collation.sort_by_key(&mut units, |r| r.name);
    units.sort_by_key(|r| p.site.unit_kinds.iter().position(|(k, _)| k == r.kind));
    let not_set_up = not_set_up(sh);
    let totals = Totals {
        registered: p.registry.units.len(),
        not_set_up: not_set_up.len(),
        units: units.len(),
        complete_units: units.iter().filter(|u| u.complete).count(),
        required_cells: units.iter().map(|u| u.required).sum(),
        published_cells: units.iter().map(|u| u.published_required).sum(),
        not_printed: units.iter().map(|u| u.not_printed.len()).sum(),
        unpublished: units.iter().map(|u| u.unpublished.len()).sum::<usize>()
            + p.withheld_pages.len(),
    };
    let verify = verified(sh, &units);
    Coverage {
        version: 1,
        date: sh.date.to_string(),
        required_guides: columns,
        units,
        freshness: freshness(sh),
        unpublished_pages: p
            .withheld_pages
            .iter()
            .map(|(pg, why)| Unpublished {
                slug: &pg.slug,
                title: &pg.meta.title,
                why: *why,
            })
            .collect(),
        not_set_up,
        verify,
        totals,
    }
}

/// The registered units with no unit file: the city sees who is missing,
/// not only who is there.
fn not_set_up<'a>(sh: &Shared<'a>) -> Vec<NotSetUp<'a>> {
    let p = sh.project;
    let mut rows: Vec<NotSetUp> = p
        .registry
        .units
        .iter()
        .filter(|r| p.unit(&r.slug).is_none())
        .map(|r| NotSetUp {
            slug: &r.slug,
            name: &r.name,
            kind: &r.kind,
            kind_name: p.kind_name(&r.kind),
            verified: r.verified,
        })
        .collect();
    sh.collation.sort_by_key(&mut rows, |r| r.name);
    rows.sort_by_key(|r| p.site.unit_kinds.iter().position(|(k, _)| k == r.kind));
    rows
}

/// One unit's row: a cell per required guide, its own and overridden
/// guides, and the warnings about it.
fn unit_row<'a>(
    site: &UnitSite<'a>,
    sh: &Shared<'a>,
    columns: &[&'a str],
    diagnostics: &[Diagnostic],
) -> UnitRow<'a> {
    let (p, u) = (site.project, site.unit);
    let cells: Vec<Cell> = columns
        .iter()
        .map(|slug| {
            match (
                p.is_required(&u.data.kind, slug),
                site.guide(slug).is_some(),
                site.is_override(slug),
            ) {
                (false, _, _) => Cell::NotRequired,
                (true, false, _) => Cell::Missing,
                (true, true, true) => Cell::Overridden,
                (true, true, false) => Cell::Published,
            }
        })
        .collect();
    let required = cells.iter().filter(|c| **c != Cell::NotRequired).count();
    let missing: Vec<&str> = columns
        .iter()
        .zip(&cells)
        .filter(|(_, c)| **c == Cell::Missing)
        .map(|(s, _)| *s)
        .collect();
    // The unit's guides that have (true) or lack (false) a central one.
    let with_central = |central: bool| -> Vec<&'a str> {
        u.guides
            .iter()
            .filter(|g| p.guide(&g.doc.slug).is_some() == central)
            .map(|g| g.doc.slug.as_str())
            .collect()
    };
    UnitRow {
        slug: &u.slug,
        name: &u.data.short_name,
        kind: &u.data.kind,
        kind_name: p.kind_name(&u.data.kind),
        url: format!("../{}/index.html", u.slug),
        required,
        published_required: required - missing.len(),
        complete: missing.is_empty(),
        guides: site.guides.len(),
        own_guides: with_central(false),
        overridden: with_central(true),
        missing,
        warnings: warnings_about(&u.slug, diagnostics),
        cells,
        upcoming: upcoming(site, sh),
        not_printed: site
            .ordered()
            .filter(|g| !g.doc.meta.print)
            .map(|g| GuideRef {
                slug: &g.doc.slug,
                title: &g.doc.meta.title,
            })
            .collect(),
        unpublished: p
            .withheld_in(u)
            .into_iter()
            .map(|(g, why)| Unpublished {
                slug: &g.doc.slug,
                title: &g.doc.meta.title,
                why,
            })
            .collect(),
    }
}

/// The next change of each fee of the unit's guides, within the look-ahead,
/// by date.
fn upcoming<'a>(site: &UnitSite<'a>, sh: &Shared<'a>) -> Vec<Upcoming<'a>> {
    let ahead = i64::from(sh.project.site.check.look_ahead_days);
    let until = sh.date.plus_days(ahead);
    let mut out: Vec<Upcoming> = site
        .ordered()
        .flat_map(|g| sh.docs.fees(g).iter().map(move |f| (g, f)))
        .filter_map(|(g, f)| {
            let day = f.next_date.filter(|d| *d <= until)?;
            Some(Upcoming {
                date: day.to_string(),
                date_vi: day.display_vi(),
                guide: &g.doc.slug,
                title: &g.doc.meta.title,
                fee: &f.name,
                text: f.next.as_deref().unwrap_or_default(),
            })
        })
        .collect();
    out.sort_by(|a, b| a.date.cmp(&b.date));
    out
}

/// Warnings for a unit: ones that name it, or sit in its files.
fn warnings_about(unit: &str, diagnostics: &[Diagnostic]) -> usize {
    let unit_dir = std::path::Path::new("content/units").join(unit);
    let unit_file = std::path::Path::new("content/units").join(format!("{unit}.yaml"));
    diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .filter(|d| {
            d.affects(unit)
                || d.location
                    .as_ref()
                    .is_some_and(|l| l.file.starts_with(&unit_dir) || l.file == unit_file)
        })
        .count()
}

/// Every guide's last review and next fee change, oldest review first; a
/// unit's copy reviewed on the same day as another counts once.
fn freshness<'a>(sh: &Shared<'a>) -> Vec<Freshness<'a>> {
    let p = sh.project;
    let mut freshness: Vec<Freshness> = p
        .guides
        .iter()
        .chain(p.units.iter().flat_map(|u| &u.guides))
        .map(|g| Freshness {
            slug: &g.doc.slug,
            title: &g.doc.meta.title,
            last_reviewed: g.doc.meta.last_reviewed.to_string(),
            next_fee_change: sh
                .docs
                .fees(g)
                .iter()
                .filter_map(|f| f.next_date)
                .min()
                .map(|d| d.to_string()),
        })
        .collect();
    freshness.sort_by(|a, b| {
        a.last_reviewed
            .cmp(&b.last_reviewed)
            .then(a.slug.cmp(b.slug))
    });
    freshness.dedup_by(|a, b| a.slug == b.slug && a.last_reviewed == b.last_reviewed);
    freshness
}

/// The latest `sotay verify` run (`paths::VERIFY_RESULTS`, read at build
/// time; the build's marker counts it as an input): a row per unit of the
/// report that it checked, in the report's order.
#[derive(Serialize)]
struct Verified {
    date: String,
    date_vi: String,
    units: Vec<VerifyRow>,
}

#[derive(Serialize)]
struct VerifyRow {
    slug: String,
    name: String,
    class: crate::proof::Class,
    reason: Option<String>,
    /// The date of the build the portal serves, when an older one.
    served_date: Option<String>,
    portal: Option<crate::proof::Portal>,
}

fn verified(sh: &Shared, units: &[UnitRow]) -> Option<Verified> {
    let results = crate::proof::Results::latest(&sh.project.root)?;
    let date_vi = crate::content::Date::parse(&results.date)
        .map(|d| d.display_vi())
        .unwrap_or_else(|_| results.date.clone());
    let units = units
        .iter()
        .filter_map(|row| {
            let r = results.unit(row.slug)?;
            Some(VerifyRow {
                slug: r.unit.clone(),
                name: row.name.to_owned(),
                class: r.class,
                reason: r.reason.clone(),
                served_date: r.served.as_ref().map(|s| s.build_date.clone()),
                portal: r.portal.clone(),
            })
        })
        .collect();
    Some(Verified {
        date: results.date.clone(),
        date_vi,
        units,
    })
}
