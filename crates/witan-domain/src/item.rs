use crate::{IssueId, MeetingId, Text, Title, ValidationError};
use chrono::NaiveDate;
use std::fmt;

/// An item on a meeting's agenda. OParl `AgendaItem`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AgendaItem {
    pub meeting: MeetingId,
    /// Order on the agenda, from 1.
    pub position: u32,
    pub number: ItemNumber,
    pub title: Title,
    /// The issue this item considered, if it belongs to one.
    pub issue: Option<IssueId>,
    pub visibility: Visibility,
}

/// An item number as printed on the agenda: "7", "4", "5a", "10.2", "A1". Letters, digits and
/// dots, starting with a letter or digit, at most 12 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct ItemNumber(String);

impl ItemNumber {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, ValidationError> {
        let raw = raw.trim().trim_end_matches('.');
        let valid = !raw.is_empty()
            && raw.len() <= 12
            && raw.chars().all(|c| c.is_ascii_alphanumeric() || c == '.')
            && raw.starts_with(|c: char| c.is_ascii_alphanumeric());
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err(ValidationError::new(
                field,
                format!("\"{raw}\" is not an item number like 7, 5a or 10.2"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ItemNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether an item or document may be seen by the public.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "visibility", rename_all = "snake_case")]
pub enum Visibility {
    Public,
    Exempt(Exemption),
}

impl Visibility {
    pub fn is_exempt(&self) -> bool {
        matches!(self, Self::Exempt(_))
    }

    pub fn exemption(&self) -> Option<&Exemption> {
        match self {
            Self::Public => None,
            Self::Exempt(e) => Some(e),
        }
    }
}

/// Why something is withheld, and when the decision to withhold it is next reviewed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Exemption {
    pub ground: ExemptGround,
    pub review_on: Option<NaiveDate>,
}

/// The legal ground for withholding.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum ExemptGround {
    /// A paragraph (1–7) of Part 1 of Schedule 12A to the Local Government Act 1972.
    Schedule12A(u8),
    /// Any other stated ground, e.g. "Commercial interests (FOI Act s.43)".
    Other(Title),
}

impl ExemptGround {
    pub fn schedule_12a(field: &'static str, paragraph: u8) -> Result<Self, ValidationError> {
        if (1..=7).contains(&paragraph) {
            Ok(Self::Schedule12A(paragraph))
        } else {
            Err(ValidationError::new(
                field,
                format!("Schedule 12A has paragraphs 1 to 7, not {paragraph}"),
            ))
        }
    }

    /// The stored form: "12A:3" or "other:<ground>".
    pub fn code(&self) -> String {
        match self {
            Self::Schedule12A(p) => format!("12A:{p}"),
            Self::Other(ground) => format!("other:{ground}"),
        }
    }

    pub fn parse_code(field: &'static str, code: &str) -> Result<Self, ValidationError> {
        if let Some(p) = code.strip_prefix("12A:") {
            let paragraph = p.parse().map_err(|_| {
                ValidationError::new(field, format!("\"{p}\" is not a paragraph number"))
            })?;
            Self::schedule_12a(field, paragraph)
        } else if let Some(other) = code.strip_prefix("other:") {
            Ok(Self::Other(Title::parse(field, other)?))
        } else {
            Err(ValidationError::new(
                field,
                format!("\"{code}\" is not an exempt ground (12A:N or other:TEXT)"),
            ))
        }
    }

    /// What the public sees in place of the content: "Exempt — paragraph 3".
    pub fn public_label(&self) -> String {
        match self {
            Self::Schedule12A(p) => format!("Exempt — paragraph {p}"),
            Self::Other(ground) => format!("Exempt — {ground}"),
        }
    }
}

/// What the minutes say of one item: the narrative and what was resolved.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Minutes {
    pub text: Text,
    pub resolution: Resolution,
}

/// What a meeting resolved on an item: "Resolved: That i. … ii. …", plus free text.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Resolution {
    pub points: Vec<Text>,
    pub text: Text,
}

impl Resolution {
    pub fn new(points: Vec<Text>, text: Text) -> Self {
        let points = points.into_iter().filter(|p| !p.is_empty()).collect();
        Self { points, text }
    }

    pub fn is_empty(&self) -> bool {
        self.points.is_empty() && self.text.is_empty()
    }

    /// The points with their printed numbers: ("i", …), ("ii", …).
    pub fn numbered(&self) -> impl Iterator<Item = (String, &Text)> {
        self.points
            .iter()
            .enumerate()
            .map(|(i, p)| (roman(i + 1), p))
    }
}

/// Lower-case roman numerals, as resolutions are numbered.
pub fn roman(mut n: usize) -> String {
    const TABLE: [(usize, &str); 13] = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut out = String::new();
    for (value, numeral) in TABLE {
        while n >= value {
            out.push_str(numeral);
            n -= value;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_numbers_as_printed() {
        for ok in ["7", "4", "5a", "10.2", "A1", "7."] {
            assert!(ItemNumber::parse("number", ok).is_ok(), "{ok}");
        }
        for bad in ["", "(7)", "7 a", ".1", "1234567890123"] {
            assert!(ItemNumber::parse("number", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn exempt_grounds_round_trip_and_label() {
        let g = ExemptGround::schedule_12a("ground", 3).unwrap();
        assert_eq!(g.public_label(), "Exempt — paragraph 3");
        assert_eq!(ExemptGround::parse_code("ground", &g.code()).unwrap(), g);
        assert!(ExemptGround::schedule_12a("ground", 8).is_err());
        assert!(ExemptGround::parse_code("ground", "secret").is_err());
        let other = ExemptGround::parse_code("ground", "other:Commercial interests").unwrap();
        assert_eq!(other.public_label(), "Exempt — Commercial interests");
    }

    #[test]
    fn resolutions_number_in_roman() {
        let t = |s: &str| Text::parse("p", s).unwrap();
        let r = Resolution::new(vec![t("noted"), t(""), t("agreed")], Text::default());
        let numbers: Vec<String> = r.numbered().map(|(n, _)| n).collect();
        assert_eq!(numbers, ["i", "ii"]);
        assert_eq!(roman(14), "xiv");
        assert_eq!(roman(2024), "mmxxiv");
    }
}
