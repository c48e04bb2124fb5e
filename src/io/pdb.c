/* PDB coordinate files (wwPDB format v3.3, "Coordinate section").
 *
 * Columns used (1-based, inclusive), ATOM and HETATM records:
 *   1-6 record name, 7-11 serial, 13-16 atom name, 17 altLoc,
 *   18-20 residue name, 22 chain, 23-26 residue number, 27 iCode,
 *   31-38 x, 39-46 y, 47-54 z (Å, %8.3f), 55-60 occupancy,
 *   61-66 temperature factor, 77-78 element (right-justified).
 * MODEL (serial in columns 11-14) ... ENDMDL brackets each model of a
 * multi-model file; a file without MODEL records is one model. */
#include "io/pdb.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "core/status.h"

/* Growable coordinate store and model bookkeeping for the reader. */
typedef struct pdb_reader {
    const char *path;
    int expected;        /* > 0: atoms per model required by the caller */
    int per_model;       /* atoms per model (first model's count, or expected) */
    double *xyz;
    size_t n_coords, capacity;
    int n_models;
    int in_model;        /* inside MODEL ... ENDMDL */
    int saw_model;       /* the file uses MODEL records */
    int model_atoms;     /* atoms in the current model so far */
} pdb_reader;

static int starts_with(const char *line, const char *record)
{
    return strncmp(line, record, strlen(record)) == 0;
}

/* Parse columns [from, to] (1-based, inclusive) of line as a double. */
static int column_double(const pdb_reader *r, long lineno, const char *line,
                         size_t len, int from, int to, const char *what,
                         double *out)
{
    char field[16];
    int width = to - from + 1;
    if (len < (size_t)to)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s:%ld: record too short for the %s coordinate "
                         "(columns %d-%d)",
                         r->path, lineno, what, from, to);
    memcpy(field, line + from - 1, (size_t)width);
    field[width] = '\0';
    char *end;
    errno = 0;
    double v = strtod(field, &end);
    while (*end == ' ')
        end++;
    if (end == field || *end != '\0' || errno == ERANGE || !isfinite(v))
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s:%ld: bad %s coordinate '%s' (columns %d-%d); "
                         "expected a number",
                         r->path, lineno, what, field, from, to);
    *out = v;
    return DIGS_OK;
}

static int add_atom(pdb_reader *r, long lineno, const char *line, size_t len)
{
    double x, y, z;
    DIGS_CHECK(column_double(r, lineno, line, len, 31, 38, "x", &x));
    DIGS_CHECK(column_double(r, lineno, line, len, 39, 46, "y", &y));
    DIGS_CHECK(column_double(r, lineno, line, len, 47, 54, "z", &z));
    if (r->n_coords + 3 > r->capacity) {
        size_t cap = r->capacity ? 2 * r->capacity : 3 * 64;
        double *grown = realloc(r->xyz, cap * sizeof *grown);
        if (!grown)
            return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory reading %s",
                             r->path);
        r->xyz = grown;
        r->capacity = cap;
    }
    r->xyz[r->n_coords++] = x;
    r->xyz[r->n_coords++] = y;
    r->xyz[r->n_coords++] = z;
    r->model_atoms++;
    return DIGS_OK;
}

/* Close the current model at line lineno, checking its atom count. */
static int end_model(pdb_reader *r, long lineno)
{
    r->n_models++;
    if (r->n_models == 1 && r->expected <= 0)
        r->per_model = r->model_atoms;
    if (r->model_atoms != r->per_model)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s:%ld: model %d has %d atoms; expected %d (%s)",
                         r->path, lineno, r->n_models, r->model_atoms,
                         r->per_model,
                         r->expected > 0 ? "the potential's atom count"
                                         : "the first model's count");
    r->model_atoms = 0;
    r->in_model = 0;
    return DIGS_OK;
}

