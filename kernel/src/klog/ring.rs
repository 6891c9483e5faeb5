//! A fixed-size byte ring that keeps the newest log text, dropping whole old lines.

/// `N` bytes of the most recent log lines.
pub struct LogRing<const N: usize> {
    bytes: [u8; N],
    /// Index of the oldest byte.
    start: usize,
    /// Bytes stored.
    length: usize,
}

impl<const N: usize> LogRing<N> {
    /// An empty ring.
    pub const fn new() -> Self {
        Self {
            bytes: [0; N],
            start: 0,
            length: 0,
        }
    }

    /// Appends `line` (which should end in a newline), dropping the oldest lines to make room.
    /// A line longer than the ring keeps only its last `N` bytes.
    pub fn push(&mut self, line: &[u8]) {
        let line = &line[line.len().saturating_sub(N)..];
        while N - self.length < line.len() {
            self.drop_oldest_line();
        }
        for &byte in line {
            self.bytes[(self.start + self.length) % N] = byte;
            self.length += 1;
        }
    }

    fn drop_oldest_line(&mut self) {
        while self.length > 0 {
            let byte = self.bytes[self.start];
            self.start = (self.start + 1) % N;
            self.length -= 1;
            if byte == b'\n' {
                break;
            }
        }
    }

    /// Copies the stored text, oldest first, into `out` (as much as fits).
    pub fn copy_to(&self, out: &mut [u8]) -> usize {
        let count = self.length.min(out.len());
        for (index, slot) in out.iter_mut().take(count).enumerate() {
            *slot = self.bytes[(self.start + index) % N];
        }
        count
    }
}
