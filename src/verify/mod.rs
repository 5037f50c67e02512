//! Source and post URL verification: normalisation, allowlist matching and
//! post-shape checks. Pure: no I/O, never panics on any input.

mod account;
mod allowlist;
mod hostname;
mod post;
#[cfg(test)]
mod proptests;
mod public_suffix;
mod reason;
mod source;

pub use account::{
    AccountError, AccountMatch, AccountPlatform, MAX_ACCOUNT_CHARS, account_in_post,
    normalize_account,
};
pub use allowlist::{
    Allowlist, Category, CsvRowError, MAX_LABEL_CHARS, MAX_PATTERN_BYTES, Rule, RuleError,
    RuleKind, parse_rules_csv, rules_to_csv,
};
pub use post::{NormalizedPost, Platform, PostError, check_post};
pub use public_suffix::{
    PUBLIC_SUFFIX_CODE, is_public_suffix, needs_restricted_suffix_confirmation, refusal_message,
};
pub use reason::{Reason, UnknownCode};
pub use source::{
    MAX_UNWRAPS, MAX_URL_BYTES, NormalizedUrl, SHORT_LINK_HOSTS, TRACKING_PARAM_PREFIXES,
    TRACKING_PARAMS, Verdict, Verification, is_short_link_host, normalize_source, unwrap_link,
    verify_source,
};
