//! See the crate documentation for the layout.
