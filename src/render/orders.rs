//! Print orders, `nha-in/` at the city level: for every print-shop profile
//! that serves a unit, one package the shop receives instead of browsing
//! every unit folder —
//!
//! - `nha-in/<shop>/<unit>/<file>.pdf`: the press PDFs of each unit that
//!   uses the shop (its leaflets and its handbook), the same bytes as the
//!   unit's own `in-an/nha-in/` files (and on disk the same file: both are
//!   written as `Depends::Shared` under the unit file's path);
//! - `nha-in/<shop>/don-dat-in.csv`: the order sheet, a row per PDF (its path
//!   in the package, format, trim size, pages, bleed, colour, unit, guide and
//!   an empty quantity column to fill), UTF-8 with a BOM so Excel shows the
//!   Vietnamese;
//! - `nha-in/<shop>.zip`: that folder, deterministic (`crate::archive`);
//! - `nha-in/index.html`: the shops, what each receives, and links.
//!
//! Written only by a build that made every unit's PDFs (a whole build with
//! media: not `--html-only`, `--unit` or a shard of several): a shop's
//! package is all its units or nothing. A leaflet that fitted in no form
//! is not in the order. Page counts are read from the PDFs themselves, so
//! a PDF taken from the render cache counts as one just laid out.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Serialize;
use tera::Context;

use super::views::SiteView;
use super::{Rendered, Renderer, Shared, Stage, Stats, Units};
use crate::content::{PrintShop, Unit};
use crate::diag::Diagnostic;
use crate::engine::formats::{Format, Formats};
use crate::output::{Depends, Output};
use crate::paths;
use crate::resolve::UnitSite;
use crate::sheet::cell;
use crate::theme::Text;

/// The print orders of every shop, written after the units' PDFs.
pub struct Orders;

impl Renderer for Orders {
    fn name(&self) -> &'static str {
        "orders"
    }

    fn stage(&self) -> Stage {
        Stage::City
    }

    fn render_all(&self, units: &Units, sh: &Shared, out: &Output) -> Rendered {
        let Some(formats) = sh.theme.print.as_ref().filter(|_| made(sh, units)) else {
            return Ok(Stats::default());
        };
        let mut shops = shops(units.every, sh, formats);
        sh.collation
            .sort_by_key(&mut shops, |s| s.profile.name.as_str());
        let mut errors = Vec::new();
        let mut packed = Vec::new();
        for shop in &shops {
            match package(shop, sh, out) {
                Ok(p) => packed.push((shop, p)),
                Err(e) => errors.extend(e),
            }
        }
        if let Err(d) = index(&packed, sh, out) {
            errors.push(d);
        }
        if errors.is_empty() {
            Ok(Stats {
                pages: 1,
                ..Stats::default()
            })
        } else {
            Err(errors)
        }
    }
}

/// Whether this build writes the print orders: it made every unit's PDFs.
pub fn made(sh: &Shared, units: &Units) -> bool {
    sh.media == crate::options::Media::Build && linked(sh, units)
}

/// Whether the city's pages link to the print orders: a build that made
/// them, or one that leaves the last build's PDFs in place (`serve`'s
/// pages-first build).
pub fn linked(sh: &Shared, units: &Units) -> bool {
    sh.media.linked() && sh.theme.print.is_some() && units.selected.len() == units.every.len()
}

/// One print shop's order: its profile, its units and their press PDFs.
struct Shop<'a> {
    slug: String,
    profile: PrintShop,
    units: Vec<&'a Unit>,
    files: Vec<File<'a>>,
    /// Leaflets of its units that fitted in no form (not in the order).
    missing: usize,
}

/// A press PDF in a shop's order.
struct File<'a> {
    /// Inside the shop's folder: `<unit>/<file>.pdf`.
    path: String,
    /// The unit's own copy, from the output root.
    source: String,
    format: &'a Format,
    unit: &'a Unit,
    /// The guide's title; `None` for the handbook.
    guide: Option<&'a str>,
    bleed_mm: u32,
}

