//! Topics: the built-in AI catalogue and custom topics, matched by include/exclude terms.
//!
//! A [`Topic`] is a slug, a name and two term lists. [`TopicMatcher`] compiles any list of
//! topics (the built-in catalogue from [`builtin_topics`] plus the user's custom ones) into a
//! single Aho-Corasick automaton over every term of every topic, so tagging an article is one
//! pass over its title and one over its text, however many topics there are.
//!
//! How a term matches:
//! - whole words and phrases only: "agent" does not hit "reagent", "AI" does not hit "said";
//! - case-insensitively (ASCII), except short acronyms: a term of at most four characters
//!   written with a capital letter ("AI", "ML", "TTS", "Grok") matches only in exactly that
//!   case, so it cannot hit an ordinary lower-case word;
//! - simple plurals: "agent" hits "agents", "breach" hits "breaches", "policy" hits
//!   "policies"; a space and a hyphen are interchangeable ("open source" = "open-source");
//! - within one topic, overlapping hits keep the longest, so "open weights" counts once and
//!   an exclude phrase such as "travel agent" swallows the "agent" inside it.
//!
//! How a topic scores: each distinct include term found in the title adds 1.0; in the text
//! each distinct term adds `0.3·ln(1 + n)` for its `n` occurrences (a passing mention is not
//! enough, repetition helps with diminishing returns). Built-in topics also have *boost*
//! terms ("release", "weights", …) that add half as much but only once a real term has hit,
//! and source hints (an arXiv feed is research) worth one title hit. The strength is
//! `1 − e^(−score)`, so it saturates towards 1.0; topics under [`MIN_STRENGTH`] are dropped.
//! An exclude term in the title, or exclude terms twice in the text, veto the topic. The
//! `podcasts` topic only reads the title and is 1.0 for any podcast episode.

use std::collections::{HashMap, HashSet};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Topics weaker than this are not reported: about two mentions of a term in the text, or
/// one of two different terms; a single passing mention stays below it.
pub const MIN_STRENGTH: f32 = 0.25;

/// Longest term, in characters.
pub const MAX_TERM_CHARS: usize = 60;
/// Most terms in one list (include or exclude) of a custom topic.
pub const MAX_TERMS: usize = 50;
/// Longest topic name, in characters.
pub const MAX_NAME_CHARS: usize = 60;

const TITLE_WEIGHT: f32 = 1.0;
const BODY_WEIGHT: f32 = 0.3;
/// Boost terms count for this fraction of a real term.
const BOOST_FACTOR: f32 = 0.5;
/// A source hint is worth one title hit.
const SOURCE_WEIGHT: f32 = 1.0;
/// Core score from which boost terms count: a title hit, or about two text mentions.
const MIN_CORE_FOR_BOOST: f32 = 0.3;
/// Exclude hits in the text needed to veto (one in the title is enough).
const BODY_VETO_HITS: u32 = 2;

/// A topic: what articles on it contain (`include`) and what shows they are not (`exclude`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Topic {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub builtin: bool,
}

/// One topic an article matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopicMatch {
    pub slug: String,
    /// 0.0..=1.0, at least [`MIN_STRENGTH`].
    pub strength: f32,
    /// The terms that hit, as the topic spells them, most telling first. Empty when only a
    /// source cue matched (a podcast feed, an arXiv listing).
    pub matched: Vec<String>,
}

/// Everything the matcher knows about one topic in one article, for callers that weigh the
/// title differently (the category classifier does). Unlike [`TopicMatch`], it also reports
/// topics under [`MIN_STRENGTH`] and vetoed ones.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopicEvidence {
    pub slug: String,
    /// 0.0..=1.0; 0.0 when vetoed.
    pub strength: f32,
    /// Distinct include terms (boosts left out) found in the title.
    pub title_terms: u32,
    /// Occurrences of include terms (boosts left out) in the text.
    pub body_hits: u32,
    pub vetoed: bool,
    pub matched: Vec<String>,
}

/// What the matcher reads of an article.
#[derive(Debug, Clone, Copy)]
pub struct TopicInput<'a> {
    pub title: &'a str,
    /// Plain text of the article (or the excerpt we have), without the title.
    pub text: &'a str,
    pub is_podcast: bool,
    /// The feed or page the article came from; only its host and path are looked at.
    pub source_url: &'a str,
}

/// Why a topic list or a custom topic was refused. Each message names the bad value and how
/// to fix it, because these reach users who type custom topics.
#[derive(Debug, Error)]
pub enum TopicError {
    #[error("topic slug {slug:?} is invalid: use 2-32 characters from a-z, 0-9 and '-' (for example {suggestion:?})")]
    InvalidSlug { slug: String, suggestion: String },
    #[error("topic slug {slug:?} belongs to a built-in topic: pick another one, for example \"my-{slug}\"")]
    ReservedSlug { slug: String },
    #[error("two topics have the slug {slug:?}: slugs must be unique, rename one of them")]
    DuplicateSlug { slug: String },
    #[error("topic name {name:?} is invalid: give a name of 1-{MAX_NAME_CHARS} characters on one line")]
    InvalidName { name: String },
    #[error("topic {slug:?} has no include terms: give at least one word or phrase that articles on it contain")]
    NoIncludeTerms { slug: String },
    #[error("term {term:?} of topic {slug:?} is invalid: {reason}")]
    InvalidTerm {
        slug: String,
        term: String,
        reason: &'static str,
    },
    #[error("topic {slug:?} has {count} {list} terms, at most {MAX_TERMS} are allowed: keep the most telling ones")]
    TooManyTerms {
        slug: String,
        list: &'static str,
        count: usize,
    },
    #[error("could not compile the topic terms: {0}")]
    Automaton(#[from] aho_corasick::BuildError),
}

/// A built-in topic as shipped. `boost` and `sources` stay out of [`Topic`] (users never
/// edit them); the matcher looks them up by slug for topics marked `builtin`.
struct Builtin {
    slug: &'static str,
    name: &'static str,
    description: &'static str,
    include: &'static [&'static str],
    /// Context words that only add weight once an include term has hit, because alone they
    /// are too common ("release", "weights").
    boost: &'static [&'static str],
    exclude: &'static [&'static str],
    /// Sources whose every item is on the topic: a host ("arxiv.org" also covers
    /// "rss.arxiv.org"), a host and path prefix, or "/fragment" anywhere in the path.
    sources: &'static [&'static str],
}

/// The slug of the topic that reads `is_podcast` and only the title.
pub const PODCASTS: &str = "podcasts";

