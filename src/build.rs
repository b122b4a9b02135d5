//! The pipeline, top to bottom: load -> validate -> images -> render -> swap.
//! Each stage is timed; every problem is collected before the build stops.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::content::{self, Project};
use crate::diag::{Diagnostic, Severity, Sink};
use crate::images::{self, Processed};
use crate::output::Staging;
use crate::refs;
use crate::render::docs::{Docs, Markdown};
use crate::render::{self, Renderer, Shared, Stats};
use crate::resolve::UnitSite;
use crate::text::Collation;
use crate::theme::Theme;

#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Project folder (with content/ and themes/).
    pub root: PathBuf,
    /// Output folder; `public` under the root by default.
    pub out: PathBuf,
    /// Build only these units (all when empty).
    pub units: Vec<String>,
    /// Treat warnings as errors.
    pub strict: bool,
    /// Show a progress bar on a terminal.
    pub progress: bool,
    /// Build only this shard of the units (and, for shard 1, the hub).
    pub shard: Option<crate::shard::Shard>,
    /// Web pages only: no PDFs, pictures or link previews (and no links to them).
    pub html_only: bool,
    /// Pages now, PDFs and pictures later (`serve`): render every page as a
    /// full build would, skip the print and picture stages, and keep the
    /// files they made last time until the next full build.
    pub defer_media: bool,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        Self {
            out: root.join("public"),
            root,
            units: Vec::new(),
            strict: false,
            progress: false,
            shard: None,
            html_only: false,
            defer_media: false,
        }
    }
}

#[derive(Debug)]
pub struct BuildReport {
    pub units: usize,
    pub pages: usize,
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
    pub files: usize,
    /// Files with the same bytes as in the previous output (not rewritten).
    pub unchanged: usize,
    /// Of those, files not even rendered: their inputs had not changed.
    pub reused: usize,
    pub bytes: u64,
    pub seconds: f64,
    pub stages: Vec<(&'static str, f64)>,
    /// Warnings (errors stop the build).
    pub diagnostics: Vec<Diagnostic>,
}

impl BuildReport {
    /// Seconds a stage took (`print`, `visuals`, `render`…), 0 if it did not run.
    pub fn stage_seconds(&self, name: &str) -> f64 {
        self.stages
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(0.0, |s| s.1)
    }
}

/// A failed build: what went wrong. The previous output is untouched.
#[derive(Debug)]
pub struct BuildFailure {
    pub diagnostics: Vec<Diagnostic>,
}

/// Stack size of the threads that run Typst (virtual memory: only what a
/// layout touches is used).
pub(crate) const TYPST_STACK: usize = 256 << 20;

pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildFailure> {
    let start = Instant::now();
    let mut stages = Vec::new();
    let mut lap = {
        let mut t = Instant::now();
        move |name: &'static str, stages: &mut Vec<(&'static str, f64)>| {
            stages.push((name, t.elapsed().as_secs_f64()));
            t = Instant::now();
        }
    };
    let sink = Sink::default();
    let fail = |sink: Sink| BuildFailure {
        diagnostics: sink.into_sorted(),
    };

    // Nothing changed since the last full build that had no warnings: done.
    // `full`: the whole output folder is this build's (no --unit); `whole`:
    // every unit, hub included (no --unit, no shard).
    let full = opts.units.is_empty();
    let whole = full && opts.shard.is_none();
    let keys = crate::memo::Keys::scan(&opts.root, opts.html_only);
    let inputs = &keys.fingerprint;
    if whole
        && let Some(previous) = crate::output::previous_marker(&opts.out)
        && let Some(report) = unchanged_report(&previous, inputs, start)
        && crate::output::intact(&opts.out, &opts.root, report.files)
    {
        return Ok(report);
    }

    // The previous output's manifest is read meanwhile.
    let previous = full.then(|| crate::output::Previous::read(&opts.out, &opts.root));

