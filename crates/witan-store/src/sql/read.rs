//! The read side, for every database. Composite records (a meeting with its agenda, an issue with its
//! history) are loaded in a fixed handful of queries, one per kind of child record, whatever the
//! number of items: no query per item.

use super::items::{ESCALATION_SELECT, ItemsOf};
use super::{Driver, Param, SqlStore, params};
use crate::decode::{
    self, Columns, FORWARD_PLAN_SELECT, committee_ref, escalation_record, meeting_summary,
};
use crate::visibility;
use crate::*;
use async_trait::async_trait;
use std::collections::HashMap;
use witan_domain::*;

const COMMITTEE_SELECT: &str = "SELECT c.*, (SELECT string_agg(CAST(o.organisation_id AS TEXT), ',' \
     ORDER BY o.organisation_id) FROM committee_owners o WHERE o.committee_id = c.id) AS owner_ids \
     FROM committees c";

#[async_trait]
impl<D: Driver> Store for SqlStore<D> {
    async fn attendance(
        &self,
        person: PersonId,
        page: Page,
    ) -> Result<Vec<(MeetingSummary, AttendanceKind)>> {
        self.all("SELECT m.*, c.slug AS committee_slug, c.name AS committee_name, a.kind AS attendance
             FROM attendance a JOIN meetings m ON m.id = a.meeting_id JOIN committees c ON c.id = m.committee_id
             WHERE a.person_id = $1 ORDER BY m.starts_at DESC, m.id DESC LIMIT $2 OFFSET $3", params![person.get(), i64::from(page.limit), i64::from(page.offset)], "attendance").await?
        .iter()
        .map(|row| {
            Ok((meeting_summary(row)?, decode::term(row, "attendance")?))
        })
        .collect()
    }

    async fn search_documents(
        &self,
        kind: SearchKind,
        selection: SearchSelection<'_>,
    ) -> Result<Vec<SearchDocument>> {
        self.read_search_documents(kind, selection).await
    }

    async fn search_changes(&self, after: u64, limit: u32) -> Result<Vec<SearchChange>> {
        self.read_search_changes(after, limit).await
    }

    async fn last_search_change(&self) -> Result<u64> {
        self.read_last_search_change().await
    }

    async fn search_read_upto(&self, reader: &str, seq: u64, at: DateTime<Utc>) -> Result<()> {
        self.record_search_reader(reader, seq, at).await
    }

    async fn search_log_floor(&self) -> Result<u64> {
        self.read_search_log_floor().await
    }

    async fn forget_search_reader(&self, reader: &str) -> Result<()> {
        self.delete_search_reader(reader).await
    }

    async fn begin(&self) -> Result<Box<dyn Writer>> {
        Ok(Box::new(self.writer().await?))
    }

    async fn refresh_statistics(&self) -> Result<()> {
        self.driver.refresh_statistics().await
    }

    async fn ping(&self) -> Result<()> {
        self.execute("SELECT 1", Vec::new(), "ping").await?;
        Ok(())
    }

    async fn generation(&self) -> Result<u64> {
        let row = self
            .one(
                "SELECT value FROM store_generation WHERE id = 1",
                Vec::new(),
                "store_generation",
            )
            .await?;
        Ok(u64::try_from(decode::int(&row, "value")?).unwrap_or(0))
    }

    fn local_commits(&self) -> u64 {
        self.commits.load(std::sync::atomic::Ordering::Acquire)
    }

    async fn counts(&self) -> Result<Counts> {
        let row = self
            .one(
                "SELECT (SELECT COUNT(*) FROM organisations) AS organisations,
                    (SELECT COUNT(*) FROM committees) AS committees,
                    (SELECT COUNT(*) FROM people) AS people,
                    (SELECT COUNT(*) FROM meetings) AS meetings,
                    (SELECT COUNT(*) FROM agenda_items) AS agenda_items,
                    (SELECT COUNT(*) FROM issues) AS issues,
                    (SELECT COUNT(*) FROM documents) AS documents,
                    (SELECT COUNT(*) FROM decisions) AS decisions,
                    (SELECT COUNT(*) FROM actions) AS actions,
                    (SELECT COUNT(*) FROM escalations) AS escalations",
                Vec::new(),
                "counts",
            )
            .await?;
        let n = |c: &'static str| {
            row.opt_int(c)
                .ok()
                .flatten()
                .map_or(0, |v| u64::try_from(v).unwrap_or(0))
        };
        Ok(Counts {
            organisations: n("organisations"),
            committees: n("committees"),
            people: n("people"),
            meetings: n("meetings"),
            agenda_items: n("agenda_items"),
            issues: n("issues"),
            documents: n("documents"),
            decisions: n("decisions"),
            actions: n("actions"),
            escalations: n("escalations"),
        })
    }

