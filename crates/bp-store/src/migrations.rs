//! The schema migrations of both backends, embedded in the binary.
//!
//! Each backend applies the migrations it has not applied yet, in version order, in one
//! transaction, and records them in `schema_migrations`; opening a store twice is a no-op.
//! A migration is never edited once released: changes go in a new file.

/// One `migrations/<backend>/NNNN_name.sql` file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

pub(crate) const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        name: "initial",
        sql: include_str!("../migrations/sqlite/0001_initial.sql"),
    },
    Migration {
        version: 2,
        name: "rollups_and_feedback_stats",
        sql: include_str!("../migrations/sqlite/0002_rollups_and_feedback_stats.sql"),
    },
    Migration {
        version: 3,
        name: "history_listing_index",
        sql: include_str!("../migrations/sqlite/0003_history_listing_index.sql"),
    },
    Migration {
        version: 4,
        name: "history_keyset_counts",
        sql: include_str!("../migrations/sqlite/0004_history_keyset_counts.sql"),
    },
    Migration {
        version: 5,
        name: "history_day_partitions",
        sql: include_str!("../migrations/sqlite/0005_history_day_partitions.sql"),
    },
    Migration {
        version: 6,
        name: "fleet_records",
        sql: include_str!("../migrations/sqlite/0006_fleet_records.sql"),
    },
    Migration {
        version: 7,
        name: "key_lifecycle",
        sql: include_str!("../migrations/sqlite/0007_key_lifecycle.sql"),
    },
];

pub(crate) const POSTGRES: &[Migration] = &[
    Migration {
        version: 1,
        name: "initial",
        sql: include_str!("../migrations/postgres/0001_initial.sql"),
    },
    Migration {
        version: 2,
        name: "rollups_and_feedback_stats",
        sql: include_str!("../migrations/postgres/0002_rollups_and_feedback_stats.sql"),
    },
    Migration {
        version: 3,
        name: "history_listing_index",
        sql: include_str!("../migrations/postgres/0003_history_listing_index.sql"),
    },
    Migration {
        version: 4,
        name: "history_keyset_counts",
        sql: include_str!("../migrations/postgres/0004_history_keyset_counts.sql"),
    },
    Migration {
        version: 5,
        name: "history_day_partitions",
        sql: include_str!("../migrations/postgres/0005_history_day_partitions.sql"),
    },
    Migration {
        version: 6,
        name: "fleet_records",
        sql: include_str!("../migrations/postgres/0006_fleet_records.sql"),
    },
    Migration {
        version: 7,
        name: "key_lifecycle",
        sql: include_str!("../migrations/postgres/0007_key_lifecycle.sql"),
    },
];

/// The migrations of `all` newer than everything in `applied`, in order.
pub(crate) fn pending(all: &'static [Migration], applied: &[i64]) -> Vec<&'static Migration> {
    let newest = applied.iter().copied().max().unwrap_or(0);
    if let Some(unknown) = applied
        .iter()
        .find(|v| !all.iter().any(|m| m.version == **v))
    {
        // A newer binary migrated this database; running against it is what a rolling
        // upgrade does, so only warn.
        tracing::warn!(
            version = unknown,
            "database has a migration this binary does not know"
        );
    }
    all.iter().filter(|m| m.version > newest).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// Every file on disk is registered, under its own number and name, in order.
    fn check(dir: &str, registered: &[Migration]) {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(dir);
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .expect("migrations dir")
            .map(|e| {
                e.expect("dir entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        files.sort();
        let expected: Vec<String> = registered
            .iter()
            .map(|m| format!("{:04}_{}.sql", m.version, m.name))
            .collect();
        assert_eq!(files, expected);
        for (i, m) in registered.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1, "versions are 1, 2, 3, ...");
            let on_disk = std::fs::read_to_string(dir.join(&expected[i])).expect("readable");
            assert_eq!(on_disk, m.sql);
        }
    }

    #[test]
    fn sqlite_migrations_match_their_files() {
        check("sqlite", SQLITE);
    }

    #[test]
    fn postgres_migrations_match_their_files() {
        check("postgres", POSTGRES);
    }

    #[test]
    fn both_backends_have_the_same_versions() {
        let names = |ms: &[Migration]| ms.iter().map(|m| (m.version, m.name)).collect::<Vec<_>>();
        assert_eq!(names(SQLITE), names(POSTGRES));
    }

    #[test]
    fn pending_skips_what_is_applied() {
        assert_eq!(pending(SQLITE, &[]).len(), SQLITE.len());
        assert_eq!(
            pending(SQLITE, &[1])
                .iter()
                .map(|m| m.version)
                .collect::<Vec<_>>(),
            (2..=SQLITE.len() as i64).collect::<Vec<_>>(),
            "a 0001 database gets only what came after"
        );
        assert!(pending(SQLITE, &(1..=SQLITE.len() as i64).collect::<Vec<_>>()).is_empty());
        assert!(pending(SQLITE, &[1, 2, 3, 999]).is_empty());
    }
}
