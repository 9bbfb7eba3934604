//! Outbound.

pub mod captcha;
pub mod channels;
pub mod integrations;
pub mod messages;
pub mod queue;
pub mod whatsapp_bot;
