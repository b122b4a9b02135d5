//! QR codes for the print templates. On screen and in download PDFs, a
//! small grey PNG the templates place with `scaling: "pixelated"` (sharp
//! modules at any size, and alt text): one element, where drawing hundreds
//! of rectangles cost a fifth of a leaflet's layout. In press PDFs, the dark
//! modules as horizontal runs the theme draws in the ink colour, so the code
//! prints on the black plate alone (an image would be ICC grey, which a
//! press may separate into four inks).

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use qrcode::{Color, EcLevel, QrCode};

/// Pixels per module: viewers that smooth images anyway blur only the
/// outer eighth of each module.
const SCALE: usize = 4;
/// The quiet zone the standard asks for, in modules.
const QUIET: usize = 4;

/// The code's width in modules and its modules, row by row.
fn modules(url: &str) -> Result<(usize, Vec<Color>), String> {
    // Level M survives a fold line or a smudge across the code.
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)
        .map_err(|e| format!("cannot make a QR code for {url}: {e}"))?;
    Ok((code.width(), code.to_colors()))
}

/// The code for `url` as a PNG (quiet zone included) and its module
/// count; made once per link (`made`).
pub fn png(url: &str) -> Result<(usize, Vec<u8>), String> {
    match made(url).as_ref() {
        Ok(m) => Ok((m.runs.0, m.image.clone())),
        Err(e) => Err(e.clone()),
    }
}

