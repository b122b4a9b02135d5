//! Press PDFs put together at the PDF level.
//!
//! A press leaflet of one guide differs between units only in the unit's
//! slots, and converting pages to PDF glyph by glyph (and subsetting and
//! compressing fonts for every file) is most of what a composed leaflet
//! costs (docs/PERFORMANCE.md). So the guide's pages are exported once per
//! layout and colours (`Guide::of`), the slots of a whole cohort of units
//! once, each unit's alone on pages of the guide's size (`Source::of`,
//! `compose::Layout::pieces_alone`), and `merge` writes each unit's PDF:
//! its pages from the cohort's, the fonts they share, its own title and
//! author, and under each page the guide's page as a Form XObject. Objects
//! are copied as they are (content streams, font subsets), not converted
//! or compressed again.
//!
//! Only the untagged press variant is merged: a tagged PDF's structure tree
//! would have to be merged too. The form has no transparency group, so a
//! press does not blend (and separate) the page in another colour space.
//! A merged PDF has no XMP metadata (the cohort's would name another
//! unit); its info dictionary carries the title and author.

use std::collections::HashMap;

use hayro_syntax::object::{Dict, MaybeRef, ObjRef, Object, ObjectIdentifier};
use pdf_writer::{Chunk, Filter, Finish, Name, Obj, Pdf, Rect, Ref, Settings, Str, TextStr};

/// Written as krilla writes: without pretty-printing's white space.
const COMPACT: Settings = Settings { pretty: false };

/// The resource name the guide's page goes by on each page.
const FORM: &[u8] = b"SotayGuide";

/// A guide's pages as Form XObjects with what they use, numbered from 1:
/// written once, copied into every unit's PDF.
pub struct Guide {
    chunk: Chunk,
    forms: Vec<Ref>,
    /// A content stream that draws `FORM` in a saved graphics state.
    draw: Ref,
    /// The first number a unit's objects may take.
    next: i32,
}

impl Guide {
    /// The guide's pages as forms, if the PDF is one sotay can copy:
    /// each page with one Flate content stream and its own resources.
    pub fn of(pdf: Vec<u8>) -> Option<Self> {
        let doc = hayro_syntax::Pdf::new(pdf).ok()?;
        let mut copy = Copy::new(&doc, 1);
        let draw = copy.fresh();
        copy.chunk.stream(draw, b"q /SotayGuide Do Q\n").finish();
        let mut forms = Vec::new();
        for page in doc.pages().iter() {
            let raw = page.raw();
            let contents = raw.get::<hayro_syntax::object::Stream>(b"Contents".as_slice())?;
            if !flate_only(contents.dict()) {
                return None;
            }
            let resources = raw.get_raw::<Object>(b"Resources".as_slice())?;
            let media = page.media_box();
            let form = copy.fresh();
            let data = contents.raw_data();
            let mut x = copy.chunk.form_xobject(form, &data);
            x.filter(Filter::FlateDecode);
            x.bbox(Rect::new(
                media.x0 as f32,
                media.y0 as f32,
                media.x1 as f32,
                media.y1 as f32,
            ));
            write_value(&resources, x.insert(Name(b"Resources")), &mut copy.refs);
            x.finish();
            forms.push(form);
        }
        copy.drain();
        Some(Self {
            next: copy.refs.next,
            chunk: copy.chunk,
            forms,
            draw,
        })
    }
}

/// A cohort's slots exported alone in one PDF, each unit's on the next
/// `per_unit` pages (`compose::Layout::pieces_alone`).
pub struct Source {
    doc: hayro_syntax::Pdf,
    info: ObjRef,
    kids: Vec<ObjRef>,
    per_unit: usize,
    /// What each unit's file ID is made from.
    seed: [u8; 32],
}

impl Source {
    pub fn of(pdf: Vec<u8>, per_unit: usize) -> Option<Self> {
        let info = info_of(&pdf)?;
        let seed = crate::hash::sha256(&pdf);
        let doc = hayro_syntax::Pdf::new(pdf).ok()?;
        let catalog: Dict = doc.xref().get(doc.xref().root_id())?;
        let pages: Dict = catalog.get(b"Pages".as_slice())?;
        let kids: Vec<ObjRef> = pages
            .get::<hayro_syntax::object::Array>(b"Kids".as_slice())?
            .raw_iter()
            .map(|k| match k {
                MaybeRef::Ref(r) => Some(r),
                MaybeRef::NotRef(_) => None,
            })
            .collect::<Option<_>>()?;
        (per_unit > 0 && kids.len().is_multiple_of(per_unit)).then_some(Self {
            doc,
            info,
            kids,
            per_unit,
            seed,
        })
    }
}

