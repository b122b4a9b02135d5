//! The content model: what editors write, as typed values. Field lists next
//! to each struct are the schema that unknown-key checks use.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize};

use super::date::Date;
use super::fee::Fee;
use super::frontmatter::Key;
use super::source::Source;
use crate::markdown::Document;

/// `content/site.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    pub title: String,
    pub slogan: String,
    /// The campaign's other slogans by name, in the order written: messages
    /// use them as `((khau hieu <name>))`, audience pages show those tied
    /// to their audience.
    #[serde(default, deserialize_with = "ordered_map")]
    pub slogans: Vec<(String, Slogan)>,
    pub description: String,
    pub base_url: String,
    #[serde(deserialize_with = "ordered_map")]
    pub unit_kinds: Vec<(String, String)>,
    pub audiences: Vec<Term>,
    pub categories: Vec<Term>,
    #[serde(default)]
    pub required: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub popular: Vec<String>,
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Settings of `sotay check` (plain-language limits, review age…).
    #[serde(default)]
    pub check: CheckConfig,
    /// The print-shop profile (`content/print/<slug>.yaml`) for press PDFs,
    /// unless a unit names its own.
    #[serde(default)]
    pub print_shop: Option<String>,
    /// What every unit's site carries besides its pages (a unit may say
    /// otherwise in its own file).
    #[serde(default)]
    pub outputs: OutputsConfig,
    /// Settings of the PDFs (`print:`).
    #[serde(default)]
    pub print: PrintConfig,
    /// How people ask (`search:`): synonyms and abbreviations for the
    /// search page and the chatbot file.
    #[serde(default)]
    pub search: SearchConfig,
    /// The chatbot knowledge file (`chatbot:`, `api/v1/hoi-dap.*`).
    #[serde(default)]
    pub chatbot: ChatbotConfig,
    /// Whom a unit's webmaster calls about the site (`webmaster_help:`),
    /// named on every webmaster page.
    #[serde(default)]
    pub webmaster_help: Option<WebmasterHelp>,
    /// A site for every registered unit without a file of its own
    /// (`registry_sites:`), from its registry entry and these defaults.
    #[serde(default)]
    pub registry_sites: Option<RegistrySites>,
    /// The kiosk screen at the one-stop desk (`kiosk:`); a unit may say
    /// otherwise in its own file.
    #[serde(default)]
    pub kiosk: KioskConfig,
    /// `video:`: what sotay says about video files (`content::video`).
    #[serde(default)]
    pub video: VideoConfig,
}

/// `video:` in site.yaml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VideoConfig {
    /// A video file (or poster) larger than this many MB is a warning:
    /// readers watch on phones on mobile data. Files are never re-encoded.
    pub max_mb: f64,
}

impl Default for VideoConfig {
    fn default() -> Self {
        Self { max_mb: 20.0 }
    }
}

/// `kiosk:` in site.yaml or a unit's file: what the one-stop desk's screen
/// (`trinh-chieu/`) shows and for how long. Unset keys fall back to
/// site.yaml, then to every infographic drawn for the LED screen and 12 s.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KioskConfig {
    /// Seconds each slide stays on screen.
    #[serde(default)]
    pub seconds: Option<u32>,
    /// Infographics (slugs) to show, in this order.
    #[serde(default)]
    pub infographics: Option<Vec<String>>,
}

/// `registry_sites:` in site.yaml: what a registered unit without a unit
/// file gets in place of one. Its name and kind come from the registry,
/// its address and phone too when the registry has a sourced one.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistrySites {
    /// The unit's base URL, `{slug}` standing for its file name:
    /// `https://sotay.hanoi.gov.vn/{slug}/`.
    pub unit_url: String,
    /// The hotline shown where the registry has no phone for the unit
    /// (the city's, 024 1022).
    pub hotline: String,
    /// Where to go in person when the registry has no address; `{name}`
    /// stands for the unit's name ("Điểm Phục vụ hành chính công {name}").
    pub address: String,
    /// The brand colour (the theme's city blue by default).
    #[serde(default)]
    pub colour: Option<String>,
}

/// `webmaster_help:` in site.yaml.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WebmasterHelp {
    pub name: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

/// `search:` in site.yaml.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SearchConfig {
    /// What people type -> the words the guides use, in the order written:
    /// `cccd: [căn cước công dân, căn cước]`. A query holding the key also
    /// searches for each of its words (checked by `content::asking`).
    #[serde(deserialize_with = "ordered_map")]
    pub synonyms: Vec<(String, Vec<String>)>,
}

