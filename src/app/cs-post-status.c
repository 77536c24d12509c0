/* cs-post-status.c: a queued post and its deliveries, in words and rows
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The queue sends states as words for programs ("queued", "failed") and
 * times as unix seconds; staff read "Scheduled for Friday 5 December at
 * 09:30" and "Failed: the school has no X account set up".
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cs-platform.h"
#include "cs-post-status.h"

/* A delivery due within this many seconds is going out now, not scheduled. */
#define DUE_NOW_SECONDS 60

/* A member that may be missing or null, as the queue's "url" and "message" are. */
static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gint64
int_member (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;
  return json_node_get_int (node);
}

static JsonArray *
deliveries_of (JsonObject *post)
{
  JsonNode *node = json_object_get_member (post, "deliveries");

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

char *
cs_post_status_format_time (GDateTime *when,
                            GDateTime *now,
                            gboolean   capital)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (when);
  g_autoptr(GDateTime) local_now = g_date_time_to_local (now);
  g_autofree char *clock = g_date_time_format (local, "%H:%M");
  GDate day, today;
  int days;

  g_date_clear (&day, 1);
  g_date_clear (&today, 1);
  g_date_set_dmy (&day, g_date_time_get_day_of_month (local), g_date_time_get_month (local),
                  g_date_time_get_year (local));
  g_date_set_dmy (&today, g_date_time_get_day_of_month (local_now), g_date_time_get_month (local_now),
                  g_date_time_get_year (local_now));
  days = g_date_days_between (&today, &day);

  if (days == 0)
    return g_strdup_printf (capital ? _("Today at %s") : _("today at %s"), clock);
  if (days == 1)
    return g_strdup_printf (capital ? _("Tomorrow at %s") : _("tomorrow at %s"), clock);
  if (days == -1)
    return g_strdup_printf (capital ? _("Yesterday at %s") : _("yesterday at %s"), clock);
  if (g_date_time_get_year (local) == g_date_time_get_year (local_now))
    /* Translators: a date and time, as in "Friday 5 December at 09:30";
     * see g_date_time_format() for the codes. */
    return g_date_time_format (local, _("%A %-d %B at %H:%M"));
  /* Translators: as above, with the year: "Monday 4 January 2027 at 09:30". */
  return g_date_time_format (local, _("%A %-d %B %Y at %H:%M"));
}

static char *
format_unix (gint64    seconds,
             GDateTime *now,
             gboolean   capital)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (seconds);

  return cs_post_status_format_time (when, now, capital);
}

const char *
cs_post_status_platform_name (const char *platform)
{
  CsPlatform known;

  if (g_strcmp0 (platform, "export") == 0)
    return _("Export Folder");
  if (platform != NULL && cs_platform_from_string (platform, &known))
    return cs_platform_get_display_name (known);
  return platform != NULL ? platform : "";
}

char *
cs_post_status_title (JsonObject *post)
{
  const char *text = string_member (post, "text");
  const char *end;
  g_autofree char *line = NULL;

  if (text == NULL)
    text = "";
  end = strchr (text, '\n');
  line = end != NULL ? g_strndup (text, end - text) : g_strdup (text);
  g_strstrip (line);
  if (g_utf8_strlen (line, -1) > 70)
    {
      g_autofree char *cut = g_utf8_substring (line, 0, 69);

      return g_strconcat (g_strchomp (cut), "…", NULL);
    }
  return g_steal_pointer (&line);
}

gint64
cs_post_status_get_scheduled (JsonObject *post)
{
  JsonArray *deliveries = deliveries_of (post);
  gint64 due = 0;

  for (guint i = 0; deliveries != NULL && i < json_array_get_length (deliveries); i++)
    {
      JsonObject *delivery = json_array_get_object_element (deliveries, i);

      if (g_strcmp0 (string_member (delivery, "state"), "queued") == 0 && int_member (delivery, "attempts") == 0 &&
          (due == 0 || int_member (delivery, "next_at") < due))
        due = int_member (delivery, "next_at");
    }
  return due;
}

gboolean
cs_post_status_has_failed (JsonObject *post)
{
  JsonArray *deliveries = deliveries_of (post);

  for (guint i = 0; deliveries != NULL && i < json_array_get_length (deliveries); i++)
    if (g_strcmp0 (string_member (json_array_get_object_element (deliveries, i), "state"), "failed") == 0)
      return TRUE;
  return FALSE;
}

