#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// How an evaluation runs; the results never depend on `threadCount`.
public struct EvaluationOptions: Sendable, Equatable {
  /// Worker threads over the query nodes (default: all online cores).
  public var threadCount: Int
  /// gensim's `evaluate(max_n=)`: stop after the first item past `maxN` in index order (see
  /// `RankingQueries`); nil evaluates every node, which is the point of this implementation.
  public var maxN: Int?
  /// Drop relations with a node that has no vector, and count them, instead of failing.
  public var skipMissing: Bool

  public init(
    threadCount: Int = EvaluationOptions.defaultThreadCount, maxN: Int? = nil,
    skipMissing: Bool = false
  ) {
    self.threadCount = threadCount
    self.maxN = maxN
    self.skipMissing = skipMissing
  }

  /// The number of online cores.
  public static var defaultThreadCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

  /// - Throws: `ConfigurationError` for a thread count below 1 or a negative `maxN`.
  public func validate() throws(ConfigurationError) {
    if threadCount < 1 {
      throw ConfigurationError("--threads must be at least 1 (got \(threadCount))")
    }
    if let maxN, maxN < 0 {
      throw ConfigurationError("--max-n must be at least 0 (got \(maxN))")
    }
  }
}
