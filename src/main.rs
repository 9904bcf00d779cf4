//! `lobby-kiosk`: the kiosk and its back-office commands. All the work is in the library.

fn main() -> std::process::ExitCode {
    lobby_kiosk::cli::main()
}
