#include "core/deck.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "core/status.h"

typedef struct deck_entry {
    char *section;
    char *key;
    char *value;
    int line;
    int used;
} deck_entry;

typedef struct deck_section {
    char *name;
    int line;
    int used;
} deck_section;

struct digs_deck {
    char *filename;
    char *text;
    deck_entry *entries;
    int n_entries, cap_entries;
    deck_section *sections;
    int n_sections, cap_sections;
    char **asked;       /* "section\tkey" of every key a component asked for */
    int n_asked, cap_asked;
    int scan_line;      /* parser cursor: last line matched */
    int status;         /* first failure inside the inih callback */
};

static char *dup_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

int digs_deck_read_text(const char *path, char **text)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return DIGS_FAIL(DIGS_ERR_INPUT, "%s: cannot open input deck: %s",
                         path, strerror(errno));
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory reading %s", path);
    }
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                fclose(f);
                return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory reading %s",
                                 path);
            }
            buf = bigger;
            cap *= 2;
        }
    }
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        free(buf);
        return DIGS_FAIL(DIGS_ERR_INPUT, "%s: cannot read input deck", path);
    }
    buf[n] = '\0';
    if (memchr(buf, '\0', n)) {
        free(buf);
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: not a text file (NUL byte); expected an INI deck",
                         path);
    }
    *text = buf;
    return DIGS_OK;
}

/* Text of line `line` (1-based) trimmed into buf. */
static void line_text(const char *text, int line, char *buf, size_t size)
{
    const char *p = text;
    for (int l = 1; l < line && *p; l++) {
        p = strchr(p, '\n');
        if (!p) {
            buf[0] = '\0';
            return;
        }
        p++;
    }
    while (*p == ' ' || *p == '\t')
        p++;
    size_t n = strcspn(p, "\r\n");
    if (n >= size)
        n = size - 1;
    memcpy(buf, p, n);
    buf[n] = '\0';
}

/* inih reports no line numbers in Debian's build, so the deck finds them:
 * callbacks arrive in file order, so the next line after the cursor that
 * starts with the key (or "[section]") is the one being reported. */
static int find_line(digs_deck *d, const char *word, int is_section)
{
    char buf[1024];
    size_t wlen = strlen(word);
    for (int line = d->scan_line + 1;; line++) {
        const char *p = d->text;
        int l = 1;
        for (; l < line && *p; l++) {
            p = strchr(p, '\n');
            if (!p)
                return d->scan_line + 1;
            p++;
        }
        if (!*p)
            return d->scan_line + 1;
        line_text(d->text, line, buf, sizeof buf);
        if (is_section) {
            if (buf[0] == '[') {
                const char *q = buf + 1;
                while (*q == ' ' || *q == '\t')
                    q++;
                if (strncmp(q, word, wlen) == 0) {
                    d->scan_line = line;
                    return line;
                }
            }
        } else if (strncmp(buf, word, wlen) == 0) {
            char c = buf[wlen];
            if (c == '=' || c == ':' || c == ' ' || c == '\t') {
                d->scan_line = line;
                return line;
            }
        }
    }
}

/* Line of the header "[section]" anywhere in text, 0 if there is none
 * (for sections without keys, which inih never reports). */
static int header_line(const char *text, const char *section)
{
    size_t len = strlen(section);
    int line = 1;
    for (const char *p = text; *p; line++) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '[') {
            const char *q = p + 1;
            while (*q == ' ' || *q == '\t')
                q++;
            if (strncmp(q, section, len) == 0) {
                q += len;
                while (*q == ' ' || *q == '\t')
                    q++;
                if (*q == ']')
                    return line;
            }
        }
        p = strchr(p, '\n');
        if (!p)
            break;
        p++;
    }
    return 0;
}

static int add_section(digs_deck *d, const char *name, int line)
{
    if (d->n_sections == d->cap_sections) {
        int cap = d->cap_sections ? 2 * d->cap_sections : 8;
        deck_section *s = realloc(d->sections, cap * sizeof *s);
        if (!s)
            return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory parsing deck");
        d->sections = s;
        d->cap_sections = cap;
    }
    deck_section *s = &d->sections[d->n_sections++];
    s->name = dup_string(name);
    s->line = line;
    s->used = 0;
    if (!s->name)
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory parsing deck");
    return DIGS_OK;
}

static deck_section *find_section(const digs_deck *d, const char *name)
{
    for (int i = 0; i < d->n_sections; i++)
        if (strcmp(d->sections[i].name, name) == 0)
            return &d->sections[i];
    return NULL;
}

static deck_entry *find_entry(const digs_deck *d, const char *section,
                              const char *key)
{
    for (int i = 0; i < d->n_entries; i++)
        if (strcmp(d->entries[i].section, section) == 0 &&
            strcmp(d->entries[i].key, key) == 0)
            return &d->entries[i];
    return NULL;
}

