/* Status codes and error propagation.
 *
 * Contract: every fallible function returns an int status (DIGS_OK on
 * success).  The first failure records one user-facing message with
 * DIGS_FAIL; callers propagate with DIGS_CHECK, which appends the source
 * location to a trace.  Only the driver turns a status into an exit.
 *
 * The message buffer is thread-local (like errno): it is the one piece of
 * mutable state outside any object, and only the error path writes it. */
#ifndef DIGS_CORE_STATUS_H
#define DIGS_CORE_STATUS_H

enum digs_status {
    DIGS_OK = 0,
    DIGS_ERR_INPUT = 1,    /* bad user input: deck, coordinates, topology */
    DIGS_ERR_IO = 2,       /* a file could not be read or written */
    DIGS_ERR_NUMERIC = 3,  /* NaN or infinity where a finite value is needed */
    DIGS_ERR_MEMORY = 4,   /* allocation failed */
    DIGS_ERR_MPI = 5,      /* an MPI call failed */
    DIGS_ERR_INTERNAL = 6  /* a broken invariant: a bug in digs */
};

/* Record the message (printf format) of a new failure and return code. */
int digs_fail(int code, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Append file:line to the trace of the current failure and return code. */
int digs_trace(int code, const char *file, int line);

/* The user-facing message of the last failure ("" if none). */
const char *digs_error_message(void);

/* "file:line <- file:line ..." from the failure point outwards. */
const char *digs_error_trace(void);

void digs_error_clear(void);

/* Short name of a status code ("input error", ...). */
const char *digs_status_name(int code);

#define DIGS_FAIL(code, ...) digs_fail((code), __FILE__, __LINE__, __VA_ARGS__)

#define DIGS_CHECK(call)                                                     \
    do {                                                                     \
        int digs_check_status_ = (call);                                     \
        if (digs_check_status_ != DIGS_OK)                                   \
            return digs_trace(digs_check_status_, __FILE__, __LINE__);       \
    } while (0)

/* Allocate n elements of type T into ptr, failing with DIGS_ERR_MEMORY. */
#define DIGS_CALLOC(ptr, n)                                                  \
    do {                                                                     \
        size_t digs_n_ = (size_t)(n);                                        \
        (ptr) = calloc(digs_n_ ? digs_n_ : 1, sizeof *(ptr));                \
        if (!(ptr))                                                          \
            return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory (%zu elements)", \
                             digs_n_);                                       \
    } while (0)

#endif
