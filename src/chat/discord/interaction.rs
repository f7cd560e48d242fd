//! Answering an interaction: who is calling (admin, operator), running the platform-neutral
//! command with a deferral when it is slow, and sending the reply as ephemeral or public
//! messages and embeds that mention no one.

use std::time::Instant;

use poise::serenity_prelude as serenity;

use super::rest::CHART_FILENAME;
use super::*;
use crate::commands;
use crate::digest::render::discord::{DiscordMessage, Embed, digest_messages, text_chunks};

pub(super) async fn on_error(error: poise::FrameworkError<'_, Data, Error>) {
    match error {
        poise::FrameworkError::Command { error, ctx, .. } => {
            tracing::error!(command = %ctx.command().qualified_name, error = %error, "command failed");
            let _ = ctx
                .send(
                    poise::CreateReply::default()
                        .content("Something went wrong on our side (the error was logged). Please try again.")
                        .ephemeral(true)
                        .allowed_mentions(serenity::CreateAllowedMentions::new()),
                )
                .await;
        }
        poise::FrameworkError::ArgumentParse { error, input, ctx, .. } => {
            let text = match input {
                Some(input) => format!("Cannot read the option value {input:?}: {error}. See `/help`."),
                None => format!("Cannot read the options: {error}. See `/help`."),
            };
            let _ = ctx
                .send(
                    poise::CreateReply::default()
                        .content(text)
                        .ephemeral(true)
                        .allowed_mentions(serenity::CreateAllowedMentions::new()),
                )
                .await;
        }
        poise::FrameworkError::CommandStructureMismatch { ctx, description, .. } => {
            // Discord still has an older definition of this command (a registration is on its
            // way); say so rather than leave the user with "interaction failed".
            tracing::warn!(command = %ctx.command().qualified_name, %description, "command definition mismatch");
            let _ = poise::Context::Application(ctx)
                .send(
                    poise::CreateReply::default()
                        .content("This command was just updated; please run it again in a minute.")
                        .ephemeral(true)
                        .allowed_mentions(serenity::CreateAllowedMentions::new()),
                )
                .await;
        }
        other => {
            if let Err(err) = poise::builtins::on_error(other).await {
                tracing::error!(error = %err, "cannot report a framework error");
            }
        }
    }
}

/// Who is calling, from the interaction itself: admin means Administrator or Manage Server
/// in this channel, as Discord computed it for the member; operator means the application's
/// owner or team (from Discord) or one of `discord.operators`.
pub(super) fn caller(ctx: Context<'_>) -> Caller {
    let author = ctx.author().id;
    let is_operator =
        ctx.framework().options().owners.contains(&author) || ctx.data().operators.contains(&author.get());
    let is_admin = match ctx {
        poise::Context::Application(actx) => actx
            .interaction
            .member
            .as_ref()
            .and_then(|m| m.permissions)
            .is_some_and(|p| p.administrator() || p.manage_guild()),
        poise::Context::Prefix(_) => false,
    };
    Caller {
        platform: Platform::Discord,
        server: ctx.guild_id().map(|g| g.get().to_string()),
        channel: ctx.channel_id().get().to_string(),
        user: author.get().to_string(),
        is_admin,
        is_operator,
    }
}

/// Runs a command and sends its reply; defers first when the work outlasts [`DEFER_AFTER`].
pub(super) async fn respond(ctx: Context<'_>, command: Command) -> Result<(), Error> {
    let started = Instant::now();
    let caller = caller(ctx);
    let name = command.name();
    let refused = command.needs_admin() && !caller.is_admin;
    // Deferring fixes the answer's visibility before the answer exists: use the one the
    // command will most likely want.
    let ephemeral_if_deferred = match &command {
        Command::Digest { public, .. } => !public,
        Command::Summarize { .. } | Command::Latest { .. } => false,
        _ => true,
    };
    let now = ctx.data().clock.now();
    let work = commands::execute(&ctx.data().app, &caller, command, now);
    tokio::pin!(work);
    let reply = tokio::select! {
        reply = &mut work => reply,
        _ = tokio::time::sleep(DEFER_AFTER) => {
            if ephemeral_if_deferred {
                ctx.defer_ephemeral().await?;
            } else {
                ctx.defer().await?;
            }
            work.await
        }
    };
    let outcome = if refused {
        "refused"
    } else if matches!(reply, Reply::Error { .. }) {
        "error"
    } else {
        "ok"
    };
    send_reply(ctx, &reply, now).await?;
    ctx.data().metrics.command(name, outcome, started.elapsed());
    Ok(())
}

pub(super) fn no_mentions() -> serenity::CreateAllowedMentions {
    serenity::CreateAllowedMentions::new()
        .all_users(false)
        .all_roles(false)
        .everyone(false)
}

pub(super) async fn send_reply(
    ctx: Context<'_>,
    reply: &Reply,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), Error> {
    let ephemeral = reply.is_ephemeral();
    match reply {
        Reply::Text { text, .. } | Reply::Error { text } => {
            let text = if matches!(reply, Reply::Error { .. }) {
                format!("⚠️ {text}")
            } else {
                text.clone()
            };
            for chunk in text_chunks(&text, CONTENT_MAX) {
                ctx.send(
                    poise::CreateReply::default()
                        .content(chunk)
                        .ephemeral(ephemeral)
                        .allowed_mentions(no_mentions()),
                )
                .await?;
            }
        }
        Reply::Digest { digest, .. } => {
            let chart_png = chart::png(digest).ok();
            for (i, message) in digest_messages(digest, now).iter().enumerate() {
                let mut create = to_reply(message).ephemeral(ephemeral).allowed_mentions(no_mentions());
                if i == 0
                    && let Some(png) = &chart_png
                {
                    create = create.attachment(serenity::CreateAttachment::bytes(png.clone(), CHART_FILENAME));
                }
                ctx.send(create).await?;
            }
        }
    }
    Ok(())
}

pub(super) fn to_reply(message: &DiscordMessage) -> poise::CreateReply {
    let mut reply = poise::CreateReply::default();
    if !message.content.is_empty() {
        reply = reply.content(message.content.clone());
    }
    for embed in &message.embeds {
        reply = reply.embed(to_embed(embed));
    }
    reply
}

pub(super) fn to_embed(embed: &Embed) -> serenity::CreateEmbed {
    let mut out = serenity::CreateEmbed::new();
    if let Some(title) = &embed.title {
        out = out.title(title);
    }
    if let Some(description) = &embed.description {
        out = out.description(description);
    }
    if let Some(url) = &embed.url {
        out = out.url(url);
    }
    if let Some(color) = embed.color {
        out = out.color(color);
    }
    for field in &embed.fields {
        out = out.field(&field.name, &field.value, field.inline);
    }
    if let Some(footer) = &embed.footer {
        out = out.footer(serenity::CreateEmbedFooter::new(&footer.text));
    }
    if let Some(author) = &embed.author {
        out = out.author(serenity::CreateEmbedAuthor::new(&author.name));
    }
    if let Some(timestamp) = embed
        .timestamp
        .as_deref()
        .and_then(|t| serenity::Timestamp::parse(t).ok())
    {
        out = out.timestamp(timestamp);
    }
    out
}
