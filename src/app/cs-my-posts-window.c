/* cs-my-posts-window.c: the posts the signed-in author sent, and what became of each
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The queue shows an author their own posts only, and its event stream
 * tells them of each change: approved, scheduled, published with a link
 * per platform, or not approved with the head's comment. The author does
 * not retry a failed platform (that is the head's), but sees why it failed,
 * and can make a rejected post into a new draft to put right and send.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cs-application.h"
#include "cs-composer-window.h"
#include "cs-my-posts-window.h"
#include "cs-post-status.h"
#include "cs-resubmission.h"

struct _CsMyPostsWindow
{
  AdwWindow        parent_instance;

  AdwToastOverlay *toast_overlay;
  AdwWindowTitle  *window_title;
  GtkStack        *stack;
  GtkBox          *posts_box;

  CsQueueClient   *client;
  GCancellable    *cancellable;
  GPtrArray       *posts;  /* JsonObject, newest first; NULL until listed */
  guint            busy;
  gboolean         resubmitting;  /* a draft is being made from a rejected post */
};

G_DEFINE_FINAL_TYPE (CsMyPostsWindow, cs_my_posts_window, ADW_TYPE_WINDOW)

/* An author's history can be long; the recent posts are what they ask about. */
#define MAX_POSTS_SHOWN 100

static void
toast (CsMyPostsWindow *self,
       const char      *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static char *
describe (JsonObject *post,
          GDateTime  *now)
{
  const char *state = json_object_get_string_member_with_default (post, "state", "");
  g_autoptr(GDateTime) sent = g_date_time_new_from_unix_local (json_object_get_int_member_with_default (post, "created_at", 0));
  g_autofree char *when = cs_post_status_format_time (sent, now, FALSE);
  g_autofree char *summary = NULL;

  /* Before approval the post's one row says where it is; after, each
   * platform has a row and the summary sits above them. */
  if (strcmp (state, "approved") != 0 && strcmp (state, "published") != 0)
    return g_strdup_printf (_("Sent %s"), when);
  summary = cs_post_status_describe_post (post, now);
  /* Translators: "Sent today at 10:02 · Scheduled for Friday 5 December at 09:30". */
  return g_strdup_printf (_("Sent %s · %s"), when, summary);
}

static void
rebuild (CsMyPostsWindow *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *subtitle = NULL;
  GtkWidget *child;
  guint shown = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->posts_box))) != NULL)
    gtk_box_remove (self->posts_box, child);

  for (guint i = 0; self->posts != NULL && i < self->posts->len && shown < MAX_POSTS_SHOWN; i++, shown++)
    {
      JsonObject *post = g_ptr_array_index (self->posts, i);
      g_autofree char *description = describe (post, now);

      GtkWidget *group = cs_post_status_new_group (post, description, NULL);

      /* The rejected post stays as it was; a new one is made from it. */
      if (g_strcmp0 (json_object_get_string_member_with_default (post, "state", ""), "rejected") == 0)
        {
          GtkWidget *button = gtk_button_new_with_mnemonic (_("_Edit and Send Again"));

          gtk_widget_set_valign (button, GTK_ALIGN_END);
          gtk_widget_set_tooltip_text (button, _("Open a new draft with this post’s text and photos, to put right and send"));
          gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "my-posts.edit-again");
          gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "x",
                                            json_object_get_int_member_with_default (post, "id", 0));
          adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), button);
        }
      gtk_box_append (self->posts_box, group);
    }

  gtk_stack_set_visible_child_name (self->stack, self->posts == NULL ? "loading" : shown > 0 ? "list" : "empty");
  if (self->posts != NULL)
    subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u post", "%u posts", self->posts->len),
                                self->posts->len);
  adw_window_title_set_subtitle (self->window_title, subtitle);
}

static void
listed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CsMyPostsWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) posts = cs_queue_client_list_finish (CS_QUEUE_CLIENT (source), result, &error);

  self->busy--;
  if (posts == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      toast (self, error->message);
      /* Something to look at rather than a spinner that never ends. */
      if (self->posts == NULL)
        self->posts = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
      rebuild (self);
      return;
    }

  g_clear_pointer (&self->posts, g_ptr_array_unref);
  self->posts = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint i = 0; i < json_array_get_length (posts); i++)
    g_ptr_array_add (self->posts, json_object_ref (json_array_get_object_element (posts, i)));
  rebuild (self);
}

