/// Whether `a` and `b` agree within `max(absolute, relative · max(|a|, |b|))`.
///
/// The default relative tolerance, √ulpOfOne ≈ 1.5e-8, expects "about half the digits" to be
/// good (swift-numerics' convention). Tests that expect more or less say so at the call site.
public func isClose(
  _ a: Double, _ b: Double, relative: Double = Double.ulpOfOne.squareRoot(), absolute: Double = 0
) -> Bool {
  abs(a - b) <= max(absolute, relative * max(abs(a), abs(b)))
}
