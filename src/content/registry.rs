//! The city's registry of units (`content/registry.yaml`): every phường and
//! xã of Hà Nội and the city's departments, with their official names, so
//! the city can see a unit nobody has set up, not only the ones with a file
//! in `content/units/`. Optional: a project without it has only its unit
//! files.

use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;

use super::frontmatter::{Key, Yaml};
use super::model::{OutputsConfig, SiteConfig, Unit, UnitFile};
use super::source::Source;
use crate::diag::{Diagnostic, Sink, closest};

pub const FILE: &str = "content/registry.yaml";

const KEYS: &[Key] = &[Key("units", true)];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegistryFile {
    units: Vec<Registered>,
}

/// One unit as the city registers it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registered {
    /// The official name ("Phường Hoàn Kiếm", "Sở Tư pháp").
    pub name: String,
    /// A shorter name for messages and narrow places, when the official
    /// one is long; the name otherwise.
    #[serde(default)]
    pub short_name: Option<String>,
    /// A key of site.yaml's `unit_kinds`.
    pub kind: String,
    /// The unit's folder and file name (`phuong-hoan-kiem`).
    pub slug: String,
    /// The former units it was formed from, as the resolution words it.
    #[serde(default)]
    pub formed_from: Option<String>,
    /// Its public-service point, only as a published source gives it.
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    /// Which of the sources in the file's header gave it.
    #[serde(default)]
    pub source: Option<u32>,
    /// False when no published source confirmed it.
    #[serde(default = "confirmed")]
    pub verified: bool,
}

fn confirmed() -> bool {
    true
}

/// The registry, with its source for locating problems.
#[derive(Debug, Default)]
pub struct Registry {
    pub units: Vec<Registered>,
    pub source: Option<Arc<Source>>,
}

impl Registry {
    pub fn get(&self, slug: &str) -> Option<&Registered> {
        self.units.iter().find(|u| u.slug == slug)
    }

    /// The file's line where `slug` is registered for the `nth` time.
    fn line_of(&self, slug: &str, nth: usize) -> Option<(usize, usize)> {
        let src = self.source.as_ref()?;
        src.text
            .lines()
            .enumerate()
            .filter_map(|(i, line)| {
                let value = line.trim_start().trim_start_matches("- ");
                let value = value.strip_prefix("slug:")?.trim().trim_matches('"');
                (value == slug).then(|| (i + 1, line.find("slug:").unwrap_or(0) + 1))
            })
            .nth(nth)
    }

    fn error_at(&self, slug: &str, nth: usize, message: String) -> Diagnostic {
        let d = Diagnostic::error(message);
        match (&self.source, self.line_of(slug, nth)) {
            (Some(src), Some((line, col))) => d.at(&src.path, &src.text, line, col, 5),
            (Some(src), None) => d.in_file(&src.path),
            _ => d,
        }
    }
}

/// Read `content/registry.yaml` if the project has one.
pub fn load(root: &Path, read: impl Fn(&Path) -> Option<Source>, sink: &Sink) -> Registry {
    let path = root.join(FILE);
    if !path.is_file() {
        return Registry::default();
    }
    let Some(src) = read(&path) else {
        return Registry::default();
    };
    let yaml = Yaml {
        text: &src.text,
        first_line: 1,
    };
    match super::frontmatter::parse::<RegistryFile>(&src, &yaml, KEYS, "registry") {
        Ok(file) => Registry {
            units: file.units,
            source: Some(Arc::new(src)),
        },
        Err(ds) => {
            sink.extend(ds);
            Registry::default()
        }
    }
}

/// Each entry's slug well formed and unique, its kind one of site.yaml's,
/// its name given; each unit file registered (a warning: a unit may be
/// set up before the registry is updated).
pub fn check(p: &super::Project, sink: &Sink) {
    let r = &p.registry;
    let kinds: Vec<&str> = p.site.unit_kinds.iter().map(|(k, _)| k.as_str()).collect();
    let mut seen: std::collections::HashMap<&str, usize> = Default::default();
    for u in &r.units {
        let nth = seen.entry(u.slug.as_str()).or_default();
        if *nth > 0 {
            sink.push(
                r.error_at(
                    &u.slug,
                    *nth,
                    format!("unit `{}` is registered twice", u.slug),
                )
                .hint("keep one entry per unit; two units with the same name need different slugs"),
            );
        }
        let here = *nth;
        *nth += 1;
        if crate::text::slugify(&u.slug) != u.slug {
            sink.push(
                r.error_at(
                    &u.slug,
                    here,
                    format!("`{}` cannot be used as a web address", u.slug),
                )
                .hint(format!(
                    "use `{}` (lowercase, no diacritics, words joined by -)",
                    crate::text::slugify(&u.slug)
                )),
            );
        }
        if !kinds.contains(&u.kind.as_str()) {
            sink.push(
                r.error_at(
                    &u.slug,
                    here,
                    format!(
                        "unit `{}` has kind `{}`, which site.yaml does not define",
                        u.slug, u.kind
                    ),
                )
                .hint(format!(
                    "use one of the kinds in site.yaml's unit_kinds: {}",
                    kinds.join(", ")
                )),
            );
        }
        if u.name.trim().is_empty() {
            sink.push(
                r.error_at(&u.slug, here, format!("unit `{}` has no name", u.slug))
                    .hint("write its official name, as the resolution that formed it does"),
            );
        }
    }
    if r.source.is_none() {
        return;
    }
    let slugs: Vec<&str> = r.units.iter().map(|u| u.slug.as_str()).collect();
    for unit in &p.units {
        let message = match r.get(&unit.slug) {
            None => format!("unit `{}` is not in the city's registry", unit.slug),
            Some(reg) if reg.kind != unit.data.kind => format!(
                "unit `{}` is a `{}` in its file but a `{}` in the registry",
                unit.slug, unit.data.kind, reg.kind
            ),
            Some(_) => continue,
        };
        let hint = match closest(&unit.slug, slugs.iter().copied()) {
            Some(near) => format!("did you mean `{near}`? Rename the unit file, or correct {FILE}"),
            None => {
                format!("add it to {FILE}, with its official name and the source that names it")
            }
        };
        sink.push(
            Diagnostic::warning(message)
                .in_file(&unit.source.path)
                .hint(hint),
        );
    }
}

