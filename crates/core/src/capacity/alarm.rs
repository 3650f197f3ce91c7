//! N-of-M alarm histories (CloudWatch's "datapoints to alarm" of "evaluation periods"), shared by
//! the threshold and AWS controllers, with what the replay's fast path needs: when the alarm's
//! state would next change if the newest datapoint kept repeating.

/// The last M datapoints of an alarm, newest in bit 0; fires with at least N breaching.
#[derive(Clone, Copy, Debug)]
pub(crate) struct History {
    bits: u32,
    mask: u32,
    n: u32,
    m: u32,
    last: bool,
}

impl History {
    /// `n` of `m` datapoints (1 ≤ n ≤ m ≤ 32); no datapoint yet counts as not breaching.
    pub(crate) fn new(n: u32, m: u32) -> History {
        let m = m.clamp(1, 32);
        History { bits: 0, mask: if m == 32 { u32::MAX } else { (1u32 << m) - 1 }, n, m, last: false }
    }

    /// How many datapoints it keeps (M).
    pub(crate) fn len(&self) -> u32 {
        self.m
    }

    /// Adds a datapoint.
    #[inline]
    pub(crate) fn push(&mut self, breach: bool) {
        self.bits = ((self.bits << 1) | u32::from(breach)) & self.mask;
        self.last = breach;
    }

    /// At least N of the last M datapoints breached.
    #[inline]
    pub(crate) fn fires(&self) -> bool {
        self.bits.count_ones() >= self.n
    }

    /// Every datapoint held equals `breach` (and so does the newest): pushing `breach` again
    /// changes nothing.
    #[inline]
    pub(crate) fn steady_at(&self, breach: bool) -> bool {
        self.last == breach && self.bits == if breach { self.mask } else { 0 }
    }

    /// [`fires`](History::fires) for a history that is [`steady_at`](History::steady_at)
    /// `breach` (M breaching datapoints or none), without counting them.
    #[inline]
    pub(crate) fn fires_steady(&self, breach: bool) -> bool {
        (if breach { self.m } else { 0 }) >= self.n
    }

    fn shifted(&self, k: u32) -> u32 {
        if k >= 32 {
            return if self.last { self.mask } else { 0 };
        }
        let fill = if self.last { (1u32 << k) - 1 } else { 0 };
        ((self.bits << k) | fill) & self.mask
    }

    /// If the newest datapoint repeats, after how many more datapoints [`fires`](History::fires)
    /// first differs from now; `None` if it never does (after M repeats the history is uniform).
    pub(crate) fn flips_after(&self) -> Option<u32> {
        let now = self.fires();
        // Repeating a breach only adds breaches, repeating a non-breach only removes them.
        if now == self.last {
            return None;
        }
        // Each repeat shifts out the oldest datapoint (bit m − k) and adds `last`.
        let mut count = self.bits.count_ones();
        let add = u32::from(self.last);
        for k in 1..=self.m {
            count = count + add - ((self.bits >> (self.m - k)) & 1);
            if (count >= self.n) != now {
                return Some(k);
            }
        }
        None
    }

    /// Repeats the newest datapoint `k` times.
    pub(crate) fn repeat(&mut self, k: i64) {
        self.bits = self.shifted(k.clamp(0, 32) as u32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flips_and_repeats_agree_with_pushing() {
        for (n, m) in [(1, 1), (2, 3), (3, 3), (15, 15), (5, 32)] {
            for start in [0u32, 1, 2, 5, 0b1011, u32::MAX] {
                for last in [false, true] {
                    let mut h = History::new(n, m);
                    h.bits = start & h.mask;
                    h.push(last);
                    let flip = h.flips_after();
                    let mut p = h;
                    for k in 1..=40u32 {
                        p.push(last);
                        let mut r = h;
                        r.repeat(i64::from(k));
                        assert_eq!(r.bits, p.bits, "{n} of {m}, start {start:b}, repeat {k}");
                        if flip.is_none_or(|f| k < f) {
                            assert_eq!(p.fires(), h.fires(), "{n} of {m}, start {start:b}, k {k}");
                        } else if k == flip.unwrap_or(0) {
                            assert_ne!(p.fires(), h.fires(), "{n} of {m}, start {start:b}, k {k}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_steady_history_is_left_as_it_is_and_fires_as_counted() {
        for (n, m) in [(1, 1), (2, 3), (3, 3), (5, 32), (32, 32)] {
            for breach in [false, true] {
                let mut h = History::new(n, m);
                assert_eq!(h.steady_at(breach), !breach, "{n} of {m}: a new history holds no breach");
                for _ in 0..m {
                    h.push(breach);
                }
                assert!(h.steady_at(breach) && !h.steady_at(!breach), "{n} of {m}, {breach}");
                assert_eq!(h.fires_steady(breach), h.fires(), "{n} of {m}, {breach}");
                let before = h.bits;
                h.push(breach);
                assert_eq!(h.bits, before);
                h.push(!breach);
                assert!(!h.steady_at(breach), "{n} of {m}, {breach}: the newest differs");
                assert_eq!(h.steady_at(!breach), m == 1, "{n} of {m}, {breach}: older ones differ");
            }
        }
    }
}
