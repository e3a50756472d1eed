/// Average precision and means computed with numpy's exact summation order, so that scores match
/// gensim's `ReconstructionEvaluation` to the last bit.
enum AveragePrecision {
  /// The average precision of positives whose ranks (among the positives and the filtered
  /// negatives) are `sortedRanks`, ascending:
  /// ```
  /// AP = (1/m) Σᵢ i / (rᵢ + i − 1),   i = 1…m
  /// ```
  /// rᵢ + i − 1 is the list position of the i-th positive (ties resolved in its favour). Matches
  /// gensim's `get_positive_relation_ranks_and_avg_prec`: `(arange(1, m+1) / (sort(ranks) +
  /// arange(m))).mean()`.
  static func of(sortedRanks: UnsafeBufferPointer<Int>, scratch: inout [Double]) -> Double {
    scratch.removeAll(keepingCapacity: true)
    for (offset, rank) in sortedRanks.enumerated() {
      scratch.append(Double(offset + 1) / Double(rank + offset))
    }
    return mean(scratch)
  }

  /// numpy's `np.mean` of float64 values: pairwise sum divided by the count (NaN when empty).
  static func mean(_ values: [Double]) -> Double {
    values.withUnsafeBufferPointer { pairwiseSum($0) } / Double(values.count)
  }

  /// numpy's `pairwise_sum` for contiguous float64 (`DOUBLE_pairwise_sum` in
  /// `loops_utils.h.src`): under 8 values a plain loop; up to 128, eight interleaved partial sums
  /// combined as ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)) plus the tail; beyond, split in two halves
  /// (the first a multiple of 8 long) and recurse.
  static func pairwiseSum(_ values: UnsafeBufferPointer<Double>) -> Double {
    let count = values.count
    if count < 8 {
      var sum = 0.0
      for value in values { sum += value }
      return sum
    }
    if count <= 128 {
      var r = (
        values[0], values[1], values[2], values[3], values[4], values[5], values[6], values[7]
      )
      var index = 8
      while index < count - count % 8 {
        r.0 += values[index]
        r.1 += values[index + 1]
        r.2 += values[index + 2]
        r.3 += values[index + 3]
        r.4 += values[index + 4]
        r.5 += values[index + 5]
        r.6 += values[index + 6]
        r.7 += values[index + 7]
        index += 8
      }
      var sum = ((r.0 + r.1) + (r.2 + r.3)) + ((r.4 + r.5) + (r.6 + r.7))
      while index < count {
        sum += values[index]
        index += 1
      }
      return sum
    }
    var half = count / 2
    half -= half % 8
    return pairwiseSum(UnsafeBufferPointer(rebasing: values[0..<half]))
      + pairwiseSum(UnsafeBufferPointer(rebasing: values[half...]))
  }
}
