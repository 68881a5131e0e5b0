// marginlab._core: the compiled half of `import marginlab` (pybind11). The pure-Python package
// python/marginlab wraps it; see docs/python.md. One submodule per library module, registered
// from its own file; the conversions and the Options ↔ kwargs rule are in convert.hpp.
//
// Errors: the library's exceptions become Python exceptions with the same message, all
// subclasses of marginlab.Error (a RuntimeError): InputError (also a ValueError: bad input,
// named), FailedRunError (a diverged or failed run), UnavailableError (a backend this build lacks),
// InternalError (a bug). Bad arguments found by the binding itself are TypeError / ValueError
// naming the argument (api.hpp: every function reads its arguments through its Signature). Long
// calls release the GIL and stop on Ctrl-C with KeyboardInterrupt (api.hpp LongCall).
#include "api.hpp"
#include "convert.hpp"
#include "marginlab/build_config.hpp"
#include "marginlab/core/error.hpp"
#include "marginlab/core/interrupt.hpp"
#include "marginlab/core/threads.hpp"

namespace py = pybind11;
using namespace marginlab;

namespace {
PyObject* g_error = nullptr;
PyObject* g_input = nullptr;
PyObject* g_failed = nullptr;
PyObject* g_unavailable = nullptr;
PyObject* g_internal = nullptr;

PyObject* NewException(py::module_& m, const char* name, py::tuple bases, const char* doc) {
  py::object cls = py::reinterpret_borrow<py::object>(reinterpret_cast<PyObject*>(&PyType_Type))(
      name, bases, py::dict(py::arg("__module__") = "marginlab", py::arg("__doc__") = doc));
  m.attr(name) = cls;
  return cls.release().ptr();  // kept for the life of the process
}
}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "marginlab's C++ library (see the marginlab package for the documented API)";
  m.attr("__version__") = MARGINLAB_VERSION_STRING;
  g_error = NewException(m, "Error", py::make_tuple(py::handle(PyExc_RuntimeError)),
                         "Any error raised by marginlab's library.");
  py::handle err(g_error);
  g_input = NewException(m, "InputError", py::make_tuple(err, py::handle(PyExc_ValueError)),
                         "Bad input: the message names the argument, field or file and what was expected.");
  g_failed = NewException(m, "FailedRunError", py::make_tuple(err),
                          "A run that diverged or failed: a failure with its reason, never a result.");
  g_unavailable = NewException(m, "UnavailableError", py::make_tuple(err),
                               "A backend this build of marginlab does not include.");
  g_internal = NewException(m, "InternalError", py::make_tuple(err), "A broken internal invariant (a bug).");
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const InterruptedError&) {
      // Ctrl-C during a long call (api.hpp LongCall handed the SIGINT back to Python): Python's
      // handler runs now (KeyboardInterrupt by default); a handler that does not raise still
      // ends the call, which has no result.
      if (PyErr_CheckSignals() == 0 && !PyErr_Occurred()) PyErr_SetNone(PyExc_KeyboardInterrupt);
    } catch (const InputError& e) {
      PyErr_SetString(g_input, e.what());
    } catch (const FailedRunError& e) {
      PyErr_SetString(g_failed, e.what());
    } catch (const UnavailableError& e) {
      PyErr_SetString(g_unavailable, e.what());
    } catch (const InternalError& e) {
      PyErr_SetString(g_internal, e.what());
    } catch (const Error& e) {
      PyErr_SetString(g_error, e.what());
    }
  });

  python::Def(m, python::Signature("set_threads", "Sets the worker thread count of marginlab's parallel loops and BLAS.",
                                    "Results never depend on it (each piece of parallel work has its own random "
                                    "stream and reductions run in a fixed order).",
                                    "None", "")
                     .Arg("n", "int", "the thread count: 0 = all cores, at most 1024"),
              [](python::Call& c) {
                SetNumThreads(c.Int("n", 0, kMaxThreads));
                return py::object(py::none());
              });
  python::Def(m, python::Signature("threads", "The worker thread count in use.", "", "int", "the count"),
              [](python::Call&) { return py::object(py::int_(NumThreads())); });
  python::Def(m, python::Signature("build_info", "What this build of the library contains.", "", "dict[str, Any]",
                                   "version and whether OpenBLAS, Clp, LIBSVM, SLEEF and MPI are built in"),
              [](python::Call&) {
                py::dict d;
                d["version"] = MARGINLAB_VERSION_STRING;
                d["openblas"] = static_cast<bool>(MARGINLAB_HAVE_OPENBLAS);
                d["clp"] = static_cast<bool>(MARGINLAB_HAVE_CLP);
                d["libsvm"] = static_cast<bool>(MARGINLAB_HAVE_LIBSVM);
                d["sleef"] = static_cast<bool>(MARGINLAB_HAVE_SLEEF);
                d["mpi"] = static_cast<bool>(MARGINLAB_HAVE_MPI);
                return py::object(d);
              });

  // For the module's pure-Python functions (ntk_regime_predict, the estimators, torch_bridge): the
  // checks of the one conversion layer (dtype, ndim, finiteness, the size against the memory budget
  // before any copy) on an array they convert themselves.
  python::Def(m, python::Signature("_float64", "An array checked as every argument is and returned as float64.", "",
                                   "NDArray[np.float64]", "a float64 array (the input when it is one, else one copy)")
                     .Arg("a", "ArrayLike", "the array")
                     .Arg("name", "str", "the argument's name, for messages")
                     .Arg("ndim", "int", "0", "its number of dimensions (1 or 2; 0: either)")
                     .Kw("allow_inf", "bool", "False", "accept ±inf (never NaN)"),
              [](python::Call& c) -> py::object {
                const std::string name = c.Str("name");
                const long ndim = c.Int("ndim", 0, 2);
                const bool allow_inf = c.Bool("allow_inf");
                return python::CheckedFloat64(c.Get("a"), name.c_str(), static_cast<int>(ndim), allow_inf);
              });
  python::Def(m, python::Signature("_check_size", "Refuses an array whose float64 copy would not fit the memory budget.",
                                   "Nothing is copied.", "None", "")
                     .Arg("a", "ArrayLike", "the array")
                     .Arg("name", "str", "the argument's name, for messages"),
              [](python::Call& c) -> py::object {
                const std::string name = c.Str("name");
                python::CheckCopySize(c.Get("a"), name.c_str());
                return py::none();
              });

  m.def("_array_info", [](py::handle X) {
    const python::MatrixView v = python::ViewMatrix(X, "X", -1, -1, true);
    py::dict d;
    d["address"] = reinterpret_cast<std::uintptr_t>(v.map.data());
    d["copied"] = v.copied;
    return d;
  }, py::arg("X"), "For tests: the address a 2-D input is read from, and whether it was copied.");

  auto data = m.def_submodule("data", "data generators and readers");
  python::RegisterData(data);
  auto kernel = m.def_submodule("kernel", "kernels, Gram matrices and kernel predictors");
  python::RegisterKernel(kernel);
  auto nn = m.def_submodule("nn", "homogeneous ReLU networks: training, outputs, network files");
  python::RegisterNn(nn);
  auto margin = m.def_submodule("margin", "margins, the l1-SVM, certificates and global optima");
  python::RegisterMargin(margin);
  auto meanfield = m.def_submodule("meanfield", "the perturbed Wasserstein gradient flow");
  python::RegisterMeanfield(meanfield);
  auto experiment = m.def_submodule("experiment", "experiments: run a sweep into a results store");
  python::RegisterExperiment(experiment);
}