static int on_entry(void *user, const char *section, const char *name,
                    const char *value)
{
    digs_deck *d = user;
    if (d->status)
        return 0;
    /* Debian's inih does not report section headers, so a section is
     * registered with its first key (an empty section is invisible). */
    if (section[0] != '\0' && !find_section(d, section)) {
        int header = find_line(d, section, 1);
        d->status = add_section(d, section, header);
        if (d->status)
            return 0;
    } else if (section[0] != '\0' && d->n_sections > 0 &&
               strcmp(d->sections[d->n_sections - 1].name, section) != 0) {
        int line = find_line(d, section, 1);
        d->status = DIGS_FAIL(DIGS_ERR_INPUT,
                              "%s:%d: section [%s] repeated (first at line "
                              "%d); expected each section once",
                              d->filename, line, section,
                              find_section(d, section)->line);
        return 0;
    }
    int line = find_line(d, name, 0);
    if (section[0] == '\0') {
        d->status = DIGS_FAIL(DIGS_ERR_INPUT,
                              "%s:%d: key '%s' before any [section]; expected "
                              "it inside a section such as [system] or [run]",
                              d->filename, line, name);
        return 0;
    }
    deck_entry *old = find_entry(d, section, name);
    if (old) {
        d->status = DIGS_FAIL(DIGS_ERR_INPUT,
                              "%s:%d: [%s] %s given twice (first at line %d); "
                              "expected each key once",
                              d->filename, line, section, name, old->line);
        return 0;
    }
    if (d->n_entries == d->cap_entries) {
        int cap = d->cap_entries ? 2 * d->cap_entries : 16;
        deck_entry *e = realloc(d->entries, cap * sizeof *e);
        if (!e) {
            d->status = DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory parsing deck");
            return 0;
        }
        d->entries = e;
        d->cap_entries = cap;
    }
    deck_entry *e = &d->entries[d->n_entries++];
    e->section = dup_string(section);
    e->key = dup_string(name);
    e->value = dup_string(value);
    e->line = line;
    e->used = 0;
    if (!e->section || !e->key || !e->value) {
        d->status = DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory parsing deck");
        return 0;
    }
    return 1;
}

int digs_deck_parse(digs_deck **out, const char *text, const char *filename)
{
    *out = NULL;
    digs_deck *d = calloc(1, sizeof *d);
    if (!d)
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory parsing deck");
    d->filename = dup_string(filename);
    d->text = dup_string(text);
    if (!d->filename || !d->text) {
        digs_deck_destroy(&d);
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory parsing deck");
    }
    ini_allow_multiline = 0; /* a continuation line is almost always a typo */
    int rc = ini_parse_string(d->text, on_entry, d);
    if (d->status) {
        int status = d->status;
        digs_deck_destroy(&d);
        return status;
    }
    if (rc != 0) {
        char buf[256];
        line_text(text, rc, buf, sizeof buf);
        int status = DIGS_FAIL(DIGS_ERR_INPUT,
                               "%s:%d: cannot parse '%s'; expected '[section]', "
                               "'key = value' or a comment starting with ';' "
                               "or '#'",
                               filename, rc, buf);
        digs_deck_destroy(&d);
        return status;
    }
    *out = d;
    return DIGS_OK;
}

void digs_deck_destroy(digs_deck **deck)
{
    digs_deck *d = *deck;
    if (!d)
        return;
    for (int i = 0; i < d->n_entries; i++) {
        free(d->entries[i].section);
        free(d->entries[i].key);
        free(d->entries[i].value);
    }
    for (int i = 0; i < d->n_sections; i++)
        free(d->sections[i].name);
    for (int i = 0; i < d->n_asked; i++)
        free(d->asked[i]);
    free(d->asked);
    free(d->entries);
    free(d->sections);
    free(d->filename);
    free(d->text);
    free(d);
    *deck = NULL;
}

const char *digs_deck_filename(const digs_deck *deck) { return deck->filename; }

const char *digs_deck_text(const digs_deck *deck) { return deck->text; }

int digs_deck_has_section(digs_deck *deck, const char *section)
{
    deck_section *s = find_section(deck, section);
    if (s)
        s->used = 1;
    return s != NULL;
}

int digs_deck_has_key(const digs_deck *deck, const char *section,
                      const char *key)
{
    return find_entry(deck, section, key) != NULL;
}

int digs_deck_line(const digs_deck *deck, const char *section, const char *key)
{
    if (key) {
        deck_entry *e = find_entry(deck, section, key);
        return e ? e->line : 0;
    }
    deck_section *s = find_section(deck, section);
    return s ? s->line : 0;
}

