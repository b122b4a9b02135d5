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
use crate::render::{self, Shared, Stats};
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
    pub files: usize,
    /// Files with the same bytes as in the previous output (linked, not rewritten).
    pub unchanged: usize,
    pub bytes: u64,
    pub seconds: f64,
    pub stages: Vec<(&'static str, f64)>,
    /// Warnings (errors stop the build).
    pub diagnostics: Vec<Diagnostic>,
}

/// A failed build: what went wrong. The previous output is untouched.
#[derive(Debug)]
pub struct BuildFailure {
    pub diagnostics: Vec<Diagnostic>,
}

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
    let scans = refs::scan_all(&project);
    let image_paths = refs::check(&project, &scans, &sink);
    refs::unit_link_gaps(&project, &scans, &sink);
    crate::messages::validate(&project, &sink);
    crate::shortlinks::codes(&project, &opts.out, &sink);
    lap("load", &mut stages);

    let images = process_images(&project, image_paths, &sink);
    lap("images", &mut stages);
    let Some(theme) = theme else {
        return Err(fail(sink));
    };
    if sink.has_errors() || (opts.strict && sink.count(Severity::Warning) > 0) {
        return Err(fail(sink));
    }

    // render
    let staging = match Staging::begin(&opts.out, &opts.root) {
        Ok(s) => s,
        Err(d) => {
            sink.push(d);
            return Err(fail(sink));
        }
    };
    let markdown = Markdown {
        labels: theme.alert_labels(),
        highlighter: Default::default(),
        sanitizer: Default::default(),
        images: &images,
    };
    let docs = Docs::render_all(&project, &markdown, &scans);
    let collation = Collation::default();
    let shared = Shared {
        project: &project,
        theme: &theme,
        markdown: &markdown,
        docs: &docs,
        scans: &scans,
        collation: &collation,
    };
    lap("markdown", &mut stages);

    let selected: Vec<&content::Unit> = project
        .units
        .iter()
        .filter(|u| opts.units.is_empty() || opts.units.contains(&u.slug))
        .collect();
    let bar = progress_bar(opts.progress, selected.len());
    let renderers = render::renderers();
    let stats = selected
        .par_iter()
        .map(|unit| {
            let site = UnitSite::new(&project, unit, &collation);
            let mut stats = Stats::default();
            for r in &renderers {
                match r.render(&site, &shared, &staging) {
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
    let full = opts.units.is_empty();
    if full {
        if let Err(d) = render::hub::render(&shared, &staging) {
            sink.push(d);
        }
        let sites: Vec<UnitSite> = project
            .units
            .iter()
            .map(|u| UnitSite::new(&project, u, &collation))
            .collect();
        if let Err(d) = render::report::render(&shared, &sites, &sink.snapshot(), &staging) {
            sink.push(d);
        }
    }
    lap("render", &mut stages);
    if sink.has_errors() {
        return Err(fail(sink)); // dropping the staging folder removes it
    }

    let (files, unchanged, bytes) = (staging.files(), staging.unchanged(), staging.bytes());
    let committed = if full {
        staging.commit()
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
    lap("write", &mut stages);
    Ok(BuildReport {
        units: selected.len(),
        pages: stats.pages + usize::from(full),
        search_bytes: stats.search_bytes,
        search_docs: stats.search_docs,
        files,
        unchanged,
        bytes,
        seconds: start.elapsed().as_secs_f64(),
        stages,
        diagnostics: sink.into_sorted(),
    })
}

fn process_images(
    project: &Project,
    paths: std::collections::BTreeSet<PathBuf>,
    sink: &Sink,
) -> BTreeMap<PathBuf, Processed> {
    paths
        .into_par_iter()
        .filter_map(|path| match images::process(&path) {
            Ok(p) => Some((path, p)),
            Err(e) => {
                let shown = path
                    .strip_prefix(project.root.canonicalize().unwrap_or_default())
                    .unwrap_or(&path)
                    .to_owned();
                sink.push(
                    Diagnostic::error(e)
                        .in_file(&shown)
                        .hint("open and save the image again as PNG or JPEG"),
                );
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
