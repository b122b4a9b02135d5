//! The generated `/main.typ` of each document: it imports the theme's
//! template and calls it with one dictionary of data. Text fields are Typst
//! string literals; Markdown fields are Typst markup from `markup.rs`.

use std::collections::HashSet;
use std::fmt::Write;
use std::path::PathBuf;
use std::sync::Mutex;

use super::markup::{self, Env, lit};
use crate::content::{Date, Guide, Unit};
use crate::diag::Diagnostic;
use crate::engine::formats::Format;
use crate::markdown::Target;
use crate::render::Shared;
use crate::resolve::UnitSite;
use crate::theme::{FeeText, Text, Theme, fill};

/// Stands for the base text size in a generated source; replaced per try.
pub const SIZE: &str = "__SOTAY_SIZE__";

/// Print resolution a press needs.
const MIN_DPI: f64 = 300.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Variant {
    /// For the web: RGB, tagged (PDF/UA-1), links, no bleed.
    Download,
    /// For the print shop: CMYK, bleed and marks, no links.
    Press,
}

impl Variant {
    pub fn options(self) -> typst_pdf::PdfOptions {
        let mut o = typst_pdf::PdfOptions {
            creator: typst::foundations::Smart::Custom(Some(format!(
                "sotay {}",
                env!("CARGO_PKG_VERSION")
            ))),
            ..Default::default()
        };
        match self {
            Variant::Download => {
                o.standards =
                    typst_pdf::PdfStandards::new(&[typst_pdf::PdfStandard::Ua_1]).expect("UA-1");
            }
            Variant::Press => o.tagged = false,
        }
        o
    }
}

/// A document to compile: its main source and the images it uses.
pub struct Doc {
    pub source: String,
    pub images: Vec<(String, Vec<u8>)>,
    /// The QR codes it places, served at `/qr/<k>.png` (`qr::path`).
    pub qr_codes: Vec<Vec<u8>>,
    pub warnings: Vec<Diagnostic>,
}

/// A panel name from a template, in the words of the error message.
pub fn panel_name(panel: &str) -> String {
    match panel {
        "flap" => "the inside flap: fee, time, place and what to prepare".into(),
        "back" => "the back panel: help, contact and the security reminder".into(),
        "cover" => "the cover".into(),
        "pages" => "its pages: the steps and what happens next".into(),
        "slot:band" => "the band with the unit's name".into(),
        "slot:contact" => "the unit's contact block".into(),
        "slot:qr" => "the QR code and the page's address".into(),
        "slot:more" => "the link to the whole guide".into(),
        "slot:hotline" => "the hotline line".into(),
        other => other.to_owned(),
    }
}

/// `cmyk(..)` from per cent values.
fn cmyk(c: [f32; 4]) -> String {
    format!("cmyk({}%, {}%, {}%, {}%)", c[0], c[1], c[2], c[3])
}

/// A unit colour as CMYK (naive conversion; the unit's RGB is contrast-checked).
fn rgb_to_cmyk(hex: &str) -> [f32; 4] {
    let (r, g, b) = crate::colour::parse_hex(hex).unwrap_or(crate::colour::CITY_BLUE_RGB);
    let (r, g, b) = (r as f32 / 255.0, g as f32 / 255.0, b as f32 / 255.0);
    let k = 1.0 - r.max(g).max(b);
    if k >= 0.999 {
        return [0.0, 0.0, 0.0, 100.0];
    }
    let f = |x: f32| (((1.0 - x - k) / (1.0 - k)) * 100.0).round();
    [f(r), f(g), f(b), (k * 100.0).round()]
}

pub(crate) fn colours(theme: &Theme, unit: &Unit, v: Variant) -> String {
    colours_for(theme, &unit.colour, v)
}

