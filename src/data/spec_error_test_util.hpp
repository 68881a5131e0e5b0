// Shared by the generator tests: the one-line InputError that LoadData(spec) gives under an
// 8 GiB memory budget (so the budget messages do not depend on the machine).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <exception>
#include <string>

#include "marginlab/core/error.hpp"
#include "marginlab/core/memory.hpp"
#include "marginlab/data/source.hpp"

namespace marginlab::testing {

inline std::string SpecError(const std::string& spec) {
  SetMemoryBudget(std::uint64_t{8} << 30);
  std::string msg;
  try {
    LoadData(spec, "--data");
    ADD_FAILURE() << spec << ": no error";
  } catch (const InputError& e) {
    msg = e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << spec << ": not an InputError: " << e.what();
  }
  SetMemoryBudget(0);
  EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  return msg;
}

}  // namespace marginlab::testing

#define EXPECT_HAS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)
