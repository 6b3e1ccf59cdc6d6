//! `backlings serve [NAME | FILE] [--solution] [-- ARGS…]`: build an exercise's program and
//! run it in the terminal, so that a learner can talk to the server they are writing (a
//! capstone) with `curl`, `redis-cli` or a WebSocket client, as codecrafters' learners do.
//!
//! The program runs as checks do, under the guard and the exercise's limits, in a process
//! group of its own that Ctrl-C (which ends backlings) takes down with it; unlike a check, it
//! keeps the network, since the learner's tools must reach it on 127.0.0.1, and it has no
//! time limit. What it prints is shown as it comes, made inert: a program cannot drive the
//! terminal.

use std::io::{Read, Write};
use std::process::{Command, Stdio};

use super::require_bin;
use crate::build::cargo::{self, Mode, Request};
use crate::check::events;
use crate::course::exercise::Variant;
use crate::error::{Error, Result};
use crate::inert::{self, Colour};
use crate::report::{self, build_progress::BuildProgress};
use crate::sandbox::guard::Sandbox;
use crate::sandbox::process::{self, Cancel, Streams};

/// Serves `name` (default: the current exercise), or its reference solution, passing `args`
/// to the program. Its exit code is the program's.
pub fn run(name: Option<String>, variant: Variant, args: &[String], color: bool) -> Result<i32> {
    let (course, package) = crate::course::load_here()?;
    let state = crate::progress::load(&course)?;
    let index = match name {
        Some(name) => course.resolve(&name, &crate::course::here()?)?,
        None => state.current,
    };
    let exercise = &course.exercises[index];
    let path = exercise.variant_path(variant);
    if !course.root.join(&path).is_file() {
        return Err(Error::usage(format!(
            "{} does not exist: the reference solution of {} is handed out once the exercise \
             is done.\n  Serve your version: backlings serve {}",
            path.display(),
            exercise.name,
            exercise.name
        )));
    }
    let bin = exercise.bin_name(variant);
    require_bin(&package, &bin, path.clone())?;

    let cancel = Cancel::default();
    let bins = [bin.clone()];
    let mut progress = BuildProgress::new();
    let build = report::follow(&mut [&mut progress], |sink| {
        cargo::build(
            Request {
                package: &package,
                bins: &bins,
                mode: Mode::Build,
                color,
                learn: false,
                progress: Some(events::building(&sink)),
            },
            &cancel,
        )
    })?;
    drop(progress);
    let Some(executable) = build.executables.get(&bin) else {
        print!("{}", report::inert(&build.failure_text(&bin)));
        println!(
            "\n{} does not compile yet: fix the first error above, then serve it again.",
            path.display()
        );
        return Ok(1);
    };

    eprintln!(
        "Serving {} (Ctrl-C stops it). It may listen on 127.0.0.1 only.",
        path.display()
    );
    let mut command = Command::new(executable);
    command.args(args);
    let (reader, writer) =
        std::io::pipe().map_err(|e| Error::environment("could not create a pipe").caused_by(e))?;
    let streams = Streams {
        stdin: Stdio::null(),
        stdout: writer
            .try_clone()
            .map_err(|e| Error::environment("could not create a pipe").caused_by(e))?
            .into(),
        stderr: writer.into(),
    };
    let sandbox = Sandbox {
        limits: Some(exercise.limits),
        isolate_network: false,
    };
    let started = process::spawn_in_group(&command, streams, sandbox, &cancel).map_err(|e| {
        Error::environment(format!("could not start {}", executable.display())).caused_by(e)
    })?;
    let Some(child) = started else {
        return Ok(1);
    };
    // Ends when the program and everything it started have closed the pipe.
    let shown = std::thread::spawn(move || show_inert(reader, color));
    let status = process::finish(child, &cancel)
        .map_err(|e| Error::environment("could not wait for the program").caused_by(e))?;
    let _ = shown.join();
    Ok(status.code().unwrap_or(1))
}

/// Copies what the program prints to stdout as it comes, with colour kept when `color` is on
/// and every other control sequence shown as text.
fn show_inert(mut from: impl Read, color: bool) {
    let colour = Colour::when(color);
    let mut buffer = [0u8; 8192];
    let mut stdout = std::io::stdout();
    while let Ok(read) = from.read(&mut buffer) {
        if read == 0 {
            break;
        }
        let text = String::from_utf8_lossy(&buffer[..read]);
        let _ = stdout.write_all(inert::text(&text, colour).as_bytes());
        let _ = stdout.flush();
    }
}
