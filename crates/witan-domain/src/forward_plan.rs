use crate::{CommitteeId, IssueId, Title, ValidationError};
use chrono::NaiveDate;

/// The notice a body must give of a key decision: at least 28 clear days.
pub const NOTICE_CLEAR_DAYS: i64 = 28;

/// A forward plan entry: public notice of a key decision to be taken, by whom and when.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ForwardPlanEntry {
    pub title: Title,
    pub decision_maker: CommitteeId,
    pub issue: Option<IssueId>,
    /// When the notice was published.
    pub published_on: NaiveDate,
    /// When the decision is expected to be taken.
    pub expected_on: NaiveDate,
}

impl ForwardPlanEntry {
    pub fn check(&self) -> Result<(), ValidationError> {
        if self.expected_on < self.published_on {
            return Err(ValidationError::new(
                "forward_plan.expected_on",
                format!(
                    "{} is before the notice was published ({})",
                    self.expected_on, self.published_on
                ),
            ));
        }
        Ok(())
    }

    /// Clear days between publication and the decision: neither day itself counts.
    pub fn clear_days(&self) -> i64 {
        ((self.expected_on - self.published_on).num_days() - 1).max(0)
    }

    /// Whether the notice is shorter than the 28 clear days the rules require, so the decision
    /// needs the general-exception or special-urgency procedure.
    pub fn short_notice(&self) -> bool {
        self.clear_days() < NOTICE_CLEAR_DAYS
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Id;

    fn entry(published: u32, expected_month: u32, expected_day: u32) -> ForwardPlanEntry {
        ForwardPlanEntry {
            title: Title::parse("title", "Treasury Management Strategy").unwrap(),
            decision_maker: Id::new(1),
            issue: None,
            published_on: NaiveDate::from_ymd_opt(2016, 3, published).unwrap(),
            expected_on: NaiveDate::from_ymd_opt(2016, expected_month, expected_day).unwrap(),
        }
    }

    #[test]
    fn twenty_eight_clear_days() {
        // Published 1 March, decided 30 March: 28 clear days between (2nd to 29th).
        assert_eq!(entry(1, 3, 30).clear_days(), 28);
        assert!(!entry(1, 3, 30).short_notice());
        assert!(entry(1, 3, 29).short_notice());
        assert_eq!(
            entry(10, 3, 1).check().unwrap_err().field,
            "forward_plan.expected_on"
        );
    }
}
