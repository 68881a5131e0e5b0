// The one conversion layer of marginlab._core: every public function is declared once, as a
// Signature, and reads its arguments through a Call made from that Signature.
//
// A Signature lists a function's parameters in order — arrays and other arguments the binding
// converts itself (Arg, Kw), and one keyword per field of an Options struct (Options<T>(),
// from its Fields(v) list: name, type, default, doc and choices). From it come
//   * the Python function users call: scripts/gen-stubs writes python/marginlab/_api/<module>.py
//     from _core.<module>.__signatures__, one def per Signature with the real signature
//     (keywords, annotations, defaults) and a numpydoc docstring, so inspect.signature, help(),
//     IDEs, Jupyter and mypy see every keyword (tests/python/test_docs.py: the generated files
//     are current);
//   * the checks: Call refuses a keyword the Signature does not declare (TypeError naming it and
//     the known ones) and a missing required one, converts each value by its declared type
//     (TypeError for a wrong type, ValueError naming the argument for a value out of range —
//     integers beyond 64 bits included), sets Options fields and runs Validate(), and refuses a
//     field given a non-default value that the chosen variant does not use (Options::Unused). A
//     parameter the binding never reads is a bug it reports (InternalError), so a new function
//     cannot forget one.
//
// Long calls run inside a LongCall: the GIL released, SIGINT routed to RequestInterrupt()
// (core/interrupt.hpp) so the library stops within about a second and the call raises
// KeyboardInterrupt (through Python's own SIGINT handler); observers bridge a Python callback
// into the library's Observer hooks (core/options.hpp).
#pragma once

#include <climits>
#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "convert.hpp"

namespace marginlab::python {

// One parameter of a public function.
struct Param {
  std::string name;        // the Python keyword (lambda_ for the field lambda)
  std::string annotation;  // Python annotation text (typing names: Literal, Sequence, …)
  std::string default_py;  // the default as a Python expression; "" = required
  std::string doc;
  bool keyword_only = true;
  bool var_keyword = false;  // **name: the keywords no other parameter takes, as a dict
  std::string field;       // the Options field it sets ("" for an argument the binding reads)
};

// The Python spelling of a field name: a Python keyword gets a trailing underscore (PEP 8).
std::string PyName(const std::string& field);
// A Python string literal ('text', escaped).
std::string PyRepr(const std::string& text);
// A Python float literal (1.0, 1e-08, math.inf).
std::string PyFloat(double x);

namespace detail {
template <class T>
struct PyType;
template <>
struct PyType<double> {
  static std::string Annotation() { return "float"; }
  static std::string Default(double v) { return PyFloat(v); }
};
template <>
struct PyType<long> {
  static std::string Annotation() { return "int"; }
  static std::string Default(long v) { return std::to_string(v); }
};
template <>
struct PyType<int> {
  static std::string Annotation() { return "int"; }
  static std::string Default(int v) { return std::to_string(v); }
};
template <>
struct PyType<unsigned long> {
  static std::string Annotation() { return "int"; }
  static std::string Default(unsigned long v) { return std::to_string(v); }
};
template <>
struct PyType<bool> {
  static std::string Annotation() { return "bool"; }
  static std::string Default(bool v) { return v ? "True" : "False"; }
};
template <>
struct PyType<std::string> {
  static std::string Annotation() { return "str"; }
  static std::string Default(const std::string& v) { return PyRepr(v); }
};
template <>
struct PyType<std::vector<double>> {
  static std::string Annotation() { return "float | Sequence[float]"; }
  static std::string Default(const std::vector<double>& v) {
    if (v.size() == 1) return PyFloat(v[0]);
    std::string out = "(";
    for (double x : v) out += PyFloat(x) + ", ";
    return out + ")";
  }
};
std::string LiteralOf(const std::vector<std::string>& choices);

// Lists an Options' fields as Params.
struct ParamLister {
  std::vector<Param>* out;
  std::string prefix;
  const std::vector<std::string>* only;
  template <class T>
  void operator()(const char* name, T& field, const char* doc) {
    Add(name, PyType<T>::Annotation(), PyType<T>::Default(field), doc);
  }
  template <class T>
  void operator()(const char* name, T& field, const char* doc, const std::vector<std::string>& choices) {
    if constexpr (std::is_same_v<T, std::string>)
      Add(name, LiteralOf(choices), PyType<T>::Default(field), DocWithChoices(doc, choices));
    else
      Add(name, PyType<T>::Annotation(), PyType<T>::Default(field), DocWithChoices(doc, choices));
  }
  void Add(const std::string& field, const std::string& annotation, const std::string& def, const std::string& doc);
};
}  // namespace detail

class Signature {
 public:
  // `summary`: the docstring's first line — what the function computes; `details`: more
  // paragraphs; `returns`: the return annotation and what it holds.
  Signature(std::string name, std::string summary, std::string details, std::string returns_annotation,
            std::string returns_doc);

