//! Accounts, sessions, failed sign-ins and the audit log, for every database.

use super::{Driver, SqlStore, SqlWriter, params};
use crate::accounts::{AccountWriter, Accounts, AuditRecord, FailedAttempts, Session};
use crate::decode::{self, Columns};
use crate::{Account, Page, Result, StoreError, Stored};
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use witan_domain::{AuditEntry, Email, Id, Term, User, UserId};

#[async_trait]
impl<D: Driver> Accounts for SqlStore<D> {
    async fn account(&self, email: &Email) -> Result<Account> {
        let row = self.optional("SELECT id, email, name, role, organisation_id, password_hash FROM users WHERE email = $1", params![email.as_str()], "user").await?
        .ok_or_else(|| StoreError::not_found("user", email))?;
        Ok(Account {
            user: decode::user(&row)?,
            password_hash: decode::string(&row, "password_hash")?,
        })
    }

    async fn user(&self, id: UserId) -> Result<Stored<User>> {
        let row = self
            .optional(
                "SELECT id, email, name, role, organisation_id FROM users WHERE id = $1",
                params![id.get()],
                "user",
            )
            .await?
            .ok_or_else(|| StoreError::not_found("user", id))?;
        decode::user(&row)
    }

    async fn users(&self) -> Result<Vec<Stored<User>>> {
        let rows = self
            .all(
                "SELECT id, email, name, role, organisation_id FROM users ORDER BY email",
                Vec::new(),
                "user",
            )
            .await?;
        rows.iter().map(decode::user).collect()
    }

    async fn session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(Session, Stored<User>)>> {
        let row = self
            .optional(
                "SELECT u.id, u.email, u.name, u.role, u.organisation_id,
                    s.token_hash, s.csrf_token, s.created_at, s.expires_at, s.seen_at
             FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = $1 AND s.expires_at > $2",
                params![token_hash, now],
                "session",
            )
            .await?;
        let Some(row) = row else { return Ok(None) };
        let user = decode::user(&row)?;
        let session = Session {
            token_hash: decode::string(&row, "token_hash")?,
            user: user.id,
            csrf_token: decode::string(&row, "csrf_token")?,
            created: decode::instant(&row, "created_at")?,
            expires: decode::instant(&row, "expires_at")?,
            seen: decode::instant(&row, "seen_at")?,
        };
        Ok(Some((session, user)))
    }

    async fn audit_log(&self, record: Option<(&str, i64)>, page: Page) -> Result<Vec<AuditRecord>> {
        let dialect = D::DIALECT;
        let sql = format!(
            "SELECT id, at, by_whom, action, record_kind, record_id,
                    {} AS before_json, {} AS after_json
             FROM audit_log
             WHERE ($1 IS NULL OR (record_kind = $1 AND record_id = $2))
             ORDER BY id DESC LIMIT $3 OFFSET $4",
            dialect.json_text("before_json"),
            dialect.json_text("after_json")
        );
        let rows = self
            .all(
                sql,
                params![
                    record.map(|(kind, _)| kind),
                    record.map(|(_, id)| id),
                    i64::from(page.limit),
                    i64::from(page.offset)
                ],
                "audit log",
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(AuditRecord {
                    id: decode::int(row, "id")?,
                    entry: AuditEntry {
                        at: decode::instant(row, "at")?,
                        by: decode::string(row, "by_whom")?,
                        action: decode::string(row, "action")?,
                        record: decode::string(row, "record_kind")?,
                        record_id: decode::int(row, "record_id")?,
                        before: row.opt_string("before_json")?,
                        after: row.opt_string("after_json")?,
                    },
                })
            })
            .collect()
    }
}

#[async_trait]
impl<D: Driver> AccountWriter for SqlWriter<D> {
    async fn create_user(&mut self, user: &User, password_hash: &str) -> Result<UserId> {
        let row = self
            .fetch_one(
                "INSERT INTO users (email, name, role, organisation_id, password_hash)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
                vec![
                    user.email.as_str().into(),
                    user.name.as_str().into(),
                    user.role.as_str().into(),
                    user.organisation.map(Id::get).into(),
                    password_hash.into(),
                ],
                "user",
            )
            .await?;
        decode::id(&row, "id")
    }

    async fn set_password(&mut self, user: UserId, password_hash: &str) -> Result<()> {
        let updated = self
            .execute(
                "UPDATE users SET password_hash = $1, updated_at = now() WHERE id = $2",
                vec![password_hash.into(), user.get().into()],
                "user",
            )
            .await?;
        if updated == 0 {
            return Err(StoreError::not_found("user", user));
        }
        Ok(())
    }

