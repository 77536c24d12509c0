/* cs-review-window.c: the headteacher's queue of posts waiting for approval
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The list follows the queue's event stream, so a post sent from the
 * office appears without refreshing. Approving names the exact version
 * shown (its content hash): if the post changed meanwhile, the queue says
 * so rather than approve something the head has not read.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cs-platform.h"
#include "cs-review-window.h"
#include "cs-unicode-private.h"

struct _CsReviewWindow
{
  AdwWindow        parent_instance;

  AdwToastOverlay *toast_overlay;
  AdwWindowTitle  *window_title;
  GtkListBox      *post_list;
  GtkStack        *detail_stack;
  GtkLabel        *meta_label;
  GtkLabel        *text_label;
  GtkLabel        *photos_label;
  GtkFlowBox      *photos_box;
  GtkEntry        *comment_entry;

  CsQueueClient   *client;
  GCancellable    *cancellable;
  GCancellable    *photos_cancellable;  /* the shown post's photo fetches */
  JsonArray       *posts;      /* as listed */
  JsonObject      *selected;   /* one of @posts, or NULL */
  guint            busy;       /* requests running */
};

G_DEFINE_FINAL_TYPE (CsReviewWindow, cs_review_window, ADW_TYPE_WINDOW)

static void refresh (CsReviewWindow *self);

static void
toast (CsReviewWindow *self,
       const char     *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
update_actions (CsReviewWindow *self)
{
  const char *comment = gtk_editable_get_text (GTK_EDITABLE (self->comment_entry));
  gboolean have_post = self->selected != NULL && self->busy == 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.approve", have_post);
  /* A rejection says why, so its author can put it right. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.reject", have_post && !cs_utf8_is_blank (comment));
}

static char *
first_line (const char *text)
{
  const char *end = strchr (text, '\n');
  g_autofree char *line = end != NULL ? g_strndup (text, end - text) : g_strdup (text);

  if (g_utf8_strlen (line, -1) > 60)
    {
      g_autofree char *cut = g_utf8_substring (line, 0, 59);

      return g_strconcat (cut, "…", NULL);
    }
  return g_steal_pointer (&line);
}

static GtkWidget *
post_row (JsonObject *post)
{
  g_autofree char *title = first_line (json_object_get_string_member (post, "text"));
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
  GtkPicture     *picture;
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
    gtk_picture_set_paintable (fetch->picture, GDK_PAINTABLE (texture));
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    gtk_widget_set_tooltip_text (GTK_WIDGET (fetch->picture), error->message);

  g_object_unref (fetch->picture);
  g_object_unref (fetch->self);
  g_free (fetch);
}

/* The photos as the queue holds them, blurred: what will be posted. */
static void
show_photos (CsReviewWindow *self,
             JsonObject     *post,
             JsonArray      *photos)
{
  GtkWidget *child;

  if (self->photos_cancellable != NULL)
    g_cancellable_cancel (self->photos_cancellable);
  g_clear_object (&self->photos_cancellable);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->photos_box))) != NULL)
    gtk_flow_box_remove (self->photos_box, child);
  if (post == NULL)
    return;

  self->photos_cancellable = g_cancellable_new ();
  for (guint i = 0; i < json_array_get_length (photos); i++)
    {
      JsonObject *photo = json_array_get_object_element (photos, i);
      GtkWidget *picture = gtk_picture_new ();
      PhotoFetch *fetch = g_new0 (PhotoFetch, 1);

      gtk_widget_set_size_request (picture, 160, 120);
      gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
      gtk_picture_set_alternative_text (GTK_PICTURE (picture), json_object_get_string_member (photo, "alt"));
      gtk_widget_set_tooltip_text (picture, json_object_get_string_member (photo, "alt"));
      gtk_flow_box_append (self->photos_box, picture);

      fetch->self = g_object_ref (self);
      fetch->picture = g_object_ref (GTK_PICTURE (picture));
      cs_queue_client_get_photo_async (self->client, json_object_get_int_member (post, "id"), i,
                                       self->photos_cancellable, photo_fetched_cb, fetch);
    }
}

static void
show_post (CsReviewWindow *self,
           JsonObject     *post)
{
  JsonArray *platforms, *photos;
  g_autoptr(GString) meta = g_string_new (NULL);
  g_autoptr(GString) photo_text = g_string_new (NULL);

  self->selected = post;
  show_photos (self, post, post != NULL ? json_object_get_array_member (post, "photos") : NULL);
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
  gtk_label_set_text (self->text_label, json_object_get_string_member (post, "text"));

  photos = json_object_get_array_member (post, "photos");
  for (guint i = 0; i < json_array_get_length (photos); i++)
    {
      JsonObject *photo = json_array_get_object_element (photos, i);
      guint tags = json_array_get_length (json_object_get_array_member (photo, "tags"));

      g_string_append_printf (photo_text, _("Photo %u: %s"), i + 1, json_object_get_string_member (photo, "alt"));
      if (tags > 0)
        g_string_append_printf (photo_text, g_dngettext (GETTEXT_PACKAGE, " (%u pupil shown, with consent)",
                                                         " (%u pupils shown, with consent)", tags), tags);
      g_string_append_c (photo_text, '\n');
    }
  if (photo_text->len > 0)
    g_string_truncate (photo_text, photo_text->len - 1);
  gtk_label_set_text (self->photos_label, photo_text->len > 0 ? photo_text->str : _("No photos"));
  gtk_editable_set_text (GTK_EDITABLE (self->comment_entry), "");
  gtk_stack_set_visible_child_name (self->detail_stack, "post");
  update_actions (self);
}

