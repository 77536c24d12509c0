/* cs-queue-store.h: the approval queue's durable storage
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Schools, their users, the posts waiting for (or past) approval with their
 * redacted photos, the idempotency records of submissions, and the
 * append-only, hash-chained audit log. Every change and the audit entry
 * that records it are written in one transaction, so neither exists
 * without the other after a crash.
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define CS_QUEUE_STORE_ERROR (cs_queue_store_error_quark ())

typedef enum
{
  CS_QUEUE_STORE_ERROR_FAILED,     /* the database could not be read or written */
  CS_QUEUE_STORE_ERROR_NOT_FOUND,  /* no such post, user or school */
  CS_QUEUE_STORE_ERROR_EXISTS,     /* a user of that name is already there */
  CS_QUEUE_STORE_ERROR_CONFLICT,   /* the post is not in a state that allows it */
} CsQueueStoreError;

GQuark cs_queue_store_error_quark (void);

typedef enum
{
  CS_USER_STAFF,  /* submits posts, sees and withdraws their own */
  CS_USER_HEAD,   /* reviews, approves, rejects and publishes */
  CS_USER_ADMIN,  /* users, roster and policy */
} CsUserRole;

const char *cs_user_role_to_string   (CsUserRole  role);
gboolean    cs_user_role_from_string (const char *str,
                                      CsUserRole *role);

typedef enum
{
  CS_POST_PENDING,
  CS_POST_APPROVED,
  CS_POST_REJECTED,
  CS_POST_PUBLISHED,
  CS_POST_WITHDRAWN,
} CsPostState;

const char *cs_post_state_to_string   (CsPostState  state);
gboolean    cs_post_state_from_string (const char  *str,
                                       CsPostState *state);

typedef struct
{
  gint64      id;
  char       *school;
  char       *name;
  CsUserRole  role;
} CsQueueUser;

void cs_queue_user_free (CsQueueUser *user);

/* One redacted photo of a post, as submitted. */
typedef struct
{
  GBytes *jpeg;
  char   *alt;
  char   *tags_json;  /* [{"pupil","x","y","w","h"}], the faces left clear */
} CsQueuePhoto;

void cs_queue_photo_free (CsQueuePhoto *photo);

/* Where an approved post is on its way to one of the school's accounts. */
typedef enum
{
  CS_DELIVERY_QUEUED,      /* waiting for its time, or to try again */
  CS_DELIVERY_PUBLISHING,  /* a worker is on it; after a crash the outcome is unknown */
  CS_DELIVERY_PUBLISHED,
  CS_DELIVERY_FAILED,      /* gave up; the head may retry it */
} CsDeliveryState;

const char *cs_delivery_state_to_string   (CsDeliveryState  state);
gboolean    cs_delivery_state_from_string (const char      *str,
                                           CsDeliveryState *state);

typedef struct
{
  gint64           post;
  char            *school;
  char            *platform;       /* "mastodon", …, "export" */
  CsDeliveryState  state;
  char            *key;            /* stable across attempts: never post twice */
  char            *progress_json;  /* remote ids learned so far */
  gboolean         resumed;        /* an attempt was cut off: look before posting */
  int              attempts;
  gint64           next_at;        /* unix seconds: when it is due */
  char            *url;            /* once published */
  char            *message;        /* why it failed or waits, in words */
  gint64           updated_at;
} CsDelivery;

void cs_delivery_free (CsDelivery *delivery);

typedef struct
{
  gint64       id;
  char        *school;
  gint64       author;
  char        *author_name;
  CsPostState  state;
  char        *text;
  char        *platforms_json;  /* ["x","mastodon"] */
  char        *content_hash;    /* sha256 of text, platforms, photos and tags */
  GPtrArray   *photos;          /* CsQueuePhoto; their JPEGs only when asked for */
  char        *comment;         /* the head's, on approval or rejection */
  char        *approved_hash;   /* the content hash the approval is bound to */
  GPtrArray   *deliveries;      /* CsDelivery, once approved */
  gint64       created_at;      /* unix seconds */
  gint64       updated_at;
} CsQueuePost;

CsQueuePost *cs_queue_post_new  (void);
void         cs_queue_post_free (CsQueuePost *post);

