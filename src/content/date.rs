//! Calendar dates from front matter (`2026-11-20`). Build output never reads
//! the clock, so dates are plain values, not timestamps.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::{Month, UtcOffset};

/// A calendar date, on the `time` crate's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(time::Date);

/// Hanoi's UTC offset (+07:00, no summer time): feeds and sitemaps give a
/// date as midnight there.
pub const HANOI: UtcOffset = time::macros::offset!(+7);

/// The day the campaign's guides were first published: the date of a feed
/// with no guides, and of a handbook or picture with no reviewed guide.
pub const CAMPAIGN_START: Date = Date(time::macros::date!(2025 - 07 - 01));

impl Date {
    pub fn parse(s: &str) -> Result<Self, String> {
        let bad = || format!("`{s}` is not a date; write it as YYYY-MM-DD, e.g. 2026-11-20");
        let mut parts = s.trim().splitn(3, '-');
        let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
        if !(digits(y, 4) && digits(m, 2) && digits(d, 2)) {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u8 = m.parse().map_err(|_| bad())?;
        let day: u8 = d.parse().map_err(|_| bad())?;
        Self::new(year, month, day).ok_or_else(bad)
    }

    /// The date, if it exists (`month` 1 to 12).
    pub fn new(year: i32, month: u8, day: u8) -> Option<Self> {
        let month = Month::try_from(month).ok()?;
        time::Date::from_calendar_date(year, month, day)
            .ok()
            .map(Self)
    }

    pub fn year(&self) -> i32 {
        self.0.year()
    }

    /// 1 to 12.
    pub fn month(&self) -> u8 {
        self.0.month().into()
    }

    pub fn day(&self) -> u8 {
        self.0.day()
    }

    /// Today's date (UTC) from the system clock. Only `sotay check` and
    /// `sotay init` use it: build output never depends on the clock.
    pub fn today() -> Self {
        Self(time::OffsetDateTime::now_utc().date())
    }

    /// The civil date `days` after 1970-01-01.
    pub fn from_unix_days(days: i64) -> Self {
        /// The Julian day number of 1970-01-01.
        const UNIX_EPOCH_JULIAN_DAY: i64 = 2_440_588;
        let julian = i32::try_from(days + UNIX_EPOCH_JULIAN_DAY).unwrap_or(i32::MAX);
        Self(time::Date::from_julian_day(julian).unwrap_or(time::Date::MAX))
    }

    /// Whole months from `self` to `later` (negative if `later` is earlier).
    pub fn months_until(&self, later: &Date) -> i64 {
        let index = |d: &Date| i64::from(d.year()) * 12 + i64::from(d.month());
        let months = index(later) - index(self);
        if later.day() < self.day() {
            months - 1
        } else {
            months
        }
    }

    /// Days from `self` to `later` (negative if `later` is earlier).
    pub fn days_until(&self, later: &Date) -> i64 {
        i64::from(later.0.to_julian_day()) - i64::from(self.0.to_julian_day())
    }

    /// The same day `years` later (earlier if negative); 29 February becomes
    /// 28 February in a common year.
    pub fn plus_years(&self, years: i32) -> Self {
        let year = self.year() + years;
        Self::new(year, self.month(), self.day())
            .or_else(|| Self::new(year, self.month(), self.day() - 1))
            .unwrap_or(*self)
    }

    /// The day `days` later (earlier if negative), saturating at the calendar's ends.
    pub fn plus_days(&self, days: i64) -> Self {
        Self(
            self.0
                .checked_add(time::Duration::days(days))
                .unwrap_or(if days < 0 {
                    time::Date::MIN
                } else {
                    time::Date::MAX
                }),
        )
    }

    /// Vietnamese display form: 20/11/2026.
    pub fn display_vi(&self) -> String {
        format!("{:02}/{:02}/{}", self.day(), self.month(), self.year())
    }

    /// RFC 3339 at midnight Hanoi time, for Atom and sitemaps.
    pub fn rfc3339(&self) -> String {
        self.0
            .midnight()
            .assume_offset(HANOI)
            .format(&Rfc3339)
            .unwrap_or_else(|_| format!("{self}T00:00:00+07:00"))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}",
            self.year(),
            self.month(),
            self.day()
        )
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        let d = Date::parse("2026-02-28").unwrap();
        assert_eq!(d.display_vi(), "28/02/2026");
        assert_eq!(d.rfc3339(), "2026-02-28T00:00:00+07:00");
        assert!(Date::parse("2026-02-29").is_err());
        assert!(Date::parse("2024-02-29").is_ok());
        assert!(Date::parse("20/11/2026").is_err());
        assert!(Date::parse("2026-13-01").is_err());
        let a = Date::parse("2025-11-20").unwrap();
        assert_eq!(a.months_until(&Date::parse("2026-11-20").unwrap()), 12);
        assert_eq!(a.months_until(&Date::parse("2026-11-19").unwrap()), 11);
        assert_eq!(Date::from_unix_days(0), Date::parse("1970-01-01").unwrap());
        // 2026-11-29 is day 20,786; 2024-02-29 is day 19,782.
        assert_eq!(
            Date::from_unix_days(20_786),
            Date::parse("2026-11-29").unwrap()
        );
        assert_eq!(
            Date::from_unix_days(19_782),
            Date::parse("2024-02-29").unwrap()
        );
        assert_eq!(CAMPAIGN_START.rfc3339(), "2025-07-01T00:00:00+07:00");
        assert_eq!(
            Date::parse("2024-02-29").unwrap().plus_years(-1),
            Date::parse("2023-02-28").unwrap()
        );
        assert!(Date::parse("+026-01-01").is_err());
    }
}