/// `chatbot:` in site.yaml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ChatbotConfig {
    /// The longest short answer, in characters (a Zalo OA text reply, a
    /// chat bubble): summary, then fee, time and place while they fit.
    pub answer_chars: usize,
}

impl Default for ChatbotConfig {
    fn default() -> Self {
        Self { answer_chars: 400 }
    }
}

/// `print:` in site.yaml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PrintConfig {
    /// How many days a printed leaflet is expected to stay in use: a fee
    /// change within it is printed with its date, and the print index lists
    /// the PDFs to reprint on that day.
    pub horizon_days: u32,
    /// What a leaflet that does not fit even as step titles is: `error`
    /// (the default: the build reports it and exits with failure) or
    /// `warning`. Either way the web pages and every other PDF are
    /// published.
    pub overflow: Overflow,
    /// Audiences (slugs) that get large-print leaflets and a large-print
    /// handbook: older readers.
    pub large_print: Vec<String>,
    /// Audiences (slugs) of staff: a guide for them alone goes into the
    /// staff handbook, not the citizens'.
    pub staff: Vec<String>,
    /// Whether press leaflets and link previews whose template has slots
    /// are composed from the guide's shared layout and each unit's slots
    /// (the default) or laid out whole for every unit, as download PDFs
    /// always are: the same pages and pixels, several times slower; for
    /// checking a theme's slots.
    pub compose: bool,
}

impl Default for PrintConfig {
    fn default() -> Self {
        Self {
            horizon_days: 90,
            overflow: Overflow::Error,
            large_print: Vec::new(),
            staff: Vec::new(),
            compose: true,
        }
    }
}

/// `print.overflow` in site.yaml.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Overflow {
    Error,
    Warning,
}

/// A slogan of the campaign: `name: "text"`, or `name: {text, audiences}`
/// for one the plan addresses to some audiences only.
#[derive(Debug, Clone, Default)]
pub struct Slogan {
    pub text: String,
    /// Audience slugs it speaks to; empty: everyone.
    pub audiences: Vec<String>,
}

impl Slogan {
    /// Whether the slogan speaks to this audience.
    pub fn is_for(&self, audience: &str) -> bool {
        self.audiences.is_empty() || self.audiences.iter().any(|a| a == audience)
    }
}