/// Every shop that serves a unit, by slug, with its units' press PDFs.
fn shops<'a>(sites: &'a [UnitSite], sh: &Shared, formats: &'a Formats) -> Vec<Shop<'a>> {
    let mut shops: BTreeMap<String, Shop> = BTreeMap::new();
    for site in sites {
        let (slug, profile) = sh.project.print_shop(site.unit);
        let bleed_mm = profile.bleed_mm;
        let shop = shops.entry(slug.clone()).or_insert_with(|| Shop {
            slug,
            profile,
            units: Vec::new(),
            files: Vec::new(),
            missing: 0,
        });
        shop.units.push(site.unit);
        shop.missing += add_files(&mut shop.files, site, sh, formats, bleed_mm);
    }
    let mut shops: Vec<Shop> = shops.into_values().collect();
    for shop in &mut shops {
        sh.collation
            .sort_by_key(&mut shop.units, |u| u.data.name.as_str());
        shop.files.sort_by(|a, b| a.path.cmp(&b.path));
    }
    shops
}

/// Add one unit's press PDFs: its handbooks and every leaflet print made.
/// Returns how many leaflets fitted in no form.
fn add_files<'a>(
    files: &mut Vec<File<'a>>,
    site: &'a UnitSite,
    sh: &Shared,
    formats: &'a Formats,
    bleed_mm: u32,
) -> usize {
    let unit = site.unit;
    let file = |format: &'a Format, press: String, guide: Option<&'a str>| File {
        path: format!("{}/{}", unit.slug, file_name(&press)),
        source: paths::in_unit(&unit.slug, &press),
        format,
        unit,
        guide,
        bleed_mm,
    };
    // The handbooks print made for this unit (the citizens', large print,
    // staff): those it has guides for, unless print could not make one.
    for f in formats.handbooks().filter(|f| {
        site.ordered().any(|g| crate::print::takes(f, g, site))
            && sh.leaflets.book_made(&unit.slug, &f.slug)
    }) {
        files.push(file(f, paths::handbook(&f.slug, &unit.slug, true), None));
    }
    let mut missing = 0;
    for g in site.ordered().filter(|g| g.doc.meta.print) {
        for f in formats.leaflets() {
            match sh.leaflets.outcome(&unit.slug, &g.doc.slug, &f.slug) {
                Some(crate::print::Outcome::Made(_)) => {
                    let press = paths::leaflet(&g.doc.slug, &f.slug, true);
                    files.push(file(f, press, Some(&g.doc.meta.title)));
                }
                Some(crate::print::Outcome::Failed(_)) => missing += 1,
                None => {}
            }
        }
    }
    missing
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// What a shop's package holds, for the index page.
struct Packed {
    zip_bytes: u64,
    pages: usize,
}

/// Write one shop's folder (its PDFs and order sheet) and its zip.
fn package(shop: &Shop, sh: &Shared, out: &Output) -> Result<Packed, Vec<Diagnostic>> {
    let mut rows = Vec::with_capacity(shop.files.len());
    let mut errors = Vec::new();
    for file in &shop.files {
        match copy(shop, file, sh, out) {
            Ok(pages) => rows.push((file, pages)),
            Err(d) => errors.push(d),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let sheet = order_sheet(&rows, &sh.theme.text).map_err(|d| vec![d])?;
    let rel = paths::order_sheet(&shop.slug);
    out.emit(&rel, Depends::Loose, || Ok(&sheet))
        .map_err(|d| vec![d])?;
    let zip_bytes = zip(shop, &sheet, sh, out).map_err(|d| vec![d])?;
    let pages = rows.iter().filter_map(|(_, p)| *p).sum();
    Ok(Packed { zip_bytes, pages })
}

/// Copy one press PDF into the shop's folder (one file on disk with the
/// unit's); its page count, or a warning and `None` if it cannot be read.
fn copy(shop: &Shop, file: &File, sh: &Shared, out: &Output) -> Result<Option<usize>, Diagnostic> {
    let pdf = out.read(&file.source).map_err(|e| {
        Diagnostic::error(format!(
            "cannot read {} for the print order of `{}`: {e}",
            file.source, shop.slug
        ))
        .hint("this is a bug in sotay: print made it in this build")
    })?;
    let rel = paths::order_file(&shop.slug, &file.path);
    let key = &file.source;
    out.emit(&rel, Depends::Shared { key }, || Ok(&pdf))?;
    let pages = pdf_pages(&pdf);
    if pages.is_none() {
        sh.sink.push(
            Diagnostic::warning(format!(
                "cannot read the page count of {}: its row in {} leaves the pages blank",
                file.source,
                paths::order_sheet(&shop.slug)
            ))
            .hint("this is a bug in sotay (the PDF's page tree is not where Typst writes it); count them by hand"),
        );
    }
    Ok(pages)
}

/// The order sheet: a header row and a row per PDF with its page count
/// (blank if the PDF could not be read for it), as CSV for Excel.
fn order_sheet(rows: &[(&File, Option<usize>)], t: &Text) -> Result<Vec<u8>, Diagnostic> {
    let header = [
        &t.order_file,
        &t.order_format,
        &t.order_size,
        &t.order_pages,
        &t.order_bleed,
        &t.order_colour,
        &t.order_unit,
        &t.order_guide,
        &t.order_quantity,
    ];
    let header = header.map(String::clone);
    crate::sheet::csv_file(
        &header,
        rows.iter().map(|(file, pages)| row(file, *pages, t)),
    )
}

/// One PDF's cells, in the header's order; the quantity is left empty.
fn row(file: &File, pages: Option<usize>, t: &Text) -> [String; 9] {
    let size = file
        .format
        .trim_mm
        .map(|[w, h]| format!("{w} × {h}"))
        .unwrap_or_default();
    let guide = file.guide.unwrap_or(&t.order_handbook);
    [
        file.path.clone(),
        cell(&file.format.name),
        size,
        pages.map(|p| p.to_string()).unwrap_or_default(),
        file.bleed_mm.to_string(),
        cell(&t.order_colour_value),
        cell(&file.unit.data.name),
        cell(guide),
        String::new(),
    ]
}

/// What goes into a shop's zip: a PDF from the output, or bytes.
enum Entry {
    Output(String),
    Bytes(Vec<u8>),
}

/// `nha-in/<shop>.zip`: the shop's folder, entries by path, dated the
/// build's day. Streamed: each PDF is read when its turn comes.
fn zip(shop: &Shop, sheet: &[u8], sh: &Shared, out: &Output) -> Result<u64, Diagnostic> {
    let in_zip = |path: &str| format!("{}/{path}", shop.slug);
    let mut entries: Vec<(String, Entry)> = shop
        .files
        .iter()
        .map(|f| (in_zip(&f.path), Entry::Output(f.source.clone())))
        .collect();
    entries.push((in_zip(paths::ORDER_SHEET), Entry::Bytes(sheet.to_vec())));
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let day = crate::archive::Day {
        year: sh.date.year(),
        month: sh.date.month(),
        day: sh.date.day(),
    };
    out.emit_stream(&paths::order_zip(&shop.slug), |w| {
        crate::archive::write(w, day, &entries, |e| read(e, out)).map(|_| ())
    })
}

/// An entry's bytes: a PDF read back from the output, or the sheet.
fn read<'e>(entry: &'e Entry, out: &Output) -> std::io::Result<Cow<'e, [u8]>> {
    match entry {
        Entry::Output(rel) => out
            .read(rel)
            .map(Cow::Owned)
            .map_err(|e| std::io::Error::new(e.kind(), format!("reading {rel}: {e}"))),
        Entry::Bytes(b) => Ok(Cow::Borrowed(b)),
    }
}

#[derive(Serialize)]
struct ShopView<'a> {
    slug: &'a str,
    name: &'a str,
    notes: Option<&'a str>,
    bleed_mm: u32,
    marks: &'a str,
    /// Relative to `nha-in/index.html`.
    zip: String,
    zip_size: String,
    sheet: String,
    /// From the output root, shown (a folder link would not open from disk).
    folder: String,
    files: usize,
    /// Pages in all its PDFs, written the Vietnamese way (`1.056`).
    pages: String,
    missing: usize,
    units: Vec<UnitLink<'a>>,
}

