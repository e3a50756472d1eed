import Testing
import TestSupport

@testable import PoincareEmbedding

/// Expected values were printed by numpy 2.4.6 (`numpy.random.RandomState`, `MT19937`), the
/// version the interop checks pin; they are exact, so comparisons are exact.
@Suite struct NumpyRandomStateTests {
  @Test func rawOutputsOfSeedZeroAreNumpys() {
    var random = NumpyRandomState(seed: 0)
    // MT19937(); _legacy_seeding(0); random_raw() three times
    #expect([random.nextUInt32(), random.nextUInt32(), random.nextUInt32()]
      == [2_357_136_044, 2_546_248_239, 3_071_714_933])
    // the 625th output comes from the second regeneration of the state
    for _ in 3..<624 { _ = random.nextUInt32() }
    #expect(random.nextUInt32() == 341_544_762)
  }

  @Test func randomSampleAndUniformAreNumpys() {
    var random = NumpyRandomState(seed: 0)
    #expect(
      [random.randomSample(), random.randomSample(), random.randomSample()]
        == [0.5488135039273248, 0.7151893663724195, 0.6027633760716439])
    var initial = NumpyRandomState(seed: 0)
    // RandomState(0).uniform(-0.001, 0.001, 3): gensim's first initial coordinates
    #expect(
      (0..<3).map { _ in initial.uniform(low: -0.001, high: 0.001) }
        == [9.762700785464953e-05, 0.0004303787327448389, 0.00020552675214328769])
    var largest = NumpyRandomState(seed: UInt32.max)
    #expect(largest.randomSample() == 0.0976320289940138)
  }

  @Test func randintUsesMaskedRejectionIn32And64Bits() {
    var random = NumpyRandomState(seed: 0)
    // RandomState(0).randint(1, 13085, 5): gensim's negatives buffer on the mammal closure
    #expect((0..<5).map { _ in random.randint(1, 13085) } == [2733, 10800, 9846, 3265, 4860])
    var wide = NumpyRandomState(seed: 0)
    #expect(
      (0..<3).map { _ in wide.randint(0, 1 << 40) }
        == [741_280_623_151, 506_137_267_392, 291_447_657_211])
  }

  @Test func shuffleOfAListIsNumpys() {
    var random = NumpyRandomState(seed: 0)
    var elements = Array(0..<10)
    random.shuffle(&elements)
    #expect(elements == [2, 8, 4, 9, 1, 6, 7, 3, 0, 5])
  }

  @Test func choiceWithoutReplacementIsNumpys() {
    var random = NumpyRandomState(seed: 0)
    #expect(
      random.choiceWithoutReplacement(count: 3, probabilities: [0.1, 0, 0.3, 0.6, 0]) == [3, 2, 0])
    // p = arange(1, 21) / 210: repeats in the first round force further rounds
    var weighted = NumpyRandomState(seed: 0)
    let total = NumpyRandomState.pairwiseSum((1...20).map(Double.init)[...])
    let probabilities = (1...20).map { Double($0) / total }
    #expect(
      weighted.choiceWithoutReplacement(count: 10, probabilities: probabilities)
        == [14, 16, 15, 12, 13, 18, 19, 11, 9, 17])
  }

  @Test func pairwiseSumIsNumpysNotSequential() {
    // (1 / arange(1, n + 1)).sum(): numpy's result differs from a left-to-right sum
    for (count, expected) in [(10, 2.9289682539682538), (200, 5.878030948121444),
                              (1000, 7.485470860550345)] {
      let values = (1...count).map { 1 / Double($0) }
      #expect(NumpyRandomState.pairwiseSum(values[...]) == expected)
    }
    let sequential = (1...200).map { 1 / Double($0) }.reduce(0, +)
    #expect(sequential == 5.878030948121446)
  }
}

/// gensim 4.4.0: `PoincareModel(PoincareRelations('data/toy_closure.tsv'), size=5, negative=4,
/// burn_in=2, seed=0).train(epochs=5)`; `kv.vectors` rows 0 ('animal') and 13 ('sparrow').
@Suite struct GensimReplayTests {
  private func configuration() -> TrainingConfiguration {
    var configuration = TrainingConfiguration()
    configuration.dimension = 5
    configuration.negativeCount = 4
    configuration.burnInEpochs = 2
    configuration.epochs = 5
    configuration.threadCount = 1
    return configuration
  }

  @Test func initialVectorsAreGensims() throws {
    let relations = try RelationFile.read("\(repositoryRoot)/data/toy_closure.tsv")
    let replay = try GensimReplay(relations: relations, configuration: configuration())
    #expect(
      Array(replay.table[0..<5]) == [
        9.762700785464953e-05, 0.0004303787327448389, 0.00020552675214328769,
        8.976636599379367e-05, -0.00015269040132219057,
      ])
  }

  @Test func trainedVectorsAreGensimsToRounding() throws {
    let relations = try RelationFile.read("\(repositoryRoot)/data/toy_closure.tsv")
    let replay = try GensimReplay(relations: relations, configuration: configuration())
    try replay.train()
    let expected: [(row: Int, values: [Double])] = [
      (0, [0.09686734370290269, 0.023482490983015848, 0.08542283894361624,
           0.14283139424490587, -0.033836492058348155]),
      (13, [0.13803527646264263, 0.20457559003446585, 0.02604116925425533,
            0.15866929058707926, -0.09063243611504798]),
    ]
    // Same draws, same batches; only the arithmetic differs. gensim's own float64 result is off
    // by 2.5e-12 here (against gensim run with np.longdouble vectors, which we match to 2.8e-13):
    // its arccosh(γ) and √(γ² − 1) cancel near γ = 1, where the initial vectors start.
    for (row, values) in expected {
      for (index, value) in values.enumerated() {
        #expect(isClose(replay.table[row * 5 + index], value, relative: 0, absolute: 1e-11))
      }
    }
    #expect(replay.position == TrainingPosition(burnInEpochs: 2, epochs: 5))
  }

  @Test func refusesWhatGensimCannotReplay() throws {
    let relations = try RelationFile.read("\(repositoryRoot)/data/toy_closure.tsv")
    var threads = configuration()
    threads.threadCount = 2
    #expect(throws: ConfigurationError.self) {
      try GensimReplay(relations: relations, configuration: threads)
    }
    var seed = configuration()
    seed.seed = UInt64(UInt32.max) + 1
    #expect(throws: ConfigurationError.self) {
      try GensimReplay(relations: relations, configuration: seed)
    }
  }
}
