//! Applies one source file's batch to the store in one unit of work: keys become ids, drafts
//! become domain records (which validate), and each record is created, updated in place or left
//! alone according to what the store remembers of its source. A record that does not validate or
//! refers to something unknown is rejected with its location; a store failure rejects the whole
//! file and leaves nothing of it behind.

use crate::model::{Batch, Draft, Key, MinutesDraft, Problem, Sourced};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};
use witan_domain::*;
use witan_store::{ImportSource, Replacement, Store, StoreError, Writer};

/// What happened to the records of one file (or of a whole run).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Tally {
    /// Per kind of record: created, updated, unchanged.
    pub created: BTreeMap<&'static str, u64>,
    pub updated: BTreeMap<&'static str, u64>,
    pub unchanged: BTreeMap<&'static str, u64>,
    pub rejected: Vec<Problem>,
    /// Taken in only in part, or read and not kept: a reference left out, a file without a place.
    pub notes: Vec<Problem>,
}

impl Tally {
    pub fn add(&mut self, other: Tally) {
        for (into, from) in [
            (&mut self.created, other.created),
            (&mut self.updated, other.updated),
            (&mut self.unchanged, other.unchanged),
        ] {
            for (kind, n) in from {
                *into.entry(kind).or_default() += n;
            }
        }
        self.rejected.extend(other.rejected);
        self.notes.extend(other.notes);
    }

    pub fn total(map: &BTreeMap<&'static str, u64>) -> u64 {
        map.values().sum()
    }
}

enum Fate {
    Created,
    Updated,
    Unchanged,
}

/// A reason a single record is not taken in: the rest of its file still is.
struct Rejected(String);

impl From<ValidationError> for Rejected {
    fn from(e: ValidationError) -> Self {
        Self(e.to_string())
    }
}

/// What a record failed on: the record alone, or the unit of work (then the file is rejected).
enum Failure {
    Record(Rejected),
    File(StoreError),
}

impl From<Rejected> for Failure {
    fn from(r: Rejected) -> Self {
        Self::Record(r)
    }
}

impl From<ValidationError> for Failure {
    fn from(e: ValidationError) -> Self {
        Self::Record(e.into())
    }
}

/// Anything the store says fails the file: a buffered write may report a row written for
/// another record, and a statement that failed may have lost rows of several. Records are
/// validated before they reach the writer, so a record's own fault is rejected on its own.
impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Self::File(e)
    }
}

/// Applies batches, remembering across files of one run which slugs it has given out.
#[derive(Debug)]
pub struct Applier<'a> {
    store: &'a dyn Store,
    today: NaiveDate,
    organisations: HashMap<String, (i64, String)>,
    committees: HashMap<String, (i64, String)>,
    /// Issue references in use: unique in witan, but not across the sources of an import.
    references: HashMap<String, i64>,
}

impl<'a> Applier<'a> {
    /// `today` dates the sign-off of a correction when a re-import changes signed-off minutes.
    pub async fn new(store: &'a dyn Store, today: NaiveDate) -> Result<Self, StoreError> {
        let named =
            |slug: &Slug, id: i64, name: &Title| (slug.as_str().to_owned(), (id, name.to_string()));
        let organisations = store
            .organisations()
            .await?
            .iter()
            .map(|o| named(&o.record.slug, o.id.get(), &o.record.name))
            .collect();
        let committees = store
            .committees()
            .await?
            .iter()
            .map(|c| named(&c.record.slug, c.id.get(), &c.record.name))
            .collect();
        let references = store
            .issue_references()
            .await?
            .into_iter()
            .map(|(reference, id)| (reference, id.get()))
            .collect();
        Ok(Self {
            store,
            today,
            organisations,
            committees,
            references,
        })
    }

    /// Applies one file's batch in a unit of work of its own, committed at the end. `Err` means
    /// the file was rejected as a whole and nothing of it was written.
    pub async fn apply(&mut self, file: &str, batch: &Batch) -> Result<Tally, StoreError> {
        let mut tallies = self.apply_group(&[(file, batch)]).await?;
        Ok(tallies.pop().unwrap_or_default())
    }

