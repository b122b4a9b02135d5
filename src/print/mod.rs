//! Print: leaflet PDFs per guide and a handbook per unit, laid out by Typst
//! (in-process, deterministic) from the theme's `print/*.typ` templates.
//!
//! Every document comes in two versions: a download PDF (RGB, tagged,
//! PDF/UA-1, clickable links, `in-an/`) and a press PDF (CMYK with K-only
//! black, bleed and marks from the unit's print-shop profile, `in-an/nha-in/`).
//! Content that does not fit is retried at the theme's smaller sizes down to
//! 8 pt, then fails the build naming the guide. Rendered PDFs are cached by a
//! hash of their whole input in `.sotay-cache/render/`, so an unchanged leaflet is
//! never laid out twice.

mod cohort;
pub(crate) mod compose;
pub(crate) mod document;
pub mod markup;
mod merge;
mod panels;
pub(crate) mod qr;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Mutex;

use serde_json::{Value, json};

use cohort::{COHORT, Cohort, Pieces};

use crate::diag::Diagnostic;
use crate::engine::formats::{self, Format, Formats};
use crate::engine::world::{Failure, PrintWorld, WorldPool};
use crate::output::{Depends, Output};
use crate::render::{Rendered, Renderer, Shared, Stage, Stats, Units};
use crate::resolve::UnitSite;
use crate::theme::{Text, fill};
pub use document::{Form, Variant};

/// What became of one leaflet (unit, guide, format).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Made(Form),
    /// No form fitted; the panel that overflowed last (empty after a
    /// template error, reported on its own).
    Failed(String),
}

/// The form and size a cached leaflet was made in: the tag of its cache
/// entry (`<key>.condensed-9.5.<sum>.pdf`), which holds the PDF alone.
struct Choice {
    form: Form,
    size: f32,
}

impl Choice {
    fn tag(&self) -> String {
        format!("{}-{}", self.form.slug(), self.size)
    }

    fn from_tag(tag: &str) -> Option<Self> {
        let (form, size) = tag.rsplit_once('-')?;
        Some(Self {
            form: Form::from_slug(form)?,
            size: size.parse().ok()?,
        })
    }
}

/// Every leaflet's outcome this build, by (unit, guide, format) slugs.
type Outcomes = BTreeMap<(String, String, String), Outcome>;

/// What became of every leaflet this build: print records it, before the
/// pages are written, so a guide page links only the leaflets that exist
/// and the print index names each one's form. Beside it, the handbooks
/// that could not be made, by unit and format: the print orders leave them
/// out (print reports their problem, once).
#[derive(Default)]
pub struct Leaflets(Mutex<Outcomes>, Mutex<BTreeSet<(String, String)>>);

impl Leaflets {
    fn book_failed(&self, unit: &str, format: &str) {
        let key = (unit.to_owned(), format.to_owned());
        self.1.lock().expect("handbooks").insert(key);
    }

    /// Whether print made this unit's handbook in this format, if it ran.
    pub fn book_made(&self, unit: &str, format: &str) -> bool {
        let key = (unit.to_owned(), format.to_owned());
        !self.1.lock().expect("handbooks").contains(&key)
    }

    fn record(&self, unit: &str, guide: &str, format: &str, outcome: Outcome) {
        let key = (unit.to_owned(), guide.to_owned(), format.to_owned());
        self.0.lock().expect("leaflets").insert(key, outcome);
    }

    /// The outcome of one leaflet, if print ran for it this build.
    pub fn outcome(&self, unit: &str, guide: &str, format: &str) -> Option<Outcome> {
        let key = (unit.to_owned(), guide.to_owned(), format.to_owned());
        self.0.lock().expect("leaflets").get(&key).cloned()
    }

    /// One unit's leaflets this build: (made, could not be made).
    pub fn count(&self, unit: &str) -> (usize, usize) {
        let all = self.0.lock().expect("leaflets");
        let mine = all.iter().filter(|((u, _, _), _)| u == unit);
        mine.fold((0, 0), |(made, failed), (_, o)| match o {
            Outcome::Made(_) => (made + 1, failed),
            Outcome::Failed(_) => (made, failed + 1),
        })
    }

    fn snapshot(&self) -> Outcomes {
        self.0.lock().expect("leaflets").clone()
    }
}

/// Every guide's leaflets, for the print page: each with the form it was
/// printed in (the whole guide, condensed…), or marked as not made; a
/// guide with `print: false` has none.
fn leaflet_links(site: &UnitSite, formats: &Formats, leaflets: &Leaflets, t: &Text) -> Vec<Value> {
    site.ordered()
        .map(|g| {
            let leaflets: Vec<Value> = formats
                .leaflets()
                .filter(|_| g.doc.meta.print)
                .map(|f| {
                    if !takes(f, g, site) {
                        return json!({"name": f.name, "applies": false});
                    }
                    let (form, made) = match leaflets.outcome(&site.unit.slug, &g.doc.slug, &f.slug)
                    {
                        Some(Outcome::Made(form)) => (Some(form.name(t)), true),
                        Some(Outcome::Failed(_)) => (None, false),
                        None => (None, true),
                    };
                    json!({
                        "name": f.name,
                        "applies": true,
                        "made": made,
                        "form": form,
                        "download": leaflet_path(&g.doc.slug, &f.slug, Variant::Download),
                        "press": leaflet_path(&g.doc.slug, &f.slug, Variant::Press),
                    })
                })
                .collect();
            json!({
                "title": g.doc.meta.title,
                "url": crate::paths::guide_page(&g.doc.slug),
                "printed": g.doc.meta.print,
                "leaflets": leaflets,
            })
        })
        .collect()
}

