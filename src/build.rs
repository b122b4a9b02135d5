//! The pipeline, top to bottom: load -> validate -> images -> render -> swap.
//! Each phase is timed; every problem is collected before the build stops.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::cache::RenderCache;
use crate::content::{self, Project};
use crate::data::Dataset;
use crate::diag::{Diagnostic, Severity, Sink};
use crate::images::{self, Processed};
use crate::memo::Keys;
use crate::output::{Commit, Output, Previous, Unmade};
use crate::refs;
pub use crate::render::Stage;
use crate::render::docs::{Docs, Markdown};
use crate::render::{self, Renderer, Shared, Stats, Units};
use crate::resolve::UnitSite;
use crate::text::Collation;
use crate::theme::Theme;

pub use crate::options::{BuildOptions, Media, Scope};

/// A timed part of the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Nothing changed since the last build: nothing else ran.
    Unchanged,
    Load,
    Images,
    Markdown,
    Render(Stage),
    Write,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::Unchanged => "unchanged",
            Phase::Load => "load",
            Phase::Images => "images",
            Phase::Markdown => "markdown",
            Phase::Render(Stage::Pages) => "render",
            Phase::Render(Stage::Print) => "print",
            Phase::Render(Stage::Pictures) => "visuals",
            Phase::Render(Stage::City) => "hub",
            Phase::Render(Stage::Stamp) => "stamp",
            Phase::Render(Stage::Package) => "package",
            Phase::Write => "write",
        }
    }
}

/// What a successful build did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Rendered and put the output in place.
    Built,
    /// Found its inputs and the output as the last build left them.
    Unchanged,
}

#[derive(Debug)]
pub struct BuildReport {
    pub outcome: Outcome,
    pub units: usize,
    pub pages: usize,
    /// Guides and pages left out: drafts, or outside their publish dates.
    pub unpublished: usize,
    /// Search index bytes written and guides indexed, over all units.
    pub search_bytes: u64,
    pub search_docs: usize,
    /// PDFs written, and laid out this build (the rest came from the cache).
    pub pdfs: usize,
    pub pdfs_rendered: usize,
    /// Typst layouts for those PDFs (more than `pdfs_rendered` when a
    /// leaflet had to try a smaller text size).
    pub layouts: usize,
    /// Pictures (infographics, posters, link previews) written.
    pub images: usize,
    /// Pictures (link previews, infographics' PNGs) drawn over a layer
    /// shared by units, and how many such layers were drawn.
    pub layered_pictures: usize,
    pub picture_layers: usize,
    pub files: usize,
    /// Files with the same bytes as in the previous output (not rewritten).
    pub unchanged: usize,
    /// Of those, files not even rendered: their inputs had not changed.
    pub reused: usize,
    pub bytes: u64,
    pub seconds: f64,
    pub stages: Vec<(Phase, f64)>,
    /// Warnings, and errors that did not stop the output: leaflets that do
    /// not fit in any form (`diag::LEAFLET_OVERFLOW`). Any other error
    /// stops the build.
    pub diagnostics: Vec<Diagnostic>,
}

impl BuildReport {
    /// Seconds a phase took, 0 if it did not run.
    pub fn stage_seconds(&self, phase: Phase) -> f64 {
        self.stages
            .iter()
            .find(|(p, _)| *p == phase)
            .map_or(0.0, |s| s.1)
    }
}

/// A failed build: what went wrong. The previous output is untouched.
#[derive(Debug)]
pub struct BuildFailure {
    pub diagnostics: Vec<Diagnostic>,
}

/// Times each phase of a build.
struct Clock {
    start: Instant,
    lap: Instant,
    phases: Vec<(Phase, f64)>,
}

impl Clock {
    fn start() -> Self {
        Self {
            start: Instant::now(),
            lap: Instant::now(),
            phases: Vec::new(),
        }
    }

    fn lap(&mut self, phase: Phase) {
        self.phases.push((phase, self.lap.elapsed().as_secs_f64()));
        self.lap = Instant::now();
    }

    fn seconds(&self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }
}

/// Everything read from the project, checked: what rendering needs.
struct Loaded {
    project: Project,
    theme: Theme,
    images: BTreeMap<PathBuf, Processed>,
    datasets: Vec<Dataset>,
    cache: RenderCache,
}

pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildFailure> {
    let mut clock = Clock::start();
    let keys = Keys::scan(&opts.root, opts.media, opts.date);
    if let Some(report) = nothing_changed(opts, &keys, &clock) {
        return Ok(report);
    }
    // The previous output's manifest is read meanwhile.
    let previous = opts
        .scope
        .owns_folder()
        .then(|| Previous::read(&opts.out, &opts.root));
    let sink = Sink::default();
    let fail = |sink: Sink| BuildFailure {
        diagnostics: sink.into_sorted(),
    };
    let Some(loaded) = load(opts, &sink, &mut clock) else {
        return Err(fail(sink));
    };
    let out = match Output::begin(&opts.out, &opts.root, previous, &keys) {
        Ok(out) => out,
        Err(d) => {
            sink.push(d);
            return Err(fail(sink));
        }
    };
    let (out, units, stats) = render_site(opts, &loaded, out, &sink, &mut clock);
    // A leaflet that does not fit is reported (an error unless site.yaml
    // says otherwise) but does not hold back the web or the other PDFs.
    if sink.stops_output() {
        return Err(fail(sink)); // dropping the output removes the staging folder
    }
    let counts = (out.files(), out.unchanged(), out.reused(), out.bytes());
    if let Err(d) = commit(opts, out, &keys, units, &stats, &sink) {
        sink.push(d);
        return Err(fail(sink));
    }
    if opts.scope == Scope::Whole && opts.media == Media::Build {
        // Keep one build's worth of rendered PDFs and pictures (a build
        // without them must not empty the cache the next full one needs).
        loaded.cache.prune();
    }
    clock.lap(Phase::Write);
    let mut done = report(units, stats, counts, clock, sink);
    done.unpublished = loaded.project.withheld_guides.len() + loaded.project.withheld_pages.len();
    Ok(done)
}

/// The report of a whole build whose inputs hash as the last one's, which
/// had no warnings, over an output that still holds every file it wrote.
fn nothing_changed(opts: &BuildOptions, keys: &Keys, clock: &Clock) -> Option<BuildReport> {
    if opts.scope != Scope::Whole {
        return None;
    }
    let previous = crate::output::previous_marker(&opts.out)?;
    let report = unchanged_report(&previous, &inputs_fact(opts, keys), clock)?;
    crate::output::intact(&opts.out, &opts.root, report.files).then_some(report)
}

/// The inputs the marker records: every input file, and for a build that
/// writes the coverage report the latest `sotay verify` results it shows
/// (kept out of `Keys`, which the build stamps carry: a verify run must not
/// make the next build's stamps differ).
fn inputs_fact(opts: &BuildOptions, keys: &Keys) -> String {
    let results = std::fs::read(opts.root.join(crate::paths::VERIFY_RESULTS));
    match results {
        Ok(bytes) if opts.scope.makes_city() => {
            let h = crate::hash::hex(&crate::hash::short(&bytes));
            format!("{} verify {h}", keys.fingerprint)
        }
        _ => keys.fingerprint.clone(),
    }
}

/// Load and check everything; process images. `None` when anything is
/// wrong (every problem in `sink`), or a warning under `--strict`.
fn load(opts: &BuildOptions, sink: &Sink, clock: &mut Clock) -> Option<Loaded> {
    let mut project = content::load(&opts.root, sink)?;
    // Infographics and messages may name a guide that is not published
    // today: checked before it is taken out, left out when rendered.
    crate::visual::validate(&project, sink);
    crate::messages::validate(&project, sink);
    project.publish_on(opts.date, opts.drafts, sink);
    let theme = Theme::load(&opts.root, &project.site.theme, sink);
    if let Scope::Units(units) = &opts.scope {
        check_units_exist(&project, units, sink);
    }
    let index = refs::Index::of(&project);
    let image_paths = refs::check(&project, &index, sink);
    refs::unit_link_gaps(&project, sink);
    crate::shortlinks::codes(&project, &opts.out, sink);
    let datasets = crate::data::load(&project, sink);
    let cache = RenderCache::new(&opts.root);
    clock.lap(Phase::Load);
    let images = process_images(&project, image_paths, &cache, sink);
    clock.lap(Phase::Images);
    let theme = theme?;
    let stop = sink.has_errors() || (opts.strict && sink.count(Severity::Warning) > 0);
    (!stop).then_some(Loaded {
        project,
        theme,
        images,
        datasets,
        cache,
    })
}

/// `--unit` names a unit the project has.
fn check_units_exist(project: &Project, units: &[String], sink: &Sink) {
    let known: Vec<&str> = project.units.iter().map(|u| u.slug.as_str()).collect();
    for u in units.iter().filter(|u| project.unit(u).is_none()) {
        let hint = match crate::diag::closest(u, known.iter().copied()) {
            Some(c) => format!("did you mean `{c}`?"),
            None => format!("units: {}", known.join(", ")),
        };
        sink.push(
            Diagnostic::error(format!("no unit `{u}` (no content/units/{u}.yaml)")).hint(hint),
        );
    }
}

