// ExitCodeOf (core/error.hpp).
#include "marginlab/core/error.hpp"

namespace marginlab {

int ExitCodeOf(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const InputError&) {
    return 2;
  } catch (const UnavailableError&) {
    return 2;
  } catch (const InterruptedError&) {
    return 2;
  } catch (const ReportedError& r) {
    return r.code();
  } catch (const FailedRunError&) {
    return 1;
  } catch (const InternalError&) {
    return 3;
  } catch (...) {
    return 4;
  }
}

}  // namespace marginlab
