//! What happened to each file, as a table for people or JSON for programs.

use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, Table};
use dmpgraph_amed_excel::Problem;
use dmpgraph_pipeline::read::{FileReport, Status};
use serde::Serialize;

#[derive(Serialize)]
struct Totals {
    files: usize,
    stored: usize,
    unchanged: usize,
    rejected: usize,
    datasets: usize,
    warnings: usize,
    errors: usize,
}

fn totals(reports: &[FileReport]) -> Totals {
    Totals {
        files: reports.len(),
        stored: reports.iter().filter(|r| r.status.stored()).count(),
        unchanged: reports
            .iter()
            .filter(|r| r.status == Status::Unchanged)
            .count(),
        rejected: reports
            .iter()
            .filter(|r| r.status == Status::Rejected)
            .count(),
        datasets: reports
            .iter()
            .filter(|r| r.status != Status::Rejected)
            .map(|r| r.datasets)
            .sum(),
        warnings: reports.iter().map(FileReport::warnings).sum(),
        errors: reports.iter().map(FileReport::errors).sum(),
    }
}

/// Prints the JSON report on stdout.
pub fn print_json(reports: &[FileReport]) -> anyhow::Result<()> {
    #[derive(Serialize)]
    struct Doc<'a> {
        files: &'a [FileReport],
        totals: Totals,
    }
    println!(
        "{}",
        serde_json::to_string_pretty(&Doc {
            files: reports,
            totals: totals(reports)
        })?
    );
    Ok(())
}

/// Prints the summary table on stdout and every problem below it.
pub fn print_table(reports: &[FileReport]) {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    table.set_header([
        "file", "record", "datasets", "staff", "warnings", "errors", "result",
    ]);
    for r in reports {
        table.add_row(vec![
            Cell::new(r.file.display()),
            Cell::new(r.id.as_deref().unwrap_or("-")),
            Cell::new(r.datasets),
            Cell::new(r.staff),
            Cell::new(r.warnings()),
            Cell::new(r.errors()),
            Cell::new(r.status.label()),
        ]);
    }
    println!("{table}");
    let t = totals(reports);
    println!(
        "{} files: {} stored, {} unchanged, {} rejected; {} datasets; {} warnings, {} errors",
        t.files, t.stored, t.unchanged, t.rejected, t.datasets, t.warnings, t.errors
    );
    let problems: Vec<&Problem> = reports.iter().flat_map(|r| &r.problems).collect();
    if !problems.is_empty() {
        println!();
        for p in problems {
            println!("{}: {p}", p.severity);
        }
    }
}
