/*
 * testutil.c - test helpers (see testutil.h).
 */
#define _GNU_SOURCE
#include "testutil.h"
#include "xalloc.h"
#include "strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

char *tu_tmpdir(void)
{
	const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char *tmpl = xasprintf("%s/rwb-test-XXXXXX", base);

	if (!mkdtemp(tmpl))
		fatal("mkdtemp: %s", strerror(errno));
	return tmpl;
}

void tu_rmtree(const char *path)
{
	char *const argv[] = { "rm", "-rf", (char *)path, NULL };
	if (path)
		tu_run(NULL, argv, NULL, NULL, NULL);
}

int tu_run(const char *cwd, char *const argv[], char *const extra_env[], char **out, char **err)
{
	int po[2], pe[2], status;
	pid_t pid;
	struct strbuf so = STRBUF_INIT, se = STRBUF_INIT;

	if (pipe2(po, O_CLOEXEC) || pipe2(pe, O_CLOEXEC))
		fatal("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		fatal("fork: %s", strerror(errno));
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);
		dup2(devnull, 0);
		dup2(po[1], 1);
		dup2(pe[1], 2);
		if (cwd && chdir(cwd) != 0)
			_exit(126);
		for (int i = 0; extra_env && extra_env[i]; i++)
			putenv(extra_env[i]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	struct pollfd fds[2] = { { po[0], POLLIN, 0 }, { pe[0], POLLIN, 0 } };
	int open_fds = 2;
	while (open_fds > 0) {
		if (poll(fds, 2, -1) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || !fds[i].revents)
				continue;
			char buf[65536];
			ssize_t n = read(fds[i].fd, buf, sizeof(buf));
			if (n <= 0) {
				close(fds[i].fd);
				fds[i].fd = -1;
				open_fds--;
			} else {
				strbuf_add(i == 0 ? &so : &se, buf, (size_t)n);
			}
		}
	}
	waitpid(pid, &status, 0);
	if (out)
		*out = strbuf_detach(&so);
	else
		strbuf_free(&so);
	if (err)
		*err = strbuf_detach(&se);
	else
		strbuf_free(&se);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int tu_sh(const char *cwd, const char *script)
{
	char *const argv[] = { "sh", "-ec", (char *)script, NULL };
	char *err = NULL;
	int rc = tu_run(cwd, argv, NULL, NULL, &err);
	if (rc != 0)
		fprintf(stderr, "tu_sh failed (%d): %s\n%s\n", rc, script, err ? err : "");
	free(err);
	return rc;
}

void tu_write(const char *path, const char *content)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	FILE *f;

	if (slash) {
		*slash = '\0';
		char *cmd = xasprintf("mkdir -p '%s'", dir);
		tu_sh(NULL, cmd);
		free(cmd);
	}
	free(dir);
	f = fopen(path, "w");
	if (!f)
		fatal("write %s: %s", path, strerror(errno));
	fputs(content, f);
	fclose(f);
}

char *tu_read(const char *path, size_t *len)
{
	return strbuf_read_file(path, 0, len);
}
