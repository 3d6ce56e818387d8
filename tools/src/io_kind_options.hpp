// What the IO doer kinds read from their specs: their own address, channel
// options (buffers, TLS, timeouts, retry), every key checked, and the
// ParamSpecs of those keys for the kinds' tables. Internal to tools/src.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hio/io/channel.hpp"
#include "hio/tools/registry.hpp"

namespace hio::tools {

// The channel limits a scenario may set (ChannelOptions' fields of the same
// names), bounded so that a scenario cannot make a channel allocate without
// limit (buffers: kBufferBytesMax, scenario.hpp).
constexpr std::int64_t kRemotesMax = 1'000'000;
constexpr std::int64_t kUdpDatagramBytesMax = 65'507;  // an IPv4 UDP payload's most

// `key`'s integer, which must be from 1 to `high` (else a ParamError).
std::size_t bounded(const DoerSpec& spec, const char* key, std::int64_t high);

// A doer's own address, parameter "address", which no other doer may have:
// listened on (`family` "stream"), bound ("datagram") or opened ("serial": a
// second opener of a sim-serial:// end is refused as busy; two of a real
// device would each get part of the bytes). See BuildContext::claim.
std::string claimed_address(const DoerSpec& spec, BuildContext& context, std::string_view family);

// The tls_* parameters of a stream doer (PEM files relative to the
// scenario). They apply to tls:// addresses only; a listener must have a
// certificate and its key (tls_key, or in the tls_cert file after the
// certificates).
TlsOptions tls_options(const DoerSpec& spec, BuildContext& context, const std::string& address,
                       bool listener);

// rx_bytes_max and tx_bytes_max: every kind's channel has its buffers. Both
// are checked before either is thrown (ParamErrors).
ChannelOptions buffered(const DoerSpec& spec);

// A datagram kind's options: the buffers and datagram_bytes_max, which must
// fit in both (a larger datagram could never be queued).
// Every key is checked before any mistake is thrown (ParamErrors); a limit
// that does not fit a buffer is blamed on the key the scenario wrote
// (datagram_bytes_max if written, else the buffer's).
ChannelOptions datagram_options(const DoerSpec& spec);

// handshake_timeout: tls:// only. close_linger: tcp:// and tls:// (a real
// socket's close; wall time, docs/io.md "Closing"). `o` holds the defaults.
void set_stream_timeouts(const DoerSpec& spec, const std::string& address, ChannelOptions& o);

// A serial kind's options: the buffers; retry: the device is opened again on
// the channel's retry grid after it hung up or failed to open; close_linger:
// serial:// only (a real line drains a write in flight at a close, as a TCP
// socket does; docs/io.md "Serial ports and the console").
ChannelOptions serial_options(const DoerSpec& spec, const std::string& address);

// The ParamSpecs of the keys above, for the kinds' tables.
std::vector<ParamSpec> buffer_params();
// A serial kind's: the buffers and retry.
std::vector<ParamSpec> serial_params();
std::vector<ParamSpec> datagram_params();
// tls_min_version, a key of both echo kinds.
ParamSpec tls_min_version_param();
// The keys of set_stream_timeouts.
std::vector<ParamSpec> stream_timeout_params();
// Registers `kind` with the channel keys `extra` after its own.
void add_with(DoerRegistry& registry, KindSpec kind, const std::vector<ParamSpec>& extra);

}  // namespace hio::tools
