//! Outputs. Each kind of output renders behind the same small trait (in the
//! spirit of mdBook's `Renderer`), for each unit or once for the city, and
//! writes only through `Output::emit`; `build::renderers` lists them, so
//! adding an output touches no other. Print and pictures implement it in
//! their own folders, above this one.

pub mod api;
pub mod assets;
pub mod charts;
pub mod chatbot;
pub mod docs;
pub mod embed;
pub mod feeds;
pub mod forms;
pub mod hub;
pub mod messages;
pub mod orders;
pub mod package;
pub mod pages;
pub mod report;
pub mod search;
pub mod short;
pub mod stamp;
pub mod video;
pub mod views;

use tera::Context;

use crate::content::Project;
use crate::diag::Diagnostic;
use crate::output::Output;
use crate::resolve::UnitSite;
use crate::text::Collation;
use crate::theme::Theme;
use docs::{Docs, Markdown};

/// What every renderer may read: parsed content, theme, shared renders.
pub struct Shared<'a> {
    pub project: &'a Project,
    pub theme: &'a Theme,
    pub markdown: &'a Markdown<'a>,
    pub docs: &'a Docs,
    pub collation: &'a Collation,
    /// Where renderers report warnings that do not stop the build.
    pub sink: &'a crate::diag::Sink,
    /// Whether PDFs and pictures are made (pages link to them unless skipped).
    pub media: crate::options::Media,
    /// The build's date.
    pub date: crate::content::Date,
    /// Rendered PDFs and pictures from earlier builds.
    pub cache: &'a crate::cache::RenderCache,
    /// Results data (`content/data/`), checked.
    pub datasets: &'a [crate::data::Dataset],
    /// What became of each leaflet (print runs before the pages).
    pub leaflets: &'a crate::print::Leaflets,
}

impl Shared<'_> {
    /// Render a template, turning a Tera error into a located diagnostic.
    pub fn template(&self, name: &str, ctx: &Context, page: &str) -> Result<String, Diagnostic> {
        self.theme.tera.render(name, ctx).map_err(|e| {
            let d = self.theme.template_error(&self.project.root, &e);
            let hint = d.hint.clone().unwrap_or_default();
            d.hint(format!("{hint} (while rendering {page})"))
        })
    }
}

/// What a renderer produced, summed over units for the build summary.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    pub pages: usize,
    /// Bytes of search index written, and how many guides it covers.
    pub search_bytes: u64,
    pub search_docs: usize,
    /// PDFs written, and how many were laid out (not from the cache).
    pub pdfs: usize,
    pub pdfs_rendered: usize,
    /// Typst layouts done for them (a size retry is one more).
    pub layouts: usize,
    /// Pictures written (PNG, SVG, posters) by the visuals stage.
    pub images: usize,
    /// Pictures (link previews, infographics' PNGs) drawn over a layer
    /// shared by units, and those layers drawn (`visual::layers`).
    pub layered_pictures: usize,
    pub picture_layers: usize,
}

impl std::ops::AddAssign for Stats {
    fn add_assign(&mut self, o: Self) {
        self.pages += o.pages;
        self.search_bytes += o.search_bytes;
        self.search_docs += o.search_docs;
        self.pdfs += o.pdfs;
        self.pdfs_rendered += o.pdfs_rendered;
        self.layouts += o.layouts;
        self.images += o.images;
        self.layered_pictures += o.layered_pictures;
        self.picture_layers += o.picture_layers;
    }
}

/// The build stage an output belongs to; each is timed on its own. Every
/// stage writes into unit folders except `City`, whose outputs span units
/// and sit beside them (the hub, the city's results, the print orders, the
/// coverage report).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Web pages and every other text file.
    Pages,
    /// PDFs (Typst).
    Print,
    /// Infographics, posters and link previews (Typst).
    Pictures,
    /// Files that span units.
    City,
    /// Last, in every build: each unit folder's build stamp, a hash over
    /// what the stages above wrote into it (`render::stamp`).
    Stamp,
    /// After the stamp, in builds that own the output folder: each unit
    /// folder as one zip for its webmaster (`render::package`).
    Package,
}

/// The units a build renders: the ones it was asked for, and every unit of
/// the project (what city-level outputs cover, even in a shard's build).
pub struct Units<'s, 'p> {
    pub selected: &'s [UnitSite<'p>],
    pub every: &'s [UnitSite<'p>],
}

/// One kind of output. Unit-level outputs implement `render` for one unit;
/// `render_all` runs it for every selected unit in parallel (print and
/// pictures schedule their own threads instead). City-stage outputs
/// implement `render_all` and read `units.every`. Files are written through
/// `Output::emit` only.
pub trait Renderer: Sync {
    fn name(&self) -> &'static str;

    fn stage(&self) -> Stage {
        Stage::Pages
    }

    /// Write this output's files for one unit under `<unit>/`.
    fn render(&self, _site: &UnitSite, _sh: &Shared, _out: &Output) -> Rendered {
        Ok(Stats::default())
    }

    /// Write this output's files for the build's units.
    fn render_all(&self, units: &Units, sh: &Shared, out: &Output) -> Rendered {
        each_unit(units.selected, |site| self.render(site, sh, out))
    }
}

/// What rendering made, or every problem it met.
pub type Rendered = Result<Stats, Vec<Diagnostic>>;

/// Run `render` for every unit in parallel; the stats summed, every
/// unit's problems kept.
pub fn each_unit(
    sites: &[UnitSite],
    render: impl Fn(&UnitSite) -> Rendered + Sync + Send,
) -> Rendered {
    use rayon::prelude::*;
    sum(sites.par_iter().map(render).collect())
}

/// Results summed: the stats, or every problem.
pub fn sum(results: Vec<Rendered>) -> Rendered {
    let mut stats = Stats::default();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(s) => stats += s,
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(stats)
    } else {
        Err(errors)
    }
}

/// Keep a one-error result in the renderers' result shape.
pub(crate) fn one(r: Result<(), Diagnostic>) -> Result<(), Vec<Diagnostic>> {
    r.map_err(|e| vec![e])
}