    /// Applies several files' batches in one unit of work (one lookup of their sources, one
    /// commit), which is what makes a folder of small files fast. If the unit of work fails, each
    /// file is applied again alone, so that the file at fault leaves nothing behind and the others
    /// land: the result per file is its tally or the reason it was rejected.
    pub async fn apply_files(
        &mut self,
        files: &[(&str, &Batch)],
    ) -> Vec<Result<Tally, StoreError>> {
        match self.apply_group(files).await {
            Ok(tallies) => tallies.into_iter().map(Ok).collect(),
            Err(_) if files.len() > 1 => {
                let mut results = Vec::with_capacity(files.len());
                for (file, batch) in files {
                    results.push(self.apply(file, batch).await);
                }
                results
            }
            Err(e) => vec![Err(e)],
        }
    }

    async fn apply_group(&mut self, files: &[(&str, &Batch)]) -> Result<Vec<Tally>, StoreError> {
        let snapshot = (
            self.organisations.clone(),
            self.committees.clone(),
            self.references.clone(),
        );
        let mut writer = self.store.begin().await?;
        let result = match self.apply_within(files, writer.as_mut()).await {
            Ok(tallies) => writer.commit().await.map(|()| tallies),
            Err(e) => Err(e),
        };
        if result.is_err() {
            (self.organisations, self.committees, self.references) = snapshot;
        }
        result
    }

    /// Applies files' batches inside the caller's unit of work (a dry run applies every file in
    /// one and drops it). On `Err` the unit of work must be dropped.
    pub async fn apply_within(
        &mut self,
        files: &[(&str, &Batch)],
        writer: &mut dyn Writer,
    ) -> Result<Vec<Tally>, StoreError> {
        let known = self
            .known_sources(writer, files.iter().map(|(_, b)| *b))
            .await?;
        let mut ids: HashMap<&str, i64> = known
            .iter()
            .map(|(key, source)| (key.as_str(), source.record_id))
            .collect();
        let mut tallies = Vec::with_capacity(files.len());
        for (file, batch) in files {
            tallies.push(
                self.apply_batch(file, batch, writer, &known, &mut ids)
                    .await?,
            );
        }
        Ok(tallies)
    }

