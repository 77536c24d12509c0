/* cs-attachments-strip.c: the photos attached to a post, with their state and alt text
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cs-attachments-strip"

#include <math.h>

#include <glib/gi18n.h>

#include "cs-attachments-strip.h"

/* The side of a tile's square thumbnail, in logical pixels. */
#define THUMBNAIL_SIZE 112

/* The popover's preview fits in a box this wide; the thumbnail is cut from
 * the same decoded copy, so a photo is only decoded once. */
#define PREVIEW_SIZE 340

/* The strictest limit of the platforms we post to (X's). Mastodon allows
 * 1,500, but one description has to serve every platform. */
#define MAX_ALT_TEXT_CHARS 1000

struct _CsAttachmentsStrip
{
  GtkWidget             parent_instance;

  /* Template widgets */
  GtkBox               *box;
  GtkButton            *add_button;
  GtkPopover           *popover;
  GtkLabel             *title_label;
  GtkStack             *preview_stack;
  GtkSpinner           *preview_spinner;
  GtkPicture           *preview_picture;
  GtkLabel             *state_label;
  GtkTextView          *alt_text_view;
  GtkFrame             *alt_frame;
  GtkLabel             *counter_label;

  CsDraftStore         *store;
  CsDraft              *draft;

  /* Attachment id → Tile. The tiles' widgets belong to @box. */
  GHashTable           *tiles;
  /* Attachment id → Note: what the photo check could not do, from
   * cs_attachments_strip_set_photo_note(). */
  GHashTable           *notes;
  /* Attachment id → Thumbnail, kept across rebuilds so that typing alt
   * text, which rebuilds on every keystroke, never decodes a photo again. */
  GHashTable           *thumbnails;
  GCancellable         *cancellable;
  guint                 next_generation;

  /* The attachment whose popover is open, or NULL. */
  char                 *editing_id;
  /* Set while the popover's buffer is filled from the draft, so that doing
   * so is not taken for the user typing. */
  gboolean              filling_buffer;

  GtkFileChooserNative *chooser;
};

G_DEFINE_FINAL_TYPE (CsAttachmentsStrip, cs_attachments_strip, GTK_TYPE_WIDGET)

