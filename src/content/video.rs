//! Videos in guides (`video:` and `step_videos:`): a file shipped with the
//! site (MP4 and/or WebM) or a video on a platform (YouTube, Facebook,
//! TikTok), each with a poster and Vietnamese WebVTT captions — required,
//! because people watch without sound at the desk and some cannot hear.
//! Everything is checked where the guide names it and read once, so every
//! unit's copy is the same bytes; files are never re-encoded. The captions
//! are parsed here (`webvtt`), once: the page's transcript, search and the
//! API read the cues.

use std::path::Path;
use std::sync::Arc;

use super::YamlFile;
use super::forms::{inside_content, is_plain, is_web_safe};
use super::model::{Doc, GuideMeta, VideoRef};
use crate::diag::Diagnostic;

pub mod webvtt;

pub use webvtt::Cue;

/// Larger files are refused before they are read (site.yaml's `video.max_mb`
/// warns far below this).
pub const MAX_BYTES: u64 = 512 * 1024 * 1024;

/// A file published with a video: a source, the poster or the captions.
#[derive(Clone)]
pub struct VideoFile {
    /// Its name, published in the guide's `video/` folder.
    pub name: String,
    pub mime: &'static str,
    pub bytes: Arc<[u8]>,
    /// Hex content hash: units share one copy of the same bytes.
    pub hash: String,
}

impl std::fmt::Debug for VideoFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VideoFile")
            .field("name", &self.name)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

/// The platforms whose videos a guide may show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlatformKind {
    YouTube,
    Facebook,
    TikTok,
}

impl PlatformKind {
    /// The platform's name, as readers know it.
    pub fn name(self) -> &'static str {
        match self {
            Self::YouTube => "YouTube",
            Self::Facebook => "Facebook",
            Self::TikTok => "TikTok",
        }
    }
}

/// A video on a platform: its page, and the player a click loads.
#[derive(Debug, Clone)]
pub struct Platform {
    pub kind: PlatformKind,
    /// The video's page, as the editor wrote it.
    pub url: String,
    /// The platform's embeddable player (YouTube's privacy-enhanced one).
    pub embed: String,
}

#[derive(Debug, Clone)]
pub enum Source {
    /// MP4 and/or WebM files, in the order written (browsers take the first
    /// they can play).
    Files(Vec<VideoFile>),
    Platform(Platform),
}

/// A video, checked and read.
#[derive(Debug, Clone)]
pub struct Video {
    /// The step it belongs to; None for the guide's own video.
    pub step: Option<u32>,
    /// Its id on the guide page (`xem-video`, or the step's anchor and
    /// `-video`): the QR code on the leaflet and the API lead there.
    pub anchor: String,
    pub title: String,
    pub source: Source,
    pub poster: VideoFile,
    pub captions: VideoFile,
    pub cues: Vec<Cue>,
    /// In seconds: `duration:`, else an MP4's own header, else unknown.
    pub duration: Option<u32>,
}

impl Video {
    /// The files the site publishes for it: sources, poster, captions.
    pub fn files(&self) -> impl Iterator<Item = &VideoFile> {
        let sources = match &self.source {
            Source::Files(f) => f.as_slice(),
            Source::Platform(_) => &[],
        };
        sources.iter().chain([&self.poster, &self.captions])
    }

