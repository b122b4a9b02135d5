//! Infographics and social images, drawn by the print engine so that print
//! and pictures share one layout: each spec in `content/infographics/` is laid
//! out once per unit and canvas, then exported as PNG (typst-render), SVG
//! (typst-svg, for the web page) and poster PDFs (download and press). Every
//! guide page also gets its link preview (`og:image`, 1200 x 630).
//!
//! Text fits by construction: the theme's `fit-text` shrinks each text within
//! bounds and fails naming it; after layout, `layout_check` reads the frames
//! and refuses any text outside the canvas or on top of other text.

pub mod icons;
pub mod kiosk;
mod layers;
mod layout;

use std::collections::HashSet;
use std::fmt::Write;
use std::sync::Arc;

use crate::cache::Stored;
use crate::content::{Doc, InfographicSpec, Project};
use crate::diag::{Diagnostic, Sink};
use crate::engine::world::{Failure, PrintWorld, WorldPool};
use crate::output::{Depends, Output};
use crate::print::document::{Part, STAND_IN, Variant, colours, colours_for, settings};
use crate::print::markup::lit;
use crate::render::{Rendered, Renderer, Shared, Stage, Stats, Units};
use crate::resolve::UnitSite;
use crate::theme::{Text, Theme, fill};
pub use layout::{TextBox, layout_check, text_boxes};

use crate::engine::canvas::{CANVASES, Canvas};

const TEMPLATE: &str = "infographic.typ";
const PREVIEW_TEMPLATE: &str = "xem-truoc.typ";

/// Check every spec against the project: guide, icons, formats, palette;
/// and the kiosk screen's lists of them.
pub fn validate(p: &Project, sink: &Sink) {
    use crate::content::YamlFile;
    kiosk::validate(p, sink);
    for spec in &p.infographics {
        let m = &spec.meta;
        if let Some(g) = &m.guide {
            let known = p.guide(g).is_some()
                || p.units
                    .iter()
                    .any(|u| u.guides.iter().any(|x| &x.doc.slug == g));
            if !known {
                let all: Vec<&str> = p.guides.iter().map(|g| g.doc.slug.as_str()).collect();
                let hint = crate::diag::closest(g, all.iter().copied()).map_or(
                    "write the file name of a guide, without .md".to_owned(),
                    |c| format!("did you mean `{c}`?"),
                );
                sink.push(
                    spec.error_at("guide", Some(g), format!("unknown guide `{g}`"))
                        .hint(hint),
                );
            }
        } else if m.steps.is_empty() {
            sink.push(
                spec.error_at(
                    "title",
                    None,
                    "an infographic needs `steps:` or a `guide:` to take them from",
                )
                .hint("add steps (icon and text) or name the guide this infographic is about"),
            );
        }
        for s in &m.steps {
            if let Some(icon) = &s.icon
                && icons::svg(icon, "#000").is_none()
            {
                let mut close: Vec<(usize, &str)> = icons::names()
                    .map(|n| (crate::diag::edit_distance(icon, n), n))
                    .collect();
                close.sort();
                let near: Vec<String> = close
                    .iter()
                    .take(3)
                    .map(|(_, n)| format!("`{n}`"))
                    .collect();
                sink.push(
                    at_value(spec, "icon", icon, format!("unknown icon `{icon}`")).hint(format!(
                        "close matches: {}; every icon is listed in assets/icons/",
                        near.join(", ")
                    )),
                );
            }
            if s.text.trim().is_empty() {
                sink.push(spec.error_at("text", None, "a step has no text"));
            }
        }
        for f in &m.formats {
            if !CANVASES.iter().any(|c| c.slug == f) {
                let hint = crate::diag::closest(f, CANVASES.iter().map(|c| c.slug))
                    .map_or(String::new(), |c| format!("did you mean `{c}`? "));
                sink.push(
                    spec.error_at("formats", Some(f), format!("unknown format `{f}`"))
                        .hint(format!(
                            "{hint}formats: vuong, doc, ngang, xem-truoc, a3, a2"
                        )),
                );
            }
        }
        if !matches!(m.palette.as_str(), "unit" | "theme") {
            sink.push(
                spec.error_at(
                    "palette",
                    Some(&m.palette),
                    format!("unknown palette `{}`", m.palette),
                )
                .hint("palette is unit (the unit's colour) or theme (the campaign's)"),
            );
        }
    }
}

