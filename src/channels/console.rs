//! The terminal as a chat: one message per input line, replies printed as plain text with
//! numbered choices. It reads a pipe as well as a keyboard, so whole conversations can be
//! piped in and their transcripts compared.

use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Context;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt};

use super::{Content, Inbound, render_plain};
use crate::dialogue::engine::Engine;
use crate::message::Reply;
use crate::report::made;
use crate::store::{files, outbox};

pub const CHANNEL: &str = "console";

/// Chats as `identity` until the input ends.
pub async fn run<R, W>(
    engine: &Engine,
    identity: &str,
    input: R,
    output: W,
    prompt: bool,
    save_dir: Option<std::path::PathBuf>,
) -> anyhow::Result<()>
where
    R: AsyncBufRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut session = Session::open_saving(engine, identity, output, save_dir).await?;
    let mut input = input;
    let mut line = vec![];
    loop {
        if prompt {
            session.output.write_all(b"> ").await?;
            session.output.flush().await?;
        }
        line.clear();
        if input
            .read_until(b'\n', &mut line)
            .await
            .context("reading input")?
            == 0
        {
            break;
        }
        // Bytes that are not UTF-8 (a terminal in another encoding, a stray byte in a pipe)
        // are read as well as they can be, and answered like any bad input: one such line
        // must not end the chat and lose the lines after it.
        let text = String::from_utf8_lossy(&line);
        session.send(text.trim_end_matches(['\n', '\r'])).await?;
    }
    Ok(())
}

/// One person's chat in the terminal.
pub struct Session<'a, W> {
    engine: &'a Engine,
    identity: String,
    pub output: W,
    /// Where files the bot makes (a report, a chart) are saved; None prints their names only.
    pub save_dir: Option<std::path::PathBuf>,
}

impl<'a, W: AsyncWrite + Unpin> Session<'a, W> {
    /// Opens the chat: prints what was queued for this person while away (a hamlet head's
    /// decision, say), then counts as `/start`, so a person coming back mid-dialogue sees the
    /// question they stopped at.
    pub async fn open(engine: &'a Engine, identity: &str, output: W) -> anyhow::Result<Self> {
        Self::open_saving(engine, identity, output, None).await
    }

    /// `open`, saving the files the bot makes into `save_dir`.
    pub async fn open_saving(
        engine: &'a Engine,
        identity: &str,
        output: W,
        save_dir: Option<std::path::PathBuf>,
    ) -> anyhow::Result<Self> {
        let mut s = Session {
            engine,
            identity: identity.to_string(),
            output,
            save_dir,
        };
        deliver(engine, identity, &mut s.output, s.save_dir.as_deref()).await?;
        s.send("/start").await?;
        Ok(s)
    }

    /// Sends one line as a message and prints the replies. A terminal cannot attach files, so
    /// a line `file: NAME` (or `photo: NAME`) stands for sending that file.
    pub async fn send(&mut self, text: &str) -> anyhow::Result<()> {
        let content = match text.split_once(':') {
            Some((kind @ ("file" | "photo"), name)) if !name.trim().is_empty() => {
                Content::File(super::FileRef {
                    kind: if kind == "file" { "document" } else { "photo" }.into(),
                    channel: CHANNEL.into(),
                    file_id: name.trim().into(),
                    name: name.trim().into(),
                    data: None,
                })
            }
            _ => Content::Text(text.to_string()),
        };
        let msg = Inbound {
            channel: CHANNEL.into(),
            chat_id: self.identity.clone(),
            sender_id: self.identity.clone(),
            sender_name: Some(self.identity.clone()),
            message_id: next_message_id(&self.identity),
            lang_hint: None,
            content,
        };
        if let Err(e) = self.engine.handle(&msg).await {
            tracing::error!(error = %e, "handling a console message");
            let apology = render_plain(&self.engine.apology(None));
            self.output
                .write_all(format!("{apology}\n\n").as_bytes())
                .await?;
            self.output.flush().await?;
            return Ok(());
        }
        deliver(
            self.engine,
            &self.identity,
            &mut self.output,
            self.save_dir.as_deref(),
        )
        .await
    }
}

/// Prints the replies queued for this console chat and marks them sent.
pub async fn deliver<W: AsyncWrite + Unpin>(
    engine: &Engine,
    identity: &str,
    output: &mut W,
    save_dir: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let now = engine.clock().now();
    let mut tx = engine.store().read().await?;
    let rows = outbox::due(&mut tx, CHANNEL, Some(identity), now, 1000).await?;
    tx.commit().await?;
    let mut printed = String::new();
    for row in &rows {
        let r = match row.reply() {
            Ok(r) => r,
            Err(e) => {
                tracing::error!(error = %e, id = row.id, "unreadable outbox row");
                continue;
            }
        };
        // A chart or a workbook is made now, after the transaction that asked for it.
        let r = match made::resolve(engine.store(), r.clone()).await {
            Ok(made) => made,
            Err(e) => {
                let files: Vec<_> = r.files.iter().map(|f| f.name.as_str()).collect();
                tracing::error!(error = %e, id = row.id, ?files, "a file was not made");
                Reply { files: vec![], ..r }
            }
        };
        // A reply's files are queued after its text, each on its own: on a terminal
        // they read as part of the reply they belong to.
        let files_only = r.text.is_empty() && r.choices.is_empty() && !r.files.is_empty();
        // The whole menu, a line per task, only where it is what the person needs (at
        // the start, after what the bot cannot use); /trogiup lists the tasks too.
        let mut text = match &r.short {
            Some(short) => short.clone(),
            None => render_plain(&r),
        };
        if files_only && printed.ends_with("\n\n") {
            printed.truncate(printed.len() - 2);
        } else if files_only {
            text = text.trim_start_matches('\n').to_string();
        }
        printed.push_str(&text);
        for f in &r.files {
            let bytes = match f.stored_id() {
                Some(id) => {
                    let mut tx = engine.store().read().await?;
                    let bytes = files::bytes(&mut tx, id).await?;
                    tx.commit().await?;
                    bytes
                }
                None => f.bytes(),
            };
            if let (Some(dir), Some(bytes)) = (save_dir, bytes) {
                let path = dir.join(&f.name);
                std::fs::write(&path, bytes)
                    .with_context(|| format!("saving {}", path.display()))?;
                printed.push_str(&format!("\n(→ {})", path.display()));
            }
        }
        printed.push_str("\n\n");
    }
    output.write_all(printed.as_bytes()).await?;
    output.flush().await?;
    if !rows.is_empty() {
        let mut tx = engine.store().begin().await?;
        for row in &rows {
            outbox::mark_sent(&mut tx, row.id, now).await?;
        }
        tx.commit().await?;
    }
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
