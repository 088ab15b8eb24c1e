//! Where a harvest may fetch from. A harvested endpoint writes the URLs witan follows (a list's
//! `links.next`, a File's `accessUrl`, a redirect's `Location`), so a hostile one could point
//! witan at a cloud metadata service or an intranet page and have the answer published as a
//! document's text. Two rules stop that, each kept here and nowhere else:
//!
//! - **Origin**: only the origin (scheme, host, port) of the URL the operator gave, and the hosts
//!   the operator allowed (`--allow-host`), are fetched from. [`Scope::permit`] checks every URL
//!   before it is asked for, every redirect hop included; a [`Permitted`] URL can be made nowhere
//!   else, so a fetcher cannot be handed an unchecked one.
//! - **Address**: a host's addresses, as resolved, must be public (not loopback, private,
//!   link-local, unique-local, shared, documentation, multicast … see [`classify`]). The binary's
//!   resolver asks [`Scope::address_rule`] and [`AddressRule::keep`] for the addresses it hands to
//!   the connection, so the address checked is the address connected to (no second look-up a
//!   rebinding DNS server could answer differently).
//!
//! The operator's own choices are trusted: a host allowed by name with `--allow-host`, and the
//! given URL's host when it is an IP address (the operator chose that address, and nobody's DNS
//! stands between it and the connection). A given URL with a host *name* is checked like any
//! other: whoever runs that server also answers for its name, and could make it resolve to
//! 169.254.169.254 halfway through a harvest. To harvest a server on one's own network by name,
//! allow it: `--allow-host oparl.intranet:8080`.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::str::FromStr;
use url::{Host, Url};

/// A kind of address witan does not fetch from unless the operator chose it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonPublic {
    /// 0.0.0.0/8, `::`.
    Unspecified,
    /// 127.0.0.0/8, `::1`.
    Loopback,
    /// 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, local-use NAT64 64:ff9b:1::/48, and the
    /// deprecated site-local fec0::/10.
    Private,
    /// 169.254.0.0/16 (where cloud metadata services answer), fe80::/10.
    LinkLocal,
    /// fc00::/7.
    UniqueLocal,
    /// 100.64.0.0/10, carrier-grade NAT.
    Shared,
    /// 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32, 3fff::/20.
    Documentation,
    /// 198.18.0.0/15.
    Benchmarking,
    /// 224.0.0.0/4, ff00::/8.
    Multicast,
    /// 255.255.255.255.
    Broadcast,
    /// Everything else that is not public unicast: 240.0.0.0/4, 192.0.0.0/24, 192.88.99.0/24,
    /// IPv4-compatible `::a.b.c.d`, 100::/64, Teredo 2001::/32, and IPv6 outside 2000::/3.
    Reserved,
}

impl fmt::Display for NonPublic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Unspecified => "unspecified address",
            Self::Loopback => "loopback address",
            Self::Private => "private address",
            Self::LinkLocal => "link-local address",
            Self::UniqueLocal => "unique-local address",
            Self::Shared => "shared (carrier-grade NAT) address",
            Self::Documentation => "documentation address",
            Self::Benchmarking => "benchmarking address",
            Self::Multicast => "multicast address",
            Self::Broadcast => "broadcast address",
            Self::Reserved => "reserved address",
        })
    }
}

/// What kind of address `ip` is, or `None` for a public unicast address witan may fetch from.
/// IPv6 forms that carry an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::/96`,
/// 6to4 `2002::/16`) are judged by the IPv4 address they reach.
pub fn classify(ip: IpAddr) -> Option<NonPublic> {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

fn classify_v4(ip: Ipv4Addr) -> Option<NonPublic> {
    use NonPublic::*;
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        (0, _, _) => Unspecified,
        (10, _, _) | (172, 16..=31, _) | (192, 168, _) => Private,
        (100, 64..=127, _) => Shared,
        (127, _, _) => Loopback,
        (169, 254, _) => LinkLocal,
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => Documentation,
        (192, 0, 0) | (192, 88, 99) => Reserved,
        (198, 18..=19, _) => Benchmarking,
        (224..=239, _, _) => Multicast,
        _ if ip == Ipv4Addr::BROADCAST => Broadcast,
        (240..=255, _, _) => Reserved,
        _ => return None,
    })
}

