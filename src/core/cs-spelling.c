/* cs-spelling.c: hunspell behind a thread-safe, caching front
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include <hunspell.h>

#include "cs-spelling.h"

/* A post re-checked as it is typed asks about the same few hundred words
 * again and again, so answers are cached. Hunspell handles are not
 * thread-safe; one lock covers the handle and the cache. */
struct _CsSpelling
{
  GObject     parent_instance;

  char       *language;
  Hunhandle  *handle;
  GMutex      lock;
  GHashTable *cache;        /* word → GINT_TO_POINTER (1 correct, 2 wrong) */
  GHashTable *added;        /* words added for this session */
  GHashTable *suggestions;  /* word → GStrv, since suggesting is slow */
};

G_DEFINE_FINAL_TYPE (CsSpelling, cs_spelling, G_TYPE_OBJECT)

G_DEFINE_QUARK (cs-spelling-error-quark, cs_spelling_error)

/* Bounds the cache; a whole newsletter has a few thousand distinct words. */
#define CACHE_MAX 50000

static void
cs_spelling_finalize (GObject *object)
{
  CsSpelling *self = CS_SPELLING (object);

  g_clear_pointer (&self->handle, Hunspell_destroy);
  g_clear_pointer (&self->cache, g_hash_table_unref);
  g_clear_pointer (&self->added, g_hash_table_unref);
  g_clear_pointer (&self->suggestions, g_hash_table_unref);
  g_clear_pointer (&self->language, g_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (cs_spelling_parent_class)->finalize (object);
}

static void
cs_spelling_class_init (CsSpellingClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cs_spelling_finalize;
}

static void
cs_spelling_init (CsSpelling *self)
{
  g_mutex_init (&self->lock);
  self->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->added = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->suggestions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_strfreev);
}

static char *
find_dictionary (const char *language)
{
  g_autofree char *dic = g_strconcat (language, ".dic", NULL);
  const char *env = g_getenv ("COUNTERSIGN_DICTIONARY_DIR");
  const char *dirs[] = {
    env,
    CS_DICTIONARY_DIR,
    "/app/share/hunspell",
    "/usr/share/hunspell",
    "/usr/share/myspell/dicts",
  };

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *path = NULL;

      if (dirs[i] == NULL || dirs[i][0] == '\0')
        continue;

      path = g_build_filename (dirs[i], dic, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
    }

  return NULL;
}

CsSpelling *
cs_spelling_new (const char  *language,
                 GError     **error)
{
  g_autoptr(CsSpelling) self = NULL;
  g_autofree char *dic = NULL;
  g_autofree char *aff = NULL;

  g_return_val_if_fail (language != NULL, NULL);

  dic = find_dictionary (language);
  if (dic == NULL)
    {
      g_set_error (error, CS_SPELLING_ERROR, CS_SPELLING_ERROR_NO_DICTIONARY,
                   _("No %s spelling dictionary is installed; install the hunspell-en-gb package "
                   "(or set COUNTERSIGN_DICTIONARY_DIR to the folder that holds %s.dic)"),
                   language, language);
      return NULL;
    }

  {
    g_autofree char *stem = g_strndup (dic, strlen (dic) - strlen (".dic"));
    aff = g_strconcat (stem, ".aff", NULL);
  }

  self = g_object_new (CS_TYPE_SPELLING, NULL);
  self->language = g_strdup (language);
  self->handle = Hunspell_create (aff, dic);

  if (self->handle == NULL || g_strcmp0 (Hunspell_get_dic_encoding (self->handle), "UTF-8") != 0)
    {
      g_set_error (error, CS_SPELLING_ERROR, CS_SPELLING_ERROR_NO_DICTIONARY,
                   _("The spelling dictionary %s could not be opened as UTF-8"), dic);
      return NULL;
    }

  return g_steal_pointer (&self);
}

const char *
cs_spelling_get_language (CsSpelling *self)
{
  g_return_val_if_fail (CS_IS_SPELLING (self), NULL);

  return self->language;
}

static gboolean
check_locked (CsSpelling *self,
              const char *word)
{
  gpointer cached = g_hash_table_lookup (self->cache, word);
  gboolean ok;

  if (cached != NULL)
    return GPOINTER_TO_INT (cached) == 1;

  ok = g_hash_table_contains (self->added, word) || Hunspell_spell (self->handle, word) != 0;

  if (g_hash_table_size (self->cache) >= CACHE_MAX)
    g_hash_table_remove_all (self->cache);
  g_hash_table_insert (self->cache, g_strdup (word), GINT_TO_POINTER (ok ? 1 : 2));

  return ok;
}

gboolean
cs_spelling_check_word (CsSpelling *self,
                        const char *word,
                        gssize      len)
{
  char buf[128];
  g_autofree char *heap = NULL;
  const char *w = word;
  gboolean ok;

  g_return_val_if_fail (CS_IS_SPELLING (self), TRUE);

  if (len >= 0)
    {
      if ((gsize) len < sizeof buf)
        {
          memcpy (buf, word, len);
          buf[len] = '\0';
          w = buf;
        }
      else
        w = heap = g_strndup (word, len);
    }

  g_mutex_lock (&self->lock);
  ok = check_locked (self, w);
  g_mutex_unlock (&self->lock);

  return ok;
}

gboolean
cs_spelling_is_common_word (CsSpelling *self,
                            const char *word)
{
  g_autofree char *lower = g_utf8_strdown (word, -1);
  gboolean ok;

  g_return_val_if_fail (CS_IS_SPELLING (self), FALSE);

  g_mutex_lock (&self->lock);
  /* Session words are names: they must not make a name look ordinary. */
  ok = Hunspell_spell (self->handle, lower) != 0;
  g_mutex_unlock (&self->lock);

  return ok;
}

char **
cs_spelling_suggest (CsSpelling *self,
                     const char *word)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  char **list = NULL;
  int n;

  g_return_val_if_fail (CS_IS_SPELLING (self), NULL);

  g_mutex_lock (&self->lock);
  {
    GStrv cached = g_hash_table_lookup (self->suggestions, word);

    if (cached != NULL)
      {
        GStrv copy = g_strdupv (cached);

        g_mutex_unlock (&self->lock);
        return copy;
      }
  }

  n = Hunspell_suggest (self->handle, &list, word);
  for (int i = 0; i < n && i < 8; i++)
    g_strv_builder_add (builder, list[i]);
  if (list != NULL)
    Hunspell_free_list (self->handle, &list, n);

  {
    GStrv result = g_strv_builder_end (builder);

    if (g_hash_table_size (self->suggestions) >= CACHE_MAX / 10)
      g_hash_table_remove_all (self->suggestions);
    g_hash_table_insert (self->suggestions, g_strdup (word), g_strdupv (result));
    g_mutex_unlock (&self->lock);

    return result;
  }
}

void
cs_spelling_add_word (CsSpelling *self,
                      const char *word)
{
  g_return_if_fail (CS_IS_SPELLING (self));

  g_mutex_lock (&self->lock);
  g_hash_table_add (self->added, g_strdup (word));
  g_hash_table_remove (self->cache, word);
  g_mutex_unlock (&self->lock);
}
