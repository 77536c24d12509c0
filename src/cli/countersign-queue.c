/* countersign-queue.c: the approval queue server and its administration
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib-unix.h>

#include "cs-core.h"
#include "cs-queue-server.h"

#define DEFAULT_CONFIG "/etc/countersign/queue.conf"
#define DEFAULT_PORT   8765

static const char usage[] =
  "Usage:\n"
  "  countersign-queue [--config FILE] serve\n"
  "  countersign-queue [--config FILE] school add ID NAME\n"
  "  countersign-queue [--config FILE] user add --school ID --role staff|head|admin [--password] NAME\n"
  "  countersign-queue [--config FILE] roster set --school ID FILE.csv\n"
  "  countersign-queue [--config FILE] policy set --school ID FILE.json\n"
  "  countersign-queue [--config FILE] account set --school ID PLATFORM FILE.json\n"
  "  countersign-queue [--config FILE] account list --school ID\n"
  "  countersign-queue [--config FILE] account remove --school ID PLATFORM\n"
  "  countersign-queue [--config FILE] audit verify\n"
  "  countersign-queue [--config FILE] audit export [--school ID] [--format csv|json]\n"
  "\n"
  "The approval queue for Countersign: office staff submit posts to it, and the\n"
  "headteacher approves or rejects them. FILE is a key file (default " DEFAULT_CONFIG ",\n"
  "or $COUNTERSIGN_QUEUE_CONFIG) with a [server] group:\n"
  "  database=PATH          the SQLite database (default: the user's data folder)\n"
  "  postgres=CONNINFO      use PostgreSQL instead, e.g. \"host=/run/postgresql dbname=countersign\"\n"
  "  address=127.0.0.1      where to listen; other than loopback needs HTTPS\n"
  "  port=8765\n"
  "  certificate=PATH       PEM certificate for HTTPS\n"
  "  key=PATH               its PEM private key\n"
  "  face_model=PATH        the YuNet model, to look at submitted photos again\n"
  "  max_body_mb=50         the largest request accepted\n"
  "  rate_per_minute=600    requests one user may make in a minute\n"
  "  accounts_key=PATH      the key sealing the school's account credentials (made on\n"
  "                         first start, readable by the service user alone; default:\n"
  "                         accounts.key beside the database)\n"
  "  trust_certificate=PATH also trust this certificate when publishing (a school's own\n"
  "                         Mastodon server with a self-signed certificate)\n"
  "  retry_first_seconds=30 the wait before publishing is tried again; each later wait\n"
  "  retry_attempts=6       is four times longer, and after this many tries it stops\n"
  "\n"
  "“user add” prints the new user's token once: give it to them to put in the\n"
  "app's preferences. With --password, a password is read from standard input\n"
  "so that they can sign in with their name instead.\n"
  "\n"
  "“account set” reads an account's {\"settings\": {…}, \"secrets\": {…}} from a file, so\n"
  "that no token is left in the shell's history; PLATFORM is mastodon, bluesky, x,\n"
  "facebook or export. Delete the file afterwards: the queue keeps the secrets sealed.\n";

typedef struct
{
  char   *database;
  char   *postgres;
  char   *address;
  guint   port;
  char   *certificate;
  char   *key;
  char   *face_model;
  gsize   max_body;
  guint   rate;
  char   *accounts_key;
  char   *trust_certificate;
  guint   retry_first;
  guint   retry_attempts;
} Config;

static void
config_clear (Config *config)
{
  g_free (config->database);
  g_free (config->postgres);
  g_free (config->address);
  g_free (config->certificate);
  g_free (config->key);
  g_free (config->face_model);
  g_free (config->accounts_key);
  g_free (config->trust_certificate);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Config, config_clear)

/* [server] @key as a number from @min to @max in *@value, or -1 when the
 * file does not set it. */
static gboolean
read_number (GKeyFile    *file,
             const char  *path,
             const char  *key,
             gint64       min,
             gint64       max,
             const char  *range,
             gint64      *value,
             GError     **error)
{
  g_autoptr(GError) local = NULL;

  *value = -1;
  if (!g_key_file_has_key (file, "server", key, NULL))
    return TRUE;
  *value = g_key_file_get_int64 (file, "server", key, &local);
  if (local != NULL || *value < min || *value > max)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s: [server] %s must be a number %s.",
                   path, key, range);
      return FALSE;
    }
  return TRUE;
}

