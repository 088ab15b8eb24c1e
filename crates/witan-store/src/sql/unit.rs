//! One unit of work: a transaction that takes the store's write lock first (SQLite's
//! `BEGIN IMMEDIATE`, PostgreSQL's advisory lock), so that writers queue up front and a workflow
//! that reads and then writes (the next item number, the latest sign-off) sees nothing change
//! under it.
//!
//! A database may abandon a transaction at the first statement it refuses (PostgreSQL does); the
//! writer then rolls back at once on every database, which frees the write lock for the next
//! unit of work, and refuses everything after, commit included, so that a caller who missed the
//! error cannot believe its work landed.

use super::buffer::Buffers;
use super::rows::{row, sign_off_row};
use super::{Driver, Param, Sql, SqlStore, params};
use crate::catalogue;
use crate::decode;
use crate::{Replacement, Result, StoreError};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use witan_domain::*;

/// A unit of work on the store `D` drives.
#[derive(Debug)]
pub struct SqlWriter<D: Driver> {
    /// `None` once an error has undone the unit of work.
    pub(super) tx: Option<D::Tx>,
    /// The next id of each table this unit of work has created records in.
    pub(super) next_ids: BTreeMap<&'static str, i64>,
    /// Created records not yet written.
    pub(super) buffers: Buffers,
    pub(super) commits: Arc<AtomicU64>,
}

impl<D: Driver> SqlStore<D> {
    pub(crate) async fn writer(&self) -> Result<SqlWriter<D>> {
        Ok(SqlWriter {
            tx: Some(self.driver.begin().await?),
            next_ids: BTreeMap::new(),
            buffers: Buffers::default(),
            commits: self.commits.clone(),
        })
    }
}

impl<D: Driver> SqlWriter<D> {
    /// The unit of work, unless an error has undone it.
    pub(super) fn tx(&mut self) -> Result<&mut D::Tx> {
        self.tx.as_mut().ok_or_else(|| {
            StoreError::Database(
                "this unit of work was undone by an earlier error; start another".into(),
            )
        })
    }

    /// Passes on what a statement returned; when it failed, undoes the unit of work first (see
    /// the module documentation).
    pub(super) async fn check<T>(&mut self, result: Result<T>) -> Result<T> {
        if result.is_err()
            && let Some(tx) = self.tx.take()
        {
            D::rollback(tx).await;
        }
        result
    }

    /// Writes the buffered rows, so that the next statement sees them.
    pub(super) async fn flush(&mut self) -> Result<()> {
        if self.buffers.is_empty() {
            return Ok(());
        }
        for insert in self.buffers.take() {
            let tx = self.tx()?;
            let result = D::insert_rows(tx, insert.table, insert.columns, insert.rows).await;
            self.check(result).await?;
        }
        Ok(())
    }

    /// Buffers a new row of `table` (see `buffer.rs`), its values in the catalogue's order of
    /// the columns the writer fills, and logs it in the search change log where the database's
    /// triggers do not; writes the buffers when they are full.
    pub(super) async fn buffer(&mut self, table: &'static str, values: Vec<Param>) -> Result<()> {
        self.tx()?;
        let (index, spec, columns) = catalogue::written(table);
        if !D::TRIGGERS_LOG_INSERTS
            && let Some((kind, id_column)) = spec.search
        {
            let at = columns.iter().position(|c| *c == id_column);
            let id = at.map(|at| values[at].clone()).unwrap_or(Param::Int(None));
            let (log, _, log_columns) = catalogue::written("search_changes");
            self.buffers
                .push(log, log_columns, vec![kind.as_str().into(), id]);
        }
        if self.buffers.push(index, columns, values) {
            self.flush().await?;
        }
        Ok(())
    }

    /// Marks a record as modified now: what open data embeds in it (a meeting's attendance, an
    /// item's minutes, a person's memberships, an action's updates) has changed.
    pub(super) async fn touch(&mut self, table: &'static str, id: i64) -> Result<()> {
        let sql = format!("UPDATE {table} SET updated_at = now() WHERE id = $1");
        self.execute(sql, params![id], table).await.map(drop)
    }

    pub(super) async fn execute(
        &mut self,
        sql: impl Into<Sql> + Send,
        params: Vec<Param>,
        record: &'static str,
    ) -> Result<u64> {
        self.flush().await?;
        let sql = D::DIALECT.sql(sql.into());
        let result = D::tx_execute(self.tx()?, sql, params, record).await;
        self.check(result).await
    }

    pub(super) async fn fetch_all(
        &mut self,
        sql: impl Into<Sql> + Send,
        params: Vec<Param>,
        record: &'static str,
    ) -> Result<Vec<D::Row>> {
        self.flush().await?;
        let sql = D::DIALECT.sql(sql.into());
        let result = D::tx_fetch_all(self.tx()?, sql, params, record).await;
        self.check(result).await
    }

    pub(super) async fn fetch_optional(
        &mut self,
        sql: impl Into<Sql> + Send,
        params: Vec<Param>,
        record: &'static str,
    ) -> Result<Option<D::Row>> {
        self.flush().await?;
        let sql = D::DIALECT.sql(sql.into());
        let result = D::tx_fetch_optional(self.tx()?, sql, params, record).await;
        self.check(result).await
    }

    pub(super) async fn fetch_one(
        &mut self,
        sql: impl Into<Sql> + Send,
        params: Vec<Param>,
        record: &'static str,
    ) -> Result<D::Row> {
        self.fetch_optional(sql, params, record)
            .await?
            .ok_or_else(|| StoreError::Database(format!("{record}: the query returned no row")))
    }

