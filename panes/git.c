/*
 * git.c - the git pane: status, diffs with hunk and line staging, the
 * commit message editor and the log, all through backend/gitw.h.
 *
 * One pane, four modes: STATUS (files grouped staged / unstaged /
 * untracked / conflicted), DIFF (a file's or a commit's diff: line numbers,
 * +/- and word emphasis through the theme, Rust highlighting, unsafe
 * hunks marked), LOG (hash, date, author, summary) and COMMIT (a message
 * editor). A diff is a flat list of display rows built once; drawing
 * touches only the rows on screen, so a 200k-line diff scrolls as fast as
 * a 20-line one.
 *
 * Refresh: a 1 s timer compares a cheap stamp (mtimes of the index, HEAD,
 * refs) and re-reads the status when it moved, and re-reads it anyway at
 * an interval scaled by how long the last status took; every git action
 * refreshes at once. Rust code is highlighted with backend/rustlex.h. Never: draw repository text except through
 * draw_text()/draw_textn() (sanitized), or run the git binary.
 */
#define _POSIX_C_SOURCE 200809L
#include "git.h"
#include "keys.h"
#include "listview.h"
#include "app.h"
#include "audit.h"
#include "coverage.h"
#include "draw.h"
#include "error.h"
#include "gitw.h"
#include "loop.h"
#include "rustlex.h"
#include "sanitize.h"
#include "strbuf.h"
#include "term.h"
#include "theme.h"
#include "xalloc.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <time.h>

enum git_mode { MODE_STATUS, MODE_DIFF, MODE_LOG, MODE_COMMIT };

enum drow_type { DROW_FILE, DROW_NOTE, DROW_HUNK, DROW_LINE, DROW_META };

struct drow {
	uint8_t type;            /* enum drow_type */
	uint32_t file;           /* index in diff->files */
	uint32_t hunk;           /* index in diff->hunks (HUNK, LINE) */
	uint32_t line;           /* index in diff->lines (LINE), in git_pane.meta (META) */
};

struct git_pane {
	struct pane base;
	struct gitw *repo;       /* owned; NULL when the folder is not a repository */
	char open_err[512];      /* why repo is NULL */
	enum git_mode mode;
	char note[512];          /* the last action's outcome, shown at the bottom */
	bool note_bad;

	/* status */
	struct gitw_status *st;  /* owned; NULL before the first read or on error */
	struct listview status_lv; /* over the entries, flattened over the groups; its top and
	                              rows count rows, the groups' headings too */

	/* diff */
	struct gitw_diff *diff;  /* owned */
	enum gitw_diff_kind diff_kind;
	char *diff_path;         /* owned; NULL: the whole change */
	char *diff_rev;          /* owned; COMMIT/RANGE/REV */
	char **meta;             /* owned: a commit's header lines (hash, author, date, message) */
	size_t nmeta;
	struct drow *rows;       /* owned display rows */
	size_t nrows;
	struct listview diff_lv; /* over rows: the cursor row */
	bool visual;             /* a line range is being selected */
	long vstart;             /* where the selection began: a row */
	enum git_mode diff_back; /* where q returns from the diff */
	uint64_t diff_stamp;     /* mtime of the diffed file when read */
	bool discard_pending;    /* a discard confirmation is open */
	int discard_hunk;
	char *discard_path;      /* owned */
	struct coverage_file *cov; /* owned: per diff file, the last coverage run's lines */
	size_t ncov;
	struct coverage_patch patch; /* added lines executed / not executed by the tests */

	/* log */
	struct gitw_log *log;    /* owned */
	struct listview log_lv;  /* over log's commits */

	/* commit editor */
	struct strbuf msg;       /* owned message text */
	size_t mcur;             /* byte offset of the cursor in msg */
	bool amend;
	char *edit_file;         /* owned; the file $EDITOR is editing */
	char gate[300];          /* the audit gate's verdict on the staged tree ("" when no Rust) */
	int gate_failing;        /* staged unsafe items the gate refuses */
	bool gate_on;            /* the pre-commit gate is installed: a refusal stops Ctrl-S */

	/* refresh */
	int64_t timer;           /* the poll timer's id */
	uint64_t stamp;          /* gitw_stamp at the last status read */
	int64_t last_read_ms;    /* when the status was last read */
	int64_t read_cost_ms;    /* how long it took */
	char header[160];        /* border text */
};

/* ---- helpers ---- */

