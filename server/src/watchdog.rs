//! Defence in depth against a wedged process (issue 11).
//!
//! Each runtime that serves requests runs a task that beats once a second. A plain OS thread, outside every async runtime, checks the
//! beats: when one has been silent for the configured time, nothing on that runtime is being
//! polled, so the process logs why and aborts for its supervisor to restart it. The same thread
//! gives SIGTERM a hard deadline, which the graceful shutdown cannot when its runtime is stuck,
//! and, under systemd, sends `WATCHDOG=1` only while every beat is fresh.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BEAT_EVERY: Duration = Duration::from_secs(1);

/// The beats the watchdog reads, each named for its log line.
pub struct Heartbeats {
    epoch: Instant,
    beats: Mutex<Vec<(String, Beat)>>,
}

/// One runtime's last sign of life, in milliseconds since the epoch of its `Heartbeats`.
#[derive(Clone)]
pub struct Beat {
    epoch: Instant,
    last_ms: Arc<AtomicU64>,
}

impl Beat {
    fn touch(&self) {
        self.last_ms
            .store(millis(self.epoch.elapsed()), Ordering::Relaxed);
    }

    fn silent_for(&self) -> Duration {
        let last = Duration::from_millis(self.last_ms.load(Ordering::Relaxed));
        self.epoch.elapsed().saturating_sub(last)
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl Heartbeats {
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            epoch: Instant::now(),
            beats: Mutex::new(Vec::new()),
        })
    }

    /// A new beat, fresh from now; the runtime it belongs to must run [`beat`] with it.
    pub fn register(&self, name: impl Into<String>) -> Beat {
        let beat = Beat {
            epoch: self.epoch,
            last_ms: Arc::new(AtomicU64::new(millis(self.epoch.elapsed()))),
        };
        self.beats
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((name.into(), beat.clone()));
        beat
    }

    /// The longest-silent beat and how long it has been silent.
    fn most_silent(&self) -> Option<(String, Duration)> {
        self.beats
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .map(|(name, beat)| (name.clone(), beat.silent_for()))
            .max_by_key(|(_, silent)| *silent)
    }
}

/// The task that keeps one runtime's beat fresh; it runs for the life of the runtime.
pub async fn beat(beat: Beat) {
    let mut every = tokio::time::interval(BEAT_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        beat.touch();
    }
}

/// What the watchdog thread enforces.
pub struct Limits {
    /// A beat silent this long aborts the process; zero turns the check off.
    pub stall: Duration,
    /// After SIGTERM or SIGINT, the process exits by this time even if shutdown is stuck.
    pub shutdown: Duration,
}

/// Starts the watchdog thread. Signal registration failing is logged, not fatal: the process
/// then lacks only the hard shutdown deadline.
pub fn start(beats: Arc<Heartbeats>, limits: Limits) -> std::io::Result<()> {
    let stopping = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        if let Err(e) = signal_hook::flag::register(signal, Arc::clone(&stopping)) {
            tracing::warn!(error = %e, signal, "watchdog cannot watch for this signal");
        }
    }
    let systemd = sd_notify::watchdog_enabled().is_some();
    let mut watch = Watch::new(beats, limits, stopping);
    std::thread::Builder::new()
        .name("watchdog".into())
        .spawn(move || loop {
            std::thread::sleep(BEAT_EVERY);
            match watch.check() {
                Verdict::Stalled { runtime, silent } => {
                    let secs = silent.as_secs();
                    tracing::error!(%runtime, silent_secs = secs,
                        "a runtime made no progress; aborting so the supervisor restarts the server");
                    eprintln!("workdesk: {runtime} made no progress for {secs} s; aborting so the supervisor restarts the server");
                    std::process::abort();
                }
                Verdict::ShutdownOverdue(after) => {
                    let secs = after.as_secs();
                    tracing::error!(secs, "shutdown did not finish in time; exiting now");
                    eprintln!("workdesk: shutdown did not finish within {secs} s; exiting now");
                    std::process::exit(1);
                }
                // systemd's own watchdog hears from us only while everything beats.
                Verdict::Fine { all_fresh } => {
                    if systemd && all_fresh {
                        let _ = sd_notify::notify(&[sd_notify::NotifyState::Watchdog]);
                    }
                }
            }
        })
        .map(drop)
}

