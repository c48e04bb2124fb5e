/* AMBER prmtop reader: Fortran fixed-width sections → digs_amber_topology
 * (the conversions of openmm/app/internal/amber_file_parser.py for a
 * non-periodic NoCutoff system; REFERENCE.md §7.5.3, §7.5.6). */
#include "io/prmtop.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "io/digs_top.h"

/* AMBER stores charges as q × 18.2223 (√(332.0522173) kcal Å/mol/e²). */
#define PRMTOP_CHARGE_SCALE 18.2223
#define KCAL_TO_KJ 4.184
#define ANGSTROM_TO_NM 0.1

/* POINTERS indices (AMBER file-format specification). */
enum {
    P_NATOM = 0, P_NTYPES = 1, P_NBONH = 2, P_MBONA = 3, P_NTHETH = 4,
    P_MTHETA = 5, P_NPHIH = 6, P_MPHIA = 7, P_NNB = 10, P_NRES = 11,
    P_NBONA = 12, P_NTHETA = 13, P_NPHIA = 14, P_NUMBND = 15, P_NUMANG = 16,
    P_NPTRA = 17, P_NATYP = 18, P_NPHB = 19, P_IFPERT = 20, P_IFBOX = 27,
    P_IFCAP = 29, P_NUMEXTRA = 30, P_MIN_COUNT = 30
};

typedef struct prm_section {
    const char *flag;   /* name after %FLAG */
    int flag_line;      /* 1-based line of the %FLAG */
    char format[32];    /* text inside %FORMAT(...) */
    char type;          /* 'a' string, 'i' integer, 'r' real */
    int per_line, width;
    int first, last;    /* data lines [first, last) (0-based) */
} prm_section;

typedef struct prm_file {
    const char *path;
    char **lines;
    int n_lines;
    prm_section *sec;
    int n_sec;
} prm_file;

int digs_prmtop_detect(const char *text)
{
    const char *p = text;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            p++;
        if (!*p)
            return 0;
        return strncmp(p, "%FLAG", 5) == 0 || strncmp(p, "%VERSION", 8) == 0;
    }
    return 0;
}

/* "20a4", "5E16.8", "10I8", "1a80", "F8.3": count, type, width. */
static int parse_format(const prm_file *f, prm_section *s, const char *line,
                        int lineno)
{
    const char *open = strchr(line, '('), *close = open ? strchr(open, ')') : NULL;
    size_t len = close ? (size_t)(close - open - 1) : 0;
    if (!open || !close || len == 0 || len >= sizeof s->format)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s:%d: %%FLAG %s: malformed %%FORMAT line, expected "
                         "e.g. %%FORMAT(10I8)", f->path, lineno, s->flag);
    memcpy(s->format, open + 1, len);
    s->format[len] = '\0';
    const char *p = s->format;
    int count = 1;
    if (isdigit((unsigned char)*p))
        count = (int)strtol(p, (char **)&p, 10);
    char t = (char)tolower((unsigned char)*p++);
    int width = isdigit((unsigned char)*p) ? (int)strtol(p, (char **)&p, 10) : 0;
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p))
            p++;
    }
    s->type = t == 'a' ? 'a' : t == 'i' ? 'i'
            : (t == 'e' || t == 'f' || t == 'd' || t == 'g') ? 'r' : 0;
    if (!s->type || count < 1 || width < 1 || *p)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s:%d: %%FLAG %s: unsupported %%FORMAT(%s), expected "
                         "a Fortran edit descriptor such as 10I8, 5E16.8 or "
                         "20a4", f->path, lineno, s->flag, s->format);
    s->per_line = count;
    s->width = width;
    return DIGS_OK;
}

/* Split text into lines and index the %FLAG sections. */
static int index_file(prm_file *f, char *text)
{
    int cap = 1;
    for (const char *p = text; *p; p++)
        cap += *p == '\n';
    int n_flags = 0;
    for (const char *p = text; (p = strstr(p, "%FLAG")); p += 5)
        n_flags++;
    DIGS_CALLOC(f->lines, cap);
    DIGS_CALLOC(f->sec, n_flags);
    char *p = text;
    while (*p) {
        char *end = strchr(p, '\n');
        f->lines[f->n_lines++] = p;
        if (end)
            *end = '\0';
        size_t n = strlen(p);
        if (n && p[n - 1] == '\r')
            p[n - 1] = '\0';
        if (!end)
            break;
        p = end + 1;
    }
    prm_section *cur = NULL;
    for (int k = 0; k < f->n_lines; k++) {
        char *line = f->lines[k];
        if (strncmp(line, "%FLAG", 5) == 0) {
            if (cur && !cur->type)
                return DIGS_FAIL(DIGS_ERR_INPUT,
                                 "%s:%d: %%FLAG %s has no %%FORMAT line",
                                 f->path, cur->flag_line, cur->flag);
            if (f->n_sec >= n_flags)
                return DIGS_FAIL(DIGS_ERR_INTERNAL, "%s: %%FLAG count",
                                 f->path);
            cur = &f->sec[f->n_sec++];
            char *name = line + 5;
            while (*name == ' ' || *name == '\t')
                name++;
            char *e = name;
            while (*e && *e != ' ' && *e != '\t')
                e++;
            *e = '\0';
            if (!*name)
                return DIGS_FAIL(DIGS_ERR_INPUT,
                                 "%s:%d: %%FLAG without a name", f->path,
                                 k + 1);
            cur->flag = name;
            cur->flag_line = k + 1;
            cur->first = cur->last = k + 1;
        } else if (strncmp(line, "%FORMAT", 7) == 0) {
            if (!cur)
                return DIGS_FAIL(DIGS_ERR_INPUT,
                                 "%s:%d: %%FORMAT before any %%FLAG", f->path,
                                 k + 1);
            DIGS_CHECK(parse_format(f, cur, line, k + 1));
            cur->first = cur->last = k + 1;
        } else if (line[0] == '%') {
            if (cur && cur->last == k)
                cur->first = cur->last = k + 1; /* %COMMENT, %VERSION */
        } else if (cur) {
            cur->last = k + 1;
        } else if (line[strspn(line, " \t")]) {
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "%s:%d: data before the first %%FLAG; expected "
                             "a prmtop as tleap writes it (%%FLAG/%%FORMAT "
                             "sections)", f->path, k + 1);
        }
    }
    if (cur && !cur->type)
        return DIGS_FAIL(DIGS_ERR_INPUT, "%s:%d: %%FLAG %s has no %%FORMAT line",
                         f->path, cur->flag_line, cur->flag);
    return DIGS_OK;
}

