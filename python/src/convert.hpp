// numpy ↔ Eigen and Python values ↔ C++ values, for every binding of marginlab._core (through
// api.hpp's Call, which names each argument).
//
// Arrays in. The library's matrices are column-major doubles, X n×d with one example per row.
//   * ViewMatrix(obj, "X"): a float64, Fortran-ordered (column-major), aligned array is used in
//     place (no copy; the view holds the array alive). Anything else — numpy's default C order,
//     another dtype, a strided, negative-stride, broadcast or byte-offset (misaligned) view, a
//     read-only array, a list — is converted once into a new aligned Fortran-ordered float64
//     array, with the numbers of a contiguous copy.
//   * CopyMatrix / CopyVector: for library calls that keep or modify a Matrix of their own; the
//     values are copied once, straight from the caller's buffer when its strides allow it.
// Every input is checked before anything is copied: ndim, shape, a real or integer dtype
// (TypeError otherwise), its size as float64 against the memory budget (core/memory.hpp; a
// broadcast view of 10^12 rows is refused, not copied); then finiteness (ValueError naming the
// argument, row and column).
//
// Arrays out: an Eigen Matrix/Vector returned by value is moved into a capsule-owned Fortran-
// ordered numpy array (pybind11/eigen.h), never copied.
//
// Scalars: FromPython<T> takes exactly the Python types of T (bool is not an int; numpy scalars
// are), with integers range-checked (ValueError naming the value, never an "unable to cast").
#pragma once

#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/eval.h>
#include <pybind11/stl/filesystem.h>

#include <algorithm>
#include <string>
#include <vector>

#include "marginlab/core/options.hpp"
#include "marginlab/core/params.hpp"
#include "marginlab/core/types.hpp"
#include "marginlab/data/dataset.hpp"
#include "marginlab/nn/network.hpp"

namespace marginlab::python {
namespace py = pybind11;

[[noreturn]] void ThrowType(const std::string& message);   // Python TypeError
[[noreturn]] void ThrowValue(const std::string& message);  // marginlab.InputError (a ValueError)

struct MatrixView {
  py::array keep;                     // the array the view points into
  Eigen::Map<const Matrix> map{nullptr, 0, 0};
  bool copied = false;                // true when the input had to be converted
};

// A 2-D array as a column-major view (see above). `rows`/`cols` ≥ 0 require that size.
MatrixView ViewMatrix(py::handle obj, const char* name, Index rows = -1, Index cols = -1,
                      bool allow_empty = false);
Matrix CopyMatrix(py::handle obj, const char* name, Index rows = -1, Index cols = -1,
                  bool allow_empty = false);
// A 1-D array (or a 2-D one with a single column) of length `size` (≥ 0) as a Vector.
Vector CopyVector(py::handle obj, const char* name, Index size = -1);

// An array of ndim dimensions (1 or 2; 0: either) with the checks above, as a float64 ndarray:
// the input itself when it is one (aligned), else one checked copy. allow_inf: ±inf accepted.
py::array CheckedFloat64(py::handle obj, const char* name, int ndim, bool allow_inf);
// Refuses (ValueError naming `name`) an array whose float64 copy would not fit the memory budget,
// without copying anything.
void CheckCopySize(py::handle obj, const char* name);

// A Dataset from X (n×d) and y (n): the label kind is inferred ({−1, +1} → binary, non-negative
// integers → class, otherwise real) unless `kind` names one; `expect` ("binary", "class",
// "real" or "" for any) refuses other kinds with a ValueError naming y.
Dataset MakeDataset(py::handle X, py::handle y, const std::string& expect = "",
                    const char* x_name = "X", const char* y_name = "y");

// A network from Python: its layers [W_1, …, W_q] (W_k: m_k x m_{k−1}, bias-free, ReLU between:
// torch.nn.Linear.weight's layout), the output scale and whether the output layer is frozen.
// Each layer is copied once; a ValueError names the layer that does not fit.
nn::Network NetworkFrom(const py::sequence& layers, double output_scale, bool frozen_output);
// A network's layers as a list of arrays (moved, not copied).
py::list LayerList(std::vector<Matrix>&& layers);

namespace detail {
// The value as T, or TypeError / ValueError naming `what`.
template <class T>
T FromPython(py::handle value, const std::string& what);
std::string TypeNameOf(py::handle value);
bool IsBool(py::handle v);
bool IsInteger(py::handle v);
bool IsReal(py::handle v);
}  // namespace detail
using detail::FromPython;

// Keyword arguments as a ParamMap (for the data sources and experiment overrides, which parse
// text): floats in their shortest round-trip form, bools as true/false, lists joined with ';'.
ParamMap ParamsFrom(const py::dict& kwargs, const std::string& context);

// Records: a struct with Fields(v) of Metric/Count/Step/Detail/Flag/Layers calls → a dict.
struct RecordDict {
  py::dict d;
  void Metric(const char* name, double x) { d[name] = x; }
  void Detail(const char* name, double x) { d[name] = x; }
  void Step(const char* name, double x) { d[name] = x; }
  void Count(const char* name, long x) { d[name] = x; }
  void Flag(const char* name, bool x) { d[name] = x; }
  void Layers(const char* name, const char* /*column*/, const std::vector<double>& xs) { d[name] = xs; }
};
template <class R>
py::dict ToDict(const R& record) {
  RecordDict c;
  record.Fields(c);
  return c.d;
}

// How a solve or run ended (core/options.hpp SummaryBase): termination, message and seconds,
// the keys every result dict of the module shares.
void AddOutcome(py::dict& d, const SummaryBase& s);

// Registers the submodules (one file each).
void RegisterData(py::module_& m);
void RegisterKernel(py::module_& m);
void RegisterNn(py::module_& m);
void RegisterMargin(py::module_& m);
void RegisterMeanfield(py::module_& m);
void RegisterExperiment(py::module_& m);

}  // namespace marginlab::python
