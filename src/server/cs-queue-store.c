/* cs-queue-store.c: the approval queue's durable storage, on SQLite
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cs-queue-store-private.h"

#include <string.h>

#include "cs-db.h"
#include "cs-secret.h"

G_DEFINE_FINAL_TYPE (CsQueueStore, cs_queue_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (cs-queue-store-error-quark, cs_queue_store_error)

static const char *const role_names[] = { "staff", "head", "admin" };
static const char *const state_names[] = { "pending", "approved", "rejected", "published", "withdrawn" };

const char *
cs_user_role_to_string (CsUserRole role)
{
  g_return_val_if_fail (role <= CS_USER_ADMIN, NULL);
  return role_names[role];
}

gboolean
cs_user_role_from_string (const char *str,
                          CsUserRole *role)
{
  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (role_names); i++)
    if (strcmp (str, role_names[i]) == 0)
      {
        *role = i;
        return TRUE;
      }
  return FALSE;
}

const char *
cs_post_state_to_string (CsPostState state)
{
  g_return_val_if_fail (state <= CS_POST_WITHDRAWN, NULL);
  return state_names[state];
}

gboolean
cs_post_state_from_string (const char  *str,
                           CsPostState *state)
{
  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (state_names); i++)
    if (strcmp (str, state_names[i]) == 0)
      {
        *state = i;
        return TRUE;
      }
  return FALSE;
}

void
cs_queue_user_free (CsQueueUser *user)
{
  if (user == NULL)
    return;
  g_free (user->school);
  g_free (user->name);
  g_free (user);
}

void
cs_queue_photo_free (CsQueuePhoto *photo)
{
  if (photo == NULL)
    return;
  g_clear_pointer (&photo->jpeg, g_bytes_unref);
  g_free (photo->alt);
  g_free (photo->tags_json);
  g_free (photo);
}

CsQueuePost *
cs_queue_post_new (void)
{
  CsQueuePost *post = g_new0 (CsQueuePost, 1);

  post->photos = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_queue_photo_free);
  post->deliveries = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_delivery_free);
  return post;
}

void
cs_queue_post_free (CsQueuePost *post)
{
  if (post == NULL)
    return;
  g_free (post->school);
  g_free (post->author_name);
  g_free (post->text);
  g_free (post->platforms_json);
  g_free (post->content_hash);
  g_clear_pointer (&post->photos, g_ptr_array_unref);
  g_clear_pointer (&post->deliveries, g_ptr_array_unref);
  g_free (post->comment);
  g_free (post->approved_hash);
  g_free (post);
}

/* Each part is length-prefixed, so no two different posts can run their
 * parts together into the same bytes. */
static void
hash_part (GChecksum  *sum,
           const void *data,
           gsize       len)
{
  char prefix[24];

  g_snprintf (prefix, sizeof prefix, "%" G_GSIZE_FORMAT ":", len);
  g_checksum_update (sum, (const guchar *) prefix, strlen (prefix));
  if (len > 0)
    g_checksum_update (sum, data, len);
}

static void
hash_string (GChecksum  *sum,
             const char *text)
{
  hash_part (sum, text != NULL ? text : "", text != NULL ? strlen (text) : 0);
}

char *
cs_queue_post_compute_hash (const CsQueuePost *post)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  hash_string (sum, post->text);
  hash_string (sum, post->platforms_json);
  for (guint i = 0; i < post->photos->len; i++)
    {
      const CsQueuePhoto *photo = g_ptr_array_index (post->photos, i);
      g_autofree char *pixels = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, photo->jpeg);

      hash_string (sum, pixels);
      hash_string (sum, photo->alt);
      hash_string (sum, photo->tags_json);
    }

  return g_strdup (g_checksum_get_string (sum));
}

static const char sqlite_schema[] =
  "CREATE TABLE IF NOT EXISTS schools ("
  "  id TEXT PRIMARY KEY, name TEXT NOT NULL, roster BLOB, policy BLOB);"
  "CREATE TABLE IF NOT EXISTS users ("
  "  id INTEGER PRIMARY KEY, school TEXT NOT NULL REFERENCES schools(id),"
  "  name TEXT NOT NULL, role TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE,"
  "  password_hash TEXT, created_at INTEGER NOT NULL, UNIQUE (school, name));"
  "CREATE TABLE IF NOT EXISTS posts ("
  "  id INTEGER PRIMARY KEY, school TEXT NOT NULL REFERENCES schools(id),"
  "  author INTEGER NOT NULL REFERENCES users(id), state TEXT NOT NULL,"
  "  text TEXT NOT NULL, platforms TEXT NOT NULL, content_hash TEXT NOT NULL,"
  "  comment TEXT, approved_hash TEXT,"
  "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
  "CREATE INDEX IF NOT EXISTS posts_by_school ON posts (school, state, id);"
  "CREATE INDEX IF NOT EXISTS posts_by_author ON posts (author, id);"
  "CREATE TABLE IF NOT EXISTS photos ("
  "  post INTEGER NOT NULL REFERENCES posts(id), position INTEGER NOT NULL,"
  "  jpeg BLOB NOT NULL, alt TEXT NOT NULL, tags TEXT NOT NULL,"
  "  PRIMARY KEY (post, position));"
  "CREATE TABLE IF NOT EXISTS idempotency ("
  "  user_id INTEGER NOT NULL REFERENCES users(id), key TEXT NOT NULL,"
  "  request_hash TEXT NOT NULL, response TEXT NOT NULL, created_at INTEGER NOT NULL,"
  "  PRIMARY KEY (user_id, key));"
  "CREATE TABLE IF NOT EXISTS accounts ("
  "  school TEXT NOT NULL REFERENCES schools(id), platform TEXT NOT NULL,"
  "  settings TEXT NOT NULL, secrets BLOB NOT NULL, updated_at INTEGER NOT NULL,"
  "  PRIMARY KEY (school, platform));"
  "CREATE TABLE IF NOT EXISTS deliveries ("
  "  post INTEGER NOT NULL REFERENCES posts(id), platform TEXT NOT NULL, state TEXT NOT NULL,"
  "  key TEXT NOT NULL, progress TEXT NOT NULL, resumed INTEGER NOT NULL, attempts INTEGER NOT NULL,"
  "  next_at INTEGER NOT NULL, url TEXT, message TEXT, updated_at INTEGER NOT NULL,"
  "  PRIMARY KEY (post, platform));"
  "CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (state, next_at);"
  "CREATE TABLE IF NOT EXISTS audit ("
  "  seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, school TEXT NOT NULL,"
  "  actor TEXT NOT NULL, action TEXT NOT NULL, post INTEGER, detail TEXT NOT NULL,"
  "  prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
  /* The log only grows: the database itself refuses edits and deletions,
   * and the hash chain shows any made behind its back. */
  "CREATE INDEX IF NOT EXISTS audit_by_post ON audit (post, seq);"
  "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit"
  "  BEGIN SELECT RAISE (ABORT, 'the audit log is append-only'); END;"
  "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit"
  "  BEGIN SELECT RAISE (ABORT, 'the audit log is append-only'); END;";

