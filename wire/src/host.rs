//! Whether a `Host` header names this machine: a server or tap bound to loopback refuses a
//! request naming another host, which comes from a page whose domain was made to resolve to
//! 127.0.0.1 (DNS rebinding), not from this machine's user.

/// Whether `host` (a `Host` header: name or address, maybe a port) names this machine.
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim();
    let name = match host.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next().unwrap_or(""),
        None => match host.rsplit_once(':') {
            Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name,
            _ => host,
        },
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::is_loopback_host;

    /// Names and addresses of this machine, with or without a port, are told from others.
    #[test]
    fn loopback_hosts_are_told_from_others() {
        for host in [
            "localhost",
            "localhost:8080",
            "LOCALHOST.",
            "app.localhost:1",
            "127.0.0.1",
            "127.0.0.1:80",
            "127.8.9.1",
            "[::1]:8080",
            "[::1]",
        ] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in [
            "evil.example",
            "evil.example:8080",
            "localhost.evil.example",
            "10.0.0.1:80",
            "[::2]",
            "",
            "127.0.0.1.evil",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }
}
