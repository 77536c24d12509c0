/* cs-thread-niceness.c: background work that gives way to the interface
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cs-thread-niceness.h"

/* Sets the calling thread's niceness (Linux gives each thread its own) and
 * returns the one it had. Without privileges it cannot be lowered again, so
 * only a thread of the job's own should be made nicer, never one of GLib's
 * pool. Failing to change it only makes the work compete as usual. */
int
cs_thread_set_niceness (int niceness)
{
  id_t tid = (id_t) syscall (SYS_gettid);
  int old;

  errno = 0;
  old = getpriority (PRIO_PROCESS, tid);
  if (old == -1 && errno != 0)
    old = 0;

  if (setpriority (PRIO_PROCESS, tid, niceness) != 0)
    g_debug ("Could not set this thread's niceness to %d: %s", niceness, g_strerror (errno));

  return old;
}
