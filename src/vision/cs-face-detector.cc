/* placeholder until written: only the cover geometry so far */
#include "cs-face-detector.h"

extern "C" void
cs_face_cover_rect (const CsFace *face,
                    CsRect       *cover)
{
  /* YuNet boxes run from brow to chin; hair sits above, ears beside. */
  const CsRect *r = &face->rect;

  cover->x = r->x - 0.25 * r->w;
  cover->w = r->w * 1.5;
  cover->y = r->y - 0.45 * r->h;
  cover->h = r->h * 1.65;
}
