//! Who is on the other end of a request: the peer's address from the connection and, when that
//! peer is a proxy witan was told to trust, the client address and scheme the proxy reports.
//!
//! `X-Forwarded-For` and `X-Forwarded-Proto` are only text a client can write itself. Believed
//! from anyone, one request could choose the scheme of the open data ids the page cache then
//! hands to everyone, mark cookies for a scheme the reader is not using, or pick the address the
//! sign-in limits count against. So they are read only from a peer in `trusted_proxies`, and
//! everything that needs the client's address or scheme asks [`Client`], here and nowhere else.

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap};
use ipnet::IpNet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

/// The proxies whose forwarding headers witan believes: addresses and CIDR ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Arc<[IpNet]>);

impl TrustedProxies {
    /// Reads addresses ("192.0.2.7", "::1") and CIDR ranges ("10.0.0.0/8", "fd00::/8"); the
    /// error names the entry that is neither.
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<Self, String> {
        entries
            .iter()
            .map(|entry| {
                let entry = entry.as_ref().trim();
                entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map(|net| net.trunc())
                    .map_err(|_| {
                        format!("\"{entry}\" is not an IP address or a CIDR range like 10.0.0.0/8")
                    })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|nets| Self(nets.into()))
    }

    /// Whether `address` is one of the trusted proxies.
    pub fn contains(&self, address: IpAddr) -> bool {
        let address = address.to_canonical();
        self.0.iter().any(|net| net.contains(&address))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The client of a request as far as witan can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client {
    /// The client's address: the peer's, or what a trusted proxy reports.
    pub address: IpAddr,
    /// Whether the client reached the site over TLS, which only a trusted proxy can say:
    /// witan itself serves plain HTTP.
    pub https: bool,
}

impl Client {
    /// The client of a request with these headers and extensions. Without connection
    /// information (a router called directly, as in tests) the peer is the unspecified address.
    pub fn of(headers: &HeaderMap, extensions: &Extensions, trusted: &TrustedProxies) -> Self {
        let peer = extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| {
                info.0.ip().to_canonical()
            });
        if !trusted.contains(peer) {
            return Self {
                address: peer,
                https: false,
            };
        }
        Self {
            address: forwarded_for(headers, trusted).unwrap_or(peer),
            https: last_value(headers, "x-forwarded-proto")
                .is_some_and(|proto| proto.eq_ignore_ascii_case("https")),
        }
    }

    /// "https" or "http".
    pub fn scheme(&self) -> &'static str {
        if self.https { "https" } else { "http" }
    }
}

/// The client of a request, under any state that says which proxies to believe.
impl<S: Send + Sync> FromRequestParts<S> for Client
where
    TrustedProxies: FromRef<S>,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self::of(
            &parts.headers,
            &parts.extensions,
            &TrustedProxies::from_ref(state),
        ))
    }
}

/// The comma-separated values of every `name` header, in order.
fn values<'a>(headers: &'a HeaderMap, name: &str) -> impl DoubleEndedIterator<Item = &'a str> {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
}

/// The last value of a header: the one the proxy next to witan wrote.
fn last_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    values(headers, name).next_back()
}

/// The client a chain of trusted proxies reports: the right-most `X-Forwarded-For` entry that is
/// not itself a trusted proxy (entries to its left could have been written by anyone). An entry
/// that is not an address ends the walk at the hop that wrote it; a chain of trusted proxies
/// only reports its first.
fn forwarded_for(headers: &HeaderMap, trusted: &TrustedProxies) -> Option<IpAddr> {
    let mut last = None;
    for entry in values(headers, "x-forwarded-for").rev() {
        let Some(address) = parse_hop(entry) else {
            return last;
        };
        if !trusted.contains(address) {
            return Some(address);
        }
        last = Some(address);
    }
    last
}

