/* Loaded into backlings with LD_PRELOAD by the watch tests, to give it the machines that
   break file watching: one whose inotify watch limit is exhausted, one whose course lies on
   a network filesystem. Nothing changes unless the variables below are set.

   FAKE_INOTIFY_ENOSPC=1   inotify_add_watch fails with ENOSPC, as at fs.inotify.max_user_watches
   FAKE_FS_TYPE=0x6969     statfs of an `exercises` directory reports this filesystem (NFS) */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>

int inotify_add_watch(int fd, const char *path, uint32_t mask) {
    static int (*real)(int, const char *, uint32_t);
    if (getenv("FAKE_INOTIFY_ENOSPC")) {
        errno = ENOSPC;
        return -1;
    }
    if (!real) real = (int (*)(int, const char *, uint32_t))dlsym(RTLD_NEXT, "inotify_add_watch");
    return real(fd, path, mask);
}

int statfs(const char *path, struct statfs *buf) {
    static int (*real)(const char *, struct statfs *);
    if (!real) real = (int (*)(const char *, struct statfs *))dlsym(RTLD_NEXT, "statfs");
    int result = real(path, buf);
    const char *fake = getenv("FAKE_FS_TYPE");
    size_t len = strlen(path);
    const char *suffix = "/exercises";
    if (result == 0 && fake && len >= strlen(suffix) && strcmp(path + len - strlen(suffix), suffix) == 0)
        buf->f_type = strtol(fake, NULL, 0);
    return result;
}
