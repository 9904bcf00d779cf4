//! Compiles the `.slint` UI with the bundled English translation and debug info
//! (the testing backend finds elements by `accessible-label` only with debug info).
fn main() {
    let config = slint_build::CompilerConfiguration::new()
        .with_style("fluent-light".into())
        .with_bundled_translations("translations")
        .with_default_translation_context(slint_build::DefaultTranslationContext::None)
        .with_debug_info(true);
    slint_build::compile_with_config("ui/main.slint", config).expect("the .slint UI compiles");
    println!("cargo:rerun-if-changed=translations");
    pack_relative_relocations();
    order_kiosk_code();
}

/// Every program of the package (the kiosk, the bare-window baseline, tests, benches) is
/// linked with packed relative relocations (DT_RELR) when the C library it is built
/// against reads them (glibc 2.36+: Debian 12, Ubuntu 24.04; LLD and GNU ld 2.38+ write
/// them). A position-independent Rust binary holds a pointer fix-up for every vtable slot
/// and static table entry; as 24-byte RELA entries the loader read 2 MiB of them at
/// start, and every page it reads stays in the process's memory. Packed, the same fix-ups
/// take 31 KB (issue 19: peak RSS against the bare window). Such a binary needs glibc
/// 2.36+ where it runs too; on an older system (Ubuntu 22.04) it is built without them.
fn pack_relative_relocations() {
    let linux_gnu = std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux")
        && std::env::var("CARGO_CFG_TARGET_ENV").as_deref() == Ok("gnu");
    let native = std::env::var("HOST").ok() == std::env::var("TARGET").ok();
    if linux_gnu && native && glibc_at_least(2, 36) {
        println!("cargo:rustc-link-arg=-Wl,-z,pack-relative-relocs");
    }
}

/// Whether this system's glibc (`getconf GNU_LIBC_VERSION`: "glibc 2.36") is this new.
fn glibc_at_least(major: u32, minor: u32) -> bool {
    let Ok(out) = std::process::Command::new("getconf").arg("GNU_LIBC_VERSION").output() else {
        return false;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text.trim().trim_start_matches("glibc ").split('.');
    let found = (
        parts.next().and_then(|p| p.parse::<u32>().ok()),
        parts.next().and_then(|p| p.parse::<u32>().ok()),
    );
    matches!(found, (Some(a), Some(b)) if (a, b) >= (major, minor))
}

/// The release kiosk is linked with the functions it runs side by side: first those its
/// start-up runs, then those its journeys run (`src/link/kiosk.order`, written by
/// `benches/order_file.py` from callgrind runs). The kernel maps code in 64 KiB windows
/// around each page that runs, so code spread over the whole binary made most of its
/// 16 MiB of code resident; packed, start-up touches 84 windows instead of 337 (issue 19).
/// Only for x86_64 Linux, whose Rust toolchains (1.90 and later; `rust-version` is newer)
/// link with LLD, which reads such a list; a name the list has and the build lacks is
/// skipped.
fn order_kiosk_code() {
    let order = std::path::Path::new("src/link/kiosk.order");
    println!("cargo:rerun-if-changed={}", order.display());
    let release = std::env::var("PROFILE").as_deref() == Ok("release");
    let x86_64_linux = std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("x86_64")
        && std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux")
        && std::env::var("CARGO_CFG_TARGET_ENV").as_deref() == Ok("gnu");
    if release && x86_64_linux && order.exists() {
        let path = std::env::current_dir()
            .map(|d| d.join(order))
            .unwrap_or_else(|_| order.to_path_buf());
        println!(
            "cargo:rustc-link-arg-bin=lobby-kiosk=-Wl,--symbol-ordering-file={}",
            path.display()
        );
        println!("cargo:rustc-link-arg-bin=lobby-kiosk=-Wl,--no-warn-symbol-ordering");
    }
}
