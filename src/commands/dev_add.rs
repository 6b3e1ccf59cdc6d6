//! `backlings dev add NAME [--dir CHAPTER]`: a new exercise from the templates (doc comment,
//! `TODO`, a test module), its solution, its `info.toml` entry after its chapter's last
//! exercise, and its bins in the exercise package.

use super::dev_update::{shown_manifest, write_bins};
use crate::authoring::edits;
use crate::authoring::scaffold;
use crate::course::exercise::{Variant, file_of};
use crate::course::package::ExercisePackage;
use crate::course::{self, Course, INFO_FILE};
use crate::error::{Error, Result};
use crate::files;

const EXERCISE: &str = include_str!("../authoring/templates/exercise.rs.tmpl");
const SOLUTION: &str = include_str!("../authoring/templates/solution.rs.tmpl");

pub fn run(name: &str, dir: Option<&str>) -> Result<i32> {
    if let Some(problem) = course::name::problem(name) {
        return Err(Error::usage(format!(
            "invalid exercise name {name:?}: {problem}.\n  Use {} (it becomes a file and a binary name).",
            course::name::ALLOWED
        )));
    }
    if let Some(dir) = dir.filter(|d| !course::is_valid_dir(d)) {
        return Err(Error::usage(format!(
            "invalid chapter {dir:?}: give one folder name such as \"01_http\" (no '/', '..' or absolute paths)"
        )));
    }
    let root = course::root_here()?;
    let info_path = root.join(INFO_FILE);
    let info = files::read_text(&info_path)?;
    // Names that differ only in case would be one file on macOS and Windows.
    let names = edits::entry_names(&info, &info_path)?;
    if let Some(taken) = names.iter().find(|n| n.eq_ignore_ascii_case(name)) {
        return Err(Error::usage(format!(
            "{} already has an exercise named {taken:?}; choose another name.",
            info_path.display()
        )));
    }
    let files = [
        (file_of(name, dir, Variant::Exercise), EXERCISE),
        (file_of(name, dir, Variant::Solution), SOLUTION),
    ];
    for (file, _) in &files {
        if root.join(file).exists() {
            return Err(Error::usage(format!(
                "{} already exists: add its entry to info.toml by hand, or choose another name.",
                file.display()
            )));
        }
    }

    let entry = entry(name, dir);
    let updated = edits::with_entry(&info, &info_path, dir, &entry)?;
    for (file, template) in &files {
        scaffold::write(
            &root,
            &file.to_string_lossy(),
            template.replace("{{name}}", name).as_bytes(),
        )?;
    }
    files::write_atomically(&info_path, updated.as_bytes())?;
    let course = Course::load(&root)?;
    let package = ExercisePackage::locate(&root)?;
    write_bins(&course, &package)?;

    let line = updated[..updated.find(&entry).unwrap_or(0)].lines().count() + 1;
    println!(
        "Added {name}:\n  {}  the exercise: write the task, its TODOs and its tests\n  {}  the solution\n  \
         {INFO_FILE}:{line}  its entry: write the hint, the recipe and link the standard\n  {}  its two bins\n\
         Then check the course: backlings dev check",
        files[0].0.display(),
        files[1].0.display(),
        shown_manifest(&course, &package),
    );
    Ok(0)
}

fn entry(name: &str, dir: Option<&str>) -> String {
    let dir = dir.map_or(String::new(), |d| format!("dir = {d:?}\n"));
    format!(
        "[[exercises]]\nname = {name:?}\n{dir}hint = \"\"\"\n\
         TODO: a nudge that names the concept and the standard's section, not the answer.\"\"\"\n\
         recipe = \"\"\"\n\
         TODO: the steps, for a learner the nudge did not help.\"\"\"\nspec = []\n"
    )
}
