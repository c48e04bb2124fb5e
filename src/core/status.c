#include "core/status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum { MESSAGE_SIZE = 1024, TRACE_SIZE = 1024 };

static _Thread_local char error_message[MESSAGE_SIZE];
static _Thread_local char error_trace[TRACE_SIZE];

int digs_fail(int code, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(error_message, sizeof error_message, fmt, ap);
    va_end(ap);
    snprintf(error_trace, sizeof error_trace, "%s:%d", file, line);
    return code;
}

int digs_trace(int code, const char *file, int line)
{
    size_t used = strlen(error_trace);
    if (used + 8 < sizeof error_trace)
        snprintf(error_trace + used, sizeof error_trace - used, " <- %s:%d",
                 file, line);
    return code;
}

const char *digs_error_message(void) { return error_message; }

const char *digs_error_trace(void) { return error_trace; }

void digs_error_clear(void)
{
    error_message[0] = '\0';
    error_trace[0] = '\0';
}

const char *digs_status_name(int code)
{
    switch (code) {
    case DIGS_OK: return "ok";
    case DIGS_ERR_INPUT: return "input error";
    case DIGS_ERR_IO: return "I/O error";
    case DIGS_ERR_NUMERIC: return "numerical error";
    case DIGS_ERR_MEMORY: return "out of memory";
    case DIGS_ERR_MPI: return "MPI error";
    case DIGS_ERR_INTERNAL: return "internal error";
    default: return "unknown error";
    }
}
