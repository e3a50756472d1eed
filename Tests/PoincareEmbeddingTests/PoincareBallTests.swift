import TestSupport
import Testing

@testable import PoincareEmbedding

@Suite struct PoincareBallTests {
  @Test func distanceFromOriginIsTwiceArtanhOfNorm() {
    // d(0, x) = 2·artanh(‖x‖) = log((1 + r)/(1 − r)); exact to a few ULPs.
    for r in [1e-9, 1e-3, 0.3, 0.9, 0.99999] {
      let d = PoincareBall.distance([0, 0, 0], [r * 0.6, 0, r * 0.8])
      let expected = 2 * atanh(r)
      #expect(isClose(d, expected, relative: 1e-12), "r = \(r)")
    }
  }

  @Test func distanceIsZeroOnTheDiagonalAndSymmetric() {
    let u = [0.1, -0.4, 0.3]
    let v = [-0.2, 0.5, 0.05]
    #expect(PoincareBall.distance(u, u) == 0)
    #expect(PoincareBall.distance(u, v) == PoincareBall.distance(v, u))
  }

  @Test func nearlyEqualPointsKeepTheirDigits() {
    // For u = 0 and v = (h, 0): d = 2·artanh(h) ≈ 2h; acosh(1 + t) would be off by 5e-5 here.
    let h = 5e-13
    let d = PoincareBall.distance([0, 0], [h, 0])
    #expect(isClose(d, 2 * h, relative: 1e-12))
  }

  @Test func pointsAtTheBoundaryGiveFiniteDistances() {
    let nearBoundary = [1 - 1e-15, 0]
    let d = PoincareBall.distance(nearBoundary, [0, 0.5])
    #expect(d.isFinite && d > 30)
    let onBoundary = PoincareBall.distance([1, 0], [0, 1])
    #expect(onBoundary.isFinite)
  }

  @Test func projectionMatchesGensimClipVectors() {
    // GENSIM-REFERENCE §5.6, verified with gensim: [3, −4] becomes [0.599984, −0.799982].
    var row = [3.0, -4.0]
    _ = row.withUnsafeMutableBufferPointer {
      PoincareBall.project($0.baseAddress!, dimension: 2, epsilon: 1e-5)
    }
    #expect(isClose(row[0], 0.599984, relative: 1e-12))
    #expect(isClose(row[1], -0.799982, relative: 1e-12))
    var inside = [0.3, 0.4]
    let changed = inside.withUnsafeMutableBufferPointer {
      PoincareBall.project($0.baseAddress!, dimension: 2, epsilon: 1e-5)
    }
    #expect(!changed && inside == [0.3, 0.4])
  }
}

#if canImport(Glibc)
  import Glibc
#endif
