// Signatures, calls, long calls and callbacks (api.hpp).
#include "api.hpp"

#include <pythread.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <sstream>

#include "marginlab/core/error.hpp"
#include "marginlab/core/interrupt.hpp"

namespace marginlab::python {

std::string PyName(const std::string& field) {
  // Python's keywords, fixed for the interpreter's life (a static py::object would be released
  // after the interpreter is gone).
  static const std::set<std::string> keywords = [] {
    std::set<std::string> k;
    for (py::handle w : py::module_::import("keyword").attr("kwlist")) k.insert(w.cast<std::string>());
    return k;
  }();
  return keywords.count(field) ? field + "_" : field;
}

std::string PyRepr(const std::string& text) { return py::repr(py::str(text)).cast<std::string>(); }

std::string PyFloat(double x) {
  if (std::isinf(x)) return x > 0 ? "math.inf" : "-math.inf";
  if (std::isnan(x)) return "math.nan";
  std::string t = FormatDouble(x);
  if (t.find_first_of(".eEn") == std::string::npos) t += ".0";
  return t;
}

namespace detail {
std::string LiteralOf(const std::vector<std::string>& choices) {
  std::string out = "Literal[";
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) out += ", ";
    out += PyRepr(choices[i]);  // appended in place (GCC 12 warns on a temporary "" + …)
  }
  out += "]";
  return out;
}

void ParamLister::Add(const std::string& field, const std::string& annotation, const std::string& def,
                      const std::string& doc) {
  if (only != nullptr && std::find(only->begin(), only->end(), field) == only->end()) return;
  Param p;
  p.name = PyName(prefix + field);
  p.annotation = annotation;
  p.default_py = def;
  p.doc = doc;
  p.keyword_only = true;
  p.field = field;
  for (const Param& q : *out)
    if (q.name == p.name) throw InternalError("signature: the keyword '" + p.name + "' is declared twice");
  out->push_back(std::move(p));
}
}  // namespace detail

Signature::Signature(std::string name, std::string summary, std::string details, std::string returns_annotation,
                     std::string returns_doc)
    : name_(std::move(name)),
      summary_(std::move(summary)),
      details_(std::move(details)),
      returns_annotation_(std::move(returns_annotation)),
      returns_doc_(std::move(returns_doc)) {}

namespace {
void AddParam(std::vector<Param>& params, Param p) {
  for (const Param& q : params)
    if (q.name == p.name) throw InternalError("signature: the parameter '" + p.name + "' is declared twice");
  if (!p.keyword_only)
    for (const Param& q : params)
      if (q.keyword_only) throw InternalError("signature: positional '" + p.name + "' after keyword-only ones");
  params.push_back(std::move(p));
}
}  // namespace

Signature& Signature::Arg(const std::string& name, const std::string& annotation, const std::string& doc) {
  for (const Param& q : params_)
    if (!q.default_py.empty())
      throw InternalError("signature " + name_ + ": required '" + name + "' after an optional one");
  AddParam(params_, Param{name, annotation, "", doc, false, false, ""});
  return *this;
}

Signature& Signature::Arg(const std::string& name, const std::string& annotation, const std::string& default_py,
                          const std::string& doc) {
  AddParam(params_, Param{name, annotation, default_py, doc, false, false, ""});
  return *this;
}

Signature& Signature::Kw(const std::string& name, const std::string& annotation, const std::string& default_py,
                         const std::string& doc) {
  AddParam(params_, Param{name, annotation, default_py, doc, true, false, ""});
  return *this;
}

Signature& Signature::VarKw(const std::string& name, const std::string& doc) {
  AddParam(params_, Param{name, "Any", "{}", doc, true, true, ""});
  return *this;
}

namespace {
Param& Lookup(std::vector<Param>& params, const std::string& name, const std::string& fn) {
  for (Param& p : params)
    if (p.name == name) return p;
  throw InternalError("signature " + fn + ": no parameter '" + name + "'");
}
}  // namespace

Signature& Signature::Require(const std::string& name, const std::string& why) {
  Lookup(params_, name, name_).default_py = "";
  required_why_[name] = why;
  return *this;
}

Signature& Signature::Doc(const std::string& name, const std::string& doc) {
  Lookup(params_, name, name_).doc = doc;
  return *this;
}

