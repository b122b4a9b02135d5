//! Leaflets and handbooks put together from parts instead of laid out
//! whole.
//!
//! The same guide's leaflet differs between units only in what the
//! template keeps in its slots (lib.typ's `slot`: the name band, the QR
//! code and address, the contact block, the link to the whole guide; a
//! handbook's are the unit's name, its contact blocks and each guide's QR
//! code), and changing anything on a page costs Typst at least half of
//! laying it out again (docs/PERFORMANCE.md). So the guide is laid out once with the
//! slots left empty and its unit data and brand colour stand-ins
//! (`Part::Guide`), each unit's slots are laid out on pages of their own
//! (`Part::Pieces`), and the unit's pages are the guide's, recoloured, with
//! each piece's frame where its slot's marker was, its tags with it, so a
//! tagged download PDF reads in the same order as one laid out whole.

use std::collections::{HashMap, HashSet, VecDeque};
use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock};

use typst::foundations::{Content, Smart, Value};
use typst::introspection::{Location, MetadataElem, Tag};
use typst::layout::{Abs, Frame, FrameItem, GroupItem, Point};
use typst::model::Document;
use typst::syntax::Span;
use typst::visualize::{Color, Curve, FillRule, Geometry, Paint, Shape};
use typst_layout::{Page, PagedDocument};

use super::panels::marked;
use crate::engine::world::Failure;

/// A guide's leaflet laid out once, with its slots empty.
pub struct Layout {
    /// The pages and the document's info, without its introspector: each
    /// unit's document gets its own, and a handbook's is large.
    pages: Vec<Page>,
    info: typst::model::DocumentInfo,
    /// Each slot placed: its name, its marker's location and its page.
    slots: Vec<(String, Location, Option<usize>)>,
    /// The colours it was laid out in, by the theme's names.
    colours: Vec<(String, Color)>,
    /// Every element it locates: a piece's elements must not clash.
    located: HashSet<Location>,
    /// Its press PDF by the colours it was recoloured to (`press_guide`).
    press: Mutex<HashMap<String, Option<Arc<super::merge::Guide>>>>,
}

/// What laying out a guide's shared part gave.
pub enum Laid {
    Shared(Box<Layout>),
    /// The guide does not fit at this size (or in this many pages).
    Failed(Failure),
    /// This leaflet cannot be composed (the template shows a unit's data
    /// outside its slots, or failed): lay it out whole, which reports any
    /// error in the unit's own terms.
    Whole,
}

impl Layout {
    /// The shared layout of `doc`, unless the template shows some of the
    /// unit's stand-in data outside its slots, or places no slot or one
    /// slot twice.
    pub fn of(doc: PagedDocument) -> Option<Self> {
        if doc.pages().iter().any(|p| leaks(&p.frame)) {
            return None;
        }
        let page_of = |at: Location| Some(doc.introspector().position(at)?.page.get() - 1);
        let slots: Vec<(String, Location, Option<usize>)> = marked(&doc, "sotay-slot")
            .iter()
            .filter_map(|c| {
                let at = c.location()?;
                Some((metadata_str(c)?, at, page_of(at)))
            })
            .collect();
        let names: HashSet<&str> = slots.iter().map(|(n, _, _)| n.as_str()).collect();
        if slots.is_empty() || names.len() < slots.len() {
            return None;
        }
        let colours = colours(&doc, &|_| true)?;
        let mut located = HashSet::new();
        for page in doc.pages() {
            locations(&page.frame, &mut located);
        }
        Some(Self {
            pages: doc.pages().to_vec(),
            info: doc.info().clone(),
            slots,
            colours,
            located,
            press: Mutex::default(),
        })
    }

    pub fn pages(&self) -> usize {
        self.pages.len()
    }

    /// The unit's leaflet: the guide's pages in the unit's colours, each
    /// slot's marker replaced by the unit's piece for it (one page per
    /// slot, `Part::Pieces`; the unit's are `own` of the pieces' pages), so
    /// reading order, tags and drawing order are those of the whole
    /// layout. None if the pieces lack a slot, locate an element the guide
    /// also does, or the colours cannot be told apart.
    pub fn compose(
        &self,
        pieces: &PagedDocument,
        own: Range<usize>,
        author: &str,
        title: Option<&str>,
    ) -> Option<PagedDocument> {
        let theirs = unit_colours(pieces, &own)?;
        let mut pages = self.recoloured(&theirs)?;
        put(&mut pages, &self.grafts(pieces, &own, &theirs)?)?;
        let mut info = self.info.clone();
        info.author = vec![author.into()];
        if let Some(title) = title {
            info.title = Some(title.into());
        }
        Some(PagedDocument::new(pages.into_iter().collect(), info))
    }

