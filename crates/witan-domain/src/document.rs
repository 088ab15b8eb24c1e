use crate::{IssueId, ItemId, Text, Title, ValidationError, Visibility};
use std::fmt;

/// A report or appendix attached to an item or an issue. OParl `File`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Document {
    pub item: Option<ItemId>,
    pub issue: Option<IssueId>,
    pub name: Title,
    pub media_type: MediaType,
    pub size_bytes: u64,
    /// The file's digest; `None` for a document known only from a link (an imported agenda
    /// that names "PDF 144 KB" without the file).
    pub sha256: Option<Sha256>,
    /// Text extracted from the file, for search.
    pub text: Text,
    pub visibility: Visibility,
}

impl Document {
    /// A document must hang off an item or an issue.
    pub fn check_attachment(&self) -> Result<(), ValidationError> {
        if self.item.is_none() && self.issue.is_none() {
            return Err(ValidationError::new(
                "document",
                "must belong to an agenda item or an issue",
            ));
        }
        Ok(())
    }

    /// How the size is printed next to a link: "PDF 144 KB".
    pub fn size_label(&self) -> String {
        format!(
            "{} {}",
            self.media_type.short_label(),
            human_size(self.size_bytes)
        )
    }
}

/// "144 KB", "1.2 MB", "512 bytes" (1 KB = 1024 bytes, as the systems people know print it).
pub fn human_size(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = KB * 1024;
    match bytes {
        0..KB => format!("{bytes} bytes"),
        KB..MB => format!("{} KB", (bytes + KB / 2) / KB),
        _ => format!("{:.1} MB", bytes as f64 / MB as f64),
    }
}

/// A media type such as `application/pdf`: a type and a subtype of token characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct MediaType(String);

impl MediaType {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, ValidationError> {
        let lower = raw.trim().to_ascii_lowercase();
        let essence = lower.split(';').next().unwrap_or_default().trim();
        let token = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
        };
        match essence.split_once('/') {
            Some((t, s)) if token(t) && token(s) => Ok(Self(essence.to_owned())),
            _ => Err(ValidationError::new(
                field,
                format!("\"{raw}\" is not a media type like application/pdf"),
            )),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// "PDF", "DOCX", "HTML"…
    pub fn short_label(&self) -> &str {
        match self.0.as_str() {
            "application/pdf" => "PDF",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "DOCX",
            "application/msword" => "DOC",
            "application/vnd.oasis.opendocument.text" => "ODT",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "XLSX",
            "text/html" => "HTML",
            "text/plain" => "Text",
            "text/csv" => "CSV",
            other => other.split('/').nth(1).unwrap_or(other),
        }
    }
}

/// A SHA-256 digest, kept as 64 lower-case hex digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Sha256(String);

impl Sha256 {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, ValidationError> {
        let lower = raw.trim().to_ascii_lowercase();
        if lower.len() == 64 && lower.chars().all(|c| c.is_ascii_hexdigit()) {
            Ok(Self(lower))
        } else {
            Err(ValidationError::new(field, "must be 64 hexadecimal digits"))
        }
    }

    pub fn from_bytes(digest: &[u8; 32]) -> Self {
        let mut hex = String::with_capacity(64);
        for b in digest {
            hex.push_str(&format!("{b:02x}"));
        }
        Self(hex)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Sha256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_published() {
        assert_eq!(human_size(144 * 1024 + 100), "144 KB");
        assert_eq!(human_size(500), "500 bytes");
        assert_eq!(human_size(3 * 1024 * 1024 / 2), "1.5 MB");
    }

    #[test]
    fn media_types() {
        let pdf = MediaType::parse("media_type", "Application/PDF; charset=binary").unwrap();
        assert_eq!(pdf.as_str(), "application/pdf");
        assert_eq!(pdf.short_label(), "PDF");
        assert!(MediaType::parse("media_type", "pdf").is_err());
        assert!(MediaType::parse("media_type", "text/").is_err());
    }

    #[test]
    fn digests() {
        assert!(Sha256::parse("sha256", &"ab".repeat(32)).is_ok());
        assert!(Sha256::parse("sha256", "abc").is_err());
        assert_eq!(Sha256::from_bytes(&[0xab; 32]).as_str(), "ab".repeat(32));
    }
}