static const prm_section *find(const prm_file *f, const char *flag)
{
    for (int k = 0; k < f->n_sec; k++)
        if (strcmp(f->sec[k].flag, flag) == 0)
            return &f->sec[k];
    return NULL;
}

static const char *type_word(char t)
{
    return t == 'a' ? "strings" : t == 'i' ? "integers" : "reals";
}

static int blank(const char *s, int n)
{
    for (int k = 0; k < n; k++)
        if (s[k] != ' ' && s[k] != '\t')
            return 0;
    return 1;
}

/* Parse one field (already NUL-terminated and trimmed) into out[idx]. */
static int store_field(const prm_file *f, const prm_section *s, int lineno,
                       long idx, char *field, void *out)
{
    char *end;
    errno = 0;
    if (s->type == 'a') {
        char *dst = ((char (*)[DIGS_AMBER_LABEL])out)[idx];
        snprintf(dst, DIGS_AMBER_LABEL, "%s", field);
        return DIGS_OK;
    }
    if (s->type == 'i') {
        long v = strtol(field, &end, 10);
        if (end == field || *end || errno || v < -2147483647L ||
            v > 2147483647L)
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "%s:%d: %%FLAG %s: value %ld '%s' is not an "
                             "integer of format %s", f->path, lineno, s->flag,
                             idx + 1, field, s->format);
        ((int *)out)[idx] = (int)v;
        return DIGS_OK;
    }
    for (char *c = field; *c; c++)
        if (*c == 'd' || *c == 'D')
            *c = 'E'; /* Fortran double-precision exponent */
    double v = strtod(field, &end);
    if (end == field || *end || !isfinite(v))
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s:%d: %%FLAG %s: value %ld '%s' is not a finite "
                         "real of format %s", f->path, lineno, s->flag,
                         idx + 1, field, s->format);
    ((double *)out)[idx] = v;
    return DIGS_OK;
}

/* Walk the fixed-width fields of a section: stores the first `cap` values
 * into out (when out != NULL) and counts all of them into *found.  Blank
 * trailing fields of a line (padding) are not values. */
static int walk_section(const prm_file *f, const prm_section *s, long cap,
                        void *out, long *found)
{
    long n = 0;
    char field[128];
    for (int k = s->first; k < s->last; k++) {
        const char *line = f->lines[k];
        if (line[0] == '%')
            continue;
        int len = (int)strlen(line);
        int n_fields = (len + s->width - 1) / s->width;
        while (n_fields > 0) { /* drop blank padding fields */
            int start = (n_fields - 1) * s->width;
            int w = len - start < s->width ? len - start : s->width;
            if (!blank(line + start, w))
                break;
            n_fields--;
        }
        if (n_fields > s->per_line)
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "%s:%d: %%FLAG %s: more than %d fields of format "
                             "%s on one line", f->path, k + 1, s->flag,
                             s->per_line, s->format);
        for (int c = 0; c < n_fields; c++, n++) {
            int start = c * s->width;
            int w = len - start < s->width ? len - start : s->width;
            if (w > (int)sizeof field - 1)
                w = (int)sizeof field - 1;
            memcpy(field, line + start, (size_t)w);
            field[w] = '\0';
            char *t = field;
            while (*t == ' ' || *t == '\t')
                t++;
            char *e = t + strlen(t);
            while (e > t && (e[-1] == ' ' || e[-1] == '\t'))
                *--e = '\0';
            if (s->type != 'a' && !*t)
                return DIGS_FAIL(DIGS_ERR_INPUT,
                                 "%s:%d: %%FLAG %s: value %ld is blank, "
                                 "expected %s of format %s", f->path, k + 1,
                                 s->flag, n + 1, type_word(s->type),
                                 s->format);
            if (out && n < cap)
                DIGS_CHECK(store_field(f, s, k + 1, n, t, out));
        }
    }
    *found = n;
    return DIGS_OK;
}

/* Values of a section of the wanted type.  expected >= 0: exactly that
 * many; expected < 0: at least -expected (count returned in *count).
 * Missing section: error if required, else *out = NULL. */
