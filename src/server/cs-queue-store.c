/* cs-queue-store.c: the approval queue's durable storage, on SQLite
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cs-queue-store.h"

#include <sqlite3.h>
#include <string.h>

#include "cs-secret.h"

struct _CsQueueStore
{
  GObject  parent_instance;

  /* One connection, used by one thread at a time: SQLite serialises
   * writers anyway, and WAL lets the file be read while it is written. */
  GMutex   lock;
  sqlite3 *db;
};

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

static const char schema[] =
  "PRAGMA foreign_keys = ON;"
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
  "CREATE TABLE IF NOT EXISTS photos ("
  "  post INTEGER NOT NULL REFERENCES posts(id), position INTEGER NOT NULL,"
  "  jpeg BLOB NOT NULL, alt TEXT NOT NULL, tags TEXT NOT NULL,"
  "  PRIMARY KEY (post, position));"
  "CREATE TABLE IF NOT EXISTS idempotency ("
  "  user INTEGER NOT NULL REFERENCES users(id), key TEXT NOT NULL,"
  "  request_hash TEXT NOT NULL, response TEXT NOT NULL, created_at INTEGER NOT NULL,"
  "  PRIMARY KEY (user, key));"
  "CREATE TABLE IF NOT EXISTS audit ("
  "  seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, school TEXT NOT NULL,"
  "  actor TEXT NOT NULL, action TEXT NOT NULL, post INTEGER, detail TEXT NOT NULL,"
  "  prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
  /* The log only grows: the database itself refuses edits and deletions,
   * and the hash chain shows any made behind its back. */
  "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit"
  "  BEGIN SELECT RAISE (ABORT, 'the audit log is append-only'); END;"
  "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit"
  "  BEGIN SELECT RAISE (ABORT, 'the audit log is append-only'); END;";

static gboolean
db_error (CsQueueStore *self,
          GError      **error,
          const char   *doing)
{
  g_set_error (error, CS_QUEUE_STORE_ERROR, CS_QUEUE_STORE_ERROR_FAILED,
               "The approval queue's database could not %s: %s", doing, sqlite3_errmsg (self->db));
  return FALSE;
}

static gboolean
exec (CsQueueStore *self,
      const char   *sql,
      GError      **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return db_error (self, error, "be updated");
  return TRUE;
}

static sqlite3_stmt *
prepare (CsQueueStore *self,
         const char   *sql,
         GError      **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      db_error (self, error, "be read");
      return NULL;
    }
  return stmt;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