static const char postgres_schema[] =
  "CREATE TABLE IF NOT EXISTS schools ("
  "  id TEXT PRIMARY KEY, name TEXT NOT NULL, roster BYTEA, policy BYTEA);"
  "CREATE TABLE IF NOT EXISTS users ("
  "  id BIGSERIAL PRIMARY KEY, school TEXT NOT NULL REFERENCES schools(id),"
  "  name TEXT NOT NULL, role TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE,"
  "  password_hash TEXT, created_at BIGINT NOT NULL, UNIQUE (school, name));"
  "CREATE TABLE IF NOT EXISTS posts ("
  "  id BIGSERIAL PRIMARY KEY, school TEXT NOT NULL REFERENCES schools(id),"
  "  author BIGINT NOT NULL REFERENCES users(id), state TEXT NOT NULL,"
  "  text TEXT NOT NULL, platforms TEXT NOT NULL, content_hash TEXT NOT NULL,"
  "  comment TEXT, approved_hash TEXT,"
  "  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);"
  "CREATE INDEX IF NOT EXISTS posts_by_school ON posts (school, state, id);"
  "CREATE INDEX IF NOT EXISTS posts_by_author ON posts (author, id);"
  "CREATE TABLE IF NOT EXISTS photos ("
  "  post BIGINT NOT NULL REFERENCES posts(id), position INTEGER NOT NULL,"
  "  jpeg BYTEA NOT NULL, alt TEXT NOT NULL, tags TEXT NOT NULL,"
  "  PRIMARY KEY (post, position));"
  "CREATE TABLE IF NOT EXISTS idempotency ("
  "  user_id BIGINT NOT NULL REFERENCES users(id), key TEXT NOT NULL,"
  "  request_hash TEXT NOT NULL, response TEXT NOT NULL, created_at BIGINT NOT NULL,"
  "  PRIMARY KEY (user_id, key));"
  "CREATE TABLE IF NOT EXISTS accounts ("
  "  school TEXT NOT NULL REFERENCES schools(id), platform TEXT NOT NULL,"
  "  settings TEXT NOT NULL, secrets BYTEA NOT NULL, updated_at BIGINT NOT NULL,"
  "  PRIMARY KEY (school, platform));"
  "CREATE TABLE IF NOT EXISTS deliveries ("
  "  post BIGINT NOT NULL REFERENCES posts(id), platform TEXT NOT NULL, state TEXT NOT NULL,"
  "  key TEXT NOT NULL, progress TEXT NOT NULL, resumed INTEGER NOT NULL, attempts INTEGER NOT NULL,"
  "  next_at BIGINT NOT NULL, url TEXT, message TEXT, updated_at BIGINT NOT NULL,"
  "  PRIMARY KEY (post, platform));"
  "CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (state, next_at);"
  "CREATE TABLE IF NOT EXISTS audit ("
  "  seq BIGINT PRIMARY KEY, at BIGINT NOT NULL, school TEXT NOT NULL,"
  "  actor TEXT NOT NULL, action TEXT NOT NULL, post BIGINT, detail TEXT NOT NULL,"
  "  prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
  "CREATE INDEX IF NOT EXISTS audit_by_post ON audit (post, seq);"
  "CREATE OR REPLACE FUNCTION cs_audit_append_only () RETURNS trigger AS $$"
  "  BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$ LANGUAGE plpgsql;"
  "CREATE OR REPLACE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit"
  "  FOR EACH ROW EXECUTE FUNCTION cs_audit_append_only ();"
  "CREATE OR REPLACE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit"
  "  FOR EACH STATEMENT EXECUTE FUNCTION cs_audit_append_only ();";

static gboolean
db_error (GError     **error,
          GError      *cause,
          const char  *doing)
{
  g_set_error (error, CS_QUEUE_STORE_ERROR, CS_QUEUE_STORE_ERROR_FAILED,
               "The approval queue's database could not %s: %s", doing, cause->message);
  g_error_free (cause);
  return FALSE;
}

/* Runs @sql with @params; on failure sets @error to say what could not
 * be done. */
CsDbRows *
cs_queue_store_query (CsQueueStore    *self,
                      const char      *sql,
                      const CsDbValue *params,
                      const char      *doing,
                      GError         **error)
{
  GError *cause = NULL;
  CsDbRows *rows = cs_db_query (self->db, sql, params, &cause);

  if (rows == NULL)
    db_error (error, cause, doing);
  return rows;
}

static void
cs_queue_store_finalize (GObject *object)
{
  CsQueueStore *self = CS_QUEUE_STORE (object);

  g_clear_pointer (&self->db, cs_db_close);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (cs_queue_store_parent_class)->finalize (object);
}

static void
cs_queue_store_class_init (CsQueueStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cs_queue_store_finalize;
}

static void
cs_queue_store_init (CsQueueStore *self)
{
  g_mutex_init (&self->lock);
}

static CsQueueStore *
store_new (CsDb    *db,
           GError **error)
{
  g_autoptr(CsQueueStore) self = g_object_new (CS_TYPE_QUEUE_STORE, NULL);
  GError *cause = NULL;

  self->db = db;
  if (!cs_db_exec (db, cs_db_get_kind (db) == CS_DB_SQLITE ? sqlite_schema : postgres_schema, &cause))
    {
      db_error (error, cause, "be set up");
      return NULL;
    }
  return g_steal_pointer (&self);
}