impl<'de> Deserialize<'de> for Slogan {
    /// Text alone, or a mapping checked field by field (so a misspelt key is
    /// reported as such, not as "no variant matched").
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Full {
            text: String,
            #[serde(default)]
            audiences: Vec<String>,
        }
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Slogan;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("the slogan's text in quotes, or `text:` and `audiences:`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Slogan, E> {
                Ok(Slogan {
                    text: v.to_owned(),
                    audiences: Vec::new(),
                })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Slogan, A::Error> {
                let full = Full::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(Slogan {
                    text: full.text,
                    audiences: full.audiences,
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// `outputs:` in site.yaml or a unit's file. Widgets and the JSON API are
/// two thirds of a unit's files (four per guide); a unit whose portal
/// embeds nothing need not upload them. Unset means on.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputsConfig {
    /// `nhung/` (iframe pages, fragments, oEmbed, list and search widgets)
    /// and the webmaster page that shows them.
    pub widgets: Option<bool>,
    /// `api/v1/`: every guide as JSON (and the `<sotay-guide>` widget).
    pub api: Option<bool>,
}

/// `check:` in site.yaml. Every key is optional; defaults suit Vietnamese
/// public-service guides (GOV.UK's 25 words ≈ 35 syllables).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CheckConfig {
    /// A guide not reviewed for this many months is stale.
    pub review_months: u32,
    pub max_sentence_syllables: usize,
    pub max_paragraph_sentences: usize,
    pub max_steps: usize,
    /// Words a step title may start with (verb first). Extends the built-in list.
    pub step_verbs: Vec<String>,
    /// Abbreviation -> expansion; each must be expanded on first use. Extends the built-in list.
    pub abbreviations: BTreeMap<String, String>,
    /// `sotay check` lists the dated facts (fee rates, publish dates) that
    /// start or end within this many days of its date.
    pub look_ahead_days: u32,
}

impl Default for CheckConfig {
    fn default() -> Self {
        Self {
            review_months: 12,
            max_sentence_syllables: 35,
            max_paragraph_sentences: 5,
            max_steps: 10,
            step_verbs: Vec::new(),
            abbreviations: BTreeMap::new(),
            look_ahead_days: 60,
        }
    }
}

pub const SITE_KEYS: &[Key] = &[
    Key("title", true),
    Key("slogan", true),
    Key("slogans", false),
    Key("description", true),
    Key("base_url", true),
    Key("unit_kinds", true),
    Key("audiences", true),
    Key("categories", true),
    Key("required", false),
    Key("popular", false),
    Key("theme", false),
    Key("check", false),
    Key("print_shop", false),
    Key("outputs", false),
    Key("print", false),
    Key("search", false),
    Key("chatbot", false),
    Key("webmaster_help", false),
    Key("registry_sites", false),
    Key("kiosk", false),
    Key("video", false),
];

fn default_theme() -> String {
    "default".into()
}

/// An audience or a category.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    pub slug: String,
    pub name: String,
    pub description: String,
}

/// `content/units/<slug>.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitFile {
    pub name: String,
    pub short_name: String,
    pub kind: String,
    #[serde(default)]
    pub parent: Option<String>,
    pub base_url: String,
    pub colour: String,
    #[serde(default)]
    pub logo: Option<String>,
    pub address: String,
    pub hours: Vec<String>,
    pub hotline: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub zalo: Option<String>,
    #[serde(default)]
    pub exclude: Vec<Exclusion>,
    #[serde(default)]
    pub popular: Option<Vec<String>>,
    /// This unit's print shop (`content/print/<slug>.yaml`).
    #[serde(default)]
    pub print_shop: Option<String>,
    /// Overrides site.yaml's `outputs:` for this unit.
    #[serde(default)]
    pub outputs: OutputsConfig,
    /// The page of the unit's own portal (e.g. in a city CMS) that should
    /// carry the guides, through a widget or a link: `sotay verify` checks it.
    #[serde(default)]
    pub portal_page: Option<String>,
    /// Overrides site.yaml's `kiosk:` for this unit.
    #[serde(default)]
    pub kiosk: KioskConfig,
}

pub const UNIT_KEYS: &[Key] = &[
    Key("name", true),
    Key("short_name", true),
    Key("kind", true),
    Key("parent", false),
    Key("base_url", true),
    Key("colour", true),
    Key("logo", false),
    Key("address", true),
    Key("hours", true),
    Key("hotline", true),
    Key("email", false),
    Key("zalo", false),
    Key("exclude", false),
    Key("popular", false),
    Key("print_shop", false),
    Key("outputs", false),
    Key("portal_page", false),
    Key("kiosk", false),
];

/// A central guide a unit does not publish: a file name, or a file name with
/// the written reason the report shows (required guides need one).
#[derive(Debug, Clone)]
pub struct Exclusion {
    pub guide: String,
    pub reason: Option<String>,
}

/// `- slug` or `- {guide: slug, reason: "…"}`, with errors that say which
/// (an untagged enum would only say that neither matched).
impl<'de> Deserialize<'de> for Exclusion {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ExclusionVisitor)
    }
}

struct ExclusionVisitor;

impl<'de> serde::de::Visitor<'de> for ExclusionVisitor {
    type Value = Exclusion;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a guide's file name, or `{guide: <file name>, reason: \"…\"}`")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Exclusion, E> {
        Ok(Exclusion {
            guide: v.to_owned(),
            reason: None,
        })
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Exclusion, A::Error> {
        use serde::de::Error;
        let (mut guide, mut reason) = (None, None);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "guide" => guide = Some(map.next_value::<String>()?),
                "reason" => reason = Some(map.next_value::<String>()?),
                other => return Err(A::Error::unknown_field(other, &["guide", "reason"])),
            }
        }
        let guide = guide.ok_or_else(|| A::Error::missing_field("guide"))?;
        Ok(Exclusion { guide, reason })
    }
}

/// `content/print/<slug>.yaml`: what one print shop needs in a press PDF.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrintShop {
    pub name: String,
    /// Bleed on every side, in mm: 0, 1, 3 or 5.
    pub bleed_mm: u32,
    /// `none`, `crop` or `crop+registration`.
    pub marks: String,
    /// Write the guide's review date as the PDF's date (no date otherwise,
    /// so the same input gives the same bytes either way).
    #[serde(default)]
    pub date: bool,
    #[serde(default)]
    pub notes: Option<String>,
}

