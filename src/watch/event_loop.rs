//! The loop that runs watch mode: it waits for the next event (or for the debounce timer to
//! run out), hands it to the state machine, has the executor carry out the effects, hands
//! their immediate results back, and draws the screen.

use std::collections::VecDeque;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::Instant;

use super::app::App;
use super::effects::{After, Effect, Executor};
use super::events::Event;
use super::{screen, terminal};
use crate::error::Result;

/// Whether the loop goes on.
#[derive(PartialEq, Eq)]
enum Flow {
    Continue,
    Quit,
}

/// Runs `app` on the events of `rx` until the learner quits, then stops every check and
/// records the progress. An error (progress that cannot be saved) ends watch mode too, after
/// stopping every check.
/// `keys_go_on` lets the terminal's reader read on after each key or resize.
pub fn run(
    mut app: App,
    mut executor: Executor,
    rx: Receiver<Event>,
    keys_go_on: Sender<()>,
) -> Result<()> {
    let ended = until_quit(&mut app, &mut executor, &rx, &keys_go_on);
    executor.stop();
    ended?;
    // Leave the shell prompt on a line of its own.
    println!("\r");
    executor.run(Effect::SaveProgress, app.progress_mut())?;
    Ok(())
}

/// Handles events until the learner quits, or no source of events is left.
fn until_quit(
    app: &mut App,
    executor: &mut Executor,
    rx: &Receiver<Event>,
    keys_go_on: &Sender<()>,
) -> Result<()> {
    let start = app.start();
    if carry_out(app, executor, start)? == Flow::Quit {
        return Ok(());
    }
    draw(app);
    while let Some(event) = next_event(rx, executor) {
        #[cfg(debug_assertions)]
        if let Event::Key(key) = &event {
            panic_if_asked(key);
        }
        // A save changes nothing on screen until it is read.
        let redraw = !matches!(event, Event::Saved(_) | Event::Rescan);
        let from_terminal = matches!(event, Event::Key(_) | Event::Resize);
        let effects = app.update(event);
        if carry_out(app, executor, effects)? == Flow::Quit {
            break;
        }
        if from_terminal {
            // Handled (an editor it opened has ended): the reader may read on.
            let _ = keys_go_on.send(());
        }
        if redraw {
            draw(app);
        }
    }
    Ok(())
}

/// The next event on `rx`, or the end of the debounce; `None` once no source is left.
fn next_event(rx: &Receiver<Event>, executor: &mut Executor) -> Option<Event> {
    match executor.debounce_deadline() {
        Some(deadline) => {
            match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(event) => Some(event),
                Err(RecvTimeoutError::Timeout) => Some(executor.debounce_over()),
                Err(RecvTimeoutError::Disconnected) => None,
            }
        }
        None => rx.recv().ok(),
    }
}

/// Carries out `effects` in order; the events they lead to go back to the app before any
/// other, with the effects those ask for.
fn carry_out(app: &mut App, executor: &mut Executor, effects: Vec<Effect>) -> Result<Flow> {
    let mut effects = VecDeque::from(effects);
    let mut events = VecDeque::new();
    loop {
        while let Some(effect) = effects.pop_front() {
            match executor.run(effect, app.progress_mut())? {
                After::Nothing => {}
                After::Event(event) => events.push_back(event),
                After::Quit => return Ok(Flow::Quit),
            }
        }
        match events.pop_front() {
            Some(event) => effects.extend(app.update(event)),
            None => return Ok(Flow::Continue),
        }
    }
}

fn draw(app: &App) {
    let (width, height) = terminal::size();
    terminal::draw(&screen::render(app, width, height));
}

/// Lets the tests prove that a panic leaves the terminal usable: debug builds panic on the
/// key named by `BACKLINGS_PANIC_KEY`.
#[cfg(debug_assertions)]
fn panic_if_asked(key: &crossterm::event::KeyEvent) {
    use crossterm::event::KeyCode;
    if let (Some(wanted), KeyCode::Char(pressed)) =
        (std::env::var_os("BACKLINGS_PANIC_KEY"), key.code)
        && wanted.to_str() == Some(pressed.encode_utf8(&mut [0; 4]))
    {
        panic!("BACKLINGS_PANIC_KEY={pressed} was pressed");
    }
}
