//! Keys and data.

pub mod backups;
pub mod public;
pub mod samples;
