//! The theme's print settings (`print/formats.yaml`): which formats exist,
//! the text sizes sotay may try, and the press colours.

use serde::Deserialize;

use crate::diag::Diagnostic;

pub const FILE: &str = "formats.yaml";
/// Smallest legible size for a leaflet a citizen reads, in points.
pub const MIN_SIZE: f32 = 8.0;
/// Smallest size of large print, for older readers.
pub const LARGE_MIN_SIZE: f32 = 14.0;

/// Whom a format is for, and so which guides it carries (site.yaml's
/// `print.large_print` and `print.staff` name the audiences).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Readers {
    /// Every guide; a handbook leaves out guides only for staff.
    #[default]
    Everyone,
    /// Guides for a large-print audience, in type of 14 pt at least.
    LargePrint,
    /// Guides only for staff (a handbook of their own).
    Staff,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Formats {
    pub formats: Vec<Format>,
    pub sizes: Vec<f32>,
    pub colours: PressColours,
    /// The campaign's colour, for visuals with `palette: theme`.
    #[serde(default = "campaign_colour")]
    pub campaign_colour: String,
    /// The smallest size at which a leaflet carries the whole guide; a
    /// guide that needs smaller type is condensed instead (condensed and
    /// shorter forms use every size).
    #[serde(default = "whole_guide_min_size")]
    pub whole_guide_min_size: f32,
}

fn whole_guide_min_size() -> f32 {
    9.0
}

