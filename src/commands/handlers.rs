//! What each command does. Handlers check every option against the store and the
//! catalogues, and answer with a [`Reply`] whose errors name the bad value and the fix.
//! Feed text that reaches a reply is escaped here, once, for Discord-flavoured Markdown.

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
            let options = SubscribeOptions {
                topic,
                channel,
                mode,
                schedule,
                timezone,
                min_score,
                max_items,
            };
            subscribe(app, caller, options, now).await
        }
        Command::Unsubscribe { topic, channel } => unsubscribe(app, caller, &topic, channel.as_deref()).await,
        Command::Subscriptions => subscriptions(app, caller, now).await,
        Command::Topics(action) => topics(app, caller, action, now).await,
        Command::Sources(action) => sources(app, caller, action, now).await,
        Command::Digest { topic, hours, public } => digest(app, caller, topic, hours, public, now).await,
        Command::Search { query, topic, days } => search(app, caller, &query, topic, days, now).await,
        Command::Latest { topic, count } => latest(app, caller, topic, count, now).await,
        Command::Summarize { url } => summarize(app, caller, &url, now).await,
        Command::Settings { timezone, min_score } => settings(app, caller, timezone, min_score, now).await,
        Command::Stats => stats(app, caller, now).await,
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

struct SubscribeOptions {
    topic: String,
    channel: Option<String>,
    mode: Option<Mode>,
    schedule: Option<String>,
    timezone: Option<String>,
    min_score: Option<i64>,
    max_items: Option<i64>,
}

async fn subscribe(app: &App, caller: &Caller, options: SubscribeOptions, now: DateTime<Utc>) -> Outcome {
    let scope = caller.scope();
    let topic = app.editor.find_topic(&scope, &options.topic).await?;
    let channel = resolve_channel(caller, options.channel.as_deref())?;
    let mode = options.mode.unwrap_or(Mode::Digest);
    let server = app.store.server_settings(&scope).await?;
    let defaults = &app.settings.delivery;

    let timezone_text = options
        .timezone
        .or(server.timezone)
        .unwrap_or_else(|| defaults.default_timezone.clone());
    let timezone = parse_timezone(&timezone_text).map_err(|e| user(e.to_string()))?;
    let min_score = check_min_score(
        options
            .min_score
            .or(server.min_score)
            .unwrap_or(i64::from(defaults.default_min_score)),
    )?;
    let max_items = options.max_items.unwrap_or(i64::from(defaults.default_max_items));
    if !(1..=25).contains(&max_items) {
        return Err(user(format!(
            "max_items:{max_items} is out of range; pick 1 to 25 stories per digest"
        )));
    }
    let schedule = match (mode, options.schedule) {
        (Mode::Instant, Some(given)) => {
            return Err(user(format!(
                "instant subscriptions post each story as it appears and take no schedule (got {given:?}); \
                 drop `schedule:` or use `mode:digest`"
            )));
        }
        (Mode::Instant, None) => None,
        (Mode::Digest, given) => {
            let text = given.unwrap_or_else(|| defaults.default_schedule.clone());
            Some(text.parse::<Schedule>().map_err(|e| user(e.to_string()))?)
        }
    };
    let next_run_at = schedule.map(|s| s.next_after(now, timezone));
    let new = NewSubscription {
        platform: caller.platform.as_str().to_string(),
        scope,
        channel: channel.clone(),
        topic: topic.slug.clone(),
        mode: mode.as_str().to_string(),
        schedule: schedule.map(|s| s.to_string()),
        timezone: timezone.name().to_string(),
        min_score,
        max_items,
        next_run_at,
        cursor_at: now,
        created_by: Some(caller.user.clone()),
    };
    // A channel another server subscribed is that server's to change.
    if let Some(owner) = app
        .store
        .subscription_owner(&new.platform, &new.channel, &new.topic)
        .await?
        && owner != new.scope
    {
        return Err(user(format!(
            "{} belongs to another server; pick a channel of this server",
            channel_label(caller.platform, &channel)
        )));
    }
    let (row, created) = app.store.upsert_subscription(&new, now).await?;
    let place = channel_label(caller.platform, &channel);
    let verb = if created { "subscribed" } else { "updated" };
    let text = match (schedule, row.next_run_at) {
        (Some(schedule), Some(next)) => format!(
            "✅ {place} {verb}: the **{}** digest, {schedule} ({}), up to {max_items} stories at ⭐ {min_score}/30 or more.\n\
             Next one: {} ({}).",
            markdown_text(&topic.name),
            timezone.name(),
            local_time(next, timezone),
            until(next, now),
        ),
        _ => format!(
            "✅ {place} {verb}: **{}** stories at ⭐ {min_score}/30 or more, posted as they appear \
             (nothing from before now, at most {} per cycle).",
            markdown_text(&topic.name),
            app.settings.delivery.instant_per_cycle,
        ),
    };
    Ok(Reply::private(text))
}

