//! `dmpgraph-dev`: regenerates the example, broken and benchmark workbooks,
//! and serves the harvester's fixture server.

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use dmpgraph_dev::fixture_server::{FixtureServer, ServeOptions, World};
use dmpgraph_dev::{
    generated_dmp, generated_style, sample_dmps, write_broken, write_ods, write_xlsx, Broken,
    DateStyle, Layout,
};
use std::fmt::Write as _;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Samples also written as .ods (one per layout family with real date cells and text dates).
const ODS_STEMS: &[&str] = &["cancer-genome", "fibrosis-single-dataset"];
/// Samples also converted to .xls by `xls/xlsx_to_xls.py`.
const XLS_STEMS: &[&str] = &["cancer-genome", "rare-disease-registry"];

#[derive(Parser)]
#[command(
    name = "dmpgraph-dev",
    version,
    about = "Writes example, broken and benchmark AMED DMP workbooks"
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Writes every sample to OUT/amed/<stem>.xlsx (a few also as .ods) and the
    /// broken workbooks to FIXTURES/broken/<kind>.xlsx (kept out of examples/ so
    /// that `dmpgraph ingest examples/` stores every example).
    Examples {
        /// The examples folder.
        #[arg(long, default_value = "examples")]
        out: PathBuf,
        /// The test fixtures folder.
        #[arg(long, default_value = "tests/fixtures")]
        fixtures: PathBuf,
        /// Also convert some samples to .xls with python3 (needs openpyxl and xlwt).
        #[arg(long)]
        xls: bool,
    },
    /// Writes N synthetic workbooks (xlsx) for benchmarks.
    Generate {
        /// How many workbooks.
        #[arg(long)]
        count: u64,
        /// The folder to write them to (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// Number of the first workbook.
        #[arg(long, default_value_t = 0)]
        start: u64,
    },
    /// Writes the linker's labelled evaluation set: OUT/plans.jsonl,
    /// deposits.jsonl, truth.jsonl, statuses.jsonl and meta.json
    /// (the committed set: `--out tests/linking` with the defaults).
    GenerateLinkset {
        /// The folder to write to (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// How many plans.
        #[arg(long, default_value_t = 120)]
        plans: usize,
        /// How many deposits in all (distractors fill up to this many).
        #[arg(long, default_value_t = 1200)]
        records: usize,
        /// The seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// The fixture server of the harvester's tests and benchmarks.
    Fixtures {
        #[command(subcommand)]
        command: FixturesCmd,
    },
}