/// A unit for every registered one without a unit file, when site.yaml has
/// `registry_sites:`: the registry's name and kind, its sourced address and
/// phone or else the defaults (a missing value stays missing, never made
/// up), the base URL from the pattern, and no guides of its own.
pub fn sites(site: &SiteConfig, registry: &Registry, units: &[Unit]) -> Vec<Unit> {
    let (Some(defaults), Some(source)) = (&site.registry_sites, &registry.source) else {
        return Vec::new();
    };
    registry
        .units
        .iter()
        .filter(|r| !units.iter().any(|u| u.slug == r.slug))
        .map(|r| {
            let colour = defaults
                .colour
                .clone()
                .unwrap_or_else(|| crate::colour::CITY_BLUE.to_owned());
            let address = r.address.clone();
            let address = address.unwrap_or_else(|| defaults.address.replace("{name}", &r.name));
            Unit {
                slug: r.slug.clone(),
                source: Arc::clone(source),
                colour: colour.clone(),
                data: UnitFile {
                    name: r.name.clone(),
                    short_name: r.short_name.clone().unwrap_or_else(|| r.name.clone()),
                    kind: r.kind.clone(),
                    parent: None,
                    base_url: defaults.unit_url.replace("{slug}", &r.slug),
                    colour,
                    logo: None,
                    address,
                    hours: Vec::new(),
                    hotline: r.phone.clone().unwrap_or_else(|| defaults.hotline.clone()),
                    email: None,
                    zalo: None,
                    exclude: Vec::new(),
                    popular: None,
                    print_shop: None,
                    outputs: OutputsConfig::default(),
                    portal_page: None,
                    kiosk: Default::default(),
                },
                guides: Vec::new(),
                from_registry: true,
            }
        })
        .collect()
}

/// `registry_sites:` once, at its lines in site.yaml: the URL pattern is a
/// web address with `{slug}`, the colour one white text reads on; and it
/// needs a registry to make sites from.
pub fn check_sites(p: &super::Project, sink: &Sink) {
    let Some(d) = &p.site.registry_sites else {
        return;
    };
    let src = &p.site_source;
    // The key's line within the block (after `registry_sites:`).
    let lines: Vec<&str> = src.text.lines().collect();
    let block = lines
        .iter()
        .position(|l| l.starts_with("registry_sites:"))
        .unwrap_or(0);
    let at = |key: &str, m: String| {
        let line = lines[block..]
            .iter()
            .position(|l| l.trim_start().starts_with(&format!("{key}:")))
            .map_or(block + 1, |i| block + i + 1);
        Diagnostic::error(m).at(&src.path, &src.text, line, 1, 1)
    };
    if p.registry.source.is_none() {
        sink.push(
            Diagnostic::warning("registry_sites: makes sites for the units of content/registry.yaml, and there is none")
                .in_file(&src.path)
                .hint("add content/registry.yaml (see README.md, The city's registry), or remove registry_sites:"),
        );
    }
    if !super::load::is_absolute_url(&d.unit_url) || !d.unit_url.contains("{slug}") {
        sink.push(at("unit_url", format!("unit_url `{}` is not a web address with {{slug}} in it", d.unit_url))
            .hint("e.g. unit_url: \"https://sotay.hanoi.gov.vn/{slug}/\" ({slug} becomes each unit's file name)"));
    }
    if let Some(c) = &d.colour {
        match crate::colour::parse_hex(c) {
            None => sink.push(
                at("colour", format!("`{c}` is not a colour"))
                    .hint("write a hex colour in quotes, e.g. colour: \"#0b5394\""),
            ),
            Some(rgb) if crate::colour::ensure_contrast_with_white(rgb) != rgb => sink.push(
                at(
                    "colour",
                    format!("colour {c} is too light for white text (WCAG 2.1 AA)"),
                )
                .hint(format!(
                    "use a darker colour, e.g. \"{}\"",
                    crate::colour::to_hex(crate::colour::ensure_contrast_with_white(rgb))
                )),
            ),
            Some(_) => {}
        }
    }
}
