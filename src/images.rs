//! Images referenced from content: decoded once, resized to a few widths,
//! re-encoded without metadata, named by content hash. Phone screenshots are
//! never shipped at full size. SVGs pass through unchanged once `svg`
//! has checked them against its allow-list.

mod svg;

use std::path::Path;
use std::sync::Arc;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, GenericImageView, ImageFormat};

use crate::content::{Project, Unit, YamlFile};
use crate::diag::{Diagnostic, Sink};
use crate::markdown::escape;

/// Folder, inside each unit folder, where processed images go.
pub const DIR: &str = "anh";

#[derive(Debug, Clone)]
pub struct Variant {
    /// File name under `anh/`.
    pub file: String,
    pub width: u32,
    pub bytes: Arc<Vec<u8>>,
}

#[derive(Debug, Clone)]
pub struct Processed {
    pub variants: Vec<Variant>,
    /// Intrinsic size of the largest variant, for width/height attributes.
    pub width: u32,
    pub height: u32,
    portrait: bool,
}

/// Why an image cannot be published, and how to fix it; an SVG's problems
/// point at their line.
#[derive(Debug, Clone)]
pub enum ImageError {
    /// Unreadable or undecodable: the message.
    Raster(String),
    Svg {
        problem: svg::Problem,
        /// The SVG's text, for the line shown under the error.
        text: String,
    },
}

impl ImageError {
    /// The error about `file` (as shown to the user).
    pub fn diagnostic(&self, file: &Path) -> Diagnostic {
        match self {
            ImageError::Raster(message) => Diagnostic::error(message)
                .in_file(file)
                .hint("open and save the image again as PNG or JPEG"),
            ImageError::Svg { problem, text } => problem.diagnostic(file, text),
        }
    }
}

impl std::fmt::Display for ImageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImageError::Raster(message) => f.write_str(message),
            ImageError::Svg { problem, .. } => f.write_str(&problem.message),
        }
    }
}

fn is_svg(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"))
}

/// Check an SVG (an image or a unit's logo); its width and height.
pub fn check_svg(bytes: &[u8]) -> Result<(u32, u32), ImageError> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(ImageError::Svg {
            problem: svg::Problem {
                message: "the SVG is not UTF-8 text".into(),
                hint: "export it again as SVG (UTF-8), or save the picture as PNG".into(),
                at: svg::At::File,
            },
            text: String::new(),
        });
    };
    svg::check(text).map_err(|problem| ImageError::Svg {
        problem,
        text: text.to_owned(),
    })
}

fn hash_name(bytes: &[u8]) -> String {
    crate::hash::hex(&crate::hash::sha256(bytes)[..6])
}

/// The file an image reference in a document in `dir` points at, if it exists.
pub fn referenced_file(dir: &Path, src: &str) -> Option<std::path::PathBuf> {
    dir.join(src.split(['?', '#']).next().unwrap_or(src))
        .canonicalize()
        .ok()
}

/// Bumped whenever `process` would make other bytes from the same source.
const PROCESS_VERSION: &str = "anh-1";

/// `process` through the render cache: resizing and JPEG encoding are most
/// of a cold build's work (callgrind: two thirds of the instructions at 10x100),
/// and an image rarely changes. Variants are stored beside a manifest that
/// carries their hashes, so a damaged entry is processed again. SVGs are
/// checked every time and never cached: the check is the work.
pub fn process_cached(
    path: &Path,
    cache: &crate::cache::RenderCache,
) -> Result<Processed, ImageError> {
    let bytes = read(path)?;
    if is_svg(path) {
        return svg_processed(&bytes);
    }
    let key = {
        let mut h = crate::hash::Hasher::default();
        h.update(PROCESS_VERSION.as_bytes());
        let ext = path.extension().map(|e| e.to_string_lossy().to_lowercase());
        h.update(ext.unwrap_or_default().as_bytes());
        h.update(&bytes);
        h.hex()
    };
    if let Some(p) = from_cache(cache, &key) {
        return Ok(p);
    }
    let p = process_bytes(path, &bytes)?;
    let mut manifest = format!("{} {} {}\n", p.width, p.height, p.portrait);
    for (i, v) in p.variants.iter().enumerate() {
        cache.write(&format!("{key}-{i}"), "var", &v.bytes);
        manifest.push_str(&format!("{} {} {}\n", v.file, v.width, hash_name(&v.bytes)));
    }
    manifest.push_str("end\n");
    cache.write(&key, "img", manifest.as_bytes());
    Ok(p)
}