CsQueueStore *
cs_queue_store_open_sqlite (const char  *path,
                            GError     **error)
{
  GError *cause = NULL;
  CsDb *db = cs_db_open_sqlite (path, &cause);

  if (db == NULL)
    {
      g_set_error (error, CS_QUEUE_STORE_ERROR, CS_QUEUE_STORE_ERROR_FAILED,
                   "The approval queue's database %s", cause->message);
      g_error_free (cause);
      return NULL;
    }
  return store_new (db, error);
}

CsQueueStore *
cs_queue_store_open_postgres (const char  *conninfo,
                              GError     **error)
{
  GError *cause = NULL;
  CsDb *db = cs_db_open_postgres (conninfo, &cause);

  if (db == NULL)
    {
      g_set_error (error, CS_QUEUE_STORE_ERROR, CS_QUEUE_STORE_ERROR_FAILED, "%s", cause->message);
      g_error_free (cause);
      return NULL;
    }
  return store_new (db, error);
}

gint64
cs_queue_store_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static char *
audit_hash (const char *prev_hash,
            gint64      seq,
            gint64      at,
            const char *school,
            const char *actor,
            const char *action,
            gint64      post,
            const char *detail)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  char number[32];

  hash_string (sum, prev_hash);
  g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, seq);
  hash_string (sum, number);
  g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, at);
  hash_string (sum, number);
  hash_string (sum, school);
  hash_string (sum, actor);
  hash_string (sum, action);
  g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, post);
  hash_string (sum, number);
  hash_string (sum, detail);

  return g_strdup (g_checksum_get_string (sum));
}

/* Appends one entry; the caller holds the lock and a write transaction,
 * which also keeps two entries from taking the same number. */
gboolean
cs_queue_store_append_audit (CsQueueStore *self,
                             const char   *school,
                             const char   *actor,
                             const char   *action,
                             gint64        post,
                             const char   *detail,
                             GError      **error)
{
  g_autoptr(CsDbRows) last = NULL;
  g_autoptr(CsDbRows) done = NULL;
  g_autofree char *hash = NULL;
  const char *prev_hash = "";
  gint64 seq = 1, at = cs_queue_store_now ();

  last = cs_queue_store_query (self, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", NULL, "read the audit log", error);
  if (last == NULL)
    return FALSE;
  if (cs_db_rows_count (last) > 0)
    {
      seq = cs_db_rows_int (last, 0, 0) + 1;
      prev_hash = cs_db_rows_text (last, 0, 1);
    }

  hash = audit_hash (prev_hash, seq, at, school, actor, action, post, detail);
  done = cs_queue_store_query (self, "INSERT INTO audit (seq, at, school, actor, action, post, detail, prev_hash, hash) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (CsDbValue[]) { CS_DB_P_INT (seq), CS_DB_P_INT (at), CS_DB_P_TEXT (school), CS_DB_P_TEXT (actor),
                                CS_DB_P_TEXT (action), post > 0 ? CS_DB_P_INT (post) : CS_DB_P_NULL,
                                CS_DB_P_TEXT (detail), CS_DB_P_TEXT (prev_hash), CS_DB_P_TEXT (hash), CS_DB_P_END },
                "record the audit entry", error);
  return done != NULL;
}

/* SQLite's BEGIN IMMEDIATE takes the write lock at once, so two writers
 * never both read and then both try to upgrade. PostgreSQL's lock on the
 * audit table does the same across the trust's servers: every write
 * appends an entry, and the chain needs them one at a time. */
gboolean
cs_queue_store_begin (CsQueueStore *self,
                      GError      **error)
{
  GError *cause = NULL;

  g_mutex_lock (&self->lock);
  if (!cs_db_exec (self->db, cs_db_get_kind (self->db) == CS_DB_SQLITE
                             ? "BEGIN IMMEDIATE"
                             : "BEGIN; LOCK TABLE audit IN SHARE ROW EXCLUSIVE MODE", &cause))
    {
      g_mutex_unlock (&self->lock);
      return db_error (error, cause, "start a change");
    }
  return TRUE;
}

gboolean
cs_queue_store_commit (CsQueueStore *self,
                       gboolean      ok,
                       GError      **error)
{
  GError *cause = NULL;

  if (ok && !cs_db_exec (self->db, "COMMIT", &cause))
    ok = db_error (error, cause, "save the change");
  if (!ok)
    cs_db_exec (self->db, "ROLLBACK", NULL);
  g_mutex_unlock (&self->lock);
  return ok;
}

static gboolean
is_constraint (GError *error)
{
  return g_error_matches (error, CS_DB_ERROR, CS_DB_ERROR_CONSTRAINT);
}

gboolean
cs_queue_store_add_school (CsQueueStore  *self,
                           const char    *id,
                           const char    *name,
                           GError       **error)
{
  g_autoptr(CsDbRows) rows = NULL;
  GError *cause = NULL;
  gboolean ok;

  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), FALSE);

  if (!cs_queue_store_begin (self, error))
    return FALSE;
  rows = cs_db_query (self->db, "INSERT INTO schools (id, name) VALUES (?, ?)",
                      (CsDbValue[]) { CS_DB_P_TEXT (id), CS_DB_P_TEXT (name), CS_DB_P_END }, &cause);
  if (rows == NULL && is_constraint (cause))
    {
      g_set_error (error, CS_QUEUE_STORE_ERROR, CS_QUEUE_STORE_ERROR_EXISTS,
                   "There is already a school with the id “%s”.", id);
      g_error_free (cause);
      ok = FALSE;
    }
  else
    ok = rows != NULL || db_error (error, cause, "add the school");
  ok = ok && cs_queue_store_append_audit (self, id, "admin", "school-added", 0, name, error);
  return cs_queue_store_commit (self, ok, error);
}

GStrv
cs_queue_store_list_schools (CsQueueStore  *self,
                             GError       **error)
{
  g_autoptr(CsDbRows) rows = NULL;
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();

  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), NULL);

  g_mutex_lock (&self->lock);
  rows = cs_queue_store_query (self, "SELECT id FROM schools ORDER BY id", NULL, "list the schools", error);
  g_mutex_unlock (&self->lock);
  if (rows == NULL)
    return NULL;
  for (guint r = 0; r < cs_db_rows_count (rows); r++)
    g_strv_builder_add (ids, cs_db_rows_text (rows, r, 0));
  return g_strv_builder_end (ids);
}

