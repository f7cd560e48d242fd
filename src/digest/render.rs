//! Renderers: Markdown, ANSI terminal and JSON views of a [`super::Digest`].