Signature& Signature::Annotate(const std::string& name, const std::string& annotation) {
  Lookup(params_, name, name_).annotation = annotation;
  return *this;
}

Signature& Signature::Default(const std::string& name, const std::string& default_py) {
  Lookup(params_, name, name_).default_py = default_py;
  return *this;
}

Signature& Signature::Remove(const std::string& name) {
  Lookup(params_, name, name_);
  std::erase_if(params_, [&](const Param& p) { return p.name == name; });
  return *this;
}

Signature& Signature::Observed(const std::string& record) {
  observed_ = true;
  Kw("progress", "bool", "False",
     "show progress: a tqdm bar when tqdm is installed, else a line on stderr now and then");
  Kw("callback", "Callable[[dict[str, Any]], bool | None] | None", "None",
     "called with a dict at each " + record + "; returning False stops the computation early "
     "(termination 'stopped', with what it has so far); an exception it raises stops it and is re-raised");
  return *this;
}

const Param* Signature::Find(const std::string& name) const {
  for (const Param& p : params_)
    if (p.name == name) return &p;
  return nullptr;
}

std::string Signature::WhyRequired(const std::string& name) const {
  auto it = required_why_.find(name);
  return it == required_why_.end() ? "" : it->second;
}

py::dict Signature::Describe() const {
  py::list params;
  for (const Param& p : params_) {
    py::dict d;
    d["name"] = p.name;
    d["annotation"] = p.annotation;
    d["default"] = p.default_py.empty() ? py::none() : py::object(py::str(p.default_py));
    d["doc"] = p.doc;
    d["keyword_only"] = p.keyword_only;
    d["var_keyword"] = p.var_keyword;
    d["field"] = p.field;
    params.append(d);
  }
  py::dict d;
  d["name"] = name_;
  d["params"] = params;
  d["returns"] = returns_annotation_;
  d["doc"] = Docstring();
  d["observed"] = observed_;
  return d;
}

