// A saved network: the one .npz format every command and experiment reads and writes
// (`train --save`, `meanfield --save`, `certify --global --save`, `margin l1svm --save`;
// read by `train --init-from`, `nn grad`, `certify --params`, `margin l1svm --params`,
// `kernel gram --net` and the Python side with numpy.load).
//
// Members (a NumPy .npz archive, float64 arrays unless said otherwise):
//   <key>/W1 … <key>/Wq   W_k of shape (out, in), or (T, out, in) for T trials; the keys are
//                         "init" and "final" (train), "net" (meanfield), "final" (certify,
//                         margin); a file from elsewhere may hold bare W1 … Wq (key "")
//   meta/dims             (q+1,): d, the hidden widths, the outputs
//   meta/output_scale     (1,): s of f = s·W_q σ(…) (DESIGN §2: 1 standard, ntk/mean-field <1)
//   meta/frozen_output    (1,): 1 when W_q was fixed in training (Ji eq. 4)
//   meta/objective        (text, JSON): the objective the network belongs to —
//                         {"loss", "lambda", "reg_power", "scaling", "data", "written_by"}
//                         with λ in the MEAN convention (1/n)Σ ℓ(y_i f(x_i)) + λ‖Θ‖^r, whatever
//                         the writer's own convention (meanfield's λ_sum is saved as λ_sum/n).
//                         Absent from older files and from max-margin networks (no objective).
// A writer may add members of its own (meanfield's particles w, U, mass); readers ignore them.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "marginlab/core/types.hpp"
#include "marginlab/data/npz.hpp"
#include "marginlab/nn/mlp.hpp"
#include "marginlab/nn/network.hpp"

namespace marginlab::nn {

// The objective a saved network was trained (or solved) for: meta/objective.
struct SavedObjective {
  std::string loss;                 // a loss name (nn/loss.hpp)
  double lambda = 0;                // λ, mean-loss convention (see above)
  double reg_power = 2;             // r of λ‖Θ‖^r
  std::string scaling = "standard"; // standard | ntk | mean-field
  std::string data;                 // the training data's spec ("" when not known)
  std::string written_by;           // e.g. "train", "meanfield", "certify --global"

  std::string ToJson() const;
  // InputError naming `where` and the field when the text is not such an object.
  static SavedObjective FromJson(const std::string& text, const std::string& where);
};

// A saved network file, read once; layers are extracted (and checked) per key and trial.
class NetworkFile {
 public:
  // Reads the archive. InputError naming the file when it cannot be read, is not an .npz, or its
  // meta/ members are malformed.
  static NetworkFile Read(const std::filesystem::path& path);

  const std::string& where() const { return where_; }  // the path, for messages
  bool Has(const std::string& key) const;              // <key>/W1 present ("" = bare W1)
  // What the file holds, for messages: e.g. "it holds init/W1…W2, final/W1…W2" or "it holds no
  // network (no W1 member)".
  std::string Contents() const;
  int Depth(const std::string& key) const;             // number of consecutive <key>/W1, W2, …
  // T of (T, out, in) arrays, 1 for 2-D; InputError when there is no <key>/W1, or the layers
  // disagree in T or are not 2-D/3-D.
  long Trials(const std::string& key) const;
  // The layers of trial 0 ≤ trial < T. InputError naming the file and member when a layer is
  // missing or has the wrong rank, the trial is out of range, a weight is NaN or infinite ("saved
  // from a diverged run?"), or the shapes disagree with meta/dims.
  Weights<double> Layers(const std::string& key, long trial) const;
  // The network of trial `trial` under `key` (its layers and meta/): Layers' errors, and one
  // naming what the file holds when there is no <key>/W1.
  Network Load(const std::string& key = "final", long trial = 0) const;

  double output_scale() const { return output_scale_; }
  bool frozen_output() const { return frozen_output_; }
  const std::optional<std::vector<Index>>& dims() const { return dims_; }
  const std::optional<SavedObjective>& objective() const { return objective_; }

 private:
  const NpyArray& Member(const std::string& name) const;  // InputError when absent
  std::string where_;
  std::shared_ptr<const std::map<std::string, NpyArray>> members_;
  double output_scale_ = 1;
  bool frozen_output_ = false;
  std::optional<std::vector<Index>> dims_;
  std::optional<SavedObjective> objective_;
};

// Writes a network file. Every key's trials must have the same layer shapes; one trial is stored
// as 2-D arrays, T > 1 as (T, out, in). Atomic (a temporary file renamed into place).
class NetworkFileWriter {
 public:
  // meta/dims, meta/output_scale and meta/frozen_output of the network.
  NetworkFileWriter(std::vector<Index> dims, double output_scale, bool frozen_output);
  // <key>/W1 …: every trial's layers must match `dims` (InternalError otherwise).
  void AddLayers(const std::string& key, const std::vector<Weights<double>>& trials);
  void SetObjective(const SavedObjective& objective);
  NpzWriter& Extra() { return npz_; }  // members of the writer's own (not under <key>/ or meta/)
  void Write(const std::filesystem::path& path) const;  // the members, then meta/

 private:
  NpzWriter npz_;
  std::vector<Index> dims_;
  double output_scale_;
  bool frozen_output_;
  std::optional<SavedObjective> objective_;
};

}  // namespace marginlab::nn
