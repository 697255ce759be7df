//! The `paydesk` binary: everything lives in the library.

fn main() -> std::process::ExitCode {
    paydesk::cli::main()
}
