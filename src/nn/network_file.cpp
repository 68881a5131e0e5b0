// The saved-network .npz format (see the header for its members).
#include "marginlab/nn/network_file.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "marginlab/core/error.hpp"

namespace marginlab::nn {

namespace {

std::string LayerName(const std::string& key, int k) {
  return (key.empty() ? "" : key + "/") + "W" + std::to_string(k);
}

// T of a (T, out, in) array, 1 for (out, in).
long TrialsOf(const NpyArray& a, const std::string& where, const std::string& name) {
  ML_REQUIRE(a.shape.size() == 2 || a.shape.size() == 3)
      << where << ": '" << name << "' must be 2-D (out, in) or 3-D (trials, out, in)";
  return a.shape.size() == 3 ? static_cast<long>(a.shape[0]) : 1;
}

// The first value of a meta/ member, or nullopt when absent.
std::optional<double> MetaScalar(const std::map<std::string, NpyArray>& m, const std::string& name,
                                 const std::string& where) {
  auto it = m.find(name);
  if (it == m.end()) return std::nullopt;
  ML_REQUIRE(it->second.data.size() == 1 && std::isfinite(it->second.data[0]))
      << where << ": '" << name << "' must hold one finite number";
  return it->second.data[0];
}

}  // namespace

std::string SavedObjective::ToJson() const {
  return nlohmann::json{{"loss", loss},       {"lambda", lambda}, {"reg_power", reg_power},
                        {"scaling", scaling}, {"data", data},     {"written_by", written_by}}
      .dump();
}

SavedObjective SavedObjective::FromJson(const std::string& text, const std::string& where) {
  const auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  const std::string what = where + ": 'meta/objective'";
  ML_REQUIRE(j.is_object()) << what << " must be a JSON object (loss, lambda, reg_power, scaling, data)";
  SavedObjective o;
  auto text_field = [&](const char* name, std::string* out, bool required) {
    if (!j.contains(name)) {
      ML_REQUIRE(!required) << what << " has no '" << name << "'";
      return;
    }
    ML_REQUIRE(j[name].is_string()) << what << ": '" << name << "' must be a string";
    *out = j[name].get<std::string>();
  };
  auto number_field = [&](const char* name, double* out, bool required) {
    if (!j.contains(name)) {
      ML_REQUIRE(!required) << what << " has no '" << name << "'";
      return;
    }
    ML_REQUIRE(j[name].is_number() && std::isfinite(j[name].get<double>()))
        << what << ": '" << name << "' must be a finite number";
    *out = j[name].get<double>();
  };
  text_field("loss", &o.loss, true);
  number_field("lambda", &o.lambda, true);
  number_field("reg_power", &o.reg_power, false);
  text_field("scaling", &o.scaling, false);
  text_field("data", &o.data, false);
  text_field("written_by", &o.written_by, false);
  ML_REQUIRE(!o.loss.empty()) << what << ": 'loss' is empty";
  ML_REQUIRE(o.lambda >= 0) << what << ": 'lambda' must be >= 0, got " << o.lambda;
  ML_REQUIRE(o.reg_power > 0) << what << ": 'reg_power' must be > 0, got " << o.reg_power;
  return o;
}

NetworkFile NetworkFile::Read(const std::filesystem::path& path) {
  NetworkFile f;
  f.where_ = path.string();
  f.members_ = std::make_shared<const std::map<std::string, NpyArray>>(ReadNpz(path));
  const auto& m = *f.members_;
  if (auto s = MetaScalar(m, "meta/output_scale", f.where_)) {
    ML_REQUIRE(std::isfinite(*s) && *s > 0) << f.where_ << ": 'meta/output_scale' must be a finite number > 0, got " << *s;
    f.output_scale_ = *s;
  }
  if (auto z = MetaScalar(m, "meta/frozen_output", f.where_)) f.frozen_output_ = *z != 0.0;
  if (auto it = m.find("meta/dims"); it != m.end()) {
    std::vector<Index> dims;
    for (double v : it->second.data) {
      ML_REQUIRE(v >= 1 && v <= 1e12 && v == std::floor(v))
          << f.where_ << ": 'meta/dims' must hold positive integers";
      dims.push_back(static_cast<Index>(v));
    }
    f.dims_ = std::move(dims);
  }
  if (auto it = m.find("meta/objective"); it != m.end())
    f.objective_ = SavedObjective::FromJson(NpyText(it->second, f.where_ + ": 'meta/objective'"), f.where_);
  return f;
}

bool NetworkFile::Has(const std::string& key) const { return members_->count(LayerName(key, 1)) > 0; }

std::string NetworkFile::Contents() const {
  std::string list;
  for (const auto& [name, array] : *members_) {
    const std::size_t slash = name.rfind('/');
    const std::string key = slash == std::string::npos ? "" : name.substr(0, slash);
    if (name.substr(slash == std::string::npos ? 0 : slash + 1) != "W1" || key == "meta") continue;
    list += (list.empty() ? "" : ", ") + (key.empty() ? "" : key + "/") + "W1…W" + std::to_string(Depth(key));
  }
  return list.empty() ? "it holds no network (no W1 member)" : "it holds " + list;
}

int NetworkFile::Depth(const std::string& key) const {
  int q = 0;
  while (members_->count(LayerName(key, q + 1))) ++q;
  return q;
}

const NpyArray& NetworkFile::Member(const std::string& name) const {
  auto it = members_->find(name);
  ML_REQUIRE(it != members_->end()) << where_ << ": no member '" << name
                                    << "' (expected a network saved by marginlab: init/W1…, final/W1… or net/W1…; "
                                    << Contents() << ")";
  return it->second;
}

long NetworkFile::Trials(const std::string& key) const {
  const std::string first = LayerName(key, 1);
  const long T = TrialsOf(Member(first), where_, first);
  for (int k = 2; k <= Depth(key); ++k) {
    const std::string name = LayerName(key, k);
    const long Tk = TrialsOf(Member(name), where_, name);
    ML_REQUIRE(Tk == T)
        << where_ << ": '" << name << "' holds " << Tk << " trials, '" << first << "' " << T;
  }
  return T;
}

Weights<double> NetworkFile::Layers(const std::string& key, long trial) const {
  const long T = Trials(key);  // also: the key exists, every layer is 2-D or 3-D with the same T
  ML_REQUIRE(trial >= 0 && trial < T)
      << where_ << ": trial " << trial << " requested but '" << LayerName(key, 1) << "' holds " << T << " trial(s)";
  const int q = Depth(key);
  Weights<double> W;
  for (int k = 1; k <= q; ++k) {
    const std::string name = LayerName(key, k);
    const NpyArray& a = Member(name);
    const std::size_t rows = a.shape[a.shape.size() - 2], cols = a.shape.back();
    const std::size_t base = static_cast<std::size_t>(trial) * rows * cols;
    Matrix M(static_cast<Index>(rows), static_cast<Index>(cols));
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t c = 0; c < cols; ++c) M(r, c) = a.data[base + r * cols + c];
    ML_REQUIRE(M.allFinite()) << where_ << ": '" << name << "' (trial " << trial
                              << ") holds NaN or infinite weights (saved from a diverged run?)";
    W.push_back(std::move(M));
  }
  if (dims_) {
    bool same = dims_->size() == W.size() + 1 && (*dims_)[0] == W[0].cols();
    for (std::size_t k = 0; same && k < W.size(); ++k) same = (*dims_)[k + 1] == W[k].rows();
    ML_REQUIRE(same) << where_ << ": meta/dims does not match the shapes of " << LayerName(key, 1) << "…";
  }
  return W;
}

