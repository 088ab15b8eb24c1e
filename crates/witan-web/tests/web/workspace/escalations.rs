//! Escalations accepted and declined through the receiving committee's page.

use super::*;

#[tokio::test]
async fn escalations_are_accepted_and_declined_through_the_receiving_committees_page() {
    let site = site().await;
    let ((sender, sender_org), (receiver, receiver_org)) = two_committees(&site).await;
    let receiver_slug = site
        .store
        .committee(receiver)
        .await
        .expect("c")
        .slug
        .to_string();
    add_user(
        &site,
        "sender.clerk@example.gov.uk",
        Role::Clerk,
        Some(sender_org),
    )
    .await;
    add_user(
        &site,
        "receiver.clerk@example.gov.uk",
        Role::Clerk,
        Some(receiver_org),
    )
    .await;
    let (sender_cookie, sender_csrf) = sign_in(&site, "sender.clerk@example.gov.uk").await;
    let (cookie, csrf) = sign_in(&site, "receiver.clerk@example.gov.uk").await;
    let (_, item) = held_meeting(&site, sender).await;
    let published = meeting_of(&site, receiver, "2031-01-09T10:00:00Z", true).await;
    let open = meeting_of(&site, receiver, "2031-02-06T10:00:00Z", false).await;
    let before = (
        agenda_of(&site, published).await,
        agenda_of(&site, open).await,
    );

    let sent = escalate(
        &site,
        (&sender_cookie, &sender_csrf),
        item,
        receiver,
        "Winter bed base: needs the board's decision",
    )
    .await;
    assert_eq!(
        (
            agenda_of(&site, published).await,
            agenda_of(&site, open).await
        ),
        before,
        "sending wrote onto the receiving committee's agenda"
    );

    // The receiving clerk sees it with both forms; the sending clerk sees neither form.
    let page = get_as(
        &site,
        &format!("/workspace/committees/{receiver_slug}"),
        &cookie,
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Winter bed base: needs the board"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(&format!("/workspace/escalations/{sent}/accept"))
    );
    assert!(
        page.body
            .contains(&format!("/workspace/escalations/{sent}/decline"))
    );
    assert!(page.body.contains(&format!("<option value=\"{open}\">")));
    assert!(
        !page
            .body
            .contains(&format!("<option value=\"{published}\">"))
    );
    let theirs = get_as(
        &site,
        &format!("/workspace/committees/{receiver_slug}"),
        &sender_cookie,
    )
    .await;
    assert!(
        !theirs
            .body
            .contains(&format!("/workspace/escalations/{sent}/accept"))
    );

    // A clerk of another organisation may not accept it, nor decline it.
    let accept = format!("/workspace/escalations/{sent}/accept");
    let decline = format!("/workspace/escalations/{sent}/decline");
    let open_id = open.to_string();
    let denied = post_as(
        &site,
        &accept,
        &sender_cookie,
        &[("csrf", &sender_csrf), ("meeting", &open_id)],
    )
    .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    let denied = post_as(
        &site,
        &decline,
        &sender_cookie,
        &[("csrf", &sender_csrf), ("reason", "Not yours")],
    )
    .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    let state = |site: &Site| {
        let store = site.store.clone();
        async move { store.escalation(sent).await.expect("escalation").escalation }
    };
    assert_eq!(
        state(&site).await.state,
        witan_domain::EscalationState::Pending
    );

    // No meeting chosen, or a published agenda: the form comes back with the reason.
    let again = post_as(&site, &accept, &cookie, &[("csrf", &csrf), ("meeting", "")]).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert!(
        again
            .body
            .contains("Choose the meeting to put the escalation on")
    );
    let again = post_as(
        &site,
        &accept,
        &cookie,
        &[("csrf", &csrf), ("meeting", &published.to_string())],
    )
    .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert!(again.body.contains("not yet published"), "{}", again.body);
    assert_eq!(agenda_of(&site, published).await, before.0);

    // Accepted onto the open meeting: the clerk lands on it, the item at the end of its agenda.
    let accepted = post_as(
        &site,
        &accept,
        &cookie,
        &[("csrf", &csrf), ("meeting", &open_id)],
    )
    .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    let record = state(&site).await;
    assert_eq!(record.state, witan_domain::EscalationState::Accepted);
    let proposed = record.target_item.expect("a proposed item");
    assert_eq!(
        accepted.location(),
        format!("/workspace/meetings/{open}?done=escalation_accepted#item-{proposed}")
    );
    let after = agenda_of(&site, open).await;
    assert_eq!(after.len(), before.1.len() + 1);
    assert!(after.last().expect("item").1.starts_with("Escalated from "));
    let landed = get_as(&site, accepted.location(), &cookie).await;
    assert!(landed.body.contains("The escalation has been accepted."));
    // Answered once: a second answer is refused on the page.
    let twice = post_as(
        &site,
        &decline,
        &cookie,
        &[("csrf", &csrf), ("reason", "No")],
    )
    .await;
    assert_eq!(twice.status, StatusCode::BAD_REQUEST);
    assert!(
        twice.body.contains("already been answered"),
        "{}",
        twice.body
    );

    // Another one is declined, with a reason the sending side then sees.
    let second = escalate(
        &site,
        (&sender_cookie, &sender_csrf),
        item,
        receiver,
        "Market town parking charges",
    )
    .await;
    let decline = format!("/workspace/escalations/{second}/decline");
    let again = post_as(
        &site,
        &decline,
        &cookie,
        &[("csrf", &csrf), ("reason", " ")],
    )
    .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert!(again.body.contains("Say why the escalation is declined"));
    let declined = post_as(
        &site,
        &decline,
        &cookie,
        &[
            ("csrf", &csrf),
            ("reason", "A matter for the district council"),
        ],
    )
    .await;
    assert_eq!(declined.status, StatusCode::SEE_OTHER, "{}", declined.body);
    assert_eq!(
        declined.location(),
        format!("/workspace/committees/{receiver_slug}?done=declined#escalations")
    );
    let record = site.store.escalation(second).await.expect("escalation");
    assert_eq!(
        record.escalation.state,
        witan_domain::EscalationState::Declined
    );
    assert_eq!(
        record
            .escalation
            .decline_reason
            .as_ref()
            .map(|r| r.as_str()),
        Some("A matter for the district council")
    );
    assert_eq!(agenda_of(&site, open).await, after);
    let page = get_as(&site, declined.location(), &cookie).await;
    assert!(page.body.contains("The escalation has been declined."));
    assert!(
        !page
            .body
            .contains(&format!("/workspace/escalations/{second}/accept"))
    );
    let sending_side = get_as(
        &site,
        &format!("/workspace/meetings/{}", record.from_meeting),
        &sender_cookie,
    )
    .await;
    assert!(
        sending_side
            .body
            .contains("declined: A matter for the district council"),
        "{}",
        sending_side.body
    );
}