fn from_cache(cache: &crate::cache::RenderCache, key: &str) -> Option<Processed> {
    let manifest = String::from_utf8(cache.read(key, "img")?).ok()?;
    let mut lines = manifest.lines();
    let mut head = lines.next()?.split(' ');
    let (width, height, portrait) = (
        head.next()?.parse().ok()?,
        head.next()?.parse().ok()?,
        head.next()?.parse().ok()?,
    );
    let mut variants = Vec::new();
    for (i, line) in lines.take_while(|l| *l != "end").enumerate() {
        let mut f = line.split(' ');
        let (file, w, sum) = (f.next()?, f.next()?.parse().ok()?, f.next()?);
        let bytes = cache.read(&format!("{key}-{i}"), "var")?;
        if hash_name(&bytes) != sum {
            return None;
        }
        variants.push(Variant {
            file: file.to_owned(),
            width: w,
            bytes: Arc::new(bytes),
        });
    }
    (!variants.is_empty()).then_some(Processed {
        variants,
        width,
        height,
        portrait,
    })
}

/// Larger images are refused before decoding: a PNG can declare 30,000 ×
/// 30,000 pixels (3.6 GB decoded) in a few hundred bytes.
pub const MAX_SIDE: u32 = 8_000;
const MAX_DECODED_BYTES: u64 = 256 * 1024 * 1024;

/// A raster file's size from its header, refused over `MAX_SIDE`.
pub fn check_raster_size(path: &Path) -> Result<(), ImageError> {
    let (w, h) = image::image_dimensions(path)
        .map_err(|e| ImageError::Raster(format!("cannot read image: {e}")))?;
    if w > MAX_SIDE || h > MAX_SIDE {
        return Err(ImageError::Raster(format!(
            "image is {w} × {h} pixels; at most {MAX_SIDE} pixels a side are read"
        )));
    }
    Ok(())
}

/// Decode with the size read from the header first and a memory limit.
fn decode_bounded(bytes: &[u8]) -> Result<image::DynamicImage, ImageError> {
    let reader = || {
        image::ImageReader::new(std::io::Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|e| ImageError::Raster(format!("cannot read image: {e}")))
    };
    let (w, h) = reader()?
        .into_dimensions()
        .map_err(|e| ImageError::Raster(format!("cannot decode image: {e}")))?;
    if w > MAX_SIDE || h > MAX_SIDE {
        return Err(ImageError::Raster(format!(
            "image is {w} × {h} pixels; at most {MAX_SIDE} pixels a side are read (save it smaller: pages show it at most 960 pixels wide)"
        )));
    }
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    let mut r = reader()?;
    r.limits(limits);
    r.decode()
        .map_err(|e| ImageError::Raster(format!("cannot decode image: {e}")))
}

pub fn process(path: &Path) -> Result<Processed, ImageError> {
    let bytes = read(path)?;
    process_bytes(path, &bytes)
}

fn read(path: &Path) -> Result<Vec<u8>, ImageError> {
    std::fs::read(path).map_err(|e| ImageError::Raster(format!("cannot read image: {e}")))
}

/// `process` on bytes already read from `path` (whose extension says SVG).
fn process_bytes(path: &Path, bytes: &[u8]) -> Result<Processed, ImageError> {
    if is_svg(path) {
        return svg_processed(bytes);
    }
    let hash = hash_name(bytes);
    let img = decode_bounded(bytes)?;
    let (w, h) = img.dimensions();
    if w == 0 || h == 0 {
        return Err(ImageError::Raster("image has no pixels".into()));
    }
    // Screenshots of phone screens are tall: show them narrower.
    let portrait = h * 10 > w * 13;
    let targets: &[u32] = if portrait { &[360, 720] } else { &[480, 960] };
    let mut widths: Vec<u32> = targets.iter().map(|t| (*t).min(w)).collect();
    widths.dedup();
    let alpha = img.color().has_alpha();
    let mut variants = Vec::new();
    let mut largest = (w, h);
    for width in widths {
        let height = ((u64::from(h) * u64::from(width)) / u64::from(w)).max(1) as u32;
        let resized = if width == w {
            img.clone()
        } else {
            img.resize_exact(width, height, FilterType::Lanczos3)
        };
        let (data, ext) = encode(&resized, alpha).map_err(ImageError::Raster)?;
        variants.push(Variant {
            file: format!("{hash}-{width}.{ext}"),
            width,
            bytes: Arc::new(data),
        });
        largest = (width, height);
    }
    Ok(Processed {
        variants,
        width: largest.0,
        height: largest.1,
        portrait,
    })
}