fn classify_v6(ip: Ipv6Addr) -> Option<NonPublic> {
    use NonPublic::*;
    if ip.is_unspecified() {
        return Some(Unspecified);
    }
    if ip.is_loopback() {
        return Some(Loopback);
    }
    if let Some(v4) = ip.to_ipv4_mapped() {
        return classify_v4(v4);
    }
    let s = ip.segments();
    let embedded = |hi: u16, lo: u16| {
        let [a, b] = hi.to_be_bytes();
        let [c, d] = lo.to_be_bytes();
        Ipv4Addr::new(a, b, c, d)
    };
    Some(match s {
        [0, 0, 0, 0, 0, 0, _, _] => Reserved,
        [0x64, 0xff9b, 0, 0, 0, 0, hi, lo] => return classify_v4(embedded(hi, lo)),
        [0x64, 0xff9b, 1, ..] => Private,
        [0x100, 0, 0, 0, ..] => Reserved,
        [0x2001, 0xdb8, ..] => Documentation,
        [0x2001, 0, ..] => Reserved,
        [0x2002, hi, lo, ..] => return classify_v4(embedded(hi, lo)),
        [0x3fff, b, ..] if b < 0x1000 => Documentation,
        [a, ..] if a & 0xfe00 == 0xfc00 => UniqueLocal,
        [a, ..] if a & 0xffc0 == 0xfe80 => LinkLocal,
        [a, ..] if a & 0xffc0 == 0xfec0 => Private,
        [a, ..] if a & 0xff00 == 0xff00 => Multicast,
        [a, ..] if a & 0xe000 != 0x2000 => Reserved,
        _ => return None,
    })
}

/// A host the operator allows a harvest to fetch from, whatever its addresses:
/// `HOST` (its http and https default ports) or `HOST:PORT`; an IPv6 address in brackets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedHost {
    host: Host<String>,
    port: Option<u16>,
}

impl FromStr for AllowedHost {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, String> {
        if value.is_empty() || value.contains(['/', '@', '?', '#']) {
            return Err(format!(
                "{value:?}: give a host, HOST or HOST:PORT, not a URL"
            ));
        }
        let (host, port) = if value.starts_with('[') {
            match value.split_once(']') {
                Some((v6, rest)) => (format!("{v6}]"), rest.strip_prefix(':').map(str::to_owned)),
                None => return Err(format!("{value:?}: an IPv6 address needs its closing ]")),
            }
        } else if value.matches(':').count() > 1 {
            return Err(format!(
                "{value:?}: write an IPv6 address in brackets, e.g. [::1]:8080"
            ));
        } else {
            match value.split_once(':') {
                Some((host, port)) => (host.to_owned(), Some(port.to_owned())),
                None => (value.to_owned(), None),
            }
        };
        let host = Host::parse(&host).map_err(|e| format!("{value:?}: not a host name ({e})"))?;
        let port = match port {
            None => None,
            Some(p) => Some(
                p.parse::<u16>()
                    .ok()
                    .filter(|&p| p > 0)
                    .ok_or_else(|| format!("{value:?}: {p:?} is not a port number"))?,
            ),
        };
        Ok(Self { host, port })
    }
}

impl fmt::Display for AllowedHost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.port {
            Some(port) => write!(f, "{}:{port}", self.host),
            None => write!(f, "{}", self.host),
        }
    }
}

impl AllowedHost {
    fn matches(&self, scheme: &str, host: &Host<String>, port: u16) -> bool {
        self.host == *host && self.port.unwrap_or_else(|| default_port(scheme)) == port
    }
}

fn default_port(scheme: &str) -> u16 {
    if scheme == "https" { 443 } else { 80 }
}

/// Whether the addresses a host resolves to are checked before witan connects to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressRule {
    /// Only public addresses ([`classify`] says `None`) are connected to.
    Checked,
    /// The operator chose the host: any of its addresses is connected to.
    Trusted,
}

