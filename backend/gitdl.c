/*
 * gitdl.c - libgit2, loaded the first time rwb calls it.
 *
 * Linking libgit2 costs every rwb process about 3 ms of CPU before main()
 * (measured: 3.9 ms for an empty program linked with it against 0.8 ms
 * without): libgit2 pulls in OpenSSL, Kerberos, mbed TLS and libssh2, and
 * OpenSSL probes the CPU at load, which is slow in a virtual machine. Most
 * command-line runs (`/memory-search`, `/audit-export`, `rwb mcp` answering
 * a memory tool) never touch git, and the memory store's peer is the sqlite3
 * CLI, which starts in about 1 ms. So rwb does not link libgit2: this file
 * defines every libgit2 function rwb calls, under libgit2's own name and
 * with git2.h's exact prototype (the compiler checks that), and each one
 * calls the real function from a dlopen() done once, on first use.
 *
 * The list of functions is generated into gitdl_syms.h by
 * scripts/gen-gitdl.py; a new libgit2 call fails to link until it is rerun.
 * git_libgit2_opts() is variadic and is forwarded by hand for the options
 * whose argument types are known. X_free(NULL) and a shutdown without an
 * init do nothing without loading libgit2 (cleanup paths call them).
 *
 * If libgit2 cannot be loaded (a broken install: the package is a
 * dependency), rwb prints one line and exits with status 3.
 */
#include "error.h"

#include <dlfcn.h>
#include <git2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#ifndef RWB_LIBGIT2_SONAME
#define RWB_LIBGIT2_SONAME "libgit2.so.1.5"
#endif

enum gitdl_index {
#define GITDL_FN(ret, name, params, args) GITDL_##name,
#define GITDL_VOID(name, params, args) GITDL_##name,
#define GITDL_FREE(name, params, args) GITDL_##name,
#include "gitdl_syms.h"
#undef GITDL_FN
#undef GITDL_VOID
#undef GITDL_FREE
	GITDL_git_libgit2_opts,
	GITDL_git_libgit2_shutdown,
	GITDL_COUNT
};

static const char *const gitdl_names[GITDL_COUNT] = {
#define GITDL_FN(ret, name, params, args) #name,
#define GITDL_VOID(name, params, args) #name,
#define GITDL_FREE(name, params, args) #name,
#include "gitdl_syms.h"
#undef GITDL_FN
#undef GITDL_VOID
#undef GITDL_FREE
	"git_libgit2_opts",
	"git_libgit2_shutdown",
};

static void *gitdl_fns[GITDL_COUNT];       /* filled once by gitdl_load() */
static pthread_once_t gitdl_once = PTHREAD_ONCE_INIT;
static atomic_bool gitdl_loaded;           /* gitdl_load() has run */

static void gitdl_die(const char *what)
{
	/* one line, then the exit handlers (the TUI's terminal restore) */
	fprintf(stderr, "rwb: cannot load libgit2 (%s): %s; install the libgit2-1.5 package\n",
		RWB_LIBGIT2_SONAME, what);
	exit(rwb_exit_status(RWB_EENV));
}

static void gitdl_load(void)
{
	void *lib = dlopen(RWB_LIBGIT2_SONAME, RTLD_NOW | RTLD_LOCAL);

	if (!lib)
		gitdl_die(dlerror());
	for (int i = 0; i < GITDL_COUNT; i++) {
		gitdl_fns[i] = dlsym(lib, gitdl_names[i]);
		if (!gitdl_fns[i])
			gitdl_die(gitdl_names[i]);
	}
	atomic_store(&gitdl_loaded, true);
}

static void *gitdl_fn(enum gitdl_index i)
{
	pthread_once(&gitdl_once, gitdl_load);
	return gitdl_fns[i];
}

#define GITDL_FN(ret, name, params, args) \
	ret name params { return ((__typeof__(&name))gitdl_fn(GITDL_##name)) args; }
#define GITDL_VOID(name, params, args) \
	void name params { ((__typeof__(&name))gitdl_fn(GITDL_##name)) args; }
/* X_free(NULL) is a no-op in libgit2: it loads nothing here either */
#define GITDL_FREE(name, params, args) \
	void name params { if (args) ((__typeof__(&name))gitdl_fn(GITDL_##name)) args; }
#include "gitdl_syms.h"
#undef GITDL_FN
#undef GITDL_VOID
#undef GITDL_FREE

/* Shutting down a libgit2 that was never loaded (never initialised) has
 * nothing to undo. */
int git_libgit2_shutdown(void)
{
	if (!atomic_load(&gitdl_loaded))
		return 0;
	return ((__typeof__(&git_libgit2_shutdown))gitdl_fn(GITDL_git_libgit2_shutdown))();
}

int git_libgit2_opts(int option, ...)
{
	__typeof__(&git_libgit2_opts) real = gitdl_fn(GITDL_git_libgit2_opts);
	va_list ap;
	int rc;

	va_start(ap, option);
	switch (option) {
	case GIT_OPT_ENABLE_CACHING:
	case GIT_OPT_ENABLE_STRICT_OBJECT_CREATION:
	case GIT_OPT_ENABLE_STRICT_SYMBOLIC_REF_CREATION:
	case GIT_OPT_ENABLE_OFS_DELTA:
	case GIT_OPT_ENABLE_FSYNC_GITDIR:
	case GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION:
	case GIT_OPT_ENABLE_UNSAVED_INDEX_SAFETY:
	case GIT_OPT_DISABLE_PACK_KEEP_FILE_CHECKS:
	case GIT_OPT_ENABLE_HTTP_EXPECT_CONTINUE:
	case GIT_OPT_SET_OWNER_VALIDATION:
		rc = real(option, va_arg(ap, int));
		break;
	case GIT_OPT_SET_MWINDOW_SIZE:
	case GIT_OPT_SET_MWINDOW_MAPPED_LIMIT:
	case GIT_OPT_SET_MWINDOW_FILE_LIMIT:
	case GIT_OPT_SET_PACK_MAX_OBJECTS:
		rc = real(option, va_arg(ap, size_t));
		break;
	case GIT_OPT_SET_SEARCH_PATH: {
		int level = va_arg(ap, int);
		rc = real(option, level, va_arg(ap, const char *));
		break;
	}
	default:
		/* an option rwb has not needed yet: add its argument types above */
		fprintf(stderr, "rwb: git_libgit2_opts(%d) is not forwarded by gitdl.c\n", option);
		abort();
	}
	va_end(ap);
	return rc;
}