pub const PRINT_SHOP_KEYS: &[Key] = &[
    Key("name", true),
    Key("bleed_mm", true),
    Key("marks", true),
    Key("date", false),
    Key("notes", false),
];

pub const BLEEDS_MM: &[u32] = &[0, 1, 3, 5];
pub const MARKS: &[&str] = &["none", "crop", "crop+registration"];

impl Default for PrintShop {
    /// Used when the project defines no print shop: what most shops accept.
    fn default() -> Self {
        Self {
            name: "Mặc định (xén 3 mm, dấu cắt)".into(),
            bleed_mm: 3,
            marks: "crop".into(),
            date: false,
            notes: None,
        }
    }
}

/// `content/infographics/<slug>.yaml`: a visual described once, drawn for
/// every unit in every format it asks for.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InfographicSpec {
    pub title: String,
    #[serde(default)]
    pub subtitle: Option<String>,
    /// A guide: the QR code leads to it, and its step titles are the steps
    /// when `steps` is not given.
    #[serde(default)]
    pub guide: Option<String>,
    #[serde(default)]
    pub steps: Vec<InfographicStep>,
    #[serde(default)]
    pub callouts: Vec<String>,
    /// `unit` (the unit's colour) or `theme` (the campaign's).
    #[serde(default = "default_palette")]
    pub palette: String,
    /// Formats wanted; all when absent.
    #[serde(default)]
    pub formats: Vec<String>,
    /// A short description for screen readers; generated when absent.
    #[serde(default)]
    pub alt: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InfographicStep {
    #[serde(default)]
    pub icon: Option<String>,
    pub text: String,
}

fn default_palette() -> String {
    "unit".into()
}

pub const INFOGRAPHIC_KEYS: &[Key] = &[
    Key("title", true),
    Key("subtitle", false),
    Key("guide", false),
    Key("steps", false),
    Key("callouts", false),
    Key("palette", false),
    Key("formats", false),
    Key("alt", false),
];

/// A guide's front matter (GOV.UK start page + step by step + confirmation).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuideMeta {
    pub title: String,
    pub summary: String,
    #[serde(default)]
    pub not_for: Option<String>,
    #[serde(default)]
    pub procedure_code: Option<String>,
    pub audiences: Vec<String>,
    pub category: String,
    #[serde(rename = "where")]
    pub where_to_apply: String,
    /// Which units' own desks receive the procedure; absent: every unit's.
    #[serde(default)]
    pub handled_by: Option<HandledBy>,
    #[serde(default)]
    pub channels: Vec<Channel>,
    #[serde(default)]
    pub prerequisites: Vec<String>,
    #[serde(default)]
    pub documents: Vec<String>,
    /// Files readers download with the guide (declaration forms), beside
    /// its Markdown file; checked into `Guide::forms` at load.
    #[serde(default)]
    pub forms: Vec<FormRef>,
    #[serde(default)]
    pub fees: Vec<Fee>,
    pub processing_time: ProcessingTime,
    #[serde(default)]
    pub after_you_apply: Option<String>,
    #[serde(default)]
    pub help: Option<String>,
    #[serde(default)]
    pub legal_basis: Vec<String>,
    #[serde(default)]
    pub related: Vec<String>,
    #[serde(default)]
    pub owner: Option<String>,
    /// Short-link code (`/g/<code>/`); derived from the slug when absent.
    #[serde(default)]
    pub short: Option<String>,
    pub last_reviewed: Date,
    /// Kept out of every output but `serve`'s preview.
    #[serde(default)]
    pub draft: bool,
    /// Published from this day on (included).
    #[serde(default)]
    pub publish_from: Option<Date>,
    /// Published until this day (included).
    #[serde(default)]
    pub publish_until: Option<Date>,
    /// The editor's short version for leaflets; without it sotay condenses
    /// the guide itself when the whole does not fit.
    #[serde(default)]
    pub leaflet: Option<LeafletText>,
    /// `print: false`: no leaflet and no handbook entry (staff procedures).
    #[serde(default = "yes")]
    pub print: bool,
    /// In a unit's version of a central guide: the central guide's version
    /// it was last brought in step with (`content::versions`).
    #[serde(default)]
    pub based_on: Option<String>,
    /// A unit's version that says only what differs from the central
    /// guide (content/inherit.rs).
    #[serde(default)]
    pub inherits: bool,
    /// Questions as citizens type them ("làm giấy khai sinh online thế
    /// nào"): plain text, NFC like every text read; search and the chatbot
    /// file carry them (checked by `content::asking`).
    #[serde(default)]
    pub questions: Vec<String>,
    /// The guide's video, shown under its summary (`content::video`).
    #[serde(default)]
    pub video: Option<VideoRef>,
    /// A step's own video, by the step's number (`## Bước 2: …` is 2).
    #[serde(default)]
    pub step_videos: BTreeMap<u32, VideoRef>,
}

