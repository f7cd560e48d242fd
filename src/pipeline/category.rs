//! The six reader-facing categories a digest is sectioned by, and [`categorize`], which puts
//! an article in one from its topics, title, lead and source.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::topics::{Topic, TopicInput, TopicMatch, TopicMatcher, builtin_topics, source_matches};

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

/// Body text read for category cues: the lead carries what the piece is.
const LEAD_BYTES: usize = 2_000;
/// Weakest body-only evidence that still decides a category.
const BODY_FLOOR: f32 = 0.3;
/// Strength a topic needs to count here, matching the tagging floor.
const TOPIC_FLOOR: f32 = super::topics::MIN_STRENGTH;

/// Built-in topics that make a story AI news by themselves.
const AI_TOPICS: &[&str] = &[
    "models",
    "agents",
    "research",
    "hardware",
    "robotics",
    "science",
    "coding",
    "multimodal",
];

/// Catalogue terms too general to say "AI" on their own, left out of the AI cue list.
const NOT_AI_ALONE: &[&str] = &[
    "paper",
    "research paper",
    "benchmark",
    "baseline",
    "dataset",
    "researchers",
    "study finds",
    "empirical",
    "accelerator",
    "chip",
    "chipmaker",
    "semiconductor",
    "Intel",
    "AMD",
    "Micron",
    "foundry",
    "wafer",
    "lithography",
    "data center",
    "data centre",
    "datacenter",
    "supercomputer",
    "biology",
    "chemistry",
    "physics",
    "mathematics",
    "genomics",
    "materials science",
    "drone",
    "Cursor",
    "Replit",
    "Lovable",
    "Runway",
    "Whisper",
    "Optimus",
    "Hopper",
    "Grok",
];

/// Words that say AI/ML whatever the catalogue topic.
const AI_WORDS: &[&str] = &[
    "AI",
    "A.I.",
    "artificial intelligence",
    "machine learning",
    "ML",
    "deep learning",
    "neural network",
    "neural net",
    "generative AI",
    "GenAI",
    "chatbot",
    "OpenAI",
    "Anthropic",
    "DeepMind",
    "Google DeepMind",
    "Meta AI",
    "Mistral AI",
    "inference",
    "model weights",
    "prompt",
    "prompting",
    "RAG",
    "retrieval-augmented generation",
    "vector database",
    "AGI",
];

/// Software and hardware engineering that is not about AI.
const ENGINEERING_WORDS: &[&str] = &[
    "software engineering",
    "software design",
    "software",
    "programming",
    "programming language",
    "programmer",
    "compiler",
    "interpreter",
    "spec",
    "specification",
    "formal methods",
    "TLA+",
    "code",
    "codebase",
    "refactoring",
    "unit tests",
    "testing",
    "type system",
    "API design",
    "database",
    "SQL",
    "SQLite",
    "Postgres",
    "PostgreSQL",
    "MySQL",
    "SQLAlchemy",
    "ORM",
    "schema",
    "many-to-many",
    "query planner",
    "Django",
    "Flask",
    "Rails",
    "Python",
    "Rust",
    "Golang",
    "JavaScript",
    "TypeScript",
    "Java",
    "Kotlin",
    "C++",
    "Haskell",
    "OCaml",
    "Zig",
    "WebAssembly",
    "Wasm",
    "HTTP",
    "CSS",
    "HTML",
    "frontend",
    "backend",
    "Linux",
    "kernel",
    "operating system",
    "filesystem",
    "distributed systems",
    "consensus",
    "Kubernetes",
    "Docker",
    "container",
    "infrastructure",
    "DevOps",
    "latency",
    "concurrency",
    "garbage collector",
    "memory safety",
    "mainboard",
    "motherboard",
    "laptop",
    "Framework Laptop",
    "Raspberry Pi",
    "Arm",
    "ARM",
    "RISC-V",
    "x86",
    "CPU",
    "SoC",
    "microcontroller",
    "FPGA",
    "firmware",
    "homelab",
    "NAS",
    "SSD",
];

