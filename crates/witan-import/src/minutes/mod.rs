//! Published minutes: plain text, HTML or Markdown with front matter, in the layouts public
//! bodies publish them. Each layout is a parser over [`Block`]s; this module picks the layout,
//! names the records (source keys from the committee, the date and the item number, so the same
//! meeting described by two files is one meeting) and holds what the layouts share.

mod conventional;
mod issue_history;
mod key_decisions;

use crate::model::{Batch, Draft, Key, Location};
use crate::text::{self, Block};
use crate::{ImportError, Options};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use witan_domain::{OrganisationKind, Slug};

pub use conventional::link_carried_actions;

const FORMAT: &str = "minutes";

/// Web page furniture that is never part of the record.
const FURNITURE: [&str; 10] = [
    "accessibility tools",
    "return to header",
    "skip to content",
    "skip to main content",
    "back to top",
    "print this page",
    "share this page",
    "cookie settings",
    "menu",
    ":",
];

/// A parsed minutes file: its batch and, for conventional minutes, what it says about actions of
/// earlier meetings (linked across files by [`link_carried_actions`]).
#[derive(Debug, Default)]
pub struct Parsed {
    pub batch: Batch,
    pub meeting: Option<(Key, NaiveDate)>,
    pub committee: Option<Key>,
    pub carried: Vec<conventional::Carried>,
}

/// Parses one minutes file.
pub fn parse(source: &str, options: &Options) -> Result<Parsed, ImportError> {
    let (front, body, front_lines) = text::split_front_matter(source);
    let front = front.map(front_matter).transpose()?.unwrap_or_default();
    let first_line = front_lines + 1;
    let blocks: Vec<Block> = if text::looks_like_html(body) {
        text::html_blocks(body, first_line)
    } else {
        text::text_blocks(body, first_line)
    }
    .into_iter()
    .filter(|b| !FURNITURE.contains(&b.text.to_ascii_lowercase().as_str()))
    .collect();
    if blocks
        .iter()
        .any(|b| issue_history::is_meeting_line(&b.text))
    {
        issue_history::parse(&blocks, options)
    } else if blocks
        .iter()
        .any(|b| b.text.eq_ignore_ascii_case("Key decisions and actions"))
    {
        key_decisions::parse(&blocks, options)
    } else {
        conventional::parse(&blocks, &front, options)
    }
}

/// The front matter fields the parsers use.
#[derive(Debug, Default)]
pub struct Front {
    pub title: Option<String>,
    pub committee: Option<String>,
}

/// Front matter is limited to 64 KiB and read as YAML (yaml-rust2, pure Rust).
fn front_matter(raw: &str) -> Result<Front, ImportError> {
    if raw.len() > 64 * 1024 {
        return Err(ImportError::at(
            "line 1",
            "the front matter is larger than 64 KiB",
        ));
    }
    let docs = yaml_rust2::YamlLoader::load_from_str(raw).map_err(|e| {
        ImportError::at(
            format!("line {}", e.marker().line() + 1),
            format!("the front matter is not valid YAML: {}", e.info()),
        )
    })?;
    let doc = docs.into_iter().next().unwrap_or(yaml_rust2::Yaml::Null);
    let field = |name: &str| doc[name].as_str().map(str::trim).map(str::to_owned);
    Ok(Front {
        title: field("title"),
        committee: field("committee"),
    })
}

pub(crate) fn organisation(batch: &mut Batch, options: &Options, at: &str) -> Key {
    let name = options
        .organisation
        .clone()
        .unwrap_or_else(|| "Imported minutes".to_owned());
    let key = Key::new(FORMAT, format_args!("organisation/{}", slug(&name)));
    batch.push(
        at,
        Draft::Organisation {
            key: key.clone(),
            name,
            kind: OrganisationKind::Other,
        },
    );
    key
}

pub(crate) fn committee(batch: &mut Batch, organisation: &Key, name: &str, at: &str) -> Key {
    let key = committee_key(name);
    batch.push(
        at,
        Draft::Committee {
            key: key.clone(),
            name: name.trim().to_owned(),
            purpose: String::new(),
            owners: vec![organisation.clone()],
            parent: None,
        },
    );
    key
}

