/* cs-text-reader.c: reads the words in a photo with tesseract
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <leptonica/allheaders.h>
#include <tesseract/capi.h>

#include "cs-image-private.h"
#include "cs-text-reader.h"

typedef struct
{
  int    max_side;
  int    threshold;
  int    detail_threshold;
  int    norm;
  int    detail_norm;
  int    invert;
  int    dpi;
  int    grey;
  double skew_min;     /* degrees */
  double small_text;   /* px: text lower than this gets a closer look */
  double detail_max;   /* largest upscale of the detail pass */
  double detail_pixels;
  int    psm;
} Config;

static Config config = {
  .max_side = 2400,
  .threshold = 0,
  .detail_threshold = 0,
  .norm = 0,
  .detail_norm = 0,
  .invert = 1,
  .dpi = 300,
  .grey = 0,
  .skew_min = 2.5,
  .small_text = 60,
  .detail_max = 2.0,
  .detail_pixels = 4e6,
  .psm = 11,
};

static void
config_init_once (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      const char *exp = g_getenv ("CS_OCR_EXP");

      if (exp != NULL)
        {
          g_auto(GStrv) parts = g_strsplit (exp, ";", -1);

          for (guint i = 0; parts[i] != NULL; i++)
            {
              if (g_str_has_prefix (parts[i], "max="))
                config.max_side = atoi (parts[i] + 4);
              else if (g_str_has_prefix (parts[i], "norm="))
                config.norm = atoi (parts[i] + 5);
              else if (g_str_has_prefix (parts[i], "dnorm="))
                config.detail_norm = atoi (parts[i] + 6);
              else if (g_str_has_prefix (parts[i], "dth="))
                config.detail_threshold = atoi (parts[i] + 4);
              else if (g_str_has_prefix (parts[i], "th="))
                config.threshold = atoi (parts[i] + 3);
              else if (g_str_has_prefix (parts[i], "inv="))
                config.invert = atoi (parts[i] + 4);
              else if (g_str_has_prefix (parts[i], "dpi="))
                config.dpi = atoi (parts[i] + 4);
              else if (g_str_has_prefix (parts[i], "grey="))
                config.grey = atoi (parts[i] + 5);
              else if (g_str_has_prefix (parts[i], "psm="))
                config.psm = atoi (parts[i] + 4);
              else if (g_str_has_prefix (parts[i], "skew="))
                config.skew_min = g_ascii_strtod (parts[i] + 5, NULL);
              else if (g_str_has_prefix (parts[i], "small="))
                config.small_text = g_ascii_strtod (parts[i] + 6, NULL);
              else if (g_str_has_prefix (parts[i], "dmax="))
                config.detail_max = g_ascii_strtod (parts[i] + 5, NULL);
              else if (g_str_has_prefix (parts[i], "dpix="))
                config.detail_pixels = g_ascii_strtod (parts[i] + 5, NULL);
            }
        }
      g_once_init_leave (&done, 1);
    }
}

struct _CsTextReader
{
  char      *data_dir;
  GMutex     lock;
  GCond      cond;
  GPtrArray *idle;       /* TessBaseAPI */
  guint      n_handles;
  guint      max_handles;
};

void
cs_text_word_free (CsTextWord *word)
{
  if (word == NULL)
    return;

  g_free (word->text);
  g_free (word);
}

static TessBaseAPI *
handle_new (const char  *data_dir,
            GError     **error)
{
  /* Tesseract keeps some state in globals while it loads a model, so two
   * handles are never set up at the same time. */
  static GMutex init_lock;
  TessBaseAPI *handle = TessBaseAPICreate ();
  int status;

  /* Tesseract narrates its work ("Detected 22 diacritics") on stderr; the
   * file is read while the model loads, so it is given here. */
  char *names[] = { (char *) "debug_file" };
  char *values[] = { (char *) "/dev/null" };

  g_mutex_lock (&init_lock);
  status = TessBaseAPIInit4 (handle, data_dir, "eng", OEM_LSTM_ONLY, NULL, 0,
                             names, values, G_N_ELEMENTS (names), FALSE);
  g_mutex_unlock (&init_lock);

  if (status != 0)
    {
      TessBaseAPIDelete (handle);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "Text in photos cannot be read because the English data for "
                   "tesseract is not installed%s%s%s. Ask your IT technician to "
                   "install the package tesseract-ocr-eng.",
                   data_dir != NULL ? " (looked in " : "",
                   data_dir != NULL ? data_dir : "",
                   data_dir != NULL ? ")" : "");
      return NULL;
    }

  return handle;
}

