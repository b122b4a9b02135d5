//! `sotay new` and `sotay init`.

use std::path::Path;
use std::process::ExitCode;

use sotay::scaffold::{self, Kind, NewOptions};

use super::Ui;

#[derive(clap::Args)]
pub struct Args {
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
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum NewKind {
    Guide,
    Unit,
    Page,
    Message,
    Infographic,
}

impl From<NewKind> for Kind {
    fn from(k: NewKind) -> Self {
        match k {
            NewKind::Guide => Kind::Guide,
            NewKind::Unit => Kind::Unit,
            NewKind::Page => Kind::Page,
            NewKind::Message => Kind::Message,
            NewKind::Infographic => Kind::Infographic,
        }
    }
}

pub fn run(root: &Path, args: Args, ui: Ui) -> ExitCode {
    let opts = NewOptions {
        root: root.to_owned(),
        kind: args.kind.into(),
        name: args.name,
        unit: args.unit,
        category: args.category,
        today: sotay::content::Date::today(),
    };
    match scaffold::new(&opts) {
        Ok(path) => {
            eprintln!("created {}", path.display());
            ExitCode::SUCCESS
        }
        Err(d) => ui.fail(&d),
    }
}

pub fn init(dir: &Path, ui: Ui) -> ExitCode {
    match scaffold::init(dir, sotay::content::Date::today()) {
        Ok(files) => {
            eprintln!(
                "created {} files in {}; build it with: sotay build --root {}",
                files.len(),
                dir.display(),
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(d) => ui.fail(&d),
    }
}
