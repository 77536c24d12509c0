/* cs-application.h: the Countersign application
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cs-core.h"
#include "cs-draft-store.h"
#include "cs-photo-analyser.h"
#include "cs-queue-connection.h"

G_BEGIN_DECLS

#define CS_TYPE_APPLICATION (cs_application_get_type ())

G_DECLARE_FINAL_TYPE (CsApplication, cs_application, CS, APPLICATION, AdwApplication)

CsApplication   *cs_application_new                (void);
CsSession       *cs_application_get_session        (CsApplication *self);
CsDraftStore    *cs_application_get_store          (CsApplication *self);
GSettings       *cs_application_get_settings       (CsApplication *self);
/* The app's one photo analyser, made on first use; thread safe. */
CsPhotoAnalyser *cs_application_get_photo_analyser (CsApplication *self);

/* The approval queue of the "queue-server" setting (started on this
 * computer when it is empty), opened on first use; its finish gives the
 * connection (a new reference) or an error for the user. The connection is
 * opened again after the setting changes. */
void               cs_application_open_queue_async  (CsApplication       *self,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
CsQueueConnection *cs_application_open_queue_finish (CsApplication       *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

/* The demo data that comes with Countersign (data/demo), installed or not. */
GFile         *cs_application_dup_demo_file (const char *name);

G_END_DECLS