CsTextReader *
cs_text_reader_new (const char  *data_dir,
                    GError     **error)
{
  CsTextReader *self;
  TessBaseAPI *first;

  config_init_once ();

  /* Leptonica reports every clipped box inside tesseract's layout analysis
   * as an error on stderr; they are not ours to act on, and a photo that
   * cannot be read is reported through @error. */
  setMsgSeverity (L_SEVERITY_NONE);

  first = handle_new (data_dir, error);
  if (first == NULL)
    return NULL;

  self = g_new0 (CsTextReader, 1);
  self->data_dir = g_strdup (data_dir);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->idle = g_ptr_array_new ();
  g_ptr_array_add (self->idle, first);
  self->n_handles = 1;
  self->max_handles = CLAMP (g_get_num_processors (), 1, 4);

  return self;
}

void
cs_text_reader_free (CsTextReader *self)
{
  if (self == NULL)
    return;

  g_assert (self->idle->len == self->n_handles);

  for (guint i = 0; i < self->idle->len; i++)
    {
      TessBaseAPI *handle = g_ptr_array_index (self->idle, i);

      TessBaseAPIEnd (handle);
      TessBaseAPIDelete (handle);
    }
  g_ptr_array_unref (self->idle);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self->data_dir);
  g_free (self);
}

static TessBaseAPI *
acquire_handle (CsTextReader  *self,
                GError       **error)
{
  TessBaseAPI *handle = NULL;

  g_mutex_lock (&self->lock);
  while (self->idle->len == 0 && self->n_handles >= self->max_handles)
    g_cond_wait (&self->cond, &self->lock);

  if (self->idle->len > 0)
    handle = g_ptr_array_steal_index_fast (self->idle, self->idle->len - 1);
  else
    self->n_handles++;
  g_mutex_unlock (&self->lock);

  if (handle == NULL)
    {
      handle = handle_new (self->data_dir, error);
      if (handle == NULL)
        {
          g_mutex_lock (&self->lock);
          self->n_handles--;
          g_cond_signal (&self->cond);
          g_mutex_unlock (&self->lock);
        }
    }

  return handle;
}

static void
release_handle (CsTextReader *self,
                TessBaseAPI  *handle)
{
  TessBaseAPIClear (handle);

  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->idle, handle);
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
}

/* The photo as 8-bit grey. */
static PIX *
make_grey (const CsImage *image)
{
  PIX *pix = pixCreate (image->width, image->height, 8);
  l_uint32 *data = pixGetData (pix);
  int wpl = pixGetWpl (pix);

  for (int y = 0; y < image->height; y++)
    {
      const guint8 *src = image->data + (gsize) y * image->stride;
      l_uint32 *line = data + (gsize) y * wpl;

      for (int x = 0; x < image->width; x++, src += 3)
        {
          guint v;

          if (config.grey == 2)
            v = MIN (src[0], MIN (src[1], src[2]));
          else
            v = (29 * src[0] + 150 * src[1] + 77 * src[2]) >> 8;
          SET_DATA_BYTE (line, x, v);
        }
    }

  return pix;
}

static PIX *
scale_grey (PIX    *pix,
            double  scale)
{
  if (fabs (scale - 1.0) < 1e-3)
    return pixClone (pix);
  if (scale < 1.0)
    return pixScaleAreaMap (pix, scale, scale);
  return pixScaleGrayLI (pix, scale, scale);
}

static bool
cancel_cb (void *data,
           int   words)
{
  return g_cancellable_is_cancelled (data);
}

/* How the pixels of a pass map back onto the photo: the pass read a part
 * of the photo starting at (@x0, @y0), scaled by @scale, then padded by
 * (@pad_x, @pad_y) and turned by @angle radians (clockwise) about the
 * centre (@cx, @cy). */
typedef struct
{
  double x0, y0;
  double scale;
  double pad_x, pad_y;
  double angle;
  double cx, cy;
} View;

