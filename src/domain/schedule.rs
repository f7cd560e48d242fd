//! When digests go out: `daily HH:MM`, `weekdays HH:MM` or `weekly <day> HH:MM` in an IANA
//! timezone, and the next instant such a schedule fires (DST-correct, via chrono-tz).

use std::fmt;
use std::str::FromStr;

use chrono::{
    DateTime, Datelike, Days, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, SubsecRound, TimeDelta, TimeZone, Utc,
    Weekday,
};
use chrono_tz::{TZ_VARIANTS, Tz};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("{0:?} is not a schedule; write `daily 08:30`, `weekdays 09:00` or `weekly mon 09:00` (24-hour time)")]
    Malformed(String),
    #[error("{0:?} is not a time; write it as HH:MM in 24-hour time, e.g. 08:30 or 17:05")]
    BadTime(String),
    #[error("{0:?} is not a weekday; use mon, tue, wed, thu, fri, sat or sun")]
    BadDay(String),
    #[error("{given:?} is not an IANA timezone; write it like `Europe/Berlin`, `America/New_York` or `UTC`{hint}")]
    BadTimezone { given: String, hint: String },
}

/// A digest schedule in local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    Daily(NaiveTime),
    Weekdays(NaiveTime),
    Weekly(Weekday, NaiveTime),
}

impl Schedule {
    /// The local time of day the schedule fires at.
    pub fn time(&self) -> NaiveTime {
        match *self {
            Schedule::Daily(time) | Schedule::Weekdays(time) | Schedule::Weekly(_, time) => time,
        }
    }

    /// Whether the schedule fires on this local calendar date.
    fn fires_on(&self, date: NaiveDate) -> bool {
        match *self {
            Schedule::Daily(_) => true,
            Schedule::Weekdays(_) => !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
            Schedule::Weekly(day, _) => date.weekday() == day,
        }
    }

    /// The first firing strictly after `after`, with the schedule read in `tz`.
    ///
    /// A local time skipped by a spring-forward change fires at the first instant after the
    /// gap; a local time that happens twice in autumn fires once, at the earlier instant.
    pub fn next_after(&self, after: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
        // Start a day early: a firing resolved forward out of a gap can land on the next
        // local date, so yesterday's slot may still be ahead of `after`.
        let today = after.with_timezone(&tz).date_naive();
        let mut date = today.checked_sub_days(Days::new(1)).unwrap_or(today);
        loop {
            if self.fires_on(date) {
                let instant = resolve_local(date.and_time(self.time()), tz);
                if instant > after {
                    return instant;
                }
            }
            // Firings resolve monotonically in the date, so the first one past `after` is
            // the answer; a weekly schedule needs at most eight steps.
            match date.checked_add_days(Days::new(1)) {
                Some(next) => date = next,
                None => return DateTime::<Utc>::MAX_UTC,
            }
        }
    }

    /// The latest firing at or before `at`: which slot a late or missed digest belongs to.
    pub fn previous_at_or_before(&self, at: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
        // Start a day late for the mirror reason of `next_after`.
        let today = at.with_timezone(&tz).date_naive();
        let mut date = today.checked_add_days(Days::new(1)).unwrap_or(today);
        loop {
            if self.fires_on(date) {
                let instant = resolve_local(date.and_time(self.time()), tz);
                if instant <= at {
                    return instant;
                }
            }
            match date.checked_sub_days(Days::new(1)) {
                Some(previous) => date = previous,
                None => return DateTime::<Utc>::MIN_UTC,
            }
        }
    }
}

/// The instant a local wall-clock time names in `tz`: the earlier one when the clock shows it
/// twice, the end of the gap when the clock skips it.
fn resolve_local(local: NaiveDateTime, tz: Tz) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(instant) => instant.with_timezone(&Utc),
        LocalResult::Ambiguous(earlier, _) => earlier.with_timezone(&Utc),
        LocalResult::None => first_instant_showing_at_least(local, tz),
    }
}

/// The first instant whose local time in `tz` is at or past `local`. Inside a gap the
/// clock jumps over `local`, so this is the instant the gap ends (the transition itself).
fn first_instant_showing_at_least(local: NaiveDateTime, tz: Tz) -> DateTime<Utc> {
    // UTC offsets lie within -12h..+14h, so these bracket the answer: the wall clock shows
    // less than `local` at `low` and at least `local` at `high`.
    // Transitions fall on whole seconds, so searching whole seconds finds them exactly.
    let as_utc = local.and_utc().trunc_subsecs(0);
    let mut low = as_utc - TimeDelta::hours(15);
    let mut high = as_utc + TimeDelta::hours(13);
    let shows = |instant: DateTime<Utc>| instant.with_timezone(&tz).naive_local();
    while high - low > TimeDelta::seconds(1) {
        let middle = low + TimeDelta::seconds((high - low).num_seconds() / 2);
        if shows(middle) >= local {
            high = middle;
        } else {
            low = middle;
        }
    }
    high
}

