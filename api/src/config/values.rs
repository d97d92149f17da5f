//! Parsers of settings whose values clap cannot check by type alone.

use std::net::IpAddr;

use ipnet::IpNet;

/// Parses one `--trusted-proxies` entry: a network (`10.0.0.0/8`) or one address.
pub fn parse_proxy(entry: &str) -> Result<IpNet, String> {
    let entry = entry.trim();
    entry
        .parse::<IpNet>()
        .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("`{entry}` is neither an address nor a network (CIDR)"))
}

/// `--public-url`: an http(s) address, kept without a trailing slash.
pub fn parse_public_url(text: &str) -> Result<String, String> {
    let url = text.trim().trim_end_matches('/');
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("`{text}` is not an http(s) address"))?;
    if rest.is_empty() || rest.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("`{text}` is not an http(s) address"));
    }
    Ok(url.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxies_are_networks_or_addresses() {
        assert!(parse_proxy("10.0.0.0/8").is_ok());
        assert!(parse_proxy(" 192.0.2.7 ").is_ok());
        assert!(parse_proxy("10.0.0.0/33").is_err());
        assert!(parse_proxy("example.com").is_err());
    }

    #[test]
    fn public_urls_are_http_addresses_without_a_trailing_slash() {
        assert_eq!(
            parse_public_url("https://papers.example.org/").as_deref(),
            Ok("https://papers.example.org")
        );
        assert!(parse_public_url("ftp://papers.example.org").is_err());
        assert!(parse_public_url("https://").is_err());
    }
}
