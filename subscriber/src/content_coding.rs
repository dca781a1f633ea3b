//! Compressed bodies (`Content-Encoding: gzip, deflate, br, zstd`) decoded for the record
//! only: the client is sent the bytes as they came, the capture gets the text they stand for.

use std::io::{self, Write};

/// What one compressed chunk may grow to at most (a decompression bomb is cut off here, and
/// the record says so).
const MAX_DECODED_PER_CHUNK: usize = 16 * 1024 * 1024;

/// Output of a decoder, bounded per chunk.
#[derive(Default)]
pub(crate) struct Bounded(Vec<u8>);

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
pub(crate) struct ContentDecoder {
    codec: Codec,
    pub(crate) name: &'static str,
}

/// RFC 1950: compression method 8, and the two header bytes a multiple of 31.
fn is_zlib_header(first: u8, second: u8) -> bool {
    first & 0x0f == 8 && (u16::from(first) << 8 | u16::from(second)) % 31 == 0
}

impl ContentDecoder {
    /// For a `Content-Encoding` value; `Err` names an encoding the record cannot read.
    pub(crate) fn for_encoding(encoding: &str) -> Result<Option<Self>, String> {
        let name = encoding.trim().to_ascii_lowercase();
        let (codec, name) = match name.as_str() {
            "" | "identity" => return Ok(None),
            "gzip" | "x-gzip" => (Codec::Gzip(flate2::write::GzDecoder::new(Bounded::default())), "gzip"),
            "deflate" => (Codec::Deflate { first: Vec::new() }, "deflate"),
            "br" => {
                let writer = brotli_decompressor::DecompressorWriter::new(Bounded::default(), 4096);
                (Codec::Brotli(Box::new(writer)), "br")
            }
            "zstd" => {
                let decoder =
                    zstd::stream::write::Decoder::new(Bounded::default()).map_err(|e| e.to_string())?;
                (Codec::Zstd(decoder), "zstd")
            }
            other => return Err(format!("the `{other}` content encoding is not decoded for the record")),
        };
        Ok(Some(Self { codec, name }))
    }

    /// The decoded bytes of one chunk.
    pub(crate) fn decode(&mut self, chunk: &[u8]) -> io::Result<Vec<u8>> {
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

    fn write(&mut self, chunk: &[u8]) -> io::Result<Vec<u8>> {
        fn run<W: Write>(
            writer: &mut W,
            chunk: &[u8],
            out: impl Fn(&mut W) -> &mut Bounded,
        ) -> io::Result<Vec<u8>> {
            writer.write_all(chunk)?;
            writer.flush()?;
            Ok(std::mem::take(&mut out(writer).0))
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
        assert!(ContentDecoder::for_encoding("compress").err().unwrap().contains("`compress`"));
    }

    #[test]
    fn a_bomb_is_cut_off_not_decoded_into_memory() {
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gzip.write_all(&vec![0u8; 64 << 20]).unwrap();
        let gzip = gzip.finish().unwrap();
        let mut decoder = ContentDecoder::for_encoding("gzip").unwrap().unwrap();
        let error = decoder.decode(&gzip).unwrap_err();
        assert!(error.to_string().contains("MiB"), "{error}");
    }
}
