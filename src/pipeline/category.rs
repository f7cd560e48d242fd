//! The six reader-facing categories a digest is sectioned by.

use serde::{Deserialize, Serialize};

/// A digest section. Order of the variants is the order of the sections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Category {
    #[serde(rename = "🤖 AI / ML")]
    AiMl,
    #[serde(rename = "🔒 Security")]
    Security,
    #[serde(rename = "⚙️ Engineering")]
    Engineering,
    #[serde(rename = "🛠 Tools / Open Source")]
    ToolsOpenSource,
    #[serde(rename = "💡 Opinion / Essays")]
    OpinionEssays,
    #[serde(rename = "📝 Other")]
    Other,
}

impl Category {
    pub const ALL: [Category; 6] = [
        Category::AiMl,
        Category::Security,
        Category::Engineering,
        Category::ToolsOpenSource,
        Category::OpinionEssays,
        Category::Other,
    ];

    pub fn emoji(self) -> &'static str {
        match self {
            Category::AiMl => "🤖",
            Category::Security => "🔒",
            Category::Engineering => "⚙️",
            Category::ToolsOpenSource => "🛠",
            Category::OpinionEssays => "💡",
            Category::Other => "📝",
        }
    }

    /// The name without its emoji, e.g. "AI / ML".
    pub fn name(self) -> &'static str {
        match self {
            Category::AiMl => "AI / ML",
            Category::Security => "Security",
            Category::Engineering => "Engineering",
            Category::ToolsOpenSource => "Tools / Open Source",
            Category::OpinionEssays => "Opinion / Essays",
            Category::Other => "Other",
        }
    }

    /// Emoji and name, e.g. "🤖 AI / ML": what readers see.
    pub fn label(self) -> &'static str {
        match self {
            Category::AiMl => "🤖 AI / ML",
            Category::Security => "🔒 Security",
            Category::Engineering => "⚙️ Engineering",
            Category::ToolsOpenSource => "🛠 Tools / Open Source",
            Category::OpinionEssays => "💡 Opinion / Essays",
            Category::Other => "📝 Other",
        }
    }
}
