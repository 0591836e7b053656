//! (branching)
