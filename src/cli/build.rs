//! `sotay build` and its summary.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use sotay::build::{Phase, Stage};
use sotay::{BuildFailure, BuildOptions, BuildReport, Media, Outcome, Scope};

use super::Ui;

#[derive(clap::Args)]
pub struct Args {
    /// Output folder (default: public/ in the project)
    #[arg(long)]
    out: Option<PathBuf>,
    /// Build only this unit (repeatable), e.g. --unit phuong-ba-dinh
    #[arg(long = "unit", value_name = "SLUG", conflicts_with = "shard")]
    units: Vec<String>,
    /// Fail on warnings too
    #[arg(long)]
    strict: bool,
    /// Print only errors and warnings
    #[arg(long, short)]
    quiet: bool,
    /// Build shard K of N (e.g. 2/4): a fixed, balanced share of the units for one
    /// runner of a CI matrix; shard 1 also builds the hub. Merge outputs by copying.
    #[arg(long, value_name = "K/N")]
    shard: Option<sotay::shard::Shard>,
    /// Web pages only: skip PDFs, infographics and link previews (pages do not link to them)
    #[arg(long)]
    html_only: bool,
    /// Print how long each stage took (load, images, markdown, render, print…)
    #[arg(long)]
    timings: bool,
    /// The build's date (YYYY-MM-DD), recorded in the output: today by default
    #[arg(long, value_parser = super::parse_date)]
    date: Option<sotay::content::Date>,
}

impl Args {
    fn options(&self, root: &Path, ui: Ui) -> BuildOptions {
        let date = self.date.unwrap_or_else(sotay::content::Date::today);
        let mut opts = BuildOptions::new(root, date);
        if let Some(out) = &self.out {
            opts.out = out.clone();
        }
        opts.scope = match self.shard {
            Some(shard) => Scope::Shard(shard),
            None if self.units.is_empty() => Scope::Whole,
            None => Scope::Units(self.units.clone()),
        };
        if self.html_only {
            opts.media = Media::Skip;
        }
        opts.strict = self.strict;
        opts.progress = !self.quiet && ui.terminal;
        opts
    }
}

pub fn run(root: &Path, args: Args, ui: Ui) -> ExitCode {
    let opts = args.options(root, ui);
    match sotay::build(&opts) {
        Ok(report) => {
            ui.print_all(&report.diagnostics);
            if args.timings {
                print_timings(&report);
            }
            if !args.quiet {
                print_summary(&report, &opts.out);
            }
            // Leaflets that do not fit: the rest is published, the exit
            // code still says something is missing.
            let errors = report.diagnostics.iter().filter(|d| d.is_error()).count();
            if errors > 0 {
                eprintln!(
                    "build published the site, but {errors} leaflet problem(s) above left PDFs out; the print index lists them"
                );
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(failure) => {
            print_failure(&failure, args.strict, ui);
            ExitCode::FAILURE
        }
    }
}

fn print_timings(report: &BuildReport) {
    let stages: Vec<String> = report
        .stages
        .iter()
        .map(|(phase, s)| format!("{} {s:.2} s", phase.name()))
        .collect();
    eprintln!("stages: {}", stages.join(", "));
}

fn print_summary(report: &BuildReport, out: &Path) {
    if report.outcome == Outcome::Unchanged {
        eprintln!(
            "nothing changed since the last build: {} files in {} are up to date ({:.2} s)",
            report.files,
            out.display(),
            report.seconds
        );
        return;
    }
    if report.search_docs > 0 {
        eprintln!(
            "search index: {:.1} KB over {} guide pages ({:.1} KB per guide)",
            report.search_bytes as f64 / 1e3,
            report.search_docs,
            report.search_bytes as f64 / 1e3 / report.search_docs as f64
        );
    }
    if report.images > 0 {
        let layered = if report.layered_pictures > 0 {
            format!(
                " ({} drawn over {} layers shared by units)",
                report.layered_pictures, report.picture_layers
            )
        } else {
            String::new()
        };
        eprintln!(
            "images: {} infographics, posters and link previews in {:.2} s{layered}",
            report.images,
            report.stage_seconds(Phase::Render(Stage::Pictures))
        );
    }
    if report.pdfs > 0 {
        eprintln!(
            "print: {} PDFs in {:.2} s ({} laid out in {} layouts, {} unchanged from the cache)",
            report.pdfs,
            report.stage_seconds(Phase::Render(Stage::Print)),
            report.pdfs_rendered,
            report.layouts,
            report.pdfs.saturating_sub(report.pdfs_rendered)
        );
    }
    let reused = if report.reused > 0 {
        format!(
            ", {} unchanged guides' files not rendered again",
            report.reused
        )
    } else {
        String::new()
    };
    if report.unpublished > 0 {
        eprintln!(
            "not published: {} drafts or guides and pages outside their publish dates (listed in the report, bao-cao/; sotay serve previews drafts)",
            report.unpublished
        );
    }
    eprintln!(
        "built {} units, {} pages, {} files ({} changed{reused}, {:.1} MB) into {} in {:.2} s",
        report.units,
        report.pages,
        report.files,
        report.files - report.unchanged,
        report.bytes as f64 / 1e6,
        out.display(),
        report.seconds
    );
}

fn print_failure(failure: &BuildFailure, strict: bool, ui: Ui) {
    ui.print_all(&failure.diagnostics);
    let errors = failure.diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = failure.diagnostics.len() - errors;
    let why = if strict && errors == 0 {
        " (--strict treats warnings as errors)"
    } else {
        ""
    };
    eprintln!(
        "build failed: {errors} error(s), {warnings} warning(s){why}; the previous output was left as it was"
    );
}
