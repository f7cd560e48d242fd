//! The text form of the command set, for adapters without native slash commands (console,
//! Matrix): a line written like a Discord slash command, `/subscribe topic:agents
//! schedule:"daily 08:30"`, optionally after a `!newsdesk` prefix, becomes a [`Command`].
//!
//! Parsing is purely syntactic; values that need the store or a catalogue to check (topics,
//! schedules, timezones, URLs) pass through as text for the handlers to judge.

use std::str::FromStr;

use super::{Command, Mode, OpmlInput, SourcesAction, TopicsAction};

/// Why a line is not a command. Each message names the offending piece and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("the command is empty; type `/help` to see what I understand")]
    Empty,
    #[error("`/{given}` is not a command{suggestion}; the commands are {known}")]
    UnknownCommand {
        given: String,
        /// `; did you mean `/subscribe`?` or empty.
        suggestion: String,
        known: String,
    },
    #[error("`/{command}` has no `{given}`; use one of {known}, e.g. `/{command} {example}`")]
    UnknownSubcommand {
        command: &'static str,
        given: String,
        known: String,
        example: &'static str,
    },
    #[error("`/{command}` has no option `{option}:`; {known}")]
    UnknownOption {
        command: &'static str,
        option: String,
        /// "its options are `topic:`, `channel:`" or "it takes no options".
        known: String,
    },
    #[error("`/{command}` needs {needs}; e.g. `{example}`")]
    MissingOption {
        command: &'static str,
        /// The option(s) wanted, already quoted: "`topic:`" or "`url:` or `opml:`".
        needs: String,
        example: &'static str,
    },
    #[error("`/{command}` takes {options}, not both")]
    ConflictingOptions {
        command: &'static str,
        options: &'static str,
    },
    #[error("`{option}:` is given twice; give each option once")]
    DuplicateOption { option: String },
    #[error(
        "`{option}:` has no value; write the value right after the colon, e.g. `{option}:value`, in double quotes if it has spaces"
    )]
    EmptyValue { option: String },
    #[error("the quote in `{fragment}` is never closed; end the value with `\"` (write `\\\"` for a quote inside it)")]
    UnterminatedQuote { fragment: String },
    #[error("`/{command}` does not take `{word}`; options are written name:value, e.g. `{example}`")]
    UnexpectedWord {
        command: &'static str,
        word: String,
        example: &'static str,
    },
    #[error("`{option}:` must be a whole number, not `{value}`; e.g. `{option}:24`")]
    BadInteger { option: String, value: String },
    #[error("`{option}:` must be `true` or `false` (or `yes`/`no`), not `{value}`")]
    BadBool { option: String, value: String },
    #[error("`mode:` {reason}")]
    BadMode { reason: String },
    #[error("`/{given}` is now `/{now}`: every command that changes this server's desk is under `/manage`")]
    Moved { given: String, now: String },
}

/// One whitespace-separated piece of a command line, with quotes and escapes resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// A bare word: the command name or a subcommand.
    Word(String),
    /// `name:value`; the name lower-cased with `-` read as `_`.
    Option { name: String, value: String },
}

/// Every command name, in the order an unknown-command error lists them.
const COMMANDS: [&str; 12] = [
    "subscribe",
    "unsubscribe",
    "subscriptions",
    "topics",
    "sources",
    "digest",
    "search",
    "latest",
    "summarize",
    "manage",
    "stats",
    "help",
];

const MATRIX_PREFIX: &str = "!newsdesk";

/// Parses one command line: `/name option:value ...`, with or without the `/`, optionally
/// after the Matrix `!newsdesk` prefix. A bare `!newsdesk` asks for help.
pub fn parse_command(line: &str) -> Result<Command, ParseError> {
    let mut rest = line.trim();
    if let Some(after) = strip_matrix_prefix(rest) {
        rest = after.trim_start();
        if rest.is_empty() {
            return Ok(Command::Help);
        }
    }
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    let mut tokens = tokenize(rest)?.into_iter();
    let name = match tokens.next() {
        None => return Err(ParseError::Empty),
        Some(Token::Word(word)) => word.to_lowercase(),
        // `/topic:agents` is an option where the command should be; report it as the command.
        Some(Token::Option { name, value }) => return Err(unknown_command(&format!("{name}:{value}"))),
    };
    let tokens: Vec<Token> = tokens.collect();
    match name.as_str() {
        "subscribe" => {
            let mut options = Options::collect("subscribe", &SUBSCRIBE, tokens)?;
            Ok(Command::Subscribe {
                topic: options.required("topic")?,
                channel: options.take("channel"),
                mode: options.mode()?,
                schedule: options.take("schedule"),
                timezone: options.take("timezone"),
                min_score: options.integer("min_score")?,
                max_items: options.integer("max_items")?,
            })
        }
        "unsubscribe" => {
            let mut options = Options::collect("unsubscribe", &["topic", "channel"], tokens)?;
            Ok(Command::Unsubscribe {
                topic: options.required("topic")?,
                channel: options.take("channel"),
            })
        }
        "subscriptions" => Options::collect("subscriptions", &[], tokens).map(|_| Command::Subscriptions),
        "topics" => read_only("topics", tokens).map(|()| Command::Topics(TopicsAction::List)),
        "sources" => read_only("sources", tokens).map(|()| Command::Sources(SourcesAction::List)),
        "manage" => parse_manage(tokens),
        "digest" => {
            let mut options = Options::collect("digest", &["topic", "hours", "public"], tokens)?;
            Ok(Command::Digest {
                topic: options.take("topic"),
                hours: options.integer("hours")?,
                public: options.boolean("public")?.unwrap_or(false),
            })
        }
        "search" => {
            let mut options = Options::collect("search", &["query", "topic", "days"], tokens)?;
            Ok(Command::Search {
                query: options.required("query")?,
                topic: options.take("topic"),
                days: options.integer("days")?,
            })
        }
        "latest" => {
            let mut options = Options::collect("latest", &["topic", "count"], tokens)?;
            Ok(Command::Latest {
                topic: options.take("topic"),
                count: options.integer("count")?,
            })
        }
        "summarize" => {
            let mut options = Options::collect("summarize", &["url"], tokens)?;
            Ok(Command::Summarize {
                url: options.required("url")?,
            })
        }
        "settings" => Err(ParseError::Moved {
            given: "settings".to_string(),
            now: "manage settings".to_string(),
        }),
        "stats" => Options::collect("stats", &[], tokens).map(|_| Command::Stats),
        "help" => Options::collect("help", &[], tokens).map(|_| Command::Help),
        _ => Err(unknown_command(&name)),
    }
}

