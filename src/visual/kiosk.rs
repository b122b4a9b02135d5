//! The kiosk screen for the one-stop desk (`trinh-chieu/index.html`): the
//! unit's infographics on the LED canvas (1920 x 1080) and its guides' titles
//! with their QR codes, one at a time, opened from disk on the PC that drives
//! the screen. The page is plain HTML (every slide readable without
//! JavaScript); the theme's `trinh-chieu.js` shows one slide at a time on one
//! timer, reusing the same elements, so it can run for days.
//!
//! It lives beside the pictures because it shows them and uses print's QR
//! codes (`print::qr`), which `render/` sits below; it is a page all the same
//! (`Stage::Pages`).

use serde::Serialize;

use crate::content::frontmatter::{Yaml, locate_value};
use crate::content::{Doc, InfographicSpec, KioskConfig, Project, YamlFile};
use crate::diag::{Diagnostic, Sink, closest};
use crate::output::{Depends, Output};
use crate::render::{Rendered, Renderer, Shared, Stats};
use crate::resolve::UnitSite;

/// The theme's template; a theme without it has no kiosk screen.
const TEMPLATE: &str = "kiosk.html";
/// The canvas the LED screen shows.
const CANVAS: &str = "ngang";
/// Seconds a slide stays when neither site.yaml nor the unit says.
pub const DEFAULT_SECONDS: u32 = 12;
/// Shortest and longest time a slide may stay: long enough to scan a QR
/// code from the queue, short enough that the screen visibly changes.
pub const SECONDS: std::ops::RangeInclusive<u32> = 5..=600;

/// `kiosk:` for one unit: its own file's keys, else site.yaml's, else the
/// defaults.
pub struct Settings<'p> {
    pub seconds: u32,
    /// Infographic slugs in order; `None`: every one drawn for the screen.
    pub infographics: Option<&'p [String]>,
}

impl<'p> Settings<'p> {
    pub fn of(p: &'p Project, unit: &'p crate::content::Unit) -> Self {
        let (own, site) = (&unit.data.kiosk, &p.site.kiosk);
        Self {
            seconds: own.seconds.or(site.seconds).unwrap_or(DEFAULT_SECONDS),
            infographics: own.infographics.as_deref().or(site.infographics.as_deref()),
        }
    }
}

/// Whether an infographic is drawn on the LED screen's canvas.
fn on_screen(spec: &InfographicSpec) -> bool {
    spec.formats.is_empty() || spec.formats.iter().any(|f| f == CANVAS)
}

/// Check `kiosk:` in site.yaml and every unit file: a duration in range,
/// infographics that exist, once each, drawn for the screen; a unit's own
/// list names only infographics it shows. Each problem at its line.
pub fn validate(p: &Project, sink: &Sink) {
    let site = Yaml {
        text: &p.site_source.text,
        first_line: 1,
    };
    let at_site = |value: &str, d: Diagnostic| match locate_value(&site, "kiosk", value) {
        Some((line, col, len)) => d.at(&p.site_source.path, &p.site_source.text, line, col, len),
        None => d.in_file(&p.site_source.path),
    };
    for d in problems(p, &p.site.kiosk, None) {
        sink.push(at_site(&d.0, d.1));
    }
    for u in &p.units {
        for (value, d) in problems(p, &u.data.kiosk, Some(u)) {
            sink.push(u.locate("kiosk", Some(&value), d));
        }
    }
}

/// The problems of one `kiosk:` block, each with the text to point at.
fn problems(
    p: &Project,
    k: &KioskConfig,
    unit: Option<&crate::content::Unit>,
) -> Vec<(String, Diagnostic)> {
    let mut found = Vec::new();
    if let Some(s) = k.seconds
        && !SECONDS.contains(&s)
    {
        found.push((
            "seconds".to_owned(),
            Diagnostic::error(format!(
                "kiosk.seconds is {s}; a slide stays {} to {} seconds",
                SECONDS.start(),
                SECONDS.end()
            ))
            .hint(format!(
                "write e.g. `seconds: {DEFAULT_SECONDS}`: long enough to read a title and scan its QR code"
            )),
        ));
    }
    let slugs: Vec<&str> = p.infographics.iter().map(|i| i.slug.as_str()).collect();
    let mut seen = std::collections::BTreeSet::new();
    for slug in k.infographics.iter().flatten() {
        let problem = if !seen.insert(slug) {
            Some(
                Diagnostic::error(format!("infographic `{slug}` is listed twice in kiosk"))
                    .hint("list each infographic once; every slide stays the same time"),
            )
        } else {
            match p.infographics.iter().find(|i| &i.slug == slug) {
                None => Some(unknown(slug, &slugs)),
                Some(spec) => listed_problem(p, spec, unit),
            }
        };
        if let Some(d) = problem {
            found.push((slug.clone(), d));
        }
    }
    found
}

fn unknown(slug: &str, slugs: &[&str]) -> Diagnostic {
    let hint = match closest(slug, slugs.iter().copied()) {
        Some(c) => format!(
            "did you mean `{c}`? Infographics are the files in content/infographics/, without .yaml"
        ),
        None => "write the file name of an infographic in content/infographics/, without .yaml"
            .to_owned(),
    };
    Diagnostic::error(format!("unknown infographic `{slug}` in kiosk")).hint(hint)
}

