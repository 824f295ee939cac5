//! Two pieces of a build at once: one on a second thread, one on the calling thread.

use std::sync::Mutex;

/// Runs `side` on a second thread while `here` runs on this one, and returns both results.
/// When the system will not start a thread, `side` runs here after `here`, so a build never
/// fails for want of one. A panic on the second thread goes on on this one.
pub(super) fn both<A, B>(side: impl FnOnce() -> A + Send, here: impl FnOnce() -> B) -> (A, B)
where
    A: Send,
{
    // Whoever takes the work out runs it: the second thread, or this one if it never started.
    let work = Mutex::new(Some(side));
    let take = || work.lock().unwrap_or_else(|e| e.into_inner()).take();
    std::thread::scope(|scope| {
        let thread = std::thread::Builder::new().spawn_scoped(scope, || take().map(|f| f()));
        let b = here();
        let done = match thread {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p)),
            Err(_) => None,
        };
        match done.or_else(|| take().map(|f| f())) {
            Some(a) => (a, b),
            // The work is taken exactly once, and whoever takes it returns its result.
            None => unreachable!("the second thread took the work and returned nothing"),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::both;

    #[test]
    fn both_results_come_back_in_place() {
        let (a, b) = both(|| (1..=10).sum::<u32>(), || "here");
        assert_eq!((a, b), (55, "here"));
    }
}
