//! The `sotay` command: arguments in, diagnostics and a summary out. Each
//! subcommand's arguments and what it prints live in `cli/`.

mod cli;

use clap::Parser;

/// Typst's layout and the PDF export allocate and free millions of small
/// objects; mimalloc serves them faster than glibc's allocator
/// (docs/PERFORMANCE.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    let ui = cli::Ui::detect();
    match cli.command {
        cli::Command::Build(args) => cli::build::run(&cli.root, args, ui),
        cli::Command::Check(args) => cli::check::run(&cli.root, args, ui),
        cli::Command::New(args) => cli::new::run(&cli.root, args, ui),
        cli::Command::Serve { port, bind } => cli::serve(cli.root, port, bind, ui),
        cli::Command::Init { dir } => cli::new::init(&dir, ui),
        cli::Command::Verify(args) => cli::verify::run(&cli.root, args, ui),
    }
}
