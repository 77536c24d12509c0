/* cs-review-window-notify.c: a desktop notification when a post starts waiting
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A head is rarely looking at the queue when a post comes in. One
 * notification, always with the same id, says how many are waiting since
 * the head last looked, so that a busy morning is one line in the
 * notification list rather than ten; opening it brings the review window
 * forward, and looking at the window takes the notification away.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cs-post-status.h"
#include "cs-review-window-private.h"

static void
send_notification (CsReviewWindow *self,
                   JsonObject     *latest)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));
  guint n = g_hash_table_size (self->unseen);
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *first_line = cs_post_status_title (latest);
  const char *author = json_object_get_string_member_with_default (latest, "author", "");

  g_free (self->notification_title);
  g_free (self->notification_body);
  if (n == 1)
    {
      self->notification_title = g_strdup (_("New post waiting for approval"));
      /* Translators: "From sam: Year 4 are performing their class assembly…". */
      self->notification_body = g_strdup_printf (_("From %s: %s"), author, first_line);
    }
  else
    {
      self->notification_title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u post waiting for approval",
                                                               "%u posts waiting for approval", n), n);
      /* Translators: "The latest from sam: Year 4 are performing…". */
      self->notification_body = g_strdup_printf (_("The latest from %s: %s"), author, first_line);
    }

  notification = g_notification_new (self->notification_title);
  g_notification_set_body (notification, self->notification_body);
  g_notification_set_default_action (notification, "app.review");
  g_notification_add_button (notification, _("Review"), "app.review");
  self->n_notifications_sent++;
  self->notification_shown = TRUE;
  /* Without an application (in the tests) what would be sent is kept
   * above and goes nowhere. */
  if (application != NULL)
    g_application_send_notification (G_APPLICATION (application), CS_REVIEW_NOTIFICATION_ID, notification);
}

void
cs_review_window_withdraw_notification (CsReviewWindow *self)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

  g_hash_table_remove_all (self->unseen);
  if (!self->notification_shown)
    return;
  self->notification_shown = FALSE;
  if (application != NULL)
    g_application_withdraw_notification (G_APPLICATION (application), CS_REVIEW_NOTIFICATION_ID);
}

void
cs_review_window_notice_post (CsReviewWindow *self,
                              JsonObject     *post,
                              gboolean        was_listed)
{
  gpointer key = GINT_TO_POINTER ((int) json_object_get_int_member (post, "id"));

  /* Decided elsewhere before the head got to it: no longer news. */
  if (g_strcmp0 (json_object_get_string_member_with_default (post, "state", ""), "pending") != 0)
    {
      if (g_hash_table_remove (self->unseen, key) && g_hash_table_size (self->unseen) == 0)
        cs_review_window_withdraw_notification (self);
      return;
    }
  /* An edit of a post already listed, or one the head can see arrive. */
  if (was_listed || gtk_window_is_active (GTK_WINDOW (self)) || g_hash_table_contains (self->unseen, key))
    return;
  g_hash_table_insert (self->unseen, key, json_object_ref (post));
  send_notification (self, post);
}
