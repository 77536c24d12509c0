/* cs-review-window.c: the headteacher's queue of posts: waiting, on their way, published
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The lists follow the queue's event stream, so a post sent from the
 * office appears, and a delivery's progress shows, without refreshing.
 * Approving names the exact version shown (its content hash): if the post
 * changed meanwhile, the queue says so rather than approve something the
 * head has not read. It is published at once or at a time the head picks;
 * a delivery that failed can be tried again from its row.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cs-platform.h"
#include "cs-post-status.h"
#include "cs-review-window-private.h"
#include "cs-tagged-photo.h"
#include "cs-unicode-private.h"

G_DEFINE_FINAL_TYPE (CsReviewWindow, cs_review_window, ADW_TYPE_WINDOW)

/* Older published posts are in the queue's audit trail; the window keeps
 * to the recent ones. */
#define MAX_PUBLISHED_SHOWN 50
/* How often the posts on their way are listed again, in case an event was
 * missed while the stream reconnected. */
#define TICK_SECONDS 30

static void refresh (CsReviewWindow *self);
static void rebuild (CsReviewWindow *self);
static void fetch_review (CsReviewWindow *self,
                          gboolean        quietly);

static void
toast (CsReviewWindow *self,
       const char     *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static gboolean
schedule_is_valid (CsReviewWindow *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return self->publish_at != NULL && g_date_time_compare (self->publish_at, now) > 0;
}

static void
update_actions (CsReviewWindow *self)
{
  const char *comment = gtk_editable_get_text (GTK_EDITABLE (self->comment_entry));
  gboolean have_post = self->selected != NULL && self->busy == 0;
  gboolean scheduling = gtk_check_button_get_active (self->schedule_check);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.approve",
                                 have_post && (!scheduling || schedule_is_valid (self)));
  /* A rejection says why, so its author can put it right. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.reject", have_post && !cs_utf8_is_blank (comment));
}

/* Scheduling */

/* The next school day at nine: posts read best at the start of a day. */
static GDateTime *
default_publish_at (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) day = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                                    g_date_time_get_day_of_month (now), 9, 0, 0);

  do
    {
      GDateTime *next = g_date_time_add_days (day, 1);

      g_date_time_unref (day);
      day = next;
    }
  while (g_date_time_get_day_of_week (day) > 5);
  return g_steal_pointer (&day);
}

static void
schedule_changed_cb (CsReviewWindow *self)
{
  g_autoptr(GDateTime) date = gtk_calendar_get_date (self->calendar);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *words = NULL;
  gboolean valid;

  g_clear_pointer (&self->publish_at, g_date_time_unref);
  self->publish_at = g_date_time_new_local (g_date_time_get_year (date), g_date_time_get_month (date),
                                            g_date_time_get_day_of_month (date),
                                            gtk_spin_button_get_value_as_int (self->hour_spin),
                                            gtk_spin_button_get_value_as_int (self->minute_spin), 0);
  valid = schedule_is_valid (self);
  if (self->publish_at != NULL)
    words = cs_post_status_format_time (self->publish_at, now, TRUE);
  gtk_menu_button_set_label (self->schedule_button, words != NULL ? words : "");
  gtk_widget_set_visible (GTK_WIDGET (self->schedule_error), !valid);
  if (valid)
    gtk_widget_remove_css_class (GTK_WIDGET (self->schedule_button), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->schedule_button), "error");
  update_actions (self);
}

static void
schedule_toggled_cb (CsReviewWindow *self)
{
  update_actions (self);
}

/* Minutes and hours read as on a clock: 09:05, not 9:5. */
static gboolean
spin_output_cb (GtkSpinButton *spin,
                gpointer       user_data)
{
  g_autofree char *text = g_strdup_printf ("%02d", gtk_spin_button_get_value_as_int (spin));

  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (spin)), text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

static void
reset_schedule (CsReviewWindow *self)
{
  g_autoptr(GDateTime) when = default_publish_at ();

  gtk_check_button_set_active (self->now_check, TRUE);
  gtk_calendar_select_day (self->calendar, when);
  gtk_spin_button_set_value (self->hour_spin, g_date_time_get_hour (when));
  gtk_spin_button_set_value (self->minute_spin, g_date_time_get_minute (when));
  schedule_changed_cb (self);
}