impl<'a> ShopView<'a> {
    fn new(s: &'a Shop, p: &Packed, t: &'a Text) -> Self {
        Self {
            slug: &s.slug,
            name: &s.profile.name,
            notes: s.profile.notes.as_deref(),
            bleed_mm: s.profile.bleed_mm,
            marks: t.shop_marks_text(&s.profile.marks),
            zip: in_index(&paths::order_zip(&s.slug)),
            zip_size: crate::text::file_size(p.zip_bytes),
            sheet: in_index(&paths::order_sheet(&s.slug)),
            folder: format!("{}/", paths::order_folder(&s.slug)),
            files: s.files.len(),
            pages: crate::text::format_count(p.pages as u64),
            missing: s.missing,
            units: s
                .units
                .iter()
                .map(|u| UnitLink {
                    name: &u.data.name,
                    url: format!("../{}", paths::in_unit(&u.slug, paths::PRINT_INDEX)),
                })
                .collect(),
        }
    }
}

#[derive(Serialize)]
struct UnitLink<'a> {
    name: &'a str,
    /// The unit's print page, relative to `nha-in/index.html`.
    url: String,
}

/// `nha-in/index.html`: every shop's package, its specs and its units.
fn index(packed: &[(&Shop, Packed)], sh: &Shared, out: &Output) -> Result<(), Diagnostic> {
    let t = &sh.theme.text;
    let views: Vec<ShopView> = packed.iter().map(|(s, p)| ShopView::new(s, p, t)).collect();
    let p = sh.project;
    let mut ctx = Context::new();
    ctx.insert("site", &SiteView::new(p));
    ctx.insert("t", &sh.theme.strings);
    ctx.insert("shops", &views);
    ctx.insert("date", &sh.date.to_string());
    ctx.insert("date_vi", &sh.date.display_vi());
    ctx.insert("root", "../");
    ctx.insert(
        "canonical",
        &format!("{}{}/", p.site.base_url, paths::ORDERS_DIR),
    );
    let page = paths::ORDERS_PAGE;
    out.emit(page, Depends::Loose, || {
        sh.template("orders.html", &ctx, page)
    })
}

