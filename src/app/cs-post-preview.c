/* cs-post-preview.c: a queued post as each of its platforms will show it
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A card per platform, in the shape of a post in that platform's feed: the
 * school's name and handle, the text, the photos in a grid, and the length
 * as that platform counts it against its limit. The platforms count
 * differently (X weighs links and emoji, Facebook counts code points), so
 * a post can fit one and not another; the part past the limit is marked,
 * and the counter says so in words.
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "cs-post-preview.h"

/* Rows of thumbnails in a card: one photo is shown wide, more in pairs. */
#define SINGLE_PHOTO_HEIGHT 200
#define GRID_PHOTO_HEIGHT 110

struct _CsPostPreview
{
  GtkBox      parent_instance;

  GtkWidget  *switcher;
  GtkStack   *stack;
  char       *school;
  JsonObject *post;
  GtkLabel   *counters[CS_N_PLATFORMS];
  GPtrArray  *pictures;   /* GtkPicture, with "photo-index" data */
  GPtrArray  *paintables; /* GdkPaintable or NULL, by photo index */
};

G_DEFINE_FINAL_TYPE (CsPostPreview, cs_post_preview, GTK_TYPE_BOX)

/* Photos not fetched yet are NULL among the paintables. */
static void
unref_paintable (gpointer paintable)
{
  if (paintable != NULL)
    g_object_unref (paintable);
}

/* "larkfield" → "Larkfield", for a name on the card until the school's
 * own display name is known to the app. */
static char *
school_display_name (const char *school)
{
  g_autofree char *name = g_strdup (school != NULL && school[0] != '\0' ? school : _("Your School"));

  name[0] = g_ascii_toupper (name[0]);
  return g_steal_pointer (&name);
}

static char *
school_handle (const char *school,
               CsPlatform  platform)
{
  g_autofree char *base = g_ascii_strdown (school != NULL && school[0] != '\0' ? school : "school", -1);

  g_strdelimit (base, " ", '_');
  switch (platform)
    {
    case CS_PLATFORM_BLUESKY:
      return g_strdup_printf ("@%s.bsky.social · %s", base, _("now"));
    case CS_PLATFORM_FACEBOOK:
      return g_strdup (_("Just now · Public"));
    case CS_PLATFORM_X:
    case CS_PLATFORM_MASTODON:
    case CS_N_PLATFORMS:
    default:
      return g_strdup_printf ("@%s · %s", base, _("now"));
    }
}

/* The byte offset in @text after which @platform's limit is passed: the
 * longest prefix that still fits, ending on a character. */
static gsize
fitting_prefix (CsPlatform  platform,
                const char *text)
{
  guint limit = cs_platform_get_limit (platform);
  glong low = 0, high = g_utf8_strlen (text, -1);

  /* Counts grow with the prefix, so a binary search over characters
   * finds the edge in a few counts however long the text. */
  while (low < high)
    {
      glong middle = (low + high + 1) / 2;
      const char *end = g_utf8_offset_to_pointer (text, middle);

      if (cs_platform_count (platform, text, end - text) <= limit)
        low = middle;
      else
        high = middle - 1;
    }
  return g_utf8_offset_to_pointer (text, low) - text;
}

static void
set_text (GtkLabel   *label,
          CsPlatform  platform,
          const char *text,
          gboolean    over)
{
  gsize fits;
  g_autofree char *kept = NULL;
  g_autofree char *kept_markup = NULL;
  g_autofree char *cut_markup = NULL;
  g_autofree char *markup = NULL;

  if (!over)
    {
      gtk_label_set_text (label, text);
      return;
    }
  /* The part that does not fit, marked as the platforms' own composers
   * mark it. */
  fits = fitting_prefix (platform, text);
  kept = g_strndup (text, fits);
  kept_markup = g_markup_escape_text (kept, -1);
  cut_markup = g_markup_escape_text (text + fits, -1);
  markup = g_strdup_printf ("%s<span bgcolor=\"#e01b24\" bgalpha=\"30%%\">%s</span>", kept_markup, cut_markup);
  gtk_label_set_markup (label, markup);
}