/// The colour set with `brand` (a hex colour) as the brand colour.
pub(crate) fn colours_for(theme: &Theme, brand_hex: &str, v: Variant) -> String {
    let default = crate::engine::formats::PressColours::default();
    let press = theme.print.as_ref().map_or(&default, |p| &p.colours);
    match v {
        Variant::Press => {
            let brand = rgb_to_cmyk(brand_hex);
            let tint = brand.map(|x| (x * 0.1).round());
            format!(
                "(brand: {}, ink: {}, paper: cmyk(0%, 0%, 0%, 0%), tint: {}, alert: {}, rule: {}, registration: cmyk(100%, 100%, 100%, 100%))",
                cmyk(brand),
                cmyk(press.ink),
                cmyk(tint),
                cmyk(press.alert),
                cmyk(press.rule)
            )
        }
        Variant::Download => {
            let (r, g, b) =
                crate::colour::parse_hex(brand_hex).unwrap_or(crate::colour::CITY_BLUE_RGB);
            let mix = |x: u8| 255 - ((255 - x as u16) / 10) as u8;
            format!(
                "(brand: rgb({r}, {g}, {b}), ink: rgb(26, 26, 26), paper: rgb(255, 255, 255), tint: rgb({}, {}, {}), alert: rgb(179, 38, 30), rule: rgb(166, 166, 166), registration: rgb(0, 0, 0))",
                mix(r),
                mix(g),
                mix(b)
            )
        }
    }
}

/// Imports and the helpers the generated markup calls, with `brand` (hex)
/// as the brand colour, importing `name` from the template.
fn prelude_for(
    shared: &Shared,
    (brand, name): (&str, &str),
    template: &str,
    v: Variant,
    section_level: u8,
) -> String {
    format!(
        "#import \"/print/lib.typ\": *\n#import \"/print/{template}\": {name}\n\
         #let colours = {}\n\
         #let md-callout(kind, label, body) = callout((colours: colours), kind, label, body)\n\
         #let md-task(done) = task(colours.ink)\n\
         #let md-heading(body) = section-head((colours: colours, section-level: {section_level}), body)\n\
         #let md-image(path, alt, width) = align(center, image(path, width: width, alt: alt))\n",
        colours_for(shared.theme, brand, v)
    )
}

fn opt_markup(s: Option<&str>) -> String {
    match s {
        Some(m) if !m.trim().is_empty() => format!("[{m}]"),
        _ => "none".into(),
    }
}

fn opt_lit(s: Option<&str>) -> String {
    s.map_or_else(|| "none".into(), lit)
}

pub(crate) fn unit_dict(u: &Unit) -> String {
    let d = &u.data;
    let hours: String = d.hours.iter().map(|h| format!("{},", lit(h))).collect();
    format!(
        "(name: {}, short-name: {}, address: {}, hours: ({hours}), hotline: {}, zalo: {}, email: {})",
        lit(&d.name),
        lit(&d.short_name),
        lit(&d.address),
        lit(&d.hotline),
        opt_lit(d.zalo.as_deref()),
        opt_lit(d.email.as_deref()),
    )
}

fn date_expr(d: Option<crate::content::Date>) -> String {
    match d {
        Some(d) => format!(
            "datetime(year: {}, month: {}, day: {})",
            d.year(),
            d.month(),
            d.day()
        ),
        None => "none".into(),
    }
}

/// The settings, with the unit's name and dictionary stand-ins in a
/// guide's shared layout (`Part::Guide`).
pub(crate) fn settings(
    site: &UnitSite,
    (theme, template): (&Theme, &str),
    v: Variant,
    (title, date): (&str, crate::content::Date),
    part: Part,
) -> String {
    let (_, shop) = site.project.print_shop(site.unit);
    let (bleed, marks, links, date) = match v {
        Variant::Download => (0, "none".to_owned(), true, None),
        Variant::Press => (
            shop.bleed_mm,
            shop.marks.clone(),
            false,
            shop.date.then_some(date),
        ),
    };
    let security = &theme.text.print_security;
    // Only a template that shows the slogan gets it (the cache key is the
    // source).
    let slogan = if theme.slogan_templates.contains(template) {
        lit(&site.project.site.slogan)
    } else {
        "none".to_owned()
    };
    format!(
        "doc-title: {}, author: {}, keywords: ({},), date: {}, colours: colours, bleed: {bleed}mm, marks: {}, links: {links}, size: {SIZE}, slogan: {}, security: {}, site-title: {}, unit: {},",
        lit(title),
        lit(if part == Part::Guide {
            STAND_IN
        } else {
            &site.unit.data.name
        }),
        lit(&site.project.site.title),
        date_expr(date),
        lit(&marks),
        slogan,
        lit(security),
        lit(&site.project.site.title),
        if part == Part::Guide {
            stand_in_unit()
        } else {
            unit_dict(site.unit)
        },
    )
}

