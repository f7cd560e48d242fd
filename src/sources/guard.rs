//! The SSRF guard: user-added source URLs must not reach the bot's own network.
//!
//! A URL is refused when its host is, or resolves to, a private, loopback, link-local,
//! unspecified, shared (CGNAT) or multicast address, unless `sources.allow_private` is on.
//! The check runs when a source is added and again inside the HTTP client's resolver at
//! fetch time, so a DNS answer that changes after the add (rebinding) is caught too.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use url::{Host, Url};

#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum GuardError {
    #[error("only http and https URLs can be sources, not {0}:")]
    Scheme(String),
    #[error("the URL has no host")]
    NoHost,
    #[error(
        "{host} is a {reason} address ({addr}); newsdesk refuses sources on private networks \
         unless sources.allow_private = true"
    )]
    Forbidden {
        host: String,
        addr: IpAddr,
        reason: &'static str,
    },
    #[error("cannot resolve {host}: {message}")]
    Resolve { host: String, message: String },
}

/// Why an address is off limits, or `None` when it is a public address.
pub fn forbidden_reason(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return forbidden_v4(v4);
            }
            let first = v6.segments()[0];
            if v6.is_loopback() {
                Some("loopback")
            } else if v6.is_unspecified() {
                Some("unspecified")
            } else if v6.is_multicast() {
                Some("multicast")
            } else if first & 0xffc0 == 0xfe80 {
                Some("link-local")
            } else if first & 0xfe00 == 0xfc00 {
                Some("private (unique local)")
            } else if first & 0xffc0 == 0xfec0 {
                Some("private (site-local)")
            } else if is_nat64_or_6to4_private(v6) {
                Some("private (embedded IPv4)")
            } else {
                None
            }
        }
    }
}

fn forbidden_v4(v4: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = v4.octets();
    if v4.is_loopback() {
        Some("loopback")
    } else if v4.is_unspecified() || a == 0 {
        Some("unspecified")
    } else if v4.is_private() {
        Some("private")
    } else if v4.is_link_local() {
        Some("link-local")
    } else if a == 100 && (64..128).contains(&b) {
        Some("shared (carrier-grade NAT)")
    } else if v4.is_multicast() || v4.is_broadcast() || a >= 240 {
        Some("reserved or multicast")
    } else {
        None
    }
}

/// 6to4 (2002::/16) and NAT64 (64:ff9b::/96) addresses embed an IPv4 address that may be private.
fn is_nat64_or_6to4_private(v6: Ipv6Addr) -> bool {
    let s = v6.segments();
    let embedded = if s[0] == 0x2002 {
        Some(Ipv4Addr::new(
            (s[1] >> 8) as u8,
            s[1] as u8,
            (s[2] >> 8) as u8,
            s[2] as u8,
        ))
    } else if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
        Some(Ipv4Addr::new(
            (s[6] >> 8) as u8,
            s[6] as u8,
            (s[7] >> 8) as u8,
            s[7] as u8,
        ))
    } else {
        None
    };
    embedded.is_some_and(|v4| forbidden_v4(v4).is_some())
}

/// Applies the policy of `sources.allow_private`.
#[derive(Debug, Clone, Copy)]
pub struct Guard {
    pub allow_private: bool,
}

impl Guard {
    /// Checks scheme and host without DNS: IP literals are judged here.
    pub fn check_static(&self, url: &Url) -> Result<(), GuardError> {
        match url.scheme() {
            "http" | "https" => {}
            other => return Err(GuardError::Scheme(other.to_string())),
        }
        let host = url.host().ok_or(GuardError::NoHost)?;
        if self.allow_private {
            return Ok(());
        }
        let literal = match host {
            Host::Ipv4(v4) => Some(IpAddr::V4(v4)),
            Host::Ipv6(v6) => Some(IpAddr::V6(v6)),
            Host::Domain(name) if name.eq_ignore_ascii_case("localhost") || name.ends_with(".localhost") => {
                Some(IpAddr::V4(Ipv4Addr::LOCALHOST))
            }
            Host::Domain(_) => None,
        };
        if let Some(addr) = literal {
            self.check_addr(&host.to_string(), addr)?;
        }
        Ok(())
    }

