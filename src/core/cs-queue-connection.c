/* cs-queue-connection.c: a ready client and outbox for the configured approval queue
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cs-queue-connection.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#ifdef __linux__
#include <sys/prctl.h>
#endif

/* A queue that keeps dying is left down after this many tries in a row,
 * rather than restarted for ever behind the user's back. */
#define MAX_RESTARTS 3
/* A queue that stayed up this long is working; its count starts again. */
#define STEADY_SECONDS 60
/* How long a stopped queue gets to finish its writes before it is killed. */
#define STOP_GRACE_SECONDS 5
/* A queue that has not said where it listens by then is stuck, not slow:
 * even loading the face model takes a few seconds. */
#define STARTUP_SECONDS 60

#define LISTENING_PREFIX "Listening on "

typedef struct
{
  char *staff;
  char *head;
  char *admin;  /* NULL when one could not be added to an older queue */
} Tokens;

static void
tokens_free (Tokens *tokens)
{
  g_free (tokens->staff);
  g_free (tokens->head);
  g_free (tokens->admin);
  g_free (tokens);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Tokens, tokens_free)

struct _CsQueueConnection
{
  GObject           parent_instance;

  char             *executable;
  char             *data_dir;
  char             *queue_dir;    /* data_dir/local-queue */
  char             *face_model;

  gboolean          opening;
  gboolean          local;
  char             *url;
  CsQueueClient    *staff;        /* remote: the one client */
  CsQueueClient    *head;         /* local only */
  CsQueueClient    *admin;        /* local only, and NULL when the queue has no administrator */
  CsOutbox         *outbox;
  GCancellable     *cancellable;  /* the child's pipes and waits; cancelled in dispose */

  /* The local queue's process. */
  GSubprocess      *child;
  GDataInputStream *child_out;
  gboolean          child_ready;
  guint             startup_source;
  gboolean          startup_timed_out;
  GTask            *starting;     /* the open waiting for the first start */
  Tokens           *tokens;       /* until the clients are made */
  guint             port;         /* kept on restarts, since the clients hold the URL */
  guint             restarts;
  gint64            ready_time;
  guint             restart_source;
};

G_DEFINE_FINAL_TYPE (CsQueueConnection, cs_queue_connection, G_TYPE_OBJECT)

G_DEFINE_QUARK (cs-queue-connection-error-quark, cs_queue_connection_error)

enum { RESTARTED, FAILED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void start_child (CsQueueConnection *self);

static void
stopped_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *(gboolean *) data = TRUE;
}

static gboolean
flag_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* SIGTERM lets the queue finish the request in hand and close its
 * database; one that does not stop in time is killed. This blocks, in
 * dispose, for at most STOP_GRACE_SECONDS; on a private context so that
 * nothing else of the app runs meanwhile. */
static void
stop_child (GSubprocess *child)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GSource) timeout = g_timeout_source_new_seconds (STOP_GRACE_SECONDS);
  gboolean stopped = FALSE;
  gboolean timed_out = FALSE;

  g_main_context_push_thread_default (context);
  g_subprocess_wait_async (child, NULL, stopped_cb, &stopped);
  g_subprocess_send_signal (child, SIGTERM);
  g_source_set_callback (timeout, flag_cb, &timed_out, NULL);
  g_source_attach (timeout, context);
  while (!stopped && !timed_out)
    g_main_context_iteration (context, TRUE);
  if (!stopped)
    {
      g_subprocess_force_exit (child);
      while (!stopped)
        g_main_context_iteration (context, TRUE);
    }
  g_source_destroy (timeout);
  g_main_context_pop_thread_default (context);
}

static void
cs_queue_connection_dispose (GObject *object)
{
  CsQueueConnection *self = CS_QUEUE_CONNECTION (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->restart_source, g_source_remove);
  g_clear_handle_id (&self->startup_source, g_source_remove);
  if (self->child != NULL)
    stop_child (self->child);
  g_clear_object (&self->child);
  g_clear_object (&self->child_out);
  g_clear_object (&self->outbox);
  g_clear_object (&self->staff);
  g_clear_object (&self->head);
  g_clear_object (&self->admin);

  G_OBJECT_CLASS (cs_queue_connection_parent_class)->dispose (object);
}

