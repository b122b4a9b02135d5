//! Press leaflets put together from parts instead of laid out whole.
//!
//! The same guide's leaflet differs between units only in what the
//! template keeps in its slots (lib.typ's `slot`: the name band, the QR
//! code and address, the contact block, the link to the whole guide), and
//! changing anything on a page costs Typst at least half of laying it out
//! again (docs/PERFORMANCE.md). So the guide is laid out once with the
//! slots left empty and its unit data and brand colour stand-ins
//! (`Part::Guide`), each unit's slots are laid out on pages of their own
//! (`Part::Pieces`), and the unit's pages are the guide's, recoloured, with
//! the pieces' frames placed in the slots. Only press PDFs are composed: a
//! download PDF's tags belong to the one document they were laid out in.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};

use typst::foundations::{Content, Label, Selector, Smart, Value};
use typst::introspection::{Introspector, MetadataElem};
use typst::layout::{Abs, Frame, FrameItem, Point};
use typst::model::Document;
use typst::syntax::Span;
use typst::utils::PicoStr;
use typst::visualize::{Color, Curve, FillRule, Geometry, Paint, Shape};
use typst_layout::{Page, PagedDocument};

use crate::engine::world::Failure;

/// A guide's leaflet laid out once, with its slots empty.
pub struct Layout {
    doc: PagedDocument,
    /// Each slot placed: its name, page (from 0) and top-left corner.
    slots: Vec<(String, usize, Point)>,
    /// The colours it was laid out in, by the theme's names.
    colours: Vec<(String, Color)>,
}

/// What laying out a guide's shared part gave.
pub enum Laid {
    Shared(Layout),
    /// The guide does not fit at this size (or in this many pages).
    Failed(Failure),
    /// This leaflet cannot be composed (the template shows a unit's data
    /// outside its slots, or failed): lay it out whole, which reports any
    /// error in the unit's own terms.
    Whole,
}

impl Layout {
    /// The shared layout of `doc`, unless the template shows some of the
    /// unit's stand-in data outside its slots or places no slot.
    pub fn of(doc: PagedDocument) -> Option<Self> {
        if doc.pages().iter().any(|p| leaks(&p.frame)) {
            return None;
        }
        let slots: Vec<(String, usize, Point)> = marked(&doc, "sotay-slot")
            .iter()
            .filter_map(|c| {
                let name = metadata_str(c)?;
                let pos = doc.introspector().position(c.location()?)?;
                Some((name, pos.page.get() - 1, pos.point))
            })
            .collect();
        if slots.is_empty() {
            return None;
        }
        let colours = colours(&doc)?;
        Some(Self {
            doc,
            slots,
            colours,
        })
    }

    pub fn pages(&self) -> usize {
        self.doc.pages().len()
    }

    /// The unit's leaflet: the guide's pages in the unit's colours with the
    /// unit's pieces (one page per slot, `Part::Pieces`) in the slots; none
    /// if the pieces lack a slot or the colours cannot be told apart.
    pub fn compose(&self, pieces: &PagedDocument, author: &str) -> Option<PagedDocument> {
        let swaps = swaps(&self.colours, &colours(pieces)?)?;
        let named: HashMap<String, usize> = marked(pieces, "sotay-panel-top")
            .iter()
            .filter_map(|c| {
                let pos = pieces.introspector().position(c.location()?)?;
                let name = metadata_str(c)?;
                Some((name.strip_prefix("slot:")?.to_owned(), pos.page.get() - 1))
            })
            .collect();
        let mut pages: Vec<Page> = self.doc.pages().to_vec();
        for page in &mut pages {
            if !recolour(&mut page.frame, &swaps) {
                return None;
            }
            if let Smart::Custom(Some(fill)) = &mut page.fill
                && !paint(fill, &swaps)
            {
                return None;
            }
        }
        let ink = &colours(pieces)?
            .into_iter()
            .find(|(name, _)| name == "ink")?
            .1;
        for (name, page, at) in &self.slots {
            let k = *named.get(name)?;
            let mut frame = pieces.pages().get(k)?.frame.clone();
            untag(&mut frame);
            draw_codes(&mut frame, pieces, k, ink)?;
            pages.get_mut(*page)?.frame.push_frame(*at, frame);
        }
        let mut info = self.doc.info().clone();
        info.author = vec![author.into()];
        Some(PagedDocument::new(pages.into_iter().collect(), info))
    }
}

/// Draw the QR codes of a pieces page into its `<sotay-qr>` boxes: the
/// template's runs (lib.typ's `qr`) as one shape in the ink colour, as
/// Typst would, without building the shape from a few hundred runs.
fn draw_codes(frame: &mut Frame, pieces: &PagedDocument, page: usize, ink: &Color) -> Option<()> {
    for c in marked(pieces, "sotay-qr") {
        let pos = pieces.introspector().position(c.location()?)?;
        if pos.page.get() - 1 != page {
            continue;
        }
        let Value::Dict(d) = &c.to_packed::<MetadataElem>()?.value else {
            return None;
        };
        let (Ok(Value::Str(url)), Ok(Value::Float(size))) = (d.get("url"), d.get("size")) else {
            return None;
        };
        let runs = super::qr::runs_of(url)?;
        let shape = code_shape(&runs, Abs::pt(*size), ink);
        frame.push(pos.point, FrameItem::Shape(shape, Span::detached()));
    }
    Some(())
}

