//! (series)