static void set_note(struct git_pane *g, bool bad, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void set_note(struct git_pane *g, bool bad, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(g->note, sizeof(g->note), fmt, ap);
	va_end(ap);
	g->note_bad = bad;
}

static int total_entries(const struct gitw_status *s)
{
	int n = 0;
	if (!s)
		return 0;
	for (int grp = 0; grp < GITW_NGROUPS; grp++)
		n += s->n[grp];
	return n;
}

/* The entry at flattened index i, and its group. */
static const struct gitw_entry *entry_at(const struct gitw_status *s, int i, int *grp_out)
{
	if (!s || i < 0)
		return NULL;
	for (int grp = 0; grp < GITW_NGROUPS; grp++) {
		if (i < s->n[grp]) {
			*grp_out = grp;
			return &s->list[grp][i];
		}
		i -= s->n[grp];
	}
	return NULL;
}

static bool is_rust(const char *path)
{
	size_t n = path ? strlen(path) : 0;
	return n > 3 && strcmp(path + n - 3, ".rs") == 0;
}

static uint64_t file_stamp(struct git_pane *g, const char *path)
{
	char full[4096];
	struct stat st;

	if (!path || !gitw_workdir(g->repo))
		return 0;
	snprintf(full, sizeof(full), "%s%s", gitw_workdir(g->repo), path);
	if (stat(full, &st) != 0)
		return 1;
	return (uint64_t)st.st_mtim.tv_sec * 1000000000u + (uint64_t)st.st_mtim.tv_nsec + (uint64_t)st.st_size;
}

/* ---- reading ---- */

static void try_open(struct git_pane *g)
{
	if (g->repo)
		return;
	if (gitw_open(&g->repo, app_repo(g->base.app)) != 0) {
		g->repo = NULL;
		snprintf(g->open_err, sizeof(g->open_err), "%s", rwb_last_error());
	}
}

static void read_status(struct git_pane *g)
{
	struct gitw_status *s = NULL;
	int64_t t0 = loop_now_ms();

	try_open(g);
	if (!g->repo)
		return;
	g->stamp = gitw_stamp(g->repo);
	if (gitw_status(&s, g->repo) != 0) {
		set_note(g, true, "%s", rwb_last_error());
		return;
	}
	gitw_status_free(g->st);
	g->st = s;
	listview_set_count(&g->status_lv, total_entries(s));
	g->last_read_ms = loop_now_ms();
	g->read_cost_ms = g->last_read_ms - t0;
	pane_damage(&g->base);
}

static void build_rows(struct git_pane *g)
{
	const struct gitw_diff *d = g->diff;
	size_t n = 0, cap = g->nmeta + d->nfiles * 2 + d->nhunks + d->nlines + 1;

	free(g->rows);
	g->rows = xmalloc(cap * sizeof(*g->rows));
	for (size_t mi = 0; mi < g->nmeta; mi++)
		g->rows[n++] = (struct drow){ DROW_META, 0, 0, (uint32_t)mi };
	for (size_t fi = 0; fi < d->nfiles; fi++) {
		const struct gitw_file *f = &d->files[fi];
		g->rows[n++] = (struct drow){ DROW_FILE, (uint32_t)fi, 0, 0 };
		if (f->binary || (f->old_mode && f->new_mode && f->old_mode != f->new_mode) || (!f->nhunks))
			g->rows[n++] = (struct drow){ DROW_NOTE, (uint32_t)fi, 0, 0 };
		for (size_t hi = f->first_hunk; hi < f->first_hunk + f->nhunks; hi++) {
			const struct gitw_hunk *h = &d->hunks[hi];
			g->rows[n++] = (struct drow){ DROW_HUNK, (uint32_t)fi, (uint32_t)hi, 0 };
			for (size_t li = h->first_line; li < h->first_line + h->nlines; li++)
				g->rows[n++] = (struct drow){ DROW_LINE, (uint32_t)fi, (uint32_t)hi, (uint32_t)li };
		}
	}
	g->nrows = n;
	listview_set_count(&g->diff_lv, (long)n);
	if (g->vstart >= (long)n)   /* a reload shortened the diff under a selection */
		g->vstart = g->diff_lv.cursor;
}

/* The coverage of the diff's added lines (work tree and index diffs: the
 * lines the last /rust-test --coverage measured). */
static void load_coverage(struct git_pane *g)
{
	const struct gitw_diff *d = g->diff;
	bool worktree = d && (g->diff_kind == GITW_DIFF_UNSTAGED || g->diff_kind == GITW_DIFF_STAGED ||
			      g->diff_kind == GITW_DIFF_UNTRACKED);

	for (size_t i = 0; i < g->ncov; i++)
		coverage_file_release(&g->cov[i]);
	free(g->cov);
	g->cov = NULL;
	g->ncov = 0;
	memset(&g->patch, 0, sizeof(g->patch));
	if (!worktree || !d->nfiles || !gitw_workdir(g->repo))
		return;
	g->cov = xcalloc(d->nfiles, sizeof(*g->cov));
	g->ncov = d->nfiles;
	for (size_t fi = 0; fi < d->nfiles; fi++) {
		const struct gitw_file *f = &d->files[fi];
		char *path = xasprintf("%s/%s", gitw_workdir(g->repo), f->new_path);
		coverage_file_load(&g->cov[fi], app_store(g->base.app), path);
		free(path);
		for (size_t hi = f->first_hunk; hi < f->first_hunk + f->nhunks; hi++)
			for (size_t li = d->hunks[hi].first_line;
			     li < d->hunks[hi].first_line + d->hunks[hi].nlines; li++)
				if (d->lines[li].origin == '+')
					coverage_patch_add(&g->patch, &g->cov[fi], d->lines[li].new_no);
	}
}

static void free_meta(struct git_pane *g)
{
	for (size_t i = 0; i < g->nmeta; i++)
		free(g->meta[i]);
	free(g->meta);
	g->meta = NULL;
	g->nmeta = 0;
}

/* (Re)reads the diff the pane shows; keeps the cursor row where it can. */
static int load_diff(struct git_pane *g)
{
	struct gitw_diff *d = NULL;
	int rc;

	rc = gitw_diff(&d, g->repo, g->diff_kind, g->diff_rev, g->diff_path);
	if (rc) {
		set_note(g, true, "%s", rwb_last_error());
		return rc;
	}
	gitw_diff_free(g->diff);
	g->diff = d;
	g->diff_stamp = file_stamp(g, g->diff_path);
	load_coverage(g);
	free_meta(g);
	if (g->diff_kind == GITW_DIFF_COMMIT) {
		/* the commit's header above its diff, as git show, tig and lazygit */
		char *text = NULL;
		if (gitw_commit_header(&text, g->repo, g->diff_rev) == 0) {
			size_t cap = 8;
			g->meta = xmalloc(cap * sizeof(*g->meta));
			for (char *p = text, *nl; p; p = nl ? nl + 1 : NULL) {
				nl = strchr(p, '\n');
				if (g->nmeta + 1 >= cap)
					g->meta = xrealloc(g->meta, (cap *= 2) * sizeof(*g->meta));
				g->meta[g->nmeta++] = nl ? xstrndup(p, (size_t)(nl - p)) : xstrdup(p);
			}
			g->meta[g->nmeta++] = xstrdup("");   /* a blank row before the diff */
			free(text);
		}
	}
	build_rows(g);
	pane_damage(&g->base);
	return 0;
}

static void open_diff(struct git_pane *g, enum gitw_diff_kind kind, const char *rev, const char *path,
		      enum git_mode back)
{
	free(g->diff_path);
	free(g->diff_rev);
	g->diff_path = path ? xstrdup(path) : NULL;
	g->diff_rev = rev ? xstrdup(rev) : NULL;
	g->diff_kind = kind;
	listview_home(&g->diff_lv);
	g->visual = false;
	g->diff_back = back;
	if (load_diff(g) == 0) {
		g->mode = MODE_DIFF;
		/* start on the first hunk's first changed line */
		for (size_t i = 0; i < g->nrows; i++)
			if (g->rows[i].type == DROW_HUNK) {
				listview_select(&g->diff_lv, (long)i);
				break;
			}
	}
}

/* After any git action: status now, and the diff when one is shown. */
static void refresh_all(struct git_pane *g)
{
	read_status(g);
	if (g->mode == MODE_DIFF && g->diff && (g->diff_kind == GITW_DIFF_UNSTAGED ||
						g->diff_kind == GITW_DIFF_STAGED ||
						g->diff_kind == GITW_DIFF_UNTRACKED))
		load_diff(g);
}

static int poll_timer(struct loop *l, void *data)
{
	struct git_pane *g = data;
	int64_t now = loop_now_ms(), every = g->read_cost_ms * 20;

	(void)l;
	if (every < 2000)
		every = 2000;
	if (!g->repo) {
		try_open(g);
		if (g->repo) {
			read_status(g);
			pane_damage(&g->base);
		}
		return 1000;
	}
	if (gitw_stamp(g->repo) != g->stamp || now - g->last_read_ms >= every)
		read_status(g);
	if (g->mode == MODE_DIFF && g->diff_path && g->diff_kind != GITW_DIFF_COMMIT &&
	    g->diff_kind != GITW_DIFF_RANGE && file_stamp(g, g->diff_path) != g->diff_stamp)
		load_diff(g);
	return 1000;
}

/* ---- Rust highlighting (backend/rustlex.h, one line at a time) ---- */

/* Fills role[0..n) with a syntax role per byte (base where nothing). Each
 * line is lexed on its own: a diff shows fragments, so a block comment or
 * raw string opened outside the hunk is not known. */
static void git_highlight(uint8_t *role, const char *s, size_t n, uint8_t base)
{
	struct rustlex lx;
	struct rust_token t;

	memset(role, base, n);
	rustlex_init(&lx, NULL, 0);
	rustlex_init_line(&lx, s, n);
	while (rustlex_next(&lx, &t)) {
		enum rwb_color c = draw_rust_role(&t, s, n);
		uint8_t r = c == RWB_COLOR_DEFAULT ? base : (uint8_t)c;
		if (r != base && t.start < n)
			memset(role + t.start, r, (t.start + t.len <= n ? t.len : n - t.start));
	}
}

/* ---- drawing ---- */

#define MAX_STYLED 4096  /* bytes of a line that get per-byte styling */

/* Draws text with one role per byte, never splitting a UTF-8 sequence. */
static int draw_styled(WINDOW *w, int y, int x, int maxw, const char *s, size_t n, const uint8_t *role)
{
	int used = 0;
	size_t i = 0;

	while (i < n && used < maxw) {
		size_t j = i + 1;
		while (j < n && (role[j] == role[i] || ((unsigned char)s[j] & 0xc0) == 0x80))
			j++;
		used += draw_textn(w, y, x + used, maxw - used, s + i, j - i, theme_attr(role[i]));
		i = j;
	}
	return used;
}

static void draw_line_row(struct git_pane *g, WINDOW *w, int y, int cols, const struct drow *r, bool hl)
{
	const struct gitw_diff *d = g->diff;
	const struct gitw_line *l = &d->lines[r->line];
	const char *text = gitw_line_text(d, l);
	size_t n = l->len < MAX_STYLED ? l->len : MAX_STYLED;
	static uint8_t role[MAX_STYLED];
	char nums[32], o[2] = { l->origin, 0 };
	uint8_t base = l->origin == '+' ? RWB_COLOR_DIFF_ADD : l->origin == '-' ? RWB_COLOR_DIFF_DEL : RWB_COLOR_DEFAULT;
	int x = 0;

	if (l->old_no > 0)
		snprintf(nums, sizeof(nums), "%5d ", l->old_no);
	else
		snprintf(nums, sizeof(nums), "      ");
	x += draw_text(w, y, x, cols - x, nums, theme_attr(RWB_COLOR_LINE_NUMBER));
	if (l->new_no > 0)
		snprintf(nums, sizeof(nums), "%5d ", l->new_no);
	else
		snprintf(nums, sizeof(nums), "      ");
	x += draw_text(w, y, x, cols - x, nums, theme_attr(RWB_COLOR_LINE_NUMBER));
	if (l->origin == '+' && r->file < g->ncov && coverage_marker(&g->cov[r->file], l->new_no) != ' ')
		draw_text(w, y, x - 1, cols - x + 1, "!", theme_attr(RWB_COLOR_DIFF_DEL)); /* no test ran it */
	x += draw_text(w, y, x, cols - x, o, theme_attr(hl ? RWB_COLOR_SELECTION : base));
	if (l->origin == ' ' && is_rust(d->files[r->file].new_path))
		git_highlight(role, text, n, base);
	else
		memset(role, base, n);
	if (l->origin != ' ' && l->pair >= 0) {
		const struct gitw_line *p = &d->lines[l->pair];
		struct gitw_span sa[16], sb[16];
		int na, nb;
		const struct gitw_span *mine;
		int nmine;
		uint8_t word = l->origin == '+' ? RWB_COLOR_DIFF_WORD_ADD : RWB_COLOR_DIFF_WORD_DEL;
		if (l->origin == '-')
			gitw_word_diff(sa, &na, sb, &nb, 16, text, l->len, gitw_line_text(d, p), p->len);
		else
			gitw_word_diff(sa, &na, sb, &nb, 16, gitw_line_text(d, p), p->len, text, l->len);
		mine = l->origin == '-' ? sa : sb;
		nmine = l->origin == '-' ? na : nb;
		for (int k = 0; k < nmine; k++)
			for (uint32_t b = mine[k].start; b < mine[k].end && b < n; b++)
				role[b] = word;
	}
	x += draw_styled(w, y, x, cols - x, text, n, role);
	if (l->no_eol && x < cols)
		draw_text(w, y, x, cols - x, " \\ no newline at end of file", theme_attr(RWB_COLOR_DIM));
}

static const char *mode_text(uint32_t m)
{
	return m == 0100755 ? "100755" : m == 0120000 ? "symlink" : m == 0160000 ? "submodule" : "100644";
}

static void draw_diff(struct git_pane *g, WINDOW *w, int rows, int cols)
{
	const struct gitw_diff *d = g->diff;
	long cur = g->diff_lv.cursor;
	/* the selected range, empty (lo > hi) when not selecting */
	long vlo = g->visual ? (g->vstart < cur ? g->vstart : cur) : 0;
	long vhi = g->visual ? (g->vstart < cur ? cur : g->vstart) : -1;
	char buf[1024];

	listview_set_rows(&g->diff_lv, rows);
	if (g->nrows == 0) {
		draw_text(w, 0, 1, cols - 1, g->diff_path ? "no changes in this file" : "no changes", theme_attr(RWB_COLOR_DIM));
		return;
	}
	for (int y = 0; y < rows && g->diff_lv.top + y < (long)g->nrows; y++) {
		long ri = g->diff_lv.top + y;
		const struct drow *r = &g->rows[ri];
		const struct gitw_file *f = r->type == DROW_META ? NULL : &d->files[r->file];
		bool sel = ri == cur || (ri >= vlo && ri <= vhi);

		switch (r->type) {
		case DROW_META: {
			const char *m = g->meta[r->line];
			enum rwb_color role = strncmp(m, "commit ", 7) == 0 ? RWB_COLOR_DIFF_HUNK
				: strncmp(m, "    ", 4) == 0 ? RWB_COLOR_DEFAULT : RWB_COLOR_DIM;
			if (sel)
				draw_fill(w, y, 0, cols, theme_attr(RWB_COLOR_SELECTION));
			draw_text(w, y, 0, cols, m, theme_attr(sel ? RWB_COLOR_SELECTION : role));
			break;
		}
		case DROW_FILE:
			if (f->status == 'R' || f->status == 'C')
				snprintf(buf, sizeof(buf), "%c %s -> %s  +%d -%d", f->status, f->old_path, f->new_path, f->adds, f->dels);
			else
				snprintf(buf, sizeof(buf), "%c %s  +%d -%d", f->status, f->new_path, f->adds, f->dels);
			draw_fill(w, y, 0, cols, theme_attr(sel ? RWB_COLOR_SELECTION : RWB_COLOR_DIFF_HEADER));
			draw_text(w, y, 0, cols, buf, theme_attr(sel ? RWB_COLOR_SELECTION : RWB_COLOR_DIFF_HEADER));
			break;
		case DROW_NOTE:
			if (f->binary)
				snprintf(buf, sizeof(buf), "  binary file differs (not shown)");
			else if (f->old_mode && f->new_mode && f->old_mode != f->new_mode)
				snprintf(buf, sizeof(buf), "  mode %s -> %s", mode_text(f->old_mode), mode_text(f->new_mode));
			else
				snprintf(buf, sizeof(buf), "  no content change");
			draw_text(w, y, 0, cols, buf, theme_attr(sel ? RWB_COLOR_SELECTION : RWB_COLOR_DIM));
			break;
		case DROW_HUNK: {
			const struct gitw_hunk *h = &d->hunks[r->hunk];
			int x = draw_text(w, y, 0, cols, h->header, theme_attr(sel ? RWB_COLOR_SELECTION : RWB_COLOR_DIFF_HUNK));
			if (h->flags & GITW_HUNK_UNSAFE_CHANGED)
				draw_text(w, y, x + 1, cols - x - 1, "[unsafe changed]", theme_attr(RWB_COLOR_AUDIT_BAD));
			else if (h->flags & GITW_HUNK_UNSAFE_NEAR)
				draw_text(w, y, x + 1, cols - x - 1, "[near unsafe]", theme_attr(RWB_COLOR_AUDIT_PENDING));
			break;
		}
		case DROW_LINE:
			draw_line_row(g, w, y, cols, r, sel);
			if (sel && cols > 0)
				mvwchgat(w, y, 0, 12, theme_attr(RWB_COLOR_SELECTION), theme_pair(RWB_COLOR_SELECTION), NULL);
			break;
		}
	}
}

static const enum rwb_color group_role[GITW_NGROUPS] = {
	RWB_COLOR_GIT_STAGED, RWB_COLOR_GIT_UNSTAGED, RWB_COLOR_GIT_UNTRACKED, RWB_COLOR_GIT_CONFLICT
};
static const char *const group_title[GITW_NGROUPS] = { "Staged", "Unstaged", "Untracked", "Conflicted" };

static void draw_status(struct git_pane *g, WINDOW *w, int rows, int cols)
{
	const struct gitw_status *s = g->st;
	struct listview *lv = &g->status_lv;
	struct listview_at at = { 0 };
	int y = 0, row = 0, flat = 0;
	char buf[600];

	if (!s)
		return;
	/* first pass: the selected entry's row (with its group's heading
	 * above the first entry of a group), to scroll it into view */
	for (int grp = 0; grp < GITW_NGROUPS; grp++) {
		if (!s->n[grp])
			continue;
		row++;
		for (int i = 0; i < s->n[grp]; i++, row++, flat++)
			if (flat == lv->cursor)
				at = (struct listview_at){ .row = row, .above = i == 0 };
	}
	at.total = row;
	listview_set_rows_at(lv, rows, &at);
	row = flat = 0;
	for (int grp = 0; grp < GITW_NGROUPS; grp++) {
		if (!s->n[grp])
			continue;
		if (row >= lv->top && y < rows) {
			snprintf(buf, sizeof(buf), "%s (%d)", group_title[grp], s->n[grp]);
			draw_text(w, y++, 0, cols, buf, theme_attr(group_role[grp]) | A_BOLD);
		}
		row++;
		for (int i = 0; i < s->n[grp]; i++, row++, flat++) {
			const struct gitw_entry *e = &s->list[grp][i];
			bool sel = flat == lv->cursor && g->base.focused;
			attr_t a = theme_attr(sel ? RWB_COLOR_SELECTION : group_role[grp]);
			if (row < lv->top || y >= rows)
				continue;
			if (e->old_path)
				snprintf(buf, sizeof(buf), "  %-2s %s <- %s%s", e->status, e->path, e->old_path,
					 e->submodule ? " [submodule]" : "");
			else
				snprintf(buf, sizeof(buf), "  %-2s %s%s", e->status, e->path, e->submodule ? " [submodule]" : "");
			if (sel)
				draw_fill(w, y, 0, cols, a);
			draw_text(w, y++, 0, cols, buf, a);
		}
	}
	if (total_entries(s) == 0)
		draw_text(w, y, 1, cols - 1, s->bare ? "bare repository: no work tree" : "nothing to commit, working tree clean",
			  theme_attr(RWB_COLOR_DIM));
}

static void draw_log(struct git_pane *g, WINDOW *w, int rows, int cols)
{
	char buf[1024], date[16];

	if (!g->log || g->log->n == 0) {
		draw_text(w, 0, 1, cols - 1, "no commits yet", theme_attr(RWB_COLOR_DIM));
		return;
	}
	listview_set_rows(&g->log_lv, rows);
	for (int y = 0; y < rows && g->log_lv.top + y < g->log->n; y++) {
		const struct gitw_commit_info *c = &g->log->commits[g->log_lv.top + y];
		bool sel = g->log_lv.top + y == g->log_lv.cursor;
		time_t t = (time_t)(c->time + (int64_t)c->tz_minutes * 60);
		struct tm tm;
		int x;
		gmtime_r(&t, &tm);
		strftime(date, sizeof(date), "%Y-%m-%d", &tm);
		if (sel)
			draw_fill(w, y, 0, cols, theme_attr(RWB_COLOR_SELECTION));
		snprintf(buf, sizeof(buf), "%.7s ", c->oid);
		x = draw_text(w, y, 0, cols, buf, theme_attr(sel ? RWB_COLOR_SELECTION : RWB_COLOR_DIFF_HUNK));
		snprintf(buf, sizeof(buf), "%s ", date);
		x += draw_text(w, y, x, cols - x, buf, theme_attr(sel ? RWB_COLOR_SELECTION : RWB_COLOR_DIM));
		snprintf(buf, sizeof(buf), "%-14.14s ", c->author);
		x += draw_text(w, y, x, cols - x, buf, theme_attr(sel ? RWB_COLOR_SELECTION : RWB_COLOR_GIT_UNTRACKED));
		draw_text(w, y, x, cols - x, c->summary, theme_attr(sel ? RWB_COLOR_SELECTION : RWB_COLOR_DEFAULT));
	}
}

/* The commit editor: row 0 help, row 1 summary length, then the message. */
static void draw_commit(struct git_pane *g, WINDOW *w, int rows, int cols)
{
	const char *m = strbuf_str(&g->msg), *nl = strchr(m, '\n');
	size_t sum = nl ? (size_t)(nl - m) : strlen(m);
	char buf[200];
	int y = 2;

	{
		struct strbuf hint = STRBUF_INIT;
		keymap_hint(&hint, &git_commit_keys);
		snprintf(buf, sizeof(buf), "%s message - %s (amend: %s)", g->amend ? "Amend" : "Commit",
			 strbuf_str(&hint), g->amend ? "on" : "off");
		strbuf_free(&hint);
	}
	draw_text(w, 0, 0, cols, buf, theme_attr(RWB_COLOR_HELP_TEXT));
	snprintf(buf, sizeof(buf), "summary: %zu chars%s", sum, sum > 72 ? " (too long: keep it under 72)" : sum > 50 ? " (over 50)" : "");
	draw_text(w, 1, 0, cols, buf, theme_attr(sum > 72 ? RWB_COLOR_NOTICE_CRITICAL : sum > 50 ? RWB_COLOR_NOTICE_WARNING : RWB_COLOR_DIM));
	if (g->gate[0] && strstr(g->gate, " 0 staged unsafe items") == NULL && rows > 3) {
		/* what the pre-commit gate will say of the staged unsafe code */
		draw_text(w, 2, 0, cols, g->gate, theme_attr(g->gate_failing ? (g->gate_on ? RWB_COLOR_NOTICE_CRITICAL
											 : RWB_COLOR_NOTICE_WARNING)
								 : RWB_COLOR_AUDIT_OK));
		y = 3;
	}
	for (const char *p = m; y < rows; y++) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		draw_textn(w, y, 0, cols, p, n, theme_attr(RWB_COLOR_DEFAULT) | (p == m ? A_BOLD : 0));
		if (!e)
			break;
		p = e + 1;
	}
}