#[derive(Subcommand)]
enum FixturesCmd {
    /// Serves DataCite, Crossref, JaLC, doi.org RA and DDBJ Search look-alikes
    /// on 127.0.0.1 (under /datacite, /crossref, /jalc, /doi-ra, /ddbj; steered
    /// over /_control/, see dmpgraph_dev::fixture_server) until killed. Prints
    /// `listening on http://127.0.0.1:PORT` first.
    Serve {
        /// The port (0: a free one).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// The shared fixtures folder whose external/ examples are served.
        #[arg(long, env = "DMPGRAPH_FIXTURES")]
        fixtures: Option<PathBuf>,
        /// Serve no example files, only generated records.
        #[arg(long)]
        no_examples: bool,
        /// Serve the deposits of the example plans (examples/amed,
        /// examples/madmp) instead of the fixtures folder's example files:
        /// fictitious DataCite records and DDBJ entries that the plans point
        /// at or that AMED funded (see dmpgraph_dev::example_deposits), built
        /// in, no fixtures folder needed. The expected answers of
        /// examples/queries/ are those of a store built by `dmpgraph ingest
        /// examples`, then `dmpgraph harvest referenced` (exit status 1: four
        /// DOIs the plans name were never registered) and `dmpgraph harvest
        /// funder` against this server (DMPGRAPH_DATACITE_URL=
        /// http://127.0.0.1:PORT/datacite, and likewise DMPGRAPH_CROSSREF_URL,
        /// DMPGRAPH_JALC_URL, DMPGRAPH_DOI_RA_URL, DMPGRAPH_DDBJ_URL with
        /// /crossref, /jalc, /doi-ra, /ddbj), then `dmpgraph link run`; see
        /// examples/queries/README.md.
        #[arg(long, conflicts_with = "no_examples")]
        example_deposits: bool,
        /// Also serve N generated DataCite records.
        #[arg(long, default_value_t = 0)]
        generated_datacite: usize,
        /// The share of the generated records funded by AMED.
        #[arg(long, default_value_t = 0.3)]
        amed_fraction: f64,
        /// Append every request to FILE as a JSON line.
        #[arg(long)]
        log: Option<PathBuf>,
        /// Crossref's announced rate limit, `LIMIT/INTERVAL` (`50/1s`).
        #[arg(long)]
        crossref_rate_limit: Option<String>,
        /// A delay before every answer, in milliseconds.
        #[arg(long)]
        delay_ms: Option<u64>,
    },
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Cmd::Examples { out, fixtures, xls } => examples(&out, &fixtures, xls),
        Cmd::Generate { count, out, start } => generate(count, &out, start),
        Cmd::GenerateLinkset {
            out,
            plans,
            records,
            seed,
        } => {
            let opts = dmpgraph_dev::linkset::LinkSetOptions {
                plans,
                records,
                seed,
            };
            let set = dmpgraph_dev::linkset::linkset(&opts);
            dmpgraph_dev::linkset::write(&set, &opts, &out)?;
            println!(
                "{} plans, {} entries, {} deposits, {} true links written to {}",
                set.plans.len(),
                set.statuses.len(),
                set.deposits.len(),
                set.truth.len(),
                out.display()
            );
            Ok(())
        }
        Cmd::Fixtures {
            command:
                FixturesCmd::Serve {
                    port,
                    fixtures,
                    no_examples,
                    example_deposits,
                    generated_datacite,
                    amed_fraction,
                    log,
                    crossref_rate_limit,
                    delay_ms,
                },
        } => {
            let mut world = match (&fixtures, no_examples) {
                _ if example_deposits => World::example_deposits(),
                (Some(dir), false) => World::from_fixtures_dir(dir)?,
                _ => World::new(),
            };
            if generated_datacite > 0 {
                world.merge(World::generated_datacite(generated_datacite, amed_fraction));
            }
            let crossref_rate_limit = match crossref_rate_limit {
                Some(text) => {
                    let (limit, interval) = text
                        .split_once('/')
                        .context("--crossref-rate-limit is LIMIT/INTERVAL, like 50/1s")?;
                    Some((
                        limit.parse().context("the rate limit")?,
                        interval.to_owned(),
                    ))
                }
                None => None,
            };
            let opts = ServeOptions {
                crossref_rate_limit,
                delay: delay_ms.map(Duration::from_millis),
                log_file: log,
                ..ServeOptions::default()
            };
            let server =
                FixtureServer::start_on(SocketAddr::from(([127, 0, 0, 1], port)), world, opts)?;
            println!("listening on {}", server.url());
            std::io::stdout().flush()?;
            loop {
                std::thread::park();
            }
        }
    }
}

