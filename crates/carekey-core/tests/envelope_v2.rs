//! Envelope format 2 (a password backup hardened by the server's OPRF)
//! against its committed test vectors (`tests/vectors/envelope-v2.json`,
//! format in `ENVELOPE.md`): every intermediate value, from the password's
//! Argon2id through the server's key for this backup, the blind, the
//! server's evaluation and proof, the OPRF output and the envelope key, to
//! the sealed bytes. The envelope key and the confirmation are computed
//! here a second time from the document's description (HKDF-SHA256), not
//! only through the core, and the suite itself is checked against RFC
//! 9497's own vector for ristretto255-SHA512 in VOPRF mode.
//!
//! `CAREKEY_WRITE_VECTORS=1 cargo test -p carekey-core --test envelope_v2`
//! writes the vectors afresh (new keys, salts, blinds and nonces) instead
//! of checking them; only for a new format version.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod vector_files;

use carekey_core::KeyPair;
use carekey_core::envelope::{
    self, Argon2Params, CONTEXT_LEN, EnvelopeError, NONCE_LEN, OprfBinding, Purpose, SALT_LEN,
    STRETCHED_LEN, Secret,
};
use carekey_core::oprf::{ELEMENT_LEN, OUTPUT_LEN};
use rand_core_06::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use sha2::Digest;
use vector_files::{FLOOR, OWNER, Vectors, hex, random, unhex};
use voprf::{BlindedElement, Group, Mode, Ristretto255, VoprfClient, VoprfServer};

#[derive(Serialize, Deserialize, Clone, Default)]
#[serde(rename_all = "camelCase")]
struct Case {
    name: String,
    password: String,
    owner_id: String,
    memory_kib: u32,
    iterations: u32,
    lanes: u32,
    salt: String,
    /// Argon2id(password): the OPRF's input.
    stretched: String,
    oprf_key_id: String,
    /// The server's master seed for `oprfKeyId`: for these vectors only.
    oprf_seed: String,
    oprf_context: String,
    /// `DeriveKeyPair`'s info for this owner and context.
    oprf_key_info: String,
    oprf_secret_key: String,
    oprf_public_key: String,
    blind: String,
    blinded_element: String,
    /// The random scalar the server's proof used (any fresh one is right;
    /// this one reproduces `proof`).
    proof_random_scalar: String,
    evaluated_element: String,
    proof: String,
    oprf_output: String,
    envelope_key: String,
    confirmation: String,
    confirmation_sha256: String,
    nonce: String,
    envelope: String,
}

fn fixed<const N: usize>(text: &str) -> [u8; N] {
    unhex(text).try_into().unwrap()
}

/// Gives the bytes it holds, then zeros: fed a 32-byte scalar, it makes
/// `voprf` draw exactly that scalar (it reduces 64 bytes, the upper half
/// zero), as RFC 9497's own vectors are reproduced.
struct FixedRng(Vec<u8>);