  // A parameter that may be positional: required (no default) or with a default (Python text).
  Signature& Arg(const std::string& name, const std::string& annotation, const std::string& doc);
  Signature& Arg(const std::string& name, const std::string& annotation, const std::string& default_py,
                 const std::string& doc);
  // Keyword-only parameters the binding reads itself.
  Signature& Kw(const std::string& name, const std::string& annotation, const std::string& default_py,
                const std::string& doc);
  // **name: every other keyword, collected into a dict (a data source's parameters).
  Signature& VarKw(const std::string& name, const std::string& doc);
  // One keyword-only parameter per field of Opts (with `prefix` before each name; `only`: a
  // subset of the fields), its default the value in `defaults`.
  template <class Opts>
  Signature& Options(const Opts& defaults = {}, const std::string& prefix = "",
                     const std::vector<std::string>* only = nullptr) {
    Opts copy = defaults;
    detail::ParamLister lister{&params_, prefix, only};
    copy.Fields(lister);
    return *this;
  }
  // The field's keyword becomes required (no sensible default): `why` is said when it is missing.
  Signature& Require(const std::string& name, const std::string& why);
  // A parameter's documentation replaced (e.g. a field whose meaning the binding converts).
  Signature& Doc(const std::string& name, const std::string& doc);
  Signature& Annotate(const std::string& name, const std::string& annotation);
  Signature& Default(const std::string& name, const std::string& default_py);
  // Drops a parameter (a field the binding sets itself).
  Signature& Remove(const std::string& name);
  // progress= and callback= keywords (see marginlab/_progress.py): the generated wrapper turns
  // them into one observer callable passed as `callback`; `record` says what each call receives.
  Signature& Observed(const std::string& record);

  const std::string& name() const { return name_; }
  const std::vector<Param>& params() const { return params_; }
  const Param* Find(const std::string& name) const;
  bool observed() const { return observed_; }
  // The description scripts/gen-stubs writes the Python function from.
  py::dict Describe() const;
  // The docstring (numpydoc layout).
  std::string Docstring() const;
  std::string WhyRequired(const std::string& name) const;

 private:
  std::string name_, summary_, details_, returns_annotation_, returns_doc_;
  std::vector<Param> params_;
  std::map<std::string, std::string> required_why_;
  bool observed_ = false;
};

// A Python callback behind a library Observer: called with the GIL, its record as a dict; an
// exception it raises or a False it returns stops the computation (the exception is re-raised
// when the call returns). Lives in the binding's frame, so the callback outlives every copy of
// the Observer; the Observer holds only a raw pointer to it.
class CallbackBridge {
 public:
  explicit CallbackBridge(py::handle callback);  // None: no observer
  ~CallbackBridge();
  bool active() const { return callback_ != nullptr; }
  // The library's Observer for records turned into dicts by `to_dict` (called with the GIL).
  template <class... R, class F>
  Observer<R...> Make(F to_dict) {
    if (!active()) return {};
    return [this, to_dict](const R&... r) -> bool {
      py::gil_scoped_acquire gil;
      return Call(to_dict(r...));
    };
  }
  // Re-raises the callback's exception, if it raised one (with the GIL).
  void RethrowIfFailed();