/// Per day within the print horizon on which a fee changes, the guides
/// whose leaflets carry it (their PDFs must be reprinted then; so must the
/// handbook, which carries every guide).
fn reprints(site: &UnitSite, shared: &crate::render::Shared, formats: &Formats) -> Vec<Value> {
    let horizon = shared
        .date
        .plus_days(i64::from(site.project.site.print.horizon_days));
    let mut days: std::collections::BTreeMap<crate::content::Date, Vec<Value>> = Default::default();
    for g in site.ordered().filter(|g| g.doc.meta.print) {
        let mut changes: Vec<crate::content::Date> = g
            .doc
            .meta
            .fees
            .iter()
            .flat_map(|f| f.changes_after(shared.date))
            .filter(|d| *d <= horizon)
            .collect();
        changes.sort();
        changes.dedup();
        let made = |f: &&Format| {
            let outcome = shared
                .leaflets
                .outcome(&site.unit.slug, &g.doc.slug, &f.slug);
            takes(f, g, site) && !matches!(outcome, Some(Outcome::Failed(_)))
        };
        for day in changes {
            let files: Vec<Value> = formats
                .leaflets()
                .filter(made)
                .map(|f| {
                    json!({
                        "name": f.name,
                        "download": leaflet_path(&g.doc.slug, &f.slug, Variant::Download),
                        "press": leaflet_path(&g.doc.slug, &f.slug, Variant::Press),
                    })
                })
                .collect();
            days.entry(day).or_default().push(json!({
                "title": g.doc.meta.title,
                "files": files,
            }));
        }
    }
    days.into_iter()
        .map(|(day, guides)| {
            json!({"date": day.to_string(), "date_vi": day.display_vi(), "guides": guides})
        })
        .collect()
}

/// What the print shop needs, as terms and values (the theme's words).
fn shop_specs(t: &Text, site: &UnitSite, formats: &Formats) -> Vec<Value> {
    let (_, shop) = site.project.print_shop(site.unit);
    let marks = t.shop_marks_text(&shop.marks);
    let names: Vec<&str> = formats.leaflets().map(|f| f.name.as_str()).collect();
    let handbook: String = formats
        .handbooks()
        .map(|f| format!("; {}", fill(&t.shop_handbook_size, &[("name", &f.name)])))
        .collect();
    let bleed = shop.bleed_mm.to_string();
    let spec = |term: &str, value: &str| json!({"term": term, "value": value});
    vec![
        spec(&t.shop_printer, &shop.name),
        spec(&t.shop_size, &(names.join("; ") + &handbook)),
        spec(&t.shop_bleed, &fill(&t.shop_bleed_value, &[("mm", &bleed)])),
        spec(&t.shop_marks, marks),
        spec(&t.shop_colour, &t.shop_colour_value),
        spec(&t.shop_font, &t.shop_font_value),
    ]
}

/// The unit's infographics that have posters, with their PDFs.
fn poster_links(site: &UnitSite, text: &Text) -> Vec<Value> {
    site.infographics()
        .map(|i| {
            let files: Vec<Value> = crate::engine::canvas::CANVASES
                .iter()
                .filter(|c| {
                    c.poster
                        && (i.meta.formats.is_empty() || i.meta.formats.iter().any(|f| f == c.slug))
                })
                .map(|c| {
                    json!({
                        "name": text.canvas_name(c.slug),
                        "download": crate::paths::poster(&i.slug, c.slug, false),
                        "press": crate::paths::poster(&i.slug, c.slug, true),
                    })
                })
                .collect();
            json!({"title": i.meta.title, "files": files})
        })
        .filter(|p| p["files"].as_array().is_some_and(|f| !f.is_empty()))
        .collect()
}

/// The unit's print page: every PDF, and the specs for the print shop.
pub const INDEX: &str = crate::paths::PRINT_INDEX;

/// Where a guide's leaflet is, under the unit folder.
pub fn leaflet_path(guide: &str, format: &str, variant: Variant) -> String {
    crate::paths::leaflet(guide, format, variant == Variant::Press)
}

/// Where a unit's handbook is, under the unit folder.
pub fn handbook_path(format: &str, unit: &str, variant: Variant) -> String {
    crate::paths::handbook(format, unit, variant == Variant::Press)
}

/// The print renderer; holds Typst worlds for reuse (fonts and the standard
/// library are loaded once per world, one world per worker at a time).
#[derive(Default)]
pub struct Print {
    worlds: WorldPool,
    /// Images already warned about for low resolution (once per build).
    warned: Mutex<HashSet<PathBuf>>,
    /// Where each guide's leaflet fitted, by (guide, format, download):
    /// the first candidate other units try (see `first_fitting`).
    hints: Mutex<Hints>,
    /// Guides' leaflets laid out once for every unit.
    layouts: compose::Layouts,
    /// Handbooks' guides laid out once for the units that publish the same
    /// ones. Their tasks come in turn, so one is enough, and a handbook of
    /// a hundred long guides is hundreds of megabytes laid out.
    book_layouts: compose::Layouts<1>,
}

type Hints = std::collections::HashMap<(String, String, bool), usize>;

impl Print {
    fn job<'a, 'p>(
        &'a self,
        site: &'a UnitSite<'p>,
        shared: &'a Shared<'p>,
        out: &'a Output<'a>,
        world: &'a mut PrintWorld,
        theme_key: &'a str,
    ) -> Job<'a, 'p> {
        Job {
            site,
            shared,
            out,
            world,
            theme_key,
            stats: Stats::default(),
            errors: Vec::new(),
            warned: &self.warned,
            hints: &self.hints,
            layouts: &self.layouts,
            book_layouts: &self.book_layouts,
            cohort: None,
        }
    }

    /// Run one task with a world from the pool.
    fn run(&self, task: &Task, sh: &Shared, out: &Output, key: &str) -> Rendered {
        let Some(formats) = &sh.theme.print else {
            return Ok(Stats::default());
        };
        let mut world = self.worlds.take(&sh.theme.print_files, key);
        let (mut stats, mut errors) = (Stats::default(), Vec::new());
        let sites = match task {
            Task::Handbooks(_, _, sites) | Task::Leaflets(_, sites) => sites,
        };
        let cohort = Cohort::new(sites);
        for (i, site) in sites.iter().enumerate() {
            let mut job = self.job(site, sh, out, &mut world, key);
            job.cohort = Some((&cohort, i));
            match task {
                Task::Handbooks(f, v, _) => job.handbook(f, *v, formats.sizes_of(f)[0]),
                Task::Leaflets(g, _) => job.leaflets(g, formats),
            }
            stats += job.stats;
            errors.extend(job.errors);
        }
        self.worlds.give(key.to_owned(), world);
        if errors.is_empty() {
            Ok(stats)
        } else {
            Err(errors)
        }
    }
}