static void
cs_queue_connection_finalize (GObject *object)
{
  CsQueueConnection *self = CS_QUEUE_CONNECTION (object);

  g_free (self->executable);
  g_free (self->data_dir);
  g_free (self->queue_dir);
  g_free (self->face_model);
  g_free (self->url);
  g_clear_pointer (&self->tokens, tokens_free);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (cs_queue_connection_parent_class)->finalize (object);
}

static void
cs_queue_connection_class_init (CsQueueConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cs_queue_connection_dispose;
  object_class->finalize = cs_queue_connection_finalize;

  signals[RESTARTED] = g_signal_new ("restarted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                     NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
cs_queue_connection_init (CsQueueConnection *self)
{
  self->cancellable = g_cancellable_new ();
}

CsQueueConnection *
cs_queue_connection_new (const char *queue_executable,
                         const char *data_dir,
                         const char *face_model)
{
  CsQueueConnection *self;

  g_return_val_if_fail (queue_executable != NULL, NULL);
  g_return_val_if_fail (data_dir != NULL, NULL);

  self = g_object_new (CS_TYPE_QUEUE_CONNECTION, NULL);
  self->executable = g_strdup (queue_executable);
  self->data_dir = g_strdup (data_dir);
  self->queue_dir = g_build_filename (data_dir, "local-queue", NULL);
  self->face_model = g_strdup (face_model != NULL ? face_model : "");
  return self;
}

/* The local queue's files. */

static char *
config_path (const char *queue_dir)
{
  return g_build_filename (queue_dir, "queue.conf", NULL);
}

static gboolean
write_config (const char  *queue_dir,
              const char  *face_model,
              guint        port,
              GError     **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autofree char *database = g_build_filename (queue_dir, "queue.db", NULL);
  g_autofree char *path = config_path (queue_dir);
  g_autofree char *data = NULL;
  gsize len;

  g_key_file_set_string (file, "server", "database", database);
  /* Loopback only: the server refuses anything else without HTTPS, and
   * this queue is for the person at this computer. */
  g_key_file_set_string (file, "server", "address", "127.0.0.1");
  g_key_file_set_uint64 (file, "server", "port", port);
  g_key_file_set_string (file, "server", "face_model", face_model);
  data = g_key_file_to_data (file, &len, NULL);
  return g_file_set_contents_full (path, data, len, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

/* NULL, without an error, when there are none yet or they cannot be read. */
static Tokens *
load_tokens (const char *path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(Tokens) tokens = g_new0 (Tokens, 1);
  JsonNode *root;
  JsonObject *object;

  if (!json_parser_load_from_file (parser, path, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);
  tokens->staff = g_strdup (json_object_get_string_member_with_default (object, "staff", NULL));
  tokens->head = g_strdup (json_object_get_string_member_with_default (object, "head", NULL));
  /* Queues set up before there was an administrator have none yet. */
  tokens->admin = g_strdup (json_object_get_string_member_with_default (object, "admin", NULL));
  if (tokens->staff == NULL || tokens->head == NULL)
    return NULL;
  return g_steal_pointer (&tokens);
}

/* The local queue's two tokens sit in a plain file rather than the
 * keyring: the queue they open listens only on 127.0.0.1 and holds
 * nothing but the trial posts of the person at this computer, and the
 * file, like its folder, is readable by that person alone (0600, in
 * their own data folder), as the database beside it already is. */
static gboolean
save_tokens (const char    *path,
             const Tokens  *tokens,
             GError       **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "staff");
  json_builder_add_string_value (builder, tokens->staff);
  json_builder_set_member_name (builder, "head");
  json_builder_add_string_value (builder, tokens->head);
  if (tokens->admin != NULL)
    {
      json_builder_set_member_name (builder, "admin");
      json_builder_add_string_value (builder, tokens->admin);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, TRUE);
  return g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                   0600, error);
}

/* Runs one administration command of the local queue and returns what it
 * printed, or NULL with its own words as the error. */
static char *
run_queue_command (const char          *executable,
                   const char          *queue_dir,
                   const char * const  *args,
                   GCancellable        *cancellable,
                   GError             **error)
{
  g_autofree char *config = config_path (queue_dir);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_ptr_array_add (argv, (char *) executable);
  g_ptr_array_add (argv, (char *) "--config");
  g_ptr_array_add (argv, config);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, error);
  if (process == NULL || !g_subprocess_communicate_utf8 (process, NULL, cancellable, &out, &err, error))
    return NULL;
  if (!g_subprocess_get_successful (process))
    {
      g_set_error (error, CS_QUEUE_CONNECTION_ERROR, CS_QUEUE_CONNECTION_ERROR_LOCAL_QUEUE,
                   _("The approval queue on this computer could not be set up (%s): %s"),
                   args[0], err != NULL ? g_strstrip (err) : "");
      return NULL;
    }
  return g_steal_pointer (&out);
}

/* A database with no tokens for it can be reached by nobody, so a new one
 * is made beside it; the old one is renamed rather than deleted, since its
 * posts may still be wanted. */
static gboolean
set_aside_database (const char  *queue_dir,
                    GError     **error)
{
  g_autofree char *suffix = g_strdup_printf (".unreachable-%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC);
  static const char * const names[] = { "queue.db", "queue.db-wal", "queue.db-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (queue_dir, names[i], NULL);
      g_autofree char *aside = g_strconcat (path, suffix, NULL);

      if (g_rename (path, aside) != 0 && errno != ENOENT)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s could not be moved aside: %s",
                       path, g_strerror (saved));
          return FALSE;
        }
    }
  return TRUE;
}

static char *
add_user (const char    *executable,
          const char    *queue_dir,
          const char    *role,
          const char    *name,
          GCancellable  *cancellable,
          GError       **error)
{
  const char * const args[] = { "user", "add", "--school", "local", "--role", role, name, NULL };
  char *token = run_queue_command (executable, queue_dir, args, cancellable, error);

  return token != NULL ? g_strstrip (token) : NULL;
}

typedef struct
{
  char *executable;
  char *queue_dir;
  char *face_model;
} Prepare;

static void
prepare_free (Prepare *prepare)
{
  g_free (prepare->executable);
  g_free (prepare->queue_dir);
  g_free (prepare->face_model);
  g_free (prepare);
}

/* On a worker thread: the folder, the configuration and, on first use,
 * the school and its two accounts. */
static void
prepare_thread (GTask        *task,
                gpointer      source,
                gpointer      data,
                GCancellable *cancellable)
{
  Prepare *prepare = data;
  g_autofree char *tokens_path = g_build_filename (prepare->queue_dir, "tokens.json", NULL);
  g_autofree char *database = g_build_filename (prepare->queue_dir, "queue.db", NULL);
  g_autoptr(Tokens) tokens = NULL;
  GError *error = NULL;

  if (g_mkdir_with_parents (prepare->queue_dir, 0700) != 0)
    {
      int saved = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved),
                               "The folder %s could not be made: %s", prepare->queue_dir, g_strerror (saved));
      return;
    }
  /* It may have been made before, by hand or by an older version. */
  g_chmod (prepare->queue_dir, 0700);
  if (!write_config (prepare->queue_dir, prepare->face_model, 0, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* Tokens without their database open nothing: the queue would make an
   * empty one that knows neither account. */
  tokens = load_tokens (tokens_path);
  if (tokens != NULL && !g_file_test (database, G_FILE_TEST_EXISTS))
    g_clear_pointer (&tokens, tokens_free);
  if (tokens == NULL)
    {
      const char * const school[] = { "school", "add", "local", "This computer", NULL };
      g_autofree char *done = NULL;

      tokens = g_new0 (Tokens, 1);
      if (!set_aside_database (prepare->queue_dir, &error) ||
          (done = run_queue_command (prepare->executable, prepare->queue_dir, school, cancellable, &error)) == NULL ||
          (tokens->staff = add_user (prepare->executable, prepare->queue_dir, "staff", "you",
                                     cancellable, &error)) == NULL ||
          (tokens->head = add_user (prepare->executable, prepare->queue_dir, "head", "head",
                                    cancellable, &error)) == NULL ||
          (tokens->admin = add_user (prepare->executable, prepare->queue_dir, "admin", "admin",
                                     cancellable, &error)) == NULL ||
          !save_tokens (tokens_path, tokens, &error))
        {
          g_task_return_error (task, error);
          return;
        }
    }
  else if (tokens->admin == NULL)
    {
      /* A queue made by an older Countersign gets its administrator now.
       * Without one only the accounts cannot be set up, so a failure here
       * is logged and the queue opens all the same. */
      /* The name may be taken by one whose token was lost: tokens are
       * shown once, so that account is out of reach and another is made. */
      for (guint i = 1; tokens->admin == NULL && i <= 5; i++)
        {
          g_autofree char *name = i == 1 ? g_strdup ("admin") : g_strdup_printf ("admin-%u", i);

          g_clear_error (&error);
          tokens->admin = add_user (prepare->executable, prepare->queue_dir, "admin", name, cancellable, &error);
        }
      if (tokens->admin == NULL)
        g_message ("The approval queue on this computer has no administrator, so its accounts "
                   "cannot be set up: %s", error->message);
      else if (!save_tokens (tokens_path, tokens, &error))
        g_message ("The administrator of the approval queue on this computer will be lost when "
                   "Countersign closes: %s", error->message);
      g_clear_error (&error);
    }
  g_task_return_pointer (task, g_steal_pointer (&tokens), (GDestroyNotify) tokens_free);
}

/* The local queue's process. */

#ifdef __linux__
/* The queue goes when the app goes, even when the app crashes. */
static void
child_setup (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}
#endif

static char *
log_tail (CsQueueConnection *self)
{
  g_autofree char *path = g_build_filename (self->queue_dir, "queue.log", NULL);
  g_autofree char *text = NULL;
  char *last;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return g_strdup ("");
  g_strstrip (text);
  last = strrchr (text, '\n');
  return g_strdup (last != NULL ? last + 1 : text);
}

static gboolean
restart_cb (gpointer data)
{
  CsQueueConnection *self = data;

  self->restart_source = 0;
  start_child (self);
  return G_SOURCE_REMOVE;
}

/* The child stopped or could not start: the open fails, or it is
 * started again after a pause that grows, or given up on. */
static void
child_lost (CsQueueConnection *self,
            GError            *error)
{
  g_autoptr(GError) owned = error;

  g_clear_object (&self->child);
  g_clear_object (&self->child_out);
  g_clear_handle_id (&self->startup_source, g_source_remove);
  self->child_ready = FALSE;

  if (self->starting != NULL)
    {
      g_autoptr(GTask) task = g_steal_pointer (&self->starting);

      g_task_return_error (task, g_steal_pointer (&owned));
      return;
    }

  if (self->ready_time != 0 && g_get_monotonic_time () - self->ready_time > STEADY_SECONDS * G_USEC_PER_SEC)
    self->restarts = 0;
  if (self->restarts >= MAX_RESTARTS)
    {
      g_autoptr(GError) failed = g_error_new (CS_QUEUE_CONNECTION_ERROR, CS_QUEUE_CONNECTION_ERROR_LOCAL_QUEUE,
                                              _("The approval queue on this computer keeps stopping (%s). "
                                              "Open Countersign again to retry."), owned->message);

      g_signal_emit (self, signals[FAILED], 0, failed);
      return;
    }
  g_debug ("The local queue stopped (%s); starting it again", owned->message);
  self->restart_source = g_timeout_add_seconds (self->restarts, restart_cb, self);
  self->restarts++;
}

static void
child_ready (CsQueueConnection *self,
             const char        *line)
{
  g_autofree char *address = g_strdup (line + strlen (LISTENING_PREFIX));
  g_autoptr(GUri) uri = NULL;
  char *end;

  if ((end = strchr (address, ' ')) != NULL)
    *end = '\0';
  uri = g_uri_parse (address, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_port (uri) <= 0)
    {
      g_subprocess_force_exit (self->child);
      child_lost (self, g_error_new (CS_QUEUE_CONNECTION_ERROR, CS_QUEUE_CONNECTION_ERROR_LOCAL_QUEUE,
                                     "The approval queue on this computer gave no address: “%s”", line));
      return;
    }

  g_clear_handle_id (&self->startup_source, g_source_remove);
  self->child_ready = TRUE;
  self->ready_time = g_get_monotonic_time ();
  self->port = g_uri_get_port (uri);

  if (self->starting != NULL)
    {
      g_autoptr(GTask) task = g_steal_pointer (&self->starting);
      g_autofree char *outbox_dir = g_build_filename (self->queue_dir, "outbox", NULL);

      self->url = g_strdup_printf ("http://127.0.0.1:%u/", self->port);
      self->staff = cs_queue_client_new (self->url, self->tokens->staff);
      self->head = cs_queue_client_new (self->url, self->tokens->head);
      if (self->tokens->admin != NULL)
        self->admin = cs_queue_client_new (self->url, self->tokens->admin);
      self->outbox = cs_outbox_new (outbox_dir, self->staff);
      g_clear_pointer (&self->tokens, tokens_free);
      g_task_return_boolean (task, TRUE);
    }
  else
    g_signal_emit (self, signals[RESTARTED], 0);
}

static void
line_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result,
                                                                     NULL, &error);
  CsQueueConnection *self = data;

  /* Cancelled in dispose, when @self may be gone. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* A child that has since been replaced. */
  if ((gpointer) source != (gpointer) self->child_out)
    return;

  if (line == NULL)
    {
      /* Once it listens, its exit is seen by wait_cb() instead. */
      if (self->startup_timed_out)
        child_lost (self, g_error_new (CS_QUEUE_CONNECTION_ERROR, CS_QUEUE_CONNECTION_ERROR_LOCAL_QUEUE,
                                       _("The approval queue on this computer did not start within %d seconds."),
                                       STARTUP_SECONDS));
      else if (!self->child_ready)
        {
          g_autofree char *why = log_tail (self);

          child_lost (self, g_error_new (CS_QUEUE_CONNECTION_ERROR, CS_QUEUE_CONNECTION_ERROR_LOCAL_QUEUE,
                                         _("The approval queue on this computer stopped as it started: %s"),
                                         why[0] != '\0' ? why : error != NULL ? error->message : "no reason given"));
        }
      return;
    }

  if (!self->child_ready && g_str_has_prefix (line, LISTENING_PREFIX))
    {
      child_ready (self, line);
      if (self->child_out == NULL)
        return;
    }
  /* Read on to the end, so that the queue never blocks on a full pipe. */
  g_data_input_stream_read_line_async (self->child_out, G_PRIORITY_DEFAULT, self->cancellable, line_cb, self);
}