/// A PNG from an opaque premultiplied RGBA canvas (a rendered picture):
/// stored as RGB, since every pixel is opaque.
pub fn encode_png(width: u32, height: u32, rgba: &[u8]) -> Result<Vec<u8>, String> {
    encode_rgb_png(width, height, rgb_of(rgba))
}

/// A PNG of RGB pixels.
pub fn encode_rgb_png(width: u32, height: u32, rgb: Vec<u8>) -> Result<Vec<u8>, String> {
    let img = image::RgbImage::from_raw(width, height, rgb).ok_or("canvas size mismatch")?;
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), ImageFormat::Png)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// Whether every pixel of an RGBA canvas is opaque.
pub fn opaque(rgba: &[u8]) -> bool {
    let alpha = rgba.chunks_exact(4).fold(0xFF, |all, p| all & p[3]);
    alpha == 0xFF
}

/// RGB from premultiplied RGBA. The usual canvas is opaque: its pixels are
/// copied four at a time as words (a byte-wise copy of each ran as long as
/// the PNG encoding itself), and its alpha checked in the same pass; only a
/// canvas with a pixel not opaque is converted again, pixel by pixel.
pub fn rgb_of(rgba: &[u8]) -> Vec<u8> {
    let pixels = rgba.len() / 4;
    let mut rgb = vec![0; pixels * 3];
    let word = |b: &[u8], i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    let mut alpha = 0xFF00_0000u32;
    let (quads, rest) = rgba.split_at(pixels / 4 * 16);
    for (to, from) in rgb.chunks_exact_mut(12).zip(quads.chunks_exact(16)) {
        let (p0, p1, p2, p3) = (word(from, 0), word(from, 4), word(from, 8), word(from, 12));
        alpha &= p0 & p1 & p2 & p3;
        to[..4].copy_from_slice(&(p0 & 0xFF_FFFF | p1 << 24).to_le_bytes());
        to[4..8].copy_from_slice(&(p1 >> 8 & 0xFFFF | p2 << 16).to_le_bytes());
        to[8..].copy_from_slice(&(p2 >> 16 & 0xFF | p3 << 8).to_le_bytes());
    }
    let tail = pixels / 4 * 4;
    for (to, from) in rgb[tail * 3..]
        .chunks_exact_mut(3)
        .zip(rest.chunks_exact(4))
    {
        alpha &= word(from, 0);
        to.copy_from_slice(&from[..3]);
    }
    if alpha & 0xFF00_0000 != 0xFF00_0000 {
        for (to, p) in rgb.chunks_exact_mut(3).zip(rgba.chunks_exact(4)) {
            // Undo premultiplication where a pixel is not opaque.
            let a = u16::from(p[3]).max(1);
            let un = |c: u8| ((u16::from(c) * 255 + a / 2) / a).min(255) as u8;
            to.copy_from_slice(&[un(p[0]), un(p[1]), un(p[2])]);
        }
    }
    rgb
}

fn encode(img: &DynamicImage, alpha: bool) -> Result<(Vec<u8>, &'static str), String> {
    let mut out = Vec::new();
    if alpha {
        img.write_to(&mut std::io::Cursor::new(&mut out), ImageFormat::Png)
            .map_err(|e| e.to_string())?;
        Ok((out, "png"))
    } else {
        let rgb = img.to_rgb8();
        JpegEncoder::new_with_quality(&mut out, 82)
            .encode_image(&rgb)
            .map_err(|e| e.to_string())?;
        Ok((out, "jpg"))
    }
}

/// An SVG passes through unchanged once checked.
fn svg_processed(bytes: &[u8]) -> Result<Processed, ImageError> {
    let (width, height) = check_svg(bytes)?;
    Ok(Processed {
        variants: vec![Variant {
            file: format!("{}.svg", hash_name(bytes)),
            width,
            bytes: Arc::new(bytes.to_vec()),
        }],
        width,
        height,
        portrait: false,
    })
}

