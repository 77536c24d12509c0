/* cs-core.h: the whole of the GTK-free core, for the app, the CLI and the server
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cs-checker.h"
#include "cs-draft.h"
#include "cs-draft-store.h"
#include "cs-finding.h"
#include "cs-json.h"
#include "cs-live-check.h"
#include "cs-thread-niceness.h"
#include "cs-person.h"
#include "cs-platform.h"
#include "cs-policy.h"
#include "cs-roster.h"
#include "cs-session.h"
#include "cs-spelling.h"
#include "cs-url.h"