    /// The transcript: each cue's text, in order.
    pub fn transcript(&self) -> String {
        self.cues
            .iter()
            .map(|c| c.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Every video of a guide that passes its checks (the guide's first, then
/// the steps' in order), and a located error for each problem.
pub fn check(root: &Path, doc: &Doc<GuideMeta>) -> (Vec<Video>, Vec<Diagnostic>) {
    let mut videos = Vec::new();
    let mut problems = Vec::new();
    let steps = &doc.parsed.body.steps;
    let refs = doc
        .meta
        .video
        .iter()
        .map(|r| (None, r))
        .chain(doc.meta.step_videos.iter().map(|(n, r)| (Some(*n), r)));
    for (step, r) in refs {
        let key = if step.is_some() {
            "step_videos"
        } else {
            "video"
        };
        let (title, anchor) = match step {
            None => (doc.meta.title.clone(), "xem-video".to_owned()),
            Some(n) => match steps.iter().find(|s| s.number == n as usize) {
                Some(s) => (s.title.clone(), format!("{}-video", s.anchor)),
                None => {
                    problems.push(
                        doc.error_at(key, Some(&n.to_string()), format!("there is no step {n} for this video"))
                            .hint(format!(
                                "the guide has {} steps (`## Bước N: …` headings); write the number of the step the video shows",
                                steps.len()
                            )),
                    );
                    continue;
                }
            },
        };
        let at = Place { root, doc, key };
        match check_one(&at, r, step, title) {
            Ok(v) => match clash(&videos, &v) {
                None => videos.push(Video { anchor, ..v }),
                Some(name) => problems.push(at.error(
                    Some(&name),
                    format!("two different video files are published as `{name}`"),
                    "every file of a guide's videos is published in one folder: give each its own name",
                )),
            },
            Err(mut d) => problems.append(&mut d),
        }
    }
    (videos, problems)
}

/// The name of a file of `v` that another video of the guide publishes
/// with other bytes (the same poster for two videos is fine).
fn clash(videos: &[Video], v: &Video) -> Option<String> {
    let mut mine: Vec<&VideoFile> = Vec::new();
    for f in v.files() {
        let other = videos
            .iter()
            .flat_map(Video::files)
            .chain(mine.iter().copied());
        if other
            .into_iter()
            .any(|o| o.name == f.name && o.hash != f.hash)
        {
            return Some(f.name.clone());
        }
        mine.push(f);
    }
    None
}

/// A warning for each published video file over site.yaml's `video.max_mb`,
/// at the guide's `video:` line.
pub fn check_sizes(doc: &Doc<GuideMeta>, videos: &[Video], max_mb: f64) -> Vec<Diagnostic> {
    let limit = (max_mb * 1024.0 * 1024.0) as u64;
    let mut seen = Vec::new();
    videos
        .iter()
        .flat_map(|v| v.files().map(move |f| (v, f)))
        .filter(|(_, f)| f.bytes.len() as u64 > limit)
        .filter(|(_, f)| {
            let new = !seen.contains(&f.name);
            seen.push(f.name.clone());
            new
        })
        .map(|(v, f)| {
            let key = if v.step.is_some() {
                "step_videos"
            } else {
                "video"
            };
            doc.warning_at(
                key,
                Some(&f.name),
                format!(
                    "video file `{}` is {}, over the {} limit for readers on mobile data",
                    f.name,
                    crate::text::file_size(f.bytes.len() as u64),
                    crate::text::file_size(limit)
                ),
            )
            .hint("export it smaller (720p or less, a lower bitrate) or put it on a platform and give its `url:`; the limit is `video: {max_mb: …}` in site.yaml")
        })
        .collect()
}

/// Where a video is written: for locating its problems.
struct Place<'a> {
    root: &'a Path,
    doc: &'a Doc<GuideMeta>,
    key: &'static str,
}

impl Place<'_> {
    fn error(&self, value: Option<&str>, message: String, hint: impl Into<String>) -> Diagnostic {
        self.doc.error_at(self.key, value, message).hint(hint)
    }
}

fn check_one(
    at: &Place,
    r: &VideoRef,
    step: Option<u32>,
    default_title: String,
) -> Result<Video, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let source = match (&r.file, &r.url) {
        (Some(files), None) => files_source(at, &files.to_vec()),
        (None, Some(url)) => platform(url)
            .map(Source::Platform)
            .map_err(|(m, h)| vec![at.error(Some(url), m, h)]),
        _ => Err(vec![at.error(
            None,
            "a video needs either `file:` (a file shipped with the site) or `url:` (a video on YouTube, Facebook or TikTok), not both".into(),
            "write `file: huong-dan.mp4` for a file beside the guide, or `url: https://www.youtube.com/watch?v=…`",
        )]),
    };
    let poster = required(at, r.poster.as_deref(), "poster", "poster: anh-bia.jpg")
        .and_then(|p| read_file(at, p, Kind::Poster));
    let captions = required(
        at,
        r.captions.as_deref(),
        "captions",
        "captions: phu-de.vtt",
    )
    .map_err(|d| vec![d])
    .and_then(|c| read_captions(at, c));
    let duration = match r.duration.as_deref().map(parse_duration) {
        Some(Ok(d)) => Some(d),
        Some(Err(())) => {
            problems.push(at.error(
                r.duration.as_deref(),
                format!("video duration `{}` is not minutes:seconds", r.duration.as_deref().unwrap_or("")),
                "write it as shown on the player, e.g. `duration: \"1:30\"` or `\"1:02:05\"` (in quotes)",
            ));
            None
        }
        None => None,
    };
    let (source, poster, captions) = match (source, poster, captions) {
        (Ok(s), Ok(p), Ok(c)) if problems.is_empty() => (s, p, c),
        (s, p, c) => {
            problems.extend(s.err().into_iter().flatten());
            problems.extend(p.err());
            problems.extend(c.err().into_iter().flatten());
            return Err(problems);
        }
    };
    let duration = duration.or_else(|| match &source {
        Source::Files(f) => f.iter().find_map(|f| mp4_duration(&f.bytes)),
        Source::Platform(_) => None,
    });
    let title = r
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map_or(default_title, str::to_owned);
    let (captions, cues) = captions;
    Ok(Video {
        step,
        anchor: String::new(),
        title,
        source,
        poster,
        captions,
        cues,
        duration,
    })
}

/// `key:`'s value, or an error saying it is required and why.
fn required<'a>(
    at: &Place,
    value: Option<&'a str>,
    key: &str,
    example: &str,
) -> Result<&'a str, Diagnostic> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => Ok(v),
        None => Err(at.error(
            None,
            format!("a video needs `{key}:`"),
            match key {
                "captions" => format!(
                    "captions are required: many watch without sound at the desk, and some readers cannot hear; write them in Vietnamese as WebVTT beside the guide and add `{example}`"
                ),
                _ => format!(
                    "the page shows the poster until the reader presses play (nothing is downloaded before); add `{example}` with a JPEG, PNG or WebP beside the guide"
                ),
            },
        )),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Video,
    Poster,
    Captions,
}