impl Processed {
    /// `<img>` with srcset, width and height; `prefix` leads from the page to
    /// the unit root (e.g. `../../`).
    pub fn img_html(&self, prefix: &str, alt: &str) -> String {
        let url = |v: &Variant| format!("{prefix}{DIR}/{}", v.file);
        let largest = self.variants.last().expect("at least one variant");
        let mut html = format!("<img src=\"{}\"", url(largest));
        if self.variants.len() > 1 {
            let set: Vec<String> = self
                .variants
                .iter()
                .map(|v| format!("{} {}w", url(v), v.width))
                .collect();
            let sizes = if self.portrait {
                "(max-width: 24rem) 100vw, 22.5rem"
            } else {
                "(max-width: 44rem) 100vw, 42rem"
            };
            html.push_str(&format!(" srcset=\"{}\" sizes=\"{sizes}\"", set.join(", ")));
        }
        let class = if self.portrait {
            " class=\"anh-doc\""
        } else {
            ""
        };
        html.push_str(&format!(
            " width=\"{}\" height=\"{}\" alt=\"{}\"{class} loading=\"lazy\" decoding=\"async\">",
            self.width,
            self.height,
            escape(alt)
        ));
        html
    }
}

/// Every unit's logo passes `check_logo`.
pub fn check_logos(p: &Project, sink: &Sink) {
    for u in &p.units {
        if let Some(logo) = &u.data.logo
            && let Err(e) = check_logo(&p.root, u, logo)
        {
            sink.push(e);
        }
    }
}

/// Picture types a logo may be; it is copied as it is.
const LOGO_TYPES: &[&str] = &["svg", "png", "jpg", "jpeg", "webp", "gif"];

/// A unit's logo is a picture file inside the unit's folder (a symlink
/// leading out is refused: the file is published), and an SVG one passes
/// the same check as SVG images.
fn check_logo(root: &Path, u: &Unit, logo: &str) -> Result<(), Diagnostic> {
    let dir = Path::new("content/units").join(&u.slug);
    let shown = dir.join(logo);
    let Some(ext) = logo_type(logo) else {
        return Err(u
            .error_at(
                "logo",
                Some(logo),
                "the logo must be an SVG, PNG, JPEG, WebP or GIF file in the unit's folder",
            )
            .hint(format!(
                "put the file in {}/ and give its name, e.g. `logo: logo.svg`",
                dir.display()
            )));
    };
    let real = match (
        root.join(&shown).canonicalize(),
        root.join(&dir).canonicalize(),
    ) {
        (Ok(real), Ok(real_dir)) if real.is_file() => {
            if !real.starts_with(&real_dir) {
                return Err(u
                    .error_at(
                        "logo",
                        Some(logo),
                        format!("{} leads outside the unit's folder", shown.display()),
                    )
                    .hint("copy the logo file into the unit's folder instead of linking to it"));
            }
            real
        }
        _ => {
            return Err(u
                .error_at(
                    "logo",
                    Some(logo),
                    format!("logo file not found: {}", shown.display()),
                )
                .hint(
                    "put the logo (SVG or PNG) in the unit's folder, or remove the `logo` line",
                ));
        }
    };
    if ext == "svg" {
        let bytes = std::fs::read(&real)
            .map_err(|e| Diagnostic::error(format!("cannot read logo: {e}")).in_file(&shown))?;
        check_svg(&bytes).map_err(|e| e.diagnostic(&shown))?;
    } else {
        // Print lays the logo out from the file itself: a header that
        // declares 30,000 × 30,000 pixels is refused before anything decodes it.
        check_raster_size(&real).map_err(|e| e.diagnostic(&shown))?;
    }
    Ok(())
}

