//! Chapter 01 (being written).
