//! A limit per client address on the requests that check a password or send a reset
//! link: signing in, "Forgot your password?", and setting a password through a link.
//! An address trying faster than the limit is answered 429 with `Retry-After` before
//! any hashing or mail. (Failures per user are counted by `lockout`.)

use crate::error::AppError;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

/// The attempts a minute one address may make, unless the server is told otherwise.
pub const DEFAULT_ATTEMPTS_PER_MINUTE: u32 = 30;

/// The limit, shared by every request of a server; no limit at all when built with 0.
#[derive(Clone)]
pub struct AttemptLimit(Option<Arc<DefaultKeyedRateLimiter<IpAddr>>>);

impl AttemptLimit {
    /// `per_minute` attempts a minute per address, all of them at once if need be.
    pub fn per_minute(per_minute: u32) -> Self {
        Self(
            NonZeroU32::new(per_minute)
                .map(|rate| Arc::new(RateLimiter::keyed(Quota::per_minute(rate)))),
        )
    }

    /// Counts an attempt from `addr`; 429 when that address is over its limit. A
    /// request without a known address is not limited here.
    pub fn check(&self, addr: Option<IpAddr>) -> Result<(), AppError> {
        let (Some(limiter), Some(addr)) = (&self.0, addr) else {
            return Ok(());
        };
        limiter.check_key(&addr).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            AppError::TooManyAttempts {
                retry_after_secs: u32::try_from(wait.as_secs().max(1)).unwrap_or(u32::MAX),
            }
        })
    }

    /// Forgets the addresses that have not tried for a while, so the limit's memory
    /// follows the addresses trying now.
    pub fn forget_idle(&self) {
        if let Some(limiter) = &self.0 {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_over_its_limit_is_told_when_to_come_back_and_others_are_not_affected() {
        let limit = AttemptLimit::per_minute(3);
        let one: IpAddr = "192.0.2.1".parse().unwrap();
        let other: IpAddr = "192.0.2.2".parse().unwrap();
        for _ in 0..3 {
            assert_eq!(limit.check(Some(one)), Ok(()));
        }
        match limit.check(Some(one)) {
            Err(AppError::TooManyAttempts { retry_after_secs }) => {
                assert!((1..=20).contains(&retry_after_secs), "{retry_after_secs}");
            }
            other => panic!("expected 429, got {other:?}"),
        }
        assert_eq!(limit.check(Some(other)), Ok(()));
        assert_eq!(limit.check(None), Ok(()), "no address, no limit");
    }

    #[test]
    fn a_limit_of_zero_limits_nothing() {
        let limit = AttemptLimit::per_minute(0);
        let one: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 0..1_000 {
            assert_eq!(limit.check(Some(one)), Ok(()));
        }
    }
}
