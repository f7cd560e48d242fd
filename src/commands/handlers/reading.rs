//! The reading commands: a digest now, search, the latest articles, one-off summaries, stats.

use chrono::{DateTime, Utc};

use super::*;

pub(super) async fn digest(
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

pub(super) async fn search(
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

pub(super) async fn latest(
    app: &App,
    caller: &Caller,
    topic: Option<String>,
    count: Option<i64>,
    now: DateTime<Utc>,
) -> Outcome {
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

pub(super) async fn summarize(app: &App, caller: &Caller, raw_url: &str, now: DateTime<Utc>) -> Outcome {
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

pub(super) async fn stats(app: &App, caller: &Caller, now: DateTime<Utc>) -> Outcome {
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
