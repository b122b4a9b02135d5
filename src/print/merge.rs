//! Press PDFs put together at the PDF level.
//!
//! A press leaflet of one guide differs between units only in the unit's
//! slots, and converting a page to PDF glyph by glyph is most of what a
//! composed leaflet costs (docs/PERFORMANCE.md). So the guide's pages are
//! exported once per layout and colours (`Guide::of`), each unit's slots
//! alone on pages of the same size (`compose::Layout::split`), and `merge`
//! writes the unit's PDF: its own pages, catalog, info and metadata, each
//! page drawing the guide's page (a Form XObject: its content stream, font
//! subsets and everything they use copied as they are, not converted
//! again) under the unit's slots.
//!
//! Only the untagged press variant is merged: a tagged PDF's structure tree
//! would have to be merged too. The form has no transparency group, so a
//! press does not blend (and separate) the page in another colour space.

use std::collections::HashMap;

use hayro_syntax::object::{Dict, MaybeRef, ObjRef, Object, ObjectIdentifier};
use pdf_writer::{Chunk, Filter, Finish, Name, Obj, Pdf, Rect, Ref, Settings, Str};

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
    pub fn of(pdf: &[u8]) -> Option<Self> {
        let doc = hayro_syntax::Pdf::new(pdf.to_vec()).ok()?;
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
            let mut pending = Vec::new();
            write_value(
                &resources,
                x.insert(Name(b"Resources")),
                &mut copy.refs,
                &mut pending,
            );
            x.finish();
            copy.pending.extend(pending);
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

/// The unit's press PDF: `pieces` (its slots alone, on pages the size of
/// the guide's) with the guide's page under each; none if the two do not
/// match or `pieces` is not a PDF sotay can copy.
pub fn merge(guide: &Guide, pieces: &[u8]) -> Option<Vec<u8>> {
    let doc = hayro_syntax::Pdf::new(pieces.to_vec()).ok()?;
    let trailer = Trailer::of(pieces)?;
    let mut copy = Copy::new(&doc, guide.next);
    let root_id = doc.xref().root_id();
    let root_ref = ObjRef::new(root_id.obj_number, root_id.gen_number);
    let catalog: Dict = doc.xref().get(root_id)?;
    let pages: Dict = catalog.get(b"Pages".as_slice())?;
    let kids: Vec<ObjRef> = pages
        .get::<hayro_syntax::object::Array>(b"Kids".as_slice())?
        .raw_iter()
        .map(|k| match k {
            MaybeRef::Ref(r) => Some(r),
            MaybeRef::NotRef(_) => None,
        })
        .collect::<Option<_>>()?;
    if kids.len() != guide.forms.len() {
        return None;
    }
    for (kid, form) in kids.iter().zip(&guide.forms) {
        let page: Dict = doc.xref().get(id(*kid))?;
        let at = copy.refs.map(*kid);
        copy.written.insert(*kid);
        copy.page(&page, at, (guide.draw, *form))?;
    }
    let info: Dict = doc.xref().get(id(trailer.info))?;
    let mut pdf = Pdf::with_settings(COMPACT);
    // The catalog and the info through pdf-writer's own writers, which
    // also name them in the trailer.
    let (root, info_at) = (copy.refs.map(root_ref), copy.refs.map(trailer.info));
    copy.written.extend([root_ref, trailer.info]);
    let mut pending = Vec::new();
    let mut cat = pdf.catalog(root);
    for (key, value) in catalog.entries().filter(|(k, _)| k.as_ref() != b"Type") {
        write_value(&value, cat.insert(Name(&key)), &mut copy.refs, &mut pending);
    }
    cat.finish();
    let mut about = pdf.document_info(info_at);
    for (key, value) in info.entries() {
        write_value(
            &value,
            about.insert(Name(&key)),
            &mut copy.refs,
            &mut pending,
        );
    }
    about.finish();
    copy.pending.extend(pending);
    copy.drain();
    pdf.extend(&guide.chunk);
    pdf.extend(&copy.chunk);
    pdf.set_file_id(trailer.id);
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

/// The copied PDF's numbering: every source object gets the next number.
struct Refs {
    map: HashMap<ObjRef, Ref>,
    next: i32,
}

impl Refs {
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
    /// Source objects referred to and not yet written.
    pending: Vec<ObjRef>,
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
            },
            pending: Vec::new(),
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
    fn page(&mut self, page: &Dict, at: Ref, (draw, form): (Ref, Ref)) -> Option<()> {
        let own = page.get_raw::<Object>(b"Contents".as_slice())?;
        let resources: Dict = page.get(b"Resources".as_slice())?;
        let mut pending = Vec::new();
        let mut obj = self.chunk.indirect(at).dict();
        for (key, value) in page.entries() {
            match key.as_ref() {
                b"Contents" | b"Resources" => {}
                _ => write_value(&value, obj.insert(Name(&key)), &mut self.refs, &mut pending),
            }
        }
        let mut contents = obj.insert(Name(b"Contents")).array();
        contents.item(draw);
        match own {
            MaybeRef::Ref(r) => {
                contents.item(self.refs.map(r));
                pending.push(r);
            }
            MaybeRef::NotRef(_) => return None,
        }
        contents.finish();
        let mut res = obj.insert(Name(b"Resources")).dict();
        for (key, value) in resources.entries() {
            if key.as_ref() == b"XObject" {
                continue;
            }
            write_value(&value, res.insert(Name(&key)), &mut self.refs, &mut pending);
        }
        let mut x = res.insert(Name(b"XObject")).dict();
        if let Some(theirs) = resources.get::<Dict>(b"XObject".as_slice()) {
            for (key, value) in theirs.entries() {
                write_value(&value, x.insert(Name(&key)), &mut self.refs, &mut pending);
            }
        }
        x.pair(Name(FORM), form);
        x.finish();
        res.finish();
        obj.finish();
        self.pending.extend(pending);
        Some(())
    }

    /// Write every pending object and what it refers to, once each.
    fn drain(&mut self) {
        while let Some(r) = self.pending.pop() {
            if !self.written.insert(r) {
                continue;
            }
            let Some(object) = self.doc.xref().get::<Object>(id(r)) else {
                continue;
            };
            let at = self.refs.map(r);
            let mut pending = Vec::new();
            match &object {
                Object::Stream(s) => {
                    let data = s.raw_data();
                    let mut stream = self.chunk.stream(at, &data);
                    for (key, value) in s.dict().entries() {
                        if key.as_ref() != b"Length" {
                            write_value(
                                &value,
                                stream.insert(Name(&key)),
                                &mut self.refs,
                                &mut pending,
                            );
                        }
                    }
                    stream.finish();
                }
                other => write_object(other, self.chunk.indirect(at), &mut self.refs, &mut pending),
            }
            self.pending.extend(pending);
        }
    }
}

/// A value as written: a reference renumbered (and its object queued).
fn write_value(v: &MaybeRef<Object>, obj: Obj, refs: &mut Refs, pending: &mut Vec<ObjRef>) {
    match v {
        MaybeRef::Ref(r) => {
            obj.primitive(refs.map(*r));
            pending.push(*r);
        }
        MaybeRef::NotRef(o) => write_object(o, obj, refs, pending),
    }
}

fn write_object(o: &Object, obj: Obj, refs: &mut Refs, pending: &mut Vec<ObjRef>) {
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
                write_value(&item, arr.push(), refs, pending);
            }
        }
        Object::Dict(d) => {
            let mut dict = obj.dict();
            for (key, value) in d.entries() {
                write_value(&value, dict.insert(Name(&key)), refs, pending);
            }
        }
        // A stream is always an indirect object, written by `drain`.
        Object::Stream(_) => obj.primitive(pdf_writer::Null),
    }
}

