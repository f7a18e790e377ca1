//! The secret of a link sent by e-mail (a password reset, an invitation), or of a step
//! of a sign-in held in a cookie: 256 random bits in hex, of which only the SHA-256
//! digest is stored, so a copy of the database opens nothing.

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

/// The `Set-Cookie` value that hands `token` to the browser between two steps of a
/// sign-in (HttpOnly, SameSite=Strict, for `minutes`), or removes it.
pub fn step_cookie(
    name: &'static str,
    token: Option<&LinkToken>,
    secure: bool,
    minutes: i64,
) -> String {
    let mut cookie = cookie::Cookie::build((
        name,
        token.map(LinkToken::as_str).unwrap_or_default().to_owned(),
    ))
    .path("/")
    .http_only(true)
    .same_site(cookie::SameSite::Strict)
    .secure(secure)
    .max_age(cookie::time::Duration::minutes(minutes))
    .build();
    if token.is_none() {
        cookie.make_removal();
    }
    cookie.to_string()
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
