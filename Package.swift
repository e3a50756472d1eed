// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "poincare-embed",
  platforms: [.macOS(.v15)],  // Synchronization.Atomic availability; irrelevant on Linux
  products: [
    .library(name: "PoincareEmbedding", targets: ["PoincareEmbedding"]),
    .executable(name: "poincare-embed", targets: ["poincare-embed"]),
  ],
  targets: [
    // MARK: Public API
    .target(name: "PoincareEmbedding"),
    .executableTarget(name: "poincare-embed", dependencies: ["PoincareEmbedding"]),

    // MARK: Interop checks
    // Not a product: Tests/interop/run drives it to compare library seams (one batch update,
    // numpy's RandomState) with gensim and numpy.
    .executableTarget(name: "interop-probe", dependencies: ["PoincareEmbedding"]),

    // MARK: Unit test bundles
    // Helpers both test bundles use: tolerances, temporary folders, the repository root.
    .target(name: "TestSupport", path: "Tests/TestSupport"),
    // Fixtures/ holds gensim's own test vectors (see Fixtures/README.md), read via Bundle.module.
    .testTarget(
      name: "PoincareEmbeddingTests", dependencies: ["PoincareEmbedding", "TestSupport"],
      resources: [.copy("Fixtures")]),
    // Depending on the executable gives @testable access and guarantees the binary is built.
    .testTarget(name: "PoincareEmbedCLITests", dependencies: ["poincare-embed", "TestSupport"]),
  ]
)