static BUILTINS: &[Builtin] = &[
    Builtin {
        slug: "models",
        name: "Models & releases",
        description: "Launches and updates of AI models and model families: GPT, Claude, Gemini, Llama, Mistral, \
                      Qwen, DeepSeek and the rest.",
        include: &[
            "LLM",
            "large language model",
            "language model",
            "foundation model",
            "frontier model",
            "reasoning model",
            "open-weight model",
            "small language model",
            "new model",
            "model release",
            "model card",
            "system card",
            "context window",
            "ChatGPT",
            "GPT",
            "GPT-4",
            "GPT-4o",
            "GPT-4.1",
            "GPT-4.5",
            "GPT-5",
            "gpt-oss",
            "o3-pro",
            "o4-mini",
            "Claude",
            "Claude Opus",
            "Claude Sonnet",
            "Claude Haiku",
            "Gemini",
            "Gemma",
            "Llama",
            "Mistral",
            "Mixtral",
            "Codestral",
            "Magistral",
            "Qwen",
            "Qwen3",
            "DeepSeek",
            "DeepSeek-R1",
            "DeepSeek-V3",
            "Kimi",
            "Moonshot AI",
            "GLM",
            "Zhipu",
            "MiniMax",
            "Grok",
            "xAI",
            "Phi-4",
            "Nemotron",
            "Cohere",
            "Command R",
            "OLMo",
            "Sora",
            "Veo",
            "Imagen",
            "Nano Banana",
            "Midjourney",
            "Stable Diffusion",
            "text-to-speech",
            "TTS",
            "speech model",
            "embedding model",
            "multimodal model",
            "vision-language model",
            "VLM",
            "billion parameters",
            "trillion parameters",
            "mixture of experts",
            "MoE",
        ],
        boost: &[
            "model",
            "release",
            "released",
            "launch",
            "launches",
            "launched",
            "weights",
            "open weights",
            "checkpoint",
            "benchmark",
            "preview",
            "API",
            "model ID",
            "available today",
            "parameters",
            "fine-tuned",
            "distilled",
            "pricing",
            "tokens",
            "Flash",
            "Pro",
            "Opus",
            "Sonnet",
        ],
        exclude: &[
            "horoscope",
            "zodiac",
            "llama farm",
            "alpaca farm",
            "mistral wind",
            "Claude Monet",
            "Claude Debussy",
            "Claude Shannon",
            "Project Gemini",
            "Gemini capsule",
            "fashion model",
            "role model",
            "supermodel",
            "model train",
            "scale model",
            "catwalk",
        ],
        sources: &[],
    },
    Builtin {
        slug: "agents",
        name: "Agents & tool use",
        description: "AI agents that act: tool use, computer use, MCP servers, coding agents and agent frameworks.",
        include: &[
            "agent",
            "AI agent",
            "agentic",
            "multi-agent",
            "subagent",
            "autonomous agent",
            "tool use",
            "tool calling",
            "function calling",
            "computer use",
            "computer-use agent",
            "browser use",
            "browser agent",
            "coding agent",
            "mcp",
            "Model Context Protocol",
            "MCP server",
            "A2A",
            "Agent2Agent",
            "Agents SDK",
            "agent framework",
            "Claude Code",
            "Codex",
            "Devin",
            "OpenHands",
            "AutoGPT",
            "LangGraph",
            "CrewAI",
            "AutoGen",
            "deep research",
        ],
        boost: &[
            "autonomous",
            "workflow",
            "tools",
            "sandbox",
            "tasks",
            "planning",
            "browser",
            "terminal",
            "orchestration",
            "harness",
            "scaffold",
            "long-horizon",
        ],
        exclude: &[
            "travel agent",
            "real estate agent",
            "insurance agent",
            "FBI agent",
            "federal agent",
            "ICE agent",
            "Border Patrol agent",
            "secret agent",
            "free agent",
            "free agency",
            "nerve agent",
            "chemical agent",
            "Agent Orange",
            "user agent",
            "user-agent string",
        ],
        sources: &[],
    },
    Builtin {
        slug: "research",
        name: "Research papers",
        description: "New papers and results: arXiv preprints, benchmarks, methods and conference work (NeurIPS, \
                      ICML, ICLR, ACL, CVPR).",
        include: &[
            "arXiv",
            "paper",
            "research paper",
            "preprint",
            "we propose",
            "we present",
            "we introduce",
            "we show that",
            "our method",
            "our approach",
            "state-of-the-art",
            "SOTA",
            "benchmark",
            "ablation",
            "baseline",
            "dataset",
            "NeurIPS",
            "ICML",
            "ICLR",
            "ACL",
            "EMNLP",
            "NAACL",
            "CVPR",
            "ICCV",
            "ECCV",
            "AAAI",
            "COLM",
            "peer review",
            "reinforcement learning",
            "RLHF",
            "RLVR",
            "DPO",
            "fine-tuning",
            "pretraining",
            "post-training",
            "training run",
            "training data",
            "from scratch",
            "gradient descent",
            "gradient accumulation",
            "backpropagation",
            "loss function",
            "transformer",
            "attention mechanism",
            "scaling law",
            "interpretability",
            "mechanistic interpretability",
            "sparse autoencoder",
            "distillation",
            "quantization",
            "chain-of-thought",
            "in-context learning",
            "diffusion model",
            "tokenizer",
            "embeddings",
            "researchers",
            "study finds",
        ],
        boost: &[
            "training",
            "model",
            "results",
            "experiments",
            "accuracy",
            "evaluation",
            "we find",
            "et al",
            "code is available",
            "GitHub",
            "optimizer",
            "batch size",
            "learning rate",
        ],
        exclude: &[
            "toilet paper",
            "paper towel",
            "paper straw",
            "paper money",
            "ACL injury",
            "ACL tear",
            "torn ACL",
            "power transformer",
            "electrical transformer",
            "substation",
        ],
        sources: &[
            "arxiv.org",
            "openreview.net",
            "research.google",
            "bair.berkeley.edu",
            "ai.stanford.edu",
            "blog.ml.cmu.edu",
            "machinelearning.apple.com",
            "amazon.science",
            "microsoft.com/en-us/research",
            "lilianweng.github.io",
        ],
    },
    Builtin {
        slug: "hardware",
        name: "Hardware & chips",
        description: "AI compute: GPUs, TPUs and accelerators, Nvidia, AMD, TSMC, HBM memory, data centres and \
                      export controls on chips.",
        include: &[
            "gpu",
            "tpu",
            "npu",
            "AI accelerator",
            "accelerator",
            "AI chip",
            "chip",
            "chipmaker",
            "semiconductor",
            "Nvidia",
            "AMD",
            "Intel",
            "TSMC",
            "Samsung Foundry",
            "SK Hynix",
            "Micron",
            "HBM",
            "HBM3E",
            "HBM4",
            "H100",
            "H200",
            "H20",
            "B200",
            "B300",
            "GB200",
            "GB300",
            "Blackwell",
            "Hopper",
            "Vera Rubin",
            "MI300X",
            "MI355X",
            "Gaudi",
            "Trainium",
            "Inferentia",
            "Cerebras",
            "Groq",
            "SambaNova",
            "Tenstorrent",
            "CUDA",
            "ROCm",
            "NVLink",
            "InfiniBand",
            "data center",
            "data centre",
            "datacenter",
            "supercomputer",
            "GPU cluster",
            "compute cluster",
            "export controls",
            "chip exports",
            "Stargate",
            "foundry",
            "wafer",
            "lithography",
            "ASML",
            "EUV",
        ],
        boost: &[
            "inference",
            "training",
            "compute",
            "memory",
            "bandwidth",
            "FLOPS",
            "teraflops",
            "power",
            "cooling",
            "gigawatt",
            "supply chain",
            "capacity",
            "China",
            "exports",
            "shipments",
            "servers",
            "racks",
            "Rubin",
        ],
        exclude: &[
            "chocolate chip",
            "potato chip",
            "poker chip",
            "startup accelerator",
            "particle accelerator",
            "Rubin Observatory",
        ],
        sources: &["developer.nvidia.com", "blogs.nvidia.com"],
    },
    Builtin {
        slug: "policy-safety",
        name: "Policy & safety",
        description: "Regulation, law and AI safety: the EU AI Act, executive orders, lawsuits and copyright, \
                      alignment, safety evals and risk.",
        include: &[
            "regulation",
            "regulator",
            "legislation",
            "lawmakers",
            "AI bill",
            "SB 1047",
            "SB 53",
            "RAISE Act",
            "EU AI Act",
            "AI Act",
            "executive order",
            "Congress",
            "Senate",
            "European Commission",
            "FTC",
            "DOJ",
            "antitrust",
            "lawsuit",
            "sued",
            "sues",
            "court",
            "judge",
            "ruling",
            "copyright",
            "fair use",
            "privacy",
            "GDPR",
            "moratorium",
            "AI safety",
            "safety",
            "alignment",
            "misalignment",
            "AI risk",
            "existential risk",
            "x-risk",
            "catastrophic risk",
            "doomer",
            "p(doom)",
            "superintelligence",
            "AGI",
            "safety evals",
            "dangerous capabilities",
            "red teaming",
            "responsible scaling",
            "frontier safety",
            "AI Safety Institute",
            "AISI",
            "preparedness framework",
            "scheming",
            "sycophancy",
            "model welfare",
            "governance",
            "policy",
            "ethics",
            "accountability",
            "liability",
            "deepfake",
            "misinformation",
            "disinformation",
            "child safety",
            "export controls",
            "sanctions",
            "national security",
            "White House",
            "Commerce Department",
            "BIS",
        ],
        boost: &[
            "law",
            "ban",
            "rules",
            "government",
            "risk",
            "harm",
            "lawyers",
            "settlement",
            "compliance",
            "oversight",
            "evals",
            "China",
        ],
        exclude: &[
            "food safety",
            "fire safety",
            "road safety",
            "basketball court",
            "tennis court",
            "policy gradient",
            "policy optimization",
            "policy network",
            "GRPO",
            "PPO",
            "sequence alignment",
            "wheel alignment",
            "privacy policy",
        ],
        sources: &[],
    },
    Builtin {
        slug: "open-source",
        name: "Open source & tools",
        description: "Open weights and open-source AI software: GitHub releases, libraries, Hugging Face, \
                      llama.cpp, vLLM, Ollama and friends.",
        include: &[
            "open source",
            "open-sourced",
            "open weights",
            "open-weight",
            "open model",
            "openly licensed",
            "Apache 2.0",
            "MIT license",
            "GitHub",
            "GitLab",
            "repository",
            "library",
            "SDK",
            "CLI",
            "command-line tool",
            "plugin",
            "Python package",
            "npm package",
            "package manager",
            "PyPI",
            "npm",
            "crates.io",
            "Hugging Face",
            "HuggingFace",
            "llama.cpp",
            "GGUF",
            "vLLM",
            "SGLang",
            "Ollama",
            "LM Studio",
            "MLX",
            "PyTorch",
            "JAX",
            "TensorFlow",
            "transformers library",
            "LangChain",
            "LlamaIndex",
            "DSPy",
            "Unsloth",
            "TensorRT-LLM",
            "ONNX",
            "safetensors",
            "Datasette",
            "self-hosted",
            "run locally",
            "local model",
            "local LLM",
            "release notes",
            "changelog",
            "pull request",
        ],
        boost: &[
            "release",
            "released",
            "version",
            "install",
            "pip install",
            "documentation",
            "license",
            "contributors",
            "maintainers",
            "weights",
            "tool",
            "alpha",
            "beta",
            "repo",
        ],
        exclude: &["public library", "Library of Congress", "repo rate", "repo market"],
        sources: &["huggingface.co", "github.com", "github.blog"],
    },
    Builtin {
        slug: "business",
        name: "Business & funding",
        description: "Money and companies: funding rounds, valuations, acquisitions, revenue, IPOs, layoffs and \
                      partnerships.",
        include: &[
            "raises",
            "raised",
            "funding",
            "funding round",
            "Series A",
            "Series B",
            "Series C",
            "Series D",
            "Series E",
            "seed round",
            "venture capital",
            "VC",
            "investors",
            "investment",
            "valuation",
            "valued at",
            "acquisition",
            "acquires",
            "acquired",
            "to acquire",
            "merger",
            "revenue",
            "annual recurring revenue",
            "ARR",
            "profit",
            "earnings",
            "quarterly results",
            "IPO",
            "going public",
            "market cap",
            "market value",
            "layoffs",
            "lays off",
            "job cuts",
            "partnership",
            "partners with",
            "startup",
            "unicorn",
            "a16z",
            "Andreessen Horowitz",
            "Sequoia",
            "SoftBank",
            "tender offer",
            "buyout",
        ],
        boost: &[
            "billion",
            "million",
            "deal",
            "stock",
            "shares",
            "contract",
            "customers",
            "enterprise",
            "pricing",
            "subscription",
            "hiring",
            "CEO",
            "investor",
            "round",
        ],
        exclude: &[
            "raises concerns",
            "raises questions",
            "raises the question",
            "raises the bar",
            "raises doubts",
            "raises alarms",
            "raises eyebrows",
            "raised concerns",
            "raised questions",
        ],
        sources: &[],
    },
    Builtin {
        slug: "robotics",
        name: "Robotics",
        description: "Robots and embodied AI: humanoids, robot foundation models, autonomous vehicles, \
                      self-driving cars and drones.",
        include: &[
            "robot",
            "robotics",
            "robotic",
            "humanoid",
            "humanoid robot",
            "embodied AI",
            "robot arm",
            "Optimus",
            "Figure AI",
            "Boston Dynamics",
            "Unitree",
            "Agility Robotics",
            "Physical Intelligence",
            "Gemini Robotics",
            "GR00T",
            "vision-language-action",
            "VLA",
            "autonomous vehicle",
            "self-driving",
            "driverless",
            "robotaxi",
            "Waymo",
            "Full Self-Driving",
            "Zoox",
            "Wayve",
            "drone",
            "UAV",
            "quadruped",
            "exoskeleton",
            "teleoperation",
            "sim-to-real",
            "dexterous",
        ],
        boost: &[
            "manipulation",
            "grasping",
            "locomotion",
            "actuators",
            "sensors",
            "lidar",
            "factory",
            "warehouse",
        ],
        exclude: &["robots.txt", "robocall", "robot voice"],
        sources: &[],
    },
    Builtin {
        slug: "security",
        name: "AI security & cybersecurity",
        description: "Security in and around AI: vulnerabilities and CVEs, prompt injection, jailbreaks, malware, \
                      breaches and AI-found bugs.",
        include: &[
            "security",
            "cybersecurity",
            "infosec",
            "vulnerability",
            "security flaw",
            "CVE",
            "zero-day",
            "0-day",
            "exploit",
            "exploited",
            "malware",
            "ransomware",
            "spyware",
            "phishing",
            "breach",
            "data breach",
            "hacked",
            "hacker",
            "attacker",
            "cyberattack",
            "prompt injection",
            "jailbreak",
            "exfiltration",
            "backdoor",
            "supply chain attack",
            "CSRF",
            "XSS",
            "SQL injection",
            "RCE",
            "remote code execution",
            "privilege escalation",
            "sandbox escape",
            "bug bounty",
            "penetration testing",
            "pentest",
            "threat actor",
            "CISA",
            "fuzzing",
            "bug finding",
            "security researchers",
        ],
        boost: &[
            "attack",
            "patch",
            "patched",
            "leak",
            "leaked",
            "credentials",
            "bug",
            "bugs",
            "proof of concept",
        ],
        exclude: &[
            "Social Security",
            "job security",
            "food security",
            "national security",
            "security guard",
            "security council",
            "Hacker News",
            "heart attack",
            "panic attack",
            "shark attack",
        ],
        sources: &[],
    },
    Builtin {
        slug: "science",
        name: "AI for science",
        description: "AI applied to science and maths: protein structure, drug and materials discovery, weather, \
                      theorem proving and olympiad maths.",
        include: &[
            "AlphaFold",
            "protein structure",
            "protein folding",
            "protein design",
            "drug discovery",
            "materials discovery",
            "materials science",
            "weather forecasting",
            "climate model",
            "genomics",
            "biology",
            "chemistry",
            "physics",
            "mathematics",
            "theorem proving",
            "proof assistant",
            "Lean 4",
            "math olympiad",
            "IMO",
            "FrontierMath",
            "Erdős problem",
            "AI for science",
            "scientific discovery",
            "AI co-scientist",
            "lab automation",
        ],
        boost: &[
            "scientists",
            "discovery",
            "experiment",
            "molecule",
            "proof",
            "theorem",
            "Nature",
        ],
        exclude: &[],
        sources: &[],
    },
    Builtin {
        slug: "coding",
        name: "AI coding",
        description: "AI coding assistants and agents: Copilot, Cursor, Claude Code, Codex, vibe coding, code \
                      generation and SWE-bench.",
        include: &[
            "GitHub Copilot",
            "Copilot",
            "Cursor",
            "Claude Code",
            "Codex",
            "Codex CLI",
            "Gemini CLI",
            "Windsurf",
            "Aider",
            "Cline",
            "Replit",
            "Lovable",
            "vibe coding",
            "vibe-coded",
            "code generation",
            "coding assistant",
            "coding agent",
            "AI coding",
            "AI-assisted programming",
            "AI code review",
            "SWE-bench",
            "Terminal-Bench",
            "pair programmer",
        ],
        boost: &[
            "code",
            "coding",
            "programmers",
            "developers",
            "pull request",
            "IDE",
            "repository",
            "refactor",
        ],
        exclude: &["cursor position", "mouse cursor"],
        sources: &[],
    },
    Builtin {
        slug: "multimodal",
        name: "Image, video & audio",
        description: "Generative media and multimodal models: image and video generation, speech, voice and music.",
        include: &[
            "multimodal",
            "image generation",
            "image model",
            "video generation",
            "video model",
            "text-to-image",
            "text-to-video",
            "image-to-video",
            "text-to-speech",
            "TTS",
            "speech recognition",
            "speech-to-text",
            "voice model",
            "voice cloning",
            "ASR",
            "Whisper",
            "Sora",
            "Veo",
            "Imagen",
            "Nano Banana",
            "Midjourney",
            "Stable Diffusion",
            "DALL-E",
            "Runway",
            "Kling",
            "ElevenLabs",
            "music generation",
            "Suno",
            "Udio",
            "vision model",
            "vision-language model",
        ],
        boost: &[
            "audio", "speech", "voice", "image", "images", "video", "music", "prompt",
        ],
        exclude: &[],
        sources: &[],
    },
    Builtin {
        slug: PODCASTS,
        name: "Podcasts",
        description: "Podcast episodes and audio shows about AI.",
        include: &["podcast", "episode", "Ep."],
        boost: &[],
        exclude: &[],
        sources: &[
            "megaphone.fm",
            "simplecast.com",
            "anchor.fm",
            "libsyn.com",
            "transistor.fm",
            "buzzsprout.com",
            "podbean.com",
            "podcasts.apple.com",
            "/podcast",
        ],
    },
];

