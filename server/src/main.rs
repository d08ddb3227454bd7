use clap::Parser;
use server::config::{Cli, Command};
use server::{database, serve, telemetry};
use std::process::ExitCode;

// Rendering a page allocates and frees many small buffers; the system allocator's bookkeeping
// was a fifth of the ticket list's CPU in the benchmark's profile (issue 6).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init(&cli.config);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .thread_stack_size(server::serve::WORKER_STACK)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            tracing::error!(error = %e, "could not start the async runtime");
            return ExitCode::FAILURE;
        }
    };
    let result: Result<(), Box<dyn std::error::Error>> = runtime.block_on(async {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => serve::run(cli.config).await?,
            Command::Baseline => server::baseline::run(cli.config).await?,
            Command::Worker => serve::run_worker(cli.config).await?,
            Command::Migrate => database::migrate(&cli.config).await?,
            Command::SeedScale(options) => {
                let report = server::scale_seed::run(&cli.config, options).await?;
                tracing::info!(
                    organisations = report.organisations,
                    tickets = report.tickets,
                    clients = report.clients,
                    "benchmark data generated"
                );
            }
            Command::ImportOrganisation { file } => {
                let report = server::org_import::run(&cli.config, &file).await?;
                tracing::info!(
                    organisation = %report.organisation.0,
                    name = %report.name,
                    rows = report.rows,
                    files = report.files,
                    people_added = report.people_added,
                    people_already_here = report.people_already_here,
                    "organisation imported"
                );
            }
            Command::Seed => {
                let report = database::seed(&cli.config).await?;
                tracing::info!(
                    partners = report.partners,
                    organisations = report.organisations,
                    users = report.users,
                    "demo data loaded"
                );
            }
        }
        Ok(())
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "failed");
            ExitCode::FAILURE
        }
    }
}