    /// The pieces of several units (each its `own` range of the pieces'
    /// pages) alone, each where `compose` puts it (the groups around it
    /// kept for their transforms and clips), on pages of the guide's size
    /// with no background, one unit's pages after another: what press PDFs
    /// draw over the guide's (`press_guide`, `merge`).
    pub fn pieces_alone(
        &self,
        pieces: &PagedDocument,
        units: impl Iterator<Item = Range<usize>>,
    ) -> Option<PagedDocument> {
        let mut all = Vec::new();
        for own in units {
            let theirs = unit_colours(pieces, &own)?;
            let grafts = self.grafts(pieces, &own, &theirs)?;
            let markers: HashSet<Location> = grafts.iter().map(|(m, _, _)| *m).collect();
            let mut alone: Vec<Page> = self.pages.clone();
            for page in &mut alone {
                prune(&mut page.frame, &markers);
                page.fill = Smart::Custom(None);
            }
            put(&mut alone, &grafts)?;
            all.extend(alone);
        }
        Some(PagedDocument::new(
            all.into_iter().collect(),
            self.info.clone(),
        ))
    }

    /// The guide's press PDF in the colours of `pieces`' unit (`own` of
    /// its pages), made by `make` from the guide's pages in those colours
    /// for the first unit that asks; none where it cannot be merged.
    pub fn press_guide(
        &self,
        pieces: &PagedDocument,
        own: Range<usize>,
        make: impl FnOnce(PagedDocument) -> Option<super::merge::Guide>,
    ) -> Option<Arc<super::merge::Guide>> {
        let theirs = unit_colours(pieces, &own)?;
        let mut made = self.press.lock().expect("press guides");
        made.entry(format!("{theirs:?}"))
            .or_insert_with(|| {
                let pages = self.recoloured(&theirs)?;
                make(PagedDocument::new(
                    pages.into_iter().collect(),
                    self.info.clone(),
                ))
                .map(Arc::new)
            })
            .clone()
    }

    /// The guide's pages in `theirs`, a unit's colours; none if a stand-in
    /// could not be told apart from a colour that stays.
    fn recoloured(&self, theirs: &[(String, Color)]) -> Option<Vec<Page>> {
        let swaps = swaps(&self.colours, theirs)?;
        let mut pages: Vec<Page> = self.pages.clone();
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
        Some(pages)
    }

    /// Each slot's piece for the unit on `own` of the pieces' pages (its
    /// QR codes drawn in its ink), with the marker it goes to and that
    /// marker's page.
    fn grafts(
        &self,
        pieces: &PagedDocument,
        own: &Range<usize>,
        theirs: &[(String, Color)],
    ) -> Option<Vec<Graft>> {
        let ink = &theirs.iter().find(|(name, _)| name == "ink")?.1;
        let named: HashMap<String, usize> = marked(pieces, "sotay-panel-top")
            .iter()
            .filter_map(|c| {
                let k = page_of(pieces, c).filter(|k| own.contains(k))?;
                Some((metadata_str(c)?.strip_prefix("slot:")?.to_owned(), k))
            })
            .collect();
        let mut grafts = Vec::new();
        for (name, marker, on) in &self.slots {
            let k = *named.get(name)?;
            let mut frame = pieces.pages().get(k)?.frame.clone();
            unmark(&mut frame);
            let mut its = HashSet::new();
            locations(&frame, &mut its);
            if !its.is_disjoint(&self.located) {
                return None;
            }
            draw_codes(&mut frame, pieces, k, ink)?;
            grafts.push((*marker, *on, frame));
        }
        Some(grafts)
    }
}

/// The page (from 0) an element of the pieces is on.
fn page_of(pieces: &PagedDocument, c: &Content) -> Option<usize> {
    Some(pieces.introspector().position(c.location()?)?.page.get() - 1)
}

/// The colours of the unit whose pieces are `own` of the pieces' pages.
fn unit_colours(pieces: &PagedDocument, own: &Range<usize>) -> Option<Vec<(String, Color)>> {
    colours(pieces, &|c| {
        page_of(pieces, c).is_some_and(|k| own.contains(&k))
    })
}

/// A piece, the marker of the slot it fills and that marker's page.
type Graft = (Location, Option<usize>, Frame);

