//! Fees as schedules. A fee is a list of rates; each rate has its amount, the
//! channel it applies to, an optional condition (who gets it), its legal
//! basis and the dates it is in force. What a reader pays on a date is
//! decided here, once; the words for it are the theme's (`theme::fees`).
//!
//! Precedence, so that editors can write rates the way circulars are written:
//! - a rate without dates is the base; a dated rate without a condition
//!   replaces the base on its channel while it is in force (a reduction);
//! - a rate with a condition is offered beside the base to those who meet it
//!   (a waiver, an exemption).
//!
//! Two undated rates, or two dated rates in force on the same day, without a
//! condition and on the same channel are ambiguous: the loader refuses them.

use serde::{Deserialize, Serialize};

use super::date::Date;

/// Where a rate applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FeeChannel {
    Online,
    Counter,
    #[default]
    Both,
}

impl FeeChannel {
    /// Whether a rate on this channel applies to a reader on `reader`'s
    /// channel (`Online` or `Counter`).
    pub fn covers(self, reader: FeeChannel) -> bool {
        self == FeeChannel::Both || self == reader
    }
}

/// One rate of a fee.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rate {
    /// Đồng.
    pub amount: u64,
    #[serde(default)]
    pub channel: FeeChannel,
    /// Who gets it, in plain words that follow "nếu" ("if").
    #[serde(default)]
    pub condition: Option<String>,
    pub basis: String,
    #[serde(default)]
    pub valid_from: Option<Date>,
    /// The last day the rate applies.
    #[serde(default)]
    pub valid_until: Option<Date>,
}

impl Rate {
    pub fn in_force(&self, date: Date) -> bool {
        self.valid_from.is_none_or(|from| from <= date)
            && self.valid_until.is_none_or(|until| date <= until)
    }

    pub fn is_dated(&self) -> bool {
        self.valid_from.is_some() || self.valid_until.is_some()
    }

    /// The first day the rate no longer applies.
    pub fn ends_on(&self) -> Option<Date> {
        self.valid_until.map(|d| d.plus_days(1))
    }

    /// Whether the two rates are in force on some common day.
    pub fn overlaps(&self, other: &Rate) -> bool {
        let starts = self.valid_from.max(other.valid_from);
        let ends = match (self.valid_until, other.valid_until) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        match (starts, ends) {
            (Some(s), Some(e)) => s <= e,
            _ => true,
        }
    }
}

/// A fee as written in a guide: `name` and `rates`, or the short form of a
/// single rate (`amount`, `basis` and the rate's other keys beside `name`).
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "FeeYaml")]
pub struct Fee {
    pub name: String,
    pub rates: Vec<Rate>,
}

/// The keys a fee may have, before the short form is unfolded. The keys of
/// the old single-amount model are read only to say what replaced them.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FeeYaml {
    name: String,
    #[serde(default)]
    rates: Option<Vec<Rate>>,
    #[serde(default)]
    amount: Option<u64>,
    #[serde(default)]
    channel: Option<FeeChannel>,
    #[serde(default)]
    condition: Option<String>,
    #[serde(default)]
    basis: Option<String>,
    #[serde(default)]
    valid_from: Option<Date>,
    #[serde(default)]
    valid_until: Option<Date>,
    #[serde(default)]
    online_amount: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    exempt_if: Option<serde::de::IgnoredAny>,
}

impl TryFrom<FeeYaml> for Fee {
    type Error = String;

