//! The secrets a person carries between devices by eye or camera: the
//! recovery key (256 random bits, shown once, written down) and the transfer
//! code (a transfer id and a one-time 256-bit secret, shown as a QR code and
//! as text for about five minutes). Both are base32 (RFC 4648), read back
//! leniently: any case, spaces and dashes ignored, and the digits people
//! confuse with letters (0, 1, 8) read as O, I, B.

use crate::envelope::SECRET_KEY_LEN;
use data_encoding::BASE32_NOPAD;
use zeroize::{Zeroize, Zeroizing};

const TRANSFER_PREFIX: &str = "carekey-transfer:v1:";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("a recovery key is 52 letters and digits (13 groups of 4); check what was typed")]
    MalformedRecoveryKey,
    #[error("this is not a CareKey transfer code; copy it again from the other device")]
    MalformedTransferCode,
}

/// Upper-cases, drops separators, and maps look-alike digits to letters.
fn normalise(text: &str) -> Zeroizing<String> {
    Zeroizing::new(
        text.chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| match c.to_ascii_uppercase() {
                '0' => 'O',
                '1' => 'I',
                '8' => 'B',
                other => other,
            })
            .collect(),
    )
}

fn decode_key(text: &str) -> Option<Zeroizing<[u8; SECRET_KEY_LEN]>> {
    let normal = normalise(text);
    let mut bytes = BASE32_NOPAD.decode(normal.as_bytes()).ok()?;
    let mut key = Zeroizing::new([0u8; SECRET_KEY_LEN]);
    let fits = bytes.len() == SECRET_KEY_LEN;
    if fits {
        key.copy_from_slice(&bytes);
    }
    bytes.zeroize();
    fits.then_some(key)
}

fn random_key() -> Zeroizing<[u8; SECRET_KEY_LEN]> {
    let mut key = Zeroizing::new([0u8; SECRET_KEY_LEN]);
    crate::random::fill(key.as_mut());
    key
}

/// 256 random bits that open the recovery backup.
pub struct RecoveryKey(Zeroizing<[u8; SECRET_KEY_LEN]>);

impl std::fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryKey(redacted)")
    }
}

impl RecoveryKey {
    pub fn generate() -> Self {
        RecoveryKey(random_key())
    }

    pub fn parse(text: &str) -> Result<Self, CodeError> {
        decode_key(text)
            .map(RecoveryKey)
            .ok_or(CodeError::MalformedRecoveryKey)
    }

    pub fn bytes(&self) -> &[u8; SECRET_KEY_LEN] {
        &self.0
    }

    /// Thirteen groups of four, to be written down: `ABCD-EFGH-…`.
    pub fn display(&self) -> Zeroizing<String> {
        let encoded = Zeroizing::new(BASE32_NOPAD.encode(self.0.as_slice()));
        Zeroizing::new(
            encoded
                .as_bytes()
                .chunks(4)
                .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
                .collect::<Vec<_>>()
                .join("-"),
        )
    }
}

/// Which transfer waits on the server, and the secret that opens it.
pub struct TransferCode {
    pub transfer_id: String,
    secret: Zeroizing<[u8; SECRET_KEY_LEN]>,
}

impl std::fmt::Debug for TransferCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransferCode")
            .field("transfer_id", &self.transfer_id)
            .finish_non_exhaustive()
    }
}

impl TransferCode {
    /// A fresh secret; the id comes from the server once the sealed key is
    /// left there.
    pub fn new_secret() -> Zeroizing<[u8; SECRET_KEY_LEN]> {
        random_key()
    }

    pub fn new(transfer_id: String, secret: Zeroizing<[u8; SECRET_KEY_LEN]>) -> Self {
        TransferCode {
            transfer_id,
            secret,
        }
    }

    pub fn secret(&self) -> &[u8; SECRET_KEY_LEN] {
        &self.secret
    }

    /// `carekey-transfer:v1:<transfer id>:<base32 secret>`: what the QR code
    /// holds and what is pasted on a desktop.
    pub fn text(&self) -> Zeroizing<String> {
        let secret = Zeroizing::new(BASE32_NOPAD.encode(self.secret.as_slice()));
        Zeroizing::new(format!(
            "{TRANSFER_PREFIX}{}:{}",
            self.transfer_id,
            secret.as_str()
        ))
    }

    pub fn parse(text: &str) -> Result<Self, CodeError> {
        let rest = text
            .trim()
            .strip_prefix(TRANSFER_PREFIX)
            .ok_or(CodeError::MalformedTransferCode)?;
        let (id, secret) = rest
            .split_once(':')
            .ok_or(CodeError::MalformedTransferCode)?;
        let id = uuid::Uuid::parse_str(id)
            .map_err(|_| CodeError::MalformedTransferCode)?
            .hyphenated()
            .to_string();
        let secret = decode_key(secret).ok_or(CodeError::MalformedTransferCode)?;
        Ok(TransferCode {
            transfer_id: id,
            secret,
        })
    }
}

/// A QR code of `text` as an SVG document (dark modules on white, with the
/// quiet zone), to show a transfer code or a recovery key.
pub fn qr_svg(text: &str) -> Result<String, crate::CoreError> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|error| crate::CoreError::Crypto(format!("QR code: {error}")))?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(220, 220)
        .dark_color(qrcode::render::svg::Color("#000000"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recovery_key_reads_back_however_it_was_copied() {
        let key = RecoveryKey::generate();
        let shown = key.display();
        assert_eq!(shown.split('-').count(), 13);
        let sloppy = shown.to_lowercase().replace('-', " ").replace('o', "0");
        assert_eq!(RecoveryKey::parse(&sloppy).unwrap().bytes(), key.bytes());
        assert_eq!(
            RecoveryKey::parse("ABCD-EFGH").unwrap_err(),
            CodeError::MalformedRecoveryKey
        );
        assert!(RecoveryKey::parse(&format!("{}A", shown.as_str())).is_err());
        assert!(!format!("{key:?}").contains(&shown[..4]));
    }

    #[test]
    fn a_transfer_code_round_trips_and_rejects_look_alikes() {
        let code = TransferCode::new(
            "0190a0b2-0000-7000-8000-000000000001".into(),
            TransferCode::new_secret(),
        );
        let text = code.text();
        let back = TransferCode::parse(&format!("  {}\n", text.as_str())).unwrap();
        assert_eq!(back.transfer_id, code.transfer_id);
        assert_eq!(back.secret(), code.secret());
        for bad in [
            "",
            "carekey-transfer:v1:",
            "carekey-transfer:v2:0190a0b2-0000-7000-8000-000000000001:AAAA",
            "carekey-transfer:v1:not-a-uuid:AAAA",
            "carekey-transfer:v1:0190a0b2-0000-7000-8000-000000000001:AAAA",
            "https://example.org/",
        ] {
            assert_eq!(
                TransferCode::parse(bad).unwrap_err(),
                CodeError::MalformedTransferCode,
                "{bad}"
            );
        }
        assert!(!format!("{code:?}").contains(&text[text.len() - 8..]));
    }

    #[test]
    fn qr_codes_are_svg() {
        let svg = qr_svg("carekey-transfer:v1:x:y").unwrap();
        assert!(svg.starts_with("<?xml") || svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("<path") || svg.contains("<rect"));
    }
}