async fn unsubscribe(app: &App, caller: &Caller, topic: &str, channel: Option<&str>) -> Outcome {
    let channel = resolve_channel(caller, channel)?;
    let slug = topic.trim().to_lowercase();
    if app
        .store
        .delete_subscription(caller.platform.as_str(), &caller.scope(), &channel, &slug)
        .await?
    {
        return Ok(Reply::private(format!(
            "🗑️ {} no longer receives **{}**.",
            channel_label(caller.platform, &channel),
            markdown_text(&slug)
        )));
    }
    let here = app
        .store
        .subscriptions_for(caller.platform.as_str(), &caller.scope(), Some(&channel))
        .await?;
    let known: Vec<String> = here.iter().map(|s| format!("`{}`", s.topic)).collect();
    Err(user(format!(
        "{} is not subscribed to {:?}; {}",
        channel_label(caller.platform, &channel),
        slug,
        if known.is_empty() {
            "it has no subscriptions (see `/subscriptions`)".to_string()
        } else {
            format!("its topics are {}", known.join(", "))
        }
    )))
}

async fn subscriptions(app: &App, caller: &Caller, now: DateTime<Utc>) -> Outcome {
    let rows = app
        .store
        .subscriptions_for(caller.platform.as_str(), &caller.scope(), None)
        .await?;
    if rows.is_empty() {
        return Ok(Reply::private(
            "No subscriptions yet. An admin can start one with `/subscribe topic:agents schedule:\"daily 08:30\"`; \
             `/topics` lists the topics.",
        ));
    }
    let lines: Vec<String> = rows
        .iter()
        .map(|row| subscription_line(caller.platform, row, now))
        .collect();
    Ok(Reply::private(list_text(
        &format!("**Subscriptions** ({})", rows.len()),
        &lines,
    )))
}

fn subscription_line(platform: Platform, row: &SubscriptionRow, now: DateTime<Utc>) -> String {
    let place = channel_label(platform, &row.channel);
    let tz: Tz = row.timezone.parse().unwrap_or(Tz::UTC);
    let what = if row.is_instant() {
        format!("instant, ⭐ ≥ {}", row.min_score)
    } else {
        let next = row
            .next_run_at
            .map(|t| format!(", next {} ({})", local_time(t, tz), until(t, now)))
            .unwrap_or_default();
        format!(
            "{} {}, ≤ {} stories, ⭐ ≥ {}{next}",
            row.schedule.as_deref().unwrap_or("?"),
            row.timezone,
            row.max_items,
            row.min_score
        )
    };
    let mut line = format!("• {place} · `{}` · {what}", row.topic);
    if let Some(reason) = &row.paused_reason {
        line.push_str(&format!(
            "\n  ⏸️ paused since {}: {} — fix it, then `/subscribe` again to resume",
            row.paused_at
                .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                .unwrap_or_default(),
            markdown_text(reason)
        ));
    }
    line
}