GDateTime *
cs_review_window_get_publish_at (CsReviewWindow *self)
{
  return self->publish_at;
}

/* The posts */

static JsonObject *
find_post (CsReviewWindow *self,
           gint64          id)
{
  for (guint i = 0; self->posts != NULL && i < self->posts->len; i++)
    {
      JsonObject *post = g_ptr_array_index (self->posts, i);

      if (json_object_get_int_member (post, "id") == id)
        return post;
    }
  return NULL;
}

static const char *
post_state (JsonObject *post)
{
  return json_object_get_string_member_with_default (post, "state", "");
}

static GtkWidget *
post_row (JsonObject *post)
{
  g_autofree char *title = cs_post_status_title (post);
  g_autofree char *subtitle = g_strdup_printf (_("From %s"), json_object_get_string_member (post, "author"));
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  g_object_set_data (G_OBJECT (row), "post-id", GINT_TO_POINTER ((int) json_object_get_int_member (post, "id")));
  return row;
}

typedef struct
{
  CsReviewWindow *self;
  CsTaggedPhoto  *photo;
  guint           index;
} PhotoFetch;

static void
photo_fetched_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  PhotoFetch *fetch = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) jpeg = cs_queue_client_get_photo_finish (CS_QUEUE_CLIENT (source), result, &error);
  g_autoptr(GdkTexture) texture = NULL;

  if (jpeg != NULL)
    texture = gdk_texture_new_from_bytes (jpeg, &error);
  if (texture != NULL)
    {
      cs_tagged_photo_set_paintable (fetch->photo, GDK_PAINTABLE (texture));
      cs_post_preview_set_photo (fetch->self->preview, fetch->index, GDK_PAINTABLE (texture));
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    gtk_widget_set_tooltip_text (GTK_WIDGET (fetch->photo), error->message);

  g_object_unref (fetch->photo);
  g_object_unref (fetch->self);
  g_free (fetch);
}

/* A member the queue may leave out, as an array or NULL. */
static JsonArray *
get_array (JsonObject *object,
           const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* The photos as the queue holds them, blurred: what will be posted, with
 * the faces left clear outlined and named. */
static void
show_photos (CsReviewWindow *self,
             JsonObject     *post,
             JsonArray      *photos)
{
  GtkWidget *child;
  guint n = photos != NULL ? json_array_get_length (photos) : 0;

  if (self->photos_cancellable != NULL)
    g_cancellable_cancel (self->photos_cancellable);
  g_clear_object (&self->photos_cancellable);
  g_ptr_array_set_size (self->tagged_photos, 0);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->photos_box))) != NULL)
    gtk_box_remove (self->photos_box, child);
  gtk_widget_set_visible (GTK_WIDGET (self->photos_group), post != NULL && n > 0);
  if (post == NULL)
    return;

  self->photos_cancellable = g_cancellable_new ();
  for (guint i = 0; i < n; i++)
    {
      JsonObject *photo = json_array_get_object_element (photos, i);
      const char *alt = json_object_get_string_member_with_default (photo, "alt", "");
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
      GtkWidget *tagged = cs_tagged_photo_new ();
      g_autofree char *caption = g_strdup_printf (_("Photo %u: %s"), i + 1, alt);
      GtkWidget *label = gtk_label_new (caption);
      PhotoFetch *fetch = g_new0 (PhotoFetch, 1);

      cs_tagged_photo_set_tags (CS_TAGGED_PHOTO (tagged), get_array (photo, "tags"));
      cs_tagged_photo_set_pupils (CS_TAGGED_PHOTO (tagged), self->review != NULL ? get_array (self->review, "pupils")
                                                                                 : NULL);
      gtk_widget_set_halign (tagged, GTK_ALIGN_START);
      gtk_accessible_update_property (GTK_ACCESSIBLE (tagged), GTK_ACCESSIBLE_PROPERTY_LABEL, caption, -1);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "caption");
      gtk_box_append (GTK_BOX (box), tagged);
      gtk_box_append (GTK_BOX (box), label);
      gtk_box_append (self->photos_box, box);
      g_ptr_array_add (self->tagged_photos, tagged);

      fetch->self = g_object_ref (self);
      fetch->photo = g_object_ref (CS_TAGGED_PHOTO (tagged));
      fetch->index = i;
      cs_queue_client_get_photo_async (self->client, json_object_get_int_member (post, "id"), i,
                                       self->photos_cancellable, photo_fetched_cb, fetch);
    }
}

