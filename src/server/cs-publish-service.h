/* cs-publish-service.h: publishes approved posts when they fall due
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs in the queue server, so a post scheduled for Saturday morning goes
 * out while the head's laptop is shut. Deliveries are claimed from the
 * store when due and published on worker threads; each attempt and its
 * result is in the audit log. Just before publishing, the post's content
 * must still match what was approved, and consent is checked against
 * today's roster.
 */

#pragma once

#include "cs-queue-store.h"
#include "cs-school-checks.h"
#include "cs-secret-box.h"

G_BEGIN_DECLS

#define CS_TYPE_PUBLISH_SERVICE (cs_publish_service_get_type ())

G_DECLARE_FINAL_TYPE (CsPublishService, cs_publish_service, CS, PUBLISH_SERVICE, GObject)

/* @box seals and opens the accounts' secrets; the service keeps it. */
CsPublishService *cs_publish_service_new      (CsQueueStore     *store,
                                               CsSchoolChecks   *checks,
                                               CsSecretBox      *box);

/* Recovers deliveries a crash cut short, then publishes whatever is due,
 * now and from then on, in the thread-default main context. */
gboolean          cs_publish_service_start    (CsPublishService *self,
                                               GError          **error);
/* Looks for due deliveries at once (after an approval or a retry). */
void              cs_publish_service_wake     (CsPublishService *self);
/* Stops taking work and waits for the attempts in flight to end;
 * anything cut off is recovered at the next start. */
void              cs_publish_service_stop     (CsPublishService *self);

/* An account's settings and secrets as the administrator sent them:
 * checked (a publisher can be made from them), the secrets sealed. */
gboolean          cs_publish_service_set_account (CsPublishService  *self,
                                                  const char        *school,
                                                  const char        *platform,
                                                  JsonObject        *settings,
                                                  JsonObject        *secrets,
                                                  const CsQueueUser *actor,
                                                  GError           **error);
/* Forgets the publishers made for @school (after its accounts change). */
void              cs_publish_service_forget   (CsPublishService *self,
                                               const char       *school);

/* The first retry waits @first_delay seconds, each next one four times
 * longer up to an hour; after @max_attempts it gives up. */
void              cs_publish_service_set_retry_policy (CsPublishService *self,
                                                       guint             first_delay,
                                                       guint             max_attempts);
/* Trust @certificate for every platform (a school's own Mastodon with a
 * self-signed certificate; tests). */
void              cs_publish_service_trust_certificate (CsPublishService *self,
                                                        GTlsCertificate  *certificate);

G_END_DECLS