/// A unit dictionary whose every text is the stand-in.
fn stand_in_unit() -> String {
    let x = lit(STAND_IN);
    format!(
        "(name: {x}, short-name: {x}, address: {x}, hours: ({x},), hotline: {x}, zalo: {x}, email: {x})"
    )
}

/// Which document of a leaflet to make. A template with slots (lib.typ's
/// `slot`) keeps everything of the unit in them, so a press leaflet can be
/// composed (`print::compose`) from the guide's layout with the slots left
/// empty, the same for every unit, and the unit's slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Whole,
    Guide,
    Pieces,
    /// The whole of a handbook with its slots as tall as their content:
    /// for a unit whose data overflows them (a book's pages flow, so it
    /// still prints).
    Flow,
}

impl Part {
    /// The template's `compose` field (lib.typ's `slot` reads it).
    pub(crate) fn compose_value(self) -> &'static str {
        match self {
            Part::Whole => "none",
            Part::Guide => "\"guide\"",
            Part::Pieces => "\"pieces\"",
            Part::Flow => "\"flow\"",
        }
    }
}

/// Written wherever the guide's shared layout would show a unit's data: a
/// template that shows some outside its slots is found out by it
/// (`compose::leaks`) and laid out whole.
pub const STAND_IN: &str = "\u{E000}";
/// The brand colour a press guide's shared layout is made in, swapped for
/// each unit's after layout.
const STAND_IN_BRAND: &str = "#0a1b2c";

/// How much of a guide a leaflet carries. Without an editor's `leaflet:`
/// sotay tries the whole guide, then a condensed form, then the step
/// titles; the first that fits is printed (and named in the print index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Form {
    /// The editor's `leaflet:` block.
    Editor,
    /// Every step in full, the intro, what happens next, the rest.
    Full,
    /// Each step's title and first sentence, what to prepare, the facts,
    /// and a line pointing to the full guide.
    Condensed,
    /// Step titles only, what to prepare, the facts and that line.
    Titles,
}

impl Form {
    /// The forms tried for a guide, in order.
    pub fn tries(g: &Guide) -> &'static [Form] {
        if g.doc.meta.leaflet.is_some() {
            &[Form::Editor]
        } else {
            &[Form::Full, Form::Condensed, Form::Titles]
        }
    }

    /// Its name in templates and the render cache.
    pub fn slug(self) -> &'static str {
        match self {
            Form::Editor => "editor",
            Form::Full => "full",
            Form::Condensed => "condensed",
            Form::Titles => "titles",
        }
    }

    pub fn from_slug(s: &str) -> Option<Self> {
        [Form::Editor, Form::Full, Form::Condensed, Form::Titles]
            .into_iter()
            .find(|f| f.slug() == s)
    }

    /// Its name for readers of the print index (the theme's words).
    pub fn name(self, t: &Text) -> &str {
        match self {
            Form::Editor => &t.leaflet_form_editor,
            Form::Full => &t.leaflet_form_full,
            Form::Condensed => &t.leaflet_form_condensed,
            Form::Titles => &t.leaflet_form_titles,
        }
    }
}

