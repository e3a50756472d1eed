import Foundation
import TestSupport
import Testing

@testable import PoincareEmbedding

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// The elements of an XML document, in order, with their attributes and text.
final class XMLElements: NSObject, XMLParserDelegate {
  struct Element {
    var name: String
    var attributes: [String: String]
    var text = ""
  }
  var elements: [Element] = []
  private var open: [Int] = []

  /// Parses `text`; nil when it is not well-formed XML.
  static func parse(_ text: String) -> [Element]? {
    let collector = XMLElements()
    let parser = XMLParser(data: Data(text.utf8))
    parser.delegate = collector
    return parser.parse() ? collector.elements : nil
  }

  func parser(
    _ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
    qualifiedName: String?, attributes: [String: String] = [:]
  ) {
    open.append(elements.count)
    elements.append(Element(name: name, attributes: attributes))
  }

  func parser(
    _ parser: XMLParser, didEndElement name: String, namespaceURI: String?,
    qualifiedName: String?
  ) {
    open.removeLast()
  }

  func parser(_ parser: XMLParser, foundCharacters string: String) {
    if let last = open.last { elements[last].text += string }
  }
}

/// A deterministic generator for test points (SplitMix64).
struct TestRandom {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  /// Uniform in [-1, 1).
  mutating func signedUnit() -> Double { Double(next() >> 11) * 0x1p-52 - 1 }
  /// A point of the open disk with norm below `maximum`.
  mutating func pointInDisk(maximum: Double = 0.999) -> SIMD2<Double> {
    while true {
      let point = SIMD2(signedUnit(), signedUnit())
      if (point * point).sum() < maximum * maximum { return point }
    }
  }
}

@Suite struct DiskGeodesicTests {
  @Test func arcsAreOrthogonalToTheUnitCircleAndPassThroughBothPoints() {
    var random = TestRandom(state: 7)
    var arcs = 0
    for _ in 0..<2000 {
      let p = random.pointInDisk()
      let q = random.pointInDisk()
      guard case .arc(let c, let r, let isCounterclockwise) = DiskGeodesic.between(p, q) else {
        continue
      }
      arcs += 1
      // |c|² = r² + 1, relative to the size of the terms.
      #expect(isClose((c * c).sum(), r * r + 1, relative: 1e-10))
      #expect(isClose(((p - c) * (p - c)).sum().squareRoot(), r, relative: 1e-9))
      #expect(isClose(((q - c) * (q - c)).sum().squareRoot(), r, relative: 1e-9))
      // The arc's midpoint, reached from p in the stated direction, lies inside the disk.
      let start = atan2(p.y - c.y, p.x - c.x)
      var sweep = atan2(q.y - c.y, q.x - c.x) - start
      if isCounterclockwise && sweep < 0 { sweep += 2 * .pi }
      if !isCounterclockwise && sweep > 0 { sweep -= 2 * .pi }
      #expect(abs(sweep) < .pi)
      let middle = c + r * SIMD2(cos(start + sweep / 2), sin(start + sweep / 2))
      #expect((middle * middle).sum() < 1)
    }
    #expect(arcs > 1900)
  }

  @Test func collinearWithTheOriginIsASegment() {
    #expect(DiskGeodesic.between(SIMD2(0.3, 0.4), SIMD2(-0.6, -0.8)) == .segment)
    #expect(DiskGeodesic.between(SIMD2(0, 0), SIMD2(0.5, 0.1)) == .segment)
    #expect(DiskGeodesic.between(SIMD2(0.5, 0.1), SIMD2(0.5, 0.1)) == .segment)
  }

  @Test func nearDegenerateCasesGiveFiniteShapes() {
    let cases: [(SIMD2<Double>, SIMD2<Double>)] = [
      (SIMD2(0.3, 0.4), SIMD2(0.6, 0.8 + 1e-15)),  // almost through the origin
      (SIMD2(0.5, 0.5), SIMD2(0.5 + 1e-13, 0.5)),  // almost the same point
      (SIMD2(1 - 1e-16, 0), SIMD2(0, 1 - 1e-16)),  // on the boundary after rounding
      (SIMD2(1e-300, 0), SIMD2(0, 1e-300)),  // tiny determinant
      (SIMD2(0.9999999, 0), SIMD2(0.9999999, 1e-7)),  // close together near the boundary
    ]
    for (p, q) in cases {
      switch DiskGeodesic.between(p, q) {
      case .segment: break
      case .arc(let c, let r, _):
        #expect(c.x.isFinite && c.y.isFinite && r.isFinite && r > 0, "\(p) \(q)")
      }
    }
    #expect(DiskGeodesic.between(SIMD2(0.3, 0.4), SIMD2(0.6, 0.8 + 1e-15)) == .segment)
    #expect(DiskGeodesic.between(SIMD2(1e-300, 0), SIMD2(0, 1e-300)) == .segment)
  }
}