impl AddressRule {
    /// The addresses of `resolved` that may be connected to, in their order; refuses when none
    /// may. `url` and `host` name what was refused in the message.
    pub fn keep(
        self,
        url: &str,
        host: &str,
        resolved: &[SocketAddr],
    ) -> Result<Vec<SocketAddr>, Refusal> {
        if self == Self::Trusted {
            return Ok(resolved.to_vec());
        }
        let kept: Vec<SocketAddr> = resolved
            .iter()
            .copied()
            .filter(|a| classify(a.ip()).is_none())
            .collect();
        match resolved
            .iter()
            .find_map(|a| Some((a.ip(), classify(a.ip())?)))
        {
            Some((ip, kind)) if kept.is_empty() => Err(Refusal {
                url: url.to_owned(),
                via: None,
                reason: Reason::Address {
                    host: host
                        .trim_start_matches('[')
                        .trim_end_matches(']')
                        .to_owned(),
                    ip,
                    kind,
                },
            }),
            _ => Ok(kept),
        }
    }
}

/// The origin of the harvested URL and the hosts the operator allowed besides.
#[derive(Debug, Clone)]
pub struct Scope {
    scheme: String,
    host: Host<String>,
    port: u16,
    allowed: Vec<AllowedHost>,
}

impl Scope {
    /// The scope of a harvest of `start` (the URL the operator gave) and the hosts allowed.
    pub fn new(start: &str, allowed: &[AllowedHost]) -> Result<Self, Refusal> {
        let url = parse(start)?;
        let (scheme, host, port) = origin(&url).ok_or_else(|| Refusal {
            url: start.to_owned(),
            via: None,
            reason: Reason::Scheme(url.scheme().to_owned()),
        })?;
        Ok(Self {
            scheme,
            host,
            port,
            allowed: allowed.to_vec(),
        })
    }

    /// `url` checked against the origin rule, ready to be fetched.
    pub fn permit(&self, url: &str) -> Result<Permitted, Refusal> {
        let parsed = parse(url)?;
        let (scheme, host, port) = origin(&parsed).ok_or_else(|| Refusal {
            url: url.to_owned(),
            via: None,
            reason: Reason::Scheme(parsed.scheme().to_owned()),
        })?;
        let addresses = self
            .rule(&scheme, &host, port)
            .ok_or_else(|| self.elsewhere(url))?;
        Ok(Permitted {
            url: parsed,
            addresses,
        })
    }

    /// The address rule for a connection to `scheme://host:port` (as a resolver sees it: an
    /// IPv6 host may keep its brackets); refuses a host outside the scope. `url` names what was
    /// asked for in the message.
    pub fn address_rule(
        &self,
        url: &str,
        scheme: &str,
        host: &str,
        port: u16,
    ) -> Result<AddressRule, Refusal> {
        // A resolver may see an IPv6 host without the brackets a URL writes it in.
        let host = if host.contains(':') && !host.starts_with('[') {
            Host::parse(&format!("[{host}]"))
        } else {
            Host::parse(host)
        };
        host.ok()
            .and_then(|host| self.rule(scheme, &host, port))
            .ok_or_else(|| self.elsewhere(url))
    }

    fn rule(&self, scheme: &str, host: &Host<String>, port: u16) -> Option<AddressRule> {
        if self.allowed.iter().any(|a| a.matches(scheme, host, port)) {
            Some(AddressRule::Trusted)
        } else if scheme == self.scheme && *host == self.host && port == self.port {
            Some(match host {
                Host::Ipv4(_) | Host::Ipv6(_) => AddressRule::Trusted,
                Host::Domain(_) => AddressRule::Checked,
            })
        } else {
            None
        }
    }

    fn elsewhere(&self, url: &str) -> Refusal {
        Refusal {
            url: url.to_owned(),
            via: None,
            reason: Reason::Elsewhere {
                origin: format!("{}://{}:{}", self.scheme, self.host, self.port),
            },
        }
    }
}