/// An address as proxies write it: bare, or with a port ("192.0.2.7:5123", "[2001:db8::1]:443").
fn parse_hop(entry: &str) -> Option<IpAddr> {
    entry
        .parse::<IpAddr>()
        .or_else(|_| entry.parse::<SocketAddr>().map(|s| s.ip()))
        .ok()
        .map(|ip| ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn request(
        peer: Option<&str>,
        forwarded: &[(&'static str, &'static str)],
    ) -> (HeaderMap, Extensions) {
        let mut headers = HeaderMap::new();
        for (name, value) in forwarded {
            headers.append(*name, HeaderValue::from_static(value));
        }
        let mut extensions = Extensions::new();
        if let Some(peer) = peer {
            extensions.insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
        }
        (headers, extensions)
    }

    #[test]
    fn forwarding_headers_count_only_from_trusted_proxies() {
        let trusted = TrustedProxies::parse(&["10.0.0.0/8", "192.0.2.7"]).unwrap();
        let spoofed = [
            ("x-forwarded-for", "203.0.113.5"),
            ("x-forwarded-proto", "https"),
        ];
        let (h, e) = request(Some("198.51.100.1:4000"), &spoofed);
        assert_eq!(
            Client::of(&h, &e, &trusted),
            Client {
                address: "198.51.100.1".parse().unwrap(),
                https: false
            }
        );
        let (h, e) = request(None, &spoofed);
        assert_eq!(
            Client::of(&h, &e, &trusted),
            Client {
                address: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
                https: false
            },
            "without connection information the peer is unspecified and untrusted"
        );
        let (h, e) = request(Some("10.1.2.3:4000"), &spoofed);
        assert_eq!(
            Client::of(&h, &e, &trusted),
            Client {
                address: "203.0.113.5".parse().unwrap(),
                https: true
            }
        );
    }

    #[test]
    fn the_client_is_the_right_most_untrusted_forwarded_entry() {
        let trusted = TrustedProxies::parse(&["10.0.0.0/8", "192.0.2.7"]).unwrap();
        // A client that writes its own X-Forwarded-For gets it appended to, not believed.
        let (h, e) = request(
            Some("10.0.0.2:80"),
            &[
                ("x-forwarded-for", "1.1.1.1, 203.0.113.5"),
                ("x-forwarded-for", "192.0.2.7, 10.0.0.9"),
                ("x-forwarded-proto", "http, https"),
            ],
        );
        assert_eq!(
            Client::of(&h, &e, &trusted),
            Client {
                address: "203.0.113.5".parse().unwrap(),
                https: true
            }
        );
        let (h, e) = request(
            Some("[::ffff:10.0.0.2]:80"),
            &[("x-forwarded-for", "rubbish, [2001:db8::1]:443, 10.0.0.3")],
        );
        assert_eq!(
            Client::of(&h, &e, &trusted).address,
            "2001:db8::1".parse::<IpAddr>().unwrap()
        );
        let (h, e) = request(
            Some("10.0.0.2:80"),
            &[("x-forwarded-for", "rubbish, 10.0.0.3")],
        );
        assert_eq!(
            Client::of(&h, &e, &trusted).address,
            "10.0.0.3".parse::<IpAddr>().unwrap(),
            "an entry that is not an address ends the walk at the proxy that wrote it"
        );
        let (h, e) = request(Some("10.0.0.2:80"), &[]);
        assert_eq!(
            Client::of(&h, &e, &trusted).address,
            "10.0.0.2".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn trusted_proxies_name_an_entry_they_cannot_read() {
        assert_eq!(
            TrustedProxies::parse(&["10.0.0.0/8", "10.0.0.0/33"]).unwrap_err(),
            "\"10.0.0.0/33\" is not an IP address or a CIDR range like 10.0.0.0/8"
        );
        let v6 = TrustedProxies::parse(&["fd00::/8", "::1"]).unwrap();
        assert!(v6.contains("fd12::1".parse().unwrap()));
        assert!(v6.contains("::1".parse().unwrap()));
        assert!(!v6.contains("2001:db8::1".parse().unwrap()));
    }
}