static gboolean
load_config (const char  *path,
             gboolean     explicit_path,
             Config      *config,
             GError     **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) local = NULL;
  gint64 number;

  config->database = g_build_filename (g_get_user_data_dir (), "countersign", "queue.db", NULL);
  config->address = g_strdup ("127.0.0.1");
  config->port = DEFAULT_PORT;
  config->face_model = g_strdup (CS_FACE_MODEL);
  config->max_body = CS_QUEUE_SERVER_DEFAULT_MAX_BODY;
  config->rate = CS_QUEUE_SERVER_DEFAULT_RATE;
  config->retry_first = 30;
  config->retry_attempts = 6;

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, &local))
    {
      /* No configuration at all is the embedded default; one named but
       * missing, or unreadable, is a mistake to report. */
      if (!explicit_path && g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", path, local->message);
      return FALSE;
    }

#define STRING_KEY(name, field)                                              \
  if (g_key_file_has_key (file, "server", name, NULL))                       \
    {                                                                        \
      g_free (config->field);                                                \
      config->field = g_key_file_get_string (file, "server", name, NULL);    \
    }
  STRING_KEY ("database", database)
  STRING_KEY ("postgres", postgres)
  STRING_KEY ("address", address)
  STRING_KEY ("certificate", certificate)
  STRING_KEY ("key", key)
  STRING_KEY ("face_model", face_model)
  STRING_KEY ("accounts_key", accounts_key)
  STRING_KEY ("trust_certificate", trust_certificate)
#undef STRING_KEY

  if (!read_number (file, path, "port", 0, 65535, "from 0 (any free port) to 65535", &number, error))
    return FALSE;
  if (number >= 0)
    config->port = number;
  if (!read_number (file, path, "max_body_mb", 1, 1024, "from 1 to 1024", &number, error))
    return FALSE;
  if (number >= 0)
    config->max_body = number * 1024 * 1024;
  if (!read_number (file, path, "rate_per_minute", 1, 1000000, "from 1 to 1000000", &number, error))
    return FALSE;
  if (number >= 0)
    config->rate = number;
  if (!read_number (file, path, "retry_first_seconds", 1, 3600, "from 1 to 3600", &number, error))
    return FALSE;
  if (number >= 0)
    config->retry_first = number;
  if (!read_number (file, path, "retry_attempts", 1, 20, "from 1 to 20", &number, error))
    return FALSE;
  if (number >= 0)
    config->retry_attempts = number;
  if ((config->certificate == NULL) != (config->key == NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%s: [server] needs both certificate and key for HTTPS, or neither.", path);
      return FALSE;
    }

  if (config->accounts_key == NULL)
    {
      g_autofree char *dir = config->postgres != NULL
                             ? g_build_filename (g_get_user_data_dir (), "countersign", NULL)
                             : g_path_get_dirname (config->database);

      config->accounts_key = g_build_filename (dir, "accounts.key", NULL);
    }

  return TRUE;
}

static CsQueueStore *
open_store (const Config  *config,
            GError       **error)
{
  g_autofree char *dir = g_path_get_dirname (config->database);

  if (config->postgres != NULL)
    return cs_queue_store_open_postgres (config->postgres, error);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The folder %s could not be made: %s",
                   dir, g_strerror (errno));
      return NULL;
    }
  return cs_queue_store_open_sqlite (config->database, error);
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static int
serve (const Config *config)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsQueueStore) store = open_store (config, &error);
  g_autoptr(CsQueueServer) server = NULL;
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(CsSecretBox) box = NULL;
  g_autoptr(GTlsCertificate) trusted = NULL;
  g_autoptr(CsPublishService) publishing = NULL;

  if (store == NULL)
    {
      g_printerr ("countersign-queue: %s\n", error->message);
      return 1;
    }

  address = g_inet_address_new_from_string (config->address);
  if (address == NULL)
    {
      g_printerr ("countersign-queue: “%s” is not an IP address; set [server] address.\n", config->address);
      return 1;
    }
  if (config->certificate != NULL)
    {
      certificate = g_tls_certificate_new_from_files (config->certificate, config->key, &error);
      if (certificate == NULL)
        {
          g_printerr ("countersign-queue: the certificate %s or key %s cannot be used: %s\n",
                      config->certificate, config->key, error->message);
          return 1;
        }
    }

  box = cs_secret_box_load (config->accounts_key, TRUE, &error);
  if (box == NULL)
    {
      g_printerr ("countersign-queue: %s\n", error->message);
      return 1;
    }
  if (config->trust_certificate != NULL)
    {
      trusted = g_tls_certificate_new_from_file (config->trust_certificate, &error);
      if (trusted == NULL)
        {
          g_printerr ("countersign-queue: the certificate to trust, %s, cannot be read: %s\n",
                      config->trust_certificate, error->message);
          return 1;
        }
    }

  server = cs_queue_server_new (store, config->face_model);
  cs_queue_server_set_limits (server, config->max_body, config->rate);
  publishing = cs_publish_service_new (store, cs_queue_server_get_checks (server), g_steal_pointer (&box));
  cs_publish_service_set_retry_policy (publishing, config->retry_first, config->retry_attempts);
  cs_publish_service_trust_certificate (publishing, trusted);
  cs_queue_server_set_publishing (server, publishing);
  if (!cs_queue_server_warm_up (server, &error))
    {
      g_printerr ("countersign-queue: %s\n", error->message);
      return 1;
    }
  if (!cs_queue_server_listen (server, address, config->port, certificate, &error))
    {
      g_printerr ("countersign-queue: %s\n", error->message);
      return 1;
    }

  /* After listening: a post due while the server was down goes out now,
   * and its viewers can already be told. */
  if (!cs_publish_service_start (publishing, &error))
    {
      g_printerr ("countersign-queue: %s\n", error->message);
      return 1;
    }

  g_print ("Listening on %s://%s:%u/api/v1 with %s\n", certificate != NULL ? "https" : "http",
           config->address, cs_queue_server_get_port (server),
           config->postgres != NULL ? "PostgreSQL" : config->database);
  fflush (stdout);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_main_loop_run (loop);
  cs_publish_service_stop (publishing);
  cs_queue_server_disconnect (server);
  return 0;
}