 private:
  bool Call(py::dict record);  // with the GIL
  PyObject* callback_ = nullptr;  // a new reference, released in the destructor (GIL held)
  std::unique_ptr<py::error_already_set> error_;
};

// The arguments of one call, by name (see the header). Made from the Signature and the call's
// positional and keyword arguments.
class Call {
 public:
  Call(const Signature& sig, const py::args& args, const py::kwargs& kwargs);

  const std::string& function() const { return sig_->name(); }
  bool Given(const std::string& name) const;   // present and not None
  py::handle Get(const std::string& name);     // None when absent
  std::string What(const std::string& name) const { return name; }  // names in messages

  // Arrays (convert.hpp's rules; the argument's name in every message).
  MatrixView View(const std::string& name, Index rows = -1, Index cols = -1, bool allow_empty = false);
  marginlab::Matrix Matrix(const std::string& name, Index rows = -1, Index cols = -1, bool allow_empty = false);
  marginlab::Vector Vector(const std::string& name, Index size = -1);
  // A target matrix: a 1-D array of n (one column; *was_vector set) or an n × k array.
  marginlab::Matrix Targets(const std::string& name, Index rows, bool* was_vector = nullptr);
  Dataset Data(const std::string& x, const std::string& y, const std::string& expect = "");
  // An optional test set: both arguments or neither, with train's number of columns.
  std::optional<Dataset> TestData(const std::string& x, const std::string& y, const Dataset& train);
  // Scalars, strictly typed; `lo`/`hi` inclusive bounds (ValueError naming the argument).
  double Real(const std::string& name, double lo = -INFINITY, double hi = INFINITY, bool finite = true);
  long Int(const std::string& name, long lo = LONG_MIN, long hi = LONG_MAX);
  bool Bool(const std::string& name);
  std::string Str(const std::string& name, const std::vector<std::string>& choices = {});
  std::string Path(const std::string& name);  // str or os.PathLike; "" when None
  py::object Callable(const std::string& name);  // None or a callable
  // Every field of Opts declared by Options<Opts>() set from its keyword, validated, and the
  // fields given a non-default value that the chosen variant does not use refused.
  template <class Opts>
  Opts Options(Opts opts = {}, const std::string& prefix = "", const std::vector<std::string>* only = nullptr);
  // The fields of the last Options() given a value other than their default.
  const std::set<std::string>& changed() const { return changed_; }

  // InternalError if a parameter that was given was never read (a binding that forgot it).
  void CheckAllRead() const;

 private:
  void MarkRead(const std::string& name) { read_.insert(name); }
  const Signature* sig_;
  py::dict values_;
  std::set<std::string> read_;
  std::set<std::string> changed_;
};

namespace detail {
struct KwargFieldSetter {
  Call* call;
  const Signature* sig;
  const py::dict* values;
  std::string prefix;
  const std::vector<std::string>* only;
  std::set<std::string>* changed;
  std::set<std::string>* read;
  template <class T>
  void operator()(const char* name, T& field, const char* /*doc*/) {
    if (only != nullptr && std::find(only->begin(), only->end(), name) == only->end()) return;
    const std::string key = PyName(prefix + name);
    read->insert(key);
    if (!values->contains(key)) return;
    py::handle v = (*values)[py::str(key)];
    if (v.is_none()) {  // "not given" only where the signature's default is None
      const Param* p = sig->Find(key);
      if (p != nullptr && p->default_py == "None") return;
      ThrowType(call->function() + ": " + key + ": expected " + (p ? p->annotation : std::string("a value")) +
                ", got None");
    }
    const T given = FromPython<T>(v, call->function() + ": " + key);
    if (!(given == field)) changed->insert(name);
    field = given;
  }
  template <class T>
  void operator()(const char* name, T& field, const char* doc, const std::vector<std::string>&) {
    (*this)(name, field, doc);
  }
};
}  // namespace detail

template <class Opts>
Opts Call::Options(Opts opts, const std::string& prefix, const std::vector<std::string>* only) {
  changed_.clear();
  detail::KwargFieldSetter setter{this, sig_, &values_, prefix, only, &changed_, &read_};
  opts.Fields(setter);
  std::string problem = opts.Validate();
  if (!problem.empty()) {
    // A prefixed group (logistic_tol): Validate() names its own field (tol); say the keyword.
    if (!prefix.empty())
      for (const FieldInfo& f : DescribeFields(opts))
        if (problem.rfind(f.name + " ", 0) == 0 || problem.rfind(f.name + ":", 0) == 0) {
          problem = PyName(prefix + f.name) + problem.substr(f.name.size());
          break;
        }
    ThrowValue(function() + ": " + problem);
  }
  for (const std::string& f : changed_)  // one at a time, to name the keyword (prefix, lambda_)
    if (const std::string why = UnusedField(opts, {f}); !why.empty())
      ThrowValue(function() + ": " + PyName(prefix + f) + why.substr(f.size()));
  return opts;
}

// Registers `fn` as _core.<module>.<sig.name()>, taking the Signature's arguments (positional in
// order, or by keyword), and records the Signature in <module>.__signatures__.
void Def(py::module_& m, Signature sig, std::function<py::object(Call&)> fn);

// The GIL released and SIGINT turned into a library interrupt while it lives (main thread only,
// when Python's own SIGINT handler is installed; nested calls share the outer one). After it,
// an InterruptedError from the library is raised as KeyboardInterrupt (module.cpp).
class LongCall {
 public:
  LongCall();
  ~LongCall();
  LongCall(const LongCall&) = delete;
  LongCall& operator=(const LongCall&) = delete;

