//! `sotay check`.

use std::path::Path;
use std::process::ExitCode;

use super::Ui;

#[derive(clap::Args)]
pub struct Args {
    /// Fail on warnings too
    #[arg(long)]
    strict: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Judge facts as of this date (YYYY-MM-DD) instead of today
    #[arg(long, visible_alias = "today", value_parser = super::parse_date)]
    date: Option<sotay::content::Date>,
    /// List the fee changes within this many days (default: site.yaml's
    /// check.look_ahead_days, else 60)
    #[arg(long, value_name = "DAYS")]
    ahead: Option<u32>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Human,
    Json,
}

pub fn run(root: &Path, args: Args, ui: Ui) -> ExitCode {
    let opts = sotay::check::CheckOptions {
        root: root.to_owned(),
        today: args.date.unwrap_or_else(sotay::content::Date::today),
        ahead: args.ahead,
    };
    let report = sotay::check::check(&opts);
    let (errors, warnings, notices) = (report.errors(), report.warnings(), report.notices());
    match args.format {
        Format::Json => println!(
            "{}",
            serde_json::json!({ "errors": errors, "warnings": warnings, "notices": notices, "diagnostics": report.diagnostics, "schedule": report.schedule })
        ),
        Format::Human => {
            ui.print_all(&report.diagnostics);
            print_schedule(&report.schedule, report.ahead);
            let kinds: Vec<String> = report
                .by_kind()
                .iter()
                .map(|(k, n)| format!("{n} {k}"))
                .collect();
            let kinds = if kinds.is_empty() {
                String::new()
            } else {
                format!(" ({})", kinds.join(", "))
            };
            eprintln!(
                "check: {errors} error(s), {warnings} warning(s), {notices} coming change(s){kinds}"
            );
        }
    }
    if errors > 0 || (args.strict && warnings > 0) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Drafts and dated guides or pages: one line each, after the problems.
fn print_schedule(notes: &[sotay::check::ScheduleNote], ahead: u32) {
    for n in notes {
        let when = n.date.map(|d| d.display_vi()).unwrap_or_default();
        let soon = if n.soon {
            format!(" (within {ahead} days)")
        } else {
            String::new()
        };
        let state = match n.status {
            "draft" => "draft, not published".to_owned(),
            "not-yet" => format!("not published until {when}{soon}"),
            "ended" => format!("no longer published: its last day was {when}"),
            _ => format!("published until {when}{soon}"),
        };
        eprintln!("note: {}: {state}", n.file.display());
    }
}
