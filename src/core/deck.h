/* The input deck: an INI file parsed with inih.
 *
 * Lifecycle: rank 0 reads the text (digs_deck_read_text), the driver
 * broadcasts it, every rank parses the same text (digs_deck_parse).  Each
 * component then reads and validates only its own keys with the typed
 * getters; digs_deck_check_unused() finally reports any key nobody read.
 *
 * Errors are DIGS_ERR_INPUT with one line "FILE:LINE: what was wrong,
 * what was expected".  Getters take their default as text (the same text
 * doc/deck.md shows); a NULL default makes the key required. */
#ifndef DIGS_CORE_DECK_H
#define DIGS_CORE_DECK_H

#include <stddef.h>

typedef struct digs_deck digs_deck;

/* Read a whole file into a new NUL-terminated string (caller frees). */
int digs_deck_read_text(const char *path, char **text);

/* Parse deck text; filename is used in messages only. */
int digs_deck_parse(digs_deck **out, const char *text, const char *filename);

void digs_deck_destroy(digs_deck **deck);

const char *digs_deck_filename(const digs_deck *deck);
const char *digs_deck_text(const digs_deck *deck);

/* 1 if the deck has a section of that name (marks the section as known). */
int digs_deck_has_section(digs_deck *deck, const char *section);

/* 1 if the key is present (does not mark it read). */
int digs_deck_has_key(const digs_deck *deck, const char *section,
                      const char *key);

/* Line of a key (or of its section header when key is NULL); 0 if absent. */
int digs_deck_line(const digs_deck *deck, const char *section,
                   const char *key);

int digs_deck_string(digs_deck *deck, const char *section, const char *key,
                     const char *dflt, const char **out);

int digs_deck_long(digs_deck *deck, const char *section, const char *key,
                   const char *dflt, long min, long max, long *out);

int digs_deck_double(digs_deck *deck, const char *section, const char *key,
                     const char *dflt, double min, double max, double *out);

/* Whitespace- or comma-separated list of doubles, each in [min, max].
 * *values is allocated (caller frees); *n >= 1. */
int digs_deck_doubles(digs_deck *deck, const char *section, const char *key,
                      const char *dflt, double min, double max,
                      double **values, int *n);

/* One of a NULL-terminated list of words; *index is its position. */
int digs_deck_choice(digs_deck *deck, const char *section, const char *key,
                     const char *dflt, const char *const *choices,
                     int *index);

/* yes/no, true/false, on/off, 1/0. */
int digs_deck_bool(digs_deck *deck, const char *section, const char *key,
                   const char *dflt, int *out);

/* Fail on the first key or section that no component read. */
int digs_deck_check_unused(const digs_deck *deck);

/* Same, limited to one section (commands that read only part of a deck). */
int digs_deck_check_unused_section(const digs_deck *deck, const char *section);

/* Fail with "FILE:LINE: [section] key = value: <reason>" for a key whose
 * value a component found inconsistent after reading it. */
int digs_deck_reject(const digs_deck *deck, const char *section,
                     const char *key, const char *reason);

#endif
