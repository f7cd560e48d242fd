//! Offline evaluation of the summariser: a ROUGE implementation ([`rouge`]) and an
//! evaluation set of (article, human one-line summary) pairs built from the shared real-feed
//! corpus ([`dataset`]). `cargo bench --features eval --bench summarize` puts the two together.

pub mod dataset;
pub mod rouge;

pub use dataset::{EvalPair, Half, ReferenceKind, half_of, lead, lead1};
pub use rouge::{Prf, Rouge, RougeScores};
