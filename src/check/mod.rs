//! `sotay check`: everything the build validates, without touching the
//! output folder, plus what a build cannot judge: links and anchors across
//! every built unit site, stale facts (which needs today's date), and
//! plain-language and accessibility lints for editors.

mod dated;
mod lints;

use std::path::PathBuf;

use serde::Serialize;

use crate::build::{BuildOptions, build};
use crate::content::{self, Date, Guide, Project, Scheduled, Withheld, YamlFile};
use crate::diag::{Diagnostic, Severity, Sink};

#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub root: PathBuf,
    /// The date facts are judged against (today by default).
    pub today: Date,
    /// Days ahead to list coming changes (site.yaml's
    /// `check.look_ahead_days` when `None`).
    pub ahead: Option<u32>,
}

#[derive(Debug, Serialize)]
pub struct CheckReport {
    pub diagnostics: Vec<Diagnostic>,
    /// Guides and pages not published on the check's date, and those whose
    /// publish dates fall within the next `ahead` days: listed, not warned
    /// about (a draft is meant).
    pub schedule: Vec<ScheduleNote>,
    /// The look-ahead in days this check used, for coming fee changes and
    /// publish dates alike.
    pub ahead: u32,
}

/// A guide or page whose publication is held or changes soon.
#[derive(Debug, Serialize)]
pub struct ScheduleNote {
    pub file: PathBuf,
    pub slug: String,
    /// `draft`, `not-yet` (publish_from later), `ended` (publish_until
    /// passed) or `ends-soon` (published, publish_until within the window).
    pub status: &'static str,
    pub date: Option<Date>,
    /// Whether `date` falls within the look-ahead.
    pub soon: bool,
}

impl CheckReport {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    /// Coming changes: listed, never a failure.
    pub fn notices(&self) -> usize {
        self.count(Severity::Notice)
    }

    fn count(&self, s: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == s).count()
    }

    /// "2 stale, 1 plain-language" — counts by kind, for the summary line.
    pub fn by_kind(&self) -> Vec<(String, usize)> {
        let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
        for d in &self.diagnostics {
            *counts
                .entry(d.code.unwrap_or("content").to_owned())
                .or_default() += 1;
        }
        counts.into_iter().collect()
    }
}

pub fn check(opts: &CheckOptions) -> CheckReport {
    let mut diagnostics = Vec::new();
    // Loaded once for the unit list, stale facts and lints; the build below
    // reports the loading problems, so these are not repeated.
    let project = content::load(&opts.root, &Sink::default());
    // Build into a private temporary folder: the real output stays as it is.
    let tmp = private_dir();
    let mut build_opts = BuildOptions::new(&opts.root, opts.today);
    build_opts.out = tmp.join("public");
    match build(&build_opts) {
        Ok(report) => {
            diagnostics.extend(report.diagnostics);
            if let Some(p) = &project {
                diagnostics.extend(built_links(&build_opts.out, p));
            }
        }
        Err(failure) => diagnostics.extend(failure.diagnostics),
    }
    let _ = std::fs::remove_dir_all(&tmp);

    let mut notes = Vec::new();
    let mut ahead = opts
        .ahead
        .unwrap_or(content::CheckConfig::default().look_ahead_days);
    if let Some(project) = &project {
        diagnostics.extend(stale(project, opts.today));
        ahead = opts.ahead.unwrap_or(project.site.check.look_ahead_days);
        notes = schedule(project, opts.today, ahead);
        let text = theme_text(project);
        diagnostics.extend(dated::facts(project, opts.today, ahead, &text));
        let cfg = &project.site.check;
        for g in project
            .guides
            .iter()
            .chain(project.units.iter().flat_map(|u| &u.guides))
        {
            diagnostics.extend(lints::lint(&g.doc, cfg, true));
        }
        for pg in &project.pages {
            diagnostics.extend(lints::lint(pg, cfg, false));
        }
    }
    diagnostics.sort_by(|a, b| {
        (a.severity, &a.location, &a.message).cmp(&(b.severity, &b.location, &b.message))
    });
    diagnostics
        .dedup_by(|a, b| a.message == b.message && a.location == b.location && a.units == b.units);
    CheckReport {
        diagnostics,
        schedule: notes,
        ahead,
    }
}

