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
}
