//! Lenient date parsing for feed timestamps (RFC 3339/2822 and the variants feeds
//! actually contain).

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};

/// Lenient date parsing: RFC 3339 and RFC 2822 first (the formats feeds are supposed to
/// use), then the variants feeds actually contain: W3C partial dates, missing seconds
/// or zone, long month and weekday names, month-first order, named zones, 2-digit years.
/// A date without a zone is taken as UTC.
pub(crate) fn parse_date(raw: &str) -> Option<DateTime<Utc>> {
    let s = raw.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Some(d.with_timezone(&Utc));
    }
    if s.len() >= 4 && s.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
        parse_iso_loose(s)
    } else {
        parse_rfc822_loose(s)
    }
}

/// `YYYY[-MM[-DD]][(T| )hh:mm[:ss[.frac]]][zone]`, also without separators.
fn parse_iso_loose(s: &str) -> Option<DateTime<Utc>> {
    let mut cur = Cursor { s, pos: 0 };
    let year = cur.digits(4, 4)? as i32;
    cur.eat(b'-');
    let month = cur.digits(2, 2).unwrap_or(1);
    cur.eat(b'-');
    let day = cur.digits(2, 2).unwrap_or(1);
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    let mut time = NaiveTime::MIN;
    let mut offset = 0;
    if cur.eat(b'T') || cur.eat(b't') || cur.eat(b' ') {
        let hour = cur.digits(1, 2)?;
        cur.eat(b':');
        let minute = cur.digits(2, 2).unwrap_or(0);
        cur.eat(b':');
        let second = cur.digits(2, 2).unwrap_or(0);
        let mut nanos = 0;
        if cur.eat(b'.') || cur.eat(b',') {
            let start = cur.pos;
            let frac = cur.digits(1, 9).unwrap_or(0);
            let len = cur.pos - start;
            nanos = frac * 10u32.pow(9 - len as u32);
            cur.skip_digits();
        }
        time = hms(hour, minute, second, nanos)?;
        offset = parse_zone(cur.rest().trim())?;
    }
    to_utc(date, time, offset)
}

/// `[Weekday,] D Month YYYY [hh:mm[:ss]] [zone]`, or month first, in any mix of
/// spaces, commas and dashes.
fn parse_rfc822_loose(s: &str) -> Option<DateTime<Utc>> {
    let mut numbers: Vec<(u32, usize)> = Vec::with_capacity(3);
    let mut month = None;
    let mut time = None;
    let mut offset = 0;
    let mut pm = None;
    for token in s.split(|c: char| c.is_whitespace() || c == ',') {
        if token.is_empty() {
            continue;
        }
        if token.contains(':') && token.as_bytes()[0].is_ascii_digit() {
            let mut parts = token.splitn(3, ':');
            let hour = parts.next()?.parse().ok()?;
            let minute = parts.next()?.parse().ok()?;
            let (second, nanos) = match parts.next() {
                Some(sec) => {
                    let (whole, frac) = sec.split_once('.').unwrap_or((sec, ""));
                    // Nanoseconds take nine digits; the cut must land on a character ("45.123456789é").
                    let frac = &frac[..frac.floor_char_boundary(9)];
                    let nanos = if frac.is_empty() {
                        0
                    } else {
                        frac.parse::<u32>().ok()? * 10u32.pow(9 - frac.len() as u32)
                    };
                    (whole.parse().ok()?, nanos)
                }
                None => (0, 0),
            };
            time = Some((hour, minute, second, nanos));
        } else if token.starts_with(['+', '-']) && token.len() > 1 {
            offset = parse_zone(token)?;
        } else if token.bytes().all(|b| b.is_ascii_digit()) {
            numbers.push((token.parse().ok()?, token.len()));
        } else if token.contains('-') && token.bytes().any(|b| b.is_ascii_alphabetic()) {
            // "01-Jan-2004"
            for part in token.split('-') {
                if let Ok(n) = part.parse::<u32>() {
                    numbers.push((n, part.len()));
                } else if let Some(m) = month_number(part) {
                    month = Some(m);
                }
            }
        } else if let Some(m) = month_number(token) {
            month = Some(m);
        } else {
            let lower = token.trim_end_matches('.').to_ascii_lowercase();
            match lower.as_str() {
                "am" | "a.m" => pm = Some(false),
                "pm" | "p.m" => pm = Some(true),
                _ => {
                    if let Some(o) = zone_offset(&lower) {
                        offset = o;
                    }
                    // Anything else is a weekday or noise.
                }
            }
        }
    }
    let month = month?;
    let (day, year) = match numbers.as_slice() {
        [(d, _), (y, _)] => (*d, *y),
        [(a, 4), (b, _), ..] => (*b, *a),
        [(d, _), (y, _), ..] => (*d, *y),
        _ => return None,
    };
    let year = match year {
        0..=69 => 2000 + year,
        70..=99 => 1900 + year,
        y => y,
    };
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    let (mut hour, minute, second, nanos) = time.unwrap_or((0, 0, 0, 0));
    match pm {
        Some(true) if hour < 12 => hour += 12,
        Some(false) if hour == 12 => hour = 0,
        _ => {}
    }
    to_utc(date, hms(hour, minute, second, nanos)?, offset)
}

