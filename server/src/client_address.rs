//! The address a request came from. Behind a reverse proxy every connection is the proxy's:
//! the per-address sign-in throttle would then lump every user together (twenty failures
//! anywhere would lock out everyone) and the audit log would name the proxy. `TRUSTED_PROXIES`
//! names the proxies whose `X-Forwarded-For` is believed; anyone else's is ignored, since a
//! client can send whatever header it likes.

use axum::http::HeaderMap;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

/// Addresses and networks (`10.0.0.0/8`, `127.0.0.1`) of the proxies in front of the server.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl FromStr for TrustedProxies {
    type Err = String;

    /// A comma-separated list; empty trusts no one.
    fn from_str(list: &str) -> Result<Self, Self::Err> {
        list.split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| {
                        format!("{entry:?} is neither an address nor a network (10.0.0.0/8)")
                    })
            })
            .collect::<Result<_, _>>()
            .map(Self)
    }
}

impl TrustedProxies {
    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client's address: the peer itself, unless the peer is a trusted proxy; then the
    /// last address in `X-Forwarded-For` that is not one of ours (each proxy appends the
    /// address it heard from, so everything left of that is the client's to invent).
    pub fn client(&self, peer: SocketAddr, headers: &HeaderMap) -> SocketAddr {
        if !self.trusts(peer.ip()) {
            return peer;
        }
        let forwarded: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        for entry in forwarded.iter().rev() {
            match entry.parse::<IpAddr>() {
                Ok(ip) if self.trusts(ip) => continue,
                Ok(ip) => return SocketAddr::new(ip, 0),
                // Garbage where a proxy should have written: believe nothing further left.
                Err(_) => break,
            }
        }
        peer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in xff {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    fn client(trusted: &str, peer: &str, xff: &[&str]) -> String {
        let peer: SocketAddr = peer.parse().unwrap();
        trusted
            .parse::<TrustedProxies>()
            .unwrap()
            .client(peer, &headers(xff))
            .ip()
            .to_string()
    }

    #[test]
    fn only_a_trusted_peer_is_believed() {
        assert_eq!(client("", "127.0.0.1:9", &["203.0.113.7"]), "127.0.0.1");
        assert_eq!(
            client("10.0.0.0/8", "198.51.100.1:9", &["203.0.113.7"]),
            "198.51.100.1"
        );
        assert_eq!(
            client("127.0.0.1", "127.0.0.1:9", &["203.0.113.7"]),
            "203.0.113.7"
        );
    }

    #[test]
    fn addresses_a_client_wrote_itself_are_skipped() {
        // The client sent "1.2.3.4"; the proxy appended the address it really heard from.
        assert_eq!(
            client("10.0.0.0/8", "10.0.0.2:9", &["1.2.3.4, 203.0.113.7"]),
            "203.0.113.7"
        );
        // Two proxies of ours in a row, and the header split over two lines.
        assert_eq!(
            client(
                "10.0.0.0/8",
                "10.0.0.2:9",
                &["1.2.3.4, 203.0.113.7", "10.0.0.3"]
            ),
            "203.0.113.7"
        );
        assert_eq!(
            client("127.0.0.1", "127.0.0.1:9", &["not an address"]),
            "127.0.0.1"
        );
        assert_eq!(client("127.0.0.1", "127.0.0.1:9", &[]), "127.0.0.1");
    }

    #[test]
    fn a_bad_entry_is_refused_by_name() {
        let e = "10.0.0.0/8, proxy.example"
            .parse::<TrustedProxies>()
            .unwrap_err();
        assert!(e.contains("proxy.example"), "{e}");
        assert!("10.0.0.0/8, ::1, 192.168.1.10"
            .parse::<TrustedProxies>()
            .is_ok());
    }
}
