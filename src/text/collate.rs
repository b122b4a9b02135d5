//! Vietnamese alphabetical order (a ă â b c d đ e ê …, tones ngang < huyền <
//! hỏi < ngã < sắc < nặng). Byte order puts "Ba Đình" before "ba" and "ăn"
//! after "ôm"; ICU's `vi` tailoring gets it right.

use std::cmp::Ordering;

use icu_collator::options::CollatorOptions;
use icu_collator::{Collator, CollatorBorrowed};
use icu_locale_core::locale;

/// A Vietnamese collator. Cheap to create from compiled data; one per build.
pub struct Collation {
    collator: CollatorBorrowed<'static>,
}

impl Default for Collation {
    fn default() -> Self {
        let collator = Collator::try_new(locale!("vi").into(), CollatorOptions::default())
            .expect("compiled collation data for `vi` is built in");
        Self { collator }
    }
}

impl Collation {
    pub fn compare(&self, a: &str, b: &str) -> Ordering {
        // Tie-break on bytes so the order is total and output deterministic.
        self.collator.compare(a, b).then_with(|| a.cmp(b))
    }

    pub fn sort_by_key<T>(&self, items: &mut [T], key: impl Fn(&T) -> &str) {
        items.sort_by(|a, b| self.compare(key(a), key(b)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_alphabet_order() {
        let mut words = vec![
            "đường",
            "dương",
            "ưa",
            "ua",
            "ôm",
            "om",
            "ơn",
            "êm",
            "em",
            "Bạch Mai",
            "Ba Đình",
            "bá",
            "bạ",
            "ba",
            "bà",
            "bả",
            "bã",
            "âm",
            "ăn",
            "an",
            "Bắc Từ Liêm",
        ];
        Collation::default().sort_by_key(&mut words, |w| w);
        assert_eq!(
            words,
            vec![
                "an",
                "ăn",
                "âm",
                "ba",
                "bà",
                "bả",
                "bã",
                "bá",
                "bạ",
                "Ba Đình",
                "Bạch Mai",
                "Bắc Từ Liêm",
                "dương",
                "đường",
                "em",
                "êm",
                "om",
                "ôm",
                "ơn",
                "ua",
                "ưa"
            ]
        );
    }
}
