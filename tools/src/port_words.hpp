// How hio's advice names what a doer does with a real port: a udp://
// endpoint binds it, a tcp:// or tls:// listener listens on it. One wording
// for the build errors' hint (registry.cpp) and hio sweep's --jobs refusal.
#pragma once

#include <string_view>

#include "hio/io/address.hpp"

namespace hio::tools {

inline std::string_view port_verb(Scheme scheme) {
  return scheme == Scheme::udp ? "bind to" : "listen on";
}

}  // namespace hio::tools
