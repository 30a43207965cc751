//! The client's address, as the limits see it: the connection's peer, unless the peer is a
//! proxy listed in `kinwarden__trustedProxies`, in which case the nearest address in
//! `X-Forwarded-For` that is not one of those proxies. A header from anyone else is ignored, so
//! a client cannot pick the address it is counted under.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;

use crate::http::state::AppState;

/// The client's address (see the module).
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::from([0, 0, 0, 0]), |info| info.0.ip());
        Ok(Self(client_ip(
            peer,
            &parts.headers,
            &state.config.trusted_proxies,
        )))
    }
}

pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    // Each proxy appends the address it heard from: read from the nearest hop outwards.
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|hop| hop.trim().parse().ok())
        .collect();
    forwarded
        .into_iter()
        .rev()
        .find(|hop| !trusted.contains(hop))
        .unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_str(value).expect("header"),
        );
        headers
    }

    #[test]
    fn only_a_trusted_proxy_names_the_client() {
        let proxy: IpAddr = "10.0.0.1".parse().expect("ip");
        let other: IpAddr = "203.0.113.9".parse().expect("ip");
        let trusted = [proxy];
        let client: IpAddr = "198.51.100.7".parse().expect("ip");
        // Through the proxy: the address it heard from.
        assert_eq!(client_ip(proxy, &headers("198.51.100.7"), &trusted), client);
        // A client that forged a header in front of the proxy is still counted as itself.
        assert_eq!(
            client_ip(proxy, &headers("1.2.3.4, 198.51.100.7"), &trusted),
            client
        );
        // Straight from anyone else, the header counts for nothing.
        assert_eq!(client_ip(other, &headers("1.2.3.4"), &trusted), other);
        // No proxies configured: always the peer.
        assert_eq!(client_ip(proxy, &headers("1.2.3.4"), &[]), proxy);
        // A proxy without the header: itself.
        assert_eq!(client_ip(proxy, &HeaderMap::new(), &trusted), proxy);
    }
}