/// A code of `size` (quiet zone included): its runs as rectangles a
/// hundredth of a millimetre wider and taller, so no hairline shows
/// between neighbours.
fn code_shape((n, runs): &super::qr::Runs, size: Abs, ink: &Color) -> Shape {
    let m = size / (n + 8) as f64;
    let overlap = Abs::mm(0.01);
    let h = m + overlap;
    let mut curve = Curve::new();
    for &(x, y, len) in runs {
        let (x, y) = (m * (x + 4) as f64, m * (y + 4) as f64);
        let w = m * len as f64 + overlap;
        curve.move_(Point::new(x, y));
        curve.line(Point::new(x + w, y));
        curve.line(Point::new(x + w, y + h));
        curve.line(Point::new(x, y + h));
        curve.close();
    }
    Shape {
        geometry: Geometry::Curve(curve),
        fill: Some(Paint::Solid(ink.clone())),
        fill_rule: FillRule::NonZero,
        stroke: None,
    }
}

/// Whether a frame shows the stand-in for a unit's data.
fn leaks(frame: &Frame) -> bool {
    frame.items().any(|(_, item)| match item {
        FrameItem::Group(g) => leaks(&g.frame),
        FrameItem::Text(t) => t.text.contains(super::document::STAND_IN),
        _ => false,
    })
}

fn marked(doc: &PagedDocument, label: &str) -> Vec<Content> {
    Label::new(PicoStr::intern(label))
        .map(|l| doc.introspector().query(&Selector::Label(l)).to_vec())
        .unwrap_or_default()
}

fn metadata_str(c: &Content) -> Option<String> {
    match &c.to_packed::<MetadataElem>()?.value {
        Value::Str(s) => Some(s.to_string()),
        _ => None,
    }
}

/// The theme's colours a document was made in (its first
/// `<sotay-colours>` metadata), by name.
fn colours(doc: &PagedDocument) -> Option<Vec<(String, Color)>> {
    let first = marked(doc, "sotay-colours").into_iter().next()?;
    let Value::Dict(d) = &first.to_packed::<MetadataElem>()?.value else {
        return None;
    };
    d.iter()
        .map(|(k, v)| match v {
            Value::Color(c) => Some((k.to_string(), c.clone())),
            _ => None,
        })
        .collect()
}

/// Each stand-in colour and the unit's colour of the same name; none if a
/// colour swapped is also one that stays (it could not be told apart).
fn swaps(ours: &[(String, Color)], theirs: &[(String, Color)]) -> Option<Vec<(Color, Color)>> {
    let mut swaps = Vec::new();
    let mut kept = Vec::new();
    for (name, from) in ours {
        let (_, to) = theirs.iter().find(|(n, _)| n == name)?;
        if from == to {
            kept.push(from.clone());
        } else {
            swaps.push((from.clone(), to.clone()));
        }
    }
    if swaps.iter().any(|(from, _)| kept.contains(from)) {
        return None;
    }
    Some(swaps)
}

/// Swap the colours in a frame and its groups; false on a gradient or a
/// tiling, whose colours are not swapped.
fn recolour(frame: &mut Frame, swaps: &[(Color, Color)]) -> bool {
    if swaps.is_empty() {
        return true;
    }
    let mut ok = true;
    frame.retain(|item| {
        match item {
            FrameItem::Group(g) => ok &= recolour(&mut g.frame, swaps),
            FrameItem::Text(t) => {
                ok &= paint(&mut t.fill, swaps);
                if let Some(s) = &mut t.stroke {
                    ok &= paint(&mut s.paint, swaps);
                }
            }
            FrameItem::Shape(shape, _) => {
                if let Some(fill) = &mut shape.fill {
                    ok &= paint(fill, swaps);
                }
                if let Some(s) = &mut shape.stroke {
                    ok &= paint(&mut s.paint, swaps);
                }
            }
            _ => {}
        }
        true
    });
    ok
}

fn paint(p: &mut Paint, swaps: &[(Color, Color)]) -> bool {
    match p {
        Paint::Solid(c) => {
            if let Some((_, to)) = swaps.iter().find(|(from, _)| from == c) {
                *c = to.clone();
            }
            true
        }
        _ => false,
    }
}

/// Drop a piece's introspection tags: they belong to the pieces' document
/// (a press PDF is not tagged).
fn untag(frame: &mut Frame) {
    frame.retain(|item| {
        if let FrameItem::Group(g) = item {
            untag(&mut g.frame);
        }
        !matches!(item, FrameItem::Tag(_))
    });
}

/// Guides' shared layouts, by the hash of their source and size, made once
/// by whichever unit asks first. Leaflets are made guide by guide across
/// units, so a few recent layouts serve them all.
#[derive(Default)]
pub struct Layouts(Mutex<VecDeque<(String, Arc<OnceLock<Laid>>)>>);

/// Layouts kept: a guide's formats and the sizes tried, for both threads.
const KEPT: usize = 16;

impl Layouts {
    /// The cell for `key`, empty until someone lays it out.
    pub fn cell(&self, key: &str) -> Arc<OnceLock<Laid>> {
        let mut cells = self.0.lock().expect("layouts");
        if let Some((_, cell)) = cells.iter().find(|(k, _)| k == key) {
            return cell.clone();
        }
        let cell = Arc::new(OnceLock::new());
        cells.push_back((key.to_owned(), cell.clone()));
        if cells.len() > KEPT {
            cells.pop_front();
        }
        cell
    }
}