    /// Full check with DNS resolution, as done when a user adds a source.
    pub async fn check(&self, url: &Url) -> Result<(), GuardError> {
        self.check_static(url)?;
        if self.allow_private {
            return Ok(());
        }
        if let Some(Host::Domain(name)) = url.host() {
            let port = url.port_or_known_default().unwrap_or(443);
            let addrs = resolve(name, port).await?;
            for addr in addrs {
                self.check_addr(name, addr.ip())?;
            }
        }
        Ok(())
    }

    fn check_addr(&self, host: &str, addr: IpAddr) -> Result<(), GuardError> {
        if self.allow_private {
            return Ok(());
        }
        match forbidden_reason(addr) {
            Some(reason) => Err(GuardError::Forbidden {
                host: host.to_string(),
                addr,
                reason,
            }),
            None => Ok(()),
        }
    }
}

async fn resolve(name: &str, port: u16) -> Result<Vec<SocketAddr>, GuardError> {
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((name, port))
        .await
        .map_err(|e| GuardError::Resolve {
            host: name.to_string(),
            message: e.to_string(),
        })?
        .collect();
    if addrs.is_empty() {
        return Err(GuardError::Resolve {
            host: name.to_string(),
            message: "no addresses".to_string(),
        });
    }
    Ok(addrs)
}

/// The HTTP client's resolver: resolves with the system resolver, then applies the guard to
/// every address, so what the client connects to is exactly what was checked.
#[derive(Clone)]
pub struct GuardedResolver {
    guard: Guard,
}

impl GuardedResolver {
    pub fn new(guard: Guard) -> Arc<Self> {
        Arc::new(GuardedResolver { guard })
    }
}

impl fmt::Debug for GuardedResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GuardedResolver").field("guard", &self.guard).finish()
    }
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let guard = self.guard;
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs = resolve(&host, 0).await?;
            for addr in &addrs {
                guard.check_addr(&host, addr.ip())?;
            }
            let addrs: reqwest::dns::Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_ranges_are_named() {
        let cases = [
            ("127.0.0.1", Some("loopback")),
            ("10.1.2.3", Some("private")),
            ("172.16.0.1", Some("private")),
            ("192.168.1.1", Some("private")),
            ("169.254.169.254", Some("link-local")),
            ("0.0.0.0", Some("unspecified")),
            ("100.64.0.1", Some("shared (carrier-grade NAT)")),
            ("::1", Some("loopback")),
            ("::", Some("unspecified")),
            ("fe80::1", Some("link-local")),
            ("fd00::1", Some("private (unique local)")),
            ("::ffff:10.0.0.1", Some("private")),
            ("2002:0a00:0001::1", Some("private (embedded IPv4)")),
            ("93.184.216.34", None),
            ("2606:4700::1111", None),
        ];
        for (ip, want) in cases {
            assert_eq!(forbidden_reason(ip.parse().unwrap()), want, "{ip}");
        }
    }

    #[test]
    fn literals_are_refused_without_dns() {
        let guard = Guard { allow_private: false };
        let err = guard
            .check_static(&Url::parse("http://127.0.0.1:8080/feed").unwrap())
            .unwrap_err();
        assert!(err.to_string().contains("loopback"), "{err}");
        assert!(err.to_string().contains("allow_private"), "{err}");
        let err = guard
            .check_static(&Url::parse("http://[::1]/feed").unwrap())
            .unwrap_err();
        assert!(matches!(err, GuardError::Forbidden { .. }));
        assert!(
            guard
                .check_static(&Url::parse("http://localhost/feed").unwrap())
                .is_err()
        );
        assert!(
            guard
                .check_static(&Url::parse("ftp://example.com/feed").unwrap())
                .is_err()
        );
        let open = Guard { allow_private: true };
        open.check_static(&Url::parse("http://127.0.0.1:8080/feed").unwrap())
            .unwrap();
    }

    #[tokio::test]
    async fn resolved_names_are_checked() {
        let guard = Guard { allow_private: false };
        // `localhost` resolves to loopback without any network.
        let err = guard
            .check(&Url::parse("http://localhost:1/feed").unwrap())
            .await
            .unwrap_err();
        assert!(matches!(err, GuardError::Forbidden { .. }), "{err}");
    }
}