@Suite struct DiskProjectionTests {
  func vectors(_ values: [Double], dimension: Int) -> KeyedVectors {
    let count = values.count / dimension
    return KeyedVectors(
      vocabulary: Vocabulary(names: (0..<count).map { "n\($0)" }), dimension: dimension,
      values: values)
  }

  @Test func dimensionsOneAndTwoAreDrawnAsTheyAre() {
    #expect(
      DiskProjection.points(of: vectors([0.1, -0.2, 0.3, 0.4], dimension: 2))
        == [SIMD2(0.1, -0.2), SIMD2(0.3, 0.4)])
    #expect(
      DiskProjection.points(of: vectors([0.5, -0.25], dimension: 1))
        == [SIMD2(0.5, 0), SIMD2(-0.25, 0)])
  }

  @Test func pointsInAPlaneThroughTheOriginKeepTheirDistances() {
    // Rows spanning a 2-d subspace of R⁵ lie on a totally geodesic disk; the projection is then
    // an isometry (a rotation), so norms and Poincaré distances survive it.
    var random = TestRandom(state: 11)
    let u: [Double] = [0.6, 0, 0.8, 0, 0]
    let w: [Double] = [0, 0.28, 0, 0.96, 0]
    var values: [Double] = []
    var planar: [SIMD2<Double>] = []
    for _ in 0..<40 {
      let point = random.pointInDisk(maximum: 0.99)
      planar.append(point)
      values += (0..<5).map { point.x * u[$0] + point.y * w[$0] }
    }
    let projected = DiskProjection.points(of: vectors(values, dimension: 5))
    for i in 0..<40 {
      #expect(
        isClose(
          (projected[i] * projected[i]).sum(), (planar[i] * planar[i]).sum(),
          relative: 1e-9))
      for j in stride(from: i + 1, to: 40, by: 7) {
        let before = PoincareBall.distance([planar[i].x, planar[i].y], [planar[j].x, planar[j].y])
        let after = PoincareBall.distance(
          [projected[i].x, projected[i].y], [projected[j].x, projected[j].y])
        #expect(isClose(before, after, relative: 1e-8))
      }
    }
  }

  @Test func projectionNeverMovesAPointOutwardsAndIsDeterministic() throws {
    let fixture = try Word2VecFormat.read(try fixturePath("poincare_vectors.bin"))
    let points = DiskProjection.points(of: fixture)
    let norms = fixture.norms()
    #expect(points.count == fixture.count)
    for (point, norm) in zip(points, norms) {
      let length = (point * point).sum().squareRoot()
      #expect(length <= norm * (1 + 1e-12))
    }
    #expect(DiskProjection.points(of: fixture) == points)
  }

  @Test func principalDirectionsOfAKnownMomentMatrix() {
    // Rows along the axes with second moments 1, 9, 4: directions e₂ then e₃.
    let rows: [Double] = [1, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, -0.0]
    let (first, second) = DiskProjection.principalDirections(of: rows, dimension: 3)
    #expect(first.map { abs($0) } == [0, 1, 0])
    #expect(second.map { abs($0) } == [0, 0, 1])
    // Rank one: the second direction is completed with an axis orthogonal to the first.
    let line = DiskProjection.principalDirections(of: [0.6, 0.8, 0, 0.3, 0.4, 0], dimension: 3)
    #expect(zip(line.first, [0.6, 0.8, 0]).allSatisfy { isClose($0, $1, relative: 1e-12) })
    let dot = zip(line.first, line.second).reduce(0) { $0 + $1.0 * $1.1 }
    #expect(abs(dot) < 1e-12)
    #expect(isClose(line.second.reduce(0) { $0 + $1 * $1 }, 1, relative: 1e-12))
  }
}

@Suite struct DiskPlotTests {
  let folder = TemporaryFolder()

  /// A 2-d toy tree with a name that needs escaping.
  func toy() -> KeyedVectors {
    KeyedVectors(
      vocabulary: Vocabulary(names: ["root", "a<&>\"'", "b", "a1", "b1"]), dimension: 2,
      values: [0.01, 0.02, 0.3, 0.1, -0.4, 0.3, 0.85, 0.3, -0.7, 0.6])
  }

  @Test func svgParsesWithTheExpectedElements() throws {
    let plot = DiskPlot(
      edges: [(1, 0), (2, 0), (3, 1), (4, 2), (4, 2), (2, 4), (0, 0)], labelCount: 2, size: 400)
    let svg = plot.svg(for: toy())
    let elements = try #require(XMLElements.parse(svg))
    #expect(elements.first?.name == "svg")
    #expect(elements.first?.attributes["viewBox"] == "0 0 400 400")
    let circles = elements.filter { $0.name == "circle" }
    #expect(circles.count == 1 + 5)  // the boundary and one dot per node
    // Duplicates, reversed duplicates and self-loops are drawn once or not at all.
    #expect(elements.filter { $0.name == "path" }.count == 4)
    let texts = elements.filter { $0.name == "text" }
    #expect(texts.map(\.text) == ["root", "a<&>\"'"])
    let titles = elements.filter { $0.name == "title" }.map(\.text)
    #expect(titles.count == 6 && titles.contains("a<&>\"'"))
    // Every dot is inside the disk: centre (200, 200), radius 190.
    let boundary = try #require(circles.first { $0.attributes["class"] == "boundary" })
    #expect(boundary.attributes["r"] == "190")
    for dot in circles where dot.attributes["class"] == nil {
      let x = try #require(Double(dot.attributes["cx"] ?? "")) - 200
      let y = try #require(Double(dot.attributes["cy"] ?? "")) - 200
      #expect((x * x + y * y).squareRoot() <= 190)
    }
  }

