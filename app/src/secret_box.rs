//! Secrets the console must give back to a third party, such as the client secret of
//! an SSO identity provider, kept sealed: XChaCha20-Poly1305 under a 256-bit key that
//! lives outside the database (a file the operator names), so a copy of the database
//! alone reveals none of them. The same sealing carries the short-lived secrets of an
//! SSO sign-in in the browser's cookie between its two requests.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use std::fmt;
use std::path::Path;

const KEY_BYTES: usize = 32;
const NONCE_BYTES: usize = 24;

/// The key secrets are sealed with. Its `Debug` shows nothing of it.
#[derive(Clone)]
pub struct SecretKey([u8; KEY_BYTES]);

impl fmt::Debug for SecretKey {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("SecretKey(…)")
    }
}

/// Why a key file could not give a key.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error("{path}: {error}")]
    Io { path: String, error: std::io::Error },
    #[error("{path}: not a key (64 hex digits)")]
    NotAKey { path: String },
}

/// A sealed value that does not open: altered, or sealed under another key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the sealed value does not open with this key")]
pub struct Unopenable;

impl SecretKey {
    pub fn generate() -> Self {
        let mut key = [0u8; KEY_BYTES];
        OsRng.fill_bytes(&mut key);
        Self(key)
    }

    /// The key in `path` (64 hex digits), written there first, readable by its owner
    /// only, when the file does not exist yet.
    pub fn from_file(path: &Path) -> Result<Self, KeyFileError> {
        let shown = path.display().to_string();
        let io = |error| KeyFileError::Io {
            path: shown.clone(),
            error,
        };
        if !path.exists() {
            write_new_key(path).map_err(io)?;
        }
        let text = std::fs::read_to_string(path).map_err(io)?;
        let mut key = [0u8; KEY_BYTES];
        hex::decode_to_slice(text.trim(), &mut key)
            .map_err(|_| KeyFileError::NotAKey { path: shown })?;
        Ok(Self(key))
    }

    /// `plain` sealed, in hex: a fresh nonce, then the ciphertext with its tag.
    pub fn seal(&self, plain: &str) -> String {
        let mut nonce = [0u8; NONCE_BYTES];
        OsRng.fill_bytes(&mut nonce);
        let sealed = self
            .cipher()
            .encrypt(XNonce::from_slice(&nonce), plain.as_bytes())
            .expect("sealing into memory cannot fail");
        let mut out = nonce.to_vec();
        out.extend(sealed);
        hex::encode(out)
    }

    /// What `seal` sealed, if it was sealed with this key and not altered since.
    pub fn open(&self, sealed: &str) -> Result<String, Unopenable> {
        let bytes = hex::decode(sealed).map_err(|_| Unopenable)?;
        if bytes.len() < NONCE_BYTES {
            return Err(Unopenable);
        }
        let (nonce, body) = bytes.split_at(NONCE_BYTES);
        let plain = self
            .cipher()
            .decrypt(XNonce::from_slice(nonce), body)
            .map_err(|_| Unopenable)?;
        String::from_utf8(plain).map_err(|_| Unopenable)
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new((&self.0).into())
    }
}

fn write_new_key(path: &Path) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    writeln!(file, "{}", hex::encode(SecretKey::generate().0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_with_its_key_only_and_never_reads_as_itself() {
        let key = SecretKey::generate();
        let sealed = key.seal("client-secret");
        assert!(!sealed.contains(&hex::encode("client-secret")));
        assert_ne!(sealed, key.seal("client-secret"), "a fresh nonce each time");
        assert_eq!(key.open(&sealed).as_deref(), Ok("client-secret"));
        assert_eq!(SecretKey::generate().open(&sealed), Err(Unopenable));
    }

    #[test]
    fn an_altered_or_truncated_value_does_not_open() {
        let key = SecretKey::generate();
        let sealed = key.seal("secret");
        let mut altered = sealed.clone().into_bytes();
        let last = altered.len() - 1;
        altered[last] = if altered[last] == b'0' { b'1' } else { b'0' };
        let altered = String::from_utf8(altered).unwrap();
        assert_eq!(key.open(&altered), Err(Unopenable));
        assert_eq!(key.open(&sealed[..20]), Err(Unopenable));
        assert_eq!(key.open("not hex"), Err(Unopenable));
    }

    #[test]
    fn a_key_file_is_created_once_then_read_back() {
        let dir = std::env::temp_dir().join(format!("roster-key-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("secret.key");
        let _ = std::fs::remove_file(&path);
        let first = SecretKey::from_file(&path).unwrap();
        let again = SecretKey::from_file(&path).unwrap();
        assert_eq!(again.open(&first.seal("x")).as_deref(), Ok("x"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(&path, "short").unwrap();
        assert!(matches!(
            SecretKey::from_file(&path),
            Err(KeyFileError::NotAKey { .. })
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
