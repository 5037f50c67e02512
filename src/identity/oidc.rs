//! Sign-in with the province's identity provider: OpenID Connect (discovery, PKCE S256, state,
//! nonce, validated ID token) or plain OAuth2 (PKCE, state, userinfo). The HTTP client never
//! follows redirects, and only talks to the configured provider.

use std::sync::Arc;
use std::time::{Duration, Instant};

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AccessToken, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use serde_json::Value;
use tokio::sync::RwLock;

use crate::settings::Settings;

/// Provider metadata (endpoints, signing keys) is re-read after this long.
const METADATA_TTL: Duration = Duration::from_secs(3600);

/// Why a sign-in could not finish (logged; the user sees a generic message).
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// Sign-in is not configured.
    #[error("sign-in is not configured")]
    NotConfigured,
    /// The provider could not be reached or answered nonsense.
    #[error("provider: {0}")]
    Provider(String),
    /// The code exchange was refused (bad, replayed or expired code, wrong PKCE verifier).
    #[error("code exchange refused: {0}")]
    Exchange(String),
    /// The ID token failed validation (signature, issuer, audience, expiry, nonce).
    #[error("ID token rejected: {0}")]
    IdToken(String),
    /// The identity claim is missing.
    #[error("claim {0} missing")]
    MissingClaim(String),
}

/// Who the provider says signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderIdentity {
    /// The issuer (the provider's identifier).
    pub issuer: String,
    /// The subject at that issuer.
    pub subject: String,
    /// The value of the configured identity claim (e-mail or staff code).
    pub claim_value: Option<String>,
}

/// Where to send the browser, and what to remember until it comes back.
#[derive(Debug, Clone)]
pub struct AuthorizationRequest {
    /// The provider URL to redirect to.
    pub url: String,
    /// The `state` value (also set in the browser's cookie).
    pub state: String,
    /// The nonce (OpenID Connect), or empty.
    pub nonce: String,
    /// The PKCE verifier.
    pub pkce_verifier: String,
}

enum Mode {
    /// OpenID Connect with discovery.
    Oidc { issuer: IssuerUrl },
    /// Plain OAuth2 with explicit endpoints.
    OAuth2 {
        issuer: String,
        auth_url: String,
        token_url: String,
        userinfo_url: String,
    },
}

/// The configured provider.
pub struct Provider {
    mode: Mode,
    client_id: String,
    client_secret: Option<String>,
    redirect_url: String,
    scopes: Vec<String>,
    claim: String,
    userinfo_override: Option<String>,
    http: reqwest::Client,
    metadata: RwLock<Option<(Instant, Arc<CoreProviderMetadata>)>>,
}

