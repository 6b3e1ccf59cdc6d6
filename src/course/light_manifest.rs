//! The light package's manifest: the exercise package's manifest without its dependencies
//! (see [`crate::build::light`], which writes and builds it). Derived here, from the manifest's
//! tables, because whether a package has a light twin is part of what the package is.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The light package's manifest for the package `table` of the workspace `workspace`, whose
/// bins are `bins` (course-relative paths). `None` when the package cannot be described
/// without its own directory (a build script, or an edition it inherits but the workspace
/// does not give, or bins that require features).
pub fn manifest(
    root: &Path,
    table: &toml::Table,
    workspace: &toml::Table,
    bins: &BTreeMap<String, PathBuf>,
) -> Option<String> {
    let mut out = toml::Table::new();
    out.insert("package".into(), package(table, workspace)?.into());
    out.extend(lints(table, workspace).map(|l| ("lints".to_string(), l)));
    out.extend(profiles(workspace).map(|p| ("profile".to_string(), p.into())));
    out.insert("bin".into(), self_contained_bins(root, table, bins)?.into());
    out.insert("workspace".into(), toml::Table::new().into());
    let text = toml::to_string(&out).ok()?;
    Some(format!(
        "# Written by backlings: the exercise package without its dependencies, for the\n\
         # exercises that name none of them. Rewritten whenever the course's manifest changes.\n\n{text}"
    ))
}

/// The `[package]` table: name, version and edition (inherited values resolved), nothing
/// published, nothing discovered. `None` with a build script or `links`.
fn package(table: &toml::Table, workspace: &toml::Table) -> Option<toml::Table> {
    let package = table.get("package")?.as_table()?;
    if package.contains_key("build") || package.contains_key("links") {
        return None;
    }
    let inherited = |key: &str| -> Option<toml::Value> {
        match package.get(key) {
            Some(toml::Value::Table(t)) if t.get("workspace")?.as_bool()? => workspace
                .get("workspace")?
                .get("package")?
                .get(key)
                .cloned(),
            other => other.cloned(),
        }
    };
    let mut light_package = toml::Table::new();
    light_package.insert("name".into(), package.get("name")?.clone());
    light_package.insert(
        "version".into(),
        inherited("version").unwrap_or_else(|| "0.0.0".into()),
    );
    if let Some(edition) = package.get("edition") {
        light_package.insert(
            "edition".into(),
            inherited("edition").or_else(|| {
                // `edition.workspace = true` without a workspace edition: cargo refuses that.
                edition.as_str().map(Into::into)
            })?,
        );
    }
    light_package.insert("publish".into(), false.into());
    for auto in [
        "autobins",
        "autoexamples",
        "autotests",
        "autobenches",
        "autolib",
    ] {
        light_package.insert(auto.into(), false.into());
    }
    Some(light_package)
}

/// The package's lints, the workspace's when it inherits them.
fn lints(table: &toml::Table, workspace: &toml::Table) -> Option<toml::Value> {
    match table.get("lints") {
        Some(toml::Value::Table(t))
            if t.get("workspace").and_then(|w| w.as_bool()) == Some(true) =>
        {
            workspace
                .get("workspace")
                .and_then(|w| w.get("lints"))
                .cloned()
        }
        other => other.cloned(),
    }
}

/// The workspace's profiles without per-package settings: with no dependencies they would
/// only make cargo warn that they match no package.
fn profiles(workspace: &toml::Table) -> Option<toml::Table> {
    let mut profiles = workspace.get("profile")?.as_table()?.clone();
    for (_, profile) in profiles.iter_mut() {
        if let Some(profile) = profile.as_table_mut() {
            profile.remove("package");
        }
    }
    Some(profiles)
}

/// The package's bins with absolute paths (the light package lives elsewhere). `None` when a
/// bin requires features, which the light package does not have.
fn self_contained_bins(
    root: &Path,
    table: &toml::Table,
    bins: &BTreeMap<String, PathBuf>,
) -> Option<Vec<toml::Value>> {
    let declared = table.get("bin")?.as_array()?;
    if declared
        .iter()
        .any(|b| b.get("required-features").is_some())
    {
        return None;
    }
    Some(
        declared
            .iter()
            .filter_map(|bin| {
                let mut bin = bin.as_table()?.clone();
                let name = bin.get("name")?.as_str()?.to_string();
                let path = root.join(bins.get(&name)?);
                bin.insert("path".into(), path.to_string_lossy().into_owned().into());
                Some(bin.into())
            })
            .collect(),
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub const COURSE: &str = r#"
[package]
name = "course"
version = "0.1.0"
edition = "2021"

[lib]
name = "support"
path = "src/lib.rs"

[[bin]]
name = "first"
path = "../exercises/00/first.rs"

[dependencies]
serde = "1"

[lints.rust]
unsafe_code = "forbid"
"#;

    const WORKSPACE: &str = r#"
[workspace]
members = ["course"]

[profile.dev]
overflow-checks = false

[profile.dev.package."*"]
opt-level = 2
"#;

    #[test]
    fn the_light_package_keeps_edition_lints_profiles_and_bins_but_no_dependency() {
        let table: toml::Table = COURSE.parse().unwrap();
        let workspace: toml::Table = WORKSPACE.parse().unwrap();
        let bins = [("first".to_string(), PathBuf::from("exercises/00/first.rs"))].into();
        let text = manifest(Path::new("/c"), &table, &workspace, &bins).unwrap();
        let light: toml::Table = text.parse().unwrap();
        assert_eq!(light["package"]["edition"].as_str(), Some("2021"));
        assert_eq!(light["lints"], table["lints"]);
        assert_eq!(
            light["profile"]["dev"]["overflow-checks"].as_bool(),
            Some(false)
        );
        assert!(
            light["profile"]["dev"].get("package").is_none(),
            "no dependency for per-package settings to match"
        );
        assert_eq!(
            light["bin"][0]["path"].as_str(),
            Some("/c/exercises/00/first.rs")
        );
        for absent in ["dependencies", "lib"] {
            assert!(!light.contains_key(absent), "{absent} in {text}");
        }
        assert!(light.contains_key("workspace"), "its own workspace root");
    }

    #[test]
    fn a_package_with_a_build_script_has_no_light_package() {
        let with_build =
            COURSE.replace("edition = \"2021\"", "edition = \"2021\"\nbuild = \"b.rs\"");
        let table: toml::Table = with_build.parse().unwrap();
        let bins = Default::default();
        assert!(manifest(Path::new("/c"), &table, &table, &bins).is_none());
    }
}
