//! Outputs. Each kind of output renders one unit's site behind the same small
//! trait (in the spirit of mdBook's `Renderer`), so adding an output touches
//! no other.

pub mod api;
pub mod assets;
pub mod charts;
pub mod docs;
pub mod embed;
pub mod feeds;
pub mod hub;
pub mod messages;
pub mod pages;
pub mod report;
pub mod search;
pub mod short;
pub mod views;

use tera::Context;

use crate::content::Project;
use crate::diag::Diagnostic;
use crate::output::Staging;
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
    /// No PDFs or pictures this build: pages must not link to them.
    pub html_only: bool,
    /// Rendered PDFs and pictures from earlier builds.
    pub cache: &'a crate::cache::RenderCache,
    /// Results data (`content/data/`), checked.
    pub datasets: &'a [crate::data::Dataset],
    /// Input keys, to reuse a guide's files when its inputs did not change.
    pub keys: &'a crate::memo::Keys,
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
    }
}

/// One kind of output for one unit.
pub trait Renderer: Sync {
    fn name(&self) -> &'static str;
    /// Write this output's files under `<unit>/`.
    fn render(
        &self,
        site: &UnitSite,
        shared: &Shared,
        out: &Staging,
    ) -> Result<Stats, Vec<Diagnostic>>;
}

/// The outputs every unit gets, in order.
pub fn renderers() -> Vec<Box<dyn Renderer>> {
    vec![
        Box::new(pages::Html),
        Box::new(feeds::Feeds),
        Box::new(assets::Assets),
        Box::new(api::Api),
        Box::new(search::Search),
        Box::new(embed::Embed),
        Box::new(messages::Messages),
        Box::new(short::ShortLinks),
        Box::new(charts::Results),
    ]
}

pub(crate) fn write(out: &Staging, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
    out.write(rel, bytes).map_err(|e| write_error(rel, e))
}

/// Write a file that shows one guide of a unit (`rel` includes the unit
/// folder). When the previous output holds it made from the same inputs
/// (`crate::memo`), `make` is not called and the file stays as it is.
pub(crate) fn guide_file(
    sh: &Shared,
    out: &Staging,
    unit: &str,
    slug: &str,
    rel: &str,
    make: impl FnOnce() -> Result<String, Diagnostic>,
) -> Result<(), Diagnostic> {
    let group = format!("{unit}/{slug}");
    let key = sh.keys.guide_group(unit, slug);
    if out.reuse_group(&group, &key) {
        return Ok(());
    }
    let text = make()?;
    out.write_keyed(rel, Some((&group, key)), text.as_bytes())
        .map_err(|e| write_error(rel, e))
}

/// Whether a unit's frame files are kept from the previous output: the
/// files that show no guide's text (lists, feeds, list widgets, the API
/// index) and so depend only on what `crate::memo` calls the frame. Decided
/// once per unit and build; when true, renderers skip those files.
pub(crate) fn frame_kept(sh: &Shared, out: &Staging, unit: &str) -> bool {
    out.reuse_group(&frame_group(unit), &sh.keys.frame_group(unit))
}

/// Write one of a unit's frame files (`rel` includes the unit folder).
pub(crate) fn frame_file(
    sh: &Shared,
    out: &Staging,
    unit: &str,
    rel: &str,
    bytes: &[u8],
) -> Result<(), Diagnostic> {
    let key = sh.keys.frame_group(unit);
    out.write_keyed(rel, Some((&frame_group(unit), key)), bytes)
        .map_err(|e| write_error(rel, e))
}

fn frame_group(unit: &str) -> String {
    // `~` is in no guide slug.
    format!("{unit}/~")
}

pub(crate) fn write_error(rel: &str, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(format!("cannot write {rel}: {e}"))
        .hint("check free disk space and permissions of the output folder")
}