/* The findings, pupils and history */

static void
review_fetched_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(CsReviewWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) review = cs_queue_client_get_review_finish (CS_QUEUE_CLIENT (source), result, &error);
  JsonArray *photos;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->selected == NULL)
    return;
  if (review == NULL)
    {
      cs_review_details_set_error (self->details, error->message);
      return;
    }

  g_clear_pointer (&self->review, json_object_unref);
  self->review = json_object_ref (review);
  photos = get_array (self->selected, "photos");
  cs_review_details_set_review (self->details, review, photos != NULL ? json_array_get_length (photos) : 0);
  for (guint i = 0; i < self->tagged_photos->len; i++)
    cs_tagged_photo_set_pupils (g_ptr_array_index (self->tagged_photos, i), get_array (review, "pupils"));
}

/* Asks the queue what it finds in the shown post now. @quietly: the post
 * is the one already shown, so what is there stays until the answer. */
static void
fetch_review (CsReviewWindow *self,
              gboolean        quietly)
{
  if (self->review_cancellable != NULL)
    g_cancellable_cancel (self->review_cancellable);
  g_clear_object (&self->review_cancellable);
  if (!quietly)
    {
      g_clear_pointer (&self->review, json_object_unref);
      cs_review_details_set_loading (self->details);
    }
  if (self->selected == NULL)
    return;

  self->review_cancellable = g_cancellable_new ();
  cs_queue_client_get_review_async (self->client, json_object_get_int_member (self->selected, "id"),
                                    self->review_cancellable, review_fetched_cb, g_object_ref (self));
}

static void
me_fetched_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CsReviewWindow) self = user_data;
  g_autoptr(JsonObject) me = cs_queue_client_get_me_finish (CS_QUEUE_CLIENT (source), result, NULL);

  /* Without it the previews name no school; nothing else needs it. */
  if (me == NULL)
    return;
  g_free (self->school);
  self->school = g_strdup (json_object_get_string_member_with_default (me, "school", NULL));
  cs_post_preview_set_school (self->preview, self->school);
}

static void
show_post (CsReviewWindow *self,
           JsonObject     *post)
{
  JsonArray *platforms;
  g_autoptr(GString) meta = g_string_new (NULL);
  const char *hash = post != NULL ? json_object_get_string_member (post, "content_hash") : NULL;

  /* The same version listed again (another post changed): the head's
   * comment and chosen time stay as they are. */
  if (post != NULL && self->selected != NULL &&
      json_object_get_int_member (post, "id") == json_object_get_int_member (self->selected, "id") &&
      g_strcmp0 (hash, self->shown_hash) == 0)
    {
      g_clear_pointer (&self->selected, json_object_unref);
      self->selected = json_object_ref (post);
      update_actions (self);
      return;
    }

  g_clear_pointer (&self->selected, json_object_unref);
  g_clear_pointer (&self->shown_hash, g_free);
  if (post != NULL)
    {
      self->selected = json_object_ref (post);
      self->shown_hash = g_strdup (hash);
    }
  /* Details first, so that the photos are outlined with what they say. */
  fetch_review (self, FALSE);
  show_photos (self, post, post != NULL ? get_array (post, "photos") : NULL);
  cs_post_preview_set_post (self->preview, post);
  if (post == NULL)
    {
      gtk_stack_set_visible_child_name (self->detail_stack, "empty");
      update_actions (self);
      return;
    }

  platforms = json_object_get_array_member (post, "platforms");
  g_string_append_printf (meta, _("From %s, for "), json_object_get_string_member (post, "author"));
  for (guint i = 0; i < json_array_get_length (platforms); i++)
    {
      CsPlatform platform;

      if (i > 0)
        g_string_append (meta, ", ");
      if (cs_platform_from_string (json_array_get_string_element (platforms, i), &platform))
        g_string_append (meta, cs_platform_get_display_name (platform));
    }
  gtk_label_set_text (self->meta_label, meta->str);
  gtk_editable_set_text (GTK_EDITABLE (self->comment_entry), "");
  reset_schedule (self);
  gtk_stack_set_visible_child_name (self->detail_stack, "post");
  /* Another post starts at its top. */
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->detail_scroll), 0);
  update_actions (self);
}

