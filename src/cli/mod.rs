//! Arguments (clap) and the terminal: how diagnostics are printed.

pub mod build;
pub mod check;
pub mod new;
pub mod verify;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use sotay::Diagnostic;

#[derive(Parser)]
#[command(
    name = "sotay",
    version,
    about = "Build Hanoi's online public-service guides into a microsite per unit"
)]
pub struct Cli {
    /// Project folder (the one with content/ and themes/)
    #[arg(long, global = true, default_value = ".")]
    pub root: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Build every unit's microsite (or only --unit ones) into public/
    Build(build::Args),
    /// Check content without writing output: links and anchors of every unit site,
    /// stale facts, plain-language and accessibility lints
    Check(check::Args),
    /// Create a content file with every field explained (in Vietnamese)
    New(new::Args),
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
    /// Check that each unit's portal serves this build (its stamp, home and guide
    /// pages; its portal page's widget or link); exit 0 all do, 1 some do not, 2 bad setup
    Verify(verify::Args),
}

/// The terminal the command prints to.
#[derive(Clone, Copy)]
pub struct Ui {
    /// Colours in diagnostics.
    pub colour: bool,
    /// Whether stderr is a terminal (progress bars).
    pub terminal: bool,
}

impl Ui {
    pub fn detect() -> Self {
        let terminal = std::io::stderr().is_terminal();
        Self {
            colour: terminal && std::env::var_os("NO_COLOR").is_none(),
            terminal,
        }
    }

    pub fn print_all(self, diagnostics: &[Diagnostic]) {
        for d in diagnostics {
            eprintln!("{}", d.render(self.colour));
        }
    }

    /// Print one diagnostic and fail.
    pub fn fail(self, d: &Diagnostic) -> ExitCode {
        eprintln!("{}", d.render(self.colour));
        ExitCode::FAILURE
    }
}

pub fn serve(root: PathBuf, port: u16, bind: std::net::IpAddr, ui: Ui) -> ExitCode {
    let opts = sotay::serve::ServeOptions { root, port, bind };
    match sotay::serve::serve(&opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(d) => ui.fail(&d),
    }
}

pub fn parse_date(s: &str) -> Result<sotay::content::Date, String> {
    sotay::content::Date::parse(s)
}