static char *
read_password (void)
{
  char line[1024];

  if (fgets (line, sizeof line, stdin) == NULL)
    return NULL;
  line[strcspn (line, "\r\n")] = '\0';
  return line[0] != '\0' ? g_strdup (line) : NULL;
}

static int
user_add (const Config *config,
          int           argc,
          char        **argv)
{
  g_autofree char *school = NULL;
  g_autofree char *role_text = NULL;
  gboolean with_password = FALSE;
  GOptionEntry entries[] = {
    { "school", 0, 0, G_OPTION_ARG_STRING, &school, "The school's id", "ID" },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role_text, "staff, head or admin", "ROLE" },
    { "password", 0, 0, G_OPTION_ARG_NONE, &with_password, "Read a password from standard input", NULL },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("NAME");
  g_autoptr(GError) error = NULL;
  g_autoptr(CsQueueStore) store = NULL;
  g_autofree char *password = NULL;
  g_autofree char *token = NULL;
  CsUserRole role;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2 || school == NULL || role_text == NULL)
    {
      g_printerr ("usage: countersign-queue user add --school ID --role staff|head|admin [--password] NAME\n");
      return 2;
    }
  if (!cs_user_role_from_string (role_text, &role))
    {
      g_printerr ("countersign-queue: the role must be staff, head or admin, not “%s”.\n", role_text);
      return 2;
    }
  if (with_password && (password = read_password ()) == NULL)
    {
      g_printerr ("countersign-queue: no password was given on standard input.\n");
      return 2;
    }

  store = open_store (config, &error);
  if (store != NULL)
    token = cs_queue_store_add_user (store, school, argv[1], role, password, &error);
  if (token == NULL)
    {
      g_printerr ("countersign-queue: %s\n", error->message);
      return 1;
    }

  g_print ("%s\n", token);
  g_printerr ("This token is shown once. Give it to %s to enter in Countersign's preferences.\n", argv[1]);
  return 0;
}

