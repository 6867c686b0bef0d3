//! Says which part of a connection string is wrong when tokio-postgres cannot parse it.

/// A message naming the part of `url` that is wrong (scheme, user, password, host, port,
/// database or a parameter), with the fix; tokio-postgres's own reason as a fallback.
pub(crate) fn explain_parse_error(url: &str, error: &tokio_postgres::Error) -> String {
    let mut reason = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        reason.push_str(&format!(": {inner}"));
        source = inner.source();
    }
    let part = diagnose(url).unwrap_or(reason);
    format!("{part}; expected postgres://user:password@host:port/database")
}

/// A URL tokio-postgres would read differently from what was meant: `@` in the user or
/// password (it splits at the first `@`, so the host would be wrong).
pub(crate) fn ambiguous(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    (authority.matches('@').count() > 1).then(|| {
        "the user or password contains `@`: percent-encode it as %40; expected postgres://user:password@host:port/database"
            .to_string()
    })
}

/// The first wrong part of a `postgres://` URL, or `None` when nothing specific is found.
fn diagnose(url: &str) -> Option<String> {
    let Some((scheme, rest)) = url.split_once("://") else {
        if url.contains('=') {
            return None; // key=value form: tokio-postgres's reason names the key
        }
        return Some("not a URL: it must start with postgres:// or postgresql://".into());
    };
    if scheme != "postgres" && scheme != "postgresql" {
        return Some(format!(
            "the scheme `{scheme}://` is not postgres:// or postgresql://"
        ));
    }
    let (before_query, query) = match rest.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (rest, None),
    };
    let (authority, database) = match before_query.split_once('/') {
        Some((a, d)) => (a, Some(d)),
        None => (before_query, None),
    };
    if authority.matches('@').count() > 1 {
        return Some("the user or password contains `@`: percent-encode it as %40".to_string());
    }
    let (userinfo, hosts) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    if let Some(userinfo) = userinfo {
        let (user, password) = match userinfo.split_once(':') {
            Some((u, p)) => (u, Some(p)),
            None => (userinfo, None),
        };
        if let Some(problem) = bad_percent_encoding(user) {
            return Some(format!("the user name has {problem}"));
        }
        if let Some(problem) = password.and_then(bad_percent_encoding) {
            return Some(format!("the password has {problem}"));
        }
    }
    for host in hosts.split(',') {
        let port = if host.starts_with('[') {
            host.rsplit_once("]:").map(|(_, p)| p)
        } else {
            host.rsplit_once(':').map(|(_, p)| p)
        };
        if let Some(port) = port
            && !port.is_empty()
            && !port.parse::<u16>().is_ok_and(|p| p > 0)
        {
            return Some(format!(
                "the port `{port}` is not a number from 1 to 65535 (a password holding `/`, `?`, `#` or `@` must be percent-encoded)"
            ));
        }
    }
    if let Some(problem) = database.and_then(bad_percent_encoding) {
        return Some(format!("the database name has {problem}"));
    }
    for pair in query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if !KNOWN_PARAMETERS.contains(&key) {
            return Some(format!(
                "unknown parameter `{key}` in the query string (known: {})",
                KNOWN_PARAMETERS.join(", ")
            ));
        }
        if value.is_empty() {
            return Some(format!("the parameter `{key}` has no value"));
        }
        if let Some(problem) = bad_percent_encoding(value) {
            return Some(format!("the parameter `{key}` has {problem}"));
        }
    }
    None
}

/// Query parameters tokio-postgres understands (plus the TLS ones pgbake reads itself).
const KNOWN_PARAMETERS: &[&str] = &[
    "user",
    "password",
    "dbname",
    "options",
    "application_name",
    "sslmode",
    "sslrootcert",
    "host",
    "hostaddr",
    "port",
    "connect_timeout",
    "tcp_user_timeout",
    "keepalives",
    "keepalives_idle",
    "keepalives_interval",
    "keepalives_retries",
    "target_session_attrs",
    "channel_binding",
    "load_balance_hosts",
    "sslnegotiation",
];

fn bad_percent_encoding(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3).unwrap_or("");
            match u8::from_str_radix(hex, 16) {
                Ok(b) if hex.len() == 2 => decoded.push(b),
                _ => {
                    return Some(format!(
                        "`%{hex}`, which is not percent-encoding: write a literal % as %25"
                    ));
                }
            }
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(decoded)
        .err()
        .map(|_| "percent-encoded bytes that are not UTF-8".to_string())
}

#[cfg(test)]
mod tests {
    use super::diagnose;

    #[test]
    fn each_wrong_part_is_named() {
        let cases = [
            ("mysql://u@h/db", "scheme `mysql://`"),
            ("postgres://u:p@ss@h/db", "contains `@`"),
            ("postgres://u:pa/ss@h/db", "the port `pa`"),
            ("postgres://u@h:99999/db", "the port `99999`"),
            ("postgres://u:50%zz@h/db", "the password has `%zz`"),
            (
                "postgres://u@h/db?colour=blue",
                "unknown parameter `colour`",
            ),
            (
                "postgres://u@h/db?connect_timeout=",
                "`connect_timeout` has no value",
            ),
            ("localhost:5432", "must start with postgres://"),
        ];
        for (url, expected) in cases {
            let message = diagnose(url).unwrap_or_default();
            assert!(message.contains(expected), "{url}: {message}");
        }
        assert_eq!(diagnose("postgres://u:p@h:5432/db?sslmode=disable"), None);
    }
}
