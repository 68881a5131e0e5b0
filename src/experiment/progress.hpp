// Progress reporting for long runs: a redrawn bar with ETA on a terminal,
// plain progress lines (at most one per 10 s or per 10% of the trials)
// otherwise, e.g. in CI logs.
#pragma once

#include <chrono>
#include <ostream>
#include <string>

namespace marginlab::experiment {

class Progress {
 public:
  Progress(std::ostream& out, std::string label, long total, long done_at_start, bool tty);
  // done: trials finished so far (including those done before this run).
  void Update(long done, long failed);
  void Finish(long done, long failed);

 private:
  std::string Line(long done, long failed) const;
  std::ostream& out_;
  std::string label_;
  long total_, start_done_;
  bool tty_;
  std::chrono::steady_clock::time_point start_, last_print_;
  long last_done_ = -1;
};

}  // namespace marginlab::experiment