/// Once, a 526-character reason became the title of an item on another body's published agenda,
/// and that meeting's page, its API and OParl objects answered 500. A long reason, from an item
/// whose title and committee name are as long as a title may be, now leaves every page whole.
#[tokio::test]
async fn a_long_escalation_reason_does_not_break_the_meeting_page() {
    let site = site().await;
    let ((sender, sender_org), (receiver, receiver_org)) = two_committees(&site).await;
    add_user(
        &site,
        "sender.clerk@example.gov.uk",
        Role::Clerk,
        Some(sender_org),
    )
    .await;
    add_user(
        &site,
        "receiver.clerk@example.gov.uk",
        Role::Clerk,
        Some(receiver_org),
    )
    .await;
    let (sender_cookie, sender_csrf) = sign_in(&site, "sender.clerk@example.gov.uk").await;
    let (cookie, csrf) = sign_in(&site, "receiver.clerk@example.gov.uk").await;
    let (from_meeting, item) = held_meeting(&site, sender).await;
    // The sending committee's name and the item's title are as long as titles may be.
    let mut w = site.store.begin().await.expect("begin");
    let mut committee = site
        .store
        .committee(sender)
        .await
        .expect("committee")
        .record;
    committee.name = Title::parse("name", &"Health Scrutiny ".repeat(31)).expect("name");
    w.replace(
        sender.get(),
        witan_store::Replacement::Committee(&committee),
    )
    .await
    .expect("long name");
    let mut long_item = site.store.item(item).await.expect("item").record;
    long_item.title = Title::parse("title", &"Winter pressures ".repeat(29)).expect("title");
    w.replace(item.get(), witan_store::Replacement::Item(&long_item))
        .await
        .expect("long title");
    w.commit().await.expect("commit");
    let target = meeting_of(&site, receiver, "2031-02-06T10:00:00Z", false).await;

    let reason = format!(
        "{} The board must decide.",
        "Bed base pressure is acute. ".repeat(18)
    );
    assert!(reason.chars().count() >= 526);
    let sent = escalate(
        &site,
        (&sender_cookie, &sender_csrf),
        item,
        receiver,
        &reason,
    )
    .await;
    let accepted = post_as(
        &site,
        &format!("/workspace/escalations/{sent}/accept"),
        &cookie,
        &[("csrf", &csrf), ("meeting", &target.to_string())],
    )
    .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    let publish = post_as(
        &site,
        &format!("/workspace/meetings/{target}/status"),
        &cookie,
        &[("csrf", &csrf), ("to", "agenda_published")],
    )
    .await;
    assert_eq!(publish.status, StatusCode::SEE_OTHER, "{}", publish.body);
    assert_eq!(
        site.store.meeting(target).await.expect("meeting").status,
        MeetingStatus::AgendaPublished
    );

    let proposed = site
        .store
        .escalation(sent)
        .await
        .expect("escalation")
        .escalation
        .target_item
        .expect("proposed item");
    let title = site.store.item(proposed).await.expect("item").record.title;
    assert_eq!(title.as_str().chars().count(), Title::MAX_CHARS);
    for path in [
        format!("/meetings/{target}"),
        format!("/meetings/{}", from_meeting),
        format!("/api/v1/meetings/{target}"),
        format!("/api/v1/escalations/{sent}"),
        format!("/oparl/v1.1/meeting/{target}"),
        format!("/oparl/v1.1/agendaitem/{proposed}"),
        format!("/oparl/v1.1/agendaitem/{item}"),
        format!("/workspace/meetings/{target}"),
    ] {
        let answer = get_as(&site, &path, &cookie).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.body);
    }
    let page = get_as(&site, &format!("/meetings/{target}"), "").await;
    assert!(
        page.body.contains("Escalated from Health Scrutiny"),
        "{}",
        page.body
    );
}
