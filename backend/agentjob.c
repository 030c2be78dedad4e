/*
 * agentjob.c - an agent's job, written so that a person on the same store
 * can watch it live (see agentjob.h for the design).
 *
 * The live output is a stdio stream made with fopencookie(): unbuffered,
 * each write goes to `also` (stderr, which `rwb mcp` reads for its
 * progress notifications) and to the file, so the command's code keeps
 * writing to one FILE * as it does on the command line.
 *
 * Never: let a full disk or a cut file change what the command does or
 * answers; unlink a file whose path the store names but rwb did not make.
 */
#define _GNU_SOURCE
#include "agentjob.h"
#include "error.h"
#include "sanitize.h"
#include "store.h"
#include "strbuf.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SUMMARY_MAX 200

struct agentjob_log {
	int fd;                      /* the output file, -1 once closed */
	size_t written;              /* bytes in the file, at most AGENTJOB_LOG_MAX */
	bool cut;                    /* the note about the cut was written */
	FILE *also;                  /* borrowed: stderr or NULL */
	FILE *stream;                /* owned: the tee */
	char *path;                  /* owned */
};

static void write_all(int fd, const char *buf, size_t n)
{
	while (n) {
		ssize_t k = write(fd, buf, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return;  /* a full disk: the rest is lost, the command goes on */
		buf += k;
		n -= (size_t)k;
	}
}

static void log_put(struct agentjob_log *l, const char *buf, size_t n)
{
	static const char note[] = "\n[rwb: output cut here: the file keeps 16 MiB]\n";

	if (l->fd < 0 || l->cut)
		return;
	if (l->written + n > AGENTJOB_LOG_MAX) {
		n = AGENTJOB_LOG_MAX - l->written;
		l->cut = true;
	}
	write_all(l->fd, buf, n);
	l->written += n;
	if (l->cut)
		write_all(l->fd, note, sizeof(note) - 1);
}

static ssize_t tee_write(void *cookie, const char *buf, size_t n)
{
	struct agentjob_log *l = cookie;

	if (l->also) {
		fwrite(buf, 1, n, l->also);
		fflush(l->also);
	}
	log_put(l, buf, n);
	return (ssize_t)n;
}

static int tee_close(void *cookie)
{
	(void)cookie;
	return 0;
}

static char *jobs_dir(const char *db_path)
{
	return xasprintf("%s.jobs", db_path);
}

int agentjob_log_open(struct agentjob_log **out, const char *db_path, FILE *also)
{
	struct agentjob_log *l;
	char *dir = jobs_dir(db_path);
	struct timespec ts;
	int fd;

	*out = NULL;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		free(dir);
		return RWB_EIO;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	l = xcalloc(1, sizeof(*l));
	l->path = xasprintf("%s/%lld-%d.log", dir,
			    (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, (int)getpid());
	free(dir);
	fd = open(l->path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		free(l->path);
		free(l);
		return RWB_EIO;
	}
	l->fd = fd;
	l->also = also;
	l->stream = fopencookie(l, "w", (cookie_io_functions_t){ .write = tee_write, .close = tee_close });
	if (!l->stream) {
		close(fd);
		unlink(l->path);
		free(l->path);
		free(l);
		return RWB_EIO;
	}
	setvbuf(l->stream, NULL, _IONBF, 0);
	*out = l;
	return RWB_OK;
}

const char *agentjob_log_path(const struct agentjob_log *l)
{
	return l->path;
}

FILE *agentjob_log_stream(struct agentjob_log *l)
{
	return l->stream;
}

void agentjob_log_append(struct agentjob_log *l, const char *text, size_t len)
{
	if (l)
		log_put(l, text, len);
}

void agentjob_log_close(struct agentjob_log *l)
{
	if (!l)
		return;
	fclose(l->stream);
	if (l->fd >= 0)
		close(l->fd);
	free(l->path);
	free(l);
}

char *agentjob_summary(const char *error, const char *human, int status)
{
	const char *text = status != 0 && error && *error ? error : human;
	struct strbuf sb = STRBUF_INIT;
	char *line;

	while (text && (*text == '\n' || *text == '\r' || *text == ' '))
		text++;
	if (text && *text) {
		size_t n = strcspn(text, "\r\n");
		sanitize_text(&sb, text, n, 0);
	} else if (status == 0) {
		strbuf_adds(&sb, "done");
	} else {
		strbuf_addf(&sb, "exit %d", status);
	}
	line = strbuf_detach(&sb);
	if (strlen(line) > SUMMARY_MAX) {
		size_t n = SUMMARY_MAX;
		while (n && ((unsigned char)line[n] & 0xC0) == 0x80)
			n--;  /* never cut a UTF-8 sequence */
		strcpy(line + n, "...");
	}
	return line;
}

bool agentjob_path_ok(const char *db_path, const char *path)
{
	char *dir = jobs_dir(db_path), *rd = NULL, *rp = NULL;
	const char *base;
	size_t n, d;
	bool ok = false;

	/* the store's path may be spelled differently by each process
	 * (relative, through a link): compare where they really are; a file
	 * that is itself a link resolves elsewhere and is refused */
	if (!path || !(rd = realpath(dir, NULL)) || !(rp = realpath(path, NULL)))
		goto out;
	n = strlen(rd);
	if (strncmp(rp, rd, n) != 0 || rp[n] != '/')
		goto out;
	base = rp + n + 1;
	/* <digits>-<digits>.log and nothing else */
	d = strspn(base, "0123456789");
	if (!d || base[d] != '-')
		goto out;
	base += d + 1;
	d = strspn(base, "0123456789");
	ok = d && strcmp(base + d, ".log") == 0;
out:
	free(dir);
	free(rd);
	free(rp);
	return ok;
}

int agentjob_kept(void)
{
	const char *v = getenv("RWB_FINISHED_TABS");
	char *end;
	long n;

	if (!v || !*v)
		return AGENTJOB_KEPT_DEFAULT;
	n = strtol(v, &end, 10);
	return *end || n < 0 || n > 1000 ? AGENTJOB_KEPT_DEFAULT : (int)n;
}

int agentjob_prune(struct store *s, int keep)
{
	sqlite3_stmt *st = NULL;
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	int rc = store_prepare(s, &st, "SELECT id, output FROM jobs WHERE output IS NOT NULL"
			       " AND ended_at IS NOT NULL ORDER BY id DESC LIMIT -1 OFFSET ?1");

	if (rc)
		return rc;
	sqlite3_bind_int(st, 1, keep);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *path = (const char *)sqlite3_column_text(st, 1);
		if (agentjob_path_ok(s->path, path))
			unlink(path);
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			ids = xrealloc(ids, cap * sizeof(*ids));
		}
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	rc = rc == SQLITE_DONE ? RWB_OK : store_error(s, rc);
	sqlite3_finalize(st);
	for (size_t i = 0; i < n && !rc; i++) {
		rc = store_prepare(s, &st, "UPDATE jobs SET output = NULL WHERE id = ?1");
		if (rc)
			break;
		sqlite3_bind_int64(st, 1, ids[i]);
		rc = store_step_write(s, st);
		rc = rc == SQLITE_DONE ? RWB_OK : store_error(s, rc);
		sqlite3_finalize(st);
	}
	free(ids);
	return rc;
}

int64_t agentjob_last_id(struct store *s)
{
	sqlite3_stmt *st = NULL;
	int64_t id = 0;

	if (store_prepare(s, &st, "SELECT max(id) FROM jobs") != RWB_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return id;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const char *t = (const char *)sqlite3_column_text(st, i);

	return t ? xstrdup(t) : NULL;
}

#define AGENTJOB_COLUMNS "SELECT id, name, args, agent, output, summary, ended_at IS NOT NULL," \
	" coalesce(exit_status, 0), coalesce(duration_ms, 0) FROM jobs "

static void row_read(sqlite3_stmt *st, struct agentjob *j)
{
	j->id = sqlite3_column_int64(st, 0);
	j->name = col_dup(st, 1);
	j->args = col_dup(st, 2);
	j->agent = col_dup(st, 3);
	j->output = col_dup(st, 4);
	j->summary = col_dup(st, 5);
	j->ended = sqlite3_column_int(st, 6) != 0;
	j->exit_status = sqlite3_column_int(st, 7);
	j->duration_ms = sqlite3_column_int64(st, 8);
}

static int rows_each(struct store *s, sqlite3_stmt *st,
		     int (*cb)(void *data, const struct agentjob *j), void *data)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct agentjob j = { 0 };
		int stop;
		row_read(st, &j);
		stop = cb(data, &j);
		agentjob_release(&j);
		if (stop)
			break;
	}
	rc = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? RWB_OK : store_error(s, rc);
	sqlite3_finalize(st);
	return rc;
}