impl Renderer for Print {
    fn name(&self) -> &'static str {
        "print"
    }

    fn stage(&self) -> Stage {
        Stage::Print
    }

    /// Every unit's PDFs from one list of tasks (so no unit's last leaflets
    /// run alone at the end), then each unit's print page.
    fn render_all(&self, units: &Units, sh: &Shared, out: &Output) -> Rendered {
        let Some(formats) = &sh.theme.print else {
            return Ok(Stats::default());
        };
        let key = crate::engine::theme_key(&sh.theme.print_files);
        let tasks = tasks(units.selected, formats);
        let mut results = crate::engine::run_tasks(
            &tasks,
            |task| matches!(task, Task::Handbooks(..)),
            |task| self.run(task, sh, out, &key),
        );
        overflows(&sh.leaflets.snapshot(), units.selected, formats, sh);
        let mut world = self.worlds.take(&sh.theme.print_files, &key);
        for site in units.selected {
            let mut job = self.job(site, sh, out, &mut world, &key);
            job.index(formats);
            results.push(if job.errors.is_empty() {
                Ok(job.stats)
            } else {
                Err(job.errors)
            });
        }
        self.worlds.give(key, world);
        crate::render::sum(results)
    }
}

/// One problem per guide whose leaflets fit in no form, naming the formats
/// and the units (a unit's longer address can tip a panel over). An error,
/// or a warning if site.yaml's `print.overflow` says so; either way the
/// rest of the site is published.
fn overflows(outcomes: &Outcomes, sites: &[UnitSite], formats: &Formats, sh: &Shared) {
    let mut by_guide: BTreeMap<&str, (BTreeMap<&str, &str>, Vec<&str>)> = BTreeMap::new();
    let mut by_unit: BTreeMap<&str, BTreeMap<(&str, &str), usize>> = BTreeMap::new();
    for ((unit, guide, format), outcome) in outcomes {
        if let Outcome::Failed(panel) = outcome
            && panel.starts_with("slot:")
        {
            *by_unit
                .entry(unit)
                .or_default()
                .entry((format, panel))
                .or_default() += 1;
        } else if let Outcome::Failed(panel) = outcome
            && !panel.is_empty()
        {
            let entry = by_guide.entry(guide).or_default();
            entry.0.insert(format, panel);
            if !entry.1.contains(&unit.as_str()) {
                entry.1.push(unit);
            }
        }
    }
    let smallest = formats.sizes.last().copied().unwrap_or(formats::MIN_SIZE);
    for (slug, (failed, units)) in by_guide {
        let Some(g) = sites.iter().find_map(|s| s.guide(slug)) else {
            continue;
        };
        let names: Vec<String> = formats
            .leaflets()
            .filter_map(|f| {
                let panel = failed.get(f.slug.as_str())?;
                Some(format!("the {} ({})", f.name, document::panel_name(panel)))
            })
            .collect();
        let message = format!(
            "guide `{slug}` does not fit {} even as step titles only at {smallest} pt",
            names.join(" or ")
        );
        let hint = "shorten the step titles, the list of what to prepare or the help text, or write the leaflet's own short version under `leaflet:`; the web page and every other PDF are published";
        let units = units.iter().map(|u| (*u).to_owned()).collect();
        overflow_problem(sh, message, (&g.doc.source.path, hint), units);
    }
    for (unit, failed) in by_unit {
        if let Some(site) = sites.iter().find(|s| s.unit.slug == unit) {
            slot_overflow(site, &failed, formats, sh);
        }
    }
}

/// A unit's data too long for a template's slot (its name, address or
/// links): one problem per unit, at its unit file, whatever the guides.
fn slot_overflow(
    site: &UnitSite,
    failed: &BTreeMap<(&str, &str), usize>,
    formats: &Formats,
    sh: &Shared,
) {
    let smallest = formats.sizes.last().copied().unwrap_or(formats::MIN_SIZE);
    let names: Vec<String> = failed
        .iter()
        .filter_map(|((format, slot), n)| {
            let f = formats.leaflets().find(|f| f.slug == *format)?;
            Some(format!(
                "{} on the {} ({n} leaflets)",
                document::panel_name(slot),
                f.name
            ))
        })
        .collect();
    let message = format!(
        "the unit `{}` does not fit {} even at {smallest} pt",
        site.unit.slug,
        names.join(", ")
    );
    let hint = "shorten the unit's name, address, hours or other contact lines in this file; the web pages and every other PDF are published";
    let units = vec![site.unit.slug.clone()];
    overflow_problem(sh, message, (&site.unit.source.path, hint), units);
}

/// A leaflet problem at `file`: an error, or a warning if site.yaml's
/// `print.overflow` says so.
fn overflow_problem(
    sh: &Shared,
    message: String,
    (file, hint): (&std::path::Path, &str),
    units: Vec<String>,
) {
    let mut d = match sh.project.site.print.overflow {
        crate::content::Overflow::Error => Diagnostic::error(message),
        crate::content::Overflow::Warning => Diagnostic::warning(message),
    }
    .in_file(file)
    .hint(hint)
    .code(crate::diag::LEAFLET_OVERFLOW);
    d.units = units;
    sh.sink.push(d);
}

