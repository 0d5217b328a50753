//! The `dmpgraph` binary: argument parsing and wiring only.

mod args;
mod backend;
mod commands;
mod export;
mod harvest;
mod linking;
mod report;
mod serve;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    // A server logs its requests (method, path, status, latency) and its
    // lifecycle by default; other commands only warnings.
    let serving = matches!(
        cli.command,
        args::Command::Serve { .. } | args::Command::Replicate { once: false, .. }
    );
    let default = match cli.verbose {
        0 if serving => "info",
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| default.into()),
        )
        .with_writer(std::io::stderr)
        // Colours for a terminal only: a log file or a pipe gets plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    match commands::run(cli.command) {
        Ok(code) => code,
        // The reader of our output went away (`dmpgraph export … | head`):
        // nothing is wrong with the command itself.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("dmpgraph: {e:#}");
            ExitCode::from(2)
        }
    }
}
