-- Item pages load the actions raised on their items; without this they scanned every action.
CREATE INDEX actions_by_item ON actions (item_id) WHERE item_id IS NOT NULL;