static void
view_to_image (const View *v,
               double      x,
               double      y,
               double     *ix,
               double     *iy)
{
  double c = cos (-v->angle), s = sin (-v->angle);
  double dx = x - v->cx, dy = y - v->cy;
  double ux = v->cx + c * dx - s * dy - v->pad_x;
  double uy = v->cy + s * dx + c * dy - v->pad_y;

  *ix = v->x0 + ux / v->scale;
  *iy = v->y0 + uy / v->scale;
}

static void
view_rect_to_image (const View *v,
                    int         x1,
                    int         y1,
                    int         x2,
                    int         y2,
                    CsRect     *rect)
{
  double xs[4] = { x1, x2, x2, x1 }, ys[4] = { y1, y1, y2, y2 };
  double minx = G_MAXDOUBLE, miny = G_MAXDOUBLE, maxx = -G_MAXDOUBLE, maxy = -G_MAXDOUBLE;

  /* A word read in a turned view is a turned box in the photo; its
   * upright bounds hold all of its ink. */
  for (int i = 0; i < 4; i++)
    {
      double ix, iy;

      view_to_image (v, xs[i], ys[i], &ix, &iy);
      minx = MIN (minx, ix);
      miny = MIN (miny, iy);
      maxx = MAX (maxx, ix);
      maxy = MAX (maxy, iy);
    }

  *rect = (CsRect) { minx, miny, maxx - minx, maxy - miny };
}

static PIX *
normalise (PIX *pix,
           int  how)
{
  PIX *out = NULL;

  if (how == 1)
    out = pixBackgroundNormSimple (pix, NULL, NULL);
  else if (how == 2)
    out = pixContrastNorm (NULL, pix, 100, 100, 55, 1, 1);
  if (out == NULL)
    return pixClone (pix);
  return out;
}

static gboolean
recognise (TessBaseAPI   *handle,
           PIX           *pix,
           int            threshold,
           const View    *view,
           guint         *line,
           GPtrArray     *words,
           GCancellable  *cancellable)
{
  ETEXT_DESC *monitor = TessMonitorCreate ();
  TessResultIterator *it;
  int status;
  char buf[16];

  TessBaseAPISetPageSegMode (handle, config.psm);
  g_snprintf (buf, sizeof buf, "%d", threshold);
  TessBaseAPISetVariable (handle, "thresholding_method", buf);
  TessBaseAPISetVariable (handle, "tessedit_do_invert", config.invert ? "1" : "0");
  TessBaseAPISetImage2 (handle, pix);
  TessBaseAPISetSourceResolution (handle, config.dpi);

  if (cancellable != NULL)
    {
      TessMonitorSetCancelFunc (monitor, cancel_cb);
      TessMonitorSetCancelThis (monitor, cancellable);
    }
  status = TessBaseAPIRecognize (handle, monitor);
  TessMonitorDelete (monitor);
  if (status != 0)
    return FALSE;

  it = TessBaseAPIGetIterator (handle);
  if (it == NULL)
    return TRUE;

  do
    {
      TessPageIterator *page = TessResultIteratorGetPageIterator (it);
      g_autofree char *text = NULL;
      char *raw;
      int x1, y1, x2, y2;
      CsTextWord *word;

      if (TessPageIteratorIsAtBeginningOf (page, RIL_TEXTLINE))
        (*line)++;

      raw = TessResultIteratorGetUTF8Text (it, RIL_WORD);
      if (raw == NULL)
        continue;
      text = g_strstrip (g_strdup (raw));
      TessDeleteText (raw);
      if (*text == '\0' || !TessPageIteratorBoundingBox (page, RIL_WORD, &x1, &y1, &x2, &y2))
        continue;

      word = g_new0 (CsTextWord, 1);
      word->text = g_steal_pointer (&text);
      view_rect_to_image (view, x1, y1, x2, y2, &word->rect);
      word->confidence = CLAMP (TessResultIteratorConfidence (it, RIL_WORD) / 100.0, 0.0, 1.0);
      word->line = *line;
      g_ptr_array_add (words, word);
    }
  while (TessResultIteratorNext (it, RIL_WORD));

  TessResultIteratorDelete (it);

  return TRUE;
}

static gboolean
is_real_word (const CsTextWord *word)
{
  guint letters = 0;

  for (const char *p = word->text; *p; p = g_utf8_next_char (p))
    letters += g_unichar_isalpha (g_utf8_get_char (p));

  return word->confidence >= 0.6 && letters >= 3;
}