static int
school_file_set (const Config *config,
                 gboolean      roster,
                 int           argc,
                 char        **argv)
{
  g_autofree char *school = NULL;
  GOptionEntry entries[] = {
    { "school", 0, 0, G_OPTION_ARG_STRING, &school, "The school's id", "ID" },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("FILE");
  g_autoptr(GError) error = NULL;
  g_autoptr(CsQueueStore) store = NULL;
  g_autofree char *data = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize len;
  gboolean ok;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2 || school == NULL)
    {
      g_printerr ("usage: countersign-queue %s set --school ID FILE\n", roster ? "roster" : "policy");
      return 2;
    }
  if (!g_file_get_contents (argv[1], &data, &len, &error))
    {
      g_printerr ("countersign-queue: %s\n", error->message);
      return 1;
    }

  if (roster)
    {
      g_autoptr(CsRoster) check = cs_roster_new ();

      ok = cs_roster_load_data (check, data, len, &error);
    }
  else
    {
      g_autoptr(CsPolicy) check = cs_policy_new ();

      ok = cs_policy_load_data (check, data, len, argv[1], &error);
    }
  if (!ok)
    {
      g_printerr ("countersign-queue: %s: %s\n", argv[1], error->message);
      return 1;
    }

  bytes = g_bytes_new_take (g_steal_pointer (&data), len);
  store = open_store (config, &error);
  ok = store != NULL && (roster ? cs_queue_store_set_roster (store, school, bytes, 0, &error)
                                : cs_queue_store_set_policy (store, school, bytes, 0, &error));
  if (!ok)
    {
      g_printerr ("countersign-queue: %s\n", error->message);
      return 1;
    }
  return 0;
}

static int
audit (const Config *config,
       int           argc,
       char        **argv)
{
  g_autofree char *school = NULL;
  g_autofree char *format = NULL;
  GOptionEntry entries[] = {
    { "school", 0, 0, G_OPTION_ARG_STRING, &school, "Only this school's entries", "ID" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, "csv or json (default json)", "FORMAT" },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("verify|export");
  g_autoptr(GError) error = NULL;
  g_autoptr(CsQueueStore) store = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2 ||
      (strcmp (argv[1], "verify") != 0 && strcmp (argv[1], "export") != 0) ||
      (format != NULL && strcmp (format, "csv") != 0 && strcmp (format, "json") != 0))
    {
      g_printerr ("usage: countersign-queue audit verify | audit export [--school ID] [--format csv|json]\n");
      return 2;
    }

  store = open_store (config, &error);
  if (store == NULL)
    {
      g_printerr ("countersign-queue: %s\n", error->message);
      return 1;
    }

  if (strcmp (argv[1], "verify") == 0)
    {
      g_autoptr(JsonArray) entries = NULL;

      if (!cs_queue_store_verify_audit (store, &error))
        {
          g_printerr ("countersign-queue: the audit log has been tampered with. %s\n", error->message);
          return 1;
        }
      entries = cs_queue_store_list_audit (store, NULL, NULL);
      g_print ("The audit log is intact: %u entries, each following on from the one before.\n",
               entries != NULL ? json_array_get_length (entries) : 0);
      return 0;
    }

  {
    g_autoptr(JsonArray) entries = cs_queue_store_list_audit (store, school, &error);

    if (entries == NULL)
      {
        g_printerr ("countersign-queue: %s\n", error->message);
        return 1;
      }
    if (g_strcmp0 (format, "csv") == 0)
      {
        g_autofree char *csv = cs_audit_to_csv (entries);

        fputs (csv, stdout);
      }
    else
      {
        g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
        g_autofree char *text = NULL;

        json_node_set_array (root, entries);
        text = json_to_string (root, TRUE);
        g_print ("%s\n", text);
      }
  }
  return 0;
}
static int
account (const Config *config,
         int           argc,
         char        **argv)
{
  g_autofree char *school = NULL;
  GOptionEntry entries[] = {
    { "school", 0, 0, G_OPTION_ARG_STRING, &school, "The school's id", "ID" },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("set|list|remove");
  g_autoptr(GError) error = NULL;
  g_autoptr(CsQueueStore) store = NULL;
  const char *verb;
  CsQueueUser actor = { 0, NULL, (char *) "countersign-queue", CS_USER_ADMIN };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc < 2 || school == NULL)
    {
      g_printerr ("usage: countersign-queue account set|list|remove --school ID …\n");
      return 2;
    }
  verb = argv[1];
  actor.school = school;
  store = open_store (config, &error);
  if (store == NULL)
    {
      g_printerr ("countersign-queue: %s\n", error->message);
      return 1;
    }

  if (strcmp (verb, "list") == 0 && argc == 2)
    {
      g_autoptr(JsonArray) accounts = cs_queue_store_list_accounts (store, school, &error);
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *text = NULL;

      if (accounts == NULL)
        {
          g_printerr ("countersign-queue: %s\n", error->message);
          return 1;
        }
      node = json_node_init_array (json_node_alloc (), accounts);
      text = json_to_string (node, TRUE);
      g_print ("%s\n", text);
      return 0;
    }
  if (strcmp (verb, "remove") == 0 && argc == 3)
    {
      if (!cs_queue_store_remove_account (store, school, argv[2], &actor, &error))
        {
          g_printerr ("countersign-queue: %s\n", error->message);
          return 1;
        }
      return 0;
    }
  if (strcmp (verb, "set") == 0 && argc == 4)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(CsSchoolChecks) checks = NULL;
      g_autoptr(CsPublishService) service = NULL;
      CsSecretBox *box;
      JsonNode *root;
      JsonNode *settings, *secrets;

      if (!json_parser_load_from_mapped_file (parser, argv[3], &error))
        {
          g_printerr ("countersign-queue: %s: %s\n", argv[3], error->message);
          return 1;
        }
      root = json_parser_get_root (parser);
      settings = JSON_NODE_HOLDS_OBJECT (root) ? json_object_get_member (json_node_get_object (root), "settings") : NULL;
      secrets = JSON_NODE_HOLDS_OBJECT (root) ? json_object_get_member (json_node_get_object (root), "secrets") : NULL;
      if (settings == NULL || !JSON_NODE_HOLDS_OBJECT (settings) || secrets == NULL || !JSON_NODE_HOLDS_OBJECT (secrets))
        {
          g_printerr ("countersign-queue: %s must hold an object with “settings” and “secrets”, each an object "
                      "of strings.\n", argv[3]);
          return 1;
        }
      box = cs_secret_box_load (config->accounts_key, TRUE, &error);
      if (box == NULL)
        {
          g_printerr ("countersign-queue: %s\n", error->message);
          return 1;
        }
      checks = cs_school_checks_new (store, config->face_model);
      service = cs_publish_service_new (store, checks, box);
      if (!cs_publish_service_set_account (service, school, argv[2], json_node_get_object (settings),
                                           json_node_get_object (secrets), &actor, &error))
        {
          g_printerr ("countersign-queue: %s\n", error->message);
          return 1;
        }
      return 0;
    }

  g_printerr ("usage: countersign-queue account set|list|remove --school ID …\n");
  return 2;
}

