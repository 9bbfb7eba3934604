//! Account: what a logged-in person changes about their own account.

pub mod guests;
pub mod phone;
pub mod proofs;