impl Kind {
    fn what(self) -> &'static str {
        match self {
            Self::Video => "video",
            Self::Poster => "poster",
            Self::Captions => "captions",
        }
    }

    /// The MIME type of a file named `.ext`, if this kind may be one.
    fn mime(self, ext: &str) -> Option<&'static str> {
        match (self, ext) {
            (Self::Video, "mp4") => Some("video/mp4"),
            (Self::Video, "webm") => Some("video/webm"),
            (Self::Poster, "jpg" | "jpeg") => Some("image/jpeg"),
            (Self::Poster, "png") => Some("image/png"),
            (Self::Poster, "webp") => Some("image/webp"),
            (Self::Captions, "vtt") => Some("text/vtt"),
            _ => None,
        }
    }

    fn allowed(self) -> &'static str {
        match self {
            Self::Video => "MP4 (.mp4) or WebM (.webm)",
            Self::Poster => "JPEG (.jpg), PNG (.png) or WebP (.webp)",
            Self::Captions => "WebVTT (.vtt)",
        }
    }
}

/// Whether `bytes` are a file of type `mime`: a renamed file is refused.
fn matches(mime: &str, bytes: &[u8]) -> bool {
    match mime {
        "video/mp4" => bytes.get(4..8) == Some(b"ftyp"),
        "video/webm" => bytes.starts_with(b"\x1A\x45\xDF\xA3"),
        "image/jpeg" => bytes.starts_with(b"\xFF\xD8\xFF"),
        "image/png" => bytes.starts_with(b"\x89PNG\r\n\x1A\n"),
        "image/webp" => bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP"),
        _ => true,
    }
}