enum {
  ERROR,
  PHOTO_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* A tile's widgets, borrowed from @root, the child of the box. The photo
 * and the ALT badge are two buttons side by side in one overlay, not one in
 * the other, so that each can be focused and named on its own. */
typedef struct
{
  GtkWidget *root;
  GtkWidget *button;
  GtkWidget *stack;
  GtkWidget *image;
  GtkWidget *state_badge;
  GtkWidget *state_spinner;
  GtkWidget *state_text;
  GtkWidget *alt_button;
} Tile;

typedef struct
{
  char     *message;
  gboolean  failed;   /* the photo could not be checked at all */
} Note;

static void
note_free (Note *note)
{
  g_free (note->message);
  g_free (note);
}

typedef struct
{
  char         *file;       /* what was loaded, to notice a new copy */
  CsPhotoState  state;      /* redaction may rewrite the copy in place */
  int           scale;
  guint         generation; /* which load's result is wanted */
  guint         covers;     /* a hash of the parts shown blurred */
  gboolean      failed;
  GdkTexture   *thumbnail;
  GdkTexture   *preview;
} Thumbnail;

typedef struct
{
  char  *id;
  char  *file;
  guint  generation;
  int    thumbnail_px;
  int    preview_px;
  /* The parts to blur (CsRect, in pixels of the upright photo, @width by
   * @height), so that the tile shows what will be posted. */
  int     width;
  int     height;
  GArray *covers;
} ThumbnailRequest;

typedef struct
{
  GdkPixbuf *thumbnail;
  GdkPixbuf *preview;
} ThumbnailResult;

static void
thumbnail_free (Thumbnail *thumbnail)
{
  g_free (thumbnail->file);
  g_clear_object (&thumbnail->thumbnail);
  g_clear_object (&thumbnail->preview);
  g_free (thumbnail);
}

static void
thumbnail_request_free (ThumbnailRequest *request)
{
  g_free (request->id);
  g_free (request->file);
  g_clear_pointer (&request->covers, g_array_unref);
  g_free (request);
}

static void
thumbnail_result_free (ThumbnailResult *result)
{
  g_clear_object (&result->thumbnail);
  g_clear_object (&result->preview);
  g_free (result);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThumbnailResult, thumbnail_result_free)

static void sync_tiles (CsAttachmentsStrip *self);

/* Photo states
 * ============
 */

static const char *
state_badge_text (CsPhotoState state)
{
  switch (state)
    {
    case CS_PHOTO_STATE_CHECKING:
      return _("Checking…");
    case CS_PHOTO_STATE_BLURRED:
      return _("Blurred");
    case CS_PHOTO_STATE_NEEDS_REVIEW:
    default:
      return _("Needs review");
    }
}

/* For screen readers, which read the tile as one sentence. */
static const char *
state_spoken_text (CsPhotoState state)
{
  switch (state)
    {
    case CS_PHOTO_STATE_CHECKING:
      return _("being checked");
    case CS_PHOTO_STATE_BLURRED:
      return _("blurred");
    case CS_PHOTO_STATE_NEEDS_REVIEW:
    default:
      return _("needs review");
    }
}

static const char *
state_explanation (CsPhotoState state)
{
  switch (state)
    {
    case CS_PHOTO_STATE_CHECKING:
      return _("Checking the photo for faces and names…");
    case CS_PHOTO_STATE_BLURRED:
      return _("Faces and names in the photo are blurred.");
    case CS_PHOTO_STATE_NEEDS_REVIEW:
    default:
      return _("Someone must look at this photo and mark what to blur before it is posted.");
    }
}

/* A photo settled with nothing in it to hide is "checked" rather than
 * "blurred", which would have staff look for a blur that is not there. */
static gboolean
nothing_to_blur (const CsAttachment *attachment)
{
  if (attachment->state != CS_PHOTO_STATE_BLURRED)
    return FALSE;

  for (guint i = 0; attachment->regions != NULL && i < attachment->regions->len; i++)
    if (!((CsPhotoRegion *) g_ptr_array_index (attachment->regions, i))->clear)
      return FALSE;

  return TRUE;
}

static const Note *
get_note (CsAttachmentsStrip *self,
          const char         *id)
{
  return g_hash_table_lookup (self->notes, id);
}

static gboolean
has_failed (CsAttachmentsStrip *self,
            const char         *id)
{
  const Note *note = get_note (self, id);

  return note != NULL && note->failed;
}

/* What the popover says of the photo: its state, and what the check could
 * not do (no face detector, a photo that cannot be read). */
static char *
dup_explanation (CsAttachmentsStrip *self,
                 const CsAttachment *attachment)
{
  const Note *note = get_note (self, attachment->id);

  if (note == NULL && nothing_to_blur (attachment))
    return g_strdup (_("No faces or names were found in the photo."));
  if (note == NULL)
    return g_strdup (state_explanation (attachment->state));
  if (note->failed)
    return g_strdup_printf (_("This photo could not be checked. %s"), note->message);

  /* The note says what to do, more exactly than the state would. */
  return g_strdup (note->message);
}

static const char *
state_css_class (CsPhotoState state)
{
  switch (state)
    {
    case CS_PHOTO_STATE_CHECKING:
      return "cs-photo-checking";
    case CS_PHOTO_STATE_BLURRED:
      return "cs-photo-blurred";
    case CS_PHOTO_STATE_NEEDS_REVIEW:
    default:
      return "cs-photo-needs-review";
    }
}

static const CsPhotoState all_states[] = {
  CS_PHOTO_STATE_CHECKING,
  CS_PHOTO_STATE_NEEDS_REVIEW,
  CS_PHOTO_STATE_BLURRED,
};

/* Thumbnails
 * ==========
 *
 * Decoding a 12-megapixel photo takes longer than a frame, so it happens in
 * a thread; only the textures are made on the main thread.
 */

/* The middle square of @pixbuf, @size pixels a side, as tiles show it. */
static GdkPixbuf *
crop_square (GdkPixbuf *pixbuf,
             int        size)
{
  g_autoptr(GdkPixbuf) square = NULL;
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  int side = MIN (width, height);

  square = gdk_pixbuf_new_subpixbuf (pixbuf,
                                     (width - side) / 2,
                                     (height - side) / 2,
                                     side, side);

  return gdk_pixbuf_scale_simple (square, size, size, GDK_INTERP_BILINEAR);
}

/* The parts of @attachment that will be blurred, in the photo's pixels.
 * Without the roster the strip cannot tell whether a face left clear may be
 * shown; the findings say so when it may not. */
static GArray *
dup_covers (const CsAttachment *attachment)
{
  GArray *covers = g_array_new (FALSE, FALSE, sizeof (CsRect));

  for (guint i = 0; attachment->regions != NULL && i < attachment->regions->len; i++)
    {
      const CsPhotoRegion *region = g_ptr_array_index (attachment->regions, i);
      CsRect cover;

      if (region->clear || attachment->width <= 0 || attachment->height <= 0)
        continue;
      cs_photo_region_get_cover (region, attachment->width, attachment->height, &cover);
      g_array_append_val (covers, cover);
    }

  return covers;
}

static guint
hash_covers (GArray *covers)
{
  guint hash = covers->len;

  for (guint i = 0; i < covers->len; i++)
    {
      const CsRect *rect = &g_array_index (covers, CsRect, i);

      hash = hash * 31 + g_double_hash (&rect->x);
      hash = hash * 31 + g_double_hash (&rect->y);
      hash = hash * 31 + g_double_hash (&rect->w);
      hash = hash * 31 + g_double_hash (&rect->h);
    }

  return hash;
}

/* Blurs @cover of @pixbuf, which shows a @width by @height photo, the way
 * the editor shows a hidden region: shrunk to a few pixels and grown back. */
static void
blur_cover (GdkPixbuf    *pixbuf,
            int           width,
            int           height,
            const CsRect *cover)
{
  double sx = (double) gdk_pixbuf_get_width (pixbuf) / width;
  double sy = (double) gdk_pixbuf_get_height (pixbuf) / height;
  int x = CLAMP ((int) floor (cover->x * sx), 0, gdk_pixbuf_get_width (pixbuf));
  int y = CLAMP ((int) floor (cover->y * sy), 0, gdk_pixbuf_get_height (pixbuf));
  int x2 = CLAMP ((int) ceil ((cover->x + cover->w) * sx), 0, gdk_pixbuf_get_width (pixbuf));
  int y2 = CLAMP ((int) ceil ((cover->y + cover->h) * sy), 0, gdk_pixbuf_get_height (pixbuf));
  g_autoptr(GdkPixbuf) part = NULL;
  g_autoptr(GdkPixbuf) small = NULL;
  g_autoptr(GdkPixbuf) blurred = NULL;

  if (x2 - x < 2 || y2 - y < 2)
    return;

  part = gdk_pixbuf_new_subpixbuf (pixbuf, x, y, x2 - x, y2 - y);
  small = gdk_pixbuf_scale_simple (part, MAX (1, (x2 - x) / 12), MAX (1, (y2 - y) / 12), GDK_INTERP_BILINEAR);
  if (small == NULL)
    return;
  blurred = gdk_pixbuf_scale_simple (small, x2 - x, y2 - y, GDK_INTERP_BILINEAR);
  if (blurred == NULL)
    return;
  gdk_pixbuf_copy_area (blurred, 0, 0, x2 - x, y2 - y, pixbuf, x, y);
}

static void
load_thumbnail_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  ThumbnailRequest *request = task_data;
  g_autoptr(ThumbnailResult) result = NULL;
  g_autoptr(GdkPixbuf) decoded = NULL;
  g_autoptr(GdkPixbuf) oriented = NULL;
  g_autoptr(GError) error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  /* A photo whose header claims a gigantic size would have its pixels
   * allocated before the decoder notices anything amiss; the photo check
   * refuses such photos too, and says why. */
  {
    int width = 0, height = 0;

    if (gdk_pixbuf_get_file_info (request->file, &width, &height) != NULL &&
        (guint64) width * (guint64) height > CS_IMAGE_MAX_PIXELS)
      {
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                 _("%s is %d × %d pixels, too large to show"), request->file, width, height);
        return;
      }
  }

  decoded = gdk_pixbuf_new_from_file_at_scale (request->file,
                                               request->preview_px,
                                               request->preview_px,
                                               TRUE, &error);
  if (decoded == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Phones save photos as the sensor saw them and note which way is up;
   * shown unturned, a portrait would lie on its side. */
  oriented = gdk_pixbuf_apply_embedded_orientation (decoded);

  for (guint i = 0; request->covers != NULL && i < request->covers->len; i++)
    blur_cover (oriented, request->width, request->height, &g_array_index (request->covers, CsRect, i));

  result = g_new0 (ThumbnailResult, 1);
  result->thumbnail = crop_square (oriented, request->thumbnail_px);
  result->preview = g_steal_pointer (&oriented);

  if (result->thumbnail == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("Not enough memory to scale %s"), request->file);
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&result),
                         (GDestroyNotify) thumbnail_result_free);
}

