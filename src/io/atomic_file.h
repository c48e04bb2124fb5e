/* Durable atomic replacement of a file: write PATH.tmp, then
 * digs_atomic_publish(tmp, path) fsyncs it, renames it over PATH and
 * fsyncs the directory, so a crash leaves either the old or the new file,
 * never a torn one (checkpoints, DiKL model files).  POSIX; no MPI. */
#ifndef DIGS_IO_ATOMIC_FILE_H
#define DIGS_IO_ATOMIC_FILE_H

/* fsync the file (directory = 0) or directory (1) at path. */
int digs_sync_path(const char *path, int directory);

/* Make tmp durable, rename it over path, make the rename durable. */
int digs_atomic_publish(const char *tmp, const char *path);

#endif