static double
overlap (const CsRect *a,
         const CsRect *b)
{
  double w = MIN (a->x + a->w, b->x + b->w) - MAX (a->x, b->x);
  double h = MIN (a->y + a->h, b->y + b->h) - MAX (a->y, b->y);

  if (w <= 0 || h <= 0)
    return 0;

  return w * h / MIN (a->w * a->h, b->w * b->h);
}

/* Adds the words of a closer look: where both passes read a word, the
 * more confident reading stays. */
static void
merge_words (GPtrArray *words,
             GPtrArray *more)
{
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();
  guint n_old = words->len;

  for (guint j = 0; j < more->len; j++)
    {
      CsTextWord *word = g_ptr_array_index (more, j);
      gboolean better = TRUE;

      for (guint i = 0; i < n_old && better; i++)
        {
          CsTextWord *old = g_ptr_array_index (words, i);

          if (old != NULL && overlap (&old->rect, &word->rect) > 0.5 && old->confidence >= word->confidence)
            better = FALSE;
        }
      if (!better)
        continue;

      for (guint i = 0; i < n_old; i++)
        {
          CsTextWord *old = g_ptr_array_index (words, i);

          if (old != NULL && overlap (&old->rect, &word->rect) > 0.5)
            {
              cs_text_word_free (old);
              g_ptr_array_index (words, i) = NULL;
            }
        }
      g_ptr_array_add (kept, word);
      g_ptr_array_index (more, j) = NULL;
    }

  for (guint i = 0; i < kept->len; i++)
    g_ptr_array_add (words, g_ptr_array_index (kept, i));
  for (guint i = words->len; i > 0; i--)
    if (g_ptr_array_index (words, i - 1) == NULL)
      g_ptr_array_remove_index (words, i - 1);
}

typedef struct
{
  guint  line;
  double top;
  double left;
} LineKey;

static int
compare_lines (gconstpointer a,
               gconstpointer b)
{
  const LineKey *x = a, *y = b;

  if (x->top != y->top)
    return x->top < y->top ? -1 : 1;
  return (x->left > y->left) - (x->left < y->left);
}

static int
compare_words (gconstpointer a,
               gconstpointer b,
               gpointer      data)
{
  const CsTextWord *x = *(CsTextWord **) a, *y = *(CsTextWord **) b;
  GHashTable *rank = data;
  guint rx = GPOINTER_TO_UINT (g_hash_table_lookup (rank, GUINT_TO_POINTER (x->line)));
  guint ry = GPOINTER_TO_UINT (g_hash_table_lookup (rank, GUINT_TO_POINTER (y->line)));

  if (rx != ry)
    return rx < ry ? -1 : 1;
  return (x->rect.x > y->rect.x) - (x->rect.x < y->rect.x);
}

/* Puts the words of all passes in reading order, lines from the top down
 * and words left to right, and numbers the lines 1, 2, 3... */
static void
sort_words (GPtrArray *words)
{
  g_autoptr(GHashTable) index = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) rank = g_hash_table_new (NULL, NULL);
  g_autoptr(GArray) lines = g_array_new (FALSE, FALSE, sizeof (LineKey));

  for (guint i = 0; i < words->len; i++)
    {
      const CsTextWord *w = g_ptr_array_index (words, i);
      gpointer found;

      if (g_hash_table_lookup_extended (index, GUINT_TO_POINTER (w->line), NULL, &found))
        {
          LineKey *key = &g_array_index (lines, LineKey, GPOINTER_TO_UINT (found));

          key->top = MIN (key->top, w->rect.y);
          key->left = MIN (key->left, w->rect.x);
        }
      else
        {
          LineKey key = { w->line, w->rect.y, w->rect.x };

          g_hash_table_insert (index, GUINT_TO_POINTER (w->line), GUINT_TO_POINTER (lines->len));
          g_array_append_val (lines, key);
        }
    }

  g_array_sort (lines, compare_lines);
  for (guint i = 0; i < lines->len; i++)
    g_hash_table_insert (rank, GUINT_TO_POINTER (g_array_index (lines, LineKey, i).line),
                         GUINT_TO_POINTER (i + 1));

  g_ptr_array_sort_with_data (words, compare_words, rank);
  for (guint i = 0; i < words->len; i++)
    {
      CsTextWord *w = g_ptr_array_index (words, i);

      w->line = GPOINTER_TO_UINT (g_hash_table_lookup (rank, GUINT_TO_POINTER (w->line)));
    }
}