/// What a krilla PDF's trailer says besides the catalog.
struct Trailer {
    info: ObjRef,
    id: (Vec<u8>, Vec<u8>),
}

impl Trailer {
    /// Read from the end of the file, as pdf-writer writes it
    /// (`/Info 20 0 R/ID[(..)(..)]`).
    fn of(pdf: &[u8]) -> Option<Self> {
        let at = pdf.windows(7).rposition(|w| w == b"trailer")?;
        let tail = &pdf[at..];
        let info = {
            let i = tail.windows(6).position(|w| w == b"/Info ")? + 6;
            let digits: Vec<u8> = tail[i..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .copied()
                .collect();
            let n: i32 = std::str::from_utf8(&digits).ok()?.parse().ok()?;
            ObjRef::new(n, 0)
        };
        let i = tail.windows(3).position(|w| w == b"/ID")? + 3;
        let open = i + tail[i..].iter().position(|c| !c.is_ascii_whitespace())?;
        if tail[open] != b'[' {
            return None;
        }
        let (first, rest) = literal(&tail[open + 1..])?;
        let (second, _) = literal(rest)?;
        Some(Self {
            info,
            id: (first, second),
        })
    }
}

/// A literal string `( .. )` at the start of `b` (after white space), its
/// bytes unescaped, and what follows it.
fn literal(b: &[u8]) -> Option<(Vec<u8>, &[u8])> {
    let start = b.iter().position(|c| !c.is_ascii_whitespace())?;
    let b = &b[start..];
    if b.first() != Some(&b'(') {
        return None;
    }
    let mut out = Vec::new();
    let mut i = 1;
    let mut depth = 1;
    while i < b.len() {
        match b[i] {
            b'\\' => {
                let c = *b.get(i + 1)?;
                out.push(match c {
                    b'n' => b'\n',
                    b'r' => b'\r',
                    b't' => b'\t',
                    b'b' => 8,
                    b'f' => 12,
                    other => other,
                });
                i += 2;
                continue;
            }
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some((out, &b[i + 1..]));
                }
            }
            _ => {}
        }
        out.push(b[i]);
        i += 1;
    }
    None
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

    #[test]
    fn a_merged_pdf_draws_the_guides_page_under_the_units_and_keeps_the_units_info() {
        let guide_pdf = pdf(&[&text("guide one"), &text("guide two")], "stand-in");
        let unit_pdf = pdf(&[&text("unit one"), &text("unit two")], "Phường Ba Đình");
        let guide = Guide::of(&guide_pdf).expect("a guide sotay can copy");
        let merged = merge(&guide, &unit_pdf).expect("merged");
        assert_eq!(
            merge(&guide, &unit_pdf).as_ref(),
            Some(&merged),
            "same bytes twice"
        );
        let doc = hayro_syntax::Pdf::new(merged.clone()).expect("a PDF");
        assert_eq!(doc.pages().len(), 2);
        for (page, (ours, theirs)) in doc
            .pages()
            .iter()
            .zip([("guide one", "unit one"), ("guide two", "unit two")])
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
        }
        let tail = String::from_utf8_lossy(&merged[merged.len() - 200..]).into_owned();
        assert!(
            tail.contains(r"/ID[((id\\))(two)]"),
            "the unit's file ID: {tail}"
        );
        // The info's text strings are UTF-16 with a byte order mark.
        let author = doc.metadata().author.clone().unwrap();
        let units: Vec<u16> = author[2..]
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        assert_eq!(String::from_utf16(&units).unwrap(), "Phường Ba Đình");
        assert!(
            !merged.windows(8).any(|w| w == b"stand-in"),
            "the guide's info is not copied"
        );
    }

    #[test]
    fn pdfs_of_different_page_counts_are_not_merged() {
        let guide = Guide::of(&pdf(&[&text("a"), &text("b")], "x")).unwrap();
        assert!(merge(&guide, &pdf(&[&text("c")], "y")).is_none());
    }

    #[test]
    fn a_literal_string_reads_with_its_escapes_and_nested_parentheses() {
        let (s, rest) = literal(b" (a\\)b(c)d\\\\)(e)").unwrap();
        assert_eq!(s, b"a)b(c)d\\");
        assert_eq!(rest, b"(e)");
        assert!(literal(b"<00ff>").is_none());
        assert!(literal(b"(open").is_none());
    }
}