static void
wait_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  g_autoptr(GError) error = NULL;
  CsQueueConnection *self = data;
  GSubprocess *child = G_SUBPROCESS (source);

  g_subprocess_wait_finish (child, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (child != self->child || !self->child_ready)
    return;

  if (g_subprocess_get_if_signaled (child))
    child_lost (self, g_error_new (CS_QUEUE_CONNECTION_ERROR, CS_QUEUE_CONNECTION_ERROR_LOCAL_QUEUE,
                                   "it was stopped by signal %d", g_subprocess_get_term_sig (child)));
  else
    {
      g_autofree char *why = log_tail (self);

      child_lost (self, g_error_new (CS_QUEUE_CONNECTION_ERROR, CS_QUEUE_CONNECTION_ERROR_LOCAL_QUEUE,
                                     "it exited with status %d: %s", g_subprocess_get_exit_status (child), why));
    }
}

/* Killing it ends its output, and line_cb() takes it from there. */
static gboolean
startup_timeout_cb (gpointer data)
{
  CsQueueConnection *self = data;

  self->startup_source = 0;
  self->startup_timed_out = TRUE;
  g_subprocess_force_exit (self->child);
  return G_SOURCE_REMOVE;
}

static void
start_child (CsQueueConnection *self)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autofree char *config = config_path (self->queue_dir);
  g_autofree char *log = g_build_filename (self->queue_dir, "queue.log", NULL);
  GError *error = NULL;

  /* A restart listens on the port the clients already know. */
  if (!write_config (self->queue_dir, self->face_model, self->port, &error))
    {
      child_lost (self, error);
      return;
    }

  g_subprocess_launcher_set_stderr_file_path (launcher, log);
