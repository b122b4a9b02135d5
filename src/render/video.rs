//! Videos in guides (`content::video`): their files copied into the guide's
//! `video/` folder of every unit that publishes the guide (one shared copy
//! on disk, like forms), and what pages, widgets, the API and the sitemap
//! show of them. A platform's player is never on the page: a poster and a
//! button that the theme's `video.js` swaps for it on a click.

use serde::Serialize;

use super::{Rendered, Renderer, Shared};
use crate::content::Guide;
use crate::content::video::{Source, Video, clock};
use crate::output::Output;
use crate::resolve::UnitSite;

pub struct Videos;

impl Renderer for Videos {
    fn name(&self) -> &'static str {
        "videos"
    }

    fn render(&self, site: &UnitSite, _sh: &Shared, out: &Output) -> Rendered {
        let unit = &site.unit.slug;
        let mut seen = std::collections::HashSet::new();
        let files = site
            .ordered()
            .flat_map(|g| g.videos.iter().flat_map(Video::files).map(move |f| (g, f)))
            // A poster two videos share is written once.
            .filter(|(g, f)| seen.insert((g.doc.slug.as_str(), f.name.as_str())))
            .map(|(g, f)| {
                let rel =
                    crate::paths::in_unit(unit, &crate::paths::video_file(&g.doc.slug, &f.name));
                (rel, format!("video/{}", f.hash), &f.bytes)
            });
        super::forms::copy_shared(out, files)
    }
}

/// A video file as templates and the API see it.
#[derive(Serialize)]
pub struct FileView {
    /// Relative to the unit root (absolute in the API).
    pub url: String,
    pub mime: &'static str,
    /// `MP4`, `WEBM`.
    pub kind: String,
    /// `1,5 MB`.
    pub size: String,
    pub bytes: usize,
}

/// A platform video: its page and its player.
#[derive(Serialize)]
pub struct PlatformView<'a> {
    /// `YouTube`, `Facebook`, `TikTok`.
    pub name: &'static str,
    pub url: &'a str,
    /// The player a click loads (never loaded before).
    pub embed: &'a str,
}

/// A caption of the transcript.
#[derive(Serialize)]
pub struct Line<'a> {
    /// `0:05`, when it is said.
    pub time: String,
    pub text: &'a str,
}

/// A video, as templates see it (`guide.video`, `guide.step_videos`).
#[derive(Serialize)]
pub struct VideoView<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub step: Option<u32>,
    /// The files to play, best first (empty for a platform video).
    pub sources: Vec<FileView>,
    pub platform: Option<PlatformView<'a>>,
    pub poster: String,
    pub captions: String,
    /// `1:30`, or null when unknown.
    pub duration: Option<String>,
    /// ISO 8601 (`PT1M30S`) for `<time datetime>`.
    pub duration_iso: Option<String>,
    pub seconds: Option<u32>,
    pub transcript: Vec<Line<'a>>,
}

impl<'a> VideoView<'a> {
    /// `base`: what file URLs start with (`""` for the unit root on pages,
    /// the unit's base_url in the API and widgets).
    pub fn new(g: &Guide, v: &'a Video, base: &str) -> Self {
        let url = |name: &str| format!("{base}{}", crate::paths::video_file(&g.doc.slug, name));
        let sources = match &v.source {
            Source::Files(files) => files
                .iter()
                .map(|f| FileView {
                    url: url(&f.name),
                    mime: f.mime,
                    kind: f.name.rsplit('.').next().unwrap_or("").to_ascii_uppercase(),
                    size: crate::text::file_size(f.bytes.len() as u64),
                    bytes: f.bytes.len(),
                })
                .collect(),
            Source::Platform(_) => Vec::new(),
        };
        let platform = match &v.source {
            Source::Platform(p) => Some(PlatformView {
                name: p.kind.name(),
                url: &p.url,
                embed: &p.embed,
            }),
            Source::Files(_) => None,
        };
        Self {
            id: &v.anchor,
            title: &v.title,
            step: v.step,
            sources,
            platform,
            poster: url(&v.poster.name),
            captions: url(&v.captions.name),
            duration: v.duration.map(clock),
            duration_iso: v.duration.map(|s| format!("PT{}M{}S", s / 60, s % 60)),
            seconds: v.duration,
            transcript: v
                .cues
                .iter()
                .map(|c| Line {
                    time: clock((c.start / 1000) as u32),
                    text: &c.text,
                })
                .collect(),
        }
    }

    /// The guide's own video, then each step's, for a page.
    pub fn all(g: &'a Guide, base: &str) -> Vec<Self> {
        g.videos.iter().map(|v| Self::new(g, v, base)).collect()
    }
}

/// Where a video is watched, for a QR code, the sitemap and the API: the
/// platform's page, or the player's place on the unit's guide page (with
/// its captions and transcript), absolute.
pub fn watch_url(site: &UnitSite, g: &Guide, v: &Video) -> String {
    match &v.source {
        Source::Platform(p) => p.url.clone(),
        Source::Files(_) => format!(
            "{}#{}",
            super::pages::canonical(
                &site.unit.data.base_url,
                &crate::paths::guide_page(&g.doc.slug)
            ),
            v.anchor
        ),
    }
}

/// The text search and the API carry for a guide's videos: each title and
/// transcript, one after the other.
pub fn search_text(g: &Guide) -> String {
    g.videos
        .iter()
        .map(|v| format!("{}\n{}", v.title, v.transcript()))
        .collect::<Vec<_>>()
        .join("\n")
}