static void git_draw(void *self, WINDOW *w, int rows, int cols, bool focused)
{
	struct git_pane *g = self;
	int body;

	(void)focused;
	draw_clear(w);
	if (!g->repo) {
		draw_text(w, 0, 1, cols - 1, "Not a git repository.", theme_attr(RWB_COLOR_DEFAULT));
		draw_text(w, 1, 1, cols - 1, app_repo(g->base.app), theme_attr(RWB_COLOR_DIM));
		draw_text(w, 3, 1, cols - 1, "Run `git init` there (the terminal pane works) and this pane",
			  theme_attr(RWB_COLOR_DIM));
		draw_text(w, 4, 1, cols - 1, "picks the repository up by itself.", theme_attr(RWB_COLOR_DIM));
		return;
	}
	body = g->note[0] ? rows - 1 : rows;
	switch (g->mode) {
	case MODE_STATUS: draw_status(g, w, body, cols); break;
	case MODE_DIFF: draw_diff(g, w, body, cols); break;
	case MODE_LOG: draw_log(g, w, body, cols); break;
	case MODE_COMMIT: draw_commit(g, w, body, cols); break;
	}
	if (g->note[0])
		draw_text(w, rows - 1, 0, cols, g->note, theme_attr(g->note_bad ? RWB_COLOR_RESULT_ERROR : RWB_COLOR_RESULT_OK));
}