    // load + validate
    let Some(project) = content::load(&opts.root, &sink) else {
        return Err(fail(sink));
    };
    let theme = Theme::load(&opts.root, &project.site.theme, &sink);
    for u in &opts.units {
        if project.unit(u).is_none() {
            let known: Vec<&str> = project.units.iter().map(|u| u.slug.as_str()).collect();
            let hint = match crate::diag::closest(u, known.iter().copied()) {
                Some(c) => format!("did you mean `{c}`?"),
                None => format!("units: {}", known.join(", ")),
            };
            sink.push(
                Diagnostic::error(format!("no unit `{u}` (no content/units/{u}.yaml)")).hint(hint),
            );
        }
    }
    let index = refs::Index::of(&project);
    let image_paths = refs::check(&project, &index, &sink);
    refs::unit_link_gaps(&project, &sink);
    crate::messages::validate(&project, &sink);
    crate::shortlinks::codes(&project, &opts.out, &sink);
    let datasets = crate::data::load(&project, &sink);
    let cache = crate::cache::RenderCache::new(&opts.root);
    lap("load", &mut stages);

    let images = process_images(&project, image_paths, &cache, &sink);
    lap("images", &mut stages);
    let Some(theme) = theme else {
        return Err(fail(sink));
    };
    if sink.has_errors() || (opts.strict && sink.count(Severity::Warning) > 0) {
        return Err(fail(sink));
    }

    // render
    let begun = match previous {
        Some(previous) => Staging::begin_whole(&opts.out, &opts.root, previous),
        None => Staging::begin(&opts.out, &opts.root),
    };
    let mut staging = match begun {
        Ok(s) => s,
        Err(d) => {
            sink.push(d);
            return Err(fail(sink));
        }
    };
    if let Some(w) = staging.warning.take() {
        sink.push(w);
    }
    let markdown = Markdown {
        labels: theme.alert_labels(),
        highlighter: Default::default(),
        sanitizer: Default::default(),
        images: &images,
    };
    let docs = Docs::render_all(&project, &markdown);
    let collation = Collation::default();
    let shared = Shared {
        project: &project,
        theme: &theme,
        markdown: &markdown,
        docs: &docs,
        collation: &collation,
        sink: &sink,
        datasets: &datasets,
        cache: &cache,
        keys: &keys,
        html_only: opts.html_only,
    };
    lap("markdown", &mut stages);

    let in_shard: Option<Vec<String>> = opts
        .shard
        .map(|s| crate::shard::split(&project, s.count).swap_remove(s.index - 1));
    let selected: Vec<&content::Unit> = project
        .units
        .iter()
        .filter(|u| opts.units.is_empty() || opts.units.contains(&u.slug))
        .filter(|u| in_shard.as_ref().is_none_or(|s| s.contains(&u.slug)))
        .collect();
    // The hub, the coverage report and the city's results span units: the
    // whole build makes them, and so does shard 1.
    let with_hub = full && opts.shard.is_none_or(|s| s.index == 1);
    let bar = progress_bar(opts.progress, selected.len());
    let renderers = render::renderers();
    // Each unit resolved once, for every stage.
    let sites = UnitSite::all(&project, &selected, &collation);
    let stats = sites
        .par_iter()
        .map(|site| {
            let mut stats = Stats::default();
            for r in &renderers {
                match r.render(site, &shared, &staging) {
                    Ok(s) => stats += s,
                    Err(ds) => sink.extend(ds),
                }
            }
            bar.inc(1);
            stats
        })
        .reduce(Stats::default, |mut a, b| {
            a += b;
            a
        });
    bar.finish_and_clear();
    lap("render", &mut stages);

