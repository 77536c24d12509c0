/* cs-live-check.h: checks a post as it is typed, in a worker thread
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cs-checker.h"

G_BEGIN_DECLS

#define CS_TYPE_LIVE_CHECK (cs_live_check_get_type ())

G_DECLARE_FINAL_TYPE (CsLiveCheck, cs_live_check, CS, LIVE_CHECK, GObject)

/* At most one check runs at a time, on a thread of its own at a lower
 * priority than the interface. A request made while one runs replaces any
 * request still waiting, so a burst of keystrokes costs one check after the
 * running one, never a queue of them. ::finished(serial, findings) is
 * emitted on the thread-default main context of the creator; @serial is the
 * request the findings answer, compare it with cs_live_check_get_serial(). */
CsLiveCheck *cs_live_check_new        (void);
void         cs_live_check_set_checker (CsLiveCheck *self,
                                        CsChecker   *checker);
CsChecker   *cs_live_check_get_checker (CsLiveCheck *self);
/* Takes @text, which spares a copy of a long post per key. @platforms is a
 * bit set of CsPlatform; each adds its length finding. */
guint        cs_live_check_request_take (CsLiveCheck *self,
                                         char        *text,
                                         guint        platforms);
guint        cs_live_check_get_serial (CsLiveCheck *self);
gboolean     cs_live_check_is_busy    (CsLiveCheck *self);

G_END_DECLS
