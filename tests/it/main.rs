//! The one integration-test binary: real SQLite files, real HTTP over 127.0.0.1.

mod cli;
mod cluster;
mod config_file;
mod console;
mod corpus;
mod delivery;
mod digest;
mod discord;
mod editions;
mod editorial_cli;
mod fake_discord;
mod fake_discord_selfcheck;
mod fake_llm;
mod feedparser;
mod llm;
#[cfg(feature = "matrix")]
mod matrix;
mod poll;
mod retention;
mod servers;
mod store;
mod support;
#[cfg(feature = "matrix")]
mod synapse;
mod transcripts;
