// Cooperative interruption of long computations (Ctrl-C from Python; any embedding program).
//
// A process-wide flag: RequestInterrupt() sets it (async-signal-safe: an atomic store, so a
// SIGINT handler may call it), and the long loops of the library — training steps, the flow's
// steps, column-generation rounds, the kernel solvers' passes, the tasks of ParallelTasks, the
// experiment runner between trials — call CheckInterrupt(), which throws InterruptedError once
// the flag is set. A check is one relaxed atomic load; the loops check at least every ~0.1 s of
// work, so an interrupted call returns within about a second. Files being written are removed by
// their AtomicFile's destructor as the exception unwinds; the experiment runner puts the trials it
// was running back to pending.
//
// The command-line tool does not use the flag: its SIGINT handler removes partial files and exits
// at once (core/atomic_file.hpp). The Python module sets it from its own SIGINT handler while a
// call is running and turns InterruptedError into KeyboardInterrupt (python/src/convert.hpp).
#pragma once

#include <atomic>

#include "marginlab/core/error.hpp"

namespace marginlab {

namespace detail {
// One flag for the process, defined in the library (src/core/interrupt.cpp): an inline variable
// would be one copy per shared object built with hidden visibility (the Python extension).
extern std::atomic<bool> g_interrupt_requested;
}  // namespace detail

inline void RequestInterrupt() noexcept { detail::g_interrupt_requested.store(true, std::memory_order_relaxed); }
inline void ClearInterrupt() noexcept { detail::g_interrupt_requested.store(false, std::memory_order_relaxed); }
inline bool InterruptRequested() noexcept { return detail::g_interrupt_requested.load(std::memory_order_relaxed); }

// Throws InterruptedError if an interrupt was requested (the flag stays set: every loop up the
// stack stops too; whoever requested it clears it).
inline void CheckInterrupt() {
  if (InterruptRequested()) throw InterruptedError("interrupted");
}

}  // namespace marginlab
