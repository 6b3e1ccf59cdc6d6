//! The course files a registry package cannot carry where they are, and where it carries them
//! instead. `cargo package` leaves out `course/` (a folder with a Cargo.toml of its own is
//! another package) and writes a `Cargo.lock` of the runner's own dependencies, without the
//! course's. `build/carried/` holds symbolic links to the originals, which `cargo package`
//! stores as plain files: one copy to edit in the repository, and a package that holds
//! everything `backlings init` writes.

/// (the course file, relative to the root; the link that carries it).
pub const CARRIED: &[(&str, &str)] = &[
    ("Cargo.lock", "build/carried/Cargo.lock"),
    ("course/Cargo.toml", "build/carried/course.Cargo.toml"),
    ("course/src/lib.rs", "build/carried/course.lib.rs"),
];

/// Where a build from the files (a registry package) reads the course file `path`.
pub fn source_of(path: &str) -> &str {
    CARRIED
        .iter()
        .find(|(file, _)| *file == path)
        .map_or(path, |(_, carried)| carried)
}
