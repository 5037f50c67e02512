//! CSRF tokens for cookie sessions: derived from the session secret, so nothing extra is stored
//! and a page can always be given the token; a cross-site page cannot compute it. Pages carry it
//! masked afresh each time (`masked`), since pages are sent compressed.

use sha2::{Digest, Sha256};

/// The header that carries the token on API calls.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The form field that carries the token on form posts.
pub const CSRF_FIELD: &str = "_csrf";

/// The CSRF token that belongs to a session secret.
pub fn token_for(session_secret: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"lantoa-csrf-v1:");
    hasher.update(session_secret.as_bytes());
    hex::encode(hasher.finalize())
}

/// Compares a presented token with the expected one without early exit.
pub fn matches(expected: &str, presented: &str) -> bool {
    let (a, b) = (expected.as_bytes(), presented.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The token as written into one page: a fresh random mask, then the token XOR the mask, in hex.
/// The same token never shows as the same bytes twice, so a compressed page cannot leak it
/// through its length (BREACH); `same_token` reads masked and plain tokens alike.
pub fn masked(token: &str) -> String {
    let Ok(raw) = hex::decode(token) else {
        return token.to_owned();
    };
    let mut mask = vec![0u8; raw.len()];
    if getrandom::fill(&mut mask).is_err() {
        return token.to_owned();
    }
    let xored: Vec<u8> = raw.iter().zip(&mask).map(|(t, m)| t ^ m).collect();
    format!("{}{}", hex::encode(&mask), hex::encode(xored))
}

/// The plain token behind a presented value (masked or plain), if it has a token's shape.
fn unmasked(value: &str) -> Option<String> {
    let bytes = hex::decode(value.trim()).ok()?;
    match bytes.len() {
        32 => Some(hex::encode(bytes)),
        64 => {
            let (mask, xored) = bytes.split_at(32);
            let raw: Vec<u8> = mask.iter().zip(xored).map(|(m, x)| m ^ x).collect();
            Some(hex::encode(raw))
        }
        _ => None,
    }
}

/// Whether two values, each masked or plain, carry the same token (compared without early exit).
pub fn same_token(expected: &str, presented: &str) -> bool {
    match (unmasked(expected), unmasked(presented)) {
        (Some(a), Some(b)) => matches(&a, &b),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_per_session_and_compared_exactly() {
        let a = token_for("session-a");
        assert_eq!(a, token_for("session-a"));
        assert_ne!(a, token_for("session-b"));
        assert!(matches(&a, &a.clone()));
        assert!(!matches(&a, &token_for("session-b")));
        assert!(!matches(&a, ""));
    }

    #[test]
    fn a_masked_token_differs_every_time_and_still_matches() {
        let token = token_for("session-a");
        let (one, two) = (masked(&token), masked(&token));
        assert_ne!(one, two, "a fresh mask each time");
        assert_ne!(one, token);
        assert!(same_token(&token, &one) && same_token(&one, &two) && same_token(&token, &token));
        assert!(!same_token(&token, &masked(&token_for("session-b"))));
        assert!(!same_token(&token, "") && !same_token(&token, "zz"));
    }
}