/// The built-in catalogue, ready to match or to show.
pub fn builtin_topics() -> Vec<Topic> {
    BUILTINS
        .iter()
        .map(|b| Topic {
            slug: b.slug.to_string(),
            name: b.name.to_string(),
            description: b.description.to_string(),
            include: b.include.iter().map(|t| t.to_string()).collect(),
            exclude: b.exclude.iter().map(|t| t.to_string()).collect(),
            builtin: true,
        })
        .collect()
}

/// True for the slug of a built-in topic (custom topics may not take these).
pub fn is_builtin_slug(slug: &str) -> bool {
    BUILTINS.iter().any(|b| b.slug == slug)
}

/// Checks and normalises a custom topic typed by a user: the slug is 2-32 characters of
/// `a-z`, `0-9` and `-` and not a built-in slug; the name is 1-60 characters; there is at
/// least one include term; terms are 1-60 characters with a letter or digit, at most 50 per
/// list. Terms are trimmed, inner whitespace is collapsed and case-insensitive duplicates are
/// dropped (the first spelling is kept, since capitals make short acronyms case-sensitive).
pub fn validate_custom<S: AsRef<str>>(
    slug: &str,
    name: &str,
    include: &[S],
    exclude: &[S],
) -> Result<Topic, TopicError> {
    check_slug(slug)?;
    if is_builtin_slug(slug) {
        return Err(TopicError::ReservedSlug { slug: slug.to_string() });
    }
    let name_trimmed = name.trim();
    let name_chars = name_trimmed.chars().count();
    if name_chars == 0 || name_chars > MAX_NAME_CHARS || name_trimmed.chars().any(char::is_control) {
        return Err(TopicError::InvalidName { name: name.to_string() });
    }
    let include = clean_terms(slug, "include", include)?;
    let exclude = clean_terms(slug, "exclude", exclude)?;
    if include.is_empty() {
        return Err(TopicError::NoIncludeTerms { slug: slug.to_string() });
    }
    Ok(Topic {
        slug: slug.to_string(),
        name: name_trimmed.to_string(),
        description: format!("Custom topic: {}", include.join(", ")),
        include,
        exclude,
        builtin: false,
    })
}

