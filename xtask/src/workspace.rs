//! Workspace paths: where the sources, build outputs and download caches live.
//!
//! Everything is located from xtask's own manifest directory, so `cargo xtask` behaves the same
//! from any directory inside the workspace. Downloads (Debian's Linux kernel) go to a per-user
//! cache outside the repository, never into it.

use std::{
    env,
    path::{Path, PathBuf},
};

use anyhow::{Context, Result};

/// The workspace root: the directory holding the root `Cargo.toml`.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask's manifest directory sits inside the workspace")
}

/// Cargo's target directory: `$CARGO_TARGET_DIR` when set, else `target/` in the workspace.
pub fn target_directory() -> PathBuf {
    match env::var_os("CARGO_TARGET_DIR") {
        Some(directory) => root().join(directory),
        None => root().join("target"),
    }
}

/// Where xtask writes what it generates (initramfs archives), inside the target directory.
pub fn generated_directory() -> Result<PathBuf> {
    let directory = target_directory().join("xtask");
    std::fs::create_dir_all(&directory)
        .with_context(|| format!("creating {}", directory.display()))?;
    Ok(directory)
}

/// The guest tests' sources: `tests/` in the workspace.
pub fn guest_tests_directory() -> PathBuf {
    root().join("tests")
}

/// The per-user download cache: `$XDG_CACHE_HOME/loam`, else `~/.cache/loam`.
pub fn cache_directory() -> Result<PathBuf> {
    if let Some(cache) = env::var_os("XDG_CACHE_HOME").filter(|value| !value.is_empty()) {
        return Ok(PathBuf::from(cache).join("loam"));
    }
    let home = env::var_os("HOME")
        .filter(|value| !value.is_empty())
        .context("neither XDG_CACHE_HOME nor HOME is set: no place for the download cache")?;
    Ok(PathBuf::from(home).join(".cache").join("loam"))
}
