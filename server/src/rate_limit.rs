//! Requests per minute per API token. With `REDIS_URL` set, every server process counts in
//! one Redis, so the limit holds in total however many processes serve; without it, each
//! process counts alone and allows the limit by itself. A Redis that does not answer within
//! `REDIS_TIMEOUT` is skipped for that request (counted in this process instead, and logged):
//! a broken limiter must not take the API down with it.

use redis::aio::ConnectionManager;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::OnceCell;
use uuid::Uuid;

const WINDOW: Duration = Duration::from_secs(60);
const REDIS_TIMEOUT: Duration = Duration::from_millis(250);

#[derive(Clone)]
pub struct RateLimiter {
    per_minute: u32,
    windows: Arc<Mutex<HashMap<Uuid, (Instant, u32)>>>,
    shared: Option<Shared>,
}

/// The Redis every process counts in, connected on first use (so a server starts while Redis
/// does) and reconnected by the connection manager after Redis restarts.
#[derive(Clone)]
struct Shared {
    client: redis::Client,
    connection: Arc<OnceCell<ConnectionManager>>,
}

impl RateLimiter {
    /// Counts in this process alone.
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            windows: Arc::default(),
            shared: None,
        }
    }

    /// Counts in the Redis at `url`, shared by every process given the same.
    pub fn shared(per_minute: u32, url: &str) -> Result<Self, redis::RedisError> {
        Ok(Self {
            shared: Some(Shared {
                client: redis::Client::open(url)?,
                connection: Arc::default(),
            }),
            ..Self::new(per_minute)
        })
    }

    /// Counts a request by `key`; `Err(seconds)` until the window resets once over the limit.
    pub async fn check(&self, key: Uuid) -> Result<(), u32> {
        if let Some(shared) = &self.shared {
            match tokio::time::timeout(REDIS_TIMEOUT, shared.count(key)).await {
                Ok(Ok((count, left))) => return self.verdict(count, left),
                Ok(Err(e)) => tracing::warn!(error = %e, "rate limit: Redis failed; counting here"),
                Err(_) => tracing::warn!("rate limit: Redis did not answer; counting here"),
            }
        }
        self.check_local(key)
    }

    fn verdict(&self, count: u64, left: Duration) -> Result<(), u32> {
        if count > u64::from(self.per_minute) {
            Err(left.as_secs().max(1) as u32)
        } else {
            Ok(())
        }
    }

    fn check_local(&self, key: Uuid) -> Result<(), u32> {
        let now = Instant::now();
        // A poisoned lock only means another request panicked mid-count; the map is still sound.
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() > 10_000 {
            windows.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let (start, count) = windows.entry(key).or_insert((now, 0));
        if now.duration_since(*start) >= WINDOW {
            *start = now;
            *count = 0;
        }
        *count += 1;
        self.verdict(
            u64::from(*count),
            WINDOW.saturating_sub(now.duration_since(*start)),
        )
    }
}

impl Shared {
    /// Counts `key` in the current minute of the clock (the same minute in every process);
    /// answers the count and the time left in that minute.
    async fn count(&self, key: Uuid) -> Result<(u64, Duration), redis::RedisError> {
        let mut connection = self
            .connection
            .get_or_try_init(|| ConnectionManager::new(self.client.clone()))
            .await?
            .clone();
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        let minute = now / WINDOW.as_secs();
        let name = format!("wd:rate:{key}:{minute}");
        let (count,): (u64,) = redis::pipe()
            .atomic()
            .incr(&name, 1)
            .expire(&name, WINDOW.as_secs() as i64 + 1)
            .ignore()
            .query_async(&mut connection)
            .await?;
        let left = WINDOW.as_secs() - now % WINDOW.as_secs();
        Ok((count, Duration::from_secs(left)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_key_is_refused_past_its_limit_and_others_are_not() {
        let limiter = RateLimiter::new(3);
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        for _ in 0..3 {
            assert!(limiter.check(a).await.is_ok());
        }
        let wait = limiter.check(a).await.unwrap_err();
        assert!((1..=60).contains(&wait));
        assert!(limiter.check(b).await.is_ok());
    }

    #[tokio::test]
    async fn an_unreachable_redis_falls_back_to_counting_here() {
        // Nothing listens on port 1.
        let limiter = RateLimiter::shared(2, "redis://127.0.0.1:1").unwrap();
        let key = Uuid::now_v7();
        assert!(limiter.check(key).await.is_ok());
        assert!(limiter.check(key).await.is_ok());
        assert!(limiter.check(key).await.is_err());
    }
}