static gboolean
school_exists_locked (CsQueueStore *self,
                      const char   *school)
{
  g_autoptr(CsDbRows) rows = cs_db_query (self->db, "SELECT 1 FROM schools WHERE id = ?",
                                          (CsDbValue[]) { CS_DB_P_TEXT (school), CS_DB_P_END }, NULL);

  return rows != NULL && cs_db_rows_count (rows) > 0;
}

static gboolean
no_such_school (GError    **error,
                const char *school)
{
  g_set_error (error, CS_QUEUE_STORE_ERROR, CS_QUEUE_STORE_ERROR_NOT_FOUND,
               "There is no school with the id “%s”. Add it first with "
               "“countersign-queue school add”.", school);
  return FALSE;
}

static gboolean
set_school_blob (CsQueueStore *self,
                 const char   *school,
                 gboolean      roster,
                 GBytes       *data,
                 gint64        actor,
                 GError      **error)
{
  g_autoptr(CsDbRows) rows = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *actor_text = g_strdup_printf ("user %" G_GINT64_FORMAT, actor);
  g_autofree char *sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, data);
  gsize len;
  const void *bytes = g_bytes_get_data (data, &len);
  gboolean ok;

  if (!cs_queue_store_begin (self, error))
    return FALSE;
  if (!school_exists_locked (self, school))
    return cs_queue_store_commit (self, no_such_school (error, school), NULL);

  rows = cs_queue_store_query (self, roster ? "UPDATE schools SET roster = ? WHERE id = ?" : "UPDATE schools SET policy = ? WHERE id = ?",
                (CsDbValue[]) { CS_DB_P_BLOB (bytes != NULL ? bytes : "", len), CS_DB_P_TEXT (school), CS_DB_P_END },
                "store the file", error);
  ok = rows != NULL;
  detail = g_strdup_printf ("%" G_GSIZE_FORMAT " bytes, sha256 %s", len, sum);
  ok = ok && cs_queue_store_append_audit (self, school, actor_text, roster ? "roster-replaced" : "policy-replaced", 0, detail, error);
  return cs_queue_store_commit (self, ok, error);
}

static GBytes *
get_school_blob (CsQueueStore *self,
                 const char   *school,
                 gboolean      roster,
                 GError      **error)
{
  g_autoptr(CsDbRows) rows = NULL;
  GBytes *bytes = NULL;

  g_mutex_lock (&self->lock);
  rows = cs_queue_store_query (self, roster ? "SELECT roster FROM schools WHERE id = ?" : "SELECT policy FROM schools WHERE id = ?",
                (CsDbValue[]) { CS_DB_P_TEXT (school), CS_DB_P_END }, "read the school's files", error);
  g_mutex_unlock (&self->lock);

  if (rows == NULL)
    return NULL;
  if (cs_db_rows_count (rows) == 0)
    return no_such_school (error, school), NULL;
  bytes = cs_db_rows_bytes (rows, 0, 0);
  return bytes != NULL ? bytes : g_bytes_new (NULL, 0);
}

gboolean
cs_queue_store_set_roster (CsQueueStore *self,
                           const char   *school,
                           GBytes       *csv,
                           gint64        actor,
                           GError      **error)
{
  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), FALSE);
  return set_school_blob (self, school, TRUE, csv, actor, error);
}

GBytes *
cs_queue_store_get_roster (CsQueueStore *self,
                           const char   *school,
                           GError      **error)
{
  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), NULL);
  return get_school_blob (self, school, TRUE, error);
}

gboolean
cs_queue_store_set_policy (CsQueueStore *self,
                           const char   *school,
                           GBytes       *json,
                           gint64        actor,
                           GError      **error)
{
  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), FALSE);
  return set_school_blob (self, school, FALSE, json, actor, error);
}

GBytes *
cs_queue_store_get_policy (CsQueueStore *self,
                           const char   *school,
                           GError      **error)
{
  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), NULL);
  return get_school_blob (self, school, FALSE, error);
}

char *
cs_queue_store_add_user (CsQueueStore  *self,
                         const char    *school,
                         const char    *name,
                         CsUserRole     role,
                         const char    *password,
                         GError       **error)
{
  g_autoptr(CsDbRows) rows = NULL;
  g_autofree char *token = cs_secret_new_token ();
  g_autofree char *token_hash = cs_secret_hash_token (token);
  g_autofree char *password_hash = password != NULL ? cs_secret_hash_password (password) : NULL;
  g_autofree char *detail = NULL;
  GError *cause = NULL;
  gboolean ok;

  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), NULL);

  if (!cs_queue_store_begin (self, error))
    return NULL;
  if (!school_exists_locked (self, school))
    {
      cs_queue_store_commit (self, no_such_school (error, school), NULL);
      return NULL;
    }

  rows = cs_db_query (self->db, "INSERT INTO users (school, name, role, token_hash, password_hash, created_at) "
                                "VALUES (?, ?, ?, ?, ?, ?)",
                      (CsDbValue[]) { CS_DB_P_TEXT (school), CS_DB_P_TEXT (name),
                                      CS_DB_P_TEXT (cs_user_role_to_string (role)), CS_DB_P_TEXT (token_hash),
                                      CS_DB_P_TEXT (password_hash), CS_DB_P_INT (cs_queue_store_now ()), CS_DB_P_END },
                      &cause);
  if (rows == NULL && is_constraint (cause))
    {
      g_set_error (error, CS_QUEUE_STORE_ERROR, CS_QUEUE_STORE_ERROR_EXISTS,
                   "%s already has a user called “%s”.", school, name);
      g_error_free (cause);
      ok = FALSE;
    }
  else
    ok = rows != NULL || db_error (error, cause, "add the user");
  detail = g_strdup_printf ("%s (%s)", name, cs_user_role_to_string (role));
  ok = ok && cs_queue_store_append_audit (self, school, "admin", "user-added", 0, detail, error);
  if (!cs_queue_store_commit (self, ok, error))
    return NULL;

  return g_steal_pointer (&token);
}