static void
refresh (CsMyPostsWindow *self)
{
  self->busy++;
  cs_queue_client_list_async (self->client, NULL, self->cancellable, listed_cb, g_object_ref (self));
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  refresh (CS_MY_POSTS_WINDOW (widget));
}

static void
draft_made_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CsMyPostsWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CsDraft) draft = cs_resubmission_make_draft_finish (result, &error);
  GtkApplication *app;
  CsComposerWindow *composer;

  self->busy--;
  self->resubmitting = FALSE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "my-posts.edit-again", TRUE);
  if (draft == NULL)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("The post could not be opened for editing: %s"), error->message);
      toast (self, message);
      return;
    }

  app = gtk_window_get_application (GTK_WINDOW (self));
  if (!CS_IS_APPLICATION (app))
    return;
  /* A window of its own, so that a post being written is not set aside. */
  composer = cs_composer_window_new (CS_APPLICATION (app));
  cs_composer_window_open_draft (composer, draft);
  gtk_window_present (GTK_WINDOW (composer));
}

static void
edit_again_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  CsMyPostsWindow *self = CS_MY_POSTS_WINDOW (widget);
  gint64 id = g_variant_get_int64 (parameter);
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  JsonObject *post = NULL;
  CsSession *session;
  CsRoster *roster;
  g_autoptr(GPtrArray) people = NULL;

  if (self->resubmitting || !CS_IS_APPLICATION (app))
    return;
  for (guint i = 0; self->posts != NULL && i < self->posts->len; i++)
    if (json_object_get_int_member_with_default (g_ptr_array_index (self->posts, i), "id", 0) == id)
      post = g_ptr_array_index (self->posts, i);
  if (post == NULL)
    return;

  /* The photos are looked at again for faces and for names on the roster. */
  session = cs_application_get_session (CS_APPLICATION (app));
  roster = session != NULL ? cs_session_get_roster (session) : NULL;
  people = roster != NULL ? cs_roster_dup_people (roster) : NULL;

  self->busy++;
  self->resubmitting = TRUE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "my-posts.edit-again", FALSE);
  cs_resubmission_make_draft_async (cs_application_get_store (CS_APPLICATION (app)), self->client,
                                    cs_application_get_photo_analyser (CS_APPLICATION (app)), people, post,
                                    self->cancellable, draft_made_cb, g_object_ref (self));
}

static void
post_changed_cb (CsMyPostsWindow *self,
                 JsonObject      *post)
{
  /* Before the first list arrives, that list will have it too. */
  if (self->posts == NULL)
    return;
  cs_post_status_upsert (self->posts, post);
  rebuild (self);
}

static void
cs_my_posts_window_dispose (GObject *object)
{
  CsMyPostsWindow *self = CS_MY_POSTS_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->posts, g_ptr_array_unref);

  G_OBJECT_CLASS (cs_my_posts_window_parent_class)->dispose (object);
}

static void
cs_my_posts_window_class_init (CsMyPostsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_my_posts_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/countersign/Countersign/ui/my-posts-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CsMyPostsWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CsMyPostsWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, CsMyPostsWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, CsMyPostsWindow, posts_box);

  gtk_widget_class_install_action (widget_class, "my-posts.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "my-posts.edit-again", "x", edit_again_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "my-posts.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
cs_my_posts_window_init (CsMyPostsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

CsMyPostsWindow *
cs_my_posts_window_new (GtkApplication *application,
                        CsQueueClient  *client)
{
  CsMyPostsWindow *self;

  g_return_val_if_fail (CS_IS_QUEUE_CLIENT (client), NULL);

  self = g_object_new (CS_TYPE_MY_POSTS_WINDOW, "application", application, NULL);
  self->client = g_object_ref (client);
  g_signal_connect_object (client, "post-changed", G_CALLBACK (post_changed_cb), self, G_CONNECT_SWAPPED);
  cs_queue_client_listen (client);
  refresh (self);
  return self;
}

guint
cs_my_posts_window_get_n_posts (CsMyPostsWindow *self)
{
  g_return_val_if_fail (CS_IS_MY_POSTS_WINDOW (self), 0);
  return self->posts != NULL ? self->posts->len : 0;
}

gboolean
cs_my_posts_window_is_busy (CsMyPostsWindow *self)
{
  g_return_val_if_fail (CS_IS_MY_POSTS_WINDOW (self), FALSE);
  return self->busy > 0;
}