static void update_tile    (CsAttachmentsStrip *self,
                            Tile               *tile,
                            const CsAttachment *attachment,
                            guint               index,
                            guint               n_attachments);
static void update_preview (CsAttachmentsStrip *self);
static void thumbnail_loaded_cb (GObject      *object,
                                 GAsyncResult *result,
                                 gpointer      user_data);

static void
load_thumbnail (CsAttachmentsStrip *self,
                const CsAttachment *attachment,
                GArray             *covers,
                guint               generation,
                int                 scale)
{
  g_autoptr(GTask) task = NULL;
  ThumbnailRequest *request;

  request = g_new0 (ThumbnailRequest, 1);
  request->id = g_strdup (attachment->id);
  request->file = g_strdup (attachment->file);
  request->width = attachment->width;
  request->height = attachment->height;
  request->covers = g_array_ref (covers);
  request->generation = generation;
  request->thumbnail_px = THUMBNAIL_SIZE * scale;
  request->preview_px = PREVIEW_SIZE * scale;

  task = g_task_new (self, self->cancellable, thumbnail_loaded_cb, NULL);
  g_task_set_source_tag (task, load_thumbnail);
  g_task_set_task_data (task, request, (GDestroyNotify) thumbnail_request_free);
  g_task_run_in_thread (task, load_thumbnail_thread);
}

static void
thumbnail_loaded_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  CsAttachmentsStrip *self = CS_ATTACHMENTS_STRIP (object);
  ThumbnailRequest *request = g_task_get_task_data (G_TASK (result));
  g_autoptr(ThumbnailResult) loaded = NULL;
  g_autoptr(GError) error = NULL;
  const CsAttachment *attachment;
  Thumbnail *thumbnail;
  Tile *tile;

  loaded = g_task_propagate_pointer (G_TASK (result), &error);

  /* Cancelled means the strip is gone or shows another draft. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* The photo may have been removed, or redacted into a new copy, while
   * this one was decoded. */
  thumbnail = g_hash_table_lookup (self->thumbnails, request->id);
  if (thumbnail == NULL || thumbnail->generation != request->generation)
    return;

  g_clear_object (&thumbnail->thumbnail);
  g_clear_object (&thumbnail->preview);

  if (loaded == NULL)
    {
      g_debug ("Could not show %s: %s", request->file, error->message);
      thumbnail->failed = TRUE;
    }
  else
    {
      thumbnail->failed = FALSE;
      thumbnail->thumbnail = gdk_texture_new_for_pixbuf (loaded->thumbnail);
      thumbnail->preview = gdk_texture_new_for_pixbuf (loaded->preview);
    }

  tile = g_hash_table_lookup (self->tiles, request->id);
  if (self->draft != NULL && tile != NULL)
    {
      guint n = cs_draft_get_n_attachments (self->draft);

      for (guint i = 0; i < n; i++)
        {
          attachment = cs_draft_get_attachment (self->draft, i);
          if (g_strcmp0 (attachment->id, request->id) == 0)
            {
              update_tile (self, tile, attachment, i, n);
              break;
            }
        }
    }

  if (g_strcmp0 (self->editing_id, request->id) == 0)
    update_preview (self);
}

/* Returns the cached thumbnail of @attachment, starting to load it when it
 * is missing or out of date. */
static Thumbnail *
ensure_thumbnail (CsAttachmentsStrip *self,
                  const CsAttachment *attachment)
{
  Thumbnail *thumbnail = g_hash_table_lookup (self->thumbnails, attachment->id);
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  g_autoptr(GArray) covers = dup_covers (attachment);
  guint covers_hash = hash_covers (covers);

  if (thumbnail != NULL &&
      g_strcmp0 (thumbnail->file, attachment->file) == 0 &&
      thumbnail->state == attachment->state &&
      thumbnail->scale == scale &&
      thumbnail->covers == covers_hash)
    return thumbnail;

  if (thumbnail == NULL)
    {
      thumbnail = g_new0 (Thumbnail, 1);
      g_hash_table_insert (self->thumbnails, g_strdup (attachment->id), thumbnail);
    }

  /* A photo that changed state may have been redacted in place, and the
   * unblurred faces must not linger on screen; so the old textures go now
   * rather than when the new ones are ready. Regions moved in the editor
   * only change the blur, and the old picture stays until the new one is
   * ready, so that the tile does not flicker. */
  if (g_strcmp0 (thumbnail->file, attachment->file) != 0 ||
      thumbnail->state != attachment->state ||
      thumbnail->scale != scale)
    {
      g_clear_object (&thumbnail->thumbnail);
      g_clear_object (&thumbnail->preview);
      thumbnail->failed = FALSE;
    }
  g_free (thumbnail->file);
  thumbnail->file = g_strdup (attachment->file);
  thumbnail->state = attachment->state;
  thumbnail->scale = scale;
  thumbnail->covers = covers_hash;
  thumbnail->generation = ++self->next_generation;

  load_thumbnail (self, attachment, covers, thumbnail->generation, scale);

  return thumbnail;
}

