//! Delivery over SMTP with lettre, set up from one URL:
//! `smtp://user:password@host:587` (STARTTLS, required: the default),
//! `smtps://host:465` or `?tls=tls` (TLS from the first byte), and `?tls=none` (no
//! encryption), which only a server on a loopback address may be reached with.

use super::outbox::Claimed;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::net::IpAddr;
use std::time::Duration;
use url::Url;

/// How long one SMTP exchange may take before it counts as a failed attempt.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// How the connection to the SMTP server is encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Plain SMTP, then STARTTLS before anything is sent; refused without it.
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: loopback servers only (a local relay, the tests' sink).
    None,
}

/// Where and how to deliver mail.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    credentials: Option<(String, String)>,
}

impl std::fmt::Debug for SmtpSettings {
    // Never the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("user", &self.credentials.as_ref().map(|(user, _)| user))
            .finish()
    }
}

/// Why an SMTP URL cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SmtpUrlError {
    #[error("ROSTER_SMTP_URL is not a URL")]
    Malformed,
    #[error("ROSTER_SMTP_URL must start with smtp:// or smtps://, not {0}://")]
    Scheme(String),
    #[error("ROSTER_SMTP_URL names no host")]
    NoHost,
    #[error("ROSTER_SMTP_URL's tls must be starttls, tls or none, not '{0}'")]
    Tls(String),
    #[error(
        "ROSTER_SMTP_URL asks for tls=none towards {0}: mail would cross the network in the \
         clear, so only a loopback address may be reached without TLS"
    )]
    PlainOffLoopback(String),
}

impl SmtpSettings {
    pub fn parse(text: &str) -> Result<Self, SmtpUrlError> {
        let url = Url::parse(text).map_err(|_| SmtpUrlError::Malformed)?;
        let implicit_tls = match url.scheme() {
            "smtp" => false,
            "smtps" => true,
            other => return Err(SmtpUrlError::Scheme(other.to_owned())),
        };
        let host = url
            .host_str()
            .filter(|host| !host.is_empty())
            .ok_or(SmtpUrlError::NoHost)?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let tls = url
            .query_pairs()
            .find(|(key, _)| key == "tls")
            .map(|(_, value)| value.into_owned());
        let security = match (implicit_tls, tls.as_deref()) {
            (true, None | Some("tls")) | (false, Some("tls")) => Security::Tls,
            (false, None | Some("starttls")) => Security::StartTls,
            (false, Some("none")) => Security::None,
            (_, Some(other)) => return Err(SmtpUrlError::Tls(other.to_owned())),
        };
        if security == Security::None && !is_loopback(&host) {
            return Err(SmtpUrlError::PlainOffLoopback(host));
        }
        let port = url.port().unwrap_or(match security {
            Security::StartTls => 587,
            Security::Tls => 465,
            Security::None => 25,
        });
        let credentials = (!url.username().is_empty()).then(|| {
            let decode = |text: &str| {
                percent_encoding::percent_decode_str(text)
                    .decode_utf8_lossy()
                    .into_owned()
            };
            (
                decode(url.username()),
                decode(url.password().unwrap_or_default()),
            )
        });
        Ok(Self {
            host,
            port,
            security,
            credentials,
        })
    }
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .parse::<IpAddr>()
            .is_ok_and(|address| address.is_loopback())
}

/// Why mail cannot be sent as configured.
#[derive(Debug, thiserror::Error)]
pub enum MailerError {
    #[error(transparent)]
    Url(#[from] SmtpUrlError),
    #[error("ROSTER_MAIL_FROM is not an address like 'Roster <roster@example.com>': {0}")]
    From(String),
    #[error("the SMTP transport cannot be set up: {0}")]
    Transport(String),
}

/// The `From` of mail when none is configured.
pub const DEFAULT_FROM: &str = "Roster <roster@localhost>";

/// Why an attempt failed, and whether trying again could help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendFailure {
    /// The server refused the message for good (a 5xx answer), or it cannot be built.
    pub permanent: bool,
    pub reason: String,
}