    let mut stats = stats;
    if !opts.html_only && !opts.defer_media {
        // PDFs, then pictures, each a stage of its own: Typst uses rayon
        // inside, so timing them inside the per-unit loop would count stolen work.
        // Print runs its own threads over every unit's documents.
        let (printed, errors) =
            crate::print::Print::default().render_all(&sites, &shared, &staging);
        stats += printed;
        sink.extend(errors);
        lap("print", &mut stages);
        let visuals = crate::visual::Visuals::default();
        let pictures = || {
            sites
                .par_iter()
                .map(|site| {
                    visuals
                        .render(site, &shared, &staging)
                        .unwrap_or_else(|ds| {
                            sink.extend(ds);
                            Stats::default()
                        })
                })
                .reduce(Stats::default, |mut a, b| {
                    a += b;
                    a
                })
        };
        // Typst lays out deeply nested content recursively, and a rayon
        // thread waiting inside one document's layout may steal another
        // document to lay out on the same stack: pictures run on threads
        // with room for that (2 MB stacks overflowed in print with 18 units).
        stats += match rayon::ThreadPoolBuilder::new()
            .thread_name(|i| format!("sotay-typst-{i}"))
            .stack_size(TYPST_STACK)
            .build()
        {
            Ok(pool) => pool.install(pictures),
            Err(_) => pictures(),
        };
    }
    lap("visuals", &mut stages);
    if with_hub {
        if let Err(d) = render::hub::render(&shared, &staging) {
            sink.push(d);
        }
        if let Err(d) = render::charts::city(&shared, &staging) {
            sink.push(d);
        }
        // The report covers every unit; a shard resolves the others too.
        let every;
        let sites = if sites.len() == project.units.len() {
            &sites
        } else {
            let units: Vec<&content::Unit> = project.units.iter().collect();
            every = UnitSite::all(&project, &units, &collation);
            &every
        };
        if let Err(d) = render::report::render(&shared, sites, &sink.snapshot(), &staging) {
            sink.push(d);
        }
    }
    lap("hub", &mut stages);
    if sink.has_errors() {
        return Err(fail(sink)); // dropping the staging folder removes it
    }

    let (files, unchanged, bytes) = (staging.files(), staging.unchanged(), staging.bytes());
    let reused = staging.reused();
    let warnings = sink.count(Severity::Warning);
    let facts = format!(
        "inputs: {inputs}\nunits: {}\npages: {}\nfiles: {files}\nbytes: {bytes}\nwarnings: {warnings}\n",
        selected.len(),
        stats.pages + usize::from(with_hub)
    );
    let committed = if full {
        // A deferred build is not complete: no facts, so the next build runs.
        staging.keep_unmade = opts.defer_media;
        staging.commit(if whole && !opts.defer_media {
            &facts
        } else {
            ""
        })
    } else {
        staging.commit_parts(&opts.units)
    };
    if let Err(e) = committed {
        sink.push(
            Diagnostic::error(format!(
                "cannot move the new site into {}: {e}",
                opts.out.display()
            ))
            .hint("check permissions of the output folder; the previous output was kept"),
        );
        return Err(fail(sink));
    }
    if whole && !opts.html_only && !opts.defer_media {
        // Keep one build's worth of rendered PDFs and pictures (a build
        // without them must not empty the cache the next full one needs).
        cache.prune();
    }
    lap("write", &mut stages);
    Ok(BuildReport {
        units: selected.len(),
        pages: stats.pages + usize::from(with_hub),
        search_bytes: stats.search_bytes,
        search_docs: stats.search_docs,
        pdfs: stats.pdfs,
        pdfs_rendered: stats.pdfs_rendered,
        layouts: stats.layouts,
        images: stats.images,
        files,
        unchanged,
        reused,
        bytes,
        seconds: start.elapsed().as_secs_f64(),
        stages,
        diagnostics: sink.into_sorted(),
    })
}

/// The report of a build skipped because its inputs are those of the last one.
fn unchanged_report(previous: &str, inputs: &str, start: Instant) -> Option<BuildReport> {
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
        units: n("units")?,
        pages: n("pages")?,
        search_bytes: 0,
        search_docs: 0,
        pdfs: 0,
        pdfs_rendered: 0,
        layouts: 0,
        images: 0,
        files: n("files")?,
        unchanged: n("files")?,
        reused: n("files")?,
        bytes: fact("bytes").and_then(|v| v.parse().ok())?,
        seconds: start.elapsed().as_secs_f64(),
        stages: vec![("unchanged", start.elapsed().as_secs_f64())],
        diagnostics: Vec::new(),
    })
}

fn process_images(
    project: &Project,
    paths: std::collections::BTreeSet<PathBuf>,
    cache: &crate::cache::RenderCache,
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
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} building {pos}/{len} units {wide_bar} {elapsed}")
    {
        bar.set_style(style);
    }
    bar
}
