// Test-only data shared by the margin module's tests.
#pragma once

#include "marginlab/core/types.hpp"

namespace marginlab::margin::testing {

// Wei et al. F.4-style data: n points t_i evenly on [−1, 1] with a bias, rows
// (t_i, 1), labels + + − − + + ….
inline void LineData(Index n, Matrix* X, Vector* y) {
  X->resize(n, 2);
  y->resize(n);
  for (Index i = 0; i < n; ++i) {
    (*X)(i, 0) = -1 + 2.0 * static_cast<double>(i) / static_cast<double>(n - 1);
    (*X)(i, 1) = 1;
    (*y)[i] = (i / 2) % 2 == 0 ? 1 : -1;
  }
}

}  // namespace marginlab::margin::testing