static int get_values(const prm_file *f, const char *flag, char want,
                      long expected, int required, void **out, long *count)
{
    *out = NULL;
    const prm_section *s = find(f, flag);
    if (!s) {
        if (required)
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "%s: missing %%FLAG %s; expected a prmtop as "
                             "tleap writes it", f->path, flag);
        return DIGS_OK;
    }
    if (s->type != want)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s:%d: %%FLAG %s: expected %s, found %%FORMAT(%s)",
                         f->path, s->flag_line, flag, type_word(want),
                         s->format);
    long found;
    DIGS_CHECK(walk_section(f, s, 0, NULL, &found));
    if ((expected >= 0 && found != expected) ||
        (expected < 0 && found < -expected))
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s:%d: %%FLAG %s: expected %s%ld values of format "
                         "%s, found %ld", f->path, s->flag_line, flag,
                         expected < 0 ? "at least " : "",
                         expected < 0 ? -expected : expected, s->format,
                         found);
    size_t size = want == 'a' ? DIGS_AMBER_LABEL
                : want == 'i' ? sizeof(int) : sizeof(double);
    void *buf = calloc(found ? (size_t)found : 1, size);
    if (!buf)
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory reading %s",
                         f->path);
    int status = walk_section(f, s, found, buf, &found);
    if (status != DIGS_OK) {
        free(buf);
        return status;
    }
    *out = buf;
    if (count)
        *count = found;
    return DIGS_OK;
}

/* Everything a prmtop holds that the topology needs, raw. */
typedef struct prm_raw {
    int *ptr;
    long n_ptr;
    char (*atom_name)[DIGS_AMBER_LABEL];
    char (*atom_type)[DIGS_AMBER_LABEL];
    char (*res_label)[DIGS_AMBER_LABEL];
    double *charge, *mass, *radii, *screen;
    int *atomic_number, *type_index, *n_excl, *nb_index, *res_pointer;
    double *bond_k, *bond_r0, *angle_k, *angle_t0;
    double *dih_k, *dih_n, *dih_phase, *scee, *scnb;
    double *lj_a, *lj_b, *hb_a, *hb_b;
    int *bonds_h, *bonds, *angles_h, *angles, *dih_h, *dih;
    int *excl;
} prm_raw;

static void raw_free(prm_raw *r)
{
    void *all[] = {r->ptr, r->atom_name, r->atom_type, r->res_label,
                   r->charge, r->mass, r->radii, r->screen,
                   r->atomic_number, r->type_index, r->n_excl, r->nb_index,
                   r->res_pointer, r->bond_k, r->bond_r0, r->angle_k,
                   r->angle_t0, r->dih_k, r->dih_n, r->dih_phase, r->scee,
                   r->scnb, r->lj_a, r->lj_b, r->hb_a, r->hb_b, r->bonds_h,
                   r->bonds, r->angles_h, r->angles, r->dih_h, r->dih,
                   r->excl};
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
        free(all[k]);
    memset(r, 0, sizeof *r);
}

#define GET(flag, want, n, req, field)                                       \
    DIGS_CHECK(get_values(f, flag, want, n, req, (void **)&(field), NULL))

static int unsupported(const prm_file *f, const char *what)
{
    return DIGS_FAIL(DIGS_ERR_INPUT, "%s: %s is not supported (digs "
                     "evaluates isolated molecules with the AMBER functional "
                     "form of REFERENCE.md §7.5)", f->path, what);
}

