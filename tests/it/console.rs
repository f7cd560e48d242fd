//! Console mode as users run it: `newsdesk run --console` (and `newsdesk run` without a
//! Discord token) reading slash-command lines from stdin, over a real SQLite file and feeds
//! served on 127.0.0.1.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use chrono::Utc;

use crate::digest::{Item, LAUNCH_A, MENTION, SECURITY, rss};
use crate::support::FeedServer;

fn write_config(dir: &Path) {
    std::fs::write(
        dir.join("newsdesk.toml"),
        format!(
            "[database]\npath = \"{}\"\n[sources]\nallow_private = true\ninstall_defaults = false\n\
             [fetch]\ntimeout_secs = 2\n[ops]\nlisten = \"\"\n",
            dir.join("db/newsdesk.db").display()
        ),
    )
    .unwrap();
}

async fn run_console(dir: &Path, args: &[&str], input: String) -> Output {
    let dir = dir.to_path_buf();
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let mut command = Command::new(env!("CARGO_BIN_EXE_newsdesk"));
        command
            .current_dir(&dir)
            .args(&args)
            .env("NO_COLOR", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (key, _) in std::env::vars() {
            if key.starts_with("NEWSDESK_") {
                command.env_remove(key);
            }
        }
        let mut child = command.spawn().unwrap();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn console_mode_answers_every_command_line_from_stdin_and_exits_at_end_of_input() {
    let server = FeedServer::start().await;
    let now = Utc::now();
    let feed = rss(
        "Lab Blog",
        now,
        &[
            Item {
                title: "OpenAI launches GPT-5",
                link: "https://lab.example/gpt-5",
                hours_ago: 2,
                body: LAUNCH_A,
            },
            Item {
                title: "Prompt injection in a coding agent leaked API keys",
                link: "https://lab.example/agent-cve",
                hours_ago: 3,
                body: SECURITY,
            },
            Item {
                title: "@everyone Gemini 3 Ultra is here",
                link: "https://lab.example/gemini",
                hours_ago: 1,
                body: MENTION,
            },
        ],
    );
    let url = server.add("lab", "application/rss+xml", feed);
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path());
    // Stored first, so the commands below see articles whatever the scheduler does.
    let fetched = run_console(dir.path(), &["sources", "add", &url], String::new()).await;
    assert!(fetched.status.success(), "{}", String::from_utf8_lossy(&fetched.stderr));
    let fetched = run_console(dir.path(), &["fetch"], String::new()).await;
    assert!(fetched.status.success(), "{}", String::from_utf8_lossy(&fetched.stderr));

    let input = [
        "/help",
        "/subscribe topic:agents schedule:\"daily 08:30\" timezone:Europe/Berlin",
        "/subscribe topic:security mode:instant min_score:12",
        "/subscriptions",
        "/subscribe topic:nosuchtopic",
        "/subscribe topic:agents schedule:\"daily 25:00\"",
        "/subscribe topic:agents timezone:Mars/Olympus",
        "/manage sources add url:not-a-url",
        "",
        "# a comment line is skipped",
        "/search query:\"prompt injection\"",
        "/latest count:2",
        "/digest hours:24",
        "/unsubscribe topic:agents",
        "/frobnicate",
        "/stats",
    ]
    .join("\n");
    let output = run_console(dir.path(), &["run", "--console"], input).await;
    let out = String::from_utf8_lossy(&output.stdout).into_owned();
    let err = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        output.status.success(),
        "exit {:?}\nstdout:\n{out}\nstderr:\n{err}",
        output.status
    );

    // Every command line is echoed and answered, in order.
    let echoed: Vec<&str> = out.lines().filter(|l| l.starts_with("> /")).collect();
    assert_eq!(echoed.len(), 14, "{out}");
    assert!(out.contains("`/digest [topic] [hours] [public]`"), "{out}");
    assert!(
        out.contains("✅ `console` subscribed: the **Agents & tool use** digest, daily 08:30 (Europe/Berlin)"),
        "{out}"
    );
    assert!(out.contains("posted as they appear"), "{out}");
    assert!(
        out.contains("• `console` · `agents` · daily 08:30 Europe/Berlin"),
        "{out}"
    );
    assert!(
        out.contains("⚠️ unknown topic \"nosuchtopic\"; pick one of agents,"),
        "{out}"
    );
    assert!(out.contains("\"25:00\" is not a time"), "{out}");
    assert!(out.contains("\"Mars/Olympus\" is not an IANA timezone"), "{out}");
    assert!(out.contains("\"not-a-url\" is not a URL"), "{out}");
    assert!(
        out.contains("🔎 **prompt injection**") && out.contains("Prompt injection in a coding agent"),
        "{out}"
    );
    assert!(out.contains("🆕 **Latest**"), "{out}");
    assert!(out.contains("GPT-5"), "the digest is missing: {out}");
    assert!(out.contains("🗑️ `console` no longer receives **agents**"), "{out}");
    assert!(out.contains("`/frobnicate` is not a command"), "{out}");
    assert!(out.contains("subscriptions here: 1"), "{out}");
    assert!(!out.contains("@everyone"), "a raw mention was printed: {out}");
}

#[tokio::test]
async fn run_without_a_discord_token_says_so_and_falls_back_to_the_console() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path());
    let output = run_console(dir.path(), &["run"], "/topics\n".to_string()).await;
    let out = String::from_utf8_lossy(&output.stdout).into_owned();
    let err = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{err}");
    assert!(
        err.contains("No Discord token (NEWSDESK_DISCORD__TOKEN) or Matrix homeserver"),
        "{err}"
    );
    assert!(out.contains("**Topics** (13)"), "{out}");
}