/// The first of `n` candidates (forms and sizes, in the order tried) that
/// fits, and its PDF. `hint` is where the same guide's leaflet fitted in
/// another unit (units differ only in their block): the candidate there is
/// tried first, and the one before it, so a guide usually costs two layouts
/// instead of one per candidate. Since a candidate that fails means every
/// earlier one fails too (larger type, or more of the guide), the answer is
/// the one a plain scan from the start would give, whatever the hint.
fn first_fitting(
    n: usize,
    hint: Option<usize>,
    try_at: &mut dyn FnMut(usize) -> Result<Option<Vec<u8>>, Failure>,
) -> Result<Option<(usize, Vec<u8>)>, Failure> {
    let scan = |range: std::ops::Range<usize>,
                try_at: &mut dyn FnMut(usize) -> Result<Option<Vec<u8>>, Failure>|
     -> Result<Option<(usize, Vec<u8>)>, Failure> {
        for k in range {
            if let Some(pdf) = try_at(k)? {
                return Ok(Some((k, pdf)));
            }
        }
        Ok(None)
    };
    let Some(h) = hint.filter(|h| *h < n) else {
        return scan(0..n, try_at);
    };
    match try_at(h)? {
        None => scan(h + 1..n, try_at),
        Some(pdf) if h == 0 => Ok(Some((0, pdf))),
        Some(pdf) => match try_at(h - 1)? {
            None => Ok(Some((h, pdf))),
            // This unit fits earlier than the hint: scan from the start.
            Some(earlier) => Ok(scan(0..h - 1, try_at)?.or(Some((h - 1, earlier)))),
        },
    }
}

/// Whether a guide goes into a format in this unit: printed at all, and
/// for the format's readers (site.yaml's `print.large_print`, `print.staff`).
pub fn takes(f: &Format, g: &crate::content::Guide, site: &UnitSite) -> bool {
    g.doc.meta.print && f.takes(&g.doc.meta.audiences, &site.project.site.print)
}

/// The handbooks (the longest, so first) in cohorts of units that publish
/// the same guides in the same colour, then each guide's leaflets in
/// cohorts of units.
fn tasks<'s, 'p>(sites: &'s [UnitSite<'p>], formats: &'p Formats) -> Vec<Task<'s, 'p>> {
    let mut tasks = Vec::new();
    for f in formats.handbooks() {
        let cohorts = book_cohorts(sites, f);
        for v in [Variant::Download, Variant::Press] {
            let made = cohorts
                .iter()
                .map(|units| Task::Handbooks(f, v, units.clone()));
            tasks.extend(made);
        }
    }
    // Guide by guide across units: one guide's leaflets differ between
    // units only in the unit's block, so laying them out one after another
    // lets Typst reuse what it memoised for the last one.
    let mut leaflets: Vec<(&str, usize, &'s UnitSite<'p>, &'p crate::content::Guide)> = sites
        .iter()
        .enumerate()
        .flat_map(|(i, site)| {
            site.ordered()
                .map(move |g| (g.doc.slug.as_str(), i, site, g))
        })
        .collect();
    leaflets.sort_by_key(|(slug, i, _, _)| (*slug, *i));
    // The units that publish the very same guide (not a version of their
    // own) make its leaflets together, a cohort at a time.
    for (_, _, site, g) in leaflets {
        match tasks.last_mut() {
            Some(Task::Leaflets(last, cohort))
                if std::ptr::eq(*last, g) && cohort.len() < COHORT =>
            {
                cohort.push(site);
            }
            _ => tasks.push(Task::Leaflets(g, vec![site])),
        }
    }
    tasks
}

/// The units with a handbook in `f`, in cohorts of those that publish the
/// same guides in the same colour.
fn book_cohorts<'s, 'p>(sites: &'s [UnitSite<'p>], f: &Format) -> Vec<Vec<&'s UnitSite<'p>>> {
    type Key<'a> = (Vec<*const crate::content::Guide>, &'a str);
    let mut alike: Vec<(Key, Vec<&UnitSite>)> = Vec::new();
    for site in sites {
        let guides: Vec<_> = site
            .ordered()
            .filter(|g| takes(f, g, site))
            .map(std::ptr::from_ref)
            .collect();
        if guides.is_empty() {
            continue;
        }
        let key = (guides, site.unit.colour.as_str());
        match alike.iter_mut().find(|(k, _)| *k == key) {
            Some((_, units)) => units.push(site),
            None => alike.push((key, vec![site])),
        }
    }
    // The cohorts that share a layout one after another, so it is laid
    // out once and only one is held at a time.
    alike
        .into_iter()
        .flat_map(|(_, units)| units.chunks(COHORT).map(<[_]>::to_vec).collect::<Vec<_>>())
        .collect()
}

/// Which leaflet a layout is for.
#[derive(Clone, Copy)]
struct Leaflet<'g> {
    guide: &'g crate::content::Guide,
    format: &'g Format,
    form: Form,
    variant: Variant,
}

