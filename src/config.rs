//! Typed, layered settings.