    async fn apply_batch<'b>(
        &mut self,
        file: &str,
        batch: &'b Batch,
        writer: &mut dyn Writer,
        known: &HashMap<String, ImportSource>,
        ids: &mut HashMap<&'b str, i64>,
    ) -> Result<Tally, StoreError> {
        let mut tally = Tally::default();
        for (at, message) in &batch.problems {
            tally.rejected.push(problem(file, at, message));
        }
        for (at, message) in &batch.notes {
            tally.notes.push(problem(file, at, message));
        }
        for sourced in &batch.records {
            let draft = &sourced.draft;
            let key = draft.key().as_str();
            if let Some(missing) = draft
                .references()
                .into_iter()
                .find(|r| !ids.contains_key(r.as_str()))
            {
                let message = format!(
                    "{} refers to {missing}, which is neither in this file nor imported before",
                    draft.kind()
                );
                tally.rejected.push(problem(file, &sourced.at, &message));
                continue;
            }
            if ids.contains_key(key) && !known.contains_key(key) {
                // Described twice in one file: the first description stands.
                *tally.unchanged.entry(draft.kind()).or_default() += 1;
                continue;
            }
            // A missing soft reference is left out and noted; which ones resolved is part of the
            // fingerprint, so a later run that can resolve them writes the record again.
            let mut resolved = String::new();
            for soft in draft.soft_references() {
                if ids.contains_key(soft.as_str()) {
                    resolved.push('+');
                } else {
                    resolved.push('-');
                    let message = format!(
                        "{} refers to {soft}, which is neither in this file nor imported before; \
                         it was imported without that link",
                        draft.kind()
                    );
                    tally.notes.push(problem(file, &sourced.at, &message));
                }
            }
            let fingerprint = format!("{}{resolved}", draft.fingerprint());
            let mut notes = Vec::new();
            let outcome = match known.get(key) {
                Some(source) if source.fingerprint == fingerprint => {
                    Ok((source.record_id, Fate::Unchanged))
                }
                Some(source) => self
                    .update(writer, ids, sourced, source.record_id, &mut notes)
                    .await
                    .map(|()| (source.record_id, Fate::Updated)),
                None => self.create(writer, ids, sourced, &mut notes).await,
            };
            for note in notes {
                tally.notes.push(problem(file, &sourced.at, &note));
            }
            match outcome {
                Ok((id, fate)) => {
                    let id = match draft {
                        Draft::Alias { target, .. } => {
                            ids.get(target.as_str()).copied().unwrap_or(id)
                        }
                        _ => id,
                    };
                    ids.insert(key, id);
                    let counter = match fate {
                        Fate::Created => &mut tally.created,
                        Fate::Updated => &mut tally.updated,
                        Fate::Unchanged => &mut tally.unchanged,
                    };
                    *counter.entry(draft.kind()).or_default() += 1;
                    if !matches!(fate, Fate::Unchanged) {
                        writer
                            .remember_import_source(&ImportSource {
                                key: key.to_owned(),
                                kind: draft.kind().to_owned(),
                                record_id: id,
                                fingerprint,
                            })
                            .await?;
                    }
                }
                Err(Failure::Record(Rejected(message))) => {
                    tally.rejected.push(problem(file, &sourced.at, &message));
                }
                Err(Failure::File(e)) => return Err(e),
            }
        }
        Ok(tally)
    }

    async fn known_sources<'b>(
        &self,
        writer: &mut dyn Writer,
        batches: impl Iterator<Item = &'b Batch>,
    ) -> Result<HashMap<String, ImportSource>, StoreError> {
        let mut keys: Vec<String> = batches
            .flat_map(|b| b.records.iter())
            .flat_map(|s| {
                std::iter::once(s.draft.key())
                    .chain(s.draft.references())
                    .chain(s.draft.soft_references())
            })
            .map(|k| k.as_str().to_owned())
            .collect();
        keys.sort_unstable();
        keys.dedup();
        Ok(writer
            .import_sources(&keys)
            .await?
            .into_iter()
            .map(|s| (s.key.clone(), s))
            .collect())
    }

    /// Keeps an issue's reference unless another issue has it (two sources may use the same
    /// reference for different papers): then the issue is written without it, and noted.
    fn free_reference(&mut self, issue: &mut Issue, own: Option<i64>, notes: &mut Vec<String>) {
        let Some(reference) = &issue.reference else {
            return;
        };
        match self.references.get(reference.as_str()) {
            Some(&holder) if Some(holder) != own => {
                notes.push(format!(
                    "the reference \"{reference}\" belongs to another issue already; this one was \
                     imported without it"
                ));
                issue.reference = None;
            }
            _ => {
                if let Some(own) = own {
                    self.references.insert(reference.to_string(), own);
                }
            }
        }
    }

    async fn create(
        &mut self,
        w: &mut dyn Writer,
        ids: &HashMap<&str, i64>,
        sourced: &Sourced,
        notes: &mut Vec<String>,
    ) -> Result<(i64, Fate), Failure> {
        let r = Refs(ids);
        let id = match &sourced.draft {
            Draft::Organisation { name, kind, .. } => {
                let name = one_line("organisation.name", name)?;
                let slug = Slug::from_name("organisation.name", name.as_str())?;
                if let Some(id) = adopt(&self.organisations, &slug, &name) {
                    return Ok((id, Fate::Unchanged));
                }
                let slug = free_slug(&self.organisations, slug);
                let record = Organisation {
                    slug: slug.clone(),
                    name: name.clone(),
                    kind: *kind,
                };
                let id = w.create_organisation(&record).await?.get();
                self.organisations
                    .insert(slug.as_str().to_owned(), (id, name.to_string()));
                id
            }
            Draft::Committee {
                name,
                purpose,
                owners,
                parent,
                ..
            } => {
                let record = committee(&r, name, purpose, owners, parent.as_ref())?;
                if let Some(id) = adopt(&self.committees, &record.slug, &record.name) {
                    return Ok((id, Fate::Unchanged));
                }
                let slug = free_slug(&self.committees, record.slug.clone());
                let record = Committee {
                    slug: slug.clone(),
                    ..record
                };
                let id = w.create_committee(&record).await?.get();
                self.committees
                    .insert(slug.as_str().to_owned(), (id, record.name.to_string()));
                id
            }
            Draft::Attendance {
                meeting,
                person,
                attendance,
                ..
            } => {
                w.record_attendance(r.id(meeting), r.id(person), *attendance)
                    .await?;
                0
            }
            Draft::Item { minutes, .. } => {
                let record = item(&r, &sourced.draft)?;
                let minutes = minutes.as_ref().map(self::minutes).transpose()?;
                let item = w.create_item(&record).await?;
                if let Some(m) = minutes.filter(|m| *m != Minutes::default()) {
                    w.create_minutes(item, 1, &m).await?;
                }
                item.get()
            }
            Draft::ActionUpdate {
                action, on, text, ..
            } => {
                if text.trim().is_empty() {
                    return Err(Rejected("an action update needs its text".into()).into());
                }
                let update = ActionUpdate {
                    on: *on,
                    text: Text::parse("action_update.text", text)?,
                    rag: None,
                };
                w.create_action_update(r.id(action), &update).await?;
                0
            }
            Draft::Alias { target, .. } => r.raw(target),
            Draft::SignOff {
                meeting, by, on, ..
            } => {
                let by = one_line("sign_off.by", by)?;
                let sign_off = SignOff::new(1, by, None, *on, None)?;
                w.create_sign_off(r.id(meeting), &sign_off).await?;
                0
            }
            other => {
                let mut plain = plain_record(&r, other)?;
                if let Plain::Issue(issue) = &mut plain {
                    self.free_reference(issue, None, &mut *notes);
                }
                match &plain {
                    Plain::Person(p) => w.create_person(p).await?.get(),
                    Plain::Membership(m) => w.create_membership(m).await?.get(),
                    Plain::Meeting(m) => w.create_meeting(m).await?.get(),
                    Plain::Issue(i) => {
                        let id = w.create_issue(i).await?.get();
                        if let Some(reference) = &i.reference {
                            self.references.insert(reference.to_string(), id);
                        }
                        id
                    }
                    Plain::Document(d) => w.create_document(d).await?.get(),
                    Plain::Decision(d) => w.create_decision(d).await?.get(),
                    Plain::Action(a) => w.create_action(a).await?.get(),
                    Plain::Escalation(e) => w.create_escalation(e).await?.get(),
                }
            }
        };
        Ok((id, Fate::Created))
    }

    async fn update(
        &mut self,
        w: &mut dyn Writer,
        ids: &HashMap<&str, i64>,
        sourced: &Sourced,
        id: i64,
        notes: &mut Vec<String>,
    ) -> Result<(), Failure> {
        let r = Refs(ids);
        match &sourced.draft {
            Draft::Organisation { name, kind, .. } => {
                let record = Organisation {
                    slug: slug_of(&self.organisations, id, "organisation")?,
                    name: one_line("organisation.name", name)?,
                    kind: *kind,
                };
                w.replace(id, Replacement::Organisation(&record)).await?;
                self.organisations.insert(
                    record.slug.as_str().to_owned(),
                    (id, record.name.to_string()),
                );
            }
            Draft::Committee {
                name,
                purpose,
                owners,
                parent,
                ..
            } => {
                let record = Committee {
                    slug: slug_of(&self.committees, id, "committee")?,
                    ..committee(&r, name, purpose, owners, parent.as_ref())?
                };
                w.replace(id, Replacement::Committee(&record)).await?;
                self.committees.insert(
                    record.slug.as_str().to_owned(),
                    (id, record.name.to_string()),
                );
            }
            // Recording attendance replaces what was recorded for that person.
            Draft::Attendance { .. } => {
                self.create(w, ids, sourced, notes).await?;
            }
            Draft::Item { minutes, .. } => {
                let record = item(&r, &sourced.draft)?;
                w.replace(id, Replacement::Item(&record)).await?;
                if let Some(m) = minutes {
                    self.revise_minutes(w, record.meeting, Id::new(id), self::minutes(m)?)
                        .await?;
                }
            }
            Draft::Alias { .. } => {}
            Draft::ActionUpdate { .. } => {
                return Err(Rejected(
                    "an action update already imported cannot change; the source's text differs"
                        .into(),
                )
                .into());
            }
            Draft::SignOff { by, .. } => {
                return Err(Rejected(format!(
                    "signed-off minutes stay signed off as first imported; the source now names \
                     {by}"
                ))
                .into());
            }
            other => {
                let mut plain = plain_record(&r, other)?;
                if let Plain::Issue(issue) = &mut plain {
                    self.free_reference(issue, Some(id), &mut *notes);
                }
                let replacement = match &plain {
                    Plain::Person(p) => Replacement::Person(p),
                    Plain::Membership(m) => Replacement::Membership(m),
                    Plain::Meeting(m) => Replacement::Meeting(m),
                    Plain::Issue(i) => Replacement::Issue(i),
                    Plain::Document(d) => Replacement::Document(d),
                    Plain::Decision(d) => Replacement::Decision(d),
                    Plain::Action(a) => Replacement::Action(a),
                    Plain::Escalation(e) => Replacement::Escalation(e),
                };
                w.replace(id, replacement).await?;
            }
        }
        Ok(())
    }

    /// Brings an item's minutes in line with a changed source: draft minutes are rewritten;
    /// signed-off minutes get a correction that says it came from the source.
    async fn revise_minutes(
        &self,
        w: &mut dyn Writer,
        meeting: MeetingId,
        item: ItemId,
        minutes: Minutes,
    ) -> Result<(), Failure> {
        let versions = self
            .store
            .minutes_versions(item, Audience::Privileged)
            .await?;
        if versions.last().map(|(_, m)| m) == Some(&minutes) {
            return Ok(());
        }
        let status = self.store.meeting(meeting).await?.record.status;
        if status == MeetingStatus::MinutesSignedOff {
            let by = one_line("sign_off.by", "witan import")?;
            let reason = Text::parse(
                "sign_off.reason",
                "The published minutes changed at their source and were imported again.",
            )?;
            w.correct_minutes(meeting, &[(item, minutes)], &by, self.today, &reason)
                .await?;
        } else if versions.is_empty() {
            w.create_minutes(item, 1, &minutes).await?;
        } else {
            w.record_minutes(item, &minutes).await?;
        }
        Ok(())
    }
}