fn files_source(at: &Place, files: &[&str]) -> Result<Source, Vec<Diagnostic>> {
    if files.is_empty() {
        return Err(vec![at.error(
            None,
            "`file:` lists no video file".into(),
            "write `file: huong-dan.mp4`, or a list `file: [huong-dan.mp4, huong-dan.webm]`",
        )]);
    }
    let (ok, bad): (Vec<_>, Vec<_>) = files
        .iter()
        .map(|f| read_file(at, f, Kind::Video))
        .partition(Result::is_ok);
    if !bad.is_empty() {
        return Err(bad.into_iter().filter_map(Result::err).collect());
    }
    Ok(Source::Files(
        ok.into_iter().filter_map(Result::ok).collect(),
    ))
}

/// A file of `kind` beside the guide: a plain path inside content/, a
/// web-safe name of an allowed type whose bytes are that type.
fn read_file(at: &Place, file: &str, kind: Kind) -> Result<VideoFile, Diagnostic> {
    let what = kind.what();
    let err = |m: String, h: String| at.error(Some(file), m, h);
    if !is_plain(file) {
        return Err(err(
            format!("{what} `{file}` must be a file beside the guide"),
            "put the file in the guide's folder (or a folder below it) and give its path from there, without `..` or a leading `/`".into(),
        ));
    }
    let name = Path::new(file)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (stem, ext) = name.rsplit_once('.').unwrap_or((&name, ""));
    let Some(mime) = kind.mime(ext) else {
        return Err(err(
            format!("{what} `{file}` is not a type sotay publishes"),
            format!("a {what} is {}", kind.allowed()),
        ));
    };
    if !is_web_safe(stem) {
        return Err(err(
            format!("{what} file name `{name}` cannot be used as a web address"),
            format!(
                "rename the file to `{}.{ext}` (lowercase, no diacritics, words joined by -)",
                crate::text::slugify(stem)
            ),
        ));
    }
    let dir = at.doc.source.path.parent().unwrap_or(Path::new(""));
    let real = inside_content(at.root, &dir.join(file), what).map_err(|(m, _)| {
        err(
            m,
            format!("put the {what} file next to the guide's Markdown file, or correct its name (names are case-sensitive)"),
        )
    })?;
    let size = std::fs::metadata(&real).map_or(0, |m| m.len());
    if size > MAX_BYTES {
        return Err(err(
            format!("{what} `{file}` is {}; sotay publishes files up to {}", crate::text::file_size(size), crate::text::file_size(MAX_BYTES)),
            "a video this large cannot be watched on mobile data: export it smaller, or put it on a platform and give its `url:`".into(),
        ));
    }
    let bytes = std::fs::read(&real).map_err(|e| {
        err(
            format!("cannot read {what} `{file}`: {e}"),
            "check the file's permissions".into(),
        )
    })?;
    if !matches(mime, &bytes) {
        return Err(err(
            format!(
                "`{file}` is named .{ext} but is not a {} file",
                kind.allowed()
            ),
            format!(
                "export the {what} again as {} (a file renamed from another type is refused)",
                kind.allowed()
            ),
        ));
    }
    Ok(VideoFile {
        hash: crate::hash::hex(&crate::hash::sha256(&bytes)[..8]),
        name,
        mime,
        bytes: bytes.into(),
    })
}

/// The captions file, read as text (NFC, `\n`) and parsed; its problems are
/// located in the .vtt file itself.
fn read_captions(at: &Place, file: &str) -> Result<(VideoFile, Vec<Cue>), Vec<Diagnostic>> {
    let raw = read_file(at, file, Kind::Captions).map_err(|d| vec![d])?;
    let dir = at.doc.source.path.parent().unwrap_or(Path::new(""));
    let abs = at.root.join(dir).join(file);
    let src = super::Source::read(at.root, &abs).map_err(|d| vec![d])?;
    let cues = webvtt::parse(&src)?;
    // Published as read: NFC, so the track and the transcript agree.
    let bytes: Arc<[u8]> = src.text.as_bytes().into();
    Ok((
        VideoFile {
            hash: crate::hash::hex(&crate::hash::sha256(&bytes)[..8]),
            bytes,
            ..raw
        },
        cues,
    ))
}