async fn topics(app: &App, caller: &Caller, action: TopicsAction, now: DateTime<Utc>) -> Outcome {
    let scope = caller.scope();
    match action {
        TopicsAction::List => {
            let index = app.editor.topic_index().await?;
            let mut rows: Vec<&TopicRow> = index.visible(&scope).collect();
            rows.sort_by(|a, b| a.builtin.cmp(&b.builtin).reverse().then(a.slug.cmp(&b.slug)));
            let lines: Vec<String> = rows
                .iter()
                .map(|t| {
                    format!(
                        "• `{}` — **{}**{}: {}",
                        t.slug,
                        markdown_text(&t.name),
                        if t.builtin { "" } else { " (custom)" },
                        truncate_width(&markdown_text(&t.description), 90)
                    )
                })
                .collect();
            Ok(Reply::private(list_text(
                &format!("**Topics** ({}) — subscribe with `/subscribe topic:<slug>`", rows.len()),
                &lines,
            )))
        }
        TopicsAction::Create {
            slug,
            name,
            include,
            exclude,
            description,
        } => {
            let spec = TopicSpec {
                scope,
                slug,
                name,
                description,
                include: split_terms(&include),
                exclude: exclude.as_deref().map(split_terms).unwrap_or_default(),
                created_by: Some(caller.user.clone()),
            };
            let row = app.editor.create_topic(&spec, now).await?;
            Ok(Reply::private(format!(
                "✅ Created topic `{}` (**{}**) matching {}. Subscribe with `/subscribe topic:{}`.",
                row.slug,
                markdown_text(&row.name),
                markdown_text(&row.include.join(", ")),
                row.slug
            )))
        }
        TopicsAction::Edit {
            slug,
            name,
            include,
            exclude,
            description,
        } => {
            let existing = app.editor.find_topic(&scope, &slug).await?;
            if existing.builtin || existing.scope != scope {
                return Err(user(format!(
                    "{:?} is a built-in topic and cannot be changed; create your own with `/manage topics create`",
                    existing.slug
                )));
            }
            let spec = TopicSpec {
                scope,
                slug: existing.slug.clone(),
                name,
                description,
                include: include.as_deref().map(split_terms).unwrap_or(existing.include),
                exclude: exclude.as_deref().map(split_terms).unwrap_or(existing.exclude),
                created_by: Some(caller.user.clone()),
            };
            app.editor.edit_topic(&spec, now).await?;
            Ok(Reply::private(format!("✅ Updated topic `{}`.", existing.slug)))
        }
        TopicsAction::Delete { slug } => {
            let slug = slug.trim().to_lowercase();
            app.editor.delete_topic(&scope, &slug).await?;
            Ok(Reply::private(format!("🗑️ Deleted topic `{slug}`.")))
        }
    }
}