static int read_raw(const prm_file *f, prm_raw *r)
{
    DIGS_CHECK(get_values(f, "POINTERS", 'i', -P_MIN_COUNT, 1,
                          (void **)&r->ptr, &r->n_ptr));
    const int *p = r->ptr;
    const prm_section *ps = find(f, "POINTERS");
    for (int k = 0; k < P_MIN_COUNT; k++)
        if (p[k] < 0)
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "%s:%d: %%FLAG POINTERS: value %d is negative "
                             "(%d)", f->path, ps->flag_line, k + 1, p[k]);
    if (p[P_NATOM] < 1 || p[P_NTYPES] < 1)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s:%d: %%FLAG POINTERS: expected NATOM >= 1 and "
                         "NTYPES >= 1, found %d and %d", f->path,
                         ps->flag_line, p[P_NATOM], p[P_NTYPES]);
    if (p[P_IFBOX] != 0)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: periodic box (IFBOX = %d) is not supported: "
                         "digs evaluates isolated molecules without cutoff; "
                         "build the topology without solvent box", f->path,
                         p[P_IFBOX]);
    if (p[P_IFPERT] != 0)
        return unsupported(f, "a perturbation topology (IFPERT = 1)");
    if (p[P_IFCAP] != 0)
        return unsupported(f, "a solvent cap (IFCAP = 1)");
    if (r->n_ptr > P_NUMEXTRA && p[P_NUMEXTRA] != 0)
        return unsupported(f, "extra points (NUMEXTRA > 0)");
    if (find(f, "CTITLE"))
        return unsupported(f, "a CHAMBER topology");
    if (find(f, "CMAP_COUNT") || find(f, "CHARMM_CMAP_COUNT"))
        return unsupported(f, "CMAP");
    if (find(f, "LENNARD_JONES_CCOEF"))
        return unsupported(f, "the 12-6-4 Lennard-Jones model");
    long na = p[P_NATOM], nt = p[P_NTYPES];
    GET("ATOM_NAME", 'a', na, 1, r->atom_name);
    GET("CHARGE", 'r', na, 1, r->charge);
    GET("ATOMIC_NUMBER", 'i', na, 0, r->atomic_number);
    GET("MASS", 'r', na, 1, r->mass);
    GET("ATOM_TYPE_INDEX", 'i', na, 1, r->type_index);
    GET("NUMBER_EXCLUDED_ATOMS", 'i', na, 0, r->n_excl);
    GET("NONBONDED_PARM_INDEX", 'i', nt * nt, 1, r->nb_index);
    GET("RESIDUE_LABEL", 'a', p[P_NRES], 1, r->res_label);
    GET("RESIDUE_POINTER", 'i', p[P_NRES], 1, r->res_pointer);
    GET("BOND_FORCE_CONSTANT", 'r', p[P_NUMBND], 1, r->bond_k);
    GET("BOND_EQUIL_VALUE", 'r', p[P_NUMBND], 1, r->bond_r0);
    GET("ANGLE_FORCE_CONSTANT", 'r', p[P_NUMANG], 1, r->angle_k);
    GET("ANGLE_EQUIL_VALUE", 'r', p[P_NUMANG], 1, r->angle_t0);
    GET("DIHEDRAL_FORCE_CONSTANT", 'r', p[P_NPTRA], 1, r->dih_k);
    GET("DIHEDRAL_PERIODICITY", 'r', p[P_NPTRA], 1, r->dih_n);
    GET("DIHEDRAL_PHASE", 'r', p[P_NPTRA], 1, r->dih_phase);
    GET("SCEE_SCALE_FACTOR", 'r', p[P_NPTRA], 0, r->scee);
    GET("SCNB_SCALE_FACTOR", 'r', p[P_NPTRA], 0, r->scnb);
    GET("LENNARD_JONES_ACOEF", 'r', nt * (nt + 1) / 2, 1, r->lj_a);
    GET("LENNARD_JONES_BCOEF", 'r', nt * (nt + 1) / 2, 1, r->lj_b);
    GET("BONDS_INC_HYDROGEN", 'i', 3L * p[P_NBONH], 1, r->bonds_h);
    GET("BONDS_WITHOUT_HYDROGEN", 'i', 3L * p[P_NBONA], 1, r->bonds);
    GET("ANGLES_INC_HYDROGEN", 'i', 4L * p[P_NTHETH], 1, r->angles_h);
    GET("ANGLES_WITHOUT_HYDROGEN", 'i', 4L * p[P_NTHETA], 1, r->angles);
    GET("DIHEDRALS_INC_HYDROGEN", 'i', 5L * p[P_NPHIH], 1, r->dih_h);
    GET("DIHEDRALS_WITHOUT_HYDROGEN", 'i', 5L * p[P_NPHIA], 1, r->dih);
    if (r->n_excl)
        GET("EXCLUDED_ATOMS_LIST", 'i', p[P_NNB], 1, r->excl);
    GET("HBOND_ACOEF", 'r', p[P_NPHB], 0, r->hb_a);
    GET("HBOND_BCOEF", 'r', p[P_NPHB], 0, r->hb_b);
    GET("AMBER_ATOM_TYPE", 'a', na, 0, r->atom_type);
    GET("RADII", 'r', na, 0, r->radii);
    GET("SCREEN", 'r', na, 0, r->screen);
    for (int k = 0; r->hb_a && r->hb_b && k < p[P_NPHB]; k++)
        if (r->hb_a[k] != 0 || r->hb_b[k] != 0)
            return unsupported(f, "the 10-12 hydrogen-bond potential");
    const prm_section *pol = find(f, "IPOL");
    if (pol) {
        int *ipol;
        DIGS_CHECK(get_values(f, "IPOL", 'i', 1, 1, (void **)&ipol, NULL));
        int v = ipol[0];
        free(ipol);
        if (v != 0)
            return unsupported(f, "a polarizable topology (IPOL = 1)");
    }
    return DIGS_OK;
}

/* The i-th flagged atom pointer of a term list: 3 × (atom index). */
static int atom_of(const prm_file *f, const char *flag, long entry, int v,
                   int n_atoms, int allow_negative, int *atom)
{
    int a = allow_negative && v < 0 ? -v : v;
    if (a < 0 || a % 3 != 0 || a / 3 >= n_atoms) {
        const prm_section *s = find(f, flag);
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s:%d: %%FLAG %s: entry %ld: atom pointer %d is "
                         "not 3 × (atom index < %d)", f->path,
                         s ? s->flag_line : 0, flag, entry + 1, v, n_atoms);
    }
    *atom = a / 3;
    return DIGS_OK;
}

static int type_of(const prm_file *f, const char *flag, long entry, int v,
                   int n_types, int *type)
{
    if (v < 1 || v > n_types) {
        const prm_section *s = find(f, flag);
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s:%d: %%FLAG %s: entry %ld: parameter index %d "
                         "out of range 1..%d", f->path, s ? s->flag_line : 0,
                         flag, entry + 1, v, n_types);
    }
    *type = v - 1;
    return DIGS_OK;
}

/* Per-type Rmin/2 (nm) and ε (kJ/mol) from the diagonal A, B coefficients
 * (amber_file_parser getNonbondTerms); NBFIX (off-diagonal entries that
 * do not follow the combination rule to 1e-6) is rejected. */