/* Tiles
 * =====
 */

static void tile_clicked_cb     (CsAttachmentsStrip *self,
                                 GtkButton          *button);
static void alt_button_clicked_cb (CsAttachmentsStrip *self,
                                   GtkButton          *button);

static Tile *
create_tile (CsAttachmentsStrip *self,
             const char         *id)
{
  Tile *tile = g_new0 (Tile, 1);
  GtkWidget *overlay;
  GtkWidget *broken;
  GtkWidget *broken_icon;
  GtkWidget *broken_label;

  tile->root = gtk_overlay_new ();
  gtk_widget_set_valign (tile->root, GTK_ALIGN_START);

  tile->button = gtk_button_new ();
  gtk_widget_add_css_class (tile->button, "cs-attachment-tile");
  gtk_overlay_set_child (GTK_OVERLAY (tile->root), tile->button);
  g_object_set_data (G_OBJECT (tile->root), "cs-tile-button", tile->button);
  g_object_set_data_full (G_OBJECT (tile->button), "cs-attachment-id",
                          g_strdup (id), g_free);
  g_signal_connect_object (tile->button, "clicked",
                           G_CALLBACK (tile_clicked_cb), self,
                           G_CONNECT_SWAPPED);

  overlay = gtk_overlay_new ();
  gtk_widget_set_overflow (overlay, GTK_OVERFLOW_HIDDEN);
  gtk_widget_add_css_class (overlay, "cs-attachment-frame");
  gtk_button_set_child (GTK_BUTTON (tile->button), overlay);

  /* The button's label says all that the badges show; read out as well,
   * they would be heard twice. */
  gtk_accessible_update_state (GTK_ACCESSIBLE (overlay),
                               GTK_ACCESSIBLE_STATE_HIDDEN, TRUE,
                               -1);

  tile->stack = gtk_stack_new ();
  gtk_widget_set_size_request (tile->stack, THUMBNAIL_SIZE, THUMBNAIL_SIZE);
  gtk_overlay_set_child (GTK_OVERLAY (overlay), tile->stack);

  /* An empty square while loading: a spinner of its own would fight with
   * the "Checking…" one for attention. */
  gtk_stack_add_named (GTK_STACK (tile->stack), gtk_label_new (NULL), "loading");

  tile->image = gtk_image_new ();
  gtk_image_set_pixel_size (GTK_IMAGE (tile->image), THUMBNAIL_SIZE);
  gtk_stack_add_named (GTK_STACK (tile->stack), tile->image, "thumbnail");

  broken = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_set_valign (broken, GTK_ALIGN_START);
  gtk_widget_set_margin_top (broken, 16);
  broken_icon = gtk_image_new_from_icon_name ("image-missing-symbolic");
  gtk_image_set_pixel_size (GTK_IMAGE (broken_icon), 32);
  gtk_widget_add_css_class (broken_icon, "dim-label");
  broken_label = gtk_label_new (_("Cannot be shown"));
  gtk_label_set_wrap (GTK_LABEL (broken_label), TRUE);
  gtk_label_set_justify (GTK_LABEL (broken_label), GTK_JUSTIFY_CENTER);
  gtk_label_set_max_width_chars (GTK_LABEL (broken_label), 10);
  gtk_widget_add_css_class (broken_label, "caption");
  gtk_box_append (GTK_BOX (broken), broken_icon);
  gtk_box_append (GTK_BOX (broken), broken_label);
  gtk_stack_add_named (GTK_STACK (tile->stack), broken, "broken");

  tile->state_badge = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  gtk_widget_set_halign (tile->state_badge, GTK_ALIGN_START);
  gtk_widget_set_valign (tile->state_badge, GTK_ALIGN_END);
  gtk_widget_add_css_class (tile->state_badge, "cs-photo-badge");
  tile->state_spinner = gtk_spinner_new ();
  tile->state_text = gtk_label_new (NULL);
  gtk_box_append (GTK_BOX (tile->state_badge), tile->state_spinner);
  gtk_box_append (GTK_BOX (tile->state_badge), tile->state_text);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), tile->state_badge);

  /* The ALT badge opens the alt text (and Remove Photo); the photo itself
   * opens the editor. */
  tile->alt_button = gtk_button_new_with_label (_("ALT"));
  gtk_widget_set_halign (tile->alt_button, GTK_ALIGN_END);
  gtk_widget_set_valign (tile->alt_button, GTK_ALIGN_START);
  gtk_widget_add_css_class (tile->alt_button, "cs-alt-badge");
  g_object_set_data_full (G_OBJECT (tile->alt_button), "cs-attachment-id",
                          g_strdup (id), g_free);
  g_signal_connect_object (tile->alt_button, "clicked",
                           G_CALLBACK (alt_button_clicked_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_overlay_add_overlay (GTK_OVERLAY (tile->root), tile->alt_button);

  return tile;
}

static void
tile_free (Tile *tile)
{
  g_free (tile);
}

static void
update_tile (CsAttachmentsStrip *self,
             Tile               *tile,
             const CsAttachment *attachment,
             guint               index,
             guint               n_attachments)
{
  Thumbnail *thumbnail = ensure_thumbnail (self, attachment);
  gboolean checking = attachment->state == CS_PHOTO_STATE_CHECKING;
  gboolean has_alt = attachment->alt_text != NULL && attachment->alt_text[0] != '\0';
  gboolean failed = has_failed (self, attachment->id);
  const Note *note = get_note (self, attachment->id);
  g_autofree char *label = NULL;
  g_autofree char *alt_label = NULL;
  const char *spoken_state;

  if (thumbnail->thumbnail != NULL)
    {
      /* Tiles are updated on every keystroke in the alt text; setting the
       * same picture again would redraw it each time. */
      if (gtk_image_get_paintable (GTK_IMAGE (tile->image)) != GDK_PAINTABLE (thumbnail->thumbnail))
        gtk_image_set_from_paintable (GTK_IMAGE (tile->image),
                                      GDK_PAINTABLE (thumbnail->thumbnail));
      gtk_stack_set_visible_child_name (GTK_STACK (tile->stack), "thumbnail");
    }
  else
    {
      gtk_image_clear (GTK_IMAGE (tile->image));
      gtk_stack_set_visible_child_name (GTK_STACK (tile->stack),
                                        thumbnail->failed ? "broken" : "loading");
    }

  for (guint i = 0; i < G_N_ELEMENTS (all_states); i++)
    gtk_widget_remove_css_class (tile->state_badge, state_css_class (all_states[i]));
  gtk_widget_remove_css_class (tile->state_badge, "cs-photo-failed");
  gtk_widget_add_css_class (tile->state_badge, failed ? "cs-photo-failed" : state_css_class (attachment->state));
  if (failed)
    gtk_label_set_text (GTK_LABEL (tile->state_text), _("Unreadable"));
  else if (nothing_to_blur (attachment))
    gtk_label_set_text (GTK_LABEL (tile->state_text), _("Checked"));
  else
    gtk_label_set_text (GTK_LABEL (tile->state_text), state_badge_text (attachment->state));
  gtk_widget_set_visible (tile->state_spinner, checking);
  gtk_spinner_set_spinning (GTK_SPINNER (tile->state_spinner), checking);

  /* The note says why the photo needs a person's eyes; hovering tells it
   * without opening anything. */
  if (note != NULL)
    gtk_widget_set_tooltip_text (tile->button, note->message);
  else
    gtk_widget_set_tooltip_text (tile->button, _("Open the photo to see and change what is blurred"));

  if (has_alt)
    {
      gtk_widget_remove_css_class (tile->alt_button, "cs-alt-missing");
      gtk_widget_set_tooltip_text (tile->alt_button, _("Alt text written: change it, or remove the photo"));
    }
  else
    {
      gtk_widget_add_css_class (tile->alt_button, "cs-alt-missing");
      gtk_widget_set_tooltip_text (tile->alt_button, _("Alt text needed: describe the photo"));
    }

  if (failed)
    spoken_state = _("cannot be checked");
  else if (nothing_to_blur (attachment))
    spoken_state = _("checked, nothing to blur");
  else
    spoken_state = state_spoken_text (attachment->state);

  /* Screen readers get the whole tile as one sentence. */
  if (thumbnail->failed)
    /* Translators: "Photo 1 of 2, needs review, cannot be shown, no alt text" */
    label = g_strdup_printf (_("Photo %u of %u, %s, cannot be shown, %s"),
                             index + 1, n_attachments, spoken_state,
                             has_alt ? _("alt text written") : _("no alt text"));
  else
    /* Translators: "Photo 1 of 2, needs review, no alt text" */
    label = g_strdup_printf (_("Photo %u of %u, %s, %s"),
                             index + 1, n_attachments, spoken_state,
                             has_alt ? _("alt text written") : _("no alt text"));

  gtk_accessible_update_property (GTK_ACCESSIBLE (tile->button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  note != NULL ? note->message
                                               : _("Opens the photo editor, to see and change what is blurred"),
                                  -1);

  /* Translators: the ALT badge of a photo, read out: "Alt text of photo 1, missing" */
  alt_label = g_strdup_printf (has_alt ? _("Alt text of photo %u, written") : _("Alt text of photo %u, missing"),
                               index + 1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (tile->alt_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, alt_label,
                                  -1);

  /* A check may finish while the popover is open on this photo. */
  if (g_strcmp0 (self->editing_id, attachment->id) == 0)
    {
      g_autofree char *explanation = dup_explanation (self, attachment);

      gtk_label_set_text (self->state_label, explanation);
      update_preview (self);
    }
}

static void
remove_all_tiles (CsAttachmentsStrip *self)
{
  GHashTableIter iter;
  Tile *tile;

  g_hash_table_iter_init (&iter, self->tiles);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &tile))
    {
      gtk_box_remove (self->box, tile->root);
      g_hash_table_iter_remove (&iter);
    }
}

/* Brings the tiles in line with the draft: new photos get a tile, removed
 * ones lose theirs and the rest are updated in place. Tiles are not
 * rebuilt, so that the one with the popover, and keyboard focus, stays. */
static void
sync_tiles (CsAttachmentsStrip *self)
{
  g_autoptr(GHashTable) present = NULL;
  GtkWidget *previous = GTK_WIDGET (self->add_button);
  GHashTableIter iter;
  const char *id;
  Tile *tile;
  guint n;

  if (self->draft == NULL)
    {
      remove_all_tiles (self);
      g_hash_table_remove_all (self->thumbnails);
      return;
    }

  present = g_hash_table_new (g_str_hash, g_str_equal);
  n = cs_draft_get_n_attachments (self->draft);

  for (guint i = 0; i < n; i++)
    {
      const CsAttachment *attachment = cs_draft_get_attachment (self->draft, i);

      tile = g_hash_table_lookup (self->tiles, attachment->id);
      if (tile == NULL)
        {
          tile = create_tile (self, attachment->id);
          g_hash_table_insert (self->tiles, g_strdup (attachment->id), tile);
          gtk_box_insert_child_after (self->box, tile->root, previous);
        }
      else
        {
          gtk_box_reorder_child_after (self->box, tile->root, previous);
        }

      update_tile (self, tile, attachment, i, n);
      g_hash_table_add (present, attachment->id);
      previous = tile->root;
    }

  if (self->editing_id != NULL && !g_hash_table_contains (present, self->editing_id))
    gtk_popover_popdown (self->popover);

  g_hash_table_iter_init (&iter, self->tiles);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, (gpointer *) &tile))
    {
      if (!g_hash_table_contains (present, id))
        {
          gtk_box_remove (self->box, tile->root);
          g_hash_table_iter_remove (&iter);
        }
    }

  g_hash_table_iter_init (&iter, self->thumbnails);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
    {
      if (!g_hash_table_contains (present, id))
        g_hash_table_iter_remove (&iter);
    }

  g_hash_table_iter_init (&iter, self->notes);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
    {
      if (!g_hash_table_contains (present, id))
        g_hash_table_iter_remove (&iter);
    }
}

