/* Reader of the digs topology format (doc/forcefield-formats.md). */
#include "io/digs_top.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/status.h"

enum { MAX_TOKENS = 16 };

typedef struct lexer {
    const char *path;
    char *next;    /* start of the next unread line */
    int line;      /* 1-based number of the current line */
    char *tok[MAX_TOKENS];
    int ntok;
} lexer;

int digs_top_read_text(const char *path, const char *what, char **text)
{
    *text = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return DIGS_FAIL(DIGS_ERR_INPUT, "%s: cannot open %s: %s", path,
                         what, strerror(errno));
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    int failed = ferror(f);
    fclose(f);
    if (!buf)
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory reading %s", path);
    if (failed) {
        free(buf);
        return DIGS_FAIL(DIGS_ERR_IO, "%s: read error", path);
    }
    buf[n] = '\0';
    *text = buf;
    return DIGS_OK;
}

/* Advance to the next line with content; split it into tokens.  Returns 1,
 * or 0 at the end of the text. */
static int next_line(lexer *lx)
{
    while (lx->next && *lx->next) {
        char *line = lx->next;
        char *end = strchr(line, '\n');
        lx->next = end ? end + 1 : NULL;
        if (end)
            *end = '\0';
        lx->line++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        lx->ntok = 0;
        char *save = NULL;
        for (char *t = strtok_r(line, " \t\r", &save); t;
             t = strtok_r(NULL, " \t\r", &save)) {
            if (lx->ntok < MAX_TOKENS)
                lx->tok[lx->ntok] = t;
            lx->ntok++; /* counts every word, keeps the first MAX_TOKENS */
        }
        if (lx->ntok)
            return 1;
    }
    lx->ntok = 0;
    return 0;
}

static int get_double(const lexer *lx, const char *key, int col,
                      const char *name, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(lx->tok[col], &end);
    if (end == lx->tok[col] || *end || !isfinite(v))
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s:%d: %s: column %d (%s): expected a finite "
                         "number, found '%s'", lx->path, lx->line, key,
                         col + 1, name, lx->tok[col]);
    *out = v;
    return DIGS_OK;
}

static int get_int(const lexer *lx, const char *key, int col,
                   const char *name, long lo, long hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(lx->tok[col], &end, 10);
    if (end == lx->tok[col] || *end || errno || v < lo || v > hi)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s:%d: %s: column %d (%s): expected an integer in "
                         "%ld..%ld, found '%s'", lx->path, lx->line, key,
                         col + 1, name, lo, hi, lx->tok[col]);
    *out = (int)v;
    return DIGS_OK;
}

static int get_label(const lexer *lx, const char *key, int col,
                     const char *name, char *out, size_t size)
{
    if (strlen(lx->tok[col]) >= size)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s:%d: %s: column %d (%s): '%s' is longer than %zu "
                         "characters", lx->path, lx->line, key, col + 1, name,
                         lx->tok[col], size - 1);
    snprintf(out, size, "%s", lx->tok[col]);
    return DIGS_OK;
}

/* Read the next data line of section `key` (row r of n) and check it has
 * exactly `cols` columns named by `layout`. */
static int section_row(lexer *lx, const char *key, int r, int n, int cols,
                       const char *layout)
{
    if (!next_line(lx))
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s:%d: %s: expected %d data lines, found %d before "
                         "the end of the file", lx->path, lx->line, key, n, r);
    if (lx->ntok != cols)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s:%d: %s: line %d of %d: expected %d columns '%s', "
                         "found %d", lx->path, lx->line, key, r + 1, n, cols,
                         layout, lx->ntok);
    return DIGS_OK;
}

static int atom_index(const lexer *lx, const digs_amber_topology *top,
                      const char *key, int col, int *out)
{
    if (!top->atoms)
        return DIGS_FAIL(DIGS_ERR_INPUT, "%s:%d: %s before ATOMS; expected "
                         "the ATOMS section first", lx->path, lx->line, key);
    return get_int(lx, key, col, "atom index", 0, top->n_atoms - 1, out);
}