static void
row_selected_cb (CsReviewWindow *self,
                 GtkListBoxRow  *row)
{
  gint64 id = row != NULL ? GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "post-id")) : 0;

  for (guint i = 0; self->posts != NULL && i < json_array_get_length (self->posts); i++)
    {
      JsonObject *post = json_array_get_object_element (self->posts, i);

      if (json_object_get_int_member (post, "id") == id)
        {
          show_post (self, post);
          return;
        }
    }
  show_post (self, NULL);
}

static void
comment_changed_cb (CsReviewWindow *self)
{
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
  gint64 keep = self->selected != NULL ? json_object_get_int_member (self->selected, "id") : 0;
  GtkWidget *child;
  g_autofree char *subtitle = NULL;

  self->busy--;
  if (posts == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      update_actions (self);
      return;
    }

  self->selected = NULL;
  g_clear_pointer (&self->posts, json_array_unref);
  self->posts = g_steal_pointer (&posts);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->post_list))) != NULL)
    gtk_list_box_remove (self->post_list, child);
  for (guint i = 0; i < json_array_get_length (self->posts); i++)
    gtk_list_box_append (self->post_list, post_row (json_array_get_object_element (self->posts, i)));

  subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u waiting", "%u waiting",
                                           json_array_get_length (self->posts)),
                              json_array_get_length (self->posts));
  adw_window_title_set_subtitle (self->window_title, subtitle);

  if (keep == 0 || !cs_review_window_select_post (self, keep))
    {
      GtkListBoxRow *first = gtk_list_box_get_row_at_index (self->post_list, 0);

      if (first != NULL)
        gtk_list_box_select_row (self->post_list, first);
      else
        show_post (self, NULL);
    }
  update_actions (self);
}

static void
refresh (CsReviewWindow *self)
{
  self->busy++;
  update_actions (self);
  cs_queue_client_list_async (self->client, "pending", self->cancellable, listed_cb, g_object_ref (self));
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

  self->busy--;
  if (post == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      update_actions (self);
      return;
    }

  toast (self, g_strcmp0 (json_object_get_string_member (post, "state"), "approved") == 0
               ? _("Approved") : _("Rejected; the author sees your comment"));
  refresh (self);
}

static void
decide (CsReviewWindow *self,
        const char     *verb)
{
  g_autofree char *comment = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->comment_entry)));

  if (self->selected == NULL || self->busy > 0)
    return;
  g_strstrip (comment);
  self->busy++;
  update_actions (self);
  cs_queue_client_decide_async (self->client, json_object_get_int_member (self->selected, "id"), verb,
                                g_strcmp0 (verb, "approve") == 0
                                ? json_object_get_string_member (self->selected, "content_hash") : NULL,
                                comment[0] != '\0' ? comment : NULL,
                                self->cancellable, decided_cb, g_object_ref (self));
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
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  refresh (CS_REVIEW_WINDOW (widget));
}

static void
post_changed_cb (CsReviewWindow *self,
                 JsonObject     *post)
{
  refresh (self);
}

static void
cs_review_window_dispose (GObject *object)
{
  CsReviewWindow *self = CS_REVIEW_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->photos_cancellable != NULL)
    g_cancellable_cancel (self->photos_cancellable);
  g_clear_object (&self->photos_cancellable);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);
  g_clear_object (&self->cancellable);
  self->selected = NULL;
  g_clear_pointer (&self->posts, json_array_unref);

  G_OBJECT_CLASS (cs_review_window_parent_class)->dispose (object);
}

static void
cs_review_window_class_init (CsReviewWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_review_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/countersign/Countersign/ui/review-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CsReviewWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CsReviewWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, CsReviewWindow, post_list);
  gtk_widget_class_bind_template_child (widget_class, CsReviewWindow, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, CsReviewWindow, meta_label);
  gtk_widget_class_bind_template_child (widget_class, CsReviewWindow, text_label);
  gtk_widget_class_bind_template_child (widget_class, CsReviewWindow, photos_label);
  gtk_widget_class_bind_template_child (widget_class, CsReviewWindow, photos_box);
  gtk_widget_class_bind_template_child (widget_class, CsReviewWindow, comment_entry);
  gtk_widget_class_bind_template_callback (widget_class, row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, comment_changed_cb);

  gtk_widget_class_install_action (widget_class, "review.approve", NULL, approve_action);
  gtk_widget_class_install_action (widget_class, "review.reject", NULL, reject_action);
  gtk_widget_class_install_action (widget_class, "review.refresh", NULL, refresh_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "review.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
cs_review_window_init (CsReviewWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
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
  return self;
}

guint
cs_review_window_get_n_photos_shown (CsReviewWindow *self)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->photos_box)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *picture = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));

      if (GTK_IS_PICTURE (picture) && gtk_picture_get_paintable (GTK_PICTURE (picture)) != NULL)
        n++;
    }
  return n;
}

guint
cs_review_window_get_n_posts (CsReviewWindow *self)
{
  return self->posts != NULL ? json_array_get_length (self->posts) : 0;
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
