//! The runner's first build is what a learner waits for after `git clone`: its own
//! dependencies are built unoptimised, and only those (the course's stay optimised for the
//! exercises' sake, see Cargo.toml).

use std::collections::BTreeSet;
use std::process::Command;

/// The packages `cargo tree` lists for `package` (normal and build dependencies).
fn tree(package: &str) -> BTreeSet<String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["tree", "--offline", "--locked", "-e", "normal,build"])
        .args(["--prefix", "none", "-p", package])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(String::from)
        .collect()
}

#[test]
fn exactly_the_runners_own_dependencies_are_built_unoptimised() {
    let runner = tree("backlings");
    let course = tree("backlings-course");
    let runner_only: BTreeSet<String> = runner
        .difference(&course)
        .filter(|name| *name != "backlings")
        .cloned()
        .collect();
    let manifest: toml::Table = include_str!("../Cargo.toml").parse().unwrap();
    let overrides = manifest["profile"]["dev"]["package"].as_table().unwrap();
    let unoptimised: BTreeSet<String> = overrides
        .iter()
        .filter(|(_, settings)| settings.get("opt-level") == Some(&0.into()))
        .map(|(name, _)| name.clone())
        .collect();
    assert_eq!(
        unoptimised, runner_only,
        "Cargo.toml's [profile.dev.package] list at opt-level 0 must be the crates that \
         `cargo tree -p backlings` lists and `cargo tree -p backlings-course` does not"
    );
}
