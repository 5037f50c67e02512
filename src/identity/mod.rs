//! Who people are, held by the shared state: the caller of a request (`CurrentUser`, with the
//! scope rules of their roles) and the cache of callers resolved from API tokens, and the client
//! of the province's identity provider. How a request proves who it is lives above, in `auth`.

pub mod oidc;
pub mod user;

pub use user::{Credential, CurrentUser, TokenCache};
