//! A server's sources: listing with scope and health, adding and removing its own links,
//! muting global ones, OPML import; the operator's global sources.

use chrono::{DateTime, Utc};

use super::*;

pub(super) async fn sources(app: &App, caller: &Caller, action: SourcesAction, now: DateTime<Utc>) -> Outcome {
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
                let muted = app.store.is_muted(&target, links.source_id).await?;
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
            let given_name = name
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_string);
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
                    // The name this scope gave it, else the feed's own title, else the URL.
                    let shown = given_name.unwrap_or_else(|| row.display_name().to_string());
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
