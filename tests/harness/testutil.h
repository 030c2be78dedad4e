/*
 * testutil.h - helpers for the unit and screen tests: temporary folders,
 * running commands, reading files.
 */
#ifndef RWB_TESTUTIL_H
#define RWB_TESTUTIL_H

#include <stddef.h>

/* A fresh temporary folder (allocated path); removed by tu_rmtree. */
char *tu_tmpdir(void);
void tu_rmtree(const char *path);
/* Runs argv (NULL-terminated) in cwd with stdin from /dev/null; captures
 * stdout and stderr (allocated, may be NULL); returns the exit status
 * (128+signal when killed). extra_env: NAME=VALUE strings or NULL. */
int tu_run(const char *cwd, char *const argv[], char *const extra_env[], char **out, char **err);
/* Runs a shell snippet with sh -c (test set-up only); returns exit status. */
int tu_sh(const char *cwd, const char *script);
/* Writes a file (creating parent folders). */
void tu_write(const char *path, const char *content);
/* Reads a whole file (allocated) or NULL. */
char *tu_read(const char *path, size_t *len);

#endif
