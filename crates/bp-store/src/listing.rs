//! The SQL of a history listing, built once for both backends so their filters and orders
//! cannot drift apart, and the keyset cursor that pages through it.
//!
//! A page costs the same at 10 rows and at 10 M: it starts at its cursor inside an index
//! (`(owner, created_at_us, id)` or `(owner, confidence, created_at_us, id)`; every owner's
//! rows by `(created_at_us, id)`) and reads at most a bounded number of entries from there.
//! Filters the index cannot answer (search, technique, intent, segment, region) are
//! evaluated on those entries only: a page examines at most [`SCAN_BUDGET`] rows, so a rare
//! match may leave a page short, or empty, with a `next_cursor` to go on from. A filtered
//! page stops reading as soon as it is full, so a common filter costs about what an
//! unfiltered page does. Nothing is counted per page; a total comes from the per-owner
//! counter (`history_counts`).
//!
//! Only the shape of the statement depends on the query (which filters are present, which
//! order, whether there is a cursor); values are always bound parameters, so the number of
//! distinct statements is small and each is prepared once per connection and cached.

use crate::codec;
use crate::model::{HistoryCursor, HistoryOwner, HistoryQuery};
use bp_api::{HistorySort, Technique};
use uuid::Uuid;

/// Rows one filtered page examines at most. Bounds a page's cost whatever the filters and
/// the history's size (B15: ≤ 5 ms p99 at 10 M rows); a sparse filter pages on by cursor.
pub const SCAN_BUDGET: u32 = 1000;

/// The SQL dialect differences that matter here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

/// A bound value, converted to each driver's parameter type by the backend.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Param {
    Uuid(Uuid),
    Text(String),
    Int(i64),
    Float(f64),
}

/// The columns, in order, that decode into a `HistoryItem` (a macro so `concat!` can build
/// constant statements from it).
macro_rules! item_columns {
    () => {
        "id, created_at_us, original_text, enhanced_text, intent, complexity, techniques, \
         confidence, processing_time_ms"
    };
}
pub(crate) use item_columns;

/// A page statement. Its columns are `item_columns!`, then `matched`: the matching rows in
/// the listing's order, at most `limit + 1` of them (one more than the page, to tell whether
/// the range goes on), and for a filtered page, last, the scan's bound (`matched` false,
/// only its key columns set): the row where the page's budget of examined rows ends.
#[derive(Debug)]
pub(crate) struct ListingSql {
    pub sql: String,
    /// Binds everything, the limits included.
    pub params: Vec<Param>,
    pub limit: u32,
}

struct Builder {
    dialect: Dialect,
    params: Vec<Param>,
}

impl Builder {
    /// The condition for rows with `technique` at `position` of their technique list.
    fn technique_condition(&mut self, technique: Technique, position: Position) -> String {
        match self.dialect {
            // A `,a,b,` column: the needle `,t,` anywhere, or at its start for the first.
            Dialect::Sqlite => {
                let p = self.bind(Param::Text(codec::technique_needle(technique)));
                match position {
                    Position::Any => format!("instr(techniques, {p}) > 0"),
                    Position::First => format!("instr(techniques, {p}) = 1"),
                }
            }
            Dialect::Postgres => {
                let p = self.bind(Param::Text(technique.as_str().to_owned()));
                match position {
                    Position::Any => format!("{p} = ANY(techniques)"),
                    Position::First => format!("techniques[1] = {p}"),
                }
            }
        }
    }

    /// Binds `value` and returns its placeholder (`?N` in SQLite, `$N` in PostgreSQL).
    fn bind(&mut self, value: Param) -> String {
        self.params.push(value);
        let n = self.params.len();
        match self.dialect {
            Dialect::Sqlite => format!("?{n}"),
            Dialect::Postgres => format!("${n}"),
        }
    }
}

/// Where in a row's technique list a technique filter looks.
#[derive(Clone, Copy)]
enum Position {
    Any,
    /// The primary technique, the one the metrics count the request under.
    First,
}