static void
row_selected_cb (CsReviewWindow *self,
                 GtkListBoxRow  *row)
{
  gint64 id = row != NULL ? GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "post-id")) : 0;
  JsonObject *post = id != 0 ? find_post (self, id) : NULL;

  /* Rows go and come back while the list is rebuilt; what is shown is
   * settled once it is. */
  if (self->rebuilding)
    return;
  show_post (self, post != NULL && g_strcmp0 (post_state (post), "pending") == 0 ? post : NULL);
}

static void
comment_changed_cb (CsReviewWindow *self)
{
  update_actions (self);
}

static void
clear_box (GtkBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
}

static void
rebuild (CsReviewWindow *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  gint64 keep = self->selected != NULL ? json_object_get_int_member (self->selected, "id") : 0;
  guint n_pending = 0, n_scheduled = 0, n_published = 0;
  gboolean failed = FALSE;
  GtkWidget *child;
  g_autofree char *subtitle = NULL;
  g_autoptr(GString) pending = g_string_new (NULL);
  gboolean same_pending;

  /* Most changes are deliveries moving on: the waiting list is left as it
   * is then, so that the head's place and focus in it stay. */
  for (guint i = 0; self->posts != NULL && i < self->posts->len; i++)
    {
      JsonObject *post = g_ptr_array_index (self->posts, i);

      if (strcmp (post_state (post), "pending") == 0)
        g_string_append_printf (pending, "%" G_GINT64_FORMAT ":%s:%s\n", json_object_get_int_member (post, "id"),
                                json_object_get_string_member (post, "content_hash"),
                                json_object_get_string_member (post, "text"));
    }
  same_pending = g_strcmp0 (pending->str, self->pending_key) == 0;
  g_free (self->pending_key);
  self->pending_key = g_string_free (g_steal_pointer (&pending), FALSE);

  self->rebuilding = TRUE;
  if (!same_pending)
    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->post_list))) != NULL)
      gtk_list_box_remove (self->post_list, child);
  clear_box (self->scheduled_box);
  clear_box (self->published_box);

  for (guint i = 0; self->posts != NULL && i < self->posts->len; i++)
    {
      JsonObject *post = g_ptr_array_index (self->posts, i);
      const char *state = post_state (post);
      g_autofree char *from = g_strdup_printf (_("From %s"), json_object_get_string_member (post, "author"));

      if (strcmp (state, "pending") == 0)
        {
          if (!same_pending)
            gtk_list_box_append (self->post_list, post_row (post));
          n_pending++;
        }
      else if (strcmp (state, "approved") == 0)
        {
          gtk_box_append (self->scheduled_box, cs_post_status_new_group (post, from, "review.retry"));
          failed = failed || cs_post_status_has_failed (post);
          n_scheduled++;
        }
      else if (strcmp (state, "published") == 0 && n_published < MAX_PUBLISHED_SHOWN)
        {
          g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (json_object_get_int_member (post, "updated_at"));
          g_autofree char *words = cs_post_status_format_time (when, now, FALSE);
          /* Translators: "From Sam · published today at 10:02". */
          g_autofree char *description = g_strdup_printf (_("From %s · published %s"),
                                                          json_object_get_string_member (post, "author"), words);

          gtk_box_append (self->published_box, cs_post_status_new_group (post, description, NULL));
          n_published++;
        }
    }
  self->rebuilding = FALSE;

  if (same_pending && keep != 0 && find_post (self, keep) != NULL)
    show_post (self, find_post (self, keep));
  else if (keep == 0 || !cs_review_window_select_post (self, keep))
    {
      GtkListBoxRow *first = gtk_list_box_get_row_at_index (self->post_list, 0);

      if (first != NULL)
        gtk_list_box_select_row (self->post_list, first);
      else
        show_post (self, NULL);
    }

  gtk_stack_set_visible_child_name (self->scheduled_stack, n_scheduled > 0 ? "list" : "empty");
  gtk_stack_set_visible_child_name (self->published_stack, n_published > 0 ? "list" : "empty");
  adw_view_stack_page_set_badge_number (self->waiting_page, n_pending);
  adw_view_stack_page_set_needs_attention (self->scheduled_page, failed);
  subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u waiting", "%u waiting", n_pending), n_pending);
  adw_view_switcher_title_set_subtitle (self->window_title, subtitle);
  update_actions (self);
}

