// Everything of hio::engine in one include.
#pragma once

#include "hio/engine/dodoer.hpp"
#include "hio/engine/doer.hpp"
#include "hio/engine/doer_list.hpp"
#include "hio/engine/dog.hpp"
#include "hio/engine/doify.hpp"
#include "hio/engine/doist.hpp"
#include "hio/engine/mono_timer.hpp"
#include "hio/engine/random.hpp"
#include "hio/engine/reactor.hpp"
#include "hio/engine/redoer.hpp"
#include "hio/engine/report.hpp"
#include "hio/engine/schedule.hpp"
#include "hio/engine/step.hpp"
#include "hio/engine/tyme.hpp"
#include "hio/engine/tymist.hpp"
#include "hio/version.hpp"
