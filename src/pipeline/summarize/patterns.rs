//! The compiled patterns of the summariser: boilerplate, datelines, openers, findings, "why it matters" cues.

use super::*;

/// Sentences that are site furniture whatever their length, by how they open. Matched
/// against the lower-cased sentence; anchored, so a search stops within a few bytes.
pub(super) static BOILERPLATE_START: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?:",
        // "This article discusses…", "In this post, we…"
        r"(?:this|the following|today's|in this|in today's|in the following|with this)\s+(?:article|post|blog post|blog|piece|story|episode|video|newsletter|issue|edition|tutorial|guide|write-?up|installment|series)(?-u:\b)",
        r"|(?:this|the following) (?:article|post|piece|story|essay|write-?up) (?:is|was|will|discusses|covers|explores|looks|examines|describes|explains|walks|shows|dives|delves|outlines|highlights|reviews|summari[sz]es|provides|presents|details|introduces|focuses)",
        // newsletters, sharing, following
        r"|(?:please |be sure to |don't forget to )?(?:subscribe|sign up|signup|join (?:our|the) (?:newsletter|mailing list|list|community|discord))(?-u:\b)",
        r"|share (?:this|on|via|the)(?-u:\b)|(?:follow|find|join|like) (?:us|me) on(?-u:\b)",
        r"|(?:tweet|email|print|facebook|linkedin|reddit|whatsapp|pinterest|copy link)(?: this)?$",
        // read more, cross-posts
        r"|(?:read|continue reading|keep reading|read the (?:full|rest|whole|original)|read more|read on|more here|full story|learn more)(?-u:\b)[^.!?]{0,60}(?:[.:…»›→]|$)",
        r"|[\[(]?(?:cross-?post(?:ed|ing)?|re-?post(?:ed|ing)?|this (?:post|article) (?:was|is) (?:cross-?posted|reposted))(?-u:\b)",
        r"|copyright(?-u:\b)",
        // captions and credits
        r"|(?:photo|photos|image|images|picture|illustration|graphic|screenshot|video|credit|photograph|source|header image|featured image|cover image|top image|lead image|hero image)s?(?: credit| courtesy| by| via| source)?\s*[:|]",
        r"|(?:photo|image|screenshot|illustration|picture)s? (?:by|courtesy of|via|credit|from)(?-u:\b)",
        r"|\((?:photo|image|credit|picture|illustration)[^)]*\)$",
        r"|(?:images?|photos?|photographs?|videos?|illustrations?|graphics?|screenshots?|artwork) (?:provided|courtesy|supplied|taken|used|shown|shared|created|made) (?:by|of|with)(?-u:\b)",
        // ads and related lists
        r"|(?:sponsored|promoted|advertisement|partner content|paid content|ad)(?-u:\b)\s*[:|—–-]?",
        r"|(?:related|related (?:articles?|stories|posts?|reading|coverage|content|links?)|see also|more from|more on this|also read|also on|recommended|recommended reading|you may also like|you might also like|further reading|previously|elsewhere|more coverage|read next|up next)(?-u:\b)\s*[:|—–-]",
        // meta lines
        r"|(?:filed under|tags?|categories|category|topics?|posted in|labels?)\s*:|(?:estimated )?reading time(?-u:\b)|listen to (?:this|the) (?:article|story|episode)(?-u:\b)",
        r"|(?:skip to|jump to) (?:main )?content(?-u:\b)|(?:advertisement|loading|sponsored)\W*$|(?:editing|writing|reporting|additional reporting) by(?-u:\b)",
        r"|(?:leave a (?:comment|reply)|comments?|\d+ comments?|discuss (?:this )?on)(?-u:\b)",
        r"|(?:thanks|thank you) (?:for|to (?:all )?(?:our|my)) (?:reading|listening|watching|subscribing|tuning in|supporting|subscribers|readers|listeners)",
        r"|if you (?:enjoyed|liked|like|enjoy) (?:this|the|reading|my|our)(?-u:\b)",
        // greetings
        r"|(?:hi|hey|hello|greetings|howdy)(?: there| all| everyone| everybody| folks| friends| guys| team| y'all)?(?-u:\b)\s*[,!.—–-]",
        r"|(?:hi|hey|hello)\s+(?:everyone|everybody|folks|friends|all|there)(?-u:\b)|welcome (?:back|to (?:the|this|another|our|my|episode|issue|edition|part|week))(?-u:\b)",
        r"|happy (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend|new year|holidays)(?-u:\b)|good (?:morning|afternoon|evening)(?-u:\b)",
        r")",
    ))
    .ok()
});