/// An error at `key: value` inside a list (where the key is not unique).
fn at_value(spec: &Doc<InfographicSpec>, key: &str, value: &str, message: String) -> Diagnostic {
    let text = &spec.source.text;
    let found = [format!("{key}: {value}"), format!("{key}: \"{value}\"")]
        .iter()
        .find_map(|pat| {
            let at = text.find(pat.as_str())?;
            Some(at + pat.rfind(value)?)
        });
    let d = Diagnostic::error(message);
    match found {
        Some(o) => d.at_offset(&spec.source.path, text, o, value.len()),
        None => d.in_file(&spec.source.path),
    }
}

/// The visuals stage for one unit.
#[derive(Default)]
pub struct Visuals {
    worlds: WorldPool,
    /// Pictures with their slots empty, shared by units.
    bases: layers::Bases,
    /// Posters' layouts with their slots empty, shared by units.
    posters: crate::print::compose::Layouts<16>,
}

impl Renderer for Visuals {
    fn name(&self) -> &'static str {
        "visuals"
    }

    fn stage(&self) -> Stage {
        Stage::Pictures
    }

    /// Units in parallel, on threads with Typst's stack.
    fn render_all(&self, units: &Units, sh: &Shared, out: &Output) -> Rendered {
        self.bases
            .share(units.selected.iter().map(|s| s.unit.colour.as_str()));
        let drawn = crate::engine::in_big_stacks(|| {
            crate::render::each_unit(units.selected, |site| self.render(site, sh, out))
        });
        // The later stages (packages) are the build's peak of memory.
        self.bases.forget();
        drawn
    }

    fn render(&self, site: &UnitSite, shared: &Shared, out: &Output) -> Rendered {
        let files = &shared.theme.print_files;
        if !files.contains_key(TEMPLATE) && !files.contains_key(PREVIEW_TEMPLATE) {
            return Ok(Stats::default());
        }
        let key = crate::engine::theme_key(&shared.theme.print_files);
        let mut world = self.worlds.take(&shared.theme.print_files, &key);
        let mut job = Job {
            site,
            shared,
            out,
            world: &mut world,
            key: &key,
            bases: &self.bases,
            posters: &self.posters,
            pieces: None,
            stats: Stats::default(),
            errors: Vec::new(),
        };
        if files.contains_key(PREVIEW_TEMPLATE) {
            for g in site.ordered() {
                job.preview(g);
            }
        }
        if files.contains_key(TEMPLATE) {
            for spec in site.infographics() {
                job.infographic(spec);
            }
        }
        let (stats, errors) = (job.stats, job.errors);
        self.worlds.give(key, world);
        if errors.is_empty() {
            Ok(stats)
        } else {
            Err(errors)
        }
    }
}

/// A picture's bytes, and its entry in the render cache if it has one.
type Made = (Vec<u8>, Option<Stored>);

/// A picture's source drawn whole, and its title and text alternative
/// where its file carries them (part of its cache key).
type Whole<'a> = (&'a str, Option<(&'a str, &'a str)>);

struct Job<'a, 'p> {
    site: &'a UnitSite<'p>,
    shared: &'a Shared<'a>,
    out: &'a Output<'a>,
    world: &'a mut PrintWorld,
    key: &'a str,
    bases: &'a layers::Bases,
    posters: &'a crate::print::compose::Layouts<16>,
    /// The unit's slots of its link previews (`unit_pieces`).
    pieces: Option<Result<Arc<typst_layout::PagedDocument>, Failure>>,
    stats: Stats,
    errors: Vec<Diagnostic>,
}

/// Forget what Typst memoised for pictures no longer being drawn, after
/// every `EVERY`th picture (on any thread). A picture is small: after each
/// one, the walk over Typst's memo cost 15 % of the stage at city scale,
/// for a memo that never held more than a few pictures.
fn evict_now_and_then() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    const EVERY: usize = 8;
    static DRAWN: AtomicUsize = AtomicUsize::new(0);
    if DRAWN.fetch_add(1, Ordering::Relaxed) % EVERY == EVERY - 1 {
        typst::comemo::evict(1);
    }
}

/// A step as drawn: an icon (virtual path) or a number, and its text.
struct DrawnStep {
    icon: Option<String>,
    text: String,
}

impl Job<'_, '_> {
    fn unit_slug(&self) -> &str {
        &self.site.unit.slug
    }

    /// The render cache's key of a picture made from `source` as `ext`.
    fn cache_key(&self, source: &str, ext: &str, label: Option<(&str, &str)>) -> String {
        let mut h = crate::hash::Hasher::default();
        h.update(self.key.as_bytes()).update(ext.as_bytes());
        h.update(source.as_bytes());
        if let Some((title, alt)) = label {
            h.update(title.as_bytes()).update(alt.as_bytes());
        }
        h.hex()
    }

