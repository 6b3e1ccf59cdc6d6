//! # Event sourcing and CQRS
//!
//! Roadmap step: **Architectural patterns: event sourcing, CQRS**
//! (<https://roadmap.sh/backend>): instead of overwriting a balance, store every change as
//! an event and derive the state from them. The history is the source of truth; reads
//! are served from a separate model (a projection) built from the same events.
//!
//! 1. `Account::decide`: check a command against the current state and return the events
//!    it causes, or why it is rejected (see `Rejected`). Closing an account with money
//!    on it pays it out first: `[Withdrawn { amount: balance }, Closed]`.
//! 2. `EventStore::append`: a stream's version is its number of events. Append the events
//!    (as JSON) only if the stream is still at version `expected`, else `Conflict`: two
//!    writers that loaded the same version cannot both append (optimistic concurrency).
//! 3. `load`: the latest snapshot (or a new account), then only the events after it.
//! 4. `execute`: load, decide, append with the loaded version; when the new version
//!    reaches or passes a multiple of `snapshot_every`, save a snapshot of the new state;
//!    then update the projection with the new events.
//! 5. `OpenAccounts::project`: the read model, open accounts by stream: (owner, balance).
//!
//! Standards:
//! - <https://martinfowler.com/eaaDev/EventSourcing.html>
//! - <https://martinfowler.com/bliki/CQRS.html>
//! - <https://learn.microsoft.com/en-us/azure/architecture/patterns/event-sourcing>
//! - <https://learn.microsoft.com/en-us/azure/architecture/patterns/cqrs>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Event {
    Opened { owner: String },
    Deposited { amount: u64 },
    Withdrawn { amount: u64 },
    Closed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Opens the account for this owner.
    Open(String),
    Deposit(u64),
    Withdraw(u64),
    Close,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Rejected {
    /// `Open` on an account that was opened before (even if closed since).
    AlreadyOpened,
    /// Anything but `Open` on an account that is not open.
    NotOpen,
    /// A deposit or withdrawal of 0 (checked after `NotOpen`).
    ZeroAmount,
    InsufficientFunds,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Error {
    Rejected(Rejected),
    Conflict { expected: u64, actual: u64 },
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Status {
    #[default]
    New,
    Open,
    Closed,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Account {
    pub owner: String,
    pub balance: u64,
    pub status: Status,
    /// How many events this state is made of.
    pub version: u64,
}

impl Account {
    /// Events are facts: applying one never fails.
    pub fn apply(&mut self, event: &Event) {
        match event {
            Event::Opened { owner } => (self.owner, self.status) = (owner.clone(), Status::Open),
            Event::Deposited { amount } => self.balance += amount,
            Event::Withdrawn { amount } => self.balance -= amount,
            Event::Closed => self.status = Status::Closed,
        }
        self.version += 1;
    }

    pub fn decide(&self, command: &Command) -> Result<Vec<Event>, Rejected> {
        // TODO: the events the command causes in this state, or why it is rejected (the docs
        // of `Rejected` say when each reason applies). `Close` pays out a balance first.
        todo!()
    }
}

pub struct EventStore {
    pub snapshot_every: u64,
    /// Every event of every stream, in append order: (stream, event as JSON).
    pub log: Vec<(String, String)>,
    /// The latest snapshot of each stream.
    pub snapshots: BTreeMap<String, Account>,
}

impl EventStore {
    pub fn new(snapshot_every: u64) -> Self {
        let (log, snapshots) = (Vec::new(), BTreeMap::new());
        EventStore {
            snapshot_every,
            log,
            snapshots,
        }
    }

    /// Every event, in append order, as the projections see them.
    pub fn all(&self) -> Vec<(String, Event)> {
        let parse = |json: &str| serde_json::from_str(json).expect("written by `append`");
        let all = self.log.iter().map(|(s, json)| (s.clone(), parse(json)));
        all.collect()
    }

    /// The events of `stream` after the first `after_version` ones.
    pub fn events(&self, stream: &str, after_version: u64) -> Vec<Event> {
        let events = self.all().into_iter().filter(|(s, _)| s == stream);
        events
            .skip(after_version as usize)
            .map(|(_, e)| e)
            .collect()
    }

    pub fn version(&self, stream: &str) -> u64 {
        self.log.iter().filter(|(s, _)| s == stream).count() as u64
    }

    /// Returns the stream's new version.
    pub fn append(&mut self, stream: &str, expected: u64, events: &[Event]) -> Result<u64, Error> {
        // TODO: `Conflict` unless the stream is at `expected`; otherwise push each event as
        // JSON and return the new version.
        todo!()
    }
}

pub fn load(store: &EventStore, stream: &str) -> Account {
    // TODO: start from the latest snapshot (or a new account) and apply only the events
    // after its version.
    todo!()
}

/// The read model: the open accounts, by stream, with (owner, balance).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct OpenAccounts {
    pub accounts: BTreeMap<String, (String, u64)>,
}

impl OpenAccounts {
    pub fn project(&mut self, stream: &str, event: &Event) {
        // TODO: keep `accounts` equal to the open accounts: add on `Opened`, adjust the
        // balance, remove on `Closed`.
        todo!()
    }
}

/// Returns the stream's new version.
pub fn execute(
    store: &mut EventStore,
    view: &mut OpenAccounts,
    stream: &str,
    command: &Command,
) -> Result<u64, Error> {
    // TODO: load, decide, append at the loaded version; apply the new events to the state
    // and project them; snapshot the new state when a multiple of `snapshot_every` was
    // reached or passed. Return the new version.
    todo!()
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use Command::*;
    use Rejected::*;

    type Outcome = Result<u64, Error>;

    fn replay(store: &EventStore, stream: &str) -> Account {
        let mut state = Account::default();
        store.events(stream, 0).iter().for_each(|e| state.apply(e));
        state
    }

    /// The query answer from the write side: load every account, keep the open ones.
    fn open_accounts(store: &EventStore) -> BTreeMap<String, (String, u64)> {
        let streams: Vec<String> = store.log.iter().map(|(s, _)| s.clone()).collect();
        let accounts = streams.into_iter().map(|s| (load(store, &s), s));
        let open = accounts.filter(|(a, _)| a.status == Status::Open);
        open.map(|(a, s)| (s, (a.owner, a.balance))).collect()
    }

    #[test]
    fn commands_are_checked_against_the_state() {
        let (mut store, mut view) = (EventStore::new(100), OpenAccounts::default());
        let mut run = |command| execute(&mut store, &mut view, "acc-1", &command);
        let no = |why| Outcome::Err(Error::Rejected(why));
        assert_eq!(run(Deposit(5)), no(NotOpen));
        assert_eq!(run(Open("ann".into())), Ok(1));
        assert_eq!(run(Open("eve".into())), no(AlreadyOpened));
        assert_eq!(run(Deposit(0)), no(ZeroAmount));
        assert_eq!(run(Withdraw(0)), no(ZeroAmount));
        assert_eq!(run(Deposit(100)), Ok(2));
        assert_eq!(run(Withdraw(101)), no(InsufficientFunds));
        assert_eq!(run(Withdraw(100)), Ok(3), "down to exactly 0");
        assert_eq!(run(Deposit(40)), Ok(4));
        assert_eq!(run(Close), Ok(6), "pays out 40, then closes");
        assert_eq!(run(Deposit(5)), no(NotOpen));
        assert_eq!(run(Open("ann".into())), no(AlreadyOpened), "never reopened");
        assert_eq!(run(Close), no(NotOpen));
        let state = load(&store, "acc-1");
        assert_eq!((state.balance, state.status), (0, Status::Closed));
        let payout = Event::Withdrawn { amount: 40 };
        assert_eq!(store.events("acc-1", 4), [payout, Event::Closed]);
        execute(&mut store, &mut view, "acc-2", &Open("bob".into())).unwrap();
        let closed = execute(&mut store, &mut view, "acc-2", &Close);
        assert_eq!(closed, Ok(2), "no payout of 0: one event");
    }

    #[test]
    fn a_concurrent_append_is_a_conflict() {
        let (mut store, mut view) = (EventStore::new(100), OpenAccounts::default());
        execute(&mut store, &mut view, "acc-1", &Open("ann".into())).unwrap();
        execute(&mut store, &mut view, "acc-1", &Deposit(100)).unwrap();
        let json = |store: &EventStore| -> Vec<String> {
            store.log.iter().map(|(_, json)| json.clone()).collect()
        };
        let opened = r#"{"type":"Opened","owner":"ann"}"#;
        assert_eq!(
            json(&store),
            [opened, r#"{"type":"Deposited","amount":100}"#]
        );
        // Two requests load version 2 (balance 100) at the same time.
        let (a, b) = (load(&store, "acc-1"), load(&store, "acc-1"));
        let by_a = a.decide(&Withdraw(70)).unwrap();
        let by_b = b.decide(&Withdraw(50)).unwrap();
        assert_eq!(store.append("acc-1", a.version, &by_a), Ok(3));
        assert_eq!(json(&store)[2], r#"{"type":"Withdrawn","amount":70}"#);
        let conflict = |expected, actual| Outcome::Err(Error::Conflict { expected, actual });
        assert_eq!(store.append("acc-1", b.version, &by_b), conflict(2, 3));
        assert_eq!(
            load(&store, "acc-1").balance,
            30,
            "b's withdrawal is not in"
        );
        let b = load(&store, "acc-1"); // b reloads and decides again
        assert_eq!(b.decide(&Withdraw(50)), Err(InsufficientFunds));
        assert_eq!(
            store.append("acc-1", 4, &by_b),
            conflict(4, 3),
            "from the future"
        );
        assert_eq!(store.append("acc-2", 0, &[]), Ok(0));
    }

    #[test]
    fn a_snapshot_every_3_events_plus_the_tail_equals_a_full_replay() {
        let (mut store, mut view) = (EventStore::new(3), OpenAccounts::default());
        let mut snapshots = Vec::new();
        let commands = [Open("ann".into()), Deposit(10), Deposit(20), Withdraw(5)];
        for command in commands.into_iter().chain([Deposit(7), Close]) {
            execute(&mut store, &mut view, "acc-1", &command).unwrap();
            let (loaded, full) = (load(&store, "acc-1"), replay(&store, "acc-1"));
            assert_eq!(loaded, full, "after {command:?}");
            snapshots.push(store.snapshots.get("acc-1").map(|s| s.version));
        }
        let expected = [None, None, Some(3), Some(3), Some(3), Some(7)];
        assert_eq!(snapshots, expected, "Close wrote 2 events: 5 -> 7 passes 6");
        let snapshot = &store.snapshots["acc-1"];
        assert_eq!(*snapshot, replay(&store, "acc-1"), "the state after them");
        // `load` trusts the snapshot and replays only what came after it.
        let mut planted = replay(&store, "acc-1");
        (planted.version, planted.balance, planted.status) = (5, 1000, Status::Open);
        store.snapshots.insert("acc-1".into(), planted);
        let loaded = load(&store, "acc-1");
        assert_eq!((loaded.balance, loaded.status), (1000 - 32, Status::Closed));
    }

    #[test]
    fn the_projection_equals_the_query_answer() {
        let (mut store, mut view) = (EventStore::new(2), OpenAccounts::default());
        let script = [
            ("acc-1", Open("ann".into())),
            ("acc-2", Open("bob".into())),
            ("acc-1", Deposit(100)),
            ("acc-2", Deposit(30)),
            ("acc-1", Withdraw(500)), // rejected: no event, no change
            ("acc-3", Open("cy".into())),
            ("acc-2", Withdraw(30)),
            ("acc-1", Withdraw(25)),
            ("acc-3", Deposit(9)),
            ("acc-3", Close),
            ("acc-4", Deposit(1)), // rejected
        ];
        for (stream, command) in &script {
            let _ = execute(&mut store, &mut view, stream, command);
            let answer = open_accounts(&store);
            assert_eq!(view.accounts, answer, "after {stream} {command:?}");
        }
        let (ann, bob) = (("ann".into(), 75), ("bob".into(), 0));
        let expected = BTreeMap::from([("acc-1".into(), ann), ("acc-2".into(), bob)]);
        assert_eq!(view.accounts, expected);
        // A new read model catches up from the whole log and agrees.
        let mut rebuilt = OpenAccounts::default();
        store.all().iter().for_each(|(s, e)| rebuilt.project(s, e));
        assert_eq!(rebuilt, view);
    }
}
