//! Shared test helpers: where the corpus lives.

use std::path::PathBuf;

/// `NEWSDESK_CORPUS_DIR`, or `../shared/corpus` beside the repository. Panics with a clear
/// message when it is missing: corpus tests must never pass vacuously.
pub fn corpus_dir() -> PathBuf {
    let dir = std::env::var_os("NEWSDESK_CORPUS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    assert!(
        dir.is_dir(),
        "corpus directory {} is missing: set NEWSDESK_CORPUS_DIR",
        dir.display()
    );
    dir
}
