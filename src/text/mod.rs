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
    let mut out = format_count(amount);
    out.push_str(" đ");
    out
}

/// A whole number with Vietnamese thousands separators: `1.056`.
pub fn format_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + 6);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// A file's size the Vietnamese way, for a download link: `120 KB`,
/// `1,5 MB` (decimal comma). KB rounds up, so a small file is never "0 KB".
pub fn file_size(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    if bytes < MB {
        return format!("{} KB", bytes.div_ceil(KB).max(1));
    }
    let tenths = (bytes * 10 + MB / 2) / MB;
    match tenths % 10 {
        0 => format!("{} MB", tenths / 10),
        d => format!("{},{d} MB", tenths / 10),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_sizes_read_as_on_a_download_link() {
        assert_eq!(file_size(0), "1 KB");
        assert_eq!(file_size(300), "1 KB");
        assert_eq!(file_size(120 * 1024), "120 KB");
        assert_eq!(file_size(120 * 1024 + 1), "121 KB");
        assert_eq!(file_size(1024 * 1024), "1 MB");
        assert_eq!(file_size(1536 * 1024), "1,5 MB");
    }

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
