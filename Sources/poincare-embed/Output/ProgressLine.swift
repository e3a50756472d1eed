import PoincareEmbedding

/// Training progress on stderr: redrawn in place on a terminal, one plain line per epoch (and
/// at most one every 10 s inside long epochs) otherwise.
final class ProgressLine: @unchecked Sendable {
  private let console: Console
  private let totalEpochs: Int
  private let burnInEpochs: Int
  private var lastPlainLine = -Double.infinity
  private var isLineOpen = false

  init(console: Console, configuration: TrainingConfiguration) {
    self.console = console
    self.burnInEpochs = configuration.burnInEpochs
    self.totalEpochs = configuration.burnInEpochs + configuration.epochs
  }

  func show(_ report: TrainingReport) {
    let done = report.isEpochEnd ? report.relationCount : report.relationsDone
    let rate = report.epochSeconds > 0 ? Double(done) / report.epochSeconds : 0
    let epochsBefore = (report.phase == .burnIn ? 0 : burnInEpochs) + report.epoch - 1
    let fractionDone =
      (Double(epochsBefore) + Double(done) / Double(max(report.relationCount, 1)))
      / Double(max(totalEpochs, 1))
    let remaining =
      fractionDone > 0 ? report.totalSeconds * (1 - fractionDone) / fractionDone : 0
    let phase = report.phase == .burnIn ? "burn-in" : "epoch"
    let percent = Int((Double(done) / Double(max(report.relationCount, 1)) * 100).rounded(.down))
    let line =
      "\(phase) \(report.epoch)/\(report.epochCount)  \(percent)%  \(rate.rateText) rel/s  "
      + "loss \(format: report.loss, digits: 2)  ETA \(remaining.clockText)"
    if console.errorsAreTerminal {
      console.writeError("\r\(line)\u{1B}[K")
      isLineOpen = true
    } else if report.isEpochEnd || report.totalSeconds - lastPlainLine >= 10 {
      lastPlainLine = report.totalSeconds
      console.printError(line)
    }
  }

  /// Ends the redrawn line so the next message starts on its own line.
  func finish() {
    if isLineOpen {
      console.writeError("\n")
      isLineOpen = false
    }
  }
}

extension Double {
  /// 1.52M, 33.1k, 950.
  var rateText: String {
    if self >= 1e6 { return "\(format: self / 1e6, digits: 2)M" }
    if self >= 1e4 { return "\(format: self / 1e3, digits: 1)k" }
    return "\(Int(self.rounded()))"
  }

  /// m:ss or h:mm:ss.
  var clockText: String {
    guard isFinite else { return "?" }
    let seconds = Int(self.rounded())
    let (hours, rest) = seconds.quotientAndRemainder(dividingBy: 3600)
    let (minutes, secs) = rest.quotientAndRemainder(dividingBy: 60)
    let two = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
    return hours > 0 ? "\(hours):\(two(minutes)):\(two(secs))" : "\(minutes):\(two(secs))"
  }
}

extension Int {
  /// 743,086.
  var grouped: String {
    let digits = String(self.magnitude)
    var result = ""
    for (index, digit) in digits.enumerated() {
      if index > 0 && (digits.count - index) % 3 == 0 { result += "," }
      result.append(digit)
    }
    return self < 0 ? "-" + result : result
  }
}

extension String.StringInterpolation {
  /// A number with a fixed count of decimals: `\(format: 3.14159, digits: 2)` → 3.14.
  mutating func appendInterpolation(format value: Double, digits: Int = 1) {
    guard value.isFinite else {
      appendLiteral("\(value)")
      return
    }
    let scale = (0..<digits).reduce(1.0) { result, _ in result * 10 }
    let rounded = (abs(value) * scale).rounded() / scale
    var text = "\(Int(rounded))"
    if digits > 0 {
      let fraction = Int(((rounded - rounded.rounded(.down)) * scale).rounded())
      let fractionText = String(fraction)
      text += "." + String(repeating: "0", count: digits - fractionText.count) + fractionText
    }
    appendLiteral(value < 0 && rounded != 0 ? "-" + text : text)
  }
}

/// Wall-clock seconds since creation.
struct Stopwatch {
  private let started = ContinuousClock.now

  var seconds: Double {
    let elapsed = (ContinuousClock.now - started).components
    return Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
  }
}