/// One word of every branch of [`BOILERPLATE_ANY`]: a sentence with none of them cannot
/// match it.
pub(super) static FURNITURE_WORDS: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    AhoCorasick::new([
        "cookie",
        "site",
        "privacy policy",
        "subscri",
        "sign up",
        "signup",
        "register",
        "opt in",
        "newsletter",
        "inbox",
        "member",
        "patron",
        "patreon",
        "supporter",
        "support us",
        "support this",
        "follow us",
        "follow me",
        "continue reading",
        "read more",
        "appeared",
        "click here",
        "tap here",
        "originally",
        "rights reserved",
        "©",
        "(c) ",
        "sponsor",
        "brought to you",
        "presented by",
        "supported by",
        "powered by",
        "made possible by",
        "underwritten by",
        " code",
        "affiliate",
        "commission",
        " read",
        "editing by",
        "please ",
    ])
    .ok()
});

/// Site furniture anywhere in a sentence. Matched against the lower-cased sentence, and
/// only when [`FURNITURE_WORDS`] finds one of its words.
pub(super) static BOILERPLATE_ANY: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        // cookies and consent
        r"(?-u:\b)(?:we|this (?:site|website)|our (?:site|website)) uses? cookies(?-u:\b)|(?-u:\b)accept (?:all )?cookies(?-u:\b)|(?-u:\b)cookie (?:policy|settings|preferences|consent|banner|notice)(?-u:\b)",
        r"|(?-u:\b)by (?:continuing to )?(?:use|using|browse|browsing) (?:this|our) (?:site|website)(?-u:\b)|(?-u:\b)privacy policy(?-u:\b).*(?-u:\b)(?:terms|agree|accept)(?-u:\b)",
        // newsletters and subscriptions
        r"|(?-u:\b)(?:subscribe|sign up|signup|register|opt in)(?-u:\b).*(?-u:\b)(?:newsletter|mailing list|our list|our channel|my channel|the channel|podcast|inbox|updates|rss feed|youtube|apple podcasts|spotify)(?-u:\b)",
        r"|(?-u:\b)newsletter(?-u:\b).*(?-u:\b)(?:subscribe|sign up|inbox|delivered|free)(?-u:\b)|(?-u:\b)delivered (?:straight |directly |right )?to your inbox(?-u:\b)",
        r"|(?-u:\b)subscribe (?:now|today|here|for free)(?-u:\b)|(?-u:\b)(?:become|becoming) a (?:paid )?(?:subscriber|member|patron|supporter)(?-u:\b)|(?-u:\b)support (?:us|this (?:blog|site|newsletter|work)) on(?-u:\b)|(?-u:\b)patreon(?-u:\b)",
        r"|(?-u:\b)follow (?:us|me) on (?:twitter|x|facebook|linkedin|instagram|mastodon|bluesky|threads|youtube|tiktok)(?-u:\b)",
        // read more, click here, post footers
        r"|(?-u:\b)continue reading(?-u:\b)|(?-u:\b)read more(?-u:\b)\s*(?:[»›→…]|\.\.\.|$)|(?-u:\b)appeared first on(?-u:\b)|(?-u:\b)click here(?-u:\b)|(?-u:\b)tap here(?-u:\b)",
        r"|(?-u:\b)originally (?:published|appeared|posted) (?:on|in|at|by)(?-u:\b)|(?-u:\b)the post .+ appeared(?-u:\b)",
        // copyright
        r"|(?-u:\b)all rights reserved(?-u:\b)|©|\(c\) (?:19|20)\d\d(?-u:\b)",
        // sponsors and ads
        r"|(?-u:\b)(?:this|today's|the) (?:episode|video|newsletter|post|issue|show|edition|podcast|segment|article) (?:is|was) (?:sponsored|brought to you|presented|supported|powered|made possible|underwritten) by(?-u:\b)",
        r"|(?-u:\b)sponsored by(?-u:\b)|(?-u:\b)brought to you by(?-u:\b)|(?-u:\b)thanks to (?:our|today's) sponsors?(?-u:\b)",
        r"|(?-u:\b)(?:promo|discount|coupon) code(?-u:\b)|(?-u:\b)affiliate links?(?-u:\b)|(?-u:\b)we may earn (?:a )?(?:small )?commission(?-u:\b)",
        // meta lines
        r"|(?-u:\b)\d+\s*min(?:ute)?s? read(?-u:\b)|(?-u:\b)reporting by(?-u:\b).*(?-u:\b)editing by(?-u:\b)|(?-u:\b)please (?:share|like|subscribe|rate|review)(?-u:\b)",
    ))
    .ok()
});

