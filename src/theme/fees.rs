//! A fee's rates on a date, in the reader's words. Pages, widgets, the API,
//! leaflets, the handbook and messages all take their fee text from here, so
//! they cannot disagree.

use serde::Serialize;

use super::text::{Text, fill};
use crate::content::{Date, Fee, FeeChannel, Rate};
use crate::text::format_vnd;

/// A fee as readers see it on one date.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FeeText {
    pub name: String,
    /// What readers pay: one line, or one per channel when they differ
    /// ("Nộp trực tuyến: …", "Nộp trực tiếp: …").
    pub lines: Vec<String>,
    /// The next known change ("Từ 01/03/2027: 10.000 đ").
    pub next: Option<String>,
    pub next_date: Option<Date>,
    /// The legal bases of the rates in force, in the order written.
    pub bases: Vec<String>,
    /// Whether any rate in force costs money.
    pub paid: bool,
    /// No rate is in force on the date: what the fee is is not known.
    pub unknown: bool,
}

impl FeeText {
    /// `fee` on `date`, with its next known change.
    pub fn new(fee: &Fee, date: Date, t: &Text) -> Self {
        let now = lines(fee, date, None, t);
        let next_date = fee.changes_after(date).into_iter().next();
        // What changes: the lines that day that are not today's.
        let next = next_date.map(|day| {
            let then = lines(fee, day, Some(date), t);
            let changed: Vec<&String> = then.iter().filter(|l| !now.contains(l)).collect();
            let text = match (then.is_empty(), changed.is_empty()) {
                (true, _) => t.fee_none.clone(),
                (false, true) => then.join("; "),
                (false, false) => changed
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
            };
            fill(&t.fee_from, &[("date", &day.display_vi()), ("text", &text)])
        });
        let mut bases: Vec<String> = Vec::new();
        for r in fee.rates.iter().filter(|r| r.in_force(date)) {
            if !bases.contains(&r.basis) {
                bases.push(r.basis.clone());
            }
        }
        Self {
            name: fee.name.clone(),
            unknown: now.is_empty(),
            lines: if now.is_empty() {
                vec![capitalise(&t.fee_none)]
            } else {
                now
            },
            next,
            next_date,
            bases,
            paid: fee.is_paid_on(date),
        }
    }

    /// The next change, if it comes no later than `horizon` (print names
    /// only what changes while a leaflet is still on the desk).
    pub fn next_within(&self, horizon: Date) -> Option<&str> {
        self.next_date
            .filter(|d| *d <= horizon)
            .and(self.next.as_deref())
    }

    /// One line for a message or a widget: "Tên: dòng; dòng. Từ …".
    pub fn one_line(&self) -> String {
        let mut s = format!("{}: {}", self.name, self.lines.join("; "));
        if let Some(next) = &self.next {
            s.push_str(". ");
            s.push_str(next);
        }
        s
    }
}

/// The guide's fees, in one short sentence for a message (`free` when it
/// has none or none costs money).
pub fn summary(fees: &[FeeText], t: &Text) -> String {
    if fees
        .iter()
        .all(|f| !f.paid && !f.unknown && f.next.is_none())
    {
        return t.fee_free.clone();
    }
    fees.iter()
        .map(FeeText::one_line)
        .collect::<Vec<_>>()
        .join(". ")
}

/// One line per channel (one when both read the same), then a line for
/// each condition that holds on both channels (exemptions are said once).
/// Against `since` (a change's "from that day" text), a channel whose
/// conditions are those of `since` shows only its new rate for everyone.
fn lines(fee: &Fee, date: Date, since: Option<Date>, t: &Text) -> Vec<String> {
    let own = |c, day| -> Vec<&Rate> {
        let q = fee.quote(c, day);
        q.conditional
            .into_iter()
            .filter(|r| r.channel != FeeChannel::Both)
            .collect()
    };
    let channel = |c| {
        let base = fee.quote(c, date).base;
        let mut conditions = own(c, date);
        let unchanged = since.is_some_and(|s| {
            let before = own(c, s);
            before.len() == conditions.len()
                && before
                    .iter()
                    .zip(&conditions)
                    .all(|(a, b)| std::ptr::eq(*a, *b))
        });
        if unchanged && base.is_some() {
            conditions.clear();
        }
        (base.is_some() || !conditions.is_empty()).then(|| quote(base, &conditions, t))
    };
    let mut out = match (channel(FeeChannel::Online), channel(FeeChannel::Counter)) {
        (Some(online), Some(counter)) if online == counter => vec![capitalise(&online)],
        (online, counter) => {
            let mut out = Vec::new();
            if let Some(o) = online {
                out.push(fill(&t.fee_online_line, &[("text", &o)]));
            }
            if let Some(c) = counter {
                out.push(fill(&t.fee_counter_line, &[("text", &c)]));
            }
            out
        }
    };
    let shared = fee
        .rates
        .iter()
        .filter(|r| r.channel == FeeChannel::Both && r.condition.is_some() && r.in_force(date));
    out.extend(shared.map(|r| capitalise(&quote(None, &[r], t))));
    out
}

