//! `open` fails with the right error code when a store cannot be opened, rather than
//! panicking or hanging.

use bp_api::ErrorCode;
use bp_store::{StoreConfig, StoreError};

async fn open_error(config: StoreConfig) -> StoreError {
    match bp_store::open(&config).await {
        Ok(_) => panic!("{config:?} should not open"),
        Err(e) => e,
    }
}

fn postgres(url: &str, pool_size: usize, schema: Option<&str>) -> StoreConfig {
    StoreConfig::Postgres {
        url: url.to_owned(),
        pool_size,
        schema: schema.map(str::to_owned),
    }
}

#[tokio::test]
async fn bad_postgres_configs_are_invalid_config() {
    let url = crate::harness::database_url();
    for config in [
        postgres("not a url at all ://", 4, None),
        postgres(&url, 0, None),
        postgres(&url, 4, Some("Robert'); DROP TABLE students;--")),
    ] {
        let err = open_error(config).await;
        assert!(matches!(err, StoreError::InvalidConfig(_)), "{err:?}");
        assert_eq!(err.code(), ErrorCode::Internal);
    }
}

#[tokio::test]
async fn an_unreachable_postgres_is_unavailable() {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    let err = open_error(postgres("postgres://postgres@127.0.0.1:1/test", 1, None)).await;
    assert_eq!(err.code(), ErrorCode::Unavailable, "{err:?}");
}

#[tokio::test]
async fn an_sqlite_path_that_cannot_exist_is_unavailable() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"not a directory").expect("write");
    let err = open_error(StoreConfig::Sqlite {
        path: file.join("bp.sqlite3"),
    })
    .await;
    assert_eq!(err.code(), ErrorCode::Unavailable, "{err:?}");
}

#[tokio::test]
async fn a_file_that_is_not_a_database_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bp.sqlite3");
    std::fs::write(&path, vec![b'x'; 8192]).expect("write");
    let err = open_error(StoreConfig::Sqlite { path }).await;
    assert_eq!(err.code(), ErrorCode::Internal, "{err:?}");
}
