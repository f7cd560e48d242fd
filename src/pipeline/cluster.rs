//! Near-duplicate clusters: the same story from different outlets becomes one.