    /// A picture of the render cache, with where the cache holds it.
    fn cached(&self, key: &str, ext: &str) -> Option<Made> {
        let (_, bytes, stored) = self.shared.cache.read_tagged(key, ext)?;
        Some((bytes, Some(stored)))
    }

    /// A picture just made, kept in the render cache (the output links it).
    fn keep(&self, key: &str, ext: &str, bytes: Vec<u8>) -> Made {
        let stored = self.shared.cache.write_tagged(key, "picture", ext, &bytes);
        (bytes, stored)
    }

    /// Compile a source, check its layout, and export it; cached by input,
    /// with where the cache holds it (the output links that file).
    fn export(
        &mut self,
        (source, qr_codes): (&str, &[Vec<u8>]),
        ext: &str,
        what: &str,
        label: Option<(&str, &str)>,
    ) -> Result<Made, Failure> {
        let key = self.cache_key(source, ext, label);
        if let Some(made) = self.cached(&key, ext) {
            return Ok(made);
        }
        self.world.set_qr_codes(qr_codes);
        let doc = self.world.compile(source);
        evict_now_and_then();
        let doc = doc?;
        if let Some(page) = doc.pages().first()
            && let Err(problem) = layout_check(page)
        {
            return Err(Failure::Overflow(format!("{what}: {problem}")));
        }
        let bytes = match ext {
            "png" => {
                let page = &doc.pages()[0];
                let pixmap = typst_render::render(
                    page,
                    &typst_render::RenderOptions {
                        pixel_per_pt: typst::utils::Scalar::new(1.0),
                        render_bleed: false,
                    },
                );
                crate::images::encode_png(pixmap.width(), pixmap.height(), pixmap.data()).map_err(
                    |e| Failure::Error {
                        file: "main.typ".into(),
                        line: 0,
                        message: e,
                    },
                )?
            }
            "svg" => {
                let svg = typst_svg::svg(&doc.pages()[0], &typst_svg::SvgOptions::default());
                match label {
                    Some((title, alt)) => labelled_svg(&svg, title, alt),
                    None => svg,
                }
                .into_bytes()
            }
            _ => {
                let v = if ext == "press.pdf" {
                    Variant::Press
                } else {
                    Variant::Download
                };
                crate::print::export(&doc, v)?
            }
        };
        Ok(self.keep(&key, ext, bytes))
    }

    /// Write a picture; a hard link to `stored`, its cache entry, where
    /// there is one (a cold build would otherwise write every picture twice).
    fn emit(&mut self, rel: &str, (bytes, stored): &Made) {
        let rel = crate::paths::in_unit(self.unit_slug(), rel);
        let emitted = match stored {
            Some(s) => self.out.emit_linked(&rel, bytes, (&s.path, s.sum)),
            None => self.out.emit(&rel, Depends::Loose, || Ok(bytes)),
        };
        match emitted {
            Ok(()) => self.stats.images += 1,
            Err(d) => self.errors.push(d),
        }
    }

    /// The link preview of a guide page.
    fn preview(&mut self, g: &crate::content::Guide) {
        let whole = self.preview_source(g, Part::Whole);
        let made = match self.layered_preview(g, &whole) {
            Some(made) => Ok(made),
            None => self.export((&whole, &[]), "png", "the link preview", None),
        };
        let rel = crate::paths::guide_file(&g.doc.slug, crate::paths::PREVIEW_FILE);
        match made {
            Ok(png) => self.emit(&rel, &png),
            Err(f) => {
                let hint =
                    "shorten the title or the summary; the link preview must show them whole";
                let d = failure(f, &g.doc.source.path, &g.doc.source.text, None, hint);
                self.errors.push(d.for_unit(self.unit_slug()));
            }
        }
    }

    /// The source of a guide's link preview, or of one of its layers
    /// (`Part::Guide`: its slots empty; `Part::Pieces`: the unit's slots,
    /// the same for every guide).
    fn preview_source(&self, g: &crate::content::Guide, part: Part) -> String {
        let (site, theme) = (self.site, self.shared.theme);
        let m = &g.doc.meta;
        let v = Variant::Download;
        let at = (theme, PREVIEW_TEMPLATE);
        // The unit's slots are the same for every guide.
        let (title, summary, date) = match part {
            Part::Pieces => ("", "", crate::content::date::CAMPAIGN_START),
            _ => (m.title.as_str(), m.summary.as_str(), m.last_reviewed),
        };
        let d = format!(
            "({} width: 1200pt, height: 630pt, title: {}, summary: {}, compose: {})",
            settings(site, at, v, (title, date), part)
                .replace(crate::print::document::SIZE, "10pt"),
            lit(title),
            lit(summary),
            part.compose_value(),
        );
        let mut s = prelude(theme, site, PREVIEW_TEMPLATE, v, "unit");
        let _ = match part {
            Part::Pieces => writeln!(
                s,
                "#import \"/print/{PREVIEW_TEMPLATE}\": slots\n#{{\n  let d = {d}\n  pieces(d, slots(d))\n}}"
            ),
            _ => writeln!(s, "#render({d})"),
        };
        s
    }