/* Handle one line (without its newline); *done is set at END. */
static int read_line(pdb_reader *r, long lineno, const char *line,
                     size_t len, int *done)
{
    if (starts_with(line, "ATOM  ") || starts_with(line, "HETATM")) {
        if (r->saw_model && !r->in_model)
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "%s:%ld: ATOM/HETATM record outside "
                             "MODEL ... ENDMDL",
                             r->path, lineno);
        return add_atom(r, lineno, line, len);
    }
    if (starts_with(line, "MODEL")) {
        if (r->in_model)          /* lenient: MODEL without ENDMDL */
            DIGS_CHECK(end_model(r, lineno));
        else if (!r->saw_model && r->model_atoms > 0)
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "%s:%ld: MODEL record after ATOM records that "
                             "belong to no model",
                             r->path, lineno);
        r->saw_model = 1;
        r->in_model = 1;
        return DIGS_OK;
    }
    if (starts_with(line, "ENDMDL")) {
        if (!r->in_model)
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "%s:%ld: ENDMDL without a MODEL record", r->path,
                             lineno);
        return end_model(r, lineno);
    }
    if (strcmp(line, "END") == 0 || starts_with(line, "END "))
        *done = 1;
    return DIGS_OK;
}

static int read_stream(pdb_reader *r, FILE *f)
{
    char *line = NULL;
    size_t size = 0;
    ssize_t got;
    long lineno = 0;
    int done = 0, status = DIGS_OK;
    while (!done && (got = getline(&line, &size, f)) >= 0) {
        lineno++;
        size_t len = (size_t)got;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        status = read_line(r, lineno, line, len, &done);
        if (status != DIGS_OK)
            break;
    }
    free(line);
    if (status != DIGS_OK)
        return status;
    if (ferror(f))
        return DIGS_FAIL(DIGS_ERR_IO, "%s: read error after line %ld",
                         r->path, lineno);
    if (r->in_model || (!r->saw_model && r->model_atoms > 0))
        DIGS_CHECK(end_model(r, lineno));
    if (r->n_models == 0 || r->per_model == 0)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: no ATOM or HETATM records; expected coordinates",
                         r->path);
    return DIGS_OK;
}

/* Read every model of path.  n_atoms > 0 is the required atom count per
 * model (the potential's); n_atoms <= 0 takes the first model's count.
 * On success *xyz ([n_models][n_atoms][3], Å, caller frees), *n_models and
 * *n_atoms_read are set; on failure *xyz is NULL.  Any caller; no MPI. */
int digs_pdb_read(const char *path, int n_atoms, double **xyz,
                  int *n_models, int *n_atoms_read)
{
    *xyz = NULL;
    *n_models = 0;
    *n_atoms_read = 0;
    pdb_reader r = {.path = path, .expected = n_atoms,
                    .per_model = n_atoms > 0 ? n_atoms : 0};
    FILE *f = fopen(path, "r");
    if (!f)
        return DIGS_FAIL(DIGS_ERR_IO, "%s: cannot open: %s", path,
                         strerror(errno));
    int status = read_stream(&r, f);
    fclose(f);
    if (status != DIGS_OK) {
        free(r.xyz);
        return digs_trace(status, __FILE__, __LINE__);
    }
    *xyz = r.xyz;
    *n_models = r.n_models;
    *n_atoms_read = r.per_model;
    return DIGS_OK;
}

/* Element symbol guessed from an atom name: its first letter ("HH31": H). */
static void guess_element(const char *name, char out[3])
{
    out[0] = 'X';
    out[1] = '\0';
    for (const char *s = name; s && *s; s++)
        if (isalpha((unsigned char)*s)) {
            out[0] = (char)toupper((unsigned char)*s);
            return;
        }
}