/// The parts of a guide that differ between forms, as dictionary entries.
fn content_fields(g: &Guide, env: &Env, form: Form, more: &str) -> String {
    let parsed = &g.doc.parsed;
    let field = |key: &str| parsed.field(key).next().map(|d| markup::fragment(d, env));
    let list = |keys: &[&str]| -> String {
        keys.iter()
            .flat_map(|k| parsed.field(k))
            .map(|n| format!("[{}],", markup::fragment(n, env)))
            .collect()
    };
    let needs = match &g.doc.meta.leaflet {
        Some(l) if form == Form::Editor && l.documents.is_some() => list(&["leaflet.documents"]),
        _ => list(&["prerequisites", "documents"]),
    };
    let body = markup::body(&parsed.body, env);
    let step = |title: &str, body: &str, lead: &str| {
        format!("(title: [{title}], body: [{body}], lead: [{lead}]),")
    };
    let steps: String = match form {
        Form::Editor => parsed
            .field("leaflet.steps")
            .map(|d| step(&markup::fragment(d, env), "", ""))
            .collect(),
        Form::Full => body
            .steps
            .iter()
            .map(|s| step(&s.title, &s.body, &s.lead))
            .collect(),
        Form::Condensed => body
            .steps
            .iter()
            .map(|s| step(&s.title, &s.sentence, &s.sentence))
            .collect(),
        Form::Titles => body.steps.iter().map(|s| step(&s.title, "", "")).collect(),
    };
    let (intro, rest, after) = match form {
        Form::Full => (
            body.intro.as_deref().map(str::to_owned),
            body.rest.as_deref().map(str::to_owned),
            field("after_you_apply"),
        ),
        Form::Editor => (None, None, field("leaflet.notes")),
        Form::Condensed | Form::Titles => (None, None, None),
    };
    let help = if form == Form::Titles {
        None
    } else {
        field("help")
    };
    format!(
        "{} needs: ({needs}), intro: {}, steps: ({steps}), after: {}, rest: {}, help: {},",
        slot_fields(form, more),
        opt_markup(intro.as_deref()),
        opt_markup(after.as_deref()),
        opt_markup(rest.as_deref()),
        opt_markup(help.as_deref()),
    )
}

/// What of the guide's content a unit's slots may show: the form and the
/// line pointing to the whole guide. The steps, documents and notes are the
/// same for every unit and stay out of the slots' document (Typst would
/// read them again for each unit); a slot that reads them fails, and the
/// leaflet is laid out whole.
fn slot_fields(form: Form, more: &str) -> String {
    let more = if form == Form::Full {
        "none".to_owned()
    } else {
        lit(more)
    };
    format!("form: {}, more: {more},", lit(form.slug()))
}

/// The guide's address and its short link (as shown, and as a link).
fn guide_urls(site: &UnitSite, g: &Guide) -> (String, String, String) {
    let url = format!(
        "{}{}",
        site.unit.data.base_url,
        crate::paths::guide_folder(&g.doc.slug)
    );
    let short = format!(
        "{}g/{}/",
        site.unit.data.base_url,
        crate::shortlinks::code(site.project, g)
    );
    let shown = short
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    (url, shown, short)
}

/// The fields of one guide, as dictionary entries (without parentheses),
/// carrying as much of it as `form` says.
fn guide_fields(
    site: &UnitSite,
    g: &Guide,
    (env, codes): (&Env, &super::qr::Codes),
    shared: &Shared,
    (form, part): (Form, Part),
) -> String {
    let text = &shared.theme.text;
    let m = &g.doc.meta;
    let p = site.project;
    let field = |key: &str| {
        g.doc
            .parsed
            .field(key)
            .next()
            .map(|d| markup::fragment(d, env))
    };
    let audiences: String = p
        .site
        .audiences
        .iter()
        .filter(|a| m.audiences.contains(&a.slug))
        .map(|a| format!("{},", lit(&a.name)))
        .collect();
    let (url, short_shown, short) = if part == Part::Guide {
        (
            STAND_IN.to_owned(),
            STAND_IN.to_owned(),
            STAND_IN.to_owned(),
        )
    } else {
        guide_urls(site, g)
    };
    let more = fill(&text.leaflet_more, &[("url", &short_shown)]);
    let qr = codes.dict(&url);
    let video = match part {
        Part::Guide if !g.videos.is_empty() => format!("(url: {}, qr: {qr})", lit(STAND_IN)),
        Part::Guide => "none".into(),
        _ => video_field(site, g, codes),
    };
    format!(
        "label: {}, title: {}, summary: {}, audiences: ({audiences}), not-for: {}, fee: [{}], time: {}, where: {}, {} url: {}, short-url: {}, short-url-href: {}, qr: {qr}, video: {video},",
        lit(&format!("g-{}", g.doc.slug)),
        lit(&m.title),
        lit(&m.summary),
        opt_markup(field("not_for").as_deref()),
        fee_markup(shared.docs.fees(g), print_horizon(site, shared), text),
        lit(&m.processing_time.text),
        lit(&m.where_to_apply),
        if part == Part::Pieces {
            slot_fields(form, &more)
        } else {
            content_fields(g, env, form, &more)
        },
        lit(&url),
        lit(&short_shown),
        lit(&short),
    )
}

