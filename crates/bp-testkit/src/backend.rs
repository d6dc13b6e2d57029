//! The two stores every behaviour is tested on, and the macro that fans a case out to both.

/// Which store a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates `mod sqlite` and `mod postgres`, each with one `#[tokio::test]` per case (two
/// runtime threads), so a case written once runs on both stores.
///
/// - `both_backends!(a, b)`: `a` and `b` are `async fn(Backend)` in the calling module.
/// - `both_backends!(setup = path::to::new; module::a, other::b)`: each test builds its
///   fixture with `new(Backend).await` and calls `module::a(&fixture).await`, the modules
///   being siblings of the call (e.g. declared in the same `main.rs`).
#[macro_export]
macro_rules! both_backends {
    (setup = $setup:path; $($module:ident :: $case:ident),+ $(,)?) => {
        $crate::both_backends!(@setup sqlite, Sqlite, $setup; $($module::$case),+);
        $crate::both_backends!(@setup postgres, Postgres, $setup; $($module::$case),+);
    };
    (@setup $name:ident, $backend:ident, $setup:path; $($module:ident :: $case:ident),+) => {
        mod $name {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let fixture = $setup($crate::Backend::$backend).await;
                    super::$module::$case(&fixture).await;
                }
            )+
        }
    };
    ($($case:ident),+ $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() { super::$case($crate::Backend::Sqlite).await })+
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() { super::$case($crate::Backend::Postgres).await })+
        }
    };
}