    /// A PNG drawn from layers (`layers`), for a picture that shares them
    /// (`shares_layers`): the guide's (`guide`, its source), shared by the
    /// units of one colour, and the unit's slots (`pieces`) over it. None
    /// where the layers fail or do not go together: the picture is then
    /// drawn whole (`whole`, its source, cached under the same key), which
    /// reports any problem in the unit's own terms.
    fn layered_png(
        &mut self,
        (whole, label): Whole,
        guide: (&str, &[Vec<u8>]),
        pieces: impl FnOnce(&mut Self) -> Result<Arc<typst_layout::PagedDocument>, Failure>,
    ) -> Option<Made> {
        let key = self.cache_key(whole, "png", label);
        if let Some(made) = self.cached(&key, "png") {
            return Some(made);
        }
        let base_key = self.cache_key(guide.0, "layer", None);
        self.world.set_qr_codes(guide.1);
        let (base, drawn) = self.bases.get(&base_key, &mut *self.world, guide.0).ok()?;
        self.stats.picture_layers += usize::from(drawn);
        let pieces = pieces(self).ok()?;
        let (width, height, rgb) = base?.with(&pieces)?;
        let png = crate::images::encode_rgb_png(width, height, rgb).ok()?;
        self.stats.layered_pictures += 1;
        Some(self.keep(&key, "png", png))
    }

    /// The link preview drawn from layers: its unit's slots are the same
    /// for every guide.
    fn layered_preview(&mut self, g: &crate::content::Guide, whole: &str) -> Option<Made> {
        if !self.shares_layers(PREVIEW_TEMPLATE, &self.site.unit.colour) {
            return None;
        }
        let guide = self.preview_source(g, Part::Guide);
        self.layered_png((whole, None), (&guide, &[]), |job| job.unit_pieces(g))
    }

    /// The unit's slots of its link previews, laid out once per unit.
    fn unit_pieces(
        &mut self,
        g: &crate::content::Guide,
    ) -> Result<Arc<typst_layout::PagedDocument>, Failure> {
        if let Some(made) = &self.pieces {
            return made.clone();
        }
        let source = self.preview_source(g, Part::Pieces);
        let made = self.world.compile(&source).map(Arc::new);
        evict_now_and_then();
        self.pieces = Some(made.clone());
        made
    }

    fn infographic(&mut self, spec: &Doc<InfographicSpec>) {
        let m = &spec.meta;
        let (steps, guide) = drawn_steps(self.site, spec);
        let icons: Vec<String> = steps
            .iter()
            .filter_map(|s| s.icon.clone())
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        self.add_icons(&icons);
        let alt = alt_text(&self.shared.theme.text, m, &steps, self.site);
        let drawn = Drawn {
            spec,
            steps: &steps,
            guide,
            alt: &alt,
        };
        let canvases = CANVASES
            .iter()
            .filter(|c| m.formats.is_empty() || m.formats.iter().any(|f| f == c.slug));
        let mut made: Vec<(String, String)> = Vec::new();
        for c in canvases {
            let variants: &[(Variant, &str)] = if c.poster {
                &[(Variant::Download, "pdf"), (Variant::Press, "press.pdf")]
            } else if c.slug == "vuong" {
                &[(Variant::Download, "png"), (Variant::Download, "svg")]
            } else {
                &[(Variant::Download, "png")]
            };
            for (v, ext) in variants {
                // A poster is paper: it carries the build date, as leaflets do.
                let printed = c
                    .poster
                    .then(|| crate::print::document::printed(self.shared));
                let sheet = Sheet {
                    canvas: c,
                    variant: *v,
                    printed: printed.as_deref(),
                };
                let rel = match *ext {
                    "press.pdf" => crate::paths::poster(&spec.slug, c.slug, true),
                    "pdf" => crate::paths::poster(&spec.slug, c.slug, false),
                    "svg" => crate::paths::picture_svg(&spec.slug),
                    _ => crate::paths::picture_png(&spec.slug, c.slug, c.width, c.height),
                };
                let name = self.shared.theme.text.canvas_name(c.slug);
                match self.infographic_file(&drawn, &sheet, ext) {
                    Ok(made_file) => {
                        self.emit(&rel, &made_file);
                        let label = match *ext {
                            "press.pdf" => crate::theme::fill(
                                &self.shared.theme.text.press_file,
                                &[("name", name)],
                            ),
                            other => format!("{name} ({})", other.to_uppercase()),
                        };
                        made.push((label, rel));
                    }
                    Err(f) => {
                        let hint = format!(
                            "shorten this text: it does not fit the {name} canvas even at its smallest size"
                        );
                        let d = failure(f, &spec.source.path, &spec.source.text, Some(m), &hint);
                        self.errors.push(d.for_unit(self.unit_slug()));
                        return;
                    }
                }
            }
        }
        self.page(spec, &steps, guide, &made);
    }