/// Tools and releases beyond the open-source topic's own terms.
const TOOL_WORDS: &[&str] = &[
    "tool",
    "developer tools",
    "devtools",
    "package registry",
    "registry",
    "command-line",
    "command line interface",
    "CLI tool",
    "extension",
    "VS Code extension",
    "browser extension",
    "toolkit",
    "utility",
    "Homebrew",
    "pip install",
    "npm install",
    "cargo install",
    "alpha release",
    "beta release",
];

/// Interviews and conversations: a title with one of these is an opinion piece.
const CONVERSATION_WORDS: &[&str] = &[
    "interview",
    "conversation with",
    "in conversation",
    "sits down with",
    "talks with",
    "talk with",
    "talks to",
    "speaks with",
    "chat with",
    "fireside chat",
    "Q&A",
    "AMA",
    "our guest",
    "joins us",
];

/// Sources whose pieces are essays and commentary whatever their subject.
const OPINION_SOURCES: &[&str] = &[
    "garymarcus.substack.com",
    "pluralistic.net",
    "dwarkesh.com",
    "dwarkeshpatel.com",
    "thezvi.substack.com",
    "thezvi.wordpress.com",
    "stratechery.com",
    "daringfireball.net",
    "oneusefulthing.org",
    "noahpinion.blog",
    "astralcodexten.com",
    "marginalrevolution.com",
    "ben-evans.com",
    "paulgraham.com",
    "aisnakeoil.com",
    "normaltech.ai",
    "/opinion/",
    "/commentisfree/",
];

/// Title openings that announce an argument.
const OPINION_OPENINGS: &[&str] = &[
    "why ",
    "the case for ",
    "the case against ",
    "in defense of ",
    "in defence of ",
    "in praise of ",
    "against ",
];

/// Title phrases that announce an argument, anywhere in the title.
const OPINION_PHRASES: &[&str] = &[
    "op-ed",
    "opinion:",
    "opinion |",
    "essay:",
    "an essay",
    "my take",
    "hot take",
    "thoughts on ",
    "why we should",
    "why you should",
    "why i ",
    "i was wrong",
    "a letter to",
];

