//! The OPRF that hardens password backups (envelope format 2, issue 18),
//! as the device and the server must both compute it: RFC 9497's VOPRF with
//! ristretto255-SHA512, one server key per backup.
//!
//! Invariant: a backup's OPRF key is derived from the server's master seed
//! (by key id) with [`context_info`] of the owner and a random context the
//! server drew for that backup. A new backup gets a new context, so
//! evaluations under it say nothing about an older envelope (a copy taken
//! from a stolen database): the only key that helps guess that envelope's
//! password is one the server no longer evaluates with.

/// The prefix of every backup key's `info` (RFC 9497 `DeriveKeyPair`).
pub const KEY_INFO: &[u8] = b"carekey oprf v1";
/// A backup's context: 16 random bytes drawn by the server.
pub const CONTEXT_LEN: usize = 16;
/// A master seed: RFC 9497's `Ns` for ristretto255.
pub const SEED_LEN: usize = 32;
/// The longest owner id an envelope holds.
const LONGEST_OWNER_ID: usize = 64;

/// `info` for `DeriveKeyPair(seed, info)`: [`KEY_INFO`], the owner id's
/// length in one byte, the owner id, then the context. `None` for an owner
/// id an envelope cannot hold (empty or over 64 bytes).
pub fn context_info(owner_id: &str, context: &[u8; CONTEXT_LEN]) -> Option<Vec<u8>> {
    let len = u8::try_from(owner_id.len())
        .ok()
        .filter(|len| (1..=LONGEST_OWNER_ID).contains(&usize::from(*len)))?;
    let mut info = Vec::with_capacity(KEY_INFO.len() + 1 + owner_id.len() + CONTEXT_LEN);
    info.extend_from_slice(KEY_INFO);
    info.push(len);
    info.extend_from_slice(owner_id.as_bytes());
    info.extend_from_slice(context);
    Some(info)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_owner_and_the_context_are_told_apart_in_the_info() {
        let context = [9u8; CONTEXT_LEN];
        let info = context_info("ab", &context).unwrap();
        assert_eq!(&info[..KEY_INFO.len()], KEY_INFO);
        assert_eq!(info[KEY_INFO.len()], 2);
        assert_eq!(&info[KEY_INFO.len() + 1..KEY_INFO.len() + 3], b"ab");
        assert_eq!(&info[KEY_INFO.len() + 3..], &context);
        // A longer owner cannot pass for a shorter one with another context.
        let mut shifted = [9u8; CONTEXT_LEN];
        shifted[0] = b'c';
        assert_ne!(
            context_info("abc", &[9u8; CONTEXT_LEN]),
            context_info("ab", &shifted)
        );
        assert!(context_info("", &context).is_none());
        assert!(context_info(&"x".repeat(65), &context).is_none());
    }
}
