#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Runs work items on threads of their own, all at once.
///
/// `DispatchQueue.concurrentPerform` was measured to run both items of a two-item call on the
/// calling thread, one after the other, for long stretches of a training run on this 2-core
/// machine (its pool sizes itself from the threads it already has), so two training workers
/// shared one core. Here item 0 runs on the calling thread and every other item on a thread
/// started for it, joined before the call returns. Starting a thread costs tens of
/// microseconds, far below the milliseconds an item of a training round or an evaluation
/// block takes. If a thread cannot be started, its item runs on the calling thread.
enum ParallelWork {
  static func run(_ count: Int, _ body: (Int) -> Void) {
    withoutActuallyEscaping(body) { body in
      var threads: [pthread_t] = []
      var inline: [Int] = []
      for index in 1..<max(count, 1) {
        let item = Unmanaged.passRetained(Item(body: body, index: index)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(
          &thread, nil,
          { context in
            let item = Unmanaged<Item>.fromOpaque(context!).takeRetainedValue()
            item.body(item.index)
            return nil
          }, item)
        if status == 0 {
          threads.append(thread)
        } else {
          Unmanaged<Item>.fromOpaque(item).release()
          inline.append(index)
        }
      }
      if count >= 1 { body(0) }
      for index in inline { body(index) }
      // Every item is finished, and released, before `body` goes out of reach.
      for thread in threads { pthread_join(thread, nil) }
    }
  }
}

/// One item handed to a started thread, which releases it when the item is done.
private final class Item {
  let body: (Int) -> Void
  let index: Int

  init(body: @escaping (Int) -> Void, index: Int) {
    self.body = body
    self.index = index
  }
}
