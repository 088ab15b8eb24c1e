//! The behaviour suite, one test per story per backend: `sqlite::<story>` always, and
//! `postgres::<story>` in a schema of its own when `WITAN_TEST_DATABASE_URL` is set (skipped with
//! a note on stderr when it is not). A new story is its function in `witan_store::suite` and one
//! line in the list below.

macro_rules! stories {
    ($($story:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $story() {
                    let (_dir, store) = witan_store::suite::kit::sqlite().await;
                    witan_store::suite::$story(&store).await;
                }
            )*
        }

        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $story() {
                    let Some(url) = crate::pg::url(concat!("postgres::", stringify!($story)))
                    else {
                        return;
                    };
                    crate::pg::with_store(&url, stringify!($story), |store| async move {
                        witan_store::suite::$story(&store).await;
                    })
                    .await;
                }
            )*
        }
    };
}

stories! {
    records_round_trip,
    invalid_references_name_the_record_and_leave_nothing,
    meeting_lifecycle_rules,
    signed_off_minutes_are_locked_and_corrected_by_new_versions,
    issue_history_is_newest_first_across_committees,
    open_actions_carry_forward_until_closed,
    escalation_round_trip,
    an_escalation_never_writes_onto_another_agenda,
    escalations_are_accepted_onto_an_open_agenda_of_their_committee_only,
    escalations_are_declined_with_a_reason,
    an_accepted_escalation_shows_only_as_far_as_its_source_is_public,
    exempt_content_is_withheld_from_the_public,
    decision_call_in_rules,
    registers_filter_page_and_withhold,
    forward_plan_lists_what_is_coming,
    search_reads_follow_every_change,
    imports_remember_sources_and_replace_in_place,
    accounts_sessions_and_the_audit_log,
    sign_in_attempts_are_counted_one_after_another,
    documents_by_audience_and_the_exempt_register,
    attendance_is_set_as_a_whole,
    open_data_lists_public_records_with_their_times,
    meeting_sheets_read_together_are_each_meeting_alone,
    a_ping_answers_and_units_of_work_queue,
    following_keeps_changes_once_and_sends_each_message_once,
}
