//! Chat adapters behind one small [`ChatSink`] trait: the scheduler hands a [`Post`] to the
//! sink of the subscription's platform and learns whether it arrived, or why not.
//! `discord/` is the only module that imports serenity and poise, `matrix/` (cargo feature
//! `matrix`) the only one that imports matrix-sdk.

pub mod console;
pub mod discord;
#[cfg(feature = "matrix")]
pub mod matrix;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use tokio::sync::watch;

use crate::digest::edition::Edition;
use crate::digest::{DigestItem, TopicRef};
use crate::domain::Platform;

/// Something the scheduler delivers to a channel.
#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    pub content: PostContent,
    /// Unique per delivery and stable across retries: Discord's `nonce` with
    /// `enforce_nonce`, so a resend after a crash is recognised as the same message.
    pub nonce: String,
    /// For ages ("3h ago") in the rendering.
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PostContent {
    /// A scheduled digest: the edition every channel of the slot shares, with its keyword
    /// chart and its renderings made once.
    Digest(Arc<Edition>),
    /// One story for an instant subscription.
    Alert {
        item: Box<DigestItem>,
        topic: Option<TopicRef>,
    },
}

/// Why a post did not arrive. [`SinkError::pauses`] tells the scheduler to stop posting to
/// that channel until an admin re-subscribes, instead of retrying into a wall.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SinkError {
    #[error("the bot may not post in this channel ({0})")]
    Forbidden(String),
    #[error("the channel no longer exists ({0})")]
    NotFound(String),
    #[error("still rate limited after waiting; retry in {0:?}")]
    RateLimited(Duration),
    #[error("the chat service refused the message: {0}")]
    Rejected(String),
    #[error("temporary failure: {0}")]
    Transient(String),
}

impl SinkError {
    pub fn pauses(&self) -> bool {
        matches!(self, SinkError::Forbidden(_) | SinkError::NotFound(_))
    }
}

/// A place posts go. Implementations honour the platform's rate limits themselves.
pub trait ChatSink: Send + Sync {
    fn platform(&self) -> Platform;
    /// Posts to `channel`; returns the ids of the messages created (a long digest may take
    /// several).
    fn post<'a>(&'a self, channel: &'a str, post: &'a Post) -> BoxFuture<'a, Result<Vec<String>, SinkError>>;
}

/// A connected chat adapter: the sink the one scheduler posts through, and a listener that
/// answers commands. `cli/serve.rs` runs every adapter's listener beside one scheduler over
/// all their sinks, so no adapter schedules anything itself — and a process could run the
/// listeners without the scheduler, or the scheduler without them.
pub trait Adapter: Send {
    fn sink(&self) -> Arc<dyn ChatSink>;
    /// Answers commands until `stop` turns true — the scheduler has stopped by then — or
    /// until the adapter ends on its own (the console's input ran out, a fatal error).
    fn listen(self: Box<Self>, stop: watch::Receiver<bool>) -> BoxFuture<'static, Result<(), AdapterError>>;
}

/// Why an adapter could not connect or stopped listening.
#[derive(Debug, thiserror::Error)]
pub enum AdapterError {
    #[error("the Discord bot stopped: {0}")]
    Discord(#[from] discord::DiscordError),
    #[cfg(feature = "matrix")]
    #[error("the Matrix bot stopped: {0}")]
    Matrix(#[from] matrix::MatrixError),
    #[error("console input failed: {0}")]
    Console(#[from] std::io::Error),
}

/// The sinks of the adapters that are running, by platform.
#[derive(Clone, Default)]
pub struct Sinks(HashMap<Platform, Arc<dyn ChatSink>>);

impl Sinks {
    pub fn new() -> Sinks {
        Sinks::default()
    }
    pub fn with(mut self, sink: Arc<dyn ChatSink>) -> Sinks {
        self.0.insert(sink.platform(), sink);
        self
    }
    pub fn get(&self, platform: Platform) -> Option<&Arc<dyn ChatSink>> {
        self.0.get(&platform)
    }
    /// These sinks and `other`'s; `other` wins for a platform both have.
    pub fn merge(mut self, other: Sinks) -> Sinks {
        self.0.extend(other.0);
        self
    }
    pub fn platforms(&self) -> Vec<Platform> {
        self.0.keys().copied().collect()
    }
}

impl std::fmt::Debug for Sinks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.0.keys()).finish()
    }
}