pub(crate) fn build(dialect: Dialect, owner: HistoryOwner, query: &HistoryQuery) -> ListingSql {
    let mut b = Builder {
        dialect,
        params: Vec::new(),
    };
    // What the index range answers: the owner, the cursor, and for the creation orders the
    // dates. Everything else is a filter on the scanned rows.
    let mut range = Vec::new();
    let mut filters = Vec::new();
    if let HistoryOwner::Key(owner) = owner {
        range.push(format!("owner = {}", b.bind(Param::Uuid(owner))));
    }
    if let Some(cursor) = &query.after {
        range.push(keyset_condition(&mut b, query.sort, cursor));
    }
    let by_created = matches!(
        query.sort,
        HistorySort::CreatedAtDesc | HistorySort::CreatedAtAsc
    );
    let dates = if by_created { &mut range } else { &mut filters };
    if let Some(from) = query.date_from {
        dates.push(format!(
            "created_at_us >= {}",
            b.bind(Param::Int(codec::micros(from)))
        ));
    }
    if let Some(to) = query.date_to {
        dates.push(format!(
            "created_at_us < {}",
            b.bind(Param::Int(codec::micros(to)))
        ));
    }

    if let Some(search) = query.search.as_deref().filter(|s| !s.is_empty()) {
        let condition = match dialect {
            // SQLite's own LIKE and lower() fold ASCII only, so the store registers a
            // Unicode-aware substring function instead (see `sqlite::connections`); it has no
            // wildcards, so nothing needs escaping.
            Dialect::Sqlite => {
                let p = b.bind(Param::Text(search.to_lowercase()));
                format!("({ICONTAINS}(original_text, {p}) OR {ICONTAINS}(enhanced_text, {p}))")
            }
            Dialect::Postgres => {
                let p = b.bind(Param::Text(format!("%{}%", escape_like(search))));
                format!(
                    "(original_text ILIKE {p} ESCAPE '\\' OR enhanced_text ILIKE {p} ESCAPE '\\')"
                )
            }
        };
        filters.push(condition);
    }
    if let Some(technique) = query.technique {
        filters.push(b.technique_condition(technique, Position::Any));
    }
    if let Some(technique) = query.primary_technique {
        filters.push(b.technique_condition(technique, Position::First));
    }
    if let Some(segment) = query.segment {
        filters.push(format!(
            "segment = {}",
            b.bind(Param::Text(segment.as_str().to_owned()))
        ));
    }
    if let Some(region) = &query.region {
        filters.push(format!("region = {}", b.bind(Param::Text(region.clone()))));
    }
    if let Some(intent) = query.intent {
        filters.push(format!(
            "intent = {}",
            b.bind(Param::Text(intent.as_str().to_owned()))
        ));
    }

    let limit = query.limit.min(SCAN_BUDGET);
    let order = order_by(query.sort);
    let range = conjunction(&range);
    let page_p = b.bind(Param::Int(i64::from(limit) + 1));
    let sql = if filters.is_empty() {
        // Every row of the range is on the page: read exactly the page (and one more).
        format!(
            "SELECT {}, TRUE AS matched FROM history WHERE {range} ORDER BY {order} \
             LIMIT {page_p}",
            item_columns!()
        )
    } else {
        // `bound` is the last of the `SCAN_BUDGET` rows from the cursor, read from the
        // index alone. The page reads from the cursor to the bound at most, as part of its
        // index range, so it stops at a full page or at the bound, whichever comes first.
        // Without a bound (fewer rows left than the budget) the range's end is a sentinel
        // that every row passes. `IS TRUE`: a filter that is NULL for a row, such as the
        // first of no techniques, is a miss.
        let offset = b.bind(Param::Int(i64::from(SCAN_BUDGET) - 1));
        let up_to_bound = bound_condition(&mut b, query.sort);
        let matched = conjunction(&filters);
        format!(
            "WITH bound AS (SELECT created_at_us, id, confidence FROM history WHERE {range} \
             ORDER BY {order} LIMIT 1 OFFSET {offset}) \
             SELECT * FROM (SELECT {}, TRUE AS matched FROM history WHERE {range} \
             AND {up_to_bound} AND {matched} IS TRUE ORDER BY {order} LIMIT {page_p}) AS page \
             UNION ALL SELECT id, created_at_us, NULL, NULL, NULL, NULL, NULL, confidence, \
             NULL, FALSE FROM bound ORDER BY matched DESC, {order}",
            item_columns!()
        )
    };
    ListingSql {
        sql,
        params: b.params,
        limit,
    }
}

/// Rows up to and including the scan's `bound` in `sort`'s order, as a row-value range on
/// the index's columns; a sentinel every row passes when there is no bound.
fn bound_condition(b: &mut Builder, sort: HistorySort) -> String {
    let descending = matches!(
        sort,
        HistorySort::CreatedAtDesc | HistorySort::ConfidenceDesc
    );
    let (op, created, id, confidence) = if descending {
        (">=", i64::MIN, Uuid::nil(), f64::MIN)
    } else {
        ("<=", i64::MAX, Uuid::max(), f64::MAX)
    };
    let created = b.bind(Param::Int(created));
    let id = b.bind(Param::Uuid(id));
    let created = format!("coalesce((SELECT created_at_us FROM bound), {created})");
    let id = format!("coalesce((SELECT id FROM bound), {id})");
    match sort {
        HistorySort::CreatedAtDesc | HistorySort::CreatedAtAsc => {
            format!("(created_at_us, id) {op} ({created}, {id})")
        }
        HistorySort::ConfidenceDesc | HistorySort::ConfidenceAsc => {
            let confidence = b.bind(Param::Float(confidence));
            format!(
                "(confidence, created_at_us, id) {op} \
                 (coalesce((SELECT confidence FROM bound), {confidence}), {created}, {id})"
            )
        }
    }
}

