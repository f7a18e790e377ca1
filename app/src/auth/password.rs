//! Password hashing with argon2id at OWASP's minimum cost (19 MiB, t=2, p=1), on a fixed
//! pool of threads, one per core, with a bounded queue. Anyone can ask for a hash (a
//! sign-in with any e-mail costs one), so hashing must not run unbounded: at most one
//! hash per core runs at once (memory: cores × 19 MiB for argon2, held by those threads
//! and no others), at most `QUEUE_PER_CORE` × cores wait, and a request that finds the
//! queue full is answered 503 with `Retry-After` at once.

use crate::error::{AppError, Problem};
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::oneshot;

/// The shortest password accepted for a new admin.
pub const MIN_PASSWORD_LEN: usize = 12;
/// The longest password accepted: hashing a huge input is a denial of service.
pub const MAX_PASSWORD_LEN: usize = 1024;
/// Hashes waiting per core before requests are turned away: about 1.5 s of work.
const QUEUE_PER_CORE: usize = 32;
/// What a turned-away request is told to wait before trying again, in seconds.
const RETRY_AFTER_SECS: u32 = 1;

fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("constant argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Checks a password chosen for a new account.
pub fn check_new_password(password: &str) -> Result<(), AppError> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        let min = MIN_PASSWORD_LEN as u32;
        return Err(AppError::invalid("password", Problem::TooShort { min }));
    }
    if password.len() > MAX_PASSWORD_LEN {
        let max = MAX_PASSWORD_LEN as u32;
        return Err(AppError::invalid("password", Problem::TooLong { max }));
    }
    Ok(())
}

/// Work for the hashing threads.
enum Job {
    Hash(String, oneshot::Sender<Option<String>>),
    /// With no hash, a dummy one is checked so the answer takes as long as for a real
    /// account and reveals nothing.
    Verify(String, Option<String>, oneshot::Sender<bool>),
}

/// The pool: a bounded queue that the hashing threads take jobs from.
struct HashingPool {
    jobs: SyncSender<Job>,
}

impl HashingPool {
    /// The process's pool, started on first use with one thread per core.
    fn get() -> &'static Self {
        static POOL: OnceLock<HashingPool> = OnceLock::new();
        POOL.get_or_init(|| {
            let threads = std::thread::available_parallelism().map_or(1, usize::from);
            Self::start(threads, threads * QUEUE_PER_CORE)
        })
    }

    fn start(threads: usize, queue_len: usize) -> Self {
        let (jobs, queue) = sync_channel(queue_len);
        let queue = Arc::new(Mutex::new(queue));
        for index in 0..threads {
            let queue = Arc::clone(&queue);
            let spawned = std::thread::Builder::new()
                .name(format!("password-hashing-{index}"))
                .spawn(move || work(&queue));
            if let Err(error) = spawned {
                tracing::error!(%error, "a password-hashing thread could not start");
            }
        }
        Self { jobs }
    }

    async fn hash(&self, password: String) -> Result<String, AppError> {
        let (answer, hashed) = oneshot::channel();
        self.submit(Job::Hash(password, answer))?;
        hashed.await.ok().flatten().ok_or(AppError::Internal)
    }

    async fn verify(&self, password: String, hash: Option<String>) -> Result<bool, AppError> {
        let (answer, verified) = oneshot::channel();
        self.submit(Job::Verify(password, hash, answer))?;
        verified.await.map_err(|_| AppError::Internal)
    }

    fn submit(&self, job: Job) -> Result<(), AppError> {
        self.jobs.try_send(job).map_err(|error| match error {
            TrySendError::Full(_) => {
                tracing::warn!("password hashing is saturated: a request was turned away");
                AppError::Busy {
                    retry_after_secs: RETRY_AFTER_SECS,
                }
            }
            TrySendError::Disconnected(_) => {
                tracing::error!("no password-hashing thread is running");
                AppError::Internal
            }
        })
    }
}

/// A hashing thread: takes jobs until the process ends.
fn work(queue: &Mutex<Receiver<Job>>) {
    loop {
        let job = match queue.lock() {
            Ok(queue) => queue.recv(),
            Err(_) => return,
        };
        match job {
            Ok(Job::Hash(password, answer)) => {
                let _ = answer.send(hash_now(&password));
            }
            Ok(Job::Verify(password, hash, answer)) => {
                let _ = answer.send(verify_now(&password, hash.as_deref()));
            }
            Err(_) => return,
        }
    }
}

fn hash_now(password: &str) -> Option<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .inspect_err(|error| tracing::error!(%error, "password hashing failed"))
        .ok()
}

fn verify_now(password: &str, hash: Option<&str>) -> bool {
    let hash = hash.unwrap_or_else(|| dummy_hash());
    PasswordHash::new(hash)
        .map(|parsed| {
            argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_now("no account has this password").unwrap_or_default())
}

/// Hashes `password` into a PHC string.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    HashingPool::get().hash(password).await
}

/// True when `password` matches `hash` (or, with no hash, after the same work).
pub async fn verify_password(password: String, hash: Option<String>) -> Result<bool, AppError> {
    HashingPool::get().verify(password, hash).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_password_verifies_against_its_own_hash_only() {
        let hash = hash_password("correct horse battery".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(
            verify_password("correct horse battery".into(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify_password("wrong horse battery".into(), Some(hash))
                .await
                .unwrap()
        );
        assert!(!verify_password("anything".into(), None).await.unwrap());
    }

    #[tokio::test]
    async fn a_burst_beyond_the_queue_is_turned_away_and_every_accepted_hash_completes() {
        let pool = Arc::new(HashingPool::start(1, 3));
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..12 {
            let pool = Arc::clone(&pool);
            tasks.spawn(async move { pool.verify("guess".into(), None).await });
        }
        let mut answers = Vec::new();
        while let Some(answer) = tasks.join_next().await {
            answers.push(answer.unwrap());
        }
        let busy = answers
            .iter()
            .filter(|a| matches!(a, Err(AppError::Busy { .. })))
            .count();
        let verified = answers.iter().filter(|a| matches!(a, Ok(false))).count();
        assert!(
            busy >= 12 - 4,
            "beyond one hashing and three waiting, all are turned away"
        );
        assert!(
            verified >= 3,
            "the queue's requests all get their answer: {answers:?}"
        );
        assert_eq!(busy + verified, 12, "{answers:?}");
    }

    #[test]
    fn short_and_huge_passwords_are_refused() {
        assert!(check_new_password("short").is_err());
        assert!(check_new_password(&"x".repeat(MAX_PASSWORD_LEN + 1)).is_err());
        assert!(check_new_password("twelve chars").is_ok());
    }
}