fn parse(url: &str) -> Result<Url, Refusal> {
    Url::parse(url).map_err(|e| Refusal {
        url: url.to_owned(),
        via: None,
        reason: Reason::NotUrl(e.to_string()),
    })
}

/// Scheme, host and port of an http or https URL.
fn origin(url: &Url) -> Option<(String, Host<String>, u16)> {
    let scheme = url.scheme();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    Some((
        scheme.to_owned(),
        url.host()?.to_owned(),
        url.port_or_known_default()?,
    ))
}

/// A URL that passed the origin rule, with the address rule its host's addresses are held to.
/// Only [`Scope::permit`] makes one.
#[derive(Debug, Clone)]
pub struct Permitted {
    url: Url,
    addresses: AddressRule,
}

impl Permitted {
    /// The URL in its normal form (what was checked is what is asked for).
    pub fn as_str(&self) -> &str {
        self.url.as_str()
    }

    pub fn addresses(&self) -> AddressRule {
        self.addresses
    }

    /// A redirect's `Location`, taken relative to this URL.
    pub fn join(&self, location: &str) -> Result<String, Refusal> {
        self.url
            .join(location)
            .map(String::from)
            .map_err(|e| Refusal {
                url: location.to_owned(),
                via: None,
                reason: Reason::NotUrl(e.to_string()),
            })
    }
}

/// A URL witan would not fetch, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub url: String,
    /// The URL whose redirect led here.
    via: Option<String>,
    reason: Reason,
}

impl Refusal {
    /// The same refusal of a URL that a redirect from `from` led to.
    pub fn redirected_from(self, from: &str) -> Self {
        Self {
            via: Some(from.to_owned()),
            ..self
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Reason {
    NotUrl(String),
    Scheme(String),
    Elsewhere {
        origin: String,
    },
    Address {
        host: String,
        ip: IpAddr,
        kind: NonPublic,
    },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "refused {}", self.url)?;
        if let Some(from) = &self.via {
            write!(f, " (redirected from {from})")?;
        }
        f.write_str(": ")?;
        match &self.reason {
            Reason::NotUrl(e) => write!(f, "not a URL ({e})"),
            Reason::Scheme(scheme) => {
                write!(f, "witan fetches only http and https, not {scheme}")
            }
            Reason::Elsewhere { origin } => write!(
                f,
                "not the harvested origin ({origin}) nor a host allowed with --allow-host"
            ),
            Reason::Address { host, ip, kind } if host.parse::<IpAddr>().is_ok() => {
                write!(f, "{kind} {ip}, and not a host allowed with --allow-host")
            }
            Reason::Address { host, ip, kind } => write!(
                f,
                "{host} resolves to {ip}, a {kind}, and is not a host allowed with --allow-host"
            ),
        }
    }
}

impl std::error::Error for Refusal {}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(ip: &str) -> Option<NonPublic> {
        classify(ip.parse().expect("an address"))
    }

    #[test]
    fn ipv4_addresses_that_are_not_public_are_named() {
        use NonPublic::*;
        for (ip, expected) in [
            ("0.0.0.0", Unspecified),
            ("0.1.2.3", Unspecified),
            ("10.0.0.1", Private),
            ("172.16.0.1", Private),
            ("172.31.255.255", Private),
            ("192.168.1.1", Private),
            ("100.64.0.1", Shared),
            ("100.127.255.255", Shared),
            ("127.0.0.1", Loopback),
            ("127.255.0.9", Loopback),
            ("169.254.169.254", LinkLocal),
            ("192.0.2.1", Documentation),
            ("198.51.100.7", Documentation),
            ("203.0.113.200", Documentation),
            ("198.18.0.1", Benchmarking),
            ("198.19.255.1", Benchmarking),
            ("224.0.0.1", Multicast),
            ("239.255.255.250", Multicast),
            ("240.0.0.1", Reserved),
            ("192.0.0.8", Reserved),
            ("255.255.255.255", Broadcast),
        ] {
            assert_eq!(kind(ip), Some(expected), "{ip}");
        }
        for ip in [
            "8.8.8.8",
            "1.1.1.1",
            "172.15.255.255",
            "172.32.0.1",
            "100.63.255.255",
            "100.128.0.1",
            "169.253.0.1",
            "192.169.0.1",
            "198.20.0.1",
            "223.255.255.255",
            "81.2.69.142",
        ] {
            assert_eq!(kind(ip), None, "{ip}");
        }
    }

