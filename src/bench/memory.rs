//! Resident memory of the bot with many conversations left open: `giamngheo run` itself, in
//! a process of its own (so nothing the other measurements did counts), served by the
//! stand-in, after `Plan::conversations` users each began a registration and got its first
//! question. Linux only (it reads `/proc`).

use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::Context;

use super::standin::{self, StandIn};

/// With no new reply for this long, the rest is not coming.
const STALL: Duration = Duration::from_secs(30);

/// The bot's memory once every conversation was opened and answered.
#[derive(Debug, Clone)]
pub(super) struct Memory {
    pub conversations: usize,
    pub replies: usize,
    /// Resident now, and the most it ever was, in bytes.
    pub resident: u64,
    pub peak: u64,
}

/// The bot's process, killed however the measurement ends.
struct Bot(std::process::Child);

impl Drop for Bot {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Telegram ids of the users; apart from every other measurement's.
fn user(i: usize) -> i64 {
    (800_000_000 + i) as i64
}

pub(super) async fn run(conversations: usize) -> anyhow::Result<Memory> {
    let dir = std::env::temp_dir().join(format!("giamngheo-memory-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let standin = StandIn::start().await?;
    // Limits raised: this is about memory, not pacing, and 10,000 replies at Telegram's 30/s
    // would take minutes.
    let settings = format!(
        "database_url = \"sqlite:{db}\"\ntelegram_token = \"{token}\"\n\
         telegram_api_url = \"{url}\"\n[telegram_limits]\nper_chat_per_sec = 1000\n\
         per_chat_per_min = 60000\noverall_per_sec = 100000\n",
        db = dir.join("memory.db").display(),
        token = standin::TOKEN,
        url = standin.url(),
    );
    let file = dir.join("giamngheo.toml");
    std::fs::write(&file, settings).with_context(|| format!("writing {}", file.display()))?;
    let exe = std::env::current_exe().context("finding the giamngheo binary")?;
    let bot = Bot(std::process::Command::new(exe)
        .arg("--config")
        .arg(&file)
        .arg("run")
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("starting giamngheo run")?);
    let measured = async {
        let pid = bot.0.id();
        let deadline = Instant::now() + STALL;
        while standin.polls_waiting() == 0 {
            anyhow::ensure!(
                Instant::now() < deadline,
                "the bot never polled the stand-in"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let texts: Vec<(i64, String)> = (0..conversations)
            .map(|i| (user(i), "/dangky".to_string()))
            .collect();
        standin.push(&texts);
        let replies = loop {
            let (n, last) = standin.sends();
            if n >= conversations || last.is_some_and(|t| t.elapsed() > STALL) {
                break n;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        // A moment for what the last replies left to be freed.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let (resident, peak) = status(pid)?;
        anyhow::Ok(Memory {
            conversations,
            replies,
            resident,
            peak,
        })
    }
    .await;
    drop(bot);
    let _ = std::fs::remove_dir_all(&dir);
    measured
}

/// VmRSS and VmHWM of a process, in bytes.
fn status(pid: u32) -> anyhow::Result<(u64, u64)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .context("reading the bot's memory (Linux only)")?;
    let field = |name: &str| -> anyhow::Result<u64> {
        let line = text
            .lines()
            .find(|l| l.starts_with(name))
            .with_context(|| format!("{name} in /proc/{pid}/status"))?;
        let kb: u64 = line
            .split_whitespace()
            .nth(1)
            .and_then(|n| n.parse().ok())
            .with_context(|| format!("reading {line}"))?;
        Ok(kb * 1024)
    };
    Ok((field("VmRSS:")?, field("VmHWM:")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_has_a_resident_size() {
        let (rss, peak) = status(std::process::id()).unwrap();
        assert!(rss > 0 && peak >= rss, "{rss} {peak}");
    }
}
