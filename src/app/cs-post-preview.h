/* cs-post-preview.h: a queued post as each of its platforms will show it
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "cs-platform.h"

G_BEGIN_DECLS

#define CS_TYPE_POST_PREVIEW (cs_post_preview_get_type ())

G_DECLARE_FINAL_TYPE (CsPostPreview, cs_post_preview, CS, POST_PREVIEW, GtkBox)

GtkWidget *cs_post_preview_new         (void);
/* The school the post goes out as ("larkfield"): named on every card. */
void       cs_post_preview_set_school  (CsPostPreview *self,
                                        const char    *school);
/* Shows @post (as the queue lists it: "text", "platforms", "photos") on a
 * card per platform; NULL shows nothing. */
void       cs_post_preview_set_post    (CsPostPreview *self,
                                        JsonObject    *post);
/* Photo @index of the post, once fetched. */
void       cs_post_preview_set_photo   (CsPostPreview *self,
                                        guint          index,
                                        GdkPaintable  *paintable);
/* The length against @platform's limit in words, or NULL when the post
 * is not for @platform. */
GtkLabel  *cs_post_preview_get_counter (CsPostPreview *self,
                                        CsPlatform     platform);

G_END_DECLS