    async fn organisations(&self) -> Result<Vec<Stored<Organisation>>> {
        let rows = self
            .all(
                "SELECT * FROM organisations ORDER BY name",
                Vec::new(),
                "organisation",
            )
            .await?;
        rows.iter().map(decode::organisation).collect()
    }

    async fn issue_references(&self) -> Result<Vec<(String, IssueId)>> {
        let rows = self
            .all(
                "SELECT reference, id FROM issues WHERE reference IS NOT NULL",
                Vec::new(),
                "issue",
            )
            .await?;
        rows.iter()
            .map(|row| Ok((decode::string(row, "reference")?, decode::id(row, "id")?)))
            .collect()
    }

    async fn committees(&self) -> Result<Vec<Stored<Committee>>> {
        let rows = self
            .fetch_all(
                format!("{COMMITTEE_SELECT} ORDER BY c.name"),
                &[],
                "committee",
            )
            .await?;
        rows.iter().map(decode::committee).collect()
    }

    async fn committee(&self, id: CommitteeId) -> Result<Stored<Committee>> {
        let rows = self
            .fetch_all(
                format!("{COMMITTEE_SELECT} WHERE c.id = $1"),
                &[id.get()],
                "committee",
            )
            .await?;
        rows.first()
            .map(decode::committee)
            .ok_or_else(|| StoreError::not_found("committee", id))?
    }

    async fn committee_by_slug(&self, slug: &str) -> Result<Stored<Committee>> {
        let row = self
            .optional(
                format!("{COMMITTEE_SELECT} WHERE c.slug = $1"),
                params![slug],
                "committee",
            )
            .await?;
        row.as_ref()
            .map(decode::committee)
            .ok_or_else(|| StoreError::not_found("committee", slug))?
    }

