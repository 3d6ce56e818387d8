// FlagScope: sets a bool for as long as it lives, and clears it on every way
// out of the scope, exceptions included (a Doist's run in progress or paced
// wait, an IoHub's dispatch).
#pragma once

namespace hio {

class FlagScope {
 public:
  explicit FlagScope(bool& flag) : flag_(flag) { flag_ = true; }
  ~FlagScope() { flag_ = false; }
  FlagScope(const FlagScope&) = delete;
  FlagScope& operator=(const FlagScope&) = delete;

 private:
  bool& flag_;
};

}  // namespace hio
