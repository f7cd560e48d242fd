//! The `newsdesk` binary as users run it: separate processes sharing one SQLite file,
//! fetching from a real HTTP server on 127.0.0.1.

use std::path::Path;
use std::process::Output;

use crate::poll::{ALPHA_RSS, BETA_ATOM};
use crate::support::FeedServer;

/// Runs the binary in `dir` (so no stray ./newsdesk.toml is read) with a clean environment.
async fn newsdesk(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let dir = dir.to_path_buf();
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let env: Vec<(String, String)> = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    tokio::task::spawn_blocking(move || {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_newsdesk"));
        command.current_dir(&dir).args(&args).env("NO_COLOR", "1");
        for (key, _) in std::env::vars() {
            if key.starts_with("NEWSDESK_") {
                command.env_remove(key);
            }
        }
        command.envs(env);
        command.output().unwrap()
    })
    .await
    .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn write_config(dir: &Path, allow_private: bool) -> String {
    let path = dir.join("newsdesk-test.toml");
    std::fs::write(
        &path,
        format!(
            "[database]\npath = \"{}\"\n[sources]\nallow_private = {allow_private}\ninstall_defaults = false\n\
             [fetch]\ntimeout_secs = 2\n",
            dir.join("db/newsdesk.db").display()
        ),
    )
    .unwrap();
    path.display().to_string()
}

#[tokio::test]
async fn a_fresh_process_sees_what_the_last_one_stored() {
    let server = FeedServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), true);
    let alpha = server.add("alpha", "application/rss+xml", ALPHA_RSS);
    let beta = server.add("beta", "application/atom+xml", BETA_ATOM);
    let missing = server.url("/status/404");
    for url in [&alpha, &beta, &missing] {
        let out = newsdesk(dir.path(), &["--config", &config, "sources", "add", url], &[]).await;
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let out = newsdesk(
        dir.path(),
        &["--config", &config, "sources", "add", &alpha, "--name", "again"],
        &[],
    )
    .await;
    assert!(!out.status.success());
    assert!(stderr(&out).contains("already"), "{}", stderr(&out));

    let fetch = newsdesk(dir.path(), &["--config", &config, "fetch"], &[]).await;
    assert!(
        fetch.status.success(),
        "fetch must exit 0 when sources fail: {}",
        stderr(&fetch)
    );
    let text = stdout(&fetch);
    assert_eq!(
        text.lines()
            .filter(|l| l.contains("/feed/") || l.contains("/status/"))
            .count(),
        3,
        "{text}"
    );
    assert!(text.contains("404"), "{text}");
    assert!(
        text.contains("3 sources polled: 2 ok (0 not modified), 1 failed; 3 new articles."),
        "{text}"
    );

    let idle = newsdesk(dir.path(), &["--config", &config, "fetch"], &[]).await;
    assert!(idle.status.success());
    assert!(stdout(&idle).contains("No source is due"), "{}", stdout(&idle));

    let list = newsdesk(dir.path(), &["--config", &config, "sources", "list", "--json"], &[]).await;
    assert!(list.status.success(), "{}", stderr(&list));
    let sources: serde_json::Value = serde_json::from_str(&stdout(&list)).unwrap();
    let sources = sources.as_array().unwrap();
    assert_eq!(sources.len(), 3);
    for source in sources {
        for key in [
            "url",
            "title",
            "kind",
            "status",
            "last_error",
            "failures",
            "articles",
            "next_poll_at",
        ] {
            assert!(source.get(key).is_some(), "{key} missing in {source}");
        }
    }
    let failing = sources.iter().find(|s| s["url"] == missing.as_str()).unwrap();
    assert_eq!(failing["status"], "failing");
    assert_eq!(failing["failures"], 1);
    assert!(failing["last_error"].as_str().unwrap().contains("HTTP 404"));
    let alpha_row = sources.iter().find(|s| s["url"] == alpha.as_str()).unwrap();
    assert_eq!(alpha_row["status"], "ok");
    assert_eq!(alpha_row["title"], "Alpha AI");
    assert_eq!(alpha_row["kind"], "feed");
    assert_eq!(alpha_row["last_error"], serde_json::Value::Null);
    let total: i64 = sources.iter().map(|s| s["articles"].as_i64().unwrap()).sum();
    assert_eq!(total, 3);

    let search = newsdesk(
        dir.path(),
        &["--config", &config, "search", "model x", "--days", "3650", "--json"],
        &[],
    )
    .await;
    assert!(search.status.success(), "{}", stderr(&search));
    let hits: serde_json::Value = serde_json::from_str(&stdout(&search)).unwrap();
    let hits = hits.as_array().unwrap();
    assert_eq!(hits.len(), 1, "{hits:?}");
    for key in ["title", "url", "source", "published_at", "snippet"] {
        assert!(hits[0].get(key).is_some(), "{key} missing");
    }
    assert_eq!(hits[0]["url"], "https://news.example/model-x?id=7");

    // Input that is not FTS5 syntax is searched, not an error.
    let odd = newsdesk(dir.path(), &["--config", &config, "search", "gpt-4 \"unclosed"], &[]).await;
    assert!(odd.status.success(), "{}", stderr(&odd));

    // Export, then import into a new store through the environment override.
    let export = newsdesk(dir.path(), &["--config", &config, "sources", "export"], &[]).await;
    assert!(export.status.success());
    let opml_path = dir.path().join("export.opml");
    std::fs::write(&opml_path, export.stdout).unwrap();
    let other_db = dir.path().join("other/other.db");
    let env = [("NEWSDESK_DATABASE__PATH", other_db.to_str().unwrap())];
    let import = newsdesk(
        dir.path(),
        &["--config", &config, "sources", "import", opml_path.to_str().unwrap()],
        &env,
    )
    .await;
    assert!(import.status.success(), "{}", stderr(&import));
    assert!(stdout(&import).contains("3 added"), "{}", stdout(&import));
    assert!(other_db.is_file(), "NEWSDESK_DATABASE__PATH must override the file");

    let remove = newsdesk(dir.path(), &["--config", &config, "sources", "remove", &missing], &[]).await;
    assert!(remove.status.success(), "{}", stderr(&remove));
    let remove_again = newsdesk(dir.path(), &["--config", &config, "sources", "remove", &missing], &[]).await;
    assert!(!remove_again.status.success());
    assert!(stderr(&remove_again).contains("no source"), "{}", stderr(&remove_again));
}

