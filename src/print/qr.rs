//! QR codes as data for the print templates: the dark modules merged into
//! horizontal runs, which the theme draws as rectangles in the ink colour (so
//! the press version prints the code on the black plate alone).

use qrcode::{Color, EcLevel, QrCode};

/// `(modules: n, runs: ((x, y, len), ..))` as a Typst dictionary.
pub fn typst_dict(url: &str) -> Result<String, String> {
    // Level M survives a fold line or a smudge across the code.
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)
        .map_err(|e| format!("cannot make a QR code for {url}: {e}"))?;
    let n = code.width();
    let colors = code.to_colors();
    let mut runs = String::new();
    for y in 0..n {
        let mut x = 0;
        while x < n {
            if colors[y * n + x] == Color::Dark {
                let start = x;
                while x < n && colors[y * n + x] == Color::Dark {
                    x += 1;
                }
                runs.push_str(&format!("({start},{y},{}),", x - start));
            } else {
                x += 1;
            }
        }
    }
    Ok(format!("(modules: {n}, runs: ({runs}))"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_cover_the_finder_patterns() {
        let d = typst_dict("https://sotay.example.vn/phuong-ba-dinh/huong-dan/x/").unwrap();
        // The top-left finder pattern starts with a run of 7 dark modules.
        assert!(d.contains("runs: ((0,0,7),"), "{d}");
    }
}
