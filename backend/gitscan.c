/*
 * gitscan.c - the parallel stat scan behind /git-status (see gitscan.h).
 *
 * Work items are directories: a range of the sorted index whose paths
 * share the folder's prefix (in a bytewise-sorted list every path under
 * "a/" is contiguous). A worker opens the folder relative to the work
 * tree (O_NOFOLLOW: a folder replaced by a symlink is never followed),
 * reads its names, lstat's each tracked file by name (fstatat on the open
 * folder, so the kernel walks one component, not the whole path), claims
 * the names the index knows, queues the subfolders that really are
 * folders, and records every other name as doubtful. Workers share one
 * queue under a mutex; each keeps its own list of doubtful paths, so the
 * hot loop takes no lock.
 */
#define _GNU_SOURCE /* O_DIRECTORY, O_NOFOLLOW, fdopendir */
#include "gitscan.h"
#include "error.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define GITSCAN_MAX_THREADS 8

struct item {
	size_t lo, hi;           /* the index range under this folder */
	size_t plen;             /* prefix length, with the trailing '/' (0: the root) */
};

struct worker {
	struct gitscan *s;       /* borrowed: the scan it works for */
	pthread_t tid;
	bool started;            /* tid is a running thread to join */
	char **paths;            /* owned: doubtful paths found by this worker */
	size_t n, cap;
};

struct gitscan {
	int rootfd;              /* owned: the work tree folder */
	const struct gitscan_entry *e; /* borrowed, sorted */
	size_t n;
	int64_t index_mtime_s;
	size_t limit;
	pthread_mutex_t mu;      /* guards everything below */
	pthread_cond_t cv;       /* signalled on new items and when all work is done */
	struct item *queue;      /* owned: a stack of folders to read */
	size_t nqueue, capqueue;
	int busy;                /* workers processing an item */
	size_t ndoubt;           /* doubtful paths so far (all workers) */
	bool too_many, failed;   /* give up: past the limit / the root is unreadable */
	int nworkers;
	struct worker w[GITSCAN_MAX_THREADS];
};

struct dent {
	char *name;              /* points into the folder's name buffer */
	unsigned char type;      /* d_type */
	bool claimed;            /* the index knows this name */
};

static uint32_t canonical_mode(mode_t m)
{
	if (S_ISREG(m))
		return (m & S_IXUSR) ? 0100755 : 0100644;
	if (S_ISLNK(m))
		return 0120000;
	return 0;
}