async fn sources(app: &App, caller: &Caller, action: SourcesAction, now: DateTime<Utc>) -> Outcome {
    let scope = caller.scope();
    match action {
        SourcesAction::List => list_sources(app, &scope).await,
        SourcesAction::Add {
            url,
            name,
            kind,
            global,
        } => {
            let kind = match kind.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(text) => Some(
                    text.parse::<SourceKind>()
                        .map_err(|_| user(format!("kind:{text} is not a source kind; use `feed` or `podcast`")))?,
                ),
            };
            let target = target_scope(caller, global, "add")?;
            // A server adding what every server already reads gets told, not a second link.
            if target != GLOBAL_SCOPE
                && let Ok(canonical) = crate::app::normalize_source_url(&url)
                && let Some(links) = app.store.source_links(canonical.as_str()).await?
                && links.is_global()
                && !links.linked_by(&target)
            {
                let muted = app
                    .store
                    .sources_for_scope(&target)
                    .await?
                    .iter()
                    .any(|s| s.source.id == links.source_id && s.muted);
                return Err(user(format!(
                    "{} is already a 🌐 global source: every server reads it{}",
                    markdown_text(&links.url),
                    if muted {
                        format!(
                            ". It is muted here; `/manage sources unmute url:{}` brings it back",
                            links.url
                        )
                    } else {
                        String::new()
                    }
                )));
            }
            match app
                .add_source_to(&target, &url, kind, name, Some(caller.user.clone()), now)
                .await
            {
                Ok((row, Added::AlreadyLinked)) => Err(user(format!(
                    "{} is already one of {}; `/sources` lists them",
                    markdown_text(&row.url),
                    if target == GLOBAL_SCOPE {
                        "the global sources"
                    } else {
                        "this server's sources"
                    }
                ))),
                Ok((row, added)) => {
                    let whose = if target == GLOBAL_SCOPE {
                        "🌐 for every server"
                    } else {
                        "🏠 for this server"
                    };
                    let when = match added {
                        Added::New => "It is polled within the next minute; `/sources` shows its health.",
                        _ => "It is already being polled; `/sources` shows its health.",
                    };
                    let shown = app
                        .store
                        .sources_for_scope(&target)
                        .await?
                        .into_iter()
                        .find(|s| s.source.id == row.id)
                        .map(|s| s.display_name().to_string())
                        .unwrap_or(row.url.clone());
                    Ok(Reply::private(format!(
                        "✅ Added {} ({}) {whose}. {when}",
                        markdown_text(&shown),
                        row.kind
                    )))
                }
                Err(AddSourceError::Store(err)) => Err(err.into()),
                Err(AddSourceError::InvalidUrl(given, _)) => Err(user(format!(
                    "{given:?} is not a URL; give the feed's full address, e.g. `https://example.com/feed.xml`"
                ))),
                Err(other) => Err(user(other.to_string())),
            }
        }
        SourcesAction::Remove { url } => {
            let links = find_links(app, &scope, &url).await?;
            let target = if links.linked_by(&scope) {
                scope.clone()
            } else if caller.is_operator {
                GLOBAL_SCOPE.to_string()
            } else {
                return Err(user(format!(
                    "🌐 {} is a global source: the bot's operator added it for every server, so only the \
                     operator can remove it. To stop it reaching this server, mute it here: \
                     `/manage sources mute url:{}`",
                    markdown_text(&links.url),
                    links.url
                )));
            };
            let outcome = app.store.unlink_source(links.source_id, &target).await?;
            let what = if target == GLOBAL_SCOPE && !scope.is_empty() {
                "the 🌐 global source"
            } else {
                ""
            };
            let text = match outcome {
                Some(Unlinked::SourceDeleted { articles }) => format!(
                    "🗑️ Removed {what}{}{} and its {articles} stored articles.",
                    if what.is_empty() { "" } else { " " },
                    markdown_text(&links.url)
                ),
                Some(Unlinked::StillUsed { other_scopes }) if caller.is_operator => format!(
                    "🗑️ Removed {what}{}{}; {other_scopes} other server(s) read it as their own source, \
                     so it is still polled and its articles stay.",
                    if what.is_empty() { "" } else { " " },
                    markdown_text(&links.url)
                ),
                Some(Unlinked::StillUsed { .. }) | None => {
                    format!("🗑️ Removed {} from this server's sources.", markdown_text(&links.url))
                }
            };
            Ok(Reply::private(text))
        }
        SourcesAction::Mute { url } => {
            let links = find_links(app, &scope, &url).await?;
            if scope.is_empty() {
                return Err(user(
                    "muting stops a global source for one server; here every global source is read. \
                     Remove it instead with `/manage sources remove`",
                ));
            }
            if links.linked_by(&scope) {
                return Err(user(format!(
                    "{} is this server's own source (🏠); remove it instead: `/manage sources remove url:{}`",
                    markdown_text(&links.url),
                    links.url
                )));
            }
            if app
                .store
                .mute_source(&scope, links.source_id, Some(&caller.user), now)
                .await?
            {
                Ok(Reply::private(format!(
                    "🔇 Muted {} for this server: its articles no longer reach digests, alerts or search here. \
                     Other servers are not affected; `/manage sources unmute` undoes it.",
                    markdown_text(&links.url)
                )))
            } else {
                Err(user(format!("{} is already muted here", markdown_text(&links.url))))
            }
        }
        SourcesAction::Unmute { url } => {
            let links = find_links(app, &scope, &url).await?;
            if app.store.unmute_source(&scope, links.source_id).await? {
                Ok(Reply::private(format!(
                    "🔊 Unmuted {}: this server reads it again.",
                    markdown_text(&links.url)
                )))
            } else {
                Err(user(format!(
                    "{} is not muted here; `/sources` marks muted sources with 🔇",
                    markdown_text(&links.url)
                )))
            }
        }
        SourcesAction::Import { opml, global } => {
            let target = target_scope(caller, global, "import")?;
            let text = match opml {
                OpmlInput::Text(text) => text,
                OpmlInput::Url(url) => fetch_text(app, &url).await?,
            };
            let report = match app.import_opml_to(&target, &text, &caller.user, now).await {
                Ok(report) => report,
                Err(ImportError::Opml(err)) => {
                    return Err(user(format!("that is not an OPML file I can read: {err}")));
                }
                Err(ImportError::Store(err)) => return Err(err.into()),
            };
            let mut text = format!(
                "📥 OPML import: {} added, {} already there, {} refused ({}).",
                report.added.len(),
                report.existing.len(),
                report.refused.len(),
                if target == GLOBAL_SCOPE {
                    "🌐 for every server"
                } else {
                    "🏠 for this server"
                },
            );
            for (url, reason) in report.refused.iter().take(5) {
                text.push_str(&format!("\n• {} — {}", markdown_text(url), markdown_text(reason)));
            }
            if report.refused.len() > 5 {
                text.push_str(&format!("\n… and {} more refused", report.refused.len() - 5));
            }
            Ok(Reply::private(text))
        }
    }
}

