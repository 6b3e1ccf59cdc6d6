//! `backlings serve`: an exercise's program run for the learner to talk to over loopback, as
//! they would talk to the capstone servers with curl or redis-cli; what it prints shown inert,
//! and nothing of it left when backlings ends.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::mpsc;

use common::pty::PATIENCE;
use common::{BROKEN, Ex, FAILS, TestCourse, ends_soon, is_running};
use predicates::prelude::*;

/// A server: writes its pid to `server.pid`, says where it listens (with a takeover sequence
/// in the line), and greets every connection.
const SERVER: &str = r#"use std::io::Write;
use std::net::TcpListener;

fn main() {
    let pid_file = std::env::args().nth(1).expect("the pid file");
    std::fs::write(pid_file, std::process::id().to_string()).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    println!("\x1b]0;PWNED\x07Listening on {}", listener.local_addr().unwrap());
    for stream in listener.incoming() {
        stream.unwrap().write_all(b"hello from the exercise\n").unwrap();
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn serves() {
        assert!(false, "not yet");
    }
}
"#;

#[test]
fn serve_runs_the_program_on_loopback_shows_its_output_inert_and_ctrl_c_ends_it() {
    let course = TestCourse::new(&[Ex::new("server", SERVER)]);
    let pid_file = course.file("server.pid");
    let mut serve = Command::new(assert_cmd::cargo::cargo_bin("backlings"))
        .current_dir(course.path())
        .args(["serve", "server", "--"])
        .arg(&pid_file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (lines, said) = mpsc::channel();
    let stdout = serve.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let _ = lines.send(line.unwrap());
        }
    });
    let listening = said
        .recv_timeout(PATIENCE * 5)
        .expect("the server says where it listens");
    assert!(
        listening.starts_with("^[]0;PWNED^GListening on 127.0.0.1:"),
        "shown inert: {listening:?}"
    );
    let address = listening.rsplit(' ').next().unwrap();
    let mut greeting = String::new();
    TcpStream::connect(address)
        .unwrap()
        .read_to_string(&mut greeting)
        .unwrap();
    assert_eq!(greeting, "hello from the exercise\n");

    let server: u32 = std::fs::read_to_string(&pid_file).unwrap().parse().unwrap();
    // SAFETY: kill sends a signal to a process of ours.
    unsafe { libc::kill(serve.id() as i32, libc::SIGINT) };
    let status = serve.wait().unwrap();
    assert_eq!(status.code(), Some(128 + libc::SIGINT));
    assert!(ends_soon(server), "the server outlived backlings");
    assert!(!is_running(server));
}

#[test]
fn a_program_that_does_not_compile_is_not_served() {
    let course = TestCourse::new(&[Ex::new("server", BROKEN)]);
    course
        .backlings(&["serve", "server"])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("mismatched types")
                .and(predicate::str::contains("does not compile yet")),
        );
}

#[test]
fn a_solution_not_handed_out_yet_is_not_served() {
    let course = TestCourse::new(&[Ex::new("server", FAILS).solution(None)]);
    course
        .backlings(&["serve", "server", "--solution"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "the reference solution of server is handed out once the exercise is done",
        ));
}