/// A title as imported: sources break long titles over lines; a title is one line.
fn one_line(field: &'static str, raw: &str) -> Result<Title, ValidationError> {
    Title::parse(field, &crate::text::squash(raw))
}

/// Resolves keys the applier has checked are known.
struct Refs<'m, 'k>(&'m HashMap<&'k str, i64>);

impl Refs<'_, '_> {
    fn raw(&self, key: &Key) -> i64 {
        self.0.get(key.as_str()).copied().unwrap_or_default()
    }

    fn id<T>(&self, key: &Key) -> Id<T> {
        Id::new(self.raw(key))
    }

    /// An optional or soft reference: `None` when absent or not resolved.
    fn opt<T>(&self, key: Option<&Key>) -> Option<Id<T>> {
        key.and_then(|k| self.0.get(k.as_str()))
            .map(|id| Id::new(*id))
    }
}

/// A problem at a place in a file: `FILE:line 3`, `FILE#/data/1`, or the file itself.
pub(crate) fn problem(file: &str, at: &str, message: &str) -> Problem {
    Problem {
        at: if at.is_empty() {
            file.to_owned()
        } else if at.starts_with('/') {
            format!("{file}#{at}")
        } else {
            format!("{file}:{at}")
        },
        message: message.to_owned(),
    }
}