/// Sorts an article into its digest section. `topics` are its catalogue matches; the
/// title, the lead (first 2,000 bytes of text) and the source URL are read for cues. The
/// first rule that applies wins:
///
/// 1. **Release titles** — a package name and a version and nothing else ("datasette
///    1.0a27", "datasette-export-database 0.3a1", "Ollama 0.5.0"): 🛠 Tools / Open Source.
///    A capitalised name with a plain two-part version ("Qwen 2.5") is a model, not a tool.
/// 2. **Opinion sources and framings** — an essay/commentary source (garymarcus.substack.com,
///    pluralistic.net, dwarkesh.com, stratechery.com, an `/opinion/` path, …), a title that
///    opens an argument ("Why …", "The case for …", "In defense of …"), says "op-ed",
///    "essay", "my take", or is an interview or conversation (for podcasts, also in the
///    lead): 💡 Opinion / Essays.
/// 3. **Security** — security evidence of at least 0.5 with security terms in the title,
///    either more of them than AI terms, or as many and security evidence no weaker than the
///    AI evidence; or security evidence of 0.85 from the text with no AI term in the title
///    and no stronger AI evidence: 🔒 Security. So "AI cybersecurity is not proof of work"
///    is Security, while a model launch that mentions its safety features stays AI / ML.
/// 4. **The title decides** — among AI, tool and engineering terms found in the title, the
///    strongest group wins (ties: AI, then tools): 🤖 AI / ML, 🛠 Tools / Open Source
///    (open source, GitHub, libraries, plugins, CLIs, package managers), ⚙️ Engineering
///    (databases, SQL, languages, compilers, infrastructure, boards and laptops).
/// 5. **Quotations** — "Quoting …" titles are 🤖 AI / ML when the text is mostly about AI,
///    else 💡 Opinion / Essays.
/// 6. **The text decides** — the strongest of the three groups in the lead, if at least a
///    couple of mentions.
/// 7. **First-person argument** about technology ("I think", "in my view", "we should"):
///    💡 Opinion / Essays.
/// 8. Any AI topic at all: 🤖 AI / ML; otherwise 📝 Other (a theatre review, a recipe).
///
/// AI evidence is the stronger of the catalogue's AI topics (models, agents, research,
/// hardware, robotics, science, coding, multimodal) and general AI words ("AI", "machine
/// learning", "OpenAI", …); business, policy and open-source topics alone do not make a
/// story AI news.
pub fn categorize(input: &TopicInput<'_>, topics: &[TopicMatch]) -> Category {
    let cues = Cues::read(input);
    let topic = |slug: &str| {
        topics
            .iter()
            .find(|t| t.slug == slug && t.strength >= TOPIC_FLOOR)
            .map_or(0.0, |t| t.strength)
    };
    let ai_topic = AI_TOPICS.iter().map(|s| topic(s)).fold(0.0f32, f32::max);
    let ai = Group {
        strength: cues.ai.strength.max(ai_topic),
        title: cues.ai.title,
    };
    let security = Group {
        strength: cues.security.strength.max(topic("security")),
        title: cues.security.title,
    };
    let tools = Group {
        strength: cues.tools.strength.max(topic("open-source")),
        title: cues.tools.title,
    };
    let engineering = cues.engineering;

    if is_release_title(input.title) {
        return Category::ToolsOpenSource;
    }
    let conversation = cues.conversation.title > 0 || (input.is_podcast && cues.conversation.strength > 0.0);
    if OPINION_SOURCES
        .iter()
        .any(|hint| source_matches(input.source_url, hint))
        || has_opinion_title(input.title)
        || conversation
    {
        return Category::OpinionEssays;
    }
    let security_in_title = security.strength >= 0.5
        && (security.title > ai.title
            || security.title > 0 && security.title == ai.title && security.strength >= ai.strength);
    let security_in_text = security.strength >= 0.85 && ai.title == 0 && security.strength >= ai.strength;
    // A disclosed vulnerability (a CVE id) is security news even when the product is an AI one.
    let disclosed_flaw = security.strength >= 0.5 && (has_cve_id(input.title) || has_cve_id(input.text));
    if security_in_title || security_in_text || disclosed_flaw {
        return Category::Security;
    }
    let groups = [
        (Category::AiMl, ai),
        (Category::ToolsOpenSource, tools),
        (Category::Engineering, engineering),
    ];
    // `max_by` keeps the last of equals, so go in reverse to let AI win ties.
    let best = |eligible: &dyn Fn(&Group) -> bool| {
        groups
            .iter()
            .rev()
            .filter(|(_, g)| eligible(g))
            .max_by(|a, b| a.1.strength.total_cmp(&b.1.strength))
            .map(|&(category, _)| category)
    };
    if let Some(category) = best(&|g| g.title > 0) {
        return category;
    }
    let body_best = best(&|g| g.strength >= BODY_FLOOR);
    if input.title.trim_start().starts_with("Quoting ") {
        return match body_best {
            Some(Category::AiMl) => Category::AiMl,
            _ => Category::OpinionEssays,
        };
    }
    if let Some(category) = body_best {
        return category;
    }
    let any_tech = ai.strength > 0.0 || tools.strength > 0.0 || engineering.strength > 0.0 || security.strength > 0.0;
    if cues.opinion.strength >= 0.5 && any_tech {
        return Category::OpinionEssays;
    }
    if ai_topic > 0.0 || ai.strength >= TOPIC_FLOOR {
        return Category::AiMl;
    }
    Category::Other
}

/// One cue group's evidence: strength as the topic matcher scores it, distinct title terms.
#[derive(Debug, Clone, Copy, Default)]
struct Group {
    strength: f32,
    title: u32,
}

#[derive(Debug, Default)]
struct Cues {
    ai: Group,
    security: Group,
    tools: Group,
    engineering: Group,
    conversation: Group,
    opinion: Group,
}

/// The cue groups compiled once; `None` only if the static lists fail to compile, which a
/// test rules out, and then categories fall back on the catalogue topics alone.
static CUE_MATCHER: LazyLock<Option<TopicMatcher>> = LazyLock::new(|| TopicMatcher::new(&cue_topics()).ok());

