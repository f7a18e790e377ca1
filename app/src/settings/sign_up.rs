//! Self Sign-Up for Enterprise Users (seeds 000): whether people of the account's
//! domains may find the account and ask to join, and whether their requests are
//! approved at once. The account's domains are its Primary Admin's and those an admin
//! adds; a public e-mail domain (gmail.com, outlook.com, …) can never be one.

use crate::error::{AppError, Problem};
use serde::{Deserialize, Serialize};

/// The most domains an admin may add to an account.
pub const MAX_DOMAINS: usize = 20;
/// The longest domain name DNS allows.
const MAX_DOMAIN_LEN: usize = 253;

/// Public e-mail providers, whose users share a domain with the whole world: a
/// hand-made list of the common ones, worldwide and in Japan.
static PUBLIC_DOMAINS: &str = include_str!("../../data/public-email-domains.txt");

/// How people of the account's domains may join.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignUpMode {
    /// Block requests from new users.
    Blocked,
    /// Allow discovery and requests; an admin approves each (an approval queue).
    Approval,
    /// Allow discovery and requests, approved at once.
    AutoApprove,
}

impl SignUpMode {
    /// How the mode is stored.
    pub const fn code(self) -> i64 {
        match self {
            Self::Blocked => 1,
            Self::Approval => 2,
            Self::AutoApprove => 3,
        }
    }

    pub fn from_code(code: i64) -> Option<Self> {
        [Self::Blocked, Self::Approval, Self::AutoApprove]
            .into_iter()
            .find(|mode| mode.code() == code)
    }

    pub const fn key(self) -> &'static str {
        match self {
            Self::Blocked => "blocked",
            Self::Approval => "approval",
            Self::AutoApprove => "auto_approve",
        }
    }
}

/// The account's self sign-up policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelfSignUp {
    pub mode: SignUpMode,
}

impl Default for SelfSignUp {
    /// Nobody joins unasked.
    fn default() -> Self {
        Self {
            mode: SignUpMode::Blocked,
        }
    }
}

/// The account's domains: its Primary Admin's, which it always has, and the ones an
/// admin added, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountDomains {
    pub owner: String,
    pub added: Vec<String>,
}

/// Whether `domain` (lower case) belongs to a public e-mail provider.
pub fn is_public(domain: &str) -> bool {
    PUBLIC_DOMAINS.lines().any(|public| public == domain)
}

/// A domain an admin may add to an account: a host name (an `@` before it is allowed),
/// read in lower case, and not a public e-mail provider's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountDomain(String);

impl AccountDomain {
    pub fn parse(input: &str) -> Result<Self, AppError> {
        let refused = |problem| Err(AppError::invalid("domain", problem));
        let domain = input.trim().trim_start_matches('@').to_lowercase();
        if domain.is_empty() {
            return refused(Problem::Required);
        }
        if domain.len() > MAX_DOMAIN_LEN || !crate::domain::email::is_domain(&domain) {
            return refused(Problem::NotADomain);
        }
        if is_public(&domain) {
            return refused(Problem::PublicDomain);
        }
        Ok(Self(domain))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_domain_is_read_in_lower_case_with_or_without_its_at_sign() {
        assert_eq!(
            AccountDomain::parse(" @Acme.Example ").unwrap().as_str(),
            "acme.example"
        );
        assert_eq!(
            AccountDomain::parse("eu.acme.example").unwrap().as_str(),
            "eu.acme.example"
        );
    }

    #[test]
    fn public_providers_and_what_is_not_a_domain_are_refused_by_name() {
        for (input, problem) in [
            ("gmail.com", Problem::PublicDomain),
            ("@Outlook.com", Problem::PublicDomain),
            ("yahoo.co.jp", Problem::PublicDomain),
            ("", Problem::Required),
            ("localhost", Problem::NotADomain),
            ("acme..example", Problem::NotADomain),
            ("ann@acme.example", Problem::NotADomain),
            ("-acme.example", Problem::NotADomain),
        ] {
            assert_eq!(
                AccountDomain::parse(input),
                Err(AppError::invalid("domain", problem)),
                "{input}"
            );
        }
    }

    #[test]
    fn every_mode_is_found_by_its_stored_code() {
        for mode in [
            SignUpMode::Blocked,
            SignUpMode::Approval,
            SignUpMode::AutoApprove,
        ] {
            assert_eq!(SignUpMode::from_code(mode.code()), Some(mode));
        }
        assert_eq!(SignUpMode::from_code(0), None);
    }
}