    fn try_from(y: FeeYaml) -> Result<Self, String> {
        if y.online_amount.is_some() {
            return Err(format!(
                "fee `{}`: `online_amount` is now a rate of its own: under `rates:`, write one rate with `channel: counter` and one with `channel: online`",
                y.name
            ));
        }
        if y.exempt_if.is_some() {
            return Err(format!(
                "fee `{}`: `exempt_if` is now a rate of its own: under `rates:`, add `- amount: 0` with `condition: \"<who is exempt>\"` and its `basis`",
                y.name
            ));
        }
        let short_form = y.amount.is_some()
            || y.basis.is_some()
            || y.channel.is_some()
            || y.condition.is_some()
            || y.valid_from.is_some()
            || y.valid_until.is_some();
        let rates = match (y.rates, short_form) {
            (Some(_), true) => {
                return Err(format!("fee `{}` has both `rates:` and a rate's keys (amount, basis…) beside its name: move them into `rates:`", y.name));
            }
            (Some(rates), false) if rates.is_empty() => {
                return Err(format!("fee `{}` has no rates: give at least one, e.g. `- amount: 0` with its `basis`", y.name));
            }
            (Some(rates), false) => rates,
            (None, _) => vec![Rate {
                amount: y.amount.ok_or_else(|| {
                    format!(
                        "fee `{}` has no `amount` (in đồng; 0 if free) and no `rates:`",
                        y.name
                    )
                })?,
                channel: y.channel.unwrap_or_default(),
                condition: y.condition,
                basis: y.basis.ok_or_else(|| {
                    format!("fee `{}` has no `basis`: name the document that sets it, e.g. \"Thông tư 75/2022/TT-BTC\"", y.name)
                })?,
                valid_from: y.valid_from,
                valid_until: y.valid_until,
            }],
        };
        Ok(Fee {
            name: y.name,
            rates,
        })
    }
}

/// What a reader on one channel pays on a date.
#[derive(Debug, Clone)]
pub struct Quote<'a> {
    /// The rate for everyone: a dated one in force, else the undated one.
    pub base: Option<&'a Rate>,
    /// Rates for those who meet their condition, in the order written.
    pub conditional: Vec<&'a Rate>,
}

impl Quote<'_> {
    pub fn is_empty(&self) -> bool {
        self.base.is_none() && self.conditional.is_empty()
    }
}

/// Two rates that cannot both be the rate for everyone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clash {
    pub first: usize,
    pub second: usize,
}

