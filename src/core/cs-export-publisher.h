/* cs-export-publisher.h: writes an approved post into a folder, for the school website or newsletter
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cs-publisher.h"

G_BEGIN_DECLS

#define CS_TYPE_EXPORT_PUBLISHER (cs_export_publisher_get_type ())

G_DECLARE_FINAL_TYPE (CsExportPublisher, cs_export_publisher, CS, EXPORT_PUBLISHER, CsPublisher)

/* Each post goes into a new subfolder of @folder, named after the job's
 * key: post.txt, photo-1.jpg…, and alt-text.txt with each photo's
 * description. @folder must already exist. */
CsPublisher *cs_export_publisher_new (const char *folder);

G_END_DECLS
