//! A small client for Zalo's Bot API: every method is a POST of JSON to
//! `<base>/bot<TOKEN>/<method>`, answered `{"ok":true,"result":…}` or
//! `{"ok":false,"error_code":n,"description":"…"}`. The token is part of every URL, so no URL
//! ever goes into an error or a log line.

use std::time::Duration;

use serde_json::Value;

/// Zalo's own Bot API server.
pub const DEFAULT_BASE: &str = "https://bot-api.zaloplatforms.com";

/// The bot's connection to its Bot API server.
#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    base: String,
    token: String,
}

/// Why a call did not give a result.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// Zalo answered with its error object (`ok: false`), whatever the HTTP status.
    #[error("Zalo error {code} (HTTP {status}): {description}")]
    Zalo {
        status: u16,
        code: i64,
        description: String,
        /// Seconds to wait, when a 429 says.
        retry_after: Option<u64>,
    },
    /// An HTTP error whose body is not Zalo's JSON (a proxy's error page).
    #[error("HTTP {status} without Zalo's answer")]
    Status { status: u16 },
    /// A success status with a body that is not Zalo's JSON.
    #[error("an answer that is not Zalo's JSON (HTTP {status})")]
    NotJson { status: u16 },
    #[error("no answer in time")]
    Timeout,
    #[error("network: {0}")]
    Network(String),
}

impl ApiError {
    /// Zalo's code for the error (its `error_code`, else the HTTP status).
    pub fn code(&self) -> Option<i64> {
        match self {
            ApiError::Zalo { code, .. } => Some(*code),
            ApiError::Status { status } => Some(i64::from(*status)),
            _ => None,
        }
    }
}

impl std::fmt::Debug for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Api")
            .field("base", &self.base)
            .field("token", &"***")
            .finish()
    }
}

impl Api {
    /// A client of the server at `base` (Zalo's own when None), waiting at most `timeout` for
    /// an answer unless a call says otherwise.
    pub fn new(token: &str, base: Option<&str>, timeout: Duration) -> anyhow::Result<Api> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| anyhow::anyhow!("building the HTTP client: {}", e.without_url()))?;
        Ok(Api {
            http,
            base: base
                .unwrap_or(DEFAULT_BASE)
                .trim_end_matches('/')
                .to_string(),
            token: token.to_string(),
        })
    }

    /// The HTTP client, for fetching what users send (photos).
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Calls `method` with `params`; gives its `result` (null when there is none).
    pub async fn call(&self, method: &str, params: &Value) -> Result<Value, ApiError> {
        self.call_within(method, params, None).await
    }

    /// `call`, waiting at most `timeout` for the answer (a long poll waits longer).
    pub async fn call_within(
        &self,
        method: &str,
        params: &Value,
        timeout: Option<Duration>,
    ) -> Result<Value, ApiError> {
        let url = format!("{}/bot{}/{method}", self.base, self.token);
        let mut req = self.http.post(url).json(params);
        if let Some(t) = timeout {
            req = req.timeout(t);
        }
        let resp = req.send().await.map_err(network)?;
        let status = resp.status().as_u16();
        let body = resp.bytes().await.map_err(network)?;
        read_answer(status, &body)
    }
}

/// A reqwest error without the URL it carries (which holds the token), with its causes.
pub(super) fn network(e: reqwest::Error) -> ApiError {
    if e.is_timeout() {
        return ApiError::Timeout;
    }
    let e = e.without_url();
    let mut why = e.to_string();
    let mut cause = std::error::Error::source(&e);
    while let Some(c) = cause {
        why.push_str(&format!(": {c}"));
        cause = c.source();
    }
    ApiError::Network(why)
}

/// Reads an answer: Zalo's JSON object, whatever the status, else what the status says.
pub fn read_answer(status: u16, body: &[u8]) -> Result<Value, ApiError> {
    let json = serde_json::from_slice::<Value>(body)
        .ok()
        .filter(|v| v.get("ok").is_some_and(Value::is_boolean));
    let Some(v) = json else {
        return Err(if (200..300).contains(&status) {
            ApiError::NotJson { status }
        } else {
            ApiError::Status { status }
        });
    };
    if v["ok"] == Value::Bool(true) && (200..300).contains(&status) {
        return Ok(v.get("result").cloned().unwrap_or(Value::Null));
    }
    let code = v["error_code"]
        .as_i64()
        .or_else(|| v["error_code"].as_str().and_then(|s| s.parse().ok()))
        .unwrap_or(i64::from(status));
    let retry_after = [&v["parameters"]["retry_after"], &v["retry_after"]]
        .into_iter()
        .find_map(|r| {
            r.as_u64()
                .or_else(|| r.as_str().and_then(|s| s.parse().ok()))
        });
    Err(ApiError::Zalo {
        status,
        code,
        description: v["description"].as_str().unwrap_or_default().to_string(),
        retry_after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_read_as_zalo_means_them() {
        let ok = read_answer(200, br#"{"ok":true,"result":{"message_id":"m1"}}"#);
        assert_eq!(ok.unwrap()["message_id"], "m1");
        // An empty long poll, as some servers send it (HTTP 200) and others (HTTP 408).
        for status in [200, 408] {
            let e = read_answer(
                status,
                br#"{"ok":false,"error_code":408,"description":"Request timeout"}"#,
            )
            .unwrap_err();
            assert_eq!(e.code(), Some(408));
        }
        let e = read_answer(
            429,
            br#"{"ok":false,"error_code":429,"description":"Quota exceeded","parameters":{"retry_after":7}}"#,
        )
        .unwrap_err();
        assert!(
            matches!(
                e,
                ApiError::Zalo {
                    retry_after: Some(7),
                    ..
                }
            ),
            "{e:?}"
        );
        assert_eq!(
            read_answer(502, b"<html>Bad gateway</html>").unwrap_err(),
            ApiError::Status { status: 502 }
        );
        assert_eq!(
            read_answer(200, b"hello").unwrap_err(),
            ApiError::NotJson { status: 200 }
        );
    }

    #[test]
    fn the_token_never_shows() {
        let api = Api::new("1234:SECRET", None, Duration::from_secs(1)).unwrap();
        assert!(!format!("{api:?}").contains("SECRET"));
    }
}