/// An existing record of the same slug and name is the same body or committee: the import
/// links to it instead of creating a twin (a clerk who set up "Cabinet" and then imports its
/// minutes gets one Cabinet).
fn adopt(taken: &HashMap<String, (i64, String)>, slug: &Slug, name: &Title) -> Option<i64> {
    taken
        .get(slug.as_str())
        .filter(|(_, existing)| existing == name.as_str())
        .map(|(id, _)| *id)
}

/// The slug the body or committee `id` has: every one is in the run's map of slugs.
fn slug_of(
    taken: &HashMap<String, (i64, String)>,
    id: i64,
    what: &'static str,
) -> Result<Slug, StoreError> {
    taken
        .iter()
        .find(|(_, (taken_id, _))| *taken_id == id)
        .and_then(|(slug, _)| Slug::parse("slug", slug).ok())
        .ok_or_else(|| StoreError::not_found(what, id))
}

/// The slug itself if free, else the first free of `slug-2`, `slug-3`, ….
fn free_slug(taken: &HashMap<String, (i64, String)>, slug: Slug) -> Slug {
    if !taken.contains_key(slug.as_str()) {
        return slug;
    }
    (2..)
        .map(|n| format!("{}-{n}", slug.as_str()))
        .find(|candidate| !taken.contains_key(candidate))
        .and_then(|s| Slug::parse("slug", &s).ok())
        .unwrap_or(slug)
}

