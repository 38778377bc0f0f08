//! The terminal as a chat: one message per input line, replies printed as plain text with
//! numbered choices. It reads a pipe as well as a keyboard, so whole conversations can be
//! piped in and their transcripts compared.

use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Context;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt};

use super::{Content, Inbound, render_plain};
use crate::dialogue::engine::Engine;
use crate::store::outbox;

pub const CHANNEL: &str = "console";

/// Chats as `identity` until the input ends. Opening the chat counts as `/start`, so a
/// person coming back sees the question they stopped at.
pub async fn run<R, W>(
    engine: &Engine,
    identity: &str,
    input: R,
    mut output: W,
    prompt: bool,
) -> anyhow::Result<()>
where
    R: AsyncBufRead + Unpin,
    W: AsyncWrite + Unpin,
{
    deliver(engine, identity, &mut output).await?;
    send(engine, identity, "/start", &mut output).await?;
    let mut lines = input.lines();
    loop {
        if prompt {
            output.write_all(b"> ").await?;
            output.flush().await?;
        }
        let Some(line) = lines.next_line().await.context("reading input")? else {
            break;
        };
        send(engine, identity, &line, &mut output).await?;
    }
    Ok(())
}

async fn send<W: AsyncWrite + Unpin>(
    engine: &Engine,
    identity: &str,
    text: &str,
    output: &mut W,
) -> anyhow::Result<()> {
    let msg = Inbound {
        channel: CHANNEL.into(),
        chat_id: identity.into(),
        sender_id: identity.into(),
        sender_name: Some(identity.into()),
        message_id: next_message_id(identity),
        lang_hint: None,
        content: Content::Text(text.to_string()),
    };
    if let Err(e) = engine.handle(&msg).await {
        tracing::error!(error = %e, "handling a console message");
        let apology = render_plain(&engine.apology(None));
        output.write_all(format!("{apology}\n\n").as_bytes()).await?;
        return Ok(());
    }
    deliver(engine, identity, output).await
}

/// Prints the replies queued for this console chat and marks them sent.
pub async fn deliver<W: AsyncWrite + Unpin>(
    engine: &Engine,
    identity: &str,
    output: &mut W,
) -> anyhow::Result<()> {
    let now = engine.clock().now();
    let mut tx = engine.store().begin().await?;
    for row in outbox::due(&mut tx, CHANNEL, Some(identity), now, 1000).await? {
        match row.reply() {
            Ok(r) => {
                output
                    .write_all(format!("{}\n\n", render_plain(&r)).as_bytes())
                    .await?
            }
            Err(e) => tracing::error!(error = %e, id = row.id, "unreadable outbox row"),
        }
        outbox::mark_sent(&mut tx, row.id, now).await?;
    }
    output.flush().await?;
    tx.commit().await?;
    Ok(())
}

/// Terminals have no message ids; each line gets one that is unique across runs.
fn next_message_id(identity: &str) -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "{identity}:{}:{}",
        chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}