static const char *git_border_right(void *self)
{
	struct git_pane *g = self;
	const struct gitw_status *s = g->st;

	if (!g->repo || !s)
		return NULL;
	if (g->mode == MODE_DIFF && g->diff) {
		snprintf(g->header, sizeof(g->header), "%s%s %zu/%zu", g->visual ? "VISUAL " : "",
			 g->diff_kind == GITW_DIFF_STAGED ? "staged" : g->diff_kind == GITW_DIFF_UNSTAGED ? "unstaged"
			 : g->diff_kind == GITW_DIFF_UNTRACKED ? "untracked"
			 : g->diff_kind == GITW_DIFF_REV ? "against work tree"
			 : g->diff_kind == GITW_DIFF_REV_STAGED ? "against index"
			 : g->diff_kind == GITW_DIFF_RANGE ? "range" : "commit", g->nrows ? (size_t)g->diff_lv.cursor + 1 : 0, g->nrows);
		if (g->patch.executed + g->patch.missed > 0) /* patch coverage */
			snprintf(g->header + strlen(g->header), sizeof(g->header) - strlen(g->header),
				 " · patch coverage %.0f%% (%d/%d)", 100.0 * g->patch.executed /
				 (g->patch.executed + g->patch.missed), g->patch.executed,
				 g->patch.executed + g->patch.missed);
		return g->header;
	}
	if (s->upstream)
		snprintf(g->header, sizeof(g->header), "%.60s ↑%d ↓%d", s->branch, s->ahead, s->behind);
	else
		snprintf(g->header, sizeof(g->header), "%.60s%s", s->branch, s->unborn ? " (no commits)" : "");
	return g->header;
}

