// add_io_kinds: every IO doer kind, one family at a time (io_kinds.hpp).
#include "io_kinds.hpp"

namespace hio::tools {

void add_io_kinds(DoerRegistry& registry) {
  add_stream_kinds(registry);
  add_datagram_kinds(registry);
  add_serial_kinds(registry);
}

}  // namespace hio::tools
