/* A minimal streaming JSON writer for `digs analyze --json` and the plot
 * data (--plot).  Keys are written in call order, nesting up to
 * DIGS_JSON_DEPTH levels; non-finite numbers become null.  Inside arrays
 * pass key = NULL.  Errors of the underlying FILE are checked by the
 * caller (ferror / fclose). */
#ifndef DIGS_ANALYSIS_ANALYZE_JSON_H
#define DIGS_ANALYSIS_ANALYZE_JSON_H

#include <stdio.h>

enum { DIGS_JSON_DEPTH = 16 };

typedef struct digs_json {
    FILE *f;
    int depth;
    int count[DIGS_JSON_DEPTH];   /* members written at each level */
    char close[DIGS_JSON_DEPTH];  /* '}' or ']' ending each level */
} digs_json;

/* Start the root object. */
void digs_json_begin(digs_json *j, FILE *f);

/* Close every open level and end the document with a newline. */
void digs_json_finish(digs_json *j);

void digs_json_object(digs_json *j, const char *key);
void digs_json_array(digs_json *j, const char *key);
void digs_json_end(digs_json *j);          /* closes an object or array */

void digs_json_number(digs_json *j, const char *key, double v);
void digs_json_integer(digs_json *j, const char *key, long long v);
void digs_json_bool(digs_json *j, const char *key, int v);
void digs_json_string(digs_json *j, const char *key, const char *s);

/* An array of n numbers on one line. */
void digs_json_numbers(digs_json *j, const char *key, const double *v,
                       long n);

#endif