int digs_deck_reject(const digs_deck *deck, const char *section,
                     const char *key, const char *reason)
{
    deck_entry *e = find_entry(deck, section, key);
    if (e)
        return DIGS_FAIL(DIGS_ERR_INPUT, "%s:%d: [%s] %s = %s: %s",
                         deck->filename, e->line, section, key, e->value,
                         reason);
    deck_section *s = find_section(deck, section);
    return DIGS_FAIL(DIGS_ERR_INPUT, "%s:%d: [%s] %s: %s", deck->filename,
                     s ? s->line : 0, section, key, reason);
}

/* Remember that a component knows this key (for "expected one of"). */
static void remember_asked(digs_deck *deck, const char *section,
                           const char *key)
{
    size_t n = strlen(section) + strlen(key) + 2;
    for (int i = 0; i < deck->n_asked; i++) {
        const char *a = deck->asked[i];
        size_t sl = strlen(section);
        if (strncmp(a, section, sl) == 0 && a[sl] == '\t' &&
            strcmp(a + sl + 1, key) == 0)
            return;
    }
    if (deck->n_asked == deck->cap_asked) {
        int cap = deck->cap_asked ? 2 * deck->cap_asked : 16;
        char **a = realloc(deck->asked, cap * sizeof *a);
        if (!a)
            return; /* only degrades the hint of a later message */
        deck->asked = a;
        deck->cap_asked = cap;
    }
    char *entry = malloc(n);
    if (!entry)
        return;
    snprintf(entry, n, "%s\t%s", section, key);
    deck->asked[deck->n_asked++] = entry;
}

/* Levenshtein distance of two short words, capped at 3. */
static int edit_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > 60 || m > 60)
        return 3;
    int row[64];
    for (size_t j = 0; j <= m; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= n; i++) {
        int diag = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= m; j++) {
            int up = row[j];
            int best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[m] < 3 ? row[m] : 3;
}

/* An unread key of `section` that looks like a misspelling of `key`. */
static const deck_entry *find_typo(const digs_deck *d, const char *section,
                                   const char *key)
{
    for (int i = 0; i < d->n_entries; i++) {
        const deck_entry *e = &d->entries[i];
        if (!e->used && strcmp(e->section, section) == 0 &&
            edit_distance(e->key, key) <= 2)
            return e;
    }
    return NULL;
}

/* The value text of a key, or the default; NULL default = required. */
static int lookup(digs_deck *deck, const char *section, const char *key,
                  const char *dflt, const char *what, const char **value,
                  int *line)
{
    remember_asked(deck, section, key);
    deck_section *s = find_section(deck, section);
    if (s)
        s->used = 1;
    deck_entry *e = find_entry(deck, section, key);
    if (e) {
        e->used = 1;
        *value = e->value;
        *line = e->line;
        return DIGS_OK;
    }
    const deck_entry *typo = dflt ? NULL : find_typo(deck, section, key);
    if (typo)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s:%d: unknown key '%s' in [%s]; did you mean '%s' "
                         "(required: %s)?",
                         deck->filename, typo->line, typo->key, section, key,
                         what);
    if (!dflt) {
        /* an empty section is not registered (inih reports keys only):
         * find its header in the text */
        int at = s ? s->line : header_line(deck->text, section);
        if (at > 0)
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "%s:%d: missing required key '%s' in [%s]; "
                             "expected %s",
                             deck->filename, at, key, section, what);
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: missing required key '%s' in [%s] (no such "
                         "section); expected %s",
                         deck->filename, key, section, what);
    }
    *value = dflt;
    *line = 0;
    return DIGS_OK;
}

static int bad_value(const digs_deck *deck, int line, const char *section,
                     const char *key, const char *value, const char *expected)
{
    return DIGS_FAIL(DIGS_ERR_INPUT, "%s:%d: [%s] %s = '%s': expected %s",
                     deck->filename, line, section, key, value, expected);
}

int digs_deck_string(digs_deck *deck, const char *section, const char *key,
                     const char *dflt, const char **out)
{
    int line;
    DIGS_CHECK(lookup(deck, section, key, dflt, "a value", out, &line));
    if (**out == '\0')
        return bad_value(deck, line, section, key, *out, "a non-empty value");
    return DIGS_OK;
}

int digs_deck_long(digs_deck *deck, const char *section, const char *key,
                   const char *dflt, long min, long max, long *out)
{
    char expected[128];
    snprintf(expected, sizeof expected, "an integer in [%ld, %ld]", min, max);
    const char *value;
    int line;
    DIGS_CHECK(lookup(deck, section, key, dflt, expected, &value, &line));
    char *end;
    errno = 0;
    long v = strtol(value, &end, 10);
    if (end == value || *end != '\0' || errno == ERANGE || v < min || v > max)
        return bad_value(deck, line, section, key, value, expected);
    *out = v;
    return DIGS_OK;
}

