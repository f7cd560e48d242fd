//! HTTP fetching with the limits a feed reader needs: conditional GET, gzip/brotli,
//! connect and total timeouts, a redirect cap, a body cap that also holds after
//! decompression, global and per-host concurrency, and the SSRF guard in the resolver.
//! Every failure comes back classified with a message a server admin can act on.

use std::collections::HashMap;
use std::error::Error as StdError;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures::StreamExt;
use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap, HeaderValue};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use url::Url;

use super::guard::{Guard, GuardError, GuardedResolver};
use crate::config::FetchSettings;
use crate::domain::FailureClass;

/// What `Accept` says when asking for a feed.
pub const ACCEPT_FEED: &str = "application/rss+xml, application/atom+xml, application/feed+json, \
     application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5";
/// What `Accept` says when asking for an article page.
pub const ACCEPT_PAGE: &str = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5";

/// A classified fetch failure.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
#[error("{message}")]
pub struct FetchError {
    pub class: FailureClass,
    pub message: String,
    /// The HTTP status, when a response arrived.
    pub status: Option<u16>,
}

impl FetchError {
    fn new(class: FailureClass, message: impl Into<String>) -> Self {
        FetchError {
            class,
            message: message.into(),
            status: None,
        }
    }
}

/// Validators from the last successful fetch, sent back for a conditional GET.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A response body that arrived within the limits.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub status: u16,
    pub body: Bytes,
    pub content_type: Option<String>,
    pub validators: Validators,
    /// Where the body came from after redirects.
    pub final_url: Url,
    /// `Cache-Control: max-age`, when the server gave one.
    pub max_age: Option<Duration>,
}

#[derive(Debug, Clone)]
pub enum FetchOutcome {
    /// 304: nothing changed since the validators were issued.
    NotModified {
        max_age: Option<Duration>,
    },
    Fetched(Fetched),
}

/// Redirects beyond the cap end in this error, so that it can be told apart from others.
#[derive(Debug, thiserror::Error)]
#[error("gave up after {0} redirects (a redirect loop?)")]
struct TooManyRedirects(usize);

/// The shared HTTP client with its concurrency limits.
#[derive(Debug)]
pub struct Fetcher {
    client: reqwest::Client,
    guard: Guard,
    max_body_bytes: u64,
    timeout: Duration,
    global: Arc<Semaphore>,
    per_host_limit: usize,
    per_host: Mutex<HashMap<String, Arc<Semaphore>>>,
}

