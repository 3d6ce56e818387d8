// Everything of hio::replay in one include.
#pragma once

#include "hio/replay/crc32c.hpp"
#include "hio/replay/diff.hpp"
#include "hio/replay/digest.hpp"
#include "hio/replay/error.hpp"
#include "hio/replay/event_batch.hpp"
#include "hio/replay/inspect.hpp"
#include "hio/replay/journal.hpp"
#include "hio/replay/noise.hpp"
#include "hio/replay/out_of_memory.hpp"
#include "hio/replay/reader.hpp"
#include "hio/replay/recorder.hpp"
#include "hio/replay/replayer.hpp"
#include "hio/replay/salvage.hpp"
#include "hio/replay/sync_directory.hpp"
#include "hio/replay/types.hpp"
#include "hio/replay/writer.hpp"
