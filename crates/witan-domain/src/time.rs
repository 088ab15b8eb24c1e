//! Dates and times as people in the UK read them.
//!
//! Instants are stored in UTC; every display goes through Europe/London so that a meeting at 10:00
//! in July and one at 10:00 in January both read "10:00".

use crate::ValidationError;
use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday,
};
use chrono_tz::Europe::London;

/// The UTC instant of a wall-clock time in London.
///
/// A time that does not exist (inside the spring-forward gap) is an error naming the field; a time
/// that happens twice (the autumn fall-back hour) is taken as the first, as the clock first shows it.
pub fn london_to_utc(
    field: &'static str,
    local: NaiveDateTime,
) -> Result<DateTime<Utc>, ValidationError> {
    match London.from_local_datetime(&local) {
        LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, _) => Ok(first.with_timezone(&Utc)),
        LocalResult::None => Err(ValidationError::new(
            field,
            format!("{local} does not exist in London: the clocks go forward at that time"),
        )),
    }
}

/// "Monday 14 April 2016, 10:00"
pub fn uk_datetime(t: DateTime<Utc>) -> String {
    t.with_timezone(&London)
        .format("%A %-d %B %Y, %H:%M")
        .to_string()
}

/// "Monday 14 April 2016"
pub fn uk_date(d: NaiveDate) -> String {
    d.format("%A %-d %B %Y").to_string()
}

/// "14 April 2016"
pub fn uk_short_date(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// "10:00"
pub fn uk_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&London).format("%H:%M").to_string()
}

/// The calendar date in London of an instant.
pub fn london_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&London).date_naive()
}

/// The date `n` working days (Monday to Friday) after `from`. Bank holidays are not counted out;
/// a body that needs them adjusts the deadline by hand.
pub fn add_working_days(from: NaiveDate, n: u32) -> NaiveDate {
    let mut date = from;
    let mut left = n;
    while left > 0 {
        date += Duration::days(1);
        if !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
    }
    date
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn reads_as_uk_readers_expect_in_summer_and_winter() {
        let summer = london_to_utc("start", local("2016-04-14 10:00")).unwrap();
        assert_eq!(summer.to_rfc3339(), "2016-04-14T09:00:00+00:00");
        assert_eq!(uk_datetime(summer), "Thursday 14 April 2016, 10:00");
        let winter = london_to_utc("start", local("2016-01-14 10:00")).unwrap();
        assert_eq!(winter.to_rfc3339(), "2016-01-14T10:00:00+00:00");
        assert_eq!(uk_datetime(winter), "Thursday 14 January 2016, 10:00");
    }

    #[test]
    fn clock_changes() {
        // 27 March 2016: 01:00 GMT becomes 02:00 BST, so 01:30 never happens.
        let err = london_to_utc("meeting.start", local("2016-03-27 01:30")).unwrap_err();
        assert_eq!(err.field, "meeting.start");
        // 30 October 2016: 01:30 happens twice; the first is BST.
        let twice = london_to_utc("start", local("2016-10-30 01:30")).unwrap();
        assert_eq!(twice.to_rfc3339(), "2016-10-30T00:30:00+00:00");
    }

    #[test]
    fn working_days_skip_weekends() {
        let thursday = NaiveDate::from_ymd_opt(2016, 4, 14).unwrap();
        assert_eq!(
            add_working_days(thursday, 5),
            NaiveDate::from_ymd_opt(2016, 4, 21).unwrap()
        );
        assert_eq!(
            add_working_days(thursday, 1),
            NaiveDate::from_ymd_opt(2016, 4, 15).unwrap()
        );
        assert_eq!(
            add_working_days(thursday, 2),
            NaiveDate::from_ymd_opt(2016, 4, 18).unwrap()
        );
    }
}