#ifdef __linux__
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
#endif
  self->child = g_subprocess_launcher_spawn (launcher, &error, self->executable, "--config", config, "serve", NULL);
  if (self->child == NULL)
    {
      g_prefix_error (&error, _("The approval queue on this computer could not be started: "));
      child_lost (self, error);
      return;
    }
  self->child_ready = FALSE;
  self->startup_timed_out = FALSE;
  self->startup_source = g_timeout_add_seconds (STARTUP_SECONDS, startup_timeout_cb, self);
  self->child_out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->child));
  g_data_input_stream_read_line_async (self->child_out, G_PRIORITY_DEFAULT, self->cancellable, line_cb, self);
  g_subprocess_wait_async (self->child, self->cancellable, wait_cb, self);
}

static void
prepared_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  CsQueueConnection *self = CS_QUEUE_CONNECTION (source);
  g_autoptr(GTask) task = data;
  g_autoptr(Tokens) tokens = NULL;
  GError *error = NULL;

  tokens = g_task_propagate_pointer (G_TASK (result), &error);
  if (tokens == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* The clients are made once the queue says where it listens. */
  self->tokens = g_steal_pointer (&tokens);
  self->starting = g_steal_pointer (&task);
  start_child (self);
}

static void
token_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  g_autoptr(GTask) task = data;
  CsQueueConnection *self = g_task_get_source_object (task);
  const char *url = g_task_get_task_data (task);
  g_autofree char *outbox_dir = NULL;
  g_autofree char *token = NULL;
  GError *error = NULL;

  token = cs_token_store_lookup_finish (CS_TOKEN_STORE (source), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (token == NULL)
    {
      g_task_return_new_error (task, CS_QUEUE_CONNECTION_ERROR, CS_QUEUE_CONNECTION_ERROR_NO_TOKEN,
                               _("You are not signed in to the approval queue at %s. Sign in from "
                               "Preferences, with your name and password or the token the school gave you."),
                               url);
      return;
    }

  self->url = g_strdup (url);
  self->staff = cs_queue_client_new (url, token);
  outbox_dir = g_build_filename (self->data_dir, "outbox", NULL);
  self->outbox = cs_outbox_new (outbox_dir, self->staff);
  g_task_return_boolean (task, TRUE);
}

