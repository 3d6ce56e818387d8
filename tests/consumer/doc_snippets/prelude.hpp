// What a fragment shown in the docs (a class, a function, a declaration)
// takes as given: hio's engine and the standard headers a page assumes.
#pragma once

#include <chrono>
#include <cstdio>

#include <hio/engine/engine.hpp>