/// "Miễn phí nếu … (đến hết …); các trường hợp khác: 10.000 đ".
fn quote(base: Option<&Rate>, conditional: &[&Rate], t: &Text) -> String {
    let mut parts: Vec<String> = conditional
        .iter()
        .map(|r| {
            let condition = r.condition.as_deref().unwrap_or_default();
            until(
                r,
                fill(
                    &t.fee_if,
                    &[("amount", &amount(r.amount, t)), ("condition", condition)],
                ),
                t,
            )
        })
        .collect();
    if let Some(b) = base {
        let text = until(b, amount(b.amount, t), t);
        parts.push(if parts.is_empty() {
            text
        } else {
            fill(&t.fee_otherwise, &[("amount", &text)])
        });
    }
    parts.join("; ")
}

fn until(r: &Rate, text: String, t: &Text) -> String {
    match r.valid_until {
        Some(d) => fill(&t.fee_until, &[("text", &text), ("date", &d.display_vi())]),
        None => text,
    }
}

fn amount(amount: u64, t: &Text) -> String {
    if amount == 0 {
        t.fee_free.clone()
    } else {
        format_vnd(amount)
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn text() -> Text {
        crate::theme::default_text()
    }

    fn fee(yaml: &str) -> Fee {
        yaml_serde::from_str(yaml).unwrap()
    }

    fn residence() -> Fee {
        fee(r#"
name: Lệ phí đăng ký thường trú
rates:
  - { amount: 20000, channel: counter, basis: TT 75/2022 }
  - { amount: 10000, channel: online, basis: TT 75/2022 }
  - amount: 0
    channel: online
    condition: bạn có tài khoản định danh điện tử mức 2
    basis: TT 117/2026
    valid_from: 2026-08-15
    valid_until: 2027-02-28
"#)
    }

    #[test]
    fn a_waiver_reads_with_its_condition_its_end_and_what_comes_after() {
        let f = FeeText::new(&residence(), d("2026-12-01"), &text());
        assert_eq!(
            f.lines,
            vec![
                "Nộp trực tuyến: Miễn phí nếu bạn có tài khoản định danh điện tử mức 2 (đến hết 28/02/2027); các trường hợp khác: 10.000 đ",
                "Nộp trực tiếp: 20.000 đ",
            ]
        );
        assert_eq!(
            f.next.as_deref(),
            Some("Từ 01/03/2027: Nộp trực tuyến: 10.000 đ")
        );
        assert_eq!(f.bases, vec!["TT 75/2022", "TT 117/2026"]);
        assert!(f.paid && !f.unknown);
    }

    #[test]
    fn an_exemption_on_both_channels_is_said_once_and_a_reduction_ends_with_its_date() {
        let f = fee(r#"
name: Cấp đổi thẻ căn cước
rates:
  - { amount: 50000, basis: TT 73/2024 }
  - { amount: 25000, basis: TT 64/2025, valid_until: 2026-12-31 }
  - { amount: 0, condition: bạn là người cao tuổi, basis: TT 73/2024 }
"#);
        let t = FeeText::new(&f, d("2026-12-01"), &text());
        assert_eq!(
            t.lines,
            vec![
                "25.000 đ (đến hết 31/12/2026)",
                "Miễn phí nếu bạn là người cao tuổi"
            ]
        );
        assert_eq!(t.next.as_deref(), Some("Từ 01/01/2027: 50.000 đ"));
    }

    #[test]
    fn a_change_to_the_base_under_a_waiver_names_only_the_new_base() {
        let f = fee(r#"
name: Cấp đổi thẻ căn cước
rates:
  - { amount: 50000, basis: TT 73/2024 }
  - { amount: 25000, basis: TT 64/2025, valid_until: 2026-12-31 }
  - { amount: 0, channel: online, condition: bạn có tài khoản mức 2, basis: TT 117/2026, valid_until: 2027-02-28 }
"#);
        let t = FeeText::new(&f, d("2026-12-01"), &text());
        assert_eq!(t.lines.len(), 2, "{:?}", t.lines);
        assert_eq!(t.next.as_deref(), Some("Từ 01/01/2027: 50.000 đ"));
        let later = FeeText::new(&f, d("2027-01-15"), &text());
        assert_eq!(later.next.as_deref(), Some("Từ 01/03/2027: 50.000 đ"));
    }

    #[test]
    fn a_change_beyond_the_horizon_is_not_named() {
        let f = FeeText::new(&residence(), d("2026-12-01"), &text());
        assert_eq!(f.next_within(d("2027-02-28")), None);
        assert_eq!(f.next_within(d("2027-03-01")), f.next.as_deref());
        assert_eq!(f.next_date, Some(d("2027-03-01")));
    }

    #[test]
    fn the_same_rate_on_both_channels_is_one_line_without_a_channel() {
        let f = fee("{ name: Khai sinh, amount: 0, basis: Luật Hộ tịch }");
        let t = FeeText::new(&f, d("2026-12-01"), &text());
        assert_eq!(t.lines, vec!["Miễn phí"]);
        assert!(!t.paid);
        assert_eq!(summary(&[t], &text()), "Miễn phí");
    }

    #[test]
    fn an_ended_fee_says_it_is_not_known() {
        let f = fee("{ name: X, amount: 5000, basis: B, valid_until: 2026-01-31 }");
        let t = FeeText::new(&f, d("2026-12-01"), &text());
        assert!(t.unknown);
        assert_eq!(t.lines.len(), 1);
        assert!(t.bases.is_empty());
        let before = FeeText::new(&f, d("2026-01-01"), &text());
        assert_eq!(before.lines, vec!["5.000 đ (đến hết 31/01/2026)"]);
        assert!(
            before
                .next
                .as_deref()
                .unwrap()
                .starts_with("Từ 01/02/2026: ")
        );
    }
}
