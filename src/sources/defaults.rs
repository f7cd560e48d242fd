//! The default AI source pack, installed on first use.
//!
//! A curated list of published feeds: AI labs and research groups, arXiv listings,
//! newsletters and writers, aggregators, the AI sections of the tech press, and AI
//! podcasts. Every URL is the feed itself (not the site), over https. Anthropic and Meta AI
//! publish no official feed, so they are absent; their news reaches us through the press
//! and aggregators.

use crate::domain::SourceKind;

/// One curated source.
#[derive(Debug, Clone, Copy)]
pub struct DefaultSource {
    pub url: &'static str,
    pub title: &'static str,
    pub kind: SourceKind,
}

const fn feed(title: &'static str, url: &'static str) -> DefaultSource {
    DefaultSource {
        url,
        title,
        kind: SourceKind::Feed,
    }
}

const fn podcast(title: &'static str, url: &'static str) -> DefaultSource {
    DefaultSource {
        url,
        title,
        kind: SourceKind::Podcast,
    }
}

/// How much a source of the pack counts in a story's quality score (1.0 is neutral): the
/// labs' and research groups' own blogs are primary sources, the writers we picked are
/// careful, while arXiv listings and link aggregators are high-volume and unfiltered.
pub fn weight(source: &DefaultSource) -> f64 {
    const PRIMARY: &[&str] = &[
        "openai.com",
        "deepmind.google",
        "research.google",
        "blog.google",
        "cloudblog.withgoogle.com",
        "microsoft.com",
        "nvidia.com",
        "aws.amazon.com",
        "amazon.science",
        "machinelearning.apple.com",
        "huggingface.co",
        "berkeley.edu",
        "stanford.edu",
        "cmu.edu",
        "news.mit.edu",
        "thegradient.pub",
    ];
    const WRITERS: &[&str] = &[
        "simonwillison.net",
        "importai.substack.com",
        "sebastianraschka.com",
        "interconnects.ai",
        "oneusefulthing.org",
        "lilianweng.github.io",
        "huyenchip.com",
        "jalammar.github.io",
        "karpathy.github.io",
        "latent.space",
        "understandingai.org",
        "eugeneyan.com",
        "hamel.dev",
    ];
    const UNFILTERED: &[&str] = &["arxiv.org", "ycombinator.com", "hnrss.org", "reddit.com"];
    let host = url::Url::parse(source.url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default();
    let on = |list: &[&str]| list.iter().any(|h| host == *h || host.ends_with(&format!(".{h}")));
    if on(UNFILTERED) {
        0.8
    } else if on(PRIMARY) {
        1.3
    } else if on(WRITERS) {
        1.2
    } else {
        1.0
    }
}

/// The curated pack.
pub const DEFAULT_SOURCES: &[DefaultSource] = &[
    // AI labs and research groups.
    feed("OpenAI News", "https://openai.com/news/rss.xml"),
    feed("Google DeepMind Blog", "https://deepmind.google/blog/rss.xml"),
    feed("Google Research Blog", "https://research.google/blog/rss/"),
    feed("Google: AI", "https://blog.google/technology/ai/rss/"),
    feed(
        "Google Cloud: AI & Machine Learning",
        "https://cloudblog.withgoogle.com/products/ai-machine-learning/rss/",
    ),
    feed(
        "Microsoft Research Blog",
        "https://www.microsoft.com/en-us/research/feed/",
    ),
    feed("Microsoft AI Blog", "https://blogs.microsoft.com/ai/feed/"),
    feed("NVIDIA Technical Blog", "https://developer.nvidia.com/blog/feed/"),
    feed("NVIDIA Blog", "https://blogs.nvidia.com/feed/"),
    feed(
        "AWS Machine Learning Blog",
        "https://aws.amazon.com/blogs/machine-learning/feed/",
    ),
    feed("Amazon Science", "https://www.amazon.science/index.rss"),
    feed(
        "Apple Machine Learning Research",
        "https://machinelearning.apple.com/rss.xml",
    ),
    feed("Hugging Face Blog", "https://huggingface.co/blog/feed.xml"),
    feed(
        "BAIR Blog (Berkeley AI Research)",
        "https://bair.berkeley.edu/blog/feed.xml",
    ),
    feed("Stanford AI Lab Blog", "https://ai.stanford.edu/blog/feed.xml"),
    feed("ML@CMU Blog", "https://blog.ml.cmu.edu/feed/"),
    feed(
        "MIT News: Artificial Intelligence",
        "https://news.mit.edu/rss/topic/artificial-intelligence2",
    ),
    feed("The Gradient", "https://thegradient.pub/rss/"),
    // arXiv daily listings (high volume; the editorial filter does the picking).
    feed(
        "arXiv cs.AI (Artificial Intelligence)",
        "https://rss.arxiv.org/rss/cs.AI",
    ),
    feed(
        "arXiv cs.CL (Computation and Language)",
        "https://rss.arxiv.org/rss/cs.CL",
    ),
    feed("arXiv cs.LG (Machine Learning)", "https://rss.arxiv.org/rss/cs.LG"),
    feed("arXiv cs.CV (Computer Vision)", "https://rss.arxiv.org/rss/cs.CV"),
    feed(
        "arXiv stat.ML (Machine Learning, Statistics)",
        "https://rss.arxiv.org/rss/stat.ML",
    ),
    // Newsletters and writers.
    feed("Simon Willison's Weblog", "https://simonwillison.net/atom/everything/"),
    feed("Import AI (Jack Clark)", "https://importai.substack.com/feed"),
    feed(
        "Ahead of AI (Sebastian Raschka)",
        "https://magazine.sebastianraschka.com/feed",
    ),
    feed("Interconnects (Nathan Lambert)", "https://www.interconnects.ai/feed"),
    feed(
        "One Useful Thing (Ethan Mollick)",
        "https://www.oneusefulthing.org/feed",
    ),
    feed("Lil'Log (Lilian Weng)", "https://lilianweng.github.io/index.xml"),
    feed("Chip Huyen", "https://huyenchip.com/feed.xml"),
    feed("Jay Alammar", "https://jalammar.github.io/feed.xml"),
    feed("Andrej Karpathy", "https://karpathy.github.io/feed.xml"),
    feed("Last Week in AI", "https://lastweekin.ai/feed"),
    feed("Latent Space", "https://www.latent.space/feed"),
    feed(
        "Understanding AI (Timothy B. Lee)",
        "https://www.understandingai.org/feed",
    ),
    feed(
        "Don't Worry About the Vase (Zvi Mowshowitz)",
        "https://thezvi.substack.com/feed",
    ),
    feed("Marcus on AI (Gary Marcus)", "https://garymarcus.substack.com/feed"),
    feed("Eugene Yan", "https://eugeneyan.com/rss/"),
    feed("Hamel Husain", "https://hamel.dev/index.xml"),
    // Aggregators and communities.
    feed("Hacker News: Front Page", "https://news.ycombinator.com/rss"),
    feed(
        "Hacker News: LLM (50+ points)",
        "https://hnrss.org/newest?q=LLM&points=50",
    ),
    feed(
        "Hacker News: AI (100+ points)",
        "https://hnrss.org/newest?q=AI&points=100",
    ),
    feed("r/MachineLearning", "https://www.reddit.com/r/MachineLearning/.rss"),
    feed("r/LocalLLaMA", "https://www.reddit.com/r/LocalLLaMA/.rss"),
    feed("Techmeme", "https://www.techmeme.com/feed.xml"),
    // The AI sections of the tech press.
    feed(
        "The Verge: AI",
        "https://www.theverge.com/rss/ai-artificial-intelligence/index.xml",
    ),
    feed("Ars Technica: AI", "https://arstechnica.com/ai/feed/"),
    feed(
        "TechCrunch: AI",
        "https://techcrunch.com/category/artificial-intelligence/feed/",
    ),
    feed("VentureBeat: AI", "https://venturebeat.com/category/ai/feed/"),
    feed(
        "MIT Technology Review: AI",
        "https://www.technologyreview.com/topic/artificial-intelligence/feed",
    ),
    feed("WIRED: AI", "https://www.wired.com/feed/tag/ai/latest/rss"),
    feed(
        "IEEE Spectrum: AI",
        "https://spectrum.ieee.org/feeds/topic/artificial-intelligence.rss",
    ),
    feed(
        "The Register: AI + ML",
        "https://www.theregister.com/software/ai_ml/headlines.atom",
    ),
    feed("The Decoder", "https://the-decoder.com/feed/"),
    // Podcasts. The Substack podcast feeds (Latent Space, Dwarkesh, Interconnects) carry
    // full transcripts in their show notes, and Practical AI (Changelog) publishes
    // human-edited transcripts; none of these is known to us to carry
    // `<podcast:transcript>` tags reliably, so expect show-notes summaries where the
    // tags are missing. The others have show notes only.
    podcast(
        "Latent Space: The AI Engineer Podcast",
        "https://api.substack.com/feed/podcast/1084089.rss",
    ),
    podcast("Dwarkesh Podcast", "https://api.substack.com/feed/podcast/69345.rss"),
    podcast(
        "Interconnects Podcast",
        "https://api.substack.com/feed/podcast/48206.rss",
    ),
    podcast("Practical AI", "https://changelog.com/practicalai/feed"),
    podcast("The TWIML AI Podcast", "https://feeds.megaphone.fm/MLN2155636147"),
    podcast("Lex Fridman Podcast", "https://lexfridman.com/feed/podcast/"),
    podcast(
        "Hard Fork (The New York Times)",
        "https://feeds.simplecast.com/l2i9YnTd",
    ),
    podcast(
        "Machine Learning Street Talk",
        "https://anchor.fm/s/1e4a0eac/podcast/rss",
    ),
    podcast("NVIDIA AI Podcast", "https://feeds.megaphone.fm/nvidiaaipodcast"),
];

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn pack_is_well_formed() {
        assert!(DEFAULT_SOURCES.len() >= 40, "{} sources", DEFAULT_SOURCES.len());
        let mut urls = HashSet::new();
        let mut titles = HashSet::new();
        for source in DEFAULT_SOURCES {
            let url = url::Url::parse(source.url).unwrap_or_else(|e| panic!("{}: {e}", source.url));
            assert_eq!(url.scheme(), "https", "{}", source.url);
            assert!(url.host_str().is_some(), "{}", source.url);
            assert_eq!(source.title.trim(), source.title, "{:?}", source.title);
            assert!(!source.title.is_empty(), "{}", source.url);
            assert!(urls.insert(source.url), "duplicate URL {}", source.url);
            assert!(titles.insert(source.title), "duplicate title {}", source.title);
        }
        let podcasts = DEFAULT_SOURCES.iter().filter(|s| s.kind == SourceKind::Podcast).count();
        assert!(podcasts >= 3, "{podcasts} podcasts");
        let arxiv = DEFAULT_SOURCES
            .iter()
            .filter(|s| s.url.starts_with("https://rss.arxiv.org/rss/"))
            .count();
        assert!(arxiv >= 3, "{arxiv} arXiv feeds");
    }

    #[test]
    fn primary_sources_weigh_more_than_listings() {
        let by_title = |title: &str| DEFAULT_SOURCES.iter().find(|s| s.title.starts_with(title)).map(weight);
        assert_eq!(by_title("OpenAI News"), Some(1.3));
        assert_eq!(by_title("Simon Willison"), Some(1.2));
        assert_eq!(by_title("arXiv cs.LG"), Some(0.8));
        assert_eq!(by_title("Hacker News"), Some(0.8));
        assert_eq!(by_title("Ars Technica"), Some(1.0));
    }
}
