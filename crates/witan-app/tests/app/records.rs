//! Releasing exempt items, and whose people and committees a clerk may edit.

use super::*;

#[tokio::test]
async fn releasing_an_exempt_item_makes_it_public_and_the_log_names_who() {
    let env = env().await;
    let (store, ws) = (env.store.as_ref(), &env.ws);
    let world = world(store).await;
    let now = minute_now();
    let mut w = store.begin().await.unwrap();
    let m = meeting_at(
        w.as_mut(),
        world.cabinet,
        now - Duration::days(7),
        MeetingStatus::AgendaPublished,
    )
    .await;
    item_on(w.as_mut(), m, 1, "Capital programme", Visibility::Public).await;
    let land = item_on(
        w.as_mut(),
        m,
        2,
        "SECRET-TITLE Disposal of land at Moss Lane",
        exempt(3),
    )
    .await;
    w.commit().await.unwrap();

    let public = store.meeting_record(m, Audience::Public).await.unwrap();
    assert!(
        matches!(
            &public.agenda.as_ref().unwrap()[1],
            ItemEntry::Withheld { id, label, .. } if *id == land && label == "Exempt — paragraph 3"
        ),
        "{:?}",
        public.agenda
    );
    assert!(
        !serde_json::to_string(&public)
            .unwrap()
            .contains("SECRET-TITLE")
    );

    let before = snapshot(store).await;
    assert_refused(
        store,
        &before,
        "a member releasing an exempt item",
        ws.release_item(&world.member, land, now).await,
        |e| matches!(e, Error::Denied),
    )
    .await;

    ws.release_item(&world.clerk, land, now).await.unwrap();
    assert_eq!(
        store.item(land).await.unwrap().visibility,
        Visibility::Public
    );
    let public = store.meeting_record(m, Audience::Public).await.unwrap();
    let released = open_item(&public, land);
    assert_eq!(
        released.item.title.as_str(),
        "SECRET-TITLE Disposal of land at Moss Lane"
    );
    assert_eq!(released.item.number.as_str(), "2");

    let log = store
        .audit_log(Some(("item", land.get())), Page::first(10))
        .await
        .unwrap();
    assert_eq!(log.len(), 1);
    let entry = &log[0].entry;
    assert_eq!(
        (entry.by.as_str(), entry.action.as_str(), entry.at),
        (CLERK, "release exempt item", now)
    );
    let was = json(entry.before.as_ref());
    assert_eq!(was["visibility"]["visibility"], "exempt");
    assert_eq!(was["visibility"]["ground"]["value"], 3);
    assert_eq!(
        json(entry.after.as_ref())["visibility"]["visibility"],
        "public"
    );
}

#[tokio::test]
async fn a_clerk_edits_only_people_who_sit_on_their_organisations_committees() {
    let env = env().await;
    let (store, ws) = (env.store.as_ref(), &env.ws);
    let world = world(store).await;
    let now = minute_now();
    let person = world.officer_person;
    let renamed = |name: &str| Person {
        name: title(name),
        job_title: None,
    };
    let version = || async { version_of(&store.person(person).await.unwrap().record) };

    // Nobody's member yet: no clerk's to change, an admin's.
    let before = snapshot(store).await;
    assert_refused(
        store,
        &before,
        "a clerk renaming a person of no committee",
        ws.edit_person(&world.clerk, person, &version().await, &renamed("X"), now)
            .await,
        |e| matches!(e, Error::Denied),
    )
    .await;
    ws.edit_person(
        &world.admin,
        person,
        &version().await,
        &renamed("Mike Kirby"),
        now,
    )
    .await
    .unwrap();

    // A member of the ICB's board: the ICB's clerk may, the council's may not.
    ws.add_member(
        &world.icb_clerk,
        world.icb_board,
        witan_app::records::MemberChoice::Existing(person),
        MembershipRole::Officer,
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        now,
    )
    .await
    .unwrap();
    let before = snapshot(store).await;
    for (who, actor) in [
        ("the council's clerk", &world.clerk),
        ("another council's clerk", &world.other_clerk),
        ("a member", &world.member),
    ] {
        assert_refused(
            store,
            &before,
            &format!("{who} renaming a member of the ICB's board"),
            ws.edit_person(actor, person, &version().await, &renamed("X"), now)
                .await,
            |e| matches!(e, Error::Denied),
        )
        .await;
    }
    ws.edit_person(
        &world.icb_clerk,
        person,
        &version().await,
        &renamed("Michael Kirby"),
        now,
    )
    .await
    .unwrap();
    // Once on the joint board too, the council's clerk may.
    ws.add_member(
        &world.clerk,
        world.joint,
        witan_app::records::MemberChoice::Existing(person),
        MembershipRole::Officer,
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        now,
    )
    .await
    .unwrap();
    ws.edit_person(
        &world.clerk,
        person,
        &version().await,
        &renamed("Mike Kirby"),
        now,
    )
    .await
    .unwrap();
    assert_eq!(
        store.person(person).await.unwrap().name.as_str(),
        "Mike Kirby"
    );
}