fn hms(hour: u32, minute: u32, second: u32, nanos: u32) -> Option<NaiveTime> {
    // "24:00" is end of day in ISO 8601; feeds also write it for midnight.
    let hour = if hour == 24 { 0 } else { hour };
    NaiveTime::from_hms_nano_opt(hour, minute, second.min(59), nanos)
}

fn to_utc(date: NaiveDate, time: NaiveTime, offset_secs: i32) -> Option<DateTime<Utc>> {
    let offset = FixedOffset::east_opt(offset_secs)?;
    let local = offset.from_local_datetime(&date.and_time(time)).single()?;
    Some(local.with_timezone(&Utc))
}

/// Zone suffix → seconds east of UTC. Empty and unknown names read as UTC.
fn parse_zone(zone: &str) -> Option<i32> {
    let zone = zone.trim();
    if zone.is_empty() {
        return Some(0);
    }
    let bytes = zone.as_bytes();
    if matches!(bytes[0], b'+' | b'-') {
        let sign = if bytes[0] == b'-' { -1 } else { 1 };
        let digits: String = zone[1..].chars().filter(char::is_ascii_digit).collect();
        let (h, m) = match digits.len() {
            1 | 2 => (digits.parse::<i32>().ok()?, 0),
            3 => (digits[..1].parse::<i32>().ok()?, digits[1..].parse::<i32>().ok()?),
            4 => (digits[..2].parse::<i32>().ok()?, digits[2..].parse::<i32>().ok()?),
            _ => return None,
        };
        if h > 23 || m > 59 {
            return None;
        }
        return Some(sign * (h * 3600 + m * 60));
    }
    Some(zone_offset(&zone.to_ascii_lowercase()).unwrap_or(0))
}

fn zone_offset(name: &str) -> Option<i32> {
    let hours = match name {
        "z" | "ut" | "utc" | "gmt" | "wet" => 0.0,
        "est" => -5.0,
        "edt" | "ast" => -4.0,
        "cst" => -6.0,
        "cdt" => -5.0,
        "mst" => -7.0,
        "mdt" => -6.0,
        "pst" => -8.0,
        "pdt" | "akdt" => -7.0,
        "akst" => -9.0,
        "hst" => -10.0,
        "bst" | "cet" | "west" => 1.0,
        "cest" | "eet" => 2.0,
        "eest" | "msk" => 3.0,
        "ist" => 5.5,
        "jst" | "kst" => 9.0,
        "aest" => 10.0,
        "aedt" => 11.0,
        "nzst" => 12.0,
        "nzdt" => 13.0,
        _ => return None,
    };
    Some((hours * 3600.0) as i32)
}

fn month_number(token: &str) -> Option<u32> {
    let t = token.as_bytes();
    if t.len() < 3 || !t.iter().all(u8::is_ascii_alphabetic) {
        return None;
    }
    let m = match &[
        t[0].to_ascii_lowercase(),
        t[1].to_ascii_lowercase(),
        t[2].to_ascii_lowercase(),
    ] {
        b"jan" => 1,
        b"feb" => 2,
        b"mar" => 3,
        b"apr" => 4,
        b"may" => 5,
        b"jun" => 6,
        b"jul" => 7,
        b"aug" => 8,
        b"sep" => 9,
        b"oct" => 10,
        b"nov" => 11,
        b"dec" => 12,
        _ => return None,
    };
    Some(m)
}

struct Cursor<'a> {
    s: &'a str,
    pos: usize,
}

impl Cursor<'_> {
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let bytes = &self.s.as_bytes()[self.pos..];
        let n = bytes.iter().take(max).take_while(|b| b.is_ascii_digit()).count();
        if n < min {
            return None;
        }
        let value = self.s[self.pos..self.pos + n].parse().ok()?;
        self.pos += n;
        Some(value)
    }

    fn skip_digits(&mut self) {
        while self.s.as_bytes().get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        let hit = self.s.as_bytes().get(self.pos) == Some(&b);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn rest(&self) -> &str {
        &self.s[self.pos..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_fraction_of_a_second_ending_in_a_multibyte_character_does_not_panic() {
        // The nine-digit cut used to land inside 'é' (bytes 8..10 of the fraction). As with
        // a tenth digit, what lies past the nanoseconds is ignored.
        let parsed = parse_date("Mon, 2 Feb 2026 12:30:45.12345678é GMT");
        assert_eq!(
            parsed.map(|d| d.to_rfc3339()).as_deref(),
            Some("2026-02-02T12:30:45.123456780+00:00")
        );
    }
}