    async fn memberships(&self, committee: CommitteeId) -> Result<Vec<MembershipRecord>> {
        let rows = self.all("SELECT ms.*, p.name AS person_name FROM memberships ms JOIN people p ON p.id = ms.person_id
             WHERE ms.committee_id = $1
             ORDER BY CASE ms.role WHEN 'chair' THEN 0 WHEN 'vice_chair' THEN 1 WHEN 'member' THEN 2
                      WHEN 'co_opted' THEN 3 ELSE 4 END, p.name", params![committee.get()], "membership").await?;
        rows.iter()
            .map(|row| {
                Ok(MembershipRecord {
                    membership: decode::membership(row)?,
                    person_name: decode::title(row, "person_name")?,
                })
            })
            .collect()
    }

    async fn person(&self, id: PersonId) -> Result<Stored<Person>> {
        let row = self
            .optional(
                "SELECT * FROM people WHERE id = $1",
                params![id.get()],
                "person",
            )
            .await?;
        row.as_ref()
            .map(decode::person)
            .ok_or_else(|| StoreError::not_found("person", id))?
    }

    async fn item(&self, id: ItemId) -> Result<Stored<AgendaItem>> {
        let row = self
            .optional(
                "SELECT * FROM agenda_items WHERE id = $1",
                params![id.get()],
                "agenda item",
            )
            .await?;
        row.as_ref()
            .map(decode::item)
            .ok_or_else(|| StoreError::not_found("agenda item", id))?
    }

    async fn document(&self, id: DocumentId, audience: Audience) -> Result<Stored<Document>> {
        let public = visibility::for_audience(audience, visibility::document("d"));
        let row = self
            .optional(
                format!("SELECT d.* FROM documents d WHERE d.id = $1{public}"),
                params![id.get()],
                "document",
            )
            .await?;
        row.as_ref()
            .map(decode::document)
            .ok_or_else(|| StoreError::not_found("document", id))?
    }

    async fn exempt_register(&self, page: Page) -> Result<Vec<ExemptEntry>> {
        let rows = self
            .all(
                "SELECT * FROM (
                 SELECT 'item' AS kind, i.id, i.title, i.exempt_ground, i.exempt_review_on,
                        m.id AS meeting_id, m.starts_at, c.id AS committee_id,
                        c.slug AS committee_slug, c.name AS committee_name
                 FROM agenda_items i JOIN meetings m ON m.id = i.meeting_id
                 JOIN committees c ON c.id = m.committee_id
                 WHERE i.exempt_ground IS NOT NULL
                 UNION ALL
                 SELECT 'document', d.id, d.name, d.exempt_ground, d.exempt_review_on,
                        m.id, m.starts_at, c.id, c.slug, c.name
                 FROM documents d LEFT JOIN agenda_items i ON i.id = d.item_id
                 LEFT JOIN meetings m ON m.id = i.meeting_id
                 LEFT JOIN committees c ON c.id = m.committee_id
                 WHERE d.exempt_ground IS NOT NULL) AS entries
             ORDER BY exempt_review_on NULLS LAST, kind DESC, id
             LIMIT $1 OFFSET $2",
                params![i64::from(page.limit), i64::from(page.offset)],
                "exempt register",
            )
            .await?;
        rows.iter()
            .map(|row| {
                let kind: String = decode::string(row, "kind")?;
                let committee = match decode::opt_id::<Committee>(row, "committee_id")? {
                    Some(id) => Some(CommitteeRef {
                        id,
                        slug: decode::string(row, "committee_slug")?,
                        name: decode::string(row, "committee_name")?,
                    }),
                    None => None,
                };
                let Visibility::Exempt(exemption) =
                    decode::visibility(row, "exempt_ground", "exempt_review_on")?
                else {
                    return Err(StoreError::Database(
                        "an exempt entry without a ground".into(),
                    ));
                };
                Ok(ExemptEntry {
                    kind: if kind == "item" { "item" } else { "document" },
                    id: decode::int(row, "id")?,
                    title: decode::title(row, "title")?,
                    meeting: decode::opt_id(row, "meeting_id")?,
                    meeting_start: decode::opt_instant(row, "starts_at")?,
                    committee,
                    exemption,
                })
            })
            .collect()
    }

    async fn meeting(&self, id: MeetingId) -> Result<Stored<Meeting>> {
        let row = self
            .optional(
                "SELECT * FROM meetings WHERE id = $1",
                params![id.get()],
                "meeting",
            )
            .await?;
        row.as_ref()
            .map(decode::meeting)
            .ok_or_else(|| StoreError::not_found("meeting", id))?
    }

    async fn meetings(
        &self,
        committee: Option<CommitteeId>,
        when: When,
        page: Page,
    ) -> Result<Vec<MeetingSummary>> {
        let (column, comparison, order, instant) = match when {
            When::From(t) => ("starts_at", ">=", "ASC", t),
            When::Before(t) => ("starts_at", "<", "DESC", t),
            When::AgendaPublishedBy(t) => ("agenda_published_at", "<=", "DESC", t),
        };
        let committee_filter = if committee.is_some() {
            "AND m.committee_id = $2"
        } else {
            "AND $2 IS NULL"
        };
        let sql = format!(
            "SELECT m.*, c.slug AS committee_slug, c.name AS committee_name FROM meetings m
             JOIN committees c ON c.id = m.committee_id
             WHERE m.{column} {comparison} $1 {committee_filter}
             ORDER BY m.{column} {order}, m.id {order} LIMIT $3 OFFSET $4"
        );
        let rows = self
            .all(
                sql,
                params![
                    instant,
                    committee.map(Id::get),
                    i64::from(page.limit),
                    i64::from(page.offset)
                ],
                "meeting",
            )
            .await?;
        rows.iter().map(meeting_summary).collect()
    }

