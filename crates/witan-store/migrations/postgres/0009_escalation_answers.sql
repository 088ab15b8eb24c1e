-- An escalation arrives as a proposal that a clerk of the receiving committee accepts onto a
-- meeting of their choosing or declines with a reason; sending no longer puts anything on another
-- committee's agenda. The states become pending, accepted, declined and considered, and a declined
-- escalation keeps its reason. Escalations that were sent are pending, and those a meeting already
-- had on its agenda are accepted.
ALTER TABLE escalations
    ADD COLUMN decline_reason text,
    DROP CONSTRAINT escalations_state_check,
    DROP CONSTRAINT escalations_check;

UPDATE escalations
SET state = CASE state WHEN 'sent' THEN 'pending' ELSE 'accepted' END
WHERE state IN ('sent', 'scheduled');

ALTER TABLE escalations
    ADD CONSTRAINT escalations_state_check
        CHECK (state IN ('pending', 'accepted', 'declined', 'considered')),
    ADD CONSTRAINT escalations_target_item_when_on_an_agenda
        CHECK ((state IN ('accepted', 'considered')) = (target_item_id IS NOT NULL)),
    ADD CONSTRAINT escalations_decline_reason_when_declined
        CHECK ((state = 'declined') = (decline_reason IS NOT NULL));
