//! What each command does. Handlers check every option against the store and the
//! catalogues, and answer with a [`Reply`] whose errors name the bad value and the fix.
//! Feed text that reaches a reply is escaped here, once, for Discord-flavoured Markdown.

mod reading;
mod sources;
mod subscriptions;
mod topics;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::{
    Caller, Command, CooldownKind, Limits, Mode, OpmlInput, Platform, Reply, SourcesAction, TopicsAction, Wait,
};
use crate::app::{AddSourceError, App, ImportError};
use crate::digest::age;
use crate::digest::render::text::{clean_line, markdown_text, safe_url, truncate_width};
use crate::domain::{Schedule, SourceKind, SourceStatus, parse_timezone};
use crate::editor::{DigestRequest, EditorialError, SummarizeError, TopicSpec};
use crate::store::{
    Added, GLOBAL_SCOPE, NewSubscription, SourceLinks, StoreError, SubscriptionRow, TopicRow, Unlinked,
};

/// Longest text reply, in characters: Discord's message limit with room for a footer.
const MAX_REPLY_CHARS: usize = 1_900;
/// Lines of a list reply before "… and N more".
const MAX_LIST_LINES: usize = 20;

/// Why a command failed: the user's to fix (shown as is) or ours (logged, shown vaguely).
#[derive(Debug, thiserror::Error)]
enum HandlerError {
    #[error("{0}")]
    User(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<EditorialError> for HandlerError {
    fn from(err: EditorialError) -> Self {
        match err {
            EditorialError::Store(err) => HandlerError::Store(err),
            EditorialError::UnknownTopic { slug, known } => HandlerError::User(format!(
                "unknown topic {slug:?}; pick one of {known} (`/topics` describes them), or have an admin \
                 create it with `/manage topics create`"
            )),
            other => HandlerError::User(other.to_string()),
        }
    }
}

fn user(message: impl Into<String>) -> HandlerError {
    HandlerError::User(message.into())
}

type Outcome = Result<Reply, HandlerError>;

/// Runs one command for `caller` and says what to answer. Never fails: a problem becomes
/// an ephemeral error reply.
pub async fn execute(app: &App, caller: &Caller, command: Command, now: DateTime<Utc>) -> Reply {
    if command.needs_admin() && !caller.is_admin {
        return Reply::error(format!(
            "`/{}` changes this server's news desk, so only admins may run it ({}).",
            command.name(),
            admin_rule(app, caller.platform)
        ));
    }
    let name = command.name();
    let cooldown = command.cooldown_kind().filter(|_| !caller.is_operator);
    let user_key = format!("{}:{}", caller.platform.as_str(), caller.user);
    let server_key = caller.scope();
    if let Some(kind) = cooldown
        && let Err(wait) = app
            .cooldowns
            .check(kind, limits(app, kind), &user_key, &server_key, now)
    {
        return Reply::error(cooldown_text(name, &wait, now));
    }
    let outcome = match command {
        Command::Subscribe {
            topic,
            channel,
            mode,
            schedule,
            timezone,
            min_score,
            max_items,
        } => {
            let options = subscriptions::SubscribeOptions {
                topic,
                channel,
                mode,
                schedule,
                timezone,
                min_score,
                max_items,
            };
            subscriptions::subscribe(app, caller, options, now).await
        }
        Command::Unsubscribe { topic, channel } => {
            subscriptions::unsubscribe(app, caller, &topic, channel.as_deref()).await
        }
        Command::Subscriptions => subscriptions::subscriptions(app, caller, now).await,
        Command::Topics(action) => topics::topics(app, caller, action, now).await,
        Command::Sources(action) => sources::sources(app, caller, action, now).await,
        Command::Digest { topic, hours, public } => reading::digest(app, caller, topic, hours, public, now).await,
        Command::Search { query, topic, days } => reading::search(app, caller, &query, topic, days, now).await,
        Command::Latest { topic, count } => reading::latest(app, caller, topic, count, now).await,
        Command::Summarize { url } => reading::summarize(app, caller, &url, now).await,
        Command::Settings { timezone, min_score } => {
            subscriptions::settings(app, caller, timezone, min_score, now).await
        }
        Command::Stats => reading::stats(app, caller, now).await,
        Command::Help => Ok(Reply::private(help_text())),
    };
    if let (Some(kind), Ok(_)) = (cooldown, &outcome) {
        app.cooldowns.record(kind, &user_key, &server_key, now);
    }
    match outcome {
        Ok(reply) => reply,
        Err(HandlerError::User(message)) => Reply::error(message),
        Err(HandlerError::Store(err)) => {
            tracing::error!(command = name, error = %err, "command failed");
            Reply::error("Something went wrong on our side (the error was logged). Please try again in a minute.")
        }
    }
}

fn limits(app: &App, kind: CooldownKind) -> Limits {
    let c = &app.settings.cooldowns;
    let (user_gap_secs, server_per_hour) = match kind {
        CooldownKind::Summarize => (c.summarize_user_secs, c.summarize_server_per_hour),
        CooldownKind::Digest => (c.digest_user_secs, c.digest_server_per_hour),
        CooldownKind::Search => (c.search_user_secs, c.search_server_per_hour),
    };
    Limits {
        user_gap_secs,
        server_per_hour,
    }
}

/// "⏳ … try again in 25 s": the limit that applies and when it lifts.
fn cooldown_text(name: &str, wait: &Wait, now: DateTime<Utc>) -> String {
    let seconds = (wait.until() - now).num_seconds().max(1);
    let again = if seconds < 120 {
        format!("in {seconds} s")
    } else {
        format!(
            "in {} min (at {})",
            (seconds + 59) / 60,
            wait.until().format("%H:%M UTC")
        )
    };
    match wait {
        Wait::User { gap_secs, .. } => {
            format!("⏳ `/{name}` is cooling down for you: one run every {gap_secs} s per person. Try again {again}.")
        }
        Wait::Server { per_hour, .. } => format!(
            "⏳ This server ran `/{name}` {per_hour} times in the last hour, the most it may \
             (`cooldowns.{}_server_per_hour`). Try again {again}.",
            name.replace(' ', "_")
        ),
    }
}

fn admin_rule(app: &App, platform: Platform) -> String {
    match platform {
        Platform::Discord => "the Manage Server permission".to_string(),
        Platform::Matrix => format!(
            "a power level of at least {} in this room",
            app.settings.matrix.admin_power_level
        ),
        Platform::Console => "the console is always admin".to_string(),
    }
}

/// The text of `/help`.
pub fn help_text() -> String {
    [
        "**newsdesk** — an AI news desk for this server.",
        "",
        "**Reading**",
        "`/digest [topic] [hours] [public]` — a digest now (only you see it unless `public:true`)",
        "`/latest [topic] [count]` — the newest articles",
        "`/search query [topic] [days]` — search the archive, e.g. `/search query:\"mixture of experts\" days:30`",
        "`/summarize url` — summarise one article or podcast page",
        "`/topics` — the topics you can subscribe to · `/sources` — what we read, and its health",
        "`/subscriptions` — what this server receives · `/stats` — numbers",
        "",
        "**Admins** (Manage Server; members do not see these)",
        "`/subscribe topic [channel] [mode] [schedule] [timezone] [min_score] [max_items]` — e.g.",
        "  `/subscribe topic:agents schedule:\"daily 08:30\" timezone:Europe/Berlin` (digest), or",
        "  `/subscribe topic:security mode:instant` (each strong story as it appears; never the backlog)",
        "`/unsubscribe topic [channel]` · `/manage settings [timezone] [min_score]`",
        "`/manage sources add|remove|import` — this server's own sources (🏠)",
        "`/manage sources mute|unmute` — stop or resume a global source (🌐) here only",
        "`/manage topics create|edit|delete` — this server's custom topics",
        "",
        "Sources marked 🌐 are the operator's and feed every server; 🏠 ones only this server.",
        "Schedules: `daily HH:MM`, `weekdays HH:MM`, `weekly mon HH:MM`; timezones are IANA names (`Europe/Berlin`).",
        "Scores run 0–30 (relevance + quality + timeliness); the default minimum is 15.",
    ]
    .join("\n")
}

/// The channel a subscription command is about: the current one, or the one named.
fn resolve_channel(caller: &Caller, given: Option<&str>) -> Result<String, HandlerError> {
    let Some(given) = given.map(str::trim).filter(|g| !g.is_empty()) else {
        return Ok(caller.channel.clone());
    };
    match caller.platform {
        Platform::Discord => {
            let id = given
                .strip_prefix("<#")
                .and_then(|rest| rest.strip_suffix('>'))
                .unwrap_or(given);
            if !id.is_empty() && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit()) {
                Ok(id.to_string())
            } else {
                Err(user(format!(
                    "channel:{given} is not a channel; pick one from the list or write it as #channel"
                )))
            }
        }
        Platform::Console => {
            if given == "console" {
                Ok(given.to_string())
            } else {
                Err(user(format!(
                    "channel:{given} does not exist here; the console has one channel, `console`"
                )))
            }
        }
        Platform::Matrix => {
            if given.starts_with('!') && given.contains(':') {
                Ok(given.to_string())
            } else {
                Err(user(format!(
                    "channel:{given} is not a room id; write it like `!abc123:example.org`, or leave it out for this room"
                )))
            }
        }
    }
}

fn channel_label(platform: Platform, channel: &str) -> String {
    match platform {
        Platform::Discord => format!("<#{channel}>"),
        Platform::Console => "`console`".to_string(),
        Platform::Matrix => format!("`{channel}`"),
    }
}

fn check_min_score(score: i64) -> Result<i64, HandlerError> {
    if (0..=30).contains(&score) {
        Ok(score)
    } else {
        Err(user(format!(
            "min_score:{score} is out of range; scores run 0 to 30 (default {}), e.g. `min_score:18`",
            crate::pipeline::score::DEFAULT_MIN_SCORE
        )))
    }
}

fn split_terms(text: &str) -> Vec<String> {
    text.split([',', ';', '\n'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

fn linked_title(title: &str, url: Option<&str>) -> String {
    let title = markdown_text(&truncate_width(&clean_line(title), 120));
    match url.and_then(safe_url) {
        // Angle brackets keep Discord from unfurling a preview for every link of a list.
        Some(url) => format!("[{title}](<{url}>)"),
        None => title,
    }
}

fn local_time(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%a %Y-%m-%d %H:%M %Z").to_string()
}

fn until(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let minutes = (at - now).num_minutes().max(0);
    match minutes {
        0 => "in under a minute".to_string(),
        1..=59 => format!("in {minutes} min"),
        60..=2879 => format!("in {} h {} min", minutes / 60, minutes % 60),
        _ => format!("in {} days", minutes / 1440),
    }
}

/// A heading and lines, cut to fit one message with "… and N more".
fn list_text(heading: &str, lines: &[String]) -> String {
    let mut text = heading.to_string();
    let mut shown = 0;
    for line in lines.iter().take(MAX_LIST_LINES) {
        if text.chars().count() + line.chars().count() + 40 > MAX_REPLY_CHARS {
            break;
        }
        text.push('\n');
        text.push_str(line);
        shown += 1;
    }
    if shown < lines.len() {
        text.push_str(&format!("\n… and {} more", lines.len() - shown));
    }
    text
}
