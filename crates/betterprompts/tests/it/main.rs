//! End-to-end tests of the `betterprompts` binary as a process (one test binary).

mod cli;
mod durability;
mod process;
mod tidy;
