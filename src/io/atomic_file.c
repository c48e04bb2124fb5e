#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/status.h"
#include "io/atomic_file.h"

int digs_sync_path(const char *path, int directory)
{
    int fd = open(path, O_RDONLY | (directory ? O_DIRECTORY : 0));
    if (fd < 0)
        return DIGS_FAIL(DIGS_ERR_IO, "%s: cannot open to sync (%s)", path,
                         strerror(errno));
    int err = fsync(fd) != 0 ? errno : 0;
    close(fd);
    if (err)
        return DIGS_FAIL(DIGS_ERR_IO, "%s: fsync failed (%s)", path,
                         strerror(err));
    return DIGS_OK;
}

int digs_atomic_publish(const char *tmp, const char *path)
{
    DIGS_CHECK(digs_sync_path(tmp, 0));
    if (rename(tmp, path) != 0)
        return DIGS_FAIL(DIGS_ERR_IO, "%s: cannot rename %s over it (%s)",
                         path, tmp, strerror(errno));
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    return digs_sync_path(dir, 1);
}
