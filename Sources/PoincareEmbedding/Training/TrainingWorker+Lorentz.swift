// The batch update in the Lorentz model: the same loss, negatives and batch semantics as the
// Poincaré update (gradients from the rows as they were before the batch, u rows moved before
// the v and negative rows), with geodesic steps on the hyperboloid instead of clipped
// Euclidean steps in the ball.

extension TrainingWorker {
  /// Writes the velocity of u and of each slot's v for relation `position` of the batch: tangent
  /// vectors at the rows as they are before the batch.
  ///
  /// With γⱼ = −⟨u, vⱼ⟩, sⱼ = √(γⱼ² − 1), dⱼ = arcosh(γⱼ), e^(−dⱼ) = 1/(γⱼ + sⱼ), the softmax
  /// weights wⱼ = [j = 0] − pⱼ as in the ball, and cⱼ = wⱼ/sⱼ: the Riemannian gradient of the
  /// loss is −Σⱼ cⱼ(vⱼ − γⱼu) at u and −cⱼ(u − γⱼvⱼ) at vⱼ (the tangent parts of vⱼ and u),
  /// so the velocities are lr·Σⱼ cⱼ(vⱼ − γⱼu) and lr·cⱼ(u − γⱼvⱼ), each of Minkowski length
  /// lr·|wⱼ|. A node drawn as its own negative gets no gradient, as in gensim (its distance is 0;
  /// −⟨u, u⟩ merely rounds near 1, and 1/sⱼ would be huge).
  /// - Returns: the relation's loss and a sum of the coefficients' magnitudes.
  @inline(__always)
  func computeLorentzUpdates(position: Int, rows: SharedRows, learningRate: Double)
    -> (loss: Double, check: Double)
  {
    let slots = 1 + negativeCount
    let length = rowLength
    let child = childNodes[position]
    let u = rows.row(child)
    let nodes = slotNodes + position * slots
    let values = slotValues
    var partition = 0.0
    for slot in 0..<slots {
      let gamma = max(-LorentzModel.product(u, rows.row(nodes[slot]), dimension: dimension), 1)
      let s = nodes[slot] == child ? 0 : ((gamma - 1) * (gamma + 1)).squareRoot()
      let weight = 1 / (gamma + s)
      values[3 * slot] = s
      values[3 * slot + 1] = weight
      values[3 * slot + 2] = gamma
      partition += weight
    }
    let loss = log(partition / values[1])
    let output = updates + position * (1 + slots) * length
    output.update(repeating: 0, count: length)
    let inversePartition = 1 / partition
    var check = 0.0
    for slot in 0..<slots {
      let s = values[3 * slot]
      let gamma = values[3 * slot + 2]
      let weight = (slot == 0 ? 1 : 0) - values[3 * slot + 1] * inversePartition
      let scaled = s > 0 ? learningRate * weight / s : 0
      check += abs(scaled)
      let v = rows.row(nodes[slot])
      let velocity = output + (1 + slot) * length
      for index in 0..<length {
        velocity[index] = scaled * (u[index] - gamma * v[index])
        output[index] += scaled * (v[index] - gamma * u[index])
      }
    }
    return (loss, check)
  }

  /// Steps every u row along its velocity, then every v and negative row (gensim's order);
  /// a row updated twice takes its second step from where the first left it, along the
  /// velocity's tangent part there.
  @inline(__always)
  func applyLorentzUpdates(count: Int, rows: SharedRows) {
    let slots = 1 + negativeCount
    let stride = (1 + slots) * rowLength
    if let log = rows.log { return applyLoggedLorentzUpdates(count: count, rows: rows, log: log) }
    for position in 0..<count {
      LorentzModel.step(
        rows.row(childNodes[position]), along: updates + position * stride,
        dimension: dimension, maximumTime: maximumTime)
    }
    for position in 0..<count {
      for slot in 0..<slots {
        LorentzModel.step(
          rows.row(slotNodes[position * slots + slot]),
          along: updates + position * stride + (1 + slot) * rowLength,
          dimension: dimension, maximumTime: maximumTime)
      }
    }
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
