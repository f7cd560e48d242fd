//! Long text replies cut into Discord-sized chunks between lines, with code fences closed
//! and reopened across a cut.

use super::chars;

/// A long text reply as chunks of at most `max_chars` chars (at least 1), split between lines.
///
/// A line longer than a chunk is split on char boundaries. A chunk that ends inside a ```
/// code block closes it and the next chunk reopens it with the same fence (language kept),
/// room permitting. Blank chunks are never returned; empty text gives none.
pub fn text_chunks(text: &str, max_chars: usize) -> Vec<String> {
    let mut chunker = Chunker::new(max_chars.max(1));
    for line in text.lines() {
        chunker.line(line);
    }
    chunker.finish()
}

/// Builds [`text_chunks`]. Invariant: while `open`, the chunk leaves room for [`FENCE_CLOSE`].
struct Chunker {
    max: usize,
    chunks: Vec<String>,
    chunk: String,
    len: usize,
    /// The chunk has an unclosed code fence.
    open: bool,
    /// The line that opened the current code block, reused to reopen it.
    opener: String,
}

const FENCE_CLOSE: &str = "\n```";

impl Chunker {
    fn new(max: usize) -> Self {
        Chunker {
            max,
            chunks: Vec::new(),
            chunk: String::new(),
            len: 0,
            open: false,
            opener: String::new(),
        }
    }

    fn line(&mut self, line: &str) {
        // Blank lines at the start of a chunk would only pad it.
        if self.len == 0 && line.trim().is_empty() {
            return;
        }
        let is_fence = line.trim_start().starts_with("```");
        if self.fits(line, is_fence) {
            self.push(line, is_fence);
            return;
        }
        if self.len > 0 {
            self.flush();
            if self.fits(line, is_fence) {
                self.push(line, is_fence);
                return;
            }
        }
        // Longer than a chunk: cut it char-safely. A fence line this long cannot be a real
        // fence, so it does not open or close a block.
        let mut rest: Vec<char> = line.chars().collect();
        while !rest.is_empty() {
            let reserve = if self.open { chars(FENCE_CLOSE) } else { 0 };
            let sep = usize::from(self.len > 0);
            let room = self.max.saturating_sub(self.len + sep + reserve);
            if room == 0 {
                self.flush();
                continue;
            }
            let take = room.min(rest.len());
            let piece: String = rest.drain(..take).collect();
            self.push(&piece, false);
        }
    }

    /// Whether `line` fits in the chunk, keeping room to close a block it leaves open.
    fn fits(&self, line: &str, is_fence: bool) -> bool {
        let open_after = self.open != is_fence;
        let reserve = if open_after { chars(FENCE_CLOSE) } else { 0 };
        let sep = usize::from(self.len > 0);
        self.len + sep + chars(line) + reserve <= self.max
    }

    fn push(&mut self, line: &str, is_fence: bool) {
        if self.len > 0 {
            self.chunk.push('\n');
            self.len += 1;
        }
        self.chunk.push_str(line);
        self.len += chars(line);
        if is_fence {
            if !self.open {
                self.opener = line.trim().to_string();
            }
            self.open = !self.open;
        }
    }

    /// Ends the chunk (closing an open block) and starts the next (reopening it if a line
    /// of content still fits after the fence).
    fn flush(&mut self) {
        let was_open = self.open;
        if was_open {
            self.chunk.push_str(FENCE_CLOSE);
        }
        let chunk = std::mem::take(&mut self.chunk);
        if !is_blank_chunk(&chunk) {
            self.chunks.push(chunk);
        }
        self.len = 0;
        self.open = false;
        if was_open && chars(&self.opener) + 2 + chars(FENCE_CLOSE) <= self.max {
            let opener = self.opener.clone();
            self.push(&opener, true);
        }
    }

    /// The last chunk as written: a block the text itself leaves open stays open.
    fn finish(mut self) -> Vec<String> {
        let chunk = std::mem::take(&mut self.chunk);
        if !is_blank_chunk(&chunk) {
            self.chunks.push(chunk);
        }
        self.chunks
    }
}

/// Nothing but whitespace and fences: an empty message, or an empty code box.
fn is_blank_chunk(chunk: &str) -> bool {
    chunk.lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with("```")
    })
}
