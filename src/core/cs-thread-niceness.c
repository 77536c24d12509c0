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

/* Makes the calling thread background work (Linux gives each thread its
 * own niceness). Without privileges it cannot be undone, so only a thread
 * of the job's own is made nicer, never one of GLib's pool. Failing only
 * makes the work compete as usual. */
void
cs_thread_set_background (void)
{
  if (setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), CS_BACKGROUND_NICENESS) != 0)
    g_debug ("Could not make this thread background work: %s", g_strerror (errno));
}
