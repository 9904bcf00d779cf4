//! `lobby-kiosk`: the kiosk and its back-office commands. All the work is in the library.

fn main() -> std::process::ExitCode {
    return_big_blocks();
    lobby_kiosk::cli::main()
}

/// glibc serves a block above its mmap threshold straight from the system and gives it
/// back on free, but it also raises that threshold to the size of each such block freed.
/// After the first PIN check, Argon2's 19 MiB block (OWASP's m = 19456 KiB) would come
/// from the heap and stay there for the rest of the run (+19 MiB at the second staff
/// log-in in `benches/soak.py`). A fixed threshold keeps the adjustment off; 16 MiB sits
/// below Argon2's block and above a full-HD frame buffer (8.3 MB), which stays on the heap.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn return_big_blocks() {
    const THRESHOLD: libc::c_int = 16 * 1024 * 1024;
    // SAFETY: mallopt only sets an allocator parameter, before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, THRESHOLD);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn return_big_blocks() {}
