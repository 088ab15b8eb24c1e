//! "Key decisions and actions": the short summary an integrated care board publishes after a
//! meeting. A date line, then headed topics (each becomes an agenda item with its text as the
//! minutes), then "Matters for escalation (and where to)" and "Completed and signed off by NAME".
//!
//! A topic heading is a short line that is not a sentence; the paragraphs after it, up to the next
//! heading, are its minutes.

use super::{Parsed, Prose, committee, find_date, line, meeting_key, organisation};
use crate::model::{Draft, MinutesDraft};
use crate::text::Block;
use crate::{ImportError, Options};
use witan_domain::MeetingStatus;

const ESCALATION: &str = "matters for escalation";
const SIGN_OFF: &str = "completed and signed off by";

fn is_heading(block: &Block, next: Option<&Block>) -> bool {
    let text = block.text.trim();
    let words = text.split_whitespace().count();
    block.heading
        || (words <= 10
            && !text.ends_with(['.', ':', ';', ','])
            && next.is_some_and(|n| n.text.len() > text.len()))
}

/// "(and where to) Workforce pressures - to the ICS Board" → the matter and where it went.
fn escalations(text: &str) -> Vec<(String, String)> {
    let text = text
        .trim()
        .trim_start_matches("(and where to)")
        .trim_start_matches(['-', ':', ' ']);
    let none = ["n/a", "na", "none", "nil", "no matters for escalation", ""];
    if none.contains(&text.to_ascii_lowercase().trim_end_matches('.')) {
        return Vec::new();
    }
    text.split(';')
        .filter_map(|matter| {
            let matter = matter.trim();
            let lower = matter.to_ascii_lowercase();
            let at = lower.rfind(" to ")?;
            let target = matter[at + 4..]
                .trim()
                .trim_start_matches("the ")
                .trim_end_matches('.')
                .trim();
            let reason = matter[..at].trim().trim_end_matches(['-', '–', ',']).trim();
            (!target.is_empty() && !reason.is_empty())
                .then(|| (reason.to_owned(), target.to_owned()))
        })
        .collect()
}

pub(super) fn parse(blocks: &[Block], options: &Options) -> Result<Parsed, ImportError> {
    let mut parsed = Parsed::default();
    let batch = &mut parsed.batch;
    let (date_block, date) = blocks
        .iter()
        .find_map(|b| {
            b.text
                .to_ascii_lowercase()
                .contains("meeting date")
                .then(|| find_date(&b.text, None).map(|d| (b, d)))
                .flatten()
        })
        .or_else(|| {
            blocks
                .iter()
                .find_map(|b| find_date(&b.text, None).map(|d| (b, d)))
        })
        .ok_or_else(|| {
            ImportError::no_records(
                "line 1",
                "expected the meeting date (\"Meeting date 11 October 2021\")",
            )
        })?;
    let start = blocks
        .iter()
        .position(|b| b.text.eq_ignore_ascii_case("Key decisions and actions"))
        .map_or(0, |i| i + 1);
    let at = line(date_block);
    let organisation = organisation(batch, options, &at);
    let name = options.committee.as_deref().unwrap_or("Board");
    let committee = committee(batch, &organisation, name, &at);
    let meeting = meeting_key(&committee, date);
    let signed_off_by = blocks.iter().find_map(|b| {
        let lower = b.text.to_ascii_lowercase();
        lower
            .starts_with(SIGN_OFF)
            .then(|| b.text[SIGN_OFF.len()..].trim().to_owned())
            .filter(|name| !name.is_empty())
            .map(|name| (b, name))
    });
    let status = if signed_off_by.is_some() {
        MeetingStatus::MinutesSignedOff
    } else {
        MeetingStatus::Held
    };
    let start_at = super::start_of(date, None)
        .ok_or_else(|| ImportError::at(at.clone(), "the date does not exist in UK time"))?;
    batch.push(
        at.clone(),
        Draft::Meeting {
            key: meeting.clone(),
            committee: committee.clone(),
            start: start_at,
            end: None,
            location: None,
            status,
        },
    );
    let mut topics: Vec<(&Block, String)> = Vec::new();
    let mut prose = Prose::default();
    let mut escalation: Option<(&Block, String)> = None;
    let body = &blocks[start..];
    for (i, block) in body.iter().enumerate() {
        let lower = block.text.to_ascii_lowercase();
        if lower.starts_with(ESCALATION) {
            escalation = Some((block, block.text[ESCALATION.len()..].to_owned()));
            continue;
        }
        if lower.starts_with(SIGN_OFF) {
            continue;
        }
        if escalation.is_some() {
            continue;
        }
        if is_heading(block, body.get(i + 1)) {
            if let Some(last) = topics.last_mut() {
                last.1 = prose.take();
            }
            topics.push((block, String::new()));
        } else if !topics.is_empty() {
            prose.push(block);
        }
    }
    if let Some(last) = topics.last_mut() {
        last.1 = prose.take();
    }
    let mut position = 0;
    let mut push_item =
        |batch: &mut crate::model::Batch, block: &Block, title: &str, text: String| {
            position += 1;
            let key = meeting.child(format_args!("item/{position}"));
            batch.push(
                line(block),
                Draft::Item {
                    key: key.clone(),
                    meeting: meeting.clone(),
                    position,
                    number: position.to_string(),
                    title: title.to_owned(),
                    issue: None,
                    exempt: None,
                    minutes: Some(MinutesDraft {
                        text,
                        ..MinutesDraft::default()
                    }),
                },
            );
            key
        };
    for (block, text) in topics {
        push_item(batch, block, &block.text, text);
    }
    if let Some((block, text)) = escalation {
        let matters = escalations(&text);
        if !matters.is_empty() {
            let item = push_item(
                batch,
                block,
                "Matters for escalation",
                text.trim().to_owned(),
            );
            for (n, (reason, target)) in matters.into_iter().enumerate() {
                let to = super::committee(batch, &organisation, &target, &line(block));
                batch.push(
                    line(block),
                    Draft::Escalation {
                        key: item.child(format_args!("escalation/{}", n + 1)),
                        from_item: item.clone(),
                        to_committee: to,
                        reason,
                    },
                );
            }
        }
    }
    if let Some((block, by)) = signed_off_by {
        batch.push(
            line(block),
            Draft::SignOff {
                key: meeting.child("sign-off"),
                meeting: meeting.clone(),
                by,
                on: date,
            },
        );
    }
    parsed.meeting = Some((meeting, date));
    parsed.committee = Some(committee);
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escalations_or_none() {
        assert!(escalations(" N/A").is_empty());
        assert!(escalations("(and where to) N/A").is_empty());
        assert_eq!(
            escalations("(and where to) Workforce gaps in domiciliary care - to the ICS Board"),
            [(
                "Workforce gaps in domiciliary care".to_owned(),
                "ICS Board".to_owned()
            )]
        );
    }
}