    async fn update_user(&mut self, id: UserId, user: &User) -> Result<()> {
        let updated = self
            .execute(
                "UPDATE users SET name = $1, role = $2, organisation_id = $3, updated_at = now()
                 WHERE id = $4",
                vec![
                    user.name.as_str().into(),
                    user.role.as_str().into(),
                    user.organisation.map(Id::get).into(),
                    id.get().into(),
                ],
                "user",
            )
            .await?;
        if updated == 0 {
            return Err(StoreError::not_found("user", id));
        }
        Ok(())
    }

    async fn delete_user(&mut self, id: UserId) -> Result<()> {
        let deleted = self
            .execute(
                "DELETE FROM users WHERE id = $1",
                vec![id.get().into()],
                "user",
            )
            .await?;
        if deleted == 0 {
            return Err(StoreError::not_found("user", id));
        }
        Ok(())
    }

    async fn create_session(&mut self, session: &Session) -> Result<()> {
        self.execute(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, seen_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
            vec![
                session.token_hash.as_str().into(),
                session.user.get().into(),
                session.csrf_token.as_str().into(),
                session.created.into(),
                session.expires.into(),
                session.seen.into(),
            ],
            "session",
        )
        .await?;
        // Expired sessions are of no use to anyone.
        self.execute(
            "DELETE FROM sessions WHERE expires_at <= $1",
            vec![session.created.into()],
            "session",
        )
        .await
        .map(drop)
    }

    async fn end_session(&mut self, token_hash: &str) -> Result<()> {
        self.execute(
            "DELETE FROM sessions WHERE token_hash = $1",
            vec![token_hash.into()],
            "session",
        )
        .await
        .map(drop)
    }

    async fn touch_session(&mut self, token_hash: &str, at: DateTime<Utc>) -> Result<()> {
        self.execute(
            "UPDATE sessions SET seen_at = $1 WHERE token_hash = $2",
            vec![at.into(), token_hash.into()],
            "session",
        )
        .await
        .map(drop)
    }

    async fn end_sessions_of(&mut self, user: UserId, keep: Option<&str>) -> Result<()> {
        self.execute(
            "DELETE FROM sessions WHERE user_id = $1 AND token_hash IS DISTINCT FROM $2",
            vec![user.get().into(), keep.into()],
            "session",
        )
        .await
        .map(drop)
    }

    async fn failed_attempts(
        &mut self,
        email: &Email,
        address: &str,
        since: DateTime<Utc>,
    ) -> Result<FailedAttempts> {
        let row = self
            .fetch_one(
                "SELECT
                     COUNT(*) FILTER (WHERE address = $2) AS from_address,
                     MIN(at) FILTER (WHERE address = $2) AS first_from_address,
                     COUNT(*) FILTER (WHERE email = $1 AND address = $2)
                         AS on_account_from_address,
                     MIN(at) FILTER (WHERE email = $1 AND address = $2)
                         AS first_on_account_from_address,
                     COUNT(*) FILTER (WHERE email = $1) AS on_account,
                     MAX(at) FILTER (WHERE email = $1) AS last_on_account
                 FROM login_failures
                 WHERE (email = $1 OR address = $2) AND at >= $3",
                vec![email.as_str().into(), address.into(), since.into()],
                "login failure",
            )
            .await?;
        decode::failed_attempts(&row)
    }

    async fn record_login_failure(
        &mut self,
        email: &Email,
        address: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        self.execute(
            "INSERT INTO login_failures (email, address, at) VALUES ($1, $2, $3)",
            vec![email.as_str().into(), address.into(), at.into()],
            "login failure",
        )
        .await?;
        self.execute(
            "DELETE FROM login_failures WHERE at < $1",
            vec![(at - Duration::days(1)).into()],
            "login failure",
        )
        .await
        .map(drop)
    }

    async fn clear_login_failures(&mut self, email: &Email, address: &str) -> Result<()> {
        self.execute(
            "DELETE FROM login_failures WHERE email = $1 AND address = $2",
            vec![email.as_str().into(), address.into()],
            "login failure",
        )
        .await
        .map(drop)
    }

    async fn record_audit(&mut self, entry: &AuditEntry) -> Result<()> {
        let dialect = D::DIALECT;
        let sql = format!(
            "INSERT INTO audit_log (at, by_whom, action, record_kind, record_id, before_json, after_json)
             VALUES ($1, $2, $3, $4, $5, {}, {})",
            dialect.json("$6"),
            dialect.json("$7")
        );
        self.execute(
            sql,
            vec![
                entry.at.into(),
                entry.by.as_str().into(),
                entry.action.as_str().into(),
                entry.record.as_str().into(),
                entry.record_id.into(),
                entry.before.as_deref().into(),
                entry.after.as_deref().into(),
            ],
            "audit log",
        )
        .await
        .map(drop)
    }
}
