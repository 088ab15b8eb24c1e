//! Reading documents' text in a child process: the hidden `witan extract-text` command that the
//! server and importer start for each PDF, DOCX or ODT file, and the extractor that starts it.

use anyhow::Context;
use witan_import::extract::{Extractor, Limits, Subprocess};

/// `witan extract-text`: reads one document from standard input and writes its text to standard
/// output, within limits it sets on itself first. witan runs it; it is not shown in --help.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The document's media type (application/pdf, …).
    #[arg(long, value_name = "TYPE")]
    pub media_type: String,
    /// The address space allowed, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().memory_bytes)]
    pub memory_bytes: u64,
    /// The CPU time allowed, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = Limits::default().cpu_seconds)]
    pub cpu_seconds: u64,
}

pub fn run(args: &Args) -> std::process::ExitCode {
    witan_import::extract::child(&args.media_type, args.memory_bytes, args.cpu_seconds)
}

/// An extractor that runs this very binary's `extract-text` under `limits`.
pub fn subprocess(limits: Limits) -> anyhow::Result<Extractor> {
    let program = std::env::current_exe().context("finding the witan program to read documents")?;
    Ok(Extractor::Subprocess(Subprocess::new(program, limits)))
}
