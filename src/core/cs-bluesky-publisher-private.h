/* cs-bluesky-publisher-private.h: the Bluesky publisher's parts, shared between its files
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cs-bluesky-publisher.h"

G_BEGIN_DECLS

struct _CsBlueskyPublisher
{
  CsPublisher  parent_instance;

  char        *identifier;
  char        *app_password;

  /* Publishing runs in worker threads, one post at a time, but not
   * always in the same thread; the session is shared between them. */
  GMutex       lock;
  char        *access_jwt;
  char        *refresh_jwt;
  char        *did;
  char        *handle;
};

/* Bluesky's error name ("ExpiredToken") in a refusal, or NULL. */
const char *cs_bluesky_error_name                (JsonNode            *reply);
/* Its message for people, else its error name, or NULL. */
const char *cs_bluesky_error_message             (JsonNode            *reply);

/* Sends one authenticated XRPC call, signing in or refreshing the
 * session as needed (see cs-bluesky-publisher-session.c). */
JsonNode   *cs_bluesky_publisher_xrpc            (CsBlueskyPublisher  *self,
                                                  CsPublishJob        *job,
                                                  const char          *method,
                                                  const char          *path,
                                                  const char          *content_type,
                                                  GBytes              *body,
                                                  guint               *status_out,
                                                  JsonNode           **refusal_out,
                                                  GCancellable        *cancellable,
                                                  GError             **error);
/* The account's DID and the name its posts are seen under. */
gboolean    cs_bluesky_publisher_get_identity    (CsBlueskyPublisher  *self,
                                                  CsPublishJob        *job,
                                                  char               **did,
                                                  char               **profile,
                                                  GCancellable        *cancellable,
                                                  GError             **error);

G_END_DECLS