/// Where an add or import goes: the caller's server, or with `global:true` every server
/// (operators only; the console and CLI are global already).
fn target_scope(caller: &Caller, global: bool, verb: &str) -> Result<String, HandlerError> {
    let scope = caller.scope();
    if global && !scope.is_empty() && !caller.is_operator {
        return Err(user(format!(
            "`global:true` would {verb} for every server using this bot, which only the bot's operator may do; \
             leave it out to {verb} for this server"
        )));
    }
    Ok(if global { GLOBAL_SCOPE.to_string() } else { scope })
}

/// The links of the source at `url` when `scope` can see it (global or its own); another
/// server's private source is "not found", exactly like a URL nobody added.
async fn find_links(app: &App, scope: &str, url: &str) -> Result<SourceLinks, HandlerError> {
    let canonical = crate::app::normalize_source_url(url)
        .map(|u| u.to_string())
        .unwrap_or_else(|_| url.trim().to_string());
    match app.store.source_links(&canonical).await? {
        Some(links) if links.is_global() || links.linked_by(scope) => Ok(links),
        _ => Err(user(format!(
            "no source of this server has the URL {:?}; `/sources` lists them with their URLs",
            url.trim()
        ))),
    }
}

/// `/sources`: what this server reads (🌐 global, 🏠 its own, 🔇 muted here) with health,
/// problems first.
async fn list_sources(app: &App, scope: &str) -> Outcome {
    let rows = app.store.sources_for_scope(scope).await?;
    if rows.is_empty() {
        return Ok(Reply::private(
            "No sources yet. Admins add one with `/manage sources add url:https://example.com/feed.xml`.",
        ));
    }
    let failing = rows
        .iter()
        .filter(|r| r.source.status() == SourceStatus::Failing)
        .count();
    let disabled = rows
        .iter()
        .filter(|r| r.source.status() == SourceStatus::Disabled)
        .count();
    let own = rows.iter().filter(|r| r.own).count();
    let muted = rows.iter().filter(|r| r.muted && !r.own).count();
    // Problems first: they are what an admin opens this list for.
    let mut sorted: Vec<_> = rows.iter().collect();
    sorted.sort_by_key(|r| match r.source.status() {
        SourceStatus::Disabled => 0,
        SourceStatus::Failing => 1,
        SourceStatus::New => 2,
        SourceStatus::Ok => 3,
    });
    let lines: Vec<String> = sorted
        .iter()
        .map(|scoped| {
            let row = &scoped.source;
            let whose = if scoped.own {
                "🏠"
            } else if scoped.muted {
                "🔇"
            } else {
                "🌐"
            };
            let name = markdown_text(&truncate_width(scoped.display_name(), 60));
            let when = |t: Option<DateTime<Utc>>| {
                t.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                    .unwrap_or_default()
            };
            let error = row
                .last_error
                .as_deref()
                .map(|e| format!(" — {}", markdown_text(&truncate_width(&clean_line(e), 120))))
                .unwrap_or_default();
            let health = match row.status() {
                SourceStatus::Ok => format!("✅ {name} · {} articles", row.articles),
                SourceStatus::New => format!("🆕 {name} · not polled yet"),
                SourceStatus::Failing => {
                    format!("⚠️ {name} · failing since {}{error}", when(row.failing_since))
                }
                SourceStatus::Disabled => {
                    format!("⛔ {name} · disabled since {}{error}", when(row.disabled_at))
                }
            };
            format!("{whose} {health}")
        })
        .collect();
    let mut heading = format!(
        "**Sources** ({} · {} failing · {} disabled) — 🌐 global · 🏠 this server's ({own}/{}) · 🔇 muted here ({muted})",
        rows.len(),
        failing,
        disabled,
        app.settings.sources.max_per_server
    );
    if scope.is_empty() {
        heading = format!(
            "**Sources** ({} · {} failing · {} disabled) — 🌐 global",
            rows.len(),
            failing,
            disabled
        );
    }
    Ok(Reply::private(list_text(&heading, &lines)))
}