static CsQueueUser *
user_from_row (CsDbRows *rows,
               guint     row)
{
  CsQueueUser *user = g_new0 (CsQueueUser, 1);

  user->id = cs_db_rows_int (rows, row, 0);
  user->school = g_strdup (cs_db_rows_text (rows, row, 1));
  user->name = g_strdup (cs_db_rows_text (rows, row, 2));
  if (!cs_user_role_from_string (cs_db_rows_text (rows, row, 3), &user->role))
    user->role = CS_USER_STAFF;

  return user;
}

CsQueueUser *
cs_queue_store_authenticate (CsQueueStore *self,
                             const char   *token)
{
  g_autoptr(CsDbRows) rows = NULL;
  g_autofree char *token_hash = NULL;

  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), NULL);

  if (token == NULL || *token == '\0')
    return NULL;

  /* The lookup is by hash, so the time it takes says nothing about how
   * much of a guessed token was right. */
  token_hash = cs_secret_hash_token (token);
  g_mutex_lock (&self->lock);
  rows = cs_db_query (self->db, "SELECT id, school, name, role FROM users WHERE token_hash = ?",
                      (CsDbValue[]) { CS_DB_P_TEXT (token_hash), CS_DB_P_END }, NULL);
  g_mutex_unlock (&self->lock);

  return rows != NULL && cs_db_rows_count (rows) > 0 ? user_from_row (rows, 0) : NULL;
}

char *
cs_queue_store_login (CsQueueStore  *self,
                      const char    *school,
                      const char    *name,
                      const char    *password,
                      CsQueueUser  **user_out)
{
  g_autoptr(CsDbRows) rows = NULL;
  g_autoptr(CsDbRows) updated = NULL;
  g_autoptr(CsQueueUser) user = NULL;
  g_autofree char *token = NULL;
  g_autofree char *token_hash = NULL;
  const char *stored = NULL;
  gboolean ok;

  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), NULL);

  g_mutex_lock (&self->lock);
  rows = cs_db_query (self->db, "SELECT id, school, name, role, password_hash FROM users "
                                "WHERE school = ? AND name = ?",
                      (CsDbValue[]) { CS_DB_P_TEXT (school), CS_DB_P_TEXT (name), CS_DB_P_END }, NULL);
  g_mutex_unlock (&self->lock);
  if (rows != NULL && cs_db_rows_count (rows) > 0)
    {
      user = user_from_row (rows, 0);
      stored = cs_db_rows_text (rows, 0, 4);
    }

  /* The slow hash runs outside the lock, and for unknown users too, so a
   * wrong name takes as long as a wrong password. */
  ok = cs_secret_check_password (password != NULL ? password : "",
                                 stored != NULL ? stored
                                                : "pbkdf2-sha256$600000$AAAAAAAAAAAAAAAAAAAAAA==$x");
  if (!ok || user == NULL)
    return NULL;

  /* Each login gets a fresh token; the previous one stops working. */
  token = cs_secret_new_token ();
  token_hash = cs_secret_hash_token (token);
  if (!cs_queue_store_begin (self, NULL))
    return NULL;
  updated = cs_db_query (self->db, "UPDATE users SET token_hash = ? WHERE id = ?",
                         (CsDbValue[]) { CS_DB_P_TEXT (token_hash), CS_DB_P_INT (user->id), CS_DB_P_END }, NULL);
  ok = updated != NULL && cs_queue_store_append_audit (self, user->school, user->name, "logged-in", 0, "", NULL);
  if (!cs_queue_store_commit (self, ok, NULL))
    return NULL;

  if (user_out != NULL)
    *user_out = g_steal_pointer (&user);
  return g_steal_pointer (&token);
}

gboolean
cs_queue_store_lookup_idempotency (CsQueueStore      *self,
                                   const CsQueueUser *user,
                                   const char        *key,
                                   char             **request_hash,
                                   char             **response)
{
  g_autoptr(CsDbRows) rows = NULL;

  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), FALSE);

  g_mutex_lock (&self->lock);
  rows = cs_db_query (self->db, "SELECT request_hash, response FROM idempotency WHERE user_id = ? AND key = ?",
                      (CsDbValue[]) { CS_DB_P_INT (user->id), CS_DB_P_TEXT (key), CS_DB_P_END }, NULL);
  g_mutex_unlock (&self->lock);

  if (rows == NULL || cs_db_rows_count (rows) == 0)
    return FALSE;
  *request_hash = g_strdup (cs_db_rows_text (rows, 0, 0));
  *response = g_strdup (cs_db_rows_text (rows, 0, 1));
  return TRUE;
}

