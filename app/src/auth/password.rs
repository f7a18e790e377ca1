//! Password hashing with argon2id at OWASP's minimum cost (19 MiB, t=2, p=1), on a fixed
//! pool of threads, one per core, with a bounded queue. Anyone can ask for a hash (a
//! sign-in with any e-mail costs one), so hashing must not run unbounded: at most one
//! hash per core runs at once, at most `QUEUE_PER_CORE` × cores wait, and a request
//! that finds the queue full waits up to `MAX_WAIT` for a place, then is answered 503
//! with `Retry-After`. (Answered at once, a flood of clients that retry straight away
//! kept the runtime so busy turning them away that hashing got a quarter of the CPU:
//! 28 sign-ins/s instead of 117 under 256 connections. Waiting costs no CPU.)
//!
//! Each hashing thread allocates argon2's 19 MiB once and reuses it for every hash, so
//! hashing holds cores × 19 MiB and no more. (Allocated per hash, glibc keeps the freed
//! blocks: measured, a server's anonymous memory climbed to 239 MB in 15 s of
//! sign-ins at 32 connections.)

use crate::domain::Email;
use crate::error::{AppError, Problem};
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, ParamsString, PasswordHash, Salt, SaltString};
use argon2::{ARGON2ID_IDENT, Algorithm, Argon2, Block, Params, Version};
use std::collections::HashSet;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};

/// The shortest new password, unless the server is told otherwise
/// (`ROSTER_PASSWORD_MIN_CHARS`).
pub const MIN_PASSWORD_LEN: usize = 12;
/// The longest password a sign-in accepts: hashing a huge input is a denial of service.
pub const MAX_PASSWORD_LEN: usize = 1024;
/// The longest new password.
pub const MAX_NEW_PASSWORD_CHARS: usize = 256;

/// Passwords too common to allow: the list Django's `CommonPasswordValidator` ships
/// (Django 5.2.8, BSD licence), 19,640 passwords compiled by Royce Williams, lowercase.
static COMMON_PASSWORDS: &str = include_str!("../../data/common-passwords.txt");

fn is_common(password: &str) -> bool {
    static LIST: OnceLock<HashSet<&'static str>> = OnceLock::new();
    LIST.get_or_init(|| COMMON_PASSWORDS.lines().collect())
        .contains(password.trim().to_lowercase().as_str())
}
/// Hashes waiting per core before requests are turned away: about 1.5 s of work.
const QUEUE_PER_CORE: usize = 32;
/// What a turned-away request is told to wait before trying again, in seconds.
const RETRY_AFTER_SECS: u32 = 1;
/// How long a request waits for a place before it is turned away: long enough that a
/// burst is answered in full (64 sign-ins at once take about a second on one core, and
/// 200 take two on this machine's two), and short of a client's patience.
const MAX_WAIT: Duration = Duration::from_secs(10);

/// The cost of every new hash: 19 MiB, two passes, one lane.
fn params() -> Params {
    Params::new(19 * 1024, 2, 1, None).expect("constant argon2 parameters are valid")
}

/// Checks a new password for the user e-mailed `email`: at least `min_chars` and at
/// most 256 characters, not the e-mail address, and not a common password.
pub fn check_new_password(password: &str, email: &Email, min_chars: usize) -> Result<(), AppError> {
    let refused = |problem| Err(AppError::invalid("password", problem));
    let chars = password.chars().count();
    if chars < min_chars {
        return refused(Problem::TooShort {
            min: min_chars as u32,
        });
    }
    if chars > MAX_NEW_PASSWORD_CHARS {
        return refused(Problem::TooLong {
            max: MAX_NEW_PASSWORD_CHARS as u32,
        });
    }
    if password.trim().eq_ignore_ascii_case(email.as_str()) {
        return refused(Problem::SameAsEmail);
    }
    if is_common(password) {
        return refused(Problem::CommonPassword);
    }
    Ok(())
}

/// One held place of the pool, given back when the last share of it is dropped: a
/// request and each job it submitted share it, so a request whose client went away
/// keeps its place until its job is done, and the queue never holds more jobs than
/// places.
type Held = Arc<OwnedSemaphorePermit>;

/// Work for the hashing threads, each job with its share of the place it was
/// submitted under.
enum Job {
    Hash(String, oneshot::Sender<Option<String>>, Held),
    /// With no hash, a dummy one is checked so the answer takes as long as for a real
    /// account and reveals nothing.
    Verify(String, Option<String>, oneshot::Sender<bool>, Held),
}

/// The pool: a bounded queue that the hashing threads take jobs from, and the places
/// in it that requests hold.
struct HashingPool {
    jobs: SyncSender<Job>,
    /// One permit per place: jobs waiting, running, or about to be submitted.
    places: Arc<Semaphore>,
    /// How long a request waits for a place.
    wait: Duration,
}