static int lj_types(const prm_file *f, const prm_raw *r, double *rhalf,
                    double *eps)
{
    int nt = r->ptr[P_NTYPES];
    long n_coef = (long)nt * (nt + 1) / 2;
    for (int t = 0; t < nt; t++) {
        int idx = r->nb_index[(long)nt * t + t] - 1;
        if (idx < 0)
            return unsupported(f, "the 10-12 hydrogen-bond potential");
        if (idx >= n_coef)
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "%s: %%FLAG NONBONDED_PARM_INDEX: index %d out "
                             "of range 1..%ld", f->path, idx + 1, n_coef);
        double a = r->lj_a[idx], b = r->lj_b[idx];
        double rmin = 1.0, e = 0.0; /* Å, kcal/mol: no LJ on this type */
        if (a != 0 && b != 0) {
            rmin = pow(2 * a / b, 1 / 6.0);
            e = 0.25 * b * b / a;
        }
        rhalf[t] = rmin / 2.0 * ANGSTROM_TO_NM;
        eps[t] = e * KCAL_TO_KJ;
    }
    for (int i = 0; i < nt; i++)
        for (int j = 0; j < nt; j++) {
            int idx = r->nb_index[(long)nt * i + j] - 1;
            if (idx < 0)
                continue;
            if (idx >= n_coef)
                return DIGS_FAIL(DIGS_ERR_INPUT,
                                 "%s: %%FLAG NONBONDED_PARM_INDEX: index %d "
                                 "out of range 1..%ld", f->path, idx + 1,
                                 n_coef);
            double rij = (rhalf[i] + rhalf[j]) / ANGSTROM_TO_NM;
            double wij = sqrt(eps[i] * eps[j]) / KCAL_TO_KJ;
            double a = r->lj_a[idx], b = r->lj_b[idx];
            int nbfix;
            if (a == 0 || b == 0)
                nbfix = a != 0 || b != 0 || (wij != 0 && rij != 0);
            else
                nbfix = fabs((a - wij * pow(rij, 12)) / a) > 1e-6 ||
                        fabs((b - 2 * wij * pow(rij, 6)) / b) > 1e-6;
            if (nbfix)
                return unsupported(f, "off-diagonal Lennard-Jones "
                                      "coefficients (NBFIX)");
        }
    return DIGS_OK;
}

static int fill_atoms(const prm_file *f, const prm_raw *r,
                      digs_amber_topology *top, const double *rhalf,
                      const double *eps)
{
    int na = r->ptr[P_NATOM], nres = r->ptr[P_NRES];
    DIGS_CALLOC(top->atoms, na);
    top->n_atoms = na;
    for (int k = 0; k < nres; k++) {
        int first = r->res_pointer[k] - 1;
        int next = k + 1 < nres ? r->res_pointer[k + 1] - 1 : na;
        if (first < 0 || first >= na || next <= first ||
            (k == 0 && first != 0)) {
            const prm_section *s = find(f, "RESIDUE_POINTER");
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "%s:%d: %%FLAG RESIDUE_POINTER: entry %d: "
                             "expected increasing first-atom numbers "
                             "starting at 1, found %d", f->path,
                             s->flag_line, k + 1, r->res_pointer[k]);
        }
        for (int a = first; a < next; a++) {
            top->atoms[a].resid = k + 1;
            snprintf(top->atoms[a].resname, DIGS_AMBER_LABEL, "%s",
                     r->res_label[k]);
        }
    }
    if (nres == 0)
        for (int a = 0; a < na; a++)
            top->atoms[a].resid = 1;
    for (int a = 0; a < na; a++) {
        digs_amber_atom *at = &top->atoms[a];
        int t;
        DIGS_CHECK(type_of(f, "ATOM_TYPE_INDEX", a, r->type_index[a],
                           r->ptr[P_NTYPES], &t));
        snprintf(at->name, sizeof at->name, "%s", r->atom_name[a]);
        if (r->atom_type) {
            snprintf(at->type, sizeof at->type, "%s", r->atom_type[a]);
            snprintf(at->aclass, sizeof at->aclass, "%s", r->atom_type[a]);
        }
        const char *el = r->atomic_number && r->atomic_number[a] > 0
                             ? digs_amber_element_symbol(r->atomic_number[a])
                             : digs_amber_element_from_mass(r->mass[a]);
        snprintf(at->element, sizeof at->element, "%s", el);
        at->mass = r->mass[a];
        at->charge = r->charge[a] / PRMTOP_CHARGE_SCALE;
        at->sigma = rhalf[t] * 2.0 * pow(2.0, -1.0 / 6.0); /* Rmin = 2^(1/6)σ */
        at->epsilon = eps[t];
        if (r->radii && r->screen) {
            at->gb_radius = r->radii[a] / 10.0; /* Å → nm as OpenMM */
            at->gb_scale = r->screen[a];
        }
    }
    top->has_gb_radii = r->radii && r->screen;
    return DIGS_OK;
}

static int fill_bonds(const prm_file *f, const prm_raw *r,
                      digs_amber_topology *top)
{
    const int *lists[2] = {r->bonds_h, r->bonds};
    const char *flags[2] = {"BONDS_INC_HYDROGEN", "BONDS_WITHOUT_HYDROGEN"};
    long counts[2] = {r->ptr[P_NBONH], r->ptr[P_NBONA]};
    DIGS_CALLOC(top->bonds, counts[0] + counts[1]);
    for (int l = 0; l < 2; l++)
        for (long e = 0; e < counts[l]; e++) {
            const int *v = lists[l] + 3 * e;
            digs_amber_bond *b = &top->bonds[top->n_bonds++];
            int t;
            DIGS_CHECK(atom_of(f, flags[l], e, v[0], top->n_atoms, 0, &b->i));
            DIGS_CHECK(atom_of(f, flags[l], e, v[1], top->n_atoms, 0, &b->j));
            DIGS_CHECK(type_of(f, flags[l], e, v[2], r->ptr[P_NUMBND], &t));
            /* E = K (r − r0)² in kcal/mol/Å² → ½ k (r − r0)², k = 2K·418.4 */
            b->kf = 2 * (r->bond_k[t] * (KCAL_TO_KJ * 100.0));
            b->r0 = r->bond_r0[t] * ANGSTROM_TO_NM;
        }
    return DIGS_OK;
}

