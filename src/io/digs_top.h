/* The digs topology format: the project's own line-oriented AMBER
 * parameter files (doc/forcefield-formats.md; REFERENCE.md §11.4), e.g.
 * forcefields/ala2-ff96.top and the reference parameter files in
 * shared/data.
 *
 * Line oriented: '#' starts a comment, blank lines are ignored, a scalar is
 * "KEY value", a section is "KEY N" followed by exactly N data lines, the
 * file ends with "END".  Units nm, kJ/mol, e, rad, amu; indices 0-based;
 * numbers are parsed with strtod, so exact doubles survive. */
#ifndef DIGS_IO_DIGS_TOP_H
#define DIGS_IO_DIGS_TOP_H

#include "potentials/amber_topology.h"

/* Read a whole text file into a new NUL-terminated string (caller frees);
 * `what` names the file's role in the error message ("AMBER prmtop"). */
int digs_top_read_text(const char *path, const char *what, char **text);

/* Parse digs-topology text (modified in place).  path is used in the
 * messages "PATH:LINE: what was wrong, what was expected".  On success
 * *top is filled (gb.model is the GBSA_OBC block's model, or NONE; the
 * coordinates are those of COORDINATES, or NULL); on failure it is freed. */
int digs_top_parse(char *text, const char *path, digs_amber_topology *top);

/* Read and parse the file at path. */
int digs_top_read(const char *path, digs_amber_topology *top);

#endif
