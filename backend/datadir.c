/*
 * datadir.c - the data folder, found from the binary's own path (datadir.h).
 */
#include "datadir.h"
#include "xalloc.h"

#ifndef RWB_DATA_FROM_BIN
#define RWB_DATA_FROM_BIN "../share/rwb"
#endif

#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The folder holding the running binary (allocated), or NULL. */
static char *exe_dir(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	return xstrdup(buf[0] ? buf : "/");
}

static char *try_file(const char *dir, const char *rel)
{
	char *path = xasprintf("%s/%s", dir, rel);
	struct stat st;

	if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
		return path;
	free(path);
	return NULL;
}

char *datadir_find(const char *rel)
{
	const char *env = getenv("RWB_DATA_DIR");
	char *exe, *dir, *path = NULL;

	if (env && *env && (path = try_file(env, rel)))
		return path;
	exe = exe_dir();
	if (!exe)
		return NULL;
	/* installed: PREFIX/bin/rwb -> PREFIX/share/rwb (the step CMake
	 * computed from the install layout); the build tree: build/rwb ->
	 * build/share/rwb, and its tests build/tests/test_x -> the same */
	static const char *const steps[] = { RWB_DATA_FROM_BIN, "share/rwb", "../share/rwb" };
	for (size_t i = 0; !path && i < sizeof(steps) / sizeof(steps[0]); i++) {
		dir = xasprintf("%s/%s", exe, steps[i]);
		path = try_file(dir, rel);
		free(dir);
	}
	free(exe);
	return path;
}
