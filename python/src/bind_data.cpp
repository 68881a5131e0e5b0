// marginlab._core.data: the data sources of data/source.hpp (generators and readers).
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

}  // namespace

void RegisterData(py::module_& m) {
  m.def("sources", [] {
    py::list out;
    for (const auto& s : DataSources()) {
      py::dict d;
      d["name"] = s.name;
      d["kind"] = s.kind;
      d["summary"] = s.summary;
      d["params"] = FieldList(s.params);
      out.append(d);
    }
    return out;
  }, "Every data source: name, kind (generator | reader), summary and its parameters.");

  m.def("load", [](const std::string& spec) {
    Dataset ds;
    {
      py::gil_scoped_release release;
      ds = LoadData(spec, "spec");
    }
    return DatasetDict(std::move(ds));
  }, py::arg("spec"),
     "The data named by a spec, exactly as the CLI's --data reads it: 'generator:key=value,...', a\n"
     "file (.npz, .npy pair, .csv, IDX) or a folder. Returns a dict X (n x d), y (n), kind,\n"
     "num_classes, source.");

  m.def("generate", [](const std::string& name, py::kwargs kwargs) {
    const ParamMap p = ParamsFrom(kwargs, name);
    const std::string spec = p.entries().empty() ? name : name + ":" + p.ToString();
    Dataset ds;
    {
      py::gil_scoped_release release;
      ds = LoadData(spec, "generate('" + name + "')");
    }
    return DatasetDict(std::move(ds));
  }, py::arg("name"),
     "A generator's data from keyword parameters: generate('wei-d', d=10, n=200, seed=1) is the\n"
     "spec 'wei-d:d=10,n=200,seed=1'. Returns the dict of load().");
}

}  // namespace marginlab::python