fn check_slug(slug: &str) -> Result<(), TopicError> {
    let ok = (2..=32).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(TopicError::InvalidSlug {
            slug: slug.to_string(),
            suggestion: suggest_slug(slug),
        })
    }
}

/// A valid slug close to what the user typed, for the error message.
fn suggest_slug(input: &str) -> String {
    let mut out = String::new();
    for c in input.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.truncate(32);
    let out = out.trim_end_matches('-').to_string();
    if out.len() < 2 {
        "my-topic".to_string()
    } else if is_builtin_slug(&out) {
        format!("my-{out}")
    } else {
        out
    }
}

fn clean_terms<S: AsRef<str>>(slug: &str, list: &'static str, terms: &[S]) -> Result<Vec<String>, TopicError> {
    if terms.len() > MAX_TERMS {
        return Err(TopicError::TooManyTerms {
            slug: slug.to_string(),
            list,
            count: terms.len(),
        });
    }
    let mut out: Vec<String> = Vec::with_capacity(terms.len());
    for raw in terms {
        let raw = raw.as_ref();
        let invalid = |reason| TopicError::InvalidTerm {
            slug: slug.to_string(),
            term: raw.to_string(),
            reason,
        };
        if raw.chars().any(|c| c.is_control() && !c.is_whitespace()) || raw.contains(['\n', '\r']) {
            return Err(invalid("a term must be one line of plain text"));
        }
        let term = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        let chars = term.chars().count();
        if chars == 0 || chars > MAX_TERM_CHARS {
            return Err(invalid(
                "terms are 1-60 characters: shorten it, or split a long phrase into several terms",
            ));
        }
        if !term.chars().any(char::is_alphanumeric) {
            return Err(invalid("a term needs at least one letter or digit"));
        }
        if !out.iter().any(|t| t.eq_ignore_ascii_case(&term)) {
            out.push(term);
        }
    }
    Ok(out)
}

/// How a term is used by a topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Include,
    Boost,
    Exclude,
}

#[derive(Debug)]
struct Term {
    text: String,
    role: Role,
}

#[derive(Debug)]
struct CompiledTopic {
    slug: String,
    /// Global id of `terms[0]`; a topic's terms have consecutive ids.
    first_term: u32,
    terms: Vec<Term>,
    /// Only the title is read (the podcasts topic: "episode" in a body says little).
    title_only: bool,
    /// `is_podcast` alone gives full strength.
    podcast: bool,
    sources: &'static [&'static str],
}

/// One use of an automaton pattern by one term of one topic.
#[derive(Debug)]
struct PatternUse {
    /// Global term id.
    term: u32,
    /// The exact bytes to find, for short acronyms matched case-sensitively.
    exact: Option<Box<[u8]>>,
}

/// Topic tagging compiled once from a topic list; cheap to share between threads.
#[derive(Debug)]
pub struct TopicMatcher {
    automaton: AhoCorasick,
    /// Indexed by automaton pattern id.
    uses: Vec<Vec<PatternUse>>,
    topics: Vec<CompiledTopic>,
    /// Topic index of each global term id.
    term_topic: Vec<u32>,
}

