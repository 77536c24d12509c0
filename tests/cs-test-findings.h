/* cs-test-findings.h: looking up findings in the checker's results, for tests
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cs-core.h"

static inline guint
cs_test_count_rule (GPtrArray  *findings,
                    const char *rule)
{
  guint n = 0;

  for (guint i = 0; i < findings->len; i++)
    if (g_str_equal (((CsFinding *) g_ptr_array_index (findings, i))->rule, rule))
      n++;

  return n;
}

/* The first finding of @rule, or with @text too when it is not NULL. */
static inline CsFinding *
cs_test_find (GPtrArray  *findings,
              const char *rule,
              const char *text)
{
  for (guint i = 0; i < findings->len; i++)
    {
      CsFinding *finding = g_ptr_array_index (findings, i);

      if (g_str_equal (finding->rule, rule) && (text == NULL || g_str_equal (finding->text, text)))
        return finding;
    }

  return NULL;
}
