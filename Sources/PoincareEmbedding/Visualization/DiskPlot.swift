/// A picture of an embedding in the Poincaré disk, written as SVG.
///
/// The picture holds, in drawing order: the unit disk; the relation edges as hyperbolic
/// geodesics (`DiskGeodesic`: circle arcs orthogonal to the boundary, or straight segments);
/// every node as a dot with its name as a tooltip (`<title>`); the `labelCount` nodes of least
/// norm (the top of the hierarchy, ties by index) as larger red dots with their names written
/// next to them. Rows are placed by `DiskProjection`.
///
/// Output is deterministic: the same vectors and options give the same bytes. Coordinates are
/// in pixels with two decimals, y pointing down as SVG wants (the embedding's y axis points up).
public struct DiskPlot: Sendable {
  /// Relations to draw, as row pairs (child, parent). Pairs of the same two rows are drawn once.
  public var edges: [(child: Int, parent: Int)]
  /// How many nodes nearest the origin get a written label.
  public var labelCount: Int
  /// The width and height of the picture, in pixels.
  public var size: Double
  /// Names shown for node ids (OBO term names): labels show a node's name instead of its id,
  /// tooltips show both.
  public var names: NodeLabels?

  public init(
    edges: [(child: Int, parent: Int)] = [], labelCount: Int = 20, size: Double = 800,
    names: NodeLabels? = nil
  ) {
    precondition(labelCount >= 0 && size > 0)
    self.edges = edges
    self.labelCount = labelCount
    self.size = size
    self.names = names
  }

  /// The margin between the disk and the picture's edge, in pixels.
  var margin: Double { (size * 0.025).rounded() }

  /// Writes the picture of `vectors` to `path` atomically (`-` for standard output).
  ///
  /// - Throws: `OutputError` when the file cannot be written.
  public func write(_ vectors: KeyedVectors, to path: String) throws {
    let text = svg(for: vectors)
    try AtomicFileWriter.write(to: path) { output in try output.write(text) }
  }

