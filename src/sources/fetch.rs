//! Fetch.
