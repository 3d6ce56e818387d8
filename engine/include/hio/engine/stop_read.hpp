// A read(2), an open(2) of a FIFO, and a write(2) that waits for room, that a
// caught stop signal ends, whichever thread the signal interrupted and
// whenever it came.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <cstddef>

namespace hio {

// ::read(fd, buffer, size), waiting for input in steps of at most 100 ms
// (poll) and asking caught_stop_signal() before each: a stop signal the
// process catches ends the wait even when it interrupted no read of this
// thread (it came just before the read, or to another thread). Returns -1
// with errno EINTR then, and only then; otherwise what read returned (an
// EINTR of its own is retried). Only a wait ends: input that is there - a
// regular file, always; a pipe or terminal with bytes, or at its end - is
// read whatever was caught (the signal may be another run's: until session
// 20 every read of the process failed once one was caught).
ssize_t read_unless_stopped(int fd, void* buffer, std::size_t size);

// ::open(path, flags, mode), except that opening a FIFO, which waits for
// the other end, waits in steps of at most 100 ms and asks
// caught_stop_signal() before each: a stop signal the process catches ends
// the wait even when it came before the open, which it would not interrupt
// (a plain open(2) then waits for a reader, or a writer, for ever, Ctrl-C
// unheard). A writer waits for a reader by O_NONBLOCK opens, which fail
// with ENXIO while there is none. A reader is opened O_NONBLOCK (at once)
// and waits, by poll, until there is something to read: bytes, or the end
// of a writer that came and left (so a read then never mistakes "no writer
// yet" for the end of the input). Returns -1 with errno EINTR when stopped,
// and only then (another signal does not end the wait); otherwise what open
// returned, the descriptor blocking as `flags` say. Anything but a FIFO
// opened for reading or for writing is opened as open(2) opens it.
int open_unless_stopped(const char* path, int flags, mode_t mode);

// ::write(fd, buffer, size), except that a write that cannot go on at once
// (EAGAIN or EWOULDBLOCK on a descriptor opened O_NONBLOCK: a full pipe or
// FIFO whose reader does not read; EINTR) waits for room in steps of at most
// 100 ms (poll) and asks caught_stop_signal() after each: once a stop signal
// the process catches has come (whichever thread it interrupted), a step
// that finds no room in its 100 ms ends the wait, as does a blocking write
// the signal interrupted. Returns -1 with errno EINTR then, and only then;
// otherwise what write returned (a short count included). A write that can
// go on is made whatever was caught: what is written after a stop signal (a
// journal's trailer) is written as long as the reader takes it, also a slow
// reader that makes room within each 100 ms.
ssize_t write_unless_stopped(int fd, const void* buffer, std::size_t size);

// Keeps `signal` (SIGINT, SIGTERM, SIGHUP) as if the process's handler had
// caught it, where caught_stop_signal() reads it (the first one kept wins),
// for a signal taken otherwise: hio sweep's watcher (sigtimedwait) takes the
// signals its threads block, so that the waits above, and the output's, end
// in those threads too. Nothing is kept while no catch or run is in progress
// (it would be left over for the next one). Not async-signal-safe.
void record_stop_signal(int signal);

}  // namespace hio