fn examples(out: &Path, fixtures: &Path, xls: bool) -> Result<()> {
    let amed = out.join("amed");
    let broken = fixtures.join("broken");
    for dir in [&amed, &broken] {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let mut written = Vec::new();
    for sample in sample_dmps() {
        let path = amed.join(format!("{}.xlsx", sample.file_stem));
        write_xlsx(&sample.dmp, &sample.style, &path)?;
        written.push(path);
        if ODS_STEMS.contains(&sample.file_stem.as_str()) {
            let path = amed.join(format!("{}.ods", sample.file_stem));
            write_ods(&sample.dmp, &sample.style, &path)?;
            written.push(path);
        }
    }
    if xls {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("xls/xlsx_to_xls.py");
        for stem in XLS_STEMS {
            let (src, dst) = (
                amed.join(format!("{stem}.xlsx")),
                amed.join(format!("{stem}.xls")),
            );
            let status = Command::new("python3")
                .arg(&script)
                .arg(&src)
                .arg(&dst)
                .status()
                .context("running python3 (pip install openpyxl xlwt)")?;
            if !status.success() {
                bail!("{} failed on {}", script.display(), src.display());
            }
            written.push(dst);
        }
    }
    for kind in Broken::ALL {
        let path = broken.join(format!("{}.xlsx", kind.file_stem()));
        write_broken(kind, &path)?;
        written.push(path);
    }
    let readme = out.join("README.md");
    std::fs::write(&readme, readme_text())
        .with_context(|| format!("writing {}", readme.display()))?;
    written.push(readme);
    for path in &written {
        println!("{}", path.display());
    }
    Ok(())
}

fn generate(count: u64, out: &Path, start: u64) -> Result<()> {
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    for i in start..start + count {
        let path = out.join(format!("dmp-{i:06}.xlsx"));
        write_xlsx(&generated_dmp(i), &generated_style(i), &path)?;
    }
    println!("wrote {count} workbooks to {}", out.display());
    Ok(())
}

fn layout_name(layout: Layout) -> &'static str {
    match layout {
        Layout::Current => "Current (sheets 記入要領, DMP; labels in B, values from C)",
        Layout::Older => "Older (sheet 様式; labels in A, values from B)",
        Layout::Compact => "Compact (sheets 表紙, 記入例, DMP; labels in C/D, values from E)",
    }
}

fn date_name(style: DateStyle) -> &'static str {
    match style {
        DateStyle::ExcelDate => "date cells (yyyy/m/d)",
        DateStyle::Slash => "text 2023/4/1",
        DateStyle::Iso => "text 2023-04-01",
        DateStyle::Kanji => "text 2023年4月1日",
        DateStyle::Era => "text 令和5年4月1日",
        DateStyle::EraShort => "text R5.4.1",
        DateStyle::Serial => "serial numbers (45017)",
    }
}

/// The examples folder's README, regenerated with the files so it cannot go stale.
fn readme_text() -> String {
    let mut s = String::from(
        "# Example workbooks\n\nGenerated by `cargo run -p dmpgraph-dev -- examples --out examples --xls` \
         (crates/dev); do not edit by hand. All people, addresses, phone numbers and e-mail addresses are fictitious.\n\n\
         ## amed/\n\n| file | layout | dates | datasets | staff | notes |\n| --- | --- | --- | --- | --- | --- |\n",
    );
    for sample in sample_dmps() {
        let mut formats = vec!["xlsx"];
        if ODS_STEMS.contains(&sample.file_stem.as_str()) {
            formats.push("ods");
        }
        if XLS_STEMS.contains(&sample.file_stem.as_str()) {
            formats.push("xls");
        }
        let note = match sample.file_stem.as_str() {
            "rare-disease-registry" => {
                "warning: dataset 1 公開予定日 later than 研究終了日 + 2 years"
            }
            "mental-health-mri" => "warning: 課題管理番号 JP22dk0307100 is not 16 characters",
            "biobank-heisei-reiwa" => "dates across 平成/令和, 令和元年",
            "translational-cardiac" => "事業独自の整理番号",
            _ => "",
        };
        let _ = writeln!(
            s,
            "| {}.{{{}}} | {} | {} | {} | {} | {} |",
            sample.file_stem,
            formats.join(","),
            layout_name(sample.style.layout),
            date_name(sample.style.date_style),
            sample.dmp.datasets.len(),
            sample.dmp.staff.len(),
            note
        );
    }
    s.push_str("\n## Broken workbooks (tests/fixtures/broken/)\n\nFor the error tests; kept out of this folder so that `dmpgraph ingest examples/` stores every example.\n\n| file | fault | bad cell |\n| --- | --- | --- |\n");
    for kind in Broken::ALL {
        let _ = writeln!(
            s,
            "| {}.xlsx | {kind:?} | {} |",
            kind.file_stem(),
            kind.bad_cell().unwrap_or("whole file")
        );
    }
    s
}
