//! What the bench's measurements share: how many turns they take, and how figures print.

use std::time::Duration;

/// The floor and the engine take turns this many times a round, each with a share of the
/// work: the machine's noise (other processes on two cores) comes and goes within seconds,
/// and should fall on both alike.
pub(super) const SLICES: usize = 4;

/// Milliseconds under a second, seconds above.
pub(super) fn millis(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{:.1} ms", d.as_secs_f64() * 1000.0)
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

/// A whole number with thousands separated: 12,345.
pub(super) fn thousands(x: f64) -> String {
    let digits = format!("{:.0}", x.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The median, or None if any value is missing (a round that measured nothing).
pub(super) fn median(xs: Vec<Option<f64>>) -> Option<f64> {
    let mut xs: Vec<f64> = xs.into_iter().collect::<Option<_>>()?;
    xs.sort_by(f64::total_cmp);
    match xs.len() {
        0 => None,
        n if n % 2 == 1 => Some(xs[n / 2]),
        n => Some((xs[n / 2 - 1] + xs[n / 2]) / 2.0),
    }
}
