//! Account: what a logged-in person reads and changes about their own
//! account: the profile (`profile`), the email and phone number it logs in
//! with (`contacts`) and the way back from a change its owner did not make
//! (`contact_changes`), its deletion (`erasure`), the fresh proof that guards changes to keys and phone
//! (`proofs`), guests before any login (`guests`), preferences
//! (`preferences`) and where the account is logged in (`devices`).
//!
//! Invariant: every route here but `POST /v1/auth/guest` and the
//! `/not-me/` links acts for the [`Caller`](crate::http::Caller) only, on
//! their own rows; a `/not-me/` link acts only on the account whose change
//! it was sent about.

pub mod contact_changes;
pub mod contacts;
mod devices;
mod erasure;
pub mod guests;
mod preferences;
mod profile;
pub mod proofs;

use crate::http::Routes;
use utoipa_axum::routes;

pub fn routes() -> Routes {
    Routes::new()
        .routes(routes!(profile::me, erasure::delete_me))
        .routes(routes!(profile::rename))
        .routes(routes!(profile::change_language))
        .routes(routes!(contacts::add_phone))
        .routes(routes!(contacts::verify_phone))
        .routes(routes!(contacts::change_email))
        .routes(routes!(contacts::verify_email))
        .routes(routes!(
            contact_changes::not_me_page,
            contact_changes::not_me_report
        ))
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