/// Fetches a small text document through the guarded fetcher (private addresses refused).
async fn fetch_text(app: &App, raw_url: &str) -> Result<String, HandlerError> {
    let url = url::Url::parse(raw_url.trim()).map_err(|_| {
        user(format!(
            "{:?} is not a URL; give a full https:// address",
            raw_url.trim()
        ))
    })?;
    match app.fetcher.fetch_text(&url, "*/*").await {
        Ok(text) => Ok(text),
        // A 304 is the one answer that comes back without a body.
        Err(err) if err.status == Some(304) => Err(user(format!("{url} answered without a body"))),
        Err(err) => Err(user(format!("cannot fetch {url}: {err}"))),
    }
}

async fn digest(
    app: &App,
    caller: &Caller,
    topic: Option<String>,
    hours: Option<i64>,
    public: bool,
    now: DateTime<Utc>,
) -> Outcome {
    let hours = hours.unwrap_or(24);
    if !(1..=168).contains(&hours) {
        return Err(user(format!("hours:{hours} is out of range; pick 1 to 168 (one week)")));
    }
    let scope = caller.scope();
    let server = app.store.server_settings(&scope).await?;
    let min_score = server
        .min_score
        .unwrap_or(i64::from(app.settings.delivery.default_min_score));
    let request = DigestRequest {
        scope,
        topic: topic.map(|t| t.trim().to_lowercase()).filter(|t| !t.is_empty()),
        hours: hours as u32,
        max_items: usize::from(app.settings.delivery.default_max_items),
        min_score: min_score.clamp(0, 30) as u8,
    };
    let digest = app.editor.digest(&request, now).await?;
    if digest.items.is_empty() {
        return Ok(Reply::private(format!(
            "No stories at ⭐ {min_score}/30 or more in the last {hours} h{} ({} articles in the window). \
             Try a longer window, e.g. `/digest hours:72`.",
            request
                .topic
                .as_deref()
                .map(|t| format!(" for `{t}`"))
                .unwrap_or_default(),
            digest.stats.in_window
        )));
    }
    Ok(Reply::Digest {
        digest: Box::new(digest),
        ephemeral: !public,
    })
}