impl Cues {
    fn read(input: &TopicInput<'_>) -> Cues {
        let mut cues = Cues::default();
        let Some(matcher) = CUE_MATCHER.as_ref() else {
            return cues;
        };
        let doc = TopicInput {
            text: lead(input.text, LEAD_BYTES),
            ..*input
        };
        for e in matcher.evidence(&doc) {
            if e.vetoed {
                continue;
            }
            let group = Group {
                strength: e.strength,
                title: e.title_terms,
            };
            match e.slug.as_str() {
                "ai" => cues.ai = group,
                "security" => cues.security = group,
                "tools" => cues.tools = group,
                "engineering" => cues.engineering = group,
                "conversation" => cues.conversation = group,
                "opinion" => cues.opinion = group,
                _ => {}
            }
        }
        cues
    }
}

/// The cue groups as topics (not built-in, so no boosts or source hints apply). AI, security
/// and tools reuse the catalogue's terms so the two stay in step.
fn cue_topics() -> Vec<Topic> {
    let catalogue = builtin_topics();
    let terms_of = |slugs: &[&str]| -> Vec<String> {
        catalogue
            .iter()
            .filter(|t| slugs.contains(&t.slug.as_str()))
            .flat_map(|t| t.include.iter().cloned())
            .collect()
    };
    let owned = |words: &[&str]| words.iter().map(|w| w.to_string()).collect::<Vec<_>>();
    let cue = |slug: &str, include: Vec<String>, exclude: Vec<String>| Topic {
        slug: slug.to_string(),
        name: slug.to_string(),
        description: String::new(),
        include,
        exclude,
        builtin: false,
    };
    let mut ai: Vec<String> = terms_of(AI_TOPICS)
        .into_iter()
        .filter(|t| !NOT_AI_ALONE.contains(&t.as_str()))
        .collect();
    ai.extend(owned(AI_WORDS));
    let security_exclude = catalogue
        .iter()
        .find(|t| t.slug == "security")
        .map(|t| t.exclude.clone())
        .unwrap_or_default();
    let mut tools = terms_of(&["open-source"]);
    tools.extend(owned(TOOL_WORDS));
    vec![
        cue("ai", ai, Vec::new()),
        cue("security", terms_of(&["security"]), security_exclude),
        cue("tools", tools, Vec::new()),
        cue("engineering", owned(ENGINEERING_WORDS), Vec::new()),
        cue("conversation", owned(CONVERSATION_WORDS), Vec::new()),
        cue(
            "opinion",
            owned(&[
                "I think",
                "I believe",
                "in my view",
                "in my opinion",
                "I argue",
                "I'd argue",
                "I would argue",
                "my take",
                "we should",
                "should we",
                "I worry",
                "I'm skeptical",
                "the case for",
                "the case against",
                "op-ed",
                "essay",
                "hype",
                "absurd",
                "nonsense",
            ]),
            Vec::new(),
        ),
    ]
}

/// The first `max` bytes of `text`, cut at a character boundary.
fn lead(text: &str, max: usize) -> &str {
    &text[..text.floor_char_boundary(max)]
}

fn has_opinion_title(title: &str) -> bool {
    let title = title.trim().to_lowercase();
    OPINION_OPENINGS.iter().any(|o| title.starts_with(o)) || OPINION_PHRASES.iter().any(|p| title.contains(p))
}

/// "name version" and nothing else, where the name looks like a package (lower-case start,
/// or a '-' or '_' in it) or the version like a software release (a pre-release suffix such
/// as "a27"/"rc1", or three parts). A capitalised name with a plain "3.1" is more likely a
/// model ("Qwen 2.5"), and a single number a product ("iPhone 17").
fn is_release_title(title: &str) -> bool {
    let parts: Vec<&str> = title.split_whitespace().collect();
    let [name, version] = parts[..] else {
        return false;
    };
    let version = version.strip_prefix(['v', 'V']).unwrap_or(version);
    let numeric_end = version
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(version.len());
    let (numeric, suffix) = version.split_at(numeric_end);
    let components: Vec<&str> = numeric.split('.').collect();
    if numeric.is_empty() || components.iter().any(|c| c.is_empty()) {
        return false;
    }
    let suffix_ok = suffix.is_empty()
        || suffix.starts_with(|c: char| c.is_ascii_alphabetic() || c == '-')
            && suffix
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.'));
    let name_ok = name.chars().any(|c| c.is_alphabetic())
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !suffix_ok || !name_ok || (components.len() < 2 && suffix.is_empty()) {
        return false;
    }
    let package_name = name.starts_with(|c: char| c.is_lowercase()) || name.contains(['-', '_']);
    package_name || !suffix.is_empty() || components.len() >= 3
}

