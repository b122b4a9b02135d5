//! Images referenced from content: decoded once, resized to a few widths,
//! re-encoded without metadata, named by content hash. Phone screenshots are
//! never shipped at full size.

use std::path::Path;
use std::sync::Arc;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, GenericImageView, ImageFormat};
use sha2::{Digest, Sha256};

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

fn hash_name(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
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
/// carries their hashes, so a damaged entry is processed again.
pub fn process_cached(path: &Path, cache: &crate::cache::RenderCache) -> Result<Processed, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read image: {e}"))?;
    let key = {
        let mut h = Sha256::new();
        h.update(PROCESS_VERSION);
        h.update(
            path.extension()
                .map(|e| e.to_string_lossy().to_lowercase())
                .unwrap_or_default(),
        );
        h.update(&bytes);
        h.finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
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

/// Decode with the size read from the header first and a memory limit.
fn decode_bounded(bytes: &[u8]) -> Result<image::DynamicImage, String> {
    let reader = || {
        image::ImageReader::new(std::io::Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|e| format!("cannot read image: {e}"))
    };
    let (w, h) = reader()?
        .into_dimensions()
        .map_err(|e| format!("cannot decode image: {e}"))?;
    if w > MAX_SIDE || h > MAX_SIDE {
        return Err(format!(
            "image is {w} × {h} pixels; at most {MAX_SIDE} pixels a side are read (save it smaller: pages show it at most 960 pixels wide)"
        ));
    }
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    let mut r = reader()?;
    r.limits(limits);
    r.decode().map_err(|e| format!("cannot decode image: {e}"))
}

pub fn process(path: &Path) -> Result<Processed, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read image: {e}"))?;
    process_bytes(path, &bytes)
}

/// `process` on bytes already read from `path` (whose extension says SVG).
fn process_bytes(path: &Path, bytes: &[u8]) -> Result<Processed, String> {
    let hash = hash_name(bytes);
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"))
    {
        return svg(bytes, &hash);
    }
    let img = decode_bounded(bytes)?;
    let (w, h) = img.dimensions();
    if w == 0 || h == 0 {
        return Err("image has no pixels".into());
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
        let (data, ext) = encode(&resized, alpha)?;
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
    let rgb: Vec<u8> = rgba
        .chunks_exact(4)
        .flat_map(|p| {
            // Undo premultiplication for the rare pixel that is not opaque.
            let a = u16::from(p[3]).max(1);
            let un = |c: u8| ((u16::from(c) * 255 + a / 2) / a).min(255) as u8;
            if p[3] == 255 {
                [p[0], p[1], p[2]]
            } else {
                [un(p[0]), un(p[1]), un(p[2])]
            }
        })
        .collect();
    let img = image::RgbImage::from_raw(width, height, rgb).ok_or("canvas size mismatch")?;
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), ImageFormat::Png)
        .map_err(|e| e.to_string())?;
    Ok(out)
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

fn svg(bytes: &[u8], hash: &str) -> Result<Processed, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "SVG is not UTF-8 text".to_owned())?;
    let lower = text.to_ascii_lowercase();
    if lower.contains("<script") || lower.contains("javascript:") || has_handler(&lower) {
        return Err("SVG contains scripts or event handlers; export it again without them".into());
    }
    let (width, height) = svg_size(text).unwrap_or((640, 480));
    Ok(Processed {
        variants: vec![Variant {
            file: format!("{hash}.svg"),
            width,
            bytes: Arc::new(bytes.to_vec()),
        }],
        width,
        height,
        portrait: false,
    })
}

fn has_handler(lower: &str) -> bool {
    lower.match_indices(" on").any(|(i, _)| {
        let rest = &lower[i + 3..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect();
        !name.is_empty() && rest[name.len()..].trim_start().starts_with('=')
    })
}

/// Width and height from the root element's attributes or viewBox.
fn svg_size(text: &str) -> Option<(u32, u32)> {
    let start = text.find("<svg")?;
    let tag = &text[start..start + text[start..].find('>')?];
    let attr = |name: &str| -> Option<f64> {
        let i = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        let v = &tag[i..i + tag[i..].find('"')?];
        v.trim_end_matches("px").parse().ok()
    };
    if let (Some(w), Some(h)) = (attr("width"), attr("height")) {
        return Some((w.round() as u32, h.round() as u32));
    }
    let i = tag.find(" viewBox=\"")? + 10;
    let vb: Vec<f64> = tag[i..i + tag[i..].find('"')?]
        .split([' ', ','])
        .filter_map(|s| s.parse().ok())
        .collect();
    (vb.len() == 4).then(|| (vb[2].round() as u32, vb[3].round() as u32))
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

#[cfg(test)]
mod tests {
    use super::*;

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
        let bad = dir.path().join("b.svg");
        std::fs::write(&bad, r#"<svg onload="alert(1)"></svg>"#).unwrap();
        assert!(process(&bad).is_err());
    }
}
