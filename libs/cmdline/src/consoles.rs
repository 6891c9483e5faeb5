//! The consoles named by `console=` words, in command-line order.
//!
//! Linux registers each one (`console_setup` in `kernel/printk/printk.c`) and makes the last the
//! preferred console, the one behind `/dev/console`. The value is returned as written, options
//! included (`ttyS0,115200n8`); an empty value is Linux's way of asking for no console (`ttynull`).

use crate::disposition::{ClassifiedWords, Disposition, classified_words};

/// Iterator over the values of the `console=` words before `--`.
#[derive(Clone, Debug)]
pub struct Consoles<'a> {
    words: ClassifiedWords<'a>,
}

impl<'a> Consoles<'a> {
    pub(crate) fn new(kernel_section: &'a str) -> Self {
        Self {
            words: classified_words(kernel_section),
        }
    }
}

impl<'a> Iterator for Consoles<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        self.words.find_map(|disposition| match disposition {
            Disposition::Console(console) => Some(console),
            _ => None,
        })
    }
}
