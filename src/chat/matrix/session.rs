//! Logging the bot in to its homeserver, and keeping the session so a restart reuses the
//! same device (and its transaction ids) instead of adding a new device each time.
//!
//! With `matrix.access_token` the token is used as is (its user and device are looked up
//! with `whoami`). With `matrix.password` the first start logs in and keeps the session in
//! the database's key-value table; later starts restore it, and log in again only when the
//! homeserver says the stored token is no longer valid.

use std::time::Duration;

use matrix_sdk::authentication::matrix::MatrixSession;
use matrix_sdk::config::RequestConfig;
use matrix_sdk::ruma::api::error::ErrorKind;
use matrix_sdk::ruma::{OwnedDeviceId, OwnedUserId};
use matrix_sdk::{Client, SessionMeta, SessionTokens};
use serde::{Deserialize, Serialize};

use super::MatrixError;
use crate::app::App;
use crate::config::{MatrixSettings, Secret};

/// What is kept between restarts. The access token is a secret: it lives only in the
/// database, never in logs.
#[derive(Serialize, Deserialize)]
struct StoredSession {
    user_id: String,
    device_id: String,
    access_token: String,
}

/// Requests time out and are retried a bounded number of times, so a post to a dead
/// homeserver fails and is retried on a later cycle instead of blocking the scheduler.
fn request_config() -> RequestConfig {
    RequestConfig::new().timeout(Duration::from_secs(60)).retry_limit(3)
}

async fn build_client(settings: &MatrixSettings) -> Result<Client, MatrixError> {
    let homeserver = url::Url::parse(settings.homeserver_url.trim())
        .map_err(|_| MatrixError::HomeserverUrl(settings.homeserver_url.clone()))?;
    Client::builder()
        .homeserver_url(homeserver.as_str())
        .request_config(request_config())
        .user_agent(concat!("newsdesk/", env!("CARGO_PKG_VERSION")))
        .build()
        .await
        .map_err(|err| MatrixError::Build(err.to_string()))
}

fn session_key(settings: &MatrixSettings) -> String {
    format!(
        "matrix.session {} {}",
        settings.homeserver_url.trim().trim_end_matches('/'),
        settings.user_id.trim()
    )
}

/// The kv key of the sync token: where the next sync starts after a restart.
pub(super) fn sync_token_key(settings: &MatrixSettings) -> String {
    format!(
        "matrix.sync_token {} {}",
        settings.homeserver_url.trim().trim_end_matches('/'),
        settings.user_id.trim()
    )
}

fn matrix_session(user_id: OwnedUserId, device_id: OwnedDeviceId, access_token: String) -> MatrixSession {
    MatrixSession {
        meta: SessionMeta { user_id, device_id },
        tokens: SessionTokens {
            access_token,
            refresh_token: None,
        },
    }
}

/// A logged-in client for the configured account.
pub(super) async fn login(app: &App) -> Result<Client, MatrixError> {
    let settings = &app.settings.matrix;
    if let Some(token) = settings.access_token.as_ref().filter(|t| !t.is_empty()) {
        return with_access_token(settings, token).await;
    }
    let password = settings
        .password
        .as_ref()
        .filter(|p| !p.is_empty())
        .ok_or(MatrixError::NoCredentials)?;
    let key = session_key(settings);
    if let Some(stored) = app.store.kv_get(&key).await? {
        match serde_json::from_str::<StoredSession>(&stored) {
            Ok(stored) => {
                if let Some(client) = restore(settings, stored).await? {
                    tracing::info!(user = %settings.user_id, "restored the Matrix session");
                    return Ok(client);
                }
                tracing::warn!(
                    user = %settings.user_id,
                    "the stored Matrix session was logged out; logging in again (a new device)"
                );
            }
            Err(err) => tracing::warn!(error = %err, "the stored Matrix session is unreadable; logging in again"),
        }
    }
    let client = build_client(settings).await?;
    let response = client
        .matrix_auth()
        .login_username(settings.user_id.trim(), password.expose())
        .initial_device_display_name(&settings.device_name)
        .send()
        .await
        .map_err(|err| MatrixError::Login(err.to_string()))?;
    let stored = StoredSession {
        user_id: response.user_id.to_string(),
        device_id: response.device_id.to_string(),
        access_token: response.access_token.clone(),
    };
    let json = serde_json::to_string(&stored).map_err(|err| MatrixError::Login(err.to_string()))?;
    app.store.kv_set(&key, &json).await?;
    tracing::info!(user = %response.user_id, device = %response.device_id, "logged in to Matrix; session kept");
    Ok(client)
}

/// The stored session, when the homeserver still accepts it; `None` when it was logged out.
async fn restore(settings: &MatrixSettings, stored: StoredSession) -> Result<Option<Client>, MatrixError> {
    let user_id = OwnedUserId::try_from(stored.user_id.as_str()).map_err(|err| MatrixError::Login(err.to_string()))?;
    let device_id = OwnedDeviceId::from(stored.device_id.as_str());
    let client = build_client(settings).await?;
    client
        .restore_session(matrix_session(user_id, device_id, stored.access_token))
        .await
        .map_err(|err| MatrixError::Login(err.to_string()))?;
    match client.whoami().await {
        Ok(_) => Ok(Some(client)),
        Err(err) if matches!(err.client_api_error_kind(), Some(ErrorKind::UnknownToken(_))) => Ok(None),
        // The homeserver is down or unreachable: logging in again would not help, and would
        // leave a stray device behind once it is back.
        Err(err) => Err(MatrixError::Login(err.to_string())),
    }
}

async fn with_access_token(settings: &MatrixSettings, token: &Secret) -> Result<Client, MatrixError> {
    let client = build_client(settings).await?;
    // whoami needs a session; a placeholder device is replaced once the real one is known.
    let placeholder_user = OwnedUserId::try_from(settings.user_id.trim())
        .unwrap_or_else(|_| matrix_sdk::ruma::user_id!("@newsdesk:localhost").to_owned());
    client
        .restore_session(matrix_session(
            placeholder_user,
            OwnedDeviceId::from("UNKNOWN"),
            token.expose().to_string(),
        ))
        .await
        .map_err(|err| MatrixError::Token(err.to_string()))?;
    let whoami = client
        .whoami()
        .await
        .map_err(|err| MatrixError::Token(err.to_string()))?;
    let device_id = whoami.device_id.ok_or_else(|| {
        MatrixError::Token("the homeserver knows no device for this access token; use a password login".into())
    })?;
    let client = build_client(settings).await?;
    client
        .restore_session(matrix_session(whoami.user_id, device_id, token.expose().to_string()))
        .await
        .map_err(|err| MatrixError::Token(err.to_string()))?;
    Ok(client)
}
