//! What the server sends out, and the providers it calls: the durable queue
//! (`queue`) and the jobs it runs through its `Deliver` trait (the message
//! channels, `channels`, with their templates, `messages`; the clinic's
//! other systems, `integrations`), the captcha provider (`captcha`) and the
//! WhatsApp bot's settings (`whatsapp_bot`), and how every provider's
//! answer is read (`answers`).
//!
//! Invariant: nothing here knows a flow or the request state; a flow
//! queues a job in its own transaction and the worker delivers it later,
//! so a provider that is down delays a message, it never fails a request.

pub mod answers;
pub mod captcha;
pub mod channels;
pub mod integrations;
pub mod messages;
pub mod queue;
pub mod whatsapp_bot;