namespace {
// Wraps `text` at 96 columns with `indent`.
std::string Wrap(const std::string& text, const std::string& indent) {
  std::string out, line;
  std::istringstream words(text);
  std::string w;
  while (words >> w) {
    if (!line.empty() && indent.size() + line.size() + 1 + w.size() > 96) {
      out += indent + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + w;
  }
  if (!line.empty()) out += indent + line + "\n";
  return out;
}
}  // namespace

std::string Signature::Docstring() const {
  std::string out = summary_ + "\n";
  if (!details_.empty()) {
    std::istringstream paras(details_);
    std::string para;
    out += "\n";
    // paragraphs separated by blank lines; a line starting with spaces is kept verbatim
    std::string block;
    std::string line;
    while (std::getline(paras, line)) {
      if (line.empty()) {
        out += block + "\n";
        block.clear();
      } else if (line[0] == ' ') {
        block += line + "\n";
      } else {
        block += Wrap(line, "");
      }
    }
    out += block;
  }
  if (!params_.empty()) out += "\nParameters\n----------\n";
  for (const Param& p : params_) {
    if (p.var_keyword) {
      out += "**" + p.name + "\n" + Wrap(p.doc, "    ");
      continue;
    }
    out += p.name + " : " + p.annotation;
    if (!p.default_py.empty()) out += ", default " + p.default_py;
    out += "\n" + Wrap(p.doc.empty() ? "(see the CLI's flag of the same name)" : p.doc, "    ");
  }
  out += "\nReturns\n-------\n" + returns_annotation_ + "\n" + Wrap(returns_doc_, "    ");
  return out;
}

// ---- callbacks ----

CallbackBridge::CallbackBridge(py::handle callback) {
  if (callback.is_none()) return;
  if (!PyCallable_Check(callback.ptr())) ThrowType("callback: expected a callable or None, got " + detail::TypeNameOf(callback));
  callback_ = callback.inc_ref().ptr();
}

CallbackBridge::~CallbackBridge() {
  // The binding's frame ends with the GIL held (LongCall has re-acquired it).
  if (callback_) Py_DECREF(callback_);
}

bool CallbackBridge::Call(py::dict record) {
  if (error_) return false;  // an earlier call raised: stop everywhere
  try {
    py::object r = py::reinterpret_borrow<py::object>(callback_)(record);
    return !(py::isinstance<py::bool_>(r) && !r.cast<bool>());
  } catch (py::error_already_set& e) {
    error_ = std::make_unique<py::error_already_set>(std::move(e));
    return false;
  }
}

void CallbackBridge::RethrowIfFailed() {
  if (!error_) return;
  std::unique_ptr<py::error_already_set> e = std::move(error_);
  throw std::move(*e);
}

// ---- calls ----

Call::Call(const Signature& sig, const py::args& args, const py::kwargs& kwargs) : sig_(&sig) {
  const auto& params = sig.params();
  std::size_t positional = 0;
  for (const Param& p : params) positional += p.keyword_only ? 0 : 1;
  if (args.size() > positional)
    ThrowType(sig.name() + "() takes " + std::to_string(positional) + " positional argument" +
              (positional == 1 ? "" : "s") + " but " + std::to_string(args.size()) + " were given");
  for (std::size_t i = 0; i < args.size(); ++i) values_[py::str(params[i].name)] = args[i];
  const Param* var_kw = nullptr;
  for (const Param& p : params)
    if (p.var_keyword) var_kw = &p;
  py::dict extra;
  if (var_kw) values_[py::str(var_kw->name)] = extra;
  for (auto item : kwargs) {
    std::string key = py::str(item.first).cast<std::string>();
    if (key == "lambda" && sig.Find("lambda_")) key = "lambda_";  // **{"lambda": …}
    const Param* p = sig.Find(key);
    if (var_kw && p == var_kw && py::isinstance<py::dict>(item.second)) {  // the wrapper's params=params
      for (auto kv : py::reinterpret_borrow<py::dict>(item.second)) extra[kv.first] = kv.second;
      continue;
    }
    if (p == nullptr && var_kw) {
      extra[py::str(key)] = item.second;
      continue;
    }
    if (p == nullptr) {
      std::string known;
      for (const Param& q : params) known += (known.empty() ? "" : ", ") + q.name;
      ThrowType(sig.name() + "() got an unexpected keyword argument '" + key + "' (known: " + known + ")");
    }
    if (values_.contains(key))
      ThrowType(sig.name() + "() got multiple values for argument '" + key + "'");
    values_[py::str(key)] = item.second;
  }
  // Absent parameters take their declared defaults (the generated wrappers pass every one; a
  // direct _core call may not).
  py::dict env;
  bool env_ready = false;
  for (const Param& p : params)
    if (!p.default_py.empty() && !p.var_keyword && !values_.contains(p.name)) {
      if (!env_ready) {
        env["math"] = py::module_::import("math");
        env_ready = true;
      }
      values_[py::str(p.name)] = py::eval(p.default_py, env);
    }
  for (const Param& p : params)
    if (p.default_py.empty() && !values_.contains(p.name)) {
      const std::string why = sig.WhyRequired(p.name);
      ThrowType(sig.name() + "() missing required argument '" + p.name + "'" + (why.empty() ? "" : ": " + why));
    }
}

bool Call::Given(const std::string& name) const {
  return values_.contains(name) && !values_[py::str(name)].is_none();
}

py::handle Call::Get(const std::string& name) {
  MarkRead(name);
  if (sig_->Find(name) == nullptr) throw InternalError(function() + ": the binding reads '" + name + "', not declared");
  return values_.contains(name) ? py::handle(values_[py::str(name)]) : py::handle(py::none());
}

MatrixView Call::View(const std::string& name, Index rows, Index cols, bool allow_empty) {
  return ViewMatrix(Get(name), name.c_str(), rows, cols, allow_empty);
}

Matrix Call::Matrix(const std::string& name, Index rows, Index cols, bool allow_empty) {
  return CopyMatrix(Get(name), name.c_str(), rows, cols, allow_empty);
}

Vector Call::Vector(const std::string& name, Index size) { return CopyVector(Get(name), name.c_str(), size); }

marginlab::Matrix Call::Targets(const std::string& name, Index rows, bool* was_vector) {
  py::handle h = Get(name);
  py::object a;
  try {
    a = py::module_::import("numpy").attr("asarray")(h);
  } catch (py::error_already_set& e) {
    ThrowType(name + ": expected an array of numbers, got " + detail::TypeNameOf(h) + " (" + e.what() + ")");
  }
  const long ndim = a.attr("ndim").cast<long>();
  if (was_vector) *was_vector = ndim == 1;
  if (ndim == 1) return marginlab::Matrix(CopyVector(a, name.c_str(), rows));
  return CopyMatrix(a, name.c_str(), rows);
}

Dataset Call::Data(const std::string& x, const std::string& y, const std::string& expect) {
  return MakeDataset(Get(x), Get(y), expect, x.c_str(), y.c_str());
}

std::optional<Dataset> Call::TestData(const std::string& x, const std::string& y, const Dataset& train) {
  if (Given(x) != Given(y)) ThrowValue(x + " and " + y + ": give both or neither");
  if (!Given(x)) {
    (void)Get(x), (void)Get(y);
    return std::nullopt;
  }
  Dataset test = Data(x, y);
  if (test.d() != train.d())
    ThrowValue(x + ": expected " + std::to_string(train.d()) + " columns (as X), got " + std::to_string(test.d()));
  return test;
}

double Call::Real(const std::string& name, double lo, double hi, bool finite) {
  const double v = FromPython<double>(Get(name), name);
  if (std::isnan(v) || (finite && !std::isfinite(v)))
    ThrowValue(name + ": expected a finite number, got " + FormatDouble(v));
  if (v < lo || v > hi)
    ThrowValue(name + ": expected a number in [" + FormatDouble(lo) + ", " + FormatDouble(hi) + "], got " + FormatDouble(v));
  return v;
}

long Call::Int(const std::string& name, long lo, long hi) {
  const long v = FromPython<long>(Get(name), name);
  if (v < lo || v > hi)
    ThrowValue(name + ": expected an integer from " + std::to_string(lo) + " to " + std::to_string(hi) + ", got " +
               std::to_string(v));
  return v;
}

bool Call::Bool(const std::string& name) { return FromPython<bool>(Get(name), name); }

std::string Call::Str(const std::string& name, const std::vector<std::string>& choices) {
  const std::string v = FromPython<std::string>(Get(name), name);
  if (!choices.empty() && !IsChoice(choices, v))
    ThrowValue(name + ": expected " + JoinWords(choices) + ", got '" + v + "'");
  return v;
}

std::string Call::Path(const std::string& name) {
  py::handle h = Get(name);
  if (h.is_none()) {
    const Param* p = sig_->Find(name);
    if (p != nullptr && p->default_py == "None") return "";
    ThrowType(name + ": expected a path (str or os.PathLike), got None");
  }
  const bool pathlike = py::isinstance<py::str>(h) || py::hasattr(h, "__fspath__");
  if (!pathlike || py::isinstance<py::bytes>(h))
    ThrowType(name + ": expected a path (str or os.PathLike), got " + detail::TypeNameOf(h));
  const std::string p = py::str(py::module_::import("os").attr("fspath")(h)).cast<std::string>();
  if (p.empty()) ThrowValue(name + ": expected a path, got ''");
  if (p.find('\0') != std::string::npos) ThrowValue(name + ": a path cannot contain a NUL character");
  return p;
}

py::object Call::Callable(const std::string& name) {
  py::handle h = Get(name);
  if (!h.is_none() && !PyCallable_Check(h.ptr()))
    ThrowType(name + ": expected a callable or None, got " + detail::TypeNameOf(h));
  return py::reinterpret_borrow<py::object>(h);
}

void Call::CheckAllRead() const {
  for (auto item : values_) {
    const std::string key = py::str(item.first).cast<std::string>();
    if (read_.count(key) == 0 && key != "progress")  // progress= is the Python wrapper's
      throw InternalError(function() + ": the binding did not read its parameter '" + key + "'");
  }
}

NetworkArgs NetworkArg(Call& c, const std::string& name) {
  py::handle w = c.Get(name);
  NetworkArgs out;
  std::optional<double> scale;
  std::optional<bool> frozen;
  py::handle layers = w;
  if (py::isinstance<py::dict>(w)) {
    const py::dict d = py::reinterpret_borrow<py::dict>(w);
    const char* key = d.contains("weights") ? "weights" : d.contains("final") ? "final" : nullptr;
    if (key == nullptr)
      ThrowValue(name + ": a network dict needs its layers under 'weights' (load_network) or 'final' (train), got keys " +
                 py::str(py::list(d.attr("keys")())).cast<std::string>());
    layers = d[key];
    if (d.contains("output_scale")) scale = FromPython<double>(d["output_scale"], name + "['output_scale']");
    if (d.contains("frozen_output")) frozen = FromPython<bool>(d["frozen_output"], name + "['frozen_output']");
    if (d.contains("objective") && !d["objective"].is_none()) {
      if (!py::isinstance<py::dict>(d["objective"])) ThrowType(name + "['objective']: expected a dict or None");
      out.objective = py::reinterpret_borrow<py::dict>(d["objective"]);
    }
  } else if (py::isinstance<py::str>(w) || py::isinstance<py::bytes>(w) || !py::isinstance<py::sequence>(w)) {
    ThrowType(name + ": expected a list of layer matrices [W1, W2, …] or a network dict, got " + detail::TypeNameOf(w));
  }
  if (c.Given("output_scale")) {
    const double s = c.Real("output_scale", 0, INFINITY);
    if (!(s > 0)) ThrowValue("output_scale: expected a finite number > 0, got " + FormatDouble(s));
    if (scale && *scale != s)
      ThrowValue("output_scale: the network dict says " + FormatDouble(*scale) + ", the argument " + FormatDouble(s) +
                 " (give one of them)");
    scale = s;
  } else {
    (void)c.Get("output_scale");
  }
  if (c.Given("frozen_output")) {
    const bool f = c.Bool("frozen_output");
    if (frozen && *frozen != f) ThrowValue("frozen_output: the network dict and the argument disagree (give one of them)");
    frozen = f;
  } else {
    (void)c.Get("frozen_output");
  }
  py::sequence seq = py::reinterpret_borrow<py::sequence>(layers);
  if (py::isinstance<py::str>(layers) || !py::isinstance<py::sequence>(layers))
    ThrowType(name + ": expected a list of layer matrices [W1, W2, …], got " + detail::TypeNameOf(layers));
  out.net = NetworkFrom(seq, scale.value_or(1.0), frozen.value_or(false));
  return out;
}

void Def(py::module_& m, Signature sig, std::function<py::object(Call&)> fn) {
  auto shared = std::make_shared<const Signature>(std::move(sig));
  if (!py::hasattr(m, "__signatures__")) m.attr("__signatures__") = py::list();
  m.attr("__signatures__").cast<py::list>().append(shared->Describe());
  m.def(
      shared->name().c_str(),
      [shared, fn](const py::args& args, const py::kwargs& kwargs) {
        Call call(*shared, args, kwargs);
        py::object out = fn(call);
        call.CheckAllRead();
        return out;
      },
      shared->Docstring().c_str());
}

// ---- Ctrl-C ----

namespace {
int g_depth = 0;  // nested LongCalls on the main thread (with the GIL: no race)
struct sigaction g_saved;

extern "C" void OnSigint(int) { RequestInterrupt(); }

bool OnMainThread() {
  static const unsigned long main_ident =
      py::module_::import("threading").attr("main_thread")().attr("ident").cast<unsigned long>();
  return PyThread_get_thread_ident() == main_ident;
}

// Whether Python handles SIGINT itself now (default_int_handler or a Python callable): only then
// is it ours to route (SIG_IGN / SIG_DFL mean the user wants Ctrl-C ignored or fatal).
bool PythonHandlesSigint() {
  py::object signal = py::module_::import("signal");
  py::object h = signal.attr("getsignal")(signal.attr("SIGINT"));
  return !h.is_none() && PyCallable_Check(h.ptr());
}
}  // namespace

LongCall::LongCall() {
  if (g_depth > 0) {
    ++g_depth;
  } else if (OnMainThread() && PythonHandlesSigint()) {
    ClearInterrupt();
    struct sigaction sa {};
    sa.sa_handler = OnSigint;
    sigemptyset(&sa.sa_mask);
    if (::sigaction(SIGINT, &sa, &g_saved) == 0) {
      installed_ = true;
      g_depth = 1;
    }
  }
  release_.emplace();
}

LongCall::~LongCall() {
  release_.reset();  // the GIL again
  if (!installed_) {
    if (g_depth > 1) --g_depth;
    return;
  }
  ::sigaction(SIGINT, &g_saved, nullptr);
  g_depth = 0;
  if (InterruptRequested()) {
    ClearInterrupt();
    // The SIGINT that arrived, handed to Python: its handler runs at the next check, which the
    // exception translator makes at once for an InterruptedError (a KeyboardInterrupt by default).
    PyErr_SetInterruptEx(SIGINT);
  }
}

}  // namespace marginlab::python