static int parse_double(const char *text, double *out, const char **end_out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    *end_out = end;
    if (end == text || errno == ERANGE || !isfinite(v))
        return 0;
    *out = v;
    return 1;
}

int digs_deck_double(digs_deck *deck, const char *section, const char *key,
                     const char *dflt, double min, double max, double *out)
{
    char expected[128];
    snprintf(expected, sizeof expected, "a number in [%g, %g]", min, max);
    const char *value;
    int line;
    DIGS_CHECK(lookup(deck, section, key, dflt, expected, &value, &line));
    double v;
    const char *end;
    if (!parse_double(value, &v, &end) || *end != '\0' || v < min || v > max)
        return bad_value(deck, line, section, key, value, expected);
    *out = v;
    return DIGS_OK;
}

int digs_deck_doubles(digs_deck *deck, const char *section, const char *key,
                      const char *dflt, double min, double max,
                      double **values, int *n)
{
    char expected[160];
    snprintf(expected, sizeof expected,
             "a list of numbers in [%g, %g] separated by spaces or commas",
             min, max);
    const char *value;
    int line;
    DIGS_CHECK(lookup(deck, section, key, dflt, expected, &value, &line));
    int cap = 1;
    for (const char *p = value; *p; p++)
        if (*p == ' ' || *p == ',' || *p == '\t')
            cap++;
    double *v;
    DIGS_CALLOC(v, cap);
    int count = 0;
    const char *p = value;
    for (;;) {
        while (*p == ' ' || *p == ',' || *p == '\t')
            p++;
        if (!*p)
            break;
        const char *end;
        if (count == cap || !parse_double(p, &v[count], &end) ||
            v[count] < min || v[count] > max ||
            (*end && *end != ' ' && *end != ',' && *end != '\t')) {
            free(v);
            return bad_value(deck, line, section, key, value, expected);
        }
        count++;
        p = end;
    }
    if (count == 0) {
        free(v);
        return bad_value(deck, line, section, key, value, expected);
    }
    *values = v;
    *n = count;
    return DIGS_OK;
}

int digs_deck_choice(digs_deck *deck, const char *section, const char *key,
                     const char *dflt, const char *const *choices, int *index)
{
    char expected[512] = "one of";
    for (int i = 0; choices[i]; i++) {
        size_t used = strlen(expected);
        snprintf(expected + used, sizeof expected - used, "%s %s",
                 i ? " |" : "", choices[i]);
    }
    const char *value;
    int line;
    DIGS_CHECK(lookup(deck, section, key, dflt, expected, &value, &line));
    for (int i = 0; choices[i]; i++)
        if (strcmp(value, choices[i]) == 0) {
            *index = i;
            return DIGS_OK;
        }
    return bad_value(deck, line, section, key, value, expected);
}

int digs_deck_bool(digs_deck *deck, const char *section, const char *key,
                   const char *dflt, int *out)
{
    static const char *const words[] = {"no", "yes", "false", "true", "off",
                                        "on", "0", "1", NULL};
    int index;
    DIGS_CHECK(digs_deck_choice(deck, section, key, dflt, words, &index));
    *out = index % 2;
    return DIGS_OK;
}

static int check_unused(const digs_deck *deck, const char *only);

int digs_deck_check_unused(const digs_deck *deck)
{
    return check_unused(deck, NULL);
}

int digs_deck_check_unused_section(const digs_deck *deck, const char *section)
{
    return check_unused(deck, section);
}

/* Unused sections and keys (of section `only` when it is not NULL). */
static int check_unused(const digs_deck *deck, const char *only)
{
    for (int i = 0; i < deck->n_sections && !only; i++)
        if (!deck->sections[i].used)
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "%s:%d: unknown section [%s]; expected one of "
                             "[system] [run] [digs] [mala] [hmc] [pt] "
                             "[output] (see doc/deck.md)",
                             deck->filename, deck->sections[i].line,
                             deck->sections[i].name);
    for (int i = 0; i < deck->n_entries; i++) {
        const deck_entry *e = &deck->entries[i];
        if (e->used || (only && strcmp(e->section, only) != 0))
            continue;
        char known[600] = "";
        size_t sl = strlen(e->section);
        for (int k = 0; k < deck->n_asked; k++) {
            const char *a = deck->asked[k];
            if (strncmp(a, e->section, sl) == 0 && a[sl] == '\t') {
                size_t used = strlen(known);
                snprintf(known + used, sizeof known - used, " %s", a + sl + 1);
            }
        }
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s:%d: unknown key '%s' in [%s]; expected one "
                         "of:%s (see doc/deck.md)",
                         deck->filename, e->line, e->key, e->section,
                         known[0] ? known : " (no keys in this section for "
                                            "this run)");
    }
    return DIGS_OK;
}
