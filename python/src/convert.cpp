// numpy ↔ Eigen and kwargs ↔ Options (convert.hpp).
#include "convert.hpp"

#include <cmath>
#include <cstdint>

#include "marginlab/core/error.hpp"
#include "marginlab/core/memory.hpp"

namespace marginlab::python {

void ThrowType(const std::string& message) { throw py::type_error(message); }
void ThrowValue(const std::string& message) { throw InputError(message); }

namespace {

// obj as an ndarray of a real or integer dtype (bool included), without copying an array.
py::array AsNumeric(py::handle obj, const char* name) {
  py::module_ np = py::module_::import("numpy");
  py::array a;
  if (py::isinstance<py::array>(obj)) {
    a = py::reinterpret_borrow<py::array>(obj);
  } else {
    try {
      a = np.attr("asarray")(obj);
    } catch (py::error_already_set& e) {
      ThrowType(std::string(name) + ": expected an array of numbers, got " + detail::TypeNameOf(obj) + " (" +
                e.what() + ")");
    }
  }
  const char kind = a.dtype().kind();
  if (kind != 'f' && kind != 'i' && kind != 'u' && kind != 'b')
    ThrowType(std::string(name) + ": expected an array of real numbers, got dtype " +
              py::str(a.dtype()).cast<std::string>());
  return a;
}

void CheckShape(const py::array& a, const char* name, Index rows, Index cols, bool allow_empty) {
  if (a.ndim() != 2)
    ThrowValue(std::string(name) + ": expected a 2-D array, got " + std::to_string(a.ndim()) + "-D");
  const Index r = a.shape(0), c = a.shape(1);
  if (rows >= 0 && r != rows)
    ThrowValue(std::string(name) + ": expected " + std::to_string(rows) + " rows, got " + std::to_string(r));
  if (cols >= 0 && c != cols)
    ThrowValue(std::string(name) + ": expected " + std::to_string(cols) + " columns, got " + std::to_string(c));
  if (!allow_empty && (r == 0 || c == 0))
    ThrowValue(std::string(name) + ": the array is empty (" + std::to_string(r) + "x" + std::to_string(c) + ")");
}

// The array's elements as float64 against the memory budget, before anything is copied (a
// broadcast view can describe far more elements than it holds).
void CheckCopyFits(const py::array& a, const char* name) {
  std::uint64_t elements = 1;
  for (py::ssize_t k = 0; k < a.ndim(); ++k) elements = SaturatingMul(elements, static_cast<std::uint64_t>(a.shape(k)));
  const std::string problem = MemoryProblem(SaturatingMul(elements, sizeof(double)),
                                            std::string(name) + " (" + std::to_string(elements) +
                                                " elements as float64)");
  if (!problem.empty()) ThrowValue(problem);
}

template <class M>
void CheckFinite(const M& m, const char* name) {
  for (Index j = 0; j < m.cols(); ++j)
    for (Index i = 0; i < m.rows(); ++i)
      if (!std::isfinite(m(i, j)))
        ThrowValue(std::string(name) + ": entry (" + std::to_string(i) + ", " + std::to_string(j) +
                   ") is not finite (" + std::to_string(m(i, j)) + ")");
}

// A float64 array's strides in elements, or false when they are not whole positive elements or
// the data are not aligned to a double (a byte-offset view).
bool ElementStrides(const py::array& a, Index* s0, Index* s1) {
  if (reinterpret_cast<std::uintptr_t>(a.data()) % alignof(double) != 0) return false;
  const auto b0 = a.strides(0), b1 = a.ndim() > 1 ? a.strides(1) : 0;
  if (b0 <= 0 || b1 < 0 || b0 % 8 != 0 || b1 % 8 != 0) return false;
  *s0 = b0 / 8;
  *s1 = b1 / 8;
  return true;
}

bool NativeDouble(const py::array& a) { return a.dtype().is(py::dtype::of<double>()); }

// A new, aligned, Fortran-ordered float64 copy (numpy allocates aligned buffers; asfortranarray
// would return a misaligned float64 array as it is).
py::array FortranDoubleCopy(const py::array& a, const char* name) {
  CheckCopyFits(a, name);
  py::module_ np = py::module_::import("numpy");
  return np.attr("array")(a, py::arg("dtype") = np.attr("float64"), py::arg("order") = "F", py::arg("copy") = true);
}
}  // namespace

namespace detail {
std::string TypeNameOf(py::handle value) { return py::str(py::type::of(value).attr("__name__")).cast<std::string>(); }
}  // namespace detail

MatrixView ViewMatrix(py::handle obj, const char* name, Index rows, Index cols, bool allow_empty) {
  py::array a = AsNumeric(obj, name);
  CheckShape(a, name, rows, cols, allow_empty);
  MatrixView v;
  const bool f_double = NativeDouble(a) && (a.flags() & py::array::f_style) != 0 &&
                        reinterpret_cast<std::uintptr_t>(a.data()) % alignof(double) == 0;
  v.copied = !f_double;
  v.keep = f_double ? a : FortranDoubleCopy(a, name);
  new (&v.map) Eigen::Map<const Matrix>(static_cast<const double*>(v.keep.data()), v.keep.shape(0),
                                        v.keep.shape(1));
  CheckFinite(v.map, name);
  return v;
}

Matrix CopyMatrix(py::handle obj, const char* name, Index rows, Index cols, bool allow_empty) {
  py::array a = AsNumeric(obj, name);
  CheckShape(a, name, rows, cols, allow_empty);
  CheckCopyFits(a, name);
  Index s0 = 0, s1 = 0;
  if (!NativeDouble(a) || !ElementStrides(a, &s0, &s1)) {
    a = FortranDoubleCopy(a, name);
    if (!ElementStrides(a, &s0, &s1)) throw InternalError(std::string(name) + ": a fresh float64 copy is not aligned");
  }
  using Strided = Eigen::Map<const Matrix, 0, Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>>;
  Matrix out = Strided(static_cast<const double*>(a.data()), a.shape(0), a.shape(1),
                       Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>(s1, s0));
  CheckFinite(out, name);
  return out;
}

Vector CopyVector(py::handle obj, const char* name, Index size) {
  py::array a = AsNumeric(obj, name);
  if (a.ndim() == 2 && a.shape(1) == 1) a = a.attr("reshape")(-1);
  if (a.ndim() != 1)
    ThrowValue(std::string(name) + ": expected a 1-D array, got " + std::to_string(a.ndim()) + "-D");
  if (size >= 0 && a.shape(0) != size)
    ThrowValue(std::string(name) + ": expected " + std::to_string(size) + " entries, got " +
               std::to_string(a.shape(0)));
  if (a.shape(0) == 0) ThrowValue(std::string(name) + ": the array is empty");
  CheckCopyFits(a, name);
  if (!NativeDouble(a) || reinterpret_cast<std::uintptr_t>(a.data()) % alignof(double) != 0 || a.strides(0) % 8 != 0)
    a = FortranDoubleCopy(a, name);
  const double* p = static_cast<const double*>(a.data());
  const Index stride = a.strides(0) / 8;
  Vector out(a.shape(0));
  for (Index i = 0; i < out.size(); ++i) {
    out[i] = p[i * stride];
    if (!std::isfinite(out[i]))
      ThrowValue(std::string(name) + ": entry " + std::to_string(i) + " is not finite (" +
                 std::to_string(out[i]) + ")");
  }
  return out;
}

py::array CheckedFloat64(py::handle obj, const char* name, int ndim, bool allow_inf) {
  py::array a = AsNumeric(obj, name);
  if ((ndim != 0 && a.ndim() != ndim) || (ndim == 0 && (a.ndim() < 1 || a.ndim() > 2)))
    ThrowValue(std::string(name) + ": expected a " + (ndim == 0 ? std::string("1-D or 2-D") : std::to_string(ndim) + "-D") +
               " array, got " + std::to_string(a.ndim()) + "-D");
  for (py::ssize_t k = 0; k < a.ndim(); ++k)
    if (a.shape(k) == 0) ThrowValue(std::string(name) + ": the array is empty");
  CheckCopyFits(a, name);
  if (!NativeDouble(a) || reinterpret_cast<std::uintptr_t>(a.data()) % alignof(double) != 0) a = FortranDoubleCopy(a, name);
  py::module_ np = py::module_::import("numpy");
  const bool bad = allow_inf ? np.attr("isnan")(a).attr("any")().cast<bool>()
                             : !np.attr("isfinite")(a).attr("all")().cast<bool>();
  if (bad) ThrowValue(std::string(name) + ": has entries that are " + (allow_inf ? "NaN" : "not finite"));
  return a;
}

void CheckCopySize(py::handle obj, const char* name) {
  if (py::isinstance<py::array>(obj)) {
    CheckCopyFits(py::reinterpret_borrow<py::array>(obj), name);
    return;
  }
  if (py::hasattr(obj, "shape")) {  // array-likes (a pandas frame, a torch tensor): their shape
    std::uint64_t elements = 1;
    try {
      for (py::handle k : obj.attr("shape")) elements = SaturatingMul(elements, k.cast<std::uint64_t>());
    } catch (py::error_already_set&) {
      return;  // no readable shape: it is converted (and checked) where it is used
    } catch (py::cast_error&) {
      return;
    }
    const std::string problem = MemoryProblem(SaturatingMul(elements, sizeof(double)),
                                              std::string(name) + " (" + std::to_string(elements) + " elements as float64)");
    if (!problem.empty()) ThrowValue(problem);
  }
}

Dataset MakeDataset(py::handle X, py::handle y, const std::string& expect, const char* x_name,
                    const char* y_name) {
  Dataset ds;
  ds.X = CopyMatrix(X, x_name);
  ds.y = CopyVector(y, y_name, ds.X.rows());
  ds.kind = InferLabelKind(ds.y, &ds.num_classes);
  ds.source = std::string(x_name) + ", " + y_name + " (Python arrays)";  // named in the library's messages
  if (!expect.empty() && expect != ToString(ds.kind)) {
    if (expect == "binary")
      ThrowValue(std::string(y_name) + ": expected labels -1 and +1 (binary classification), got " +
                 (ds.kind == LabelKind::kClass ? "class indices" : "real values"));
    if (expect == "class" && ds.kind == LabelKind::kBinary) {
      ThrowValue(std::string(y_name) + ": expected class indices 0, 1, …, got -1/+1 labels");
    }
    if (expect == "class") ThrowValue(std::string(y_name) + ": expected class indices 0, 1, …, got real values");
  }
  return ds;
}

nn::Network NetworkFrom(const py::sequence& layers, double output_scale, bool frozen_output) {
  if (py::isinstance<py::str>(layers) || layers.size() == 0)
    ThrowValue("weights: expected a list of layer matrices [W1, W2, …]");
  nn::Network net;
  for (std::size_t k = 0; k < layers.size(); ++k) {
    const std::string name = "weights[" + std::to_string(k) + "]";
    net.W.push_back(CopyMatrix(layers[k], name.c_str()));
  }
  net.output_scale = output_scale;
  net.frozen_output = frozen_output;
  net.Check("weights");
  return net;
}

void AddOutcome(py::dict& d, const SummaryBase& s) {
  d["termination"] = ToString(s.termination);
  d["message"] = s.message;
  d["seconds"] = s.TotalSeconds();
}

py::list LayerList(std::vector<Matrix>&& layers) {
  py::list out;
  for (auto& W : layers) out.append(py::cast(std::move(W)));
  return out;
}

namespace detail {
namespace {
py::object Obj(py::handle v) { return py::reinterpret_borrow<py::object>(v); }
[[noreturn]] void Wrong(py::handle value, const std::string& what, const char* expected) {
  ThrowType(what + ": expected " + expected + ", got " + TypeNameOf(value));
}
// An integer's value as a long long; ValueError (naming it) when it does not fit 64 bits.
long long AsLongLong(py::handle v, const std::string& what, const char* range) {
  py::object i = py::reinterpret_steal<py::object>(PyNumber_Index(v.ptr()));
  if (!i) throw py::error_already_set();
  int overflow = 0;
  const long long x = PyLong_AsLongLongAndOverflow(i.ptr(), &overflow);
  if (overflow != 0)
    ThrowValue(what + ": " + py::str(i).cast<std::string>() + " is out of range (" + range + ")");
  if (x == -1 && PyErr_Occurred()) throw py::error_already_set();
  return x;
}
}  // namespace

bool IsBool(py::handle v) { return py::isinstance<py::bool_>(v) || py::isinstance(v, py::module_::import("numpy").attr("bool_")); }
bool IsInteger(py::handle v) {
  return !IsBool(v) && (py::isinstance<py::int_>(v) || py::isinstance(v, py::module_::import("numpy").attr("integer")));
}
bool IsReal(py::handle v) {
  return IsInteger(v) || py::isinstance<py::float_>(v) || py::isinstance(v, py::module_::import("numpy").attr("floating"));
}

template <>
double FromPython<double>(py::handle v, const std::string& what) {
  if (!IsReal(v)) Wrong(v, what, "a number");
  if (IsInteger(v)) {  // an integer beyond double's range is an error, not inf
    const double x = PyLong_AsDouble(py::int_(Obj(v)).ptr());
    if (x == -1.0 && PyErr_Occurred()) {
      PyErr_Clear();
      ThrowValue(what + ": " + py::str(v).cast<std::string>() + " is out of range for a float");
    }
    return x;
  }
  return py::float_(Obj(v)).cast<double>();
}
template <>
long FromPython<long>(py::handle v, const std::string& what) {
  if (!IsInteger(v)) Wrong(v, what, "an integer");
  return static_cast<long>(AsLongLong(v, what, "a 64-bit integer"));
}
template <>
int FromPython<int>(py::handle v, const std::string& what) {
  if (!IsInteger(v)) Wrong(v, what, "an integer");
  const long long x = AsLongLong(v, what, "a 32-bit integer");
  if (x < INT32_MIN || x > INT32_MAX) ThrowValue(what + ": " + std::to_string(x) + " is out of range (a 32-bit integer)");
  return static_cast<int>(x);
}
template <>
unsigned long FromPython<unsigned long>(py::handle v, const std::string& what) {
  if (!IsInteger(v)) Wrong(v, what, "a non-negative integer");
  py::object i = py::reinterpret_steal<py::object>(PyNumber_Index(v.ptr()));
  if (!i) throw py::error_already_set();
  if (i.attr("__lt__")(0).cast<bool>()) ThrowValue(what + ": expected a non-negative integer, got " + py::str(i).cast<std::string>());
  const unsigned long long x = PyLong_AsUnsignedLongLong(i.ptr());
  if (x == static_cast<unsigned long long>(-1) && PyErr_Occurred()) {
    PyErr_Clear();
    ThrowValue(what + ": " + py::str(i).cast<std::string>() + " is out of range (0 to 2**64 - 1)");
  }
  return static_cast<unsigned long>(x);
}
template <>
bool FromPython<bool>(py::handle v, const std::string& what) {
  if (!IsBool(v)) Wrong(v, what, "True or False");
  return py::bool_(Obj(v)).cast<bool>();
}
template <>
std::string FromPython<std::string>(py::handle v, const std::string& what) {
  if (!py::isinstance<py::str>(v)) Wrong(v, what, "a string");
  return v.cast<std::string>();
}
template <>
std::vector<double> FromPython<std::vector<double>>(py::handle v, const std::string& what) {
  if (IsReal(v)) return {FromPython<double>(v, what)};
  if (py::isinstance<py::array>(v)) {
    const py::array a = py::reinterpret_borrow<py::array>(v);
    if (a.ndim() == 0) return {FromPython<double>(a.attr("item")(), what)};  // a 0-d array is its number
    if (a.ndim() > 1) ThrowValue(what + ": expected a number or a 1-D sequence of numbers");
  } else if (py::isinstance<py::str>(v) || py::isinstance<py::bytes>(v) || !PySequence_Check(v.ptr())) {
    Wrong(v, what, "a number or a sequence of numbers (list, tuple, 1-D array)");  // not a dict's or set's keys
  }
  std::vector<double> out;
  for (py::handle x : v) {
    if (out.size() >= 1'000'000) ThrowValue(what + ": more than 10^6 values");
    out.push_back(FromPython<double>(x, what));
  }
  return out;
}
}  // namespace detail

ParamMap ParamsFrom(const py::dict& kwargs, const std::string& context) {
  ParamMap p(context);
  for (auto item : kwargs) {
    const std::string key = py::str(item.first).cast<std::string>();
    py::handle v = item.second;
    const std::string what = context + ": " + key;
    std::string text;
    if (detail::IsBool(v)) {
      text = v.cast<bool>() ? "true" : "false";
    } else if (detail::IsInteger(v)) {
      text = py::str(py::int_(detail::Obj(v))).cast<std::string>();
    } else if (detail::IsReal(v)) {
      text = FormatDouble(detail::FromPython<double>(v, what));
    } else if (py::isinstance<py::str>(v)) {
      text = v.cast<std::string>();
    } else if (py::hasattr(v, "__iter__")) {
      for (double x : detail::FromPython<std::vector<double>>(v, what)) {
        if (!text.empty()) text += ';';
        text += FormatDouble(x);
      }
    } else {
      ThrowType(what + ": expected a number, string, bool or list, got " + detail::TypeNameOf(v));
    }
    p.Set(key, text);
  }
  return p;
}

}  // namespace marginlab::python
