/* cs-publisher-factory.c: a publisher for an account, from its settings
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one place that knows every kind of account and the fields each
 * needs. Settings are what the school's administrator typed (addresses,
 * names); secrets are tokens and passwords, which the server keeps sealed.
 */

#include "config.h"

#include "cs-publisher.h"

#include "cs-bluesky-publisher.h"
#include "cs-export-publisher.h"
#include "cs-facebook-publisher.h"
#include "cs-json.h"
#include "cs-mastodon-publisher.h"
#include "cs-x-publisher.h"

/* @object's string @member, or @fallback; when neither, FALSE with an
 * error naming the field. */
static gboolean
field (JsonObject  *object,
       const char  *member,
       const char  *fallback,
       const char  *platform,
       const char **value,
       GError     **error)
{
  *value = cs_json_get_string (object, member);
  if (*value == NULL || **value == '\0')
    *value = fallback;
  if (*value == NULL)
    {
      g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_SETUP,
                   "The school's %s account has no “%s”. Set the account up again with it.", platform, member);
      return FALSE;
    }
  return TRUE;
}

/* Tokens and the rest travel only over HTTPS. */
static gboolean
secure_url (const char  *url,
            const char  *platform,
            GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 || g_uri_get_host (uri) == NULL)
    {
      g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_SETUP,
                   "The school's %s account has the address “%s”, which is not an https:// address. "
                   "Set the account up again with its https:// address.", platform, url);
      return FALSE;
    }
  return TRUE;
}

CsPublisher *
cs_publisher_new_for_account (const char  *name,
                              JsonObject  *settings,
                              JsonObject  *secrets,
                              GError     **error)
{
  const char *base_url = NULL, *a = NULL, *b = NULL, *c = NULL;

  g_return_val_if_fail (name != NULL, NULL);

  if (g_strcmp0 (name, "export") == 0)
    {
      if (!field (settings, "folder", NULL, "export", &a, error))
        return NULL;
      if (!g_path_is_absolute (a))
        {
          g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_SETUP,
                       "The export folder “%s” is not a full path; give one starting with “/”.", a);
          return NULL;
        }
      return cs_export_publisher_new (a);
    }

  if (g_strcmp0 (name, "mastodon") == 0)
    {
      if (!field (settings, "base_url", NULL, "Mastodon", &base_url, error) ||
          !secure_url (base_url, "Mastodon", error) ||
          !field (secrets, "access_token", NULL, "Mastodon", &a, error))
        return NULL;
      return cs_mastodon_publisher_new (base_url, a);
    }

  if (g_strcmp0 (name, "bluesky") == 0)
    {
      if (!field (settings, "base_url", "https://bsky.social", "Bluesky", &base_url, error) ||
          !secure_url (base_url, "Bluesky", error) ||
          !field (settings, "identifier", NULL, "Bluesky", &a, error) ||
          !field (secrets, "app_password", NULL, "Bluesky", &b, error))
        return NULL;
      return cs_bluesky_publisher_new (base_url, a, b, cs_json_get_string (secrets, "refresh_jwt"));
    }

  if (g_strcmp0 (name, "x") == 0)
    {
      if (!field (settings, "base_url", "https://api.x.com", "X", &base_url, error) ||
          !secure_url (base_url, "X", error) ||
          !field (settings, "client_id", NULL, "X", &a, error) ||
          !field (secrets, "access_token", NULL, "X", &b, error))
        return NULL;
      c = cs_json_get_string (secrets, "refresh_token");
      return cs_x_publisher_new (base_url, a, b, c);
    }

  if (g_strcmp0 (name, "facebook") == 0)
    {
      if (!field (settings, "base_url", "https://graph.facebook.com/v21.0", "Facebook", &base_url, error) ||
          !secure_url (base_url, "Facebook", error) ||
          !field (settings, "page_id", NULL, "Facebook", &a, error) ||
          !field (secrets, "page_token", NULL, "Facebook", &b, error))
        return NULL;
      return cs_facebook_publisher_new (base_url, a, b);
    }

  g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_SETUP,
               "“%s” is not a kind of account Countersign can publish to. Use mastodon, bluesky, x, facebook "
               "or export.", name);
  return NULL;
}
