//! The identity provider an account signs in through, as an admin types it: its issuer
//! address, the client id and secret Roster was given there, and the e-mail domains
//! whose people it may sign in. Checked here, by the form as it is sent and by the
//! server on every save.

use crate::error::{AppError, Problem};
use crate::settings::sign_up::AccountDomain;
use serde::{Deserialize, Serialize};

/// The longest issuer address taken.
const MAX_ISSUER_LEN: usize = 2048;
/// The longest client id taken.
const MAX_CLIENT_ID_LEN: usize = 255;
/// The longest client secret taken.
const MAX_SECRET_LEN: usize = 1024;
/// The most allowed e-mail domains.
pub const MAX_ALLOWED_DOMAINS: usize = 20;

/// A provider as the form sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderEdit {
    pub issuer: String,
    pub client_id: String,
    /// A new secret, or `None` to keep the one saved.
    pub client_secret: Option<String>,
    /// Domains one space, comma or line apart; empty allows every domain.
    pub allowed_domains: String,
}

/// A provider whose every value passed its check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedProvider {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    pub allowed_domains: Vec<String>,
}

impl ProviderEdit {
    /// Refuses the first value that cannot be a provider's, naming its field.
    pub fn check(&self) -> Result<CheckedProvider, AppError> {
        let issuer = check_issuer(&self.issuer)?;
        let client_id = check_text("client_id", &self.client_id, MAX_CLIENT_ID_LEN)?;
        let client_secret = self
            .client_secret
            .as_deref()
            .map(|secret| check_text("client_secret", secret, MAX_SECRET_LEN))
            .transpose()?;
        let allowed_domains = parse_domains(&self.allowed_domains)?;
        Ok(CheckedProvider {
            issuer,
            client_id,
            client_secret,
            allowed_domains,
        })
    }
}

/// An issuer is an `https://` address, or `http://` on this machine (a provider for
/// tests or on the same host): never credentials, a query or a fragment.
fn check_issuer(typed: &str) -> Result<String, AppError> {
    let refused = |problem| Err(AppError::invalid("issuer", problem));
    let typed = typed.trim();
    if typed.is_empty() {
        return refused(Problem::Required);
    }
    if typed.len() > MAX_ISSUER_LEN {
        return refused(Problem::TooLong {
            max: MAX_ISSUER_LEN as u32,
        });
    }
    let Ok(url) = url::Url::parse(typed) else {
        return refused(Problem::NotAnIssuer);
    };
    if !is_web_address(&url)
        || !url.username().is_empty()
        || url.password().is_some()
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return refused(Problem::NotAnIssuer);
    }
    // The provider's discovery document names its issuer exactly as it was typed.
    Ok(typed.to_owned())
}

/// Whether a browser, or the server, may be sent to `url`: https, or plain http on
/// this machine only (a provider for tests, or on the same host).
pub fn is_web_address(url: &url::Url) -> bool {
    let on_this_machine = match url.host() {
        Some(url::Host::Domain(host)) => host == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => return false,
    };
    url.scheme() == "https" || (url.scheme() == "http" && on_this_machine)
}

fn check_text(field: &str, typed: &str, max: usize) -> Result<String, AppError> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err(AppError::invalid(field, Problem::Required));
    }
    if typed.chars().count() > max {
        return Err(AppError::invalid(
            field,
            Problem::TooLong { max: max as u32 },
        ));
    }
    if typed.chars().any(char::is_control) {
        return Err(AppError::invalid(field, Problem::ControlCharacters));
    }
    Ok(typed.to_owned())
}

/// The domains of `typed`, lower-case, each once, in the order typed.
pub fn parse_domains(typed: &str) -> Result<Vec<String>, AppError> {
    let mut domains: Vec<String> = Vec::new();
    for word in typed.split(|c: char| c == ',' || c.is_whitespace()) {
        if word.is_empty() {
            continue;
        }
        let domain = AccountDomain::parse(word)
            .map_err(|error| match error {
                AppError::Invalid { problem, .. } => AppError::invalid("allowed_domains", problem),
                other => other,
            })?
            .as_str()
            .to_owned();
        if !domains.contains(&domain) {
            domains.push(domain);
        }
    }
    if domains.len() > MAX_ALLOWED_DOMAINS {
        return Err(AppError::invalid(
            "allowed_domains",
            Problem::TooMany {
                max: MAX_ALLOWED_DOMAINS as u32,
            },
        ));
    }
    Ok(domains)
}

/// Whether `email` may sign in under `allowed` (no domains allow every address).
pub fn domain_allowed(allowed: &[String], email: &str) -> bool {
    let domain = email
        .rsplit_once('@')
        .map(|(_, domain)| domain.to_lowercase());
    allowed.is_empty() || domain.is_some_and(|domain| allowed.contains(&domain))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(issuer: &str) -> ProviderEdit {
        ProviderEdit {
            issuer: issuer.to_owned(),
            client_id: "roster".to_owned(),
            client_secret: Some("s3cret".to_owned()),
            allowed_domains: String::new(),
        }
    }

    fn field_of(result: Result<CheckedProvider, AppError>) -> String {
        match result {
            Err(AppError::Invalid { field, .. }) => field,
            other => panic!("expected a field's problem, got {other:?}"),
        }
    }

    #[test]
    fn an_issuer_is_https_or_plain_http_on_this_machine_only() {
        for issuer in [
            "https://login.example.com",
            "https://login.example.com/realms/acme",
            "http://127.0.0.1:3390",
            "http://localhost:8080/",
            "http://[::1]:9000",
        ] {
            assert_eq!(edit(issuer).check().unwrap().issuer, issuer);
        }
        for issuer in [
            "",
            "login.example.com",
            "http://login.example.com",
            "ftp://127.0.0.1",
            "https://user:pw@login.example.com",
            "https://login.example.com/?tenant=1",
            "https://login.example.com/#x",
        ] {
            assert_eq!(field_of(edit(issuer).check()), "issuer", "{issuer}");
        }
    }

    #[test]
    fn the_client_id_and_a_new_secret_are_required_single_line_text() {
        let mut blank_id = edit("https://idp.example.com");
        blank_id.client_id = " ".to_owned();
        assert_eq!(field_of(blank_id.check()), "client_id");
        let mut bad_secret = edit("https://idp.example.com");
        bad_secret.client_secret = Some("a\nb".to_owned());
        assert_eq!(field_of(bad_secret.check()), "client_secret");
        let mut kept = edit("https://idp.example.com");
        kept.client_secret = None;
        assert_eq!(kept.check().unwrap().client_secret, None);
    }

    #[test]
    fn allowed_domains_are_read_in_lower_case_once_each_and_checked() {
        assert_eq!(
            parse_domains("Acme.example, @acme.jp\nacme.example").unwrap(),
            ["acme.example", "acme.jp"]
        );
        assert_eq!(parse_domains(" ").unwrap(), Vec::<String>::new());
        assert!(parse_domains("not a domain!").is_err());
        assert!(parse_domains("gmail.com").is_err(), "a public provider");
        let many: Vec<String> = (0..21).map(|n| format!("d{n}.example")).collect();
        assert!(parse_domains(&many.join(" ")).is_err());
    }

    #[test]
    fn an_address_is_allowed_by_its_domain_or_by_an_empty_list() {
        let allowed = vec!["acme.example".to_owned()];
        assert!(domain_allowed(&allowed, "ada@Acme.Example"));
        assert!(!domain_allowed(&allowed, "eve@evil.example"));
        assert!(domain_allowed(&[], "anyone@anywhere.example"));
    }
}