static const char atoms_layout[] =
    "index name resname resid element type class mass charge sigma epsilon "
    "gb_radius gb_scale";

static int read_atoms(lexer *lx, digs_amber_topology *top, int n)
{
    if (n < 1)
        return DIGS_FAIL(DIGS_ERR_INPUT, "%s:%d: ATOMS: expected at least "
                         "one atom", lx->path, lx->line);
    DIGS_CALLOC(top->atoms, n);
    top->n_atoms = n;
    int any_radius = 0;
    for (int r = 0; r < n; r++) {
        digs_amber_atom *a = &top->atoms[r];
        int index;
        DIGS_CHECK(section_row(lx, "ATOMS", r, n, 13, atoms_layout));
        DIGS_CHECK(get_int(lx, "ATOMS", 0, "index", r, r, &index));
        DIGS_CHECK(get_label(lx, "ATOMS", 1, "name", a->name, sizeof a->name));
        DIGS_CHECK(get_label(lx, "ATOMS", 2, "resname", a->resname,
                             sizeof a->resname));
        DIGS_CHECK(get_int(lx, "ATOMS", 3, "resid", -999999, 999999,
                           &a->resid));
        DIGS_CHECK(get_label(lx, "ATOMS", 4, "element", a->element,
                             sizeof a->element));
        DIGS_CHECK(get_label(lx, "ATOMS", 5, "type", a->type, sizeof a->type));
        DIGS_CHECK(get_label(lx, "ATOMS", 6, "class", a->aclass,
                             sizeof a->aclass));
        DIGS_CHECK(get_double(lx, "ATOMS", 7, "mass", &a->mass));
        DIGS_CHECK(get_double(lx, "ATOMS", 8, "charge", &a->charge));
        DIGS_CHECK(get_double(lx, "ATOMS", 9, "sigma", &a->sigma));
        DIGS_CHECK(get_double(lx, "ATOMS", 10, "epsilon", &a->epsilon));
        DIGS_CHECK(get_double(lx, "ATOMS", 11, "gb_radius", &a->gb_radius));
        DIGS_CHECK(get_double(lx, "ATOMS", 12, "gb_scale", &a->gb_scale));
        if (a->element[0] == '-')
            a->element[0] = '\0';
        any_radius |= a->gb_radius > 0;
    }
    top->has_gb_radii = any_radius;
    return DIGS_OK;
}

static int read_bonds(lexer *lx, digs_amber_topology *top, int n)
{
    DIGS_CALLOC(top->bonds, n);
    for (int r = 0; r < n; r++) {
        digs_amber_bond *b = &top->bonds[r];
        DIGS_CHECK(section_row(lx, "BONDS", r, n, 4, "i j r0 k"));
        DIGS_CHECK(atom_index(lx, top, "BONDS", 0, &b->i));
        DIGS_CHECK(atom_index(lx, top, "BONDS", 1, &b->j));
        DIGS_CHECK(get_double(lx, "BONDS", 2, "r0", &b->r0));
        DIGS_CHECK(get_double(lx, "BONDS", 3, "k", &b->kf));
        top->n_bonds++;
    }
    return DIGS_OK;
}

static int read_angles(lexer *lx, digs_amber_topology *top, int n)
{
    DIGS_CALLOC(top->angles, n);
    for (int r = 0; r < n; r++) {
        digs_amber_angle *a = &top->angles[r];
        DIGS_CHECK(section_row(lx, "ANGLES", r, n, 5, "i j k theta0 k"));
        DIGS_CHECK(atom_index(lx, top, "ANGLES", 0, &a->i));
        DIGS_CHECK(atom_index(lx, top, "ANGLES", 1, &a->j));
        DIGS_CHECK(atom_index(lx, top, "ANGLES", 2, &a->k));
        DIGS_CHECK(get_double(lx, "ANGLES", 3, "theta0", &a->theta0));
        DIGS_CHECK(get_double(lx, "ANGLES", 4, "k", &a->kf));
        top->n_angles++;
    }
    return DIGS_OK;
}