impl TopicMatcher {
    /// Compiles `topics`. Fails on duplicate slugs, malformed slugs, topics without include
    /// terms and empty terms; custom-topic limits are [`validate_custom`]'s job.
    pub fn new(topics: &[Topic]) -> Result<TopicMatcher, TopicError> {
        let mut seen = HashSet::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut pattern_ids: HashMap<String, usize> = HashMap::new();
        let mut uses: Vec<Vec<PatternUse>> = Vec::new();
        let mut compiled = Vec::with_capacity(topics.len());
        let mut term_topic: Vec<u32> = Vec::new();
        for (topic_index, topic) in topics.iter().enumerate() {
            check_slug(&topic.slug)?;
            if !seen.insert(topic.slug.as_str()) {
                return Err(TopicError::DuplicateSlug {
                    slug: topic.slug.clone(),
                });
            }
            if topic.include.iter().all(|t| t.trim().is_empty()) {
                return Err(TopicError::NoIncludeTerms {
                    slug: topic.slug.clone(),
                });
            }
            let builtin = topic
                .builtin
                .then(|| BUILTINS.iter().find(|b| b.slug == topic.slug))
                .flatten();
            let boosts = builtin.map(|b| b.boost).unwrap_or_default();
            let mut terms: Vec<Term> = Vec::new();
            let listed = topic
                .include
                .iter()
                .map(|t| (t.as_str(), Role::Include))
                .chain(boosts.iter().map(|t| (*t, Role::Boost)))
                .chain(topic.exclude.iter().map(|t| (t.as_str(), Role::Exclude)));
            for (raw, role) in listed {
                let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
                if !text.chars().any(char::is_alphanumeric) {
                    return Err(TopicError::InvalidTerm {
                        slug: topic.slug.clone(),
                        term: raw.to_string(),
                        reason: "a term needs at least one letter or digit",
                    });
                }
                let term_id = term_topic.len() as u32;
                term_topic.push(topic_index as u32);
                let exact = is_case_sensitive(&text);
                for variant in variants(&text) {
                    let key = variant.to_ascii_lowercase();
                    let id = *pattern_ids.entry(key.clone()).or_insert_with(|| {
                        patterns.push(key);
                        uses.push(Vec::new());
                        patterns.len() - 1
                    });
                    uses[id].push(PatternUse {
                        term: term_id,
                        exact: exact.then(|| variant.into_bytes().into_boxed_slice()),
                    });
                }
                terms.push(Term { text, role });
            }
            compiled.push(CompiledTopic {
                slug: topic.slug.clone(),
                first_term: term_topic.len() as u32 - terms.len() as u32,
                terms,
                title_only: builtin.is_some_and(|b| b.slug == PODCASTS),
                podcast: builtin.is_some_and(|b| b.slug == PODCASTS),
                sources: builtin.map(|b| b.sources).unwrap_or_default(),
            });
        }
        // Standard semantics, because overlapping search needs it: every term that occurs
        // is seen, and overlaps are settled per topic afterwards. A full DFA searched a third
        // faster than the default NFA on the catalogue; should a huge custom list make it too
        // big to build, the default choice still works.
        let mut builder = AhoCorasick::builder();
        builder.ascii_case_insensitive(true).match_kind(MatchKind::Standard);
        let automaton = match builder.kind(Some(AhoCorasickKind::DFA)).build(&patterns) {
            Ok(dfa) => dfa,
            Err(_) => builder.kind(None).build(&patterns)?,
        };
        Ok(TopicMatcher {
            automaton,
            uses,
            topics: compiled,
            term_topic,
        })
    }

    /// The matcher for the built-in catalogue alone.
    pub fn builtin() -> Result<TopicMatcher, TopicError> {
        TopicMatcher::new(&builtin_topics())
    }

    /// Slugs of the compiled topics, in the order given to [`TopicMatcher::new`].
    pub fn slugs(&self) -> impl Iterator<Item = &str> {
        self.topics.iter().map(|t| t.slug.as_str())
    }

    /// The topics `doc` is on, strongest first (ties in catalogue order), each at least
    /// [`MIN_STRENGTH`].
    pub fn matches(&self, doc: &TopicInput<'_>) -> Vec<TopicMatch> {
        let mut out: Vec<TopicMatch> = self
            .evidence(doc)
            .into_iter()
            .filter(|e| !e.vetoed && e.strength >= MIN_STRENGTH)
            .map(|e| TopicMatch {
                slug: e.slug,
                strength: e.strength,
                matched: e.matched,
            })
            .collect();
        // Stable sort keeps catalogue order among equals.
        out.sort_by(|a, b| b.strength.total_cmp(&a.strength));
        out
    }

    /// Per-topic detail for every topic with any hit or cue, in catalogue order, including
    /// weak and vetoed ones.
    pub fn evidence(&self, doc: &TopicInput<'_>) -> Vec<TopicEvidence> {
        // Dense counts by global term id: a few kilobytes to zero, cheaper than sorting hits.
        let terms = self.term_topic.len();
        let mut title_counts = vec![0u32; terms];
        let mut body_counts = vec![0u32; terms];
        let mut touched = Vec::new();
        let mut scratch = Vec::new();
        let mut last_end = vec![0usize; self.topics.len()];
        self.count_hits(doc.title, &mut scratch, &mut last_end, &mut title_counts, &mut touched);
        self.count_hits(doc.text, &mut scratch, &mut last_end, &mut body_counts, &mut touched);
        touched.sort_unstable();
        touched.dedup();
        // (topic, term within the topic, title count, body count), in topic order.
        let merged: Vec<(u32, u32, u32, u32)> = touched
            .iter()
            .filter_map(|&g| {
                let topic = *self.term_topic.get(g as usize)?;
                let first = self.topics.get(topic as usize)?.first_term;
                Some((topic, g - first, title_counts[g as usize], body_counts[g as usize]))
            })
            .collect();

        let source = SourceUrl::parse(doc.source_url);
        let mut out = Vec::new();
        let mut rest = merged.as_slice();
        for (index, topic) in self.topics.iter().enumerate() {
            let split = rest.iter().position(|h| h.0 as usize != index).unwrap_or(rest.len());
            let (mine, tail) = rest.split_at(split);
            rest = tail;
            let source_cue = topic.sources.iter().any(|hint| source.matches(hint));
            let podcast_cue = topic.podcast && doc.is_podcast;
            if mine.is_empty() && !source_cue && !podcast_cue {
                continue;
            }
            out.push(score_topic(topic, mine, source_cue, podcast_cue));
        }
        out
    }

    /// Counts the valid hits in `hay` by global term id, overlaps settled per topic: the
    /// leftmost hit first, then the longest. `touched` collects the ids counted.
    fn count_hits(
        &self,
        hay: &str,
        scratch: &mut Vec<(u64, u32)>,
        last_end: &mut [usize],
        counts: &mut [u32],
        touched: &mut Vec<u32>,
    ) {
        let bytes = hay.as_bytes();
        scratch.clear();
        for m in self.automaton.find_overlapping_iter(hay) {
            let (start, end) = (m.start(), m.end());
            if !at_word_edges(hay, start, end) {
                continue;
            }
            // Start ascending, then longer first; terms are far shorter than 64 KiB.
            let len = u16::try_from(end - start).unwrap_or(u16::MAX);
            let key = ((start as u64) << 16) | u64::from(u16::MAX - len);
            for u in &self.uses[m.pattern().as_usize()] {
                if u.exact.as_deref().is_some_and(|exact| &bytes[start..end] != exact) {
                    continue;
                }
                scratch.push((key, u.term));
            }
        }
        // The search reports hits by end, which is nearly start order already: a stable sort
        // is about linear on such runs.
        scratch.sort_by_key(|&(key, _)| key);
        last_end.fill(0);
        for &(key, term) in scratch.iter() {
            let start = (key >> 16) as usize;
            let end = start + usize::from(u16::MAX - (key & 0xFFFF) as u16);
            let (Some(&topic), Some(count)) = (self.term_topic.get(term as usize), counts.get_mut(term as usize))
            else {
                continue;
            };
            let Some(topic_end) = last_end.get_mut(topic as usize) else {
                continue;
            };
            if start < *topic_end {
                continue;
            }
            *topic_end = end;
            if *count == 0 {
                touched.push(term);
            }
            *count += 1;
        }
    }
}

