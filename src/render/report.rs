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
use crate::sheet::{Table, Value};

pub const DIR: &str = crate::paths::REPORT_DIR;

#[derive(Serialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "kebab-case")]
pub enum Cell {
    /// The central guide, as written.
    Published,
    /// The unit's own version of the guide.
    Overridden,
    /// Required, and excluded by the unit file with a written reason.
    Excluded,
    /// Required for this kind of unit but not published: the unit has no
    /// site yet, or the guide is a draft or out of its publish dates.
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
    /// Whether the unit has a site (a unit file); a registered unit without
    /// one has every required guide missing.
    site: bool,
    /// In the city's registry.
    registered: bool,
    /// Its site comes from the registry and `registry_sites:` (no unit
    /// file of its own yet).
    from_registry: bool,
    url: Option<String>,
    required: usize,
    published_required: usize,
    complete: bool,
    guides: usize,
    own_guides: Vec<&'a str>,
    overridden: Vec<&'a str>,
    /// Of those, the versions that inherit (say only what differs).
    inheriting: Vec<&'a str>,
    missing: Vec<&'a str>,
    /// Required guides excluded, with the unit file's reason.
    excluded: Vec<Excluded<'a>>,
    /// Leaflets made and not made this build; none when print was skipped.
    leaflets: Option<LeafletCount>,
    /// Message templates prepared for the unit (`tin-nhan/`).
    messages: usize,
    /// Its versions of central guides not known to agree with them.
    to_review: Vec<ToReview<'a>>,
    warnings: usize,
    cells: Vec<Cell>,
    /// Fee changes in its published guides within `check.look_ahead_days`.
    upcoming: Vec<Upcoming<'a>>,
    /// Guides it would publish but for a draft flag or publish dates.
    unpublished: Vec<Unpublished<'a>>,
    /// Guides it publishes on the web only (`print: false`).
    not_printed: Vec<GuideRef<'a>>,
}

/// A required guide a unit does not publish, and why.
#[derive(Serialize)]
struct Excluded<'a> {
    slug: &'a str,
    title: &'a str,
    reason: &'a str,
}

/// A unit's version of a central guide that changed since, or that never
/// said which version it copies (`based_on` none).
#[derive(Serialize)]
struct ToReview<'a> {
    slug: &'a str,
    title: &'a str,
    based_on: Option<&'a str>,
    current: String,
}

#[derive(Serialize, Clone, Copy)]
struct LeafletCount {
    made: usize,
    failed: usize,
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
    /// Required (unit, guide) pairs excluded with a reason.
    excluded_cells: usize,
    /// Unit versions of central guides to review.
    to_review: usize,
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
    /// Per results dataset, which units gave their figures for each of the
    /// latest months.
    results: Vec<Reporting<'a>>,
    totals: Totals,
    /// The latest `sotay verify` run, when the project has one.
    verify: Option<Verified>,
}

/// How many of the latest months the report shows per dataset.
const REPORTING_MONTHS: usize = 6;

/// Which units have reported their figures, month by month.
#[derive(Serialize)]
struct Reporting<'a> {
    dataset: &'a str,
    title: &'a str,
    /// The latest months any unit or the city reported, oldest first.
    months: Vec<&'a str>,
    /// Per month, how many units reported.
    counts: Vec<usize>,
    units: Vec<UnitReporting<'a>>,
}

#[derive(Serialize)]
struct UnitReporting<'a> {
    slug: &'a str,
    name: &'a str,
    reported: Vec<bool>,
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
    spreadsheets(sh, &report, out)?;
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

/// The report as the city office files it: a row per unit and a row per
/// (unit, required guide), as two CSV files and one workbook.
fn spreadsheets(sh: &Shared, report: &Coverage, out: &Output) -> Result<(), Diagnostic> {
    let t = &sh.theme.text;
    let titles = |slug: &str| {
        let g = sh.project.guide(slug);
        g.map_or(slug.to_owned(), |g| g.doc.meta.title.clone())
    };
    let tables = [units_table(report, t), guides_table(report, t, titles)];
    out.emit(crate::paths::REPORT_UNITS_CSV, Depends::Loose, || {
        tables[0].csv()
    })?;
    out.emit(crate::paths::REPORT_GUIDES_CSV, Depends::Loose, || {
        tables[1].csv()
    })?;
    out.emit(crate::paths::REPORT_XLSX, Depends::Loose, || {
        crate::sheet::workbook(&t.report_title, sh.date, &tables)
    })
}

