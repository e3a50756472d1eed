/// The bytes of a word2vec binary file, written out by hand for tests of broken files: the
/// header as given, then per row the key, a space and the values as little-endian float32.
public func word2vecBinary(_ header: String, _ rows: [(String, [Float])]) -> [UInt8] {
  var bytes = Array(header.utf8)
  for (key, values) in rows {
    bytes += Array(key.utf8) + [0x20]
    for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
  }
  return bytes
}