/// What one look at the beats found.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing to do; `all_fresh` when every beat came within the last few seconds.
    Fine { all_fresh: bool },
    /// A runtime stopped polling its heartbeat.
    Stalled { runtime: String, silent: Duration },
    /// A stop signal came this long ago and the process is still here.
    ShutdownOverdue(Duration),
}

/// The watchdog's state between looks.
pub struct Watch {
    beats: Arc<Heartbeats>,
    limits: Limits,
    stopping: Arc<AtomicBool>,
    stop_seen: Option<Instant>,
}

impl Watch {
    pub fn new(beats: Arc<Heartbeats>, limits: Limits, stopping: Arc<AtomicBool>) -> Self {
        Self {
            beats,
            limits,
            stopping,
            stop_seen: None,
        }
    }

    pub fn check(&mut self) -> Verdict {
        if self.stopping.load(Ordering::Relaxed) {
            let since = *self.stop_seen.get_or_insert_with(Instant::now);
            if since.elapsed() >= self.limits.shutdown {
                return Verdict::ShutdownOverdue(self.limits.shutdown);
            }
        }
        match self.beats.most_silent() {
            Some((runtime, silent))
                if !self.limits.stall.is_zero() && silent >= self.limits.stall =>
            {
                Verdict::Stalled { runtime, silent }
            }
            Some((_, silent)) => Verdict::Fine {
                all_fresh: silent < BEAT_EVERY * 3,
            },
            None => Verdict::Fine { all_fresh: true },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn watch(beats: &Arc<Heartbeats>, stall: u64) -> (Watch, Arc<AtomicBool>) {
        let stopping = Arc::new(AtomicBool::new(false));
        let limits = Limits {
            stall: Duration::from_secs(stall),
            shutdown: Duration::from_millis(300),
        };
        (
            Watch::new(Arc::clone(beats), limits, Arc::clone(&stopping)),
            stopping,
        )
    }

    #[test]
    fn a_runtime_that_stops_polling_is_named_and_a_beating_one_is_not() {
        let beats = Heartbeats::new();
        let (mut watch, _) = watch(&beats, 2);
        let healthy = beats.register("healthy runtime");
        let stuck = beats.register("stuck runtime");
        // Two real single-threaded runtimes: one keeps beating, the other's only thread is
        // blocked (as a deadlocked lock blocks it) after its first beat.
        let threads = [(healthy, false), (stuck, true)].map(|(beat, block)| {
            std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async move {
                    let task = tokio::spawn(super::beat(beat));
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    if block {
                        std::thread::sleep(Duration::from_millis(3500));
                    } else {
                        tokio::time::sleep(Duration::from_millis(3500)).await;
                    }
                    task.abort();
                });
            })
        });
        std::thread::sleep(Duration::from_millis(1500));
        assert_eq!(watch.check(), Verdict::Fine { all_fresh: true });
        std::thread::sleep(Duration::from_millis(1500));
        match watch.check() {
            Verdict::Stalled { runtime, silent } => {
                assert_eq!(runtime, "stuck runtime");
                assert!(silent >= Duration::from_secs(2), "{silent:?}");
            }
            other => panic!("expected the stuck runtime to be named, got {other:?}"),
        }
        for t in threads {
            t.join().unwrap();
        }
    }

    #[test]
    fn a_stop_signal_gets_a_deadline_and_zero_turns_the_stall_check_off() {
        let beats = Heartbeats::new();
        let (mut watch, stopping) = watch(&beats, 0);
        let _never_beats = beats.register("silent");
        std::thread::sleep(Duration::from_millis(50));
        assert!(matches!(watch.check(), Verdict::Fine { .. }));
        stopping.store(true, Ordering::Relaxed);
        assert!(
            matches!(watch.check(), Verdict::Fine { .. }),
            "the deadline starts now"
        );
        std::thread::sleep(Duration::from_millis(350));
        assert_eq!(
            watch.check(),
            Verdict::ShutdownOverdue(Duration::from_millis(300))
        );
    }
}
