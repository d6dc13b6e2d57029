//! The SQL of a history listing, built once for both backends so their filters and orders
//! cannot drift apart.
//!
//! Only the shape of the statement depends on the query (which filters are present, which
//! order); values are always bound parameters, so the number of distinct statements is small
//! and each is prepared once per connection and cached.

use crate::codec;
use crate::model::{HistoryOwner, HistoryQuery};
use bp_api::{HistorySort, Technique};
use uuid::Uuid;

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

#[derive(Debug)]
pub(crate) struct ListingSql {
    /// `SELECT count(*)` of every matching row; binds `params`.
    pub count: String,
    /// The requested page; binds `params` followed by `limit` and `offset`.
    pub page: String,
    pub params: Vec<Param>,
    pub limit: i64,
    pub offset: i64,
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
    let mut conditions = Vec::new();
    if let HistoryOwner::Key(owner) = owner {
        conditions.push(format!("owner = {}", b.bind(Param::Uuid(owner))));
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
        conditions.push(condition);
    }
    if let Some(technique) = query.technique {
        conditions.push(b.technique_condition(technique, Position::Any));
    }
    if let Some(technique) = query.primary_technique {
        conditions.push(b.technique_condition(technique, Position::First));
    }
    if let Some(segment) = query.segment {
        conditions.push(format!(
            "segment = {}",
            b.bind(Param::Text(segment.as_str().to_owned()))
        ));
    }
    if let Some(region) = &query.region {
        conditions.push(format!("region = {}", b.bind(Param::Text(region.clone()))));
    }
    if let Some(intent) = query.intent {
        conditions.push(format!(
            "intent = {}",
            b.bind(Param::Text(intent.as_str().to_owned()))
        ));
    }
    if let Some(from) = query.date_from {
        conditions.push(format!(
            "created_at_us >= {}",
            b.bind(Param::Int(codec::micros(from)))
        ));
    }
    if let Some(to) = query.date_to {
        conditions.push(format!(
            "created_at_us < {}",
            b.bind(Param::Int(codec::micros(to)))
        ));
    }

    let filter = if conditions.is_empty() {
        "TRUE".to_owned()
    } else {
        conditions.join(" AND ")
    };
    let count = format!("SELECT count(*) FROM history WHERE {filter}");
    let params = b.params.clone();
    let limit_p = b.bind(Param::Int(0));
    let offset_p = b.bind(Param::Int(0));
    let page = format!(
        "SELECT {} FROM history WHERE {filter} ORDER BY {} LIMIT {limit_p} OFFSET {offset_p}",
        item_columns!(),
        order_by(query.sort)
    );
    ListingSql {
        count,
        page,
        params,
        limit: i64::from(query.limit),
        // A u32 page times a u32 limit fits an i64.
        offset: i64::try_from(query.offset()).unwrap_or(i64::MAX),
    }
}

/// The SQLite function name of the case-insensitive substring test.
pub(crate) const ICONTAINS: &str = "bp_icontains";

/// Every order ends in unique columns so pages never overlap or skip rows; ties on confidence
/// show the newest first, like the default order.
fn order_by(sort: HistorySort) -> &'static str {
    match sort {
        HistorySort::CreatedAtDesc => "created_at_us DESC, id DESC",
        HistorySort::CreatedAtAsc => "created_at_us ASC, id ASC",
        HistorySort::ConfidenceDesc => "confidence DESC, created_at_us DESC, id DESC",
        HistorySort::ConfidenceAsc => "confidence ASC, created_at_us DESC, id DESC",
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
        assert_eq!(sql.count, "SELECT count(*) FROM history WHERE TRUE");
        assert!(sql.params.is_empty());
    }

    #[test]
    fn owner_only_listing_binds_owner_then_page() {
        let owner = Uuid::nil();
        let sql = build(
            Dialect::Postgres,
            HistoryOwner::Key(owner),
            &HistoryQuery::default(),
        );
        assert_eq!(sql.count, "SELECT count(*) FROM history WHERE owner = $1");
        assert!(
            sql.page
                .ends_with("ORDER BY created_at_us DESC, id DESC LIMIT $2 OFFSET $3")
        );
        assert_eq!(sql.params, [Param::Uuid(owner)]);
        assert_eq!((sql.limit, sql.offset), (20, 0));
    }

    #[test]
    fn every_filter_becomes_one_bound_condition() {
        let query = HistoryQuery {
            page: 2,
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
                Param::Text("50%".into()),
                Param::Text(",few_shot,".into()),
                Param::Text(",chain_of_thought,".into()),
                Param::Text("pro".into()),
                Param::Text("eu-west".into()),
                Param::Text("reasoning".into()),
                Param::Int(1_000_000),
                Param::Int(2_000_000),
            ]
        );
        assert!(
            sqlite.count.contains("instr(techniques, ?4) = 1"),
            "{}",
            sqlite.count
        );
        assert!(
            sqlite.page.contains("LIMIT ?10 OFFSET ?11"),
            "{}",
            sqlite.page
        );
        assert_eq!(sqlite.offset, 10);

        let pg = build(Dialect::Postgres, HistoryOwner::Key(Uuid::nil()), &query);
        assert_eq!(pg.params[1], Param::Text(r"%50\%%".into()));
        assert_eq!(pg.params[2], Param::Text("few_shot".into()));
        assert!(pg.count.contains("$3 = ANY(techniques)"), "{}", pg.count);
        assert!(pg.count.contains("techniques[1] = $4"), "{}", pg.count);
    }

    #[test]
    fn empty_search_is_no_filter() {
        let query = HistoryQuery {
            search: Some(String::new()),
            ..HistoryQuery::default()
        };
        assert_eq!(
            build(Dialect::Sqlite, HistoryOwner::Key(Uuid::nil()), &query)
                .params
                .len(),
            1
        );
    }
}