/// `video`: the guide's video (else its first step's) as `(url, qr)`, the
/// QR code leading where it is watched (`render::video::watch_url`); or
/// `none`, and the leaflet shows no second code.
fn video_field(site: &UnitSite, g: &Guide, codes: &super::qr::Codes) -> String {
    let Some(v) = g.videos.first() else {
        return "none".into();
    };
    let url = crate::render::video::watch_url(site, g, v);
    format!("(url: {}, qr: {})", lit(&url), codes.dict(&url))
}

/// "Thông tin tại ngày …": the build date, in small type on every PDF, so a
/// desk can tell an old leaflet from a new one.
pub(crate) fn printed(shared: &Shared) -> String {
    let text = &shared.theme.text.print_date;
    lit(&fill(text, &[("date", &shared.date.display_vi())]))
}

/// The last day whose fee changes a leaflet printed on the build date names.
fn print_horizon(site: &UnitSite, shared: &Shared) -> Date {
    shared
        .date
        .plus_days(i64::from(site.project.site.print.horizon_days))
}

/// Free, or each fee as the guide page words it on the build date, with
/// the next change when it falls within the print horizon (a leaflet stays
/// on the desk that long; the print index lists when to reprint). A line
/// several fees share (an exemption) is printed once, after them.
fn fee_markup(fees: &[FeeText], horizon: Date, text: &Text) -> String {
    if fees
        .iter()
        .all(|f| !f.paid && !f.unknown && f.next_within(horizon).is_none())
    {
        return markup::escape(&text.fee_free);
    }
    let shared = |line: &String| fees.iter().filter(|f| f.lines.contains(line)).count() > 1;
    let mut common: Vec<&String> = Vec::new();
    let mut out: Vec<String> = fees
        .iter()
        .map(|f| {
            let own: Vec<&str> = f
                .lines
                .iter()
                .filter(|l| {
                    let is_shared = shared(l);
                    if is_shared && !common.contains(l) {
                        common.push(l);
                    }
                    !is_shared
                })
                .map(String::as_str)
                .collect();
            let mut s = format!("{}: {}", f.name, own.join("; "));
            if let Some(next) = f.next_within(horizon) {
                let _ = write!(s, ". {next}");
            }
            markup::escape(&s)
        })
        .collect();
    out.extend(common.iter().map(|l| markup::escape(l)));
    out.join(" #linebreak() ")
}

/// A leaflet of one guide in one format, in one form.
pub fn leaflet(
    site: &UnitSite,
    shared: &Shared,
    g: &Guide,
    (f, form): (&Format, Form),
    v: Variant,
) -> Doc {
    leaflet_part(site, shared, g, (f, form), v, Part::Whole)
}