    #[test]
    fn ipv6_addresses_that_are_not_public_are_named() {
        use NonPublic::*;
        for (ip, expected) in [
            ("::", Unspecified),
            ("::1", Loopback),
            ("fe80::1", LinkLocal),
            ("febf::1", LinkLocal),
            ("fc00::1", UniqueLocal),
            ("fd12:3456::1", UniqueLocal),
            ("fec0::1", Private),
            ("ff02::1", Multicast),
            ("2001:db8::1", Documentation),
            ("3fff:abc::1", Documentation),
            ("2001:0:4136:e378::1", Reserved),
            ("100::1", Reserved),
            ("::7f00:1", Reserved),
            ("64:ff9b:1::a", Private),
            ("4000::1", Reserved),
            ("::2", Reserved),
        ] {
            assert_eq!(kind(ip), Some(expected), "{ip}");
        }
        for ip in [
            "2a00:1450:4009:81f::200e",
            "2606:4700:4700::1111",
            "3fff:1000::1",
            "2001:db9::1",
        ] {
            assert_eq!(kind(ip), None, "{ip}");
        }
    }

    #[test]
    fn ipv6_forms_of_ipv4_addresses_are_judged_by_the_ipv4_address() {
        use NonPublic::*;
        for (ip, expected) in [
            ("::ffff:127.0.0.1", Some(Loopback)),
            ("::ffff:169.254.169.254", Some(LinkLocal)),
            ("::ffff:a9fe:a9fe", Some(LinkLocal)),
            ("::ffff:10.1.2.3", Some(Private)),
            ("::ffff:0.0.0.0", Some(Unspecified)),
            ("::ffff:8.8.8.8", None),
            ("64:ff9b::169.254.169.254", Some(LinkLocal)),
            ("64:ff9b::7f00:1", Some(Loopback)),
            ("64:ff9b::808:808", None),
            ("2002:a9fe:a9fe::1", Some(LinkLocal)),
            ("2002:c0a8:0101::1", Some(Private)),
            ("2002:808:808::1", None),
        ] {
            assert_eq!(kind(ip), expected, "{ip}");
        }
    }

    fn allowed(values: &[&str]) -> Vec<AllowedHost> {
        values
            .iter()
            .map(|v| v.parse().expect("an allowed host"))
            .collect()
    }

    #[test]
    fn only_the_origin_and_allowed_hosts_are_permitted() {
        let scope = Scope::new(
            "https://oparl.example.org/system",
            &allowed(&["files.example.org", "10.0.0.5:8080", "[::1]:9000"]),
        )
        .expect("scope");
        let rule = |url: &str| scope.permit(url).map(|p| p.addresses());
        assert_eq!(
            rule("https://OPARL.example.org:443/bodies?page=2"),
            Ok(AddressRule::Checked)
        );
        assert_eq!(
            rule("https://files.example.org/a.pdf"),
            Ok(AddressRule::Trusted)
        );
        assert_eq!(
            rule("http://files.example.org/a.pdf"),
            Ok(AddressRule::Trusted)
        );
        assert_eq!(rule("http://10.0.0.5:8080/x"), Ok(AddressRule::Trusted));
        assert_eq!(rule("http://[::1]:9000/x"), Ok(AddressRule::Trusted));
        for refused in [
            "http://oparl.example.org/system",
            "https://oparl.example.org:8443/system",
            "https://files.example.org:8443/a.pdf",
            "http://10.0.0.5/x",
            "http://169.254.169.254/latest/meta-data/",
            "https://oparl.example.org.evil.example/",
            "https://oparl.example.org@169.254.169.254/",
            "file:///etc/passwd",
            "gopher://oparl.example.org/",
            "not a url",
        ] {
            let refusal = scope.permit(refused).expect_err(refused);
            assert!(
                refusal.to_string().starts_with("refused "),
                "{refused}: {refusal}"
            );
        }
        assert_eq!(
            scope
                .permit("http://169.254.169.254/latest/meta-data/")
                .expect_err("refused")
                .to_string(),
            "refused http://169.254.169.254/latest/meta-data/: not the harvested origin \
             (https://oparl.example.org:443) nor a host allowed with --allow-host"
        );
    }

