//! `sotay verify`: arguments, the progress bar, the table on stdout and the
//! exit status for a scheduled job (0: every unit serves this build and
//! every named portal page carries the guides; 1: some do not; 2: the
//! project, the arguments or the local build are wrong, nothing checked).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sotay::proof::{Results, UnitResult};
use sotay::verify::{VerifyOptions, code};

use super::Ui;

#[derive(clap::Args)]
pub struct Args {
    /// The local build the portals should serve (default: public/ in the project)
    #[arg(long)]
    out: Option<PathBuf>,
    /// Check only this unit (repeatable)
    #[arg(long = "unit", value_name = "SLUG")]
    units: Vec<String>,
    /// The run's date (YYYY-MM-DD) recorded in the results: today by default
    #[arg(long, value_parser = super::parse_date)]
    date: Option<sotay::content::Date>,
    /// Units checked at once
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    jobs: u16,
    /// Seconds to wait for one answer, whole page included
    #[arg(long, default_value_t = 20.0, value_parser = seconds)]
    timeout: f64,
    /// Tries again after a timeout, a refused connection or a 5xx (pauses of 1 s, 2 s, 4 s…)
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(0..=10))]
    retries: u32,
    /// Results file, replaced each run (default: kiem-tra/ket-qua.json in the project)
    #[arg(long)]
    results: Option<PathBuf>,
    /// History file, one CSV row per unit per run (default: kiem-tra/lich-su.csv)
    #[arg(long)]
    history: Option<PathBuf>,
    /// Print only the units that need action
    #[arg(long, short)]
    quiet: bool,
}

fn seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v > 0.0 && v <= 600.0 => Ok(v),
        _ => Err("a number of seconds above 0 and at most 600, e.g. 20 or 0.5".into()),
    }
}

const USAGE: u8 = 2;

impl Args {
    fn options(&self, root: &Path) -> VerifyOptions {
        let date = self.date.unwrap_or_else(sotay::content::Date::today);
        let mut o = VerifyOptions::new(root, date);
        if let Some(out) = &self.out {
            o.out = out.clone();
        }
        o.units = self.units.clone();
        o.jobs = usize::from(self.jobs);
        o.timeout = Duration::from_secs_f64(self.timeout);
        o.retries = self.retries;
        if let Some(p) = &self.results {
            o.results = p.clone();
        }
        if let Some(p) = &self.history {
            o.history = p.clone();
        }
        o
    }
}

pub fn run(root: &Path, args: Args, ui: Ui) -> ExitCode {
    let opts = args.options(root);
    let bar = progress_bar(ui.terminal && !args.quiet);
    let done = |r: &UnitResult| {
        bar.set_message(r.unit.clone());
        bar.inc(1);
    };
    bar.set_length(units_hint(&opts));
    let results = sotay::verify::verify(&opts, &done);
    bar.finish_and_clear();
    match results {
        Ok(results) => {
            print_table(&results, args.quiet);
            eprintln!(
                "results: {}; history: {}",
                opts.results.display(),
                opts.history.display()
            );
            if results.units.iter().all(UnitResult::ok) {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(ds) => {
            ui.print_all(&ds);
            eprintln!("verify checked nothing: fix the problems above");
            ExitCode::from(USAGE)
        }
    }
}

/// How many units the bar counts to: the ones asked for, or the unit files.
fn units_hint(opts: &VerifyOptions) -> u64 {
    if !opts.units.is_empty() {
        return opts.units.len() as u64;
    }
    std::fs::read_dir(opts.root.join("content/units"))
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "yaml"))
                .count() as u64
        })
        .unwrap_or(0)
}

fn progress_bar(show: bool) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} units checked {msg}") {
        bar.set_style(style);
    }
    bar
}

/// A line per unit: slug, class, why, portal page.
fn print_table(results: &Results, quiet: bool) {
    let width = results
        .units
        .iter()
        .map(|u| u.unit.len())
        .max()
        .unwrap_or(4);
    println!(
        "{:width$}  {:11}  {:24}  portal page",
        "unit", "class", "why"
    );
    for u in results.units.iter().filter(|u| !quiet || !u.ok()) {
        let why = match (&u.served, &u.reason) {
            (Some(s), _) => format!("built {}", s.build_date),
            (None, Some(r)) => r.clone(),
            (None, None) => String::new(),
        };
        let portal = u.portal.as_ref().map_or(String::from("-"), |p| {
            // Which widgets, when it embeds them.
            let kinds: Vec<&str> = p
                .found
                .iter()
                .map(|f| f.kind.as_str())
                .filter(|k| *k != "link")
                .collect();
            match (kinds.is_empty(), &p.reason) {
                (_, Some(r)) => format!("{} ({r})", code(&p.state)),
                (true, None) => code(&p.state),
                (false, None) => format!("{} ({})", code(&p.state), kinds.join(", ")),
            }
        });
        println!(
            "{:width$}  {:11}  {why:24}  {portal}",
            u.unit,
            code(&u.class)
        );
    }
    let ok = results.units.iter().filter(|u| u.ok()).count();
    let need = results.units.len() - ok;
    println!(
        "{ok} of {} units serve this build (with their portal page, where one is named); {need} need action",
        results.units.len()
    );
}