fn committee(
    r: &Refs<'_, '_>,
    name: &str,
    purpose: &str,
    owners: &[Key],
    parent: Option<&Key>,
) -> Result<Committee, ValidationError> {
    let name = one_line("committee.name", name)?;
    let owners: Vec<OrganisationId> = owners.iter().map(|k| r.id(k)).collect();
    let owners = match owners.as_slice() {
        [] => {
            return Err(ValidationError::new(
                "committee.organisation",
                "a committee must belong to an organisation",
            ));
        }
        [one] => CommitteeOwners::Single(*one),
        _ => CommitteeOwners::joint("committee.organisation", owners)?,
    };
    Ok(Committee {
        slug: Slug::from_name("committee.name", name.as_str())?,
        name,
        purpose: Text::parse("committee.purpose", purpose)?,
        owners,
        parent: r.opt(parent),
    })
}

fn item(r: &Refs<'_, '_>, draft: &Draft) -> Result<AgendaItem, ValidationError> {
    let Draft::Item {
        meeting,
        position,
        number,
        title,
        issue,
        exempt,
        ..
    } = draft
    else {
        return Err(ValidationError::new("item", "is not an agenda item"));
    };
    let visibility = match exempt {
        None => Visibility::Public,
        Some(code) => Visibility::Exempt(Exemption {
            ground: ExemptGround::parse_code("item.exempt", code)?,
            review_on: None,
        }),
    };
    Ok(AgendaItem {
        meeting: r.id(meeting),
        position: *position,
        number: ItemNumber::parse("item.number", number)?,
        title: one_line("item.title", title)?,
        issue: r.opt(issue.as_ref()),
        visibility,
    })
}

fn minutes(m: &MinutesDraft) -> Result<Minutes, ValidationError> {
    let points = m
        .resolution_points
        .iter()
        .map(|p| Text::parse("minutes.resolution", p))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Minutes {
        text: Text::parse("minutes.text", &m.text)?,
        resolution: Resolution::new(
            points,
            Text::parse("minutes.resolution", &m.resolution_text)?,
        ),
    })
}

/// The records that are written and replaced the same way.
enum Plain {
    Person(Person),
    Membership(Membership),
    Meeting(Meeting),
    Issue(Issue),
    Document(Document),
    Decision(Decision),
    Action(Action),
    Escalation(Escalation),
}

fn opt_title(field: &'static str, raw: Option<&String>) -> Result<Option<Title>, ValidationError> {
    raw.map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(|s| one_line(field, s))
        .transpose()
}