impl Provider {
    /// The provider described by the settings, or None when sign-in is not configured.
    pub fn from_settings(settings: &Settings) -> Result<Option<Arc<Self>>, String> {
        let Some(client_id) = settings.oauth_client_id.clone() else {
            return Ok(None);
        };
        let public_url = settings
            .public_url
            .as_deref()
            .ok_or("LANTOA_PUBLIC_URL is required for sign-in")?
            .trim_end_matches('/');
        let mode =
            match (
                &settings.oauth_issuer,
                &settings.oauth_auth_url,
                &settings.oauth_token_url,
            ) {
                (_, Some(auth_url), Some(token_url)) => Mode::OAuth2 {
                    issuer: settings
                        .oauth_issuer
                        .clone()
                        .unwrap_or_else(|| origin_of(auth_url)),
                    auth_url: auth_url.clone(),
                    token_url: token_url.clone(),
                    userinfo_url: settings
                        .oauth_userinfo_url
                        .clone()
                        .ok_or("LANTOA_OAUTH_USERINFO_URL is required with explicit endpoints")?,
                },
                (Some(issuer), _, _) => Mode::Oidc {
                    issuer: IssuerUrl::new(issuer.clone())
                        .map_err(|e| format!("LANTOA_OAUTH_ISSUER: {e}"))?,
                },
                _ => return Err(
                    "set LANTOA_OAUTH_ISSUER, or LANTOA_OAUTH_AUTH_URL and LANTOA_OAUTH_TOKEN_URL"
                        .into(),
                ),
            };
        let http = reqwest::Client::builder()
            // Following redirects would let a provider response steer us to other hosts (SSRF).
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Some(Arc::new(Self {
            mode,
            client_id,
            client_secret: settings
                .oauth_client_secret
                .as_ref()
                .map(|s| s.expose().to_owned()),
            redirect_url: format!("{public_url}/auth/callback"),
            scopes: settings
                .oauth_scopes
                .split_whitespace()
                .map(str::to_owned)
                .collect(),
            claim: settings.oauth_identity_claim.clone(),
            userinfo_override: settings.oauth_userinfo_url.clone(),
            http,
            metadata: RwLock::new(None),
        })))
    }

    /// The issuer identifier, for the identity link.
    pub fn issuer(&self) -> String {
        match &self.mode {
            Mode::Oidc { issuer } => issuer.as_str().to_owned(),
            Mode::OAuth2 { issuer, .. } => issuer.clone(),
        }
    }

    async fn metadata(
        &self,
        issuer: &IssuerUrl,
        refresh: bool,
    ) -> Result<Arc<CoreProviderMetadata>, SignInError> {
        if !refresh
            && let Some((at, meta)) = self.metadata.read().await.as_ref()
            && at.elapsed() < METADATA_TTL
        {
            return Ok(Arc::clone(meta));
        }
        let meta = CoreProviderMetadata::discover_async(issuer.clone(), &self.http)
            .await
            .map_err(|e| SignInError::Provider(format!("discovery: {e}")))?;
        let meta = Arc::new(meta);
        *self.metadata.write().await = Some((Instant::now(), Arc::clone(&meta)));
        Ok(meta)
    }

    fn redirect(&self) -> Result<RedirectUrl, SignInError> {
        RedirectUrl::new(self.redirect_url.clone())
            .map_err(|e| SignInError::Provider(e.to_string()))
    }

    /// Starts a sign-in: PKCE S256, a random state, and a nonce for OpenID Connect.
    pub async fn authorize(
        &self,
        login_hint: Option<&str>,
    ) -> Result<AuthorizationRequest, SignInError> {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let scopes = self.scopes.iter().cloned().map(Scope::new);
        let (mut url, state, nonce) = match &self.mode {
            Mode::Oidc { issuer } => {
                let meta = self.metadata(issuer, false).await?;
                let client = CoreClient::from_provider_metadata(
                    (*meta).clone(),
                    ClientId::new(self.client_id.clone()),
                    self.client_secret.clone().map(ClientSecret::new),
                )
                .set_redirect_uri(self.redirect()?);
                let mut request = client
                    .authorize_url(
                        CoreAuthenticationFlow::AuthorizationCode,
                        CsrfToken::new_random,
                        Nonce::new_random,
                    )
                    .set_pkce_challenge(challenge);
                for scope in scopes.filter(|s| s.as_str() != "openid") {
                    request = request.add_scope(scope);
                }
                let (url, state, nonce) = request.url();
                (url, state.secret().clone(), nonce.secret().clone())
            }
            Mode::OAuth2 {
                auth_url,
                token_url,
                ..
            } => {
                let client = oauth2_client(
                    &self.client_id,
                    self.client_secret.as_deref(),
                    auth_url,
                    token_url,
                    &self.redirect_url,
                )?;
                let (url, state) = client
                    .authorize_url(CsrfToken::new_random)
                    .add_scopes(scopes)
                    .set_pkce_challenge(challenge)
                    .url();
                (url, state.secret().clone(), String::new())
            }
        };
        if let Some(hint) = login_hint.filter(|h| !h.is_empty() && h.len() <= 200) {
            url.query_pairs_mut().append_pair("login_hint", hint);
        }
        Ok(AuthorizationRequest {
            url: url.to_string(),
            state,
            nonce,
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Finishes a sign-in: exchanges the code with the PKCE verifier, validates the ID token
    /// (OpenID Connect) and reads the identity claim.
    pub async fn finish(
        &self,
        code: &str,
        nonce: &str,
        pkce_verifier: &str,
    ) -> Result<ProviderIdentity, SignInError> {
        match &self.mode {
            Mode::Oidc { issuer } => {
                let meta = self.metadata(issuer, false).await?;
                self.finish_oidc(&meta, code, nonce, pkce_verifier).await
            }
            Mode::OAuth2 {
                issuer,
                auth_url,
                token_url,
                userinfo_url,
            } => {
                let client = oauth2_client(
                    &self.client_id,
                    self.client_secret.as_deref(),
                    auth_url,
                    token_url,
                    &self.redirect_url,
                )?;
                let token = client
                    .exchange_code(AuthorizationCode::new(code.to_owned()))
                    .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()))
                    .request_async(&self.http)
                    .await
                    .map_err(|e| SignInError::Exchange(e.to_string()))?;
                let info = self.userinfo(userinfo_url, token.access_token()).await?;
                let subject = info
                    .get("sub")
                    .and_then(Value::as_str)
                    .ok_or_else(|| SignInError::MissingClaim("sub".into()))?
                    .to_owned();
                Ok(ProviderIdentity {
                    issuer: issuer.clone(),
                    subject,
                    claim_value: claim_of(&info, &self.claim),
                })
            }
        }
    }

    async fn finish_oidc(
        &self,
        meta: &CoreProviderMetadata,
        code: &str,
        nonce: &str,
        pkce_verifier: &str,
    ) -> Result<ProviderIdentity, SignInError> {
        let client = CoreClient::from_provider_metadata(
            meta.clone(),
            ClientId::new(self.client_id.clone()),
            self.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(self.redirect()?);
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| SignInError::Provider(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()))
            .request_async(&self.http)
            .await
            .map_err(|e| SignInError::Exchange(e.to_string()))?;
        let id_token = response
            .id_token()
            .ok_or_else(|| SignInError::IdToken("no ID token in the response".into()))?;
        let claims = id_token
            .claims(&client.id_token_verifier(), &Nonce::new(nonce.to_owned()))
            .map_err(|e| SignInError::IdToken(e.to_string()))?;
        let subject = claims.subject().as_str().to_owned();
        let mut claim_value = if self.claim == "email" {
            claims.email().map(|e| e.as_str().to_owned())
        } else {
            None
        };
        if claim_value.is_none() {
            let userinfo_url = self
                .userinfo_override
                .clone()
                .or_else(|| meta.userinfo_endpoint().map(|u| u.as_str().to_owned()));
            if let Some(url) = userinfo_url {
                let info = self.userinfo(&url, response.access_token()).await?;
                // The userinfo answer must be about the same subject as the ID token.
                if info.get("sub").and_then(Value::as_str) != Some(subject.as_str()) {
                    return Err(SignInError::IdToken("userinfo subject differs".into()));
                }
                claim_value = claim_of(&info, &self.claim);
            }
        }
        Ok(ProviderIdentity {
            issuer: self.issuer(),
            subject,
            claim_value,
        })
    }

    async fn userinfo(&self, url: &str, token: &AccessToken) -> Result<Value, SignInError> {
        let response = self
            .http
            .get(url)
            .bearer_auth(token.secret())
            .send()
            .await
            .map_err(|e| SignInError::Provider(format!("userinfo: {e}")))?;
        if !response.status().is_success() {
            return Err(SignInError::Provider(format!(
                "userinfo answered {}",
                response.status()
            )));
        }
        response
            .json::<Value>()
            .await
            .map_err(|e| SignInError::Provider(format!("userinfo: {e}")))
    }
}

