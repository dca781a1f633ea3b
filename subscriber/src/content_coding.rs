//! Compressed bodies (`Content-Encoding: gzip, deflate, br, zstd`) decoded as they stream, a
//! chunk at a time: the subscriber reads the events of a compressed stream, and the tap records
//! them while it passes the bytes on as they came.

use std::io::{self, Write};

/// What one compressed chunk may grow to at most (a decompression bomb is cut off here, and
/// the record says so).
const MAX_DECODED_PER_CHUNK: usize = 16 * 1024 * 1024;

/// Output of a decoder, bounded per chunk.
#[derive(Default)]
struct Bounded(Vec<u8>);

impl Write for Bounded {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.0.len() + data.len() > MAX_DECODED_PER_CHUNK {
            return Err(io::Error::other(format!(
                "one chunk decoded to more than {} MiB",
                MAX_DECODED_PER_CHUNK >> 20
            )));
        }
        self.0.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

enum Codec {
    Gzip(flate2::write::GzDecoder<Bounded>),
    /// HTTP's `deflate` is zlib, but some servers send raw deflate: the first two bytes tell.
    Deflate {
        first: Vec<u8>,
    },
    Zlib(flate2::write::ZlibDecoder<Bounded>),
    RawDeflate(flate2::write::DeflateDecoder<Bounded>),
    Brotli(Box<brotli_decompressor::DecompressorWriter<Bounded>>),
    Zstd(zstd::stream::write::Decoder<'static, Bounded>),
}

/// A streaming decoder for one response body.
pub struct ContentDecoder {
    codec: Codec,
    /// The encoding's name: `gzip`, `deflate`, `br` or `zstd`.
    pub name: &'static str,
}

/// A `Content-Encoding` no decoder here reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the `{encoding}` content encoding is not supported (gzip, deflate, br and zstd are)")]
pub struct UnknownEncoding {
    pub encoding: String,
}

/// RFC 1950: compression method 8, and the two header bytes a multiple of 31.
fn is_zlib_header(first: u8, second: u8) -> bool {
    first & 0x0f == 8 && (u16::from(first) << 8 | u16::from(second)) % 31 == 0
}

impl ContentDecoder {
    /// For a `Content-Encoding` value (`None` for none or `identity`).
    pub fn for_encoding(encoding: &str) -> Result<Option<Self>, UnknownEncoding> {
        // A list names the codings in the order applied; `identity` among them changes nothing.
        let applied: Vec<String> = encoding
            .split(',')
            .map(|coding| coding.trim().to_ascii_lowercase())
            .filter(|coding| !coding.is_empty() && coding != "identity")
            .collect();
        let name = match applied.as_slice() {
            [] => return Ok(None),
            [one] => one.clone(),
            _ => return Err(UnknownEncoding { encoding: applied.join(", ") }),
        };
        let (codec, name) = match name.as_str() {
            "" | "identity" => return Ok(None),
            "gzip" | "x-gzip" => (Codec::Gzip(flate2::write::GzDecoder::new(Bounded::default())), "gzip"),
            "deflate" => (Codec::Deflate { first: Vec::new() }, "deflate"),
            "br" => {
                let writer = brotli_decompressor::DecompressorWriter::new(Bounded::default(), 4096);
                (Codec::Brotli(Box::new(writer)), "br")
            }
            "zstd" => {
                let decoder = zstd::stream::write::Decoder::new(Bounded::default())
                    .map_err(|_| UnknownEncoding { encoding: name.clone() })?;
                (Codec::Zstd(decoder), "zstd")
            }
            _ => return Err(UnknownEncoding { encoding: name }),
        };
        Ok(Some(Self { codec, name }))
    }

    /// The decoded bytes of one chunk: all that it completes, since each chunk is flushed
    /// through (an event flushed by the server comes out with the chunk that carried it).
    pub fn decode(&mut self, chunk: &[u8]) -> Result<Vec<u8>, DecodeFailure> {
        if let Codec::Deflate { first } = &mut self.codec {
            first.extend_from_slice(chunk);
            let &[a, b, ..] = first.as_slice() else { return Ok(Vec::new()) };
            let first = std::mem::take(first);
            self.codec = if is_zlib_header(a, b) {
                Codec::Zlib(flate2::write::ZlibDecoder::new(Bounded::default()))
            } else {
                Codec::RawDeflate(flate2::write::DeflateDecoder::new(Bounded::default()))
            };
            return self.write(&first);
        }
        self.write(chunk)
    }