impl FromStr for Schedule {
    type Err = ScheduleError;

    fn from_str(text: &str) -> Result<Schedule, ScheduleError> {
        let malformed = || ScheduleError::Malformed(text.trim().to_string());
        let words: Vec<&str> = text.split_whitespace().collect();
        let kind = words.first().ok_or_else(malformed)?.to_ascii_lowercase();
        match (kind.as_str(), words.as_slice()) {
            ("daily", [_, time]) => Ok(Schedule::Daily(parse_time(time)?)),
            ("weekdays", [_, time]) => Ok(Schedule::Weekdays(parse_time(time)?)),
            ("weekly", [_, day, time]) => Ok(Schedule::Weekly(parse_day(day)?, parse_time(time)?)),
            _ => Err(malformed()),
        }
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let time = self.time().format("%H:%M");
        match self {
            Schedule::Daily(_) => write!(f, "daily {time}"),
            Schedule::Weekdays(_) => write!(f, "weekdays {time}"),
            Schedule::Weekly(day, _) => write!(f, "weekly {} {time}", day_name(*day)),
        }
    }
}

/// `H:MM` or `HH:MM`, 24-hour, 00:00 to 23:59.
fn parse_time(text: &str) -> Result<NaiveTime, ScheduleError> {
    let bad = || ScheduleError::BadTime(text.to_string());
    let (hours, minutes) = text.split_once(':').ok_or_else(bad)?;
    let all_digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    if !(1..=2).contains(&hours.len()) || minutes.len() != 2 || !all_digits(hours) || !all_digits(minutes) {
        return Err(bad());
    }
    let hours: u32 = hours.parse().map_err(|_| bad())?;
    let minutes: u32 = minutes.parse().map_err(|_| bad())?;
    NaiveTime::from_hms_opt(hours, minutes, 0).ok_or_else(bad)
}

fn parse_day(text: &str) -> Result<Weekday, ScheduleError> {
    let day = match text.to_ascii_lowercase().as_str() {
        "mon" | "monday" => Weekday::Mon,
        "tue" | "tues" | "tuesday" => Weekday::Tue,
        "wed" | "wednesday" => Weekday::Wed,
        "thu" | "thur" | "thurs" | "thursday" => Weekday::Thu,
        "fri" | "friday" => Weekday::Fri,
        "sat" | "saturday" => Weekday::Sat,
        "sun" | "sunday" => Weekday::Sun,
        _ => return Err(ScheduleError::BadDay(text.to_string())),
    };
    Ok(day)
}

fn day_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    }
}

/// An IANA timezone name (any letter case), or `UTC`/`Z`.
pub fn parse_timezone(text: &str) -> Result<Tz, ScheduleError> {
    let given = text.trim();
    if given.eq_ignore_ascii_case("utc") || given.eq_ignore_ascii_case("z") {
        return Ok(Tz::UTC);
    }
    if let Ok(tz) = given.parse::<Tz>() {
        return Ok(tz);
    }
    if let Some(tz) = TZ_VARIANTS.iter().find(|tz| tz.name().eq_ignore_ascii_case(given)) {
        return Ok(*tz);
    }
    let hint = closest_timezone(given)
        .map(|name| format!("; did you mean `{name}`?"))
        .unwrap_or_default();
    Err(ScheduleError::BadTimezone {
        given: given.to_string(),
        hint,
    })
}