static GtkWidget *
new_photo_grid (CsPostPreview *self,
                guint          n_photos)
{
  GtkWidget *grid = gtk_grid_new ();

  gtk_grid_set_column_spacing (GTK_GRID (grid), 4);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
  gtk_grid_set_column_homogeneous (GTK_GRID (grid), TRUE);
  for (guint i = 0; i < n_photos; i++)
    {
      GtkWidget *picture = gtk_picture_new ();
      /* Three photos: the first across the top, two beneath. */
      gboolean wide = n_photos == 1 || (n_photos == 3 && i == 0);

      gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
      gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_COVER);
      gtk_widget_set_size_request (picture, -1, n_photos == 1 ? SINGLE_PHOTO_HEIGHT : GRID_PHOTO_HEIGHT);
      gtk_widget_set_overflow (picture, GTK_OVERFLOW_HIDDEN);
      gtk_widget_add_css_class (picture, "cs-preview-photo");
      if (i < self->paintables->len)
        gtk_picture_set_paintable (GTK_PICTURE (picture), g_ptr_array_index (self->paintables, i));
      g_object_set_data (G_OBJECT (picture), "photo-index", GUINT_TO_POINTER (i));
      g_ptr_array_add (self->pictures, picture);
      if (n_photos == 3)
        gtk_grid_attach (GTK_GRID (grid), picture, i == 0 ? 0 : (int) i - 1, i == 0 ? 0 : 1, wide ? 2 : 1, 1);
      else
        gtk_grid_attach (GTK_GRID (grid), picture, wide ? 0 : (int) i % 2, wide ? 0 : (int) i / 2, wide ? 2 : 1, 1);
    }
  return grid;
}

static GtkWidget *
new_card (CsPostPreview *self,
          CsPlatform     platform,
          const char    *text,
          guint          n_photos)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 10);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *names = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  g_autofree char *name = school_display_name (self->school);
  g_autofree char *handle = school_handle (self->school, platform);
  GtkWidget *name_label = gtk_label_new (name);
  GtkWidget *handle_label = gtk_label_new (handle);
  GtkWidget *text_label = gtk_label_new (NULL);
  GtkWidget *footer = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  GtkWidget *counter = gtk_label_new (NULL);
  guint count = cs_platform_count (platform, text, -1);
  guint limit = cs_platform_get_limit (platform);
  gboolean over = count > limit;
  g_autofree char *words = NULL;

  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "cs-preview-card");

  gtk_box_append (GTK_BOX (header), adw_avatar_new (40, name, TRUE));
  gtk_label_set_xalign (GTK_LABEL (name_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name_label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (name_label, "heading");
  gtk_label_set_xalign (GTK_LABEL (handle_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (handle_label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (handle_label, "dim-label");
  gtk_widget_add_css_class (handle_label, "caption");
  gtk_widget_set_valign (names, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (names), name_label);
  gtk_box_append (GTK_BOX (names), handle_label);
  gtk_box_append (GTK_BOX (header), names);
  gtk_box_append (GTK_BOX (card), header);

  gtk_label_set_xalign (GTK_LABEL (text_label), 0);
  gtk_label_set_wrap (GTK_LABEL (text_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (text_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (text_label), TRUE);
  gtk_widget_add_css_class (text_label, "cs-preview-text");
  set_text (GTK_LABEL (text_label), platform, text, over);
  gtk_box_append (GTK_BOX (card), text_label);

  if (n_photos > 0)
    gtk_box_append (GTK_BOX (card), new_photo_grid (self, n_photos));

  if (over)
    /* Translators: "Too long for X: 312 of 280 characters. Shorten it by 32." */
    words = g_strdup_printf (_("Too long for %s: %u of %u characters. Shorten it by %u."),
                             cs_platform_get_display_name (platform), count, limit, count - limit);
  else
    words = g_strdup_printf (_("%u of %u characters"), count, limit);
  gtk_label_set_text (GTK_LABEL (counter), words);
  gtk_label_set_wrap (GTK_LABEL (counter), TRUE);
  gtk_label_set_xalign (GTK_LABEL (counter), 1);
  gtk_widget_add_css_class (counter, "caption");
  gtk_widget_add_css_class (counter, over ? "error" : "dim-label");
  gtk_widget_add_css_class (icon, "error");
  gtk_widget_set_visible (icon, over);
  gtk_widget_set_halign (footer, GTK_ALIGN_END);
  gtk_box_append (GTK_BOX (footer), icon);
  gtk_box_append (GTK_BOX (footer), counter);
  gtk_box_append (GTK_BOX (card), footer);
  self->counters[platform] = GTK_LABEL (counter);

  return card;
}

static void
rebuild (CsPostPreview *self)
{
  GtkWidget *child;
  JsonArray *platforms, *photos;
  const char *text;
  guint n_cards = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->stack))) != NULL)
    gtk_stack_remove (self->stack, child);
  memset (self->counters, 0, sizeof self->counters);
  g_ptr_array_set_size (self->pictures, 0);
  if (self->post == NULL)
    return;

  text = json_object_get_string_member_with_default (self->post, "text", "");
  platforms = json_object_get_array_member (self->post, "platforms");
  photos = json_object_get_array_member (self->post, "photos");
  for (guint i = 0; platforms != NULL && i < json_array_get_length (platforms); i++)
    {
      CsPlatform platform;
      GtkStackPage *page;

      if (!cs_platform_from_string (json_array_get_string_element (platforms, i), &platform) ||
          self->counters[platform] != NULL)
        continue;
      page = gtk_stack_add_titled (self->stack, new_card (self, platform, text,
                                                          photos != NULL ? json_array_get_length (photos) : 0),
                                   cs_platform_to_string (platform), cs_platform_get_display_name (platform));
      /* The switcher marks a platform the post is too long for. */
      gtk_stack_page_set_needs_attention (page, cs_platform_count (platform, text, -1) > cs_platform_get_limit (platform));
      n_cards++;
    }
  gtk_widget_set_visible (self->switcher, n_cards > 1);
}

static void
cs_post_preview_dispose (GObject *object)
{
  CsPostPreview *self = CS_POST_PREVIEW (object);

  g_clear_pointer (&self->post, json_object_unref);
  if (self->pictures != NULL)
    g_ptr_array_set_size (self->pictures, 0);

  G_OBJECT_CLASS (cs_post_preview_parent_class)->dispose (object);
}

static void
cs_post_preview_finalize (GObject *object)
{
  CsPostPreview *self = CS_POST_PREVIEW (object);

  g_free (self->school);
  g_ptr_array_unref (self->pictures);
  g_ptr_array_unref (self->paintables);

  G_OBJECT_CLASS (cs_post_preview_parent_class)->finalize (object);
}

static void
cs_post_preview_class_init (CsPostPreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cs_post_preview_dispose;
  object_class->finalize = cs_post_preview_finalize;
}

static void
cs_post_preview_init (CsPostPreview *self)
{
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 12);

  /* Borrowed: the pictures belong to the cards. */
  self->pictures = g_ptr_array_new ();
  self->paintables = g_ptr_array_new_with_free_func (unref_paintable);

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_set_transition_type (self->stack, GTK_STACK_TRANSITION_TYPE_CROSSFADE);
  self->switcher = gtk_stack_switcher_new ();
  gtk_stack_switcher_set_stack (GTK_STACK_SWITCHER (self->switcher), self->stack);
  gtk_widget_set_halign (self->switcher, GTK_ALIGN_START);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->switcher), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Platform to preview"), -1);
  gtk_box_append (GTK_BOX (self), self->switcher);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->stack));
}