    /// One file of an infographic: a PNG drawn over its guide's layer, a
    /// poster composed from its guide's layout, where they can be
    /// (`layered_png`, `composed_poster`); else drawn whole.
    fn infographic_file(
        &mut self,
        drawn: &Drawn,
        sheet: &Sheet,
        ext: &str,
    ) -> Result<Made, Failure> {
        let (theme, site) = (self.shared.theme, self.site);
        let what = (drawn.spec, drawn.steps, drawn.guide);
        let (whole, codes) = infographic_source(theme, site, what, sheet, Part::Whole);
        let label = Some((drawn.spec.meta.title.as_str(), drawn.alt));
        let colour = match drawn.spec.meta.palette.as_str() {
            "theme" => layers::CAMPAIGN,
            _ => &site.unit.colour,
        };
        if ext != "svg" && self.shares_layers(TEMPLATE, colour) {
            let (guide, guide_codes) = infographic_source(theme, site, what, sheet, Part::Guide);
            let pieces = |job: &mut Self| {
                let (source, codes) = infographic_source(theme, site, what, sheet, Part::Pieces);
                job.world.set_qr_codes(&codes);
                let made = job.world.compile(&source).map(Arc::new);
                evict_now_and_then();
                made
            };
            let (whole, guide) = ((whole.as_str(), label), (guide.as_str(), &guide_codes[..]));
            let made = if ext == "png" {
                self.layered_png(whole, guide, pieces)
            } else {
                self.composed_poster(whole, guide, pieces, sheet.variant)
            };
            if let Some(made) = made {
                return Ok(made);
            }
        }
        let name = theme.text.canvas_name(sheet.canvas.slug);
        self.export((&whole, &codes), ext, name, label)
    }

    /// Whether a picture of `template` in `colour` may be drawn from
    /// layers shared by units: other units draw it in the same colour, the
    /// template has slots, and site.yaml does not turn composing off.
    fn shares_layers(&self, template: &str, colour: &str) -> bool {
        let has_slots = |t: &String| t.contains("#let slots(");
        self.bases.shared(colour)
            && self.site.project.site.print.compose
            && self
                .shared
                .theme
                .print_files
                .get(template)
                .is_some_and(has_slots)
    }

    /// A poster composed from its guide's layout (`guide`, its source; laid
    /// out once for the units of one colour, `shares_layers`) and the unit's slots: the
    /// download PDF exported, the press PDF merged from the guide's and the
    /// slots' (`print::merged_alone`), as leaflets are. None where it
    /// cannot be: drawn whole then, which reports any problem.
    fn composed_poster(
        &mut self,
        (whole, label): Whole,
        guide: (&str, &[Vec<u8>]),
        pieces: impl FnOnce(&mut Self) -> Result<Arc<typst_layout::PagedDocument>, Failure>,
        v: Variant,
    ) -> Option<Made> {
        use crate::print::compose::{Laid, Layout};
        let ext = if v == Variant::Press {
            "press.pdf"
        } else {
            "pdf"
        };
        // Not the bytes of the poster drawn whole: cached apart from it.
        let key = self.cache_key(whole, &format!("composed {ext}"), label);
        if let Some(made) = self.cached(&key, ext) {
            return Some(made);
        }
        let cell = self
            .posters
            .cell(&self.cache_key(guide.0, "poster layout", None));
        let mut drawn = false;
        let laid = cell.get_or_init(|| {
            drawn = true;
            self.world.set_qr_codes(guide.1);
            let doc = self.world.compile(guide.0);
            evict_now_and_then();
            match doc.ok().and_then(Layout::of) {
                Some(layout) => Laid::Shared(Box::new(layout)),
                None => Laid::Whole,
            }
        });
        self.stats.picture_layers += usize::from(drawn);
        let Laid::Shared(layout) = laid else {
            return None;
        };
        let pieces = pieces(self).ok()?;
        let author = self.site.unit.data.name.as_str();
        let doc = layout.compose(&pieces, 0..pieces.pages().len(), author, None)?;
        layout_check(doc.pages().first()?).ok()?;
        let pdf = match v {
            Variant::Press => crate::print::merged_alone(layout, &pieces, (author, None))
                .or_else(|| crate::print::export(&doc, v).ok())?,
            Variant::Download => crate::print::export(&doc, v).ok()?,
        };
        self.stats.layered_pictures += 1;
        Some(self.keep(&key, ext, pdf))
    }

