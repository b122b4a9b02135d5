//! Notify-style placeholders: `((name))` and `((name??text))`. Names ignore
//! case, spaces, `_` and `-` (and here diacritics too, so `((tên đơn vị))`
//! and `((ten_don_vi))` are the same).

use crate::text::fold;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    /// As written between the parentheses, before `??`.
    pub raw: String,
    /// Normalised name for lookups.
    pub key: String,
    /// `((name??text))`: the text shown when the value is truthy.
    pub conditional: Option<String>,
    /// Byte range of the whole `((…))`.
    pub start: usize,
    pub end: usize,
}

pub fn key(name: &str) -> String {
    fold(name)
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .collect()
}

/// `ten_nguoi_nhan`: the ASCII snake_case form Zalo ZNS requires.
pub fn snake(name: &str) -> String {
    let mut out = String::new();
    for c in fold(name).chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_owned()
}

pub fn find(s: &str) -> Vec<Placeholder> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(open) = s[i..].find("((") {
        let start = i + open;
        let inner_start = start + 2;
        let Some(close) = s[inner_start..].find("))") else {
            break;
        };
        let inner = &s[inner_start..inner_start + close];
        if inner.contains('(') || inner.contains(')') || inner.trim().is_empty() {
            i = inner_start;
            continue;
        }
        let (raw, conditional) = match inner.split_once("??") {
            Some((n, t)) => (n.trim().to_owned(), Some(t.to_owned())),
            None => (inner.trim().to_owned(), None),
        };
        let end = inner_start + close + 2;
        out.push(Placeholder {
            key: key(&raw),
            raw,
            conditional,
            start,
            end,
        });
        i = end;
    }
    out
}

/// Replace each placeholder with what `value` gives for it.
pub fn replace(s: &str, value: impl Fn(&Placeholder) -> String) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    for p in find(s) {
        out.push_str(&s[last..p.start]);
        out.push_str(&value(&p));
        last = p.end;
    }
    out.push_str(&s[last..]);
    out
}

/// Notify's truthy values for `((name??text))`.
pub fn truthy(v: &str) -> bool {
    matches!(
        v.trim().to_lowercase().as_str(),
        "yes" | "y" | "true" | "t" | "1" | "include" | "show" | "co" | "có"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_ignore_case_spaces_and_marks() {
        assert_eq!(key("Tên đơn vị"), key("ten_don_vi"));
        assert_eq!(key("Full name"), key("full-name"));
        assert_eq!(snake("Tên người nhận"), "ten_nguoi_nhan");
        let ps = find("Chào ((họ tên)), hồ sơ ((ma_ho_so)) ((gap??khẩn)). (không) ((a(b)))");
        let keys: Vec<_> = ps.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(keys, vec!["hoten", "mahoso", "gap"]);
        assert_eq!(ps[2].conditional.as_deref(), Some("khẩn"));
        let out = replace("A ((x)) B ((y??có))", |p| {
            if p.key == "x" {
                "1".into()
            } else {
                String::new()
            }
        });
        assert_eq!(out, "A 1 B ");
    }
}
