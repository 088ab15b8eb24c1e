//! The workspace through the router: signing in, CSRF, who may change what, forms shown again
//! with their errors, and concurrent edits.

mod access;
mod escalations;
mod files;
mod forms;
mod ownership;
mod records;

use crate::kit::{Answer, PASSWORD, Site, add_user, encode, get_as, post_as, send, sign_in, site};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use witan_domain::{
    Audience, CommitteeId, Email, ItemId, MeetingId, MeetingStatus, OrganisationId, Role, Title,
};
use witan_store::{ItemEntry, Page};

/// A committee with an organisation, and one owned by another organisation.
async fn two_committees(
    site: &Site,
) -> ((CommitteeId, OrganisationId), (CommitteeId, OrganisationId)) {
    let committees = site.store.committees().await.expect("committees");
    let first = committees
        .iter()
        .find(|c| !c.owners.is_joint())
        .expect("a single-owner committee");
    let mine = first.owners.organisations()[0];
    let other = committees
        .iter()
        .find(|c| !c.owners.is_joint() && c.owners.organisations()[0] != mine)
        .expect("another organisation's committee");
    (
        (first.id, mine),
        (other.id, other.owners.organisations()[0]),
    )
}

/// A held meeting of `committee` with an item, ready for minutes; made through the store.
async fn held_meeting(site: &Site, committee: CommitteeId) -> (MeetingId, ItemId) {
    let mut w = site.store.begin().await.expect("begin");
    let meeting = w
        .schedule_meeting(&witan_domain::Meeting {
            committee,
            times: witan_domain::MeetingTimes::new(
                "2026-11-20T10:00:00Z".parse().expect("instant"),
                None,
            )
            .expect("times"),
            location: None,
            status: MeetingStatus::Scheduled,
            agenda_published: None,
        })
        .await
        .expect("meeting");
    let item = w
        .create_item(&witan_domain::AgendaItem {
            meeting,
            position: 1,
            number: witan_domain::ItemNumber::parse("n", "1").expect("number"),
            title: Title::parse("t", "Winter pressures").expect("title"),
            issue: None,
            visibility: witan_domain::Visibility::Public,
        })
        .await
        .expect("item");
    w.set_meeting_status(meeting, MeetingStatus::AgendaPublished)
        .await
        .expect("publish");
    w.set_meeting_status(meeting, MeetingStatus::Held)
        .await
        .expect("held");
    w.commit().await.expect("commit");
    (meeting, item)
}

fn pairs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// A multipart body with the given text fields and one file.
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "witanboundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((file_name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(
    site: &Site,
    path: &str,
    cookie: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> Answer {
    let (content_type, body) = multipart(fields, file);
    let request = Request::post(path)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::COOKIE, cookie)
        .body(Body::from(body))
        .expect("request");
    send(site, request).await
}

/// The document of the meetings of the committee named `committee` whose name is `name`, as
/// the public sees it.
async fn public_document(
    site: &Site,
    committee: &str,
    name: &str,
) -> witan_store::Stored<witan_domain::Document> {
    let committee = site
        .store
        .committees()
        .await
        .expect("committees")
        .into_iter()
        .find(|c| c.name.as_str() == committee)
        .expect("the committee");
    let meetings = site
        .store
        .meetings(
            Some(committee.id),
            witan_store::When::Before("2100-01-01T00:00:00Z".parse().expect("instant")),
            Page::first(10),
        )
        .await
        .expect("meetings");
    for meeting in meetings {
        let record = site
            .store
            .meeting_record(meeting.meeting.id, Audience::Public)
            .await
            .expect("record");
        for entry in record.agenda.unwrap_or_default() {
            if let ItemEntry::Open(item) = entry
                && let Some(d) = item.documents.iter().find(|d| d.name.as_str() == name)
            {
                return d.clone();
            }
        }
    }
    panic!("no public document {name}");
}

fn header(answer: &Answer, name: header::HeaderName) -> &str {
    answer
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// A download answers nosniff and a sandboxing policy, whatever it sends.
fn assert_guarded(answer: &Answer, what: &str) {
    assert_eq!(
        header(answer, header::X_CONTENT_TYPE_OPTIONS),
        "nosniff",
        "{what}"
    );
    assert_eq!(
        header(answer, header::CONTENT_SECURITY_POLICY),
        "sandbox; default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        "{what}"
    );
}

/// Text as a browser reads it from an attribute or element that askama escaped.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// The value of attribute `name` in the tag text `tag`.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(unescape(tag[at..].split('"').next()?))
}