GtkWidget *
cs_post_preview_new (void)
{
  return g_object_new (CS_TYPE_POST_PREVIEW, NULL);
}

void
cs_post_preview_set_school (CsPostPreview *self,
                            const char    *school)
{
  g_return_if_fail (CS_IS_POST_PREVIEW (self));

  if (g_strcmp0 (self->school, school) == 0)
    return;
  g_free (self->school);
  self->school = g_strdup (school);
  rebuild (self);
}

void
cs_post_preview_set_post (CsPostPreview *self,
                          JsonObject    *post)
{
  g_return_if_fail (CS_IS_POST_PREVIEW (self));

  g_clear_pointer (&self->post, json_object_unref);
  if (post != NULL)
    self->post = json_object_ref (post);
  /* Another post's photos are not this one's. */
  g_ptr_array_set_size (self->paintables, 0);
  rebuild (self);
}

void
cs_post_preview_set_photo (CsPostPreview *self,
                           guint          index,
                           GdkPaintable  *paintable)
{
  g_return_if_fail (CS_IS_POST_PREVIEW (self));

  if (index >= self->paintables->len)
    g_ptr_array_set_size (self->paintables, index + 1);
  g_clear_object (&g_ptr_array_index (self->paintables, index));
  g_ptr_array_index (self->paintables, index) = paintable != NULL ? g_object_ref (paintable) : NULL;
  for (guint i = 0; i < self->pictures->len; i++)
    {
      GtkPicture *picture = g_ptr_array_index (self->pictures, i);

      if (GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (picture), "photo-index")) == index)
        gtk_picture_set_paintable (picture, paintable);
    }
}

GtkLabel *
cs_post_preview_get_counter (CsPostPreview *self,
                             CsPlatform     platform)
{
  g_return_val_if_fail (CS_IS_POST_PREVIEW (self), NULL);
  g_return_val_if_fail (platform < CS_N_PLATFORMS, NULL);

  return self->counters[platform];
}
