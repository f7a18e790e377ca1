//! A real OpenID Connect provider for tests: npm's `oidc-provider` (a certified
//! implementation) run by `scripts/oidc-provider` on a free loopback port, with one
//! client whose redirect URI is the server's callback. Any e-mail typed at its login
//! form signs in; it is killed when dropped.

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The client id the provider knows Roster by.
pub const CLIENT_ID: &str = "roster-tests";
/// Its secret.
pub const CLIENT_SECRET: &str = "a secret only the tests know";

/// A running provider.
pub struct OidcProvider {
    port: u16,
    child: Child,
}

impl OidcProvider {
    /// A provider on a free loopback port that sends people back to `redirect_uri`.
    pub fn start(redirect_uri: &str) -> Self {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/oidc-provider");
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(&script)
            .env("OIDC_PORT", port.to_string())
            .env("OIDC_CLIENT_ID", CLIENT_ID)
            .env("OIDC_CLIENT_SECRET", CLIENT_SECRET)
            .env("OIDC_REDIRECT_URIS", redirect_uri)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("scripts/oidc-provider starts (it needs node)");
        // The first start may install the provider's packages.
        let deadline = Instant::now() + Duration::from_secs(120);
        while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "the OpenID provider did not listen in time"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { port, child }
    }

    /// Its issuer, exactly as its discovery document names it.
    pub fn issuer(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
