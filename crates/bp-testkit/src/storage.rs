//! A test's databases: SQLite files in a temp dir, or PostgreSQL schemas of their own on the
//! local server, removed when the [`TestStorage`] is dropped — after a failing assertion
//! too, so no `it_*`/`e2e_*` schema piles up.

use crate::Backend;
use bp_store::StoreConfig;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// `BP_TEST_DATABASE_URL`, default `postgres://postgres@127.0.0.1:5432/test`.
pub fn database_url() -> String {
    std::env::var("BP_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// `BP_TEST_REDIS_URL`, default `redis://127.0.0.1:6379`.
pub fn redis_url() -> String {
    std::env::var("BP_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned())
}

/// How long dropping the schemas waits for a lock a still-running server holds.
const DROP_LOCK_TIMEOUT: &str = "5s";

pub struct TestStorage {
    backend: Backend,
    dir: tempfile::TempDir,
    /// Database name → its PostgreSQL schema, to drop at the end.
    schemas: Mutex<BTreeMap<String, String>>,
}

impl TestStorage {
    pub fn new(backend: Backend) -> Self {
        TestStorage {
            backend,
            dir: tempfile::tempdir().expect("a temp dir"),
            schemas: Mutex::new(BTreeMap::new()),
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The temp dir, removed with this storage: for a test's other files.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The database called `name`: empty at first, the same one for the same name. On
    /// SQLite a file in a not yet existing directory, so opening also creates parents.
    pub fn store_config(&self, name: &str) -> StoreConfig {
        match self.backend {
            Backend::Sqlite => StoreConfig::Sqlite {
                path: self.data_dir(name).join("bp.sqlite3"),
            },
            Backend::Postgres => StoreConfig::Postgres {
                url: database_url(),
                pool_size: 4,
                schema: Some(self.schema(name)),
            },
        }
    }

    /// The binary's flags for the database called `name` (`--data-dir`, or
    /// `--database-url` and `--database-schema`); the same name is the same database, so a
    /// restarted process finds its data.
    pub fn cli_args(&self, name: &str) -> Vec<String> {
        match self.backend {
            Backend::Sqlite => vec![
                "--data-dir".to_owned(),
                self.data_dir(name).display().to_string(),
            ],
            Backend::Postgres => vec![
                "--database-url".to_owned(),
                database_url(),
                "--database-schema".to_owned(),
                self.schema(name),
            ],
        }
    }

    fn data_dir(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn schema(&self, name: &str) -> String {
        let mut schemas = self
            .schemas
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        schemas
            .entry(name.to_owned())
            .or_insert_with(|| format!("bp_test_{}", uuid::Uuid::now_v7().simple()))
            .clone()
    }
}

impl Drop for TestStorage {
    fn drop(&mut self) {
        let schemas: Vec<String> = std::mem::take(
            &mut *self
                .schemas
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
        .into_values()
        .collect();
        if schemas.is_empty() {
            return;
        }
        // Drop cannot await, and may run inside the test's runtime: a thread of its own with
        // a small runtime does the work.
        let dropped = std::thread::spawn(move || drop_schemas(&schemas)).join();
        match dropped {
            Ok(Ok(())) => {}
            // Never panic here: a failing test is already unwinding through this drop.
            Ok(Err(e)) => eprintln!("bp-testkit: could not drop a test schema: {e}"),
            Err(_) => eprintln!("bp-testkit: dropping the test schemas panicked"),
        }
    }
}

fn drop_schemas(schemas: &[String]) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let (client, connection) =
            tokio_postgres::connect(&database_url(), tokio_postgres::NoTls).await?;
        let connection = tokio::spawn(connection);
        client
            .batch_execute(&format!("SET lock_timeout = '{DROP_LOCK_TIMEOUT}'"))
            .await?;
        for schema in schemas {
            client
                .batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                .await?;
        }
        drop(client);
        let _ = connection.await;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn schema_exists(name: &str) -> bool {
        let (client, connection) = tokio_postgres::connect(&database_url(), tokio_postgres::NoTls)
            .await
            .expect("the test PostgreSQL");
        tokio::spawn(connection);
        let row = client
            .query_one(
                "SELECT count(*) FROM pg_namespace WHERE nspname = $1",
                &[&name],
            )
            .await
            .expect("query");
        row.get::<_, i64>(0) == 1
    }

    fn schema_of(config: &StoreConfig) -> String {
        match config {
            StoreConfig::Postgres {
                schema: Some(s), ..
            } => s.clone(),
            other => panic!("a PostgreSQL config, got {other:?}"),
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_schema_is_the_same_for_the_same_name_and_dropped_with_the_storage() {
        let storage = TestStorage::new(Backend::Postgres);
        let main = schema_of(&storage.store_config("main"));
        assert_eq!(main, schema_of(&storage.store_config("main")));
        assert_ne!(main, schema_of(&storage.store_config("other")));
        assert_eq!(storage.cli_args("main")[3], main);
        drop(
            bp_store::open(&storage.store_config("main"))
                .await
                .expect("opens"),
        );
        assert!(schema_exists(&main).await);
        drop(storage);
        assert!(!schema_exists(&main).await);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_panicking_test_drops_its_schema_too() {
        let name = tokio::spawn(async {
            let storage = TestStorage::new(Backend::Postgres);
            let config = storage.store_config("main");
            drop(bp_store::open(&config).await.expect("opens"));
            let schema = schema_of(&config);
            assert!(schema_exists(&schema).await);
            std::panic::panic_any(schema);
        })
        .await
        .expect_err("the task panicked")
        .into_panic();
        let schema = name.downcast::<String>().expect("the schema's name");
        assert!(!schema_exists(&schema).await);
    }

    #[test]
    fn sqlite_databases_live_in_the_temp_dir_and_go_with_it() {
        let storage = TestStorage::new(Backend::Sqlite);
        let StoreConfig::Sqlite { path } = storage.store_config("main") else {
            panic!("a SQLite config");
        };
        assert!(path.starts_with(storage.dir()));
        let dir = storage.dir().to_owned();
        drop(storage);
        assert!(!dir.exists());
    }
}
