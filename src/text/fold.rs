//! Diacritic folding. Full canonical decomposition, drop every combining
//! mark, then map đ/Đ (which has no decomposition) to d/D. Notify-style
//! single-level decomposition turns ự or đ into `?`; this does not.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Fold Vietnamese to lowercase ASCII-compatible text: "Đăng ký" -> "dang ky".
/// Non-Latin characters are kept (lowercased) so nothing silently vanishes.
pub fn fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// URL slug: folded, ASCII letters and digits, words joined by `-`.
/// "Bước 1: Đăng nhập" -> "buoc-1-dang-nhap".
pub fn slugify(s: &str) -> String {
    let folded = fold(s);
    let mut ascii = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c.is_ascii() {
            ascii.push(c);
        } else {
            // Other scripts and symbols: transliterate rather than drop.
            ascii.push_str(&deunicode::deunicode_char(c).unwrap_or("-").to_lowercase());
        }
    }
    let mut slug = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_every_vietnamese_mark() {
        assert_eq!(fold("Đăng ký khai sinh"), "dang ky khai sinh");
        assert_eq!(fold("phường Cửa Nam"), "phuong cua nam");
        assert_eq!(fold("hòa"), fold("hoà"));
        assert_eq!(fold("thủy"), fold("thuỷ"));
        assert_eq!(fold("Ủy ban nhân dân"), "uy ban nhan dan");
        assert_eq!(
            fold("trực tuyến miễn phí được tiếp nhận"),
            "truc tuyen mien phi duoc tiep nhan"
        );
        // Every precomposed Vietnamese letter U+1EA0..U+1EF9 folds to ASCII.
        for c in '\u{1EA0}'..='\u{1EF9}' {
            let f = fold(&c.to_string());
            assert!(f.is_ascii(), "{c} folded to {f}");
        }
    }

    #[test]
    fn slugs_are_ascii_and_readable() {
        assert_eq!(slugify("Bước 1: Đăng nhập"), "buoc-1-dang-nhap");
        assert_eq!(slugify("  Căn cước – cấp đổi!  "), "can-cuoc-cap-doi");
        assert_eq!(slugify("Phí, lệ phí (2026)"), "phi-le-phi-2026");
        assert_eq!(slugify("Ñandú"), "nandu");
        assert_eq!(slugify("???"), "");
    }
}
