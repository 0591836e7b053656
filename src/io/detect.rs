//! Opening inputs: files, gzip and byte-order-mark sniffing, and the
//! errors of a failed read.

use std::fs::File;
use std::io::{self, BufRead, Read};
use std::path::Path;

use crate::Location;
use crate::error::{Error, Result};

/// Size of the read buffers.
pub(super) const BUFFER: usize = 1 << 16;
/// The first two bytes of every gzip member.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
/// A UTF-8 byte-order mark.
pub(super) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Checks that `path` is a regular file (through symlinks), so that
/// reading it cannot wait forever: a FIFO, a character device (`/dev/zero`,
/// a terminal) or a socket is refused as [`Error::Io`] naming the file, a
/// folder too. A path that does not exist passes, for the read to report
/// it.
///
/// # Errors
/// [`Error::Io`] (kind `InvalidInput`) for anything but a regular file.
///
/// # Example
/// ```
/// # #[cfg(unix)] {
/// let e = wom::io::check_regular_file("/dev/null".as_ref()).unwrap_err();
/// assert!(e.to_string().contains("not a regular file"), "{e}");
/// # }
/// ```
pub fn check_regular_file(path: &Path) -> Result<()> {
    let Ok(meta) = std::fs::metadata(path) else {
        return Ok(());
    };
    if meta.is_file() {
        return Ok(());
    }
    let what = if meta.is_dir() {
        "a folder"
    } else {
        "not a regular file (a FIFO, a device or a socket, which wom does not read: it could wait forever)"
    };
    Err(io_error(
        &path.display().to_string(),
        None,
        io::Error::new(io::ErrorKind::InvalidInput, what),
    ))
}

pub(super) fn open(path: &Path) -> Result<File> {
    check_regular_file(path)?;
    File::open(path).map_err(|e| {
        if e.kind() == io::ErrorKind::NotFound {
            Error::FileNotFound {
                path: path.to_path_buf(),
            }
        } else {
            io_error(&path.display().to_string(), None, e)
        }
    })
}

pub(super) fn io_error(name: &str, line: Option<u64>, source: io::Error) -> Error {
    Error::Io {
        file: name.to_string(),
        line,
        source,
    }
}

/// The error for a failed read after `complete` complete lines.
///
/// In compressed input, the decompressor reports truncated or corrupt data
/// as `UnexpectedEof`, `InvalidData` or `InvalidInput`.
pub(super) fn read_error(name: &str, gzip: bool, complete: u64, e: io::Error) -> Error {
    let corrupt = matches!(
        e.kind(),
        io::ErrorKind::UnexpectedEof | io::ErrorKind::InvalidData | io::ErrorKind::InvalidInput
    );
    if gzip && corrupt {
        Error::CorruptGzip {
            file: name.to_string(),
            line: complete,
            detail: e.to_string(),
        }
    } else {
        io_error(name, Some(complete.saturating_add(1)), e)
    }
}

/// The longest line a line-oriented reader accepts, in bytes (its line
/// break included): far above any edge-list or cascade record, and a bound
/// on the memory a file without line breaks can take.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// Calls `each` with the 1-based number and the bytes of every line of
/// `input` (the first without its byte-order mark, each with its line end),
/// until the input ends or `each` fails; returns the number of lines read.
/// A failed read is the error of [`read_error`] for the lines read so far;
/// a line longer than [`MAX_LINE_BYTES`] is a [`Error::MalformedLine`].
pub(super) fn for_each_line<B: io::BufRead>(
    mut input: B,
    name: &str,
    gzip: bool,
    mut each: impl FnMut(u64, &[u8]) -> Result<()>,
) -> Result<u64> {
    let mut buf: Vec<u8> = Vec::with_capacity(256);
    let mut line_no: u64 = 0;
    loop {
        buf.clear();
        // At most one byte past the limit is read, so that a file with no
        // line break (`/dev/zero`, a gzip of zeros) costs MAX_LINE_BYTES of
        // memory, not all of it.
        match (&mut input)
            .take(MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut buf)
        {
            Ok(0) => return Ok(line_no),
            Ok(_) => {}
            Err(e) => return Err(read_error(name, gzip, line_no, e)),
        }
        line_no += 1;
        if buf.len() > MAX_LINE_BYTES {
            return Err(Error::MalformedLine {
                location: Location::new(name, line_no),
                reason: format!(
                    "the line is longer than {MAX_LINE_BYTES} bytes (1 MiB), the most a line \
                     may hold: is this a text file of one record per line?"
                ),
            });
        }
        let mut line = buf.as_slice();
        if line_no == 1 {
            line = line.strip_prefix(BOM).unwrap_or(line);
        }
        each(line_no, line)?;
    }
}

