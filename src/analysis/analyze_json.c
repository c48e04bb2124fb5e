/* Streaming JSON writer (contract in analyze_json.h). */
#include "analysis/analyze_json.h"

#include <math.h>

/* Write s as a JSON string literal. */
static void quoted(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p == '\t')
            fputs("\\t", f);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

/* Separator, newline, indentation and "key": before a new member. */
static void member(digs_json *j, const char *key)
{
    if (j->count[j->depth]++)
        fputc(',', j->f);
    fputc('\n', j->f);
    for (int k = 0; k <= j->depth; k++)
        fputs("  ", j->f);
    if (key) {
        quoted(j->f, key);
        fputs(": ", j->f);
    }
}

static void finite_or_null(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.17g", v);
    else
        fputs("null", f);
}

static void open_level(digs_json *j, const char *key, char open, char close)
{
    member(j, key);
    fputc(open, j->f);
    if (j->depth + 1 < DIGS_JSON_DEPTH) {
        j->depth++;
        j->count[j->depth] = 0;
        j->close[j->depth] = close;
    }
}

void digs_json_begin(digs_json *j, FILE *f)
{
    j->f = f;
    j->depth = 0;
    j->count[0] = 0;
    j->close[0] = '}';
    fputc('{', f);
}

void digs_json_object(digs_json *j, const char *key)
{
    open_level(j, key, '{', '}');
}

void digs_json_array(digs_json *j, const char *key)
{
    open_level(j, key, '[', ']');
}

void digs_json_end(digs_json *j)
{
    if (j->depth == 0)
        return;
    if (j->count[j->depth]) {
        fputc('\n', j->f);
        for (int k = 0; k < j->depth; k++)
            fputs("  ", j->f);
    }
    fputc(j->close[j->depth], j->f);
    j->depth--;
}

void digs_json_finish(digs_json *j)
{
    while (j->depth > 0)
        digs_json_end(j);
    fputs("\n}\n", j->f);
}

void digs_json_number(digs_json *j, const char *key, double v)
{
    member(j, key);
    finite_or_null(j->f, v);
}

void digs_json_integer(digs_json *j, const char *key, long long v)
{
    member(j, key);
    fprintf(j->f, "%lld", v);
}

void digs_json_bool(digs_json *j, const char *key, int v)
{
    member(j, key);
    fputs(v ? "true" : "false", j->f);
}

void digs_json_string(digs_json *j, const char *key, const char *s)
{
    member(j, key);
    quoted(j->f, s ? s : "");
}

void digs_json_numbers(digs_json *j, const char *key, const double *v,
                       long n)
{
    member(j, key);
    fputc('[', j->f);
    for (long i = 0; i < n; i++) {
        if (i)
            fputs(", ", j->f);
        finite_or_null(j->f, v[i]);
    }
    fputc(']', j->f);
}
