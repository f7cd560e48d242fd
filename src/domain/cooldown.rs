//! Cooldowns for the expensive commands (`/summarize`, `/digest`, `/search`): a minimum gap
//! between two runs by one person, and a most-runs-per-hour for one server, so one member
//! or one server cannot keep the bot fetching and summarising for everyone else. Pure
//! bookkeeping: the caller passes `now` in; nothing here sleeps or reads a clock.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

/// The commands cooldowns apply to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CooldownKind {
    Summarize,
    Digest,
    Search,
}

impl CooldownKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CooldownKind::Summarize => "summarize",
            CooldownKind::Digest => "digest",
            CooldownKind::Search => "search",
        }
    }
}

/// How often one command may run; 0 turns a limit off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Limits {
    /// Seconds between two runs by one person.
    pub user_gap_secs: u64,
    /// Runs by one server in any hour.
    pub server_per_hour: u32,
}

/// Why a run must wait, and until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wait {
    /// This person ran the command less than `gap_secs` ago.
    User { gap_secs: u64, until: DateTime<Utc> },
    /// This server ran it `per_hour` times in the last hour.
    Server { per_hour: u32, until: DateTime<Utc> },
}

impl Wait {
    pub fn until(&self) -> DateTime<Utc> {
        match self {
            Wait::User { until, .. } | Wait::Server { until, .. } => *until,
        }
    }
}

#[derive(Default)]
struct Ledger {
    /// (command, user key) → last run.
    users: HashMap<(CooldownKind, String), DateTime<Utc>>,
    /// (command, server scope) → runs within the last hour, oldest first.
    servers: HashMap<(CooldownKind, String), VecDeque<DateTime<Utc>>>,
}

/// Runs of the expensive commands, kept in memory: a restart forgets them, which at worst
/// lets one more run through.
#[derive(Default)]
pub struct Cooldowns {
    ledger: Mutex<Ledger>,
}

impl std::fmt::Debug for Cooldowns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cooldowns").finish_non_exhaustive()
    }
}

const HOUR: Duration = Duration::hours(1);

impl Cooldowns {
    pub fn new() -> Cooldowns {
        Cooldowns::default()
    }

    /// Whether `user` (a platform-qualified id) in `server` (a scope) may run `kind` now.
    pub fn check(
        &self,
        kind: CooldownKind,
        limits: Limits,
        user: &str,
        server: &str,
        now: DateTime<Utc>,
    ) -> Result<(), Wait> {
        let (gap_secs, per_hour) = (limits.user_gap_secs, limits.server_per_hour);
        let mut ledger = self.ledger.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if gap_secs > 0
            && let Some(last) = ledger.users.get(&(kind, user.to_string()))
        {
            let until = *last + Duration::seconds(i64::try_from(gap_secs).unwrap_or(i64::MAX / 2));
            if until > now {
                return Err(Wait::User { gap_secs, until });
            }
        }
        if per_hour > 0
            && let Some(runs) = ledger.servers.get_mut(&(kind, server.to_string()))
        {
            while runs.front().is_some_and(|t| *t + HOUR <= now) {
                runs.pop_front();
            }
            if runs.len() >= per_hour as usize
                && let Some(oldest) = runs.front()
            {
                return Err(Wait::Server {
                    per_hour,
                    until: *oldest + HOUR,
                });
            }
        }
        Ok(())
    }

    /// Counts a run (one that did the expensive work; refused or mistyped runs are not counted).
    pub fn record(&self, kind: CooldownKind, user: &str, server: &str, now: DateTime<Utc>) {
        let mut ledger = self.ledger.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        ledger.users.insert((kind, user.to_string()), now);
        let runs = ledger.servers.entry((kind, server.to_string())).or_default();
        while runs.front().is_some_and(|t| *t + HOUR <= now) {
            runs.pop_front();
        }
        runs.push_back(now);
        // Old users' entries would otherwise pile up on a busy bot.
        if ledger.users.len() > 100_000 {
            let day_ago = now - Duration::days(1);
            ledger.users.retain(|_, last| *last > day_ago);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Limits {
        Limits {
            user_gap_secs: 30,
            server_per_hour: 3,
        }
    }

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
    }

    #[test]
    fn one_person_waits_out_the_gap_and_others_do_not() {
        let c = Cooldowns::new();
        let s = settings();
        c.record(CooldownKind::Summarize, "alice", "discord:1", at(0));
        let wait = c
            .check(CooldownKind::Summarize, s, "alice", "discord:1", at(10))
            .unwrap_err();
        assert_eq!(
            wait,
            Wait::User {
                gap_secs: 30,
                until: at(30)
            }
        );
        assert!(c.check(CooldownKind::Summarize, s, "bob", "discord:1", at(10)).is_ok());
        assert!(
            c.check(CooldownKind::Summarize, s, "alice", "discord:1", at(30))
                .is_ok()
        );
        // Another command has its own clock.
        assert!(c.check(CooldownKind::Search, s, "alice", "discord:1", at(10)).is_ok());
    }

    #[test]
    fn a_server_gets_its_hourly_runs_and_then_waits_for_the_oldest_to_age_out() {
        let c = Cooldowns::new();
        let s = settings();
        for (i, user) in ["a", "b", "c"].iter().enumerate() {
            c.record(CooldownKind::Summarize, user, "discord:1", at(i as i64 * 60));
        }
        let wait = c
            .check(CooldownKind::Summarize, s, "d", "discord:1", at(600))
            .unwrap_err();
        assert_eq!(
            wait,
            Wait::Server {
                per_hour: 3,
                until: at(3600)
            }
        );
        assert!(c.check(CooldownKind::Summarize, s, "d", "discord:2", at(600)).is_ok());
        assert!(c.check(CooldownKind::Summarize, s, "d", "discord:1", at(3600)).is_ok());
    }

    #[test]
    fn zero_turns_a_limit_off() {
        let c = Cooldowns::new();
        let s = Limits::default();
        for i in 0..100 {
            c.record(CooldownKind::Summarize, "alice", "discord:1", at(i));
        }
        assert!(
            c.check(CooldownKind::Summarize, s, "alice", "discord:1", at(100))
                .is_ok()
        );
    }
}