/// Put each piece where its marker is; none if a marker is missing.
fn put(pages: &mut [Page], grafts: &[Graft]) -> Option<()> {
    for (marker, on, frame) in grafts {
        // The marker's page first: a handbook has a hundred slots on
        // hundreds of pages.
        let grafted = on
            .and_then(|k| pages.get_mut(k))
            .is_some_and(|p| graft(&mut p.frame, *marker, frame))
            || pages
                .iter_mut()
                .any(|p| graft(&mut p.frame, *marker, frame));
        if !grafted {
            return None;
        }
    }
    Some(())
}

/// Keep of a frame only the markers and the groups on the way to them.
fn prune(frame: &mut Frame, markers: &HashSet<Location>) {
    frame.retain(|item| match item {
        FrameItem::Group(g) if markers.iter().any(|m| holds(&g.frame, *m)) => {
            prune(&mut g.frame, markers);
            true
        }
        FrameItem::Tag(tag) => markers.contains(&tag.location()),
        _ => false,
    });
}

/// Every location tagged in a frame and its groups.
fn locations(frame: &Frame, into: &mut HashSet<Location>) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(g) => locations(&g.frame, into),
            FrameItem::Tag(tag) => {
                into.insert(tag.location());
            }
            _ => {}
        }
    }
}

/// Put `piece` where the slot's marker is (the top left of its empty
/// block), in its place among the frame's items; false if the marker is
/// not in this frame.
fn graft(frame: &mut Frame, marker: Location, piece: &Frame) -> bool {
    // Only frames on the way to the marker are touched (copied).
    if !holds(frame, marker) {
        return false;
    }
    let mut done = false;
    frame.retain(|item| {
        let start =
            matches!(item, FrameItem::Tag(Tag::Start(c, _)) if c.location() == Some(marker));
        match item {
            _ if start => {
                *item = FrameItem::Group(GroupItem::new(piece.clone()));
                done = true;
                true
            }
            FrameItem::Tag(Tag::End(loc, ..)) => *loc != marker,
            FrameItem::Group(g) if !done => {
                done = graft(&mut g.frame, marker, piece);
                true
            }
            _ => true,
        }
    });
    done
}

/// Whether a frame or one of its groups tags `marker`.
fn holds(frame: &Frame, marker: Location) -> bool {
    frame.items().any(|(_, item)| match item {
        FrameItem::Group(g) => holds(&g.frame, marker),
        FrameItem::Tag(tag) => tag.location() == marker,
        _ => false,
    })
}

/// Drop a piece's metadata markers (`<sotay-panel-top>`, `<sotay-qr>` and
/// the like): sotay's, found in the guide too at the same places of the
/// theme, where the piece's other elements are the unit's own.
fn unmark(frame: &mut Frame) {
    let mut markers = HashSet::new();
    metadata_locations(frame, &mut markers);
    strip(frame, &markers);
}

fn metadata_locations(frame: &Frame, into: &mut HashSet<Location>) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(g) => metadata_locations(&g.frame, into),
            FrameItem::Tag(Tag::Start(c, _)) if c.to_packed::<MetadataElem>().is_some() => {
                into.extend(c.location());
            }
            _ => {}
        }
    }
}

fn strip(frame: &mut Frame, markers: &HashSet<Location>) {
    frame.retain(|item| match item {
        FrameItem::Group(g) => {
            strip(&mut g.frame, markers);
            true
        }
        FrameItem::Tag(tag) => !markers.contains(&tag.location()),
        _ => true,
    });
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

fn metadata_str(c: &Content) -> Option<String> {
    match &c.to_packed::<MetadataElem>()?.value {
        Value::Str(s) => Some(s.to_string()),
        _ => None,
    }
}

/// The theme's colours a document was made in (its first
/// `<sotay-colours>` metadata that `pick` keeps), by name.
fn colours(doc: &PagedDocument, pick: &dyn Fn(&Content) -> bool) -> Option<Vec<(String, Color)>> {
    let first = marked(doc, "sotay-colours").into_iter().find(|c| pick(c))?;
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

/// Guides' shared layouts, by the hash of their source and size, made once
/// by whichever unit asks first. Leaflets are made guide by guide across
/// units, so a few recent layouts serve them all.
///
/// `KEPT` layouts are kept: for leaflets, a guide's formats and the sizes
/// tried, for both threads, with a download layout per brand colour in a
/// cohort (the sample's units each have their own).
#[derive(Default)]
pub struct Layouts<const KEPT: usize = 32>(Mutex<VecDeque<(String, Arc<OnceLock<Laid>>)>>);

impl<const KEPT: usize> Layouts<KEPT> {
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