gboolean
cs_queue_store_submit (CsQueueStore        *self,
                       const CsQueueUser   *author,
                       CsQueuePost         *post,
                       const char          *idempotency_key,
                       const char          *request_hash,
                       CsQueueResponseFunc  make_response,
                       gpointer             user_data,
                       GError             **error)
{
  g_autoptr(CsDbRows) inserted = NULL;
  g_autofree char *detail = NULL;
  gboolean ok;

  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), FALSE);

  g_free (post->school);
  post->school = g_strdup (author->school);
  post->author = author->id;
  g_free (post->author_name);
  post->author_name = g_strdup (author->name);
  post->state = CS_POST_PENDING;
  post->created_at = post->updated_at = cs_queue_store_now ();
  g_free (post->content_hash);
  post->content_hash = cs_queue_post_compute_hash (post);

  if (!cs_queue_store_begin (self, error))
    return FALSE;

  /* A retry that raced the first request past the caller's own look-up
   * must still not make a second post. */
  if (idempotency_key != NULL)
    {
      g_autoptr(CsDbRows) seen = cs_queue_store_query (self, "SELECT 1 FROM idempotency WHERE user_id = ? AND key = ?",
                                        (CsDbValue[]) { CS_DB_P_INT (author->id), CS_DB_P_TEXT (idempotency_key),
                                                        CS_DB_P_END }, "read the submission keys", error);

      if (seen == NULL)
        return cs_queue_store_commit (self, FALSE, NULL);
      if (cs_db_rows_count (seen) > 0)
        {
          g_set_error_literal (error, CS_QUEUE_STORE_ERROR, CS_QUEUE_STORE_ERROR_CONFLICT,
                               "This submission has already been received.");
          return cs_queue_store_commit (self, FALSE, NULL);
        }
    }

  inserted = cs_queue_store_query (self, "INSERT INTO posts (school, author, state, text, platforms, content_hash, "
                          "created_at, updated_at) VALUES (?, ?, 'pending', ?, ?, ?, ?, ?) RETURNING id",
                    (CsDbValue[]) { CS_DB_P_TEXT (post->school), CS_DB_P_INT (post->author), CS_DB_P_TEXT (post->text),
                                    CS_DB_P_TEXT (post->platforms_json), CS_DB_P_TEXT (post->content_hash),
                                    CS_DB_P_INT (post->created_at), CS_DB_P_INT (post->updated_at), CS_DB_P_END },
                    "store the post", error);
  ok = inserted != NULL && cs_db_rows_count (inserted) == 1;
  if (ok)
    post->id = cs_db_rows_int (inserted, 0, 0);

  for (guint i = 0; ok && i < post->photos->len; i++)
    {
      const CsQueuePhoto *photo = g_ptr_array_index (post->photos, i);
      g_autoptr(CsDbRows) rows = NULL;
      gsize len;
      const void *data = g_bytes_get_data (photo->jpeg, &len);

      rows = cs_queue_store_query (self, "INSERT INTO photos (post, position, jpeg, alt, tags) VALUES (?, ?, ?, ?, ?)",
                    (CsDbValue[]) { CS_DB_P_INT (post->id), CS_DB_P_INT (i), CS_DB_P_BLOB (data, len),
                                    CS_DB_P_TEXT (photo->alt),
                                    CS_DB_P_TEXT (photo->tags_json != NULL ? photo->tags_json : "[]"), CS_DB_P_END },
                    "store a photo", error);
      ok = rows != NULL;
    }

  if (ok && idempotency_key != NULL)
    {
      g_autofree char *response = make_response (post, user_data);
      g_autoptr(CsDbRows) rows = NULL;

      rows = cs_queue_store_query (self, "INSERT INTO idempotency (user_id, key, request_hash, response, created_at) "
                          "VALUES (?, ?, ?, ?, ?)",
                    (CsDbValue[]) { CS_DB_P_INT (author->id), CS_DB_P_TEXT (idempotency_key),
                                    CS_DB_P_TEXT (request_hash), CS_DB_P_TEXT (response),
                                    CS_DB_P_INT (post->created_at), CS_DB_P_END },
                    "store the submission key", error);
      ok = rows != NULL;
    }

  detail = g_strdup_printf ("%u photos, content %s", post->photos->len, post->content_hash);
  ok = ok && cs_queue_store_append_audit (self, post->school, author->name, "submitted", post->id, detail, error);
  return cs_queue_store_commit (self, ok, error);
}

#define POST_COLUMNS \
  "p.id, p.school, p.author, u.name, p.state, p.text, p.platforms, p.content_hash, " \
  "p.comment, p.approved_hash, p.created_at, p.updated_at FROM posts p JOIN users u ON u.id = p.author"

static CsQueuePost *
post_from_row (CsDbRows *rows,
               guint     row)
{
  CsQueuePost *post = cs_queue_post_new ();

  post->id = cs_db_rows_int (rows, row, 0);
  post->school = g_strdup (cs_db_rows_text (rows, row, 1));
  post->author = cs_db_rows_int (rows, row, 2);
  post->author_name = g_strdup (cs_db_rows_text (rows, row, 3));
  if (!cs_post_state_from_string (cs_db_rows_text (rows, row, 4), &post->state))
    post->state = CS_POST_PENDING;
  post->text = g_strdup (cs_db_rows_text (rows, row, 5));
  post->platforms_json = g_strdup (cs_db_rows_text (rows, row, 6));
  post->content_hash = g_strdup (cs_db_rows_text (rows, row, 7));
  post->comment = g_strdup (cs_db_rows_text (rows, row, 8));
  post->approved_hash = g_strdup (cs_db_rows_text (rows, row, 9));
  post->created_at = cs_db_rows_int (rows, row, 10);
  post->updated_at = cs_db_rows_int (rows, row, 11);

  return post;
}

static gboolean
load_photos_locked (CsQueueStore *self,
                    CsQueuePost  *post,
                    gboolean      with_jpeg,
                    GError      **error)
{
  g_autoptr(CsDbRows) rows = cs_queue_store_query (self, with_jpeg
                                    ? "SELECT alt, tags, jpeg FROM photos WHERE post = ? ORDER BY position"
                                    : "SELECT alt, tags FROM photos WHERE post = ? ORDER BY position",
                                    (CsDbValue[]) { CS_DB_P_INT (post->id), CS_DB_P_END }, "read the photos", error);

  if (rows == NULL)
    return FALSE;
  for (guint r = 0; r < cs_db_rows_count (rows); r++)
    {
      CsQueuePhoto *photo = g_new0 (CsQueuePhoto, 1);

      photo->alt = g_strdup (cs_db_rows_text (rows, r, 0));
      photo->tags_json = g_strdup (cs_db_rows_text (rows, r, 1));
      if (with_jpeg)
        photo->jpeg = cs_db_rows_bytes (rows, r, 2);
      g_ptr_array_add (post->photos, photo);
    }
  return TRUE;
}

CsQueuePost *
cs_queue_store_get_post (CsQueueStore  *self,
                         gint64         id,
                         gboolean       with_photos,
                         GError       **error)
{
  g_autoptr(CsDbRows) rows = NULL;
  g_autoptr(CsQueuePost) post = NULL;

  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), NULL);

  g_mutex_lock (&self->lock);
  rows = cs_queue_store_query (self, "SELECT " POST_COLUMNS " WHERE p.id = ?",
                (CsDbValue[]) { CS_DB_P_INT (id), CS_DB_P_END }, "read the post", error);
  if (rows != NULL && cs_db_rows_count (rows) > 0)
    {
      post = post_from_row (rows, 0);
      if (!load_photos_locked (self, post, with_photos, error) ||
          !cs_queue_store_load_deliveries_locked (self, post, error))
        g_clear_pointer (&post, cs_queue_post_free);
    }
  else if (rows != NULL)
    g_set_error (error, CS_QUEUE_STORE_ERROR, CS_QUEUE_STORE_ERROR_NOT_FOUND,
                 "There is no post %" G_GINT64_FORMAT ".", id);
  g_mutex_unlock (&self->lock);

  return g_steal_pointer (&post);
}