static void
listed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CsReviewWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) posts = cs_queue_client_list_finish (CS_QUEUE_CLIENT (source), result, &error);

  self->busy--;
  if (posts == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      update_actions (self);
      return;
    }

  g_clear_pointer (&self->posts, g_ptr_array_unref);
  self->posts = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint i = 0; i < json_array_get_length (posts); i++)
    g_ptr_array_add (self->posts, json_object_ref (json_array_get_object_element (posts, i)));
  rebuild (self);
}

static void
refresh (CsReviewWindow *self)
{
  self->busy++;
  update_actions (self);
  /* Every state: the head follows approved posts until they are out. */
  cs_queue_client_list_async (self->client, NULL, self->cancellable, listed_cb, g_object_ref (self));
}

/* Asked for by the head: the shown post's details too, as the roster or
 * policy may have changed since they were fetched. */
static void
refresh_all (CsReviewWindow *self)
{
  refresh (self);
  fetch_review (self, TRUE);
}

static gboolean
tick_cb (gpointer user_data)
{
  CsReviewWindow *self = user_data;

  for (guint i = 0; self->posts != NULL && i < self->posts->len; i++)
    if (strcmp (post_state (g_ptr_array_index (self->posts, i)), "approved") == 0)
      {
        if (self->busy == 0)
          refresh (self);
        break;
      }
  return G_SOURCE_CONTINUE;
}

static void
decided_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CsReviewWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) findings = NULL;
  g_autoptr(JsonObject) post = cs_queue_client_decide_finish (CS_QUEUE_CLIENT (source), result, &findings, &error);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  gint64 scheduled;

  self->busy--;
  if (post == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      update_actions (self);
      return;
    }

  scheduled = cs_post_status_get_scheduled (post);
  if (g_strcmp0 (post_state (post), "rejected") == 0)
    toast (self, _("Rejected; the author sees your comment"));
  else if (scheduled > g_date_time_to_unix (now) + 60)
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (scheduled);
      g_autofree char *words = cs_post_status_format_time (when, now, FALSE);
      g_autofree char *message = g_strdup_printf (_("Approved and scheduled for %s"), words);

      toast (self, message);
    }
  else
    toast (self, _("Approved; publishing now"));
  cs_post_status_upsert (self->posts, post);
  rebuild (self);
}

static void
decide (CsReviewWindow *self,
        const char     *verb)
{
  g_autofree char *comment = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->comment_entry)));
  gint64 id;

  if (self->selected == NULL || self->busy > 0)
    return;
  g_strstrip (comment);
  id = json_object_get_int_member (self->selected, "id");

  if (g_strcmp0 (verb, "approve") == 0)
    {
      gboolean scheduling = gtk_check_button_get_active (self->schedule_check);

      /* The time may have passed while the window stood open. */
      if (scheduling && !schedule_is_valid (self))
        {
          schedule_changed_cb (self);
          toast (self, _("That publishing time has already passed. Pick a later one, or publish now."));
          return;
        }
      self->busy++;
      cs_queue_client_approve_async (self->client, id, json_object_get_string_member (self->selected, "content_hash"),
                                     comment[0] != '\0' ? comment : NULL, scheduling ? self->publish_at : NULL,
                                     self->cancellable, decided_cb, g_object_ref (self));
    }
  else
    {
      self->busy++;
      cs_queue_client_decide_async (self->client, id, verb, NULL, comment[0] != '\0' ? comment : NULL,
                                    self->cancellable, decided_cb, g_object_ref (self));
    }
  update_actions (self);
}

static void
approve_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  decide (CS_REVIEW_WINDOW (widget), "approve");
}