#[derive(Debug, thiserror::Error)]
#[error("cannot build the HTTP client: {0}")]
pub struct ClientBuildError(#[from] reqwest::Error);

impl Fetcher {
    pub fn new(settings: &FetchSettings, guard: Guard) -> Result<Fetcher, ClientBuildError> {
        let max_redirects = settings.max_redirects;
        let redirect = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() > max_redirects {
                return attempt.error(TooManyRedirects(max_redirects));
            }
            // Redirect targets that are IP literals skip the resolver, so check them here.
            if let Err(err) = guard.check_static(attempt.url()) {
                return attempt.error(err);
            }
            attempt.follow()
        });
        let client = reqwest::Client::builder()
            .user_agent(settings.user_agent.clone())
            .connect_timeout(settings.connect_timeout())
            .timeout(settings.timeout())
            .redirect(redirect)
            .dns_resolver(GuardedResolver::new(guard))
            .gzip(true)
            .brotli(true)
            .build()?;
        Ok(Fetcher {
            client,
            guard,
            max_body_bytes: settings.max_body_bytes,
            timeout: settings.timeout(),
            global: Arc::new(Semaphore::new(settings.concurrency)),
            per_host_limit: settings.per_host_concurrency,
            per_host: Mutex::new(HashMap::new()),
        })
    }

    pub fn guard(&self) -> Guard {
        self.guard
    }

    /// Fetches `url`, conditionally when `validators` are given.
    pub async fn fetch(&self, url: &Url, validators: &Validators, accept: &str) -> Result<FetchOutcome, FetchError> {
        self.guard
            .check_static(url)
            .map_err(|e| FetchError::new(FailureClass::Blocked, e.to_string()))?;
        let _permits = self.permits(url).await?;

        let mut request = self.client.get(url.clone()).header(header::ACCEPT, accept);
        if let Some(etag) = &validators.etag {
            request = request.header(header::IF_NONE_MATCH, etag);
        }
        if let Some(modified) = &validators.last_modified {
            request = request.header(header::IF_MODIFIED_SINCE, modified);
        }
        let response = request.send().await.map_err(|e| self.classify(&e))?;
        let status = response.status();
        let max_age = cache_max_age(response.headers());
        if status == StatusCode::NOT_MODIFIED {
            return Ok(FetchOutcome::NotModified { max_age });
        }
        if !status.is_success() {
            return Err(FetchError {
                class: FailureClass::HttpStatus,
                message: format!(
                    "HTTP {} {}",
                    status.as_u16(),
                    status.canonical_reason().unwrap_or("error")
                ),
                status: Some(status.as_u16()),
            });
        }
        let headers = response.headers().clone();
        let final_url = response.url().clone();
        let declared = response.content_length();
        if declared.is_some_and(|len| len > self.max_body_bytes) {
            return Err(FetchError {
                status: Some(status.as_u16()),
                ..FetchError::new(
                    FailureClass::TooLarge,
                    format!(
                        "body of {} is over the {} limit (fetch.max_body_bytes)",
                        human_bytes(declared.unwrap_or_default()),
                        human_bytes(self.max_body_bytes)
                    ),
                )
            });
        }
        let body = self.read_capped(response).await?;
        Ok(FetchOutcome::Fetched(Fetched {
            status: status.as_u16(),
            body,
            content_type: header_string(&headers, header::CONTENT_TYPE),
            validators: Validators {
                etag: header_string(&headers, header::ETAG),
                last_modified: header_string(&headers, header::LAST_MODIFIED),
            },
            final_url,
            max_age,
        }))
    }

    /// Fetches `url` unconditionally and reads the body as UTF-8 text (invalid bytes
    /// replaced): transcripts, chapters, OPML files and article pages, which are read
    /// whole, never polled. A 304, which an unconditional request should not get, is an
    /// [`FailureClass::HttpStatus`] error with `status` 304.
    pub async fn fetch_text(&self, url: &Url, accept: &str) -> Result<String, FetchError> {
        match self.fetch(url, &Validators::default(), accept).await? {
            FetchOutcome::Fetched(fetched) => Ok(String::from_utf8_lossy(&fetched.body).into_owned()),
            FetchOutcome::NotModified { .. } => Err(FetchError {
                status: Some(StatusCode::NOT_MODIFIED.as_u16()),
                ..FetchError::new(FailureClass::HttpStatus, "HTTP 304 to an unconditional request")
            }),
        }
    }

    async fn permits(&self, url: &Url) -> Result<(OwnedSemaphorePermit, OwnedSemaphorePermit), FetchError> {
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        let host_semaphore = {
            // A poisoned map only means another task panicked mid-insert; the map is still usable.
            let mut map = self.per_host.lock().unwrap_or_else(|p| p.into_inner());
            map.entry(host)
                .or_insert_with(|| Arc::new(Semaphore::new(self.per_host_limit)))
                .clone()
        };
        let closed = |_| FetchError::new(FailureClass::Connect, "the fetcher is shutting down");
        let host_permit = host_semaphore.acquire_owned().await.map_err(closed)?;
        let global_permit = self.global.clone().acquire_owned().await.map_err(closed)?;
        Ok((host_permit, global_permit))
    }

    /// Reads the body chunk by chunk, counting decompressed bytes, so a gzip bomb stops at the cap.
    async fn read_capped(&self, response: reqwest::Response) -> Result<Bytes, FetchError> {
        let status = response.status().as_u16();
        let mut stream = response.bytes_stream();
        let mut body = BytesMut::new();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| FetchError {
                status: Some(status),
                ..self.classify(&e)
            })?;
            if (body.len() + chunk.len()) as u64 > self.max_body_bytes {
                return Err(FetchError {
                    status: Some(status),
                    ..FetchError::new(
                        FailureClass::TooLarge,
                        format!(
                            "body is over the {} limit after decompression (fetch.max_body_bytes)",
                            human_bytes(self.max_body_bytes)
                        ),
                    )
                });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }

    fn classify(&self, err: &reqwest::Error) -> FetchError {
        if let Some(guard) = find_source::<GuardError>(err) {
            let class = match guard {
                GuardError::Resolve { .. } => FailureClass::Dns,
                _ => FailureClass::Blocked,
            };
            return FetchError::new(class, guard.to_string());
        }
        if let Some(redirects) = find_source::<TooManyRedirects>(err) {
            return FetchError::new(FailureClass::HttpStatus, redirects.to_string());
        }
        if err.is_timeout() {
            return FetchError::new(
                FailureClass::Timeout,
                format!(
                    "no complete answer within {} s (fetch.timeout_secs)",
                    self.timeout.as_secs()
                ),
            );
        }
        if err.is_decode() {
            return FetchError::new(
                FailureClass::ParseError,
                format!("cannot decode the body: {}", root_cause(err)),
            );
        }
        if err.is_connect() {
            return FetchError::new(FailureClass::Connect, format!("cannot connect: {}", root_cause(err)));
        }
        if err.is_redirect() {
            return FetchError::new(FailureClass::HttpStatus, format!("bad redirect: {}", root_cause(err)));
        }
        FetchError::new(FailureClass::Connect, format!("connection failed: {}", root_cause(err)))
    }
}

fn find_source<'a, T: StdError + 'static>(err: &'a (dyn StdError + 'static)) -> Option<&'a T> {
    let mut current: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = current {
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        current = e.source();
    }
    None
}

fn root_cause(err: &(dyn StdError + 'static)) -> String {
    let mut current = err;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

fn header_string(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v: &HeaderValue| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// `max-age` from Cache-Control; `no-cache`/`no-store` count as zero (the clamp raises it).
pub fn cache_max_age(headers: &HeaderMap) -> Option<Duration> {
    let value = header_string(headers, header::CACHE_CONTROL)?;
    let mut max_age = None;
    for directive in value.split(',').map(str::trim) {
        let lower = directive.to_ascii_lowercase();
        if lower == "no-cache" || lower == "no-store" {
            return Some(Duration::ZERO);
        }
        if let Some(secs) = lower.strip_prefix("max-age=") {
            max_age = secs.trim_matches('"').parse::<u64>().ok().map(Duration::from_secs);
        }
    }
    max_age
}

pub fn human_bytes(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    } else if bytes >= 1024 {
        format!("{:.0} KiB", bytes as f64 / 1024.0)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_age_is_read() {
        let mut headers = HeaderMap::new();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=600"));
        assert_eq!(cache_max_age(&headers), Some(Duration::from_secs(600)));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        assert_eq!(cache_max_age(&headers), Some(Duration::ZERO));
        assert_eq!(cache_max_age(&HeaderMap::new()), None);
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_bytes(5 * 1024 * 1024), "5.0 MiB");
        assert_eq!(human_bytes(2048), "2 KiB");
        assert_eq!(human_bytes(12), "12 bytes");
    }
}
