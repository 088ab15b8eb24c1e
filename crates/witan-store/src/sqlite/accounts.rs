//! Accounts, sessions, failed sign-ins and the audit log on SQLite.

use super::decode::{self, instant_text};
use super::{SqliteStore, SqliteWriter, db_error};
use crate::accounts::{AccountWriter, Accounts, AuditRecord, FailedAttempts, Session};
use crate::{Account, Page, Result, StoreError, Stored};
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use sqlx::Row;
use witan_domain::{AuditEntry, Email, Id, Term, User, UserId};

const USER_COLUMNS: &str = "u.id, u.email, u.name, u.role, u.organisation_id";

#[async_trait]
impl Accounts for SqliteStore {
    async fn account(&self, email: &Email) -> Result<Account> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.email = ?"
        )))
        .bind(email.as_str())
        .fetch_optional(self.pool())
        .await
        .map_err(db_error("user"))?
        .ok_or_else(|| StoreError::not_found("user", email))?;
        Ok(Account {
            user: decode::user(&row)?,
            password_hash: decode::string(&row, "password_hash")?,
        })
    }

    async fn user(&self, id: UserId) -> Result<Stored<User>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.id = ?"
        )))
        .bind(id.get())
        .fetch_optional(self.pool())
        .await
        .map_err(db_error("user"))?
        .ok_or_else(|| StoreError::not_found("user", id))?;
        decode::user(&row)
    }

    async fn users(&self) -> Result<Vec<Stored<User>>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users u ORDER BY u.email"
        )))
        .fetch_all(self.pool())
        .await
        .map_err(db_error("user"))?;
        rows.iter().map(decode::user).collect()
    }

    async fn session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(Session, Stored<User>)>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS}, s.token_hash, s.csrf_token, s.created_at, s.expires_at, s.seen_at
             FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = ? AND s.expires_at > ?"
        )))
        .bind(token_hash)
        .bind(instant_text(now))
        .fetch_optional(self.pool())
        .await
        .map_err(db_error("session"))?;
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
        let rows = sqlx::query(
            "SELECT * FROM audit_log
             WHERE (?1 IS NULL OR (record_kind = ?1 AND record_id = ?2))
             ORDER BY id DESC LIMIT ?3 OFFSET ?4",
        )
        .bind(record.map(|(kind, _)| kind))
        .bind(record.map(|(_, id)| id))
        .bind(page.limit)
        .bind(page.offset)
        .fetch_all(self.pool())
        .await
        .map_err(db_error("audit log"))?;
        rows.iter()
            .map(|row| {
                Ok(AuditRecord {
                    id: row.try_get("id").map_err(db_error("audit log"))?,
                    entry: AuditEntry {
                        at: decode::instant(row, "at")?,
                        by: decode::string(row, "by_whom")?,
                        action: decode::string(row, "action")?,
                        record: decode::string(row, "record_kind")?,
                        record_id: row.try_get("record_id").map_err(db_error("audit log"))?,
                        before: row.try_get("before_json").map_err(db_error("audit log"))?,
                        after: row.try_get("after_json").map_err(db_error("audit log"))?,
                    },
                })
            })
            .collect()
    }
}