/// What a browser submits for the form posting to `action` when nobody touches it: its inputs'
/// values, its text areas' text and each select's selected option (or the first).
fn untouched_form(body: &str, action: &str) -> Vec<(String, String)> {
    let start = body
        .find(&format!("action=\"{action}\""))
        .unwrap_or_else(|| panic!("no form posting to {action}"));
    let form = &body[start..start + body[start..].find("</form>").expect("form end")];
    let mut fields = Vec::new();
    let mut rest = form;
    while let Some(at) = rest.find('<') {
        rest = &rest[at..];
        let end = rest.find('>').expect("tag end");
        let tag = &rest[..end];
        if tag.starts_with("<input") {
            if let Some(name) = attribute(tag, "name") {
                fields.push((name, attribute(tag, "value").unwrap_or_default()));
            }
        } else if tag.starts_with("<textarea") {
            let name = attribute(tag, "name").expect("textarea name");
            let text = &rest[end + 1..rest.find("</textarea>").expect("textarea end")];
            fields.push((name, unescape(text)));
        } else if tag.starts_with("<select") {
            let name = attribute(tag, "name").expect("select name");
            let options = &rest[..rest.find("</select>").expect("select end")];
            let chosen = options
                .split("<option")
                .skip(1)
                .find(|o| o.split('>').next().is_some_and(|t| t.contains(" selected")))
                .or_else(|| options.split("<option").nth(1))
                .expect("an option");
            fields.push((name, attribute(chosen, "value").unwrap_or_default()));
        }
        rest = &rest[end..];
    }
    fields
}

async fn post_untouched(site: &Site, page: &Answer, action: &str, cookie: &str) -> Answer {
    let fields = untouched_form(&page.body, action);
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    post_as(site, action, cookie, &fields).await
}

/// A person who sits on `theirs` and on no committee `org` owns or shares.
async fn only_theirs(
    site: &Site,
    theirs: CommitteeId,
    org: OrganisationId,
) -> witan_domain::PersonId {
    let committees = site.store.committees().await.expect("committees");
    for m in site.store.memberships(theirs).await.expect("members") {
        let record = site
            .store
            .person_record(m.membership.person, Audience::Privileged)
            .await
            .expect("person");
        let ours = record.memberships.iter().any(|(_, c)| {
            committees
                .iter()
                .any(|k| k.id == c.id && k.owners.organisations().contains(&org))
        });
        if !ours {
            return m.membership.person;
        }
    }
    panic!("every member of the other committee sits on one of ours too");
}

/// A meeting of `committee` on `start`, through the store: scheduled, or with its agenda published.
async fn meeting_of(site: &Site, committee: CommitteeId, start: &str, publish: bool) -> MeetingId {
    let mut w = site.store.begin().await.expect("begin");
    let meeting = w
        .schedule_meeting(&witan_domain::Meeting {
            committee,
            times: witan_domain::MeetingTimes::new(start.parse().expect("instant"), None)
                .expect("times"),
            location: None,
            status: MeetingStatus::Scheduled,
            agenda_published: None,
        })
        .await
        .expect("meeting");
    if publish {
        w.set_meeting_status(meeting, MeetingStatus::AgendaPublished)
            .await
            .expect("publish");
    }
    w.commit().await.expect("commit");
    meeting
}

/// The numbers and titles on a meeting's agenda.
async fn agenda_of(site: &Site, meeting: MeetingId) -> Vec<(String, String)> {
    let record = site
        .store
        .meeting_record(meeting, Audience::Privileged)
        .await
        .expect("meeting");
    record
        .agenda
        .unwrap_or_default()
        .iter()
        .filter_map(|e| match e {
            ItemEntry::Open(i) => Some((i.item.number.to_string(), i.item.title.to_string())),
            ItemEntry::Withheld { .. } => None,
        })
        .collect()
}

/// Sends an escalation through the item's form as the sending clerk; returns its id.
async fn escalate(
    site: &Site,
    (cookie, csrf): (&str, &str),
    item: ItemId,
    to: CommitteeId,
    reason: &str,
) -> witan_domain::EscalationId {
    let answer = post_as(
        site,
        &format!("/workspace/items/{item}/escalations"),
        cookie,
        &[
            ("csrf", csrf),
            ("to_committee", &to.to_string()),
            ("reason", reason),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    site.store
        .escalations(
            to,
            witan_store::Direction::Pending,
            Audience::Privileged,
            Page::first(1),
        )
        .await
        .expect("escalations")[0]
        .escalation
        .id
}