/// `1:30`, `01:02:05` or `90` (seconds) in seconds.
fn parse_duration(text: &str) -> Result<u32, ()> {
    let parts: Vec<&str> = text.trim().split(':').collect();
    if parts.len() > 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.len() > 5)
    {
        return Err(());
    }
    let n: Vec<u32> = parts.iter().map(|p| p.parse().unwrap_or(0)).collect();
    if n.len() > 1 && n[1..].iter().any(|&x| x >= 60) {
        return Err(());
    }
    let secs = n
        .iter()
        .fold(0u32, |acc, &x| acc.saturating_mul(60).saturating_add(x));
    if secs == 0 { Err(()) } else { Ok(secs) }
}

/// An MP4's duration in whole seconds (rounded), from its movie header
/// (`moov/mvhd`, ISO/IEC 14496-12 8.2.2): no decoding.
pub fn mp4_duration(bytes: &[u8]) -> Option<u32> {
    let moov = find_box(bytes, b"moov")?;
    let mvhd = find_box(moov, b"mvhd")?;
    let be = |s: &[u8]| s.iter().fold(0u64, |a, &b| (a << 8) | u64::from(b));
    let (scale, duration) = match mvhd.first()? {
        0 => (be(mvhd.get(12..16)?), be(mvhd.get(16..20)?)),
        1 => (be(mvhd.get(20..24)?), be(mvhd.get(24..32)?)),
        _ => return None,
    };
    if scale == 0 || duration == u64::MAX || duration == u64::from(u32::MAX) {
        return None;
    }
    u32::try_from((duration + scale / 2) / scale)
        .ok()
        .filter(|&s| s > 0)
}

/// The payload of the first box of `kind` at this level.
fn find_box<'a>(mut bytes: &'a [u8], kind: &[u8; 4]) -> Option<&'a [u8]> {
    while bytes.len() >= 8 {
        let size32 = u32::from_be_bytes(bytes[..4].try_into().ok()?) as u64;
        let (header, size) = match size32 {
            0 => (8, bytes.len() as u64),
            1 => (16, u64::from_be_bytes(bytes.get(8..16)?.try_into().ok()?)),
            n => (8, n),
        };
        if size < header || size > bytes.len() as u64 {
            return None;
        }
        let size = size as usize;
        if &bytes[4..8] == kind {
            return bytes.get(header as usize..size);
        }
        bytes = &bytes[size..];
    }
    None
}

/// A platform video's URL, understood: which platform, and its player.
/// Only https pages of the three platforms are taken, so a typo or another
/// site is an error at load rather than a dead button on the page.
pub fn platform(url: &str) -> Result<Platform, (String, String)> {
    let bad = || {
        (
            format!("`{url}` is not a video on YouTube, Facebook or TikTok"),
            "copy the video's address from the platform's Share button: https://www.youtube.com/watch?v=…, https://youtu.be/…, https://www.facebook.com/…/videos/…, https://www.tiktok.com/@…/video/…; for any other video, ship the file with `file:`".to_owned(),
        )
    };
    let rest = url.strip_prefix("https://").ok_or_else(bad)?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.to_ascii_lowercase();
    let host = host
        .strip_prefix("www.")
        .or(host.strip_prefix("m."))
        .unwrap_or(&host);
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let path = path.split('#').next().unwrap_or("");
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let param = |name: &str| {
        query
            .split(['&', '#'])
            .find_map(|kv| kv.strip_prefix(name).and_then(|v| v.strip_prefix('=')))
    };
    let youtube = |id: &str| {
        let ok = id.len() == 11
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        ok.then(|| Platform {
            kind: PlatformKind::YouTube,
            url: url.to_owned(),
            embed: format!("https://www.youtube-nocookie.com/embed/{id}?autoplay=1"),
        })
    };
    let found = match (host, segs.as_slice()) {
        ("youtube.com", ["watch"]) => param("v").and_then(youtube),
        ("youtube.com", ["shorts" | "embed" | "live", id]) | ("youtu.be", [id]) => youtube(id),
        ("facebook.com", segs)
            if segs.contains(&"videos")
                || segs.first() == Some(&"reel")
                || (segs == ["watch"] && param("v").is_some()) =>
        {
            Some(Platform {
                kind: PlatformKind::Facebook,
                url: url.to_owned(),
                embed: format!(
                    "https://www.facebook.com/plugins/video.php?href={}&show_text=false&autoplay=true",
                    percent_encode(url)
                ),
            })
        }
        ("fb.watch", [_]) => Some(Platform {
            kind: PlatformKind::Facebook,
            url: url.to_owned(),
            embed: format!(
                "https://www.facebook.com/plugins/video.php?href={}&show_text=false&autoplay=true",
                percent_encode(url)
            ),
        }),
        ("tiktok.com", [user, "video", id])
            if user.starts_with('@')
                && !id.is_empty()
                && id.bytes().all(|b| b.is_ascii_digit()) =>
        {
            Some(Platform {
                kind: PlatformKind::TikTok,
                url: url.to_owned(),
                embed: format!("https://www.tiktok.com/embed/v2/{id}"),
            })
        }
        _ => None,
    };
    found.ok_or_else(bad)
}

