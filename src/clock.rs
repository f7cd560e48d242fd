//! The one source of "now" for everything that runs on its own (the scheduler, the chat
//! adapters, the editor's lazy start-up): the system clock in production, and in tests a
//! clock that follows tokio's pausable time, so schedules can be fast-forwarded. Code that
//! is handed a `now` uses it and never reads a clock itself.

use chrono::{DateTime, Utc};

/// Where "now" comes from. The system clock in production; in tests a clock that follows
/// tokio's (pausable) time from a chosen start, so schedules can be fast-forwarded.
#[derive(Debug, Clone, Copy)]
pub enum Clock {
    System,
    Tokio {
        start: DateTime<Utc>,
        at: tokio::time::Instant,
    },
}

impl Clock {
    /// A clock reading `start` now and advancing with tokio's time.
    pub fn starting_at(start: DateTime<Utc>) -> Clock {
        Clock::Tokio {
            start,
            at: tokio::time::Instant::now(),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Tokio { start, at } => {
                let elapsed = chrono::Duration::from_std(at.elapsed()).unwrap_or_default();
                *start + elapsed
            }
        }
    }
}
