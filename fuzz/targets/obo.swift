@testable import PoincareEmbedding

/// The reader this libFuzzer target feeds (see ../Harness.swift).
let fuzzedReader = ReaderProbe.Reader.obo