const SUBSCRIBE: [&str; 7] = [
    "topic",
    "channel",
    "mode",
    "schedule",
    "timezone",
    "min_score",
    "max_items",
];
const TOPIC_FIELDS: [&str; 5] = ["slug", "name", "include", "exclude", "description"];

/// `/topics` and `/sources` only read (`list` is still understood); what used to follow
/// them to change things now lives under `/manage`, and saying so beats "unknown option".
fn read_only(command: &'static str, tokens: Vec<Token>) -> Result<(), ParseError> {
    let (action, tokens) = split_subcommand(tokens);
    match action.as_deref() {
        None | Some("list") => Options::collect(command, &[], tokens).map(|_| ()),
        Some(other)
            if (command == "sources" && matches!(other, "add" | "remove" | "import" | "mute" | "unmute"))
                || (command == "topics" && matches!(other, "create" | "edit" | "delete")) =>
        {
            Err(ParseError::Moved {
                given: format!("{command} {other}"),
                now: format!("manage {command} {other}"),
            })
        }
        Some(other) => Err(ParseError::UnknownSubcommand {
            command,
            given: other.to_string(),
            known: "`list` (changes are under `/manage`)".to_string(),
            example: "list",
        }),
    }
}

/// `/manage sources …`, `/manage topics …`, `/manage settings …`.
fn parse_manage(tokens: Vec<Token>) -> Result<Command, ParseError> {
    let (group, tokens) = split_subcommand(tokens);
    match group.as_deref() {
        Some("sources") => parse_sources(tokens).map(Command::Sources),
        Some("topics") => parse_topics(tokens).map(Command::Topics),
        Some("settings") => {
            let mut options = Options::collect("manage settings", &["timezone", "min_score"], tokens)?;
            Ok(Command::Settings {
                timezone: options.take("timezone"),
                min_score: options.integer("min_score")?,
            })
        }
        Some(other) => Err(ParseError::UnknownSubcommand {
            command: "manage",
            given: other.to_string(),
            known: "`sources`, `topics` or `settings`".to_string(),
            example: "sources add url:https://example.org/feed.xml",
        }),
        None => Err(ParseError::MissingOption {
            command: "manage",
            needs: "`sources`, `topics` or `settings`".to_string(),
            example: "/manage sources add url:https://example.org/feed.xml",
        }),
    }
}

fn parse_topics(tokens: Vec<Token>) -> Result<TopicsAction, ParseError> {
    let (action, tokens) = split_subcommand(tokens);
    let known = "`create`, `edit` or `delete`";
    match action.as_deref() {
        Some("create") => {
            let mut options = Options::collect("manage topics create", &TOPIC_FIELDS, tokens)?;
            Ok(TopicsAction::Create {
                slug: options.required("slug")?,
                include: options.required("include")?,
                name: options.take("name"),
                exclude: options.take("exclude"),
                description: options.take("description"),
            })
        }
        Some("edit") => {
            let mut options = Options::collect("manage topics edit", &TOPIC_FIELDS, tokens)?;
            Ok(TopicsAction::Edit {
                slug: options.required("slug")?,
                name: options.take("name"),
                include: options.take("include"),
                exclude: options.take("exclude"),
                description: options.take("description"),
            })
        }
        Some("delete") => {
            let mut options = Options::collect("manage topics delete", &["slug"], tokens)?;
            Ok(TopicsAction::Delete {
                slug: options.required("slug")?,
            })
        }
        Some(other) => Err(ParseError::UnknownSubcommand {
            command: "manage topics",
            given: other.to_string(),
            known: known.to_string(),
            example: "create slug:robots include:\"robot, humanoid\"",
        }),
        None => Err(ParseError::MissingOption {
            command: "manage topics",
            needs: known.to_string(),
            example: "/manage topics create slug:robots include:\"robot, humanoid\"",
        }),
    }
}

