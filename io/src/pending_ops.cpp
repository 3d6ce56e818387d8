// PendingOps (asio_core.hpp): the counts of a hub's operations in flight.
#include <numeric>

#include "asio_core.hpp"
#include "hio/engine/counted.hpp"

namespace hio::detail {

namespace {

// Each kind with its article, in PendingOp's order.
struct OpName {
  const char* article;
  const char* name;
};
constexpr std::array<OpName, 6> kOpNames{{{"a", "lookup"},
                                          {"a", "connect"},
                                          {"a", "TLS handshake"},
                                          {"an", "accept"},
                                          {"a", "read"},
                                          {"a", "write"}}};
static_assert(kOpNames.size() == static_cast<std::size_t>(PendingOp::write) + 1);

}  // namespace

std::size_t PendingOps::total() const {
  return std::accumulate(counts_.begin(), counts_.end(), std::size_t{0});
}

std::string PendingOps::describe() const {
  std::string kinds;
  for (std::size_t k = 0; k < counts_.size(); ++k) {
    if (counts_[k] == 0) continue;
    if (!kinds.empty()) kinds += ", ";
    const OpName& op = kOpNames[k];
    kinds +=
        counts_[k] == 1 ? std::string(op.article) + " " + op.name : counted(counts_[k], op.name);
  }
  return counted(total(), "operation") + ": " + kinds;
}

}  // namespace hio::detail