/* The popover
 * ===========
 */

static void
update_counter (CsAttachmentsStrip *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->alt_text_view);
  int n_chars = gtk_text_buffer_get_char_count (buffer);
  g_autofree char *text = NULL;

  if (n_chars > MAX_ALT_TEXT_CHARS)
    {
      /* Translators: the counter under the alt text, when it is too long */
      text = g_strdup_printf (_("%'d / %'d: %'d too many"),
                              n_chars, MAX_ALT_TEXT_CHARS,
                              n_chars - MAX_ALT_TEXT_CHARS);
      gtk_widget_add_css_class (GTK_WIDGET (self->counter_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->alt_frame), "error");
    }
  else
    {
      /* Translators: the counter under the alt text: characters used / limit */
      text = g_strdup_printf (_("%'d / %'d"), n_chars, MAX_ALT_TEXT_CHARS);
      gtk_widget_remove_css_class (GTK_WIDGET (self->counter_label), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->alt_frame), "error");
    }

  gtk_label_set_text (self->counter_label, text);
}

static void
update_preview (CsAttachmentsStrip *self)
{
  Thumbnail *thumbnail = NULL;

  if (self->editing_id != NULL)
    thumbnail = g_hash_table_lookup (self->thumbnails, self->editing_id);

  if (thumbnail != NULL && thumbnail->preview != NULL)
    {
      gtk_picture_set_paintable (self->preview_picture, GDK_PAINTABLE (thumbnail->preview));
      gtk_stack_set_visible_child_name (self->preview_stack, "picture");
      gtk_spinner_stop (self->preview_spinner);
    }
  else if (thumbnail != NULL && thumbnail->failed)
    {
      gtk_picture_set_paintable (self->preview_picture, NULL);
      gtk_stack_set_visible_child_name (self->preview_stack, "broken");
      gtk_spinner_stop (self->preview_spinner);
    }
  else
    {
      gtk_picture_set_paintable (self->preview_picture, NULL);
      gtk_stack_set_visible_child_name (self->preview_stack, "loading");
      gtk_spinner_start (self->preview_spinner);
    }
}