impl RngCore for FixedRng {
    fn next_u32(&mut self) -> u32 {
        unimplemented!("voprf fills bytes")
    }
    fn next_u64(&mut self) -> u64 {
        unimplemented!("voprf fills bytes")
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        dest.fill(0);
        let len = self.0.len().min(dest.len());
        dest[..len].copy_from_slice(&self.0[..len]);
        self.0.drain(..len);
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core_06::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl CryptoRng for FixedRng {}

/// The envelope key and the confirmation as `ENVELOPE.md` describes them:
/// HKDF-SHA256, salt = the envelope's salt, ikm = stretched ‖ OPRF output.
fn keys_from_the_document(stretched: &[u8], output: &[u8], salt: &[u8]) -> ([u8; 32], [u8; 32]) {
    let ikm = [stretched, output].concat();
    let hkdf = hkdf::Hkdf::<sha2::Sha256>::new(Some(salt), &ikm);
    let mut key = [0u8; 32];
    hkdf.expand(b"carekey envelope v2 key\x01", &mut key)
        .unwrap();
    let mut confirmation = [0u8; 32];
    hkdf.expand(b"carekey envelope v2 confirmation", &mut confirmation)
        .unwrap();
    (key, confirmation)
}

/// Every value of `case` recomputed from its inputs (password, costs, salt,
/// seed, context, blind, proof scalar, nonce, keys).
fn compute(case: &Case, pairs: &[KeyPair]) -> Case {
    let params = Argon2Params {
        memory_kib: case.memory_kib,
        iterations: case.iterations,
        lanes: case.lanes,
    };
    let salt: [u8; SALT_LEN] = fixed(&case.salt);
    let stretched = envelope::stretch(&case.password, &salt, params).unwrap();
    let context: [u8; CONTEXT_LEN] = fixed(&case.oprf_context);
    let info = carekey_api::oprf::context_info(&case.owner_id, &context).unwrap();
    let seed = unhex(&case.oprf_seed);
    let secret_key = voprf::derive_key::<Ristretto255>(&seed, &info, Mode::Voprf).unwrap();
    let server = VoprfServer::<Ristretto255>::new_from_seed(&seed, &info).unwrap();
    let public_key = Ristretto255::serialize_elem(server.get_public_key());
    let blind = Ristretto255::deserialize_scalar(&unhex(&case.blind)).unwrap();
    let blinded =
        VoprfClient::<Ristretto255>::deterministic_blind_unchecked(stretched.as_slice(), blind)
            .unwrap();
    let answer = server.blind_evaluate(
        &mut FixedRng(unhex(&case.proof_random_scalar)),
        &blinded.message,
    );
    let output = blinded
        .state
        .finalize(
            stretched.as_slice(),
            &answer.message,
            &answer.proof,
            server.get_public_key(),
        )
        .unwrap();
    let output: [u8; OUTPUT_LEN] = output.as_slice().try_into().unwrap();
    let stretched_bytes: [u8; STRETCHED_LEN] = *stretched;
    let (key, confirmation) = keys_from_the_document(stretched.as_slice(), &output, &salt);
    let from_core = envelope::confirmation(&stretched_bytes, &output, &salt).unwrap();
    assert_eq!(
        *from_core, confirmation,
        "{}: the core's confirmation",
        case.name
    );
    let binding = OprfBinding {
        key_id: case.oprf_key_id.clone(),
        context,
        public_key: public_key.as_slice().try_into().unwrap(),
    };
    let sealed = envelope::seal_bound(
        Purpose::PasswordBackup,
        &Secret::Hardened {
            stretched: &stretched_bytes,
            oprf: &output,
        },
        &case.owner_id,
        &envelope::payload_for(pairs).unwrap(),
        params,
        &salt,
        &fixed(&case.nonce),
        Some(&binding),
    )
    .unwrap();
    Case {
        stretched: hex(stretched.as_slice()),
        oprf_key_info: hex(&info),
        oprf_secret_key: hex(&Ristretto255::serialize_scalar(secret_key)),
        oprf_public_key: hex(&public_key),
        blinded_element: hex(&blinded.message.serialize()),
        evaluated_element: hex(&answer.message.serialize()),
        proof: hex(&answer.proof.serialize()),
        oprf_output: hex(&output),
        envelope_key: hex(&key),
        confirmation: hex(&confirmation),
        confirmation_sha256: hex(&sha2::Sha256::digest(confirmation)),
        envelope: hex(&sealed),
        ..case.clone()
    }
}

fn random_scalar() -> String {
    let mut wide = [0u8; 64];
    rand::Rng::fill_bytes(&mut rand::rng(), &mut wide);
    let scalar = Ristretto255::random_scalar(&mut FixedRng(wide.to_vec()));
    hex(&Ristretto255::serialize_scalar(scalar))
}

fn write_vectors() {
    let pair = KeyPair::generate(|_| {}).unwrap();
    let case = |name: &str, password: &str, params: Argon2Params| {
        let inputs = Case {
            name: name.into(),
            password: password.into(),
            owner_id: OWNER.into(),
            memory_kib: params.memory_kib,
            iterations: params.iterations,
            lanes: params.lanes,
            salt: random(SALT_LEN),
            oprf_key_id: "2026-12-a".into(),
            oprf_seed: random(carekey_api::oprf::SEED_LEN),
            oprf_context: random(CONTEXT_LEN),
            blind: random_scalar(),
            proof_random_scalar: random_scalar(),
            nonce: random(NONCE_LEN),
            ..Case::default()
        };
        compute(&inputs, std::slice::from_ref(&pair))
    };
    vector_files::write(
        "envelope-v2.json",
        "CareKey key backup envelope, format 2: a password backup hardened by the \
         server's OPRF (crates/carekey-core/ENVELOPE.md)",
        &pair,
        vec![
            case(
                "format 2 password backup at the lowest accepted costs",
                "tidal-mango-orbit-velvet-42",
                FLOOR,
            ),
            case(
                "format 2 password backup at desktop costs, non-ASCII password",
                "café-tête-à-tête 🔑 42",
                Argon2Params::DESKTOP,
            ),
        ],
    );
}

fn vectors() -> (Vectors<Case>, Vec<KeyPair>) {
    vector_files::read("envelope-v2.json")
}

#[test]
fn the_committed_vectors_give_every_intermediate_value_and_the_envelope_byte_for_byte() {
    if std::env::var_os("CAREKEY_WRITE_VECTORS").is_some() {
        write_vectors();
    }
    let (vectors, pairs) = vectors();
    assert_eq!(vectors.cases.len(), 2);
    for case in &vectors.cases {
        let computed = compute(case, &pairs);
        assert_eq!(
            serde_json::to_value(&computed).unwrap(),
            serde_json::to_value(case).unwrap(),
            "{}",
            case.name
        );
        // The document's envelope key opens it with XChaCha20-Poly1305, the
        // whole header (up to the public key) as associated data.
        let bytes = unhex(&case.envelope);
        let header_len = 65 + case.owner_id.len() + 2 + case.oprf_key_id.len() + CONTEXT_LEN + 32;
        let nonce: [u8; NONCE_LEN] = fixed(&case.nonce);
        assert_eq!(&bytes[40..64], &nonce);
        use chacha20poly1305::aead::{Aead, KeyInit, Payload};
        let cipher =
            chacha20poly1305::XChaCha20Poly1305::new_from_slice(&unhex(&case.envelope_key))
                .unwrap();
        let payload = cipher
            .decrypt(
                &chacha20poly1305::XNonce::from(nonce),
                Payload {
                    msg: &bytes[header_len..],
                    aad: &bytes[..header_len],
                },
            )
            .unwrap();
        assert_eq!(payload, *envelope::payload_for(&pairs).unwrap());
        // The device opens it the way the app does: the header says the
        // salt, costs and key; a fresh random blind gives the same output.
        let described = envelope::describe(&bytes).unwrap();
        let (binding, salt) = described.hardening.clone().unwrap();
        assert_eq!(hex(&binding.public_key), case.oprf_public_key);
        assert_eq!(binding.key_id, case.oprf_key_id);
        assert_eq!(hex(&binding.context), case.oprf_context);
        let stretched =
            envelope::stretch(&case.password, &salt, described.params.unwrap()).unwrap();
        let blinded = carekey_core::oprf::blind(stretched.as_slice()).unwrap();
        let info = unhex(&case.oprf_key_info);
        let server =
            VoprfServer::<Ristretto255>::new_from_seed(&unhex(&case.oprf_seed), &info).unwrap();
        let answer = server.blind_evaluate(
            &mut rand_core_06::OsRng,
            &BlindedElement::deserialize(&blinded.element).unwrap(),
        );
        let output = blinded
            .finalize(
                stretched.as_slice(),
                &answer.message.serialize(),
                &answer.proof.serialize(),
                &binding.public_key,
            )
            .unwrap();
        assert_eq!(hex(output.as_slice()), case.oprf_output);
        let stretched: [u8; STRETCHED_LEN] = *stretched;
        let opened = envelope::open(
            &bytes,
            Purpose::PasswordBackup,
            &Secret::Hardened {
                stretched: &stretched,
                oprf: &output,
            },
            &case.owner_id,
        )
        .unwrap();
        assert_eq!(
            opened[0].public_spki_der().unwrap(),
            pairs[0].public_spki_der().unwrap()
        );
    }
}

#[test]
fn every_byte_of_a_format_2_envelope_is_authenticated() {
    let (vectors, _) = vectors();
    let case = &vectors.cases[0];
    let bytes = unhex(&case.envelope);
    let stretched: [u8; STRETCHED_LEN] = fixed(&case.stretched);
    let output: [u8; OUTPUT_LEN] = fixed(&case.oprf_output);
    let secret = Secret::Hardened {
        stretched: &stretched,
        oprf: &output,
    };
    for at in 0..bytes.len() {
        let mut changed = bytes.clone();
        changed[at] ^= 0x20;
        // Costs changed within bounds would derive again: the AEAD
        // refuses those too, with the same stretched value given here.
        let error =
            envelope::open(&changed, Purpose::PasswordBackup, &secret, &case.owner_id).unwrap_err();
        assert!(
            !matches!(error, EnvelopeError::Seal(_)),
            "byte {at}: {error:?}"
        );
    }
}

/// RFC 9497, A.1.2.1: ristretto255-SHA512 in VOPRF mode, as the RFC gives
/// it. Pins the suite CareKey's format 2 names to the document, whatever
/// the crate does.
#[test]
fn the_suite_is_rfc_9497_ristretto255_sha512_voprf() {
    let seed = unhex("a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3");
    let key_info = unhex("74657374206b6579");
    let server = VoprfServer::<Ristretto255>::new_from_seed(&seed, &key_info).unwrap();
    assert_eq!(
        hex(&Ristretto255::serialize_scalar(
            voprf::derive_key::<Ristretto255>(&seed, &key_info, Mode::Voprf).unwrap()
        )),
        "e6f73f344b79b379f1a0dd37e07ff62e38d9f71345ce62ae3a9bc60b04ccd909"
    );
    assert_eq!(
        hex(&Ristretto255::serialize_elem(server.get_public_key())),
        "c803e2cc6b05fc15064549b5920659ca4a77b2cca6f04f6b357009335476ad4e"
    );
    let blind = Ristretto255::deserialize_scalar(&unhex(
        "64d37aed22a27f5191de1c1d69fadb899d8862b58eb4220029e036ec4c1f6706",
    ))
    .unwrap();
    let blinded = VoprfClient::<Ristretto255>::deterministic_blind_unchecked(&[0], blind).unwrap();
    assert_eq!(
        hex(&blinded.message.serialize()),
        "863f330cc1a1259ed5a5998a23acfd37fb4351a793a5b3c090b642ddc439b945"
    );
    let answer = server.blind_evaluate(
        &mut FixedRng(unhex(
            "222a5e897cf59db8145db8d16e597e8facb80ae7d4e26d9881aa6f61d645fc0e",
        )),
        &blinded.message,
    );
    assert_eq!(
        hex(&answer.message.serialize()),
        "aa8fa048764d5623868679402ff6108d2521884fa138cd7f9c7669a9a014267e"
    );
    assert_eq!(
        hex(&answer.proof.serialize()),
        "ddef93772692e535d1a53903db24367355cc2cc78de93b3be5a8ffcc6985dd06\
         6d4346421d17bf5117a2a1ff0fcb2a759f58a539dfbe857a40bce4cf49ec600d"
    );
    let output = blinded
        .state
        .finalize(
            &[0],
            &answer.message,
            &answer.proof,
            server.get_public_key(),
        )
        .unwrap();
    assert_eq!(
        hex(&output),
        "b58cfbe118e0cb94d79b5fd6a6dafb98764dff49c14e1770b566e42402da1a7d\
         a4d8527693914139caee5bd03903af43a491351d23b430948dd50cde10d32b3c"
    );
    assert_eq!(ELEMENT_LEN, 32);
}
