//! Pure domain types shared by every layer: what a source is, what an article is,
//! and the shapes podcast transcripts are stored in. No I/O happens here.

mod article;
pub mod cooldown;
mod platform;
mod schedule;
mod source;

pub use article::{Article, Chapter, EpisodeMedia, ParsedFeed, Segment, TranscriptRef};
pub use platform::Platform;
pub use schedule::{Schedule, ScheduleError, parse_timezone};
pub use source::{FailureClass, SourceKind, SourceStatus};
