//! Platform-neutral chat commands: one [`Command`] enum that every adapter (Discord slash
//! commands, Matrix and console text) produces, and handlers that run it against the [`App`]
//! and return a [`Reply`] each adapter renders its own way. No chat library is imported here.

mod handlers;
pub mod parse;

use crate::digest::Digest;

pub use crate::domain::Platform;
pub use crate::domain::cooldown::{CooldownKind, Cooldowns, Limits, Wait};

pub use handlers::{execute, help_text};

/// Who ran a command, where. Adapters fill it from the platform's own facts (Discord member
/// permissions, Matrix power levels); handlers never trust an option for any of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub platform: Platform,
    /// The chat server (Discord guild id, Matrix room id); `None` for console and DMs.
    pub server: Option<String>,
    /// The channel (or room) the command was typed in; `console` for the console.
    pub channel: String,
    pub user: String,
    /// May manage this server's subscriptions, sources, topics and settings.
    pub is_admin: bool,
    /// Runs the bot (the application's owner or team, a configured operator, the console):
    /// manages global sources and is never rate-limited.
    pub is_operator: bool,
}

impl Caller {
    /// The topic and settings scope: '' for the console (shared with the command line),
    /// else `<platform>:<server>`.
    pub fn scope(&self) -> String {
        match (&self.platform, &self.server) {
            (Platform::Console, _) | (_, None) => String::new(),
            (platform, Some(server)) => platform.server_scope(server),
        }
    }
}

/// Digest (scheduled) or instant (each article as it arrives).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Digest,
    Instant,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Digest => "digest",
            Mode::Instant => "instant",
        }
    }
}

impl std::str::FromStr for Mode {
    type Err = String;
    fn from_str(text: &str) -> Result<Mode, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "digest" => Ok(Mode::Digest),
            "instant" => Ok(Mode::Instant),
            other => Err(format!("{other:?} is not a mode; use `digest` or `instant`")),
        }
    }
}