fn score_topic(
    topic: &CompiledTopic,
    hits: &[(u32, u32, u32, u32)],
    source_cue: bool,
    podcast_cue: bool,
) -> TopicEvidence {
    let mut core = 0.0f32;
    let mut boost = 0.0f32;
    let mut title_terms = 0;
    let mut body_total = 0;
    let mut veto_title = 0;
    let mut veto_body = 0;
    // (weight, term, is a boost)
    let mut weighted: Vec<(f32, &str, bool)> = Vec::new();
    for &(_, term, t, b) in hits {
        let Some(term) = topic.terms.get(term as usize) else {
            continue;
        };
        let b = if topic.title_only { 0 } else { b };
        let weight = if t > 0 { TITLE_WEIGHT } else { 0.0 } + BODY_WEIGHT * (b as f32).ln_1p();
        match term.role {
            Role::Exclude => {
                veto_title += t;
                veto_body += b;
            }
            Role::Include => {
                core += weight;
                title_terms += u32::from(t > 0);
                body_total += b;
                weighted.push((weight, term.text.as_str(), false));
            }
            Role::Boost => {
                boost += weight * BOOST_FACTOR;
                weighted.push((weight * BOOST_FACTOR, term.text.as_str(), true));
            }
        }
    }
    if source_cue {
        core += SOURCE_WEIGHT;
    }
    let vetoed = veto_title > 0 || veto_body >= BODY_VETO_HITS;
    // Boosts only firm up a topic that nearly stands on its own, and at most double it, so
    // one passing "gpu" plus common words like "training" and "memory" stays untagged.
    let boosted = core >= MIN_CORE_FOR_BOOST;
    let score = if boosted { core + boost.min(core) } else { core };
    let strength = if vetoed {
        0.0
    } else if podcast_cue {
        1.0
    } else {
        (1.0 - (-score).exp()).clamp(0.0, 1.0)
    };
    weighted.retain(|&(weight, _, is_boost)| weight > 0.0 && (boosted || !is_boost));
    weighted.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut matched: Vec<String> = Vec::with_capacity(weighted.len());
    for (_, text, _) in weighted {
        if !matched.iter().any(|m| m == text) {
            matched.push(text.to_string());
        }
    }
    TopicEvidence {
        slug: topic.slug.clone(),
        strength,
        title_terms,
        body_hits: body_total,
        vetoed,
        matched,
    }
}

/// Short capitalised terms are acronyms or names whose lower-case form is another word
/// ("AI" vs "ai", "Grok" vs "grok"), so they must match exactly.
fn is_case_sensitive(term: &str) -> bool {
    term.chars().count() <= 4 && term.chars().any(char::is_uppercase)
}

/// The spellings searched for a term: as written, with spaces and hyphens swapped, and the
/// "-ies" plural of a word ending in consonant + "y" (plain "s"/"es" plurals are accepted
/// at match time instead).
fn variants(term: &str) -> Vec<String> {
    let mut out = vec![term.to_string()];
    if term.contains(' ') {
        out.push(term.replace(' ', "-"));
    }
    if term.contains('-') && term.chars().filter(|&c| c == '-').count() <= 3 {
        out.push(term.replace('-', " "));
    }
    let mut extra = Vec::new();
    for v in &out {
        let chars: Vec<char> = v.chars().collect();
        if let [.., before, last] = chars[..]
            && last.eq_ignore_ascii_case(&'y')
            && before.is_ascii_alphabetic()
            && !"aeiouAEIOU".contains(before)
            && chars.len() > 3
        {
            let stem: String = chars[..chars.len() - 1].iter().collect();
            extra.push(format!("{stem}ies"));
        }
    }
    out.extend(extra);
    out.sort();
    out.dedup();
    out
}

/// A match counts only at word edges: no letter or digit right before it, and right after
/// it either none or a plural "s"/"es" that ends the word.
fn at_word_edges(hay: &str, start: usize, end: usize) -> bool {
    let matched = &hay[start..end];
    let starts_alnum = matched.chars().next().is_some_and(char::is_alphanumeric);
    if starts_alnum && hay[..start].chars().next_back().is_some_and(char::is_alphanumeric) {
        return false;
    }
    let last = matched.chars().next_back();
    if !last.is_some_and(char::is_alphanumeric) {
        return true;
    }
    let after = &hay[end..];
    if !after.chars().next().is_some_and(char::is_alphanumeric) {
        return true;
    }
    if !last.is_some_and(char::is_alphabetic) {
        return false;
    }
    ["s", "es", "S", "ES"].iter().any(|suffix| {
        after
            .strip_prefix(suffix)
            .is_some_and(|rest| !rest.chars().next().is_some_and(char::is_alphanumeric))
    })
}

/// The host and path of a source URL, lower-cased, "www." dropped.
struct SourceUrl {
    host: String,
    path: String,
}

impl SourceUrl {
    fn parse(url: &str) -> SourceUrl {
        let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
        let (host, path) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
        let host = host.rsplit('@').next().unwrap_or(host);
        let host = host.split(':').next().unwrap_or(host);
        let host = host.to_ascii_lowercase();
        let host = host.strip_prefix("www.").map(str::to_string).unwrap_or(host);
        SourceUrl {
            host,
            path: path.to_ascii_lowercase(),
        }
    }

    /// `hint` is "host" (subdomains included), "host/path-prefix" or "/path-fragment".
    fn matches(&self, hint: &str) -> bool {
        if self.host.is_empty() {
            return false;
        }
        if hint.starts_with('/') {
            return self.path.contains(hint);
        }
        let (hint_host, hint_path) = hint.find('/').map_or((hint, ""), |i| hint.split_at(i));
        let host_ok = self.host == hint_host
            || self
                .host
                .strip_suffix(hint_host)
                .is_some_and(|prefix| prefix.ends_with('.'));
        host_ok && self.path.starts_with(hint_path)
    }
}

/// Host of a URL (lower-cased, without "www."), for callers that key rules on the source.
pub fn source_host(url: &str) -> String {
    SourceUrl::parse(url).host
}