fn yes_no(b: bool, t: &crate::theme::Text) -> Value {
    Value::from(if b {
        t.report_yes.as_str()
    } else {
        t.report_no.as_str()
    })
}

/// A row per unit: registered, site, counts of each guide status, what was
/// made for it, warnings.
fn units_table(report: &Coverage, t: &crate::theme::Text) -> Table {
    let head = [
        &t.report_unit,
        &t.report_slug,
        &t.report_kind,
        &t.report_registered_col,
        &t.report_site_col,
        &t.report_own_file_col,
        &t.report_required_col,
        &t.report_published_col,
        &t.report_excluded_col,
        &t.report_missing_col,
        &t.report_leaflets_col,
        &t.report_leaflets_failed_col,
        &t.report_messages_col,
        &t.report_to_review_col,
        &t.report_warnings,
        &t.report_date_col,
    ];
    let rows = report.units.iter().map(|u| {
        vec![
            Value::from(u.name),
            Value::from(u.slug),
            Value::from(u.kind_name),
            yes_no(u.registered, t),
            yes_no(u.site, t),
            yes_no(u.site && !u.from_registry, t),
            Value::from(u.required),
            Value::from(u.published_required),
            Value::from(u.excluded.len()),
            Value::from(u.missing.len()),
            Value::from(u.leaflets.map(|l| l.made)),
            Value::from(u.leaflets.map(|l| l.failed)),
            Value::from(u.messages),
            Value::from(u.to_review.len()),
            Value::from(u.warnings),
            Value::from(report.date.as_str()),
        ]
    });
    Table {
        name: t.report_sheet_units.clone(),
        head: head.map(String::clone).to_vec(),
        rows: rows.collect(),
    }
}

/// A row per unit and required guide: its status, and the reason when the
/// unit excluded it.
fn guides_table(
    report: &Coverage,
    t: &crate::theme::Text,
    title: impl Fn(&str) -> String,
) -> Table {
    let head = [
        &t.report_unit,
        &t.report_slug,
        &t.report_guide,
        &t.report_guide_slug,
        &t.report_status,
        &t.report_reason,
    ];
    let status = |c: Cell| match c {
        Cell::Published => &t.cell_published,
        Cell::Overridden => &t.cell_overridden,
        Cell::Excluded => &t.cell_excluded,
        Cell::Missing | Cell::NotRequired => &t.cell_missing,
    };
    let mut rows = Vec::new();
    for u in &report.units {
        let cells = report.required_guides.iter().zip(&u.cells);
        for (slug, cell) in cells.filter(|(_, c)| **c != Cell::NotRequired) {
            let reason = u
                .excluded
                .iter()
                .find(|x| x.slug == *slug)
                .map(|x| x.reason);
            rows.push(vec![
                Value::from(u.name),
                Value::from(u.slug),
                Value::from(title(slug)),
                Value::from(*slug),
                Value::from(status(*cell).as_str()),
                Value::from(reason),
            ]);
        }
    }
    Table {
        name: t.report_sheet_guides.clone(),
        head: head.map(String::clone).to_vec(),
        rows,
    }
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
    let not_set_up = not_set_up(sh);
    let mut units: Vec<UnitRow> = sites
        .iter()
        .map(|site| unit_row(site, sh, &columns, diagnostics))
        .chain(not_set_up.iter().map(|r| row_without_site(r, sh, &columns)))
        .collect();
    sh.collation.sort_by_key(&mut units, |r| r.name);
    units.sort_by_key(|r| p.site.unit_kinds.iter().position(|(k, _)| k == r.kind));
    let with_site = || units.iter().filter(|u| u.site);
    let results = sh.datasets.iter().map(|d| reporting(d, &units)).collect();
    let totals = Totals {
        registered: p.registry.units.len(),
        not_set_up: not_set_up.len(),
        units: with_site().count(),
        complete_units: with_site().filter(|u| u.complete).count(),
        required_cells: with_site().map(|u| u.required).sum(),
        published_cells: with_site().map(|u| u.published_required).sum(),
        excluded_cells: with_site().map(|u| u.excluded.len()).sum(),
        to_review: with_site().map(|u| u.to_review.len()).sum(),
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
        results,
        verify,
        totals,
    }
}

