//! QR codes as a reader's phone would see them: decoded from an image, or
//! from a PDF page rendered at press resolution.

use std::path::Path;
use std::process::Command;

/// Every QR code in an image, decoded, sorted.
pub fn in_image(img: image::GrayImage) -> Vec<String> {
    let mut prepared = rqrr::PreparedImage::prepare(img);
    let mut urls: Vec<String> = prepared
        .detect_grids()
        .iter()
        .filter_map(|g| g.decode().ok().map(|(_, s)| s))
        .collect();
    urls.sort();
    urls
}

/// Every QR code on page `page` of `pdf`, decoded, sorted (rendered at
/// 300 dpi in grey into `scratch`).
pub fn in_pdf_page(pdf: &Path, page: usize, scratch: &Path) -> Vec<String> {
    let png = scratch.join("qr");
    let p = page.to_string();
    let out = Command::new("pdftoppm")
        .args([
            "-r",
            "300",
            "-gray",
            "-png",
            "-singlefile",
            "-f",
            &p,
            "-l",
            &p,
        ])
        .arg(pdf)
        .arg(&png)
        .output()
        .expect("pdftoppm is needed (apt-get install poppler-utils)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    in_image(image::open(png.with_extension("png")).unwrap().to_luma8())
}