    /// The step icons an infographic draws, in the world that draws it
    /// (each drawn once per world).
    fn add_icons(&mut self, icons: &[String]) {
        for name in icons {
            let file = format!("icon-{name}.svg");
            if !self.world.has_image(&file)
                && let Some(svg) = icons::svg(name, "#FFFFFF")
            {
                self.world.add_image(&file, &svg);
            }
        }
    }

    /// `do-hoa/<slug>/index.html`: the SVG with its text alternative and downloads.
    fn page(
        &mut self,
        spec: &Doc<InfographicSpec>,
        steps: &[DrawnStep],
        guide: Option<&crate::content::Guide>,
        made: &[(String, String)],
    ) {
        use serde_json::json;
        let site = self.site;
        let m = &spec.meta;
        let rel = crate::paths::picture_page(&spec.slug);
        let mut ctx = crate::render::pages::page_context(
            site,
            self.shared,
            &rel,
            &m.title,
            m.subtitle.as_deref().unwrap_or_default(),
        );
        let files: Vec<serde_json::Value> = made
            .iter()
            .map(|(name, path)| json!({"name": name, "url": path}))
            .collect();
        ctx.insert(
            "infographic",
            &json!({
                "title": m.title,
                "subtitle": m.subtitle,
                "svg": made.iter().find(|(_, p)| p.ends_with(".svg")).map(|(_, p)| p.clone()),
                "alt": alt_text(&self.shared.theme.text, m, steps, site),
                "steps": steps.iter().map(|s| s.text.clone()).collect::<Vec<_>>(),
                "callouts": m.callouts,
                "guide": guide.map(|g| json!({"title": g.doc.meta.title, "url": crate::paths::guide_page(&g.doc.slug)})),
                "files": files,
            }),
        );
        let page = crate::paths::in_unit(&site.unit.slug, &rel);
        let made = self.out.emit(&page, Depends::Loose, || {
            self.shared.template("infographic.html", &ctx, &page)
        });
        match made {
            Ok(()) => self.stats.pages += 1,
            Err(d) => self.errors.push(d),
        }
    }
}