/* Plain http only to this computer, as the server itself insists. */
static gboolean
is_safe_address (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *host;

  if (uri == NULL)
    return FALSE;
  if (g_strcmp0 (g_uri_get_scheme (uri), "https") == 0)
    return TRUE;
  host = g_uri_get_host (uri);
  return g_strcmp0 (host, "127.0.0.1") == 0 || g_strcmp0 (host, "::1") == 0 ||
         g_strcmp0 (host, "localhost") == 0;
}

void
cs_queue_connection_open_async (CsQueueConnection   *self,
                                const char          *server_url,
                                CsTokenStore        *tokens,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *url = NULL;

  g_return_if_fail (CS_IS_QUEUE_CONNECTION (self));
  g_return_if_fail (tokens == NULL || CS_IS_TOKEN_STORE (tokens));
  g_return_if_fail (!self->opening);

  self->opening = TRUE;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cs_queue_connection_open_async);

  if (server_url == NULL || server_url[0] == '\0')
    {
      g_autoptr(GTask) prepare_task = g_task_new (self, cancellable, prepared_cb, g_steal_pointer (&task));
      Prepare *prepare = g_new0 (Prepare, 1);

      self->local = TRUE;
      prepare->executable = g_strdup (self->executable);
      prepare->queue_dir = g_strdup (self->queue_dir);
      prepare->face_model = g_strdup (self->face_model);
      g_task_set_source_tag (prepare_task, prepare_thread);
      g_task_set_task_data (prepare_task, prepare, (GDestroyNotify) prepare_free);
      g_task_run_in_thread (prepare_task, prepare_thread);
      return;
    }

  url = cs_token_store_normalise_url (server_url);
  if (url == NULL)
    {
      g_task_return_new_error (task, CS_QUEUE_CONNECTION_ERROR, CS_QUEUE_CONNECTION_ERROR_BAD_ADDRESS,
                               _("“%s” is not the address of an approval queue; it should look like "
                               "https://queue.school.example."), server_url);
      return;
    }
  if (!is_safe_address (url))
    {
      g_task_return_new_error (task, CS_QUEUE_CONNECTION_ERROR, CS_QUEUE_CONNECTION_ERROR_BAD_ADDRESS,
                               _("%s must start with https://: sign-in tokens and pupils' photos must not "
                               "cross a network unencrypted."), server_url);
      return;
    }
  if (tokens == NULL)
    {
      g_task_return_new_error (task, CS_QUEUE_CONNECTION_ERROR, CS_QUEUE_CONNECTION_ERROR_NO_TOKEN,
                               _("You are not signed in to the approval queue at %s. Sign in from Preferences."),
                               url);
      return;
    }
  g_task_set_task_data (task, g_strdup (url), g_free);
  cs_token_store_lookup_async (tokens, url, cancellable, token_cb, g_steal_pointer (&task));
}