  /// The SVG document for `vectors`.
  ///
  /// - Precondition: every edge names rows of `vectors`.
  /// - Complexity: O(count × dimension²) for the projection, O(count × log count) for the labels,
  ///   O(edges) for the edges.
  public func svg(for vectors: KeyedVectors) -> String {
    let points = DiskProjection.points(of: vectors)
    let center = size / 2
    let radius = center - margin
    func x(_ point: SIMD2<Double>) -> String { Self.fixed(center + radius * point.x) }
    func y(_ point: SIMD2<Double>) -> String { Self.fixed(center - radius * point.y) }
    let dotRadius = vectors.count > 2000 ? "1.5" : "2.5"
    let side = Self.fixed(size)

    var svg = """
      <?xml version="1.0" encoding="UTF-8"?>
      <svg xmlns="http://www.w3.org/2000/svg" width="\(side)" height="\(side)" \
      viewBox="0 0 \(side) \(side)" font-family="sans-serif" font-size="11">
      <title>Poincaré disk: \(vectors.count) nodes, \
      \(Self.escaped(DiskProjection.method(forDimension: vectors.dimension)))</title>
      <rect width="\(side)" height="\(side)" fill="white"/>
      <circle class="boundary" cx="\(Self.fixed(center))" cy="\(Self.fixed(center))" \
      r="\(Self.fixed(radius))" fill="#f6f7fb" stroke="#333" stroke-width="1"/>

      """

    svg += "<g class=\"edges\" fill=\"none\" stroke=\"#8a9bb0\" stroke-width=\"0.6\">\n"
    var drawn = Set<SIMD2<Int>>()
    for (child, parent) in edges {
      precondition(child >= 0 && child < vectors.count && parent >= 0 && parent < vectors.count)
      let key = SIMD2(min(child, parent), max(child, parent))
      guard child != parent, drawn.insert(key).inserted else { continue }
      let p = points[child]
      let q = points[parent]
      if p == q { continue }
      // Flatter than a quarter pixel: a segment is indistinguishable.
      switch DiskGeodesic.between(p, q, flatness: 0.25 / radius) {
      case .segment:
        svg += "<path d=\"M \(x(p)) \(y(p)) L \(x(q)) \(y(q))\"/>\n"
      case .arc(_, let arcRadius, let isCounterclockwise):
        // SVG's sweep flag 1 runs clockwise as seen on screen; flipping the y axis keeps what
        // is seen, so it is the embedding's clockwise too. The arc inside the disk is under half
        // a circle: large-arc flag 0.
        let sweep = isCounterclockwise ? 0 : 1
        let r = Self.fixed(radius * arcRadius)
        svg += "<path d=\"M \(x(p)) \(y(p)) A \(r) \(r) 0 0 \(sweep) \(x(q)) \(y(q))\"/>\n"
      }
    }
    svg += "</g>\n"

    let labelled = Array(lowestNormRows(of: vectors, count: labelCount))
    let isLabelled = Set(labelled)
    svg += "<g class=\"nodes\" fill=\"#1f4e9c\">\n"
    for (row, point) in points.enumerated() where !isLabelled.contains(row) {
      svg += "<circle cx=\"\(x(point))\" cy=\"\(y(point))\" r=\"\(dotRadius)\">"
      svg += "<title>\(Self.escaped(tooltip(of: row, in: vectors)))</title></circle>\n"
    }
    svg += "</g>\n<g class=\"labelled\" fill=\"#c0392b\">\n"
    for row in labelled {
      let point = points[row]
      svg += "<circle cx=\"\(x(point))\" cy=\"\(y(point))\" r=\"3.5\">"
      svg += "<title>\(Self.escaped(tooltip(of: row, in: vectors)))</title></circle>\n"
    }
    svg += "</g>\n"
    svg += "<g class=\"labels\" fill=\"#111\" stroke=\"white\" stroke-width=\"3\" "
    svg += "stroke-linejoin=\"round\" paint-order=\"stroke\">\n"
    for row in labelled {
      let point = points[row]
      // Labels point away from the centre line so they stay inside the picture.
      let onRight = point.x > 0
      let dx = onRight ? -5.0 : 5.0
      svg += "<text x=\"\(Self.fixed(center + radius * point.x + dx))\" "
      svg += "y=\"\(Self.fixed(center - radius * point.y - 4))\""
      svg += onRight ? " text-anchor=\"end\">" : ">"
      svg += "\(Self.escaped(names?.label(of: vectors.key(of: row)) ?? vectors.key(of: row)))"
      svg += "</text>\n"
    }
    svg += "</g>\n</svg>\n"
    return svg
  }

  /// A dot's tooltip: its id, and its name when there is one.
  func tooltip(of row: Int, in vectors: KeyedVectors) -> String {
    let key = vectors.key(of: row)
    return names?.label(of: key).map { "\(key) \($0)" } ?? key
  }

  /// The `count` rows of least norm, by ascending norm, ties by index.
  func lowestNormRows(of vectors: KeyedVectors, count: Int) -> ArraySlice<Int> {
    let norms = vectors.norms()
    return (0..<vectors.count).sorted {
      norms[$0] != norms[$1] ? norms[$0] < norms[$1] : $0 < $1
    }.prefix(count)
  }

  /// `value` rounded to two decimals, without trailing zeros (`12.5`, `-0.25`, `400`).
  static func fixed(_ value: Double) -> String {
    let hundredths = (value * 100).rounded()
    guard hundredths.isFinite, abs(hundredths) < 1e15 else { return "0" }
    let magnitude = Int(abs(hundredths))
    if magnitude == 0 { return "0" }
    let sign = hundredths < 0 ? "-" : ""
    let whole = magnitude / 100
    let fraction = magnitude % 100
    if fraction == 0 { return "\(sign)\(whole)" }
    if fraction % 10 == 0 { return "\(sign)\(whole).\(fraction / 10)" }
    return "\(sign)\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
  }

  /// `text` safe inside an XML element or attribute: `& < > " '` escaped, and characters XML 1.0
  /// cannot hold (control characters, U+FFFE, U+FFFF) replaced by U+FFFD.
  static func escaped(_ text: String) -> String {
    var result = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "\"": result += "&quot;"
      case "'": result += "&apos;"
      case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
      default:
        let isAllowed = scalar.value >= 0x20 && scalar.value != 0xFFFE && scalar.value != 0xFFFF
        result.unicodeScalars.append(isAllowed ? scalar : "\u{FFFD}")
      }
    }
    return result
  }
}