/// `video:` (or an entry of `step_videos:`) in a guide, as written: a file
/// shipped with the site (`file:`) or a video on a platform (`url:`), with
/// its poster and Vietnamese captions, both required.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VideoRef {
    /// What the video shows; the guide's (or the step's) title when absent.
    #[serde(default)]
    pub title: Option<String>,
    /// MP4 and/or WebM files beside the guide, best first.
    #[serde(default)]
    pub file: Option<OneOrMore>,
    /// The video's page on YouTube, Facebook or TikTok.
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub poster: Option<String>,
    /// WebVTT captions in Vietnamese (also the page's transcript).
    #[serde(default)]
    pub captions: Option<String>,
    /// `1:30` (minutes:seconds) or `1:02:05`; read from an MP4 when absent.
    #[serde(default)]
    pub duration: Option<String>,
}

/// A field that takes one value or a list of them.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMore {
    One(String),
    More(Vec<String>),
}

impl OneOrMore {
    pub fn to_vec(&self) -> Vec<&str> {
        match self {
            Self::One(s) => vec![s.as_str()],
            Self::More(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

fn yes() -> bool {
    true
}

/// `leaflet:` in a guide: what its leaflets carry instead of the whole
/// guide. Markdown, like the fields it stands for.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeafletText {
    /// One line per step, in order.
    pub steps: Vec<String>,
    /// What to prepare; the guide's prerequisites and documents when absent.
    #[serde(default)]
    pub documents: Option<Vec<String>>,
    /// A short note after the steps (what happens next).
    #[serde(default)]
    pub notes: Option<String>,
}

pub const GUIDE_KEYS: &[Key] = &[
    Key("title", true),
    Key("summary", true),
    Key("not_for", false),
    Key("procedure_code", false),
    Key("audiences", true),
    Key("category", true),
    Key("where", true),
    Key("handled_by", false),
    Key("channels", false),
    Key("prerequisites", false),
    Key("documents", false),
    Key("forms", false),
    Key("fees", false),
    Key("processing_time", true),
    Key("after_you_apply", false),
    Key("help", false),
    Key("legal_basis", false),
    Key("related", false),
    Key("owner", false),
    Key("short", false),
    Key("last_reviewed", true),
    Key("draft", false),
    Key("publish_from", false),
    Key("publish_until", false),
    Key("leaflet", false),
    Key("print", false),
    Key("based_on", false),
    Key("inherits", false),
    Key("questions", false),
    Key("video", false),
    Key("step_videos", false),
];

/// `handled_by:` in a guide: the units whose own desk receives the
/// procedure (by kind, or by name), and where everyone else's readers go.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandledBy {
    /// Unit kinds (site.yaml `unit_kinds`) whose desk receives it.
    #[serde(default)]
    pub kinds: Vec<String>,
    /// Units (file names) whose desk receives it, whatever their kind.
    #[serde(default)]
    pub units: Vec<String>,
    /// Where readers of any other unit apply and ask in person.
    pub elsewhere: String,
}

impl HandledBy {
    /// Whether this unit's own desk receives the procedure.
    pub fn receives(&self, unit: &Unit) -> bool {
        self.kinds.contains(&unit.data.kind) || self.units.contains(&unit.slug)
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    pub name: String,
    #[serde(default)]
    pub url: Option<String>,
}

/// One entry of `forms:` in a guide, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormRef {
    /// Path from the guide's folder, e.g. `mau-ct01.pdf`.
    pub file: String,
    pub title: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessingTime {
    pub text: String,
    #[serde(default)]
    pub basis: Option<String>,
}

/// A free page's front matter (`content/pages/*.md`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageMeta {
    pub title: String,
    pub summary: String,
    pub last_reviewed: Date,
    /// Kept out of every output but `serve`'s preview.
    #[serde(default)]
    pub draft: bool,
    /// Published from this day on (included).
    #[serde(default)]
    pub publish_from: Option<Date>,
    /// Published until this day (included).
    #[serde(default)]
    pub publish_until: Option<Date>,
}

pub const PAGE_KEYS: &[Key] = &[
    Key("title", true),
    Key("summary", true),
    Key("last_reviewed", true),
    Key("draft", false),
    Key("publish_from", false),
    Key("publish_until", false),
];

/// When a guide or a free page is published: `draft: true` keeps it out of
/// every output but `serve`'s preview; `publish_from` / `publish_until`
/// (both days included) keep it out before and after, judged by the
/// build's date.
#[derive(Debug, Clone, Copy, Default)]
pub struct Schedule {
    pub draft: bool,
    pub publish_from: Option<Date>,
    pub publish_until: Option<Date>,
}

/// Front matter that says when it is published.
pub trait Scheduled {
    fn schedule(&self) -> Schedule;
}

impl Scheduled for GuideMeta {
    fn schedule(&self) -> Schedule {
        Schedule {
            draft: self.draft,
            publish_from: self.publish_from,
            publish_until: self.publish_until,
        }
    }
}

impl Scheduled for PageMeta {
    fn schedule(&self) -> Schedule {
        Schedule {
            draft: self.draft,
            publish_from: self.publish_from,
            publish_until: self.publish_until,
        }
    }
}

/// Why a guide or a page is not published on a build's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", content = "date", rename_all = "kebab-case")]
pub enum Withheld {
    Draft,
    /// Its `publish_from` is later than the build's date.
    NotYet(Date),
    /// Its `publish_until` is earlier than the build's date.
    Ended(Date),
}

impl Schedule {
    /// Why it is not published on `date`, or `None` when it is. With
    /// `drafts` (serve's preview) a draft counts as published.
    pub fn withheld(&self, date: Date, drafts: bool) -> Option<Withheld> {
        if self.draft && !drafts {
            return Some(Withheld::Draft);
        }
        match (self.publish_from, self.publish_until) {
            (Some(from), _) if date < from => Some(Withheld::NotYet(from)),
            (_, Some(until)) if date > until => Some(Withheld::Ended(until)),
            _ => None,
        }
    }

    /// The front matter key that withholds it, for locating diagnostics.
    pub fn key(why: Withheld) -> &'static str {
        match why {
            Withheld::Draft => "draft",
            Withheld::NotYet(_) => "publish_from",
            Withheld::Ended(_) => "publish_until",
        }
    }
}

/// Where a guide comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Central,
    /// Written by one unit: its own guide, or its override of a central one.
    Unit(String),
}

