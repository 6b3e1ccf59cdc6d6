//! Ending cleanly on SIGINT, SIGTERM, SIGHUP and SIGQUIT: the checks backlings started run in
//! process groups of their own, which a signal to backlings does not reach, so they are killed
//! here; then the terminal is restored and backlings exits as the signal would have made it
//! (SIGQUIT without its core dump: a terminal left in raw mode is worse than a missing core).

use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
use signal_hook::iterator::Signals;

use crate::sandbox::process;

/// Starts the thread that waits for an ending signal. `restore` puts the terminal back.
pub fn install(restore: fn()) {
    let Ok(mut signals) = Signals::new([SIGINT, SIGTERM, SIGHUP, SIGQUIT]) else {
        return; // without the handler, signals keep their default effect
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            process::stop_all_groups();
            restore();
            std::process::exit(128 + signal);
        }
    });
}
