//! A real SMTP server for tests: `aiosmtpd` from PyPI (`scripts/setup` installs it),
//! started on a free loopback port, writing every message it accepts to a Maildir that
//! the test reads. It can be stopped and started again on the same port, to test what
//! happens while the SMTP server is down.

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Names the `aiosmtpd` program; without it, the one `scripts/setup` installs is used.
pub const AIOSMTPD_VAR: &str = "ROSTER_TEST_AIOSMTPD";

/// A running (or stopped) `aiosmtpd`, killed when dropped.
pub struct SmtpSink {
    program: PathBuf,
    port: u16,
    maildir: PathBuf,
    child: Option<Child>,
}

impl SmtpSink {
    /// A sink on a free loopback port, accepting mail.
    pub fn start() -> Self {
        let program = std::env::var_os(AIOSMTPD_VAR)
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                    .join("../target/tools/aiosmtpd/bin/aiosmtpd")
            });
        assert!(
            program.exists(),
            "no aiosmtpd at {}: run scripts/setup (or scripts/test), or set {AIOSMTPD_VAR}",
            program.display()
        );
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let maildir =
            std::env::temp_dir().join(format!("roster-mail-{}-{port}", std::process::id()));
        let _ = std::fs::remove_dir_all(&maildir);
        let mut sink = Self {
            program,
            port,
            maildir,
            child: None,
        };
        sink.resume();
        sink
    }

    /// The URL the server sends through.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}?tls=none", self.port)
    }

    /// Stops accepting mail: connections are refused until `resume`.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Accepts mail again, on the same port, into the same Maildir.
    pub fn resume(&mut self) {
        let child = Command::new(&self.program)
            .args(["-n", "-u", "-l", &format!("127.0.0.1:{}", self.port)])
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&self.maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd starts");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect((Ipv4Addr::LOCALHOST, self.port)).is_err() {
            assert!(Instant::now() < deadline, "aiosmtpd did not listen in time");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Every message accepted so far, raw, oldest first.
    pub fn messages(&self) -> Vec<String> {
        let mut files: Vec<_> = ["new", "cur"]
            .iter()
            .filter_map(|dir| std::fs::read_dir(self.maildir.join(dir)).ok())
            .flatten()
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let modified = entry.metadata().ok()?.modified().ok()?;
                Some((modified, entry.path()))
            })
            .collect();
        files.sort();
        files
            .into_iter()
            .filter_map(|(_, path)| std::fs::read_to_string(path).ok())
            .collect()
    }

    /// The messages once there are at least `count`; panics after 20 seconds.
    pub async fn wait_for(&self, count: usize) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let messages = self.messages();
            if messages.len() >= count {
                return messages;
            }
            assert!(
                Instant::now() < deadline,
                "the sink holds {} messages, not {count}",
                messages.len()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.maildir);
    }
}