char *
cs_post_status_describe_delivery (JsonObject *delivery,
                                  GDateTime  *now)
{
  const char *state = string_member (delivery, "state");
  const char *message = string_member (delivery, "message");
  gint64 next_at = int_member (delivery, "next_at");

  if (g_strcmp0 (state, "published") == 0)
    return g_strdup (_("Published"));
  if (g_strcmp0 (state, "publishing") == 0)
    return g_strdup (_("Publishing…"));
  if (g_strcmp0 (state, "failed") == 0)
    return message != NULL && *message != '\0' ? g_strdup_printf (_("Failed: %s"), message)
                                               : g_strdup (_("Failed"));

  /* Queued: for its time, or to be tried again after a failure. */
  if (int_member (delivery, "attempts") > 0)
    {
      g_autofree char *when = format_unix (next_at, now, FALSE);

      if (message != NULL && *message != '\0')
        return g_strdup_printf (_("Not sent yet; trying again %s. %s"), when, message);
      return g_strdup_printf (_("Not sent yet; trying again %s."), when);
    }
  if (next_at > g_date_time_to_unix (now) + DUE_NOW_SECONDS)
    {
      g_autofree char *when = format_unix (next_at, now, FALSE);

      return g_strdup_printf (_("Scheduled for %s"), when);
    }
  return g_strdup (_("About to be published"));
}

/* "X", "X and Mastodon", "X, Mastodon and Bluesky". */
static char *
join_names (GPtrArray *names)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < names->len; i++)
    {
      if (i > 0)
        g_string_append (out, i + 1 == names->len ? _(" and ") : ", ");
      g_string_append (out, g_ptr_array_index (names, i));
    }
  return g_string_free (out, FALSE);
}

char *
cs_post_status_describe_post (JsonObject *post,
                              GDateTime  *now)
{
  const char *state = string_member (post, "state");
  JsonArray *deliveries = deliveries_of (post);
  g_autoptr(GPtrArray) failed = g_ptr_array_new ();
  gboolean publishing = FALSE;
  gint64 scheduled;

  if (g_strcmp0 (state, "pending") == 0)
    return g_strdup (_("Waiting for approval"));
  if (g_strcmp0 (state, "rejected") == 0)
    return g_strdup (_("Not approved"));
  if (g_strcmp0 (state, "withdrawn") == 0)
    return g_strdup (_("Withdrawn"));
  if (g_strcmp0 (state, "published") == 0)
    return g_strdup (_("Published"));

  for (guint i = 0; deliveries != NULL && i < json_array_get_length (deliveries); i++)
    {
      JsonObject *delivery = json_array_get_object_element (deliveries, i);
      const char *delivery_state = string_member (delivery, "state");

      if (g_strcmp0 (delivery_state, "failed") == 0)
        g_ptr_array_add (failed, (gpointer) cs_post_status_platform_name (string_member (delivery, "platform")));
      else if (g_strcmp0 (delivery_state, "published") != 0)
        publishing = TRUE;
    }
  if (failed->len > 0)
    {
      g_autofree char *names = join_names (failed);

      return g_strdup_printf (_("Failed on %s"), names);
    }
  scheduled = cs_post_status_get_scheduled (post);
  if (scheduled > g_date_time_to_unix (now) + DUE_NOW_SECONDS)
    {
      g_autofree char *when = format_unix (scheduled, now, FALSE);

      return g_strdup_printf (_("Scheduled for %s"), when);
    }
  return g_strdup (publishing ? _("Publishing…") : _("Approved"));
}

void
cs_post_status_upsert (GPtrArray  *posts,
                       JsonObject *post)
{
  gint64 id = json_object_get_int_member_with_default (post, "id", 0);
  guint at = 0;

  if (id == 0 || posts == NULL)
    return;
  for (guint i = 0; i < posts->len; i++)
    {
      JsonObject *listed = g_ptr_array_index (posts, i);
      gint64 listed_id = json_object_get_int_member (listed, "id");

      if (listed_id == id)
        {
          g_ptr_array_index (posts, i) = json_object_ref (post);
          json_object_unref (listed);
          return;
        }
      if (listed_id > id)
        at = i + 1;
    }
  g_ptr_array_insert (posts, at, json_object_ref (post));
}

/* Rows */

static GtkWidget *
state_icon (const char *icon_name,
            const char *style)
{
  GtkWidget *icon = gtk_image_new_from_icon_name (icon_name);

  gtk_widget_set_valign (icon, GTK_ALIGN_CENTER);
  if (style != NULL)
    gtk_widget_add_css_class (icon, style);
  return icon;
}

static GtkWidget *
new_row (const char *title,
         const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  return row;
}

