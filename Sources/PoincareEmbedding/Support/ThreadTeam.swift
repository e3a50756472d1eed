// Goals, in priority order:
// 1. Every member of a job runs at once on a thread of its own: `DispatchQueue.concurrentPerform`
//    was seen running both items of a two-item call on one core for long stretches of training.
// 2. Cheap hand-offs: a training round lasts about a millisecond, so starting a job and a barrier
//    must cost microseconds, not a thread start (tens of microseconds) or a scheduler wake-up.
// 3. Polite waiting on a shared machine: a waiting member spins briefly, then yields its core,
//    then sleeps, so an idle team costs no CPU and a loaded machine is not made slower.

import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A fixed team of threads that run one job at a time together (fastText's `startThreads`,
/// kept alive across jobs). Member 0 is the thread that calls `run`; members 1..<size are
/// threads started once and joined when the team is released.
///
/// ```swift
/// let team = ThreadTeam(size: 2)
/// team.run { member in
///   work(member)
///   team.barrier()  // every member has finished `work`
///   publish(member)
/// }  // returns when every member has finished the job
/// ```
///
/// No locks: the members meet on atomic counters. Jobs must not nest, and `run` must be called
/// from one thread at a time.
final class ThreadTeam: Sendable {
  let size: Int
  private let state: TeamState
  private let threads: [pthread_t]

  /// Starts `size − 1` threads; if one cannot be started, the team is smaller.
  init(size: Int) {
    precondition(size >= 1)
    let state = TeamState()
    var threads: [pthread_t] = []
    for member in 1..<size {
      let context = Unmanaged.passRetained(Member(state: state, index: member)).toOpaque()
      var thread = pthread_t()
      let status = pthread_create(
        &thread, nil,
        { context in
          let member = Unmanaged<Member>.fromOpaque(context!).takeRetainedValue()
          member.state.serve(member: member.index)
          return nil
        }, context)
      guard status == 0 else {
        Unmanaged<Member>.fromOpaque(context).release()
        break
      }
      threads.append(thread)
    }
    self.state = state
    self.threads = threads
    self.size = 1 + threads.count
  }

  deinit {
    state.isStopping.store(true, ordering: .relaxed)
    state.jobNumber.wrappingAdd(1, ordering: .releasing)
    for thread in threads { pthread_join(thread, nil) }
  }

  /// Runs `body(member)` for every member at once and returns when all have finished.
  func run(_ body: (Int) -> Void) {
    guard size > 1 else { return body(0) }
    withoutActuallyEscaping(body) { body in
      state.job = body
      state.finishedCount.store(0, ordering: .relaxed)
      state.jobNumber.wrappingAdd(1, ordering: .releasing)
      body(0)
      TeamState.wait { state.finishedCount.load(ordering: .acquiring) == size - 1 }
      state.job = nil
    }
  }

  /// Waits until every member of the running job has called `barrier`.
  func barrier() {
    guard size > 1 else { return }
    let number = state.barrierNumber.load(ordering: .acquiring)
    if state.arrivedCount.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue == size {
      state.arrivedCount.store(0, ordering: .relaxed)
      state.barrierNumber.wrappingAdd(1, ordering: .releasing)
    } else {
      TeamState.wait { state.barrierNumber.load(ordering: .acquiring) != number }
    }
  }
}

/// The counters the members meet on, shared by the team and its threads.
private final class TeamState: @unchecked Sendable {
  /// Incremented to hand out a job (or, with `isStopping`, to end the threads).
  let jobNumber = Atomic<Int>(0)
  /// Members 1..<size that have finished the current job.
  let finishedCount = Atomic<Int>(0)
  /// Members that have reached the current barrier, and the number of barriers passed.
  let arrivedCount = Atomic<Int>(0)
  let barrierNumber = Atomic<Int>(0)
  let isStopping = Atomic<Bool>(false)
  /// The current job: written by `run` before `jobNumber` is published, read after.
  var job: ((Int) -> Void)? = nil

  /// A started thread's loop: wait for a job, run it, report.
  func serve(member: Int) {
    var seen = 0
    while true {
      Self.wait { jobNumber.load(ordering: .acquiring) != seen }
      seen = jobNumber.load(ordering: .acquiring)
      if isStopping.load(ordering: .relaxed) { return }
      runJob(member: member)
      finishedCount.wrappingAdd(1, ordering: .releasing)
    }
  }

  /// Runs the current job; its reference is released before the member reports.
  @inline(never)
  private func runJob(member: Int) {
    job!(member)
  }

  /// Returns when `isDone` holds: spins for about a microsecond, yields the core for about a
  /// millisecond, then sleeps 0.1 ms at a time (an idle team costs next to nothing).
  static func wait(until isDone: () -> Bool) {
    var attempts = 0
    while !isDone() {
      attempts += 1
      if attempts < 64 { continue }
      if attempts < 2_048 {
        sched_yield()
      } else {
        usleep(100)
      }
    }
  }
}

/// What a started thread receives: the team's counters and its index.
private final class Member {
  let state: TeamState
  let index: Int

  init(state: TeamState, index: Int) {
    self.state = state
    self.index = index
  }
}