    async fn meeting_record(&self, id: MeetingId, audience: Audience) -> Result<MeetingRecord> {
        let MeetingSheet {
            meeting,
            committee,
            attendance,
            agenda,
            sign_offs,
        } = self
            .meeting_sheets(&[id], audience)
            .await?
            .pop()
            .ok_or_else(|| StoreError::not_found("meeting", id))?;
        let organisations = self.all("SELECT o.* FROM organisations o JOIN committee_owners co ON co.organisation_id = o.id
             WHERE co.committee_id = $1 ORDER BY o.name", params![committee.id.get()], "organisation").await?
        .iter()
        .map(decode::organisation)
        .collect::<Result<Vec<_>>>()?;

        let declarations = self
            .all(
                "SELECT p.name AS person_name, i.number, d.kind, d.description FROM declarations d
             JOIN people p ON p.id = d.person_id LEFT JOIN agenda_items i ON i.id = d.item_id
             WHERE d.meeting_id = $1 ORDER BY d.id",
                params![id.get()],
                "declaration",
            )
            .await?
            .iter()
            .map(|row| {
                Ok(DeclarationRecord {
                    person_name: decode::title(row, "person_name")?,
                    item_number: decode::opt_item_number(row, "number")?,
                    kind: decode::term(row, "kind")?,
                    description: decode::string(row, "description")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;

        let starts = meeting.times.start();
        let day = time::london_date(meeting.times.start());
        let carried_actions = self
            .action_records(
                "m.committee_id = $1 AND m.starts_at < $2 AND (a.closed_on IS NULL OR a.closed_on >= $3)",
                vec![
                    Param::Int(Some(committee.id.get())),
                    Param::Instant(Some(starts)),
                    Param::Date(Some(day)),
                ],
                audience,
                "ORDER BY m.starts_at, a.id",
            )
            .await?;

        Ok(MeetingRecord {
            meeting,
            committee,
            organisations,
            attendance,
            declarations,
            agenda,
            sign_offs,
            carried_actions,
        })
    }

    async fn meeting_sheets(
        &self,
        ids: &[MeetingId],
        audience: Audience,
    ) -> Result<Vec<MeetingSheet>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let wanted: Vec<i64> = ids.iter().map(|id| id.get()).collect();
        let set = || vec![super::ids_param(&wanted)];
        let any = |column: &str| super::one_of(D::DIALECT, column, &wanted);
        let mut meetings: HashMap<i64, Stored<Meeting>> = HashMap::new();
        for row in &self
            .all(
                format!("SELECT * FROM meetings WHERE {}", any("id")),
                set(),
                "meeting",
            )
            .await?
        {
            let meeting = decode::meeting(row)?;
            meetings.insert(meeting.id.get(), meeting);
        }
        let committee_ids: Vec<i64> = {
            let mut ids: Vec<i64> = meetings
                .values()
                .map(|m| m.record.committee.get())
                .collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        let mut committees: HashMap<i64, Stored<Committee>> = HashMap::new();
        for row in &self
            .all(
                format!(
                    "{COMMITTEE_SELECT} WHERE {}",
                    super::one_of(D::DIALECT, "c.id", &committee_ids)
                ),
                vec![super::ids_param(&committee_ids)],
                "committee",
            )
            .await?
        {
            let committee = decode::committee(row)?;
            committees.insert(committee.id.get(), committee);
        }
        let mut attendance: HashMap<i64, Vec<Attendee>> = HashMap::new();
        for row in &self
            .all(
                format!(
                    "SELECT p.*, a.kind, a.meeting_id AS attended_at FROM attendance a \
                     JOIN people p ON p.id = a.person_id WHERE {} ORDER BY a.kind, p.name",
                    any("a.meeting_id")
                ),
                set(),
                "attendance",
            )
            .await?
        {
            attendance
                .entry(decode::int(row, "attended_at")?)
                .or_default()
                .push(Attendee {
                    person: decode::person(row)?,
                    kind: decode::term(row, "kind")?,
                });
        }
        let mut sign_offs: HashMap<i64, Vec<SignOff>> = HashMap::new();
        for row in &self
            .all(
                format!(
                    "SELECT * FROM minutes_sign_offs WHERE {} ORDER BY version",
                    any("meeting_id")
                ),
                set(),
                "minutes_sign_off",
            )
            .await?
        {
            sign_offs
                .entry(decode::int(row, "meeting_id")?)
                .or_default()
                .push(decode::sign_off(row)?);
        }
        // Agendas only of the meetings whose agenda the audience may see, all in one read.
        let open: Vec<i64> = meetings
            .values()
            .filter(|m| audience.sees_exempt() || m.record.status.agenda_is_public())
            .map(|m| m.id.get())
            .collect();
        let mut agendas: HashMap<i64, Vec<ItemEntry>> =
            open.iter().map(|id| (*id, Vec::new())).collect();
        if !open.is_empty() {
            let (entries, meeting_of) = self
                .item_entries_with_meetings(ItemsOf::Meetings(&open), audience)
                .await?;
            for entry in entries {
                if let Some(agenda) = meeting_of
                    .get(&entry.id().get())
                    .and_then(|m| agendas.get_mut(m))
                {
                    agenda.push(entry);
                }
            }
        }
        ids.iter()
            .filter_map(|id| meetings.remove(&id.get()))
            .map(|meeting| {
                let id = meeting.id.get();
                let committee = committees
                    .get(&meeting.record.committee.get())
                    .cloned()
                    .ok_or_else(|| StoreError::not_found("committee", meeting.record.committee))?;
                Ok(MeetingSheet {
                    committee,
                    attendance: attendance.remove(&id).unwrap_or_default(),
                    agenda: agendas.remove(&id),
                    sign_offs: sign_offs.remove(&id).unwrap_or_default(),
                    meeting,
                })
            })
            .collect()
    }

    async fn minutes_versions(
        &self,
        item: ItemId,
        audience: Audience,
    ) -> Result<Vec<(u32, Minutes)>> {
        let public = visibility::for_audience(audience, visibility::item("i"));
        let rows = self
            .fetch_all(
                format!(
                    "SELECT mm.version AS minutes_version, mm.text AS minutes_text, mm.resolution_points, \
                     mm.resolution_text FROM item_minutes mm JOIN agenda_items i ON i.id = mm.item_id \
                     WHERE mm.item_id = $1{public} ORDER BY mm.version"
                ),
                &[item.get()],
                "minutes",
            )
            .await?;
        rows.iter()
            .filter_map(|row| decode::minutes(row).transpose())
            .collect()
    }

    async fn issue_record(&self, id: IssueId, audience: Audience) -> Result<IssueRecord> {
        // An issue the public may not see is not there for it, title and all.
        let issue = self
            .optional(
                format!(
                    "SELECT * FROM issues iss WHERE iss.id = $1{}",
                    visibility::for_audience(audience, visibility::issue("iss"))
                ),
                params![id.get()],
                "issue",
            )
            .await?
            .as_ref()
            .map(decode::issue)
            .ok_or_else(|| StoreError::not_found("issue", id))??;
        let public_docs = visibility::for_audience(audience, visibility::document("d"));
        let documents = self
            .fetch_all(
                format!("SELECT d.* FROM documents d WHERE d.issue_id = $1 AND d.item_id IS NULL{public_docs} ORDER BY d.id"),
                &[id.get()],
                "document",
            )
            .await?
            .iter()
            .map(decode::document)
            .collect::<Result<Vec<_>>>()?;
        let meetings = self
            .fetch_all(
                format!(
                    "SELECT m.*, c.slug AS committee_slug, c.name AS committee_name, i.id AS item_id \
                     FROM agenda_items i JOIN meetings m ON m.id = i.meeting_id \
                     JOIN committees c ON c.id = m.committee_id WHERE {}",
                    ItemsOf::Issue(id).filter(audience, D::DIALECT)
                ),
                &[id.get()],
                "meeting",
            )
            .await?;
        let entries = self.item_entries(ItemsOf::Issue(id), audience).await?;
        let history = decode::issue_history(&meetings, entries)?;
        Ok(IssueRecord {
            issue,
            documents,
            history,
        })
    }

    async fn decision(&self, id: DecisionId) -> Result<Stored<Decision>> {
        let row = self
            .optional(
                "SELECT * FROM decisions WHERE id = $1",
                params![id.get()],
                "decision",
            )
            .await?;
        row.as_ref()
            .map(decode::decision)
            .ok_or_else(|| StoreError::not_found("decision", id))?
    }

    async fn action(&self, id: ActionId) -> Result<ActionRecord> {
        self.action_records(
            "a.id = $1",
            vec![Param::Int(Some(id.get()))],
            Audience::Privileged,
            "",
        )
        .await?
        .pop()
        .ok_or_else(|| StoreError::not_found("action", id))
    }

    async fn escalation(&self, id: EscalationId) -> Result<EscalationRecord> {
        let rows = self
            .fetch_all(
                format!("{ESCALATION_SELECT} WHERE e.id = $1"),
                &[id.get()],
                "escalation",
            )
            .await?;
        rows.first()
            .map(escalation_record)
            .ok_or_else(|| StoreError::not_found("escalation", id))?
    }

    async fn escalations(
        &self,
        committee: CommitteeId,
        direction: Direction,
        audience: Audience,
        page: Page,
    ) -> Result<Vec<EscalationRecord>> {
        let which = match direction {
            Direction::Sent => "fc.id = $1",
            Direction::Awaiting => "e.to_committee_id = $1 AND e.state IN ('pending', 'accepted')",
            Direction::Pending => "e.to_committee_id = $1 AND e.state = 'pending'",
            Direction::Received => "e.to_committee_id = $1",
        };
        let public = visibility::for_audience(audience, visibility::escalation("e"));
        let rows = self
            .fetch_all(
                format!(
                    "{ESCALATION_SELECT} WHERE {which}{public} ORDER BY e.id DESC LIMIT {} OFFSET {}",
                    page.limit, page.offset
                ),
                &[committee.get()],
                "escalation",
            )
            .await?;
        rows.iter().map(escalation_record).collect()
    }

    async fn decisions(
        &self,
        filter: &DecisionFilter,
        page: Page,
        audience: Audience,
    ) -> Result<Vec<DecisionRecord>> {
        let public = visibility::for_audience(audience, visibility::decision("d"));
        let sql = format!(
            "SELECT d.*, c.id AS committee_id, c.slug AS committee_slug, c.name AS committee_name, \
             i.meeting_id AS meeting_id, i.number AS item_number, i.title AS item_title \
             FROM decisions d LEFT JOIN agenda_items i ON i.id = d.item_id \
             LEFT JOIN committees c ON c.id = d.maker_committee_id \
             WHERE ($1 IS NULL OR d.maker_committee_id = $1) AND (NOT $2 OR d.key_decision) \
               AND ($3 IS NULL OR d.decided_on >= $3) AND ($4 IS NULL OR d.decided_on <= $4) \
               AND ($5 IS NULL OR d.status = $5){public} \
             ORDER BY d.decided_on DESC, d.id DESC LIMIT $6 OFFSET $7"
        );
        let rows = self
            .all(
                sql,
                params![
                    filter.committee.map(Id::get),
                    filter.key_only,
                    filter.from,
                    filter.until,
                    filter.status.map(Term::as_str),
                    i64::from(page.limit),
                    i64::from(page.offset)
                ],
                "decision",
            )
            .await?;
        rows.iter()
            .map(|row| {
                let committee = match decode::opt_id::<Committee>(row, "committee_id")? {
                    Some(_) => Some(committee_ref(
                        row,
                        "committee_id",
                        "committee_slug",
                        "committee_name",
                    )?),
                    None => None,
                };
                Ok(DecisionRecord {
                    decision: decode::decision(row)?,
                    committee,
                    meeting: decode::opt_id(row, "meeting_id")?,
                    item_number: decode::opt_item_number(row, "item_number")?,
                    item_title: decode::opt_title(row, "item_title")?,
                })
            })
            .collect()
    }

    async fn actions(
        &self,
        filter: &ActionFilter,
        page: Page,
        audience: Audience,
    ) -> Result<Vec<ActionRecord>> {
        self.action_records(
            "($1 IS NULL OR a.owner_person_id = $1) AND ($2 IS NULL OR m.committee_id = $2) \
             AND ($3 IS NULL OR a.rag = $3) AND ($4 IS NULL OR a.status = $4) \
             AND ($5 IS NULL OR (a.status = 'open' AND a.due_on < $5))",
            vec![
                Param::Int(filter.owner.map(Id::get)),
                Param::Int(filter.committee.map(Id::get)),
                Param::Text(filter.rag.map(|r| r.as_str().to_owned())),
                Param::Text(filter.status.map(|s| s.as_str().to_owned())),
                Param::Date(filter.overdue_on),
            ],
            audience,
            &format!(
                "ORDER BY m.starts_at DESC, a.id DESC LIMIT {} OFFSET {}",
                page.limit, page.offset
            ),
        )
        .await
    }

    async fn person_record(&self, id: PersonId, audience: Audience) -> Result<PersonRecord> {
        let person = self.person(id).await?;
        let memberships = self.all("SELECT ms.*, c.slug AS committee_slug, c.name AS committee_name FROM memberships ms
             JOIN committees c ON c.id = ms.committee_id WHERE ms.person_id = $1 ORDER BY ms.from_date DESC, c.name", params![id.get()], "membership").await?
        .iter()
        .map(|row| {
            Ok((
                decode::membership(row)?,
                committee_ref(row, "committee_id", "committee_slug", "committee_name")?,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
        let open_actions = self
            .action_records(
                "a.owner_person_id = $1 AND a.status = 'open'",
                vec![Param::Int(Some(id.get()))],
                audience,
                "ORDER BY a.due_on, a.id LIMIT 100",
            )
            .await?;
        let meetings = self.attendance(id, Page::first(20)).await?;
        Ok(PersonRecord {
            person,
            memberships,
            open_actions,
            meetings,
        })
    }

    async fn forward_plan(
        &self,
        committee: Option<CommitteeId>,
        from: chrono::NaiveDate,
        page: Page,
    ) -> Result<Vec<ForwardPlanRecord>> {
        let rows = self.all(format!(
            "{FORWARD_PLAN_SELECT} WHERE f.expected_on >= $1 AND ($2 IS NULL OR f.decision_maker_id = $2)
             ORDER BY f.expected_on, f.id LIMIT $3 OFFSET $4"
        ), params![from, committee.map(Id::get), i64::from(page.limit), i64::from(page.offset)], "forward_plan").await?;
        rows.iter().map(decode::forward_plan_record).collect()
    }

    async fn forward_plan_entry(&self, id: ForwardPlanId) -> Result<ForwardPlanRecord> {
        let rows = self
            .fetch_all(
                format!("{FORWARD_PLAN_SELECT} WHERE f.id = $1"),
                &[id.get()],
                "forward_plan",
            )
            .await?;
        rows.first()
            .map(decode::forward_plan_record)
            .ok_or_else(|| StoreError::not_found("forward plan entry", id))?
    }

    async fn published(
        &self,
        kind: PublishedKind,
        scope: Scope,
        window: &Window,
        selection: Selection<'_>,
    ) -> Result<Vec<Stamp>> {
        let Some((sql, scope_id)) = crate::published::query(D::DIALECT, kind, scope, selection)
        else {
            return Ok(Vec::new());
        };
        let rows = self
            .all(
                sql,
                vec![
                    Param::Int(scope_id),
                    Param::Stamp(window.created_since),
                    Param::Stamp(window.created_until),
                    Param::Stamp(window.modified_since),
                    Param::Stamp(window.modified_until),
                ],
                "published records",
            )
            .await?;
        rows.iter().map(|row| decode::stamp(kind, row)).collect()
    }
}