typedef struct
{
  CsRect box;      /* the confident words' bounds, in photo pixels */
  guint  n_words;
  double height;   /* the tallest word's, in photo pixels */
} Cluster;

static gboolean
rects_near (const CsRect *a,
            const CsRect *b,
            double        reach)
{
  return a->x - reach < b->x + b->w && b->x - reach < a->x + a->w &&
         a->y - reach < b->y + b->h && b->y - reach < a->y + a->h;
}

/* Groups the confidently read words into the patches of text they belong
 * to: a certificate, a poster, a label. */
static GArray *
find_clusters (GPtrArray *words)
{
  GArray *clusters = g_array_new (FALSE, FALSE, sizeof (Cluster));
  gboolean merged = TRUE;

  for (guint i = 0; i < words->len; i++)
    {
      const CsTextWord *w = g_ptr_array_index (words, i);
      Cluster c = { w->rect, 1, w->rect.h };

      if (is_real_word (w))
        g_array_append_val (clusters, c);
    }

  while (merged)
    {
      merged = FALSE;
      for (guint i = 0; i < clusters->len; i++)
        for (guint j = i + 1; j < clusters->len; j++)
          {
            Cluster *a = &g_array_index (clusters, Cluster, i);
            Cluster *b = &g_array_index (clusters, Cluster, j);
            double x2, y2;

            if (!rects_near (&a->box, &b->box, 3 * MAX (a->height, b->height)))
              continue;

            x2 = MAX (a->box.x + a->box.w, b->box.x + b->box.w);
            y2 = MAX (a->box.y + a->box.h, b->box.y + b->box.h);
            a->box.x = MIN (a->box.x, b->box.x);
            a->box.y = MIN (a->box.y, b->box.y);
            a->box.w = x2 - a->box.x;
            a->box.h = y2 - a->box.y;
            a->n_words += b->n_words;
            a->height = MAX (a->height, b->height);
            g_array_remove_index (clusters, j);
            merged = TRUE;
            j--;
          }
    }

  return clusters;
}

static int
compare_clusters (gconstpointer a,
                  gconstpointer b)
{
  const Cluster *x = a, *y = b;

  return (int) y->n_words - (int) x->n_words;
}

/* The skew of the text in @box (photo pixels), in degrees clockwise,
 * measured on tesseract's black and white image of the working view. The
 * box is the words' own bounds, so that a certificate's border and the
 * background around it weigh little. */
static double
measure_skew (PIX          *bin,
              double        base,
              const CsRect *box)
{
  BOX *clip = boxCreate (box->x * base, box->y * base, box->w * base, box->h * base);
  PIX *crop = pixClipRectangle (bin, clip, NULL);
  l_float32 angle = 0, conf = 0;

  boxDestroy (&clip);
  if (crop == NULL)
    return 0;

  if (pixFindSkewSweepAndSearch (crop, &angle, &conf, 2, 1, 25.0, 1.0, 0.05) != 0 || conf < 1.5)
    angle = 0;
  if (g_getenv ("CS_OCR_DEBUG")) g_printerr ("skew %.2f %.2f\n", angle, conf);
  pixDestroy (&crop);

  return angle;
}

/* A closer look at one patch of text: cropped from the full-size photo,
 * scaled up when small, turned upright when skewed. */