impl HashingPool {
    /// The process's pool, started on first use with one thread per core.
    fn get() -> &'static Self {
        static POOL: OnceLock<HashingPool> = OnceLock::new();
        POOL.get_or_init(|| {
            let threads = std::thread::available_parallelism().map_or(1, usize::from);
            Self::start(threads, threads * QUEUE_PER_CORE, MAX_WAIT)
        })
    }

    fn start(threads: usize, queue_len: usize, wait: Duration) -> Self {
        // Every place can hold a job in the channel, so a holder's job always fits.
        let places = threads + queue_len;
        let (jobs, queue) = sync_channel(places);
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
        Self {
            jobs,
            places: Arc::new(Semaphore::new(places)),
            wait,
        }
    }

    /// A place in the queue, waited for in turn (the semaphore is fair), or 503 when
    /// none frees up in time.
    async fn reserve(&self) -> Result<HashPlace<'_>, AppError> {
        let places = Arc::clone(&self.places);
        let taken = match places.clone().try_acquire_owned() {
            Ok(permit) => Some(permit),
            Err(_) => tokio::time::timeout(self.wait, places.acquire_owned())
                .await
                .ok()
                .and_then(Result::ok),
        };
        match taken {
            Some(permit) => Ok(HashPlace {
                pool: self,
                held: Arc::new(permit),
            }),
            None => {
                tracing::warn!("password hashing is saturated: a request was turned away");
                Err(AppError::Busy {
                    retry_after_secs: RETRY_AFTER_SECS,
                })
            }
        }
    }
}

/// A place held in the hashing queue: taken before a request does any other work, so
/// a request that would be turned away costs nothing more; given back once it and the
/// jobs submitted under it are dropped.
pub struct HashPlace<'a> {
    pool: &'a HashingPool,
    held: Held,
}

impl HashPlace<'_> {
    pub async fn hash(&self, password: String) -> Result<String, AppError> {
        let (answer, hashed) = oneshot::channel();
        self.submit(Job::Hash(password, answer, Arc::clone(&self.held)))?;
        hashed.await.ok().flatten().ok_or(AppError::Internal)
    }

    /// True when `password` matches `hash` (or, with no hash, after the same work).
    pub async fn verify(&self, password: String, hash: Option<String>) -> Result<bool, AppError> {
        let (answer, verified) = oneshot::channel();
        self.submit(Job::Verify(password, hash, answer, Arc::clone(&self.held)))?;
        verified.await.map_err(|_| AppError::Internal)
    }

    fn submit(&self, job: Job) -> Result<(), AppError> {
        self.pool.jobs.try_send(job).map_err(|error| {
            match error {
                TrySendError::Full(_) => tracing::error!("a held place found the queue full"),
                TrySendError::Disconnected(_) => tracing::error!("no password-hashing thread runs"),
            }
            AppError::Internal
        })
    }
}

/// A hashing thread: takes jobs until the process ends, with argon2's memory
/// allocated once.
fn work(queue: &Mutex<Receiver<Job>>) {
    let mut memory = vec![Block::default(); params().block_count()];
    loop {
        let job = match queue.lock() {
            Ok(queue) => queue.recv(),
            Err(_) => return,
        };
        match job {
            Ok(Job::Hash(password, answer, _held)) => {
                let hashed = hash_with(&mut memory, &password)
                    .inspect_err(|error| tracing::error!(%error, "password hashing failed"))
                    .ok();
                let _ = answer.send(hashed);
            }
            Ok(Job::Verify(password, hash, answer, _held)) => {
                let hash = hash.as_deref().unwrap_or_else(|| dummy_hash());
                let _ = answer.send(verify_with(&mut memory, &password, hash));
            }
            Err(_) => return,
        }
    }
}

/// argon2id of `password` with a new salt, as a PHC string.
fn hash_with(memory: &mut [Block], password: &str) -> argon2::password_hash::Result<String> {
    let params = params();
    let salt = SaltString::generate(&mut OsRng);
    let len = Params::DEFAULT_OUTPUT_LEN;
    let output = derive(
        memory,
        &params,
        Version::V0x13,
        password,
        salt.as_salt(),
        len,
    )?;
    let hash = PasswordHash {
        algorithm: ARGON2ID_IDENT,
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params)?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(hash.to_string())
}

/// Whether `password` matches the PHC string `hash`. A hash of another cost (an older
/// one) still verifies, in memory of its own size.
fn verify_with(memory: &mut [Block], password: &str, hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let params = Params::try_from(&parsed);
    let (Some(salt), Some(expected), Ok(params)) = (parsed.salt, parsed.hash, params) else {
        return false;
    };
    if Algorithm::try_from(parsed.algorithm) != Ok(Algorithm::Argon2id) {
        return false;
    }
    let version = parsed
        .version
        .map_or(Ok(Version::V0x13), Version::try_from)
        .unwrap_or(Version::V0x13);
    let len = expected.len();
    let derived = if params.block_count() == memory.len() {
        derive(memory, &params, version, password, salt, len)
    } else {
        let mut own = vec![Block::default(); params.block_count()];
        derive(&mut own, &params, version, password, salt, len)
    };
    // `Output` compares in constant time.
    derived.is_ok_and(|derived| derived == expected)
}