    fn write(&mut self, chunk: &[u8]) -> Result<Vec<u8>, DecodeFailure> {
        fn run<W: Write>(
            writer: &mut W,
            chunk: &[u8],
            out: impl Fn(&mut W) -> &mut Bounded,
        ) -> Result<Vec<u8>, DecodeFailure> {
            let written = writer.write_all(chunk).and_then(|()| writer.flush());
            let decoded = std::mem::take(&mut out(writer).0);
            match written {
                Ok(()) => Ok(decoded),
                Err(source) => Err(DecodeFailure { decoded, source }),
            }
        }
        match &mut self.codec {
            Codec::Deflate { .. } => Ok(Vec::new()),
            Codec::Gzip(w) => run(w, chunk, |w| w.get_mut()),
            Codec::Zlib(w) => run(w, chunk, |w| w.get_mut()),
            Codec::RawDeflate(w) => run(w, chunk, |w| w.get_mut()),
            Codec::Brotli(w) => run(w.as_mut(), chunk, |w| w.get_mut()),
            Codec::Zstd(w) => run(w, chunk, |w| w.get_mut()),
        }
    }
}

/// A chunk that did not decode: the bytes it gave before the fault, and the fault.
#[derive(Debug)]
pub struct DecodeFailure {
    pub decoded: Vec<u8>,
    pub source: io::Error,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_in_pieces(encoding: &str, compressed: &[u8], piece: usize) -> Vec<u8> {
        let mut decoder = ContentDecoder::for_encoding(encoding).unwrap().unwrap();
        compressed.chunks(piece).flat_map(|c| decoder.decode(c).unwrap()).collect()
    }

    fn hex(text: &str) -> Vec<u8> {
        (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap()).collect()
    }

    const TEXT: &[u8] = b"data: one\n\ndata: two\n\nevent: done\ndata: [DONE]\n\n";

    #[test]
    fn every_encoding_decodes_across_any_chunking() {
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gzip.write_all(TEXT).unwrap();
        let gzip = gzip.finish().unwrap();
        let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        zlib.write_all(TEXT).unwrap();
        let zlib = zlib.finish().unwrap();
        let mut raw = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        raw.write_all(TEXT).unwrap();
        let raw = raw.finish().unwrap();
        let zstd = zstd::stream::encode_all(TEXT, 3).unwrap();
        // `zlib.brotliCompressSync(TEXT)` in Node 20 (no brotli encoder among our crates).
        let brotli = hex("8b1780646174613a206f6e650a0a646174613a2074776f0a0a6576656e743a20646f6e650a646174613a205b444f4e455d0a0a03");
        for (encoding, compressed) in
            [("gzip", &gzip), ("deflate", &zlib), ("deflate", &raw), ("zstd", &zstd), ("br", &brotli)]
        {
            for piece in [1, 3, 7, compressed.len()] {
                assert_eq!(decode_in_pieces(encoding, compressed, piece), TEXT, "{encoding} in {piece}s");
            }
        }
    }

    #[test]
    fn identity_is_no_decoder_and_an_unknown_encoding_is_named() {
        assert!(ContentDecoder::for_encoding("identity").unwrap().is_none());
        assert!(ContentDecoder::for_encoding(" ").unwrap().is_none());
        assert_eq!(ContentDecoder::for_encoding("identity, GZIP").unwrap().map(|d| d.name), Some("gzip"));
        assert_eq!(ContentDecoder::for_encoding("gzip, br").err().unwrap().encoding, "gzip, br");
        assert_eq!(
            ContentDecoder::for_encoding("compress").err().unwrap().to_string(),
            "the `compress` content encoding is not supported (gzip, deflate, br and zstd are)"
        );
    }

    #[test]
    fn a_bomb_is_cut_off_not_decoded_into_memory() {
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gzip.write_all(&vec![0u8; 64 << 20]).unwrap();
        let gzip = gzip.finish().unwrap();
        let mut decoder = ContentDecoder::for_encoding("gzip").unwrap().unwrap();
        let failure = decoder.decode(&gzip).unwrap_err();
        assert!(failure.source.to_string().contains("MiB"), "{}", failure.source);
        assert!(failure.decoded.len() <= MAX_DECODED_PER_CHUNK);
    }
}