static GtkWidget *
delivery_row (JsonObject *post,
              JsonObject *delivery,
              GDateTime  *now,
              const char *retry_action)
{
  const char *platform = string_member (delivery, "platform");
  const char *state = string_member (delivery, "state");
  const char *url = string_member (delivery, "url");
  const char *name = cs_post_status_platform_name (platform);
  g_autofree char *words = cs_post_status_describe_delivery (delivery, now);
  GtkWidget *row = new_row (name, words);

  if (g_strcmp0 (state, "published") == 0)
    {
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), state_icon ("emblem-ok-symbolic", "success"));
      if (url != NULL && *url != '\0')
        {
          g_autofree char *label = g_strdup_printf (_("Open the post on %s"), name);
          GtkWidget *link = gtk_link_button_new_with_label (url, _("Open"));

          gtk_widget_set_valign (link, GTK_ALIGN_CENTER);
          gtk_accessible_update_property (GTK_ACCESSIBLE (link), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), link);
        }
    }
  else if (g_strcmp0 (state, "failed") == 0)
    {
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), state_icon ("dialog-warning-symbolic", "error"));
      if (retry_action != NULL)
        {
          g_autofree char *label = g_strdup_printf (_("Try publishing on %s again"), name);
          GtkWidget *button = gtk_button_new_with_mnemonic (_("_Try Again"));

          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          gtk_actionable_set_action_name (GTK_ACTIONABLE (button), retry_action);
          gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(xs)",
                                            int_member (post, "id"), platform);
          gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, label, -1);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
        }
    }
  else if (g_strcmp0 (state, "publishing") == 0)
    {
      GtkWidget *spinner = gtk_spinner_new ();

      gtk_spinner_start (GTK_SPINNER (spinner));
      gtk_widget_set_valign (spinner, GTK_ALIGN_CENTER);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), spinner);
    }
  else if (int_member (delivery, "attempts") > 0)
    adw_action_row_add_prefix (ADW_ACTION_ROW (row), state_icon ("emblem-synchronizing-symbolic", "warning"));
  else
    adw_action_row_add_prefix (ADW_ACTION_ROW (row), state_icon ("alarm-symbolic", NULL));

  g_object_set_data_full (G_OBJECT (row), "platform", g_strdup (platform), g_free);
  return row;
}

GtkWidget *
cs_post_status_new_group (JsonObject *post,
                          const char *description,
                          const char *retry_action)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *title = cs_post_status_title (post);
  g_autofree char *title_markup = g_markup_escape_text (title, -1);
  const char *state = string_member (post, "state");
  GtkWidget *group = adw_preferences_group_new ();
  JsonArray *deliveries = deliveries_of (post);

  /* The group's title and description are markup; posts are plain text. */
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title_markup);
  if (description != NULL)
    {
      g_autofree char *description_markup = g_markup_escape_text (description, -1);

      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description_markup);
    }
  g_object_set_data (G_OBJECT (group), "post-id", GINT_TO_POINTER ((int) int_member (post, "id")));

  if (g_strcmp0 (state, "pending") == 0)
    {
      GtkWidget *row = new_row (_("Waiting for approval"), _("The head has not decided yet."));

      adw_action_row_add_prefix (ADW_ACTION_ROW (row), state_icon ("mail-unread-symbolic", NULL));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  else if (g_strcmp0 (state, "rejected") == 0)
    {
      const char *comment = string_member (post, "comment");
      g_autofree char *said = comment != NULL && *comment != '\0'
                              ? g_strdup_printf (_("The head said: “%s”"), comment) : NULL;
      GtkWidget *row = new_row (_("Not approved"), said);

      adw_action_row_add_prefix (ADW_ACTION_ROW (row), state_icon ("dialog-error-symbolic", "error"));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  else if (g_strcmp0 (state, "withdrawn") == 0)
    {
      GtkWidget *row = new_row (_("Withdrawn"), _("It was taken back before it was approved."));

      adw_action_row_add_prefix (ADW_ACTION_ROW (row), state_icon ("action-unavailable-symbolic", NULL));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  else if (deliveries == NULL || json_array_get_length (deliveries) == 0)
    {
      GtkWidget *row = new_row (_("Approved"), _("There is nowhere set up to publish it."));

      adw_action_row_add_prefix (ADW_ACTION_ROW (row), state_icon ("emblem-ok-symbolic", NULL));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  else
    for (guint i = 0; i < json_array_get_length (deliveries); i++)
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                 delivery_row (post, json_array_get_object_element (deliveries, i), now,
                                               retry_action));
  return group;
}