static void
cs_queue_store_finalize (GObject *object)
{
  CsQueueStore *self = CS_QUEUE_STORE (object);

  g_clear_pointer (&self->db, sqlite3_close);
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

CsQueueStore *
cs_queue_store_open_sqlite (const char  *path,
                            GError     **error)
{
  g_autoptr(CsQueueStore) self = g_object_new (CS_TYPE_QUEUE_STORE, NULL);

  if (sqlite3_open_v2 (path, &self->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                       NULL) != SQLITE_OK)
    {
      g_set_error (error, CS_QUEUE_STORE_ERROR, CS_QUEUE_STORE_ERROR_FAILED,
                   "The approval queue's database “%s” could not be opened: %s",
                   path, self->db != NULL ? sqlite3_errmsg (self->db) : "out of memory");
      return NULL;
    }

  sqlite3_busy_timeout (self->db, 5000);
  /* An approval must survive a power cut: WAL with a sync on every
   * commit. Normal sync would be faster and could lose the last commits. */
  if (!exec (self, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;", error) ||
      !exec (self, schema, error))
    return NULL;

  return g_steal_pointer (&self);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           col)
{
  const unsigned char *text = sqlite3_column_text (stmt, col);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
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

/* Appends one entry; the caller holds the lock and a write transaction. */
static gboolean
append_audit (CsQueueStore *self,
              const char   *school,
              const char   *actor,
              const char   *action,
              gint64        post,
              const char   *detail,
              GError      **error)
{
  g_autoptr(sqlite3_stmt) last = NULL;
  g_autoptr(sqlite3_stmt) insert = NULL;
  g_autofree char *prev_hash = NULL;
  g_autofree char *hash = NULL;
  gint64 seq = 1, at = now_seconds ();

  last = prepare (self, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", error);
  if (last == NULL)
    return FALSE;
  if (sqlite3_step (last) == SQLITE_ROW)
    {
      seq = sqlite3_column_int64 (last, 0) + 1;
      prev_hash = column_dup (last, 1);
    }
  else
    prev_hash = g_strdup ("");

  hash = audit_hash (prev_hash, seq, at, school, actor, action, post, detail);
  insert = prepare (self, "INSERT INTO audit (seq, at, school, actor, action, post, detail, prev_hash, hash) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (insert == NULL)
    return FALSE;
  sqlite3_bind_int64 (insert, 1, seq);
  sqlite3_bind_int64 (insert, 2, at);
  sqlite3_bind_text (insert, 3, school, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 4, actor, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 5, action, -1, SQLITE_STATIC);
  if (post > 0)
    sqlite3_bind_int64 (insert, 6, post);
  else
    sqlite3_bind_null (insert, 6);
  sqlite3_bind_text (insert, 7, detail, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 8, prev_hash, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 9, hash, -1, SQLITE_STATIC);
  if (sqlite3_step (insert) != SQLITE_DONE)
    return db_error (self, error, "record the audit entry");

  return TRUE;
}

/* BEGIN IMMEDIATE takes the write lock at once, so two writers never
 * both read and then both try to upgrade. */
static gboolean
begin (CsQueueStore *self,
       GError      **error)
{
  g_mutex_lock (&self->lock);
  if (!exec (self, "BEGIN IMMEDIATE", error))
    {
      g_mutex_unlock (&self->lock);
      return FALSE;
    }
  return TRUE;
}

static gboolean
commit (CsQueueStore *self,
        gboolean      ok,
        GError      **error)
{
  if (ok)
    ok = exec (self, "COMMIT", error);
  if (!ok)
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  g_mutex_unlock (&self->lock);
  return ok;
}

gboolean
cs_queue_store_add_school (CsQueueStore  *self,
                           const char    *id,
                           const char    *name,
                           GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean ok;

  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), FALSE);

  if (!begin (self, error))
    return FALSE;
  stmt = prepare (self, "INSERT INTO schools (id, name) VALUES (?, ?)", error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          if (sqlite3_extended_errcode (self->db) == SQLITE_CONSTRAINT_PRIMARYKEY)
            ok = (g_set_error (error, CS_QUEUE_STORE_ERROR, CS_QUEUE_STORE_ERROR_EXISTS,
                               "There is already a school with the id “%s”.", id), FALSE);
          else
            ok = db_error (self, error, "add the school");
        }
    }
  ok = ok && append_audit (self, id, "admin", "school-added", 0, name, error);
  return commit (self, ok, error);
}

static gboolean
school_exists_locked (CsQueueStore *self,
                      const char   *school)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "SELECT 1 FROM schools WHERE id = ?", NULL);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, school, -1, SQLITE_STATIC);
  return sqlite3_step (stmt) == SQLITE_ROW;
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
                 const char   *column,
                 GBytes       *data,
                 gint64        actor,
                 GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *sql = g_strdup_printf ("UPDATE schools SET %s = ? WHERE id = ?", column);
  g_autofree char *detail = NULL;
  g_autofree char *actor_text = g_strdup_printf ("user %" G_GINT64_FORMAT, actor);
  g_autofree char *sum = NULL;
  gsize len;
  const void *bytes = g_bytes_get_data (data, &len);
  gboolean ok;

  if (!begin (self, error))
    return FALSE;
  if (!school_exists_locked (self, school))
    return commit (self, no_such_school (error, school), NULL);

  stmt = prepare (self, sql, error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_blob64 (stmt, 1, bytes, len, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, school, -1, SQLITE_STATIC);
      ok = sqlite3_step (stmt) == SQLITE_DONE || db_error (self, error, "store the file");
    }
  sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, data);
  detail = g_strdup_printf ("%" G_GSIZE_FORMAT " bytes, sha256 %s", len, sum);
  ok = ok && append_audit (self, school, actor_text, strcmp (column, "roster") == 0 ? "roster-replaced"
                                                                                  : "policy-replaced",
                           0, detail, error);
  return commit (self, ok, error);
}