static int read_torsions(lexer *lx, digs_amber_topology *top, int n)
{
    DIGS_CALLOC(top->torsions, n);
    for (int r = 0; r < n; r++) {
        digs_amber_torsion *t = &top->torsions[r];
        DIGS_CHECK(section_row(lx, "TORSIONS", r, n, 8,
                               "i j k l periodicity phase k improper"));
        DIGS_CHECK(atom_index(lx, top, "TORSIONS", 0, &t->i));
        DIGS_CHECK(atom_index(lx, top, "TORSIONS", 1, &t->j));
        DIGS_CHECK(atom_index(lx, top, "TORSIONS", 2, &t->k));
        DIGS_CHECK(atom_index(lx, top, "TORSIONS", 3, &t->l));
        DIGS_CHECK(get_int(lx, "TORSIONS", 4, "periodicity", 0, 32,
                           &t->periodicity));
        DIGS_CHECK(get_double(lx, "TORSIONS", 5, "phase", &t->phase));
        DIGS_CHECK(get_double(lx, "TORSIONS", 6, "k", &t->kf));
        DIGS_CHECK(get_int(lx, "TORSIONS", 7, "improper", 0, 1,
                           &t->improper));
        top->n_torsions++;
    }
    return DIGS_OK;
}

static int read_pairs14(lexer *lx, digs_amber_topology *top, int n)
{
    DIGS_CALLOC(top->pairs14, n);
    for (int r = 0; r < n; r++) {
        digs_amber_pair14 *p = &top->pairs14[r];
        DIGS_CHECK(section_row(lx, "PAIRS14", r, n, 5,
                               "i j qq sigma epsilon"));
        DIGS_CHECK(atom_index(lx, top, "PAIRS14", 0, &p->i));
        DIGS_CHECK(atom_index(lx, top, "PAIRS14", 1, &p->j));
        DIGS_CHECK(get_double(lx, "PAIRS14", 2, "qq", &p->qq));
        DIGS_CHECK(get_double(lx, "PAIRS14", 3, "sigma", &p->sigma));
        DIGS_CHECK(get_double(lx, "PAIRS14", 4, "epsilon", &p->epsilon));
        top->n_pairs14++;
    }
    return DIGS_OK;
}

static int read_exclusions(lexer *lx, digs_amber_topology *top, int n)
{
    DIGS_CALLOC(top->exclusions, n);
    for (int r = 0; r < n; r++) {
        digs_amber_exclusion *e = &top->exclusions[r];
        DIGS_CHECK(section_row(lx, "EXCLUSIONS", r, n, 2, "i j"));
        DIGS_CHECK(atom_index(lx, top, "EXCLUSIONS", 0, &e->i));
        DIGS_CHECK(atom_index(lx, top, "EXCLUSIONS", 1, &e->j));
        top->n_exclusions++;
    }
    return DIGS_OK;
}

/* GBSA_OBC: "key value" lines; model is required, the other constants
 * default to the standard ones of that model (digs_amber_gb_standard). */