    /// The id a new record of `table` gets: one more than the largest the table holds. The first
    /// of a unit of work reads the largest; the writer holds the write lock, so nobody else can
    /// take the ids that follow.
    pub(super) async fn next_id(&mut self, table: &'static str) -> Result<i64> {
        let id = match self.next_ids.get(table) {
            Some(next) => *next,
            None => {
                // Buffered rows do not matter here: a table has them only once it has a counter.
                let sql = format!("SELECT COALESCE(MAX(id), 0) + 1 AS id FROM {table}");
                let result = D::tx_fetch_optional(self.tx()?, sql.into(), Vec::new(), table).await;
                match self.check(result).await? {
                    Some(row) => decode::int(&row, "id")?,
                    None => 1,
                }
            }
        };
        self.next_ids.insert(table, id + 1);
        Ok(id)
    }

    /// Buffers a new record and returns its id.
    pub(super) async fn create(&mut self, record: Replacement<'_>) -> Result<i64> {
        let (table, mut values) = row(record)?;
        let id = self.next_id(table).await?;
        values.insert(0, id.into());
        self.buffer(table, values).await?;
        if let Replacement::Committee(c) = record {
            self.add_committee_owners(id, c).await?;
        }
        Ok(id)
    }

    pub(super) async fn add_committee_owners(
        &mut self,
        committee: i64,
        c: &Committee,
    ) -> Result<()> {
        for owner in c.owners.organisations() {
            self.buffer("committee_owners", params![committee, owner.get()])
                .await?;
        }
        Ok(())
    }

    pub(super) async fn meeting_status(&mut self, meeting: MeetingId) -> Result<MeetingStatus> {
        let row = self
            .fetch_optional(
                "SELECT status FROM meetings WHERE id = $1",
                params![meeting.get()],
                "meeting",
            )
            .await?
            .ok_or_else(|| StoreError::not_found("meeting", meeting))?;
        decode::term(&row, "status")
    }

    pub(super) async fn update_meeting_status(
        &mut self,
        meeting: MeetingId,
        to: MeetingStatus,
    ) -> Result<()> {
        self.execute(
            "UPDATE meetings SET status = $1,
                 agenda_published_at = CASE WHEN $1 = 'agenda_published'
                     THEN statement_timestamp() ELSE agenda_published_at END,
                 updated_at = now()
             WHERE id = $2",
            params![to.as_str(), meeting.get()],
            "meeting.status",
        )
        .await
        .map(drop)
    }

    pub(super) async fn latest_sign_off(&mut self, meeting: MeetingId) -> Result<u32> {
        let row = self
            .fetch_one(
                "SELECT COALESCE(MAX(version), 0) AS version
                 FROM minutes_sign_offs WHERE meeting_id = $1",
                params![meeting.get()],
                "minutes_sign_off",
            )
            .await?;
        Ok(u32::try_from(decode::int(&row, "version")?).unwrap_or(0))
    }

    pub(super) async fn insert_sign_off(&mut self, meeting: MeetingId, s: &SignOff) -> Result<()> {
        self.execute(
            "INSERT INTO minutes_sign_offs (meeting_id, version, signed_by, person_id, signed_on, reason)
             VALUES ($1, $2, $3, $4, $5, $6)",
            sign_off_row(meeting, s),
            "minutes_sign_off",
        )
        .await
        .map(drop)
    }

    /// The item an accepted escalation proposes: at the end of `meeting`'s agenda, numbered after
    /// the last numbered item, titled after the item it came from (through the domain's title
    /// rule, so no combination of names can make a title longer than a title may be) and as
    /// exempt as that item.
    pub(super) async fn proposed_item(
        &mut self,
        meeting: MeetingId,
        from_item: ItemId,
    ) -> Result<AgendaItem> {
        let from = self
            .current(
                "SELECT i.*, c.name AS committee_name FROM agenda_items i
                 JOIN meetings m ON m.id = i.meeting_id JOIN committees c ON c.id = m.committee_id
                 WHERE i.id = $1",
                from_item.get(),
                "agenda item",
            )
            .await?;
        let committee = decode::title(&from, "committee_name")?;
        let from = decode::item(&from)?.record;
        let sql = format!(
            "SELECT COALESCE(MAX(position), 0) + 1 AS position,
                    COALESCE(MAX({}), 0) + 1 AS number
             FROM agenda_items WHERE meeting_id = $1",
            D::DIALECT.leading_number("number")
        );
        let next = self
            .fetch_one(sql, params![meeting.get()], "agenda_item")
            .await?;
        Ok(AgendaItem {
            meeting,
            position: u32::try_from(decode::int(&next, "position")?).map_err(|_| {
                ValidationError::new("escalation.proposed_item.position", "is too large")
            })?,
            number: ItemNumber::parse(
                "escalation.proposed_item.number",
                &decode::int(&next, "number")?.to_string(),
            )?,
            title: Escalation::proposed_item_title(&committee, &from.title)?,
            issue: from.issue,
            visibility: from.visibility,
        })
    }

    /// The row `sql` finds for `id`: the record a workflow checks a change against.
    pub(super) async fn current(
        &mut self,
        sql: &'static str,
        id: i64,
        what: &'static str,
    ) -> Result<D::Row> {
        self.fetch_optional(sql, params![id], what)
            .await?
            .ok_or_else(|| StoreError::not_found(what, id))
    }
}
