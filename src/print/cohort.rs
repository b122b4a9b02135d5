//! Cohorts: the units that make one guide's leaflets together, or their
//! handbooks (the units that publish the same guides in the same colour).
//! The slots of a cohort's leaflets (`document::pieces`) or handbooks
//! (`document::handbook_pieces`) are laid out in one Typst document per
//! format, variant, form and size, each unit's on pages of their own, which
//! costs a fraction of one document per unit (docs/PERFORMANCE.md);
//! `compose` takes each unit's pages from it.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use super::{Form, Variant, panels};
use crate::resolve::UnitSite;

/// Units per leaflet task: their slots are laid out in one document (a
/// cohort of 16 costs about a third of 16 documents), and the tasks stay
/// small enough to keep both threads busy.
pub const COHORT: usize = 16;

/// The units making one guide's leaflets together, and their slots laid
/// out so far, by format, variant, form and size (none where they failed:
/// those leaflets are laid out whole).
pub struct Cohort<'s, 'p> {
    pub sites: &'s [&'s UnitSite<'p>],
    pieces: RefCell<HashMap<PiecesKey, Option<Rc<Pieces>>>>,
}

impl<'s, 'p> Cohort<'s, 'p> {
    pub fn new(sites: &'s [&'s UnitSite<'p>]) -> Self {
        Self {
            sites,
            pieces: RefCell::default(),
        }
    }

    /// The slots for `key`, laid out by `make` for the first unit to ask.
    pub fn pieces(
        &self,
        key: PiecesKey,
        make: impl FnOnce() -> Option<typst_layout::PagedDocument>,
    ) -> Option<Rc<Pieces>> {
        if let Some(made) = self.pieces.borrow().get(&key) {
            return made.clone();
        }
        let made = make()
            .and_then(|laid| Pieces::of(laid, self.sites.len()))
            .map(Rc::new);
        self.pieces.borrow_mut().insert(key, made.clone());
        made
    }
}

pub type PiecesKey = (String, Variant, Form, u32);

/// A cohort's slots laid out (`document::pieces`): each unit's on
/// `per_unit` pages, in the cohort's order.
pub struct Pieces {
    pub doc: typst_layout::PagedDocument,
    per_unit: usize,
    /// The units' slots alone in one press PDF (`merge::Source`), by the
    /// key of the layout that places them (units of one cohort may use
    /// print shops with other bleeds and marks, so other layouts).
    alone: RefCell<Vec<(String, Option<Rc<super::merge::Source>>)>>,
}

impl Pieces {
    /// The layout of `units`' slots, if each has the same slots.
    fn of(doc: typst_layout::PagedDocument, units: usize) -> Option<Self> {
        let pages = doc.pages().len();
        if units == 0 || pages == 0 || !pages.is_multiple_of(units) {
            return None;
        }
        let per_unit = pages / units;
        let names = panels::slots_by_page(&doc);
        let first = &names[..per_unit];
        names
            .chunks(per_unit)
            .all(|unit| unit == first)
            .then_some(Self {
                doc,
                per_unit,
                alone: RefCell::default(),
            })
    }

    /// The cohort's slots alone as one press PDF, placed by the layout
    /// `layout` names; made by `make` for the first unit that asks.
    pub fn alone(
        &self,
        layout: &str,
        make: impl FnOnce() -> Option<super::merge::Source>,
    ) -> Option<Rc<super::merge::Source>> {
        if let Some((_, made)) = self.alone.borrow().iter().find(|(k, _)| k == layout) {
            return made.clone();
        }
        let made = make().map(Rc::new);
        let entry = (layout.to_owned(), made.clone());
        self.alone.borrow_mut().push(entry);
        made
    }

    /// The pages of the unit at `i` in the cohort.
    pub fn pages(&self, i: usize) -> std::ops::Range<usize> {
        i * self.per_unit..(i + 1) * self.per_unit
    }
}