async fn search(
    app: &App,
    caller: &Caller,
    query: &str,
    topic: Option<String>,
    days: Option<i64>,
    now: DateTime<Utc>,
) -> Outcome {
    if crate::store::fts_query(query).is_none() {
        return Err(user(format!(
            "{:?} has no words to search for; try e.g. `/search query:\"mixture of experts\"`",
            query
        )));
    }
    if let Some(days) = days
        && !(1..=3650).contains(&days)
    {
        return Err(user(format!("days:{days} is out of range; pick 1 to 3650")));
    }
    let topic = match topic {
        Some(slug) => Some(app.editor.find_topic(&caller.scope(), &slug).await?),
        None => None,
    };
    const SHOWN: usize = 8;
    let since = days.map(|d| now - chrono::Duration::days(d));
    let mut hits = app
        .store
        .search_in(
            query,
            since,
            topic.as_ref().map(|t| t.id),
            &caller.scope(),
            SHOWN as u32,
        )
        .await?;
    hits.truncate(SHOWN);
    if hits.is_empty() {
        return Ok(Reply::private(format!(
            "Nothing found for {}{}{}. Fewer or other words may help.",
            markdown_text(query),
            topic.map(|t| format!(" in `{}`", t.slug)).unwrap_or_default(),
            days.map(|d| format!(" in the last {d} days")).unwrap_or_default()
        )));
    }
    let lines: Vec<String> = hits
        .iter()
        .enumerate()
        .map(|(i, hit)| {
            let snippet = hit
                .snippet
                .split("**")
                .map(markdown_text)
                .collect::<Vec<_>>()
                .join("**");
            format!(
                "{}. {} — {} · {}\n   {}",
                i + 1,
                linked_title(&hit.title, hit.url.as_deref()),
                markdown_text(&truncate_width(&hit.source, 40)),
                hit.published_at.format("%Y-%m-%d"),
                truncate_width(&snippet, 200)
            )
        })
        .collect();
    Ok(Reply::private(list_text(
        &format!("🔎 **{}**", markdown_text(query)),
        &lines,
    )))
}

async fn latest(app: &App, caller: &Caller, topic: Option<String>, count: Option<i64>, now: DateTime<Utc>) -> Outcome {
    let count = count.unwrap_or(5);
    if !(1..=20).contains(&count) {
        return Err(user(format!("count:{count} is out of range; pick 1 to 20")));
    }
    let topic = match topic {
        Some(slug) => Some(app.editor.find_topic(&caller.scope(), &slug).await?),
        None => None,
    };
    // Make sure recently stored articles carry the current topic tags before filtering.
    app.editor.retag_stale(now).await?;
    let rows = app
        .store
        .latest_articles(topic.as_ref().map(|t| t.id), &caller.scope(), count as u32)
        .await?;
    if rows.is_empty() {
        return Ok(Reply::private(match &topic {
            Some(t) => format!("No articles on `{}` yet.", t.slug),
            None => "No articles yet: sources are polled every few minutes.".to_string(),
        }));
    }
    let lines: Vec<String> = rows
        .iter()
        .map(|a| {
            format!(
                "• {} — {} · {}",
                linked_title(&a.title, a.url.as_deref()),
                markdown_text(&truncate_width(&a.source, 40)),
                age(a.published_at, now)
            )
        })
        .collect();
    let heading = match &topic {
        Some(t) => format!("🆕 **Latest on {}**", markdown_text(&t.name)),
        None => "🆕 **Latest**".to_string(),
    };
    Ok(Reply::text(list_text(&heading, &lines)))
}