/* The hash an approval is bound to: any change to the text, the platforms,
 * a photo's pixels, its alt text or its tags changes it. */
char        *cs_queue_post_compute_hash (const CsQueuePost *post);

#define CS_TYPE_QUEUE_STORE (cs_queue_store_get_type ())

G_DECLARE_FINAL_TYPE (CsQueueStore, cs_queue_store, CS, QUEUE_STORE, GObject)

/* Opens (creating the tables if needed) the SQLite database at @path, or
 * the PostgreSQL database @conninfo names (a libpq connection string).
 * Thread safe: calls are serialised on one connection. */
CsQueueStore *cs_queue_store_open_sqlite   (const char    *path,
                                            GError       **error);
CsQueueStore *cs_queue_store_open_postgres (const char    *conninfo,
                                            GError       **error);

/* Schools */
gboolean      cs_queue_store_add_school    (CsQueueStore  *self,
                                            const char    *id,
                                            const char    *name,
                                            GError       **error);
/* The ids of every school, in order. */
GStrv         cs_queue_store_list_schools  (CsQueueStore  *self,
                                            GError       **error);
gboolean      cs_queue_store_set_roster    (CsQueueStore  *self,
                                            const char    *school,
                                            GBytes        *csv,
                                            gint64         actor,
                                            GError       **error);
GBytes       *cs_queue_store_get_roster    (CsQueueStore  *self,
                                            const char    *school,
                                            GError       **error);
gboolean      cs_queue_store_set_policy    (CsQueueStore  *self,
                                            const char    *school,
                                            GBytes        *json,
                                            gint64         actor,
                                            GError       **error);
GBytes       *cs_queue_store_get_policy    (CsQueueStore  *self,
                                            const char    *school,
                                            GError       **error);

/* Users. Adding one returns its token, which is stored only as a hash and
 * so can never be shown again. @password may be NULL. */
char         *cs_queue_store_add_user      (CsQueueStore  *self,
                                            const char    *school,
                                            const char    *name,
                                            CsUserRole     role,
                                            const char    *password,
                                            GError       **error);
CsQueueUser  *cs_queue_store_authenticate  (CsQueueStore  *self,
                                            const char    *token);
/* A new token for @name of @school when @password is right, else NULL. */
char         *cs_queue_store_login         (CsQueueStore  *self,
                                            const char    *school,
                                            const char    *name,
                                            const char    *password,
                                            CsQueueUser  **user);

/* Posts. Submitting stores @post (its id, state, hash and times are set
 * here) with its audit entry and, when @idempotency_key is given, the
 * response @make_response builds, all in one transaction. */
typedef char *(*CsQueueResponseFunc) (const CsQueuePost *post,
                                      gpointer           user_data);

gboolean      cs_queue_store_submit        (CsQueueStore        *self,
                                            const CsQueueUser   *author,
                                            CsQueuePost         *post,
                                            const char          *idempotency_key,
                                            const char          *request_hash,
                                            CsQueueResponseFunc  make_response,
                                            gpointer             user_data,
                                            GError             **error);
/* The stored response for @key of @user, and the hash of the request it
 * answered; FALSE when the key is new. */
gboolean      cs_queue_store_lookup_idempotency (CsQueueStore      *self,
                                                 const CsQueueUser *user,
                                                 const char        *key,
                                                 char             **request_hash,
                                                 char             **response);

CsQueuePost  *cs_queue_store_get_post      (CsQueueStore  *self,
                                            gint64         id,
                                            gboolean       with_photos,
                                            GError       **error);
/* Posts of @school, newest first; of @author only when it is not 0; in
 * @state only when it is not -1. Photos carry no JPEG. */
GPtrArray    *cs_queue_store_list_posts    (CsQueueStore  *self,
                                            const char    *school,
                                            gint64         author,
                                            int            state,
                                            GError       **error);
/* Moves post @id from @from to @to, recording @comment and, on approval,
 * the hash approved, with an audit entry for @actor. Fails with CONFLICT
 * when the post is no longer in @from. */
gboolean      cs_queue_store_transition    (CsQueueStore       *self,
                                            gint64              id,
                                            CsPostState         from,
                                            CsPostState         to,
                                            const CsQueueUser  *actor,
                                            const char         *comment,
                                            const char         *approved_hash,
                                            GError            **error);