static GBytes *
get_school_blob (CsQueueStore *self,
                 const char   *school,
                 const char   *column,
                 GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM schools WHERE id = ?", column);
  GBytes *bytes = NULL;

  g_mutex_lock (&self->lock);
  stmt = prepare (self, sql, error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, school, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) != SQLITE_ROW)
        no_such_school (error, school);
      else if (sqlite3_column_type (stmt, 0) == SQLITE_NULL)
        bytes = g_bytes_new (NULL, 0);
      else
        bytes = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
    }
  g_mutex_unlock (&self->lock);

  return bytes;
}

gboolean
cs_queue_store_set_roster (CsQueueStore *self,
                           const char   *school,
                           GBytes       *csv,
                           gint64        actor,
                           GError      **error)
{
  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), FALSE);
  return set_school_blob (self, school, "roster", csv, actor, error);
}

GBytes *
cs_queue_store_get_roster (CsQueueStore *self,
                           const char   *school,
                           GError      **error)
{
  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), NULL);
  return get_school_blob (self, school, "roster", error);
}

gboolean
cs_queue_store_set_policy (CsQueueStore *self,
                           const char   *school,
                           GBytes       *json,
                           gint64        actor,
                           GError      **error)
{
  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), FALSE);
  return set_school_blob (self, school, "policy", json, actor, error);
}

GBytes *
cs_queue_store_get_policy (CsQueueStore *self,
                           const char   *school,
                           GError      **error)
{
  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), NULL);
  return get_school_blob (self, school, "policy", error);
}

char *
cs_queue_store_add_user (CsQueueStore  *self,
                         const char    *school,
                         const char    *name,
                         CsUserRole     role,
                         const char    *password,
                         GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *token = cs_secret_new_token ();
  g_autofree char *token_hash = cs_secret_hash_token (token);
  g_autofree char *password_hash = password != NULL ? cs_secret_hash_password (password) : NULL;
  g_autofree char *detail = NULL;
  gboolean ok;

  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), NULL);

  if (!begin (self, error))
    return NULL;
  if (!school_exists_locked (self, school))
    {
      commit (self, no_such_school (error, school), NULL);
      return NULL;
    }

  stmt = prepare (self, "INSERT INTO users (school, name, role, token_hash, password_hash, created_at) "
                        "VALUES (?, ?, ?, ?, ?, ?)", error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_text (stmt, 1, school, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, cs_user_role_to_string (role), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, token_hash, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, password_hash, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 6, now_seconds ());
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          if (sqlite3_extended_errcode (self->db) == SQLITE_CONSTRAINT_UNIQUE)
            ok = (g_set_error (error, CS_QUEUE_STORE_ERROR, CS_QUEUE_STORE_ERROR_EXISTS,
                               "%s already has a user called “%s”.", school, name), FALSE);
          else
            ok = db_error (self, error, "add the user");
        }
    }
  detail = g_strdup_printf ("%s (%s)", name, cs_user_role_to_string (role));
  ok = ok && append_audit (self, school, "admin", "user-added", 0, detail, error);
  if (!commit (self, ok, error))
    return NULL;

  return g_steal_pointer (&token);
}

static CsQueueUser *
user_from_row (sqlite3_stmt *stmt)
{
  CsQueueUser *user = g_new0 (CsQueueUser, 1);
  g_autofree char *role = column_dup (stmt, 3);

  user->id = sqlite3_column_int64 (stmt, 0);
  user->school = column_dup (stmt, 1);
  user->name = column_dup (stmt, 2);
  if (!cs_user_role_from_string (role, &user->role))
    user->role = CS_USER_STAFF;

  return user;
}

CsQueueUser *
cs_queue_store_authenticate (CsQueueStore *self,
                             const char   *token)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *token_hash = NULL;
  CsQueueUser *user = NULL;

  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), NULL);

  if (token == NULL || *token == '\0')
    return NULL;

  /* The lookup is by hash, so the time it takes says nothing about how
   * much of a guessed token was right. */
  token_hash = cs_secret_hash_token (token);
  g_mutex_lock (&self->lock);
  stmt = prepare (self, "SELECT id, school, name, role FROM users WHERE token_hash = ?", NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, token_hash, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        user = user_from_row (stmt);
    }
  g_mutex_unlock (&self->lock);

  return user;
}

