/* cs-queue-server-review.c: what a head needs beside a post to decide on it
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   GET /posts/N/review   head, admin, the author:
 *     {"findings": [...], "pupils": [...], "history": [...]}
 *
 * The findings are the checks run now, with today's roster and policy, so
 * the head sees what the author saw and anything that changed since. The
 * pupils are those tagged in the photos, with their consent as the roster
 * says today. The history is the post's entries in the audit log.
 */

#include "cs-queue-server-private.h"

#include <string.h>

#include "cs-core.h"
#include "cs-json.h"

static void
add_pupil (JsonArray  *pupils,
           CsRoster   *roster,
           const char *id,
           guint       photo,
           GDate      *today)
{
  CsPerson *person = roster != NULL ? cs_roster_lookup (roster, id) : NULL;
  g_autofree char *name = person != NULL ? cs_person_dup_display_name (person) : NULL;
  JsonObject *pupil = NULL;

  for (guint i = 0; i < json_array_get_length (pupils); i++)
    {
      JsonObject *seen = json_array_get_object_element (pupils, i);

      if (g_strcmp0 (json_object_get_string_member (seen, "id"), id) == 0)
        pupil = seen;
    }
  if (pupil == NULL)
    {
      pupil = json_object_new ();
      json_object_set_string_member (pupil, "id", id);
      json_object_set_string_member (pupil, "name", name);
      /* Someone no longer on the roster has no consent on record. */
      json_object_set_boolean_member (pupil, "on_roster", person != NULL);
      json_object_set_string_member (pupil, "photo_consent",
                                     person != NULL ? cs_consent_to_string (person->photo_consent) : "no");
      json_object_set_boolean_member (pupil, "may_be_pictured",
                                      person != NULL && cs_person_may_be_pictured (person, today));
      json_object_set_boolean_member (pupil, "may_be_named",
                                      person != NULL && cs_person_may_be_named (person, today));
      json_object_set_array_member (pupil, "photos", json_array_new ());
      json_array_add_object_element (pupils, pupil);
    }
  json_array_add_int_element (json_object_get_array_member (pupil, "photos"), photo);
}

/* The tagged pupils of @post, each once, with the photos they are in. */
static JsonArray *
tagged_pupils (CsQueueServer     *self,
               const CsQueuePost *post)
{
  g_autoptr(JsonArray) pupils = json_array_new ();
  /* The roster the checks hold, already read: the same one that decided
   * the findings beside it. */
  g_autoptr(CsRoster) roster = cs_school_checks_dup_roster (self->checks, post->school, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDate) today = g_date_new_dmy (g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                                          g_date_time_get_year (now));

  for (guint i = 0; i < post->photos->len; i++)
    {
      const CsQueuePhoto *photo = g_ptr_array_index (post->photos, i);
      g_autoptr(JsonNode) tags = json_from_string (photo->tags_json, NULL);

      if (tags == NULL || !JSON_NODE_HOLDS_ARRAY (tags))
        continue;
      for (guint t = 0; t < json_array_get_length (json_node_get_array (tags)); t++)
        {
          JsonNode *tag = json_array_get_element (json_node_get_array (tags), t);
          const char *id;

          if (!JSON_NODE_HOLDS_OBJECT (tag))
            continue;
          id = cs_json_get_string (json_node_get_object (tag), "pupil");
          if (id != NULL)
            add_pupil (pupils, roster, id, i, today);
        }
    }
  return g_steal_pointer (&pupils);
}

static void
handle_review (CsQueueServer     *self,
               SoupServerMessage *msg,
               CsQueueUser       *user,
               gint64             id)
{
  g_autoptr(CsQueuePost) post = cs_queue_server_visible_post (self, msg, user, id, FALSE);
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(JsonArray) history = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  if (post == NULL)
    return;

  /* The text's checks take milliseconds; the photos were looked at when
   * the post came in and are bound by its hash. */
  findings = cs_school_checks_run (self->checks, post, FALSE, NULL, &error);
  history = findings != NULL ? cs_queue_store_list_post_history (self->store, id, &error) : NULL;
  if (findings == NULL || history == NULL)
    {
      cs_queue_server_reply_gerror (msg, error);
      return;
    }

  reply = json_object_new ();
  json_object_set_member (reply, "findings", cs_findings_to_json (findings));
  json_object_set_array_member (reply, "pupils", tagged_pupils (self, post));
  json_object_set_array_member (reply, "history", g_steal_pointer (&history));
  node = json_node_init_object (json_node_alloc (), reply);
  cs_queue_server_reply_node (msg, SOUP_STATUS_OK, node);
}

gboolean
cs_queue_server_route_review (CsQueueServer     *self,
                              SoupServerMessage *msg,
                              CsQueueUser       *user,
                              const char        *method,
                              char             **parts,
                              guint              n,
                              gint64             id)
{
  if (n != 3 || strcmp (parts[0], "posts") != 0 || strcmp (parts[2], "review") != 0 ||
      strcmp (method, "GET") != 0)
    return FALSE;
  handle_review (self, msg, user, id);
  return TRUE;
}
