// The process's interrupt flag (core/interrupt.hpp).
#include "marginlab/core/interrupt.hpp"

namespace marginlab::detail {
std::atomic<bool> g_interrupt_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free, "set from a signal handler");
}  // namespace marginlab::detail
