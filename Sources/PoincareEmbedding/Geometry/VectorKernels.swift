/// The row kernels of the training and evaluation loops: the only SIMD code.
///
/// Rows are `count` contiguous doubles. Lanes are `SIMD4<Double>` combined with `*` and `+`
/// (baseline x86-64 has no FMA; `addingProduct` would call libm's `fma`). Results differ from a
/// scalar loop in the last bits, deterministically.
enum VectorKernels {
  @inline(__always)
  static func load(_ pointer: UnsafePointer<Double>) -> SIMD4<Double> {
    UnsafeRawPointer(pointer).loadUnaligned(as: SIMD4<Double>.self)
  }

  @inline(__always)
  static func store(_ value: SIMD4<Double>, _ pointer: UnsafeMutablePointer<Double>) {
    UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD4<Double>.self)
  }

  /// ‖x‖².
  @inline(__always)
  static func squaredNorm(_ x: UnsafePointer<Double>, count: Int) -> Double {
    var lanes = SIMD4<Double>()
    var index = 0
    while index &+ 4 <= count {
      let a = load(x + index)
      lanes += a * a
      index &+= 4
    }
    var sum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
    while index < count {
      sum += x[index] * x[index]
      index &+= 1
    }
    return sum
  }

  /// x · y.
  @inline(__always)
  static func dot(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, count: Int) -> Double {
    var lanes = SIMD4<Double>()
    var index = 0
    while index &+ 4 <= count {
      lanes += load(x + index) * load(y + index)
      index &+= 4
    }
    var sum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
    while index < count {
      sum += x[index] * y[index]
      index &+= 1
    }
    return sum
  }

  /// (‖v‖², ‖u − v‖²) in one pass.
  @inline(__always)
  static func squaredNormAndDistance(
    _ u: UnsafePointer<Double>, _ v: UnsafePointer<Double>, count: Int
  ) -> (vv: Double, dd: Double) {
    var norms = SIMD4<Double>()
    var distances = SIMD4<Double>()
    var index = 0
    while index &+ 4 <= count {
      let b = load(v + index)
      let difference = load(u + index) - b
      norms += b * b
      distances += difference * difference
      index &+= 4
    }
    var vv = (norms[0] + norms[1]) + (norms[2] + norms[3])
    var dd = (distances[0] + distances[1]) + (distances[2] + distances[3])
    while index < count {
      let b = v[index]
      let difference = u[index] - b
      vv += b * b
      dd += difference * difference
      index &+= 1
    }
    return (vv, dd)
  }

  /// `output = a·x + b·y`, and `sum += c·x`.
  @inline(__always)
  static func combine(
    _ a: Double, _ x: UnsafePointer<Double>, _ b: Double, _ y: UnsafePointer<Double>,
    into output: UnsafeMutablePointer<Double>, accumulating c: Double,
    into sum: UnsafeMutablePointer<Double>, count: Int
  ) {
    let a4 = SIMD4(repeating: a)
    let b4 = SIMD4(repeating: b)
    let c4 = SIMD4(repeating: c)
    var index = 0
    while index &+ 4 <= count {
      let xs = load(x + index)
      store(a4 * xs + b4 * load(y + index), output + index)
      store(load(sum + index) + c4 * xs, sum + index)
      index &+= 4
    }
    while index < count {
      output[index] = a * x[index] + b * y[index]
      sum[index] += c * x[index]
      index &+= 1
    }
  }

  /// `x += a·y`.
  @inline(__always)
  static func addScaled(
    _ a: Double, _ y: UnsafePointer<Double>, to x: UnsafeMutablePointer<Double>, count: Int
  ) {
    let a4 = SIMD4(repeating: a)
    var index = 0
    while index &+ 4 <= count {
      store(load(x + index) + a4 * load(y + index), x + index)
      index &+= 4
    }
    while index < count {
      x[index] += a * y[index]
      index &+= 1
    }
  }

  /// `x += delta`, returning the new ‖x‖².
  @inline(__always)
  static func add(_ delta: UnsafePointer<Double>, to x: UnsafeMutablePointer<Double>, count: Int)
    -> Double
  {
    var lanes = SIMD4<Double>()
    var index = 0
    while index &+ 4 <= count {
      let sum = load(x + index) + load(delta + index)
      store(sum, x + index)
      lanes += sum * sum
      index &+= 4
    }
    var squaredNorm = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
    while index < count {
      let sum = x[index] + delta[index]
      x[index] = sum
      squaredNorm += sum * sum
      index &+= 1
    }
    return squaredNorm
  }

  /// `x = base + keep·(x − base)`.
  @inline(__always)
  static func blend(
    _ x: UnsafeMutablePointer<Double>, toward base: UnsafePointer<Double>, keeping keep: Double,
    count: Int
  ) {
    let k4 = SIMD4(repeating: keep)
    var index = 0
    while index &+ 4 <= count {
      let b = load(base + index)
      store(b + k4 * (load(x + index) - b), x + index)
      index &+= 4
    }
    while index < count {
      x[index] = base[index] + keep * (x[index] - base[index])
      index &+= 1
    }
  }

  /// `x += a·(y − z)`.
  @inline(__always)
  static func addDifference(
    _ y: UnsafePointer<Double>, _ z: UnsafePointer<Double>, scaledBy a: Double,
    to x: UnsafeMutablePointer<Double>, count: Int
  ) {
    let a4 = SIMD4(repeating: a)
    var index = 0
    while index &+ 4 <= count {
      store(load(x + index) + a4 * (load(y + index) - load(z + index)), x + index)
      index &+= 4
    }
    while index < count {
      x[index] += a * (y[index] - z[index])
      index &+= 1
    }
  }

  /// `y = x`, for short rows (a library `memmove` call costs more than the copy).
  @inline(__always)
  static func copy(_ x: UnsafePointer<Double>, to y: UnsafeMutablePointer<Double>, count: Int) {
    var index = 0
    while index &+ 4 <= count {
      store(load(x + index), y + index)
      index &+= 4
    }
    while index < count {
      y[index] = x[index]
      index &+= 1
    }
  }
}
