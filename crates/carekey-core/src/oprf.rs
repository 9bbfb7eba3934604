//! The device's half of the oblivious PRF that hardens password backups
//! (envelope format 2, `ENVELOPE.md`): RFC 9497's VOPRF, ristretto255-SHA512.
//!
//! Invariant: what leaves the device is only a blinded element, a fresh
//! random multiple of the hashed input, which says nothing of the password;
//! what comes back is used only once its DLEQ proof shows it was made with
//! the key whose public half the device expects. A server (or anyone in
//! between) that answers with another key is caught here, before a wrong
//! envelope key is derived or a try is spent on it.

use crate::random;
use voprf::{
    BlindedElement, CipherSuite, EvaluationElement, Group, Proof, Ristretto255, VoprfClient,
};
use zeroize::Zeroizing;

/// The suite's number in an envelope's header: RFC 9497's
/// ristretto255-SHA512 in verifiable mode (its mode byte 0x01).
pub const SUITE_RISTRETTO255_SHA512: u8 = 1;
/// A ristretto255 element (blinded, evaluated, or a public key), encoded.
pub const ELEMENT_LEN: usize = 32;
/// A DLEQ proof: two scalars.
pub const PROOF_LEN: usize = 64;
/// The PRF's output: a SHA-512 digest.
pub const OUTPUT_LEN: usize = 64;

type Suite = Ristretto255;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OprfError {
    /// The server's answer is not made with the key the device expects
    /// (the proof fails), or is not an element at all.
    #[error("the server's answer to the password check is not made with its key")]
    Unverified,
    #[error("the password check could not be prepared")]
    Input,
}

/// A blinded input waiting for the server's evaluation. Holds the blind,
/// which must not leave the device; it is wiped when dropped.
pub struct Blinded {
    client: VoprfClient<Suite>,
    /// What the server is sent.
    pub element: [u8; ELEMENT_LEN],
}

impl std::fmt::Debug for Blinded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Blinded").finish_non_exhaustive()
    }
}

fn element_bytes(element: &[u8]) -> Result<[u8; ELEMENT_LEN], OprfError> {
    element.try_into().map_err(|_| OprfError::Input)
}

/// Blinds `input` with a fresh random scalar from the OS generator.
pub fn blind(input: &[u8]) -> Result<Blinded, OprfError> {
    let result =
        VoprfClient::<Suite>::blind(input, &mut random::os_06()).map_err(|_| OprfError::Input)?;
    Ok(Blinded {
        element: element_bytes(&result.message.serialize())?,
        client: result.state,
    })
}

/// Blinds `input` with the given scalar: for test vectors only (a blind
/// must be fresh and random, which [`blind`] guarantees).
#[doc(hidden)]
#[cfg(test)]
pub fn blind_with(input: &[u8], blind: &[u8; 32]) -> Result<Blinded, OprfError> {
    let scalar =
        <Suite as CipherSuite>::Group::deserialize_scalar(blind).map_err(|_| OprfError::Input)?;
    let result = VoprfClient::<Suite>::deterministic_blind_unchecked(input, scalar)
        .map_err(|_| OprfError::Input)?;
    Ok(Blinded {
        element: element_bytes(&result.message.serialize())?,
        client: result.state,
    })
}

impl Blinded {
    /// The PRF's output for `input` (the same input that was blinded), once
    /// `proof` shows `evaluated` was made with `public_key`.
    pub fn finalize(
        &self,
        input: &[u8],
        evaluated: &[u8],
        proof: &[u8],
        public_key: &[u8],
    ) -> Result<Zeroizing<[u8; OUTPUT_LEN]>, OprfError> {
        let evaluated = EvaluationElement::<Suite>::deserialize(evaluated)
            .map_err(|_| OprfError::Unverified)?;
        let proof = Proof::<Suite>::deserialize(proof).map_err(|_| OprfError::Unverified)?;
        let public_key = <Suite as CipherSuite>::Group::deserialize_elem(public_key)
            .map_err(|_| OprfError::Unverified)?;
        let output = self
            .client
            .finalize(input, &evaluated, &proof, public_key)
            .map_err(|_| OprfError::Unverified)?;
        let mut bytes = Zeroizing::new([0u8; OUTPUT_LEN]);
        if output.len() != OUTPUT_LEN {
            return Err(OprfError::Unverified);
        }
        bytes.copy_from_slice(&output);
        Ok(bytes)
    }
}

/// Whether `bytes` is a blinded element a server may evaluate (a valid,
/// non-identity ristretto255 encoding).
pub fn is_element(bytes: &[u8]) -> bool {
    BlindedElement::<Suite>::deserialize(bytes).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use voprf::VoprfServer;

    /// The server's half, as `carekey-server` computes it, for the tests.
    fn evaluate(seed: &[u8; 32], info: &[u8], element: &[u8]) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
        let server = VoprfServer::<Suite>::new_from_seed(seed, info).unwrap();
        let blinded = BlindedElement::<Suite>::deserialize(element).unwrap();
        let answer = server.blind_evaluate(&mut random::os_06(), &blinded);
        (
            answer.message.serialize().to_vec(),
            answer.proof.serialize().to_vec(),
            <Suite as CipherSuite>::Group::serialize_elem(server.get_public_key()).to_vec(),
        )
    }

    #[test]
    fn the_same_input_gives_the_same_output_whatever_the_blind() {
        let seed = [7u8; 32];
        let first = blind(b"stretched password").unwrap();
        let second = blind(b"stretched password").unwrap();
        assert_ne!(first.element, second.element, "each blind is fresh");
        let (z1, proof1, pk) = evaluate(&seed, b"ctx", &first.element);
        let (z2, proof2, _) = evaluate(&seed, b"ctx", &second.element);
        let one = first
            .finalize(b"stretched password", &z1, &proof1, &pk)
            .unwrap();
        let two = second
            .finalize(b"stretched password", &z2, &proof2, &pk)
            .unwrap();
        assert_eq!(*one, *two);
        let other = blind(b"another password").unwrap();
        let (z3, proof3, _) = evaluate(&seed, b"ctx", &other.element);
        let three = other
            .finalize(b"another password", &z3, &proof3, &pk)
            .unwrap();
        assert_ne!(*one, *three);
    }

    #[test]
    fn an_answer_made_with_another_key_is_caught() {
        let blinded = blind(b"stretched password").unwrap();
        let (_, _, expected) = evaluate(&[7u8; 32], b"ctx", &blinded.element);
        // The server answers, with a valid proof, but under another key.
        let (z, proof, _) = evaluate(&[8u8; 32], b"ctx", &blinded.element);
        assert_eq!(
            blinded.finalize(b"stretched password", &z, &proof, &expected),
            Err(OprfError::Unverified)
        );
        // The right key, a proof for another answer.
        let (z_right, _, _) = evaluate(&[7u8; 32], b"ctx", &blinded.element);
        assert_eq!(
            blinded.finalize(b"stretched password", &z_right, &proof, &expected),
            Err(OprfError::Unverified)
        );
        // Not elements at all.
        assert_eq!(
            blinded.finalize(b"stretched password", &[0u8; 32], &proof, &expected),
            Err(OprfError::Unverified)
        );
    }

    #[test]
    fn only_a_valid_element_is_one_to_evaluate() {
        let blinded = blind(b"x").unwrap();
        assert!(is_element(&blinded.element));
        assert!(!is_element(&[0u8; 32]), "the identity");
        assert!(!is_element(&[0xffu8; 32]));
        assert!(!is_element(&blinded.element[..31]));
    }
}
