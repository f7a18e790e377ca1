//! Where people reach the console: its one public origin. It decides which `Host` a
//! request may name (a page of another site that rebinds its own name to this server's
//! address names its own host, so it reaches nothing) and whether cookies are Secure
//! (always, except for a console served over plain http on a loopback address, or when
//! an operator says otherwise).

use crate::error_status::error_response;
use app::error::{AppError, Denied};
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use std::net::SocketAddr;
use std::sync::Arc;
use url::Url;

/// The console's public origin and what follows from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicOrigin {
    /// `scheme://host[:port]`, for links in e-mail.
    pub url: String,
    /// The `Host` values a request may carry, lower case.
    hosts: Vec<String>,
    pub secure_cookies: bool,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OriginError {
    #[error(
        "--public-url is needed when serving on {0}: the address people reach the console at, \
         e.g. https://roster.example.com (requests for any other host are refused)"
    )]
    PublicUrlNeeded(SocketAddr),
    #[error("--public-url must be http:// or https:// and a host, with no path: {0}")]
    Malformed(String),
    #[error(
        "--public-url is http:// and the console is not on a loopback address: its cookies are \
         Secure and a browser would not send them over http. Serve it over https, or pass \
         --insecure-cookies"
    )]
    InsecureOverNetwork,
}

impl PublicOrigin {
    /// The origin of a console listening on `listen`: `public_url` when given, else
    /// `http://` and the listen address, which only a loopback address may do without.
    pub fn resolve(
        public_url: Option<&str>,
        listen: SocketAddr,
        insecure_cookies: bool,
    ) -> Result<Self, OriginError> {
        let loopback = listen.ip().is_loopback();
        let Some(public_url) = public_url.filter(|url| !url.trim().is_empty()) else {
            if !loopback {
                return Err(OriginError::PublicUrlNeeded(listen));
            }
            let port = listen.port();
            return Ok(Self {
                url: format!("http://{listen}"),
                hosts: vec![
                    format!("127.0.0.1:{port}"),
                    format!("localhost:{port}"),
                    format!("[::1]:{port}"),
                ],
                secure_cookies: false,
            });
        };
        let malformed = || OriginError::Malformed(public_url.to_owned());
        let parsed = Url::parse(public_url.trim()).map_err(|_| malformed())?;
        let host = parsed
            .host_str()
            .ok_or_else(malformed)?
            .to_ascii_lowercase();
        let https = match parsed.scheme() {
            "https" => true,
            "http" => false,
            _ => return Err(malformed()),
        };
        if parsed.path() != "/"
            || parsed.query().is_some()
            || parsed.fragment().is_some()
            || !parsed.username().is_empty()
        {
            return Err(malformed());
        }
        if !https && !loopback && !insecure_cookies {
            return Err(OriginError::InsecureOverNetwork);
        }
        let default_port = if https { 443 } else { 80 };
        let port = parsed.port().unwrap_or(default_port);
        let mut hosts = vec![format!("{host}:{port}")];
        if port == default_port {
            hosts.push(host.clone());
        }
        Ok(Self {
            url: parsed.origin().ascii_serialization(),
            hosts,
            secure_cookies: !insecure_cookies && (https || !loopback),
        })
    }

    /// Whether a request naming `host` is for this console.
    pub fn answers_for(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        self.hosts.contains(&host)
    }
}

/// Refuses (403) a request for another host. The health check answers whatever the
/// host, for load balancers that probe by address.
pub async fn refuse_other_hosts(
    State(origin): State<Arc<PublicOrigin>>,
    request: Request,
    next: Next,
) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .or_else(|| {
            request
                .uri()
                .authority()
                .map(|authority| authority.as_str())
        });
    if request.uri().path() == "/healthz" || host.is_some_and(|host| origin.answers_for(host)) {
        return next.run(request).await;
    }
    tracing::warn!(?host, "request for another host refused");
    error_response(&AppError::Forbidden {
        denied: Denied::OtherHost,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listen(addr: &str) -> SocketAddr {
        addr.parse().unwrap()
    }

    #[test]
    fn a_loopback_console_answers_for_its_loopback_names_over_plain_http() {
        let origin = PublicOrigin::resolve(None, listen("127.0.0.1:3000"), false).unwrap();
        assert_eq!(origin.url, "http://127.0.0.1:3000");
        assert!(!origin.secure_cookies);
        for host in [
            "127.0.0.1:3000",
            "localhost:3000",
            "LOCALHOST:3000",
            "[::1]:3000",
        ] {
            assert!(origin.answers_for(host), "{host}");
        }
        for host in ["attacker.example:3000", "127.0.0.1:3001", "localhost", ""] {
            assert!(!origin.answers_for(host), "{host}");
        }
    }

    #[test]
    fn a_console_on_the_network_needs_its_public_url() {
        for addr in ["0.0.0.0:3000", "10.0.0.5:3000", "[::]:3000"] {
            let refused = PublicOrigin::resolve(None, listen(addr), false);
            assert_eq!(refused, Err(OriginError::PublicUrlNeeded(listen(addr))));
        }
    }

    #[test]
    fn an_https_public_url_is_the_only_host_and_makes_cookies_secure() {
        let origin = PublicOrigin::resolve(
            Some("https://Roster.Example.com/"),
            listen("0.0.0.0:3000"),
            false,
        )
        .unwrap();
        assert_eq!(origin.url, "https://roster.example.com");
        assert!(origin.secure_cookies);
        assert!(origin.answers_for("roster.example.com"));
        assert!(origin.answers_for("roster.example.com:443"));
        assert!(!origin.answers_for("0.0.0.0:3000"));
        assert!(!origin.answers_for("evil.example"));

        let custom_port =
            PublicOrigin::resolve(Some("https://r.example:8443"), listen("[::]:3000"), false);
        let custom_port = custom_port.unwrap();
        assert!(custom_port.answers_for("r.example:8443"));
        assert!(!custom_port.answers_for("r.example"));
    }

    #[test]
    fn plain_http_off_loopback_needs_the_explicit_flag_which_drops_secure() {
        let network = listen("0.0.0.0:3000");
        let refused = PublicOrigin::resolve(Some("http://roster.lan"), network, false);
        assert_eq!(refused, Err(OriginError::InsecureOverNetwork));
        let allowed = PublicOrigin::resolve(Some("http://roster.lan"), network, true).unwrap();
        assert!(!allowed.secure_cookies);
        let behind_a_local_proxy = PublicOrigin::resolve(
            Some("https://roster.example"),
            listen("127.0.0.1:3000"),
            false,
        );
        assert!(behind_a_local_proxy.unwrap().secure_cookies);
    }

    #[test]
    fn a_public_url_with_a_path_another_scheme_or_credentials_is_refused() {
        for url in [
            "roster.example",
            "ftp://roster.example",
            "https://roster.example/console",
            "https://user:pw@roster.example",
            "https://roster.example/?x=1",
        ] {
            let refused = PublicOrigin::resolve(Some(url), listen("0.0.0.0:3000"), false);
            assert_eq!(
                refused,
                Err(OriginError::Malformed(url.to_owned())),
                "{url}"
            );
        }
    }
}
