//! CSRF tokens for cookie sessions: derived from the session secret, so nothing extra is stored
//! and a page can always be given the token; a cross-site page cannot compute it.

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
}