    #[test]
    fn a_given_address_is_trusted_and_a_given_name_is_checked() {
        let by_address = Scope::new("http://127.0.0.1:8080/system", &[]).expect("scope");
        let permitted = by_address
            .permit("http://127.0.0.1:8080/bodies")
            .expect("same origin");
        assert_eq!(permitted.addresses(), AddressRule::Trusted);
        assert!(by_address.permit("http://127.0.0.1:8081/bodies").is_err());

        let by_name = Scope::new("http://localhost:8080/system", &[]).expect("scope");
        let rule = by_name
            .address_rule("http://localhost:8080/system", "http", "localhost", 8080)
            .expect("same origin");
        assert_eq!(rule, AddressRule::Checked);
        let loopback: SocketAddr = "127.0.0.1:8080".parse().expect("address");
        assert_eq!(
            rule.keep("http://localhost:8080/system", "localhost", &[loopback])
                .expect_err("loopback")
                .to_string(),
            "refused http://localhost:8080/system: localhost resolves to 127.0.0.1, a loopback \
             address, and is not a host allowed with --allow-host"
        );
        let allowed = Scope::new(
            "http://localhost:8080/system",
            &allowed(&["localhost:8080"]),
        )
        .expect("scope");
        assert_eq!(
            allowed.address_rule("http://localhost:8080/", "http", "localhost", 8080),
            Ok(AddressRule::Trusted)
        );
        assert!(
            allowed
                .address_rule("http://localhost:8081/", "http", "localhost", 8081)
                .is_err()
        );
    }

    #[test]
    fn only_public_addresses_of_a_checked_host_are_kept() {
        let public: SocketAddr = "93.184.215.14:443".parse().expect("address");
        let metadata: SocketAddr = "169.254.169.254:443".parse().expect("address");
        let mapped: SocketAddr = "[::ffff:169.254.169.254]:443".parse().expect("address");
        assert_eq!(
            AddressRule::Checked.keep("u", "h", &[metadata, public, mapped]),
            Ok(vec![public])
        );
        assert_eq!(
            AddressRule::Checked
                .keep("http://169.254.169.254/", "169.254.169.254", &[metadata])
                .expect_err("link-local")
                .to_string(),
            "refused http://169.254.169.254/: link-local address 169.254.169.254, and not a \
             host allowed with --allow-host"
        );
        assert_eq!(
            AddressRule::Checked
                .keep("u", "[::ffff:a9fe:a9fe]", &[mapped])
                .expect_err("mapped link-local")
                .to_string(),
            "refused u: link-local address ::ffff:169.254.169.254, and not a host allowed with \
             --allow-host"
        );
        assert_eq!(
            AddressRule::Trusted.keep("u", "h", &[metadata]),
            Ok(vec![metadata])
        );
    }

    #[test]
    fn allowed_hosts_are_read_with_clear_errors() {
        assert_eq!(
            "Files.Example.org:8080"
                .parse::<AllowedHost>()
                .map(|a| a.to_string()),
            Ok("files.example.org:8080".to_owned())
        );
        assert_eq!(
            "[::1]:9000".parse::<AllowedHost>().map(|a| a.to_string()),
            Ok("[::1]:9000".to_owned())
        );
        for (bad, says) in [
            ("::1", "brackets"),
            ("http://x.org/", "not a URL"),
            ("x.org:http", "not a port number"),
            ("x.org:0", "not a port number"),
            ("", "not a URL"),
            ("[::1", "closing ]"),
        ] {
            let e = bad.parse::<AllowedHost>().expect_err(bad);
            assert!(e.contains(says), "{bad}: {e}");
        }
    }
}
