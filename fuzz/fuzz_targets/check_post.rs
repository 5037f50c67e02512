//! Fuzzes `check_post`: the first byte picks the platform, the rest is the
//! URL. Never panics; an accepted post re-checks to itself.

#![no_main]

use lantoa::verify::{Platform, check_post};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let platform = Platform::ALL[usize::from(first) % Platform::ALL.len()];
    let input = String::from_utf8_lossy(rest);
    if let Ok(post) = check_post(platform, &input) {
        assert!(!post.key.is_empty());
        assert_eq!(
            check_post(platform, &post.url).as_ref(),
            Ok(&post),
            "stable for {platform} {input:?}"
        );
    }
});
