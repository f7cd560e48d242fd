//! The editorial pipeline: everything between stored articles and a composed digest.
//!
//! Every function here is pure: no I/O, no clock (`now` is an argument), so each stage can
//! be tested and benchmarked on its own. Stages, in the order a digest runs them:
//!
//! - [`topics`] tags articles with the topics of the built-in AI catalogue and custom ones;
//! - [`category`] sorts each article into one of the six reader-facing categories;
//! - [`cluster`] groups near-duplicate stories (MinHash over title + lead);
//! - [`score`] rates each cluster out of 30 with the reasons kept;
//! - [`summarize`] writes TL;DR, summary, bullets, tags, "why it matters" and a decoder,
//!   from the sentences of [`crate::text::sentences`], [`keywords`] and the shipped
//!   [`glossary`];
//! - [`podcast`] turns an episode transcript into topic segments and an episode summary.

pub mod category;
pub mod cluster;
pub mod glossary;
pub mod keywords;
pub mod podcast;
pub mod score;
pub mod summarize;
pub mod topics;
