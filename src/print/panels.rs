//! Fixed panels checked after layout. The theme's `panel` (print/lib.typ)
//! marks the top and the end of each panel's content with metadata; a panel
//! whose end reaches the bottom of its room (or another page) has overflowed. One
//! layout suffices, where measuring first laid every panel out twice.

use typst::foundations::{Content, Label, Selector, Value};
use typst::introspection::{Introspector, MetadataElem};
use typst::layout::Abs;
use typst::utils::PicoStr;
use typst_layout::PagedDocument;

/// The elements a template marked with `label` (metadata markers), in
/// document order.
pub fn marked(doc: &PagedDocument, label: &str) -> Vec<Content> {
    Label::new(PicoStr::intern(label))
        .map(|l| doc.introspector().query(&Selector::Label(l)).to_vec())
        .unwrap_or_default()
}

/// The names of the slots (`slot:` panels) on each page, in order.
pub fn slots_by_page(doc: &PagedDocument) -> Vec<Vec<String>> {
    let mut pages = vec![Vec::new(); doc.pages().len()];
    for top in marked(doc, "sotay-panel-top") {
        let name = match top.to_packed::<MetadataElem>().map(|m| &m.value) {
            Some(Value::Str(s)) if s.as_str().starts_with("slot:") => s.to_string(),
            _ => continue,
        };
        let page = top
            .location()
            .and_then(|l| doc.introspector().position(l))
            .map(|p| p.page.get() - 1);
        if let Some(names) = page.and_then(|k| pages.get_mut(k)) {
            names.push(name);
        }
    }
    pages
}

/// The name of the first panel whose content does not fit, if any.
pub fn overflowing(doc: &PagedDocument) -> Option<String> {
    overflowing_on(doc, &(0..usize::MAX))
}

/// The name of the first panel on `pages` (counted from 0) whose content
/// does not fit, if any.
pub fn overflowing_on(doc: &PagedDocument, pages: &std::ops::Range<usize>) -> Option<String> {
    let intro = doc.introspector();
    let marked = |label: &str| marked(doc, label);
    let y = |c: &Content| {
        let p = intro.position(c.location()?)?;
        Some((p.page, p.point.y))
    };
    let page = |c: &Content| y(c).map(|(p, _)| p.get() - 1);
    // Panels nest (a slot in a panel): each end goes with the next unused
    // top of the same name; an end may have run on to a later page.
    let tops: Vec<Content> = marked("sotay-panel-top")
        .into_iter()
        .filter(|c| page(c).is_some_and(|p| pages.contains(&p)))
        .collect();
    let ends = marked("sotay-panel-end");
    let ends = ends
        .iter()
        .filter(|c| page(c).is_some_and(|p| p >= pages.start));
    let mut used = vec![false; tops.len()];
    for end in ends {
        let Some(meta) = end.to_packed::<MetadataElem>() else {
            continue;
        };
        let Value::Dict(d) = &meta.value else {
            continue;
        };
        let name = match d.get("name") {
            Ok(Value::Str(s)) => s.to_string(),
            _ => continue,
        };
        let room = match d.get("room") {
            Ok(Value::Float(f)) => *f,
            _ => continue,
        };
        let top_named = |c: &Content| {
            c.to_packed::<MetadataElem>()
                .is_some_and(|m| matches!(&m.value, Value::Str(s) if s.as_str() == name))
        };
        let Some(k) = (0..tops.len()).find(|&k| !used[k] && top_named(&tops[k])) else {
            continue;
        };
        used[k] = true;
        let (Some((p0, y0)), Some((p1, y1))) = (y(&tops[k]), y(end)) else {
            continue;
        };
        // Content too long either runs on below the block (marker with it)
        // or, when the rest moved on (a list breaks), leaves the marker at
        // the very bottom of the room: reaching the last hundredth of a
        // point counts as not fitting.
        if p0 != p1 || y1 - y0 >= Abs::pt(room - 0.01) {
            return Some(name);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::world::PrintWorld;

    fn doc(lines: usize, prefix: &str) -> PagedDocument {
        let lib = include_str!("../../themes/default/print/lib.typ");
        let mut world = PrintWorld::new([("lib.typ", lib)]);
        let body = format!("{prefix}Một dòng chữ khá dài để lấp đầy ô.\n\n").repeat(lines);
        let main = format!(
            "#import \"/print/lib.typ\": *\n#set page(width: 100mm, height: 100mm, margin: 0mm)\n#panel(\"flap\", 80mm, 60mm, 5mm, [{body}])\n"
        );
        match world.compile(&main) {
            Ok(d) => d,
            Err(_) => panic!("does not compile"),
        }
    }

    #[test]
    fn a_panel_in_a_grid_cell_is_checked_too() {
        let lib = include_str!("../../themes/default/print/lib.typ");
        let mut world = PrintWorld::new([("lib.typ", lib)]);
        let body = "Một dòng chữ khá dài để lấp đầy ô.\n\n".repeat(60);
        let main = format!(
            "#import \"/print/lib.typ\": *\n#set page(width: 297mm, height: 210mm, margin: 0mm)\n#grid(columns: (97mm, 100mm), grid.cell(x: 1, y: 0, panel(\"cover\", 100mm, 210mm, 7mm, [Ngắn.])), grid.cell(x: 0, y: 0, panel(\"flap\", 97mm, 210mm, 7mm, [{body}])))\n#page[Trong]\n"
        );
        let Ok(doc) = world.compile(&main) else {
            panic!("does not compile")
        };
        assert_eq!(overflowing(&doc).as_deref(), Some("flap"));
    }

    #[test]
    fn each_units_slots_are_checked_on_their_own_pages() {
        // Three units' slots in one document, as a cohort's: only the
        // second unit's name is too long for its band.
        let lib = include_str!("../../themes/default/print/lib.typ");
        let mut world = PrintWorld::new([("lib.typ", lib)]);
        let unit = |name: &str| {
            format!(
                "#page(width: 60mm, height: 20mm, margin: 0pt, slotted(\"band\", (w: 60mm, h: 20mm, body: [{name}])))\n"
            )
        };
        let long = "Phường Có Một Cái Tên Rất Dài ".repeat(12);
        let main = format!(
            "#import \"/print/lib.typ\": *\n{}{}{}",
            unit("Xã Ba Vì"),
            unit(&long),
            unit("Phường Ba Đình")
        );
        let Ok(doc) = world.compile(&main) else {
            panic!("does not compile")
        };
        assert_eq!(slots_by_page(&doc), vec![vec!["slot:band".to_owned()]; 3]);
        assert_eq!(overflowing_on(&doc, &(0..1)), None);
        assert_eq!(overflowing_on(&doc, &(1..2)).as_deref(), Some("slot:band"));
        assert_eq!(overflowing_on(&doc, &(2..3)), None);
        assert_eq!(overflowing(&doc).as_deref(), Some("slot:band"));
    }

    #[test]
    fn a_panel_that_fits_passes_and_one_that_does_not_is_named() {
        assert_eq!(overflowing(&doc(3, "")), None);
        assert_eq!(overflowing(&doc(40, "")).as_deref(), Some("flap"));
        // A list breaks differently from paragraphs.
        assert_eq!(overflowing(&doc(3, "- ")), None);
        assert_eq!(overflowing(&doc(40, "- ")).as_deref(), Some("flap"));
    }
}