/// The steps an infographic draws for a unit: its own, or the titles of the
/// unit's version of its guide; and that guide.
fn drawn_steps<'p>(
    site: &UnitSite<'p>,
    spec: &Doc<InfographicSpec>,
) -> (Vec<DrawnStep>, Option<&'p crate::content::Guide>) {
    let m = &spec.meta;
    let guide = m.guide.as_deref().and_then(|g| site.guide(g));
    let steps = if m.steps.is_empty() {
        guide
            .map(|g| {
                g.doc
                    .parsed
                    .body
                    .steps
                    .iter()
                    .map(|s| DrawnStep {
                        icon: None,
                        text: s.title.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    } else {
        m.steps
            .iter()
            .map(|s| DrawnStep {
                icon: s.icon.clone(),
                text: s.text.clone(),
            })
            .collect()
    };
    (steps, guide)
}

/// Lay out one infographic for one unit on one canvas, and return the
/// canvas size and every text run on it (points): what tests read to prove
/// the text stays inside the canvas and off other text.
pub fn layout(
    root: &std::path::Path,
    unit: &str,
    spec: &str,
    canvas: &str,
) -> Result<(f64, f64, Vec<TextBox>), String> {
    let sink = Sink::default();
    let project = crate::content::load(root, &sink).ok_or("the project does not load")?;
    let theme = Theme::load(root, &project.site.theme, &sink).ok_or("the theme does not load")?;
    let unit = project.unit(unit).ok_or(format!("no unit {unit}"))?;
    let collation = crate::text::Collation::default();
    let site = UnitSite::new(&project, unit, &collation);
    let spec = project
        .infographics
        .iter()
        .find(|s| s.slug == spec)
        .ok_or(format!("no infographic {spec}"))?;
    let c = CANVASES
        .iter()
        .find(|c| c.slug == canvas)
        .ok_or(format!("no canvas {canvas}"))?;
    let (steps, guide) = drawn_steps(&site, spec);
    let sheet = Sheet {
        canvas: c,
        variant: Variant::Download,
        printed: None,
    };
    let (source, codes) =
        infographic_source(&theme, &site, (spec, &steps, guide), &sheet, Part::Whole);
    let mut world = PrintWorld::new(
        theme
            .print_files
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str())),
    );
    world.set_qr_codes(&codes);
    for st in &steps {
        if let Some(name) = &st.icon
            && let Some(svg) = icons::svg(name, "#FFFFFF")
        {
            world.add_image(&format!("icon-{name}.svg"), &svg);
        }
    }
    let doc = world.compile(&source).map_err(|f| match f {
        Failure::Overflow(what) => format!("does not fit: {what}"),
        Failure::Error { message, .. } => message,
    })?;
    let page = &doc.pages()[0];
    let size = page.frame.size();
    Ok((size.x.to_pt(), size.y.to_pt(), text_boxes(page)))
}

/// The SVG with its text alternative inside: `role="img"`, a title and a
/// description, so it is accessible wherever it is used, not only in our page.
fn labelled_svg(svg: &str, title: &str, alt: &str) -> String {
    let esc = crate::markdown::escape;
    let Some(start) = svg.find("<svg") else {
        return svg.to_owned();
    };
    let Some(end) = svg[start..].find('>').map(|i| start + i) else {
        return svg.to_owned();
    };
    format!(
        "{} role=\"img\" aria-labelledby=\"sotay-tieu-de sotay-mo-ta\">\
         <title id=\"sotay-tieu-de\">{}</title><desc id=\"sotay-mo-ta\">{}</desc>{}",
        &svg[..end],
        esc(title),
        esc(alt),
        &svg[end + 1..]
    )
}

/// The short text alternative: what the picture says, in one paragraph.
fn alt_text(t: &Text, m: &InfographicSpec, steps: &[DrawnStep], site: &UnitSite) -> String {
    if let Some(a) = &m.alt {
        return a.clone();
    }
    let mut s = m.title.clone();
    if let Some(sub) = &m.subtitle {
        let _ = write!(s, ". {sub}");
    }
    for (i, st) in steps.iter().enumerate() {
        let n = (i + 1).to_string();
        let _ = write!(
            s,
            ". {}",
            fill(&t.alt_step, &[("n", &n), ("text", &st.text)])
        );
    }
    for c in &m.callouts {
        let _ = write!(s, ". {c}");
    }
    let u = &site.unit.data;
    let contact = fill(
        &t.alt_contact,
        &[("unit", &u.name), ("hotline", &u.hotline)],
    );
    let _ = write!(s, ". {contact}");
    s
}

fn prelude(theme: &Theme, site: &UnitSite, template: &str, v: Variant, palette: &str) -> String {
    let colours = match (palette, theme.print.as_ref()) {
        ("theme", Some(p)) => colours_for(theme, &p.campaign_colour, v),
        ("theme", None) => colours_for(theme, crate::colour::CITY_BLUE, v),
        _ => colours(theme, site.unit, v),
    };
    format!(
        "#import \"/print/lib.typ\": *\n#import \"/print/{template}\": render\n#let colours = {colours}\n"
    )
}

/// An infographic as drawn for a unit: its spec, steps and guide, and
/// its text alternative.
struct Drawn<'a, 'p> {
    spec: &'a Doc<InfographicSpec>,
    steps: &'a [DrawnStep],
    guide: Option<&'p crate::content::Guide>,
    alt: &'a str,
}

/// What one exported file of an infographic is drawn on.
struct Sheet<'a> {
    canvas: &'a Canvas,
    variant: Variant,
    /// The build date line (posters only: pictures for screens carry none).
    printed: Option<&'a str>,
}

/// The source of one infographic file, or of one of its layers
/// (`Part::Guide`: the unit's data stand-ins and its slots empty, the same
/// for every unit of a colour; `Part::Pieces`: the unit's slots), and the
/// QR codes it draws.
fn infographic_source(
    theme: &Theme,
    site: &UnitSite,
    (spec, steps, guide): (
        &Doc<InfographicSpec>,
        &[DrawnStep],
        Option<&crate::content::Guide>,
    ),
    sheet: &Sheet,
    part: Part,
) -> (String, Vec<Vec<u8>>) {
    let codes = crate::print::qr::Codes::new(sheet.variant == Variant::Press);
    let (c, v) = (sheet.canvas, sheet.variant);
    let m = &spec.meta;
    let mut s = prelude(theme, site, TEMPLATE, v, &m.palette);
    let unit_len = if c.poster { "mm" } else { "pt" };
    let steps_t: String = steps
        .iter()
        .map(|st| {
            format!(
                "(icon: {}, text: {}),",
                st.icon
                    .as_ref()
                    .map_or("none".to_owned(), |i| lit(&format!("/img/icon-{i}.svg"))),
                lit(&st.text)
            )
        })
        .collect();
    let callouts: String = m.callouts.iter().map(|c| format!("{},", lit(c))).collect();
    let base = &site.unit.data.base_url;
    let (url, short) = match guide {
        Some(g) => (
            format!("{base}{}", crate::paths::guide_folder(&g.doc.slug)),
            format!("{base}g/{}/", crate::shortlinks::code(site.project, g)),
        ),
        None => (base.clone(), base.clone()),
    };
    // A guide's layer is the same for every unit: its links are stand-ins
    // too (drawn only in the slots).
    let (url, short) = match part {
        Part::Guide => (STAND_IN.to_owned(), STAND_IN.to_owned()),
        _ => (url, short),
    };
    let qr = match guide {
        Some(_) => codes.dict(&url),
        None => "none".to_owned(),
    };
    let shown = short
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let date = guide.map_or(crate::content::date::CAMPAIGN_START, |g| {
        g.doc.meta.last_reviewed
    });
    // Share of the canvas for the header band and the footer band.
    // A link preview (1200 x 630) shows the headline, not the steps.
    let compact = !c.poster && c.height < 700;
    let (head, foot) = if compact {
        (0.62, 0.3)
    } else if c.width > c.height * 3 / 2 {
        (0.36, 0.2)
    } else if c.height > c.width * 5 / 4 {
        (0.24, 0.14)
    } else {
        (0.23, 0.18)
    };
    let d = format!(
        "({} section-level: 2, width: {}{unit_len}, height: {}{unit_len}, head: {head}, foot: {foot}, compact: {compact}, title: {}, subtitle: {}, steps: ({steps_t}), callouts: ({callouts}), qr: {qr}, url: {}, short-url: {}, short-url-href: {}, compose: {}{})",
        settings(site, (theme, TEMPLATE), v, (&m.title, date), part)
            .replace(crate::print::document::SIZE, "10pt"),
        c.width,
        c.height,
        lit(&m.title),
        m.subtitle.as_deref().map_or("none".to_owned(), lit),
        lit(&url),
        lit(&shown),
        lit(&short),
        part.compose_value(),
        sheet
            .printed
            .map_or(String::new(), |p| format!(", printed: {p}")),
    );
    let _ = match part {
        Part::Pieces => writeln!(
            s,
            "#import \"/print/{TEMPLATE}\": slots\n#{{\n  let d = {d}\n  pieces(d, slots(d))\n}}"
        ),
        _ => writeln!(s, "#render({d})"),
    };
    (s, codes.into_inner())
}

/// A render failure as a diagnostic: an overflowing text is located in the
/// spec (step N, callout N, the title…) and quoted.
fn failure(
    f: Failure,
    path: &std::path::Path,
    text: &str,
    spec: Option<&InfographicSpec>,
    hint: &str,
) -> Diagnostic {
    match f {
        Failure::Overflow(what) => {
            let name = what.rsplit(':').next().unwrap_or(&what).trim().to_owned();
            let offending = spec.and_then(|m| {
                let n = |p: &str| name.strip_prefix(p).and_then(|x| x.parse::<usize>().ok());
                if let Some(i) = n("step-") {
                    m.steps.get(i - 1).map(|s| s.text.clone())
                } else if let Some(i) = n("callout-") {
                    m.callouts.get(i - 1).cloned()
                } else if name == "title" {
                    Some(m.title.clone())
                } else if name == "subtitle" {
                    m.subtitle.clone()
                } else {
                    None
                }
            });
            let d = Diagnostic::error(match &offending {
                Some(t) => format!("text does not fit ({what}): \"{t}\""),
                None => format!("text does not fit ({what})"),
            });
            let d = match offending
                .as_deref()
                .and_then(|t| text.find(t).map(|o| (o, t.len())))
            {
                Some((o, len)) => d.at_offset(path, text, o, len),
                None => d.in_file(path),
            };
            d.hint(hint)
        }
        Failure::Error {
            file,
            line,
            message,
        } => Diagnostic::error(format!("image template {file}, line {line}: {message}"))
            .in_file(path)
            .hint(
                "the theme's print templates could not draw this; check the template at that line",
            ),
    }
}