/// Render every output of the selected units (and the city level when the
/// scope makes it) into `out`, stage by stage.
fn render_site<'k>(
    opts: &BuildOptions,
    l: &Loaded,
    mut out: Output<'k>,
    sink: &Sink,
    clock: &mut Clock,
) -> (Output<'k>, usize, Stats) {
    if let Some(w) = out.warning.take() {
        sink.push(w);
    }
    let markdown = Markdown {
        labels: l.theme.alert_labels(),
        highlighter: Default::default(),
        sanitizer: crate::markdown::Sanitizer::new(
            &l.theme.text.task_done,
            &l.theme.text.task_todo,
        ),
        images: &l.images,
    };
    let docs = Docs::render_all(&l.project, &markdown, opts.date, &l.theme.text);
    let collation = Collation::default();
    let leaflets = crate::print::Leaflets::default();
    let sh = Shared {
        project: &l.project,
        theme: &l.theme,
        markdown: &markdown,
        docs: &docs,
        collation: &collation,
        sink,
        datasets: &l.datasets,
        cache: &l.cache,
        media: opts.media,
        date: opts.date,
        leaflets: &leaflets,
    };
    clock.lap(Phase::Markdown);
    let selected = selected_units(&l.project, &opts.scope);
    let sites = UnitSite::all(&l.project, &selected, &collation);
    let every_unit;
    let every = if opts.scope.makes_city() && sites.len() != l.project.units.len() {
        let all: Vec<&content::Unit> = l.project.units.iter().collect();
        every_unit = UnitSite::all(&l.project, &all, &collation);
        &every_unit
    } else {
        &sites
    };
    let units = Units {
        selected: &sites,
        every,
    };
    let stats = run_stages(opts, &units, &sh, &out, clock);
    (out, selected.len(), stats)
}

/// The units a scope selects, in the project's order.
fn selected_units<'p>(project: &'p Project, scope: &Scope) -> Vec<&'p content::Unit> {
    let in_shard: Option<Vec<String>> = match scope {
        Scope::Shard(s) => Some(crate::shard::split(project, s.count).swap_remove(s.index - 1)),
        _ => None,
    };
    project
        .units
        .iter()
        .filter(|u| match scope {
            Scope::Whole => true,
            Scope::Shard(_) => in_shard.as_ref().is_some_and(|s| s.contains(&u.slug)),
            Scope::Units(units) => units.contains(&u.slug),
        })
        .collect()
}

/// Run each stage's renderers in order: pages, print, pictures, city.
fn run_stages(
    opts: &BuildOptions,
    units: &Units,
    sh: &Shared,
    out: &Output,
    clock: &mut Clock,
) -> Stats {
    let renderers = renderers();
    let mut stats = Stats::default();
    // Print first: a guide page links only the leaflets print could make.
    // The stamp last: it hashes what the others wrote into each unit.
    let stages = [
        Stage::Print,
        Stage::Pages,
        Stage::Pictures,
        Stage::City,
        Stage::Stamp,
        Stage::Package,
    ];
    for stage in stages {
        let runs = match stage {
            Stage::Print | Stage::Pictures => opts.media == Media::Build,
            Stage::City => opts.scope.makes_city(),
            Stage::Pages | Stage::Stamp => true,
            // A package is a whole folder's; `--unit` commits only folders.
            Stage::Package => opts.scope.owns_folder(),
        };
        if runs {
            let of_stage: Vec<&dyn Renderer> = renderers
                .iter()
                .map(|r| r.as_ref())
                .filter(|r| r.stage() == stage)
                .collect();
            stats += run_stage(&of_stage, opts, units, sh, out);
        }
        clock.lap(Phase::Render(stage));
    }
    stats
}

/// Every output, in the order they run (within a stage, in this order).
fn renderers() -> Vec<Box<dyn Renderer>> {
    vec![
        Box::new(render::pages::Html),
        Box::new(render::feeds::Feeds),
        Box::new(render::assets::Assets),
        Box::new(render::forms::Forms),
        Box::new(render::video::Videos),
        Box::new(render::api::Api),
        Box::new(render::search::Search),
        Box::new(render::chatbot::Chatbot),
        Box::new(render::embed::Embed),
        Box::new(render::messages::Messages),
        Box::new(render::short::ShortLinks),
        Box::new(render::charts::Results),
        Box::new(crate::visual::kiosk::Kiosk),
        Box::new(crate::print::Print::default()),
        Box::new(crate::visual::Visuals::default()),
        Box::new(render::hub::Hub),
        Box::new(render::charts::CityResults),
        Box::new(render::orders::Orders),
        Box::new(render::report::Report),
        Box::new(render::stamp::BuildStamp),
        Box::new(render::package::Packages),
    ]
}