/// One part of a leaflet (see `Part`): the whole of it, or the guide's
/// layout shared by units. A unit's slots come from `pieces`.
pub fn leaflet_part(
    site: &UnitSite,
    shared: &Shared,
    g: &Guide,
    (f, form): (&Format, Form),
    v: Variant,
    part: Part,
) -> Doc {
    let codes = super::qr::Codes::new(v == Variant::Press);
    let brand = match part {
        // A tagged PDF's structure keeps some colours (a link's underline)
        // where swapping cannot reach: download layouts are shared by the
        // units of one colour.
        Part::Guide if v == Variant::Press => STAND_IN_BRAND,
        _ => site.unit.colour.as_str(),
    };
    let mut s = prelude_for(shared, (brand, "render"), &f.template, v, 2);
    let d = leaflet_dict(site, shared, g, (f, form), (v, part), &codes);
    let _ = writeln!(s, "#render({d})");
    Doc {
        source: s,
        images: Vec::new(),
        qr_codes: codes.into_inner(),
        warnings: Vec::new(),
    }
}

/// The slots of several units' leaflets of one guide (`Part::Pieces`), in
/// one document: each unit's pages in turn, in its own colours. Laying
/// them out together costs a fraction of one document per unit
/// (docs/PERFORMANCE.md).
pub fn pieces(
    sites: &[&UnitSite],
    shared: &Shared,
    g: &Guide,
    (f, form): (&Format, Form),
    v: Variant,
) -> Doc {
    let codes = super::qr::Codes::new(v == Variant::Press).drawn_later();
    let brand = sites.first().map_or("#000000", |s| s.unit.colour.as_str());
    let mut s = prelude_for(shared, (brand, "slots"), &f.template, v, 2);
    for site in sites {
        let d = leaflet_dict(site, shared, g, (f, form), (v, Part::Pieces), &codes);
        let colours = colours(shared.theme, site.unit, v);
        let _ = writeln!(
            s,
            "#{{\n  let colours = {colours}\n  let d = {d}\n  pieces(d, slots(d))\n}}"
        );
    }
    Doc {
        source: s,
        images: Vec::new(),
        qr_codes: codes.into_inner(),
        warnings: Vec::new(),
    }
}

/// The template's data for one leaflet, or for the part of it `part` says.
fn leaflet_dict(
    site: &UnitSite,
    shared: &Shared,
    g: &Guide,
    (f, form): (&Format, Form),
    (v, part): (Variant, Part),
    codes: &super::qr::Codes,
) -> String {
    let labels = shared.theme.alert_labels();
    let env = Env {
        label: &|_| None,
        image: &|_, _| None,
        clickable: v == Variant::Download,
        labels: &labels,
    };
    let title = format!("{} – {}", g.doc.meta.title, f.name);
    format!(
        "({} section-level: 2, min-size: {}pt, printed: {}, {} {} compose: {})",
        settings(
            site,
            (shared.theme, &f.template),
            v,
            (&title, g.doc.meta.last_reviewed),
            part
        ),
        f.min_size(),
        printed(shared),
        guide_fields(site, g, (&env, codes), shared, (form, part)),
        if part == Part::Guide {
            "elsewhere: none,".to_owned()
        } else {
            desk_field(site, g)
        },
        part.compose_value(),
    )
}

/// The unit's handbook, or one part of it (see `Part`): every guide it
/// publishes, grouped by the first of its audiences in site order; the
/// guides' part is shared by the units that publish the same ones, with
/// the unit's name, contact blocks and each guide's QR code left to slots.
pub fn handbook(
    site: &UnitSite,
    shared: &Shared,
    (f, v): (&Format, Variant),
    warned: &Mutex<HashSet<PathBuf>>,
    part: Part,
) -> Doc {
    let book = Book::new(site, shared, (f, v), warned, part);
    // In the unit's own colour: a cohort's units share it, so composing
    // recolours nothing (which would copy every page of the book).
    let brand = site.unit.colour.as_str();
    let mut s = prelude_for(shared, (brand, "render"), &f.template, v, 3);
    let _ = writeln!(s, "#render({})", book.dict());
    Doc {
        source: s,
        images: book.images.into_inner().expect("images"),
        qr_codes: book.codes.into_inner(),
        warnings: book.warnings.into_inner().expect("warnings"),
    }
}