static void
alt_text_changed_cb (CsAttachmentsStrip *self,
                     GtkTextBuffer      *buffer)
{
  g_autofree char *text = NULL;
  GtkTextIter start, end;

  update_counter (self);

  if (self->filling_buffer || self->draft == NULL || self->editing_id == NULL)
    return;

  /* Saved as typed, even past the limit: the counter warns, and cutting
   * the user's words off would lose them. The draft's ::changed drives
   * the autosave. */
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  cs_draft_set_alt_text (self->draft, self->editing_id, text);
}

static void
open_popover (CsAttachmentsStrip *self,
              GtkWidget          *tile_button,
              const char         *id)
{
  const CsAttachment *attachment;
  GtkTextBuffer *buffer;
  g_autofree char *title = NULL;
  g_autofree char *explanation = NULL;
  graphene_rect_t bounds;
  guint n;

  if (self->draft == NULL)
    return;

  attachment = cs_draft_find_attachment (self->draft, id);
  if (attachment == NULL)
    return;

  n = cs_draft_get_n_attachments (self->draft);
  for (guint i = 0; i < n; i++)
    {
      if (cs_draft_get_attachment (self->draft, i) == attachment)
        {
          /* Translators: the popover's title: "Photo 1 of 2" */
          title = g_strdup_printf (_("Photo %u of %u"), i + 1, n);
          break;
        }
    }

  g_free (self->editing_id);
  self->editing_id = g_strdup (id);

  gtk_label_set_text (self->title_label, title);
  gtk_picture_set_alternative_text (self->preview_picture, title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->popover),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);
  explanation = dup_explanation (self, attachment);
  gtk_label_set_text (self->state_label, explanation);
  update_preview (self);

  buffer = gtk_text_view_get_buffer (self->alt_text_view);
  self->filling_buffer = TRUE;
  gtk_text_buffer_set_text (buffer, attachment->alt_text != NULL ? attachment->alt_text : "", -1);
  self->filling_buffer = FALSE;

  /* The popover belongs to the strip rather than to a tile, because tiles
   * come and go with the draft; it points at the tile instead. */
  if (gtk_widget_compute_bounds (tile_button, GTK_WIDGET (self), &bounds))
    {
      GdkRectangle rect = {
        .x = (int) bounds.origin.x,
        .y = (int) bounds.origin.y,
        .width = (int) bounds.size.width,
        .height = (int) bounds.size.height,
      };

      gtk_popover_set_pointing_to (self->popover, &rect);
    }

  gtk_popover_popup (self->popover);
  gtk_widget_grab_focus (GTK_WIDGET (self->alt_text_view));
}

static void
tile_clicked_cb (CsAttachmentsStrip *self,
                 GtkButton          *button)
{
  const char *id = g_object_get_data (G_OBJECT (button), "cs-attachment-id");

  g_signal_emit (self, signals[PHOTO_ACTIVATED], 0, id);
}

static void
alt_button_clicked_cb (CsAttachmentsStrip *self,
                       GtkButton          *button)
{
  const char *id = g_object_get_data (G_OBJECT (button), "cs-attachment-id");

  cs_attachments_strip_edit_alt_text (self, id);
}

void
cs_attachments_strip_edit_alt_text (CsAttachmentsStrip *self,
                                    const char         *id)
{
  Tile *tile;

  g_return_if_fail (CS_IS_ATTACHMENTS_STRIP (self));
  g_return_if_fail (id != NULL);

  tile = g_hash_table_lookup (self->tiles, id);
  if (tile != NULL)
    open_popover (self, tile->root, id);
}

void
cs_attachments_strip_set_photo_note (CsAttachmentsStrip *self,
                                     const char         *id,
                                     const char         *message,
                                     gboolean            failed)
{
  const Note *old;

  g_return_if_fail (CS_IS_ATTACHMENTS_STRIP (self));
  g_return_if_fail (id != NULL);

  old = get_note (self, id);
  if (old == NULL && message == NULL)
    return;
  if (old != NULL && message != NULL && g_str_equal (old->message, message) && !old->failed == !failed)
    return;

  if (message == NULL)
    g_hash_table_remove (self->notes, id);
  else
    {
      Note *note = g_new0 (Note, 1);

      note->message = g_strdup (message);
      note->failed = failed;
      g_hash_table_insert (self->notes, g_strdup (id), note);
    }

  sync_tiles (self);
}

