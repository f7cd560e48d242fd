//! The one integration-test binary: real SQLite files, real HTTP over 127.0.0.1.

mod corpus;
mod feedparser;
mod support;
mod transcripts;