/// A handbook's title (the PDF's), with the unit's name.
pub fn handbook_title(f: &Format, unit: &str) -> String {
    format!("{} – {unit}", f.name)
}

/// The slots of several units' handbooks (`Part::Pieces`) in one
/// document, each unit's pages in turn, in its own colours.
pub fn handbook_pieces(
    sites: &[&UnitSite],
    shared: &Shared,
    (f, v): (&Format, Variant),
    warned: &Mutex<HashSet<PathBuf>>,
) -> Doc {
    let mut codes = super::qr::Codes::new(v == Variant::Press).drawn_later();
    let brand = sites.first().map_or("#000000", |s| s.unit.colour.as_str());
    let mut s = prelude_for(shared, (brand, "slots"), &f.template, v, 3);
    for site in sites {
        let mut book = Book::new(site, shared, (f, v), warned, Part::Pieces);
        book.codes = codes;
        let colours = colours(shared.theme, site.unit, v);
        let _ = writeln!(
            s,
            "#{{\n  let colours = {colours}\n  let h = {}\n  pieces(h, slots(h))\n}}",
            book.dict()
        );
        codes = book.codes;
    }
    Doc {
        source: s,
        images: Vec::new(),
        qr_codes: codes.into_inner(),
        warnings: Vec::new(),
    }
}

/// A guide goes into the group of its first audience in the site's order.
fn first_audience<'p>(p: &'p crate::content::Project, g: &Guide) -> Option<&'p str> {
    p.site
        .audiences
        .iter()
        .find(|x| g.doc.meta.audiences.contains(&x.slug))
        .map(|a| a.slug.as_str())
}

/// One handbook being written: what each guide's entry needs, and the
/// images and warnings its entries collect.
struct Book<'a, 'p> {
    site: &'a UnitSite<'p>,
    shared: &'a Shared<'a>,
    /// Which handbook: a link to a guide it carries becomes a link inside.
    format: &'a Format,
    v: Variant,
    part: Part,
    warned: &'a Mutex<HashSet<PathBuf>>,
    labels: crate::markdown::AlertLabels,
    images: Mutex<Vec<(String, Vec<u8>)>>,
    warnings: Mutex<Vec<Diagnostic>>,
    codes: super::qr::Codes,
}