fn parse_sources(tokens: Vec<Token>) -> Result<SourcesAction, ParseError> {
    let (action, tokens) = split_subcommand(tokens);
    let known = "`add`, `remove`, `import`, `mute` or `unmute`";
    match action.as_deref() {
        Some("add") => {
            let mut options = Options::collect("manage sources add", &["url", "name", "kind", "global"], tokens)?;
            Ok(SourcesAction::Add {
                url: options.required("url")?,
                name: options.take("name"),
                kind: options.take("kind"),
                global: options.boolean("global")?.unwrap_or(false),
            })
        }
        Some("remove") => {
            let mut options = Options::collect("manage sources remove", &["url"], tokens)?;
            Ok(SourcesAction::Remove {
                url: options.required("url")?,
            })
        }
        Some("mute") => {
            let mut options = Options::collect("manage sources mute", &["url"], tokens)?;
            Ok(SourcesAction::Mute {
                url: options.required("url")?,
            })
        }
        Some("unmute") => {
            let mut options = Options::collect("manage sources unmute", &["url"], tokens)?;
            Ok(SourcesAction::Unmute {
                url: options.required("url")?,
            })
        }
        Some("import") => {
            let mut options = Options::collect("manage sources import", &["url", "opml", "global"], tokens)?;
            let global = options.boolean("global")?.unwrap_or(false);
            let opml = match (options.take("url"), options.take("opml")) {
                (Some(url), None) => OpmlInput::Url(url),
                (None, Some(text)) => OpmlInput::Text(text),
                (Some(_), Some(_)) => {
                    return Err(ParseError::ConflictingOptions {
                        command: "manage sources import",
                        options: "`url:` or `opml:`",
                    });
                }
                (None, None) => {
                    return Err(ParseError::MissingOption {
                        command: "manage sources import",
                        needs: "`url:` or `opml:`".to_string(),
                        example: example_for("manage sources import"),
                    });
                }
            };
            Ok(SourcesAction::Import { opml, global })
        }
        None => Err(ParseError::MissingOption {
            command: "manage sources",
            needs: known.to_string(),
            example: "/manage sources add url:https://example.org/feed.xml",
        }),
        Some(other) => Err(ParseError::UnknownSubcommand {
            command: "manage sources",
            given: other.to_string(),
            known: known.to_string(),
            example: "add url:https://example.org/feed.xml",
        }),
    }
}

/// The leading bare word (lower-cased), if any, and the tokens after it.
fn split_subcommand(mut tokens: Vec<Token>) -> (Option<String>, Vec<Token>) {
    match tokens.first() {
        Some(Token::Word(word)) => {
            let word = word.to_lowercase();
            tokens.remove(0);
            (Some(word), tokens)
        }
        _ => (None, tokens),
    }
}

fn strip_matrix_prefix(line: &str) -> Option<&str> {
    let head = line.get(..MATRIX_PREFIX.len())?;
    let rest = line.get(MATRIX_PREFIX.len()..)?;
    let prefix_ends = rest.is_empty() || rest.starts_with(char::is_whitespace);
    (head.eq_ignore_ascii_case(MATRIX_PREFIX) && prefix_ends).then_some(rest)
}

fn unknown_command(given: &str) -> ParseError {
    let lowered = given.to_lowercase();
    // Allow a typo per four letters or so, but always at least one.
    let limit = (lowered.chars().count() / 4).max(1);
    let suggestion = COMMANDS
        .iter()
        .map(|name| (strsim::osa_distance(&lowered, name), *name))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| format!("; did you mean `/{name}`?"))
        .unwrap_or_default();
    ParseError::UnknownCommand {
        given: given.to_string(),
        suggestion,
        known: COMMANDS
            .iter()
            .map(|name| format!("`/{name}`"))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// A command's options after checking names and duplicates; values are taken out one by one.
struct Options {
    command: &'static str,
    values: Vec<(String, String)>,
}

impl Options {
    /// Checks every token against the command's option names. A stray bare word is an error
    /// rather than silently dropped: `/search mixture of experts` should say how to write it.
    fn collect(command: &'static str, allowed: &[&str], tokens: Vec<Token>) -> Result<Options, ParseError> {
        let mut values: Vec<(String, String)> = Vec::with_capacity(tokens.len());
        for token in tokens {
            match token {
                Token::Word(word) => {
                    return Err(ParseError::UnexpectedWord {
                        command,
                        word,
                        example: example_for(command),
                    });
                }
                Token::Option { name, value } => {
                    if !allowed.contains(&name.as_str()) {
                        let known = if allowed.is_empty() {
                            "it takes no options".to_string()
                        } else {
                            let names: Vec<String> = allowed.iter().map(|name| format!("`{name}:`")).collect();
                            format!("its options are {}", names.join(", "))
                        };
                        return Err(ParseError::UnknownOption {
                            command,
                            option: name,
                            known,
                        });
                    }
                    if values.iter().any(|(seen, _)| *seen == name) {
                        return Err(ParseError::DuplicateOption { option: name });
                    }
                    values.push((name, value));
                }
            }
        }
        Ok(Options { command, values })
    }

    fn take(&mut self, name: &str) -> Option<String> {
        let index = self.values.iter().position(|(seen, _)| seen == name)?;
        Some(self.values.swap_remove(index).1)
    }

    fn required(&mut self, name: &str) -> Result<String, ParseError> {
        self.take(name).ok_or_else(|| ParseError::MissingOption {
            command: self.command,
            needs: format!("`{name}:`"),
            example: example_for(self.command),
        })
    }

    fn integer(&mut self, name: &str) -> Result<Option<i64>, ParseError> {
        self.take(name)
            .map(|value| {
                value.trim().parse::<i64>().map_err(|_| ParseError::BadInteger {
                    option: name.to_string(),
                    value,
                })
            })
            .transpose()
    }

    fn boolean(&mut self, name: &str) -> Result<Option<bool>, ParseError> {
        self.take(name)
            .map(|value| match value.trim().to_ascii_lowercase().as_str() {
                "true" | "yes" => Ok(true),
                "false" | "no" => Ok(false),
                _ => Err(ParseError::BadBool {
                    option: name.to_string(),
                    value,
                }),
            })
            .transpose()
    }

    fn mode(&mut self) -> Result<Option<Mode>, ParseError> {
        self.take("mode")
            .map(|value| Mode::from_str(&value).map_err(|reason| ParseError::BadMode { reason }))
            .transpose()
    }
}

/// A correct usage of `command`, shown when a bare word appears where options belong.
fn example_for(command: &str) -> &'static str {
    match command {
        "subscribe" => "/subscribe topic:agents",
        "unsubscribe" => "/unsubscribe topic:agents",
        "manage topics create" => "/manage topics create slug:robots include:\"robot, humanoid\"",
        "manage topics edit" => "/manage topics edit slug:robots name:Robotics",
        "manage topics delete" => "/manage topics delete slug:robots",
        "manage sources add" => "/manage sources add url:https://example.org/feed.xml",
        "manage sources remove" => "/manage sources remove url:https://example.org/feed.xml",
        "manage sources import" => "/manage sources import url:https://example.org/feeds.opml",
        "manage sources mute" => "/manage sources mute url:https://example.org/feed.xml",
        "manage sources unmute" => "/manage sources unmute url:https://example.org/feed.xml",
        "digest" => "/digest topic:agents hours:24",
        "search" => "/search query:\"mixture of experts\"",
        "latest" => "/latest topic:agents count:5",
        "summarize" => "/summarize url:https://example.org/post",
        "manage settings" => "/manage settings timezone:Europe/Berlin",
        "subscriptions" => "/subscriptions",
        "topics" => "/topics",
        "sources" => "/sources",
        "stats" => "/stats",
        _ => "/help",
    }
}