static int fill_angles(const prm_file *f, const prm_raw *r,
                       digs_amber_topology *top)
{
    const int *lists[2] = {r->angles_h, r->angles};
    const char *flags[2] = {"ANGLES_INC_HYDROGEN", "ANGLES_WITHOUT_HYDROGEN"};
    long counts[2] = {r->ptr[P_NTHETH], r->ptr[P_NTHETA]};
    DIGS_CALLOC(top->angles, counts[0] + counts[1]);
    for (int l = 0; l < 2; l++)
        for (long e = 0; e < counts[l]; e++) {
            const int *v = lists[l] + 4 * e;
            digs_amber_angle *a = &top->angles[top->n_angles++];
            int t;
            DIGS_CHECK(atom_of(f, flags[l], e, v[0], top->n_atoms, 0, &a->i));
            DIGS_CHECK(atom_of(f, flags[l], e, v[1], top->n_atoms, 0, &a->j));
            DIGS_CHECK(atom_of(f, flags[l], e, v[2], top->n_atoms, 0, &a->k));
            DIGS_CHECK(type_of(f, flags[l], e, v[3], r->ptr[P_NUMANG], &t));
            a->kf = 2 * (r->angle_k[t] * KCAL_TO_KJ);
            a->theta0 = r->angle_t0[t];
        }
    return DIGS_OK;
}

/* Torsions, and the 1-4 pairs of the dihedrals whose 3rd and 4th pointers
 * are positive (amber_file_parser get14Interactions). */
static int fill_torsions(const prm_file *f, const prm_raw *r,
                         digs_amber_topology *top, const double *rhalf,
                         const double *eps)
{
    const int *lists[2] = {r->dih_h, r->dih};
    const char *flags[2] = {"DIHEDRALS_INC_HYDROGEN",
                            "DIHEDRALS_WITHOUT_HYDROGEN"};
    long counts[2] = {r->ptr[P_NPHIH], r->ptr[P_NPHIA]};
    DIGS_CALLOC(top->torsions, counts[0] + counts[1]);
    DIGS_CALLOC(top->pairs14, counts[0] + counts[1]);
    for (int l = 0; l < 2; l++)
        for (long e = 0; e < counts[l]; e++) {
            const int *v = lists[l] + 5 * e;
            digs_amber_torsion *d = &top->torsions[top->n_torsions++];
            int t;
            DIGS_CHECK(atom_of(f, flags[l], e, v[0], top->n_atoms, 0, &d->i));
            DIGS_CHECK(atom_of(f, flags[l], e, v[1], top->n_atoms, 0, &d->j));
            DIGS_CHECK(atom_of(f, flags[l], e, v[2], top->n_atoms, 1, &d->k));
            DIGS_CHECK(atom_of(f, flags[l], e, v[3], top->n_atoms, 1, &d->l));
            DIGS_CHECK(type_of(f, flags[l], e, v[4], r->ptr[P_NPTRA], &t));
            d->kf = r->dih_k[t] * KCAL_TO_KJ;
            d->phase = r->dih_phase[t]; /* as written: 3.141594 ≠ π (§7.5.6) */
            d->periodicity = (int)floor(0.5 + fabs(r->dih_n[t]));
            d->improper = v[3] < 0;
            if (v[2] <= 0 || v[3] <= 0)
                continue;
            double scee = r->scee ? r->scee[t] : 1.2;
            double scnb = r->scnb ? r->scnb[t] : 2.0;
            if (!(scee > 0) || !(scnb > 0))
                return DIGS_FAIL(DIGS_ERR_INPUT,
                                 "%s: %%FLAG %s: entry %ld has a 1-4 pair but "
                                 "SCEE/SCNB_SCALE_FACTOR %g/%g, expected > 0",
                                 f->path, flags[l], e + 1, scee, scnb);
            const digs_amber_atom *ai = &top->atoms[d->i];
            const digs_amber_atom *al = &top->atoms[d->l];
            int ti = r->type_index[d->i] - 1, tl = r->type_index[d->l] - 1;
            digs_amber_pair14 *p = &top->pairs14[top->n_pairs14++];
            p->i = d->i < d->l ? d->i : d->l;
            p->j = d->i < d->l ? d->l : d->i;
            p->qq = ai->charge * al->charge / scee;
            p->sigma = (rhalf[ti] + rhalf[tl]) * pow(2.0, -1.0 / 6.0);
            p->epsilon = sqrt(eps[ti] * eps[tl]) / scnb;
        }
    return DIGS_OK;
}

static int compare_pair(const void *a, const void *b)
{
    const digs_amber_exclusion *x = a, *y = b;
    return x->i != y->i ? (x->i > y->i) - (x->i < y->i)
                        : (x->j > y->j) - (x->j < y->j);
}

typedef struct { digs_amber_pair14 p; long order; } pair14_entry;

static int compare_pair14(const void *a, const void *b)
{
    const pair14_entry *x = a, *y = b;
    if (x->p.i != y->p.i)
        return (x->p.i > y->p.i) - (x->p.i < y->p.i);
    if (x->p.j != y->p.j)
        return (x->p.j > y->p.j) - (x->p.j < y->p.j);
    return (x->order > y->order) - (x->order < y->order);
}

