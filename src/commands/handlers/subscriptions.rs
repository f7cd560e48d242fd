//! Subscribing channels, listing and stopping subscriptions, and a server's settings.

use chrono::{DateTime, Utc};

use super::*;

pub(super) struct SubscribeOptions {
    pub(super) topic: String,
    pub(super) channel: Option<String>,
    pub(super) mode: Option<Mode>,
    pub(super) schedule: Option<String>,
    pub(super) timezone: Option<String>,
    pub(super) min_score: Option<i64>,
    pub(super) max_items: Option<i64>,
}

pub(super) async fn subscribe(app: &App, caller: &Caller, options: SubscribeOptions, now: DateTime<Utc>) -> Outcome {
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

pub(super) async fn unsubscribe(app: &App, caller: &Caller, topic: &str, channel: Option<&str>) -> Outcome {
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

pub(super) async fn subscriptions(app: &App, caller: &Caller, now: DateTime<Utc>) -> Outcome {
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

pub(super) async fn settings(
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