/// `a AND b AND …`, or TRUE for no conditions.
fn conjunction(conditions: &[String]) -> String {
    if conditions.is_empty() {
        "(1 = 1)".to_owned()
    } else {
        format!("({})", conditions.join(" AND "))
    }
}

/// Rows strictly after `cursor` in `sort`'s order: one row-value comparison on the index's
/// columns, so the index range starts at the cursor.
fn keyset_condition(b: &mut Builder, sort: HistorySort, cursor: &HistoryCursor) -> String {
    let created = b.bind(Param::Int(cursor.created_at_us));
    let id = b.bind(Param::Uuid(cursor.id));
    match sort {
        HistorySort::CreatedAtDesc => format!("(created_at_us, id) < ({created}, {id})"),
        HistorySort::CreatedAtAsc => format!("(created_at_us, id) > ({created}, {id})"),
        HistorySort::ConfidenceDesc | HistorySort::ConfidenceAsc => {
            let confidence = b.bind(Param::Float(cursor.confidence));
            let op = if sort == HistorySort::ConfidenceDesc {
                "<"
            } else {
                ">"
            };
            format!("(confidence, created_at_us, id) {op} ({confidence}, {created}, {id})")
        }
    }
}

/// The page and its next cursor from a page statement's rows: each row's key and whether
/// it matched, in the statement's order (the matches, then the bound if any).
pub(crate) fn next_cursor(
    sql: &ListingSql,
    keys: &[(HistoryCursor, bool)],
) -> Option<HistoryCursor> {
    let limit = sql.limit as usize;
    let matches: Vec<&HistoryCursor> = keys.iter().filter(|(_, m)| *m).map(|(k, _)| k).collect();
    if matches.len() > limit {
        // A row past the page matched: go on after the page's last row.
        return matches.get(limit.checked_sub(1)?).map(|k| **k);
    }
    // The budget ended before the page filled: go on after the last row examined.
    keys.iter().find(|(_, m)| !*m).map(|(k, _)| *k)
}

/// The SQLite function name of the case-insensitive substring test.
pub(crate) const ICONTAINS: &str = "bp_icontains";

/// Every order ends in unique columns so pages never overlap or skip rows. Each order is an
/// index's order or its exact reverse, so a keyset page starts inside the index; ties on
/// confidence show the newest first in the descending order and the oldest first in the
/// ascending one.
fn order_by(sort: HistorySort) -> &'static str {
    match sort {
        HistorySort::CreatedAtDesc => "created_at_us DESC, id DESC",
        HistorySort::CreatedAtAsc => "created_at_us ASC, id ASC",
        HistorySort::ConfidenceDesc => "confidence DESC, created_at_us DESC, id DESC",
        HistorySort::ConfidenceAsc => "confidence ASC, created_at_us ASC, id ASC",
    }
}