async fn summarize(app: &App, caller: &Caller, raw_url: &str, now: DateTime<Utc>) -> Outcome {
    let trimmed = raw_url.trim();
    let parsed = url::Url::parse(trimmed).map_err(|_| {
        user(format!(
            "{trimmed:?} is not a URL; give the article's full address, e.g. `https://example.com/post`"
        ))
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(user(format!(
            "only http(s) pages can be summarised, not {}:",
            parsed.scheme()
        )));
    }
    let document = app
        .editor
        .summarize_input_for(parsed.as_str(), false, &caller.scope(), now)
        .await
        .map_err(|err| match err {
            SummarizeError::Fetch { url, source } => user(format!("cannot fetch {url}: {source}")),
            other => user(other.to_string()),
        })?;
    let s = &document.summary;
    let mut text = String::new();
    if document.share_notice {
        text.push_str(
            "ℹ️ This server used its share of today's LLM budget (`llm.max_tokens_per_server_day`): \
             summaries are made offline until 00:00 UTC.\n",
        );
    }
    text.push_str(&format!(
        "📝 **{}**\n{}\n\n**TL;DR** {}",
        markdown_text(&truncate_width(&document.title, 200)),
        safe_url(parsed.as_str()).unwrap_or_default(),
        markdown_text(&s.tldr)
    ));
    for bullet in &s.bullets {
        text.push_str(&format!("\n• {}", markdown_text(bullet)));
    }
    if let Some(why) = &s.why_it_matters {
        text.push_str(&format!("\n**Why it matters:** {}", markdown_text(why)));
    }
    if !s.tags.is_empty() {
        let tags: Vec<String> = s.tags.iter().map(|t| format!("#{}", markdown_text(t))).collect();
        text.push_str(&format!("\n{}", tags.join(" ")));
    }
    Ok(Reply::text(truncate_width(&text, MAX_REPLY_CHARS)))
}

async fn settings(
    app: &App,
    caller: &Caller,
    timezone: Option<String>,
    min_score: Option<i64>,
    now: DateTime<Utc>,
) -> Outcome {
    let scope = caller.scope();
    let timezone = match timezone {
        Some(text) => Some(parse_timezone(&text).map_err(|e| user(e.to_string()))?),
        None => None,
    };
    let min_score = min_score.map(check_min_score).transpose()?;
    let changed = timezone.is_some() || min_score.is_some();
    let current = if changed {
        app.store
            .update_server_settings(&scope, timezone.map(|t| t.name()), min_score, now)
            .await?
    } else {
        app.store.server_settings(&scope).await?
    };
    let defaults = &app.settings.delivery;
    let text = format!(
        "{}\n• timezone: `{}`\n• min_score: ⭐ {}/30\nThese are the defaults for new subscriptions and `/digest`.",
        if changed {
            "✅ Settings saved."
        } else {
            "⚙️ **Settings**"
        },
        current.timezone.as_deref().unwrap_or(&defaults.default_timezone),
        current.min_score.unwrap_or(i64::from(defaults.default_min_score)),
    );
    Ok(Reply::private(text))
}

async fn stats(app: &App, caller: &Caller, now: DateTime<Utc>) -> Outcome {
    let counts = app.store.counts(&caller.scope()).await?;
    let deliveries = app
        .store
        .delivery_counts(Some(caller.platform.as_str()), Some(&caller.scope()))
        .await?;
    let text = format!(
        "📊 **newsdesk stats**\n\
         • sources: {} ok of {}\n\
         • articles stored: {}\n\
         • subscriptions here: {} ({} paused)\n\
         • posts here: {} sent, {} pending, {} failed · {} digests",
        counts.sources_ok,
        counts.sources_total,
        counts.articles,
        deliveries.subscriptions,
        deliveries.paused,
        deliveries.sent,
        deliveries.pending,
        deliveries.failed,
        deliveries.digests
    );
    let mut text = text;
    let scope = caller.scope();
    if app.editor.llm().is_some() && !caller.is_operator && !scope.is_empty() {
        // A server sees its own use of the model, not what the others spend.
        let (spent, _) = app.store.llm_scope_usage(&scope, now).await?;
        let share = app.settings.llm.server_share();
        if share == 0 {
            text.push_str(&format!("\n• LLM today (this server): {spent} tokens"));
        } else {
            text.push_str(&format!(
                "\n• LLM today (this server): {spent} of {share} tokens{}",
                if spent >= i64::try_from(share).unwrap_or(i64::MAX) {
                    " — offline summaries until 00:00 UTC"
                } else {
                    ""
                }
            ));
        }
    } else if app.editor.llm().is_some() {
        let usage = app.store.llm_usage(now).await?;
        let tokens: i64 = usage.iter().map(|u| u.tokens()).sum();
        let requests: i64 = usage.iter().map(|u| u.requests).sum();
        let hits: i64 = usage.iter().map(|u| u.cache_hits).sum();
        let failures: i64 = usage.iter().map(|u| u.failures).sum();
        text.push_str(&format!(
            "\n• LLM today: {requests} requests, {tokens} of {} tokens, {hits} cached answers, {failures} failed",
            app.settings.llm.max_tokens_per_day
        ));
        for u in usage.iter().filter(|u| u.requests > 0 || u.cache_hits > 0) {
            text.push_str(&format!(
                "\n  – {}: {} requests, {} tokens, {} cached",
                u.task,
                u.requests,
                u.tokens(),
                u.cache_hits
            ));
        }
    }
    Ok(Reply::private(text))
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