/// Splits a line into words and `name:value` options. Double quotes group spaces into one
/// value (`schedule:"daily 08:30"`); inside them `\"` is a quote and `\\` a backslash. A
/// token is an option when it starts with a bare name (letters, digits, `_`, `-`) and a colon,
/// so `url:https://x.org` is `url` = `https://x.org`.
pub fn tokenize(line: &str) -> Result<Vec<Token>, ParseError> {
    let mut tokens = Vec::new();
    let mut chars = line.char_indices().peekable();
    loop {
        while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
        let Some(&(start, _)) = chars.peek() else {
            return Ok(tokens);
        };
        let mut text = String::new();
        let mut name: Option<String> = None;
        // Still in the unquoted leading run that could be an option name.
        let mut may_be_name = true;
        let mut quoted_value = false;
        while let Some((_, c)) = chars.next_if(|(_, c)| !c.is_whitespace()) {
            match c {
                '"' | '\u{201C}' | '\u{201E}' => {
                    may_be_name = false;
                    quoted_value = true;
                    read_quoted(&mut chars, &mut text, closing_quotes(c)).ok_or_else(|| {
                        ParseError::UnterminatedQuote {
                            fragment: line[start..].trim_end().to_string(),
                        }
                    })?;
                }
                ':' if may_be_name && name.is_none() && !text.is_empty() => {
                    name = Some(std::mem::take(&mut text).to_lowercase().replace('-', "_"));
                    may_be_name = false;
                }
                c => {
                    may_be_name &= c.is_alphanumeric() || c == '_' || c == '-';
                    text.push(c);
                }
            }
        }
        tokens.push(match name {
            // A bare `topic:` is almost always `topic: agents` with a stray space; `topic:""`
            // is a deliberate empty value (e.g. clearing a topic's exclusions).
            Some(name) if text.is_empty() && !quoted_value => return Err(ParseError::EmptyValue { option: name }),
            Some(name) => Token::Option { name, value: text },
            None => Token::Word(text),
        });
    }
}

/// The quotes that close one opened with `open`. Phone keyboards (and so Matrix and Discord
/// mobile clients) turn `"` into typographic quotes: “English” and „German“ pairs count too.
fn closing_quotes(open: char) -> &'static [char] {
    match open {
        '\u{201C}' => &['\u{201D}', '\u{201C}', '"'],
        '\u{201E}' => &['\u{201C}', '\u{201D}', '"'],
        _ => &['"'],
    }
}