/// Patterns that mark boilerplate only in a short line (bylines, datelines on their own,
/// credits): in a full sentence the same words can be content.
pub(super) static SHORT_BOILERPLATE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)",
        r"^(?:by|written by|posted by|words by|author|authors|story by|text by)\s*:?\s+\p{Lu}",
        r"|^(?:published|updated|last updated|posted|modified|first published)(?: on| at)?\s*:?\s+",
        r"|(?-u:\b)(?:getty images|shutterstock|ap photo|afp|via getty|reuters/|unsplash|pexels|istock)(?-u:\b)",
        r"|^source\s*:|^via\s*:|^h/t(?-u:\b)|^hat tip(?-u:\b)|^(?:image|photo)(?-u:\b)",
        r"|^(?:top|all|more) (?:stories|news|posts)(?-u:\b)|^(?:menu|search|home|navigation|log ?in|sign in|sign out|log ?out)$",
    ))
    .ok()
});

/// Datelines that open wire copy: "SAN FRANCISCO (Reuters) —", "LONDON —", "(AP) -".
pub(super) static DATELINE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?:",
        r"(?:\p{Lu}{2}[\p{Lu}.'’ -]+?(?:,\s*\p{Lu}[\p{L}.]*(?:\s+[\p{L}0-9.]+){0,3})?\s*(?:\([\p{L} .&]+\)\s*)?)",
        r"|(?:\([\p{L} .&]+\)\s*)",
        r")[—–-]{1,2}\s+",
    ))
    .ok()
});

/// A byline glued to the sentence it precedes ("By Jane Doe and John Roe | The EU…",
/// "Words by Jane Doe — The EU…"); group 1 is where the sentence starts.
pub(super) static BYLINE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?i:by|written by|words by|story by|reporting by|posted by)\s+",
        r"\p{Lu}[\p{L}.'’-]*(?:\s+(?:\p{Lu}[\p{L}.'’-]*|and|&|van|von|de|der|da|di|le|la)|,\s*\p{Lu}[\p{L}.'’-]*){0,8}",
        r"\s*(?:[|·•—–]|\s-)\s*(\p{Lu}|\d|[\x22“‘'])",
    ))
    .ok()
});

/// A date opening the sentence as a dateline ("March 3, 2026 — ", "Mar 3, 2026 | ",
/// "2026-03-03 - "); group 1 is where the sentence starts.
pub(super) static DATE_DATELINE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?:(?i:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?",
        r"(?:(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}",
        r"|\d{1,2}\s+(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+\d{4}",
        r"|\d{4}-\d{2}-\d{2})",
        r"\s*(?:[|·•—–]|\s-)\s*(\p{Lu}|\d|[\x22“‘'])",
    ))
    .ok()
});

pub(super) static ARTEFACT_NN: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"([.!?:])nn(\p{Lu})").ok());
pub(super) static ARTEFACT_MARKER: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?-u:\b)[OC]_(?:LI|FIG|TABLE|TBL|FLOAT|NO)").ok());

/// Openers a one-line summary does without: "In a blog post on Tuesday,", "Today,",
/// "Earlier this week,". Must be followed by ", " and then the main clause.
pub(super) static LEADING_CLAUSE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)^(?:",
        r"(?:today|yesterday|tonight|this morning|this afternoon|this evening|this week|last week|earlier (?:today|this week|this month|this year)|recently|now|finally|meanwhile|separately|however|additionally|also|in addition|as expected|as reported)",
        r"|(?:on|late on|early on|last|this|next) (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?: (?:morning|afternoon|evening|night))?",
        r"|(?:on|in) (?:jan(?:uary)?|feb(?:ruary)?|march|april|may|june|july|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?(?: \d{1,2}(?:st|nd|rd|th)?)?(?:,? \d{4})?",
        r"|in (?:a|an|its|his|her|their|the|today's|this) (?:new |recent |latest |short |brief |detailed |lengthy |joint |official )?(?:blog post|post|blog|statement|announcement|press release|interview|tweet|thread|paper|report|video|note|email|memo|filing|letter|keynote|livestream|presentation|update|op-ed|essay|newsletter|podcast|study|changelog)(?: [^,]*)?",
        r"|(?:at|during) (?:a|an|the|its|their|his|her) [^,]*(?:event|conference|keynote|summit|briefing|hearing|livestream|meeting)(?: [^,]*)?",
        r"|speaking (?:at|to|on|with) [^,]+",
        r")\s*,\s+",
    ))
    .ok()
});

/// A short opening phrase set off by a comma; stripped only when [`TIME_WORD`] finds that
/// it dates the news.
pub(super) static GENERAL_OPENER: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:in|on|at|during|earlier|back in|since|as of|over the|after|following|until|late|early)(?:\s+[^\s,;:]+){1,6},\s+",
    )
    .ok()
});

