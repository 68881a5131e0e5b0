// Errors and the invariant-check macro.
//
// Conventions (../docs/architecture.md, "Errors"):
//  - InputError: the user's input is wrong (a file, a config field, a flag, a
//    generator parameter). The message names the file / field / line and what
//    was expected. The CLI prints it on one line and exits with code 2.
//  - UnavailableError: a backend that this build does not contain was asked for;
//    the message names the CMake option that enables it. CLI exit code 2.
//  - InternalError: a broken invariant, raised by ML_CHECK. A bug in marginlab.
//    CLI exit code 3.
//  - FailedRunError: valid input, failed computation (a diverged run). CLI exit code 1.
// The library never calls exit(); it throws.
#pragma once

#include <sstream>
#include <exception>
#include <stdexcept>
#include <string>

namespace marginlab {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class InputError : public Error {
 public:
  using Error::Error;
};

class UnavailableError : public Error {
 public:
  using Error::Error;
};

class InternalError : public Error {
 public:
  using Error::Error;
};

// A computation that ran on valid input and failed: a training run that diverged or produced
// a non-finite number, trials of an experiment that failed. The message gives the reason
// (and the step). CLI exit code 1: the command ran, its result is a failure, not a number.
class FailedRunError : public Error {
 public:
  using Error::Error;
};

// A computation stopped on request (Ctrl-C from Python: core/interrupt.hpp): neither a failure of
// the computation nor a result. CLI exit code 2, as an interrupted command.
class InterruptedError : public Error {
 public:
  using Error::Error;
};

// An error whose one-line message was already printed (by a child process such as the Python
// report); the CLI exits with `code` and prints nothing more.
class ReportedError : public Error {
 public:
  ReportedError(int code, const std::string& what) : Error(what), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

// The command-line tool's exit code for an exception (apps/cli/main.cpp): 2 InputError and
// UnavailableError, 1 FailedRunError, a ReportedError's own code, 3 InternalError, 4 anything
// else (InterruptedError: 2). For processes that must exit as another reports (MPI ranks other than 0).
int ExitCodeOf(const std::exception_ptr& e);

namespace detail {
// Collects a message with operator<< and throws when destroyed at the end of
// the full expression (used by ML_CHECK and ML_THROW_INPUT).
template <class E>
class Thrower {
 public:
  explicit Thrower(std::string prefix) { out_ << prefix; }
  template <class T>
  Thrower& operator<<(const T& v) {
    out_ << v;
    return *this;
  }
  [[noreturn]] ~Thrower() noexcept(false) { throw E(out_.str()); }

 private:
  std::ostringstream out_;
};
}  // namespace detail

}  // namespace marginlab

#define ML_STRINGIFY_(x) #x
#define ML_STRINGIFY(x) ML_STRINGIFY_(x)

// ML_CHECK(cond) << "context";  Throws InternalError naming the condition and
// the source location when cond is false.
// (A `while` rather than if/else so that it nests in an unbraced `if` without
// a dangling else; the Thrower throws at the end of the statement, so the loop
// body never runs twice.)
#define ML_CHECK(cond)   \
  while (!(cond))        \
    ::marginlab::detail::Thrower<::marginlab::InternalError>(                    \
        "internal check failed: " #cond " at " __FILE__ ":" ML_STRINGIFY(__LINE__) ": ")

// ML_REQUIRE(cond) << "what was expected";  Throws InputError (bad user input).
#define ML_REQUIRE(cond) \
  while (!(cond))        \
    ::marginlab::detail::Thrower<::marginlab::InputError>("")
