//! The exchange with the identity provider, by the `openidconnect` crate: discovery,
//! the authorisation code flow with PKCE, and the ID token's signature and claims
//! (issuer, audience, expiry, nonce) checked. Between the two requests of a sign-in the
//! browser holds what the second one needs (state, nonce, PKCE verifier), sealed with
//! the server's key in an HttpOnly cookie: any replica on the database can finish it,
//! and nothing of it is stored.

use super::CALLBACK_PATH;
use super::provider::is_web_address;
use super::store::{Identity, ProviderForSignIn};
use crate::auth::session::cookie_value;
use crate::domain::{AccountId, Email, PersonName, UserId};
use crate::secret_box::SecretKey;
use cookie::{Cookie, SameSite};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
    TokenResponse, reqwest,
};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use subtle::ConstantTimeEq;

/// The cookie that carries a sign-in between the provider's two legs.
pub const FLOW_COOKIE: &str = "roster_sso";
/// Its name when cookies are Secure.
pub const SECURE_FLOW_COOKIE: &str = "__Host-roster_sso";
/// How long a person has at the provider.
const FLOW_SECS: i64 = 600;
/// How long a request to the provider may take.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);

type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Why a sign-in through the provider came to nothing. Said to the person only as
/// "it did not work"; the reason goes to the log.
#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    #[error("no sign-in was under way in this browser, or it took too long")]
    NoFlow,
    #[error("the state returned is not this browser's")]
    StateMismatch,
    #[error("the identity provider refused: {0}")]
    Refused(String),
    #[error("the identity provider could not be reached or answered wrongly: {0}")]
    Provider(String),
    #[error("the ID token names no e-mail address the provider verified")]
    NoEmail,
}

/// What the sign-in is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Purpose {
    /// Signing a person in to the account.
    SignIn,
    /// An admin's test of the provider before SSO is turned on.
    Test { tester: UserId, version: i64 },
}

/// A sign-in under way, as the cookie carries it (sealed).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pending {
    pub purpose: Purpose,
    pub account: AccountId,
    /// Where the sign-in lands, as asked.
    pub next: Option<String>,
    state: String,
    nonce: String,
    verifier: String,
    expires_at: i64,
}

/// A test sign-in that the provider passed, carried sealed from the callback (where a
/// cross-site arrival brings no session cookie) to the same-site step that records it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TestPassed {
    pub tester: UserId,
    pub account: AccountId,
    pub version: i64,
    pub email: Email,
    expires_at: i64,
}

impl TestPassed {
    /// Sealed for the flow cookie.
    pub fn seal(
        key: &SecretKey,
        pending: &Pending,
        (tester, version): (UserId, i64),
        email: Email,
    ) -> String {
        let passed = Self {
            tester,
            account: pending.account,
            version,
            email,
            expires_at: pending.expires_at,
        };
        key.seal(&serde_json::to_string(&passed).expect("a test serialises"))
    }

    /// The passed test the flow cookie carries, if it is still on time.
    pub fn open(key: &SecretKey, sealed: Option<&str>, now: i64) -> Option<Self> {
        let passed: Self = serde_json::from_str(&key.open(sealed?).ok()?).ok()?;
        (passed.expires_at > now).then_some(passed)
    }
}

/// What the provider sent back to the callback.
#[derive(Debug, Default, Deserialize)]
pub struct Callback {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
}

fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

fn http_client() -> Result<reqwest::Client, FlowError> {
    // No redirects: a provider's answers never need one, and following them would let
    // a provider's address lead the server elsewhere.
    reqwest::ClientBuilder::new()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(PROVIDER_TIMEOUT)
        .build()
        .map_err(|error| FlowError::Provider(describe(&error)))
}

async fn client(
    http: &reqwest::Client,
    provider: &ProviderForSignIn,
    public_url: &str,
) -> Result<Client, FlowError> {
    let issuer = IssuerUrl::new(provider.issuer.clone())
        .map_err(|error| FlowError::Provider(error.to_string()))?;
    let metadata = CoreProviderMetadata::discover_async(issuer, http)
        .await
        .map_err(|error| FlowError::Provider(describe(&error)))?;
    let redirect = RedirectUrl::new(format!("{public_url}{CALLBACK_PATH}"))
        .map_err(|error| FlowError::Provider(error.to_string()))?;
    Ok(CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(provider.client_id.clone()),
        Some(ClientSecret::new(provider.client_secret.clone())),
    )
    .set_redirect_uri(redirect))
}

