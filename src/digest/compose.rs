//! Composition: from scored, summarised clusters to a [`super::Digest`].