static gboolean
read_detail (TessBaseAPI   *handle,
             PIX           *grey,
             const CsRect  *box,
             double         scale,
             double         angle,
             guint         *line,
             GPtrArray     *words,
             GCancellable  *cancellable)
{
  BOX *clip = boxCreate (box->x, box->y, box->w, box->h);
  PIX *crop = pixClipRectangle (grey, clip, NULL);
  PIX *view_pix;
  double a = angle * G_PI / 180.0;
  View view = { box->x, box->y, scale, 0, 0, a, 0, 0 };
  gboolean ok;
  int cw, ch;

  boxDestroy (&clip);
  if (crop == NULL)
    return TRUE;

  view_pix = scale_grey (crop, scale);
  pixDestroy (&crop);
  pixGetDimensions (view_pix, &cw, &ch, NULL);

  if (angle != 0)
    {
      int pw = (int) ceil ((fabs (cw * cos (a)) + fabs (ch * sin (a)) - cw) / 2) + 1;
      int ph = (int) ceil ((fabs (cw * sin (a)) + fabs (ch * cos (a)) - ch) / 2) + 1;
      PIX *padded = pixAddBorderGeneral (view_pix, pw, pw, ph, ph, 255);

      pixDestroy (&view_pix);
      view_pix = pixRotateAMGray (padded, a, 255);
      pixDestroy (&padded);
      view.pad_x = pw;
      view.pad_y = ph;
      view.cx = (cw + 2 * pw) / 2.0;
      view.cy = (ch + 2 * ph) / 2.0;
    }

  if (g_getenv ("CS_OCR_DUMP"))
    {
      static int n;
      g_autofree char *path = g_strdup_printf ("/tmp/ocr/view-%d.png", n++);
      pixWrite (path, view_pix, IFF_PNG);
    }
  {
    PIX *n = normalise (view_pix, config.detail_norm);
    pixDestroy (&view_pix);
    view_pix = n;
  }
  ok = recognise (handle, view_pix, config.detail_threshold, &view, line, words, cancellable);
  pixDestroy (&view_pix);

  return ok;
}

GPtrArray *
cs_text_reader_read (CsTextReader   *self,
                     const CsImage  *image,
                     GCancellable   *cancellable,
                     GError        **error)
{
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_text_word_free);
  g_autoptr(GArray) clusters = NULL;
  TessBaseAPI *handle;
  PIX *grey, *work, *bin = NULL;
  double base = 1.0;
  double budget = config.detail_pixels;
  View view = { 0, };
  int side;
  guint line = 0;
  gboolean ok;
  gboolean debug = g_getenv ("CS_OCR_DEBUG") != NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (image != NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  side = MAX (image->width, image->height);
  if (config.max_side > 0 && side > config.max_side)
    base = (double) config.max_side / side;

  handle = acquire_handle (self, error);
  if (handle == NULL)
    return NULL;

  grey = make_grey (image);
  work = scale_grey (grey, base);
  {
    PIX *n = normalise (work, config.norm);
    pixDestroy (&work);
    work = n;
  }
  view.scale = base;
  ok = recognise (handle, work, config.threshold, &view, &line, words, cancellable);
  if (ok)
    bin = TessBaseAPIGetThresholdedImage (handle);
  pixDestroy (&work);

  if (ok)
    {
      clusters = find_clusters (words);
      g_array_sort (clusters, compare_clusters);
    }

  for (guint i = 0; ok && i < clusters->len && i < 4 && budget > 0; i++)
    {
      Cluster *c = &g_array_index (clusters, Cluster, i);
      double margin = MAX (0.15 * MAX (c->box.w, c->box.h), 4 * c->height);
      double x1 = MAX (0, c->box.x - margin);
      double y1 = MAX (0, c->box.y - margin);
      double x2 = MIN (image->width, c->box.x + c->box.w + margin);
      double y2 = MIN (image->height, c->box.y + c->box.h + margin);
      CsRect area = { floor (x1), floor (y1), ceil (x2 - x1), ceil (y2 - y1) };
      double angle = measure_skew (bin, base, &c->box);
      double scale = base * CLAMP (config.small_text / (c->height * base), 1.0, config.detail_max);
      g_autoptr(GPtrArray) more = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_text_word_free);

      scale = MIN (scale, sqrt (budget / (area.w * area.h)));
      if (fabs (angle) < config.skew_min)
        angle = 0;
      if (debug)
        g_printerr ("cluster %u: %.0f,%.0f %.0fx%.0f words %u h %.0f skew %.2f scale %.2f (base %.2f)\n",
                    i, area.x, area.y, area.w, area.h, c->n_words, c->height, angle, scale, base);
      if (angle == 0 && scale < 1.2 * base)
        continue;
      scale = MAX (scale, base);
      budget -= area.w * area.h * scale * scale;

      if (g_cancellable_is_cancelled (cancellable))
        break;
      ok = read_detail (handle, grey, &area, scale, angle, &line, more, cancellable);
      if (ok)
        merge_words (words, more);
    }

  pixDestroy (&bin);
  pixDestroy (&grey);
  release_handle (self, handle);

  if (ok)
    sort_words (words);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if (!ok)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "The text in the photo could not be read.");
      return NULL;
    }

  return g_steal_pointer (&words);
}
