/* cs-thread-niceness.h: background work that gives way to the interface
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Below the interface, above idle work: what every background job of the
 * app runs at, so that on a two-core laptop the window is never kept
 * waiting by a check, a photo or a dictionary being read. */
#define CS_BACKGROUND_NICENESS 10

void cs_thread_set_background (void);

G_END_DECLS
