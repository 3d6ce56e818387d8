// Everything of hio::io in one include.
#pragma once

#include "hio/io/address.hpp"
#include "hio/io/buffer.hpp"
#include "hio/io/channel.hpp"
#include "hio/io/channel_doer.hpp"
#include "hio/io/console_doer.hpp"
#include "hio/io/echo_server_doer.hpp"
#include "hio/io/error_text.hpp"
#include "hio/io/event.hpp"
#include "hio/io/hub.hpp"
#include "hio/io/log.hpp"
#include "hio/io/retry_grid.hpp"
#include "hio/io/serial_doer.hpp"
#include "hio/io/tcp_client_doer.hpp"
#include "hio/io/tcp_server_doer.hpp"
#include "hio/io/transport.hpp"
#include "hio/io/udp_peer_doer.hpp"
