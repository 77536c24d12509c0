/* cs-draft.h: a post being written: its text, platforms and photos
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include <json-glib/json-glib.h>

#include "cs-photo-region.h"
#include "cs-platform.h"

G_BEGIN_DECLS

typedef enum
{
  CS_PHOTO_STATE_CHECKING,      /* being looked at for faces and names */
  CS_PHOTO_STATE_NEEDS_REVIEW,  /* someone must look at it and mark it */
  CS_PHOTO_STATE_BLURRED,       /* redacted and ready */
} CsPhotoState;

const char *cs_photo_state_to_string   (CsPhotoState  state);
gboolean    cs_photo_state_from_string (const char   *str,
                                        CsPhotoState *state);

#define CS_TYPE_ATTACHMENT (cs_attachment_get_type ())

/* A photo attached to a draft. @file is the draft's own copy (under the
 * draft's folder); the user's original is never written to. */
typedef struct
{
  char         *id;
  char         *file;       /* absolute path of the copy */
  char         *original;   /* where it came from, for the user's reference */
  char         *alt_text;   /* "" until written */
  CsPhotoState  state;
  /* What the photo check found; width and height are of the upright image,
   * 0 until it has been looked at. */
  int           width;
  int           height;
  GPtrArray    *regions;         /* CsPhotoRegion; never NULL in a draft */
  gboolean      faces_checked;   /* the face detector looked at it */
  gboolean      marked_by_hand;  /* the user says every face is marked */
} CsAttachment;

GType         cs_attachment_get_type (void) G_GNUC_CONST;
CsAttachment *cs_attachment_copy     (const CsAttachment *attachment);
void          cs_attachment_free     (CsAttachment       *attachment);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsAttachment, cs_attachment_free)

#define CS_TYPE_DRAFT (cs_draft_get_type ())

G_DECLARE_FINAL_TYPE (CsDraft, cs_draft, CS, DRAFT, GObject)

/* Properties "text", "platforms" and "n-attachments" notify on change, and
 * ::changed is emitted after any change, for autosave. */
CsDraft            *cs_draft_new               (const char     *id);
const char         *cs_draft_get_id            (CsDraft        *self);
const char         *cs_draft_get_text          (CsDraft        *self);
void                cs_draft_set_text          (CsDraft        *self,
                                                const char     *text);
/* Platforms as a bit set: 1 << CS_PLATFORM_X | 1 << CS_PLATFORM_FACEBOOK. */
guint               cs_draft_get_platforms     (CsDraft        *self);
void                cs_draft_set_platforms     (CsDraft        *self,
                                                guint           platforms);
GDateTime          *cs_draft_get_modified      (CsDraft        *self);
void                cs_draft_set_modified      (CsDraft        *self,
                                                GDateTime      *modified);

guint               cs_draft_get_n_attachments (CsDraft        *self);
const CsAttachment *cs_draft_get_attachment    (CsDraft        *self,
                                                guint           index);
const CsAttachment *cs_draft_find_attachment   (CsDraft        *self,
                                                const char     *id);
/* Takes a copy of @attachment. */
void                cs_draft_add_attachment    (CsDraft            *self,
                                                const CsAttachment *attachment);
gboolean            cs_draft_remove_attachment (CsDraft        *self,
                                                const char     *id);
gboolean            cs_draft_set_alt_text      (CsDraft        *self,
                                                const char     *id,
                                                const char     *alt_text);
/* Replaces the photo's regions (CsPhotoRegion, copied) and size, as the
 * photo check or the photo editor left them. */
gboolean            cs_draft_set_photo_regions (CsDraft        *self,
                                                const char     *id,
                                                int             width,
                                                int             height,
                                                GPtrArray      *regions,
                                                gboolean        faces_checked);
gboolean            cs_draft_set_marked_by_hand (CsDraft       *self,
                                                const char     *id,
                                                gboolean        marked);
gboolean            cs_draft_set_photo_state   (CsDraft        *self,
                                                const char     *id,
                                                CsPhotoState    state);

/* Whether @id can name a draft or a photo: ids become file names, so one
 * that could reach outside the store's folder ('/', "..") is refused. */
gboolean            cs_draft_id_is_valid       (const char     *id);

/* The first line of the text, shortened, for lists of drafts. */
char               *cs_draft_dup_title         (CsDraft        *self);

/* JSON: {"version":1,"id","text","platforms":["x",…],"modified":"ISO 8601",
 * "attachments":[{"id","file","original","alt_text","state"}]} with
 * attachment files relative to @dir. Loading fails with
 * CS_DRAFT_STORE_ERROR_CORRUPT (cs-draft-store.h) and a message naming the
 * bad field; platforms this version does not know are skipped. */
JsonNode           *cs_draft_to_json           (CsDraft        *self,
                                                const char     *dir);
CsDraft            *cs_draft_new_from_json     (JsonNode       *node,
                                                const char     *dir,
                                                GError        **error);

G_END_DECLS
