// numpy ↔ Eigen and Python keyword arguments ↔ Options, for every binding of marginlab._core.
//
// Arrays in. The library's matrices are column-major doubles, X n×d with one example per row.
//   * ViewMatrix(obj, "X"): a float64, Fortran-ordered (column-major), aligned array is used in
//     place (no copy; the view holds the array alive). Anything else (a C-ordered array — numpy's
//     default —, another dtype, a strided view, a list) is converted once into a new
//     Fortran-ordered float64 array.
//   * CopyMatrix / CopyVector: for library calls that keep or modify a Matrix of their own; the
//     values are copied once, straight from the caller's buffer whatever its layout.
// Every input is checked before the call: ndim, shape, a real or integer dtype (TypeError
// otherwise), finiteness (ValueError naming the argument, row and column).
//
// Arrays out: an Eigen Matrix/Vector returned by value is moved into a capsule-owned Fortran-
// ordered numpy array (pybind11/eigen.h), never copied.
//
// Options. Every Options struct of the library lists its fields once (Fields(v), core/params.hpp);
// the same names are the CLI's flags (with - for _) and the experiment TOMLs' keys. OptionsFrom
// sets an Options from Python keyword arguments with that list: an unknown name is a TypeError
// naming it and the known ones, a value of the wrong type a TypeError naming the field, and the
// Options' own Validate() a ValueError with its message.
#pragma once

#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
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
template <class T>
T FromPython(py::handle value, const std::string& what);
std::string TypeNameOf(py::handle value);
}  // namespace detail

// The kwargs visitor: sets the fields it finds, remembers every known name. A field's keyword is
// `prefix` + its name (e.g. logistic_tol for KernelLogisticOptions::tol); `only` (when given)
// limits it to some of the fields.
struct KwargSetter {
  const py::dict* kwargs;
  std::string context;
  std::vector<std::string> known;
  std::string prefix;
  const std::vector<std::string>* only = nullptr;
  template <class T>
  void operator()(const char* name, T& field, const char* /*doc*/) {
    if (only != nullptr && std::find(only->begin(), only->end(), name) == only->end()) return;
    const std::string key = prefix + name;
    known.push_back(key);
    if (kwargs->contains(key))
      field = detail::FromPython<T>((*kwargs)[py::str(key)], context + ": " + key);
  }
  template <class T>
  void operator()(const char* name, T& field, const char* doc, const std::vector<std::string>&) {
    (*this)(name, field, doc);
  }
};

// Refuses keyword arguments outside `known` (TypeError, like Python's own for a function).
void RefuseUnknown(const py::dict& kwargs, const std::vector<std::string>& known,
                   const std::string& context);

// Sets `opts` from kwargs (each name one field of opts.Fields), refuses unknown names, and
// validates. `extra` names kwargs the caller consumes itself (not refused).
// Python spells a field named after a keyword with a trailing underscore (PEP 8): lambda_=0.1
// sets `lambda` (so does **{"lambda": 0.1}). Returns the kwargs with such names mapped.
py::dict KeywordNames(const py::dict& kwargs, const std::string& context);

// Sets the fields of `opts` found in kwargs (already through KeywordNames) and appends their
// keywords to `known`, for a call that fills several Options from one set of keywords.
template <class Opts>
void SetFields(const py::dict& kwargs, const std::string& context, Opts& opts, std::vector<std::string>& known,
               const std::string& prefix = "", const std::vector<std::string>* only = nullptr) {
  KwargSetter setter{&kwargs, context, {}, prefix, only};
  opts.Fields(setter);
  known.insert(known.end(), setter.known.begin(), setter.known.end());
}

// Validate() as a ValueError (marginlab.InputError) naming the call.
template <class Opts>
void ValidateFor(const Opts& opts, const std::string& context) {
  const std::string problem = opts.Validate();
  if (!problem.empty()) ThrowValue(context + ": " + problem);
}

template <class Opts>
Opts OptionsFrom(const py::dict& given, const std::string& context, Opts opts = {},
                 const std::vector<std::string>& extra = {}) {
  const py::dict kwargs = KeywordNames(given, context);
  std::vector<std::string> known = extra;
  SetFields(kwargs, context, opts, known);
  RefuseUnknown(kwargs, known, context);
  ValidateFor(opts, context);
  return opts;
}

// The fields of an Options as a docstring block: "name (type, default D): doc" lines.
template <class Opts>
std::string FieldsDoc(const Opts& opts = {}) {
  std::string out;
  for (const FieldInfo& f : DescribeFields(opts))
    out += "    " + f.name + " (" + f.type + ", default " + (f.default_value.empty() ? "''" : f.default_value) +
           "): " + f.doc + "\n";
  return out;
}

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