fn claim_of(info: &Value, claim: &str) -> Option<String> {
    info.get(claim).and_then(|v| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

fn origin_of(url: &str) -> String {
    url::Url::parse(url).map_or_else(|_| url.to_owned(), |u| u.origin().ascii_serialization())
}

type PlainClient = oauth2::Client<
    oauth2::basic::BasicErrorResponse,
    oauth2::basic::BasicTokenResponse,
    oauth2::basic::BasicTokenIntrospectionResponse,
    oauth2::StandardRevocableToken,
    oauth2::basic::BasicRevocationErrorResponse,
    oauth2::EndpointSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointSet,
>;

fn oauth2_client(
    client_id: &str,
    secret: Option<&str>,
    auth_url: &str,
    token_url: &str,
    redirect: &str,
) -> Result<PlainClient, SignInError> {
    let bad = |e: oauth2::url::ParseError| SignInError::Provider(e.to_string());
    let mut client = oauth2::basic::BasicClient::new(oauth2::ClientId::new(client_id.to_owned()))
        .set_auth_uri(oauth2::AuthUrl::new(auth_url.to_owned()).map_err(bad)?)
        .set_token_uri(oauth2::TokenUrl::new(token_url.to_owned()).map_err(bad)?)
        .set_redirect_uri(oauth2::RedirectUrl::new(redirect.to_owned()).map_err(bad)?);
    if let Some(secret) = secret {
        client = client.set_client_secret(oauth2::ClientSecret::new(secret.to_owned()));
    }
    Ok(client)
}