bool gitscan_stat_clean(const struct gitscan_entry *e, const struct stat *st, int64_t index_mtime_s)
{
	uint32_t mode = canonical_mode(st->st_mode);

	if (e->suspect || mode == 0 || mode != e->mode)
		return false;
	if ((uint32_t)st->st_size != e->size || (uint32_t)st->st_ino != e->ino ||
	    (uint32_t)st->st_uid != e->uid || (uint32_t)st->st_gid != e->gid)
		return false;
	if ((uint32_t)st->st_mtim.tv_sec != e->mtime_s || (uint32_t)st->st_mtim.tv_nsec != e->mtime_ns ||
	    (uint32_t)st->st_ctim.tv_sec != e->ctime_s || (uint32_t)st->st_ctim.tv_nsec != e->ctime_ns)
		return false;
	/* racy git: changed in the second the index was written, or later;
	 * git compares nanoseconds, whole seconds are stricter */
	return (int64_t)e->mtime_s < index_mtime_s;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* git's offset varint (varint.c: each continuation adds one). */
static bool read_varint(uint64_t *out, const unsigned char **p, const unsigned char *end)
{
	uint64_t v;
	unsigned char c;

	if (*p >= end)
		return false;
	c = *(*p)++;
	v = c & 127;
	while (c & 128) {
		if (*p >= end || v > (UINT64_MAX >> 8))
			return false;
		c = *(*p)++;
		v = ((v + 1) << 7) | (c & 127);
	}
	*out = v;
	return true;
}

/* The root entry of a TREE extension's data: "" NUL, entry count, ' ',
 * subtree count, '\n', id. */
static int read_tree_ext(struct gitscan_index *ix, const unsigned char *d, size_t size)
{
	const unsigned char *p, *end = d + size;
	char num[16];
	size_t k = 0;

	if (size < 1 || d[0] != 0)
		return RWB_EINPUT;
	for (p = d + 1; p < end && *p != ' ' && k < sizeof(num) - 1; p++)
		num[k++] = (char)*p;
	num[k] = 0;
	if (p >= end || *p != ' ' || k == 0)
		return RWB_EINPUT;
	if (strtol(num, NULL, 10) < 0)
		return 0; /* invalidated since it was written */
	p = memchr(p, '\n', (size_t)(end - p));
	if (!p || (size_t)(end - (p + 1)) < 20)
		return RWB_EINPUT;
	memcpy(ix->tree, p + 1, 20);
	ix->has_tree = true;
	return 0;
}

int gitscan_index_read(struct gitscan_index **out, const unsigned char *buf, size_t len)
{
	struct gitscan_index *ix;
	const unsigned char *p, *end;
	size_t *offs = NULL, plen = 0, pcap = 0, prev_off = 0, prev_len = 0;
	uint32_t version, n;
	int rc = RWB_EINPUT;

	*out = NULL;
	if (len < 12 + 20 || memcmp(buf, "DIRC", 4) != 0)
		return RWB_EINPUT;
	version = be32(buf + 4);
	n = be32(buf + 8);
	end = buf + len - 20; /* the trailing checksum */
	if (version < 2 || version > 4 || n > (len - 32) / 62)
		return RWB_EINPUT;
	ix = xcalloc(1, sizeof(*ix));
	memcpy(ix->checksum, end, 20);
	ix->plain = true;
	ix->entries = xcalloc(n ? n : 1, sizeof(*ix->entries));
	offs = xcalloc(n ? n : 1, sizeof(*offs));
	p = buf + 12;
	for (uint32_t i = 0; i < n; i++) {
		struct gitscan_entry *e = &ix->entries[i];
		const unsigned char *ent = p, *name;
		uint16_t flags, xflags = 0;
		size_t keep = 0, nlen;
		const unsigned char *z;

		if ((size_t)(end - p) < 62)
			goto out;
		e->ctime_s = be32(p);
		e->ctime_ns = be32(p + 4);
		e->mtime_s = be32(p + 8);
		e->mtime_ns = be32(p + 12);
		e->ino = be32(p + 20);
		e->mode = be32(p + 24);
		e->uid = be32(p + 28);
		e->gid = be32(p + 32);
		e->size = be32(p + 36);
		flags = (uint16_t)(p[60] << 8 | p[61]);
		p += 62;
		if (flags & 0x4000) { /* extended flags */
			if (version < 3 || end - p < 2)
				goto out;
			xflags = (uint16_t)(p[0] << 8 | p[1]);
			p += 2;
		}
		if (version == 4) {
			uint64_t strip;
			if (!read_varint(&strip, &p, end) || strip > prev_len)
				goto out;
			keep = prev_len - (size_t)strip;
		}
		name = p;
		if ((z = memchr(p, 0, (size_t)(end - p))) == NULL)
			goto out;
		nlen = (size_t)(z - name);
		if (keep + nlen == 0)
			goto out;
		if (plen + keep + nlen + 1 > pcap) {
			pcap = pcap ? pcap * 2 : 65536;
			while (pcap < plen + keep + nlen + 1)
				pcap *= 2;
			ix->paths = xrealloc(ix->paths, pcap);
		}
		memmove(ix->paths + plen, ix->paths + prev_off, keep);
		memcpy(ix->paths + plen + keep, name, nlen);
		ix->paths[plen + keep + nlen] = 0;
		offs[i] = plen;
		if (i && strcmp(ix->paths + prev_off, ix->paths + plen) > 0)
			goto out; /* not sorted bytewise (core.ignorecase?) */
		prev_off = plen;
		prev_len = keep + nlen;
		plen += keep + nlen + 1;
		p = version == 4 ? z + 1 : ent + ((size_t)(z - ent) + 8) / 8 * 8;
		if (p > end)
			goto out;
		e->suspect = (flags & 0xb000) != 0 || (xflags & 0x6000) != 0 ||
			     (e->mode != 0100644 && e->mode != 0100755 && e->mode != 0120000);
		if ((flags & 0x3000) || (xflags & 0x6000))
			ix->plain = false;
	}
	while ((size_t)(end - p) >= 8) {
		uint32_t size = be32(p + 4);
		if (size > (size_t)(end - p) - 8)
			goto out;
		if (memcmp(p, "link", 4) == 0 || memcmp(p, "sdir", 4) == 0)
			goto out; /* split or sparse index: libgit2's business */
		if (memcmp(p, "TREE", 4) == 0 && read_tree_ext(ix, p + 8, size) != 0)
			goto out;
		p += 8 + size;
	}
	if (p != end)
		goto out;
	for (uint32_t i = 0; i < n; i++)
		ix->entries[i].path = ix->paths + offs[i];
	ix->n = n;
	rc = 0;
out:
	free(offs);
	if (rc) {
		gitscan_index_free(ix);
		return rc;
	}
	*out = ix;
	return 0;
}

void gitscan_index_free(struct gitscan_index *ix)
{
	if (!ix)
		return;
	free(ix->entries);
	free(ix->paths);
	free(ix);
}

/* The first entry whose path is >= key. */
static size_t lower_bound(const struct gitscan_index *ix, const char *key)
{
	size_t lo = 0, hi = ix->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(ix->entries[mid].path, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct gitscan_entry *gitscan_index_find(const struct gitscan_index *ix, const char *path)
{
	size_t i = lower_bound(ix, path);
	return i < ix->n && strcmp(ix->entries[i].path, path) == 0 ? &ix->entries[i] : NULL;
}

bool gitscan_index_has_dir(const struct gitscan_index *ix, const char *dir)
{
	size_t n = strlen(dir), i;
	char *key = xmalloc(n + 2);
	bool has;

	memcpy(key, dir, n);
	key[n] = '/';
	key[n + 1] = 0;
	i = lower_bound(ix, key);
	has = i < ix->n && strncmp(ix->entries[i].path, key, n + 1) == 0;
	free(key);
	return has;
}

static void doubt(struct worker *w, const char *path, size_t len)
{
	struct gitscan *s = w->s;

	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 64;
		w->paths = xrealloc(w->paths, w->cap * sizeof(*w->paths));
	}
	w->paths[w->n++] = xstrndup(path, len);
	pthread_mutex_lock(&s->mu);
	if (++s->ndoubt > s->limit)
		s->too_many = true;
	pthread_mutex_unlock(&s->mu);
}

static void push_item(struct gitscan *s, size_t lo, size_t hi, size_t plen)
{
	pthread_mutex_lock(&s->mu);
	if (s->nqueue == s->capqueue) {
		s->capqueue = s->capqueue ? s->capqueue * 2 : 64;
		s->queue = xrealloc(s->queue, s->capqueue * sizeof(*s->queue));
	}
	s->queue[s->nqueue++] = (struct item){ .lo = lo, .hi = hi, .plen = plen };
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

static int dent_cmp(const void *a, const void *b)
{
	return strcmp(((const struct dent *)a)->name, ((const struct dent *)b)->name);
}

static struct dent *find_dent(struct dent *d, size_t n, const char *name)
{
	struct dent key = { .name = (char *)name };
	return bsearch(&key, d, n, sizeof(*d), dent_cmp);
}

static bool is_dir(int dfd, const struct dent *d)
{
	struct stat st;

	if (d->type == DT_DIR)
		return true;
	if (d->type != DT_UNKNOWN)
		return false;
	return fstatat(dfd, d->name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

/* Reads one folder; returns false only when the root cannot be read. */
static bool scan_dir(struct worker *w, const struct item *it)
{
	struct gitscan *s = w->s;
	const struct gitscan_entry *e = s->e;
	const char *prefix = it->plen ? e[it->lo].path : "";
	struct dent *ents = NULL;
	char *names = NULL;
	size_t nents = 0, cap = 0, nlen_all = 0, cap_names = 0, i;
	struct dirent *de;
	char *dirpath;
	DIR *dir;
	int fd, dfd;

	dirpath = it->plen ? xstrndup(prefix, it->plen - 1) : xstrdup(".");
	fd = openat(s->rootfd, dirpath, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	free(dirpath);
	if (fd < 0 || (dir = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		if (!it->plen)
			return false;
		doubt(w, prefix, it->plen - 1); /* gone or replaced since its parent was read */
		return true;
	}
	dfd = dirfd(dir);
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2])))
			continue;
		size_t len = strlen(de->d_name) + 1;
		if (nents == cap) {
			cap = cap ? cap * 2 : 64;
			ents = xrealloc(ents, cap * sizeof(*ents));
		}
		if (nlen_all + len > cap_names) {
			cap_names = cap_names ? cap_names * 2 : 4096;
			while (cap_names < nlen_all + len)
				cap_names *= 2;
			names = xrealloc(names, cap_names);
		}
		memcpy(names + nlen_all, de->d_name, len);
		/* the offset for now: names may still move */
		ents[nents++] = (struct dent){ .name = (char *)(uintptr_t)nlen_all, .type = de->d_type };
		nlen_all += len;
	}
	for (i = 0; i < nents; i++)
		ents[i].name = names + (uintptr_t)ents[i].name;
	qsort(ents, nents, sizeof(*ents), dent_cmp);

	for (i = it->lo; i < it->hi;) {
		const char *rest = e[i].path + it->plen;
		const char *slash = strchr(rest, '/');
		struct dent *d;

		if (!slash) {
			struct stat st;
			d = find_dent(ents, nents, rest);
			if (d)
				d->claimed = true;
			if (!d || fstatat(dfd, rest, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
			    !gitscan_stat_clean(&e[i], &st, s->index_mtime_s))
				doubt(w, e[i].path, strlen(e[i].path));
			i++;
		} else {
			size_t nlen = (size_t)(slash - rest), j = i + 1;
			char *name = xstrndup(rest, nlen);
			while (j < it->hi && strncmp(e[j].path + it->plen, rest, nlen + 1) == 0)
				j++;
			d = find_dent(ents, nents, name);
			free(name);
			if (d)
				d->claimed = true;
			if (d && is_dir(dfd, d))
				push_item(s, i, j, it->plen + nlen + 1);
			else
				doubt(w, e[i].path, it->plen + nlen); /* the folder went away or changed type */
			i = j;
		}
	}
	for (i = 0; i < nents; i++) {
		if (!ents[i].claimed && !(it->plen == 0 && strcmp(ents[i].name, ".git") == 0)) {
			size_t nlen = strlen(ents[i].name);
			char *path = xmalloc(it->plen + nlen + 1);
			memcpy(path, prefix, it->plen);
			memcpy(path + it->plen, ents[i].name, nlen + 1);
			doubt(w, path, it->plen + nlen); /* untracked or ignored: libgit2 decides */
			free(path);
		}
	}
	free(names);
	free(ents);
	closedir(dir);
	return true;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct gitscan *s = w->s;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		struct item it;
		bool ok;

		while (s->nqueue == 0 && s->busy > 0 && !s->too_many && !s->failed)
			pthread_cond_wait(&s->cv, &s->mu);
		if (s->nqueue == 0 || s->too_many || s->failed)
			break;
		it = s->queue[--s->nqueue];
		s->busy++;
		pthread_mutex_unlock(&s->mu);
		ok = scan_dir(w, &it);
		pthread_mutex_lock(&s->mu);
		s->busy--;
		if (!ok)
			s->failed = true;
		if ((s->nqueue == 0 && s->busy == 0) || s->failed || s->too_many)
			pthread_cond_broadcast(&s->cv);
	}
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

int gitscan_start(struct gitscan **out, const char *workdir, const struct gitscan_entry *entries, size_t n,
		  int64_t index_mtime_s, int threads, size_t limit)
{
	struct gitscan *s;
	sigset_t all, old;
	int fd;

	*out = NULL;
	fd = open(workdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return RWB_EIO;
	s = xcalloc(1, sizeof(*s));
	s->rootfd = fd;
	s->e = entries;
	s->n = n;
	s->index_mtime_s = index_mtime_s;
	s->limit = limit;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	s->nworkers = threads < 1 ? 1 : threads > GITSCAN_MAX_THREADS ? GITSCAN_MAX_THREADS : threads;
	for (int i = 0; i < s->nworkers; i++)
		s->w[i].s = s;
	push_item(s, 0, n, 0);
	/* workers take no signals: the caller's loop turns them into events */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (int i = 0; i < s->nworkers; i++)
		s->w[i].started = pthread_create(&s->w[i].tid, NULL, worker_main, &s->w[i]) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	*out = s;
	return 0;
}

static int path_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int gitscan_finish(char ***paths, size_t *npaths, bool *too_many, struct gitscan *s)
{
	char **all = NULL;
	size_t n = 0, k = 0;
	bool any = false;
	int rc = 0;

	*paths = NULL;
	*npaths = 0;
	*too_many = false;
	for (int i = 0; i < s->nworkers; i++)
		any |= s->w[i].started;
	if (!any) /* no thread could start: do the work here */
		worker_main(&s->w[0]);
	for (int i = 0; i < s->nworkers; i++)
		if (s->w[i].started)
			pthread_join(s->w[i].tid, NULL);
	for (int i = 0; i < s->nworkers; i++)
		n += s->w[i].n;
	if (s->failed) {
		rc = RWB_EIO;
	} else if (s->too_many) {
		*too_many = true;
	} else if (n) {
		all = xmalloc(n * sizeof(*all));
		for (int i = 0; i < s->nworkers; i++) {
			if (s->w[i].n)
				memcpy(all + k, s->w[i].paths, s->w[i].n * sizeof(*all));
			k += s->w[i].n;
			s->w[i].n = 0;
		}
		qsort(all, n, sizeof(*all), path_cmp);
		k = 0;
		for (size_t i = 0; i < n; i++) {
			if (k && strcmp(all[k - 1], all[i]) == 0)
				free(all[i]);
			else
				all[k++] = all[i];
		}
		*paths = all;
		*npaths = k;
	}
	for (int i = 0; i < s->nworkers; i++) {
		for (size_t j = 0; j < s->w[i].n; j++)
			free(s->w[i].paths[j]);
		free(s->w[i].paths);
	}
	free(s->queue);
	close(s->rootfd);
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	free(s);
	return rc;
}