/// argon2id of `password` and `salt` at `params`, `len` bytes long, in `memory`.
fn derive(
    memory: &mut [Block],
    params: &Params,
    version: Version,
    password: &str,
    salt: Salt<'_>,
    len: usize,
) -> argon2::password_hash::Result<Output> {
    let argon2 = Argon2::new(Algorithm::Argon2id, version, params.clone());
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_bytes)?;
    Output::init_with(len, |out| {
        argon2
            .hash_password_into_with_memory(password.as_bytes(), salt_bytes, out, &mut *memory)
            .map_err(Into::into)
    })
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let mut memory = vec![Block::default(); params().block_count()];
        hash_with(&mut memory, "no account has this password").unwrap_or_default()
    })
}

/// A place in the process's hashing queue, or 503 when none frees up in time.
pub async fn reserve_hashing() -> Result<HashPlace<'static>, AppError> {
    HashingPool::get().reserve().await
}

/// Hashes `password` into a PHC string.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    reserve_hashing().await?.hash(password).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ann() -> Email {
        Email::parse("ann.lee@example.com").unwrap()
    }

    fn problem_with(password: &str, min_chars: usize) -> Option<Problem> {
        match check_new_password(password, &ann(), min_chars) {
            Ok(()) => None,
            Err(AppError::Invalid { field, problem }) if field == "password" => Some(problem),
            Err(other) => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn a_new_password_is_long_enough_but_not_too_long() {
        assert_eq!(
            problem_with("eleven char", 12),
            Some(Problem::TooShort { min: 12 })
        );
        assert_eq!(problem_with("twelve chars", 12), None);
        assert_eq!(
            problem_with("twelve chars", 16),
            Some(Problem::TooShort { min: 16 })
        );
        assert_eq!(
            problem_with(&"ж".repeat(256), 12),
            None,
            "characters, not bytes"
        );
        assert_eq!(
            problem_with(&"x".repeat(257), 12),
            Some(Problem::TooLong { max: 256 })
        );
    }

    #[test]
    fn a_new_password_is_neither_the_e_mail_nor_a_common_one() {
        assert_eq!(
            problem_with("Ann.Lee@Example.com", 12),
            Some(Problem::SameAsEmail)
        );
        assert_eq!(
            problem_with("1qaz2wsx3edc", 12),
            Some(Problem::CommonPassword)
        );
        assert_eq!(
            problem_with("Q1W2E3R4T5Y6", 12),
            Some(Problem::CommonPassword)
        );
        assert_eq!(problem_with("a long enough password", 12), None);
    }

    #[tokio::test]
    async fn a_password_verifies_against_its_own_hash_only() {
        let hash = hash_password("correct horse battery".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        let place = reserve_hashing().await.unwrap();
        let right = place.verify("correct horse battery".into(), Some(hash.clone()));
        assert!(right.await.unwrap());
        let wrong = place.verify("wrong horse battery".into(), Some(hash));
        assert!(!wrong.await.unwrap());
        assert!(!place.verify("anything".into(), None).await.unwrap());
    }

    #[tokio::test]
    async fn a_burst_beyond_the_queue_is_turned_away_and_every_accepted_hash_completes() {
        let pool = Arc::new(HashingPool::start(1, 3, Duration::ZERO));
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..12 {
            let pool = Arc::clone(&pool);
            tasks.spawn(async move { pool.reserve().await?.verify("guess".into(), None).await });
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
            "beyond one hashing and three waiting, all are turned away: {answers:?}"
        );
        assert!(
            verified >= 3,
            "the queue's requests all get their answer: {answers:?}"
        );
        assert_eq!(busy + verified, 12, "{answers:?}");
    }

    #[tokio::test]
    async fn a_request_waits_its_turn_for_a_place_instead_of_being_turned_away() {
        let pool = Arc::new(HashingPool::start(1, 0, Duration::from_secs(5)));
        let first = pool.reserve().await.unwrap();
        let waiting = {
            let pool = Arc::clone(&pool);
            tokio::spawn(async move { pool.reserve().await?.verify("guess".into(), None).await })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!waiting.is_finished(), "the only place is held");
        drop(first);
        assert_eq!(waiting.await.unwrap(), Ok(false));
        let impatient = HashingPool::start(1, 0, Duration::from_millis(10));
        let _held = impatient.reserve().await.unwrap();
        assert!(matches!(
            impatient.reserve().await,
            Err(AppError::Busy { .. })
        ));
    }

    #[test]
    fn hashes_made_by_the_argon2_crate_itself_still_verify() {
        use argon2::password_hash::PasswordHasher;
        let salt = SaltString::generate(&mut OsRng);
        let cheaper = Params::new(8 * 1024, 1, 1, None).unwrap();
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, cheaper);
        let hash = argon2
            .hash_password(b"an older hash", &salt)
            .unwrap()
            .to_string();
        let mut memory = vec![Block::default(); params().block_count()];
        assert!(verify_with(&mut memory, "an older hash", &hash));
        assert!(!verify_with(&mut memory, "another password", &hash));
        assert!(!verify_with(&mut memory, "an older hash", "not a hash"));
    }
}