NetworkFileWriter::NetworkFileWriter(std::vector<Index> dims, double output_scale, bool frozen_output)
    : dims_(std::move(dims)), output_scale_(output_scale), frozen_output_(frozen_output) {
  ML_CHECK(dims_.size() >= 2) << "a network has an input and an output dimension";
  ML_REQUIRE(std::isfinite(output_scale) && output_scale > 0)
      << "network file: the output scale must be a finite number > 0, got " << output_scale;
}

Network NetworkFile::Load(const std::string& key, long trial) const {
  ML_REQUIRE(Has(key)) << where_ << ": no member '" << (key.empty() ? "" : key + "/")
                       << "W1' (expected a network saved by marginlab train --save, with init/W1… and final/W1…; "
                       << Contents() << ")";
  Network net{Layers(key, trial), output_scale_, frozen_output_};
  net.Check(where_);
  return net;
}

void NetworkFileWriter::AddLayers(const std::string& key, const std::vector<Weights<double>>& trials) {
  ML_CHECK(!trials.empty()) << "no trials to save under '" << key << "'";
  const std::size_t T = trials.size();
  for (std::size_t k = 0; k + 1 < dims_.size(); ++k) {
    const std::size_t rows = static_cast<std::size_t>(dims_[k + 1]), cols = static_cast<std::size_t>(dims_[k]);
    for (const auto& W : trials)
      ML_CHECK(W.size() + 1 == dims_.size() && W[k].rows() == dims_[k + 1] && W[k].cols() == dims_[k])
          << "layer " << k + 1 << " of '" << key << "' does not match the network's dims";
    const std::string name = LayerName(key, static_cast<int>(k + 1));
    if (T == 1) {
      npz_.Add(name, trials[0][k]);
      continue;
    }
    std::vector<double> buf(T * rows * cols);
    for (std::size_t t = 0; t < T; ++t)
      for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t c = 0; c < cols; ++c)
          buf[(t * rows + r) * cols + c] = trials[t][k](static_cast<Index>(r), static_cast<Index>(c));
    npz_.Add(name, buf.data(), {T, rows, cols});
  }
}

void NetworkFileWriter::SetObjective(const SavedObjective& objective) {
  ML_CHECK(std::isfinite(objective.lambda) && objective.lambda >= 0 && !objective.loss.empty())
      << "a saved objective needs a loss and a finite λ >= 0";
  objective_ = objective;
}

void NetworkFileWriter::Write(const std::filesystem::path& path) const {
  NpzWriter w = npz_;
  Vector dims(static_cast<Index>(dims_.size()));
  for (std::size_t k = 0; k < dims_.size(); ++k) dims[static_cast<Index>(k)] = static_cast<double>(dims_[k]);
  w.Add("meta/dims", dims);
  w.Add("meta/output_scale", Vector(Vector::Constant(1, output_scale_)));
  w.Add("meta/frozen_output", Vector(Vector::Constant(1, frozen_output_ ? 1.0 : 0.0)));
  if (objective_) w.AddText("meta/objective", objective_->ToJson());
  w.Write(path);
}

}  // namespace marginlab::nn
