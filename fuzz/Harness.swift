#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

@testable import PoincareEmbedding

// libFuzzer's entry points for one reader; each file in targets/ names the reader
// (`fuzzedReader`). Tooling, not product code: the underscored attribute that exports a C symbol
// is why this lives outside Sources/.

/// The repository's root, from this file's place in it (`fuzz/Harness.swift`, compiled by its
/// absolute path as `scripts/fuzz` does).
private let repository: String = {
  let path = #filePath
  guard path.hasPrefix("/"), path.hasSuffix("/fuzz/Harness.swift") else {
    fatalError("compile \(path) by its absolute path, as scripts/fuzz does")
  }
  return String(path.dropLast("/fuzz/Harness.swift".count))
}()

private let probe: ReaderProbe = {
  do {
    return try ReaderProbe(fuzzedReader, repository: repository, trainsRelations: true)
  } catch {
    fatalError("cannot set up the \(fuzzedReader.rawValue) probe: \(error)")
  }
}()

/// With `POINCARE_FUZZ_SEEDS=<folder>` set, writes the reader's seed inputs into the folder and
/// exits; otherwise readies the probe.
@_cdecl("LLVMFuzzerInitialize")
public func initialize(
  _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
) -> CInt {
  if let folder = getenv("POINCARE_FUZZ_SEEDS").map({ String(cString: $0) }) {
    do {
      let seeds = try ReaderProbe.seeds(for: fuzzedReader, repository: repository, scratch: folder)
      for (index, seed) in seeds.enumerated() {
        try AtomicFileWriter.write(to: "\(folder)/seed-\(index)") { output in
          try seed.withUnsafeBytes { try output.write(bytes: $0) }
        }
      }
      exit(0)
    } catch {
      fatalError("cannot write the seeds of \(fuzzedReader.rawValue): \(error)")
    }
  }
  _ = probe
  return 0
}

/// One input: the probe's promise holds, or the process aborts so libFuzzer saves the input.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = size > 0 ? Array(UnsafeBufferPointer(start: data, count: size)) : []
  if let violation = probe.violation(bytes) {
    var message = "\(fuzzedReader.rawValue): broken promise: \(violation)\n"
    message.withUTF8 { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
    abort()
  }
  return 0
}
