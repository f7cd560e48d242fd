//! Audiences: servers that read the same thing. A digest depends on its scope only through
//! the sources the scope reads (global ones it has not muted, plus its own links) and the
//! topics it sees (built-ins plus its own custom topics). Servers that changed neither read
//! exactly what the global scope reads, so one edition composed under the global scope serves
//! all of them; servers with identical changes share one too. This is what lets ten thousand
//! subscriptions be served by a few hundred compositions without ever showing one server
//! another's private feed or topic.

use std::collections::{BTreeMap, HashMap};

use super::{Editor, EditorialError};
use crate::store::{GLOBAL_SCOPE, ScopeCustomisation};

/// Which scope an edition for a server is composed under.
#[derive(Debug, Clone, Default)]
pub struct Audiences {
    /// Customised scopes to the first (smallest) scope with the same customisation.
    representative: HashMap<String, String>,
}

/// Everything that makes a scope read differently from the global scope.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Signature {
    own_sources: Vec<i64>,
    muted_sources: Vec<i64>,
    own_topics: Vec<i64>,
}

impl Audiences {
    /// Groups scopes by their customisations (`customisations` from the store, `own_topics`
    /// the ids of each scope's custom topics).
    pub fn group(
        customisations: BTreeMap<String, ScopeCustomisation>,
        own_topics: BTreeMap<String, Vec<i64>>,
    ) -> Audiences {
        let mut signatures: BTreeMap<String, Signature> = BTreeMap::new();
        for (scope, custom) in customisations {
            signatures.insert(
                scope,
                Signature {
                    own_sources: custom.own,
                    muted_sources: custom.muted,
                    own_topics: Vec::new(),
                },
            );
        }
        for (scope, mut topics) in own_topics {
            if scope == GLOBAL_SCOPE {
                continue;
            }
            topics.sort_unstable();
            signatures
                .entry(scope)
                .or_insert_with(|| Signature {
                    own_sources: Vec::new(),
                    muted_sources: Vec::new(),
                    own_topics: Vec::new(),
                })
                .own_topics = topics;
        }
        // Scopes iterate in order, so the first of each signature is the smallest scope: the
        // same representative on every pass.
        let mut first_of: BTreeMap<Signature, String> = BTreeMap::new();
        let mut representative = HashMap::with_capacity(signatures.len());
        for (scope, signature) in signatures {
            let chosen = first_of.entry(signature).or_insert_with(|| scope.clone()).clone();
            representative.insert(scope, chosen);
        }
        Audiences { representative }
    }

    /// The scope to compose `scope`'s editions under: the global scope when the server reads
    /// just what everyone reads, else the representative of the servers that read what it reads.
    pub fn of<'a>(&'a self, scope: &'a str) -> &'a str {
        self.representative.get(scope).map_or(GLOBAL_SCOPE, String::as_str)
    }
}

impl Editor {
    /// The audiences as they stand now (two small queries plus the cached topic index).
    pub async fn audiences(&self) -> Result<Audiences, EditorialError> {
        let customisations = self.store.scope_customisations().await?;
        let index = self.topic_index().await?;
        let mut own_topics: BTreeMap<String, Vec<i64>> = BTreeMap::new();
        for topic in &index.rows {
            if !topic.scope.is_empty() {
                own_topics.entry(topic.scope.clone()).or_default().push(topic.id);
            }
        }
        Ok(Audiences::group(customisations, own_topics))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn custom(own: &[i64], muted: &[i64]) -> ScopeCustomisation {
        ScopeCustomisation {
            own: own.to_vec(),
            muted: muted.to_vec(),
        }
    }

    #[test]
    fn servers_that_changed_nothing_read_as_the_global_scope() {
        let audiences = Audiences::group(BTreeMap::new(), BTreeMap::new());
        assert_eq!(audiences.of("discord:1"), GLOBAL_SCOPE);
        assert_eq!(audiences.of(GLOBAL_SCOPE), GLOBAL_SCOPE);
    }

    #[test]
    fn servers_with_the_same_changes_share_one_representative() {
        let customisations = BTreeMap::from([
            ("discord:3".to_string(), custom(&[7], &[])),
            ("discord:2".to_string(), custom(&[7], &[])),
            ("discord:4".to_string(), custom(&[], &[1])),
        ]);
        let audiences = Audiences::group(customisations, BTreeMap::new());
        assert_eq!(audiences.of("discord:3"), "discord:2");
        assert_eq!(audiences.of("discord:2"), "discord:2");
        assert_eq!(audiences.of("discord:4"), "discord:4", "a mute is a different reading");
        assert_eq!(audiences.of("discord:5"), GLOBAL_SCOPE);
    }

    #[test]
    fn a_custom_topic_makes_a_server_its_own_audience() {
        let customisations = BTreeMap::from([("discord:2".to_string(), custom(&[7], &[]))]);
        let topics = BTreeMap::from([("discord:3".to_string(), vec![40])]);
        let mut with_own_link = customisations.clone();
        with_own_link.insert("discord:3".to_string(), custom(&[7], &[]));
        let audiences = Audiences::group(with_own_link, topics);
        assert_eq!(audiences.of("discord:3"), "discord:3");
        assert_eq!(audiences.of("discord:2"), "discord:2");
    }
}
