//! Open data lists: which records of a kind the public may see, with their creation and
//! modification times, in id order. One query per page whatever the kind, the same SQL on both
//! backends but for two spellings; the caller reads the records it lists with the ordinary reads.

use crate::visibility;
use crate::{PublishedKind, Scope, Selection};

use crate::sql::Dialect;

/// How one kind is listed: the rows (`x` is the record), when the public may see one, its
/// modification time (covering what open data embeds in it) and its committees.
struct KindSql {
    from: &'static str,
    public: String,
    modified: &'static str,
    /// A condition that the record belongs to a committee in the set `{set}`.
    in_committees: &'static str,
}

fn kind_sql(kind: PublishedKind) -> KindSql {
    use PublishedKind as K;
    let always = || "1 = 1".to_owned();
    match kind {
        K::Organisation => KindSql {
            from: "organisations x",
            public: always(),
            modified: "x.updated_at",
            in_committees: "x.id IN (SELECT organisation_id FROM committee_owners \
                            WHERE committee_id IN {set})",
        },
        K::Committee => KindSql {
            from: "committees x",
            public: always(),
            modified: "x.updated_at",
            in_committees: "x.id IN {set}",
        },
        K::Person => KindSql {
            from: "people x",
            public: always(),
            modified: "x.updated_at",
            in_committees: "EXISTS (SELECT 1 FROM memberships ms WHERE ms.person_id = x.id \
                            AND ms.committee_id IN {set})",
        },
        K::Meeting => KindSql {
            from: "meetings x",
            public: always(),
            modified: "GREATEST(x.updated_at, COALESCE((SELECT MAX(i.updated_at) FROM agenda_items i \
                       WHERE i.meeting_id = x.id), x.updated_at))",
            in_committees: "x.committee_id IN {set}",
        },
        K::Item => KindSql {
            from: "agenda_items x JOIN meetings m ON m.id = x.meeting_id",
            // Exempt items are listed too, withheld: only their number and legal ground.
            public: visibility::agenda("m"),
            modified: "x.updated_at",
            in_committees: "m.committee_id IN {set}",
        },
        K::Issue => KindSql {
            from: "issues x",
            public: visibility::issue("x"),
            modified: "GREATEST(x.updated_at, COALESCE((SELECT MAX(i.updated_at) FROM agenda_items i \
                       WHERE i.issue_id = x.id), x.updated_at))",
            in_committees: "EXISTS (SELECT 1 FROM agenda_items i JOIN meetings m \
                            ON m.id = i.meeting_id WHERE i.issue_id = x.id \
                            AND m.committee_id IN {set})",
        },
        K::Document => KindSql {
            from: "documents x",
            public: visibility::document("x"),
            modified: "x.updated_at",
            in_committees: "EXISTS (SELECT 1 FROM agenda_items i JOIN meetings m \
                            ON m.id = i.meeting_id WHERE (i.id = x.item_id OR \
                            (x.item_id IS NULL AND i.issue_id = x.issue_id)) \
                            AND m.committee_id IN {set})",
        },
        K::Decision => KindSql {
            from: "decisions x",
            public: visibility::decision("x"),
            modified: "x.updated_at",
            in_committees: "x.maker_committee_id IN {set}",
        },
        K::Action => KindSql {
            from: "actions x JOIN meetings m ON m.id = x.meeting_id",
            public: visibility::action("x"),
            modified: "x.updated_at",
            in_committees: "m.committee_id IN {set}",
        },
        K::Escalation => KindSql {
            from: "escalations x JOIN agenda_items fi ON fi.id = x.from_item_id \
                   JOIN meetings m ON m.id = fi.meeting_id",
            public: visibility::escalation("x"),
            modified: "x.updated_at",
            in_committees: "(m.committee_id IN {set} OR x.to_committee_id IN {set})",
        },
        K::ForwardPlan => KindSql {
            from: "forward_plan x",
            public: always(),
            modified: "x.updated_at",
            in_committees: "x.decision_maker_id IN {set}",
        },
    }
}

/// The query listing published records: binds `$1` (the scope's id, or NULL), `$2`…`$5` (the
/// window: created since and until, modified since and until); selects `id`, `created` and
/// `modified`. `None` when the selection is empty.
pub(crate) fn query(
    dialect: Dialect,
    kind: PublishedKind,
    scope: Scope,
    selection: Selection<'_>,
) -> Option<(String, Option<i64>)> {
    let sql = kind_sql(kind);
    let (scope_sql, scope_id) = match scope {
        Scope::All => ("1 = 1".to_owned(), None),
        // A body's own record is itself, not the bodies that share its committees.
        Scope::Organisation(id) if kind == PublishedKind::Organisation => {
            ("x.id = $1".to_owned(), Some(id.get()))
        }
        Scope::Organisation(id) => (
            sql.in_committees.replace(
                "{set}",
                "(SELECT committee_id FROM committee_owners WHERE organisation_id = $1)",
            ),
            Some(id.get()),
        ),
        Scope::Committee(id) => (sql.in_committees.replace("{set}", "($1)"), Some(id.get())),
    };
    let (selected, limit) = match selection {
        Selection::After { id, limit } => (format!("x.id > {id}"), limit),
        Selection::Ids([]) => return None,
        Selection::Ids(ids) => (
            // Integers only: they can stand in the SQL text.
            format!(
                "x.id IN ({})",
                ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
            ),
            u32::try_from(ids.len()).unwrap_or(u32::MAX),
        ),
    };
    let query = format!(
        "SELECT id, created, modified FROM (
             SELECT x.id AS id, x.created_at AS created, {modified} AS modified
             FROM {from} WHERE {selected} AND ({public}) AND ({scope_sql})
         ) AS published
         WHERE ($2 IS NULL OR created >= $2) AND ($3 IS NULL OR created <= $3)
           AND ($4 IS NULL OR modified >= $4) AND ($5 IS NULL OR modified <= $5)
         ORDER BY id LIMIT {limit}",
        modified = sql.modified,
        from = sql.from,
        public = sql.public,
    );
    Some((
        query.replace("GREATEST(", &format!("{}(", dialect.greatest())),
        scope_id,
    ))
}
