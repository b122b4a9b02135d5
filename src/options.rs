//! What a build is asked to do: which units (`Scope`), whether PDFs and
//! pictures are made (`Media`), where from and where to. A leaf module: the
//! build reads it and so do the renderers.

use std::path::PathBuf;

use crate::content::Date;

/// Which units a build makes, and so how much of the output folder is its.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every unit and the city-level pages: the whole output folder.
    Whole,
    /// A fixed share of the units (`--shard K/N`); shard 1 also makes the
    /// city-level pages. The output folder is this shard's.
    Shard(Shard),
    /// These units only (`--unit`): their folders are replaced, the rest of
    /// the output stays.
    Units(Vec<String>),
}

impl Scope {
    /// Whether the build makes the hub, the city's results and the report.
    pub fn makes_city(&self) -> bool {
        match self {
            Scope::Whole => true,
            Scope::Shard(s) => s.index == 1,
            Scope::Units(_) => false,
        }
    }

    /// Whether the build makes the whole output folder (not only some units').
    pub fn owns_folder(&self) -> bool {
        !matches!(self, Scope::Units(_))
    }
}

/// Whether PDFs and pictures are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Media {
    /// Made (from the render cache when their inputs did not change).
    Build,
    /// Not made, and pages do not link to them (`--html-only`).
    Skip,
    /// Not made now: pages link to them as a full build would, and the
    /// previous output's PDFs and pictures stay until the next full build
    /// (`serve` shows pages first).
    Defer,
}

impl Media {
    /// Whether pages link to PDFs and pictures.
    pub fn linked(self) -> bool {
        self != Media::Skip
    }
}

#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Project folder (with content/ and themes/).
    pub root: PathBuf,
    /// Output folder; `public` under the root by default.
    pub out: PathBuf,
    pub scope: Scope,
    pub media: Media,
    /// Treat warnings as errors.
    pub strict: bool,
    /// Show a progress bar on a terminal.
    pub progress: bool,
    /// The build's date: what it records in its output and judges dated
    /// facts by. The same inputs and date give the same bytes.
    pub date: Date,
    /// Publish drafts too (`serve`'s preview, which marks them).
    pub drafts: bool,
}

impl BuildOptions {
    /// The whole site, PDFs and pictures included, into `<root>/public`,
    /// as of `date` (the command line passes today; tests pass theirs).
    pub fn new(root: impl Into<PathBuf>, date: Date) -> Self {
        let root = root.into();
        Self {
            out: root.join("public"),
            root,
            scope: Scope::Whole,
            media: Media::Build,
            strict: false,
            progress: false,
            date,
            drafts: false,
        }
    }
}

/// `--shard K/N`: the K-th of N balanced shares of the units (`shard::split`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based.
    pub index: usize,
    pub count: usize,
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("`{s}` is not a shard: write K/N, e.g. 2/4 (the second of four)");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (usize, usize) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if count == 0 || index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}
