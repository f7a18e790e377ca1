//! The secret of a link sent by e-mail (a password reset, an invitation): 256 random
//! bits in hex, of which only the SHA-256 digest is stored, so a copy of the database
//! opens no link.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

/// A new link's token, to be put in the link and never stored.
pub struct LinkToken(String);

impl LinkToken {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        Self(hex::encode(bytes))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What the database keeps of this token.
    pub fn digest(&self) -> String {
        digest(&self.0)
    }
}

/// The stored form of `token`, to look a link up by.
pub fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_random_bits_and_only_their_digest_is_kept() {
        let (one, two) = (LinkToken::generate(), LinkToken::generate());
        assert_eq!(one.as_str().len(), 64);
        assert_ne!(one.as_str(), two.as_str());
        assert_eq!(one.digest(), digest(one.as_str()));
        assert_ne!(one.digest(), one.as_str());
    }
}