/// A sign-in to start: into which account, what for, where it lands, and the address
/// the provider may fill in for the person.
#[derive(Debug, Clone)]
pub struct Start {
    pub account: AccountId,
    pub purpose: Purpose,
    pub next: Option<String>,
    pub login_hint: Option<Email>,
}

/// Starts a sign-in at the provider: the address to send the browser to, and the
/// sealed `Pending` for the flow cookie.
pub async fn begin(
    provider: &ProviderForSignIn,
    key: &SecretKey,
    public_url: &str,
    start: Start,
    now: i64,
) -> Result<(String, String), FlowError> {
    let http = http_client()?;
    let client = client(&http, provider, public_url).await?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".to_owned()))
        .add_scope(Scope::new("profile".to_owned()))
        .set_pkce_challenge(challenge);
    if let Some(email) = &start.login_hint {
        request = request.add_extra_param("login_hint", email.as_str());
    }
    let (url, state, nonce) = request.url();
    if !is_web_address(&url) {
        return Err(FlowError::Provider(format!("authorization endpoint {url}")));
    }
    let pending = Pending {
        purpose: start.purpose,
        account: start.account,
        next: start.next,
        state: state.secret().clone(),
        nonce: nonce.secret().clone(),
        verifier: verifier.secret().clone(),
        expires_at: now + FLOW_SECS,
    };
    let sealed = key.seal(&serde_json::to_string(&pending).map_err(|_| FlowError::NoFlow)?);
    Ok((url.to_string(), sealed))
}

/// The sign-in under way in this browser, from its flow cookie, if it is still on time.
pub fn pending(key: &SecretKey, sealed: Option<&str>, now: i64) -> Result<Pending, FlowError> {
    let opened = key.open(sealed.ok_or(FlowError::NoFlow)?);
    let pending: Pending = opened
        .ok()
        .and_then(|json| serde_json::from_str(&json).ok())
        .ok_or(FlowError::NoFlow)?;
    if pending.expires_at <= now {
        return Err(FlowError::NoFlow);
    }
    Ok(pending)
}

/// Finishes the sign-in `pending` with what the provider sent back: the code exchanged
/// (with the PKCE verifier) and the ID token verified; answers who it vouches for.
pub async fn finish(
    provider: &ProviderForSignIn,
    public_url: &str,
    pending: &Pending,
    callback: Callback,
) -> Result<Identity, FlowError> {
    if let Some(error) = callback.error {
        let description = callback.error_description.unwrap_or_default();
        return Err(FlowError::Refused(format!("{error} {description}")));
    }
    let returned = callback.state.ok_or(FlowError::StateMismatch)?;
    // Compared in constant time: the state is this browser's secret.
    if !bool::from(returned.as_bytes().ct_eq(pending.state.as_bytes())) {
        return Err(FlowError::StateMismatch);
    }
    let code = callback
        .code
        .ok_or_else(|| FlowError::Refused("no code".to_owned()))?;
    let http = http_client()?;
    let client = client(&http, provider, public_url).await?;
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|error| FlowError::Provider(error.to_string()))?
        .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier.clone()))
        .request_async(&http)
        .await
        .map_err(|error| FlowError::Provider(describe(&error)))?;
    let id_token = tokens
        .id_token()
        .ok_or_else(|| FlowError::Provider("no ID token".to_owned()))?;
    let claims = id_token
        .claims(
            &client.id_token_verifier(),
            &Nonce::new(pending.nonce.clone()),
        )
        .map_err(|error| FlowError::Provider(describe(&error)))?;
    // Only an address the provider says it verified names a person: one it did not
    // vouch for could be anyone's.
    if claims.email_verified() != Some(true) {
        return Err(FlowError::NoEmail);
    }
    let email = claims
        .email()
        .and_then(|email| Email::parse(email.as_str()).ok())
        .ok_or(FlowError::NoEmail)?;
    let given = claims
        .given_name()
        .and_then(|name| name.get(None))
        .map(|name| name.as_str().to_owned());
    let family = claims
        .family_name()
        .and_then(|name| name.get(None))
        .map(|name| name.as_str().to_owned());
    let full = claims
        .name()
        .and_then(|name| name.get(None))
        .map(|name| name.as_str().to_owned());
    let (first_name, last_name) = names(&email, given, family, full);
    Ok(Identity {
        email,
        first_name,
        last_name,
    })
}