static int read_gbsa(lexer *lx, digs_amber_topology *top, int n)
{
    static const char *const keys[] = {
        "model", "solvent_dielectric", "solute_dielectric", "alpha", "beta",
        "gamma", "dielectric_offset", "surface_area_energy",
        "gb_coulomb_constant", "buried_correction", NULL};
    double v[10];
    int seen[10] = {0};
    digs_amber_gb_model model = DIGS_AMBER_GB_NONE;
    int first_line = lx->line;
    for (int r = 0; r < n; r++) {
        DIGS_CHECK(section_row(lx, "GBSA_OBC", r, n, 2, "key value"));
        int k = 0;
        while (keys[k] && strcmp(keys[k], lx->tok[0]) != 0)
            k++;
        if (!keys[k])
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "%s:%d: GBSA_OBC: unknown key '%s'; expected "
                             "model, solvent_dielectric, solute_dielectric, "
                             "alpha, beta, gamma, dielectric_offset, "
                             "surface_area_energy, gb_coulomb_constant or "
                             "buried_correction", lx->path, lx->line,
                             lx->tok[0]);
        if (seen[k])
            return DIGS_FAIL(DIGS_ERR_INPUT, "%s:%d: GBSA_OBC: '%s' given "
                             "twice", lx->path, lx->line, keys[k]);
        seen[k] = 1;
        if (k == 0) {
            if (strcasecmp(lx->tok[1], "OBC1") == 0)
                model = DIGS_AMBER_GB_OBC1;
            else if (strcasecmp(lx->tok[1], "OBC2") == 0)
                model = DIGS_AMBER_GB_OBC2;
            else
                return DIGS_FAIL(DIGS_ERR_INPUT,
                                 "%s:%d: GBSA_OBC: model '%s', expected OBC1 "
                                 "or OBC2", lx->path, lx->line, lx->tok[1]);
        } else {
            DIGS_CHECK(get_double(lx, "GBSA_OBC", 1, keys[k], &v[k]));
        }
    }
    if (!seen[0])
        return DIGS_FAIL(DIGS_ERR_INPUT, "%s:%d: GBSA_OBC: missing 'model "
                         "OBC1|OBC2'", lx->path, first_line);
    digs_amber_gb_params *gb = &top->gb;
    digs_amber_gb_standard(model, gb);
    double *dst[10] = {NULL, &gb->solvent_dielectric, &gb->solute_dielectric,
                       &gb->alpha, &gb->beta, &gb->gamma, &gb->offset,
                       &gb->surface_area_energy, &gb->coulomb_constant, NULL};
    for (int k = 1; k < 9; k++)
        if (seen[k])
            *dst[k] = v[k];
    if (seen[9])
        gb->buried_correction = v[9] != 0;
    if (!(gb->solvent_dielectric > 0) || !(gb->solute_dielectric > 0) ||
        !(gb->offset >= 0) || !(gb->coulomb_constant > 0) ||
        !(gb->surface_area_energy >= 0))
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s:%d: GBSA_OBC: expected positive dielectrics and "
                         "Coulomb constant, non-negative offset and surface "
                         "energy", lx->path, first_line);
    return DIGS_OK;
}

/* DIHEDRALS: named analysis dihedrals; validated, not stored. */
static int read_dihedrals(lexer *lx, digs_amber_topology *top, int n)
{
    for (int r = 0; r < n; r++) {
        int idx;
        DIGS_CHECK(section_row(lx, "DIHEDRALS", r, n, 5, "name i j k l"));
        for (int c = 1; c < 5; c++)
            DIGS_CHECK(atom_index(lx, top, "DIHEDRALS", c, &idx));
    }
    return DIGS_OK;
}

static int read_coordinates(lexer *lx, digs_amber_topology *top, int n)
{
    if (!top->atoms || n != top->n_atoms)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s:%d: COORDINATES %d: expected one line per atom "
                         "(%d) after ATOMS", lx->path, lx->line, n,
                         top->n_atoms);
    DIGS_CALLOC(top->coordinates, 3 * n);
    for (int r = 0; r < n; r++) {
        int index;
        DIGS_CHECK(section_row(lx, "COORDINATES", r, n, 4, "index x y z"));
        DIGS_CHECK(get_int(lx, "COORDINATES", 0, "index", r, r, &index));
        static const char *const axis[3] = {"x", "y", "z"};
        for (int c = 0; c < 3; c++)
            DIGS_CHECK(get_double(lx, "COORDINATES", c + 1, axis[c],
                                  &top->coordinates[3 * r + c]));
    }
    return DIGS_OK;
}

typedef int (*section_reader)(lexer *, digs_amber_topology *, int);