/// One piece of print work: the handbooks of a cohort of units that
/// publish the same guides, or one guide's leaflets in a cohort of units.
enum Task<'s, 'p> {
    Handbooks(&'p Format, Variant, Vec<&'s UnitSite<'p>>),
    Leaflets(&'p crate::content::Guide, Vec<&'s UnitSite<'p>>),
}

struct Job<'a, 'p> {
    site: &'a UnitSite<'p>,
    shared: &'a Shared<'a>,
    out: &'a Output<'a>,
    world: &'a mut PrintWorld,
    theme_key: &'a str,
    stats: Stats,
    errors: Vec<Diagnostic>,
    warned: &'a Mutex<HashSet<PathBuf>>,
    hints: &'a Mutex<Hints>,
    layouts: &'a compose::Layouts,
    book_layouts: &'a compose::Layouts<1>,
    /// The cohort this unit makes its leaflets with, and its place in it.
    cohort: Option<(&'a Cohort<'a, 'p>, usize)>,
}

impl Job<'_, '_> {
    /// A guide's leaflets in every format. The download variant decides
    /// the form (the first of `Form::tries` that fits) and the size; the
    /// press one lays out the same form from that size on.
    fn leaflets(&mut self, g: &crate::content::Guide, formats: &Formats) {
        if !g.doc.meta.print {
            return;
        }
        for f in formats.leaflets().filter(|f| takes(f, g, self.site)) {
            let sizes = |form: Form| formats.sizes_for(f, form, None);
            let made = self.leaflet(g, f, Variant::Download, Form::tries(g), &sizes);
            let outcome = match made {
                Ok((form, size)) => {
                    let sizes = |form: Form| formats.sizes_for(f, form, Some(size));
                    if let Err(failure) = self.leaflet(g, f, Variant::Press, &[form], &sizes) {
                        self.report(g, f, Variant::Press, failure);
                    }
                    Outcome::Made(form)
                }
                Err(failure) => self.report(g, f, Variant::Download, failure),
            };
            let leaflets = self.shared.leaflets;
            leaflets.record(&self.site.unit.slug, &g.doc.slug, &f.slug, outcome);
        }
    }

    /// A leaflet that could not be made: an overflow is left for the
    /// build's one report per guide; a template error is reported here.
    fn report(
        &mut self,
        g: &crate::content::Guide,
        f: &Format,
        v: Variant,
        failure: Failure,
    ) -> Outcome {
        match failure {
            Failure::Overflow(panel) => Outcome::Failed(panel),
            Failure::Error {
                file,
                line,
                message,
            } => {
                let rel = leaflet_path(&g.doc.slug, &f.slug, v);
                let rel = format!("{}/{rel}", self.site.unit.slug);
                self.errors
                    .push(template_error(self.shared, &file, line, &message, &rel));
                Outcome::Failed(String::new())
            }
        }
    }

    /// Render one leaflet in the first of `forms` that fits at one of its
    /// sizes, and write it; the form and the size it fitted at.
    fn leaflet(
        &mut self,
        g: &crate::content::Guide,
        f: &Format,
        v: Variant,
        forms: &[Form],
        sizes: &dyn Fn(Form) -> Vec<f32>,
    ) -> Result<(Form, f32), Failure> {
        let docs: Vec<(Form, document::Doc, Vec<f32>)> = forms
            .iter()
            .map(|&form| {
                let doc = document::leaflet(self.site, self.shared, g, (f, form), v);
                (form, doc, sizes(form))
            })
            .collect();
        let rel = format!(
            "{}/{}",
            self.site.unit.slug,
            leaflet_path(&g.doc.slug, &f.slug, v)
        );
        // One cache entry for the whole choice: the PDF, and the form and
        // size it was made in.
        let mut h = crate::hash::Hasher::default();
        h.update(self.theme_key.as_bytes());
        h.update(made_as(self.composes(f), v));
        for (form, doc, sizes) in &docs {
            h.update(format!("{v:?}{form:?}{sizes:?}").as_bytes());
            h.update(doc.source.as_bytes());
            for c in &doc.qr_codes {
                h.update(c);
            }
        }
        let key = h.hex();
        let cached = self.shared.cache.read_tagged(&key, "pdf");
        if let Some((choice, pdf, copy)) =
            cached.and_then(|(tag, pdf, copy)| Some((Choice::from_tag(&tag)?, pdf, copy)))
        {
            self.emit(&rel, &pdf, Some(&copy));
            return Ok((choice.form, choice.size));
        }
        // Every (form, size) in the order tried; a form its letters rule
        // out is skipped.
        let candidates: Vec<(usize, f32)> = docs
            .iter()
            .enumerate()
            .filter(|(_, (_, doc, _))| {
                !f.cannot_hold(doc.source.chars().filter(|c| c.is_alphabetic()).count())
            })
            .flat_map(|(i, (_, _, sizes))| sizes.iter().map(move |s| (i, *s)))
            .collect();
        let hint_key = (g.doc.slug.clone(), f.slug.clone(), v == Variant::Download);
        let hint = self.hints.lock().expect("hints").get(&hint_key).copied();
        let fits = |pages: usize| f.pages.is_none_or(|n| pages == n);
        let mut last = Failure::Overflow("pages".into());
        // A composed form's guide document, made once for all the sizes
        // tried.
        let composes = self.composes(f);
        let (site, shared) = (self.site, self.shared);
        let guides: Vec<std::cell::OnceCell<document::Doc>> =
            docs.iter().map(|_| Default::default()).collect();
        let mut try_at = |k: usize| -> Result<Option<Vec<u8>>, Failure> {
            let (i, size) = candidates[k];
            let (form, doc, _) = &docs[i];
            let guide = composes.then(|| {
                guides[i].get_or_init(|| {
                    document::leaflet_part(site, shared, g, (f, *form), v, document::Part::Guide)
                })
            });
            let leaflet = Leaflet {
                guide: g,
                format: f,
                form: *form,
                variant: v,
            };
            match self.lay_out(leaflet, guide, doc, size, &fits) {
                Ok((pdf, _)) => Ok(Some(pdf)),
                Err(Failure::Overflow(panel)) => {
                    last = Failure::Overflow(panel);
                    Ok(None)
                }
                Err(e) => Err(e),
            }
        };
        let Some((k, pdf)) = first_fitting(candidates.len(), hint, &mut try_at)? else {
            return Err(last);
        };
        self.hints.lock().expect("hints").insert(hint_key, k);
        self.stats.pdfs_rendered += 1;
        let (i, size) = candidates[k];
        let choice = Choice {
            form: docs[i].0,
            size,
        };
        let copy = self
            .shared
            .cache
            .write_tagged(&key, &choice.tag(), "pdf", &pdf);
        self.emit(&rel, &pdf, copy.as_ref());
        Ok((choice.form, choice.size))
    }

    fn handbook(&mut self, f: &Format, v: Variant, size: f32) {
        let rel = format!(
            "{}/{}",
            self.site.unit.slug,
            handbook_path(&f.slug, &self.site.unit.slug, v)
        );
        let (site, shared, warned) = (self.site, self.shared, self.warned);
        let book = |part| document::handbook(site, shared, (f, v), warned, part);
        let mut doc = book(document::Part::Whole);
        for w in std::mem::take(&mut doc.warnings) {
            self.shared.sink.push(w.for_unit(&self.site.unit.slug));
        }
        let composes = self.composes_book(f);
        let key = self.cache_key(&doc, v, &[size], composes);
        if let Some((_, pdf, copy)) = self.shared.cache.read_tagged(&key, "pdf") {
            self.emit(&rel, &pdf, Some(&copy));
            return;
        }
        // The template pads with notes pages itself; the count is checked.
        let mut result = if composes {
            self.compose_book((f, v), &doc, size)
        } else {
            self.compile_book(&doc, v, size)
        };
        // The unit's data is too long for a slot (its leaflets say so):
        // the book's pages flow, so it is laid out with slots that grow.
        if matches!(&result, Err(Failure::Overflow(slot)) if slot.starts_with("slot:")) {
            result = self.compile_book(&book(document::Part::Flow), v, size);
        }
        if !matches!(result, Ok((_, pages)) if pages % 4 == 0) {
            let unit = &self.site.unit.slug;
            self.shared.leaflets.book_failed(unit, &f.slug);
        }
        match result {
            Ok((pdf, pages)) if pages % 4 == 0 => {
                self.stats.pdfs_rendered += 1;
                let copy = self.shared.cache.write_tagged(&key, "book", "pdf", &pdf);
                self.emit(&rel, &pdf, copy.as_ref());
            }
            Ok((_, pages)) => self.errors.push(
                Diagnostic::error(format!(
                    "the handbook of {} has {pages} pages after padding, not a multiple of 4",
                    self.site.unit.slug
                ))
                .hint(
                    "the handbook template must pad with notes pages that fill exactly one page each",
                ),
            ),
            Err(Failure::Overflow(panel)) => self.errors.push(Diagnostic::error(format!(
                "the handbook of {} overflows its {panel}",
                self.site.unit.slug
            ))),
            Err(Failure::Error {
                file,
                line,
                message,
            }) => self
                .errors
                .push(template_error(self.shared, &file, line, &message, &rel)),
        }
    }

    /// Whether this unit's handbook is composed: from a template with
    /// slots, with other units in its cohort to share the guides' layout.
    fn composes_book(&self, f: &Format) -> bool {
        self.composes(f) && self.cohort.is_some_and(|(c, _)| c.sites.len() > 1)
    }

    /// A handbook composed from its guides' layout, shared by the units of
    /// its cohort, and the unit's slots; laid out whole (`whole`) where
    /// that cannot be done, which reports any problem in the unit's terms.
    fn compose_book(
        &mut self,
        (f, v): (&Format, Variant),
        whole: &document::Doc,
        size: f32,
    ) -> Result<(Vec<u8>, usize), Failure> {
        let part = document::Part::Guide;
        let guide = document::handbook(self.site, self.shared, (f, v), self.warned, part);
        let key = self.cache_key(&guide, v, &[size], true);
        let cell = self.book_layouts.cell(&key);
        let laid = cell.get_or_init(|| {
            let laid = self.shared_layout(&guide, size, &|_| true);
            typst::comemo::evict(0); // as in `compile_book`
            laid
        });
        let (compose::Laid::Shared(layout), Some(pieces), Some((cohort, i))) =
            (laid, self.book_pieces(f, v, size), self.cohort)
        else {
            return self.compile_book(whole, v, size);
        };
        let pages = pieces.pages(i);
        // Too long for a slot: `handbook` lays it out with slots that grow.
        if let Some(slot) = panels::overflowing_on(&pieces.doc, &pages) {
            return Err(Failure::Overflow(slot));
        }
        let unit = &self.site.unit.data.name;
        let title = document::handbook_title(f, unit);
        match export_composed(
            (layout, &key),
            (cohort, &pieces, i),
            (unit, Some(&title)),
            v,
        )? {
            Some(made) => Ok(made),
            None => self.compile_book(whole, v, size),
        }
    }

    /// The cohort's handbook slots at `size`, laid out by the first of its
    /// units to ask.
    fn book_pieces(&mut self, f: &Format, v: Variant, size: f32) -> Option<Rc<Pieces>> {
        let (cohort, _) = self.cohort?;
        let key = (f.slug.clone(), v, Form::Full, size.to_bits());
        cohort.pieces(key, || {
            let doc = document::handbook_pieces(cohort.sites, self.shared, (f, v), self.warned);
            self.typeset(&doc, size).ok()
        })
    }

    /// `in-an/index.html`: links to every PDF and what the print shop needs.
    fn index(&mut self, formats: &Formats) {
        let site = self.site;
        let unit = &site.unit.slug;
        let t = &self.shared.theme.text;
        let mut ctx = crate::render::pages::page_context(
            site,
            self.shared,
            INDEX,
            &t.print_title,
            &t.print_lead,
        );
        let names: Vec<&str> = formats.leaflets().map(|f| f.name.as_str()).collect();
        ctx.insert("formats", &names);
        let leaflets = self.shared.leaflets;
        ctx.insert("guides", &leaflet_links(site, formats, leaflets, t));
        // The handbooks this unit has guides for (the citizens', large
        // print, staff).
        let handbooks: Vec<Value> = formats
            .handbooks()
            .filter(|f| site.ordered().any(|g| takes(f, g, site)))
            .map(|f| {
                json!({
                    "id": f.slug,
                    "name": f.name,
                    "download": handbook_path(&f.slug, unit, Variant::Download),
                    "press": handbook_path(&f.slug, unit, Variant::Press),
                })
            })
            .collect();
        ctx.insert("handbooks", &handbooks);
        ctx.insert("specs", &shop_specs(t, site, formats));
        ctx.insert("reprints", &reprints(site, self.shared, formats));
        ctx.insert("posters", &poster_links(site, t));
        let page = crate::paths::in_unit(unit, INDEX);
        let made = self.out.emit(&page, Depends::Loose, || {
            self.shared.template("print.html", &ctx, &page)
        });
        match made {
            Ok(()) => self.stats.pages += 1,
            Err(d) => self.errors.push(d),
        }
    }

    /// Write a PDF, keyed by its own path: the print orders copy the press
    /// ones under the same key, so the disk holds one file for both, and
    /// that file is `copy`, its entry in the render cache, where there is one.
    fn emit(&mut self, rel: &str, pdf: &[u8], copy: Option<&crate::cache::Stored>) {
        let emitted = match copy {
            Some(copy) => self.out.emit_linked(rel, pdf, (&copy.path, copy.sum)),
            None => self.out.emit(rel, Depends::Shared { key: rel }, || Ok(pdf)),
        };
        match emitted {
            Ok(()) => self.stats.pdfs += 1,
            Err(d) => self.errors.push(d),
        }
    }

    fn cache_key(&self, doc: &document::Doc, v: Variant, sizes: &[f32], composed: bool) -> String {
        let mut h = crate::hash::Hasher::default();
        h.update(self.theme_key.as_bytes());
        h.update(made_as(composed, v));
        h.update(format!("{v:?}{sizes:?}").as_bytes());
        h.update(doc.source.as_bytes());
        for c in &doc.qr_codes {
            h.update(c);
        }
        h.hex()
    }

    /// A leaflet at one size: composed from the guide's shared layout
    /// (`guide`) and the unit's slots when it has one, else laid out whole
    /// (`compile`).
    fn lay_out(
        &mut self,
        leaflet: Leaflet,
        guide: Option<&document::Doc>,
        whole: &document::Doc,
        size: f32,
        pages_ok: &dyn Fn(usize) -> bool,
    ) -> Result<(Vec<u8>, usize), Failure> {
        let v = leaflet.variant;
        let Some(guide) = guide else {
            return self.compile(whole, v, size, pages_ok);
        };
        let key = self.cache_key(guide, v, &[size], true);
        let cell = self.layouts.cell(&key);
        let laid = cell.get_or_init(|| self.shared_layout(guide, size, pages_ok));
        let layout = match laid {
            compose::Laid::Shared(layout) => layout,
            compose::Laid::Failed(Failure::Overflow(panel)) => {
                return Err(Failure::Overflow(panel.clone()));
            }
            compose::Laid::Failed(_) | compose::Laid::Whole => {
                return self.compile(whole, v, size, pages_ok);
            }
        };
        // Slots that fail to lay out (for one unit, or reading the guide's
        // steps, which their document leaves out) are laid out whole, where
        // the template's errors are reported in the unit's terms.
        let (Some(pieces), Some((cohort, i))) = (self.pieces(&leaflet, size), self.cohort) else {
            return self.compile(whole, v, size, pages_ok);
        };
        let pages = pieces.pages(i);
        if let Some(slot) = panels::overflowing_on(&pieces.doc, &pages) {
            return Err(Failure::Overflow(slot));
        }
        let unit = &self.site.unit.data.name;
        match export_composed((layout, &key), (cohort, &pieces, i), (unit, None), v)? {
            Some(made) => Ok(made),
            None => self.compile(whole, v, size, pages_ok),
        }
    }

    /// The cohort's slots for `leaflet` at `size`, laid out by the first
    /// of its units to ask.
    fn pieces(&mut self, leaflet: &Leaflet, size: f32) -> Option<Rc<Pieces>> {
        let (cohort, _) = self.cohort?;
        let Leaflet {
            guide,
            format,
            form,
            variant,
        } = *leaflet;
        let key = (format.slug.clone(), variant, form, size.to_bits());
        cohort.pieces(key, || {
            let doc = document::pieces(cohort.sites, self.shared, guide, (format, form), variant);
            self.typeset(&doc, size).ok()
        })
    }

    /// Whether this leaflet is composed (`compose`): from a template with
    /// slots, unless site.yaml turns composing off.
    fn composes(&self, f: &Format) -> bool {
        let slotted = |t: &String| t.contains("#let slots(");
        self.site.project.site.print.compose
            && self
                .shared
                .theme
                .print_files
                .get(&f.template)
                .is_some_and(slotted)
    }

    /// A guide's layout shared by every unit, if it fits.
    fn shared_layout(
        &mut self,
        guide: &document::Doc,
        size: f32,
        pages_ok: &dyn Fn(usize) -> bool,
    ) -> compose::Laid {
        self.stats.layouts += 1;
        let doc = match self.typeset(guide, size) {
            Ok(doc) => doc,
            Err(_) => return compose::Laid::Whole,
        };
        if let Some(panel) = panels::overflowing(&doc) {
            return compose::Laid::Failed(Failure::Overflow(panel));
        }
        if !pages_ok(doc.pages().len()) {
            return compose::Laid::Failed(Failure::Overflow("pages".into()));
        }
        compose::Layout::of(doc)
            .map_or(compose::Laid::Whole, |l| compose::Laid::Shared(Box::new(l)))
    }

    /// Typeset a document at one size.
    fn typeset(
        &mut self,
        doc: &document::Doc,
        size: f32,
    ) -> Result<typst_layout::PagedDocument, Failure> {
        for (name, bytes) in &doc.images {
            self.world.add_image(name, bytes);
        }
        self.world.set_qr_codes(&doc.qr_codes);
        let main = doc.source.replace(document::SIZE, &format!("{size}pt"));
        let doc = self.world.compile(&main);
        // Without eviction Typst's memo cache grows about 1 MB per document.
        // Keeping only the last document's entries measured fastest and
        // smallest here (docs/PERFORMANCE.md): documents share little.
        typst::comemo::evict(1);
        doc
    }

    /// Lay out a document at one size; its PDF and page count, unless a
    /// panel overflows or `pages_ok` refuses the page count (then no PDF is
    /// made: the layout is all it cost).
    fn compile(
        &mut self,
        doc: &document::Doc,
        v: Variant,
        size: f32,
        pages_ok: &dyn Fn(usize) -> bool,
    ) -> Result<(Vec<u8>, usize), Failure> {
        self.stats.layouts += 1;
        let doc = self.typeset(doc, size)?;
        finish(&doc, v, pages_ok)
    }

    /// A handbook laid out whole: `compile`, forgetting what Typst memoised
    /// for it before the export (no other document reuses a handbook's
    /// layout, and a hundred long guides' is hundreds of megabytes).
    fn compile_book(
        &mut self,
        doc: &document::Doc,
        v: Variant,
        size: f32,
    ) -> Result<(Vec<u8>, usize), Failure> {
        self.stats.layouts += 1;
        let doc = self.typeset(doc, size)?;
        typst::comemo::evict(0);
        finish(&doc, v, &|_| true)
    }
}

/// A laid-out document's PDF and page count, unless a panel overflows or
/// `pages_ok` refuses the count.
fn finish(
    doc: &typst_layout::PagedDocument,
    v: Variant,
    pages_ok: &dyn Fn(usize) -> bool,
) -> Result<(Vec<u8>, usize), Failure> {
    if let Some(panel) = panels::overflowing(doc) {
        return Err(Failure::Overflow(panel));
    }
    let pages = doc.pages().len();
    if !pages_ok(pages) {
        return Err(Failure::Overflow("pages".into()));
    }
    Ok((export(doc, v)?, pages))
}

/// How a PDF is made, for its cache key: laid out whole, composed, or (a
/// composed press PDF) merged.
fn made_as(composed: bool, v: Variant) -> &'static [u8] {
    match (composed, v) {
        (false, _) => b"whole",
        (true, Variant::Download) => b"composed",
        (true, Variant::Press) => b"merged",
    }
}

/// The document of the cohort's unit at `i`, composed from a shared layout
/// and the cohort's pieces, as a PDF and its page count; none where it
/// cannot be composed. A press PDF is merged from the guide's PDF and the
/// pieces' (`merged`), a download PDF exported whole: its tags must read
/// in one order.
fn export_composed(
    (layout, key): (&compose::Layout, &str),
    (cohort, pieces, i): (&Cohort, &Pieces, usize),
    (author, title): (&str, Option<&str>),
    v: Variant,
) -> Result<Option<(Vec<u8>, usize)>, Failure> {
    if v == Variant::Press
        && let Some(pdf) = merged((layout, key), (cohort, pieces, i), (author, title))
    {
        return Ok(Some((pdf, layout.pages())));
    }
    match layout.compose(&pieces.doc, pieces.pages(i), author, title) {
        Some(doc) => Ok(Some((export(&doc, v)?, doc.pages().len()))),
        None => Ok(None),
    }
}

/// A press PDF put together at the PDF level (`merge`): the guide's pages,
/// exported once per layout and colours, under the unit's pieces, exported
/// alone once for the whole cohort; none where they cannot be merged (then
/// the PDF is composed and exported, which reports any error).
fn merged(
    (layout, key): (&compose::Layout, &str),
    (cohort, pieces, i): (&Cohort, &Pieces, usize),
    (author, title): (&str, Option<&str>),
) -> Option<Vec<u8>> {
    let guide = layout.press_guide(&pieces.doc, pieces.pages(i), |doc| {
        merge::Guide::of(export(&doc, Variant::Press).ok()?)
    })?;
    let source = pieces.alone(key, || {
        let units = (0..cohort.sites.len()).map(|k| pieces.pages(k));
        let doc = layout.pieces_alone(&pieces.doc, units)?;
        merge::Source::of(export(&doc, Variant::Press).ok()?, layout.pages())
    })?;
    merge::merge(&guide, &source, i, (author, title))
}

/// A press PDF of one unit's pieces (all the pages of `pieces`) over a
/// shared layout, put together at the PDF level as leaflets' are
/// (`merged`): posters; none where they cannot be merged.
pub(crate) fn merged_alone(
    layout: &compose::Layout,
    pieces: &typst_layout::PagedDocument,
    (author, title): (&str, Option<&str>),
) -> Option<Vec<u8>> {
    let own = 0..pieces.pages().len();
    let guide = layout.press_guide(pieces, own.clone(), |doc| {
        merge::Guide::of(export(&doc, Variant::Press).ok()?)
    })?;
    let alone = layout.pieces_alone(pieces, std::iter::once(own))?;
    let source = merge::Source::of(export(&alone, Variant::Press).ok()?, layout.pages())?;
    merge::merge(&guide, &source, 0, (author, title))
}

/// A laid-out document as a PDF of its variant.
pub(crate) fn export(doc: &typst_layout::PagedDocument, v: Variant) -> Result<Vec<u8>, Failure> {
    typst_pdf::pdf(doc, &v.options()).map_err(|errs| Failure::Error {
        file: "main.typ".into(),
        line: 0,
        message: errs
            .iter()
            .map(|e| e.message.to_string())
            .collect::<Vec<_>>()
            .join("; "),
    })
}

fn template_error(
    shared: &Shared,
    file: &str,
    line: usize,
    message: &str,
    rel: &str,
) -> Diagnostic {
    let d = Diagnostic::error(format!("print template: {message}"));
    match file.strip_prefix("print/") {
        Some(name) => {
            let path = shared.theme.dir.join("print").join(name);
            let shown = path
                .strip_prefix(&shared.project.root)
                .unwrap_or(&path)
                .to_owned();
            let text = shared.theme.print_files.get(name).cloned().unwrap_or_default();
            d.at(&shown, &text, line.max(1), 1, 1)
                .hint(format!("while making {rel}"))
        }
        None => d.hint(format!(
            "while making {rel}; this is a bug in sotay's print data, please report it with the guide"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whatever the hint, the first fitting candidate is the one a scan
    /// from the start finds, and a hint at the answer costs two layouts.
    #[test]
    fn the_hint_never_changes_the_choice() {
        for n in 1..8 {
            for first in 0..=n {
                for hint in std::iter::once(None).chain((0..n + 2).map(Some)) {
                    let mut tried = Vec::new();
                    let mut try_at = |k: usize| {
                        tried.push(k);
                        Ok((k >= first).then(|| vec![k as u8]))
                    };
                    let got = first_fitting(n, hint, &mut try_at).unwrap().map(|(k, _)| k);
                    assert_eq!(
                        got,
                        (first < n).then_some(first),
                        "n {n} first {first} hint {hint:?}"
                    );
                    if hint == Some(first) && first > 0 && first < n {
                        assert_eq!(tried, [first, first - 1]);
                    }
                }
            }
        }
    }
}
