//! Reading the text of untrusted documents within bounded memory, time and concurrency.
//!
//! A report from outside (a clerk's upload, a file beside an OParl dump, a harvested file) can be
//! built to take whatever its reader is given: a 2 KB PDF whose content stream inflates to 1 GiB
//! drove a server to 2.3 GB resident. Running out of memory aborts a process, and no
//! `catch_unwind` helps, so the server and `witan import` read such text in a child process: the
//! `witan` binary's hidden [`CHILD_COMMAND`], which limits its own address space and CPU time
//! (and writes no core file) before it reads a byte, is killed when its wall-clock time is up,
//! has its output capped, and runs only so many at once. A document whose text cannot be read is
//! kept without text, and [`Unread`] says why.
//!
//! The library does not know the binary: whoever builds an [`Extractor`] names the program.

use crate::documents;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, ExitCode, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The hidden subcommand of the `witan` binary that reads one document's text: the media type
/// and limits as flags, the file on standard input, the text on standard output.
pub const CHILD_COMMAND: &str = "extract-text";

/// The exit status of a child that read its file and found it unreadable (the reason is the
/// last line of its standard error).
const UNREADABLE: u8 = 3;

/// Why a document's text was not read. The document is kept without text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unread {
    #[error("the file needs more memory than witan allows")]
    Memory,
    #[error("the file takes longer to read than witan allows")]
    Time,
    #[error("witan was already reading as many documents as it allows at once")]
    Busy,
    #[error("the file holds more text than witan keeps")]
    TooMuchText,
    /// The file is broken or of a kind the reader does not follow: the reader's own words.
    #[error("{0}")]
    Broken(String),
    /// The reader could not be run at all.
    #[error("{0}")]
    Failed(String),
}

impl Unread {
    /// A short stable name for the reason, for addresses and metrics.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Memory => "memory",
            Self::Time => "time",
            Self::Busy => "busy",
            Self::TooMuchText => "too_much_text",
            Self::Broken(_) => "broken",
            Self::Failed(_) => "failed",
        }
    }
}

/// How documents' text is read.
#[derive(Debug, Clone)]
pub enum Extractor {
    /// In a child process under limits: what `witan serve` and `witan import` use.
    Subprocess(Subprocess),
    /// In this process, without any limit: a hostile file takes what memory and time it likes.
    /// For tests of other parts and for fuzzing only; nothing that reads files from outside may
    /// use it.
    InProcess,
}

impl Extractor {
    /// The text of a document of `media_type`; plain text and files without readable text are
    /// handled here (their cost is linear in the file's size), the others as configured.
    pub fn text(&self, media_type: &str, bytes: &[u8]) -> Result<String, Unread> {
        match self {
            _ if !documents::has_structured_text(media_type) => {
                documents::text_of(media_type, bytes).map_err(Unread::Broken)
            }
            Self::Subprocess(subprocess) => subprocess.text(media_type, bytes),
            Self::InProcess => documents::text_of(media_type, bytes).map_err(Unread::Broken),
        }
    }
}

/// The limits a child reader runs under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The child's address space (RLIMIT_AS).
    pub memory_bytes: u64,
    /// The child's CPU time (RLIMIT_CPU); it is killed a second after.
    pub cpu_seconds: u64,
    /// Wall-clock time from start to end, after which the child is killed.
    pub wall: Duration,
    /// The most text read from the child.
    pub output_bytes: usize,
    /// Readers running at once.
    pub at_once: usize,
    /// How long a document waits for a free reader before it is kept without text.
    pub queue_wait: Duration,
}

impl Default for Limits {
    /// What the server uses: 512 MiB, 20 s of CPU and 30 s in all per document, as many readers
    /// as cores (2 to 4), and 10 s of waiting for one.
    fn default() -> Self {
        Self {
            memory_bytes: 512 * 1024 * 1024,
            cpu_seconds: 20,
            wall: Duration::from_secs(30),
            // The child keeps at most MAX_TEXT_CHARS bytes of text.
            output_bytes: documents::MAX_TEXT_CHARS,
            at_once: std::thread::available_parallelism()
                .map_or(2, usize::from)
                .clamp(2, 4),
            queue_wait: Duration::from_secs(10),
        }
    }
}

/// Reads text in child processes of `program` (the `witan` binary) under [`Limits`]. Clones share
/// one count of readers running.
#[derive(Debug, Clone)]
pub struct Subprocess {
    program: PathBuf,
    limits: Limits,
    slots: Arc<Slots>,
}