  /// For an SVG arc `x1 y1 r x2 y2` (SVG 1.1 F.6.5 with equal radii, no rotation, large-arc
  /// flag 0), the cosine of the angle at which its circle meets the disk's boundary, centred at
  /// (`center`, `center`) with `radius`: 0 when they are orthogonal.
  func boundaryCosine(_ numbers: [Double], sweep: Bool, center: Double, radius: Double) -> Double {
    let (x1, y1, r, x2, y2) = (numbers[0], numbers[1], numbers[2], numbers[3], numbers[4])
    let half = SIMD2((x1 - x2) / 2, (y1 - y2) / 2)
    let squaredHalf = (half * half).sum()
    let coefficient = (max(0, r * r - squaredHalf) / squaredHalf).squareRoot()
    let sign: Double = sweep ? 1 : -1  // + when the large-arc flag (0) differs from sweep
    let c =
      SIMD2(sign * coefficient * half.y, -sign * coefficient * half.x)
      + SIMD2((x1 + x2) / 2, (y1 + y2) / 2) - SIMD2(center, center)
    return ((c * c).sum() - r * r - radius * radius) / (2 * r * radius)
  }

  @Test func drawnArcsAreOrthogonalToTheBoundary() throws {
    let fixture = try Word2VecFormat.read(try fixturePath("poincare_vectors.bin"))
    // Every node joined to its closest parent: a thousand geodesics in all directions.
    let edges = (0..<fixture.count).compactMap { row in
      fixture.closestParent(of: row).map { (child: row, parent: $0.index) }
    }
    let svg = DiskPlot(edges: edges).svg(for: fixture)
    let elements = try #require(XMLElements.parse(svg))
    let paths = elements.filter { $0.name == "path" }.compactMap { $0.attributes["d"] }
    let arcs = paths.filter { $0.contains(" A ") }
    #expect(arcs.count > 500)
    for arc in arcs {
      let fields = arc.split(separator: " ")
      try #require(fields.count == 11 && fields[3] == "A" && fields[7] == "0")
      let numbers = try [1, 2, 4, 9, 10].map { try #require(Double(fields[$0])) }
      let sweep = fields[8] == "1"
      let cosine = boundaryCosine(numbers, sweep: sweep, center: 400, radius: 380)
      // The numbers are rounded to ±0.005 px. Tolerance: that rounding propagated to first
      // order (finite differences per number), doubled for the curvature of the formula.
      var tolerance = 1e-9
      for index in 0..<5 {
        var moved = numbers
        moved[index] += 0.005
        tolerance +=
          2 * abs(boundaryCosine(moved, sweep: sweep, center: 400, radius: 380) - cosine)
      }
      #expect(abs(cosine) <= tolerance, "\(arc)")
      // A wrong sweep flag puts the centre on the wrong side of the chord, far from orthogonal.
      #expect(abs(boundaryCosine(numbers, sweep: !sweep, center: 400, radius: 380)) > tolerance)
    }
  }

  @Test func outputIsDeterministicAndWrittenAtomically() throws {
    let plot = DiskPlot(edges: [(3, 1)], labelCount: 1)
    let path = folder.file("disk.svg")
    try plot.write(toy(), to: path)
    try plot.write(toy(), to: path)
    #expect(folder.fileNames == ["disk.svg"])
    #expect(try String(contentsOfFile: path, encoding: .utf8) == plot.svg(for: toy()))
    let error = try #require(throws: OutputError.self) {
      try plot.write(toy(), to: folder.file("missing/disk.svg"))
    }
    #expect(error.kind == .cannotCreate)
  }

  @Test(arguments: [
    (12.5, "12.5"), (-0.25, "-0.25"), (400, "400"), (0.05, "0.05"), (-0.004, "0"),
    (3.14159, "3.14"), (99.999, "100"), (-7.1, "-7.1"),
  ])
  func fixedFormatting(value: Double, expected: String) {
    #expect(DiskPlot.fixed(value) == expected)
  }

  @Test func escapingKeepsXMLValid() {
    #expect(DiskPlot.escaped("a<&>\"'b") == "a&lt;&amp;&gt;&quot;&apos;b")
    #expect(DiskPlot.escaped("x\u{1}y\u{FFFE}") == "x\u{FFFD}y\u{FFFD}")
  }
}