/// A URL as one query value: everything but unreserved characters escaped.
fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `m:ss` or `h:mm:ss`, as players show a duration.
pub fn clock(secs: u32) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_urls_are_understood_or_refused() {
        let yt = platform("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=5").unwrap();
        assert_eq!(yt.kind, PlatformKind::YouTube);
        assert_eq!(
            yt.embed,
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"
        );
        assert!(platform("https://youtu.be/dQw4w9WgXcQ").is_ok());
        assert!(platform("https://www.youtube.com/shorts/dQw4w9WgXcQ").is_ok());
        let fb = platform("https://www.facebook.com/somepage/videos/123456/").unwrap();
        assert!(
            fb.embed
                .contains("href=https%3A%2F%2Fwww.facebook.com%2Fsomepage%2Fvideos%2F123456%2F")
        );
        let tt = platform("https://www.tiktok.com/@someone/video/7234567890123456789").unwrap();
        assert_eq!(
            tt.embed,
            "https://www.tiktok.com/embed/v2/7234567890123456789"
        );
        for bad in [
            "http://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://www.youtube.com/watch?v=short",
            "https://vimeo.com/123",
            "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
            "https://www.facebook.com/somepage",
            "https://www.tiktok.com/@someone",
            "youtube.com/watch?v=dQw4w9WgXcQ",
        ] {
            assert!(platform(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn durations_read_as_players_show_them() {
        assert_eq!(parse_duration("1:30"), Ok(90));
        assert_eq!(parse_duration("1:02:05"), Ok(3725));
        assert_eq!(parse_duration("45"), Ok(45));
        for bad in ["", "1:60", "a:10", "1::2", "0:00", "1:2:3:4"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        assert_eq!(clock(90), "1:30");
        assert_eq!(clock(3725), "1:02:05");
    }

    #[test]
    fn an_mp4_header_gives_its_duration() {
        // ftyp, then moov holding a version-0 mvhd: timescale 1000, 6500 ms.
        let mut mvhd = vec![0u8; 100];
        mvhd[12..16].copy_from_slice(&1000u32.to_be_bytes());
        mvhd[16..20].copy_from_slice(&6500u32.to_be_bytes());
        let boxed = |kind: &[u8], body: &[u8]| {
            let mut b = ((body.len() + 8) as u32).to_be_bytes().to_vec();
            b.extend_from_slice(kind);
            b.extend_from_slice(body);
            b
        };
        let mut file = boxed(b"ftyp", b"isom\0\0\0\0");
        file.extend(boxed(b"moov", &boxed(b"mvhd", &mvhd)));
        assert_eq!(mp4_duration(&file), Some(7));
        assert_eq!(mp4_duration(b"\0\0\0\x08ftyp"), None);
        assert_eq!(mp4_duration(b"\xff\xff\xff\xffmoov"), None);
    }
}