int
main (int   argc,
      char *argv[])
{
  g_auto(Config) config = { 0 };
  g_autoptr(GError) error = NULL;
  const char *config_path = g_getenv ("COUNTERSIGN_QUEUE_CONFIG");
  gboolean explicit_path = config_path != NULL;
  int first = 1;

  if (argc >= 3 && strcmp (argv[1], "--config") == 0)
    {
      config_path = argv[2];
      explicit_path = TRUE;
      first = 3;
    }
  if (argc <= first || strcmp (argv[first], "--help") == 0 || strcmp (argv[first], "-h") == 0)
    {
      fputs (usage, argc <= first ? stderr : stdout);
      return argc <= first ? 2 : 0;
    }
  if (strcmp (argv[first], "--version") == 0)
    {
      g_print ("countersign-queue %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (!load_config (config_path != NULL ? config_path : DEFAULT_CONFIG, explicit_path, &config, &error))
    {
      g_printerr ("countersign-queue: %s\n", error->message);
      return 2;
    }

  if (strcmp (argv[first], "serve") == 0 && argc == first + 1)
    return serve (&config);
  if (argc >= first + 2 && strcmp (argv[first], "user") == 0 && strcmp (argv[first + 1], "add") == 0)
    return user_add (&config, argc - first - 1, argv + first + 1);
  if (argc == first + 4 && strcmp (argv[first], "school") == 0 && strcmp (argv[first + 1], "add") == 0)
    {
      g_autoptr(CsQueueStore) store = open_store (&config, &error);

      if (store == NULL || !cs_queue_store_add_school (store, argv[first + 2], argv[first + 3], &error))
        {
          g_printerr ("countersign-queue: %s\n", error->message);
          return 1;
        }
      return 0;
    }
  if (argc >= first + 2 && (strcmp (argv[first], "roster") == 0 || strcmp (argv[first], "policy") == 0) &&
      strcmp (argv[first + 1], "set") == 0)
    return school_file_set (&config, strcmp (argv[first], "roster") == 0, argc - first - 1, argv + first + 1);
  if (argc >= first + 2 && strcmp (argv[first], "account") == 0)
    return account (&config, argc - first, argv + first);
  if (argc >= first + 2 && strcmp (argv[first], "audit") == 0)
    return audit (&config, argc - first, argv + first);

  fputs (usage, stderr);
  return 2;
}
