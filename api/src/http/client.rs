//! The client's address, which per-address throttles count by: the TCP peer, unless the peer is
//! one of `--trusted-proxies` (a load balancer in front of the replicas), in which case the
//! address that proxy reports in `X-Forwarded-For`. The header is read from the right, skipping
//! trusted proxies, so a client cannot choose its address by sending the header itself: what it
//! writes sits left of what the proxies append. From any other peer the header is ignored.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;

/// The address a request is counted under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

/// The client of a request that came from `peer`.
pub fn client_address(trusted: &[IpNet], peer: IpAddr, headers: &HeaderMap) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    // Every X-Forwarded-For header, in order, as one list of hops.
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Ok(ip) = hop.parse::<IpAddr>() else {
            // A hop that is no address ends what can be believed.
            break;
        };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    client
}

/// Adds the [`ClientAddress`] to each request that carries its TCP peer.
pub async fn resolve(
    State(trusted): State<Arc<Vec<IpNet>>>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    if let Some(peer) = peer {
        let client = client_address(&trusted, peer, request.headers());
        request.extensions_mut().insert(ClientAddress(client));
    }
    next.run(request).await
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("x-forwarded-for", value.parse().expect("a header value"));
        }
        headers
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an address")
    }

    #[test]
    fn only_a_trusted_peer_is_believed_and_only_from_the_right() {
        let trusted = vec![
            crate::config::parse_proxy("10.0.0.0/8").expect("a network"),
            crate::config::parse_proxy("192.0.2.7").expect("an address"),
        ];
        // Not a proxy: the header is the client's own word, ignored.
        assert_eq!(
            client_address(&trusted, ip("203.0.113.9"), &headers(&["198.51.100.1"])),
            ip("203.0.113.9")
        );
        // Through two proxies; the client's forged first hop is left of the real one.
        assert_eq!(
            client_address(
                &trusted,
                ip("10.1.2.3"),
                &headers(&["1.1.1.1, 198.51.100.1", "192.0.2.7"])
            ),
            ip("198.51.100.1")
        );
        // No header, or nonsense in it: the proxy's own address.
        assert_eq!(
            client_address(&trusted, ip("10.1.2.3"), &HeaderMap::new()),
            ip("10.1.2.3")
        );
        assert_eq!(
            client_address(&trusted, ip("10.1.2.3"), &headers(&["1.1.1.1, nonsense"])),
            ip("10.1.2.3")
        );
    }
}
