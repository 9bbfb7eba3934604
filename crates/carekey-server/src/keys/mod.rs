//! Keys and data: the public keys of each device (`public`), the private
//! key's backups and its transfer to a new device (`backups`,
//! `transfers`), and the encrypted notes shared through those keys
//! (`samples`).
//!
//! Invariant: the server holds no plaintext and no private key: envelopes
//! are sealed on the device, samples are ciphertext with content keys
//! wrapped for registered public keys of people who share (`care`).

pub mod backups;
pub mod password_oprf;
pub mod public;
pub mod samples;
mod transfers;

use crate::http::Routes;
use utoipa_axum::routes;

pub fn routes() -> Routes {
    Routes::new()
        .routes(routes!(public::list_keys, public::register_key))
        .routes(routes!(public::revoke_key))
        .routes(routes!(public::user_keys))
        .routes(routes!(backups::list_backups))
        .routes(routes!(backups::fetch_backup, backups::store_backup))
        .routes(routes!(backups::audit))
        .routes(routes!(password_oprf::seal_evaluation))
        .routes(routes!(password_oprf::open_evaluation))
        .routes(routes!(password_oprf::confirm_opening))
        .routes(routes!(transfers::offer_transfer))
        .routes(routes!(transfers::take_transfer))
        .routes(routes!(samples::list_samples, samples::create_sample))
        .routes(routes!(samples::read_sample))
        .routes(routes!(samples::share_sample))
}
