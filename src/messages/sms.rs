//! SMS encoding and segments. Vietnamese with diacritics needs UCS-2 (70
//! characters, 67 per part); folded "không dấu" text fits GSM-7 (160, 153 per
//! part). Counting follows GOV.UK Notify: UTF-16 code units, GSM extended
//! characters count two.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

const GSM_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM_EXTENDED: &str = "^{}\\[~]|€";

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    Gsm7,
    Ucs2,
}

/// Replace typographic characters phones and gateways mangle (Notify's list).
pub fn sanitise(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\u{2010}'..='\u{2015}' | '\u{2212}' => out.push('-'),
            '\u{2026}' => out.push_str("..."),
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{2032}' => out.push('\''),
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{2033}' => out.push('"'),
            '\u{00A0}' | '\u{202F}' | '\t' => out.push(' '),
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{2028}'
            | '\u{2029}' => {}
            c => out.push(c),
        }
    }
    out
}

/// "Không dấu": full decomposition, every combining mark removed, đ -> d and
/// Đ -> D, case kept. Never `?`: Notify's one-level decomposition turns ự or
/// đ into `?`.
pub fn khong_dau(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            c => c,
        })
        .collect()
}

pub fn encoding(s: &str) -> Encoding {
    if s.chars()
        .all(|c| GSM_BASIC.contains(c) || GSM_EXTENDED.contains(c))
    {
        Encoding::Gsm7
    } else {
        Encoding::Ucs2
    }
}

/// Characters as the network counts them.
pub fn length(s: &str, enc: Encoding) -> usize {
    match enc {
        Encoding::Gsm7 => s
            .chars()
            .map(|c| if GSM_EXTENDED.contains(c) { 2 } else { 1 })
            .sum(),
        Encoding::Ucs2 => s.encode_utf16().count(),
    }
}

pub fn segments(s: &str) -> (Encoding, usize, usize) {
    let enc = encoding(s);
    let n = length(s, enc);
    let (single, part) = match enc {
        Encoding::Gsm7 => (160, 153),
        Encoding::Ucs2 => (70, 67),
    };
    let parts = if n <= single { 1 } else { n.div_ceil(part) };
    (enc, n, parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notify_vectors() {
        for (n, parts) in [(160, 1), (161, 2), (306, 2), (307, 3), (918, 6), (919, 7)] {
            assert_eq!(
                segments(&"a".repeat(n)),
                (Encoding::Gsm7, n, parts),
                "gsm {n}"
            );
        }
        for (n, parts) in [(70, 1), (71, 2), (134, 2), (135, 3), (402, 6), (403, 7)] {
            let s = "ệ".repeat(n);
            assert_eq!(segments(&s), (Encoding::Ucs2, n, parts), "ucs2 {n}");
        }
        // One non-GSM character switches the whole message to UCS-2.
        assert_eq!(segments(&format!("{}ệ", "a".repeat(69))).0, Encoding::Ucs2);
        // Extended characters count two: 80 x ^ is 160.
        assert_eq!(segments(&"^".repeat(80)), (Encoding::Gsm7, 160, 1));
    }

    #[test]
    fn vietnamese_notice_is_three_parts_accented_and_one_folded() {
        let msg = "UBND phường Hoàn Kiếm: Hồ sơ đăng ký khai sinh của bạn đã được tiếp nhận đủ. Theo dõi trên Cổng Dịch vụ công quốc gia dichvucong.gov.vn. Hotline: 1022.";
        assert_eq!(msg.chars().count(), 151);
        assert_eq!(segments(msg), (Encoding::Ucs2, 151, 3));
        let folded = khong_dau(msg);
        assert_eq!(segments(&folded), (Encoding::Gsm7, 151, 1));
        assert!(
            folded.starts_with("UBND phuong Hoan Kiem: Ho so dang ky khai sinh"),
            "{folded}"
        );
    }

    #[test]
    fn every_vietnamese_letter_and_tone_folds_to_its_base() {
        let bases = [
            ('a', "aàảãáạăằẳẵắặâầẩẫấậ"),
            ('e', "eèẻẽéẹêềểễếệ"),
            ('i', "iìỉĩíị"),
            ('o', "oòỏõóọôồổỗốộơờởỡớợ"),
            ('u', "uùủũúụưừửữứự"),
            ('y', "yỳỷỹýỵ"),
            ('d', "dđ"),
        ];
        for (base, letters) in bases {
            for c in letters.chars() {
                assert_eq!(khong_dau(&c.to_string()), base.to_string(), "{c}");
                let upper: String = c.to_uppercase().collect();
                assert_eq!(
                    khong_dau(&upper),
                    base.to_uppercase().to_string(),
                    "{upper}"
                );
            }
        }
        assert_eq!(khong_dau("Đường thủy"), "Duong thuy");
        assert_eq!(sanitise("Hà Nội – “1022”…"), "Hà Nội - \"1022\"...");
    }
}