/// Every guide and page held back on `today`, or leaving soon.
fn schedule(p: &Project, today: Date, ahead: u32) -> Vec<ScheduleNote> {
    let guides = p
        .guides
        .iter()
        .chain(p.units.iter().flat_map(|u| &u.guides))
        .map(|g| (&g.doc.source.path, &g.doc.slug, g.doc.meta.schedule()));
    let pages = p
        .pages
        .iter()
        .map(|pg| (&pg.source.path, &pg.slug, pg.meta.schedule()));
    let soon = |d: Date| (0..=i64::from(ahead)).contains(&today.days_until(&d));
    guides
        .chain(pages)
        .filter_map(|(file, slug, s)| {
            let (status, date) = match s.withheld(today, false) {
                Some(Withheld::Draft) => ("draft", None),
                Some(Withheld::NotYet(d)) => ("not-yet", Some(d)),
                Some(Withheld::Ended(d)) => ("ended", Some(d)),
                None => ("ends-soon", s.publish_until.filter(|d| soon(*d))?.into()),
            };
            Some(ScheduleNote {
                file: file.clone(),
                slug: slug.clone(),
                status,
                date,
                soon: date.is_some_and(soon),
            })
        })
        .collect()
}

/// The project theme's strings (the build reports a broken theme; the
/// default's words serve here then).
fn theme_text(p: &Project) -> crate::theme::Text {
    crate::theme::Theme::load(&p.root, &p.site.theme, &Sink::default())
        .map_or_else(crate::theme::default_text, |t| t.text)
}

/// A fresh folder under the system temp dir, unique per call (checks may run
/// in parallel in one process, as tests do).
fn private_dir() -> PathBuf {
    crate::output::remove_dead_temp("sotay-check-");
    let base = std::env::temp_dir();
    let mut n = 0u32;
    loop {
        let dir = base.join(format!("sotay-check-{}-{n}", std::process::id()));
        if std::fs::create_dir(&dir).is_ok() {
            return dir;
        }
        n += 1;
    }
}

/// Links and anchors in every built page (each unit folder on its own, so a
/// link that leaves the folder is caught), and the hub and report.
fn built_links(public: &std::path::Path, p: &Project) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // The hub and the report link into unit folders: check them from the top.
    for problem in crate::links::check(public, &[]) {
        let top = problem
            .page
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .unwrap_or_default();
        if problem.page.components().count() == 1 || p.unit(&top).is_none() {
            out.push(link_error(
                "",
                &problem,
                "fix the theme template that wrote it",
            ));
        }
    }
    for u in &p.units {
        for problem in crate::links::check(
            &public.join(&u.slug),
            std::slice::from_ref(&u.data.base_url),
        ) {
            out.push(link_error(
                &format!("{}/", u.slug),
                &problem,
                "fix the link in the content or the theme template that wrote it",
            ));
        }
    }
    out
}

fn link_error(prefix: &str, p: &crate::links::Problem, hint: &str) -> Diagnostic {
    Diagnostic::error(format!(
        "built page {prefix}{}: {} ({})",
        p.page.display(),
        p.url,
        p.message
    ))
    .code("links")
    .hint(hint)
}

/// Guides not reviewed for `check.review_months`.
fn stale(p: &Project, today: Date) -> Vec<Diagnostic> {
    let months = i64::from(p.site.check.review_months);
    all_guides(p)
        .filter(|g| g.doc.meta.last_reviewed.months_until(&today) >= months)
        .map(|g| {
            let m = &g.doc.meta;
            g.doc
                .locate("last_reviewed", None, Diagnostic::warning(format!("guide last reviewed on {}, more than {months} months ago", m.last_reviewed.display_vi())))
                .code("stale")
                .hint("read it against the current procedure, fix what changed, and set last_reviewed to today")
        })
        .collect()
}

fn all_guides(p: &Project) -> impl Iterator<Item = &Guide> {
    p.guides
        .iter()
        .chain(p.units.iter().flat_map(|u| &u.guides))
}