pub(super) static TIME_WORD: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)(?-u:\b)(?:(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?(?-u:\b)|january|february|march|april|may|june|july|august|september|october|november|december",
        r"|(?:19|20)\d\d|week|month|year|today|yesterday|tonight|morning|afternoon|evening|night|ago|recently|quarter|summer|spring|fall|autumn|winter|weekend",
        r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday|conference|keynote|summit|event|announcement|blog post|statement|interview)",
        r"|['’]\d\d(?-u:\b)",
    ))
    .ok()
});

pub(super) static BARE_TIME_OPENER: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"^(?i:(?:last|this|earlier this|late last|next) (?:week|month|year|weekend|quarter|morning|summer|spring|fall|autumn|winter)|today|yesterday)\s+(\p{Lu})",
    )
    .ok()
});

/// "Here we show that", "Our results suggest that": scientific framing a one-liner drops.
pub(super) static FINDING_FRAME: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)^(?:(?:here|herein|in this (?:study|work|paper|report|article)|in the present (?:study|work)|together|taken together|overall|collectively|in summary|in conclusion|altogether)\s*,?\s+)?",
        r"(?:we|our (?:results|findings|data|analyses|analysis|study|work)|these (?:results|findings|data))\s+",
        r"(?:show|shows|showed|demonstrate|demonstrates|demonstrated|find|found|reveal|reveals|revealed|report|establish|observe|observed|confirm|uncover|suggest|suggests|indicate|indicates|provide evidence|identify|identified)\s+that\s+",
    ))
    .ok()
});

/// "Here, we …" / "In this study, we …": the opener goes, "We …" stays.
pub(super) static HERE_WE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:here|herein|in this (?:study|work|paper|report)|in the present (?:study|work))\s*,?\s+(we)(?-u:\b)",
    )
    .ok()
});

/// Sentences that state a result: a boost for TL;DR candidates.
pub(super) static FINDING_CUE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?-u:\b)(?:here,? we|we (?:show|demonstrate|find|found|report|reveal|identify|present|propose|introduce|describe|develop|developed)|our (?:results|findings) (?:show|suggest|indicate|reveal|demonstrate)",
        r"|(?:study|research|paper|researchers|scientists|authors|team|report|survey|analysis) (?:found|finds|shows|showed|suggests|reveals|revealed|concludes|concluded)",
        r"|(?:announced|announces|launched|launches|released|releases|unveiled|unveils|introduced|introduces|acquired|acquires|raised|raises|is launching|is releasing|today announced|is now available|are now available|now supports|is rolling out|rolls out|rolled out))(?-u:\b)",
    ))
    .ok()
});

/// "Why it matters" cues, strongest first. A sentence must use one to be chosen; nothing is
/// ever written in their place.
pub(super) static WHY_STRONG: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?-u:\b)(?:(?:this|that|it) matters (?:because|since|as)|why (?:this|it|that) matters|matters because",
        r"|the (?:significance|importance|implications?) (?:of (?:this|the (?:move|deal|decision|launch|release|change|ruling|result|announcement|finding|study|work))|for)|(?:is|are|was|were) (?:significant|important|crucial|critical|notable|key) because",
        r"|important because|(?:major|broad|wide|important|serious|big|significant) implications|what this means (?:for|is)|the (?:move|deal|decision|launch|release|change|ruling|result|announcement|investment|acquisition) (?:signals|marks|suggests|underscores|highlights|reflects|could|would|means)",
        r"|(?:signals|marks) a (?:shift|turning point|new era|major|significant|broader|change)|paves? the way|(?:a|the) (?:major|significant|big|key|crucial|important) (?:step|milestone|shift)|game[- ]changer|for the first time)(?-u:\b)",
    ))
    .ok()
});

pub(super) static WHY_MEDIUM: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?-u:\b)(?:(?:this|which) means|(?:could|would|will) (?:allow|enable|let|help|make it (?:possible|easier|harder|cheaper)|lead to|change|reshape|transform|open (?:up|the door)|accelerate|reduce|lower|boost|unlock|speed up|democratize|democratise)",
        r"|which (?:would|could|will|means|allows|enables|lets|makes)|(?:allowing|enabling|letting) (?:developers|users|researchers|companies|businesses|teams|people|anyone|customers)",
        r"|the first (?:company|model|country|lab|startup|time that) to|the first of its kind|(?:is|are|was) (?:significant|important|crucial|critical|key) (?:for|to|in)|(?:has|have) implications|implications (?:for|of))(?-u:\b)",
    ))
    .ok()
});