gboolean
cs_queue_connection_open_finish (CsQueueConnection  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (CS_IS_QUEUE_CONNECTION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
cs_queue_connection_is_local (CsQueueConnection *self)
{
  g_return_val_if_fail (CS_IS_QUEUE_CONNECTION (self), FALSE);

  return self->local;
}

CsQueueClient *
cs_queue_connection_get_client (CsQueueConnection *self,
                                gboolean           as_head)
{
  g_return_val_if_fail (CS_IS_QUEUE_CONNECTION (self), NULL);

  return as_head && self->head != NULL ? self->head : self->staff;
}

CsOutbox *
cs_queue_connection_get_outbox (CsQueueConnection *self)
{
  g_return_val_if_fail (CS_IS_QUEUE_CONNECTION (self), NULL);

  return self->outbox;
}

const char *
cs_queue_connection_get_url (CsQueueConnection *self)
{
  g_return_val_if_fail (CS_IS_QUEUE_CONNECTION (self), NULL);

  return self->url;
}

const char *
cs_queue_connection_get_local_pid (CsQueueConnection *self)
{
  g_return_val_if_fail (CS_IS_QUEUE_CONNECTION (self), NULL);

  return self->child != NULL ? g_subprocess_get_identifier (self->child) : NULL;
}

CsQueueClient *
cs_queue_connection_get_admin_client (CsQueueConnection *self)
{
  g_return_val_if_fail (CS_IS_QUEUE_CONNECTION (self), NULL);

  if (self->admin != NULL)
    return self->admin;
  return self->head != NULL ? self->head : self->staff;
}
