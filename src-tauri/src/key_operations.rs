//! The key operations running now (a keypair being made, a backup sealed or
//! opened, a transfer, a revocation), so that an update never restarts the
//! app in the middle of one.
//!
//! Invariant: every command that makes, seals, opens, moves or revokes a key
//! holds a [`KeyOperation`] for as long as it runs; the count is the number
//! of those alive. The guard is dropped however the command ends (an error,
//! an early return, the window going away), so a failed operation can never
//! leave the app refusing updates for good.

use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Debug, Default)]
pub struct KeyOperations {
    running: AtomicUsize,
}

/// One key operation, running until dropped.
#[must_use = "the operation counts only while this is held"]
#[derive(Debug)]
pub struct KeyOperation<'a> {
    operations: &'a KeyOperations,
}

impl KeyOperations {
    pub fn begin(&self) -> KeyOperation<'_> {
        self.running.fetch_add(1, Ordering::SeqCst);
        KeyOperation { operations: self }
    }

    pub fn any_running(&self) -> bool {
        self.running.load(Ordering::SeqCst) > 0
    }
}

impl Drop for KeyOperation<'_> {
    fn drop(&mut self) {
        self.operations.running.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_operation_counts_until_it_ends_however_it_ends() {
        let operations = KeyOperations::default();
        assert!(!operations.any_running());
        let first = operations.begin();
        let second = operations.begin();
        drop(first);
        assert!(operations.any_running(), "one is still running");
        drop(second);
        assert!(!operations.any_running());

        // A command that fails (here: panics) half-way still ends its operation.
        let failed = std::panic::catch_unwind(|| {
            let _running = operations.begin();
            panic!("the keychain is locked");
        });
        assert!(failed.is_err());
        assert!(!operations.any_running());
    }
}