/* Sort the 1-4 pairs by (i, j) and drop repeats (a pair reached through
 * two dihedrals of a ring is one pair; the first listing wins). */
static int unique_pairs14(digs_amber_topology *top)
{
    pair14_entry *e;
    DIGS_CALLOC(e, top->n_pairs14);
    for (int p = 0; p < top->n_pairs14; p++)
        e[p] = (pair14_entry){top->pairs14[p], p};
    qsort(e, (size_t)top->n_pairs14, sizeof *e, compare_pair14);
    int kept = 0;
    for (int p = 0; p < top->n_pairs14; p++)
        if (!kept || e[p].p.i != top->pairs14[kept - 1].i ||
            e[p].p.j != top->pairs14[kept - 1].j)
            top->pairs14[kept++] = e[p].p;
    top->n_pairs14 = kept;
    free(e);
    return DIGS_OK;
}

static int is_pair14(const digs_amber_topology *top, int i, int j)
{
    int lo = 0, hi = top->n_pairs14 - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        const digs_amber_pair14 *p = &top->pairs14[mid];
        int c = p->i != i ? (p->i > i) - (p->i < i) : (p->j > j) - (p->j < j);
        if (c == 0)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return 0;
}

/* 1-2 and 1-3 pairs of the bond graph (when EXCLUDED_ATOMS_LIST is
 * absent): every bond, and every two neighbours of one atom. */
static int bond_graph_exclusions(digs_amber_topology *top,
                                 digs_amber_exclusion **out, long *n_out)
{
    int na = top->n_atoms, nb = top->n_bonds;
    int *deg, *start, *nbr;
    DIGS_CALLOC(deg, na + 1);
    for (int b = 0; b < nb; b++) {
        deg[top->bonds[b].i]++;
        deg[top->bonds[b].j]++;
    }
    long n13 = 0;
    for (int a = 0; a < na; a++)
        n13 += (long)deg[a] * (deg[a] - 1) / 2;
    start = calloc((size_t)na + 1, sizeof *start);
    nbr = calloc(2 * (size_t)nb + 1, sizeof *nbr);
    digs_amber_exclusion *ex = calloc((size_t)(nb + n13) + 1, sizeof *ex);
    if (!start || !nbr || !ex) {
        free(deg); free(start); free(nbr); free(ex);
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    }
    for (int a = 0; a < na; a++)
        start[a + 1] = start[a] + deg[a];
    memset(deg, 0, sizeof *deg * (size_t)na);
    long n = 0;
    for (int b = 0; b < nb; b++) {
        int i = top->bonds[b].i, j = top->bonds[b].j;
        nbr[start[i] + deg[i]++] = j;
        nbr[start[j] + deg[j]++] = i;
        ex[n++] = (digs_amber_exclusion){i < j ? i : j, i < j ? j : i};
    }
    for (int a = 0; a < na; a++)
        for (int u = start[a]; u < start[a + 1]; u++)
            for (int v = start[a]; v < u; v++) {
                int i = nbr[u], j = nbr[v];
                if (i != j)
                    ex[n++] = (digs_amber_exclusion){i < j ? i : j,
                                                     i < j ? j : i};
            }
    free(deg);
    free(start);
    free(nbr);
    *out = ex;
    *n_out = n;
    return DIGS_OK;
}

/* Excluded pairs that are not 1-4 pairs (amber_file_parser: the
 * EXCLUDED_ATOMS_LIST minus the 1-4 exceptions), sorted by (i, j). */
static int fill_exclusions(const prm_file *f, const prm_raw *r,
                           digs_amber_topology *top)
{
    int na = top->n_atoms;
    long cap = 0;
    digs_amber_exclusion *ex = NULL;
    if (r->n_excl) {
        long total = 0;
        for (int a = 0; a < na; a++)
            total += r->n_excl[a] > 0 ? r->n_excl[a] : 0;
        if (total != r->ptr[P_NNB]) {
            const prm_section *s = find(f, "NUMBER_EXCLUDED_ATOMS");
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "%s:%d: %%FLAG NUMBER_EXCLUDED_ATOMS: counts "
                             "sum to %ld, expected NNB = %d", f->path,
                             s->flag_line, total, r->ptr[P_NNB]);
        }
        DIGS_CALLOC(ex, total);
        long at = 0;
        for (int a = 0; a < na; a++)
            for (int k = 0; k < r->n_excl[a]; k++, at++) {
                int j = r->excl[at] - 1; /* 0 = "none" placeholder */
                if (j < 0)
                    continue;
                if (j >= na || j == a) {
                    free(ex);
                    const prm_section *s = find(f, "EXCLUDED_ATOMS_LIST");
                    return DIGS_FAIL(DIGS_ERR_INPUT,
                                     "%s:%d: %%FLAG EXCLUDED_ATOMS_LIST: "
                                     "entry %ld: atom %d out of range "
                                     "(atom %d)", f->path, s->flag_line,
                                     at + 1, j + 1, a + 1);
                }
                ex[cap].i = a < j ? a : j;
                ex[cap].j = a < j ? j : a;
                cap++;
            }
    } else {
        DIGS_CHECK(bond_graph_exclusions(top, &ex, &cap));
    }
    qsort(ex, (size_t)cap, sizeof *ex, compare_pair);
    long kept = 0;
    for (long k = 0; k < cap; k++) {
        if (kept && compare_pair(&ex[kept - 1], &ex[k]) == 0)
            continue;
        if (is_pair14(top, ex[k].i, ex[k].j))
            continue;
        ex[kept++] = ex[k];
    }
    top->exclusions = ex;
    top->n_exclusions = (int)kept;
    return DIGS_OK;
}