GPtrArray *
cs_queue_store_list_posts (CsQueueStore  *self,
                           const char    *school,
                           gint64         author,
                           int            state,
                           GError       **error)
{
  g_autoptr(CsDbRows) rows = NULL;
  g_autoptr(GPtrArray) posts = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_queue_post_free);
  g_autoptr(GString) where = NULL;
  g_autofree char *sql = NULL;
  CsDbValue params[5];
  guint n;
  gboolean ok = TRUE;

  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), NULL);

  /* Only the conditions asked for are in the query, so that each can use
   * its index: "everything of the school's" and "one author's" are
   * different plans. */
  n = 0;
  where = g_string_new (" WHERE p.school = ?");
  params[n++] = CS_DB_P_TEXT (school);
  if (author != 0)
    {
      g_string_append (where, " AND p.author = ?");
      params[n++] = CS_DB_P_INT (author);
    }
  if (state >= 0)
    {
      g_string_append (where, " AND p.state = ?");
      params[n++] = CS_DB_P_TEXT (cs_post_state_to_string (state));
    }
  params[n] = CS_DB_P_END;
  sql = g_strconcat ("SELECT " POST_COLUMNS, where->str, " ORDER BY p.id DESC LIMIT 500", NULL);

  g_mutex_lock (&self->lock);
  rows = cs_queue_store_query (self, sql, params, "list the posts", error);
  for (guint r = 0; rows != NULL && r < cs_db_rows_count (rows); r++)
    g_ptr_array_add (posts, post_from_row (rows, r));

  /* The photos' descriptions of all of them in one query, not one each:
   * with PostgreSQL over a network each query is a round trip. */
  if (rows != NULL && posts->len > 0)
    {
      g_autoptr(GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
      g_autoptr(CsDbRows) photos = NULL;

      for (guint i = 0; i < posts->len; i++)
        {
          CsQueuePost *post = g_ptr_array_index (posts, i);

          g_hash_table_insert (by_id, &post->id, post);
        }
      g_autofree char *photo_sql = g_strconcat ("SELECT ph.post, ph.alt, ph.tags FROM photos ph"
                                                " JOIN posts p ON p.id = ph.post", where->str,
                                                " AND p.id >= ? ORDER BY ph.post, ph.position", NULL);

      params[n++] = CS_DB_P_INT (((CsQueuePost *) g_ptr_array_index (posts, posts->len - 1))->id);
      params[n] = CS_DB_P_END;
      photos = cs_queue_store_query (self, photo_sql, params, "list the photos", error);
      ok = photos != NULL;
      for (guint r = 0; ok && r < cs_db_rows_count (photos); r++)
        {
          gint64 id = cs_db_rows_int (photos, r, 0);
          CsQueuePost *post = g_hash_table_lookup (by_id, &id);
          CsQueuePhoto *photo;

          if (post == NULL)
            continue;
          photo = g_new0 (CsQueuePhoto, 1);
          photo->alt = g_strdup (cs_db_rows_text (photos, r, 1));
          photo->tags_json = g_strdup (cs_db_rows_text (photos, r, 2));
          g_ptr_array_add (post->photos, photo);
        }
      ok = ok && cs_queue_store_attach_deliveries_locked (self, by_id, where->str, params, error);
    }
  g_mutex_unlock (&self->lock);

  return rows != NULL && ok ? g_steal_pointer (&posts) : NULL;
}

gboolean
cs_queue_store_transition_locked (CsQueueStore       *self,
                                  gint64              id,
                                  CsPostState         from,
                                  CsPostState         to,
                                  const char         *school,
                                  const char         *actor,
                                  const char         *comment,
                                  const char         *approved_hash,
                                  GError            **error)
{
  g_autoptr(CsDbRows) rows = NULL;
  g_autofree char *detail = NULL;

  rows = cs_queue_store_query (self, "UPDATE posts SET state = ?, comment = COALESCE (?, comment), "
                                     "approved_hash = COALESCE (?, approved_hash), updated_at = ? "
                                     "WHERE id = ? AND state = ? RETURNING id",
                               (CsDbValue[]) { CS_DB_P_TEXT (cs_post_state_to_string (to)), CS_DB_P_TEXT (comment),
                                               CS_DB_P_TEXT (approved_hash), CS_DB_P_INT (cs_queue_store_now ()),
                                               CS_DB_P_INT (id), CS_DB_P_TEXT (cs_post_state_to_string (from)),
                                               CS_DB_P_END },
                               "change the post", error);
  if (rows == NULL)
    return FALSE;
  if (cs_db_rows_count (rows) != 1)
    {
      g_set_error (error, CS_QUEUE_STORE_ERROR, CS_QUEUE_STORE_ERROR_CONFLICT,
                   "Post %" G_GINT64_FORMAT " is no longer %s; reload the queue to see what changed.",
                   id, cs_post_state_to_string (from));
      return FALSE;
    }

  detail = g_strdup_printf ("%s -> %s%s%s%s%s", cs_post_state_to_string (from), cs_post_state_to_string (to),
                            approved_hash != NULL ? ", content " : "", approved_hash != NULL ? approved_hash : "",
                            comment != NULL ? ", comment: " : "", comment != NULL ? comment : "");
  return cs_queue_store_append_audit (self, school, actor, cs_post_state_to_string (to), id, detail, error);
}

gboolean
cs_queue_store_transition (CsQueueStore       *self,
                           gint64              id,
                           CsPostState         from,
                           CsPostState         to,
                           const CsQueueUser  *actor,
                           const char         *comment,
                           const char         *approved_hash,
                           GError            **error)
{
  gboolean ok;

  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), FALSE);

  if (!cs_queue_store_begin (self, error))
    return FALSE;
  ok = cs_queue_store_transition_locked (self, id, from, to, actor->school, actor->name, comment, approved_hash,
                                         error);
  return cs_queue_store_commit (self, ok, error);
}