/// A new user's names from the claims: given and family names, else the full name
/// split at its first space, else the address's local part.
fn names(
    email: &Email,
    given: Option<String>,
    family: Option<String>,
    full: Option<String>,
) -> (PersonName, PersonName) {
    let local = email.as_str().split('@').next().unwrap_or("").to_owned();
    let (first, last) = match (given, family, full) {
        (Some(given), Some(family), _) => (given, family),
        (_, _, Some(full)) => match full.trim().split_once(' ') {
            Some((first, last)) => (first.to_owned(), last.to_owned()),
            None => (full, String::new()),
        },
        (given, family, None) => (given.unwrap_or(local.clone()), family.unwrap_or_default()),
    };
    let fallback = |text: &str| PersonName::parse(text).or_else(|_| PersonName::parse(&local));
    let first = fallback(&first).unwrap_or_else(|_| PersonName::parse("-").expect("a name"));
    let last = PersonName::parse(&last).unwrap_or_else(|_| first.clone());
    (first, last)
}

/// The `Set-Cookie` value carrying `sealed` (or removing the flow cookie).
pub fn flow_cookie(sealed: Option<&str>, secure: bool) -> String {
    let mut cookie = Cookie::build((
        flow_cookie_name(secure),
        sealed.unwrap_or_default().to_owned(),
    ))
    .path("/")
    .http_only(true)
    // Lax: the provider sends the person back with a cross-site navigation.
    .same_site(SameSite::Lax)
    .secure(secure)
    .max_age(cookie::time::Duration::seconds(FLOW_SECS))
    .build();
    if sealed.is_none() {
        cookie.make_removal();
    }
    cookie.to_string()
}

/// The sealed sign-in the request's flow cookie carries, if any.
pub fn flow_cookie_value(headers: &http::HeaderMap, secure: bool) -> Option<String> {
    cookie_value(headers, flow_cookie_name(secure), |value| !value.is_empty())
}

fn flow_cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_FLOW_COOKIE
    } else {
        FLOW_COOKIE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(text: &str) -> Email {
        Email::parse(text).unwrap()
    }

    #[test]
    fn a_pending_sign_in_opens_only_with_its_key_and_only_in_time() {
        let key = SecretKey::generate();
        let pending = Pending {
            purpose: Purpose::SignIn,
            account: AccountId::parse(1).unwrap(),
            next: None,
            state: "s".into(),
            nonce: "n".into(),
            verifier: "v".into(),
            expires_at: 1_000,
        };
        let sealed = key.seal(&serde_json::to_string(&pending).unwrap());
        assert!(self::pending(&key, Some(&sealed), 999).is_ok());
        assert!(matches!(
            self::pending(&key, Some(&sealed), 1_000),
            Err(FlowError::NoFlow)
        ));
        let other = SecretKey::generate();
        assert!(matches!(
            self::pending(&other, Some(&sealed), 0),
            Err(FlowError::NoFlow)
        ));
        assert!(matches!(
            self::pending(&key, None, 0),
            Err(FlowError::NoFlow)
        ));
    }

    #[test]
    fn names_come_from_the_claims_else_from_the_address() {
        let ada = email("ada.lovelace@acme.example");
        let (first, last) = names(&ada, Some("Ada".into()), Some("Lovelace".into()), None);
        assert_eq!((first.as_str(), last.as_str()), ("Ada", "Lovelace"));
        let (first, last) = names(&ada, None, None, Some("Grace Brewster Hopper".into()));
        assert_eq!(
            (first.as_str(), last.as_str()),
            ("Grace", "Brewster Hopper")
        );
        let (first, _) = names(&ada, None, None, None);
        assert_eq!(first.as_str(), "ada.lovelace");
    }

    #[test]
    fn the_flow_cookie_is_http_only_lax_and_host_prefixed_when_secure() {
        let set = flow_cookie(Some("abc"), true);
        assert!(set.starts_with("__Host-roster_sso=abc"));
        for part in [
            "HttpOnly",
            "SameSite=Lax",
            "Secure",
            "Path=/",
            "Max-Age=600",
        ] {
            assert!(set.contains(part), "{set}");
        }
        assert!(flow_cookie(None, false).starts_with("roster_sso=;"));
    }
}
