//! The outbox relay: claims due rows in batches (`FOR UPDATE SKIP LOCKED`, so any number of
//! relays can run), delivers them, and retries failures with exponential backoff until they
//! are parked as dead letters. Delivery is at least once: a crash between sending and
//! committing sends that message again, under the same `Message-ID` (the outbox row's id), so
//! a receiver that keeps Message-IDs (every mail store and client threads and dedupes on it)
//! sees it once.

use crate::config::Config;
use app::backend::db::Db;
use app::backend::mail::OutgoingEmail;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::postgres::PgListener;
use std::time::Duration;
use tokio::sync::watch;
use uuid::Uuid;

/// Rows claimed per transaction.
const BATCH: i64 = 20;
/// Attempts before a row is parked as dead.
pub const MAX_ATTEMPTS: i32 = 8;
/// How often the relay looks for due rows when nothing wakes it (retries come due this way).
const POLL: Duration = Duration::from_secs(5);

pub struct Relay {
    db: Db,
    mailer: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("mail server URL: {0}")]
    SmtpUrl(#[from] lettre::transport::smtp::Error),
    #[error("sender address: {0}")]
    From(#[from] lettre::address::AddressError),
}

/// Why one message was not delivered. Permanent failures are parked at once.
enum Failure {
    Retry(String),
    Permanent(String),
}

impl Relay {
    /// `None` when no mail server is configured: mail then waits in the outbox.
    pub fn from_config(config: &Config) -> Result<Option<Self>, RelayError> {
        let Some(url) = &config.smtp_url else {
            return Ok(None);
        };
        let mailer = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let db = Db::connect_lazy(config.worker_connect_options()?, 2, Duration::from_secs(10));
        Ok(Some(Self {
            db,
            mailer,
            from: config.mail_from.parse()?,
        }))
    }

    /// Delivers until `stop` turns true. Wakes on the outbox's NOTIFY, and polls as a fallback
    /// (for retries coming due, and if the listening connection drops).
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        tracing::info!("outbox relay started");
        let mut listener: Option<PgListener> = None;
        loop {
            if *stop.borrow() {
                break;
            }
            if listener.is_none() {
                listener = match PgListener::connect_with(self.db.pool()).await {
                    Ok(mut l) => match l.listen("outbox").await {
                        Ok(()) => Some(l),
                        Err(e) => {
                            tracing::warn!(error = %e, "outbox relay could not listen");
                            None
                        }
                    },
                    Err(e) => {
                        tracing::warn!(error = %e, "outbox relay could not connect");
                        None
                    }
                };
            }
            // Drain: a full batch means more may be waiting.
            loop {
                match self.deliver_due().await {
                    Ok(n) if n as i64 == BATCH => continue,
                    Ok(_) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "outbox relay pass failed");
                        break;
                    }
                }
            }
            let woken = async {
                match listener.as_mut() {
                    Some(l) => l.recv().await.map(|_| ()),
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                r = woken => if r.is_err() { listener = None },
                () = tokio::time::sleep(POLL) => {},
                _ = stop.changed() => {},
            }
        }
        tracing::info!("outbox relay stopped");
    }

    /// One batch: returns how many rows it handled.
    pub async fn deliver_due(&self) -> Result<usize, sqlx::Error> {
        let mut tx = self.db.begin().await?;
        let rows: Vec<(Uuid, String, serde_json::Value, i32)> = sqlx::query_as(
            "select id, topic, payload, attempts from outbox
              where status = 'pending' and next_attempt_at <= now()
              order by next_attempt_at limit $1
              for update skip locked",
        )
        .bind(BATCH)
        .fetch_all(&mut *tx)
        .await?;
        for (id, topic, payload, attempts) in &rows {
            let outcome = match topic.as_str() {
                "email" => self.send_email(*id, payload.clone()).await,
                other => Err(Failure::Permanent(format!("unknown topic {other}"))),
            };
            let attempts = attempts + 1;
            match outcome {
                Ok(()) => {
                    // The body may hold a secret (a reset link); keep only the envelope.
                    sqlx::query(
                        "update outbox set status = 'sent', sent_at = now(), attempts = $2, last_error = null,
                                payload = jsonb_build_object('to', payload->'to', 'subject', payload->'subject')
                          where id = $1",
                    )
                    .bind(id)
                    .bind(attempts)
                    .execute(&mut *tx)
                    .await?;
                }
                Err(failure) => {
                    let (error, dead) = match failure {
                        Failure::Retry(e) => (e, attempts >= MAX_ATTEMPTS),
                        Failure::Permanent(e) => (e, true),
                    };
                    tracing::warn!(outbox_id = %id, attempts, dead, error = %error, "outbox delivery failed");
                    sqlx::query(
                        "update outbox set attempts = $2, last_error = left($3, 1000),
                                status = case when $4 then 'dead' else 'pending' end,
                                next_attempt_at = now() + make_interval(secs => $5)
                          where id = $1",
                    )
                    .bind(id)
                    .bind(attempts)
                    .bind(&error)
                    .bind(dead)
                    .bind(backoff(attempts).as_secs_f64())
                    .execute(&mut *tx)
                    .await?;
                }
            }
        }
        tx.commit().await?;
        Ok(rows.len())
    }

    async fn send_email(&self, id: Uuid, payload: serde_json::Value) -> Result<(), Failure> {
        let email: OutgoingEmail = serde_json::from_value(payload)
            .map_err(|e| Failure::Permanent(format!("unreadable email payload: {e}")))?;
        let to: Mailbox = email
            .to
            .parse()
            .map_err(|e| Failure::Permanent(format!("bad recipient: {e}")))?;
        let message = Message::builder()
            .message_id(Some(message_id(id, &self.from)))
            .from(self.from.clone())
            .to(to)
            .subject(email.subject)
            .multipart(MultiPart::alternative_plain_html(email.text, email.html))
            .map_err(|e| Failure::Permanent(format!("could not build the message: {e}")))?;
        match self.mailer.send(message).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(Failure::Permanent(e.to_string())),
            Err(e) => Err(Failure::Retry(e.to_string())),
        }
    }
}

/// The same for every attempt at one outbox row, so a resend after a crash is recognisably the
/// same message.
fn message_id(outbox_id: Uuid, from: &Mailbox) -> String {
    format!("<{outbox_id}@{}>", from.email.domain())
}

/// 10 s, 20 s, 40 s ... capped at an hour: a mail server that is down for a while is retried
/// without being hammered.
pub fn backoff(attempts: i32) -> Duration {
    let exp = attempts.clamp(1, 20) as u32 - 1;
    Duration::from_secs((10u64 << exp.min(9)).min(3600))
}

/// Starts the relay beside the web server when configured; returns how to stop it.
pub fn spawn(config: &Config) -> Option<(watch::Sender<bool>, tokio::task::JoinHandle<()>)> {
    if !config.outbox_relay {
        return None;
    }
    match Relay::from_config(config) {
        Ok(Some(relay)) => {
            let (stop_tx, stop_rx) = watch::channel(false);
            Some((stop_tx, tokio::spawn(relay.run(stop_rx))))
        }
        Ok(None) => {
            tracing::warn!("SMTP_URL is not set: email will wait in the outbox");
            None
        }
        Err(e) => {
            tracing::error!(error = %e, "outbox relay not started");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_then_caps() {
        assert_eq!(backoff(1), Duration::from_secs(10));
        assert_eq!(backoff(2), Duration::from_secs(20));
        assert_eq!(backoff(4), Duration::from_secs(80));
        assert_eq!(backoff(30), Duration::from_secs(3600));
    }
}
