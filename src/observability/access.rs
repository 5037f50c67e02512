//! Lists of addresses and `address/prefix` networks — who may read `/metrics`
//! (`LANTOA_METRICS_ALLOW`, default `127.0.0.1,::1`), which reverse proxies are believed
//! (`LANTOA_TRUSTED_PROXIES`) — and the client address behind trusted proxies. Pure, no I/O.

use std::net::IpAddr;

/// One allowed address or network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Network {
    address: IpAddr,
    prefix: u8,
}

impl Network {
    fn contains(self, ip: IpAddr) -> bool {
        match (self.address, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = mask32(self.prefix);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = mask128(self.prefix);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

fn mask32(prefix: u8) -> u32 {
    match prefix {
        0 => 0,
        p => u32::MAX << (32 - u32::from(p.min(32))),
    }
}

fn mask128(prefix: u8) -> u128 {
    match prefix {
        0 => 0,
        p => u128::MAX << (128 - u32::from(p.min(128))),
    }
}

/// The parsed allow list; empty means nobody.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressList {
    networks: Vec<Network>,
}

/// An entry of the list that is neither an address nor `address/prefix`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("không hiểu địa chỉ «{0}» (cần dạng 127.0.0.1 hoặc 10.0.0.0/8)")]
pub struct AddressListError(pub String);

impl AddressList {
    /// Parses `127.0.0.1, ::1, 10.0.0.0/8`; `none` or an empty string allow nobody.
    pub fn parse(text: &str) -> Result<Self, AddressListError> {
        let mut networks = Vec::new();
        for entry in text.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            if entry.eq_ignore_ascii_case("none") {
                continue;
            }
            let (address, prefix) = match entry.split_once('/') {
                Some((address, prefix)) => (address, Some(prefix)),
                None => (entry, None),
            };
            let address: IpAddr = address
                .parse()
                .map_err(|_| AddressListError(entry.to_owned()))?;
            let max = if address.is_ipv4() { 32 } else { 128 };
            let prefix = match prefix {
                None => max,
                Some(p) => p
                    .parse::<u8>()
                    .ok()
                    .filter(|p| *p <= max)
                    .ok_or_else(|| AddressListError(entry.to_owned()))?,
            };
            networks.push(Network { address, prefix });
        }
        Ok(Self { networks })
    }

    /// Whether a client address is allowed (IPv4-mapped IPv6 addresses count as IPv4).
    pub fn allows(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.networks.iter().any(|n| n.contains(ip))
    }
}

/// The client of a request: the TCP `peer`, unless the peer is a trusted proxy; then the
/// nearest address of the forwarding chain (`X-Forwarded-For`, else `Forwarded: for=`) that is
/// not a trusted proxy itself. Addresses to the left of that one were written by the client and
/// prove nothing, so they are never used; an unreadable chain leaves the peer.
pub fn client_address(
    peer: IpAddr,
    trusted: &AddressList,
    x_forwarded_for: Option<&str>,
    forwarded: Option<&str>,
) -> IpAddr {
    if !trusted.allows(peer) {
        return peer;
    }
    let chain: Vec<Option<IpAddr>> = match (x_forwarded_for, forwarded) {
        (Some(list), _) => list.split(',').map(read_address).collect(),
        (None, Some(list)) => list
            .split(',')
            .map(|element| {
                element
                    .split(';')
                    .filter_map(|pair| pair.trim().split_once('='))
                    .find(|(name, _)| name.trim().eq_ignore_ascii_case("for"))
                    .and_then(|(_, value)| read_address(value))
            })
            .collect(),
        (None, None) => return peer,
    };
    for hop in chain.into_iter().rev() {
        match hop {
            Some(ip) if trusted.allows(ip) => continue,
            Some(ip) => return ip.to_canonical(),
            // A hop we cannot read: stop believing the chain there.
            None => return peer,
        }
    }
    peer
}

/// `203.0.113.7`, `"[2001:db8::1]:4711"`, `198.51.100.2:80`.
fn read_address(text: &str) -> Option<IpAddr> {
    let text = text.trim().trim_matches('"');
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(socket) = text.parse::<std::net::SocketAddr>() {
        return Some(socket.ip());
    }
    text.strip_prefix('[')
        .and_then(|rest| rest.split_once(']'))
        .and_then(|(ip, _)| ip.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an address")
    }

    #[test]
    fn the_default_allows_loopback_only() {
        let list = AddressList::parse("127.0.0.1,::1").expect("parses");
        assert!(list.allows(ip("127.0.0.1")));
        assert!(list.allows(ip("::1")));
        assert!(list.allows(ip("::ffff:127.0.0.1")), "mapped IPv4");
        assert!(!list.allows(ip("127.0.0.2")));
        assert!(!list.allows(ip("10.0.0.1")));
        assert!(!list.allows(ip("0.0.0.0")));
    }

    #[test]
    fn networks_match_on_the_prefix() {
        let list = AddressList::parse(" 10.1.0.0/16 , fd00::/8").expect("parses");
        assert!(list.allows(ip("10.1.200.3")));
        assert!(!list.allows(ip("10.2.0.1")));
        assert!(list.allows(ip("fd12::1")));
        assert!(!list.allows(ip("fe80::1")));
        let all = AddressList::parse("0.0.0.0/0").expect("parses");
        assert!(all.allows(ip("203.0.113.9")));
        assert!(
            !all.allows(ip("2001:db8::1")),
            "a v4 network never holds v6"
        );
    }

    #[test]
    fn empty_or_none_allows_nobody_and_garbage_is_refused() {
        for text in ["", "none", " , "] {
            let list = AddressList::parse(text).expect("parses");
            assert!(!list.allows(ip("127.0.0.1")), "{text:?}");
        }
        for bad in ["localhost", "10.0.0.0/33", "::1/129", "1.2.3.4/x", "1.2.3"] {
            assert!(AddressList::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_forwarded_address_is_believed_only_from_a_trusted_proxy() {
        let proxies = AddressList::parse("10.0.0.0/8").expect("list");
        let nobody = AddressList::parse("").expect("list");
        let proxy: IpAddr = "10.0.0.5".parse().expect("ip");
        let stranger: IpAddr = "198.51.100.9".parse().expect("ip");
        let client: IpAddr = "203.0.113.7".parse().expect("ip");
        // No trusted proxies: a forged header changes nothing.
        assert_eq!(
            client_address(proxy, &nobody, Some("203.0.113.7"), None),
            proxy
        );
        // From a stranger, even with proxies configured.
        assert_eq!(
            client_address(stranger, &proxies, Some("203.0.113.7"), None),
            stranger
        );
        // From the proxy: the nearest untrusted hop; what the client wrote further left is ignored.
        assert_eq!(
            client_address(
                proxy,
                &proxies,
                Some("1.2.3.4, 203.0.113.7, 10.0.0.9"),
                None
            ),
            client
        );
        assert_eq!(
            client_address(
                proxy,
                &proxies,
                None,
                Some("for=1.2.3.4, for=\"203.0.113.7:4711\";proto=https")
            ),
            client
        );
        assert_eq!(
            client_address(proxy, &proxies, None, Some("for=\"[2001:db8::1]:4711\"")),
            "2001:db8::1".parse::<IpAddr>().expect("ip")
        );
        // An unreadable hop, or no header: the peer.
        assert_eq!(
            client_address(proxy, &proxies, Some("garbage"), None),
            proxy
        );
        assert_eq!(client_address(proxy, &proxies, None, None), proxy);
    }
}
