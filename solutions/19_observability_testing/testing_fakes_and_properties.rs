//! # Testing: fakes, and properties with a shrinker
//!
//! Roadmap step: **Testing: unit and integration testing** (<https://roadmap.sh/backend>):
//! code that reads the clock, draws random bytes or sends mail is tested through test
//! doubles it is handed. And a test written by hand checks the examples its author thought
//! of; a property-based test checks a rule on a thousand generated inputs, then shrinks a
//! failure down to a small input a human can debug.
//!
//! 1. The test doubles for `SignupService` (given): `FakeClock` (reads the time it was
//!    given, until `advance`d), `SeqRandom` (bytes counting up from `first`, continuing
//!    from call to call, 255 wraps to 0) and `RecordingMailer`, a spy that records each
//!    mail, or, when `down`, a stub that refuses them all (`"mail server unavailable"`).
//! 2. `XorShift64Star::next_u64`: xorshift64* (Vigna): `x ^= x >> 12; x ^= x << 25;
//!    x ^= x >> 27`, keep `x` as the state, return `x × 0x2545F4914F6CDD1D` (wrapping).
//! 3. `for_all`: a generator seeded with `seed`; for each of `cases` inputs of
//!    `gen_values`, check the property; at the first failure, return its case number, the
//!    input and the input shrunk with `shrink`.
//! 4. `shrink`: try the candidates of `candidates`, in order; take the first that still
//!    fails and start again from it; stop when none fails. The candidates: the first half
//!    `xs[..n / 2]` (when not empty), the second half `xs[n / 2..]` (when `n >= 2`), then
//!    for each value `v`, `v - step` with `step` = `v`, `v / 2`, `v / 4`, … down to 1.
//!    Each candidate is smaller than `xs`: that is what makes the shrinking end.
//!
//! Standards:
//! - <http://xunitpatterns.com/Test%20Double.html> (Meszaros: fakes, stubs and spies)
//! - <https://vigna.di.unimi.it/ftp/papers/xorshift.pdf> (xorshift64*: shifts 12, 25, 27, multiplier M32)
//! - <https://hackage.haskell.org/package/QuickCheck/docs/Test-QuickCheck-Arbitrary.html#v:shrinkIntegral>
//! - <https://protobuf.dev/programming-guides/encoding/#varints> (the codec under test)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use backend_support::{Clock, RandomSource};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::time::Duration;

pub struct FakeClock {
    now_ms: AtomicU64,
}

impl FakeClock {
    pub fn new(start_unix_ms: u64) -> Self {
        let now_ms = AtomicU64::new(start_unix_ms);
        FakeClock { now_ms }
    }

    pub fn advance(&self, by: Duration) {
        let by_ms = u64::try_from(by.as_millis()).expect("a duration in u64 milliseconds");
        self.now_ms.fetch_add(by_ms, Ordering::SeqCst);
    }
}

impl Clock for FakeClock {
    fn now_unix_ms(&self) -> u64 {
        self.now_ms.load(Ordering::SeqCst)
    }
}

pub struct SeqRandom {
    next: AtomicU8,
}

impl SeqRandom {
    pub fn starting_at(first: u8) -> Self {
        let next = AtomicU8::new(first);
        SeqRandom { next }
    }
}