static int parse_body(lexer *lx, digs_amber_topology *top)
{
    static const struct { const char *key; section_reader read; } sections[] = {
        {"ATOMS", read_atoms},         {"BONDS", read_bonds},
        {"ANGLES", read_angles},       {"TORSIONS", read_torsions},
        {"PAIRS14", read_pairs14},     {"EXCLUSIONS", read_exclusions},
        {"GBSA_OBC", read_gbsa},       {"DIHEDRALS", read_dihedrals},
        {"COORDINATES", read_coordinates}};
    enum { N_SECTIONS = sizeof sections / sizeof sections[0] };
    int seen[N_SECTIONS] = {0}, seen_coulomb = 0;
    top->coulomb_constant = DIGS_AMBER_ONE_4PI_EPS0;
    while (next_line(lx)) {
        const char *key = lx->tok[0];
        if (strcmp(key, "END") == 0) {
            if (lx->ntok != 1)
                return DIGS_FAIL(DIGS_ERR_INPUT, "%s:%d: END takes no value",
                                 lx->path, lx->line);
            if (!seen[0])
                return DIGS_FAIL(DIGS_ERR_INPUT, "%s:%d: END before ATOMS; "
                                 "expected an ATOMS section", lx->path,
                                 lx->line);
            while (next_line(lx))
                return DIGS_FAIL(DIGS_ERR_INPUT, "%s:%d: text after END",
                                 lx->path, lx->line);
            return DIGS_OK;
        }
        if (lx->ntok != 2)
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "%s:%d: expected 'KEY value' or 'KEY N', found %d "
                             "words starting '%s'", lx->path, lx->line,
                             lx->ntok, key);
        if (strcmp(key, "DIGS_TOPOLOGY") == 0) {
            int version;
            DIGS_CHECK(get_int(lx, key, 1, "format version", 1, 1, &version));
            continue;
        }
        if (strcmp(key, "COULOMB_CONSTANT") == 0) {
            if (seen_coulomb++)
                return DIGS_FAIL(DIGS_ERR_INPUT, "%s:%d: COULOMB_CONSTANT "
                                 "given twice", lx->path, lx->line);
            DIGS_CHECK(get_double(lx, key, 1, "kJ mol^-1 nm e^-2",
                                  &top->coulomb_constant));
            continue;
        }
        int s = 0;
        while (s < N_SECTIONS && strcmp(sections[s].key, key) != 0)
            s++;
        if (s == N_SECTIONS)
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "%s:%d: unknown key '%s'; expected one of "
                             "DIGS_TOPOLOGY COULOMB_CONSTANT ATOMS BONDS "
                             "ANGLES TORSIONS PAIRS14 EXCLUSIONS GBSA_OBC "
                             "DIHEDRALS COORDINATES END", lx->path, lx->line,
                             key);
        if (seen[s]++)
            return DIGS_FAIL(DIGS_ERR_INPUT, "%s:%d: section %s given twice",
                             lx->path, lx->line, key);
        int n;
        DIGS_CHECK(get_int(lx, key, 1, "line count", 0, 100000000, &n));
        DIGS_CHECK(sections[s].read(lx, top, n));
    }
    return DIGS_FAIL(DIGS_ERR_INPUT, "%s:%d: missing END (is the file "
                     "truncated?)", lx->path, lx->line);
}

int digs_top_parse(char *text, const char *path, digs_amber_topology *top)
{
    memset(top, 0, sizeof *top);
    lexer lx = {.path = path, .next = text};
    int status = DIGS_OK;
    top->source = strdup(path);
    if (!top->source)
        status = DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    if (status == DIGS_OK)
        status = parse_body(&lx, top);
    if (status == DIGS_OK)
        status = digs_amber_topology_check(top);
    if (status != DIGS_OK) {
        digs_amber_topology_free(top);
        return digs_trace(status, __FILE__, __LINE__);
    }
    return DIGS_OK;
}

int digs_top_read(const char *path, digs_amber_topology *top)
{
    char *text;
    memset(top, 0, sizeof *top);
    DIGS_CHECK(digs_top_read_text(path, "digs topology", &text));
    int status = digs_top_parse(text, path, top);
    free(text);
    return status == DIGS_OK ? DIGS_OK
                             : digs_trace(status, __FILE__, __LINE__);
}