/// The press PDF of the cohort's unit at `unit`: its pages of `source`,
/// each with the guide's page under it, titled `title` (else as the
/// source is) and by `author`; none if the two do not match or are not
/// PDFs sotay can copy.
pub fn merge(
    guide: &Guide,
    source: &Source,
    unit: usize,
    (author, title): (&str, Option<&str>),
) -> Option<Vec<u8>> {
    let n = source.per_unit;
    let kids = source.kids.get(unit * n..(unit + 1) * n)?;
    if kids.len() != guide.forms.len() {
        return None;
    }
    let doc = &source.doc;
    let mut copy = Copy::new(doc, guide.next);
    let tree = copy.fresh();
    let mut at = Vec::new();
    for (kid, form) in kids.iter().zip(&guide.forms) {
        let page: Dict = doc.xref().get(id(*kid))?;
        let r = copy.refs.map(*kid);
        copy.written.insert(*kid);
        copy.page(&page, (r, tree), (guide.draw, *form))?;
        at.push(r);
    }
    let catalog: Dict = doc.xref().get(doc.xref().root_id())?;
    let info: Dict = doc.xref().get(id(source.info))?;
    let mut pdf = Pdf::with_settings(COMPACT);
    let (root, info_at) = (copy.fresh(), copy.fresh());
    pdf.pages(tree).kids(at.iter().copied()).count(n as i32);
    // The catalog and the info through pdf-writer's own writers, which
    // also name them in the trailer.
    let mut cat = pdf.catalog(root);
    cat.pages(tree);
    copy_entries(
        &catalog,
        &mut cat,
        &mut copy.refs,
        &[b"Type", b"Pages", b"Metadata"],
    );
    cat.finish();
    let mut about = pdf.document_info(info_at);
    about.author(TextStr(author));
    let skip: &[&[u8]] = match title {
        Some(title) => {
            about.title(TextStr(title));
            &[b"Author", b"Title"]
        }
        None => &[b"Author"],
    };
    copy_entries(&info, &mut about, &mut copy.refs, skip);
    about.finish();
    copy.drain();
    pdf.extend(&guide.chunk);
    pdf.extend(&copy.chunk);
    let mut h = crate::hash::Hasher::default();
    h.update(&source.seed)
        .update(&unit.to_le_bytes())
        .update(author.as_bytes());
    // pdf-writer's `Finish` would shadow the hasher's own `finish`.
    let id = crate::hash::Hasher::finish(&h)[..16].to_vec();
    pdf.set_file_id((id.clone(), id));
    Some(pdf.finish())
}

fn id(r: ObjRef) -> ObjectIdentifier {
    ObjectIdentifier::new(r.obj_number, r.gen_number)
}

/// Whether a stream's only filter is Flate, without parameters.
fn flate_only(dict: &Dict) -> bool {
    let flate = matches!(
        dict.get::<hayro_syntax::object::Name>(b"Filter".as_slice()),
        Some(n) if n.as_str() == "FlateDecode"
    );
    flate && !dict.contains_key(b"DecodeParms".as_slice())
}

/// The copied PDF's numbering: every source object gets the next number;
/// and the source objects referred to, to be written (`Copy::drain`).
struct Refs {
    map: HashMap<ObjRef, Ref>,
    next: i32,
    pending: Vec<ObjRef>,
}

impl Refs {
    /// The number of a source object that is written too.
    fn refer(&mut self, r: ObjRef) -> Ref {
        self.pending.push(r);
        self.map(r)
    }

    fn map(&mut self, r: ObjRef) -> Ref {
        let next = &mut self.next;
        *self.map.entry(r).or_insert_with(|| {
            let r = Ref::new(*next);
            *next += 1;
            r
        })
    }
}

/// Objects of one source PDF copied into a chunk, renumbered.
struct Copy<'d> {
    doc: &'d hayro_syntax::Pdf,
    chunk: Chunk,
    refs: Refs,
    written: std::collections::HashSet<ObjRef>,
}

impl<'d> Copy<'d> {
    fn new(doc: &'d hayro_syntax::Pdf, first: i32) -> Self {
        Self {
            doc,
            chunk: Chunk::with_settings(COMPACT),
            refs: Refs {
                map: HashMap::new(),
                next: first,
                pending: Vec::new(),
            },
            written: std::collections::HashSet::new(),
        }
    }

    /// A number for an object that is not in the source.
    fn fresh(&mut self) -> Ref {
        let r = Ref::new(self.refs.next);
        self.refs.next += 1;
        r
    }