impl Subprocess {
    pub fn new(program: PathBuf, limits: Limits) -> Self {
        Self {
            program,
            slots: Arc::new(Slots {
                taken: Mutex::new(0),
                freed: Condvar::new(),
                max: limits.at_once.max(1),
            }),
            limits,
        }
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    fn text(&self, media_type: &str, bytes: &[u8]) -> Result<String, Unread> {
        let _slot = self
            .slots
            .acquire(self.limits.queue_wait)
            .ok_or(Unread::Busy)?;
        let child = Command::new(&self.program)
            .arg(CHILD_COMMAND)
            .args(["--media-type", media_type])
            .args(["--memory-bytes", &self.limits.memory_bytes.to_string()])
            .args(["--cpu-seconds", &self.limits.cpu_seconds.to_string()])
            // The child needs nothing of this process's environment (its configuration, its
            // database URL).
            .env_clear()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                Unread::Failed(format!(
                    "the text reader {} could not be started: {e}",
                    self.program.display()
                ))
            })?;
        let mut child = Reaped(child);
        let (stdin, stdout, stderr) = (
            child.0.stdin.take(),
            child.0.stdout.take(),
            child.0.stderr.take(),
        );
        let cap = self.limits.output_bytes;
        let deadline = Instant::now() + self.limits.wall;
        std::thread::scope(|scope| {
            scope.spawn(move || {
                // A child that stops reading (it failed, or was killed) closes the pipe; that
                // error is the child's story, told by its status.
                if let Some(mut stdin) = stdin {
                    let _ = stdin.write_all(bytes);
                }
            });
            let output = scope.spawn(move || {
                // Reading stops one byte past the cap; the pipe is then closed, and a child still
                // writing fails.
                let mut text = Vec::new();
                if let Some(stdout) = stdout {
                    let _ = stdout.take(cap as u64 + 1).read_to_end(&mut text);
                }
                text
            });
            let errors = scope.spawn(move || {
                let mut said = Vec::new();
                if let Some(mut stderr) = stderr {
                    let _ = (&mut stderr).take(64 * 1024).read_to_end(&mut said);
                    // The rest is drained so that a talkative child never blocks on the pipe.
                    let _ = std::io::copy(&mut stderr, &mut std::io::sink());
                }
                said
            });
            let status = child.wait_until(deadline);
            let text = output.join().unwrap_or_default();
            let said = errors.join().unwrap_or_default();
            outcome(status, text, &said, cap)
        })
    }
}

/// What a child's end means.
fn outcome(
    status: std::io::Result<Option<ExitStatus>>,
    text: Vec<u8>,
    said: &[u8],
    cap: usize,
) -> Result<String, Unread> {
    let status = match status {
        Ok(Some(status)) => status,
        Ok(None) => return Err(Unread::Time),
        Err(e) => {
            return Err(Unread::Failed(format!(
                "the text reader could not be waited for: {e}"
            )));
        }
    };
    let said = String::from_utf8_lossy(said);
    if text.len() > cap {
        return Err(Unread::TooMuchText);
    }
    if status.success() {
        return Ok(String::from_utf8_lossy(&text).into_owned());
    }
    if status.code() == Some(i32::from(UNREADABLE)) {
        let reason = said
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("the file could not be read");
        return Err(Unread::Broken(reason.chars().take(500).collect()));
    }
    // Rust aborts when an allocation fails, as it does once the address space limit is reached
    // (and says so); a stack overflow is memory too.
    if said.contains("memory allocation of") || said.contains("overflowed its stack") {
        return Err(Unread::Memory);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        const SIGABRT: i32 = 6;
        const SIGKILL: i32 = 9;
        const SIGXCPU: i32 = 24;
        match status.signal() {
            Some(SIGABRT) => return Err(Unread::Memory),
            // Past the soft CPU limit the kernel sends SIGXCPU, past the hard one SIGKILL.
            Some(SIGXCPU | SIGKILL) => return Err(Unread::Time),
            _ => {}
        }
    }
    Err(Unread::Failed(format!(
        "the text reader stopped unexpectedly ({status})"
    )))
}

/// A child that is killed and waited for when dropped, so none outlives its reading.
struct Reaped(Child);