static void
reject_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  decide (CS_REVIEW_WINDOW (widget), "reject");
}

static void
retried_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CsReviewWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) post = cs_queue_client_decide_finish (CS_QUEUE_CLIENT (source), result, NULL, &error);

  self->busy--;
  if (post == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      update_actions (self);
      return;
    }
  cs_post_status_upsert (self->posts, post);
  rebuild (self);
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  CsReviewWindow *self = CS_REVIEW_WINDOW (widget);
  gint64 id;
  const char *platform;
  g_autofree char *message = NULL;

  g_variant_get (parameter, "(x&s)", &id, &platform);
  message = g_strdup_printf (_("Trying %s again…"), cs_post_status_platform_name (platform));
  toast (self, message);
  self->busy++;
  update_actions (self);
  cs_queue_client_retry_delivery_async (self->client, id, platform, self->cancellable, retried_cb,
                                        g_object_ref (self));
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  refresh_all (CS_REVIEW_WINDOW (widget));
}

static void
post_changed_cb (CsReviewWindow *self,
                 JsonObject     *post)
{
  gint64 id = json_object_get_int_member (post, "id");
  gboolean was_listed;

  /* Before the first list arrives, that list will have it too. */
  if (self->posts == NULL)
    return;
  was_listed = find_post (self, id) != NULL;
  cs_review_window_notice_post (self, post, was_listed);
  cs_post_status_upsert (self->posts, post);
  rebuild (self);
  /* Its history has a new entry; a new version was fetched anew by
   * rebuild() already. */
  if (self->selected != NULL && json_object_get_int_member (self->selected, "id") == id &&
      g_strcmp0 (json_object_get_string_member (post, "content_hash"), self->shown_hash) == 0)
    fetch_review (self, TRUE);
}

static void
active_changed_cb (CsReviewWindow *self)
{
  if (gtk_window_is_active (GTK_WINDOW (self)))
    cs_review_window_withdraw_notification (self);
}

static void
cs_review_window_dispose (GObject *object)
{
  CsReviewWindow *self = CS_REVIEW_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->tick_source, g_source_remove);
  if (self->photos_cancellable != NULL)
    g_cancellable_cancel (self->photos_cancellable);
  g_clear_object (&self->photos_cancellable);
  if (self->review_cancellable != NULL)
    g_cancellable_cancel (self->review_cancellable);
  g_clear_object (&self->review_cancellable);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->selected, json_object_unref);
  g_clear_pointer (&self->shown_hash, g_free);
  g_clear_pointer (&self->pending_key, g_free);
  g_clear_pointer (&self->publish_at, g_date_time_unref);
  g_clear_pointer (&self->posts, g_ptr_array_unref);
  g_clear_pointer (&self->review, json_object_unref);
  g_clear_pointer (&self->school, g_free);
  g_clear_pointer (&self->unseen, g_hash_table_unref);
  g_clear_pointer (&self->notification_title, g_free);
  g_clear_pointer (&self->notification_body, g_free);
  if (self->tagged_photos != NULL)
    g_ptr_array_set_size (self->tagged_photos, 0);

  G_OBJECT_CLASS (cs_review_window_parent_class)->dispose (object);
}

static void
cs_review_window_finalize (GObject *object)
{
  CsReviewWindow *self = CS_REVIEW_WINDOW (object);

  g_ptr_array_unref (self->tagged_photos);

  G_OBJECT_CLASS (cs_review_window_parent_class)->finalize (object);
}

