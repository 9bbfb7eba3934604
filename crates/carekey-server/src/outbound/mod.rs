//! Outbound.

pub mod channels;
pub mod integrations;
pub mod messages;
pub mod queue;
