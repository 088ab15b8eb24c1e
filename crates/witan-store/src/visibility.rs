//! What the public may see: the one definition, as SQL conditions every channel uses.
//!
//! Pages, search (the `public` flag of every indexed record), suggestions, feeds, the JSON API,
//! OParl, exports and downloads all decide through these functions, on both backends; nowhere
//! else in the store spells out a rule of its own. Each function takes the alias of the record's
//! own table in the surrounding query and returns a self-contained boolean condition: it reads
//! only that row's columns and subqueries of its own, so it means the same whatever else the
//! query joins. The conditions are plain SQL that SQLite and PostgreSQL read alike.
//!
//! The rule, in words:
//! - a meeting's **agenda** is public once it is published (`MeetingStatus::agenda_is_public`);
//! - an **item**'s content is public when the item is not exempt and its agenda is public (an
//!   exempt item on a public agenda shows only its number and legal ground);
//! - an **issue** is public when at least one of its items' content is public: its title and
//!   summary are content, so an issue whose every item is exempt or unpublished is not there;
//! - a **document** is public when it is not exempt and the item it belongs to is public, or,
//!   attached to an issue alone, when that issue is public;
//! - a **decision** is public when it was taken outside a meeting (an officer's decision) or its
//!   item is public;
//! - an **action** is public when its meeting's agenda is public and the item it came from, if
//!   any, is not exempt;
//! - an **escalation** is public when the item it was sent from is public.
//!
//! Inner aliases all start with `v_` so that nesting never captures an outer alias.

/// The condition on a meeting's status under which its agenda is public.
const AGENDA_PUBLIC: &str = agenda_public!();

/// The meeting aliased `m` has a public agenda.
pub(crate) fn agenda(m: &str) -> String {
    format!("{m}.status {AGENDA_PUBLIC}")
}

/// The content of the agenda item aliased `i` is public.
pub(crate) fn item(i: &str) -> String {
    format!(
        "({i}.exempt_ground IS NULL AND EXISTS (SELECT 1 FROM meetings v_im \
         WHERE v_im.id = {i}.meeting_id AND {}))",
        agenda("v_im")
    )
}

/// The issue aliased `x` is public.
pub(crate) fn issue(x: &str) -> String {
    issue_id(&format!("{x}.id"))
}

/// The issue whose id is the expression `id` is public.
fn issue_id(id: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM agenda_items v_si JOIN meetings v_sm ON v_sm.id = v_si.meeting_id \
         WHERE v_si.issue_id = {id} AND v_si.exempt_ground IS NULL AND {})",
        agenda("v_sm")
    )
}

/// The document aliased `d` is public.
pub(crate) fn document(d: &str) -> String {
    format!(
        "({d}.exempt_ground IS NULL AND CASE WHEN {d}.item_id IS NOT NULL \
         THEN EXISTS (SELECT 1 FROM agenda_items v_di WHERE v_di.id = {d}.item_id AND {item}) \
         ELSE {issue} END)",
        item = item("v_di"),
        issue = issue_id(&format!("{d}.issue_id")),
    )
}

/// The decision aliased `d` is public.
pub(crate) fn decision(d: &str) -> String {
    format!(
        "({d}.item_id IS NULL OR EXISTS (SELECT 1 FROM agenda_items v_ci \
         WHERE v_ci.id = {d}.item_id AND {}))",
        item("v_ci")
    )
}

/// The action aliased `a` is public.
pub(crate) fn action(a: &str) -> String {
    format!(
        "(EXISTS (SELECT 1 FROM meetings v_am WHERE v_am.id = {a}.meeting_id AND {}) \
         AND ({a}.item_id IS NULL OR EXISTS (SELECT 1 FROM agenda_items v_ai \
         WHERE v_ai.id = {a}.item_id AND v_ai.exempt_ground IS NULL)))",
        agenda("v_am")
    )
}

/// The escalation aliased `e` is public.
pub(crate) fn escalation(e: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM agenda_items v_ei WHERE v_ei.id = {e}.from_item_id AND {})",
        item("v_ei")
    )
}

/// ` AND condition` for the public, nothing for a privileged reader: how a read that serves both
/// adds the rule to its WHERE clause.
pub(crate) fn for_audience(audience: witan_domain::Audience, condition: String) -> String {
    if audience.sees_exempt() {
        String::new()
    } else {
        format!(" AND {condition}")
    }
}
