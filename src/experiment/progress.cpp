// Progress bar / progress lines (see progress.hpp).
#include "experiment/progress.hpp"

#include <cmath>
#include <cstdio>

namespace marginlab::experiment {

namespace {
std::string Duration(double s) {
  char buf[32];
  if (s < 90)
    std::snprintf(buf, sizeof buf, "%.0fs", s);
  else if (s < 5400)
    std::snprintf(buf, sizeof buf, "%.0fm%02.0fs", std::floor(s / 60), s - 60 * std::floor(s / 60));
  else
    std::snprintf(buf, sizeof buf, "%.1fh", s / 3600);
  return buf;
}
}  // namespace

Progress::Progress(std::ostream& out, std::string label, long total, long done_at_start, bool tty)
    : out_(out), label_(std::move(label)), total_(total), start_done_(done_at_start), tty_(tty),
      start_(std::chrono::steady_clock::now()), last_print_(start_) {
  if (done_at_start > 0)
    out_ << label_ << ": resuming, " << done_at_start << " of " << total << " trials already done\n";
}

std::string Progress::Line(long done, long failed) const {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const long new_done = done - start_done_;
  std::string eta = "?";
  if (new_done > 0) eta = Duration(elapsed / new_done * (total_ - done - failed));
  char buf[256];
  const double frac = total_ > 0 ? static_cast<double>(done) / total_ : 1.0;
  if (tty_) {
    const int width = 30, filled = static_cast<int>(frac * width);
    std::string bar(filled, '#');
    bar += std::string(width - filled, '.');
    std::snprintf(buf, sizeof buf, "\r%s [%s] %ld/%ld%s  elapsed %s  ETA %s ", label_.c_str(), bar.c_str(),
                  done, total_, failed ? (" (" + std::to_string(failed) + " failed)").c_str() : "",
                  Duration(elapsed).c_str(), eta.c_str());
  } else {
    std::snprintf(buf, sizeof buf, "%s: %ld/%ld trials done (%.0f%%)%s, elapsed %s, ETA %s\n", label_.c_str(),
                  done, total_, 100 * frac, failed ? (", " + std::to_string(failed) + " failed").c_str() : "",
                  Duration(elapsed).c_str(), eta.c_str());
  }
  return buf;
}

void Progress::Update(long done, long failed) {
  const auto now = std::chrono::steady_clock::now();
  if (done == last_done_) return;
  if (!tty_) {
    const bool time_due = now - last_print_ > std::chrono::seconds(10);
    const bool step_due = total_ > 0 && (done - std::max(last_done_, start_done_)) * 10 >= total_;
    if (!time_due && !step_due) return;
  }
  out_ << Line(done, failed) << std::flush;
  last_print_ = now;
  last_done_ = done;
}

void Progress::Finish(long done, long failed) {
  if (!tty_ && done == last_done_) return;  // the last line already says it
  out_ << Line(done, failed);
  if (tty_) out_ << "\n";
  out_ << std::flush;
}

}  // namespace marginlab::experiment