/// Every command the bot understands, with its options as typed. Values that need checking
/// against the store or a catalogue (topics, schedules, timezones, URLs) stay text here; the
/// handler checks them and names the bad value in its reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Subscribe {
        topic: String,
        /// A channel mention or id; the current channel when absent.
        channel: Option<String>,
        mode: Option<Mode>,
        schedule: Option<String>,
        timezone: Option<String>,
        min_score: Option<i64>,
        max_items: Option<i64>,
    },
    Unsubscribe {
        topic: String,
        channel: Option<String>,
    },
    Subscriptions,
    Topics(TopicsAction),
    Sources(SourcesAction),
    Digest {
        topic: Option<String>,
        hours: Option<i64>,
        public: bool,
    },
    Search {
        query: String,
        topic: Option<String>,
        days: Option<i64>,
    },
    Latest {
        topic: Option<String>,
        count: Option<i64>,
    },
    Summarize {
        url: String,
    },
    Settings {
        timezone: Option<String>,
        min_score: Option<i64>,
    },
    Stats,
    Help,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TopicsAction {
    List,
    Create {
        slug: String,
        name: Option<String>,
        /// Comma-separated terms.
        include: String,
        exclude: Option<String>,
        description: Option<String>,
    },
    Edit {
        slug: String,
        name: Option<String>,
        include: Option<String>,
        exclude: Option<String>,
        description: Option<String>,
    },
    Delete {
        slug: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourcesAction {
    List,
    Add {
        url: String,
        name: Option<String>,
        /// `feed` or `podcast`.
        kind: Option<String>,
        /// For every server (operators only); for the caller's server otherwise.
        global: bool,
    },
    /// Removes the caller's server's link; a global source only for the operator.
    Remove {
        url: String,
    },
    /// An OPML document: the attachment's text on Discord, a URL or inline text elsewhere.
    Import {
        opml: OpmlInput,
        global: bool,
    },
    /// Stops a global source reaching the caller's server (no one else is affected).
    Mute {
        url: String,
    },
    Unmute {
        url: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpmlInput {
    /// The document itself (a Discord attachment's bytes, already downloaded).
    Text(String),
    /// Where to fetch it (checked by the SSRF guard like any source).
    Url(String),
}

impl Command {
    /// The command's name as users type it, e.g. `manage sources add`; used in replies,
    /// metrics and logs. Everything that changes a server's desk lives under `manage` (or is
    /// `subscribe`/`unsubscribe`), so Discord can hide it from members' command pickers.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Subscribe { .. } => "subscribe",
            Command::Unsubscribe { .. } => "unsubscribe",
            Command::Subscriptions => "subscriptions",
            Command::Topics(TopicsAction::List) => "topics",
            Command::Topics(TopicsAction::Create { .. }) => "manage topics create",
            Command::Topics(TopicsAction::Edit { .. }) => "manage topics edit",
            Command::Topics(TopicsAction::Delete { .. }) => "manage topics delete",
            Command::Sources(SourcesAction::List) => "sources",
            Command::Sources(SourcesAction::Add { .. }) => "manage sources add",
            Command::Sources(SourcesAction::Remove { .. }) => "manage sources remove",
            Command::Sources(SourcesAction::Import { .. }) => "manage sources import",
            Command::Sources(SourcesAction::Mute { .. }) => "manage sources mute",
            Command::Sources(SourcesAction::Unmute { .. }) => "manage sources unmute",
            Command::Digest { .. } => "digest",
            Command::Search { .. } => "search",
            Command::Latest { .. } => "latest",
            Command::Summarize { .. } => "summarize",
            Command::Settings { .. } => "manage settings",
            Command::Stats => "stats",
            Command::Help => "help",
        }
    }

    /// Commands that change what a server receives or reads from: only admins may run them.
    /// Every one of them is `subscribe`, `unsubscribe` or under `manage`.
    pub fn needs_admin(&self) -> bool {
        matches!(
            self,
            Command::Subscribe { .. }
                | Command::Unsubscribe { .. }
                | Command::Settings { .. }
                | Command::Topics(
                    TopicsAction::Create { .. } | TopicsAction::Edit { .. } | TopicsAction::Delete { .. }
                )
                | Command::Sources(
                    SourcesAction::Add { .. }
                        | SourcesAction::Remove { .. }
                        | SourcesAction::Import { .. }
                        | SourcesAction::Mute { .. }
                        | SourcesAction::Unmute { .. }
                )
        )
    }

    /// The expensive commands that cooldowns limit, by the name their settings use.
    pub fn cooldown_kind(&self) -> Option<CooldownKind> {
        match self {
            Command::Summarize { .. } => Some(CooldownKind::Summarize),
            Command::Digest { .. } => Some(CooldownKind::Digest),
            Command::Search { .. } => Some(CooldownKind::Search),
            _ => None,
        }
    }

    /// Commands that may take longer than Discord's 3 s answer window (network, summarising).
    pub fn may_be_slow(&self) -> bool {
        matches!(
            self,
            Command::Digest { .. }
                | Command::Summarize { .. }
                | Command::Sources(SourcesAction::Add { .. } | SourcesAction::Import { .. })
                | Command::Search { .. }
        )
    }
}

/// What a handler answers. Text is Discord-flavoured Markdown in which every piece of feed
/// text has already been escaped; adapters may convert it (Matrix HTML) or print it.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// A normal answer. `ephemeral`: only the caller sees it, where the platform can do that.
    Text { text: String, ephemeral: bool },
    /// The command could not run as asked: names the bad value and how to fix it. Ephemeral.
    Error { text: String },
    /// A digest preview, rendered by the adapter (embeds, HTML, terminal).
    Digest { digest: Box<Digest>, ephemeral: bool },
}

impl Reply {
    pub fn text(text: impl Into<String>) -> Reply {
        Reply::Text {
            text: text.into(),
            ephemeral: false,
        }
    }
    pub fn private(text: impl Into<String>) -> Reply {
        Reply::Text {
            text: text.into(),
            ephemeral: true,
        }
    }
    pub fn error(text: impl Into<String>) -> Reply {
        Reply::Error { text: text.into() }
    }
    pub fn is_ephemeral(&self) -> bool {
        match self {
            Reply::Text { ephemeral, .. } | Reply::Digest { ephemeral, .. } => *ephemeral,
            Reply::Error { .. } => true,
        }
    }
}