static int check_labels(const char *path, const digs_pdb_atoms *a)
{
    for (int i = 0; i < a->n_atoms; i++) {
        if (a->atom_names && strlen(a->atom_names[i]) > 4)
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "%s: atom name '%s' of atom %d is longer than "
                             "the 4 PDB columns",
                             path, a->atom_names[i], i + 1);
        if (a->residue_names && strlen(a->residue_names[i]) > 3)
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "%s: residue name '%s' of atom %d is longer "
                             "than the 3 PDB columns",
                             path, a->residue_names[i], i + 1);
        if (a->elements && strlen(a->elements[i]) > 2)
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "%s: element '%s' of atom %d is longer than "
                             "the 2 PDB columns",
                             path, a->elements[i], i + 1);
    }
    return DIGS_OK;
}

/* One ATOM record, 80 columns. */
static int write_atom(FILE *f, const char *path, const digs_pdb_atoms *a,
                      int model, int i, const double *x)
{
    for (int k = 0; k < 3; k++)
        if (!(x[k] > -999.9995 && x[k] < 9999.9995))
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "%s: model %d atom %d: coordinate %g Å does not "
                             "fit the PDB field (%%8.3f, -999.999 to "
                             "9999.999)",
                             path, model, i + 1, x[k]);
    const char *name = a->atom_names ? a->atom_names[i] : "X";
    const char *res = a->residue_names ? a->residue_names[i] : "UNK";
    int resid = a->residue_ids ? a->residue_ids[i] : 1;
    char element[3];
    if (a->elements)
        snprintf(element, sizeof element, "%s", a->elements[i]);
    else
        guess_element(name, element);
    /* 4-character names start in column 13, shorter ones in column 14 */
    char field[6];
    snprintf(field, sizeof field, strlen(name) == 4 ? "%-4s" : " %-3s", name);
    fprintf(f,
            "ATOM  %5d %-4s %3s A%4d    %8.3f%8.3f%8.3f%6.2f%6.2f"
            "          %2s\n",
            (i + 1) % 100000, field, res, resid % 10000, x[0], x[1], x[2],
            1.0, 0.0, element);
    return DIGS_OK;
}

static int write_stream(FILE *f, const char *path, const digs_pdb_atoms *a,
                        int n_models, const double *xyz)
{
    for (int m = 0; m < n_models; m++) {
        fprintf(f, "MODEL     %4d\n", (m + 1) % 10000);
        for (int i = 0; i < a->n_atoms; i++)
            DIGS_CHECK(write_atom(f, path, a, m + 1, i,
                                  xyz + ((size_t)m * a->n_atoms + i) * 3));
        fprintf(f, "ENDMDL\n");
    }
    fprintf(f, "END\n");
    return DIGS_OK;
}

/* Write n_models models of atoms->n_atoms atoms (xyz [n_models][n_atoms][3]
 * in Å) as MODEL/ATOM/ENDMDL records and a final END.  Labels that are
 * NULL default to atom "X", residue "UNK" 1, element from the atom name.
 * The file is created or truncated.  Any caller; no MPI. */
int digs_pdb_write(const char *path, const digs_pdb_atoms *atoms,
                   int n_models, const double *xyz)
{
    if (atoms->n_atoms < 1 || n_models < 0)
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "%s: cannot write %d models of %d atoms", path,
                         n_models, atoms->n_atoms);
    DIGS_CHECK(check_labels(path, atoms));
    FILE *f = fopen(path, "w");
    if (!f)
        return DIGS_FAIL(DIGS_ERR_IO, "%s: cannot create: %s", path,
                         strerror(errno));
    int status = write_stream(f, path, atoms, n_models, xyz);
    if (status == DIGS_OK && ferror(f))
        status = DIGS_FAIL(DIGS_ERR_IO, "%s: write error", path);
    if (fclose(f) != 0 && status == DIGS_OK)
        status = DIGS_FAIL(DIGS_ERR_IO, "%s: write error on close: %s", path,
                           strerror(errno));
    if (status != DIGS_OK)
        return digs_trace(status, __FILE__, __LINE__);
    return DIGS_OK;
}
