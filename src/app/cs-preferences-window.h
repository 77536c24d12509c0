/* cs-preferences-window.h: where the roster, policy, queue, platforms and accounts are set
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cs-queue-client.h"
#include "cs-token-store.h"

G_BEGIN_DECLS

#define CS_TYPE_PREFERENCES_WINDOW (cs_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (CsPreferencesWindow, cs_preferences_window, CS, PREFERENCES_WINDOW, AdwPreferencesWindow)

/* Every row is bound to @settings (schema io.github.countersign.Countersign):
 * roster-file and policy-file (chosen with a file chooser, cleared back to
 * the demo files), queue-server (checked to look like an http(s) address
 * before it is saved) and default-platforms (a switch per platform). */
CsPreferencesWindow *cs_preferences_window_new (GtkWindow *parent,
                                                GSettings *settings);

/* The Accounts page (see CsAccountsPage) for the queue @client signs in
 * to; NULL, or a client for office staff, leaves it out. */
void cs_preferences_window_set_queue_client    (CsPreferencesWindow *self,
                                                CsQueueClient       *client);
/* Says, under the queue's address, why the sign-in to a school server will
 * not be remembered (no keyring to keep it in); NULL when it will be. */
void cs_preferences_window_set_keyring_problem (CsPreferencesWindow *self,
                                                const char          *problem);
/* Where the sign-in to a school's server is kept (the keyring, or memory
 * when there is none); until it is set, the Sign In button waits. The
 * Sign In group shows only while a school server's address is set; it
 * signs in with a school id, name and password, keeps the token for
 * that server in @tokens and emits ::sign-in-changed, as Sign Out does
 * after forgetting it. */
void cs_preferences_window_set_token_store     (CsPreferencesWindow *self,
                                                CsTokenStore        *tokens);
/* Shows the School page with the keyboard in the Sign In group (or on
 * the address, when no school server is set). */
void cs_preferences_window_show_sign_in        (CsPreferencesWindow *self);

G_END_DECLS
