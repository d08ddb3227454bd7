//! A real SMTP server for tests: it speaks enough of RFC 5321 for any client (EHLO, MAIL,
//! RCPT, DATA, RSET, NOOP, QUIT), keeps what it receives, and can be told to refuse for a while
//! with a temporary error, to exercise retries.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// The message as sent, headers and MIME parts included.
    pub raw: String,
}

impl Received {
    /// The message with quoted-printable soft breaks and `=3D` undone, enough to find links
    /// and codes in either part.
    pub fn decoded(&self) -> String {
        self.raw.replace("=\r\n", "").replace("=3D", "=")
    }

    pub fn subject(&self) -> String {
        self.raw
            .lines()
            .find_map(|l| l.strip_prefix("Subject: "))
            .unwrap_or_default()
            .to_string()
    }

    /// The `Message-ID` header: the same for every copy of one message, however often a relay
    /// had to send it.
    pub fn message_id(&self) -> Option<String> {
        self.raw
            .lines()
            .take_while(|l| !l.is_empty())
            .find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("message-id")
                    .then(|| value.trim().to_string())
            })
    }

    /// The first URL containing `marker`, up to whitespace or a quote.
    pub fn link(&self, marker: &str) -> Option<String> {
        let text = self.decoded();
        let at = text.find(marker)?;
        let start = text[..at].rfind("http")?;
        let end = text[start..]
            .find(|c: char| c.is_whitespace() || c == '"' || c == '<')
            .map_or(text.len(), |e| start + e);
        Some(text[start..end].to_string())
    }

    /// The first run of exactly six digits after `after`.
    pub fn code_after(&self, after: &str) -> Option<String> {
        let text = self.decoded();
        let from = text.find(after)? + after.len();
        let bytes = &text.as_bytes()[from..];
        (0..bytes.len().saturating_sub(5)).find_map(|i| {
            let window = &bytes[i..i + 6];
            let bounded = (i == 0 || !bytes[i - 1].is_ascii_digit())
                && bytes.get(i + 6).is_none_or(|b| !b.is_ascii_digit());
            (bounded && window.iter().all(u8::is_ascii_digit))
                .then(|| String::from_utf8_lossy(window).into_owned())
        })
    }
}

#[derive(Clone)]
pub struct MailSink {
    pub port: u16,
    inbox: Arc<Mutex<Vec<Received>>>,
    refuse: Arc<AtomicUsize>,
}

impl MailSink {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind smtp");
        let port = listener.local_addr().expect("addr").port();
        let sink = Self {
            port,
            inbox: Arc::default(),
            refuse: Arc::default(),
        };
        let accepting = sink.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let s = accepting.clone();
                tokio::spawn(async move {
                    let _ = s.session(stream).await;
                });
            }
        });
        sink
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The next `n` messages are refused with `451` (try again later).
    pub fn refuse_next(&self, n: usize) {
        self.refuse.store(n, Ordering::SeqCst);
    }

    pub fn all(&self) -> Vec<Received> {
        self.inbox.lock().expect("inbox").clone()
    }

    /// Takes a message a helper has used (a sign-up link) out of the inbox, so a test counts
    /// only the mail its own steps cause.
    pub fn discard(&self, message: &Received) {
        self.inbox
            .lock()
            .expect("inbox")
            .retain(|m| m.raw != message.raw);
    }

    pub fn to(&self, address: &str) -> Vec<Received> {
        self.all()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t == address))
            .collect()
    }

    /// Waits up to 10 s for the `nth` (1-based) message to `address`.
    pub async fn wait_for(&self, address: &str, nth: usize) -> Received {
        for _ in 0..200 {
            if let Some(m) = self.to(address).into_iter().nth(nth - 1) {
                return m;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "no message #{nth} to {address}; inbox: {:?}",
            self.all()
                .iter()
                .map(|m| (m.to.clone(), m.subject()))
                .collect::<Vec<_>>()
        );
    }

    async fn session(&self, stream: TcpStream) -> std::io::Result<()> {
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read);
        write.write_all(b"220 sink.test ESMTP\r\n").await?;
        let (mut from, mut to) = (String::new(), Vec::new());
        let mut line = String::new();
        loop {
            line.clear();
            if lines.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            let command = line.trim_end().to_string();
            let verb = command
                .split([' ', ':'])
                .next()
                .unwrap_or_default()
                .to_ascii_uppercase();
            let reply: &[u8] = match verb.as_str() {
                "EHLO" => b"250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n",
                "HELO" | "NOOP" => b"250 OK\r\n",
                "RSET" => {
                    (from, to) = (String::new(), Vec::new());
                    b"250 OK\r\n"
                }
                "MAIL" => {
                    let refused = self
                        .refuse
                        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                        .is_ok();
                    if refused {
                        b"451 4.3.0 try again later\r\n"
                    } else {
                        from = address_in(&command);
                        b"250 OK\r\n"
                    }
                }
                "RCPT" => {
                    to.push(address_in(&command));
                    b"250 OK\r\n"
                }
                "DATA" => {
                    write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
                    let mut raw = String::new();
                    loop {
                        line.clear();
                        if lines.read_line(&mut line).await? == 0 {
                            return Ok(());
                        }
                        if line == ".\r\n" || line == ".\n" {
                            break;
                        }
                        // Dot-stuffing (RFC 5321 4.5.2).
                        raw.push_str(line.strip_prefix('.').unwrap_or(&line));
                    }
                    self.inbox.lock().expect("inbox").push(Received {
                        from: std::mem::take(&mut from),
                        to: std::mem::take(&mut to),
                        raw,
                    });
                    b"250 OK queued\r\n"
                }
                "QUIT" => {
                    write.write_all(b"221 bye\r\n").await?;
                    return Ok(());
                }
                _ => b"502 command not implemented\r\n",
            };
            write.write_all(reply).await?;
        }
    }
}

fn address_in(command: &str) -> String {
    command
        .split_once('<')
        .and_then(|(_, rest)| rest.split_once('>'))
        .map(|(addr, _)| addr.to_string())
        .unwrap_or_default()
}