/// A Markdown document with front matter: a guide or a free page.
#[derive(Debug)]
pub struct Doc<M> {
    pub slug: String,
    pub source: Arc<Source>,
    pub meta: M,
    /// Byte offset of the Markdown body in `source.text`.
    pub body_offset: usize,
    /// Front matter YAML, for locating keys in diagnostics.
    pub yaml_range: (usize, usize),
    /// The body and the Markdown front matter fields, parsed once: every
    /// output and check reads these.
    pub parsed: Parsed,
    /// A unit's version that inherits (`inherits: true`): where the central
    /// guide's part of `parsed.body` comes from.
    pub inherited: Option<Inherited>,
}

/// The central guide behind a unit's version that inherits: its events
/// sit in the merged body at `base` and after (`Doc::place`).
#[derive(Debug)]
pub struct Inherited {
    pub central: Arc<Source>,
    /// Byte offset of the central guide's body in its file, and its
    /// front matter's range (for keys the unit does not set).
    pub body_offset: usize,
    pub yaml_range: (usize, usize),
    /// Body offsets from here on are the central guide's, moved up by this.
    pub base: usize,
    /// The front matter keys the unit's file sets itself.
    pub own_keys: Vec<String>,
}

impl Inherited {
    /// Whether the unit's file sets this front matter key (else it is the
    /// central guide's).
    pub fn sets(&self, key: &str) -> bool {
        self.own_keys.iter().any(|k| k == key)
    }
}

/// A document's Markdown, parsed.
#[derive(Debug, Default)]
pub struct Parsed {
    pub body: Document,
    /// (front matter key, its Markdown value parsed), in front matter order.
    pub fields: Vec<(&'static str, Document)>,
}

impl Parsed {
    pub fn of<M: MarkdownFields>(body: &str, meta: &M) -> Self {
        Self {
            body: Document::parse(body),
            fields: meta
                .markdown_fields()
                .into_iter()
                .map(|(k, md)| (k, Document::parse(md)))
                .collect(),
        }
    }

