use crate::ValidationError;
use std::fmt;

fn reject_control(
    field: &'static str,
    s: &str,
    allow_newlines: bool,
) -> Result<(), ValidationError> {
    match s
        .chars()
        .find(|c| c.is_control() && !(allow_newlines && matches!(c, '\n' | '\t')))
    {
        Some(c) => Err(ValidationError::new(
            field,
            format!("contains the control character U+{:04X}", u32::from(c)),
        )),
        None => Ok(()),
    }
}

/// A one-line name or title: trimmed, not empty, at most 500 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct Title(String);

impl Title {
    pub const MAX_CHARS: usize = 500;

    pub fn parse(field: &'static str, raw: &str) -> Result<Self, ValidationError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(ValidationError::new(field, "must not be empty"));
        }
        let chars = trimmed.chars().count();
        if chars > Self::MAX_CHARS {
            return Err(ValidationError::new(
                field,
                format!(
                    "is {chars} characters long; at most {} are allowed",
                    Self::MAX_CHARS
                ),
            ));
        }
        reject_control(field, trimmed, false)?;
        Ok(Self(trimmed.to_owned()))
    }

    /// A title from text that may be longer than a title may be (names joined into one): cut
    /// to [`Title::MAX_CHARS`] characters, the last of them an ellipsis, then parsed as any
    /// title is. Nothing longer than the rule allows can be made this way either.
    pub fn truncating(field: &'static str, raw: &str) -> Result<Self, ValidationError> {
        let trimmed = raw.trim();
        if trimmed.chars().count() <= Self::MAX_CHARS {
            return Self::parse(field, trimmed);
        }
        let kept: String = trimmed.chars().take(Self::MAX_CHARS - 1).collect();
        Self::parse(field, &format!("{}…", kept.trim_end()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Title {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Free text such as minutes or a reason: may span lines, at most 1,000,000 characters, no control
/// characters other than newline and tab. May be empty.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Text(String);

impl Text {
    pub const MAX_CHARS: usize = 1_000_000;

    pub fn parse(field: &'static str, raw: &str) -> Result<Self, ValidationError> {
        let normalised = raw.replace("\r\n", "\n");
        let trimmed = normalised.trim();
        if trimmed.len() > Self::MAX_CHARS {
            return Err(ValidationError::new(
                field,
                format!("is longer than {} characters", Self::MAX_CHARS),
            ));
        }
        reject_control(field, trimmed, true)?;
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The paragraphs of the text, split at blank lines.
    pub fn paragraphs(&self) -> impl Iterator<Item = &str> {
        self.0
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The readable part of a URL: lower-case ASCII letters, digits and single hyphens, 1–100 long.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct Slug(String);

impl Slug {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, ValidationError> {
        let ok_chars = raw
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if raw.is_empty() || raw.len() > 100 {
            return Err(ValidationError::new(
                field,
                "must be 1 to 100 characters long",
            ));
        }
        if !ok_chars || raw.starts_with('-') || raw.ends_with('-') || raw.contains("--") {
            return Err(ValidationError::new(
                field,
                format!("\"{raw}\" is not a slug: use a-z, 0-9 and single hyphens inside"),
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// Makes a slug from any name: "Cabinet (Joint) – 2016" becomes "cabinet-joint-2016".
    pub fn from_name(field: &'static str, name: &str) -> Result<Self, ValidationError> {
        let mut out = String::with_capacity(name.len());
        for c in name.chars() {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            } else if let Some(latin) = fold_latin(c) {
                out.push_str(latin);
            } else if c == '&' {
                out.push_str("-and-");
            } else if !out.ends_with('-') && !out.is_empty() {
                out.push('-');
            }
        }
        let collapsed = out
            .split('-')
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        let truncated: String = collapsed.chars().take(100).collect();
        Self::parse(field, truncated.trim_end_matches('-'))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The plain letters of an accented Latin letter, for slugs: "Ausschuss für" → "ausschuss-fur".
fn fold_latin(c: char) -> Option<&'static str> {
    Some(match c.to_lowercase().next().unwrap_or(c) {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'č' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'ē' => "e",
        'ì' | 'í' | 'î' | 'ï' => "i",
        'ñ' | 'ń' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => "o",
        'œ' => "oe",
        'ß' => "ss",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' => "u",
        'ý' | 'ÿ' => "y",
        'ž' | 'ź' | 'ż' => "z",
        'š' | 'ś' => "s",
        'ł' => "l",
        _ => return None,
    })
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `text` with the five characters HTML gives meaning to written as entities, for text put into
/// HTML by hand (search snippets, email bodies) rather than by a template.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_is_trimmed_and_must_not_be_empty() {
        assert_eq!(
            Title::parse("title", "  Cabinet ").unwrap().as_str(),
            "Cabinet"
        );
        let err = Title::parse("committee.name", "   ").unwrap_err();
        assert_eq!(err.to_string(), "committee.name: must not be empty");
    }

    #[test]
    fn title_rejects_control_characters_and_excess_length() {
        assert!(Title::parse("title", "a\u{0}b").is_err());
        assert!(Title::parse("title", "two\nlines").is_err());
        assert!(Title::parse("title", &"x".repeat(501)).is_err());
        assert!(Title::parse("title", &"é".repeat(500)).is_ok());
    }

    #[test]
    fn truncating_titles_keep_the_length_rule() {
        let cut = Title::truncating("title", &"é".repeat(526)).unwrap();
        assert_eq!(cut.as_str().chars().count(), Title::MAX_CHARS);
        assert!(cut.as_str().ends_with("é…"));
        assert_eq!(
            Title::truncating("title", " Beds ").unwrap().as_str(),
            "Beds"
        );
        assert!(Title::truncating("title", &format!("\u{7}{}", "x".repeat(600))).is_err());
    }

    #[test]
    fn text_keeps_newlines_and_splits_paragraphs() {
        let text = Text::parse("minutes", "First.\r\n\r\nSecond\tline.\n").unwrap();
        assert_eq!(
            text.paragraphs().collect::<Vec<_>>(),
            ["First.", "Second\tline."]
        );
        assert!(Text::parse("minutes", "bell\u{7}").is_err());
    }

    #[test]
    fn slugs() {
        assert!(Slug::parse("slug", "executive-scrutiny-committee").is_ok());
        for bad in ["", "Cabinet", "a--b", "-a", "a-", "a b", "café"] {
            assert!(Slug::parse("slug", bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(
            Slug::from_name("slug", "Health & Wellbeing Board (Joint) – 2016")
                .unwrap()
                .as_str(),
            "health-and-wellbeing-board-joint-2016"
        );
    }
}