/// Run renderers over the build's units; problems go to the sink.
fn run_stage(
    renderers: &[&dyn Renderer],
    opts: &BuildOptions,
    units: &Units,
    sh: &Shared,
    out: &Output,
) -> Stats {
    let per_unit = renderers
        .iter()
        .filter(|r| r.stage() != Stage::City)
        .count();
    let bar = progress_bar(opts.progress, units.selected.len() * per_unit);
    let mut stats = Stats::default();
    for r in renderers {
        bar.set_message(r.name());
        match r.render_all(units, sh, out) {
            Ok(s) => stats += s,
            Err(ds) => sh.sink.extend(ds),
        }
        if r.stage() != Stage::City {
            bar.inc(units.selected.len() as u64);
        }
    }
    bar.finish_and_clear();
    stats
}

/// Put the output in place: the whole folder (with the facts the next
/// build compares) or only the selected units' folders.
fn commit(
    opts: &BuildOptions,
    out: Output,
    keys: &Keys,
    units: usize,
    stats: &Stats,
    sink: &Sink,
) -> Result<(), Diagnostic> {
    let facts = format!(
        "inputs: {}\nunits: {units}\npages: {}\nfiles: {}\nbytes: {}\nwarnings: {}\n",
        inputs_fact(opts, keys),
        stats.pages,
        out.files(),
        out.bytes(),
        // Errors too (leaflets that do not fit): the next build with the
        // same inputs must report them again, not skip as unchanged.
        sink.count(Severity::Warning) + sink.count(Severity::Error),
    );
    let how = match &opts.scope {
        Scope::Units(units) => Commit::Parts(units),
        scope => Commit::Whole {
            // Only a complete build of everything records facts; a deferred
            // one keeps the files it did not make.
            facts: if *scope == Scope::Whole && opts.media != Media::Defer {
                &facts
            } else {
                ""
            },
            unmade: if opts.media == Media::Defer {
                Unmade::Keep
            } else {
                Unmade::Delete
            },
        },
    };
    out.commit(how).map_err(|e| {
        Diagnostic::error(format!(
            "cannot move the new site into {}: {e}",
            opts.out.display()
        ))
        .hint("check permissions of the output folder; the previous output was kept")
    })
}

fn report(
    units: usize,
    stats: Stats,
    (files, unchanged, reused, bytes): (usize, usize, usize, u64),
    clock: Clock,
    sink: Sink,
) -> BuildReport {
    BuildReport {
        outcome: Outcome::Built,
        units,
        pages: stats.pages,
        unpublished: 0,
        search_bytes: stats.search_bytes,
        search_docs: stats.search_docs,
        pdfs: stats.pdfs,
        pdfs_rendered: stats.pdfs_rendered,
        layouts: stats.layouts,
        images: stats.images,
        layered_pictures: stats.layered_pictures,
        picture_layers: stats.picture_layers,
        files,
        unchanged,
        reused,
        bytes,
        seconds: clock.seconds(),
        stages: clock.phases,
        diagnostics: sink.into_sorted(),
    }
}

/// The report of a build skipped because its inputs are those of the last one.
fn unchanged_report(previous: &str, inputs: &str, clock: &Clock) -> Option<BuildReport> {
    let fact = |k: &str| {
        previous
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{k}: ")).map(str::to_owned))
    };
    if fact("inputs")? != inputs || fact("warnings")? != "0" {
        return None;
    }
    let n = |k: &str| fact(k).and_then(|v| v.parse::<usize>().ok());
    Some(BuildReport {
        outcome: Outcome::Unchanged,
        units: n("units")?,
        pages: n("pages")?,
        unpublished: 0,
        search_bytes: 0,
        search_docs: 0,
        pdfs: 0,
        pdfs_rendered: 0,
        layouts: 0,
        images: 0,
        layered_pictures: 0,
        picture_layers: 0,
        files: n("files")?,
        unchanged: n("files")?,
        reused: n("files")?,
        bytes: fact("bytes").and_then(|v| v.parse().ok())?,
        seconds: clock.seconds(),
        stages: vec![(Phase::Unchanged, clock.seconds())],
        diagnostics: Vec::new(),
    })
}

fn process_images(
    project: &Project,
    paths: std::collections::BTreeSet<PathBuf>,
    cache: &RenderCache,
    sink: &Sink,
) -> BTreeMap<PathBuf, Processed> {
    paths
        .into_par_iter()
        .filter_map(|path| match images::process_cached(&path, cache) {
            Ok(p) => Some((path, p)),
            Err(e) => {
                let shown = path
                    .strip_prefix(project.root.canonicalize().unwrap_or_default())
                    .unwrap_or(&path)
                    .to_owned();
                sink.push(e.diagnostic(&shown));
                None
            }
        })
        .collect()
}

fn progress_bar(show: bool, len: usize) -> ProgressBar {
    let target = if show {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = ProgressBar::with_draw_target(Some(len as u64), target);
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} {msg} {pos}/{len} unit outputs {wide_bar} {elapsed}",
    ) {
        bar.set_style(style);
    }
    bar
}