char *
cs_queue_store_login (CsQueueStore  *self,
                      const char    *school,
                      const char    *name,
                      const char    *password,
                      CsQueueUser  **user_out)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) update = NULL;
  g_autoptr(CsQueueUser) user = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *token = NULL;
  g_autofree char *token_hash = NULL;
  gboolean ok;

  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), NULL);

  g_mutex_lock (&self->lock);
  stmt = prepare (self, "SELECT id, school, name, role, password_hash FROM users "
                        "WHERE school = ? AND name = ?", NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, school, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          user = user_from_row (stmt);
          stored = column_dup (stmt, 4);
        }
    }
  g_mutex_unlock (&self->lock);

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
  if (!begin (self, NULL))
    return NULL;
  update = prepare (self, "UPDATE users SET token_hash = ? WHERE id = ?", NULL);
  ok = update != NULL;
  if (ok)
    {
      sqlite3_bind_text (update, 1, token_hash, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (update, 2, user->id);
      ok = sqlite3_step (update) == SQLITE_DONE;
    }
  ok = ok && append_audit (self, user->school, user->name, "logged-in", 0, "", NULL);
  if (!commit (self, ok, NULL))
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
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean found = FALSE;

  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), FALSE);

  g_mutex_lock (&self->lock);
  stmt = prepare (self, "SELECT request_hash, response FROM idempotency WHERE user = ? AND key = ?", NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, user->id);
      sqlite3_bind_text (stmt, 2, key, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          found = TRUE;
          *request_hash = column_dup (stmt, 0);
          *response = column_dup (stmt, 1);
        }
    }
  g_mutex_unlock (&self->lock);

  return found;
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
  g_autoptr(sqlite3_stmt) insert = NULL;
  g_autofree char *detail = NULL;
  gboolean ok;

  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), FALSE);

  g_free (post->school);
  post->school = g_strdup (author->school);
  post->author = author->id;
  g_free (post->author_name);
  post->author_name = g_strdup (author->name);
  post->state = CS_POST_PENDING;
  post->created_at = post->updated_at = now_seconds ();
  g_free (post->content_hash);
  post->content_hash = cs_queue_post_compute_hash (post);

  if (!begin (self, error))
    return FALSE;

  /* A retry that raced the first request past the caller's own look-up
   * must still not make a second post. */
  if (idempotency_key != NULL)
    {
      g_autoptr(sqlite3_stmt) seen = prepare (self, "SELECT 1 FROM idempotency WHERE user = ? AND key = ?", error);

      if (seen == NULL)
        return commit (self, FALSE, NULL);
      sqlite3_bind_int64 (seen, 1, author->id);
      sqlite3_bind_text (seen, 2, idempotency_key, -1, SQLITE_STATIC);
      if (sqlite3_step (seen) == SQLITE_ROW)
        {
          g_set_error_literal (error, CS_QUEUE_STORE_ERROR, CS_QUEUE_STORE_ERROR_CONFLICT,
                               "This submission has already been received.");
          return commit (self, FALSE, NULL);
        }
    }

  insert = prepare (self, "INSERT INTO posts (school, author, state, text, platforms, content_hash, "
                          "created_at, updated_at) VALUES (?, ?, 'pending', ?, ?, ?, ?, ?)", error);
  ok = insert != NULL;
  if (ok)
    {
      sqlite3_bind_text (insert, 1, post->school, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (insert, 2, post->author);
      sqlite3_bind_text (insert, 3, post->text, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 4, post->platforms_json, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 5, post->content_hash, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (insert, 6, post->created_at);
      sqlite3_bind_int64 (insert, 7, post->updated_at);
      ok = sqlite3_step (insert) == SQLITE_DONE || db_error (self, error, "store the post");
      post->id = sqlite3_last_insert_rowid (self->db);
    }

  for (guint i = 0; ok && i < post->photos->len; i++)
    {
      const CsQueuePhoto *photo = g_ptr_array_index (post->photos, i);
      g_autoptr(sqlite3_stmt) stmt = prepare (self, "INSERT INTO photos (post, position, jpeg, alt, tags) "
                                                    "VALUES (?, ?, ?, ?, ?)", error);
      gsize len;
      const void *data;

      if (stmt == NULL)
        {
          ok = FALSE;
          break;
        }
      data = g_bytes_get_data (photo->jpeg, &len);
      sqlite3_bind_int64 (stmt, 1, post->id);
      sqlite3_bind_int (stmt, 2, i);
      sqlite3_bind_blob64 (stmt, 3, data, len, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, photo->alt, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, photo->tags_json != NULL ? photo->tags_json : "[]", -1, SQLITE_STATIC);
      ok = sqlite3_step (stmt) == SQLITE_DONE || db_error (self, error, "store a photo");
    }

  if (ok && idempotency_key != NULL)
    {
      g_autoptr(sqlite3_stmt) stmt = prepare (self, "INSERT INTO idempotency (user, key, request_hash, "
                                                    "response, created_at) VALUES (?, ?, ?, ?, ?)", error);
      g_autofree char *response = make_response (post, user_data);

      ok = stmt != NULL;
      if (ok)
        {
          sqlite3_bind_int64 (stmt, 1, author->id);
          sqlite3_bind_text (stmt, 2, idempotency_key, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 3, request_hash, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 4, response, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (stmt, 5, post->created_at);
          ok = sqlite3_step (stmt) == SQLITE_DONE || db_error (self, error, "store the submission key");
        }
    }

  detail = g_strdup_printf ("%u photos, content %s", post->photos->len, post->content_hash);
  ok = ok && append_audit (self, post->school, author->name, "submitted", post->id, detail, error);
  return commit (self, ok, error);
}

static CsQueuePost *
post_from_row (sqlite3_stmt *stmt)
{
  CsQueuePost *post = cs_queue_post_new ();
  g_autofree char *state = column_dup (stmt, 4);

  post->id = sqlite3_column_int64 (stmt, 0);
  post->school = column_dup (stmt, 1);
  post->author = sqlite3_column_int64 (stmt, 2);
  post->author_name = column_dup (stmt, 3);
  if (!cs_post_state_from_string (state, &post->state))
    post->state = CS_POST_PENDING;
  post->text = column_dup (stmt, 5);
  post->platforms_json = column_dup (stmt, 6);
  post->content_hash = column_dup (stmt, 7);
  post->comment = column_dup (stmt, 8);
  post->approved_hash = column_dup (stmt, 9);
  post->created_at = sqlite3_column_int64 (stmt, 10);
  post->updated_at = sqlite3_column_int64 (stmt, 11);

  return post;
}

#define POST_COLUMNS \
  "p.id, p.school, p.author, u.name, p.state, p.text, p.platforms, p.content_hash, " \
  "p.comment, p.approved_hash, p.created_at, p.updated_at FROM posts p JOIN users u ON u.id = p.author"

static gboolean
load_photos_locked (CsQueueStore *self,
                    CsQueuePost  *post,
                    gboolean      with_jpeg,
                    GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, with_jpeg
                                          ? "SELECT alt, tags, jpeg FROM photos WHERE post = ? ORDER BY position"
                                          : "SELECT alt, tags FROM photos WHERE post = ? ORDER BY position",
                                          error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, post->id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      CsQueuePhoto *photo = g_new0 (CsQueuePhoto, 1);

      photo->alt = column_dup (stmt, 0);
      photo->tags_json = column_dup (stmt, 1);
      if (with_jpeg)
        photo->jpeg = g_bytes_new (sqlite3_column_blob (stmt, 2), sqlite3_column_bytes (stmt, 2));
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
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(CsQueuePost) post = NULL;

  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), NULL);

  g_mutex_lock (&self->lock);
  stmt = prepare (self, "SELECT " POST_COLUMNS " WHERE p.id = ?", error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          post = post_from_row (stmt);
          if (!load_photos_locked (self, post, with_photos, error))
            g_clear_pointer (&post, cs_queue_post_free);
        }
      else
        g_set_error (error, CS_QUEUE_STORE_ERROR, CS_QUEUE_STORE_ERROR_NOT_FOUND,
                     "There is no post %" G_GINT64_FORMAT ".", id);
    }
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
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) posts = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_queue_post_free);
  int rc;

  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), NULL);

  g_mutex_lock (&self->lock);
  stmt = prepare (self, "SELECT " POST_COLUMNS " WHERE p.school = ?1"
                        " AND (?2 = 0 OR p.author = ?2) AND (?3 IS NULL OR p.state = ?3)"
                        " ORDER BY p.id DESC LIMIT 500", error);
  if (stmt == NULL)
    {
      g_mutex_unlock (&self->lock);
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, school, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, author);
  if (state >= 0)
    sqlite3_bind_text (stmt, 3, cs_post_state_to_string (state), -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 3);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (posts, post_from_row (stmt));
  for (guint i = 0; rc == SQLITE_DONE && i < posts->len; i++)
    load_photos_locked (self, g_ptr_array_index (posts, i), FALSE, NULL);
  if (rc != SQLITE_DONE)
    db_error (self, error, "list the posts");
  g_mutex_unlock (&self->lock);

  return rc == SQLITE_DONE ? g_steal_pointer (&posts) : NULL;
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
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *detail = NULL;
  gboolean ok;

  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), FALSE);

  if (!begin (self, error))
    return FALSE;
  stmt = prepare (self, "UPDATE posts SET state = ?, comment = ?, approved_hash = ?, updated_at = ? "
                        "WHERE id = ? AND state = ?", error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_text (stmt, 1, cs_post_state_to_string (to), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, comment, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, approved_hash, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, now_seconds ());
      sqlite3_bind_int64 (stmt, 5, id);
      sqlite3_bind_text (stmt, 6, cs_post_state_to_string (from), -1, SQLITE_STATIC);
      ok = sqlite3_step (stmt) == SQLITE_DONE || db_error (self, error, "change the post");
    }
  if (ok && sqlite3_changes (self->db) != 1)
    {
      g_set_error (error, CS_QUEUE_STORE_ERROR, CS_QUEUE_STORE_ERROR_CONFLICT,
                   "Post %" G_GINT64_FORMAT " is no longer %s; reload the queue to see what changed.",
                   id, cs_post_state_to_string (from));
      ok = FALSE;
    }

  detail = g_strdup_printf ("%s -> %s%s%s%s%s", cs_post_state_to_string (from), cs_post_state_to_string (to),
                            approved_hash != NULL ? ", content " : "", approved_hash != NULL ? approved_hash : "",
                            comment != NULL ? ", comment: " : "", comment != NULL ? comment : "");
  ok = ok && append_audit (self, actor->school, actor->name, cs_post_state_to_string (to), id, detail, error);
  return commit (self, ok, error);
}