/// The record a draft describes, checked as the writer would check it, so that a fault of the
/// record is found before anything is written.
fn plain_record(r: &Refs<'_, '_>, draft: &Draft) -> Result<Plain, ValidationError> {
    let plain = unchecked_record(r, draft)?;
    match &plain {
        Plain::Decision(d) => d.check()?,
        Plain::Action(a) => a.check()?,
        Plain::Document(d) => {
            d.check_attachment()?;
            if i64::try_from(d.size_bytes).is_err() {
                return Err(ValidationError::new("document.size_bytes", "is too large"));
            }
        }
        _ => {}
    }
    Ok(plain)
}

fn unchecked_record(r: &Refs<'_, '_>, draft: &Draft) -> Result<Plain, ValidationError> {
    Ok(match draft {
        Draft::Person {
            name, job_title, ..
        } => Plain::Person(Person {
            name: one_line("person.name", name)?,
            job_title: opt_title("person.job_title", job_title.as_ref())?,
        }),
        Draft::Membership {
            person,
            committee,
            role,
            from,
            until,
            ..
        } => Plain::Membership(Membership::new(
            r.id(person),
            r.id(committee),
            *role,
            *from,
            *until,
        )?),
        Draft::Meeting {
            committee,
            start,
            end,
            location,
            status,
            ..
        } => Plain::Meeting(Meeting {
            committee: r.id(committee),
            times: MeetingTimes::new(*start, *end)?,
            location: opt_title("meeting.location", location.as_ref())?,
            status: *status,
            agenda_published: status.agenda_is_public().then_some(*start),
        }),
        Draft::Issue {
            title,
            reference,
            summary,
            ..
        } => Plain::Issue(Issue {
            title: one_line("issue.title", title)?,
            reference: opt_title("issue.reference", reference.as_ref())?,
            summary: Text::parse("issue.summary", summary)?,
        }),
        Draft::Document {
            item,
            issue,
            name,
            claimed_media_type,
            claimed_size_bytes,
            file,
            text,
            ..
        } => Plain::Document(Document {
            item: r.opt(item.as_ref()),
            issue: r.opt(issue.as_ref()),
            name: one_line("document.name", name)?,
            // A file witan read is described by that reading; without one, the record is a
            // link with the source's label, and no digest, so no file is ever served for it.
            media_type: MediaType::parse(
                "document.media_type",
                file.as_ref()
                    .map_or(claimed_media_type.as_str(), |f| f.media_type()),
            )?,
            size_bytes: file
                .as_ref()
                .map_or(*claimed_size_bytes, |f| f.size_bytes()),
            sha256: file
                .as_ref()
                .map(|f| Sha256::parse("document.sha256", f.sha256()))
                .transpose()?,
            text: Text::parse("document.text", text)?,
            visibility: Visibility::Public,
        }),
        Draft::Decision {
            item,
            committee,
            decided_on,
            title,
            text,
            key_decision,
            ..
        } => Plain::Decision(Decision {
            item: r.opt(item.as_ref()),
            maker: DecisionMaker::Committee(r.id(committee)),
            decided_on: *decided_on,
            title: one_line("decision.title", title)?,
            text: Text::parse("decision.text", text)?,
            key_decision: *key_decision,
            call_in: CallIn::NotSubject,
            status: DecisionStatus::Made,
        }),
        Draft::Action {
            meeting,
            item,
            description,
            owner,
            due_on,
            status,
            rag,
            closed_on,
            ..
        } => Plain::Action(Action {
            meeting: r.id(meeting),
            item: r.opt(item.as_ref()),
            description: Text::parse("action.description", description)?,
            owner: r.opt(owner.as_ref()).map(ActionOwner::Person),
            due_on: *due_on,
            status: *status,
            rag: *rag,
            closed_on: *closed_on,
        }),
        Draft::Escalation {
            from_item,
            to_committee,
            reason,
            ..
        } => Plain::Escalation(Escalation {
            from_item: r.id(from_item),
            to_committee: r.id(to_committee),
            reason: Text::parse("escalation.reason", reason)?,
            state: EscalationState::Pending,
            target_item: None,
            decline_reason: None,
            considered_on: None,
        }),
        other => {
            return Err(ValidationError::new(
                "record",
                format!("a {} is not written this way", other.kind()),
            ));
        }
    })
}
