//! bp-report's integration tests (one binary): every rendering of one fixed report, the
//! HTML page's structure pinned by a snapshot and by assertions on what it must (and must
//! never) contain.

// Fixture builders are plain functions, not #[test]s, so clippy's allow-unwrap-in-tests
// does not reach them.
#![allow(clippy::unwrap_used)]

mod fixture;
mod html;
mod renderings;
