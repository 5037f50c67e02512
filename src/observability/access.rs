//! Which client addresses may read `/metrics`: a list of addresses and `address/prefix`
//! networks (`LANTOA_METRICS_ALLOW`, default `127.0.0.1,::1`). Pure, no I/O.

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
#[error("không hiểu địa chỉ «{0}» trong LANTOA_METRICS_ALLOW (cần dạng 127.0.0.1 hoặc 10.0.0.0/8)")]
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
}
