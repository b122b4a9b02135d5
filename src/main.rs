//! The `sotay` command: arguments in, diagnostics and a summary out.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use sotay::{BuildOptions, Diagnostic};

#[derive(Parser)]
#[command(
    name = "sotay",
    version,
    about = "Build Hanoi's online public-service guides into a microsite per unit"
)]
struct Cli {
    /// Project folder (the one with content/ and themes/)
    #[arg(long, global = true, default_value = ".")]
    root: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build every unit's microsite (or only --unit ones) into public/
    Build {
        /// Output folder (default: public/ in the project)
        #[arg(long)]
        out: Option<PathBuf>,
        /// Build only this unit (repeatable), e.g. --unit phuong-ba-dinh
        #[arg(long = "unit", value_name = "SLUG")]
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
    },
    /// Check content without writing output: links and anchors of every unit site,
    /// stale facts, plain-language and accessibility lints
    Check {
        /// Fail on warnings too
        #[arg(long)]
        strict: bool,
        /// Output format
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Judge stale facts as of this date (YYYY-MM-DD) instead of today
        #[arg(long, value_parser = parse_date)]
        today: Option<sotay::content::Date>,
    },
    /// Create a content file with every field explained (in Vietnamese)
    New {
        #[arg(value_enum)]
        kind: NewKind,
        /// File name (dang-ky-ket-hon) or title ("Đăng ký kết hôn")
        name: String,
        /// For a guide: write it for this unit only
        #[arg(long)]
        unit: Option<String>,
        /// For a guide: its category; for a unit: its kind (so, phuong, xa…)
        #[arg(long)]
        category: Option<String>,
    },
    /// Build, serve on 127.0.0.1, rebuild and reload the page on every change
    Serve {
        /// Port to listen on
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on; another computer's browser needs this one's
        /// network address (e.g. 192.168.1.5), and only that name is answered
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
    },
    /// Create a new project folder that builds
    Init {
        /// The new folder
        dir: PathBuf,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum NewKind {
    Guide,
    Unit,
    Page,
    Message,
    Infographic,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Human,
    Json,
}

fn parse_date(s: &str) -> Result<sotay::content::Date, String> {
    sotay::content::Date::parse(s)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    match cli.command {
        Command::Serve { port, bind } => match sotay::serve::serve(&sotay::serve::ServeOptions {
            root: cli.root,
            port,
            bind,
        }) {
            Ok(()) => ExitCode::SUCCESS,
            Err(d) => {
                eprintln!("{}", d.render(colour));
                ExitCode::FAILURE
            }
        },
        Command::New {
            kind,
            name,
            unit,
            category,
        } => {
            let kind = match kind {
                NewKind::Guide => sotay::scaffold::Kind::Guide,
                NewKind::Unit => sotay::scaffold::Kind::Unit,
                NewKind::Page => sotay::scaffold::Kind::Page,
                NewKind::Message => sotay::scaffold::Kind::Message,
                NewKind::Infographic => sotay::scaffold::Kind::Infographic,
            };
            let opts = sotay::scaffold::NewOptions {
                root: cli.root,
                kind,
                name,
                unit,
                category,
                today: sotay::content::Date::today(),
            };
            match sotay::scaffold::new(&opts) {
                Ok(path) => {
                    eprintln!("created {}", path.display());
                    ExitCode::SUCCESS
                }
                Err(d) => {
                    eprintln!("{}", d.render(colour));
                    ExitCode::FAILURE
                }
            }
        }
        Command::Init { dir } => match sotay::scaffold::init(&dir, sotay::content::Date::today()) {
            Ok(files) => {
                eprintln!(
                    "created {} files in {}; build it with: sotay build --root {}",
                    files.len(),
                    dir.display(),
                    dir.display()
                );
                ExitCode::SUCCESS
            }
            Err(d) => {
                eprintln!("{}", d.render(colour));
                ExitCode::FAILURE
            }
        },
        Command::Check {
            strict,
            format,
            today,
        } => {
            let opts = sotay::check::CheckOptions {
                root: cli.root,
                today: today.unwrap_or_else(sotay::content::Date::today),
            };
            let report = sotay::check::check(&opts);
            let (errors, warnings) = (report.errors(), report.warnings());
            match format {
                Format::Json => println!(
                    "{}",
                    serde_json::json!({ "errors": errors, "warnings": warnings, "diagnostics": report.diagnostics })
                ),
                Format::Human => {
                    print_all(&report.diagnostics, colour);
                    let kinds: Vec<String> = report
                        .by_kind()
                        .iter()
                        .map(|(k, n)| format!("{n} {k}"))
                        .collect();
                    eprintln!(
                        "check: {errors} error(s), {warnings} warning(s){}",
                        if kinds.is_empty() {
                            String::new()
                        } else {
                            format!(" ({})", kinds.join(", "))
                        }
                    );
                }
            }
            if errors > 0 || (strict && warnings > 0) {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Command::Build {
            out,
            units,
            strict,
            quiet,
            shard,
            html_only,
            timings,
        } => {
            let mut opts = BuildOptions::new(&cli.root);
            if let Some(out) = out {
                opts.out = out;
            }
            opts.units = units;
            opts.strict = strict;
            opts.shard = shard;
            opts.html_only = html_only;
            opts.progress = !quiet && std::io::stderr().is_terminal();
            match sotay::build(&opts) {
                Ok(report) => {
                    print_all(&report.diagnostics, colour);
                    if timings {
                        let stages: Vec<String> = report
                            .stages
                            .iter()
                            .map(|(name, s)| format!("{name} {s:.2} s"))
                            .collect();
                        eprintln!("stages: {}", stages.join(", "));
                    }
                    if report.stages.first().is_some_and(|s| s.0 == "unchanged") {
                        if !quiet {
                            eprintln!(
                                "nothing changed since the last build: {} files in {} are up to date ({:.2} s)",
                                report.files,
                                opts.out.display(),
                                report.seconds
                            );
                        }
                        return ExitCode::SUCCESS;
                    }
                    if !quiet && report.search_docs > 0 {
                        eprintln!(
                            "search index: {:.1} KB over {} guide pages ({:.1} KB per guide)",
                            report.search_bytes as f64 / 1e3,
                            report.search_docs,
                            report.search_bytes as f64 / 1e3 / report.search_docs as f64
                        );
                    }
                    if !quiet && report.images > 0 {
                        eprintln!(
                            "images: {} infographics, posters and link previews in {:.2} s",
                            report.images,
                            report.stage_seconds("visuals")
                        );
                    }
                    if !quiet && report.pdfs > 0 {
                        eprintln!(
                            "print: {} PDFs in {:.2} s ({} laid out in {} layouts, {} unchanged from the cache)",
                            report.pdfs,
                            report.stage_seconds("print"),
                            report.pdfs_rendered,
                            report.layouts,
                            report.pdfs.saturating_sub(report.pdfs_rendered)
                        );
                    }
                    if !quiet {
                        let reused = if report.reused > 0 {
                            format!(
                                ", {} unchanged guides' files not rendered again",
                                report.reused
                            )
                        } else {
                            String::new()
                        };
                        eprintln!(
                            "built {} units, {} pages, {} files ({} changed{reused}, {:.1} MB) into {} in {:.2} s",
                            report.units,
                            report.pages,
                            report.files,
                            report.files - report.unchanged,
                            report.bytes as f64 / 1e6,
                            opts.out.display(),
                            report.seconds
                        );
                    }
                    ExitCode::SUCCESS
                }
                Err(failure) => {
                    print_all(&failure.diagnostics, colour);
                    let errors = failure.diagnostics.iter().filter(|d| d.is_error()).count();
                    let warnings = failure.diagnostics.len() - errors;
                    eprintln!(
                        "build failed: {errors} error(s), {warnings} warning(s){}; the previous output was left as it was",
                        if strict && errors == 0 {
                            " (--strict treats warnings as errors)"
                        } else {
                            ""
                        }
                    );
                    ExitCode::FAILURE
                }
            }
        }
    }
}

fn print_all(diagnostics: &[Diagnostic], colour: bool) {
    for d in diagnostics {
        eprintln!("{}", d.render(colour));
    }
}