/// The input with (some of) its first `N` bytes put back in front.
pub(super) type Sniffed<R, const N: usize = 2> = io::Chain<io::Take<io::Cursor<[u8; N]>>, R>;

/// Reads up to `N` bytes (fewer only at the end of the input); gives them
/// and how many were read.
fn read_head<R: Read, const N: usize>(reader: &mut R) -> io::Result<([u8; N], usize)> {
    let mut head = [0u8; N];
    let mut got = 0;
    while got < head.len() {
        let Some(rest) = head.get_mut(got..) else {
            break;
        };
        match reader.read(rest) {
            Ok(0) => break,
            Ok(k) => got += k.min(rest.len()),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok((head, got))
}

/// Reads up to two bytes to tell whether the input is gzip, and gives back
/// a reader of the whole input.
pub(super) fn sniff<R: Read>(mut reader: R) -> io::Result<(bool, Sniffed<R>)> {
    let (head, got) = read_head::<R, 2>(&mut reader)?;
    let gzip = got == 2 && head == GZIP_MAGIC;
    let prefix = io::Cursor::new(head).take(got as u64);
    Ok((gzip, prefix.chain(reader)))
}

/// Gives back a reader of the input less a UTF-8 byte-order mark at its
/// start (the input unchanged when there is none).
pub(super) fn skip_bom<R: Read>(mut reader: R) -> io::Result<Sniffed<R, 3>> {
    let (head, got) = read_head::<R, 3>(&mut reader)?;
    let keep = if head.get(..got) == Some(BOM) { 0 } else { got };
    let prefix = io::Cursor::new(head).take(keep as u64);
    Ok(prefix.chain(reader))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing_puts_the_bytes_back() {
        for data in [&b""[..], b"1", b"12", b"1 2\n", b"\x1f\x8b\x08"] {
            let (gzip, mut r) = sniff(data).unwrap();
            let mut back = Vec::new();
            r.read_to_end(&mut back).unwrap();
            assert_eq!(back, data);
            assert_eq!(gzip, data.starts_with(&GZIP_MAGIC));
        }
    }

    /// A reader that gives one byte per call.
    struct Trickle<'a>(&'a [u8]);
    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            match (self.0.split_first(), buf.first_mut()) {
                (Some((&b, rest)), Some(slot)) => {
                    *slot = b;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    #[test]
    fn sniffing_works_on_trickling_readers() {
        let (gzip, mut r) = sniff(Trickle(b"\x1f\x8b rest")).unwrap();
        assert!(gzip);
        let mut back = Vec::new();
        r.read_to_end(&mut back).unwrap();
        assert_eq!(back, b"\x1f\x8b rest");
    }

    #[test]
    fn a_byte_order_mark_is_skipped_only_whole_and_at_the_start() {
        let cases: [(&[u8], &[u8]); 6] = [
            (b"\xEF\xBB\xBFa,b", b"a,b"),
            (b"\xEF\xBB\xBF", b""),
            (b"\xEF\xBB", b"\xEF\xBB"),
            (b"\xEF\xBBx,y", b"\xEF\xBBx,y"),
            (b"a\xEF\xBB\xBF", b"a\xEF\xBB\xBF"),
            (b"", b""),
        ];
        for (data, want) in cases {
            for trickle in [false, true] {
                let mut back = Vec::new();
                if trickle {
                    skip_bom(Trickle(data)).unwrap().read_to_end(&mut back)
                } else {
                    skip_bom(data).unwrap().read_to_end(&mut back)
                }
                .unwrap();
                assert_eq!(back, want, "{data:?}");
            }
        }
    }
}
