use crate::ValidationError;

/// A closed vocabulary stored as text ("minutes_signed_off", "amber"): one spelling in the store,
/// the API and forms, and one parser that names the field and the word it did not know.
pub trait Term: Copy + Sized + 'static {
    /// What a term of this vocabulary is, for messages: "meeting status".
    const WHAT: &'static str;
    const ALL: &'static [Self];

    fn as_str(self) -> &'static str;

    fn parse(field: &'static str, raw: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .iter()
            .copied()
            .find(|t| t.as_str() == raw)
            .ok_or_else(|| {
                let known: Vec<&str> = Self::ALL.iter().map(|t| t.as_str()).collect();
                ValidationError::new(
                    field,
                    format!(
                        "unknown {} \"{raw}\"; expected one of {}",
                        Self::WHAT,
                        known.join(", ")
                    ),
                )
            })
    }
}
