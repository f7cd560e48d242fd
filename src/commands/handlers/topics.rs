//! Listing topics and a server's custom topics.

use chrono::{DateTime, Utc};

use super::*;

pub(super) async fn topics(app: &App, caller: &Caller, action: TopicsAction, now: DateTime<Utc>) -> Outcome {
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
