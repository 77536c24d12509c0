/* cs-db-private.h: what the two database backends fill in
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cs-db.h"

G_BEGIN_DECLS

typedef struct
{
  void       (*close) (CsDb            *db);
  gboolean   (*exec)  (CsDb            *db,
                       const char      *sql,
                       GError         **error);
  CsDbRows * (*query) (CsDb            *db,
                       const char      *sql,
                       const CsDbValue *params,
                       GError         **error);
} CsDbClass;

struct _CsDb
{
  CsDbKind         kind;
  const CsDbClass *klass;
};

G_END_DECLS
