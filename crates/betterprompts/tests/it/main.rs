//! End-to-end tests of the `betterprompts` binary as a process (one test binary).

// Test bodies written once per backend are plain async fns called by the generated
// #[test]s, so clippy's allow-unwrap-in-tests does not reach them.
#![allow(clippy::unwrap_used)]

mod cli;
mod deploy;
mod durability;
mod k6;
mod load;
mod load_reporting;
mod process;
mod tidy;
