// numpy ↔ Eigen and kwargs ↔ Options (convert.hpp).
#include "convert.hpp"

#include <cmath>
#include <cstdint>

#include "marginlab/core/error.hpp"

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

template <class M>
void CheckFinite(const M& m, const char* name) {
  for (Index j = 0; j < m.cols(); ++j)
    for (Index i = 0; i < m.rows(); ++i)
      if (!std::isfinite(m(i, j)))
        ThrowValue(std::string(name) + ": entry (" + std::to_string(i) + ", " + std::to_string(j) +
                   ") is not finite (" + std::to_string(m(i, j)) + ")");
}

// A float64 array's strides in elements, or false when they are not whole positive elements or
// the data are not aligned to a double.
bool ElementStrides(const py::array& a, Index* s0, Index* s1) {
  if (reinterpret_cast<std::uintptr_t>(a.data()) % alignof(double) != 0) return false;  // a byte-offset view
  const auto b0 = a.strides(0), b1 = a.ndim() > 1 ? a.strides(1) : 0;
  if (b0 <= 0 || b1 < 0 || b0 % 8 != 0 || b1 % 8 != 0) return false;
  *s0 = b0 / 8;
  *s1 = b1 / 8;
  return true;
}

// The array converted to float64 in Fortran order (one copy).
py::array FortranDouble(const py::array& a) {
  py::module_ np = py::module_::import("numpy");
  return np.attr("asfortranarray")(a, py::arg("dtype") = np.attr("float64"));
}
}  // namespace

namespace detail {
std::string TypeNameOf(py::handle value) { return py::str(py::type::of(value).attr("__name__")).cast<std::string>(); }
}  // namespace detail

MatrixView ViewMatrix(py::handle obj, const char* name, Index rows, Index cols, bool allow_empty) {
  py::array a = AsNumeric(obj, name);
  CheckShape(a, name, rows, cols, allow_empty);
  MatrixView v;
  const bool f_double = a.dtype().is(py::dtype::of<double>()) &&
                        (a.flags() & py::array::f_style) != 0 &&
                        reinterpret_cast<std::uintptr_t>(a.data()) % alignof(double) == 0;
  v.copied = !f_double;
  v.keep = f_double ? a : FortranDouble(a);
  new (&v.map) Eigen::Map<const Matrix>(static_cast<const double*>(v.keep.data()), v.keep.shape(0),
                                        v.keep.shape(1));
  CheckFinite(v.map, name);
  return v;
}

Matrix CopyMatrix(py::handle obj, const char* name, Index rows, Index cols, bool allow_empty) {
  py::array a = AsNumeric(obj, name);
  CheckShape(a, name, rows, cols, allow_empty);
  Index s0 = 0, s1 = 0;
  if (!a.dtype().is(py::dtype::of<double>()) || !ElementStrides(a, &s0, &s1)) a = FortranDouble(a);
  if (!ElementStrides(a, &s0, &s1)) ThrowValue(std::string(name) + ": unsupported memory layout");
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
  py::array_t<double> d = py::array_t<double, py::array::forcecast>::ensure(a);
  Vector out(d.shape(0));
  for (Index i = 0; i < out.size(); ++i) {
    out[i] = d.at(i);
    if (!std::isfinite(out[i]))
      ThrowValue(std::string(name) + ": entry " + std::to_string(i) + " is not finite (" +
                 std::to_string(out[i]) + ")");
  }
  return out;
}

Dataset MakeDataset(py::handle X, py::handle y, const std::string& expect, const char* x_name,
                    const char* y_name) {
  Dataset ds;
  ds.X = CopyMatrix(X, x_name);
  ds.y = CopyVector(y, y_name, ds.X.rows());
  ds.kind = InferLabelKind(ds.y, &ds.num_classes);
  ds.source = "Python arrays";
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

py::dict KeywordNames(const py::dict& kwargs, const std::string& context) {
  py::dict out;
  py::object iskeyword = py::module_::import("keyword").attr("iskeyword");
  for (auto item : kwargs) {
    std::string key = py::str(item.first).cast<std::string>();
    if (key.size() > 1 && key.back() == '_' && iskeyword(key.substr(0, key.size() - 1)).cast<bool>()) {
      key.pop_back();
      if (kwargs.contains(key)) ThrowType(context + "(): '" + key + "' given twice (as " + key + " and " + key + "_)");
    }
    out[py::str(key)] = item.second;
  }
  return out;
}

void RefuseUnknown(const py::dict& kwargs, const std::vector<std::string>& known, const std::string& context) {
  for (auto item : kwargs) {
    const std::string key = py::str(item.first).cast<std::string>();
    bool found = false;
    for (const auto& k : known) found = found || k == key;
    if (!found) ThrowType(context + "() got an unexpected keyword argument '" + key + "' (known: " + JoinWords(known, ", ", ", ") + ")");
  }
}

namespace detail {
namespace {
py::object Obj(py::handle v) { return py::reinterpret_borrow<py::object>(v); }
bool IsBool(py::handle v) { return py::isinstance<py::bool_>(v) || py::isinstance(v, py::module_::import("numpy").attr("bool_")); }
bool IsInteger(py::handle v) {
  return !IsBool(v) && (py::isinstance<py::int_>(v) || py::isinstance(v, py::module_::import("numpy").attr("integer")));
}
bool IsReal(py::handle v) {
  return IsInteger(v) || py::isinstance<py::float_>(v) || py::isinstance(v, py::module_::import("numpy").attr("floating"));
}
[[noreturn]] void Wrong(py::handle value, const std::string& what, const char* expected) {
  ThrowType(what + ": expected " + expected + ", got " + TypeNameOf(value));
}
}  // namespace

template <>
double FromPython<double>(py::handle v, const std::string& what) {
  if (!IsReal(v)) Wrong(v, what, "a number");
  return py::float_(Obj(v)).cast<double>();
}
template <>
long FromPython<long>(py::handle v, const std::string& what) {
  if (!IsInteger(v)) Wrong(v, what, "an integer");
  return py::int_(Obj(v)).cast<long>();
}
template <>
int FromPython<int>(py::handle v, const std::string& what) {
  const long x = FromPython<long>(v, what);
  if (x < INT32_MIN || x > INT32_MAX) ThrowValue(what + ": " + std::to_string(x) + " is out of range");
  return static_cast<int>(x);
}
template <>
unsigned long FromPython<unsigned long>(py::handle v, const std::string& what) {
  if (!IsInteger(v)) Wrong(v, what, "a non-negative integer");
  if (py::int_(Obj(v)).attr("__lt__")(0).cast<bool>()) ThrowValue(what + ": expected a non-negative integer");
  return py::int_(Obj(v)).cast<unsigned long>();
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
  if (py::isinstance<py::str>(v) || !py::hasattr(v, "__iter__")) Wrong(v, what, "a number or a sequence of numbers");
  std::vector<double> out;
  for (py::handle x : v) out.push_back(FromPython<double>(x, what));
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
