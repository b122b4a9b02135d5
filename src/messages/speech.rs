//! Loudspeaker scripts (loa truyền thanh): addresses and numbers written the
//! way an announcer reads them.

const DIGITS: [&str; 10] = [
    "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
];

/// "dichvucong.gov.vn" -> "dichvucong chấm gov chấm vn"; "1022" -> "một không hai hai".
pub fn spoken(text: &str) -> String {
    text.split(' ').map(word).collect::<Vec<_>>().join(" ")
}

fn word(w: &str) -> String {
    let trimmed = w.trim_end_matches([',', ';', ':', '!', '?']);
    let tail = &w[trimmed.len()..];
    // A sentence-final full stop stays; dots inside a word are an address.
    let (core, stop) = match trimmed.strip_suffix('.') {
        Some(c) if c.contains('.') || c.contains("://") => (c, "."),
        Some(c) if c.chars().all(|ch| ch.is_ascii_digit()) => (c, "."),
        _ => (trimmed, ""),
    };
    let is_address = core.contains("://")
        || (core.contains('.')
            && core
                .split('.')
                .all(|p| !p.is_empty() && p.chars().any(|c| c.is_ascii_alphabetic())));
    let out = if is_address {
        let bare = core
            .split("://")
            .last()
            .unwrap_or(core)
            .trim_end_matches('/');
        bare.replace('.', " chấm ").replace('/', " gạch chéo ")
    } else if core.len() >= 3 && core.chars().all(|c| c.is_ascii_digit()) {
        core.chars()
            .map(|c| DIGITS[c.to_digit(10).unwrap_or(0) as usize])
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        core.to_owned()
    };
    format!("{out}{stop}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_numbers_are_read_out() {
        assert_eq!(
            spoken("Vào dichvucong.gov.vn hoặc gọi 1022."),
            "Vào dichvucong chấm gov chấm vn hoặc gọi một không hai hai."
        );
        assert_eq!(
            spoken("Xem https://sotay.hanoi.gov.vn/xa-ba-vi/ nhé"),
            "Xem sotay chấm hanoi chấm gov chấm vn gạch chéo xa-ba-vi nhé"
        );
        assert_eq!(
            spoken("trong 60 ngày, ngày 1.7."),
            "trong 60 ngày, ngày 1.7."
        );
    }
}