JsonArray *
cs_queue_store_list_audit (CsQueueStore  *self,
                           const char    *school,
                           GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonArray) entries = json_array_new ();
  int rc;

  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), NULL);

  g_mutex_lock (&self->lock);
  stmt = prepare (self, "SELECT seq, at, school, actor, action, post, detail, prev_hash, hash "
                        "FROM audit WHERE ?1 IS NULL OR school = ?1 ORDER BY seq", error);
  if (stmt == NULL)
    {
      g_mutex_unlock (&self->lock);
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, school, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      JsonObject *entry = json_object_new ();

      json_object_set_int_member (entry, "seq", sqlite3_column_int64 (stmt, 0));
      json_object_set_int_member (entry, "at", sqlite3_column_int64 (stmt, 1));
      json_object_set_string_member (entry, "school", (const char *) sqlite3_column_text (stmt, 2));
      json_object_set_string_member (entry, "actor", (const char *) sqlite3_column_text (stmt, 3));
      json_object_set_string_member (entry, "action", (const char *) sqlite3_column_text (stmt, 4));
      if (sqlite3_column_type (stmt, 5) == SQLITE_NULL)
        json_object_set_null_member (entry, "post");
      else
        json_object_set_int_member (entry, "post", sqlite3_column_int64 (stmt, 5));
      json_object_set_string_member (entry, "detail", (const char *) sqlite3_column_text (stmt, 6));
      json_object_set_string_member (entry, "prev_hash", (const char *) sqlite3_column_text (stmt, 7));
      json_object_set_string_member (entry, "hash", (const char *) sqlite3_column_text (stmt, 8));
      json_array_add_object_element (entries, entry);
    }
  if (rc != SQLITE_DONE)
    db_error (self, error, "read the audit log");
  g_mutex_unlock (&self->lock);

  return rc == SQLITE_DONE ? g_steal_pointer (&entries) : NULL;
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