static void
popover_closed_cb (CsAttachmentsStrip *self)
{
  g_clear_pointer (&self->editing_id, g_free);
  gtk_picture_set_paintable (self->preview_picture, NULL);
  gtk_spinner_stop (self->preview_spinner);
}

static void
remove_button_clicked_cb (CsAttachmentsStrip *self)
{
  g_autofree char *id = g_steal_pointer (&self->editing_id);
  GtkWidget *focus = NULL;
  Tile *tile;

  gtk_popover_popdown (self->popover);

  if (self->draft == NULL || id == NULL)
    return;

  /* Keyboard focus was on the tile that is about to go; it moves to the
   * next photo, or the one before, or else the Add Photo button. */
  tile = g_hash_table_lookup (self->tiles, id);
  if (tile != NULL)
    {
      focus = gtk_widget_get_next_sibling (tile->root);
      if (focus == NULL)
        focus = gtk_widget_get_prev_sibling (tile->root);
      if (focus != NULL && g_object_get_data (G_OBJECT (focus), "cs-tile-button") != NULL)
        focus = g_object_get_data (G_OBJECT (focus), "cs-tile-button");
    }
  if (focus == NULL)
    focus = GTK_WIDGET (self->add_button);

  cs_draft_remove_attachment (self->draft, id);

  gtk_widget_grab_focus (focus);
}

/* Importing
 * =========
 */

static void
emit_error (CsAttachmentsStrip *self,
            const GError       *error)
{
  g_signal_emit (self, signals[ERROR], 0, error->message);
}

void
cs_attachments_strip_import_files (CsAttachmentsStrip *self,
                                   GSList             *files)
{
  g_return_if_fail (CS_IS_ATTACHMENTS_STRIP (self));
  g_return_if_fail (self->store != NULL);
  g_return_if_fail (self->draft != NULL);

  for (const GSList *l = files; l != NULL; l = l->next)
    {
      g_autoptr(GError) error = NULL;

      /* One bad file among several must not stop the others; each gets
       * its own message, which names it. */
      if (cs_draft_store_import_photo (self->store, self->draft, l->data, &error) == NULL)
        emit_error (self, error);
    }
}

void
cs_attachments_strip_import_texture (CsAttachmentsStrip *self,
                                     GdkTexture         *texture)
{
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (CS_IS_ATTACHMENTS_STRIP (self));
  g_return_if_fail (GDK_IS_TEXTURE (texture));
  g_return_if_fail (self->store != NULL);
  g_return_if_fail (self->draft != NULL);

  png = gdk_texture_save_to_png_bytes (texture);

  if (cs_draft_store_import_photo_bytes (self->store, self->draft, png, &error) == NULL)
    emit_error (self, error);
}

static gboolean
drop_accept_cb (CsAttachmentsStrip *self,
                GdkDrop            *drop,
                GtkDropTarget      *target)
{
  if (self->draft == NULL || self->store == NULL)
    return FALSE;

  return gdk_content_formats_match (gtk_drop_target_get_formats (target),
                                    gdk_drop_get_formats (drop));
}

static gboolean
drop_cb (CsAttachmentsStrip *self,
         const GValue       *value,
         double              x,
         double              y,
         GtkDropTarget      *target)
{
  if (self->draft == NULL || self->store == NULL)
    return FALSE;

  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GdkFileList *list = g_value_get_boxed (value);
      g_autoptr(GSList) files = gdk_file_list_get_files (list);

      cs_attachments_strip_import_files (self, files);
      return TRUE;
    }
  else if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    {
      GSList files = { .data = g_value_get_object (value), .next = NULL };

      cs_attachments_strip_import_files (self, &files);
      return TRUE;
    }

  return FALSE;
}

static void
chooser_response_cb (CsAttachmentsStrip   *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  g_autoptr(GListModel) model = NULL;
  GSList *files = NULL;

  if (response == GTK_RESPONSE_ACCEPT && self->draft != NULL && self->store != NULL)
    {
      model = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));

      for (guint i = g_list_model_get_n_items (model); i > 0; i--)
        files = g_slist_prepend (files, g_list_model_get_item (model, i - 1));

      cs_attachments_strip_import_files (self, files);
      g_slist_free_full (files, g_object_unref);
    }

  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (chooser));
  g_clear_object (&self->chooser);
}

void
cs_attachments_strip_add_photo (CsAttachmentsStrip *self)
{
  g_autoptr(GtkFileFilter) filter = NULL;
  GtkRoot *root;

  g_return_if_fail (CS_IS_ATTACHMENTS_STRIP (self));

  if (self->draft == NULL || self->store == NULL)
    return;

  /* A second click while the chooser is open brings it back rather than
   * opening another. */
  if (self->chooser != NULL)
    {
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
      return;
    }

  root = gtk_widget_get_root (GTK_WIDGET (self));

  self->chooser = gtk_file_chooser_native_new (_("Add Photos"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Add"),
                                               _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (self->chooser), TRUE);

  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("Photos"));
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/webp");
  gtk_file_filter_add_mime_type (filter, "image/heic");
  gtk_file_filter_add_mime_type (filter, "image/heif");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);

  g_signal_connect_object (self->chooser, "response",
                           G_CALLBACK (chooser_response_cb), self,
                           G_CONNECT_SWAPPED);

  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
add_button_clicked_cb (CsAttachmentsStrip *self)
{
  cs_attachments_strip_add_photo (self);
}

/* The draft
 * =========
 */

static void
draft_changed_cb (CsAttachmentsStrip *self)
{
  sync_tiles (self);
}

static void
scale_factor_changed_cb (CsAttachmentsStrip *self)
{
  /* ensure_thumbnail() notices the new scale and decodes again. */
  sync_tiles (self);
}