/// A listed infographic the screen cannot show: not drawn on its canvas, or
/// (in a unit's file) about a guide the unit does not publish.
fn listed_problem(
    p: &Project,
    spec: &Doc<InfographicSpec>,
    unit: Option<&crate::content::Unit>,
) -> Option<Diagnostic> {
    let slug = &spec.slug;
    if !on_screen(&spec.meta) {
        return Some(
            Diagnostic::error(format!(
                "infographic `{slug}` is not drawn for the LED screen (its formats leave out `{CANVAS}`)"
            ))
            .hint(format!(
                "add `{CANVAS}` to its formats in content/infographics/{slug}.yaml, or take it off this list"
            )),
        );
    }
    let (unit, guide) = (unit?, spec.meta.guide.as_deref()?);
    (!p.publishes(unit, guide)).then(|| {
        Diagnostic::error(format!(
            "infographic `{slug}` is about `{guide}`, which this unit does not publish"
        ))
        .hint("take it off this unit's kiosk list, or publish the guide")
    })
}

/// The kiosk screen of each unit.
pub struct Kiosk;

#[derive(Serialize)]
struct Picture {
    title: String,
    image: String,
    alt: String,
}

#[derive(Serialize)]
struct GuideSlide<'a> {
    title: &'a str,
    summary: &'a str,
    /// The QR code's image, relative to the page.
    qr: String,
    /// The short link, shown under the code for those who type it.
    short: String,
}

impl Renderer for Kiosk {
    fn name(&self) -> &'static str {
        "kiosk"
    }

    fn render(&self, site: &UnitSite, sh: &Shared, out: &Output) -> Rendered {
        if !sh.theme.tera.contains_template(TEMPLATE) {
            return Ok(Stats::default());
        }
        let settings = Settings::of(site.project, site.unit);
        let (guides, mut errors) = guide_slides(site, out);
        let page = crate::paths::in_unit(&site.unit.slug, crate::paths::KIOSK);
        // Loose: an infographic's text alternative follows its guide's step
        // titles, which the frame key does not cover.
        let made = out.emit(&page, Depends::Loose, || {
            let mut ctx = crate::render::pages::page_context(site, sh, crate::paths::KIOSK, "", "");
            ctx.insert("pictures", &pictures(site, sh, &settings));
            ctx.insert("guides", &guides);
            ctx.insert("seconds", &settings.seconds);
            sh.template(TEMPLATE, &ctx, &page)
        });
        if let Err(d) = made {
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

/// The infographics the screen shows, when the build makes pictures: the
/// listed ones (or all) that the unit shows and that are drawn for the screen.
fn pictures(site: &UnitSite, sh: &Shared, settings: &Settings) -> Vec<Picture> {
    if !sh.media.linked() {
        return Vec::new();
    }
    let shown: Vec<&Doc<InfographicSpec>> =
        site.infographics().filter(|i| on_screen(&i.meta)).collect();
    let chosen: Vec<&Doc<InfographicSpec>> = match settings.infographics {
        Some(list) => list
            .iter()
            .filter_map(|s| shown.iter().copied().find(|i| &i.slug == s))
            .collect(),
        None => shown,
    };
    let canvas = crate::engine::canvas::CANVASES
        .iter()
        .find(|c| c.slug == CANVAS)
        .expect("the LED canvas is defined");
    chosen
        .into_iter()
        .map(|spec| {
            let (steps, _) = super::drawn_steps(site, spec);
            Picture {
                title: spec.meta.title.clone(),
                image: format!(
                    "../{}",
                    crate::paths::picture_png(&spec.slug, canvas.slug, canvas.width, canvas.height)
                ),
                alt: super::alt_text(&sh.theme.text, &spec.meta, &steps, site),
            }
        })
        .collect()
}

/// Each guide's slide, its QR code written beside the page (made only when
/// the unit's frame changed: the code depends on its address alone).
fn guide_slides<'p>(site: &UnitSite<'p>, out: &Output) -> (Vec<GuideSlide<'p>>, Vec<Diagnostic>) {
    let unit = &site.unit.slug;
    let base = &site.unit.data.base_url;
    let mut errors = Vec::new();
    let slides = site
        .ordered()
        .map(|g| {
            let slug = &g.doc.slug;
            let path = crate::paths::in_unit(unit, &crate::paths::kiosk_qr(slug));
            let made = out.emit(&path, Depends::Frame { unit }, || {
                let url = format!("{base}{}", crate::paths::guide_folder(slug));
                crate::print::qr::png(&url).map(|(_, png)| png).map_err(|e| {
                    Diagnostic::error(e)
                        .in_file(&site.unit.source.path)
                        .hint("shorten base_url: the kiosk screen shows each guide's address as a QR code")
                })
            });
            if let Err(d) = made {
                errors.push(d);
            }
            let short = format!("{base}g/{}/", crate::shortlinks::code(site.project, g));
            GuideSlide {
                title: &g.doc.meta.title,
                summary: &g.doc.meta.summary,
                qr: crate::paths::kiosk_qr_in_kiosk(slug),
                short: shown_link(&short),
            }
        })
        .collect();
    (slides, errors)
}

/// A link as people type it: no scheme, no trailing slash.
fn shown_link(url: &str) -> String {
    url.trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned()
}
