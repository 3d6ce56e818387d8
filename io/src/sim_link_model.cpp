#include "sim_link_model.hpp"

#include <algorithm>

#include "sim_core.hpp"

namespace hio::detail {
namespace {

__extension__ typedef unsigned __int128 U128;

constexpr std::uint64_t kNsPerSecond = 1'000'000'000;

// ceil(num / den) for den > 0, saturating at the largest Tock.
Tock ceil_ns(U128 num, U128 den) {
  const U128 q = (num + den - 1) / den;
  const auto max = static_cast<U128>(std::numeric_limits<std::int64_t>::max());
  return Tock{static_cast<std::int64_t>(q > max ? max : q)};
}

}  // namespace

Tock serialisation_time(std::size_t bytes, std::uint64_t bits_per_s) {
  if (bits_per_s == 0 || bytes == 0) return Tock{0};
  return ceil_ns(static_cast<U128>(bytes) * 8 * kNsPerSecond, bits_per_s);
}

Tock uart_time(std::size_t bytes, std::uint32_t baud) {
  if (bytes == 0) return Tock{0};
  return ceil_ns(static_cast<U128>(bytes) * 10 * kNsPerSecond, baud == 0 ? 1 : baud);
}

SimLink::SimLink(std::uint64_t seed, SimHost& from, SimHost& to, const LinkParams& params)
    : from_(&from),
      to_(&to),
      name_(from.name + "->" + to.name),
      loss_(seed, "link/" + name_ + "/loss"),
      duplicate_(seed, "link/" + name_ + "/duplicate"),
      reorder_(seed, "link/" + name_ + "/reorder"),
      corrupt_(seed, "link/" + name_ + "/corrupt"),
      jitter_(seed, "link/" + name_ + "/jitter") {
  set_params(params);
}

void SimLink::set_params(const LinkParams& params) {
  params_ = params;
  loss_p_ = Probability::from_double(params.loss);
  duplicate_p_ = Probability::from_double(params.duplicate);
  reorder_p_ = Probability::from_double(params.reorder);
  corrupt_p_ = Probability::from_double(params.corrupt);
}

bool SimLink::reachable() const {
  return !cut_ && from_->up && to_->up;
}

std::size_t SimLink::room(Tyme now) {
  if (params_.bandwidth_bps == 0) return std::numeric_limits<std::size_t>::max();
  const std::size_t backlog = queue_.backlog(now);
  return backlog >= params_.queue_bytes_max ? 0 : params_.queue_bytes_max - backlog;
}

bool SimLink::admit(Tyme now, std::size_t size, Tyme& leaves) {
  if (params_.bandwidth_bps == 0) {
    leaves = now;
    return true;
  }
  const std::size_t counted = std::max<std::size_t>(size, 1);
  const std::size_t backlog = queue_.backlog(now);
  if (counted > params_.queue_bytes_max || backlog > params_.queue_bytes_max - counted) {
    return false;
  }
  leaves = queue_.push(now, size, serialisation_time(size, params_.bandwidth_bps));
  return true;
}

Tyme SimLink::depart(Tyme now, std::size_t size) {
  if (params_.bandwidth_bps == 0) return now;
  return queue_.push(now, size, serialisation_time(size, params_.bandwidth_bps));
}

DatagramFate SimLink::datagram_fate(std::size_t size) {
  DatagramFate fate;
  if (params_.jitter > Tock{0}) fate.jitter = jitter_.uniform_duration(Tock{0}, params_.jitter);
  if (loss_p_ != Probability::never()) fate.lost = loss_.bernoulli(loss_p_);
  if (reorder_p_ != Probability::never()) fate.reordered = reorder_.bernoulli(reorder_p_);
  if (corrupt_p_ != Probability::never() && corrupt_.bernoulli(corrupt_p_) && size > 0) {
    fate.bit = corrupt_.uniform(0, static_cast<std::int64_t>(size) * 8 - 1);
  }
  if (duplicate_p_ != Probability::never() && duplicate_.bernoulli(duplicate_p_)) {
    fate.duplicated = true;
    fate.duplicate_after = duplicate_.uniform_duration(Tock{0}, params_.jitter);
  }
  return fate;
}

Tock SimLink::segment_jitter() {
  if (params_.jitter <= Tock{0}) return Tock{0};
  return jitter_.uniform_duration(Tock{0}, params_.jitter);
}

}  // namespace hio::detail
