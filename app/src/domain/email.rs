//! E-mail addresses, parsed once at the edge: an `Email` is always well-formed and
//! lower-case, so comparisons and the unique index agree.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The longest address accepted (RFC 5321's path limit).
pub const MAX_EMAIL_LEN: usize = 254;

/// A well-formed, lower-cased e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

/// Why a text is not an e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("Enter an e-mail address.")]
    Empty,
    #[error("An e-mail address is at most {MAX_EMAIL_LEN} characters.")]
    TooLong,
    #[error("'{0}' is not an e-mail address.")]
    Malformed(String),
}

impl Email {
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        if trimmed.len() > MAX_EMAIL_LEN {
            return Err(EmailError::TooLong);
        }
        let lower = trimmed.to_lowercase();
        let malformed = || EmailError::Malformed(trimmed.to_owned());
        let (local, domain) = lower.split_once('@').ok_or_else(malformed)?;
        if !is_local_part(local) || !is_domain(domain) {
            return Err(malformed());
        }
        Ok(Self(lower))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after the `@`.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, domain)| domain)
    }
}

/// True when `text` could begin an e-mail address: the local part (or a prefix of it),
/// optionally followed by `@` and a prefix of a domain.
pub fn is_email_prefix(text: &str) -> bool {
    match text.split_once('@') {
        None => text.chars().all(is_local_char),
        Some((local, domain)) => {
            is_local_part(local)
                && domain.chars().all(is_domain_char)
                && !domain.starts_with(['.', '-'])
                && !domain.contains("..")
        }
    }
}

fn is_local_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c)
}

fn is_domain_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '.' || c == '-'
}

fn is_local_part(local: &str) -> bool {
    !local.is_empty()
        && local.len() <= 64
        && local.chars().all(is_local_char)
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
}

pub(crate) fn is_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

impl TryFrom<String> for Email {
    type Error = EmailError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Email> for String {
    fn from(email: Email) -> Self {
        email.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn an_address_is_trimmed_and_lower_cased() {
        let email = Email::parse("  Ann.Lee@Example.COM ").unwrap();
        assert_eq!(email.as_str(), "ann.lee@example.com");
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for bad in [
            "ann",
            "@example.com",
            "ann@",
            "ann@example",
            "ann@@example.com",
            "ann@exa mple.com",
            ".ann@example.com",
            "an..n@example.com",
            "ann@-example.com",
            "ann@example..com",
        ] {
            assert!(
                matches!(Email::parse(bad), Err(EmailError::Malformed(_))),
                "{bad}"
            );
        }
        assert_eq!(Email::parse("   "), Err(EmailError::Empty));
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err(EmailError::TooLong));
    }

    proptest! {
        #[test]
        fn a_parsed_address_parses_again_to_itself(input in "\\PC{0,80}") {
            if let Ok(email) = Email::parse(&input) {
                prop_assert_eq!(Email::parse(email.as_str()), Ok(email.clone()));
                prop_assert!(is_email_prefix(email.as_str()));
            }
        }

        #[test]
        fn a_well_formed_address_parses_to_its_lower_case_form(
            local in "[A-Za-z0-9][A-Za-z0-9+_-]{0,20}",
            domain in "[A-Za-z0-9]{1,20}\\.[A-Za-z]{2,6}",
        ) {
            let address = format!("{local}@{domain}");
            let email = Email::parse(&address).unwrap();
            prop_assert_eq!(email.as_str(), address.to_lowercase());
        }
    }

    #[test]
    fn prefixes_of_addresses_are_recognised_and_broken_ones_are_not() {
        for good in ["ann", "ann@", "ann@exa", "ann@example.co", "a.b+c"] {
            assert!(is_email_prefix(good), "{good}");
        }
        for bad in ["ann@@", "ann@ex ample", "ann@.com", "@example.com", "a b"] {
            assert!(!is_email_prefix(bad), "{bad}");
        }
    }
}