static bool git_cursor(void *self, int *y, int *x)
{
	struct git_pane *g = self;
	const char *m, *line;
	int row = 2;

	if (g->mode != MODE_COMMIT)
		return false;
	m = strbuf_str(&g->msg);
	line = m;
	for (size_t i = 0; i < g->mcur; i++)
		if (m[i] == '\n') {
			row++;
			line = m + i + 1;
		}
	*y = row;
	*x = (int)sanitize_width(line, (size_t)(m + g->mcur - line));
	return true;
}

/* ---- actions ---- */

/*
 * The cursor stays on the file it was on (a staged file moves to another
 * group, and the rows below shift): path in group prefer, else in any
 * group; where it is gone the row number stays.
 */
static void select_path(struct git_pane *g, const char *path, int prefer)
{
	const struct gitw_status *s = g->st;
	int flat = 0, any = -1;

	if (!s)
		return;
	for (int grp = 0; grp < GITW_NGROUPS; grp++)
		for (int i = 0; i < s->n[grp]; i++, flat++)
			if (strcmp(s->list[grp][i].path, path) == 0) {
				if (grp == prefer || (prefer == GITW_UNSTAGED && grp == GITW_UNTRACKED)) {
					listview_select(&g->status_lv, flat);
					return;
				}
				if (any < 0)
					any = flat;
			}
	if (any >= 0)
		listview_select(&g->status_lv, any);
}

/* In a diff: the cursor on file path's hunk number hunk (from 1; the last
 * one when fewer remain), else its file row; else where it was. */
static void select_hunk(struct git_pane *g, const char *path, int hunk)
{
	const struct gitw_diff *d = g->diff;

	if (!d)
		return;
	for (size_t i = 0; i < g->nrows; i++) {
		const struct drow *r = &g->rows[i];
		if (r->type != DROW_FILE || strcmp(d->files[r->file].new_path, path) != 0)
			continue;
		listview_select(&g->diff_lv, (long)i);
		for (size_t j = i + 1; j < g->nrows && g->rows[j].type != DROW_FILE; j++)
			if (g->rows[j].type == DROW_HUNK) {
				listview_select(&g->diff_lv, (long)j);
				if (--hunk <= 0)
					break;
			}
		return;
	}
}

static void stage_entry(struct git_pane *g, bool unstage)
{
	const struct gitw_entry *e;
	int grp, rc;

	e = entry_at(g->st, (int)g->status_lv.cursor, &grp);
	if (!e)
		return;
	if (unstage && grp != GITW_STAGED) {
		set_note(g, true, "%s is not staged", e->path);
		return;
	}
	rc = unstage ? gitw_unstage(g->repo, e->path, NULL)
		     : gitw_stage(g->repo, e->path, NULL);
	if (rc)
		set_note(g, true, "%s", rwb_last_error());
	else
		set_note(g, false, "%s %s", unstage ? "unstaged" : "staged", e->path);
	char *path = xstrdup(e->path);
	refresh_all(g);
	select_path(g, path, unstage ? GITW_UNSTAGED : GITW_STAGED);
	free(path);
}

/* The hunk number (from 1) of global hunk index hi within its file. */
static int hunk_number(const struct gitw_diff *d, uint32_t file, uint32_t hi)
{
	return (int)(hi - d->files[file].first_hunk) + 1;
}

static void stage_in_diff(struct git_pane *g, bool unstage)
{
	const struct gitw_diff *d = g->diff;
	const struct drow *r;
	struct gitw_pick pick = { 0 };
	const char *path;
	char what[64] = "the file";
	int rc;

	if (!d || !g->nrows)
		return;
	if (g->diff_kind == GITW_DIFF_COMMIT || g->diff_kind == GITW_DIFF_RANGE ||
	    g->diff_kind == GITW_DIFF_REV || g->diff_kind == GITW_DIFF_REV_STAGED) {
		set_note(g, true, "this diff is against a commit: stage from the status list or a work-tree diff");
		return;
	}
	if (unstage != (g->diff_kind == GITW_DIFF_STAGED)) {
		set_note(g, true, unstage ? "this diff is not staged: press s to stage"
					  : "this diff is already staged: press u to unstage");
		return;
	}
	r = &g->rows[g->diff_lv.cursor];
	path = d->files[r->file].new_path;
	if (g->visual) {
		long cur = g->diff_lv.cursor;
		long lo = g->vstart < cur ? g->vstart : cur, hi = g->vstart < cur ? cur : g->vstart;
		for (long i = lo; i <= hi; i++) {
			const struct drow *q = &g->rows[i];
			const struct gitw_line *l;
			if (q->type != DROW_LINE)
				continue;
			if (q->file != r->file) {
				set_note(g, true, "select lines of one file");
				return;
			}
			l = &d->lines[q->line];
			if (l->origin == ' ')
				continue;
			if (!pick.lo || l->anchor < pick.lo)
				pick.lo = l->anchor;
			if (l->anchor > pick.hi)
				pick.hi = l->anchor;
		}
		if (!pick.lo) {
			set_note(g, true, "the selection has no changed lines");
			return;
		}
		snprintf(what, sizeof(what), "lines %d-%d", pick.lo, pick.hi);
		g->visual = false;
	} else if (r->type == DROW_HUNK || r->type == DROW_LINE) {
		pick.hunk = hunk_number(d, r->file, r->hunk);
		snprintf(what, sizeof(what), "hunk %d", pick.hunk);
	}
	if (g->diff_kind == GITW_DIFF_UNTRACKED && !unstage) {
		pick.hunk = pick.lo = pick.hi = 0;
		snprintf(what, sizeof(what), "the new file");
	}
	rc = unstage ? gitw_unstage(g->repo, path, &pick)
		     : gitw_stage(g->repo, path, &pick);
	if (rc)
		set_note(g, true, "%s", rwb_last_error());
	else
		set_note(g, false, "%s %s of %s", unstage ? "unstaged" : "staged", what, path);
	if (g->diff_kind == GITW_DIFF_UNTRACKED && !rc) {
		g->diff_kind = GITW_DIFF_UNSTAGED;
	}
	char *keep = xstrdup(path);
	int hunk = r->type == DROW_HUNK || r->type == DROW_LINE ? hunk_number(d, r->file, r->hunk) : 1;
	refresh_all(g);
	select_hunk(g, keep, hunk);
	free(keep);
}

static void discard_answer(struct app *a, bool yes, void *data)
{
	struct git_pane *g = data;

	(void)a;
	g->discard_pending = false;
	if (!yes || !g->repo) {
		set_note(g, false, "discard cancelled");
	} else if (gitw_discard_hunk(g->repo, g->discard_path, g->discard_hunk) != 0) {
		set_note(g, true, "%s", rwb_last_error());
	} else {
		set_note(g, false, "discarded hunk %d of %s", g->discard_hunk, g->discard_path);
	}
	refresh_all(g);
	pane_damage(&g->base);
}

