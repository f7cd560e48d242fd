//! Topics: the built-in AI catalogue and custom topics, matched by include/exclude terms.