impl Fee {
    /// What a reader applying on `channel` (`Online` or `Counter`) pays on `date`.
    pub fn quote(&self, channel: FeeChannel, date: Date) -> Quote<'_> {
        let live = || {
            self.rates
                .iter()
                .filter(move |r| r.channel.covers(channel) && r.in_force(date))
        };
        let everyone = || live().filter(|r| r.condition.is_none());
        Quote {
            base: everyone()
                .find(|r| r.is_dated())
                .or_else(|| everyone().next()),
            conditional: live().filter(|r| r.condition.is_some()).collect(),
        }
    }

    /// Whether the fee has any rate for `channel`, at any date.
    pub fn offers(&self, channel: FeeChannel) -> bool {
        self.rates.iter().any(|r| r.channel.covers(channel))
    }

    /// The days after `date` on which what readers pay changes: a rate
    /// starts, or the day after one ends. Sorted, without repeats.
    pub fn changes_after(&self, date: Date) -> Vec<Date> {
        let mut days: Vec<Date> = self
            .rates
            .iter()
            .flat_map(|r| [r.valid_from, r.ends_on()])
            .flatten()
            .filter(|d| *d > date)
            .collect();
        days.sort();
        days.dedup();
        days
    }

    /// Pairs of rates for everyone on a common channel that are in force on
    /// a common day with the same standing (both undated, or both dated).
    pub fn clashes(&self) -> Vec<Clash> {
        let everyone: Vec<(usize, &Rate)> = self
            .rates
            .iter()
            .enumerate()
            .filter(|(_, r)| r.condition.is_none())
            .collect();
        let mut out = Vec::new();
        for (i, (a, ra)) in everyone.iter().enumerate() {
            for (b, rb) in &everyone[i + 1..] {
                let shared_channel = [FeeChannel::Online, FeeChannel::Counter]
                    .iter()
                    .any(|c| ra.channel.covers(*c) && rb.channel.covers(*c));
                if shared_channel && ra.is_dated() == rb.is_dated() && ra.overlaps(rb) {
                    out.push(Clash {
                        first: *a,
                        second: *b,
                    });
                }
            }
        }
        out
    }

    /// Whether any rate in force on `date` costs money.
    pub fn is_paid_on(&self, date: Date) -> bool {
        self.rates.iter().any(|r| r.amount > 0 && r.in_force(date))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn fee(yaml: &str) -> Result<Fee, String> {
        yaml_serde::from_str::<Fee>(yaml).map_err(|e| e.to_string())
    }

    /// Residence registration in late 2026: TT 75/2022 rates, and TT 117/2026's
    /// waiver for level-2 account holders until 28/02/2027.
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
        .unwrap()
    }

    #[test]
    fn a_waiver_is_offered_beside_the_base_while_it_lasts() {
        let f = residence();
        let q = f.quote(FeeChannel::Online, d("2026-12-01"));
        assert_eq!(q.base.map(|r| r.amount), Some(10000));
        assert_eq!(q.conditional.len(), 1);
        let after = f.quote(FeeChannel::Online, d("2027-03-01"));
        assert!(after.conditional.is_empty());
        let before = f.quote(FeeChannel::Online, d("2026-08-14"));
        assert!(before.conditional.is_empty());
        let counter = f.quote(FeeChannel::Counter, d("2026-12-01"));
        assert_eq!(counter.base.map(|r| r.amount), Some(20000));
        assert!(counter.conditional.is_empty());
        assert_eq!(f.changes_after(d("2026-12-01")), vec![d("2027-03-01")]);
        assert_eq!(
            f.changes_after(d("2026-01-01")),
            vec![d("2026-08-15"), d("2027-03-01")]
        );
        assert!(f.clashes().is_empty());
    }

    #[test]
    fn a_dated_reduction_replaces_the_base_until_it_ends() {
        let f = fee(r#"
name: Cấp đổi thẻ căn cước
rates:
  - { amount: 50000, basis: TT 73/2024 }
  - { amount: 25000, basis: TT 64/2025, valid_until: 2026-12-31 }
"#)
        .unwrap();
        let amount = |day| f.quote(FeeChannel::Online, d(day)).base.unwrap().amount;
        assert_eq!(amount("2026-12-31"), 25000);
        assert_eq!(amount("2027-01-01"), 50000);
        assert!(f.is_paid_on(d("2027-01-01")));
    }

    #[test]
    fn the_short_form_is_one_rate_for_both_channels() {
        let f = fee("{ name: Khai sinh, amount: 0, basis: Luật Hộ tịch }").unwrap();
        assert_eq!(f.rates.len(), 1);
        assert_eq!(f.rates[0].channel, FeeChannel::Both);
        assert!(!f.is_paid_on(d("2030-01-01")));
        assert!(f.offers(FeeChannel::Online) && f.offers(FeeChannel::Counter));
    }

    #[test]
    fn the_old_keys_say_what_replaced_them() {
        let e = fee("{ name: X, amount: 1, basis: B, online_amount: 0 }").unwrap_err();
        assert!(e.contains("channel: online"), "{e}");
        let e = fee("{ name: X, amount: 1, basis: B, exempt_if: ai đó }").unwrap_err();
        assert!(e.contains("condition"), "{e}");
        let e = fee("{ name: X, basis: B }").unwrap_err();
        assert!(e.contains("amount"), "{e}");
        let e = fee("{ name: X, amount: 1, rates: [] }").unwrap_err();
        assert!(e.contains("both"), "{e}");
        let e = fee("{ name: X, rates: [] }").unwrap_err();
        assert!(e.contains("no rates"), "{e}");
    }

    #[test]
    fn two_rates_for_everyone_at_once_clash() {
        let f = fee(r#"
name: X
rates:
  - { amount: 1, basis: A }
  - { amount: 2, channel: online, basis: B }
  - { amount: 3, basis: C, valid_until: 2026-12-31 }
  - { amount: 4, channel: counter, basis: D, valid_from: 2026-12-01 }
  - { amount: 0, basis: E, condition: trẻ em }
"#)
        .unwrap();
        assert_eq!(
            f.clashes(),
            vec![
                Clash {
                    first: 0,
                    second: 1
                },
                Clash {
                    first: 2,
                    second: 3
                }
            ]
        );
    }
}