/// Who reported each of the dataset's latest months: every unit with a
/// site, in the report's order.
fn reporting<'a>(d: &'a crate::data::Dataset, units: &[UnitRow<'a>]) -> Reporting<'a> {
    let all = d.months();
    let months = all[all.len().saturating_sub(REPORTING_MONTHS)..].to_vec();
    let units: Vec<UnitReporting> = units
        .iter()
        .filter(|u| u.site)
        .map(|u| UnitReporting {
            slug: u.slug,
            name: u.name,
            reported: months.iter().map(|m| d.reported(u.slug, m)).collect(),
        })
        .collect();
    let counts = (0..months.len())
        .map(|i| units.iter().filter(|u| u.reported[i]).count())
        .collect();
    Reporting {
        dataset: &d.slug,
        title: &d.spec.title,
        months,
        counts,
        units,
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
                (true, true, true) => Cell::Overridden,
                (true, true, false) => Cell::Published,
                (true, false, _) if u.excludes(slug) => Cell::Excluded,
                (true, false, _) => Cell::Missing,
            }
        })
        .collect();
    let required = cells.iter().filter(|c| **c != Cell::NotRequired).count();
    let with = |cell: Cell| -> Vec<&'a str> {
        columns
            .iter()
            .zip(&cells)
            .filter(|(_, c)| **c == cell)
            .map(|(s, _)| *s)
            .collect()
    };
    let missing = with(Cell::Missing);
    let excluded: Vec<Excluded> = with(Cell::Excluded)
        .into_iter()
        .filter_map(|slug| {
            let x = u.exclusion(slug)?;
            Some(Excluded {
                slug,
                title: p.guide(slug).map_or(slug, |g| g.doc.meta.title.as_str()),
                reason: x.reason.as_deref().unwrap_or_default(),
            })
        })
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
        site: true,
        registered: p.registry.get(&u.slug).is_some(),
        from_registry: u.from_registry,
        url: Some(format!("../{}/index.html", u.slug)),
        required,
        published_required: required - missing.len() - excluded.len(),
        complete: missing.is_empty(),
        excluded,
        leaflets: (sh.media == crate::options::Media::Build).then(|| {
            let (made, failed) = sh.leaflets.count(&u.slug);
            LeafletCount { made, failed }
        }),
        messages: super::messages::ready(p).count(),
        to_review: crate::content::versions::out_of_step(p, u)
            .into_iter()
            .map(|o| ToReview {
                slug: &o.copy.doc.slug,
                title: &o.copy.doc.meta.title,
                based_on: o.based_on,
                current: o.current,
            })
            .collect(),
        guides: site.guides.len(),
        own_guides: with_central(false),
        overridden: with_central(true),
        inheriting: u
            .guides
            .iter()
            .filter(|g| g.doc.meta.inherits)
            .map(|g| g.doc.slug.as_str())
            .collect(),
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

/// A registered unit with no site: every guide its kind requires is
/// missing, and nothing was made for it.
fn row_without_site<'a>(r: &NotSetUp<'a>, sh: &Shared<'a>, columns: &[&'a str]) -> UnitRow<'a> {
    let p = sh.project;
    let cells: Vec<Cell> = columns
        .iter()
        .map(|slug| match p.is_required(r.kind, slug) {
            true => Cell::Missing,
            false => Cell::NotRequired,
        })
        .collect();
    let missing: Vec<&str> = columns
        .iter()
        .copied()
        .filter(|slug| p.is_required(r.kind, slug))
        .collect();
    UnitRow {
        slug: r.slug,
        name: r.name,
        kind: r.kind,
        kind_name: r.kind_name,
        site: false,
        registered: true,
        from_registry: false,
        url: None,
        required: missing.len(),
        published_required: 0,
        complete: missing.is_empty(),
        guides: 0,
        own_guides: Vec::new(),
        overridden: Vec::new(),
        inheriting: Vec::new(),
        missing,
        excluded: Vec::new(),
        leaflets: None,
        messages: 0,
        to_review: Vec::new(),
        warnings: 0,
        cells,
        upcoming: Vec::new(),
        unpublished: Vec::new(),
        not_printed: Vec::new(),
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