static void discard_in_diff(struct git_pane *g)
{
	const struct drow *r;
	char q[600];

	if (!g->diff || !g->nrows || g->diff_kind != GITW_DIFF_UNSTAGED) {
		set_note(g, true, "d discards a hunk of an unstaged diff");
		return;
	}
	r = &g->rows[g->diff_lv.cursor];
	if (r->type != DROW_HUNK && r->type != DROW_LINE) {
		set_note(g, true, "move to a hunk to discard it");
		return;
	}
	free(g->discard_path);
	g->discard_path = xstrdup(g->diff->files[r->file].new_path);
	g->discard_hunk = hunk_number(g->diff, r->file, r->hunk);
	g->discard_pending = true;
	snprintf(q, sizeof(q), "Discard hunk %d of %.200s from the work tree?", g->discard_hunk, g->discard_path);
	app_confirm(g->base.app, q, discard_answer, g);
}

static void open_log(struct git_pane *g)
{
	struct gitw_log *log = NULL;

	if (gitw_log(&log, g->repo, 5000, NULL) != 0) {
		set_note(g, true, "%s", rwb_last_error());
		return;
	}
	gitw_log_free(g->log);
	g->log = log;
	listview_set_count(&g->log_lv, log->n);
	listview_home(&g->log_lv);
	g->mode = MODE_LOG;
}

/*
 * The check the pre-commit gate makes (/audit-check --staged), shown in the
 * commit editor: libgit2 runs no hooks, so the pane checks for itself and,
 * when the repository installed the gate, refuses as the hook would.
 */
static void gate_check(struct git_pane *g)
{
	struct store *s = app_store(g->base.app);

	g->gate[0] = '\0';
	g->gate_failing = 0;
	g->gate_on = audit_gate_installed(app_repo(g->base.app));
	if (s && audit_gate_staged(&g->gate_failing, s, app_repo(g->base.app), g->gate, sizeof(g->gate)) != 0)
		g->gate_failing = 0;   /* a gate that cannot look does not block: the line says why */
}

static void do_commit(struct git_pane *g)
{
	char oid[41];
	const char *m = strbuf_str(&g->msg);

	gate_check(g);
	if (g->gate_on && g->gate_failing && !g->amend) {
		set_note(g, true, "not committed: %s (the pre-commit gate is installed; "
			 "`git commit --no-verify` in the terminal skips it)", g->gate);
		return;
	}

	if (gitw_commit(oid, g->repo, *m || !g->amend ? m : NULL, g->amend) != 0) {
		set_note(g, true, "%s", rwb_last_error());
		return;
	}
	set_note(g, false, "%s %.12s", g->amend ? "amended" : "committed", oid);
	strbuf_reset(&g->msg);
	g->mcur = 0;
	g->amend = false;
	g->mode = MODE_STATUS;
	refresh_all(g);
}