    /// A unit's page with the guide's form drawn under its own content.
    fn page(
        &mut self,
        page: &Dict,
        (at, parent): (Ref, Ref),
        (draw, form): (Ref, Ref),
    ) -> Option<()> {
        let MaybeRef::Ref(own) = page.get_raw::<Object>(b"Contents".as_slice())? else {
            return None;
        };
        let resources: Dict = page.get(b"Resources".as_slice())?;
        let mut obj = self.chunk.indirect(at).dict();
        let skip: &[&[u8]] = &[b"Contents", b"Resources", b"Parent"];
        copy_entries(page, &mut obj, &mut self.refs, skip);
        obj.pair(Name(b"Parent"), parent);
        obj.insert(Name(b"Contents"))
            .array()
            .items([draw, self.refs.refer(own)]);
        let mut res = obj.insert(Name(b"Resources")).dict();
        copy_entries(&resources, &mut res, &mut self.refs, &[b"XObject"]);
        let mut x = res.insert(Name(b"XObject")).dict();
        if let Some(theirs) = resources.get::<Dict>(b"XObject".as_slice()) {
            copy_entries(&theirs, &mut x, &mut self.refs, &[]);
        }
        x.pair(Name(FORM), form);
        x.finish();
        res.finish();
        obj.finish();
        Some(())
    }

    /// Write every pending object and what it refers to, once each.
    fn drain(&mut self) {
        while let Some(r) = self.refs.pending.pop() {
            if !self.written.insert(r) {
                continue;
            }
            let Some(object) = self.doc.xref().get::<Object>(id(r)) else {
                continue;
            };
            let at = self.refs.map(r);
            match &object {
                Object::Stream(s) => {
                    let data = s.raw_data();
                    let mut stream = self.chunk.stream(at, &data);
                    copy_entries(s.dict(), &mut stream, &mut self.refs, &[b"Length"]);
                }
                other => write_object(other, self.chunk.indirect(at), &mut self.refs),
            }
        }
    }
}

/// Every entry of `from` but those named in `skip`, renumbered.
fn copy_entries(from: &Dict, to: &mut pdf_writer::Dict, refs: &mut Refs, skip: &[&[u8]]) {
    for (key, value) in from.entries() {
        if !skip.contains(&key.as_ref()) {
            write_value(&value, to.insert(Name(&key)), refs);
        }
    }
}

/// A value as written: a reference renumbered (and its object queued).
fn write_value(v: &MaybeRef<Object>, obj: Obj, refs: &mut Refs) {
    match v {
        MaybeRef::Ref(r) => obj.primitive(refs.refer(*r)),
        MaybeRef::NotRef(o) => write_object(o, obj, refs),
    }
}

fn write_object(o: &Object, obj: Obj, refs: &mut Refs) {
    match o {
        Object::Null(_) => obj.primitive(pdf_writer::Null),
        Object::Boolean(b) => obj.primitive(*b),
        Object::Number(n) => {
            let x = n.as_f64();
            if x.fract() == 0.0 && x.abs() < f64::from(i32::MAX) {
                obj.primitive(x as i32);
            } else {
                obj.primitive(x as f32);
            }
        }
        Object::String(s) => obj.primitive(Str(s.as_bytes())),
        Object::Name(n) => obj.primitive(Name(n)),
        Object::Array(a) => {
            let mut arr = obj.array();
            for item in a.raw_iter() {
                write_value(&item, arr.push(), refs);
            }
        }
        Object::Dict(d) => copy_entries(d, &mut obj.dict(), refs, &[]),
        // A stream is always an indirect object, written by `drain`.
        Object::Stream(_) => obj.primitive(pdf_writer::Null),
    }
}

