//! `headroom policy encode FILE | decode FRAGMENT | export --format F FILE`: share links and
//! deployable configuration. Also [`read_policy`], the policy-file reader `simulate` shares.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use headroom_core::capacity::export::{export, ExportOptions, Format};
use headroom_core::capacity::Policy;
use headroom_core::share;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Print the share-link fragment (`v1.…`, what goes after `#`) for a policy file.
    Encode {
        /// The policy: Headroom's JSON, the seed's `auto_scaling` JSON, or a Kubernetes
        /// HorizontalPodAutoscaler manifest (.yaml / .yml).
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Print the policy JSON a share link holds. Takes the fragment (with or without `#`) or
    /// the whole link.
    Decode {
        /// `v1.…`, `#v1.…` or `https://…/#v1.…`.
        #[arg(value_name = "FRAGMENT", allow_hyphen_values = true)]
        fragment: String,
    },
    /// Print a policy file as deployable configuration; what the format cannot represent goes
    /// to stderr as `note: …` lines (and into YAML as `# Headroom:` comments).
    Export {
        /// hpa (Kubernetes autoscaling/v2), keda (ScaledObject), aws (put-scaling-policy JSON),
        /// json (Headroom's).
        #[arg(long, value_enum)]
        format: FormatArg,
        /// The workload's name: the Deployment / ScaledObject, or the Auto Scaling group.
        #[arg(long, default_value = "my-app")]
        name: String,
        /// `metadata.namespace` of Kubernetes objects.
        #[arg(long)]
        namespace: Option<String>,
        /// The policy file (as for `encode`).
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    Hpa,
    Keda,
    Aws,
    Json,
}

/// One line on stderr, exit 1.
fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("headroom: {msg}");
    ExitCode::FAILURE
}

/// Reads a policy file: a Kubernetes HPA manifest when it ends in .yaml/.yml or does not start
/// with `{`, else Headroom's JSON or the seed's document. Errors start with the file name.
pub fn read_policy(path: &Path) -> Result<Policy, String> {
    let file = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{file}: cannot read: {e}"))?;
    let yaml = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    let policy = if yaml {
        Policy::from_hpa_yaml(&text)
    } else if text.trim_start().starts_with('{') {
        Policy::from_json(&text)
    } else {
        Policy::from_hpa_yaml(&text)
    };
    policy.map_err(|e| format!("{file}: {e}"))
}

pub fn run(args: &Args) -> ExitCode {
    match &args.command {
        Command::Encode { file } => match read_policy(file) {
            Ok(p) => {
                println!("{}", share::encode(&p));
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
        Command::Decode { fragment } => {
            // A whole link: the fragment is what follows the `#`.
            let body = fragment.split_once('#').map_or(fragment.as_str(), |(_, f)| f);
            match share::decode(body.trim()) {
                Ok(p) => {
                    let _ = std::io::stdout().write_all(headroom_core::capacity::export::to_json(&p).text.as_bytes());
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        Command::Export { format, name, namespace, file } => {
            let policy = match read_policy(file) {
                Ok(p) => p,
                Err(e) => return fail(e),
            };
            let format = match format {
                FormatArg::Hpa => Format::Hpa,
                FormatArg::Keda => Format::Keda,
                FormatArg::Aws => Format::Aws,
                FormatArg::Json => Format::Json,
            };
            let opts = ExportOptions { name: name.clone(), namespace: namespace.clone() };
            let out = export(&policy, format, &opts);
            let _ = std::io::stdout().write_all(out.text.as_bytes());
            for n in &out.notes {
                eprintln!("note: {n}");
            }
            ExitCode::SUCCESS
        }
    }
}