#[async_trait]
impl AccountWriter for SqliteWriter {
    async fn create_user(&mut self, user: &User, password_hash: &str) -> Result<UserId> {
        self.flush().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (email, name, role, organisation_id, password_hash)
             VALUES (?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(user.email.as_str())
        .bind(user.name.as_str())
        .bind(user.role.as_str())
        .bind(user.organisation.map(Id::get))
        .bind(password_hash)
        .fetch_one(&mut *self.tx)
        .await
        .map_err(db_error("user"))?;
        Ok(Id::new(id))
    }

    async fn set_password(&mut self, user: UserId, password_hash: &str) -> Result<()> {
        let done = sqlx::query(
            "UPDATE users SET password_hash = ?,
                 updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
        )
        .bind(password_hash)
        .bind(user.get())
        .execute(&mut *self.tx)
        .await
        .map_err(db_error("user"))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found("user", user));
        }
        Ok(())
    }

    async fn update_user(&mut self, id: UserId, user: &User) -> Result<()> {
        let done = sqlx::query(
            "UPDATE users SET name = ?, role = ?, organisation_id = ?,
                 updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
        )
        .bind(user.name.as_str())
        .bind(user.role.as_str())
        .bind(user.organisation.map(Id::get))
        .bind(id.get())
        .execute(&mut *self.tx)
        .await
        .map_err(db_error("user"))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found("user", id));
        }
        Ok(())
    }

    async fn delete_user(&mut self, id: UserId) -> Result<()> {
        let done = sqlx::query("DELETE FROM users WHERE id = ?")
            .bind(id.get())
            .execute(&mut *self.tx)
            .await
            .map_err(db_error("user"))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found("user", id));
        }
        Ok(())
    }

    async fn create_session(&mut self, session: &Session) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, seen_at)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&session.token_hash)
        .bind(session.user.get())
        .bind(&session.csrf_token)
        .bind(instant_text(session.created))
        .bind(instant_text(session.expires))
        .bind(instant_text(session.seen))
        .execute(&mut *self.tx)
        .await
        .map_err(db_error("session"))?;
        // Expired sessions are of no use to anyone.
        sqlx::query("DELETE FROM sessions WHERE expires_at <= ?")
            .bind(instant_text(session.created))
            .execute(&mut *self.tx)
            .await
            .map_err(db_error("session"))?;
        Ok(())
    }

    async fn end_session(&mut self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
            .bind(token_hash)
            .execute(&mut *self.tx)
            .await
            .map_err(db_error("session"))?;
        Ok(())
    }

    async fn touch_session(&mut self, token_hash: &str, at: DateTime<Utc>) -> Result<()> {
        sqlx::query("UPDATE sessions SET seen_at = ? WHERE token_hash = ?")
            .bind(instant_text(at))
            .bind(token_hash)
            .execute(&mut *self.tx)
            .await
            .map_err(db_error("session"))?;
        Ok(())
    }

    async fn end_sessions_of(&mut self, user: UserId, keep: Option<&str>) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE user_id = ? AND token_hash IS NOT ?")
            .bind(user.get())
            .bind(keep)
            .execute(&mut *self.tx)
            .await
            .map_err(db_error("session"))?;
        Ok(())
    }

    async fn failed_attempts(
        &mut self,
        email: &Email,
        address: &str,
        since: DateTime<Utc>,
    ) -> Result<FailedAttempts> {
        let row = sqlx::query(
            "SELECT
                 COUNT(*) FILTER (WHERE address = ?2) AS from_address,
                 MIN(at) FILTER (WHERE address = ?2) AS first_from_address,
                 COUNT(*) FILTER (WHERE email = ?1 AND address = ?2) AS on_account_from_address,
                 MIN(at) FILTER (WHERE email = ?1 AND address = ?2)
                     AS first_on_account_from_address,
                 COUNT(*) FILTER (WHERE email = ?1) AS on_account,
                 MAX(at) FILTER (WHERE email = ?1) AS last_on_account
             FROM login_failures
             WHERE (email = ?1 OR address = ?2) AND at >= ?3",
        )
        .bind(email.as_str())
        .bind(address)
        .bind(instant_text(since))
        .fetch_one(&mut *self.tx)
        .await
        .map_err(db_error("login failure"))?;
        decode::failed_attempts(&row)
    }

    async fn record_login_failure(
        &mut self,
        email: &Email,
        address: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query("INSERT INTO login_failures (email, address, at) VALUES (?, ?, ?)")
            .bind(email.as_str())
            .bind(address)
            .bind(instant_text(at))
            .execute(&mut *self.tx)
            .await
            .map_err(db_error("login failure"))?;
        sqlx::query("DELETE FROM login_failures WHERE at < ?")
            .bind(instant_text(at - Duration::days(1)))
            .execute(&mut *self.tx)
            .await
            .map_err(db_error("login failure"))?;
        Ok(())
    }

    async fn clear_login_failures(&mut self, email: &Email, address: &str) -> Result<()> {
        sqlx::query("DELETE FROM login_failures WHERE email = ? AND address = ?")
            .bind(email.as_str())
            .bind(address)
            .execute(&mut *self.tx)
            .await
            .map_err(db_error("login failure"))?;
        Ok(())
    }

    async fn record_audit(&mut self, entry: &AuditEntry) -> Result<()> {
        self.flush().await?;
        sqlx::query(
            "INSERT INTO audit_log (at, by_whom, action, record_kind, record_id, before_json, after_json)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(instant_text(entry.at))
        .bind(&entry.by)
        .bind(&entry.action)
        .bind(&entry.record)
        .bind(entry.record_id)
        .bind(entry.before.as_deref())
        .bind(entry.after.as_deref())
        .execute(&mut *self.tx)
        .await
        .map_err(db_error("audit log"))?;
        Ok(())
    }
}