impl RandomSource for SeqRandom {
    fn fill(&self, buf: &mut [u8]) {
        for byte in buf {
            *byte = self.next.fetch_add(1, Ordering::SeqCst); // wraps at 256
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

pub trait Mailer {
    fn send(&self, mail: Mail) -> Result<(), String>;
}

#[derive(Default)]
pub struct RecordingMailer {
    sent: RefCell<Vec<Mail>>,
    down: bool,
}

impl RecordingMailer {
    pub fn down() -> Self {
        let (sent, down) = (RefCell::default(), true);
        RecordingMailer { sent, down }
    }

    pub fn sent(&self) -> Vec<Mail> {
        self.sent.borrow().clone()
    }
}

impl Mailer for RecordingMailer {
    fn send(&self, mail: Mail) -> Result<(), String> {
        if self.down {
            return Err("mail server unavailable".to_string());
        }
        self.sent.borrow_mut().push(mail);
        Ok(())
    }
}

pub const CONFIRM_TTL_MS: u64 = 24 * 60 * 60 * 1000;

/// The code under test: sign-up with an e-mailed confirmation link.
pub struct SignupService<'a> {
    clock: &'a dyn Clock,
    random: &'a dyn RandomSource,
    mailer: &'a dyn Mailer,
    /// Token → (address, expiry in Unix ms).
    pending: RefCell<BTreeMap<String, (String, u64)>>,
}

impl<'a> SignupService<'a> {
    pub fn new(clock: &'a dyn Clock, random: &'a dyn RandomSource, mailer: &'a dyn Mailer) -> Self {
        let pending = RefCell::default();
        SignupService {
            clock,
            random,
            mailer,
            pending,
        }
    }

    /// Mails a link with a 128-bit token, valid for 24 hours.
    pub fn sign_up(&self, email: &str) -> Result<(), String> {
        let mut bytes = [0u8; 16];
        self.random.fill(&mut bytes);
        let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let (to, subject) = (email.to_string(), "Confirm your address".to_string());
        let body = format!("https://example.com/confirm?token={token}");
        self.mailer.send(Mail { to, subject, body })?;
        let entry = (email.to_string(), self.clock.now_unix_ms() + CONFIRM_TTL_MS);
        self.pending.borrow_mut().insert(token, entry);
        Ok(())
    }

    /// The address a token confirms: once, and before it expires.
    pub fn confirm(&self, token: &str) -> Option<String> {
        let (email, expires) = self.pending.borrow_mut().remove(token)?;
        (self.clock.now_unix_ms() < expires).then_some(email)
    }
}

pub struct XorShift64Star {
    state: u64,
}

impl XorShift64Star {
    /// # Panics
    /// If `seed` is 0: a xorshift state of 0 stays 0 forever.
    pub fn new(seed: u64) -> Self {
        assert_ne!(seed, 0, "xorshift needs a nonzero seed");
        XorShift64Star { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`: the high 64 bits of `next_u64() × n`.
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
}

/// The code under test: LEB128 varints, 7 bits per byte, low group first, the high bit
/// set on every byte but a value's last. It has a bug.
pub fn encode(values: &[u64]) -> Vec<u8> {
    let mut out = Vec::new();
    for &value in values {
        let mut rest = value;
        for _ in 0..9 {
            let low = (rest & 0x7f) as u8;
            rest >>= 7;
            if rest == 0 {
                out.push(low);
                break;
            }
            out.push(low | 0x80);
        }
    }
    out
}

pub fn decode(bytes: &[u8]) -> Option<Vec<u64>> {
    let (mut values, mut value, mut shift) = (Vec::new(), 0u64, 0);
    for &byte in bytes {
        if shift >= 64 {
            return None;
        }
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            values.push(value);
            (value, shift) = (0, 0);
        } else {
            shift += 7;
        }
    }
    (shift == 0).then_some(values)
}

/// Up to 8 values, of every magnitude from 1 bit to 64.
pub fn gen_values(rng: &mut XorShift64Star) -> Vec<u64> {
    let len = rng.below(9);
    let mut value = || {
        let bits = rng.next_u64();
        bits >> rng.below(64)
    };
    (0..len).map(|_| value()).collect()
}

#[derive(Debug, PartialEq, Eq)]
pub struct Counterexample {
    pub case: usize,
    pub found: Vec<u64>,
    pub shrunk: Vec<u64>,
}

pub fn for_all(
    seed: u64,
    cases: usize,
    property: impl Fn(&[u64]) -> bool,
) -> Result<(), Counterexample> {
    let mut rng = XorShift64Star::new(seed);
    for case in 0..cases {
        let found = gen_values(&mut rng);
        if !property(&found) {
            let shrunk = shrink(found.clone(), |xs| !property(xs));
            return Err(Counterexample {
                case,
                found,
                shrunk,
            });
        }
    }
    Ok(())
}

pub fn candidates(xs: &[u64]) -> Vec<Vec<u64>> {
    let n = xs.len();
    let mut out = Vec::new();
    if n >= 1 {
        out.push(xs[..n / 2].to_vec());
    }
    if n >= 2 {
        out.push(xs[n / 2..].to_vec());
    }
    for (i, &v) in xs.iter().enumerate() {
        let mut step = v;
        while step > 0 {
            let mut smaller = xs.to_vec();
            smaller[i] = v - step;
            out.push(smaller);
            step /= 2;
        }
    }
    out
}

pub fn shrink(input: Vec<u64>, fails: impl Fn(&[u64]) -> bool) -> Vec<u64> {
    let mut current = input;
    while let Some(smaller) = candidates(&current).into_iter().find(|c| fails(c)) {
        current = smaller;
    }
    current
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    const T0: u64 = 1_700_000_000_000;
    const DAY: Duration = Duration::from_secs(24 * 60 * 60);

    fn token_of(mail: &Mail) -> String {
        mail.body.rsplit_once("token=").unwrap().1.to_string()
    }

    /// The doubles the service is tested with.
    struct World(FakeClock, SeqRandom, RecordingMailer);

    impl World {
        fn new(mailer: RecordingMailer) -> Self {
            World(FakeClock::new(T0), SeqRandom::starting_at(0), mailer)
        }

        fn service(&self) -> SignupService<'_> {
            SignupService::new(&self.0, &self.1, &self.2)
        }
    }

    #[test]
    fn sign_up_mails_a_link_with_a_token_from_the_random_source() {
        let world = World::new(RecordingMailer::default());
        let service = world.service();
        service.sign_up("ada@example.com").unwrap();
        service.sign_up("bob@example.com").unwrap();
        let sent = world.2.sent();
        let to: Vec<&str> = sent.iter().map(|m| m.to.as_str()).collect();
        assert_eq!(to, ["ada@example.com", "bob@example.com"], "in order");
        assert_eq!(sent[0].subject, "Confirm your address");
        let link = "https://example.com/confirm?token=000102030405060708090a0b0c0d0e0f";
        assert_eq!(sent[0].body, link);
        let next = "101112131415161718191a1b1c1d1e1f";
        assert_eq!(token_of(&sent[1]), next, "the bytes go on");
    }

    #[test]
    fn a_token_confirms_once_and_only_within_24_hours() {
        let world = World::new(RecordingMailer::default());
        let service = world.service();
        service.sign_up("ada@example.com").unwrap();
        service.sign_up("bob@example.com").unwrap();
        let (ada, bob) = (token_of(&world.2.sent()[0]), token_of(&world.2.sent()[1]));
        world.0.advance(DAY - Duration::from_millis(1));
        assert_eq!(service.confirm(&ada).as_deref(), Some("ada@example.com"));
        assert_eq!(service.confirm(&ada), None, "a token works once");
        world.0.advance(Duration::from_millis(1));
        assert_eq!(service.confirm(&bob), None, "24 hours later it has expired");
    }

    #[test]
    fn a_mail_outage_fails_the_sign_up_and_keeps_no_token() {
        let world = World::new(RecordingMailer::down());
        let service = world.service();
        let outage = Err("mail server unavailable".to_string());
        assert_eq!(service.sign_up("ada@example.com"), outage);
        assert!(world.2.sent().is_empty(), "nothing was sent");
        assert_eq!(service.confirm("000102030405060708090a0b0c0d0e0f"), None);
    }

    #[test]
    fn the_fakes_do_what_they_say() {
        let clock = FakeClock::new(5);
        assert_eq!((clock.now_unix_ms(), clock.now_unix_ms()), (5, 5), "still");
        clock.advance(Duration::from_micros(1_500_999));
        assert_eq!(clock.now_unix_ms(), 1_505);
        let (random, mut buf) = (SeqRandom::starting_at(254), [9u8; 3]);
        random.fill(&mut buf);
        assert_eq!(buf, [254, 255, 0], "255 wraps to 0");
        random.fill(&mut buf[..1]);
        assert_eq!(buf, [1, 255, 0], "the next call goes on from there");
    }

    #[test]
    fn xorshift64_star_from_seed_1() {
        let mut rng = XorShift64Star::new(1);
        let first: Vec<u64> = (0..3).map(|_| rng.next_u64()).collect();
        assert_eq!(
            first,
            [0x47e4ce4b896cdd1d, 0xabcfa6a8e079651d, 0xb9d10d8feb731f57]
        );
    }

    #[test]
    #[should_panic(expected = "nonzero seed")]
    fn a_zero_seed_is_refused() {
        XorShift64Star::new(0);
    }

    #[test]
    fn a_property_that_holds_is_checked_on_every_case() {
        let calls = Cell::new(0);
        let sorted_stays_sorted = |xs: &[u64]| {
            calls.set(calls.get() + 1);
            let mut sorted = xs.to_vec();
            sorted.sort_unstable();
            sorted.windows(2).all(|w| w[0] <= w[1])
        };
        assert_eq!(for_all(7, 1000, sorted_stays_sorted), Ok(()));
        assert_eq!(calls.get(), 1000);
    }

    fn round_trips(xs: &[u64]) -> bool {
        decode(&encode(xs)).as_deref() == Some(xs)
    }

    #[test]
    fn the_planted_bug_is_found_and_shrunk_to_the_minimal_counterexample() {
        let expected = Counterexample {
            case: 77,
            found: vec![10318290066460672105, 49411093154759908],
            shrunk: vec![1 << 63],
        };
        assert_eq!(for_all(42, 1000, round_trips), Err(expected));
        for (seed, case) in [(1, 17), (2, 51), (3, 56)] {
            let failure = for_all(seed, 1000, round_trips).unwrap_err();
            assert_eq!(
                (failure.case, failure.shrunk),
                (case, vec![1 << 63]),
                "seed {seed}"
            );
        }
        assert!(
            round_trips(&[0, 1, 127, 128, 300, u64::MAX >> 1]),
            "below 2^63"
        );
    }

    #[test]
    fn shrinking_halves_the_list_and_each_value() {
        let big = |xs: &[u64]| xs.iter().any(|&v| v >= 1000);
        assert_eq!(shrink(vec![5, 123456, 7, 99999], big), [1000]);
        assert_eq!(shrink(vec![3, 1, 4, 1, 5], |xs| xs.len() >= 2), [0, 0]);
        assert_eq!(shrink(vec![100, 42, 7], |xs| xs.contains(&42)), [42]);
        let expected: [&[u64]; 7] = [&[8], &[1], &[0, 1], &[4, 1], &[6, 1], &[7, 1], &[8, 0]];
        assert_eq!(candidates(&[8, 1]), expected, "halves, then each value");
        assert_eq!(candidates(&[3]), [vec![], vec![0], vec![2]]);
        assert!(candidates(&[]).is_empty());
    }
}
