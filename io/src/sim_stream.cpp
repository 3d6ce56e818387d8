// Streams on SimNet: the client, listener and accepted transports, and the
// network's part — connections, ordered segments, FIN and RST.
#include "sim_stream.hpp"

#include <algorithm>
#include <limits>

#include "hio/engine/check.hpp"

namespace hio::detail {

// ---- SimStreamEnd -----------------------------------------------------------

SimStreamEnd::SimStreamEnd(SimCore& core, int side, const ChannelOptions& options)
    : SimEndpoint(core), side_(side), rx_capacity_(options.rx_bytes_max) {}

SimStreamEnd::~SimStreamEnd() {
  // Destroyed without a close (the hub went away): leave silently.
  if (conn != nullptr && core_ != nullptr) core_->detach(*conn, side_, /*silent=*/true);
}

void SimStreamEnd::net_gone() {
  conn = nullptr;
  SimEndpoint::net_gone();
}

std::size_t SimStreamEnd::in_flight() const {
  return conn != nullptr ? conn->dir[side_].bytes : 0;
}

std::size_t SimStreamEnd::window() const {
  const SimStreamEnd* peer = conn->end[1 - side_];
  // A peer that has left answers with RST; until then, send freely.
  if (peer == nullptr || !peer->port()) return core_->options().segment_bytes_max;
  const std::size_t capacity = peer->rx_capacity();
  const std::size_t used = capacity - peer->port().rx_space() + conn->dir[side_].bytes;
  return used >= capacity ? 0 : capacity - used;
}

void SimStreamEnd::pump() {
  if (core_ == nullptr || conn == nullptr || !port_.channel().connected()) return;
  SimConn& c = *conn;
  SimLink& link = *c.dir[side_].link;
  const Tyme tyme = core_->now();
  const std::size_t segment_max = core_->options().segment_bytes_max;
  // Everything the window, the link's queue and tx allow, in this service: a
  // strict replay takes a pass's recorded tx where it falls due, not service
  // by service, so bytes left sendable in tx here would leave the doers less
  // tx room than in the replay (a cap of 4,096 segments did, with tiny
  // segments or a large tx: fixsim24). The loop ends: each segment takes at
  // least a byte of tx, which holds at most tx_bytes_max and gains none
  // meanwhile.
  for (;;) {
    const std::size_t n = std::min({port_.tx_size(), window(), segment_max, link.room(tyme)});
    if (n == 0) break;
    std::string bytes;
    port_.take_tx(bytes, n);
    core_->send_segment(c, side_, SegmentKind::data, std::move(bytes), link.depart(tyme, n));
  }
  // Waiting for the link's queue to drain: no event would wake the driver.
  if (port_.tx_size() > 0 && window() > 0 && link.room(tyme) == 0) {
    core_->kick(*this, link.room_at());
  }
  // This side may have made room by reading: a peer waiting on its window
  // can send again.
  SimStreamEnd* peer = c.end[1 - side_];
  if (peer != nullptr && peer->port() && peer->port().tx_size() > 0) {
    const std::size_t capacity = rx_capacity_;
    const std::size_t used = capacity - port_.rx_space() + c.dir[1 - side_].bytes;
    if (used < capacity) peer->port().request_service();
  }
}

void SimStreamEnd::close_conn() {
  if (conn != nullptr && core_ != nullptr) {
    SimConn& c = *conn;
    // The FIN queues behind what is in flight; it costs no bandwidth.
    core_->send_segment(c, side_, SegmentKind::fin, {}, core_->now());
    core_->detach(c, side_);
  }
  ended();
}

void SimStreamEnd::on_established() {
  port_.connected(conn->endpoint[side_], conn->endpoint[1 - side_]);
}

void SimStreamEnd::on_data(std::string_view bytes) {
  port_.deliver(bytes);
}

void SimStreamEnd::on_fin() {
  ended();
  if (port_.channel().open()) port_.closed(CloseWho::remote, "closed by peer");
}

void SimStreamEnd::on_reset(std::string_view why) {
  ended();
  if (port_.channel().connected()) {
    port_.closed(CloseWho::remote, why);
  } else if (port_.channel().state() == ChannelState::opening) {
    port_.failed(why);
  }
}

// ---- client -----------------------------------------------------------------

SimClientTransport::SimClientTransport(SimCore& core, SimHost& local, SimHost& remote,
                                       Address address, const ChannelOptions& options)
    : SimStreamEnd(core, 0, options),
      local_(&local),
      remote_(&remote),
      address_(std::move(address)),
      connect_timeout_(options.connect_timeout) {}

void SimClientTransport::start(ChannelPort port) {
  port_ = port;
  attempt();
}

void SimClientTransport::attempt() {
  over_ = false;
  attempt_start_ = port_.tyme();
  if (core_ == nullptr) {
    over_ = true;
    port_.failed(kNetGone);
    return;
  }
  conn = core_->open_conn(*this, *local_, *remote_, address_.port);
  if (conn == nullptr) {
    over_ = true;
    port_.failed("connect to " + address_.host_port() + " failed: no free port on host " +
                 local_->name);
    return;
  }
  if (connect_timeout_ > Tock{0}) core_->kick(*this, tyme_after(attempt_start_, connect_timeout_));
}

void SimClientTransport::service() {
  if (stopped_ || core_ == nullptr) return;
  if (!over_) {
    const bool opening = port_.channel().state() == ChannelState::opening;
    if (!(opening && connect_timeout_ > Tock{0} &&
          port_.tyme() >= tyme_after(attempt_start_, connect_timeout_))) {
      pump();
      return;
    }
    // Give up this attempt: the connection goes, silently for the peer (a
    // SYN-ACK that comes later finds nobody and is answered with RST).
    if (conn != nullptr) core_->detach(*conn, 0);
    over_ = true;
    port_.failed("connect to " + address_.host_port() + " timed out after " +
                 format_seconds(connect_timeout_) + " s");
  }
  // An attempt or connection that has ended waits for reopen() (the
  // channel's retry grid, or the doer).
}

Tyme SimClientTransport::due() const {
  if (stopped_ || core_ == nullptr || over_) return kTymeNever;
  if (connect_timeout_ > Tock{0} && port_.channel().state() == ChannelState::opening) {
    return tyme_after(attempt_start_, connect_timeout_);
  }
  return kTymeNever;
}

void SimClientTransport::close(std::string_view why) {
  stopped_ = true;
  close_conn();
  port_.closed(CloseWho::local, why);
}

void SimClientTransport::reopen() {
  stopped_ = false;
  port_.opening();
  attempt();
}

// ---- accepted remote --------------------------------------------------------

SimAcceptedTransport::SimAcceptedTransport(SimCore& core, SimConn& c, std::uint64_t listener,
                                           const ChannelOptions& options)
    : SimStreamEnd(core, 1, options), listener_(listener) {
  conn = &c;
  c.end[1] = this;
}

SimAcceptedTransport::~SimAcceptedTransport() {
  // Also frees the listener's slot when the channel is released unclosed.
  SimAcceptedTransport::ended();
}

void SimAcceptedTransport::start(ChannelPort port) {
  port_ = port;
  on_established();
}

void SimAcceptedTransport::close(std::string_view why) {
  close_conn();
  port_.closed(CloseWho::local, why);
}

void SimAcceptedTransport::ended() {
  if (released_) return;
  released_ = true;
  if (core_ == nullptr) return;
  // The listener may accept a waiting connect now; not from inside this
  // call (it may run inside a doer's close or the hub's release), but at the
  // next poll, in the order of events.
  if (core_->endpoint(listener_) != nullptr) {
    core_->schedule(core_->now(), SimEventKind::backlog, listener_);
  }
}

// ---- listener ---------------------------------------------------------------

SimListenerTransport::SimListenerTransport(SimCore& core, SimHost& host, std::uint16_t port,
                                           const ChannelOptions& options)
    : SimEndpoint(core), hold_(host, port), options_(options) {}

SimListenerTransport::~SimListenerTransport() {
  if (core_ != nullptr) hold_.give(this);
}

void SimListenerTransport::net_gone() {
  hold_.forget();
  backlog_.clear();
  SimEndpoint::net_gone();
}

void SimListenerTransport::bind() {
  (void)hold_.take(*core_, this, port_);
}

void SimListenerTransport::unbind(std::string_view why) {
  if (!hold_.bound() || core_ == nullptr) return;
  hold_.give(this);
  // Connects still waiting are refused, oldest first.
  const std::string reason = "connect to " + local() + " refused: " + std::string(why);
  for (std::uint64_t id : backlog_) {
    if (SimConn* c = core_->find_conn(id)) {
      core_->send_segment(*c, 1, SegmentKind::rst, reason, core_->now());
    }
  }
  backlog_.clear();
}

void SimListenerTransport::start(ChannelPort port) {
  port_ = port;
  if (core_ == nullptr) {
    port_.failed(kNetGone);
    return;
  }
  bind();
}

void SimListenerTransport::close(std::string_view why) {
  unbind("listener closed");
  port_.closed(CloseWho::local, why);
}

void SimListenerTransport::reopen() {
  port_.opening();
  if (core_ == nullptr) {
    port_.failed(kNetGone);
    return;
  }
  bind();
}

void SimListenerTransport::offer(SimConn& c) {
  if (live_ < options_.remotes_max) {
    core_->accept(*this, c);
  } else if (backlog_.size() < core_->options().listen_backlog) {
    backlog_.push_back(c.id);
  } else {
    core_->send_segment(c, 1, SegmentKind::rst, "connect to " + local() + " refused: backlog full",
                        core_->now());
  }
}

void SimListenerTransport::remote_ended() {
  HIO_CHECK(live_ > 0, "sim listener " + local() + ": a remote ended that was never counted");
  --live_;
  drain_backlog();
}

void SimListenerTransport::drain_backlog() {
  while (listening() && live_ < options_.remotes_max && !backlog_.empty()) {
    const std::uint64_t id = backlog_.front();
    backlog_.pop_front();
    SimConn* c = core_->find_conn(id);
    // The client may have given up meanwhile.
    if (c != nullptr && c->end[0] != nullptr) core_->accept(*this, *c);
  }
}

// ---- the network's part -----------------------------------------------------

SimConn* SimCore::open_conn(SimStreamEnd& client, SimHost& from, SimHost& to, std::uint16_t port) {
  const std::uint16_t local_port = take_client_port(from);
  if (local_port == 0) return nullptr;
  auto owned = std::make_unique<SimConn>();
  SimConn& c = *owned;
  c.id = next_conn_++;
  c.host[0] = &from;
  c.host[1] = &to;
  c.port[0] = local_port;
  c.port[1] = port;
  c.end[0] = &client;
  c.dir[0].link = &link(from, to);
  c.dir[1].link = &link(to, from);
  c.endpoint[0] = from.name + ":" + std::to_string(local_port);
  c.endpoint[1] = to.name + ":" + std::to_string(port);
  conns_.emplace(c.id, std::move(owned));
  from.conns.insert(c.id);
  to.conns.insert(c.id);
  send_segment(c, 0, SegmentKind::syn, {}, now());
  return &c;
}

SimConn* SimCore::find_conn(std::uint64_t id) const {
  auto it = conns_.find(id);
  return it == conns_.end() ? nullptr : it->second.get();
}

void SimCore::send_segment(SimConn& c, int d, SegmentKind kind, std::string bytes, Tyme leaves) {
  const std::size_t size = bytes.size();
  SimSegment segment;
  segment.bytes = std::move(bytes);
  segment.kind = kind;
  transmit(c, d, std::move(segment), leaves);
  if (kind == SegmentKind::data) c.dir[d].bytes += size;
}

void SimCore::transmit(SimConn& c, int d, SimSegment segment, Tyme leaves) {
  SimConn::Dir& dir = c.dir[d];
  SimLink& link = *dir.link;
  // A control segment costs no bandwidth but queues behind the data sent
  // before it: it leaves with the last of them, so a cut that catches none
  // of them does not catch it either.
  if (segment.kind == SegmentKind::data) {
    dir.data_leaves = std::max(dir.data_leaves, leaves);
  } else {
    leaves = std::max(leaves, dir.data_leaves);
  }
  const Tock jitter = segment.kind == SegmentKind::data ? link.segment_jitter() : Tock{0};
  segment.leaves = leaves;
  segment.epoch = link.epoch();
  segment.at =
      arrival(c.end[d], c.end[1 - d], link, leaves, jitter, segment.bytes, c.endpoint[1 - d]);
  launch(c, d, std::move(segment));
}

void SimCore::launch(SimConn& c, int d, SimSegment segment) {
  SimConn::Dir& dir = c.dir[d];
  const Tyme at = std::max(segment.at, dir.last_at);
  dir.last_at = at;
  segment.serial = dir.next_serial++;
  schedule(at, SimEventKind::segment, c.id, static_cast<std::uint64_t>(d) | segment.serial << 1);
  dir.flight.push_back(std::move(segment));
}

void SimCore::arrive_segment(std::uint64_t conn_id, std::uint64_t b) {
  SimConn* c = find_conn(conn_id);
  if (c == nullptr) return;  // the connection is gone; so is its flight
  const int d = static_cast<int>(b & 1);
  SimConn::Dir& dir = c->dir[d];
  // Segments resent after a stall got new events; the old ones are stale.
  if (dir.flight.empty() || dir.flight.front().serial != b >> 1) return;
  SimSegment segment = std::move(dir.flight.front());
  dir.flight.pop_front();
  if (dir.stalled) {
    dir.held.push_back(std::move(segment));
    return;
  }
  if (dir.link->caught(segment.leaves, segment.epoch)) {
    stall(*c, d, std::move(segment));
    return;
  }
  receive_segment(*c, d, segment);
}

void SimCore::receive_segment(SimConn& c, int d, SimSegment& segment) {
  const int r = 1 - d;
  SimStreamEnd* to = c.end[r];
  switch (segment.kind) {
    case SegmentKind::syn:
      on_syn(c);
      return;
    case SegmentKind::syn_ack:
      if (to != nullptr) {
        to->on_established();
      } else if (c.end[d] != nullptr) {
        send_segment(c, r, SegmentKind::rst, "reset by peer", now());
      }
      return;
    case SegmentKind::data:
      c.dir[d].bytes -= segment.bytes.size();
      if (to != nullptr) {
        to->on_data(segment.bytes);
      } else if (c.end[d] != nullptr) {
        // Data for an end that has left is lost (said on its sender's
        // channel), and the sender learns it with a reset.
        lose_segment(c, d, segment, c.end[d], nullptr,
                     "receiver closed before it arrived on link ");
        send_segment(c, r, SegmentKind::rst, "reset by peer", now());
      }
      return;
    case SegmentKind::fin:
      if (to != nullptr) {
        detach(c, r);  // may erase c: touch nothing after
        to->on_fin();
      }
      return;
    case SegmentKind::rst:
      if (to != nullptr) {
        detach(c, r);
        to->on_reset(segment.bytes);
      }
      return;
  }
}

void SimCore::on_syn(SimConn& c) {
  SimListenerTransport* listener = c.host[1]->listeners.find(c.port[1]);
  if (listener == nullptr || !listener->listening()) {
    send_segment(c, 1, SegmentKind::rst, "connect to " + c.endpoint[1] + " refused: nobody listens",
                 now());
    return;
  }
  listener->offer(c);
}

void SimCore::accept(SimListenerTransport& listener, SimConn& c) {
  listener.count_accepted();
  auto remote =
      std::make_unique<SimAcceptedTransport>(*this, c, listener.endpoint_id(), listener.options());
  const Address address{Scheme::sim, c.host[0]->name, c.port[0], {}, 0};
  // Emits accept on the listener, then open and connect on the new channel.
  if (listener.port().accept(std::move(remote), address, c.endpoint[0]) == nullptr) {
    // Refused (no channel ids left): the remote's end left silently; the
    // client is reset.
    send_segment(c, 1, SegmentKind::rst,
                 "connect to " + c.endpoint[1] + " refused: no channel ids left", now());
    return;
  }
  send_segment(c, 1, SegmentKind::syn_ack, {}, now());
}

void SimCore::detach(SimConn& c, int side, bool silent) {
  SimStreamEnd* leaving = c.end[side];
  if (leaving != nullptr) leaving->conn = nullptr;
  c.end[side] = nullptr;
  if (c.end[0] != nullptr || c.end[1] != nullptr) return;
  if (!silent) {
    const SimEndpoint* const last[2] = {leaving, leaving};
    lose_flight(c, last, "both ends closed while on link ");
  }
  erase_conn(c);
}

void SimCore::lose_flight(const SimConn& c, const SimEndpoint* const (&ends)[2],
                          std::string_view why) {
  for (int d = 0; d < 2; ++d) {
    const SimConn::Dir& dir = c.dir[d];
    if (dir.bytes == 0) continue;  // only control segments (SYN, FIN) are left
    // Held segments arrived first: the oldest.
    for (const std::deque<SimSegment>* segments : {&dir.held, &dir.flight}) {
      for (const SimSegment& segment : *segments)
        lose_segment(c, d, segment, ends[d], ends[1 - d], why);
    }
  }
}

void SimCore::lose_segment(const SimConn& c, int d, const SimSegment& segment,
                           const SimEndpoint* sender, const SimEndpoint* receiver,
                           std::string_view why) {
  if (segment.kind != SegmentKind::data || segment.bytes.empty()) return;
  if (segment.at == kTymeNever) {
    detail_.assign(kBeyondEndOfTyme);
    detail_ += "link ";
  } else {
    detail_.assign(why);
  }
  detail_ += c.dir[d].link->name();
  report_ends(sender, receiver, NoiseKind::drop, segment.bytes, c.endpoint[1 - d], detail_);
}

void SimCore::erase_conn(SimConn& c) {
  if (c.host[0]->client_ports.erase(c.port[0]) != 0) c.host[0]->stream_ports.clear(c.port[0]);
  for (int i = 0; i < 2; ++i) {
    c.host[i]->conns.erase(c.id);  // side i
    stalled_.erase({c.id, i});     // direction i
  }
  conns_.erase(c.id);
}

void SimCore::reset(SimConn& c, std::string_view why) {
  SimStreamEnd* ends[2] = {c.end[0], c.end[1]};
  const std::string reason(why);
  // What is on its way either way goes with the connection: a drop each,
  // on its sender's channel (else its receiver's), before the closes.
  const SimEndpoint* const reporters[2] = {ends[0], ends[1]};
  lose_flight(c, reporters, reason + " while on link ");
  for (int side = 0; side < 2; ++side) {
    if (ends[side] != nullptr) ends[side]->conn = nullptr;
    c.end[side] = nullptr;
  }
  erase_conn(c);
  for (SimStreamEnd* end : ends) {
    if (end != nullptr) end->on_reset(reason);
  }
}

}  // namespace hio::detail