static void editor_done(void *data, int status, const struct rusage *ru, long duration_ms)
{
	struct git_pane *g = data;
	FILE *f;
	char buf[4096];
	size_t n;

	(void)ru;
	(void)duration_ms;
	if (!g->edit_file)
		return;
	if (status == 0 && (f = fopen(g->edit_file, "r")) != NULL) {
		strbuf_reset(&g->msg);
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			strbuf_add(&g->msg, buf, n);
		fclose(f);
		while (g->msg.len && g->msg.buf[g->msg.len - 1] == '\n')
			g->msg.buf[--g->msg.len] = '\0';
		g->mcur = g->msg.len;
		set_note(g, false, "message from $EDITOR: Ctrl-S commits");
	} else {
		set_note(g, true, "$EDITOR exited with status %d; message unchanged",
			 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	}
	app_focus(g->base.app, APP_PANE_GIT);
	pane_damage(&g->base);
}

/* $EDITOR (words split on spaces, no shell) in the terminal pane. */
static void run_editor(struct git_pane *g)
{
	const char *ed = getenv("VISUAL");
	char *copy, *argv[16], *save = NULL;
	struct term_job_opts o = { 0 };
	int argc = 0, rc;
	FILE *f;

	if (!ed || !*ed)
		ed = getenv("EDITOR");
	if (!ed || !*ed)
		ed = "vi";
	free(g->edit_file);
	g->edit_file = xasprintf("%sRWB_COMMIT_EDITMSG", gitw_gitdir(g->repo));
	if ((f = fopen(g->edit_file, "w")) == NULL) {
		set_note(g, true, "cannot write %s", g->edit_file);
		return;
	}
	fputs(strbuf_str(&g->msg), f);
	fclose(f);
	copy = xstrdup(ed);
	for (char *w = strtok_r(copy, " \t", &save); w && argc < 14; w = strtok_r(NULL, " \t", &save))
		argv[argc++] = w;
	argv[argc++] = g->edit_file;
	argv[argc] = NULL;
	o.argv = argv;
	o.title = "commit message";
	o.on_exit = editor_done;
	o.data = g;
	o.focus = true;
	rc = app_job_start(g->base.app, &o, true);
	free(copy);
	if (rc)
		set_note(g, true, "cannot start $EDITOR in the terminal pane: %s; type the message here", rwb_strerror(rc));
}

/* ---- keys ---- */

static void utf8_put(struct strbuf *sb, size_t at, wint_t ch, size_t *adv)
{
	char b[4];
	size_t n;

	if (ch < 0x80) { b[0] = (char)ch; n = 1; }
	else if (ch < 0x800) { b[0] = (char)(0xc0 | (ch >> 6)); b[1] = (char)(0x80 | (ch & 0x3f)); n = 2; }
	else if (ch < 0x10000) { b[0] = (char)(0xe0 | (ch >> 12)); b[1] = (char)(0x80 | ((ch >> 6) & 0x3f));
		b[2] = (char)(0x80 | (ch & 0x3f)); n = 3; }
	else { b[0] = (char)(0xf0 | (ch >> 18)); b[1] = (char)(0x80 | ((ch >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((ch >> 6) & 0x3f)); b[3] = (char)(0x80 | (ch & 0x3f)); n = 4; }
	strbuf_grow(sb, n);
	sb->buf[sb->len] = '\0';
	memmove(sb->buf + at + n, sb->buf + at, sb->len - at + 1);
	memcpy(sb->buf + at, b, n);
	sb->len += n;
	*adv = n;
}

/* ---- keys: one table per mode (keys.h) ---- */

#define DONE (PANE_HANDLED | PANE_REDRAW)

/* The commit message editor */

static int k_commit_cancel(void *self, const struct key *k)
{
	struct git_pane *g = self;

	(void)k;
	g->mode = MODE_STATUS;
	set_note(g, false, "commit cancelled (the message is kept until you commit)");
	return DONE;
}

static int k_commit_do(void *self, const struct key *k)
{
	(void)k;
	do_commit(self);
	return DONE;
}

static int k_commit_amend(void *self, const struct key *k)
{
	struct git_pane *g = self;

	(void)k;
	g->amend = !g->amend;
	return DONE;
}

static int k_commit_editor(void *self, const struct key *k)
{
	(void)k;
	run_editor(self);
	return DONE;
}

static int k_commit_move(void *self, const struct key *k)
{
	struct git_pane *g = self;
	struct strbuf *m = &g->msg;

	switch (keys_id(k) & ~KB_CODE) {
	case KEY_LEFT:
		while (g->mcur > 0 && ((unsigned char)m->buf[--g->mcur] & 0xc0) == 0x80)
			;
		break;
	case KEY_RIGHT:
		if (g->mcur < m->len)
			while (++g->mcur < m->len && ((unsigned char)m->buf[g->mcur] & 0xc0) == 0x80)
				;
		break;
	case KEY_HOME: g->mcur = 0; break;
	case KEY_END: g->mcur = m->len; break;
	}
	return DONE;
}

static int k_commit_backspace(void *self, const struct key *k)
{
	struct git_pane *g = self;
	struct strbuf *m = &g->msg;

	(void)k;
	if (g->mcur > 0) {
		size_t end = g->mcur;
		while (g->mcur > 0 && ((unsigned char)m->buf[--g->mcur] & 0xc0) == 0x80)
			;
		memmove(m->buf + g->mcur, m->buf + end, m->len - end + 1);
		m->len -= end - g->mcur;
	}
	return DONE;
}

static int k_commit_newline(void *self, const struct key *k)
{
	struct git_pane *g = self;
	size_t adv;

	(void)k;
	utf8_put(&g->msg, g->mcur, '\n', &adv);
	g->mcur += adv;
	return DONE;
}

static const struct keybind commit_binds[] = {
	{ .keys = { KEY_CTRL('s') }, .label = "Ctrl-S", .help = "commit", .hint = "commits", .run = k_commit_do },
	{ .keys = { 27 }, .label = "Esc", .help = "cancel (the message is kept)", .hint = "cancels", .run = k_commit_cancel },
	{ .keys = { KEY_CTRL('a') }, .label = "Ctrl-A", .help = "amend the last commit: on or off",
	  .hint = "amend", .run = k_commit_amend },
	{ .keys = { KEY_CTRL('e') }, .label = "Ctrl-E", .help = "edit the message in $EDITOR",
	  .hint = "$EDITOR", .run = k_commit_editor },
	{ .keys = { KB_C(KEY_LEFT), KB_C(KEY_RIGHT), KB_C(KEY_HOME), KB_C(KEY_END) },
	  .label = "Left/Right, Home/End", .help = "move in the message", .run = k_commit_move },
	{ .keys = { KB_C(KEY_BACKSPACE), 127, 8 }, .label = "Backspace/Ctrl-H", .help = "delete a character",
	  .run = k_commit_backspace },
	{ .keys = { '\r', '\n', KB_C(KEY_ENTER) }, .label = "Enter", .help = "a new line", .run = k_commit_newline },
};
const struct keymap git_commit_keys = KEYMAP("Git pane: commit message", commit_binds);

static int key_commit(struct git_pane *g, const struct key *k)
{
	int r = keymap_dispatch(&git_commit_keys, g, k);
	size_t adv;

	if (r != PANE_IGNORED || k->alt || k->is_code)
		return r;
	if (k->ch < 0x20) /* Tab and other control keys stay global */
		return PANE_IGNORED;
	utf8_put(&g->msg, g->mcur, k->ch, &adv);
	g->mcur += adv;
	return DONE;
}

/* The diff */

static int k_diff_move(void *self, const struct key *k)
{
	struct git_pane *g = self;

	keys_list_move(&g->diff_lv, k);
	return DONE;
}

static int next_hunk(struct git_pane *g, int dir)
{
	for (long i = g->diff_lv.cursor + dir; i >= 0 && i < (long)g->nrows; i += dir)
		if (g->rows[i].type == DROW_HUNK || g->rows[i].type == DROW_FILE) {
			listview_select(&g->diff_lv, i);
			break;
		}
	return DONE;
}

static int k_diff_hunk(void *self, const struct key *k)
{
	return next_hunk(self, keys_id(k) == 'n' || keys_id(k) == ']' ? 1 : -1);
}

static int k_diff_visual(void *self, const struct key *k)
{
	struct git_pane *g = self;

	(void)k;
	g->visual = !g->visual;
	g->vstart = g->diff_lv.cursor;
	return DONE;
}

static int k_diff_stage(void *self, const struct key *k)
{
	stage_in_diff(self, keys_id(k) == 'u');
	return DONE;
}

static int k_diff_discard(void *self, const struct key *k)
{
	(void)k;
	discard_in_diff(self);
	return DONE;
}

static int k_diff_refresh(void *self, const struct key *k)
{
	(void)k;
	refresh_all(self);
	return DONE;
}

static int k_diff_back(void *self, const struct key *k)
{
	struct git_pane *g = self;

	(void)k;
	if (g->visual)
		g->visual = false;
	else
		g->mode = g->diff_back;
	return DONE;
}

static const struct keybind diff_binds[] = {
	{ .keys = { 's' }, .label = "s", .help = "stage the hunk, or the selected lines", .run = k_diff_stage },
	{ .keys = { 'u' }, .label = "u", .help = "unstage the hunk, or the selected lines", .run = k_diff_stage },
	{ .keys = { 'd' }, .label = "d", .help = "discard the hunk (asks first)", .run = k_diff_discard },
	{ .keys = { 'v', 'V' }, .label = "v/V", .help = "select lines (again: stop)", .run = k_diff_visual },
	{ .keys = { 'n', ']', 'N', '[' }, .label = "n/], N/[", .help = "next / previous hunk", .run = k_diff_hunk },
	{ .keys = { 'j', KB_C(KEY_DOWN), 'k', KB_C(KEY_UP) }, .label = "j/k, Down/Up", .help = "move",
	  .run = k_diff_move },
	{ .keys = { KB_C(KEY_NPAGE), ' ', KEY_CTRL('d'), KB_C(KEY_PPAGE), KEY_CTRL('u') },
	  .label = "PgDn/Space/Ctrl-D, PgUp/Ctrl-U", .help = "move a page", .run = k_diff_move },
	{ .keys = { 'g', KB_C(KEY_HOME), 'G', KB_C(KEY_END) }, .label = "g/Home, G/End",
	  .help = "first / last line", .run = k_diff_move },
	{ .keys = { 'r' }, .label = "r", .help = "read the repository again", .run = k_diff_refresh },
	{ .keys = { 'q', 27, KB_C(KEY_LEFT) }, .label = "q/Esc/Left", .help = "back (first ends a selection)",
	  .run = k_diff_back },
};
const struct keymap git_diff_keys = KEYMAP("Git pane: diff", diff_binds);

static int key_diff(struct git_pane *g, const struct key *k)
{
	return keymap_dispatch(&git_diff_keys, g, k);
}

/* The log */

static int k_log_move(void *self, const struct key *k)
{
	struct git_pane *g = self;

	keys_list_move(&g->log_lv, k);
	return DONE;
}

static int k_log_open(void *self, const struct key *k)
{
	struct git_pane *g = self;

	(void)k;
	if (!g->log || g->log->n <= 0)
		return PANE_IGNORED;
	open_diff(g, GITW_DIFF_COMMIT, g->log->commits[g->log_lv.cursor].oid, NULL, MODE_LOG);
	return DONE;
}

static int k_to_status(void *self, const struct key *k)
{
	struct git_pane *g = self;

	(void)k;
	g->mode = MODE_STATUS;
	return DONE;
}

static const struct keybind log_binds[] = {
	{ .keys = { '\r', '\n', KB_C(KEY_ENTER) }, .label = "Enter", .help = "the commit's diff", .run = k_log_open },
	{ .keys = { 'j', KB_C(KEY_DOWN), 'k', KB_C(KEY_UP) }, .label = "j/k, Down/Up", .help = "move",
	  .run = k_log_move },
	{ .keys = { KB_C(KEY_NPAGE), KB_C(KEY_PPAGE) }, .label = "PgDn/PgUp", .help = "move a page",
	  .run = k_log_move },
	{ .keys = { 'g', KB_C(KEY_HOME), 'G', KB_C(KEY_END) }, .label = "g/Home, G/End",
	  .help = "newest / oldest commit", .run = k_log_move },
	{ .keys = { 'q', 27, 'l' }, .label = "q/Esc/l", .help = "back to the status", .run = k_to_status },
};
const struct keymap git_log_keys = KEYMAP("Git pane: log", log_binds);

static int key_log(struct git_pane *g, const struct key *k)
{
	return keymap_dispatch(&git_log_keys, g, k);
}

/* The status */

static int k_status_move(void *self, const struct key *k)
{
	struct git_pane *g = self;

	keys_list_move(&g->status_lv, k);
	return DONE;
}

static int k_status_open(void *self, const struct key *k)
{
	struct git_pane *g = self;
	const struct gitw_entry *e;
	int grp;

	(void)k;
	if ((e = entry_at(g->st, (int)g->status_lv.cursor, &grp)) == NULL)
		return PANE_HANDLED;
	open_diff(g, grp == GITW_STAGED ? GITW_DIFF_STAGED : grp == GITW_UNTRACKED ? GITW_DIFF_UNTRACKED
		  : GITW_DIFF_UNSTAGED, NULL, e->path, MODE_STATUS);
	return DONE;
}

static int k_status_all(void *self, const struct key *k)
{
	(void)k;
	open_diff(self, GITW_DIFF_UNSTAGED, NULL, NULL, MODE_STATUS);
	return DONE;
}

static int k_status_stage(void *self, const struct key *k)
{
	stage_entry(self, keys_id(k) == 'u');
	return DONE;
}

static int k_status_commit(void *self, const struct key *k)
{
	struct git_pane *g = self;

	g->mode = MODE_COMMIT;
	gate_check(g);
	if (keys_id(k) == 'A')
		g->amend = true;
	g->mcur = g->msg.len;
	return DONE;
}

static int k_status_editor(void *self, const struct key *k)
{
	struct git_pane *g = self;

	(void)k;
	g->mode = MODE_COMMIT;
	g->mcur = g->msg.len;
	run_editor(g);
	return DONE;
}

static int k_status_log(void *self, const struct key *k)
{
	(void)k;
	open_log(self);
	return DONE;
}

static int k_status_refresh(void *self, const struct key *k)
{
	(void)k;
	refresh_all(self);
	set_note(self, false, "refreshed");
	return DONE;
}

static const struct keybind status_binds[] = {
	{ .keys = { '\r', '\n', KB_C(KEY_ENTER), KB_C(KEY_RIGHT) }, .label = "Enter/Right",
	  .help = "the file's diff", .run = k_status_open },
	{ .keys = { 'D' }, .label = "D", .help = "every unstaged change in one diff", .run = k_status_all },
	{ .keys = { 's' }, .label = "s", .help = "stage the file (the cursor stays on it)", .run = k_status_stage },
	{ .keys = { 'u' }, .label = "u", .help = "unstage the file", .run = k_status_stage },
	{ .keys = { 'c' }, .label = "c", .help = "commit (write the message)", .run = k_status_commit },
	{ .keys = { 'A' }, .label = "A", .help = "amend the last commit", .run = k_status_commit },
	{ .keys = { 'E' }, .label = "E", .help = "write the commit message in $EDITOR", .run = k_status_editor },
	{ .keys = { 'l' }, .label = "l", .help = "the log", .run = k_status_log },
	{ .keys = { 'r' }, .label = "r", .help = "read the repository again", .run = k_status_refresh },
	{ .keys = { 'j', KB_C(KEY_DOWN), 'k', KB_C(KEY_UP) }, .label = "j/k, Down/Up", .help = "move",
	  .run = k_status_move },
	{ .keys = { KB_C(KEY_NPAGE), KB_C(KEY_PPAGE) }, .label = "PgDn/PgUp", .help = "move a page",
	  .run = k_status_move },
	{ .keys = { 'g', KB_C(KEY_HOME), 'G', KB_C(KEY_END) }, .label = "g/Home, G/End",
	  .help = "first / last file", .run = k_status_move },
};
const struct keymap git_status_keys = KEYMAP("Git pane: status", status_binds);

static int key_status(struct git_pane *g, const struct key *k)
{
	return keymap_dispatch(&git_status_keys, g, k);
}

static int git_key(void *self, const struct key *k)
{
	struct git_pane *g = self;

	if (!g->repo)
		return PANE_IGNORED;
	if (g->mode != MODE_COMMIT && g->note[0] && !k->is_code)
		g->note[0] = '\0';
	switch (g->mode) {
	case MODE_STATUS: return key_status(g, k);
	case MODE_DIFF: return key_diff(g, k);
	case MODE_LOG: return key_log(g, k);
	case MODE_COMMIT: return key_commit(g, k);
	}
	return PANE_IGNORED;
}

static void git_focus(void *self, bool focused)
{
	struct git_pane *g = self;
	if (focused && g->repo && gitw_stamp(g->repo) != g->stamp)
		read_status(g);
}

static void git_reload(void *self)
{
	/* a slash command may have staged or committed: look again */
	struct git_pane *g = self;
	if (g->repo && !g->discard_pending)
		refresh_all(g);
}

static void git_destroy(void *self)
{
	struct git_pane *g = self;

	if (g->timer)
		loop_del_timer(app_loop(g->base.app), g->timer);
	gitw_status_free(g->st);
	gitw_diff_free(g->diff);
	g->diff = NULL;
	load_coverage(g);
	gitw_log_free(g->log);
	free(g->rows);
	free(g->diff_path);
	free(g->diff_rev);
	free_meta(g);
	free(g->discard_path);
	free(g->edit_file);
	strbuf_free(&g->msg);
	gitw_free(g->repo);
	free(g);
}

static const struct view_ops git_ops = {
	.name = "git",
	.destroy = git_destroy,
	.draw = git_draw,
	.key = git_key,
	.focus = git_focus,
	.reload = git_reload,
	.border_right = git_border_right,
	.cursor = git_cursor,
};

struct pane *pane_git_new(struct app *a)
{
	struct git_pane *g = xcalloc(1, sizeof(*g));

	g->base.ops = &git_ops;
	g->base.app = a;
	g->base.title = "Git";
	read_status(g);
	if (app_loop(a))
		g->timer = loop_add_timer(app_loop(a), 1000, poll_timer, g);
	return &g->base;
}

bool pane_git_show_diff(struct pane *p, const char *kind, const char *rev, const char *path)
{
	struct git_pane *g = (struct git_pane *)p;
	enum gitw_diff_kind k = GITW_DIFF_UNSTAGED;

	if (!g->repo)
		return false;
	if (kind && strcmp(kind, "staged") == 0)
		k = GITW_DIFF_STAGED;
	else if (kind && strcmp(kind, "commit") == 0)
		k = GITW_DIFF_COMMIT;
	else if (kind && strcmp(kind, "range") == 0)
		k = GITW_DIFF_RANGE;
	else if (kind && strcmp(kind, "rev") == 0)
		k = GITW_DIFF_REV;
	else if (kind && strcmp(kind, "rev-staged") == 0)
		k = GITW_DIFF_REV_STAGED;
	open_diff(g, k, rev, path, MODE_STATUS);
	return g->mode == MODE_DIFF;
}

bool view_git_diff_open(struct app *a, const cJSON *result)
{
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(result, "kind");
	const cJSON *rev = cJSON_GetObjectItemCaseSensitive(result, "rev");
	const cJSON *path = cJSON_GetObjectItemCaseSensitive(result, "path");
	struct pane *p = app_pane(a, APP_PANE_GIT);

	if (!p || !pane_git_show_diff(p, cJSON_IsString(kind) ? kind->valuestring : NULL,
				      cJSON_IsString(rev) ? rev->valuestring : NULL,
				      cJSON_IsString(path) ? path->valuestring : NULL))
		return false;
	app_focus(a, APP_PANE_GIT);
	return true;
}