#[tokio::test]
async fn a_clerk_cannot_make_another_organisation_co_owner_or_parent_of_a_committee() {
    let env = env().await;
    let (store, ws) = (env.store.as_ref(), &env.ws);
    let world = world(store).await;
    let now = minute_now();
    let icb = store
        .committee(world.icb_board)
        .await
        .unwrap()
        .owners
        .organisations()[0];
    let committee = |slug: &str, owners, parent| Committee {
        slug: Slug::parse("slug", slug).unwrap(),
        name: title(slug),
        purpose: Text::default(),
        owners,
        parent,
    };

    let before = snapshot(store).await;
    let committees = store.committees().await.unwrap().len();
    for (what, refused) in [
        (
            "joint with the ICB",
            committee(
                "joint-board",
                CommitteeOwners::joint("owners", vec![world.council, icb]).unwrap(),
                None,
            ),
        ),
        (
            "owned by the ICB",
            committee("icb-panel", CommitteeOwners::Single(icb), None),
        ),
        (
            "reporting to the ICB's board",
            committee(
                "council-panel",
                CommitteeOwners::Single(world.council),
                Some(world.icb_board),
            ),
        ),
    ] {
        assert_refused(
            store,
            &before,
            &format!("a council clerk creating a committee {what}"),
            ws.create_committee(&world.clerk, &refused, now).await,
            |e| matches!(e, Error::Denied),
        )
        .await;
    }
    assert_eq!(store.committees().await.unwrap().len(), committees);

    // Nor may a clerk move a committee under another organisation's.
    let scrutiny = store.committee(world.scrutiny).await.unwrap();
    let change = |parent| witan_app::records::CommitteeChange {
        name: scrutiny.name.clone(),
        purpose: scrutiny.purpose.clone(),
        parent,
    };
    assert_refused(
        store,
        &before,
        "a council clerk moving scrutiny under the ICB's board",
        ws.edit_committee(
            &world.clerk,
            world.scrutiny,
            &version_of(&scrutiny.record),
            change(Some(world.icb_board)),
            now,
        )
        .await,
        |e| matches!(e, Error::Denied),
    )
    .await;

    // Their own, under their own: yes. A joint committee under the ICB's board: an admin's.
    ws.create_committee(
        &world.clerk,
        &committee(
            "council-panel",
            CommitteeOwners::Single(world.council),
            Some(world.cabinet),
        ),
        now,
    )
    .await
    .unwrap();
    let joint = ws
        .create_committee(
            &world.admin,
            &committee(
                "joint-board",
                CommitteeOwners::joint("owners", vec![world.council, icb]).unwrap(),
                Some(world.icb_board),
            ),
            now,
        )
        .await
        .unwrap();
    // A clerk of either owner may still rename that board, keeping the parent an admin chose.
    let board = store.committee(joint).await.unwrap();
    ws.edit_committee(
        &world.clerk,
        joint,
        &version_of(&board.record),
        witan_app::records::CommitteeChange {
            name: title("Joint Board"),
            purpose: Text::default(),
            parent: Some(world.icb_board),
        },
        now,
    )
    .await
    .unwrap();
}