static int build(const prm_file *f, digs_amber_topology *top)
{
    prm_raw r = {0};
    double *rhalf = NULL, *eps = NULL;
    int status = read_raw(f, &r);
    if (status == DIGS_OK) {
        rhalf = calloc((size_t)r.ptr[P_NTYPES], sizeof *rhalf);
        eps = calloc((size_t)r.ptr[P_NTYPES], sizeof *eps);
        if (!rhalf || !eps)
            status = DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory reading %s",
                               f->path);
    }
    if (status == DIGS_OK)
        status = lj_types(f, &r, rhalf, eps);
    if (status == DIGS_OK)
        status = fill_atoms(f, &r, top, rhalf, eps);
    if (status == DIGS_OK)
        status = fill_bonds(f, &r, top);
    if (status == DIGS_OK)
        status = fill_angles(f, &r, top);
    if (status == DIGS_OK)
        status = fill_torsions(f, &r, top, rhalf, eps);
    if (status == DIGS_OK) {
        status = unique_pairs14(top);
        if (status == DIGS_OK)
            status = fill_exclusions(f, &r, top);
    }
    free(rhalf);
    free(eps);
    raw_free(&r);
    return status == DIGS_OK ? DIGS_OK
                             : digs_trace(status, __FILE__, __LINE__);
}

int digs_prmtop_parse(char *text, const char *path, digs_amber_topology *top)
{
    memset(top, 0, sizeof *top);
    prm_file f = {.path = path};
    int status = DIGS_OK;
    top->source = strdup(path);
    if (!top->source)
        status = DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    if (status == DIGS_OK && !digs_prmtop_detect(text))
        status = DIGS_FAIL(DIGS_ERR_INPUT,
                           "%s:1: expected an AMBER prmtop starting with "
                           "%%VERSION or %%FLAG", path);
    if (status == DIGS_OK)
        status = index_file(&f, text);
    if (status == DIGS_OK)
        status = build(&f, top);
    if (status == DIGS_OK) {
        top->coulomb_constant = DIGS_AMBER_ONE_4PI_EPS0;
        status = digs_amber_topology_check(top);
    }
    free(f.lines);
    free(f.sec);
    if (status != DIGS_OK) {
        digs_amber_topology_free(top);
        return digs_trace(status, __FILE__, __LINE__);
    }
    return DIGS_OK;
}

int digs_prmtop_read(const char *path, digs_amber_topology *top)
{
    char *text;
    memset(top, 0, sizeof *top);
    DIGS_CHECK(digs_top_read_text(path, "AMBER prmtop", &text));
    int status = digs_prmtop_parse(text, path, top);
    free(text);
    return status == DIGS_OK ? DIGS_OK
                             : digs_trace(status, __FILE__, __LINE__);
}

int digs_inpcrd_read(const char *path, int n_atoms, double *x)
{
    char *text;
    DIGS_CHECK(digs_top_read_text(path, "AMBER coordinate file", &text));
    int status = DIGS_OK, lineno = 1;
    char *line = text, *next;
    if (strncmp(text, "CDF", 3) == 0)
        status = DIGS_FAIL(DIGS_ERR_INPUT,
                           "%s: NetCDF restart files are not supported; "
                           "expected an ASCII inpcrd/rst7", path);
    /* line 1: title; line 2: atom count (I5 or I6) [time]. */
    next = status == DIGS_OK ? strchr(line, '\n') : NULL;
    if (status == DIGS_OK && !next)
        status = DIGS_FAIL(DIGS_ERR_INPUT, "%s:1: expected a title line and "
                           "an atom-count line", path);
    long n = -1;
    if (status == DIGS_OK) {
        line = next + 1;
        lineno = 2;
        char *end;
        n = strtol(line, &end, 10);
        if (end == line || n != n_atoms)
            status = DIGS_FAIL(DIGS_ERR_INPUT,
                               "%s:2: expected the atom count %d of the "
                               "topology, found '%.*s'", path, n_atoms,
                               (int)strcspn(line, "\r\n"), line);
        next = strchr(line, '\n');
    }
    long k = 0;
    while (status == DIGS_OK && next && next[1] && k < 3L * n_atoms) {
        line = next + 1;
        lineno++;
        next = strchr(line, '\n');
        int len = next ? (int)(next - line) : (int)strlen(line);
        if (len && line[len - 1] == '\r')
            len--;
        for (int c = 0; c + 1 <= len && k < 3L * n_atoms; c += 12) {
            int w = len - c < 12 ? len - c : 12;
            char field[16];
            memcpy(field, line + c, (size_t)w);
            field[w] = '\0';
            if (blank(field, w))
                break;
            char *end;
            double v = strtod(field, &end);
            while (*end == ' ')
                end++;
            if (end == field || *end || !isfinite(v)) {
                status = DIGS_FAIL(DIGS_ERR_INPUT,
                                   "%s:%d: expected coordinates of format "
                                   "6F12.7 (Å), found '%s'", path, lineno,
                                   field);
                break;
            }
            x[k++] = v * ANGSTROM_TO_NM;
        }
    }
    if (status == DIGS_OK && k < 3L * n_atoms)
        status = DIGS_FAIL(DIGS_ERR_INPUT,
                           "%s:%d: expected %d coordinates of format 6F12.7, "
                           "found %ld", path, lineno, 3 * n_atoms, k);
    free(text);
    return status;
}