/// Makes `%`, `_` and the escape character itself literal in a `LIKE ... ESCAPE '\'` pattern.
fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use bp_api::{Intent, Segment, Technique};
    use chrono::DateTime;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(escape_like(r"100%_a\b"), r"100\%\_a\\b");
        assert_eq!(escape_like("plain"), "plain");
    }

    #[test]
    fn everyone_listing_has_no_owner_condition() {
        let sql = build(
            Dialect::Sqlite,
            HistoryOwner::Everyone,
            &HistoryQuery::default(),
        );
        assert!(
            sql.sql.contains("FROM history WHERE (1 = 1)"),
            "{}",
            sql.sql
        );
        assert_eq!(sql.params, [Param::Int(21)]);
    }

    #[test]
    fn an_unfiltered_page_reads_exactly_the_page_from_its_cursor() {
        let owner = Uuid::nil();
        let cursor = HistoryCursor {
            sort: HistorySort::CreatedAtDesc,
            created_at_us: 7,
            id: Uuid::max(),
            confidence: 0.5,
        };
        let query = HistoryQuery {
            after: Some(cursor),
            ..HistoryQuery::default()
        };
        let sql = build(Dialect::Postgres, HistoryOwner::Key(owner), &query);
        assert!(
            sql.sql
                .contains("WHERE (owner = $1 AND (created_at_us, id) < ($2, $3))"),
            "{}",
            sql.sql
        );
        assert!(!sql.sql.contains("bound"), "{}", sql.sql);
        assert_eq!(sql.limit, 20);
        assert_eq!(
            sql.params,
            [
                Param::Uuid(owner),
                Param::Int(7),
                Param::Uuid(Uuid::max()),
                Param::Int(21)
            ]
        );
    }

    #[test]
    fn every_filter_becomes_one_bound_condition_on_a_bounded_scan() {
        let query = HistoryQuery {
            after: None,
            limit: 10,
            search: Some("50%".into()),
            technique: Some(Technique::FewShot),
            primary_technique: Some(Technique::ChainOfThought),
            intent: Some(Intent::Reasoning),
            segment: Some(Segment::Pro),
            region: Some("eu-west".into()),
            date_from: DateTime::from_timestamp(1, 0),
            date_to: DateTime::from_timestamp(2, 0),
            sort: HistorySort::ConfidenceAsc,
        };
        let sqlite = build(Dialect::Sqlite, HistoryOwner::Key(Uuid::nil()), &query);
        assert_eq!(
            sqlite.params,
            [
                Param::Uuid(Uuid::nil()),
                Param::Int(1_000_000),
                Param::Int(2_000_000),
                Param::Text("50%".into()),
                Param::Text(",few_shot,".into()),
                Param::Text(",chain_of_thought,".into()),
                Param::Text("pro".into()),
                Param::Text("eu-west".into()),
                Param::Text("reasoning".into()),
                Param::Int(11),
                Param::Int(i64::from(SCAN_BUDGET) - 1),
                // The sentinels of a missing bound: past the end of an ascending order.
                Param::Int(i64::MAX),
                Param::Uuid(Uuid::max()),
                Param::Float(f64::MAX),
            ]
        );
        assert_eq!(sqlite.limit, 10);
        // A confidence order cannot use the dates as its index range: they are filters.
        assert!(
            sqlite.sql.contains("WHERE (owner = ?1) ORDER BY"),
            "{}",
            sqlite.sql
        );
        assert!(
            sqlite.sql.contains("instr(techniques, ?6) = 1"),
            "{}",
            sqlite.sql
        );

        let pg = build(Dialect::Postgres, HistoryOwner::Key(Uuid::nil()), &query);
        assert_eq!(pg.params[3], Param::Text(r"%50\%%".into()));
        assert_eq!(pg.params[4], Param::Text("few_shot".into()));
        assert!(pg.sql.contains("$5 = ANY(techniques)"), "{}", pg.sql);
        assert!(pg.sql.contains("techniques[1] = $6"), "{}", pg.sql);

        let by_date = build(
            Dialect::Sqlite,
            HistoryOwner::Key(Uuid::nil()),
            &HistoryQuery {
                sort: HistorySort::CreatedAtDesc,
                ..query
            },
        );
        assert!(
            by_date.sql.contains(
                "WHERE (owner = ?1 AND created_at_us >= ?2 AND created_at_us < ?3) ORDER BY"
            ),
            "{}",
            by_date.sql
        );
    }

    #[test]
    fn empty_search_is_no_filter() {
        let query = HistoryQuery {
            search: Some(String::new()),
            ..HistoryQuery::default()
        };
        let sql = build(Dialect::Sqlite, HistoryOwner::Key(Uuid::nil()), &query);
        assert_eq!(sql.params.len(), 2);
        assert!(!sql.sql.contains("bound"), "{}", sql.sql);
    }

    fn key(n: i64) -> HistoryCursor {
        HistoryCursor {
            sort: HistorySort::CreatedAtDesc,
            created_at_us: n,
            id: Uuid::nil(),
            confidence: 0.0,
        }
    }

    #[test]
    fn the_next_cursor_follows_the_page_or_the_bound() {
        let page = ListingSql {
            sql: String::new(),
            params: Vec::new(),
            limit: 2,
        };
        // A match past the page: go on after the page's last row.
        let full = [
            (key(1), true),
            (key(3), true),
            (key(4), true),
            (key(9), false),
        ];
        assert_eq!(next_cursor(&page, &full), Some(key(3)));
        assert_eq!(next_cursor(&page, &full[..3]), Some(key(3)));
        // The page is exactly full and the budget ended at row 9: go on after row 9.
        assert_eq!(
            next_cursor(&page, &[(key(1), true), (key(3), true), (key(9), false)]),
            Some(key(9))
        );
        // The budget ended before the page filled: go on after the bound.
        let sparse = [(key(2), true), (key(5), false)];
        assert_eq!(next_cursor(&page, &sparse), Some(key(5)));
        // No bound and no match past the page: the range has ended.
        assert_eq!(next_cursor(&page, &sparse[..1]), None);
        assert_eq!(next_cursor(&page, &full[..2]), None);
        assert_eq!(next_cursor(&page, &[]), None);
    }
}