static void
cs_review_window_class_init (CsReviewWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_review_window_dispose;
  object_class->finalize = cs_review_window_finalize;

  g_type_ensure (CS_TYPE_POST_PREVIEW);
  g_type_ensure (CS_TYPE_REVIEW_DETAILS);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/countersign/Countersign/ui/review-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CsReviewWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CsReviewWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, CsReviewWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, CsReviewWindow, waiting_page);
  gtk_widget_class_bind_template_child (widget_class, CsReviewWindow, scheduled_page);
  gtk_widget_class_bind_template_child (widget_class, CsReviewWindow, scheduled_stack);
  gtk_widget_class_bind_template_child (widget_class, CsReviewWindow, scheduled_box);
  gtk_widget_class_bind_template_child (widget_class, CsReviewWindow, published_stack);
  gtk_widget_class_bind_template_child (widget_class, CsReviewWindow, published_box);
  gtk_widget_class_bind_template_child (widget_class, CsReviewWindow, post_list);
  gtk_widget_class_bind_template_child (widget_class, CsReviewWindow, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, CsReviewWindow, detail_scroll);
  gtk_widget_class_bind_template_child (widget_class, CsReviewWindow, meta_label);
  gtk_widget_class_bind_template_child (widget_class, CsReviewWindow, preview);
  gtk_widget_class_bind_template_child (widget_class, CsReviewWindow, photos_group);
  gtk_widget_class_bind_template_child (widget_class, CsReviewWindow, photos_box);
  gtk_widget_class_bind_template_child (widget_class, CsReviewWindow, details);
  gtk_widget_class_bind_template_child (widget_class, CsReviewWindow, comment_entry);
  gtk_widget_class_bind_template_child (widget_class, CsReviewWindow, now_check);
  gtk_widget_class_bind_template_child (widget_class, CsReviewWindow, schedule_check);
  gtk_widget_class_bind_template_child (widget_class, CsReviewWindow, schedule_button);
  gtk_widget_class_bind_template_child (widget_class, CsReviewWindow, calendar);
  gtk_widget_class_bind_template_child (widget_class, CsReviewWindow, hour_spin);
  gtk_widget_class_bind_template_child (widget_class, CsReviewWindow, minute_spin);
  gtk_widget_class_bind_template_child (widget_class, CsReviewWindow, schedule_error);
  gtk_widget_class_bind_template_callback (widget_class, row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, comment_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, schedule_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, schedule_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, spin_output_cb);

  gtk_widget_class_install_action (widget_class, "review.approve", NULL, approve_action);
  gtk_widget_class_install_action (widget_class, "review.reject", NULL, reject_action);
  gtk_widget_class_install_action (widget_class, "review.retry", "(xs)", retry_action);
  gtk_widget_class_install_action (widget_class, "review.refresh", NULL, refresh_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "review.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
cs_review_window_init (CsReviewWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  /* Borrowed: the photos belong to photos_box. */
  self->tagged_photos = g_ptr_array_new ();
  self->unseen = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) json_object_unref);
  g_signal_connect (self, "notify::is-active", G_CALLBACK (active_changed_cb), NULL);
  reset_schedule (self);
  self->tick_source = g_timeout_add_seconds (TICK_SECONDS, tick_cb, self);
}

CsReviewWindow *
cs_review_window_new (GtkApplication *application,
                      CsQueueClient  *client)
{
  CsReviewWindow *self = g_object_new (CS_TYPE_REVIEW_WINDOW, "application", application, NULL);

  self->client = g_object_ref (client);
  g_signal_connect_object (client, "post-changed", G_CALLBACK (post_changed_cb), self, G_CONNECT_SWAPPED);
  cs_queue_client_listen (client);
  refresh (self);
  cs_queue_client_get_me_async (client, self->cancellable, me_fetched_cb, g_object_ref (self));
  return self;
}

guint
cs_review_window_get_n_photos_shown (CsReviewWindow *self)
{
  guint n = 0;

  for (guint i = 0; i < self->tagged_photos->len; i++)
    if (cs_tagged_photo_get_paintable (g_ptr_array_index (self->tagged_photos, i)) != NULL)
      n++;
  return n;
}

guint
cs_review_window_get_n_posts (CsReviewWindow *self)
{
  guint n = 0;

  for (guint i = 0; self->posts != NULL && i < self->posts->len; i++)
    if (strcmp (post_state (g_ptr_array_index (self->posts, i)), "pending") == 0)
      n++;
  return n;
}

gboolean
cs_review_window_is_busy (CsReviewWindow *self)
{
  return self->busy > 0;
}

gboolean
cs_review_window_select_post (CsReviewWindow *self,
                              gint64          id)
{
  for (int i = 0;; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->post_list, i);

      if (row == NULL)
        return FALSE;
      if (GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "post-id")) == id)
        {
          gtk_list_box_select_row (self->post_list, row);
          return TRUE;
        }
    }
}
