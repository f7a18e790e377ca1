//! The arithmetic of an authenticator app and of recovery codes, without storage: a new
//! TOTP secret, the `otpauth://` address and QR code that hand it to the app, which
//! 30-second step a typed code belongs to, and the single-use recovery codes with the
//! digest kept of each.

use crate::domain::UserId;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};
use totp_rs::{Builder, Secret, Totp};

/// 160 bits, the secret length RFC 4226 recommends.
const SECRET_BYTES: usize = 20;
/// How many recovery codes a user holds.
pub const RECOVERY_CODES: usize = 10;
/// Letters of a recovery code: no 0/o, 1/l or 8/b to misread.
const RECOVERY_ALPHABET: &[u8] = b"acdefghjkmnpqrstuvwxyz2345679";
/// 16 of them: about 77 bits, beyond any offline search of a stolen digest.
const RECOVERY_LEN: usize = 16;

/// A TOTP secret as its base32 text, the form it is sealed and shown in.
pub fn new_secret() -> String {
    let mut bytes = [0u8; SECRET_BYTES];
    OsRng.fill_bytes(&mut bytes);
    Secret::from(bytes.to_vec()).to_base32()
}

/// The app's view of `secret`: SHA-1, 6 digits, 30-second steps, one step of clock
/// drift either way. `label` names the sign-in in the app (the person's e-mail).
fn totp(secret: &str, issuer: &str, label: &str) -> Option<Totp> {
    let secret = Secret::try_from_base32(secret).ok()?;
    Builder::new()
        .with_secret(secret)
        .with_issuer(Some(issuer.replace(':', " ")))
        .with_account_name(label.replace(':', " "))
        .build()
        .ok()
}

/// The `otpauth://totp/…` address an app adds `secret` from.
pub fn otpauth_address(secret: &str, issuer: &str, label: &str) -> Option<String> {
    totp(secret, issuer, label)?.to_url().ok()
}

/// `address` as a QR code: an SVG image in a `data:` URL, ready for an `<img>`.
pub fn qr_image(address: &str) -> Option<String> {
    let code = qrcode::QrCode::new(address.as_bytes()).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    let encoded = percent_encoding::utf8_percent_encode(&svg, percent_encoding::NON_ALPHANUMERIC);
    Some(format!("data:image/svg+xml,{encoded}"))
}

/// The 30-second step whose code `typed` is, within a step of `now` either way; `None`
/// for any other code. The caller accepts a step once.
pub fn step_of(secret: &str, typed: &str, now: i64) -> Option<i64> {
    let now = u64::try_from(now).ok()?;
    let step = totp(secret, "Roster", "")?.check(typed, now)?;
    i64::try_from(step).ok()
}

/// Whether `typed` (spaces and dashes taken out) is shaped as an app's code rather than
/// a recovery code.
pub fn is_app_code(typed: &str) -> bool {
    typed.len() == 6 && typed.bytes().all(|b| b.is_ascii_digit())
}

/// A new set of recovery codes, each shown as four groups of four.
pub fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let letters: Vec<char> = (0..RECOVERY_LEN)
                .map(|_| {
                    let index = OsRng.next_u32() as usize % RECOVERY_ALPHABET.len();
                    char::from(RECOVERY_ALPHABET[index])
                })
                .collect();
            letters
                .chunks(4)
                .map(|group| group.iter().collect::<String>())
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect()
}

/// What is kept of a recovery code of `user`: a digest of its letters (as typed, in any
/// case, with or without dashes), keyed by the user so equal codes differ.
pub fn recovery_digest(user: UserId, code: &str) -> String {
    let letters: String = code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .take(RECOVERY_LEN + 1)
        .collect();
    hex::encode(Sha256::digest(
        format!("{}:{letters}", user.get()).as_bytes(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238's SHA-1 secret, "12345678901234567890", in base32.
    const RFC_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    #[test]
    fn codes_follow_rfc_6238_and_a_step_of_drift_either_way() {
        // The RFC's vector at T = 59 s is 94287082; an app shows its last six digits.
        assert_eq!(step_of(RFC_SECRET, "287082", 59), Some(1));
        assert_eq!(step_of(RFC_SECRET, "287082", 89), Some(1));
        assert_eq!(step_of(RFC_SECRET, "287082", 30), Some(1));
        assert_eq!(step_of(RFC_SECRET, "287082", 120), None);
        // T = 1111111109 s gives 07081804.
        assert_eq!(
            step_of(RFC_SECRET, "081804", 1_111_111_109),
            Some(37_037_036)
        );
        assert_eq!(step_of(RFC_SECRET, "081805", 1_111_111_109), None);
    }

    #[test]
    fn a_new_secret_is_160_random_bits_in_base32() {
        let secret = new_secret();
        assert_eq!(secret.len(), 32);
        assert_ne!(secret, new_secret());
        assert!(totp(&secret, "Roster", "ada@example.com").is_some());
    }

    #[test]
    fn the_apps_address_names_the_issuer_and_the_person() {
        let address = otpauth_address(RFC_SECRET, "Roster: Acme", "ada@example.com").unwrap();
        assert!(address.starts_with("otpauth://totp/"), "{address}");
        assert!(address.contains("secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"));
        assert!(address.contains("ada%40example.com"), "{address}");
        let image = qr_image(&address).unwrap();
        assert!(image.starts_with("data:image/svg+xml,%3C"), "{image}");
    }

    #[test]
    fn recovery_codes_are_ten_distinct_and_read_the_same_however_typed() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert!(codes.iter().all(|code| code.len() == 19));
        let user = UserId::parse(7).unwrap();
        let kept = recovery_digest(user, &codes[0]);
        assert_eq!(kept, recovery_digest(user, &codes[0].to_uppercase()));
        assert_eq!(kept, recovery_digest(user, &codes[0].replace('-', " ")));
        assert_ne!(kept, recovery_digest(UserId::parse(8).unwrap(), &codes[0]));
        assert_ne!(kept, recovery_digest(user, &codes[1]));
    }

    #[test]
    fn only_six_digits_read_as_an_apps_code() {
        assert!(is_app_code("123456"));
        assert!(!is_app_code("12345"));
        assert!(!is_app_code("abcd-efgh"));
    }
}
