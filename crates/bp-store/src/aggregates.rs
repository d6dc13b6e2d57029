//! The feedback statistics statement, written once for both backends so they count the same
//! way, and the decoding of its rows.
//!
//! The backends differ only in how a row's primary technique is read from its techniques
//! column (`,a,b,` text in SQLite, `text[]` in PostgreSQL) and in their placeholders.

use crate::codec;
use crate::error::StoreResult;
use crate::model::FeedbackStats;

/// `SELECT` of the statistics: `$primary` is the SQL expression of the primary technique of
/// history row `h` (NULL when it has none); `$from` and `$to` bind the range of
/// `feedback.created_at_us`. Columns: technique, ratings, rating sum, ratings of 4 or 5,
/// helpful named, helpful naming the primary.
///
/// Grouping happens in the database, so only one row per technique crosses the connection.
/// `FILTER` rather than `sum(condition)`: a sum over no matching rows is NULL, a count is 0,
/// and `helpful = primary` is NULL (not counted) when the row has no primary technique.
macro_rules! feedback_stats_sql {
    ($primary:literal, $from:literal, $to:literal) => {
        concat!(
            "SELECT primary_technique, count(*), sum(rating), ",
            "count(*) FILTER (WHERE rating >= 4), ",
            "count(*) FILTER (WHERE helpful IS NOT NULL), ",
            "count(*) FILTER (WHERE helpful = primary_technique) ",
            "FROM (SELECT ",
            $primary,
            " AS primary_technique, f.rating AS rating, f.most_helpful_technique AS helpful ",
            "FROM feedback f JOIN history h ON h.id = f.history_id ",
            "WHERE f.created_at_us >= ",
            $from,
            " AND f.created_at_us < ",
            $to,
            ") AS rated GROUP BY primary_technique"
        )
    };
}
pub(crate) use feedback_stats_sql;

/// One row of `feedback_stats_sql!` as read from either driver.
pub(crate) struct RawFeedbackStats {
    pub technique: Option<String>,
    pub ratings: i64,
    pub rating_sum: i64,
    pub ratings_at_least_4: i64,
    pub helpful_named: i64,
    pub helpful_is_primary: i64,
}

/// Decodes the groups and puts them in the documented order (`None` first, then the
/// techniques' declaration order), which SQL could not give alike: the backends disagree on
/// where NULLs sort, and PostgreSQL's text order follows the database's locale.
pub(crate) fn decode_feedback_stats(
    raws: impl IntoIterator<Item = RawFeedbackStats>,
) -> StoreResult<Vec<FeedbackStats>> {
    let mut stats = raws
        .into_iter()
        .map(|raw| {
            Ok(FeedbackStats {
                technique: raw
                    .technique
                    .map(|t| codec::id("techniques", &t))
                    .transpose()?,
                ratings: codec::count(raw.ratings),
                rating_sum: codec::count(raw.rating_sum),
                ratings_at_least_4: codec::count(raw.ratings_at_least_4),
                helpful_named: codec::count(raw.helpful_named),
                helpful_is_primary: codec::count(raw.helpful_is_primary),
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    stats.sort_unstable_by_key(|s| s.technique);
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bp_api::Technique;

    fn raw(technique: Option<&str>, ratings: i64) -> RawFeedbackStats {
        RawFeedbackStats {
            technique: technique.map(str::to_owned),
            ratings,
            rating_sum: ratings * 3,
            ratings_at_least_4: 1,
            helpful_named: 1,
            helpful_is_primary: 0,
        }
    }

    #[test]
    fn groups_come_out_with_none_first_then_in_declaration_order() {
        let stats = decode_feedback_stats([
            raw(Some("react"), 1),
            raw(None, 2),
            raw(Some("chain_of_thought"), 3),
        ])
        .expect("decodes");
        let order: Vec<_> = stats.iter().map(|s| s.technique).collect();
        assert_eq!(
            order,
            [
                None,
                Some(Technique::ChainOfThought),
                Some(Technique::React)
            ]
        );
        assert_eq!((stats[0].ratings, stats[0].rating_sum), (2, 6));
    }

    #[test]
    fn an_unknown_technique_is_corrupt() {
        let err = decode_feedback_stats([raw(Some("nope"), 1)]).expect_err("unknown id");
        assert_eq!(err.code(), bp_api::ErrorCode::Internal);
    }

    #[test]
    fn the_statement_differs_only_where_the_backends_do() {
        let sqlite = feedback_stats_sql!("p(h)", "?1", "?2");
        assert!(
            sqlite.contains("SELECT p(h) AS primary_technique"),
            "{sqlite}"
        );
        assert!(
            sqlite.contains("f.created_at_us >= ?1 AND f.created_at_us < ?2"),
            "{sqlite}"
        );
        assert!(sqlite.ends_with("GROUP BY primary_technique"), "{sqlite}");
    }
}