/// A real zone whose city part matches or nearly matches the city part of `given`
/// (`Berlin`, `Asia/Berlin`, `Europe/Berln`, `america/new york`).
fn closest_timezone(given: &str) -> Option<&'static str> {
    let city = given
        .rsplit('/')
        .next()
        .unwrap_or(given)
        .trim()
        .replace(' ', "_")
        .to_ascii_lowercase();
    if city.is_empty() {
        return None;
    }
    // Abbreviations must match exactly, or `PST` would suggest `EST`.
    let limit = match city.chars().count() {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    };
    TZ_VARIANTS
        .iter()
        .map(|tz| {
            let name = tz.name();
            let zone_city = name.rsplit('/').next().unwrap_or(name).to_ascii_lowercase();
            (strsim::osa_distance(&city, &zone_city), name)
        })
        .filter(|(distance, _)| *distance <= limit)
        // Ties go to region/city names over legacy abbreviations like `EST5EDT`.
        .min_by_key(|(distance, name)| (*distance, !name.contains('/')))
        .map(|(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("test instant")
            .with_timezone(&Utc)
    }

    fn schedule(text: &str) -> Schedule {
        text.parse().expect("test schedule")
    }

    fn tz(name: &str) -> Tz {
        parse_timezone(name).expect("test timezone")
    }

    fn hm(hours: u32, minutes: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(hours, minutes, 0).expect("test time")
    }

    #[test]
    fn parses_good_schedules() {
        let cases = [
            ("daily 08:30", Schedule::Daily(hm(8, 30))),
            ("daily 8:30", Schedule::Daily(hm(8, 30))),
            ("  DAILY   00:00  ", Schedule::Daily(hm(0, 0))),
            ("daily 23:59", Schedule::Daily(hm(23, 59))),
            ("weekdays 09:00", Schedule::Weekdays(hm(9, 0))),
            ("Weekdays 17:05", Schedule::Weekdays(hm(17, 5))),
            ("weekly mon 09:00", Schedule::Weekly(Weekday::Mon, hm(9, 0))),
            ("weekly Friday 18:00", Schedule::Weekly(Weekday::Fri, hm(18, 0))),
            ("weekly SUN 7:15", Schedule::Weekly(Weekday::Sun, hm(7, 15))),
            ("weekly thurs 12:00", Schedule::Weekly(Weekday::Thu, hm(12, 0))),
        ];
        for (text, expected) in cases {
            assert_eq!(text.parse::<Schedule>(), Ok(expected), "{text:?}");
        }
    }

    #[test]
    fn rejects_bad_schedules_naming_the_value() {
        let cases = [
            ("", ScheduleError::Malformed(String::new()), "\"\" is not a schedule"),
            (
                "hourly 08:00",
                ScheduleError::Malformed("hourly 08:00".into()),
                "\"hourly 08:00\"",
            ),
            (
                "daily",
                ScheduleError::Malformed("daily".into()),
                "\"daily\" is not a schedule",
            ),
            (
                "daily 08:00 09:00",
                ScheduleError::Malformed("daily 08:00 09:00".into()),
                "not a schedule",
            ),
            (
                "weekly 09:00",
                ScheduleError::Malformed("weekly 09:00".into()),
                "not a schedule",
            ),
            (
                "daily 24:00",
                ScheduleError::BadTime("24:00".into()),
                "\"24:00\" is not a time",
            ),
            (
                "daily 8.30",
                ScheduleError::BadTime("8.30".into()),
                "\"8.30\" is not a time",
            ),
            ("daily 08:60", ScheduleError::BadTime("08:60".into()), "\"08:60\""),
            ("daily 08:5", ScheduleError::BadTime("08:5".into()), "\"08:5\""),
            ("daily 008:30", ScheduleError::BadTime("008:30".into()), "\"008:30\""),
            ("daily -1:30", ScheduleError::BadTime("-1:30".into()), "\"-1:30\""),
            ("daily 8am", ScheduleError::BadTime("8am".into()), "\"8am\""),
            ("weekdays :30", ScheduleError::BadTime(":30".into()), "\":30\""),
            (
                "weekly funday 09:00",
                ScheduleError::BadDay("funday".into()),
                "\"funday\" is not a weekday",
            ),
            (
                "weekly mon 9",
                ScheduleError::BadTime("9".into()),
                "\"9\" is not a time",
            ),
        ];
        for (text, expected, message) in cases {
            let error = text.parse::<Schedule>().expect_err(text);
            assert_eq!(error, expected, "{text:?}");
            assert!(error.to_string().contains(message), "{text:?}: {error}");
        }
    }

    #[test]
    fn display_is_canonical_and_round_trips() {
        let cases = [
            ("daily 8:30", "daily 08:30"),
            ("  Weekdays 17:05", "weekdays 17:05"),
            ("weekly MONDAY 9:00", "weekly mon 09:00"),
            ("weekly sun 23:59", "weekly sun 23:59"),
        ];
        for (text, canonical) in cases {
            let parsed = schedule(text);
            assert_eq!(parsed.to_string(), canonical);
            assert_eq!(schedule(canonical), parsed);
        }
    }

    #[test]
    fn next_after_finds_the_following_firing() {
        let berlin = "Europe/Berlin";
        let cases = [
            // Later the same local day.
            ("daily 08:30", "UTC", "2025-01-15T06:00:00Z", "2025-01-15T08:30:00Z"),
            // Strictly after: exactly at the firing moves to the next day.
            ("daily 08:30", "UTC", "2025-01-15T08:30:00Z", "2025-01-16T08:30:00Z"),
            // Across midnight, in winter time (UTC+1).
            ("daily 08:30", berlin, "2025-01-15T20:00:00Z", "2025-01-16T07:30:00Z"),
            // Local date differs from the UTC date: 23:30 UTC is already tomorrow in Berlin.
            ("daily 00:15", berlin, "2025-01-15T23:30:00Z", "2025-01-16T23:15:00Z"),
            // Ahead of UTC: it is still the 15th in New York.
            (
                "daily 21:00",
                "America/New_York",
                "2025-01-16T01:00:00Z",
                "2025-01-16T02:00:00Z",
            ),
            // Friday evening to Monday, skipping the weekend (2025-01-17 is a Friday).
            ("weekdays 09:00", berlin, "2025-01-17T12:00:00Z", "2025-01-20T08:00:00Z"),
            ("weekdays 09:00", berlin, "2025-01-18T12:00:00Z", "2025-01-20T08:00:00Z"),
            ("weekdays 09:00", berlin, "2025-01-14T12:00:00Z", "2025-01-15T08:00:00Z"),
            // Weekdays are local: Friday 23:30 UTC is Saturday in Berlin.
            ("weekdays 00:30", berlin, "2025-01-16T23:45:00Z", "2025-01-19T23:30:00Z"),
            // Weekly: next Monday, or the same Monday when still ahead.
            (
                "weekly mon 09:00",
                "UTC",
                "2025-01-15T12:00:00Z",
                "2025-01-20T09:00:00Z",
            ),
            (
                "weekly mon 09:00",
                "UTC",
                "2025-01-20T08:59:00Z",
                "2025-01-20T09:00:00Z",
            ),
            (
                "weekly mon 09:00",
                "UTC",
                "2025-01-20T09:00:00Z",
                "2025-01-27T09:00:00Z",
            ),
            (
                "weekly sun 18:00",
                "America/New_York",
                "2025-01-19T22:59:00Z",
                "2025-01-19T23:00:00Z",
            ),
        ];
        for (text, zone, after, expected) in cases {
            let next = schedule(text).next_after(utc(after), tz(zone));
            assert_eq!(next, utc(expected), "{text} in {zone} after {after}");
        }
    }

    #[test]
    fn next_after_handles_dst_changes() {
        let cases = [
            // Berlin springs forward 2025-03-30 at 02:00 -> 03:00: 02:30 does not exist and
            // fires when the gap ends, 03:00 CEST = 01:00 UTC.
            (
                "daily 02:30",
                "Europe/Berlin",
                "2025-03-29T12:00:00Z",
                "2025-03-30T01:00:00Z",
            ),
            // And the next day it is ordinary summer time again.
            (
                "daily 02:30",
                "Europe/Berlin",
                "2025-03-30T01:00:00Z",
                "2025-03-31T00:30:00Z",
            ),
            // A time after the gap on the change day uses the new offset.
            (
                "daily 08:30",
                "Europe/Berlin",
                "2025-03-29T12:00:00Z",
                "2025-03-30T06:30:00Z",
            ),
            (
                "weekly sun 02:00",
                "Europe/Berlin",
                "2025-03-28T00:00:00Z",
                "2025-03-30T01:00:00Z",
            ),
            // Berlin falls back 2025-10-26 at 03:00 -> 02:00: 02:30 happens twice and fires
            // once, at the earlier (CEST) instant 00:30 UTC.
            (
                "daily 02:30",
                "Europe/Berlin",
                "2025-10-25T12:00:00Z",
                "2025-10-26T00:30:00Z",
            ),
            // Between the two 02:30s: the repeat does not fire again.
            (
                "daily 02:30",
                "Europe/Berlin",
                "2025-10-26T00:45:00Z",
                "2025-10-27T01:30:00Z",
            ),
            (
                "daily 08:30",
                "Europe/Berlin",
                "2025-10-25T12:00:00Z",
                "2025-10-26T07:30:00Z",
            ),
            // New York springs forward 2025-03-09 at 02:00 -> 03:00 (EST -> EDT).
            (
                "daily 02:15",
                "America/New_York",
                "2025-03-08T12:00:00Z",
                "2025-03-09T07:00:00Z",
            ),
            (
                "daily 09:00",
                "America/New_York",
                "2025-03-08T15:00:00Z",
                "2025-03-09T13:00:00Z",
            ),
            // New York falls back 2025-11-02 at 02:00 -> 01:00: 01:30 fires at the EDT one.
            (
                "daily 01:30",
                "America/New_York",
                "2025-11-01T12:00:00Z",
                "2025-11-02T05:30:00Z",
            ),
            (
                "daily 01:30",
                "America/New_York",
                "2025-11-02T05:45:00Z",
                "2025-11-03T06:30:00Z",
            ),
        ];
        for (text, zone, after, expected) in cases {
            let next = schedule(text).next_after(utc(after), tz(zone));
            assert_eq!(next, utc(expected), "{text} in {zone} after {after}");
        }
    }

    #[test]
    fn previous_at_or_before_finds_the_latest_slot() {
        let cases = [
            ("daily 08:30", "UTC", "2025-01-15T08:30:00Z", "2025-01-15T08:30:00Z"),
            ("daily 08:30", "UTC", "2025-01-15T08:29:59Z", "2025-01-14T08:30:00Z"),
            (
                "daily 08:30",
                "Europe/Berlin",
                "2025-01-16T00:10:00Z",
                "2025-01-15T07:30:00Z",
            ),
            // Monday morning before the slot belongs to Friday's.
            (
                "weekdays 09:00",
                "Europe/Berlin",
                "2025-01-20T07:00:00Z",
                "2025-01-17T08:00:00Z",
            ),
            (
                "weekly mon 09:00",
                "UTC",
                "2025-01-26T12:00:00Z",
                "2025-01-20T09:00:00Z",
            ),
            // The spring-forward slot resolves to the end of the gap, both ways.
            (
                "daily 02:30",
                "Europe/Berlin",
                "2025-03-30T05:00:00Z",
                "2025-03-30T01:00:00Z",
            ),
            (
                "daily 02:30",
                "Europe/Berlin",
                "2025-03-30T00:59:00Z",
                "2025-03-29T01:30:00Z",
            ),
            // Only the earlier of the two autumn 02:30s is a slot.
            (
                "daily 02:30",
                "Europe/Berlin",
                "2025-10-26T01:45:00Z",
                "2025-10-26T00:30:00Z",
            ),
        ];
        for (text, zone, at, expected) in cases {
            let previous = schedule(text).previous_at_or_before(utc(at), tz(zone));
            assert_eq!(previous, utc(expected), "{text} in {zone} at {at}");
        }
    }

    #[test]
    fn next_and_previous_agree() {
        let zone = tz("America/New_York");
        let daily = schedule("weekdays 02:30");
        let mut at = utc("2025-03-01T00:00:00Z");
        for _ in 0..40 {
            let next = daily.next_after(at, zone);
            assert!(next > at);
            assert_eq!(daily.previous_at_or_before(next, zone), next);
            assert!(daily.previous_at_or_before(next - TimeDelta::seconds(1), zone) <= at);
            at = next;
        }
    }

    #[test]
    fn parses_timezones() {
        let cases = [
            ("Europe/Berlin", chrono_tz::Europe::Berlin),
            ("europe/berlin", chrono_tz::Europe::Berlin),
            (" America/New_York ", chrono_tz::America::New_York),
            ("AMERICA/NEW_YORK", chrono_tz::America::New_York),
            ("UTC", Tz::UTC),
            ("utc", Tz::UTC),
            ("Z", Tz::UTC),
            ("Asia/Kolkata", chrono_tz::Asia::Kolkata),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_timezone(text), Ok(expected), "{text:?}");
        }
    }

    #[test]
    fn bad_timezones_name_the_value_and_hint() {
        let cases = [
            ("Berlin", "; did you mean `Europe/Berlin`?"),
            ("Asia/Berlin", "; did you mean `Europe/Berlin`?"),
            ("Europe/Berln", "; did you mean `Europe/Berlin`?"),
            ("america/new york", "; did you mean `America/New_York`?"),
            ("Europe/Pairs", "; did you mean `Europe/Paris`?"),
            ("Tokio", "; did you mean `Asia/Tokyo`?"),
            ("PST", ""),
            ("Mars/Olympus_Mons", ""),
            ("", ""),
        ];
        for (text, hint) in cases {
            let error = parse_timezone(text).expect_err(text);
            let ScheduleError::BadTimezone { given, hint: got } = &error else {
                panic!("{text:?}: {error:?}");
            };
            assert_eq!(given, text.trim());
            assert_eq!(got, hint, "{text:?}");
            let message = error.to_string();
            assert!(
                message.contains(&format!("{:?} is not an IANA timezone", text.trim())),
                "{message}"
            );
            assert!(message.ends_with(&format!("`UTC`{hint}")), "{message}");
        }
    }
}