#[tokio::test]
async fn loopback_sources_are_refused_by_default() {
    let server = FeedServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), false);
    let url = server.add("alpha", "application/rss+xml", ALPHA_RSS);
    let out = newsdesk(dir.path(), &["--config", &config, "sources", "add", &url], &[]).await;
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("loopback") && err.contains("sources.allow_private"),
        "{err}"
    );
    let list = newsdesk(dir.path(), &["--config", &config, "sources", "list", "--json"], &[]).await;
    assert_eq!(stdout(&list).trim(), "[]");
    assert!(server.seen().is_empty());
}

#[tokio::test]
async fn bad_configuration_names_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bad.toml");
    std::fs::write(&config, "[fetch]\ntimeout_secs = \"soon\"\n").unwrap();
    let out = newsdesk(
        dir.path(),
        &["--config", config.to_str().unwrap(), "sources", "list"],
        &[],
    )
    .await;
    assert!(!out.status.success());
    assert!(stderr(&out).contains("fetch.timeout_secs"), "{}", stderr(&out));

    let out = newsdesk(
        dir.path(),
        &["sources", "list"],
        &[
            ("NEWSDESK_FETCH__CONCURRENCY", "0"),
            ("NEWSDESK_DATABASE__PATH", "x.db"),
        ],
    )
    .await;
    assert!(!out.status.success());
    assert!(stderr(&out).contains("fetch.concurrency"), "{}", stderr(&out));

    let out = newsdesk(
        dir.path(),
        &["--config", "/nonexistent/newsdesk.toml", "sources", "list"],
        &[],
    )
    .await;
    assert!(!out.status.success());
    assert!(stderr(&out).contains("does not exist"), "{}", stderr(&out));
}

#[tokio::test]
async fn an_unusable_store_fails_the_command() {
    let dir = tempfile::tempdir().unwrap();
    // The database path is a folder: SQLite cannot open it.
    let folder = dir.path().join("a-folder.db");
    std::fs::create_dir_all(&folder).unwrap();
    let env = [("NEWSDESK_DATABASE__PATH", folder.to_str().unwrap())];
    let out = newsdesk(dir.path(), &["fetch"], &env).await;
    assert!(!out.status.success());
    assert!(stderr(&out).contains("cannot open the database"), "{}", stderr(&out));
}

#[tokio::test]
async fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("n.db");
    let env = [("NEWSDESK_DATABASE__PATH", db.to_str().unwrap())];
    assert!(newsdesk(dir.path(), &["sources", "list"], &env).await.status.success());
    {
        let settings = newsdesk::config::DatabaseSettings {
            path: db.clone(),
            ..Default::default()
        };
        let store = newsdesk::store::Store::open(&settings).await.unwrap();
        store.close().await;
    }
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display()))
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (99999, 'from the future', 1, x'00', 0)",
    )
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    let out = newsdesk(dir.path(), &["sources", "list"], &env).await;
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("99999") && err.contains("newer"), "{err}");
}

#[test]
fn every_command_has_help() {
    for args in [
        vec!["--help"],
        vec!["fetch", "--help"],
        vec!["search", "--help"],
        vec!["sources", "--help"],
        vec!["sources", "add", "--help"],
        vec!["sources", "list", "--help"],
        vec!["sources", "remove", "--help"],
        vec!["sources", "import", "--help"],
        vec!["sources", "export", "--help"],
        vec!["sources", "add-defaults", "--help"],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_newsdesk"))
            .args(&args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("Usage"), "{args:?}");
    }
}