/// The info dictionary a krilla PDF's trailer names, read from the end of
/// the file as pdf-writer writes it (`trailer <</Size 23/Root 22 0 R/Info
/// 20 0 R/ID[..]>>`): hayro-syntax keeps its trailer to itself.
fn info_of(pdf: &[u8]) -> Option<ObjRef> {
    let at = pdf.windows(7).rposition(|w| w == b"trailer")?;
    let tail = &pdf[at..];
    let i = tail.windows(5).position(|w| w == b"/Info")? + 5;
    let digits: Vec<u8> = tail[i..]
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| b.is_ascii_digit())
        .copied()
        .collect();
    Some(ObjRef::new(
        std::str::from_utf8(&digits).ok()?.parse().ok()?,
        0,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PDF as krilla writes one: pages with one Flate content stream
    /// and resources of their own, an info dictionary and a file ID.
    fn pdf(pages: &[&[u8]], author: &str) -> Vec<u8> {
        let mut pdf = Pdf::new();
        let mut next = Ref::new(1);
        let (catalog, tree, info) = (next.bump(), next.bump(), next.bump());
        let font = next.bump();
        pdf.type1_font(font).base_font(Name(b"Helvetica"));
        let kids: Vec<Ref> = pages
            .iter()
            .map(|content| {
                let (page, stream) = (next.bump(), next.bump());
                let packed = miniz_deflate(content);
                pdf.stream(stream, &packed).filter(Filter::FlateDecode);
                let mut p = pdf.page(page);
                p.parent(tree)
                    .media_box(Rect::new(0.0, 0.0, 200.0, 100.0))
                    .trim_box(Rect::new(10.0, 10.0, 190.0, 90.0))
                    .contents(stream);
                p.resources().fonts().pair(Name(b"f0"), font);
                p.finish();
                page
            })
            .collect();
        pdf.pages(tree)
            .kids(kids.iter().copied())
            .count(kids.len() as i32);
        pdf.catalog(catalog).pages(tree);
        pdf.document_info(info).author(pdf_writer::TextStr(author));
        pdf.set_file_id((b"(id\\)".to_vec(), b"two".to_vec()));
        pdf.finish()
    }

    fn miniz_deflate(data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn text(s: &str) -> Vec<u8> {
        format!("BT /f0 12 Tf 20 50 Td ({s}) Tj ET").into_bytes()
    }

    /// The text of a PDF's info entry (UTF-16 with a byte order mark).
    fn utf16(bytes: &[u8]) -> String {
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16(&units).unwrap()
    }

    #[test]
    fn each_unit_gets_its_own_pages_over_the_guides_and_its_own_info() {
        let guide_pdf = pdf(&[&text("guide one"), &text("guide two")], "stand-in");
        let cohort = [
            &text("ba dinh one")[..],
            &text("ba dinh two"),
            &text("ba vi one"),
            &text("ba vi two"),
        ];
        let source = Source::of(pdf(&cohort, "Phường Ba Đình"), 2).expect("a cohort's slots");
        let guide = Guide::of(guide_pdf).expect("a guide sotay can copy");
        let ba_vi = ("Ủy ban nhân dân xã Ba Vì", Some("Sổ tay – Ba Vì"));
        let merged = merge(&guide, &source, 1, ba_vi).expect("merged");
        assert_eq!(
            merge(&guide, &source, 1, ba_vi).as_ref(),
            Some(&merged),
            "same bytes twice"
        );
        let doc = hayro_syntax::Pdf::new(merged.clone()).expect("a PDF");
        assert_eq!(doc.pages().len(), 2);
        for (page, (ours, theirs)) in doc
            .pages()
            .iter()
            .zip([("guide one", "ba vi one"), ("guide two", "ba vi two")])
        {
            // The unit's page: its boxes, the guide's form drawn first.
            let raw = page.raw();
            assert!(raw.contains_key(b"TrimBox".as_slice()));
            let resources: Dict = raw.get(b"Resources".as_slice()).unwrap();
            let forms: Dict = resources.get(b"XObject".as_slice()).unwrap();
            let form: hayro_syntax::object::Stream = forms.get(FORM).unwrap();
            assert!(
                !form.dict().contains_key(b"Group".as_slice()),
                "no transparency group"
            );
            let drawn = String::from_utf8(form.decoded().unwrap().to_vec()).unwrap();
            assert!(drawn.contains(ours), "{drawn}");
            let content = String::from_utf8_lossy(page.page_stream().unwrap()).into_owned();
            let (under, over) = (content.find("SotayGuide Do"), content.find(theirs));
            assert!(under.is_some() && under < over, "{content}");
            assert!(
                !content.contains("ba dinh"),
                "another unit's slots: {content}"
            );
        }
        let info = doc.metadata();
        assert_eq!(utf16(info.author.as_ref().unwrap()), ba_vi.0);
        assert_eq!(utf16(info.title.as_ref().unwrap()), "Sổ tay – Ba Vì");
        let other = merge(&guide, &source, 0, ("Phường Ba Đình", None)).unwrap();
        let tail = |pdf: &[u8]| String::from_utf8_lossy(&pdf[pdf.len() - 120..]).into_owned();
        let id = |pdf: &[u8]| {
            let t = tail(pdf);
            t[t.find("/ID").unwrap()..].to_owned()
        };
        assert_ne!(id(&merged), id(&other), "each unit its own file ID");
    }

    #[test]
    fn pdfs_of_different_page_counts_are_not_merged() {
        let guide = Guide::of(pdf(&[&text("a"), &text("b")], "x")).unwrap();
        let source = Source::of(pdf(&[&text("c"), &text("d"), &text("e")], "y"), 3).unwrap();
        assert!(merge(&guide, &source, 0, ("y", None)).is_none());
        assert!(
            Source::of(pdf(&[&text("c")], "y"), 2).is_none(),
            "half a unit"
        );
    }
}