int agentjob_since(struct store *s, int64_t after,
		   int (*cb)(void *data, const struct agentjob *j), void *data)
{
	sqlite3_stmt *st = NULL;
	int rc = store_prepare(s, &st, AGENTJOB_COLUMNS "WHERE agent IS NOT NULL AND id > ?1 ORDER BY id");

	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, after);
	return rows_each(s, st, cb, data);
}

int agentjob_running(struct store *s, int (*cb)(void *data, const struct agentjob *j), void *data)
{
	sqlite3_stmt *st = NULL;
	int rc = store_prepare(s, &st, AGENTJOB_COLUMNS "WHERE agent IS NOT NULL AND ended_at IS NULL"
			       " AND output IS NOT NULL ORDER BY id");

	if (rc)
		return rc;
	return rows_each(s, st, cb, data);
}

int agentjob_pid(const struct agentjob *j)
{
	const char *dash = j->output ? strrchr(j->output, '-') : NULL;
	long pid = dash ? strtol(dash + 1, NULL, 10) : 0;

	return pid > 0 && pid < (1L << 30) ? (int)pid : 0;
}

int agentjob_get(struct store *s, int64_t id, struct agentjob *out)
{
	sqlite3_stmt *st = NULL;
	int rc = store_prepare(s, &st, AGENTJOB_COLUMNS "WHERE id = ?1");

	memset(out, 0, sizeof(*out));
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		row_read(st, out);
		rc = RWB_OK;
	} else {
		rc = rc == SQLITE_DONE ? RWB_ENOTFOUND : store_error(s, rc);
	}
	sqlite3_finalize(st);
	return rc;
}

void agentjob_release(struct agentjob *j)
{
	if (!j)
		return;
	free(j->name);
	free(j->args);
	free(j->agent);
	free(j->output);
	free(j->summary);
	memset(j, 0, sizeof(*j));
}
