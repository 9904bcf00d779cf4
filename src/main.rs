//! `lobby-kiosk`: the kiosk and its back-office commands. All the work is in the library.

fn main() -> std::process::ExitCode {
    return_big_blocks();
    lobby_kiosk::cli::main()
}

/// glibc serves a block above its mmap threshold straight from the system and gives it
/// back on free, but it also raises that threshold to the size of each such block freed,
/// and a block below the threshold that a thread frees stays in that thread's arena.
/// Argon2's block for a PIN check (7 MiB, `domain::pin`; 19 MiB for a PIN set with the
/// older parameters) came from the heap and stayed resident for the rest of the run
/// (+19 MiB at the second staff log-in in `benches/soak.py`, later +7 MiB in the PIN
/// thread's arena). A fixed threshold of 4 MiB keeps the adjustment off and sends every
/// block from 4 MiB up straight back to the system: Argon2's included, while a 1280×800
/// frame (4.1 MB) and everything smaller stay on the heap.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn return_big_blocks() {
    const THRESHOLD: libc::c_int = 4 * 1024 * 1024;
    // SAFETY: mallopt only sets an allocator parameter, before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, THRESHOLD);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn return_big_blocks() {}