impl Reaped {
    /// The child's status once it ends, or `None` if `deadline` came first (it is then killed).
    fn wait_until(&mut self, deadline: Instant) -> std::io::Result<Option<ExitStatus>> {
        let mut pause = Duration::from_millis(1);
        loop {
            if let Some(status) = self.0.try_wait()? {
                return Ok(Some(status));
            }
            let now = Instant::now();
            if now >= deadline {
                self.0.kill()?;
                self.0.wait()?;
                return Ok(None);
            }
            std::thread::sleep(pause.min(deadline - now));
            pause = (pause * 2).min(Duration::from_millis(20));
        }
    }
}

impl Drop for Reaped {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// A counting semaphore for threads: readers running, at most `max`.
#[derive(Debug)]
struct Slots {
    taken: Mutex<usize>,
    freed: Condvar,
    max: usize,
}

impl Slots {
    /// A slot, waiting at most `wait` for one to be free.
    fn acquire(self: &Arc<Self>, wait: Duration) -> Option<Slot> {
        let taken = self.taken.lock().unwrap_or_else(PoisonError::into_inner);
        let (mut taken, _) = self
            .freed
            .wait_timeout_while(taken, wait, |taken| *taken >= self.max)
            .unwrap_or_else(PoisonError::into_inner);
        if *taken >= self.max {
            return None;
        }
        *taken += 1;
        Some(Slot(self.clone()))
    }
}

/// A reader's place, given back when dropped.
struct Slot(Arc<Slots>);

impl Drop for Slot {
    fn drop(&mut self) {
        let mut taken = self.0.taken.lock().unwrap_or_else(PoisonError::into_inner);
        *taken -= 1;
        self.0.freed.notify_one();
    }
}

/// The child's side: limits this process, reads a file of `media_type` from standard input and
/// writes its text to standard output. The `witan` binary's [`CHILD_COMMAND`] calls it before
/// it starts anything else.
pub fn child(media_type: &str, memory_bytes: u64, cpu_seconds: u64) -> ExitCode {
    if let Err(e) = limit_self(memory_bytes, cpu_seconds) {
        // Reading without limits is what this process exists to avoid.
        eprintln!("the reader's limits could not be set: {e}");
        return ExitCode::FAILURE;
    }
    let mut bytes = Vec::new();
    let read = std::io::stdin()
        .lock()
        .take(crate::MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes);
    let text = match read {
        Err(e) => Err(format!("the file could not be read: {e}")),
        Ok(_) if bytes.len() as u64 > crate::MAX_FILE_BYTES => {
            Err(format!("it is larger than {} bytes", crate::MAX_FILE_BYTES))
        }
        Ok(_) => documents::text_of(media_type, &bytes),
    };
    drop(bytes);
    match text {
        Ok(text) => {
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("the text could not be written: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Err(reason) => {
            eprintln!("{reason}");
            ExitCode::from(UNREADABLE)
        }
    }
}

/// Limits this process's address space and CPU time, and turns off core files (a crash of a
/// reader would otherwise write its memory, the document's content, to disk).
#[cfg(unix)]
fn limit_self(memory_bytes: u64, cpu_seconds: u64) -> std::io::Result<()> {
    use rlimit::Resource;
    Resource::CORE.set(0, 0)?;
    Resource::AS.set(memory_bytes, memory_bytes)?;
    Resource::CPU.set(cpu_seconds, cpu_seconds + 1)
}

#[cfg(not(unix))]
fn limit_self(_memory_bytes: u64, _cpu_seconds: u64) -> std::io::Result<()> {
    Err(std::io::Error::other(
        "resource limits are only available on Unix",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_given_back_and_a_full_set_waits_only_so_long() {
        let slots = Arc::new(Slots {
            taken: Mutex::new(0),
            freed: Condvar::new(),
            max: 1,
        });
        let first = slots.acquire(Duration::ZERO).expect("a free slot");
        assert!(slots.acquire(Duration::from_millis(20)).is_none());
        drop(first);
        assert!(slots.acquire(Duration::ZERO).is_some());
    }

    #[test]
    fn a_program_that_cannot_start_is_a_failure_not_a_panic() {
        let extractor = Extractor::Subprocess(Subprocess::new(
            PathBuf::from("/nonexistent/witan"),
            Limits::default(),
        ));
        let read = extractor.text("application/pdf", b"%PDF-1.4");
        assert!(matches!(read, Err(Unread::Failed(_))), "{read:?}");
        // Plain text needs no child.
        assert_eq!(
            extractor.text("text/plain", b"Winter plan").as_deref(),
            Ok("Winter plan")
        );
    }
}