/* Publishing. An account's secrets are stored sealed (cs-secret-box.h):
 * the store never sees them in the clear. @actor NULL means the server
 * itself (a token a platform refreshed). */
gboolean      cs_queue_store_set_account   (CsQueueStore       *self,
                                            const char         *school,
                                            const char         *platform,
                                            const char         *settings_json,
                                            GBytes             *sealed_secrets,
                                            const CsQueueUser  *actor,
                                            GError            **error);
gboolean      cs_queue_store_remove_account (CsQueueStore      *self,
                                            const char         *school,
                                            const char         *platform,
                                            const CsQueueUser  *actor,
                                            GError            **error);
/* NOT_FOUND when the school has no such account. */
gboolean      cs_queue_store_get_account   (CsQueueStore       *self,
                                            const char         *school,
                                            const char         *platform,
                                            char              **settings_json,
                                            GBytes            **sealed_secrets,
                                            GError            **error);
/* [{"platform", "settings": {…}, "updated_at"}], never the secrets. */
JsonArray    *cs_queue_store_list_accounts (CsQueueStore       *self,
                                            const char         *school,
                                            GError            **error);

/* Approves post @id (see cs_queue_store_transition()) and queues one
 * delivery per platform of the post, and one to the export folder when
 * the school has one, due at @publish_at (0: now), all in one
 * transaction. */
gboolean      cs_queue_store_approve       (CsQueueStore       *self,
                                            gint64              id,
                                            const CsQueueUser  *actor,
                                            const char         *comment,
                                            const char         *approved_hash,
                                            gint64              publish_at,
                                            GError            **error);
/* Marks up to @limit deliveries due by @now as publishing (one attempt
 * more each, audited) and returns them, oldest due first. */
GPtrArray    *cs_queue_store_claim_deliveries (CsQueueStore    *self,
                                               gint64           now,
                                               guint            limit,
                                               GError         **error);
gboolean      cs_queue_store_save_progress (CsQueueStore       *self,
                                            gint64              post,
                                            const char         *platform,
                                            const char         *progress_json,
                                            GError            **error);
/* Ends an attempt: PUBLISHED with @url, QUEUED again at @next_at, or
 * FAILED, with @message saying why. The post itself becomes published
 * once all its deliveries are. */
gboolean      cs_queue_store_finish_delivery (CsQueueStore     *self,
                                              gint64            post,
                                              const char       *platform,
                                              CsDeliveryState   state,
                                              const char       *url,
                                              const char       *message,
                                              gint64            next_at,
                                              GError          **error);
/* The head asks for a failed delivery to be tried again, now. */
gboolean      cs_queue_store_retry_delivery (CsQueueStore      *self,
                                             gint64             post,
                                             const char        *platform,
                                             const CsQueueUser *actor,
                                             GError           **error);
/* At start-up: deliveries a crash left publishing are queued again,
 * marked resumed so their publisher looks for the post first. Returns
 * how many, or -1 on error. */
int           cs_queue_store_recover_deliveries (CsQueueStore  *self,
                                                 GError       **error);
/* When the next queued delivery is due (unix seconds), or 0 for none. */
gint64        cs_queue_store_next_due      (CsQueueStore       *self);

/* The audit log. Entries are objects with seq, at, school, actor, action,
 * post, detail, prev_hash and hash. */
JsonArray    *cs_queue_store_list_audit    (CsQueueStore  *self,
                                            const char    *school,
                                            GError       **error);
/* The entries about post @post, oldest first: its story. */
JsonArray    *cs_queue_store_list_post_history (CsQueueStore *self,
                                                gint64        post,
                                                GError      **error);
/* @entries as CSV for a data protection officer's spreadsheet: a header,
 * then one CRLF line each, times in ISO 8601 UTC. */
char         *cs_audit_to_csv              (JsonArray     *entries);
/* Recomputes the chain: FALSE with the first bad entry named in @error
 * when an entry was edited, removed or inserted. */
gboolean      cs_queue_store_verify_audit  (CsQueueStore  *self,
                                            GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsQueueUser, cs_queue_user_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsQueuePost, cs_queue_post_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsQueuePhoto, cs_queue_photo_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsDelivery, cs_delivery_free)

G_END_DECLS
