// marginlab._core.data: the data sources of data/source.hpp (generators and readers).
#include <filesystem>

#include "api.hpp"
#include "convert.hpp"
#include "marginlab/data/source.hpp"

namespace marginlab::python {
namespace {

py::dict DatasetDict(Dataset&& ds) {
  py::dict d;
  d["X"] = std::move(ds.X);
  d["y"] = std::move(ds.y);
  d["kind"] = ToString(ds.kind);
  d["num_classes"] = ds.num_classes;
  d["source"] = ds.source;
  return d;
}

py::list FieldList(const std::vector<FieldInfo>& fields) {
  py::list out;
  for (const auto& f : fields) {
    py::dict d;
    d["name"] = f.name;
    d["type"] = f.type;
    d["default"] = f.default_value;
    d["doc"] = f.doc;
    d["choices"] = f.choices;
    out.append(d);
  }
  return out;
}

const DataSource* FindSource(const std::string& name) {
  for (const auto& s : DataSources())
    if (s.name == name) return &s;
  return nullptr;
}

// The parameters given as keywords, for LoadSource: each value on its own (never pasted into a
// spec), named in errors as `source: key`.
ParamMap SourceParams(const py::dict& params, const std::string& source) { return ParamsFrom(params, source); }

Dataset Load(Call& c, const std::string& what, bool generator_only) {
  py::handle src = c.Get("source");
  const bool pathlike = !py::isinstance<py::str>(src) && py::hasattr(src, "__fspath__");
  if (!py::isinstance<py::str>(src) && !pathlike)
    ThrowType("source: expected a data spec, a source name or a path (str or os.PathLike), got " +
              detail::TypeNameOf(src));
  const std::string text = py::str(py::module_::import("os").attr("fspath")(src)).cast<std::string>();
  const py::dict params = py::reinterpret_borrow<py::dict>(c.Get("params"));  // **params (Signature::VarKw)
  if (text.empty()) ThrowValue("source: expected a data spec, a source name or a path, got ''");
  if (params.size() > 0 || generator_only) {
    const DataSource* s = FindSource(text);
    if (s == nullptr) {
      std::string known;
      for (const auto& d : DataSources())
        if (!generator_only || d.kind == "generator") known += (known.empty() ? "" : ", ") + d.name;
      ThrowValue("source: '" + text + "' is not a known " + (generator_only ? "generator" : "data source") +
                 (params.size() > 0 && !generator_only ? " (keyword parameters need a source name; a spec or a path takes none)" : "") +
                 " (known: " + known + ")");
    }
    if (generator_only && s->kind != "generator")
      ThrowValue("source: '" + text + "' is a reader, not a generator: use marginlab.data.load");
    const ParamMap p = SourceParams(params, text);
    LongCall call;
    return LoadSource(text, p, what + "('" + text + "')");
  }
  LongCall call;
  return LoadData(text, "source");
}

}  // namespace

void RegisterData(py::module_& m) {
  Def(m, Signature("sources", "Every data source, generator or reader, with its parameters.", "", "list[dict[str, Any]]",
                   "one dict per source: name, kind (generator | reader), summary, params (name, type, default, doc, choices)"),
      [](Call&) {
        py::list out;
        for (const auto& s : DataSources()) {
          py::dict d;
          d["name"] = s.name;
          d["kind"] = s.kind;
          d["summary"] = s.summary;
          d["params"] = FieldList(s.params);
          out.append(d);
        }
        return py::object(out);
      });

  Def(m, Signature("load", "The data of a --data spec, a file or a folder, or of a source with keyword parameters.",
                   "Read exactly as the CLI's --data reads it (the same numbers, bit for bit): "
                   "load('wei-d:d=10,n=200'), load('data.csv'), load('data.npz') (members X and y, as "
                   "numpy.savez writes), load('folder') (X.npy and y.npy), load(pathlib.Path(...)); or a source "
                   "name with its parameters as keywords, each value used as it is (a file name may hold ',' or "
                   "'='): load('csv', path='a,b.csv', label='y').",
                   "dict[str, Any]", "X (n x d), y (n), kind (binary | class | real), num_classes, source")
          .Arg("source", "str | os.PathLike[str]", "a spec ('name:key=value,...'), a source name, a file or a folder")
          .VarKw("params", "the source's parameters (with a source name only)"),
      [](Call& c) { return py::object(DatasetDict(Load(c, "load", false))); });

  Def(m, Signature("generate", "A generator's data from keyword parameters.",
                   "generate('wei-d', d=10, n=200, seed=1) equals load('wei-d:d=10,n=200,seed=1'); each value is "
                   "used as it is (never pasted into a spec string). sources() lists the generators and their "
                   "parameters.",
                   "dict[str, Any]", "as load()")
          .Arg("source", "str", "the generator's name (sources() lists them)")
          .VarKw("params", "the generator's parameters"),
      [](Call& c) { return py::object(DatasetDict(Load(c, "generate", true))); });
}

}  // namespace marginlab::python