/// Whether `url` is on `hint`: a host (subdomains included), "host/path-prefix", or
/// "/fragment" anywhere in the path.
pub fn source_matches(url: &str, hint: &str) -> bool {
    SourceUrl::parse(url).matches(hint)
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    fn matcher() -> TopicMatcher {
        TopicMatcher::builtin().unwrap()
    }

    fn doc<'a>(title: &'a str, text: &'a str) -> TopicInput<'a> {
        TopicInput {
            title,
            text,
            is_podcast: false,
            source_url: "https://example.com/feed",
        }
    }

    fn slugs(matches: &[TopicMatch]) -> Vec<&str> {
        matches.iter().map(|m| m.slug.as_str()).collect()
    }

    fn strength(matches: &[TopicMatch], slug: &str) -> f32 {
        matches.iter().find(|m| m.slug == slug).map_or(0.0, |m| m.strength)
    }

    #[test]
    fn catalogue_is_well_formed() {
        let topics = builtin_topics();
        for slug in [
            "models",
            "agents",
            "research",
            "hardware",
            "policy-safety",
            "open-source",
            "business",
            "robotics",
            "security",
            "podcasts",
        ] {
            assert!(topics.iter().any(|t| t.slug == slug), "missing {slug}");
        }
        for t in &topics {
            assert!(check_slug(&t.slug).is_ok(), "{}", t.slug);
            assert!(!t.name.is_empty() && !t.description.is_empty(), "{}", t.slug);
            assert!(t.include.len() >= 3, "{}", t.slug);
            for term in t.include.iter().chain(&t.exclude) {
                assert_eq!(term.trim(), term, "{}: {term:?}", t.slug);
                assert!(term.chars().count() <= MAX_TERM_CHARS, "{}: {term:?}", t.slug);
            }
        }
        let m = matcher();
        assert_eq!(m.slugs().count(), topics.len());
    }

    /// (title, text, topics that must be there, topics that must not)
    const CASES: &[(&str, &str, &[&str], &[&str])] = &[
        (
            "Gemini 3.1 Flash TTS",
            "Google has released Gemini 3.1 Flash TTS, a new text-to-speech model accessible via the standard \
             Gemini API using the gemini-3.1-flash-tts-preview model ID. It can be directed through prompts.",
            &["models", "multimodal"],
            &["security", "business", "robotics"],
        ),
        (
            "Writing an LLM from scratch, part 32k – Interventions: training a better model locally with \
             gradient accumulation",
            "This post details training a GPT-2-small-style LLM locally, building on Sebastian Raschka's book. \
             Gradient accumulation simulates larger batch sizes on limited hardware without excessive GPU memory.",
            &["research", "models"],
            &["business", "security", "podcasts"],
        ),
        (
            "AI cybersecurity is not proof of work",
            "Bug finding with LLMs is not like proof of work: sampling a model for a bug in a given code base \
             does not equate to finding a hash collision. Security work explores a finite state space.",
            &["security"],
            &["business", "robotics"],
        ),
        (
            "Nvidia H200 exports to China approved under new export controls",
            "The Commerce Department will let Nvidia ship H200 GPUs to approved customers in China, reversing \
             export controls on AI chips that lawmakers said protected national security.",
            &["hardware", "policy-safety"],
            &["robotics", "podcasts"],
        ),
        (
            "Mistral AI raises €1.7 billion Series C at an €11.7 billion valuation",
            "The Paris startup said the funding round was led by ASML, with existing investors joining. \
             The raise values Mistral AI at €11.7 billion.",
            &["business"],
            &["security", "robotics"],
        ),
        (
            "Figure unveils its third-generation humanoid robot for homes",
            "Figure AI's new humanoid can load a dishwasher and fold laundry. The robot uses a \
             vision-language-action model trained on teleoperation data.",
            &["robotics"],
            &["business", "security"],
        ),
        (
            "OpenAI launches an Agents SDK with computer use and MCP support",
            "Developers can build agents that call tools, browse the web and connect to MCP servers.",
            &["agents"],
            &["robotics"],
        ),
        (
            "vLLM 0.7 released with faster GGUF loading",
            "The open-source inference engine now loads GGUF checkpoints from Hugging Face directly. \
             Install it with pip install vllm; see the release notes on GitHub.",
            &["open-source"],
            &["robotics", "security"],
        ),
        (
            "Attention is not all you need: a new architecture for long contexts",
            "We propose a recurrent architecture and show that it matches the transformer baseline on long \
             context benchmarks. Ablations show where the gains come from. Code is available on GitHub.",
            &["research"],
            &["business", "hardware"],
        ),
        (
            "Review: a luminous Seagull at the Old Vic",
            "Chekhov's comedy gets a tender staging. The cast is superb, the lighting is spare and the final act \
             lands with quiet force. The director trusts the silences, and the audience held its breath.",
            &[],
            &[
                "models",
                "agents",
                "research",
                "hardware",
                "policy-safety",
                "open-source",
                "business",
                "robotics",
                "security",
                "science",
                "coding",
                "multimodal",
                "podcasts",
            ],
        ),
    ];

    #[test]
    fn realistic_articles_get_the_expected_topics() {
        let m = matcher();
        for (title, text, must, must_not) in CASES {
            let found = m.matches(&doc(title, text));
            let found_slugs = slugs(&found);
            for slug in *must {
                assert!(found_slugs.contains(slug), "{title:?}: missing {slug} in {found:?}");
            }
            for slug in *must_not {
                assert!(!found_slugs.contains(slug), "{title:?}: unexpected {slug} in {found:?}");
            }
            assert!(found.windows(2).all(|w| w[0].strength >= w[1].strength), "{found:?}");
            assert!(
                found.iter().all(|f| (MIN_STRENGTH..=1.0).contains(&f.strength)),
                "{found:?}"
            );
        }
    }

    #[test]
    fn title_terms_weigh_more_than_body_terms() {
        let m = matcher();
        let in_title = m.matches(&doc("A new robot", "It walks."));
        let in_body = m.matches(&doc("News", "A new robot walks, and the robot talks."));
        assert!(strength(&in_title, "robotics") > strength(&in_body, "robotics"));
        // One passing mention in the text is not enough.
        let once = m.matches(&doc("News", "Someone mentioned a robot once."));
        assert!(!slugs(&once).contains(&"robotics"), "{once:?}");
    }

    #[test]
    fn strength_saturates_towards_one() {
        let m = matcher();
        let text = "humanoid robot robotics Unitree Boston Dynamics quadruped teleoperation ".repeat(20);
        let found = m.matches(&doc("Humanoid robot robotics news", &text));
        let s = strength(&found, "robotics");
        assert!(s > 0.99 && s <= 1.0, "{s}");
    }

    #[test]
    fn words_match_whole_with_plurals_and_case_rules() {
        let m = matcher();
        // "AI" must not hit "said"; "agent" hits "agents"; "reagent" is not an agent.
        let found = m.matches(&doc("Agents everywhere", "The reagent said nothing."));
        assert_eq!(
            found.first().map(|f| f.matched.clone()),
            Some(vec!["agent".to_string()])
        );
        let reagent = m.matches(&doc("A new reagent", "reagents and reagents"));
        assert!(!slugs(&reagent).contains(&"agents"), "{reagent:?}");
        // "-ies" plurals and hyphen/space equivalence.
        let policy = m.matches(&doc("New policies on AI", ""));
        assert!(slugs(&policy).contains(&"policy-safety"), "{policy:?}");
        let open = m.matches(&doc("An open source model runner", ""));
        assert!(slugs(&open).contains(&"open-source"), "{open:?}");
        // "Grok" is case-sensitive; "grok" the verb is not the model.
        let grok = m.matches(&doc("Hard to grok", ""));
        assert!(grok.is_empty(), "{grok:?}");
        let grok = m.matches(&doc("Grok 5 is out", ""));
        assert!(slugs(&grok).contains(&"models"), "{grok:?}");
        // Short lower-case acronyms are case-insensitive.
        let gpu = m.matches(&doc("Renting GPUs by the hour", ""));
        assert!(slugs(&gpu).contains(&"hardware"), "{gpu:?}");
    }

    #[test]
    fn exclude_terms_veto_their_topic() {
        let m = matcher();
        let travel = m.matches(&doc("Why every travel agent is worried", "agents agents agents"));
        assert!(!slugs(&travel).contains(&"agents"), "{travel:?}");
        let concerns = m.matches(&doc(
            "Plan raises concerns",
            "The startup says its funding is fine, but the plan raises concerns.",
        ));
        assert!(!slugs(&concerns).contains(&"business"), "{concerns:?}");
        // Once in the body does not veto; twice does.
        let once = m.matches(&doc(
            "Robots learn to fold laundry",
            "A humanoid robot folds shirts. Unrelated: our robots.txt changed.",
        ));
        assert!(slugs(&once).contains(&"robotics"), "{once:?}");
        let twice = m.matches(&doc(
            "Publishers fight AI crawlers",
            "The robots.txt file is ignored by robots, they say; robots.txt needs teeth.",
        ));
        assert!(!slugs(&twice).contains(&"robotics"), "{twice:?}");
    }

    #[test]
    fn podcasts_come_from_the_flag_the_title_or_the_feed() {
        let m = matcher();
        let flagged = m.matches(&TopicInput {
            title: "Jensen Huang on TPUs and supply chains",
            text: "We talk about Nvidia.",
            is_podcast: true,
            source_url: "https://example.com/feed",
        });
        assert_eq!(strength(&flagged, PODCASTS), 1.0);
        let titled = m.matches(&doc("Episode 212: the state of open models", ""));
        assert!(slugs(&titled).contains(&PODCASTS), "{titled:?}");
        let body_only = m.matches(&doc("Open models", "In the latest podcast episode, podcast podcast."));
        assert!(!slugs(&body_only).contains(&PODCASTS), "{body_only:?}");
        let feed = m.matches(&TopicInput {
            source_url: "https://feeds.megaphone.fm/MLN2155636147",
            ..doc("Agents in production with a guest from Stripe", "")
        });
        assert!(slugs(&feed).contains(&PODCASTS), "{feed:?}");
    }

    #[test]
    fn arxiv_sources_count_as_research() {
        let m = matcher();
        let found = m.matches(&TopicInput {
            source_url: "https://rss.arxiv.org/rss/cs.CL",
            ..doc("Sparse mixtures for long documents", "")
        });
        assert!(slugs(&found).contains(&"research"), "{found:?}");
    }

    #[test]
    fn custom_topics_match_alongside_builtins() {
        let rust = validate_custom("rust-lang", "Rust", &["rust", "cargo"], &["game"]).unwrap();
        let mut topics = builtin_topics();
        topics.push(rust);
        let m = TopicMatcher::new(&topics).unwrap();
        let hit = m.matches(&doc("Rust 1.90 ships faster cargo builds", "Cargo now caches more."));
        assert!(slugs(&hit).contains(&"rust-lang"), "{hit:?}");
        let custom = hit.iter().find(|t| t.slug == "rust-lang").unwrap();
        // "cargo" is in the title and the text, so it is the most telling term.
        assert_eq!(custom.matched, ["cargo", "rust"]);
        // The exclude term vetoes: Rust the video game.
        let game = m.matches(&doc(
            "Rust the game gets a new map",
            "The survival game adds cargo ships.",
        ));
        assert!(!slugs(&game).contains(&"rust-lang"), "{game:?}");
        // Whole words: "trust" and "rusty" are not Rust.
        let trust = m.matches(&doc("In trust we trust", "A rusty gate."));
        assert!(!slugs(&trust).contains(&"rust-lang"), "{trust:?}");
    }

    #[test]
    fn validate_custom_explains_what_is_wrong() {
        let err = validate_custom("My Topic!", "Mine", &["x1"], &[]).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, TopicError::InvalidSlug { .. }), "{msg}");
        assert!(
            msg.contains("\"My Topic!\"") && msg.contains("\"my-topic\"") && msg.contains("a-z"),
            "{msg}"
        );
        assert!(matches!(
            validate_custom("a", "A", &["x"], &[]),
            Err(TopicError::InvalidSlug { .. })
        ));
        assert!(matches!(
            validate_custom(&"a".repeat(33), "A", &["x"], &[]),
            Err(TopicError::InvalidSlug { .. })
        ));
        let err = validate_custom("agents", "Agents", &["x"], &[]).unwrap_err();
        assert!(matches!(err, TopicError::ReservedSlug { .. }));
        assert!(err.to_string().contains("my-agents"), "{err}");
        let err = validate_custom::<&str>("rust", "Rust", &[], &[]).unwrap_err();
        assert!(matches!(err, TopicError::NoIncludeTerms { .. }), "{err}");
        let long = "x".repeat(61);
        let err = validate_custom("rust", "Rust", &[long.as_str()], &[]).unwrap_err();
        assert!(
            matches!(err, TopicError::InvalidTerm { .. }) && err.to_string().contains("1-60"),
            "{err}"
        );
        let err = validate_custom("rust", "Rust", &["  ", "rust"], &[]).unwrap_err();
        assert!(matches!(err, TopicError::InvalidTerm { .. }), "{err}");
        let many: Vec<String> = (0..51).map(|i| format!("t{i}")).collect();
        let err = validate_custom("rust", "Rust", &many, &[]).unwrap_err();
        assert!(matches!(err, TopicError::TooManyTerms { count: 51, .. }), "{err}");
        assert!(matches!(
            validate_custom("rust", " ", &["rust"], &[]),
            Err(TopicError::InvalidName { .. })
        ));
        let ok = validate_custom("rust", " Rust ", &[" rust  lang ", "Rust Lang", "cargo"], &[]).unwrap();
        assert_eq!(ok.include, ["rust lang", "cargo"]);
        assert_eq!(ok.name, "Rust");
        assert!(!ok.builtin);
    }

    #[test]
    fn matcher_rejects_bad_topic_lists() {
        let mut topics = builtin_topics();
        topics.push(topics[0].clone());
        assert!(matches!(
            TopicMatcher::new(&topics),
            Err(TopicError::DuplicateSlug { .. })
        ));
        let empty = TopicMatcher::new(&[]).unwrap();
        assert!(empty.matches(&doc("GPT-5", "")).is_empty());
    }

    #[test]
    fn source_urls_are_read_by_host_and_path() {
        assert_eq!(
            source_host("https://www.Pluralistic.net/2026/04/16/x/"),
            "pluralistic.net"
        );
        assert!(source_matches("https://rss.arxiv.org/rss/cs.AI", "arxiv.org"));
        assert!(!source_matches("https://notarxiv.org/", "arxiv.org"));
        assert!(source_matches(
            "https://api.substack.com/feed/podcast/69345.rss",
            "/podcast"
        ));
        assert!(source_matches(
            "https://www.microsoft.com/en-us/research/feed/",
            "microsoft.com/en-us/research"
        ));
        assert!(!source_matches("", "arxiv.org"));
    }

    #[test]
    fn matcher_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<TopicMatcher>();
    }

    /// Tags 20,000 synthetic articles of 1,000 words twice, once with the term density of
    /// news prose (one term in 25 words) and once with a term in every other word, and prints
    /// the times. Run in release:
    /// `cargo test --release --lib pipeline::topics -- --ignored --nocapture`.
    #[test]
    #[ignore = "timing; run in release with --ignored --nocapture"]
    fn speed_20k_articles() {
        let m = matcher();
        // Common words, including some that hide a term inside them ("said", "chain", "paid").
        let filler = "the a of and to in is that for on it with as was at by be this from have are an not \
            but they which or his her their has been would will more said could about after people year \
            years first also new time over into than other some only what when there can just its two \
            most against again certain maintain chain paid plain brain rain train gain main explain \
            market week report company government world while where because under between during \
            before through those these each many much well still even back down since another \
            however according number part public group state city country million today last";
        let terms = "model GPT-5 Claude Gemini training LLM agents MCP arXiv paper benchmark GPUs Nvidia chips \
            TSMC regulation lawsuit copyright safety alignment open-source GitHub library raises funding \
            valuation robot humanoid drone vulnerability CVE malware podcast episode AI startup";
        let filler: Vec<&str> = filler.split_whitespace().collect();
        let terms: Vec<&str> = terms.split_whitespace().collect();
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for (label, one_in) in [
            ("news-like, 1 term in 25 words", 25u64),
            ("dense, 1 term in 2 words", 2),
        ] {
            let docs: Vec<(String, String)> = (0..20_000)
                .map(|_| {
                    let mut pick = |n: usize| {
                        (0..n)
                            .map(|_| {
                                let r = next();
                                if r % one_in == 0 {
                                    terms[((r >> 8) % terms.len() as u64) as usize]
                                } else {
                                    filler[((r >> 8) % filler.len() as u64) as usize]
                                }
                            })
                            .collect::<Vec<_>>()
                            .join(" ")
                    };
                    (pick(10), pick(1_000))
                })
                .collect();
            let bytes: usize = docs.iter().map(|(t, b)| t.len() + b.len()).sum();
            let started = Instant::now();
            let mut tagged = 0usize;
            for (title, text) in &docs {
                tagged += m.matches(&doc(title, text)).len();
            }
            let elapsed = started.elapsed();
            println!(
                "{label}: tagged {} articles ({:.1} MB) in {:.3} s ({:.0} MB/s), {tagged} topic tags",
                docs.len(),
                bytes as f64 / 1e6,
                elapsed.as_secs_f64(),
                bytes as f64 / 1e6 / elapsed.as_secs_f64()
            );
            let started = Instant::now();
            let mut other = 0usize;
            for (title, text) in &docs {
                let input = doc(title, text);
                let category = super::super::category::categorize(&input, &m.matches(&input));
                other += usize::from(category == super::super::category::Category::Other);
            }
            println!(
                "{label}: tagged and categorised them in {:.3} s ({other} Other)",
                started.elapsed().as_secs_f64()
            );
        }
    }
}