impl<'a, 'p> Book<'a, 'p> {
    fn new(
        site: &'a UnitSite<'p>,
        shared: &'a Shared<'a>,
        (format, v): (&'a Format, Variant),
        warned: &'a Mutex<HashSet<PathBuf>>,
        part: Part,
    ) -> Self {
        Self {
            site,
            shared,
            format,
            v,
            part,
            warned,
            labels: shared.theme.alert_labels(),
            images: Mutex::default(),
            warnings: Mutex::default(),
            codes: super::qr::Codes::new(v == Variant::Press),
        }
    }

    /// The template's data: the book's settings and its guides by
    /// audience.
    fn dict(&self) -> String {
        let (site, shared, f, part) = (self.site, self.shared, self.format, self.part);
        let p = site.project;
        let mut groups = String::new();
        let mut latest = None;
        for a in &p.site.audiences {
            let guides: Vec<&Guide> = site
                .ordered()
                .filter(|g| {
                    super::takes(f, g, site) && first_audience(p, g) == Some(a.slug.as_str())
                })
                .collect();
            if guides.is_empty() {
                continue;
            }
            let mut entries = String::new();
            for g in guides {
                latest = latest.max(Some(g.doc.meta.last_reviewed));
                let _ = write!(entries, "({}),", self.entry(g));
            }
            let _ = write!(groups, "(name: {}, guides: ({entries})),", lit(&a.name));
        }
        let name = if part == Part::Guide {
            STAND_IN
        } else {
            &site.unit.data.name
        };
        let title = handbook_title(f, name);
        let date = latest.unwrap_or(crate::content::date::CAMPAIGN_START);
        format!(
            "({} section-level: 3, min-size: {}pt, printed: {}, title: {}, subtitle: {}, groups: ({groups}), compose: {})",
            settings(
                site,
                (shared.theme, &f.template),
                self.v,
                (&title, date),
                part
            ),
            f.min_size(),
            printed(shared),
            lit(&shared.theme.text.handbook_subtitle),
            lit(&p.site.description),
            part.compose_value(),
        )
    }

    /// A guide's fields, with its images placed and links to guides in the
    /// handbook made into links inside it.
    fn entry(&self, g: &Guide) -> String {
        let (site, text) = (self.site, &self.shared.theme.text);
        let dir = g
            .doc
            .source
            .path
            .parent()
            .map(|d| site.project.root.join(d))
            .unwrap_or_default();
        let fallback = fill(&text.image_alt, &[("title", &g.doc.meta.title)]);
        let image = |src: &str, alt: &str| {
            let alt = if alt.trim().is_empty() {
                &fallback
            } else {
                alt
            };
            place_image(&dir, src, alt, g, &self.images, &self.warnings, self.warned)
        };
        let label = |t: &Target| match t {
            Target::Guide { slug, .. }
                if site
                    .guide(slug)
                    .is_some_and(|linked| super::takes(self.format, linked, site)) =>
            {
                Some(format!("g-{slug}"))
            }
            _ => None,
        };
        let env = Env {
            label: &label,
            image: &image,
            clickable: self.v == Variant::Download,
            labels: &self.labels,
        };
        format!(
            "{} {}",
            guide_fields(
                site,
                g,
                (&env, &self.codes),
                self.shared,
                (Form::Full, self.part)
            ),
            desk_field(site, g)
        )
    }
}

/// `elsewhere`: the office readers of this guide go to when the unit's own
/// desk does not receive it, or `none`. The contact block and the
/// handbook's entry show it instead of the unit's address.
fn desk_field(site: &UnitSite, g: &Guide) -> String {
    format!("elsewhere: {},", opt_lit(site.desk(g).elsewhere()))
}

/// Place a guide image in the handbook: tall screenshots 45 mm wide, others
/// the text width; warn when that prints below 300 dpi.
fn place_image(
    dir: &std::path::Path,
    src: &str,
    alt: &str,
    g: &Guide,
    images: &Mutex<Vec<(String, Vec<u8>)>>,
    warnings: &Mutex<Vec<Diagnostic>>,
    warned: &Mutex<HashSet<PathBuf>>,
) -> Option<String> {
    if src.starts_with("http://") || src.starts_with("https://") {
        return None;
    }
    let path = crate::images::referenced_file(dir, src)?;
    let bytes = std::fs::read(&path).ok()?;
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    if !matches!(
        ext.as_str(),
        "png" | "jpg" | "jpeg" | "gif" | "webp" | "svg"
    ) {
        return None;
    }
    let name = format!(
        "{}.{ext}",
        crate::hash::hex(&crate::hash::sha256(&bytes)[..8])
    );
    let width_mm = match image::image_dimensions(&path) {
        Ok((w, h)) => {
            let mm: f64 = if h as f64 > 1.4 * w as f64 {
                45.0
            } else {
                110.0
            };
            let dpi = w as f64 / (mm / 25.4);
            if dpi < MIN_DPI && warned.lock().expect("warned").insert(path.clone()) {
                let need = (MIN_DPI * mm / 25.4).ceil();
                warnings.lock().expect("warnings").push(
                    Diagnostic::warning(format!(
                        "image {src} would print at {dpi:.0} dpi in the handbook ({mm:.0} mm wide)"
                    ))
                    .in_file(&g.doc.source.path)
                    .hint(format!(
                        "print needs 300 dpi: use a version at least {need:.0} pixels wide"
                    ))
                    .code("print"),
                );
            }
            mm
        }
        Err(_) => 110.0, // SVG: vector, any size prints sharp
    };

    images.lock().expect("images").push((name.clone(), bytes));
    Some(format!(
        "#md-image({}, {}, {width_mm}mm)\n",
        lit(&format!("/img/{name}")),
        lit(alt)
    ))
}
