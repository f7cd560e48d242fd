//! Discord's message shapes as plain serde structs (exactly the create-message body), its
//! limits, and [`check_limits`], which spells them out for the renderer's tests and the fake
//! Discord server.

use serde::{Deserialize, Serialize};

use super::chars;

/// Discord's limits, in chars (Unicode scalar values), as its API enforces them.
pub const CONTENT_MAX: usize = 2_000;
pub const EMBEDS_PER_MESSAGE_MAX: usize = 10;
pub const EMBED_TITLE_MAX: usize = 256;
pub const EMBED_DESCRIPTION_MAX: usize = 4_096;
pub const EMBED_FIELDS_MAX: usize = 25;
pub const FIELD_NAME_MAX: usize = 256;
pub const FIELD_VALUE_MAX: usize = 1_024;
pub const FOOTER_TEXT_MAX: usize = 2_048;
pub const AUTHOR_NAME_MAX: usize = 256;
/// Title, description, field names and values, footer text and author names of all the
/// embeds of one message together.
pub const MESSAGE_EMBED_CHARS_MAX: usize = 6_000;
/// Discord refuses longer embed URLs; they do not count towards the 6,000.
pub const EMBED_URL_MAX: usize = 2_048;

/// A create-message body: what is posted to a channel or a webhook.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DiscordMessage {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub content: String,
    #[serde(default)]
    pub embeds: Vec<Embed>,
}

/// One rich embed. `None` and empty parts are left out of the JSON.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Embed {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// 0xRRGGBB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<EmbedField>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub footer: Option<EmbedFooter>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<EmbedAuthor>,
    /// RFC 3339; Discord shows it, in the reader's time zone, next to the footer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmbedField {
    pub name: String,
    pub value: String,
    #[serde(default)]
    pub inline: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmbedFooter {
    pub text: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmbedAuthor {
    pub name: String,
}

impl Embed {
    /// Chars this embed counts towards [`MESSAGE_EMBED_CHARS_MAX`].
    pub fn text_chars(&self) -> usize {
        let opt = |s: &Option<String>| s.as_deref().map_or(0, chars);
        opt(&self.title)
            + opt(&self.description)
            + self
                .fields
                .iter()
                .map(|f| chars(&f.name) + chars(&f.value))
                .sum::<usize>()
            + self.footer.as_ref().map_or(0, |f| chars(&f.text))
            + self.author.as_ref().map_or(0, |a| chars(&a.name))
    }
}

/// The part of an embed a length limit applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmbedPart {
    Title,
    Description,
    Url,
    FooterText,
    AuthorName,
}

impl std::fmt::Display for EmbedPart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            EmbedPart::Title => "title",
            EmbedPart::Description => "description",
            EmbedPart::Url => "url",
            EmbedPart::FooterText => "footer text",
            EmbedPart::AuthorName => "author name",
        })
    }
}

/// The first Discord limit a message breaks. Indexes are 0-based; lengths are in chars.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitViolation {
    #[error("message has neither content nor embeds")]
    Empty,
    #[error("content is {actual} chars, max {max}")]
    Content { actual: usize, max: usize },
    #[error("{actual} embeds, max {max}")]
    EmbedCount { actual: usize, max: usize },
    #[error("embed {embed}: {part} is {actual} chars, max {max}")]
    EmbedText {
        embed: usize,
        part: EmbedPart,
        actual: usize,
        max: usize,
    },
    #[error("embed {embed}: {actual} fields, max {max}")]
    FieldCount { embed: usize, actual: usize, max: usize },
    #[error("embed {embed}, field {field}: name and value must not be blank")]
    BlankField { embed: usize, field: usize },
    #[error("embed {embed}, field {field}: name is {actual} chars, max {max}")]
    FieldName {
        embed: usize,
        field: usize,
        actual: usize,
        max: usize,
    },
    #[error("embed {embed}, field {field}: value is {actual} chars, max {max}")]
    FieldValue {
        embed: usize,
        field: usize,
        actual: usize,
        max: usize,
    },
    #[error("embeds total {actual} chars, max {max}")]
    Total { actual: usize, max: usize },
}

/// Checks `message` against Discord's limits, as Discord would before accepting it.
///
/// # Errors
///
/// The first [`LimitViolation`] found: message-level ones first, then embed by embed.
pub fn check_limits(message: &DiscordMessage) -> Result<(), LimitViolation> {
    if message.content.trim().is_empty() && message.embeds.is_empty() {
        return Err(LimitViolation::Empty);
    }
    let content = chars(&message.content);
    if content > CONTENT_MAX {
        return Err(LimitViolation::Content {
            actual: content,
            max: CONTENT_MAX,
        });
    }
    if message.embeds.len() > EMBEDS_PER_MESSAGE_MAX {
        return Err(LimitViolation::EmbedCount {
            actual: message.embeds.len(),
            max: EMBEDS_PER_MESSAGE_MAX,
        });
    }
    let mut total = 0;
    for (i, embed) in message.embeds.iter().enumerate() {
        let parts = [
            (EmbedPart::Title, embed.title.as_deref(), EMBED_TITLE_MAX),
            (
                EmbedPart::Description,
                embed.description.as_deref(),
                EMBED_DESCRIPTION_MAX,
            ),
            (EmbedPart::Url, embed.url.as_deref(), EMBED_URL_MAX),
            (
                EmbedPart::FooterText,
                embed.footer.as_ref().map(|f| f.text.as_str()),
                FOOTER_TEXT_MAX,
            ),
            (
                EmbedPart::AuthorName,
                embed.author.as_ref().map(|a| a.name.as_str()),
                AUTHOR_NAME_MAX,
            ),
        ];
        for (part, text, max) in parts {
            let actual = text.map_or(0, chars);
            if actual > max {
                return Err(LimitViolation::EmbedText {
                    embed: i,
                    part,
                    actual,
                    max,
                });
            }
        }
        if embed.fields.len() > EMBED_FIELDS_MAX {
            return Err(LimitViolation::FieldCount {
                embed: i,
                actual: embed.fields.len(),
                max: EMBED_FIELDS_MAX,
            });
        }
        for (j, field) in embed.fields.iter().enumerate() {
            if field.name.trim().is_empty() || field.value.trim().is_empty() {
                return Err(LimitViolation::BlankField { embed: i, field: j });
            }
            let name = chars(&field.name);
            if name > FIELD_NAME_MAX {
                return Err(LimitViolation::FieldName {
                    embed: i,
                    field: j,
                    actual: name,
                    max: FIELD_NAME_MAX,
                });
            }
            let value = chars(&field.value);
            if value > FIELD_VALUE_MAX {
                return Err(LimitViolation::FieldValue {
                    embed: i,
                    field: j,
                    actual: value,
                    max: FIELD_VALUE_MAX,
                });
            }
        }
        total += embed.text_chars();
    }
    if total > MESSAGE_EMBED_CHARS_MAX {
        return Err(LimitViolation::Total {
            actual: total,
            max: MESSAGE_EMBED_CHARS_MAX,
        });
    }
    Ok(())
}