pub(crate) fn committee_key(name: &str) -> Key {
    Key::new(FORMAT, format_args!("committee/{}", slug(name)))
}

pub(crate) fn meeting_key(committee: &Key, date: NaiveDate) -> Key {
    committee.child(date)
}

pub(crate) fn person_key(name: &str) -> Key {
    Key::new(FORMAT, format_args!("person/{}", slug(name)))
}

/// A slug for keys; names that slug to nothing (all punctuation) key by their text.
pub(crate) fn slug(name: &str) -> String {
    Slug::from_name("name", name)
        .map(|s| s.as_str().to_owned())
        .unwrap_or_else(|_| name.trim().to_ascii_lowercase())
}

/// A meeting whose time the minutes do not give starts at midnight UK time on its date.
pub(crate) fn start_of(date: NaiveDate, time: Option<NaiveTime>) -> Option<DateTime<Utc>> {
    witan_domain::time::london_to_utc(
        "meeting.start",
        date.and_time(time.unwrap_or(NaiveTime::MIN)),
    )
    .ok()
}

pub(crate) fn line(block: &Block) -> Location {
    format!("line {}", block.line)
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn month(word: &str) -> Option<u32> {
    let word = word
        .trim_matches(|c: char| !c.is_alphabetic())
        .to_ascii_lowercase();
    if word.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.starts_with(&word))
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// The first date in `text`: "14/04/2016", "11 October 2021", "13th December 2011",
/// "6th Sept 2011"; `year` supplies a missing year ("13 December").
pub(crate) fn find_date(text: &str, year: Option<i32>) -> Option<NaiveDate> {
    let words: Vec<&str> = text.split_whitespace().collect();
    for (i, word) in words.iter().enumerate() {
        let bare = word.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '/');
        let parts: Vec<&str> = bare.split('/').collect();
        if let [d, m, y] = parts.as_slice()
            && let (Ok(d), Ok(m), Ok(y)) = (d.parse(), m.parse(), y.parse::<i32>())
        {
            let y = if y < 100 { 2000 + y } else { y };
            if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
                return Some(date);
            }
        }
        let digits = bare.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        let Ok(day) = digits.parse::<u32>() else {
            continue;
        };
        if digits.is_empty() || day == 0 || day > 31 {
            continue;
        }
        let Some(month) = words.get(i + 1).and_then(|w| month(w)) else {
            continue;
        };
        let year = words
            .get(i + 2)
            .map(|w| w.trim_matches(|c: char| !c.is_ascii_digit()))
            .and_then(|w| (w.len() == 4).then(|| w.parse().ok()).flatten())
            .or(year);
        if let Some(date) = year.and_then(|y| NaiveDate::from_ymd_opt(y, month, day)) {
            return Some(date);
        }
    }
    None
}

/// Collects paragraphs into minutes text: paragraphs apart by a blank line, list items one per
/// line with a bullet.
#[derive(Debug, Default)]
pub(crate) struct Prose {
    text: String,
    in_list: bool,
}

impl Prose {
    pub fn push(&mut self, block: &Block) {
        if !self.text.is_empty() {
            self.text.push_str(if block.list_item && self.in_list {
                "\n"
            } else {
                "\n\n"
            });
        }
        if block.list_item {
            self.text.push_str("• ");
        }
        self.text.push_str(&block.text);
        self.in_list = block.list_item;
    }

    pub fn take(&mut self) -> String {
        self.in_list = false;
        std::mem::take(&mut self.text)
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_as_minutes_print_them() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(
            find_date("Meeting: 14/04/2016 - Cabinet (Item 7)", None),
            d(2016, 4, 14)
        );
        assert_eq!(
            find_date("Meeting date 11 October 2021", None),
            d(2021, 10, 11)
        );
        assert_eq!(
            find_date("Minutes 13th December 2011", None),
            d(2011, 12, 13)
        );
        assert_eq!(find_date("minutes 6th sept 2011", None), d(2011, 9, 6));
        assert_eq!(
            find_date("held on 13 December at the", Some(2011)),
            d(2011, 12, 13)
        );
        assert_eq!(find_date("no date here 2011", None), None);
        assert_eq!(find_date("31/02/2016", None), None);
    }
}
