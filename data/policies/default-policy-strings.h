/* default-policy-strings.h: the built-in policy's messages, for xgettext
 *
 * Written by data/policies/policy-strings.py from default.json; do not edit.
 * Never compiled: it is listed in po/POTFILES.in only.
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Translators: the pupil-name rule's message. Keep {text} (the words or the
   photo found) and {detail} (a phrase the checker adds) as they are. */
N_("“{text}” names {detail}. Say what was done without naming anyone: describe the class or year group instead.");
/* Translators: the staff-name rule's message. Keep {text} (the words or the
   photo found) and {detail} (a phrase the checker adds) as they are. */
N_("“{text}” names {detail} use their role instead, for example “our Year 3 teacher” or “the office team”.");
/* Translators: the personal-data rule's message. Keep {text} (the words or the
   photo found) and {detail} (a phrase the checker adds) as they are. */
N_("“{text}” is {detail}. Remove it: point people to the school office instead.");
/* Translators: the sensitive-topic rule's message. Keep {text} (the words or the
   photo found) and {detail} (a phrase the checker adds) as they are. */
N_("“{text}” tells the world something private about a child or a family. Remove it; share such news only through the proper private channels.");
/* Translators: the negative-tone rule's message. Keep {text} (the words or the
   photo found) and {detail} (a phrase the checker adds) as they are. */
N_("“{text}” reads as critical or sarcastic. Posts stay positive: say what you would like people to do instead.");
/* Translators: the offensive-language rule's message. Keep {text} (the words or the
   photo found) and {detail} (a phrase the checker adds) as they are. */
N_("“{text}” is rude or crude language. Leave it out, even as a joke.");
/* Translators: the confidential rule's message. Keep {text} (the words or the
   photo found) and {detail} (a phrase the checker adds) as they are. */
N_("“{text}” gives away something internal that has not been announced. Leave it out until the school has made it public.");
/* Translators: the mention rule's message. Keep {text} (the words or the
   photo found) and {detail} (a phrase the checker adds) as they are. */
N_("“{text}” tags another account. The school's account does not tag or reply to others; name the organisation in words instead.");
/* Translators: the external-link rule's message. Keep {text} (the words or the
   photo found) and {detail} (a phrase the checker adds) as they are. */
N_("“{text}” links outside the school's own website. Check with the headteacher that the school should send families there, or put the information on the school website and link to that.");
/* Translators: the length rule's message. Keep {text} (the words or the
   photo found) and {detail} (a phrase the checker adds) as they are. */
N_("{detail} Shorten the post, or choose a platform that allows longer posts.");
/* Translators: the spelling rule's message. Keep {text} (the words or the
   photo found) and {detail} (a phrase the checker adds) as they are. */
N_("“{text}” is not in the British English dictionary. Check the spelling.");
/* Translators: the photo-consent rule's message. Keep {text} (the words or the
   photo found) and {detail} (a phrase the checker adds) as they are. */
N_("{detail} is shown in “{text}” without photo consent. Blur this face, or remove the photo.");
/* Translators: the photo-never rule's message. Keep {text} (the words or the
   photo found) and {detail} (a phrase the checker adds) as they are. */
N_("{detail} is tagged in “{text}” and must never appear in the school’s posts, not even blurred. Remove this photo.");
/* Translators: the photo-face rule's message. Keep {text} (the words or the
   photo found) and {detail} (a phrase the checker adds) as they are. */
N_("A face in “{text}” is left clear but nobody is tagged. Tag the pupil who has photo consent, or blur the face.");
/* Translators: the photo-text rule's message. Keep {text} (the words or the
   photo found) and {detail} (a phrase the checker adds) as they are. */
N_("“{detail}” can be read in “{text}”. Blur it: names on certificates and work must not be seen.");
/* Translators: the alt-text rule's message. Keep {text} (the words or the
   photo found) and {detail} (a phrase the checker adds) as they are. */
N_("“{text}” has no description. Say what the photo shows, for parents who use a screen reader, without naming anyone.");
/* Translators: the photo-unchecked rule's message. Keep {text} (the words or the
   photo found) and {detail} (a phrase the checker adds) as they are. */
N_("Faces in “{text}” were not looked for automatically. Mark every face by hand, then confirm that every face is marked.");
