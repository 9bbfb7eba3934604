//! Every secret the device makes (keys, salts, nonces, verifiers, the
//! recovery key) comes straight from the operating system's generator: no
//! generator state in this process that a memory dump could replay. The
//! OS generator does not fail on the systems CareKey runs on; if it ever
//! did, stopping (a panic) is better than making a predictable secret.

use rand::Rng;
use rand::rand_core::UnwrapErr;
use rand::rngs::SysRng;

/// The operating system's generator, for APIs that take an RNG.
pub(crate) fn os() -> UnwrapErr<SysRng> {
    UnwrapErr(SysRng)
}

/// Fills `dest` from the operating system's generator.
pub(crate) fn fill(dest: &mut [u8]) {
    os().fill_bytes(dest);
}

/// The operating system's generator for `voprf`, which takes `rand_core`
/// 0.6's traits (the older RustCrypto generation).
pub(crate) fn os_06() -> rand_core_06::OsRng {
    rand_core_06::OsRng
}
