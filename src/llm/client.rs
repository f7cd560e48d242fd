//! One chat-completions request to an OpenAI-compatible endpoint, asking for JSON that
//! follows a schema, and the answer's JSON and token usage. No retries and no validation
//! here: [`super::LlmEditor`] decides what a bad answer means.

use std::time::Duration;

use serde_json::{Value, json};

use crate::config::{LlmSettings, Secret};

/// Why a request gave no usable JSON.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CallError {
    #[error("the model endpoint did not answer within {0:?}")]
    Timeout(Duration),
    #[error("the model endpoint answered HTTP {status}: {message}")]
    Http { status: u16, message: String },
    #[error("cannot reach the model endpoint: {0}")]
    Connect(String),
    #[error("the answer is not the JSON asked for: {0}")]
    Malformed(String),
}

/// Tokens a request cost, as the API reported them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
}

/// The HTTP side of the model endpoint.
pub struct ChatClient {
    http: reqwest::Client,
    endpoint: String,
    api_key: Option<Secret>,
    timeout: Duration,
    max_output_tokens: u32,
    json_schema: bool,
}

impl std::fmt::Debug for ChatClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChatClient")
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

impl ChatClient {
    pub fn new(settings: &LlmSettings) -> Result<ChatClient, CallError> {
        let timeout = Duration::from_secs(settings.timeout_secs);
        let base = settings.base_url.trim().trim_end_matches('/');
        let loopback = url::Url::parse(base)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .is_some_and(|h| h == "localhost" || h == "127.0.0.1" || h == "[::1]");
        let mut builder = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("newsdesk/", env!("CARGO_PKG_VERSION")));
        if loopback {
            // A local server must not be reached through an HTTP proxy from the environment.
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|e| CallError::Connect(e.to_string()))?;
        Ok(ChatClient {
            http,
            endpoint: format!("{base}/chat/completions"),
            api_key: settings.api_key.clone().filter(|k| !k.is_empty()),
            timeout,
            max_output_tokens: settings.max_output_tokens,
            json_schema: settings.json_schema,
        })
    }

    /// Sends `system` + `user` to `model`, asking for JSON following `schema` (named
    /// `schema_name`); returns the parsed JSON and the usage.
    pub async fn chat_json(
        &self,
        model: &str,
        system: &str,
        user: &str,
        schema_name: &str,
        schema: &Value,
    ) -> Result<(Value, Usage), (CallError, Usage)> {
        let none = Usage::default();
        let response_format = if self.json_schema {
            json!({
                "type": "json_schema",
                "json_schema": { "name": schema_name, "strict": true, "schema": schema },
            })
        } else {
            json!({ "type": "json_object" })
        };
        let body = json!({
            "model": model,
            "temperature": 0.2,
            "max_tokens": self.max_output_tokens,
            "response_format": response_format,
            "messages": [
                { "role": "system", "content": system },
                { "role": "user", "content": user },
            ],
        });
        let mut request = self
            .http
            .post(&self.endpoint)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string());
        if let Some(key) = &self.api_key {
            request = request.bearer_auth(key.expose());
        }
        let response = request.send().await.map_err(|e| (self.transport(e), none))?;
        let status = response.status();
        let text = response.text().await.map_err(|e| (self.transport(e), none))?;
        if !status.is_success() {
            let message = serde_json::from_str::<Value>(&text)
                .ok()
                .and_then(|v| v["error"]["message"].as_str().map(str::to_string))
                .unwrap_or_else(|| text.chars().take(200).collect());
            return Err((
                CallError::Http {
                    status: status.as_u16(),
                    message,
                },
                none,
            ));
        }
        let envelope: Value = serde_json::from_str(&text)
            .map_err(|e| (CallError::Malformed(format!("not a chat completion: {e}")), none))?;
        let usage = Usage {
            prompt_tokens: envelope["usage"]["prompt_tokens"].as_i64().unwrap_or(0),
            completion_tokens: envelope["usage"]["completion_tokens"].as_i64().unwrap_or(0),
        };
        // From here on the answer was billed: errors carry the usage.
        let content = envelope["choices"][0]["message"]["content"]
            .as_str()
            .ok_or_else(|| (CallError::Malformed("no choices[0].message.content".into()), usage))?;
        let json = parse_json_content(content).map_err(|e| (CallError::Malformed(e.to_string()), usage))?;
        Ok((json, usage))
    }

    fn transport(&self, err: reqwest::Error) -> CallError {
        if err.is_timeout() {
            CallError::Timeout(self.timeout)
        } else {
            CallError::Connect(err.to_string())
        }
    }
}

/// Models wrap JSON in ``` fences now and then, even when told not to.
fn parse_json_content(content: &str) -> Result<Value, serde_json::Error> {
    let trimmed = content.trim();
    let unfenced = trimmed
        .strip_prefix("```json")
        .or_else(|| trimmed.strip_prefix("```"))
        .and_then(|rest| rest.strip_suffix("```"))
        .unwrap_or(trimmed);
    serde_json::from_str(unfenced.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fenced_and_plain_json_parse() {
        assert_eq!(parse_json_content("{\"a\":1}").unwrap(), json!({"a": 1}));
        assert_eq!(parse_json_content("```json\n{\"a\":1}\n```").unwrap(), json!({"a": 1}));
        assert!(parse_json_content("Sure! {\"a\":1}").is_err());
    }
}
