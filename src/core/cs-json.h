/* cs-json.h: reading members of JSON from outside, whatever its shape
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Platforms' answers, stored settings and tags may lack a member or hold
 * one of another type. json-glib's own getters warn on that; these give
 * NULL or 0 instead, so the caller has one value to check.
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A string member of @object, or NULL when it is missing or not a string. */
const char   *cs_json_get_string        (JsonObject    *object,
                                         const char    *member);
/* A whole number member of @object, from a number or a numeric string;
 * 0 when it is missing or something else. */
gint64        cs_json_get_int           (JsonObject    *object,
                                         const char    *member);
/* An object or array member of @object (which may be NULL), or NULL. */
JsonObject   *cs_json_get_object        (JsonObject    *object,
                                         const char    *member);
JsonArray    *cs_json_get_array         (JsonObject    *object,
                                         const char    *member);
/* The object @node holds (@node may be NULL), or NULL. */
JsonObject   *cs_json_node_object       (JsonNode      *node);
/* What @builder built, as JSON text. */
GBytes       *cs_json_builder_to_bytes  (JsonBuilder   *builder);

G_END_DECLS
