//! Vietnamese text handling: NFC on input, diacritic folding for slugs and
//! search keys, and Vietnamese alphabetical order.

mod collate;
mod fold;

pub use collate::Collation;
pub use fold::{fold, slugify};

use unicode_normalization::{UnicodeNormalization, is_nfc_quick};

/// Normalise to NFC. Text from macOS or Word often arrives decomposed (NFD);
/// comparing, hashing and shaping only work on one form.
pub fn nfc(s: &str) -> String {
    match is_nfc_quick(s.chars()) {
        unicode_normalization::IsNormalized::Yes => s.to_owned(),
        _ => s.nfc().collect(),
    }
}

/// Format an amount of đồng the Vietnamese way: `20.000 đ`.
pub fn format_vnd(amount: u64) -> String {
    let digits = amount.to_string();
    let mut out = String::with_capacity(digits.len() + 4);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out.push_str(" đ");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfd_input_becomes_nfc() {
        let nfd: String = "Hoàn Kiếm, đăng ký khai sinh".nfd().collect();
        assert_ne!(nfd, "Hoàn Kiếm, đăng ký khai sinh");
        assert_eq!(nfc(&nfd), "Hoàn Kiếm, đăng ký khai sinh");
    }

    #[test]
    fn money_uses_dot_thousands() {
        assert_eq!(format_vnd(0), "0 đ");
        assert_eq!(format_vnd(7_000), "7.000 đ");
        assert_eq!(format_vnd(135_000), "135.000 đ");
        assert_eq!(format_vnd(1_234_567), "1.234.567 đ");
    }
}