/// The logo's type (lower-case extension) if it is a plain relative path
/// to a picture.
fn logo_type(logo: &str) -> Option<String> {
    let path = Path::new(logo);
    let plain = path
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)));
    let ext = path.extension()?.to_string_lossy().to_ascii_lowercase();
    (plain && LOGO_TYPES.contains(&ext.as_str())).then_some(ext)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rendered_canvas_is_stored_as_the_colours_it_shows() {
        // One opaque pixel, one half-covered premultiplied pixel (the
        // anti-aliased edge of a shape): both must decode to their colour.
        let canvas = [10, 20, 30, 255, 64, 32, 0, 128];
        let png = encode_png(2, 1, &canvas).unwrap();
        let img = image::load_from_memory(&png).unwrap();
        assert_eq!(img.color(), image::ColorType::Rgb8);
        let rgb = img.to_rgb8();
        assert_eq!(rgb.get_pixel(0, 0).0, [10, 20, 30]);
        assert_eq!(rgb.get_pixel(1, 0).0, [128, 64, 0]);
        // A canvas with every pixel opaque takes the copying path.
        let opaque = [10, 20, 30, 255, 200, 100, 0, 255];
        let img = image::load_from_memory(&encode_png(2, 1, &opaque).unwrap()).unwrap();
        assert_eq!(img.to_rgb8().into_raw(), [10, 20, 30, 200, 100, 0]);
    }

    #[test]
    fn every_pixel_keeps_its_colour_whatever_the_canvas_width() {
        // Words of four pixels, then the pixels left over; a pixel not
        // opaque anywhere (in a word or left over) is unpremultiplied.
        for pixels in 1..=9usize {
            let colour = |i: usize| [(i * 7) as u8, (i * 13 + 1) as u8, (i * 29 + 2) as u8];
            let canvas: Vec<u8> = (0..pixels)
                .flat_map(|i| {
                    let [r, g, b] = colour(i);
                    [r, g, b, 255]
                })
                .collect();
            let want: Vec<u8> = (0..pixels).flat_map(colour).collect();
            assert_eq!(rgb_of(&canvas), want, "{pixels} opaque pixels");
            for half in 0..pixels {
                let mut c = canvas.clone();
                c[half * 4..half * 4 + 4].copy_from_slice(&[50, 25, 0, 128]);
                let mut want = want.clone();
                want[half * 3..half * 3 + 3].copy_from_slice(&[100, 50, 0]);
                assert_eq!(rgb_of(&c), want, "pixel {half} of {pixels} half covered");
            }
        }
    }

    #[test]
    fn tall_screenshot_is_shrunk_and_named_by_hash() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shot.png");
        image::RgbImage::from_pixel(1080, 2340, image::Rgb([200, 30, 30]))
            .save(&path)
            .unwrap();
        let p = process(&path).unwrap();
        assert_eq!(
            p.variants.iter().map(|v| v.width).collect::<Vec<_>>(),
            vec![360, 720]
        );
        assert_eq!((p.width, p.height), (720, 1560));
        assert!(p.variants[0].file.ends_with("-360.jpg"));
        let html = p.img_html("../../", "Màn hình \"đăng nhập\"");
        assert!(
            html.contains("srcset=\"../../anh/") && html.contains("720w"),
            "{html}"
        );
        assert!(html.contains("width=\"720\" height=\"1560\""), "{html}");
        assert!(
            html.contains("alt=\"Màn hình &quot;đăng nhập&quot;\""),
            "{html}"
        );
        // Same bytes, same output.
        let again = process(&path).unwrap();
        assert_eq!(again.variants[1].bytes, p.variants[1].bytes);
    }

    #[test]
    fn svg_keeps_its_size_and_rejects_scripts() {
        let dir = tempfile::tempdir().unwrap();
        let ok = dir.path().join("a.svg");
        std::fs::write(
            &ok,
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 100"></svg>"#,
        )
        .unwrap();
        let p = process(&ok).unwrap();
        assert_eq!((p.width, p.height), (200, 100));
        assert!(p.variants[0].file.ends_with(".svg"));
        assert_eq!(*p.variants[0].bytes, std::fs::read(&ok).unwrap());
        let bad = dir.path().join("b.svg");
        std::fs::write(&bad, "<svg>\n  <rect\nonload=\"alert(1)\"/>\n</svg>").unwrap();
        let d = process(&bad)
            .unwrap_err()
            .diagnostic(Path::new("content/guides/anh/b.svg"));
        let shown = d.render(false);
        assert!(shown.contains("event handler `onload`"), "{shown}");
        assert!(shown.contains("content/guides/anh/b.svg:3:1"), "{shown}");
        assert!(shown.contains("remove the attribute `onload`"), "{shown}");
    }

    #[test]
    fn an_svg_that_is_not_utf8_or_empty_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let latin1 = dir.path().join("c.svg");
        std::fs::write(&latin1, b"<svg><title>Ph\xf4\xf4ng</title></svg>").unwrap();
        let d = process(&latin1).unwrap_err().diagnostic(Path::new("c.svg"));
        assert!(d.message.contains("not UTF-8"), "{}", d.message);
        assert_eq!(d.location.unwrap().file, Path::new("c.svg"));
        let empty = dir.path().join("d.SVG");
        std::fs::write(&empty, "").unwrap();
        let e = process(&empty).unwrap_err();
        assert!(e.to_string().contains("empty"), "{e}");
    }
}