    /// The parsed fields under `key`.
    pub fn field(&self, key: &str) -> impl Iterator<Item = &Document> {
        self.fields
            .iter()
            .filter(move |(k, _)| *k == key)
            .map(|(_, d)| d)
    }
}

/// Front matter whose values include Markdown.
pub trait MarkdownFields {
    /// (key, Markdown) for every Markdown-valued field, in order.
    fn markdown_fields(&self) -> Vec<(&'static str, &str)> {
        Vec::new()
    }
}

impl MarkdownFields for GuideMeta {
    fn markdown_fields(&self) -> Vec<(&'static str, &str)> {
        let mut v = Vec::new();
        if let Some(s) = &self.not_for {
            v.push(("not_for", s.as_str()));
        }
        v.extend(
            self.prerequisites
                .iter()
                .map(|s| ("prerequisites", s.as_str())),
        );
        v.extend(self.documents.iter().map(|s| ("documents", s.as_str())));
        if let Some(s) = &self.after_you_apply {
            v.push(("after_you_apply", s.as_str()));
        }
        if let Some(s) = &self.help {
            v.push(("help", s.as_str()));
        }
        if let Some(l) = &self.leaflet {
            v.extend(l.steps.iter().map(|s| ("leaflet.steps", s.as_str())));
            v.extend(
                l.documents
                    .iter()
                    .flatten()
                    .map(|s| ("leaflet.documents", s.as_str())),
            );
            v.extend(l.notes.iter().map(|s| ("leaflet.notes", s.as_str())));
        }
        v
    }
}

impl MarkdownFields for PageMeta {}

impl<M> Doc<M> {
    pub fn body(&self) -> &str {
        &self.source.text[self.body_offset..]
    }

    /// The file that sets front matter `key` and its front matter's range:
    /// the document's own, or for a key a unit's version that inherits
    /// does not set, the central guide's.
    pub fn front_matter(&self, key: &str) -> (&Source, (usize, usize)) {
        match &self.inherited {
            Some(i) if !i.sets(key) => (&i.central, i.yaml_range),
            _ => (&self.source, self.yaml_range),
        }
    }

    /// The file and its byte offset for an offset of `parsed.body`: the
    /// unit's own file, or for an inherited part the central guide's.
    pub fn place(&self, offset: usize) -> (&Source, usize) {
        match &self.inherited {
            Some(i) if offset >= i.base => (&i.central, i.body_offset + offset - i.base),
            _ => (&self.source, self.body_offset + offset),
        }
    }
}

pub type Page = Doc<PageMeta>;

#[derive(Debug)]
pub struct Guide {
    pub doc: Doc<GuideMeta>,
    pub origin: Origin,
    /// Its `forms:`, checked and read (`content::forms`), in the order written.
    pub forms: Vec<super::forms::Form>,
    /// Its `video:` then its `step_videos:` in step order, checked and read
    /// (`content::video`).
    pub videos: Vec<super::video::Video>,
}

#[derive(Debug)]
pub struct Unit {
    pub slug: String,
    pub source: Arc<Source>,
    pub data: UnitFile,
    /// The brand colour actually used (adjusted for contrast if needed).
    pub colour: String,
    /// Guides this unit adds or overrides, by slug.
    pub guides: Vec<Guide>,
    /// Made from its registry entry and `registry_sites:` (no unit file).
    pub from_registry: bool,
}

impl Unit {
    /// Whether the unit's file lists this central guide under `exclude`.
    pub fn excludes(&self, slug: &str) -> bool {
        self.exclusion(slug).is_some()
    }

    /// The unit's exclusion of this central guide, with its reason if given.
    pub fn exclusion(&self, slug: &str) -> Option<&Exclusion> {
        self.data.exclude.iter().find(|x| x.guide == slug)
    }
}

/// Deserialize a YAML mapping keeping the order the editor wrote.
fn ordered_map<'de, D, T>(d: D) -> Result<Vec<(String, T)>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct V<T>(std::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for V<T> {
        type Value = Vec<(String, T)>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a mapping of `slug: name` lines")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some((k, v)) = map.next_entry::<String, T>()? {
                out.push((k, v));
            }
            Ok(out)
        }
    }
    d.deserialize_map(V(std::marker::PhantomData))
}
