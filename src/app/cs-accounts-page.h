/* cs-accounts-page.h: the school's accounts, where approved posts are published
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cs-queue-client.h"

G_BEGIN_DECLS

#define CS_TYPE_ACCOUNTS_PAGE (cs_accounts_page_get_type ())

G_DECLARE_FINAL_TYPE (CsAccountsPage, cs_accounts_page, CS, ACCOUNTS_PAGE, AdwPreferencesPage)

CsAccountsPage *cs_accounts_page_new        (void);

/* Asks the queue @client signs in to who that is and which accounts the
 * school has, then shows them: to an administrator with fields to set each
 * one up, to a head read-only. The page stays hidden for office staff,
 * for NULL, and when the queue cannot say who @client is. */
void            cs_accounts_page_set_client (CsAccountsPage *self,
                                             CsQueueClient  *client);

G_END_DECLS
