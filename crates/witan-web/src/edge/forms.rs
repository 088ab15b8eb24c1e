//! Forms: reading submitted fields into domain values while collecting every error, and what a
//! template needs to show a form again with the reader's input and the errors beside the fields
//! (the GOV.UK Design System's error summary and error message patterns).

use std::collections::HashMap;
use witan_domain::ValidationError;

/// The `?done=…` a successful form redirects with, so the page can say what was done.
#[derive(Debug, serde::Deserialize)]
pub struct Done {
    pub done: Option<String>,
}

/// A submitted form's fields.
pub type Submitted = HashMap<String, String>;

/// One field's error, for the summary (linked to the field) and beside the field.
#[derive(Debug, Clone)]
pub struct FieldError {
    /// The field's element id, `FORM-FIELD`, or empty for an error about the whole form.
    pub id: String,
    pub field: String,
    pub message: String,
}

/// A form as shown again after a failed submission: which form, what was typed, what was wrong.
#[derive(Debug, Clone, Default)]
pub struct FormState {
    pub form: String,
    pub values: Submitted,
    pub errors: Vec<FieldError>,
}

impl FormState {
    /// What was typed into `field` of `form`, if that form is the one being shown again.
    pub fn value(&self, form: impl AsRef<str>, field: impl AsRef<str>) -> &str {
        if self.form == form.as_ref() {
            self.values.get(field.as_ref()).map_or("", String::as_str)
        } else {
            ""
        }
    }

    /// The error beside `field` of `form`, if any.
    pub fn error(&self, form: impl AsRef<str>, field: impl AsRef<str>) -> Option<&str> {
        (self.form == form.as_ref())
            .then(|| {
                self.errors
                    .iter()
                    .find(|e| e.field == field.as_ref())
                    .map(|e| e.message.as_str())
            })
            .flatten()
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }
}

/// Reads the fields of one submitted form, collecting errors instead of stopping at the first.
#[derive(Debug)]
pub struct Fields<'a> {
    form: String,
    values: &'a Submitted,
    errors: Vec<FieldError>,
}

impl<'a> Fields<'a> {
    pub fn new(form: impl Into<String>, values: &'a Submitted) -> Self {
        Self {
            form: form.into(),
            values,
            errors: Vec::new(),
        }
    }

    /// The raw value, trimmed ("" when absent).
    pub fn raw(&self, field: &str) -> &'a str {
        self.values.get(field).map_or("", |v| v.trim())
    }

    /// Parses a required field; an empty one is an error saying what to enter.
    pub fn required<T>(
        &mut self,
        field: &'static str,
        missing: &str,
        parse: impl FnOnce(&'static str, &str) -> Result<T, ValidationError>,
    ) -> Option<T> {
        let raw = self.raw(field);
        if raw.is_empty() {
            self.fail(field, missing);
            return None;
        }
        self.check(parse(field, raw))
    }

    /// Parses an optional field: empty is `None`.
    pub fn optional<T>(
        &mut self,
        field: &'static str,
        parse: impl FnOnce(&'static str, &str) -> Result<T, ValidationError>,
    ) -> Option<Option<T>> {
        let raw = self.raw(field);
        if raw.is_empty() {
            return Some(None);
        }
        self.check(parse(field, raw)).map(Some)
    }

    /// Keeps a value, or records its error against the field it names.
    pub fn check<T>(&mut self, result: Result<T, ValidationError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(e) => {
                self.fail(e.field, &e.reason);
                None
            }
        }
    }

    /// Records an error against a field, or against the whole form when `field` is `form` (the
    /// summary shows that one without a link).
    pub fn fail(&mut self, field: &str, message: &str) {
        let field = field.rsplit('.').next().unwrap_or(field);
        let known = field != "form";
        let mut message = message.to_owned();
        if let Some(first) = message.get(..1) {
            message.replace_range(..1, &first.to_uppercase());
        }
        self.errors.push(FieldError {
            id: if known {
                format!("{}-{field}", self.form)
            } else {
                String::new()
            },
            field: field.to_owned(),
            message,
        });
    }

    pub fn ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// The form as it should be shown again.
    pub fn into_state(self) -> FormState {
        FormState {
            form: self.form,
            values: self.values.clone(),
            errors: self.errors,
        }
    }
}

/// Parses an HTML `date` input ("2026-11-23"), or the UK form "23/11/2026".
pub fn date(field: &'static str, raw: &str) -> Result<chrono::NaiveDate, ValidationError> {
    chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .or_else(|_| chrono::NaiveDate::parse_from_str(raw, "%d/%m/%Y"))
        .map_err(|_| ValidationError::new(field, "enter a real date, for example 23/11/2026"))
}

/// Parses an HTML `time` input ("10:00").
pub fn time(field: &'static str, raw: &str) -> Result<chrono::NaiveTime, ValidationError> {
    chrono::NaiveTime::parse_from_str(raw, "%H:%M")
        .or_else(|_| chrono::NaiveTime::parse_from_str(raw, "%H:%M:%S"))
        .map_err(|_| ValidationError::new(field, "enter a time on the 24-hour clock, like 14:30"))
}

/// Parses a record id chosen from a list.
pub fn id<T>(field: &'static str, raw: &str) -> Result<witan_domain::Id<T>, ValidationError> {
    raw.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .map(witan_domain::Id::new)
        .ok_or_else(|| ValidationError::new(field, "choose one of the options"))
}
