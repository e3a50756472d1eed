/// The binary files of the tool (training checkpoints, link models): little-endian fields
/// followed by a 64-bit FNV-1a checksum of every byte before it, written atomically.
struct ChecksummedFile {
  /// The fields so far.
  private(set) var bytes: [UInt8] = []

  /// Appends raw bytes.
  mutating func append(_ raw: UnsafeRawBufferPointer) { bytes.append(contentsOf: raw) }

  /// Appends an integer in little-endian order.
  mutating func append<T: FixedWidthInteger>(_ value: T) {
    withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
  }

  /// Writes the fields and their checksum to `path` atomically (temporary file, then rename).
  ///
  /// - Throws: `OutputError` when the file cannot be written.
  func write(to path: String) throws {
    var hasher = FNV1a()
    bytes.withUnsafeBytes { hasher.add($0) }
    try AtomicFileWriter.write(to: path) { output in
      try bytes.withUnsafeBytes { try output.write(bytes: $0) }
      try withUnsafeBytes(of: hasher.value.littleEndian) { try output.write(bytes: $0) }
    }
  }

  /// Whether the last 8 bytes of `file` are the checksum of the bytes before them.
  static func hasValidChecksum(_ file: [UInt8]) -> Bool {
    guard file.count >= 8 else { return false }
    let bodyCount = file.count - 8
    var hasher = FNV1a()
    file.withUnsafeBytes { hasher.add(UnsafeRawBufferPointer(rebasing: $0[0..<bodyCount])) }
    var stored: UInt64 = 0
    for index in 0..<8 { stored |= UInt64(file[bodyCount + index]) << (8 * index) }
    return stored == hasher.value
  }
}

/// 64-bit FNV-1a, for checksums and fingerprints (not for security).
struct FNV1a {
  private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

  mutating func add(_ bytes: UnsafeRawBufferPointer) {
    for byte in bytes { add(byte: byte) }
  }

  @inline(__always)
  mutating func add(byte: UInt8) {
    value = (value ^ UInt64(byte)) &* 0x100_0000_01b3
  }
}