fn campaign_colour() -> String {
    crate::colour::CITY_BLUE.into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Format {
    pub slug: String,
    pub name: String,
    pub template: String,
    /// `leaflet` (one per guide) or `handbook` (one per unit).
    pub kind: String,
    /// Pages a leaflet must have; more means its content overflowed.
    #[serde(default)]
    pub pages: Option<usize>,
    /// Whom it is for (`everyone`, `large-print`, `staff`).
    #[serde(default, rename = "for")]
    pub readers: Readers,
    /// Its own text sizes, largest first, instead of the theme's `sizes`.
    #[serde(default)]
    pub sizes: Option<Vec<f32>>,
    /// The trim size in mm, width by height (the PDF's TrimBox): what a print
    /// shop's order sheet gives as the size; left blank there without it.
    #[serde(default)]
    pub trim_mm: Option<[f32; 2]>,
}

impl Format {
    /// The smallest type this format may set.
    pub fn min_size(&self) -> f32 {
        if self.readers == Readers::LargePrint {
            LARGE_MIN_SIZE
        } else {
            MIN_SIZE
        }
    }

    /// Whether a guide goes into this format: its audiences against
    /// site.yaml's large-print and staff audiences (a guide is for staff
    /// only when every audience it names is a staff one).
    pub fn takes(&self, audiences: &[String], print: &crate::content::PrintConfig) -> bool {
        let staff_only = !audiences.is_empty() && audiences.iter().all(|a| print.staff.contains(a));
        match self.readers {
            Readers::Everyone => self.kind == "leaflet" || !staff_only,
            Readers::LargePrint => audiences.iter().any(|a| print.large_print.contains(a)),
            Readers::Staff => staff_only,
        }
    }

    /// Whether a leaflet whose source holds `letters` letters cannot
    /// possibly fit its pages, even at `MIN_SIZE` on A4: then it is reported
    /// at once instead of being laid out at every size (a pasted 500 KB
    /// guide took minutes). Generous on purpose: a letter at 8 pt needs
    /// about 3.6 × 9.6 pt of page, and a page is never fuller than A4.
    pub fn cannot_hold(&self, letters: usize) -> bool {
        const A4: f32 = 595.0 * 842.0;
        const LETTER: f32 = 0.45 * MIN_SIZE * 1.2 * MIN_SIZE;
        self.pages
            .is_some_and(|pages| letters as f32 > pages as f32 * A4 / LETTER)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PressColours {
    pub ink: [f32; 4],
    pub alert: [f32; 4],
    pub rule: [f32; 4],
}

impl Default for PressColours {
    fn default() -> Self {
        Self {
            ink: [0.0, 0.0, 0.0, 100.0],
            alert: [0.0, 95.0, 90.0, 15.0],
            rule: [0.0, 0.0, 0.0, 35.0],
        }
    }
}

impl Formats {
    /// Parse and check the theme's settings; `None` when the theme has no
    /// print folder (then the build makes no PDFs).
    pub fn load(
        files: &std::collections::BTreeMap<String, String>,
        theme_dir: &str,
    ) -> Result<Option<Formats>, Diagnostic> {
        let Some(text) = files.get(FILE) else {
            return Ok(None);
        };
        let path = format!("{theme_dir}/print/{FILE}");
        let f: Formats = yaml_serde::from_str(text).map_err(|e| {
            let line = e.location().map_or(1, |l| l.line());
            Diagnostic::error(format!("print settings: {e}"))
                .at(std::path::Path::new(&path), text, line, 1, 1)
                .hint("see the comments in themes/default/print/formats.yaml")
        })?;
        let bad = |msg: String, hint: &str| {
            Err(Diagnostic::error(msg)
                .in_file(std::path::Path::new(&path))
                .hint(hint.to_owned()))
        };
        if f.sizes.is_empty() || f.sizes.iter().any(|s| *s < MIN_SIZE) {
            return bad(
                format!("print sizes must be listed and at least {MIN_SIZE} pt"),
                "text smaller than 8 pt is too small for many readers; shorten the content instead",
            );
        }
        for fmt in &f.formats {
            if !files.contains_key(&fmt.template) {
                return bad(
                    format!(
                        "format `{}` uses missing template `{}`",
                        fmt.slug, fmt.template
                    ),
                    "add the .typ file beside formats.yaml or fix the name",
                );
            }
            let sizes = fmt.sizes.as_deref().unwrap_or(&f.sizes);
            if sizes.is_empty() || sizes.iter().any(|s| *s < fmt.min_size()) {
                return bad(
                    format!(
                        "format `{}` sets text below {} pt",
                        fmt.slug,
                        fmt.min_size()
                    ),
                    "large print is at least 14 pt, every other format at least 8 pt; give the format its own `sizes`",
                );
            }
            if let Some(trim) = fmt.trim_mm
                && !trim
                    .iter()
                    .all(|mm| mm.is_finite() && *mm > 0.0 && *mm <= 2000.0)
            {
                return bad(
                    format!("format `{}` has trim_mm {trim:?}", fmt.slug),
                    "trim_mm is the finished size in mm, width then height, e.g. [148, 210] for A5",
                );
            }
            if !matches!(fmt.kind.as_str(), "leaflet" | "handbook") {
                return bad(
                    format!("format `{}` has unknown kind `{}`", fmt.slug, fmt.kind),
                    "kind is leaflet (one per guide) or handbook (one per unit)",
                );
            }
        }
        Ok(Some(f))
    }

    /// The sizes a leaflet in `form` is tried at, largest first, from
    /// `start` down (the size the download version needed, for the press one).
    pub fn sizes_for(
        &self,
        format: &Format,
        form: crate::print::Form,
        start: Option<f32>,
    ) -> Vec<f32> {
        let all = self.sizes_of(format);
        let whole = form == crate::print::Form::Full;
        let whole_min = self.whole_guide_min_size.max(format.min_size());
        let sizes: Vec<f32> = all
            .iter()
            .copied()
            .filter(|s| start.is_none_or(|start| *s <= start))
            .filter(|s| !whole || *s >= whole_min)
            .collect();
        if sizes.is_empty() && whole {
            // A theme whose sizes are all below the minimum still tries one.
            all.first().copied().into_iter().collect()
        } else {
            sizes
        }
    }

    /// A format's sizes: its own, or the theme's.
    pub fn sizes_of<'a>(&'a self, format: &'a Format) -> &'a [f32] {
        format.sizes.as_deref().unwrap_or(&self.sizes)
    }

    /// Every handbook format (the citizens', large print, staff…).
    pub fn handbooks(&self) -> impl Iterator<Item = &Format> {
        self.formats.iter().filter(|f| f.kind == "handbook")
    }

    pub fn leaflets(&self) -> impl Iterator<Item = &Format> {
        self.formats.iter().filter(|f| f.kind == "leaflet")
    }

    /// The handbook for everyone, which pages link.
    pub fn handbook(&self) -> Option<&Format> {
        self.handbooks().find(|f| f.readers == Readers::Everyone)
    }
}