/// "CVE-2026-1234": the id of a publicly disclosed vulnerability.
fn has_cve_id(text: &str) -> bool {
    text.match_indices("CVE-").any(|(at, _)| {
        let rest = &text.as_bytes()[at + 4..];
        rest.len() >= 6 && rest[..4].iter().all(u8::is_ascii_digit) && rest[4] == b'-' && rest[5].is_ascii_digit()
    })
}

#[cfg(test)]
mod tests {
    use super::super::topics::TopicMatcher;
    use super::*;

    /// (title, lead, source URL, is podcast, expected category)
    type Case = (&'static str, &'static str, &'static str, bool, Category);

    /// The fifteen items of the 2026-04-16 digest (example 004) with the section they were
    /// filed under, where that section is the sensible one.
    const DIGEST_004: &[Case] = &[
        (
            "Writing an LLM from scratch, part 32k – Interventions: training a better model locally with gradient \
             accumulation",
            "I've been training a GPT-2-small-style LLM locally, following Sebastian Raschka's book \"Build a Large \
             Language Model (from Scratch)\". This time: gradient accumulation, which simulates larger batch sizes \
             on limited hardware by accumulating gradients over several mini-batches before each optimiser step.",
            "https://www.gilesthomas.com/2026/04/llm-from-scratch-32k",
            false,
            Category::AiMl,
        ),
        (
            "Peak absurdity, Part II",
            "You can't make this up.",
            "https://garymarcus.substack.com/p/peak-absurdity-part-ii",
            false,
            Category::OpinionEssays,
        ),
        (
            "Gemini 3.1 Flash TTS",
            "Google released Gemini 3.1 Flash TTS today, a new text-to-speech model available via the standard \
             Gemini API using the gemini-3.1-flash-tts-preview model ID. You can direct it with prompts. It can \
             only output audio files.",
            "https://simonwillison.net/2026/Apr/15/gemini-31-flash-tts/",
            false,
            Category::AiMl,
        ),
        (
            "Quoting Kyle Kingsbury",
            "As ML systems take on more decisions, people will be employed to be meat shields: to bear \
             accountability for what the machine learning system did. Meta hires humans to review automated \
             moderation; lawyers are sanctioned for filing LLM-generated lies in court.",
            "https://simonwillison.net/2026/Apr/15/kyle-kingsbury/",
            false,
            Category::AiMl,
        ),
        (
            "Gemini 3.1 Flash TTS",
            "Notes on Google's new Gemini 3.1 Flash TTS text-to-speech model. I built a tool at \
             tools.simonwillison.net/gemini-flash-tts for trying it out.",
            "https://simonwillison.net/2026/Apr/15/gemini-flash-tts-tool/",
            false,
            Category::AiMl,
        ),
        (
            "Jensen Huang – TPU competition, why we should sell chips to China, & Nvidia's supply chain moat",
            "In this interview, Nvidia CEO Jensen Huang talks about competition from Google's TPUs, why CUDA and \
             the full stack matter more than raw chip performance, selling chips to China, and a supply chain that \
             can scale to a trillion dollars.",
            "https://www.dwarkesh.com/p/jensen-huang",
            false,
            Category::OpinionEssays,
        ),
        (
            "Pluralistic: A Pascal's Wager for AI Doomers (16 Apr 2026)",
            "Today's links: A Pascal's Wager for AI Doomers: even if you think we won't be turned into paperclips. \
             Hey look at this: Open DRM; Copyrighted Klingon.",
            "https://pluralistic.net/2026/04/16/pascals-wager/",
            false,
            Category::OpinionEssays,
        ),
        (
            "Quoting John Gruber",
            "Apple's real goldmine isn't the App Store cut, it's that the best apps are on its platforms, which \
             sells iPhones, Macs and iPads. That edge is slipping, not because other platforms' software got better \
             but because third-party software on Apple's platforms is regressing to the mean.",
            "https://simonwillison.net/2026/Apr/15/john-gruber/",
            false,
            Category::OpinionEssays,
        ),
        (
            "SQLAlchemy 2 In Practice - Chapter 5 - Advanced Many-To-Many Relationships",
            "In the previous chapter you learned the building blocks of relational database design. This chapter \
             looks at many-to-many relationships that need tweaking: association objects that carry extra data \
             and custom join conditions.",
            "https://blog.miguelgrinberg.com/post/sqlalchemy-2-in-practice-chapter-5",
            false,
            Category::Engineering,
        ),
        (
            "A sufficiently comprehensive spec is not (necessarily) code",
            "There's a comic where a business person says a sufficiently detailed spec means we won't need \
             programmers, and the programmer replies that a sufficiently detailed spec is called code. Specs say \
             what should be built; code says how it runs, edge cases included.",
            "https://buttondown.com/hillelwayne/archive/a-sufficiently-comprehensive-spec/",
            false,
            Category::Engineering,
        ),
        (
            "An Arm Mainboard for the Framework Laptop",
            "I tested the MetaComputing AI PC, the only Arm mainboard for the Framework 13, with a 12-core Arm SoC \
             and up to 32 GB of RAM, after the low-end x86 Ryzen AI 5 340 board and the fastest RISC-V option, the \
             DC-ROMA II.",
            "https://www.jeffgeerling.com/blog/2026/arm-mainboard-framework-laptop",
            false,
            Category::Engineering,
        ),
        (
            "Features everyone should steal from npmx",
            "npmx is a new frontend for the npm package registry, designed by its users. Several of its features \
             should be adopted by every package manager: better search, interactive package exploration, and clear \
             dependency views on the command line.",
            "https://nesbitt.io/2026/04/16/npmx.html",
            false,
            Category::ToolsOpenSource,
        ),
        (
            "datasette 1.0a27",
            "Two major changes in this alpha. Datasette no longer uses Django-style CSRF form tokens, relying on \
             modern browser headers for CSRF protection as recommended by Filippo Valsorda.",
            "https://simonwillison.net/2026/Apr/15/datasette/",
            false,
            Category::ToolsOpenSource,
        ),
        (
            "datasette-export-database 0.3a1",
            "This plugin used the ds_csrftoken cookie as part of a custom signed URL, and Datasette 1.0a27 no \
             longer sets that cookie, so this release fixes the breakage.",
            "https://simonwillison.net/2026/Apr/15/datasette-export-database/",
            false,
            Category::ToolsOpenSource,
        ),
    ];

    /// Stories beyond the example, one per rule.
    const MORE: &[Case] = &[
        (
            "Review: a luminous Seagull at the Old Vic",
            "Chekhov's comedy gets a tender staging. The cast is superb, the lighting spare, and the final act lands \
             with quiet force. I think the director trusts the silences, and the audience held its breath.",
            "https://www.theguardian.com/stage/2026/apr/16/the-seagull-review",
            false,
            Category::Other,
        ),
        (
            "Nvidia H200 exports to China approved under new export controls",
            "The Commerce Department will let Nvidia ship H200 GPUs to approved customers in China, loosening export \
             controls on AI chips.",
            "https://www.theverge.com/rss/ai-artificial-intelligence/index.xml",
            false,
            Category::AiMl,
        ),
        (
            "Mistral AI raises €1.7 billion Series C at an €11.7 billion valuation",
            "The Paris AI startup said the funding round was led by ASML, with existing investors joining.",
            "https://techcrunch.com/category/artificial-intelligence/feed/",
            false,
            Category::AiMl,
        ),
        (
            "Figure unveils its third-generation humanoid robot",
            "Figure AI's new humanoid can load a dishwasher; the robot runs a vision-language-action model.",
            "https://www.theverge.com/rss/ai-artificial-intelligence/index.xml",
            false,
            Category::AiMl,
        ),
        (
            "Prompt injection in a popular MCP server lets attackers exfiltrate private repos",
            "Security researchers found that a crafted GitHub issue can hijack an agent connected to the server, \
             a vulnerability now tracked as CVE-2026-1234.",
            "https://simonwillison.net/atom/everything/",
            false,
            Category::Security,
        ),
        (
            "Why scaling alone will not get us to AGI",
            "I think the scaling debate misses the point.",
            "https://example.com/blog/scaling",
            false,
            Category::OpinionEssays,
        ),
        (
            "llm-gemini 0.20",
            "Support for the new Gemini 3.1 models.",
            "https://simonwillison.net/atom/everything/",
            false,
            Category::ToolsOpenSource,
        ),
        (
            "Qwen 2.5",
            "Alibaba's new open-weight model family, from 0.5B to 72B parameters.",
            "https://www.reddit.com/r/LocalLLaMA/.rss",
            false,
            Category::AiMl,
        ),
        (
            "Ollama adds a new open-source CLI plugin system on GitHub",
            "The release lets developers write plugins for the command-line tool; the library is MIT licensed.",
            "https://news.ycombinator.com/rss",
            false,
            Category::ToolsOpenSource,
        ),
        (
            "Agents in production, with the CTO of Stripe",
            "In this episode we talk with Stripe's CTO about shipping agents to millions of merchants.",
            "https://api.substack.com/feed/podcast/1084089.rss",
            true,
            Category::OpinionEssays,
        ),
        (
            "Postgres 18 query planner changes, explained",
            "The new release of the database changes how the query planner picks join orders, with big latency \
             wins on SQL workloads.",
            "https://news.ycombinator.com/rss",
            false,
            Category::Engineering,
        ),
    ];

    #[test]
    fn digest_004_and_more_land_in_their_sections() {
        let matcher = TopicMatcher::builtin().unwrap();
        let mut wrong = Vec::new();
        for &(title, text, source_url, is_podcast, expected) in DIGEST_004.iter().chain(MORE) {
            let input = TopicInput {
                title,
                text,
                is_podcast,
                source_url,
            };
            let topics = matcher.matches(&input);
            let got = categorize(&input, &topics);
            if got != expected {
                wrong.push(format!("{title:?}: got {got:?}, want {expected:?}; topics {topics:?}"));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn ai_cybersecurity_essay_is_security_or_opinion() {
        let matcher = TopicMatcher::builtin().unwrap();
        let input = TopicInput {
            title: "AI cybersecurity is not proof of work",
            text: "There is an analogy going around: AI bug finding is like proof of work, spend enough compute and \
                   the bugs fall out. I don't think so. LLM executions take different branches and eventually \
                   saturate the possible states; sampling a model for a bug in some code is not finding a hash \
                   collision.",
            is_podcast: false,
            source_url: "https://antirez.com/rss",
        };
        let topics = matcher.matches(&input);
        assert!(topics.iter().any(|t| t.slug == "security"), "{topics:?}");
        let got = categorize(&input, &topics);
        assert!(matches!(got, Category::Security | Category::OpinionEssays), "{got:?}");
    }

    #[test]
    fn a_theatre_review_matches_no_ai_topic() {
        let matcher = TopicMatcher::builtin().unwrap();
        let (title, text, source_url, is_podcast, _) = MORE[0];
        let input = TopicInput {
            title,
            text,
            is_podcast,
            source_url,
        };
        assert!(matcher.matches(&input).is_empty());
    }

    #[test]
    fn cue_lists_compile() {
        assert!(CUE_MATCHER.is_some());
    }

    #[test]
    fn release_titles() {
        for yes in [
            "datasette 1.0a27",
            "datasette-export-database 0.3a1",
            "Ollama 0.5.0",
            "llm 0.19",
            "sqlite-utils v3.38",
        ] {
            assert!(is_release_title(yes), "{yes}");
        }
        for no in [
            "Qwen 2.5",
            "iPhone 17",
            "Gemini 3.1 Flash TTS",
            "GPT-5",
            "Peak absurdity, Part II",
            "Chapter 5",
        ] {
            assert!(!is_release_title(no), "{no}");
        }
    }

    #[test]
    fn lead_cuts_at_a_char_boundary() {
        assert_eq!(lead("héllo", 2), "h");
        assert_eq!(lead("abc", 10), "abc");
    }
}
