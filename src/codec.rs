//! stub (local only)