/// Reads up to and including a closing quote, resolving escapes into `text`. `None` when
/// the line ends first.
fn read_quoted(chars: &mut impl Iterator<Item = (usize, char)>, text: &mut String, closers: &[char]) -> Option<()> {
    loop {
        match chars.next()?.1 {
            c if closers.contains(&c) => return Some(()),
            '\\' => match chars.next()?.1 {
                escaped @ ('"' | '\\') => text.push(escaped),
                // Unknown escapes stay as typed, so Windows paths and regexes survive.
                other => {
                    text.push('\\');
                    text.push(other);
                }
            },
            c => text.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> String {
        text.to_string()
    }

    fn subscribe(topic: &str) -> Command {
        Command::Subscribe {
            topic: s(topic),
            channel: None,
            mode: None,
            schedule: None,
            timezone: None,
            min_score: None,
            max_items: None,
        }
    }

    #[test]
    fn parses_every_command() {
        let cases: Vec<(&str, Command)> = vec![
            ("/subscribe topic:agents", subscribe("agents")),
            (
                "/subscribe topic:agents schedule:\"daily 08:30\" timezone:Europe/Berlin",
                Command::Subscribe {
                    topic: s("agents"),
                    channel: None,
                    mode: None,
                    schedule: Some(s("daily 08:30")),
                    timezone: Some(s("Europe/Berlin")),
                    min_score: None,
                    max_items: None,
                },
            ),
            (
                "/subscribe topic:agents channel:<#123> mode:instant min_score:60 max_items:5",
                Command::Subscribe {
                    topic: s("agents"),
                    channel: Some(s("<#123>")),
                    mode: Some(Mode::Instant),
                    schedule: None,
                    timezone: None,
                    min_score: Some(60),
                    max_items: Some(5),
                },
            ),
            // Option order is free and `-` reads as `_`.
            (
                "/subscribe mode:Digest min-score:-5 topic:agents",
                Command::Subscribe {
                    topic: s("agents"),
                    channel: None,
                    mode: Some(Mode::Digest),
                    schedule: None,
                    timezone: None,
                    min_score: Some(-5),
                    max_items: None,
                },
            ),
            (
                "/unsubscribe topic:agents",
                Command::Unsubscribe {
                    topic: s("agents"),
                    channel: None,
                },
            ),
            (
                "/unsubscribe topic:agents channel:#news",
                Command::Unsubscribe {
                    topic: s("agents"),
                    channel: Some(s("#news")),
                },
            ),
            ("/subscriptions", Command::Subscriptions),
            ("/topics", Command::Topics(TopicsAction::List)),
            ("/topics list", Command::Topics(TopicsAction::List)),
            (
                "/manage topics create slug:robots include:\"robot, humanoid\"",
                Command::Topics(TopicsAction::Create {
                    slug: s("robots"),
                    name: None,
                    include: s("robot, humanoid"),
                    exclude: None,
                    description: None,
                }),
            ),
            (
                "/manage topics create slug:robots name:Robotics include:robot exclude:\"vacuum\" description:\"Bots \\\"that walk\\\"\"",
                Command::Topics(TopicsAction::Create {
                    slug: s("robots"),
                    name: Some(s("Robotics")),
                    include: s("robot"),
                    exclude: Some(s("vacuum")),
                    description: Some(s("Bots \"that walk\"")),
                }),
            ),
            (
                "/manage topics edit slug:robots name:Robotics",
                Command::Topics(TopicsAction::Edit {
                    slug: s("robots"),
                    name: Some(s("Robotics")),
                    include: None,
                    exclude: None,
                    description: None,
                }),
            ),
            // A quoted empty value is deliberate: clear the exclusions.
            (
                "/manage topics edit slug:robots include:\"robot, android\" exclude:\"\" description:x",
                Command::Topics(TopicsAction::Edit {
                    slug: s("robots"),
                    name: None,
                    include: Some(s("robot, android")),
                    exclude: Some(s("")),
                    description: Some(s("x")),
                }),
            ),
            (
                "/manage topics delete slug:robots",
                Command::Topics(TopicsAction::Delete { slug: s("robots") }),
            ),
            ("/sources", Command::Sources(SourcesAction::List)),
            ("/sources list", Command::Sources(SourcesAction::List)),
            (
                "/manage sources add url:https://x.org/feed.xml",
                Command::Sources(SourcesAction::Add {
                    url: s("https://x.org/feed.xml"),
                    name: None,
                    kind: None,
                    global: false,
                }),
            ),
            (
                "/manage sources add url:https://x.org/pod.xml name:\"X Pod\" kind:podcast",
                Command::Sources(SourcesAction::Add {
                    url: s("https://x.org/pod.xml"),
                    name: Some(s("X Pod")),
                    kind: Some(s("podcast")),
                    global: false,
                }),
            ),
            (
                "/manage sources remove url:https://x.org/feed.xml",
                Command::Sources(SourcesAction::Remove {
                    url: s("https://x.org/feed.xml"),
                }),
            ),
            (
                "/manage sources import url:https://x.org/list.opml",
                Command::Sources(SourcesAction::Import {
                    opml: OpmlInput::Url(s("https://x.org/list.opml")),
                    global: false,
                }),
            ),
            (
                "/manage sources import opml:\"<opml version=\\\"2.0\\\"><body/></opml>\"",
                Command::Sources(SourcesAction::Import {
                    opml: OpmlInput::Text(s("<opml version=\"2.0\"><body/></opml>")),
                    global: false,
                }),
            ),
            (
                "/digest",
                Command::Digest {
                    topic: None,
                    hours: None,
                    public: false,
                },
            ),
            (
                "/digest topic:hardware hours:24 public:true",
                Command::Digest {
                    topic: Some(s("hardware")),
                    hours: Some(24),
                    public: true,
                },
            ),
            (
                "/digest public:No",
                Command::Digest {
                    topic: None,
                    hours: None,
                    public: false,
                },
            ),
            (
                "/digest public:yes",
                Command::Digest {
                    topic: None,
                    hours: None,
                    public: true,
                },
            ),
            (
                "/search query:\"mixture of experts\" days:30",
                Command::Search {
                    query: s("mixture of experts"),
                    topic: None,
                    days: Some(30),
                },
            ),
            (
                "/search query:rlhf topic:agents",
                Command::Search {
                    query: s("rlhf"),
                    topic: Some(s("agents")),
                    days: None,
                },
            ),
            (
                "/latest",
                Command::Latest {
                    topic: None,
                    count: None,
                },
            ),
            (
                "/latest topic:agents count:5",
                Command::Latest {
                    topic: Some(s("agents")),
                    count: Some(5),
                },
            ),
            (
                "/summarize url:https://x.org/post?id=1&a=b",
                Command::Summarize {
                    url: s("https://x.org/post?id=1&a=b"),
                },
            ),
            (
                "/manage settings",
                Command::Settings {
                    timezone: None,
                    min_score: None,
                },
            ),
            (
                "/manage settings timezone:America/New_York min_score:40",
                Command::Settings {
                    timezone: Some(s("America/New_York")),
                    min_score: Some(40),
                },
            ),
            ("/stats", Command::Stats),
            ("/help", Command::Help),
        ];
        for (line, expected) in cases {
            assert_eq!(parse_command(line), Ok(expected), "{line}");
        }
    }

    #[test]
    fn accepts_prefixes_case_and_spacing() {
        let cases: Vec<(&str, Command)> = vec![
            ("help", Command::Help),
            ("  /HELP  ", Command::Help),
            ("!newsdesk help", Command::Help),
            ("!newsdesk /help", Command::Help),
            ("!NewsDesk   stats", Command::Stats),
            ("!newsdesk", Command::Help),
            ("!newsdesk subscribe topic:agents", subscribe("agents")),
            ("subscribe\tTOPIC:agents", subscribe("agents")),
            ("/Manage  Topics  CREATE   slug:a include:b", {
                Command::Topics(TopicsAction::Create {
                    slug: s("a"),
                    name: None,
                    include: s("b"),
                    exclude: None,
                    description: None,
                })
            }),
            (
                "/manage sources Add url:https://x.org/a:b",
                Command::Sources(SourcesAction::Add {
                    url: s("https://x.org/a:b"),
                    name: None,
                    kind: None,
                    global: false,
                }),
            ),
        ];
        for (line, expected) in cases {
            assert_eq!(parse_command(line), Ok(expected), "{line:?}");
        }
    }

    #[test]
    fn matrix_command_lines_as_people_type_them() {
        let digest_sub = |schedule: &str| Command::Subscribe {
            topic: s("agents"),
            channel: None,
            mode: None,
            schedule: Some(s(schedule)),
            timezone: Some(s("Europe/Berlin")),
            min_score: None,
            max_items: None,
        };
        let cases: Vec<(&str, Command)> = vec![
            (
                "!newsdesk subscribe topic:agents schedule:\"daily 08:30\" timezone:Europe/Berlin",
                digest_sub("daily 08:30"),
            ),
            // A phone keyboard's typographic quotes.
            (
                "!newsdesk subscribe topic:agents schedule:\u{201C}daily 08:30\u{201D} timezone:Europe/Berlin",
                digest_sub("daily 08:30"),
            ),
            (
                "!newsdesk subscribe topic:agents schedule:\u{201E}weekly mon 09:00\u{201C} timezone:Europe/Berlin",
                digest_sub("weekly mon 09:00"),
            ),
            // A non-breaking space after the prefix, as some clients send.
            ("!newsdesk\u{A0}stats", Command::Stats),
            (
                "!newsdesk subscribe topic:agents channel:!abc123:example.org mode:instant",
                Command::Subscribe {
                    topic: s("agents"),
                    channel: Some(s("!abc123:example.org")),
                    mode: Some(Mode::Instant),
                    schedule: None,
                    timezone: None,
                    min_score: None,
                    max_items: None,
                },
            ),
            (
                "!newsdesk search query:\"mixture of experts\" days:30",
                Command::Search {
                    query: s("mixture of experts"),
                    topic: None,
                    days: Some(30),
                },
            ),
            (
                "!newsdesk digest topic:agents hours:48 public:yes",
                Command::Digest {
                    topic: Some(s("agents")),
                    hours: Some(48),
                    public: true,
                },
            ),
            (
                "!newsdesk manage sources import url:https://example.org/feeds.opml",
                Command::Sources(SourcesAction::Import {
                    opml: OpmlInput::Url(s("https://example.org/feeds.opml")),
                    global: false,
                }),
            ),
            (
                "!newsdesk unsubscribe topic:agents",
                Command::Unsubscribe {
                    topic: s("agents"),
                    channel: None,
                },
            ),
        ];
        for (line, expected) in cases {
            assert_eq!(parse_command(line), Ok(expected), "{line:?}");
        }
        // A typographic quote left open is reported like a straight one.
        assert!(matches!(
            parse_command("!newsdesk search query:\u{201C}open"),
            Err(ParseError::UnterminatedQuote { .. })
        ));
    }

    #[test]
    fn tokenizes_words_options_quotes_and_escapes() {
        let word = |text: &str| Token::Word(s(text));
        let option = |name: &str, value: &str| Token::Option {
            name: s(name),
            value: s(value),
        };
        let cases: Vec<(&str, Vec<Token>)> = vec![
            ("", vec![]),
            ("   ", vec![]),
            ("topics create", vec![word("topics"), word("create")]),
            ("a:b", vec![option("a", "b")]),
            ("Max-Items:5", vec![option("max_items", "5")]),
            ("url:https://x.org:8080/a", vec![option("url", "https://x.org:8080/a")]),
            ("q:\"a b\"  c", vec![option("q", "a b"), word("c")]),
            ("q:\"say \\\"hi\\\"\"", vec![option("q", "say \"hi\"")]),
            ("q:\"back\\\\slash\"", vec![option("q", "back\\slash")]),
            ("q:\"C:\\path\"", vec![option("q", "C:\\path")]),
            ("q:pre\"mid dle\"post", vec![option("q", "premid dlepost")]),
            ("q:\"\"", vec![option("q", "")]),
            ("\"two words\"", vec![word("two words")]),
            ("\"not:option\"", vec![word("not:option")]),
            (":leading", vec![word(":leading")]),
            ("a.b:c", vec![word("a.b:c")]),
            ("q:ünïcode", vec![option("q", "ünïcode")]),
        ];
        for (line, expected) in cases {
            assert_eq!(tokenize(line), Ok(expected), "{line:?}");
        }
    }

    #[test]
    fn rejects_bad_lines_with_helpful_messages() {
        let cases: Vec<(&str, ParseError, Vec<&str>)> = vec![
            ("", ParseError::Empty, vec!["empty", "`/help`"]),
            ("  / ", ParseError::Empty, vec!["empty"]),
            (
                "/subscibe topic:agents",
                unknown_command("subscibe"),
                vec!["`/subscibe` is not a command", "did you mean `/subscribe`?", "`/stats`"],
            ),
            (
                "/serach query:x",
                unknown_command("serach"),
                vec!["did you mean `/search`?"],
            ),
            (
                "/frobnicate",
                unknown_command("frobnicate"),
                vec![
                    "`/frobnicate` is not a command; the commands are `/subscribe`",
                    "`/help`",
                ],
            ),
            (
                "/topic:agents",
                unknown_command("topic:agents"),
                vec!["`/topic:agents`"],
            ),
            (
                "/topics rename slug:a",
                ParseError::UnknownSubcommand {
                    command: "topics",
                    given: s("rename"),
                    known: s("`list` (changes are under `/manage`)"),
                    example: "list",
                },
                vec!["`/topics` has no `rename`", "`/manage`"],
            ),
            (
                "/manage sources delete url:x",
                ParseError::UnknownSubcommand {
                    command: "manage sources",
                    given: s("delete"),
                    known: s("`add`, `remove`, `import`, `mute` or `unmute`"),
                    example: "add url:https://example.org/feed.xml",
                },
                vec!["`/manage sources` has no `delete`", "`remove`"],
            ),
            (
                "/subscribe topic:agents colour:red",
                ParseError::UnknownOption {
                    command: "subscribe",
                    option: s("colour"),
                    known: s(
                        "its options are `topic:`, `channel:`, `mode:`, `schedule:`, `timezone:`, `min_score:`, `max_items:`",
                    ),
                },
                vec!["`/subscribe` has no option `colour:`", "`max_items:`"],
            ),
            (
                "/help topic:x",
                ParseError::UnknownOption {
                    command: "help",
                    option: s("topic"),
                    known: s("it takes no options"),
                },
                vec!["`/help` has no option `topic:`; it takes no options"],
            ),
            (
                "/topics slug:x",
                ParseError::UnknownOption {
                    command: "topics",
                    option: s("slug"),
                    known: s("it takes no options"),
                },
                vec!["`/topics` has no option `slug:`"],
            ),
            (
                "/manage topics delete slug:x name:y",
                ParseError::UnknownOption {
                    command: "manage topics delete",
                    option: s("name"),
                    known: s("its options are `slug:`"),
                },
                vec!["its options are `slug:`"],
            ),
            (
                "/subscribe",
                missing("subscribe", "topic", "/subscribe topic:agents"),
                vec!["`/subscribe` needs `topic:`; e.g. `/subscribe topic:agents`"],
            ),
            (
                "/subscribe channel:#x",
                missing("subscribe", "topic", "/subscribe topic:agents"),
                vec!["needs `topic:`"],
            ),
            (
                "/unsubscribe",
                missing("unsubscribe", "topic", "/unsubscribe topic:agents"),
                vec!["`/unsubscribe` needs `topic:`"],
            ),
            (
                "/manage topics create include:x",
                missing(
                    "manage topics create",
                    "slug",
                    "/manage topics create slug:robots include:\"robot, humanoid\"",
                ),
                vec!["`/manage topics create` needs `slug:`"],
            ),
            (
                "/manage topics create slug:x",
                missing(
                    "manage topics create",
                    "include",
                    "/manage topics create slug:robots include:\"robot, humanoid\"",
                ),
                vec!["`/manage topics create` needs `include:`"],
            ),
            (
                "/manage topics edit name:x",
                missing(
                    "manage topics edit",
                    "slug",
                    "/manage topics edit slug:robots name:Robotics",
                ),
                vec!["`/manage topics edit` needs `slug:`"],
            ),
            (
                "/manage topics delete",
                missing("manage topics delete", "slug", "/manage topics delete slug:robots"),
                vec!["`/manage topics delete` needs `slug:`"],
            ),
            (
                "/manage sources add name:x",
                missing(
                    "manage sources add",
                    "url",
                    "/manage sources add url:https://example.org/feed.xml",
                ),
                vec!["`/manage sources add` needs `url:`"],
            ),
            (
                "/manage sources remove",
                missing(
                    "manage sources remove",
                    "url",
                    "/manage sources remove url:https://example.org/feed.xml",
                ),
                vec!["`/manage sources remove` needs `url:`"],
            ),
            (
                "/manage sources import",
                ParseError::MissingOption {
                    command: "manage sources import",
                    needs: s("`url:` or `opml:`"),
                    example: "/manage sources import url:https://example.org/feeds.opml",
                },
                vec!["`/manage sources import` needs `url:` or `opml:`"],
            ),
            (
                "/manage sources import url:https://x.org/a.opml opml:\"<opml/>\"",
                ParseError::ConflictingOptions {
                    command: "manage sources import",
                    options: "`url:` or `opml:`",
                },
                vec!["takes `url:` or `opml:`, not both"],
            ),
            (
                "/search days:3",
                missing("search", "query", "/search query:\"mixture of experts\""),
                vec!["`/search` needs `query:`"],
            ),
            (
                "/summarize",
                missing("summarize", "url", "/summarize url:https://example.org/post"),
                vec!["`/summarize` needs `url:`"],
            ),
            (
                "/subscribe topic:a Topic:b",
                ParseError::DuplicateOption { option: s("topic") },
                vec!["`topic:` is given twice"],
            ),
            (
                "/subscribe topic: agents",
                ParseError::EmptyValue { option: s("topic") },
                vec!["`topic:` has no value", "`topic:value`"],
            ),
            (
                "/subscribe topic:agents schedule:\"daily 08:30",
                ParseError::UnterminatedQuote {
                    fragment: s("schedule:\"daily 08:30"),
                },
                vec!["`schedule:\"daily 08:30` is never closed"],
            ),
            (
                "/search query:\"ends in escape\\\"",
                ParseError::UnterminatedQuote {
                    fragment: s("query:\"ends in escape\\\""),
                },
                vec!["never closed"],
            ),
            (
                "/search mixture of experts",
                ParseError::UnexpectedWord {
                    command: "search",
                    word: s("mixture"),
                    example: "/search query:\"mixture of experts\"",
                },
                vec!["`/search` does not take `mixture`", "query:\"mixture of experts\""],
            ),
            (
                "/digest public",
                ParseError::UnexpectedWord {
                    command: "digest",
                    word: s("public"),
                    example: "/digest topic:agents hours:24",
                },
                vec!["does not take `public`"],
            ),
            (
                "/digest hours:a-day",
                ParseError::BadInteger {
                    option: s("hours"),
                    value: s("a-day"),
                },
                vec!["`hours:` must be a whole number, not `a-day`"],
            ),
            (
                "/search query:x days:1.5",
                ParseError::BadInteger {
                    option: s("days"),
                    value: s("1.5"),
                },
                vec!["`days:`", "`1.5`"],
            ),
            (
                "/latest count:five",
                ParseError::BadInteger {
                    option: s("count"),
                    value: s("five"),
                },
                vec!["`count:`", "`five`"],
            ),
            (
                "/subscribe topic:a min_score:high",
                ParseError::BadInteger {
                    option: s("min_score"),
                    value: s("high"),
                },
                vec!["`min_score:`", "`high`"],
            ),
            (
                "/subscribe topic:a max_items:99999999999999999999",
                ParseError::BadInteger {
                    option: s("max_items"),
                    value: s("99999999999999999999"),
                },
                vec!["`max_items:`"],
            ),
            (
                "/manage settings min_score:\"\"",
                ParseError::BadInteger {
                    option: s("min_score"),
                    value: s(""),
                },
                vec!["`min_score:` must be a whole number"],
            ),
            (
                "/digest public:maybe",
                ParseError::BadBool {
                    option: s("public"),
                    value: s("maybe"),
                },
                vec!["`public:` must be `true` or `false`", "not `maybe`"],
            ),
            (
                "/subscribe topic:a mode:weekly",
                ParseError::BadMode {
                    reason: s("\"weekly\" is not a mode; use `digest` or `instant`"),
                },
                vec!["`mode:`", "\"weekly\" is not a mode"],
            ),
        ];
        for (line, expected, fragments) in cases {
            let error = parse_command(line).expect_err(line);
            assert_eq!(error, expected, "{line:?}");
            let message = error.to_string();
            for fragment in fragments {
                assert!(message.contains(fragment), "{line:?}: {message:?} lacks {fragment:?}");
            }
        }
    }

    #[test]
    fn old_admin_command_lines_say_where_the_command_moved() {
        for (line, moved_to) in [
            ("/sources add url:https://x.org/feed.xml", "manage sources add"),
            (
                "!newsdesk sources remove url:https://x.org/feed.xml",
                "manage sources remove",
            ),
            ("/topics create slug:a include:b", "manage topics create"),
            ("/settings timezone:UTC", "manage settings"),
        ] {
            let message = parse_command(line).expect_err(line).to_string();
            assert!(message.contains(&format!("`/{moved_to}`")), "{line}: {message}");
        }
    }

    #[test]
    fn manage_lines_parse_global_mute_and_unmute() {
        assert_eq!(
            parse_command("/manage sources add url:https://x.org/f global:true").unwrap(),
            Command::Sources(SourcesAction::Add {
                url: s("https://x.org/f"),
                name: None,
                kind: None,
                global: true,
            })
        );
        assert_eq!(
            parse_command("!newsdesk manage sources mute url:https://x.org/f").unwrap(),
            Command::Sources(SourcesAction::Mute {
                url: s("https://x.org/f")
            })
        );
        assert_eq!(
            parse_command("/manage sources unmute url:https://x.org/f").unwrap(),
            Command::Sources(SourcesAction::Unmute {
                url: s("https://x.org/f")
            })
        );
        let message = parse_command("/manage").unwrap_err().to_string();
        assert!(message.contains("`sources`, `topics` or `settings`"), "{message}");
    }

    fn missing(command: &'static str, option: &str, example: &'static str) -> ParseError {
        ParseError::MissingOption {
            command,
            needs: format!("`{option}:`"),
            example,
        }
    }

    #[test]
    fn every_command_name_round_trips_through_the_parser() {
        // Command::name() is what users type, so each must parse to a command of that name.
        let lines = [
            "subscribe topic:a",
            "unsubscribe topic:a",
            "subscriptions",
            "topics",
            "manage topics create slug:a include:b",
            "manage topics edit slug:a",
            "manage topics delete slug:a",
            "sources",
            "manage sources add url:u",
            "manage sources remove url:u",
            "manage sources import url:u",
            "manage sources mute url:u",
            "manage sources unmute url:u",
            "digest",
            "search query:q",
            "latest",
            "summarize url:u",
            "manage settings",
            "stats",
            "help",
        ];
        for line in lines {
            let command = parse_command(line).expect(line);
            assert!(line.starts_with(command.name()), "{line} parsed as {}", command.name());
        }
    }
}