/// A PNG of the modules: each one `SCALE` pixels square, in a quiet zone.
fn image_of(n: usize, colors: &[Color]) -> Result<Vec<u8>, String> {
    let side = (n + 2 * QUIET) * SCALE;
    let dark = |px: usize, py: usize| {
        let (x, y) = (px / SCALE, py / SCALE);
        (QUIET..n + QUIET).contains(&x)
            && (QUIET..n + QUIET).contains(&y)
            && colors[(y - QUIET) * n + (x - QUIET)] == Color::Dark
    };
    let pixels: Vec<u8> = (0..side * side)
        .map(|i| if dark(i % side, i / side) { 0 } else { 255 })
        .collect();
    let side = u32::try_from(side).map_err(|e| e.to_string())?;
    let img = image::GrayImage::from_raw(side, side, pixels).ok_or("QR size mismatch")?;
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// The QR codes one document places, served to Typst at `/qr/<k>.png` in
/// the order they were asked for (so the set of paths stays small: Typst
/// interns every path for the life of the process).
#[derive(Default)]
pub struct Codes {
    images: RefCell<Vec<Vec<u8>>>,
    /// Runs of modules instead of images (press PDFs).
    vector: bool,
    /// The runs left out: a unit's slots leave a box that sotay draws
    /// the code into after layout (`compose`), so Typst need not read them.
    drawn_later: bool,
}

impl Codes {
    pub fn new(vector: bool) -> Self {
        Self {
            vector,
            ..Self::default()
        }
    }

    /// Codes whose runs sotay draws after layout (see `drawn_later`).
    pub fn drawn_later(self) -> Self {
        Self {
            drawn_later: true,
            ..self
        }
    }

    /// `(modules: n, image: "/qr/k.png")`, or `(modules: n, runs: …)` for
    /// vector codes, for the templates; `none` for a link too long to encode.
    pub fn dict(&self, url: &str) -> String {
        let code = made(url);
        let Ok(m) = code.as_ref() else {
            return "none".into();
        };
        let n = m.runs.0;
        if self.vector && self.drawn_later {
            format!("(modules: {n}, runs: ())")
        } else if self.vector {
            dict(&m.runs)
        } else {
            let mut codes = self.images.borrow_mut();
            let k = codes.len();
            codes.push(m.image.clone());
            format!("(modules: {n}, image: \"{}\")", path(k))
        }
    }

    pub fn into_inner(self) -> Vec<Vec<u8>> {
        self.images.into_inner()
    }
}

/// A link's code in every form sotay draws it.
struct Made {
    /// The dark modules as runs, for drawing it in Rust (press PDFs).
    runs: Runs,
    /// The PNG (screen and download PDFs).
    image: Vec<u8>,
}

/// A code's width in modules and its dark modules as horizontal runs
/// `(x, y, length)`.
pub type Runs = (usize, Vec<(usize, usize, usize)>);

/// The runs of `url`'s code, as press PDFs draw it; none for a link too
/// long to encode.
pub fn runs_of(url: &str) -> Option<Runs> {
    made(url).as_ref().as_ref().ok().map(|m| m.runs.clone())
}

/// Codes already made, by link: a link's code is asked for by every form
/// tried, by both variants of every leaflet and the handbook, and by the
/// desk screen; choosing its mask is most of its cost, so every form is
/// made from one choice. A pure function of the link, so sharing it across
/// builds in one process (`serve`) changes nothing; emptied when it grows
/// past a city's worth of links.
fn made(url: &str) -> Arc<Result<Made, String>> {
    type Memo = Mutex<HashMap<String, Arc<Result<Made, String>>>>;
    const MAX: usize = 50_000;
    static MEMO: OnceLock<Memo> = OnceLock::new();
    let memo = MEMO.get_or_init(Memo::default);
    if let Some(m) = memo.lock().expect("qr memo").get(url) {
        return m.clone();
    }
    let m = Arc::new(modules(url).and_then(|(n, colors)| {
        Ok(Made {
            image: image_of(n, &colors)?,
            runs: (n, runs(n, &colors)),
        })
    }));
    let mut memo = memo.lock().expect("qr memo");
    if memo.len() >= MAX {
        memo.clear();
    }
    memo.insert(url.to_owned(), m.clone());
    m
}

/// The dark modules merged into horizontal runs.
fn runs(n: usize, colors: &[Color]) -> Vec<(usize, usize, usize)> {
    let mut runs = Vec::new();
    for (y, row) in colors.chunks(n).enumerate() {
        let mut x = 0;
        while x < n {
            let start = x;
            while x < n && row[x] == Color::Dark {
                x += 1;
            }
            if x > start {
                runs.push((start, y, x - start));
            } else {
                x += 1;
            }
        }
    }
    runs
}

/// `(modules: n, runs: ((x, y, len), ..))` for the templates.
fn dict((n, runs): &Runs) -> String {
    let runs: String = runs
        .iter()
        .map(|(x, y, len)| format!("({x},{y},{len}),"))
        .collect();
    format!("(modules: {n}, runs: ({runs}))")
}

/// Where the `k`th code of a document is served.
pub fn path(k: usize) -> String {
    format!("/qr/{k}.png")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_image_decodes_to_the_link() {
        let url = "https://sotay.example.vn/phuong-ba-dinh/huong-dan/x/";
        let (n, bytes) = png(url).unwrap();
        let img = image::load_from_memory(&bytes).unwrap().to_luma8();
        assert_eq!(img.width() as usize, (n + 2 * QUIET) * SCALE);
        let mut prepared = rqrr::PreparedImage::prepare(img);
        let grids = prepared.detect_grids();
        assert_eq!(grids.len(), 1);
        assert_eq!(grids[0].decode().unwrap().1, url);
    }

    #[test]
    fn vector_runs_cover_the_finder_patterns() {
        let d = Codes::new(true).dict("https://sotay.example.vn/phuong-ba-dinh/huong-dan/x/");
        // The top-left finder pattern starts with a run of 7 dark modules.
        assert!(d.contains("runs: ((0,0,7),"), "{d}");
    }

    #[test]
    fn codes_are_numbered_in_the_order_asked() {
        let codes = Codes::new(false);
        assert!(codes.dict("https://a.example/").contains("/qr/0.png"));
        assert!(codes.dict("https://b.example/").contains("/qr/1.png"));
        assert_eq!(codes.into_inner().len(), 2);
    }
}