/// A city-level path relative to the orders page.
fn in_index(rel: &str) -> String {
    rel.strip_prefix(paths::ORDERS_DIR)
        .and_then(|r| r.strip_prefix('/'))
        .unwrap_or(rel)
        .to_owned()
}

/// The page count of a PDF: the `/Count` of its page tree's root, the
/// largest of any `/Type /Pages` node (a node counts the pages under it).
/// Typst writes its objects as plain text (no object streams; only page
/// contents and fonts are compressed), so the page tree can be read without
/// a PDF library; `None` if none is found.
fn pdf_pages(pdf: &[u8]) -> Option<usize> {
    let mut best = None;
    let mut from = 0;
    while let Some(at) = find(&pdf[from..], b"/Type").map(|i| from + i) {
        from = at + 5;
        let rest = skip_space(&pdf[from..]);
        let is_pages =
            rest.starts_with(b"/Pages") && rest.get(6).is_none_or(|b| !b.is_ascii_alphanumeric());
        if !is_pages {
            continue;
        }
        // The object holding this dictionary: from its `obj` to `endobj`.
        let start = rfind(&pdf[..at], b"obj").map_or(0, |i| i + 3);
        let end = find(&pdf[at..], b"endobj").map_or(pdf.len(), |i| at + i);
        if let Some(count) = count_in(&pdf[start..end]) {
            best = best.max(Some(count));
        }
    }
    best
}

/// The number after `/Count` in an object.
fn count_in(object: &[u8]) -> Option<usize> {
    let at = find(object, b"/Count")?;
    let digits = skip_space(&object[at + 6..]);
    let n = digits.iter().take_while(|b| b.is_ascii_digit()).count();
    std::str::from_utf8(&digits[..n]).ok()?.parse().ok()
}

fn skip_space(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    &b[n..]
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_count_is_the_page_tree_roots() {
        let flat = b"%PDF-1.7\n1 0 obj\n<</Type/Pages/Count 2/Kids[3 0 R 4 0 R]>>\nendobj\n\
            3 0 obj\n<</Type/Page/Parent 1 0 R>>\nendobj\n\
            9 0 obj\n<</Type/Outlines/Count 3>>\nendobj\n";
        assert_eq!(pdf_pages(flat), Some(2));
        let tree = b"1 0 obj << /Type /Pages /Kids [2 0 R 5 0 R] /Count 56 >> endobj \
            2 0 obj << /Type /Pages /Parent 1 0 R /Count 50 /Kids [] >> endobj \
            5 0 obj << /Count 6 /Type /Pages >> endobj";
        assert_eq!(pdf_pages(tree), Some(56));
        assert_eq!(pdf_pages(b"%PDF-1.7 1 0 obj <</Type/ObjStm>> endobj"), None);
        assert_eq!(pdf_pages(b"<</Type/PagesX/Count 4>>"), None);
    }
}