void
cs_attachments_strip_set_draft (CsAttachmentsStrip *self,
                                CsDraftStore       *store,
                                CsDraft            *draft)
{
  g_return_if_fail (CS_IS_ATTACHMENTS_STRIP (self));
  g_return_if_fail (store == NULL || CS_IS_DRAFT_STORE (store));
  g_return_if_fail (draft == NULL || CS_IS_DRAFT (draft));
  g_return_if_fail ((store == NULL) == (draft == NULL));

  g_set_object (&self->store, store);

  if (self->draft == draft)
    return;

  gtk_popover_popdown (self->popover);

  if (self->draft != NULL)
    g_signal_handlers_disconnect_by_data (self->draft, self);

  /* Thumbnails still decoding belong to the old draft. */
  g_cancellable_cancel (self->cancellable);
  g_set_object (&self->cancellable, g_cancellable_new ());
  remove_all_tiles (self);
  g_hash_table_remove_all (self->thumbnails);
  g_hash_table_remove_all (self->notes);

  g_set_object (&self->draft, draft);

  if (draft != NULL)
    {
      g_signal_connect_object (draft, "notify::n-attachments",
                               G_CALLBACK (draft_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (draft, "changed",
                               G_CALLBACK (draft_changed_cb), self,
                               G_CONNECT_SWAPPED);
    }

  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button), draft != NULL);

  sync_tiles (self);
}

/* GObject
 * =======
 */

static void
cs_attachments_strip_dispose (GObject *object)
{
  CsAttachmentsStrip *self = CS_ATTACHMENTS_STRIP (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);

  if (self->chooser != NULL)
    {
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }

  if (self->draft != NULL)
    g_signal_handlers_disconnect_by_data (self->draft, self);

  if (self->tiles != NULL)
    g_hash_table_remove_all (self->tiles);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_ATTACHMENTS_STRIP);

  g_clear_object (&self->draft);
  g_clear_object (&self->store);
  g_clear_pointer (&self->editing_id, g_free);

  G_OBJECT_CLASS (cs_attachments_strip_parent_class)->dispose (object);
}

static void
cs_attachments_strip_finalize (GObject *object)
{
  CsAttachmentsStrip *self = CS_ATTACHMENTS_STRIP (object);

  g_clear_pointer (&self->tiles, g_hash_table_unref);
  g_clear_pointer (&self->thumbnails, g_hash_table_unref);
  g_clear_pointer (&self->notes, g_hash_table_unref);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (cs_attachments_strip_parent_class)->finalize (object);
}

static void
cs_attachments_strip_class_init (CsAttachmentsStripClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_attachments_strip_dispose;
  object_class->finalize = cs_attachments_strip_finalize;

  /**
   * CsAttachmentsStrip::error:
   * @self: the strip
   * @message: what went wrong and what to do, to show to the user
   *
   * Emitted when a photo could not be attached (not a photo, too large,
   * unreadable), once for each such photo.
   */
  signals[ERROR] =
    g_signal_new ("error",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * CsAttachmentsStrip::photo-activated:
   * @self: the strip
   * @id: the attachment's id
   *
   * Emitted when the user activates a photo's thumbnail (click, Enter or
   * Space), to open it in the photo editor.
   */
  signals[PHOTO_ACTIVATED] =
    g_signal_new ("photo-activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/countersign/Countersign/ui/attachments-strip.ui");
  gtk_widget_class_bind_template_child (widget_class, CsAttachmentsStrip, box);
  gtk_widget_class_bind_template_child (widget_class, CsAttachmentsStrip, add_button);
  gtk_widget_class_bind_template_child (widget_class, CsAttachmentsStrip, popover);
  gtk_widget_class_bind_template_child (widget_class, CsAttachmentsStrip, title_label);
  gtk_widget_class_bind_template_child (widget_class, CsAttachmentsStrip, preview_stack);
  gtk_widget_class_bind_template_child (widget_class, CsAttachmentsStrip, preview_spinner);
  gtk_widget_class_bind_template_child (widget_class, CsAttachmentsStrip, preview_picture);
  gtk_widget_class_bind_template_child (widget_class, CsAttachmentsStrip, state_label);
  gtk_widget_class_bind_template_child (widget_class, CsAttachmentsStrip, alt_text_view);
  gtk_widget_class_bind_template_child (widget_class, CsAttachmentsStrip, alt_frame);
  gtk_widget_class_bind_template_child (widget_class, CsAttachmentsStrip, counter_label);
  gtk_widget_class_bind_template_callback (widget_class, add_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, popover_closed_cb);
  gtk_widget_class_bind_template_callback (widget_class, remove_button_clicked_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
cs_attachments_strip_init (CsAttachmentsStrip *self)
{
  GtkDropTarget *target;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->tiles = g_hash_table_new_full (g_str_hash, g_str_equal,
                                       g_free, (GDestroyNotify) tile_free);
  self->thumbnails = g_hash_table_new_full (g_str_hash, g_str_equal,
                                            g_free, (GDestroyNotify) thumbnail_free);
  self->notes = g_hash_table_new_full (g_str_hash, g_str_equal,
                                       g_free, (GDestroyNotify) note_free);
  self->cancellable = g_cancellable_new ();

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Photos"),
                                  -1);

  g_signal_connect_object (gtk_text_view_get_buffer (self->alt_text_view), "changed",
                           G_CALLBACK (alt_text_changed_cb), self,
                           G_CONNECT_SWAPPED);
  update_counter (self);

  g_signal_connect_swapped (self, "notify::scale-factor",
                            G_CALLBACK (scale_factor_changed_cb), self);

  /* Files dragged from a file manager arrive as a list; some apps offer a
   * single GFile instead. GTK marks the strip :drop(active) while photos
   * hover over it, which the style sheet highlights. */
  target = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (target, (GType[]) { GDK_TYPE_FILE_LIST, G_TYPE_FILE }, 2);
  g_signal_connect_object (target, "accept", G_CALLBACK (drop_accept_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (target, "drop", G_CALLBACK (drop_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
}

GtkWidget *
cs_attachments_strip_new (void)
{
  return g_object_new (CS_TYPE_ATTACHMENTS_STRIP, NULL);
}
