//! Where a webhook may send: http(s) URLs whose host resolves to public addresses only. A
//! webhook must not become a way to reach the service's own network (loopback, private and
//! link-local ranges, the cloud metadata address), so the check runs when a webhook is made or
//! changed and again before every attempt, against the addresses the request then connects to
//! (a name that resolved to a public address at creation may resolve elsewhere later).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use ipnet::{Ipv4Net, Ipv6Net};

/// The longest webhook URL, in characters.
pub const MAX_URL_CHARS: usize = 2_000;

/// Why a URL cannot be a webhook's target.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("the URL must be an absolute http(s) URL of at most {MAX_URL_CHARS} characters")]
    NotHttp,
    #[error("the URL's host cannot be resolved")]
    Unresolved,
    #[error("the URL's host resolves to {0}, a loopback, private, link-local or reserved address")]
    Private(IpAddr),
}

/// A syntactically good webhook URL: http or https, a host, no spaces, bounded.
pub fn parse(text: &str) -> Result<url::Url, Refused> {
    let text = text.trim();
    if text.chars().count() > MAX_URL_CHARS {
        return Err(Refused::NotHttp);
    }
    let url = url::Url::parse(text).map_err(|_| Refused::NotHttp)?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(Refused::NotHttp);
    }
    Ok(url)
}

/// The addresses a request to `url` would connect to, each checked (unless `allow_private`).
pub async fn resolve(url: &url::Url, allow_private: bool) -> Result<Vec<SocketAddr>, Refused> {
    let port = url.port_or_known_default().ok_or(Refused::NotHttp)?;
    let addrs: Vec<SocketAddr> = match url.host() {
        Some(url::Host::Ipv4(ip)) => vec![SocketAddr::new(ip.into(), port)],
        Some(url::Host::Ipv6(ip)) => vec![SocketAddr::new(ip.into(), port)],
        Some(url::Host::Domain(name)) => tokio::net::lookup_host((name, port))
            .await
            .map_err(|_| Refused::Unresolved)?
            .collect(),
        None => return Err(Refused::NotHttp),
    };
    if addrs.is_empty() {
        return Err(Refused::Unresolved);
    }
    if !allow_private && let Some(bad) = addrs.iter().find(|a| !is_public(a.ip())) {
        return Err(Refused::Private(bad.ip()));
    }
    Ok(addrs)
}

/// Whether an address is on the public internet: not loopback, private (RFC 1918, unique
/// local), shared (CGNAT), link-local (which holds the metadata address 169.254.169.254),
/// unspecified, multicast, broadcast, documentation or otherwise reserved. IPv6 addresses that
/// carry an IPv4 one (mapped, NAT64) are judged by it.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

const BLOCKED_V4: &[&str] = &[
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.88.99.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "224.0.0.0/4",
    "240.0.0.0/4",
];

const BLOCKED_V6: &[&str] = &[
    "::/128",
    "::1/128",
    "100::/64",
    "2001:db8::/32",
    "fc00::/7",
    "fe80::/10",
    "fec0::/10",
    "ff00::/8",
];

fn is_public_v4(ip: Ipv4Addr) -> bool {
    !BLOCKED_V4.iter().any(|net| {
        net.parse::<Ipv4Net>()
            .is_ok_and(|net: Ipv4Net| net.contains(&ip))
    })
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    // NAT64's well-known prefix, 64:ff9b::/96.
    if ip.segments()[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let [.., a, b, c, d] = ip.octets();
        return is_public_v4(Ipv4Addr::new(a, b, c, d));
    }
    !BLOCKED_V6.iter().any(|net| {
        net.parse::<Ipv6Net>()
            .is_ok_and(|net: Ipv6Net| net.contains(&ip))
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn private_and_reserved_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.20.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a9fe:a9fe",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip} counted as public");
        }
        for ip in [
            "93.184.215.14",
            "1.1.1.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public(ip.parse().unwrap()), "{ip} counted as private");
        }
    }

    #[test]
    fn only_http_urls_with_a_host_parse() {
        assert!(parse("https://hooks.example.org/x").is_ok());
        assert!(parse(" http://example.org ").is_ok());
        for bad in [
            "ftp://example.org",
            "file:///etc/passwd",
            "example.org",
            "http://",
            "",
        ] {
            assert_eq!(parse(bad), Err(Refused::NotHttp), "{bad}");
        }
    }

    #[tokio::test]
    async fn literal_private_addresses_are_refused_unless_allowed() {
        let url = parse("http://127.0.0.1:9/hook").unwrap();
        assert!(matches!(
            resolve(&url, false).await,
            Err(Refused::Private(_))
        ));
        assert!(resolve(&url, true).await.is_ok());
        let metadata = parse("http://169.254.169.254/latest/meta-data").unwrap();
        assert!(matches!(
            resolve(&metadata, false).await,
            Err(Refused::Private(_))
        ));
        let localhost = parse("http://localhost:9/").unwrap();
        assert!(matches!(
            resolve(&localhost, false).await,
            Err(Refused::Private(_))
        ));
    }
}
