//! Debian's Linux kernel, fetched through apt, for side-by-side runs (`--linux`).
//!
//! The `linux-image-cloud-amd64` metapackage depends on the newest versioned image package
//! (`linux-image-<abi>-cloud-amd64`, signed or `-unsigned`). xtask resolves that dependency with
//! `apt-cache`, downloads the package with `apt-get download` (which needs no root), unpacks it
//! with `dpkg-deb -x`, and keeps only its `boot/` directory in
//! `<cache>/linux/<version>/`. Later runs reuse the cache; nothing enters the repository.

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context, Result, bail};

use crate::{apt, process, workspace};

const METAPACKAGE: &str = "linux-image-cloud-amd64";

/// A Debian package at one version.
#[derive(Debug, PartialEq, Eq)]
struct Package {
    name: String,
    version: String,
}

/// Returns the path of Debian's newest cloud kernel (`vmlinuz-*`), downloading it if needed.
///
/// When apt does not know the package or cannot download it, its lists may be missing (a fresh
/// machine) or stale (the archive moved on): as root, xtask refreshes them once and retries.
pub fn fetch() -> Result<PathBuf> {
    match fetch_with_current_lists() {
        Ok(kernel) => Ok(kernel),
        Err(error) if apt::is_root()? => {
            eprintln!("xtask: {error:#}; refreshing apt's package lists and retrying");
            apt::update_once()?;
            fetch_with_current_lists()
        }
        Err(error) => Err(error.context("refreshing apt's lists may help: sudo apt-get update")),
    }
}

fn fetch_with_current_lists() -> Result<PathBuf> {
    let package = query_image_package().with_context(|| {
        format!("apt knows no {METAPACKAGE}: --linux needs Debian's main archive in apt's sources")
    })?;
    let directory = workspace::cache_directory()?
        .join("linux")
        .join(&package.version);
    if let Some(kernel) = find_vmlinuz(&directory)? {
        eprintln!("xtask: using cached {} {}", package.name, package.version);
        return Ok(kernel);
    }
    download_and_unpack(&package, &directory)?;
    find_vmlinuz(&directory)?.with_context(|| {
        format!(
            "{} {} holds no boot/vmlinuz-*",
            package.name, package.version
        )
    })
}

fn query_image_package() -> Option<Package> {
    let dependencies =
        process::output_quietly(Command::new("apt-cache").args(["depends", METAPACKAGE]))?;
    let name = parse_image_dependency(&dependencies)?;
    let description = process::output_quietly(Command::new("apt-cache").args([
        "show",
        "--no-all-versions",
        &name,
    ]))?;
    let version = parse_version(&description)?;
    Some(Package { name, version })
}

/// The first `linux-image-*` package in `apt-cache depends` output.
fn parse_image_dependency(dependencies: &str) -> Option<String> {
    dependencies.lines().find_map(|line| {
        let name = line
            .trim()
            .trim_start_matches('|')
            .strip_prefix("Depends:")?
            .trim();
        name.starts_with("linux-image-").then(|| name.to_owned())
    })
}

/// The `Version:` field of `apt-cache show` output.
fn parse_version(description: &str) -> Option<String> {
    description
        .lines()
        .find_map(|line| line.strip_prefix("Version:"))
        .map(|version| version.trim().to_owned())
        .filter(|version| !version.is_empty())
}

/// The `boot/vmlinuz-*` file in a cache directory, if the directory is complete.
fn find_vmlinuz(directory: &Path) -> Result<Option<PathBuf>> {
    let boot = directory.join("boot");
    if !boot.is_dir() {
        return Ok(None);
    }
    for entry in fs::read_dir(&boot).with_context(|| format!("reading {}", boot.display()))? {
        let path = entry?.path();
        let is_kernel = path
            .file_name()
            .is_some_and(|name| name.to_string_lossy().starts_with("vmlinuz-"));
        if is_kernel {
            return Ok(Some(path));
        }
    }
    Ok(None)
}

/// Downloads the package into a scratch directory, unpacks it, and keeps its `boot/` directory.
///
/// `boot/` is moved into place last, so an interrupted download never looks like a cache hit.
fn download_and_unpack(package: &Package, directory: &Path) -> Result<()> {
    eprintln!("xtask: downloading {} {}", package.name, package.version);
    let scratch = directory.join("download");
    if scratch.exists() {
        fs::remove_dir_all(&scratch).with_context(|| format!("removing {}", scratch.display()))?;
    }
    fs::create_dir_all(&scratch).with_context(|| format!("creating {}", scratch.display()))?;
    let mut download = apt::apt_get();
    if apt::is_root()? {
        // apt drops to its `_apt` user to download, which cannot write into root's cache.
        download.args(["-o", "APT::Sandbox::User=root"]);
    }
    download
        .arg("download")
        .arg(format!("{}={}", package.name, package.version));
    process::run_checked(download.current_dir(&scratch))?;
    let archive = find_deb(&scratch)?;
    let unpacked = scratch.join("unpacked");
    process::run_checked(
        Command::new("dpkg-deb")
            .arg("-x")
            .arg(&archive)
            .arg(&unpacked),
    )?;
    fs::rename(unpacked.join("boot"), directory.join("boot"))
        .with_context(|| format!("moving boot/ into {}", directory.display()))?;
    fs::remove_dir_all(&scratch).with_context(|| format!("removing {}", scratch.display()))
}

fn find_deb(directory: &Path) -> Result<PathBuf> {
    for entry in fs::read_dir(directory)? {
        let path = entry?.path();
        if path.extension().is_some_and(|extension| extension == "deb") {
            return Ok(path);
        }
    }
    bail!("apt-get download left no .deb in {}", directory.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_dependency_is_found_in_apt_cache_depends_output() {
        let output = "linux-image-cloud-amd64\n  Depends: linux-image-6.1.0-56-cloud-amd64\n";
        let name = parse_image_dependency(output);
        assert_eq!(name.as_deref(), Some("linux-image-6.1.0-56-cloud-amd64"));
    }

    #[test]
    fn alternatives_and_other_dependencies_are_handled() {
        let output = "linux-image-cloud-amd64\n  Depends: initramfs-tools\n \
                      |Depends: linux-image-6.1.0-9-cloud-amd64-unsigned\n  \
                      Depends: linux-image-6.1.0-9-cloud-amd64\n";
        let name = parse_image_dependency(output);
        assert_eq!(
            name.as_deref(),
            Some("linux-image-6.1.0-9-cloud-amd64-unsigned")
        );
        assert_eq!(parse_image_dependency("linux-image-cloud-amd64\n"), None);
    }

    #[test]
    fn version_is_read_from_apt_cache_show_output() {
        let output = "Package: linux-image-6.1.0-56-cloud-amd64\nSource: linux-signed-amd64 \
                      (6.1.192+2)\nVersion: 6.1.192-2\nInstalled-Size: 89\n";
        assert_eq!(parse_version(output).as_deref(), Some("6.1.192-2"));
        assert_eq!(parse_version("Package: x\n"), None);
    }
}