/// Sends outbox messages through one SMTP server, from one address.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// The mailer for the SMTP server at `url`, sending from `from`.
    pub fn from_url(url: &str, from: &str) -> Result<Self, MailerError> {
        let settings = SmtpSettings::parse(url)?;
        let from: Mailbox = from
            .parse()
            .map_err(|error: lettre::address::AddressError| MailerError::From(error.to_string()))?;
        Self::new(&settings, from).map_err(|error| MailerError::Transport(error.to_string()))
    }

    fn new(settings: &SmtpSettings, from: Mailbox) -> Result<Self, lettre::transport::smtp::Error> {
        let tls = |host: &str| TlsParameters::new(host.to_owned());
        let builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
            .port(settings.port)
            .timeout(Some(SMTP_TIMEOUT))
            .tls(match settings.security {
                Security::StartTls => Tls::Required(tls(&settings.host)?),
                Security::Tls => Tls::Wrapper(tls(&settings.host)?),
                Security::None => Tls::None,
            });
        let builder = match &settings.credentials {
            Some((user, password)) => {
                builder.credentials(Credentials::new(user.clone(), password.clone()))
            }
            None => builder,
        };
        Ok(Self {
            transport: builder.build(),
            from,
        })
    }

    /// Delivers one claimed message: its plain-text and HTML parts, with a `Date`, and a
    /// `Message-ID` that is the same on every attempt.
    pub async fn send(&self, mail: &Claimed) -> Result<(), SendFailure> {
        let permanent = |reason: String| SendFailure {
            permanent: true,
            reason,
        };
        let to: Mailbox = mail
            .recipient
            .parse()
            .map_err(|error| permanent(format!("the recipient's address: {error}")))?;
        let domain = self.from.email.domain();
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&mail.subject)
            .message_id(Some(format!("<{}@{domain}>", mail.message_id)))
            .date_now()
            .multipart(MultiPart::alternative_plain_html(
                mail.text_body.clone(),
                mail.html_body.clone(),
            ))
            .map_err(|error| permanent(format!("the message: {error}")))?;
        self.transport
            .send(message)
            .await
            .map(drop)
            .map_err(|error| SendFailure {
                permanent: error.is_permanent(),
                reason: error.to_string(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starttls_is_the_default_and_each_scheme_finds_its_port() {
        let settings = SmtpSettings::parse("smtp://mailer:s%40cret@mail.example.com").unwrap();
        assert_eq!(
            (settings.host.as_str(), settings.port, settings.security),
            ("mail.example.com", 587, Security::StartTls)
        );
        assert_eq!(
            settings.credentials,
            Some(("mailer".to_owned(), "s@cret".to_owned()))
        );
        let wrapped = SmtpSettings::parse("smtps://mail.example.com").unwrap();
        assert_eq!((wrapped.port, wrapped.security), (465, Security::Tls));
        let explicit = SmtpSettings::parse("smtp://mail.example.com:2525?tls=tls").unwrap();
        assert_eq!((explicit.port, explicit.security), (2525, Security::Tls));
        let local = SmtpSettings::parse("smtp://127.0.0.1:2525?tls=none").unwrap();
        assert_eq!((local.port, local.security), (2525, Security::None));
        assert_eq!(local.credentials, None);
    }

    #[test]
    fn mail_crosses_the_network_only_encrypted() {
        assert_eq!(
            SmtpSettings::parse("smtp://mail.example.com?tls=none"),
            Err(SmtpUrlError::PlainOffLoopback(
                "mail.example.com".to_owned()
            ))
        );
        assert!(SmtpSettings::parse("smtp://localhost?tls=none").is_ok());
        assert!(SmtpSettings::parse("smtp://[::1]:25?tls=none").is_ok());
    }

    #[test]
    fn other_urls_are_refused_with_the_reason() {
        assert_eq!(
            SmtpSettings::parse("mail.example.com"),
            Err(SmtpUrlError::Malformed)
        );
        assert_eq!(
            SmtpSettings::parse("http://mail.example.com"),
            Err(SmtpUrlError::Scheme("http".to_owned()))
        );
        assert_eq!(
            SmtpSettings::parse("smtp://mail.example.com?tls=maybe"),
            Err(SmtpUrlError::Tls("maybe".to_owned()))
        );
        assert_eq!(
            SmtpSettings::parse("smtps://mail.example.com?tls=none"),
            Err(SmtpUrlError::Tls("none".to_owned()))
        );
    }

    #[test]
    fn the_password_is_never_printed() {
        let settings = SmtpSettings::parse("smtp://mailer:hunter2@mail.example.com").unwrap();
        assert!(!format!("{settings:?}").contains("hunter2"));
    }
}
