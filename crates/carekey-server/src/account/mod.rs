//! Account: what a logged-in person reads and changes about their own
//! account: the profile (`profile`), a phone number to log in with
//! (`phone`), the fresh proof that guards changes to keys and phone
//! (`proofs`), guests before any login (`guests`), preferences
//! (`preferences`) and where the account is logged in (`devices`).
//!
//! Invariant: every route here but `POST /v1/auth/guest` acts for the
//! [`Caller`](crate::http::Caller) only, on their own rows.

mod devices;
pub mod guests;
pub mod phone;
mod preferences;
mod profile;
pub mod proofs;

use crate::http::Routes;
use utoipa_axum::routes;

pub fn routes() -> Routes {
    Routes::new()
        .routes(routes!(profile::me))
        .routes(routes!(profile::rename))
        .routes(routes!(phone::add_phone))
        .routes(routes!(phone::verify_phone))
        .routes(routes!(proofs::start_proof))
        .routes(routes!(proofs::verify_proof))
        .routes(routes!(guests::guest_start))
        .routes(routes!(guests::close_guest))
        .routes(routes!(
            preferences::user_settings,
            preferences::save_user_settings
        ))
        .routes(routes!(devices::list_sessions))
        .routes(routes!(devices::revoke_session))
        .routes(routes!(devices::revoke_other_sessions))
}