static JsonArray *
audit_to_json (CsDbRows *rows)
{
  JsonArray *entries = json_array_new ();

  for (guint r = 0; r < cs_db_rows_count (rows); r++)
    {
      JsonObject *entry = json_object_new ();

      json_object_set_int_member (entry, "seq", cs_db_rows_int (rows, r, 0));
      json_object_set_int_member (entry, "at", cs_db_rows_int (rows, r, 1));
      json_object_set_string_member (entry, "school", cs_db_rows_text (rows, r, 2));
      json_object_set_string_member (entry, "actor", cs_db_rows_text (rows, r, 3));
      json_object_set_string_member (entry, "action", cs_db_rows_text (rows, r, 4));
      if (cs_db_rows_is_null (rows, r, 5))
        json_object_set_null_member (entry, "post");
      else
        json_object_set_int_member (entry, "post", cs_db_rows_int (rows, r, 5));
      json_object_set_string_member (entry, "detail", cs_db_rows_text (rows, r, 6));
      json_object_set_string_member (entry, "prev_hash", cs_db_rows_text (rows, r, 7));
      json_object_set_string_member (entry, "hash", cs_db_rows_text (rows, r, 8));
      json_array_add_object_element (entries, entry);
    }
  return entries;
}

#define AUDIT_COLUMNS "seq, at, school, actor, action, post, detail, prev_hash, hash FROM audit"

JsonArray *
cs_queue_store_list_audit (CsQueueStore  *self,
                           const char    *school,
                           GError       **error)
{
  g_autoptr(CsDbRows) rows = NULL;

  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), NULL);

  g_mutex_lock (&self->lock);
  rows = cs_queue_store_query (self, "SELECT " AUDIT_COLUMNS " WHERE CAST (?1 AS TEXT) IS NULL "
                                     "OR school = CAST (?1 AS TEXT) ORDER BY seq",
                               (CsDbValue[]) { CS_DB_P_TEXT (school), CS_DB_P_END }, "read the audit log", error);
  g_mutex_unlock (&self->lock);
  return rows != NULL ? audit_to_json (rows) : NULL;
}

JsonArray *
cs_queue_store_list_post_history (CsQueueStore  *self,
                                  gint64         post,
                                  GError       **error)
{
  g_autoptr(CsDbRows) rows = NULL;

  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), NULL);

  g_mutex_lock (&self->lock);
  rows = cs_queue_store_query (self, "SELECT " AUDIT_COLUMNS " WHERE post = ? ORDER BY seq",
                               (CsDbValue[]) { CS_DB_P_INT (post), CS_DB_P_END }, "read the post's history", error);
  g_mutex_unlock (&self->lock);
  return rows != NULL ? audit_to_json (rows) : NULL;
}

static void
append_quoted (GString    *csv,
               const char *text)
{
  g_string_append_c (csv, '"');
  for (const char *p = text; p != NULL && *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (csv, '"');
      g_string_append_c (csv, *p);
    }
  g_string_append_c (csv, '"');
}

char *
cs_audit_to_csv (JsonArray *entries)
{
  GString *csv = g_string_new ("seq,at,school,actor,action,post,detail,prev_hash,hash\r\n");

  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *e = json_array_get_object_element (entries, i);
      g_autoptr(GDateTime) at = g_date_time_new_from_unix_utc (json_object_get_int_member (e, "at"));
      g_autofree char *at_text = g_date_time_format_iso8601 (at);

      g_string_append_printf (csv, "%" G_GINT64_FORMAT ",%s,", json_object_get_int_member (e, "seq"), at_text);
      append_quoted (csv, json_object_get_string_member (e, "school"));
      g_string_append_c (csv, ',');
      append_quoted (csv, json_object_get_string_member (e, "actor"));
      g_string_append_c (csv, ',');
      append_quoted (csv, json_object_get_string_member (e, "action"));
      if (json_object_get_null_member (e, "post"))
        g_string_append (csv, ",,");
      else
        g_string_append_printf (csv, ",%" G_GINT64_FORMAT ",", json_object_get_int_member (e, "post"));
      append_quoted (csv, json_object_get_string_member (e, "detail"));
      g_string_append_printf (csv, ",%s,%s\r\n", json_object_get_string_member (e, "prev_hash"),
                              json_object_get_string_member (e, "hash"));
    }
  return g_string_free (csv, FALSE);
}

gboolean
cs_queue_store_verify_audit (CsQueueStore  *self,
                             GError       **error)
{
  g_autoptr(JsonArray) entries = cs_queue_store_list_audit (self, NULL, error);
  const char *prev_hash = "";

  if (entries == NULL)
    return FALSE;

  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *e = json_array_get_object_element (entries, i);
      gint64 seq = json_object_get_int_member (e, "seq");
      g_autofree char *hash = NULL;

      if (seq != (gint64) i + 1)
        {
          g_set_error (error, CS_QUEUE_STORE_ERROR, CS_QUEUE_STORE_ERROR_FAILED,
                       "Audit entry %u is missing: the log jumps from entry %u to %" G_GINT64_FORMAT ".",
                       i + 1, i, seq);
          return FALSE;
        }
      if (strcmp (json_object_get_string_member (e, "prev_hash"), prev_hash) != 0)
        {
          g_set_error (error, CS_QUEUE_STORE_ERROR, CS_QUEUE_STORE_ERROR_FAILED,
                       "Audit entry %" G_GINT64_FORMAT " does not follow on from the entry before it: "
                       "an entry was removed, inserted or changed.", seq);
          return FALSE;
        }
      hash = audit_hash (prev_hash, seq, json_object_get_int_member (e, "at"),
                         json_object_get_string_member (e, "school"),
                         json_object_get_string_member (e, "actor"),
                         json_object_get_string_member (e, "action"),
                         json_object_get_null_member (e, "post") ? 0 : json_object_get_int_member (e, "post"),
                         json_object_get_string_member (e, "detail"));
      if (strcmp (hash, json_object_get_string_member (e, "hash")) != 0)
        {
          g_set_error (error, CS_QUEUE_STORE_ERROR, CS_QUEUE_STORE_ERROR_FAILED,
                       "Audit entry %" G_GINT64_FORMAT " has been changed since it was written.", seq);
          return FALSE;
        }
      prev_hash = json_object_get_string_member (e, "hash");
    }

  return TRUE;
}
