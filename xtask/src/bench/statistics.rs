//! Summaries of repeated measurements: median, minimum, maximum, and the Loam/Linux ratio.
//!
//! The median is the figure that counts: one slow round (the host was busy, a cold page cache)
//! moves the mean but not the median. Minimum and maximum show the spread.

use serde::Serialize;

/// The median, minimum and maximum of some samples, in the samples' unit.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    pub median: f64,
    pub minimum: f64,
    pub maximum: f64,
    pub samples: Vec<f64>,
}

impl Summary {
    /// Summarises the samples; `None` when there are none or one is not a number.
    pub fn of(samples: &[f64]) -> Option<Summary> {
        if samples.iter().any(|sample| sample.is_nan()) {
            return None;
        }
        let mut sorted = samples.to_vec();
        sorted.sort_by(f64::total_cmp);
        let minimum = *sorted.first()?;
        let maximum = *sorted.last()?;
        let middle = sorted.len() / 2;
        let median = if sorted.len() % 2 == 1 {
            *sorted.get(middle)?
        } else {
            // An even count has two middle samples: their mean, as usual.
            (*sorted.get(middle.checked_sub(1)?)? + *sorted.get(middle)?) / 2.0
        };
        Some(Summary {
            median,
            minimum,
            maximum,
            samples: samples.to_vec(),
        })
    }
}

/// Loam's median over Linux's, for figures where lower is better (times, memory): below 1.0
/// means Loam is better. `None` when Linux's median is zero (no meaningful ratio).
pub fn lower_is_better_ratio(loam: &Summary, linux: &Summary) -> Option<f64> {
    (linux.median > 0.0).then(|| loam.median / linux.median)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_counts_take_the_middle_sample() {
        let summary = Summary::of(&[30.0, 10.0, 20.0, 50.0, 40.0]).expect("samples");
        assert_eq!(summary.median, 30.0);
        assert_eq!(summary.minimum, 10.0);
        assert_eq!(summary.maximum, 50.0);
        assert_eq!(summary.samples, [30.0, 10.0, 20.0, 50.0, 40.0]);
    }

    #[test]
    fn even_counts_average_the_two_middle_samples() {
        let summary = Summary::of(&[4.0, 1.0, 3.0, 2.0]).expect("samples");
        assert_eq!(summary.median, 2.5);
        assert_eq!((summary.minimum, summary.maximum), (1.0, 4.0));
    }

    #[test]
    fn one_sample_is_its_own_median_minimum_and_maximum() {
        let summary = Summary::of(&[7.5]).expect("a sample");
        assert_eq!(
            (summary.median, summary.minimum, summary.maximum),
            (7.5, 7.5, 7.5)
        );
    }

    #[test]
    fn no_samples_or_nan_give_no_summary() {
        assert_eq!(Summary::of(&[]), None);
        assert_eq!(Summary::of(&[1.0, f64::NAN]), None);
    }

    #[test]
    fn an_outlier_moves_the_maximum_but_not_the_median() {
        let summary = Summary::of(&[100.0, 101.0, 99.0, 100.0, 900.0]).expect("samples");
        assert_eq!(summary.median, 100.0);
        assert_eq!(summary.maximum, 900.0);
    }

    #[test]
    fn ratio_is_loam_median_over_linux_median() {
        let loam = Summary::of(&[50.0, 60.0, 40.0]).expect("samples");
        let linux = Summary::of(&[200.0]).expect("a sample");
        assert_eq!(lower_is_better_ratio(&loam, &linux), Some(0.25));
        assert_eq!(lower_is_better_ratio(&linux, &loam), Some(4.0));
        let zero = Summary::of(&[0.0]).expect("a sample");
        assert_eq!(lower_is_better_ratio(&loam, &zero), None);
    }
}