 private:
  bool installed_ = false;
  std::optional<py::gil_scoped_release> release_;
};

// A network argument: a list of layers [W1, …, Wq], or a dict as train() (its "final" layers) or
// load_network() ("weights") returns, which also carries the output scale, whether the output
// layer is frozen and the objective it was trained on. The keywords output_scale and
// frozen_output (None: from the dict, else 1 and False) must agree with a dict's.
inline constexpr const char* kNetworkDoc =
    "the network: its layers [W1, …, Wq] (W_k: m_k x m_{k−1}, bias-free, ReLU between: torch.nn.Linear.weight's "
    "layout), or a dict from nn.train() (one trial) or nn.load_network(), which also gives its output scale, "
    "frozen output layer and objective";
inline constexpr const char* kOutputScaleDoc =
    "the output scale s of f = s · W_q relu(…); None: the network dict's, else 1";
inline constexpr const char* kFrozenDoc = "whether the output layer is fixed (not a parameter); None: the network dict's, else False";
struct NetworkArgs {
  nn::Network net;
  std::optional<py::dict> objective;  // the dict's "objective" (loss, lambda, reg_power, scaling, …)
};
// Reads `name` (a list or a dict as above), "output_scale" and "frozen_output".
NetworkArgs NetworkArg(Call& c, const std::string& name = "weights");

// Results: a struct's Fields(v) visitor with v(key, value) calls (the CLI's JSON uses the same
// visitor, so both say the same keys) → a dict.
struct ResultDict {
  py::dict d;
  template <class R>
  static py::dict Of(const R& result) {
    ResultDict v;
    result.Fields(v);
    return v.d;
  }
  template <class T>
  void operator()(const char* key, const T& value) {
    d[key] = py::cast(value);
  }
  void operator()(const char* key, const Bracket& b) {
    auto number = [](double x) { return std::isfinite(x) ? py::object(py::float_(x)) : py::object(py::none()); };
    d[key] = py::make_tuple(number(b.lower), number(b.upper));
  }
  template <class R>
    requires requires(const R& r, ResultDict& w) { r.Fields(w); }
  void operator()(const char* key, const R& result) {  // a nested result
    d[key] = Of(result);
  }
  template <class R>
    requires requires(const R& r, ResultDict& w) { r.Fields(w); }
  void operator()(const char* key, const std::vector<R>& results) {  // a list of results
    py::list l;
    for (const R& r : results) l.append(Of(r));
    d[key] = l;
  }
};

}  // namespace marginlab::python
