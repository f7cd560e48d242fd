//! The slash-command tree (poise definitions and autocomplete): reading commands open to
//! everyone, and `/subscribe`, `/unsubscribe` and `/manage …` behind Manage Server. Each
//! turns its options into a [`Command`] and hands it to [`respond`].

use poise::serenity_prelude as serenity;

use super::interaction::{caller, respond, send_reply};
use super::*;

/// Every slash command, in `/help` order. Reading commands are open to everyone; every
/// command that changes a server's desk is `/subscribe`, `/unsubscribe` or under `/manage`,
/// the three top-level commands that carry `default_member_permissions = MANAGE_GUILD`, so
/// members never see them in their picker (Discord applies that only to top-level commands).
pub fn all_commands() -> Vec<poise::Command<Data, Error>> {
    vec![
        digest(),
        latest(),
        search(),
        summarize(),
        topics(),
        sources(),
        subscriptions(),
        stats(),
        help(),
        subscribe(),
        unsubscribe(),
        manage(),
    ]
}

fn scope_of(ctx: Context<'_>) -> String {
    caller(ctx).scope()
}

async fn autocomplete_topic(ctx: Context<'_>, partial: &str) -> serenity::CreateAutocompleteResponse {
    let scope = scope_of(ctx);
    let wanted = partial.trim().to_lowercase();
    let mut choices = Vec::new();
    if let Ok(index) = ctx.data().app.editor.topic_index().await {
        let mut rows: Vec<_> = index
            .visible(&scope)
            .filter(|t| t.slug.contains(&wanted) || t.name.to_lowercase().contains(&wanted))
            .collect();
        rows.sort_by(|a, b| a.slug.cmp(&b.slug));
        for row in rows.into_iter().take(25) {
            let label: String = format!("{} — {}", row.slug, row.name).chars().take(100).collect();
            choices.push(serenity::AutocompleteChoice::new(label, row.slug.clone()));
        }
    }
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// Sources this server can see (global and its own), never another server's.
async fn autocomplete_source(ctx: Context<'_>, partial: &str) -> serenity::CreateAutocompleteResponse {
    let scope = scope_of(ctx);
    let mut choices = Vec::new();
    if let Ok(rows) = ctx.data().app.store.source_choices(&scope, partial, 50).await {
        for (url, name) in rows
            .iter()
            // A choice's value is at most 100 characters; longer URLs are typed by hand.
            .filter(|(url, _)| url.chars().count() <= 100)
            .take(25)
        {
            let label: String = format!("{name} — {url}").chars().take(100).collect();
            choices.push(serenity::AutocompleteChoice::new(label, url.clone()));
        }
    }
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

async fn autocomplete_timezone(_ctx: Context<'_>, partial: &str) -> serenity::CreateAutocompleteResponse {
    let wanted = partial.trim().to_lowercase();
    let choices = chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| tz.name())
        .filter(|name| name.to_lowercase().contains(&wanted))
        .take(25)
        .map(|name| serenity::AutocompleteChoice::new(name, name))
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

#[derive(Debug, poise::ChoiceParameter)]
enum ModeChoice {
    #[name = "digest"]
    Digest,
    #[name = "instant"]
    Instant,
}

/// Subscribe a channel to a topic: a scheduled digest or instant alerts.
// A slash command's options are its parameters.
#[allow(clippy::too_many_arguments)]
#[poise::command(slash_command, guild_only, default_member_permissions = "MANAGE_GUILD")]
async fn subscribe(
    ctx: Context<'_>,
    #[description = "Topic to receive"]
    #[autocomplete = "autocomplete_topic"]
    topic: String,
    #[description = "Channel to post in (default: this one)"]
    #[channel_types("Text", "News")]
    channel: Option<serenity::ChannelId>,
    #[description = "digest (scheduled, default) or instant (each strong story)"] mode: Option<ModeChoice>,
    #[description = "e.g. daily 08:30, weekdays 09:00, weekly mon 09:00"] schedule: Option<String>,
    #[description = "IANA timezone, e.g. Europe/Berlin"]
    #[autocomplete = "autocomplete_timezone"]
    timezone: Option<String>,
    #[description = "Minimum score out of 30 (default 15)"]
    #[min = 0]
    #[max = 30]
    min_score: Option<i64>,
    #[description = "Stories per digest (default 10)"]
    #[min = 1]
    #[max = 25]
    max_items: Option<i64>,
) -> Result<(), Error> {
    let command = Command::Subscribe {
        topic,
        channel: channel.map(|c| c.get().to_string()),
        mode: mode.map(|m| match m {
            ModeChoice::Digest => Mode::Digest,
            ModeChoice::Instant => Mode::Instant,
        }),
        schedule,
        timezone,
        min_score,
        max_items,
    };
    respond(ctx, command).await
}

/// Stop a channel's subscription to a topic.
#[poise::command(slash_command, guild_only, default_member_permissions = "MANAGE_GUILD")]
async fn unsubscribe(
    ctx: Context<'_>,
    #[description = "Topic to stop"]
    #[autocomplete = "autocomplete_topic"]
    topic: String,
    #[description = "Channel (default: this one)"]
    #[channel_types("Text", "News")]
    channel: Option<serenity::ChannelId>,
) -> Result<(), Error> {
    let command = Command::Unsubscribe {
        topic,
        channel: channel.map(|c| c.get().to_string()),
    };
    respond(ctx, command).await
}

/// What this server receives, where and when (and what is paused, and why).
#[poise::command(slash_command, guild_only)]
async fn subscriptions(ctx: Context<'_>) -> Result<(), Error> {
    respond(ctx, Command::Subscriptions).await
}

/// The topics you can subscribe to.
#[poise::command(slash_command, guild_only)]
async fn topics(ctx: Context<'_>) -> Result<(), Error> {
    respond(ctx, Command::Topics(TopicsAction::List)).await
}

/// What this server reads (🌐 global, 🏠 its own, 🔇 muted here) and each source's health.
#[poise::command(slash_command, guild_only)]
async fn sources(ctx: Context<'_>) -> Result<(), Error> {
    respond(ctx, Command::Sources(SourcesAction::List)).await
}

/// Manage this server's news desk: sources, topics, settings (admins).
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_GUILD",
    subcommands("manage_sources", "manage_topics", "manage_settings"),
    subcommand_required
)]
async fn manage(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// This server's sources: add, remove, import; mute a global one here.
#[poise::command(
    slash_command,
    guild_only,
    rename = "sources",
    subcommands("sources_add", "sources_remove", "sources_import", "sources_mute", "sources_unmute"),
    subcommand_required
)]
async fn manage_sources(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// This server's custom topics: create, edit, delete.
#[poise::command(
    slash_command,
    guild_only,
    rename = "topics",
    subcommands("topics_create", "topics_edit", "topics_delete"),
    subcommand_required
)]
async fn manage_topics(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Create a custom topic for this server.
#[poise::command(slash_command, guild_only, rename = "create")]
async fn topics_create(
    ctx: Context<'_>,
    #[description = "Short id: a-z, 0-9 and '-', e.g. robots"] slug: String,
    #[description = "Words or phrases articles must contain, comma-separated"] include: String,
    #[description = "Display name"] name: Option<String>,
    #[description = "Words that rule an article out, comma-separated"] exclude: Option<String>,
    #[description = "One line about the topic"] description: Option<String>,
) -> Result<(), Error> {
    let command = Command::Topics(TopicsAction::Create {
        slug,
        name,
        include,
        exclude,
        description,
    });
    respond(ctx, command).await
}

/// Change a custom topic.
#[poise::command(slash_command, guild_only, rename = "edit")]
async fn topics_edit(
    ctx: Context<'_>,
    #[description = "The custom topic"]
    #[autocomplete = "autocomplete_topic"]
    slug: String,
    #[description = "New display name"] name: Option<String>,
    #[description = "New include terms, comma-separated"] include: Option<String>,
    #[description = "New exclude terms, comma-separated"] exclude: Option<String>,
    #[description = "New description"] description: Option<String>,
) -> Result<(), Error> {
    let command = Command::Topics(TopicsAction::Edit {
        slug,
        name,
        include,
        exclude,
        description,
    });
    respond(ctx, command).await
}

/// Delete a custom topic.
#[poise::command(slash_command, guild_only, rename = "delete")]
async fn topics_delete(
    ctx: Context<'_>,
    #[description = "The custom topic"]
    #[autocomplete = "autocomplete_topic"]
    slug: String,
) -> Result<(), Error> {
    respond(ctx, Command::Topics(TopicsAction::Delete { slug })).await
}

/// Add a feed or podcast for this server.
#[poise::command(slash_command, guild_only, rename = "add")]
async fn sources_add(
    ctx: Context<'_>,
    #[description = "Feed URL (RSS, Atom or JSON Feed)"] url: String,
    #[description = "Display name"] name: Option<String>,
    #[description = "feed or podcast"] kind: Option<String>,
    #[description = "For every server using this bot (the bot's operator only)"] global: Option<bool>,
) -> Result<(), Error> {
    let global = global.unwrap_or(false);
    respond(
        ctx,
        Command::Sources(SourcesAction::Add {
            url,
            name,
            kind,
            global,
        }),
    )
    .await
}

/// Remove one of this server's sources.
#[poise::command(slash_command, guild_only, rename = "remove")]
async fn sources_remove(
    ctx: Context<'_>,
    #[description = "The source's URL"]
    #[autocomplete = "autocomplete_source"]
    url: String,
) -> Result<(), Error> {
    respond(ctx, Command::Sources(SourcesAction::Remove { url })).await
}

/// Stop a global source reaching this server (no other server is affected).
#[poise::command(slash_command, guild_only, rename = "mute")]
async fn sources_mute(
    ctx: Context<'_>,
    #[description = "The global source's URL"]
    #[autocomplete = "autocomplete_source"]
    url: String,
) -> Result<(), Error> {
    respond(ctx, Command::Sources(SourcesAction::Mute { url })).await
}

/// Read a muted global source again.
#[poise::command(slash_command, guild_only, rename = "unmute")]
async fn sources_unmute(
    ctx: Context<'_>,
    #[description = "The muted source's URL"]
    #[autocomplete = "autocomplete_source"]
    url: String,
) -> Result<(), Error> {
    respond(ctx, Command::Sources(SourcesAction::Unmute { url })).await
}

/// Import sources for this server from an OPML file.
#[poise::command(slash_command, guild_only, rename = "import")]
async fn sources_import(
    ctx: Context<'_>,
    #[description = "An .opml file"] file: Option<serenity::Attachment>,
    #[description = "Or the URL of one"] url: Option<String>,
    #[description = "For every server using this bot (the bot's operator only)"] global: Option<bool>,
) -> Result<(), Error> {
    let global = global.unwrap_or(false);
    let opml = match (file, url) {
        (Some(file), _) => {
            if file.size > MAX_OPML_BYTES {
                return refuse(
                    ctx,
                    format!(
                        "{} is {} bytes; OPML files up to 1 MiB are read",
                        file.filename, file.size
                    ),
                )
                .await;
            }
            if !caller(ctx).is_admin {
                // Refuse before downloading anything for a caller who may not import.
                return respond(
                    ctx,
                    Command::Sources(SourcesAction::Import {
                        opml: OpmlInput::Text(String::new()),
                        global,
                    }),
                )
                .await;
            }
            match file.download().await {
                Ok(bytes) => OpmlInput::Text(String::from_utf8_lossy(&bytes).into_owned()),
                Err(err) => return refuse(ctx, format!("cannot read the attachment {}: {err}", file.filename)).await,
            }
        }
        (None, Some(url)) => OpmlInput::Url(url),
        (None, None) => {
            return refuse(
                ctx,
                "attach an .opml file (`file:`) or give its address (`url:`)".to_string(),
            )
            .await;
        }
    };
    respond(ctx, Command::Sources(SourcesAction::Import { opml, global })).await
}

pub(super) async fn refuse(ctx: Context<'_>, text: String) -> Result<(), Error> {
    send_reply(ctx, &Reply::error(text), ctx.data().clock.now()).await
}

/// A digest now (only you see it unless public is true).
#[poise::command(slash_command, guild_only)]
async fn digest(
    ctx: Context<'_>,
    #[description = "Only this topic"]
    #[autocomplete = "autocomplete_topic"]
    topic: Option<String>,
    #[description = "Window in hours (default 24)"]
    #[min = 1]
    #[max = 168]
    hours: Option<i64>,
    #[description = "Post it for everyone in the channel"] public: Option<bool>,
) -> Result<(), Error> {
    let command = Command::Digest {
        topic,
        hours,
        public: public.unwrap_or(false),
    };
    respond(ctx, command).await
}

/// Search the archive.
#[poise::command(slash_command, guild_only)]
async fn search(
    ctx: Context<'_>,
    #[description = "Words or \"a phrase\""] query: String,
    #[description = "Only this topic"]
    #[autocomplete = "autocomplete_topic"]
    topic: Option<String>,
    #[description = "Only the last N days"]
    #[min = 1]
    #[max = 3650]
    days: Option<i64>,
) -> Result<(), Error> {
    respond(ctx, Command::Search { query, topic, days }).await
}

/// The newest articles.
#[poise::command(slash_command, guild_only)]
async fn latest(
    ctx: Context<'_>,
    #[description = "Only this topic"]
    #[autocomplete = "autocomplete_topic"]
    topic: Option<String>,
    #[description = "How many (default 5)"]
    #[min = 1]
    #[max = 20]
    count: Option<i64>,
) -> Result<(), Error> {
    respond(ctx, Command::Latest { topic, count }).await
}

/// Summarise one article or podcast page.
#[poise::command(slash_command, guild_only)]
async fn summarize(ctx: Context<'_>, #[description = "The page's URL"] url: String) -> Result<(), Error> {
    respond(ctx, Command::Summarize { url }).await
}

/// This server's defaults: timezone and minimum score.
#[poise::command(slash_command, guild_only, rename = "settings")]
async fn manage_settings(
    ctx: Context<'_>,
    #[description = "IANA timezone, e.g. Europe/Berlin"]
    #[autocomplete = "autocomplete_timezone"]
    timezone: Option<String>,
    #[description = "Minimum score out of 30"]
    #[min = 0]
    #[max = 30]
    min_score: Option<i64>,
) -> Result<(), Error> {
    respond(ctx, Command::Settings { timezone, min_score }).await
}

/// Numbers: sources, articles, subscriptions, posts.
#[poise::command(slash_command, guild_only)]
async fn stats(ctx: Context<'_>) -> Result<(), Error> {
    respond(ctx, Command::Stats).await
}

/// How to use newsdesk.
#[poise::command(slash_command)]
async fn help(ctx: Context<'_>) -> Result<(), Error> {
    respond(ctx, Command::Help).await
}
