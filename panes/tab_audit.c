/*
 * tab_audit.c - the Audit tab of the browser pane: walk through every
 * unsafe item, read its SAFETY argument and code, and sign it off.
 *
 * The top half lists the items grouped by file (each file with its counts
 * total / documented / reviewed), filtered by all, undocumented,
 * unreviewed, "mine to review" (not approved and no verdict of mine on
 * the current code) or "approved by signatures" (enough counted sound
 * verdicts with good signatures). Each verdict shows whether it is signed
 * (and by which principal of the allowed signers), unsigned, untrusted or
 * forged, and why it does not count when it does not; verdicts given here
 * are signed with the reviewer's key when there is one (sshsig.h). The bottom half shows the selected item: status and
 * reviewers, its SAFETY argument, and the code with a few lines of context,
 * highlighted with rustlex through the theme's SYN_* roles. Verdict keys
 * open a one-line note prompt; Enter records the verdict in the store.
 *
 * The list comes from the store (audit_load); the tab scans the repository
 * once when first shown and on `R`, and rescans a file a save touched (a
 * one-second timer compares the listed files' mtimes, as /watch notices
 * saves). When another rwb on the same store records a verdict the
 * browser calls .reload (data_version), so the pair reviewer's sign-off
 * appears here within the store poll interval. A verdict moves the cursor
 * to the next item still to review. An item whose code changed has a new
 * id (the fingerprint changed); the verdicts on its previous version (a
 * gone item of the same file, kind and fn) are shown under it.
 * Never: draw file text except through draw_text*(), or block on anything
 * but a scan of the repository and ssh-keygen (signing a verdict; checking
 * each signature once per process: sshsig.c caches the answers).
 */
#define _GNU_SOURCE
#include "audit.h"
#include "app.h"
#include "browser.h"
#include "keys.h"
#include "listview.h"
#include "coverage.h"
#include "draw.h"
#include "error.h"
#include "loop.h"
#include "rustlex.h"
#include "sshsig.h"
#include "store.h"
#include "theme.h"
#include "xalloc.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <wchar.h>

enum filter { F_ALL, F_UNDOC, F_UNREVIEWED, F_MINE, F_SIGNED, F_COUNT };
static const char *const filter_names[] = { "all", "undocumented", "unreviewed", "mine to review",
					    "approved by signatures" };

struct row {
	int item;                 /* index in list, or -1 for a file header */
	const char *file;         /* borrowed from the list */
	int total, documented, reviewed;  /* file headers: counts under the filter */
};

struct watched {
	char *file;               /* owned: relative to the repository */
	int64_t stamp;            /* mtime (ns) + size when last scanned, -1 unknown */
};

struct audit_tab {
	struct app *app;          /* borrowed */
	struct audit_list list;   /* owned: current items */
	struct audit_list gone;   /* owned: items no longer in the code that have verdicts */
	struct watched *files;    /* owned: the listed files, for the save check */
	int nfiles;
	int64_t timer;            /* the save check's timer id, 0 none */
	struct row *rows;         /* owned: the visible rows */
	int nrows;
	int *item_rows;           /* owned: the row of each listed item, in order */
	struct listview lv;       /* over the listed items; its top and rows count rows
	                             (the files' headings too) */
	int detail_top;           /* scroll of the detail view */
	enum filter filter;
	char *me;                 /* owned: this reviewer's name ("agent:NAME" for an agent) */
	char *key;                /* owned: the key verdicts are signed with, or NULL */
	bool key_known;           /* key was looked up (on the first verdict) */
	bool scanned;             /* scanned the repository once */
	signed char *tested;      /* owned: per item, enum coverage_state of the last coverage run */
	char message[600];        /* the last outcome, shown in the header */
	bool msg_bad;
	/* the note prompt */
	bool prompting;
	const char *verdict;      /* static: "sound" ... */
	char note[512];
	size_t note_len;
};

static struct audit_item *sel_item(struct audit_tab *t)
{
	if (!t->lv.count)
		return NULL;
	return &t->list.items[t->rows[t->item_rows[t->lv.cursor]].item];
}

static bool mine_to_review(struct audit_tab *t, const struct audit_item *it)
{
	if (it->status == AUDIT_APPROVED || it->status == AUDIT_REJECTED)
		return false;
	return !audit_latest_verdict(it, t->me);
}

static bool passes(struct audit_tab *t, const struct audit_item *it)
{
	switch (t->filter) {
	case F_UNDOC: return !it->documented;
	case F_UNREVIEWED: return it->status != AUDIT_APPROVED;
	case F_MINE: return mine_to_review(t, it);
	case F_SIGNED: return it->status == AUDIT_APPROVED && it->signed_sound >= t->list.required;
	default: return true;
	}
}

/* Rebuilds rows from the list and the filter, keeping the selected id. */
static void build_rows(struct audit_tab *t, const char *keep_id)
{
	int header = -1, nitems = 0, keep = 0;

	free(t->rows);
	free(t->item_rows);
	t->rows = xcalloc(t->list.n * 2 + 1, sizeof(*t->rows));
	t->item_rows = xcalloc(t->list.n + 1, sizeof(*t->item_rows));
	t->nrows = 0;
	for (size_t i = 0; i < t->list.n; i++) {
		struct audit_item *it = &t->list.items[i];
		if (!passes(t, it))
			continue;
		if (header < 0 || strcmp(t->rows[header].file, it->file) != 0) {
			header = t->nrows++;
			t->rows[header] = (struct row){ .item = -1, .file = it->file };
		}
		t->rows[header].total++;
		t->rows[header].documented += it->documented;
		t->rows[header].reviewed += it->status == AUDIT_APPROVED;
		t->rows[t->nrows] = (struct row){ .item = (int)i, .file = it->file };
		if (keep_id && strcmp(keep_id, it->id) == 0)
			keep = nitems;
		t->item_rows[nitems++] = t->nrows++;
	}
	listview_set_count(&t->lv, nitems);
	listview_select(&t->lv, keep);
}

/* Whether the last /rust-test --coverage executed each item (coverage.c). */
static void load_tested(struct audit_tab *t)
{
	struct coverage_cache cc = { 0 };

	free(t->tested);
	t->tested = xcalloc(t->list.n + 1, 1);
	for (size_t i = 0; i < t->list.n; i++) {
		const struct audit_item *it = &t->list.items[i];
		t->tested[i] = (signed char)coverage_item_tested(&cc, app_store(t->app), app_repo(t->app),
			it->file, it->kind == UNSAFE_BLOCK || it->kind == UNSAFE_FN, it->line, it->line_end);
	}
	coverage_cache_release(&cc);
}

static int64_t file_stamp(struct audit_tab *t, const char *file)
{
	char *path = xasprintf("%s/%s", app_repo(t->app), file);
	struct stat st;
	int64_t v = -1;

	if (stat(path, &st) == 0)
		v = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec + (int64_t)st.st_size;
	free(path);
	return v;
}

/* The files of the list, each with its stamp (kept for files known before). */
static void watch_files(struct audit_tab *t)
{
	struct watched *old = t->files;
	int nold = t->nfiles, k = 0;

	t->files = xcalloc(t->list.n + 1, sizeof(*t->files));
	t->nfiles = 0;
	for (size_t i = 0; i < t->list.n; i++) {
		const char *f = t->list.items[i].file;
		if (t->nfiles && strcmp(t->files[t->nfiles - 1].file, f) == 0)
			continue;
		struct watched *w = &t->files[t->nfiles++];
		w->file = xstrdup(f);
		w->stamp = -1;
		for (int j = 0; j < nold && w->stamp < 0; j++, k = (k + 1) % nold)
			if (old[k].file && strcmp(old[k].file, f) == 0)
				w->stamp = old[k].stamp;
		if (w->stamp < 0)
			w->stamp = file_stamp(t, f);
	}
	for (int j = 0; j < nold; j++)
		free(old[j].file);
	free(old);
}

static void list_push(struct audit_list *l, const struct audit_item *it)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->items = xrealloc(l->items, l->cap * sizeof(*l->items));
	}
	l->items[l->n++] = *it;
}

static void load(struct audit_tab *t)
{
	struct audit_item *cur = sel_item(t);
	char keep[11] = "";
	struct store *s = app_store(t->app);
	struct audit_list all, drop = { 0 };

	if (cur)
		snprintf(keep, sizeof(keep), "%s", cur->id);
	audit_list_release(&t->list);
	audit_list_release(&t->gone);
	free(t->rows);
	free(t->item_rows);
	t->rows = NULL;
	t->item_rows = NULL;
	t->nrows = 0;
	listview_set_count(&t->lv, 0);
	/* current items to the list; gone ones with verdicts kept aside
	 * (the previous version of an item whose code changed) */
	if (!s || audit_load(&all, s, app_repo(t->app), true) != 0)
		memset(&all, 0, sizeof(all));
	t->list.required = t->gone.required = all.required;
	for (size_t i = 0; i < all.n; i++)
		list_push(!all.items[i].gone ? &t->list : all.items[i].nverdicts ? &t->gone : &drop,
			  &all.items[i]);
	/* the list keeps the signature policy and the signers (draw_sig, records) */
	t->list.require_signatures = all.require_signatures;
	t->list.forged = all.forged;
	t->list.repo_id = all.repo_id;
	t->list.root = all.root;
	t->list.signers = all.signers;
	free(all.items);
	audit_list_release(&drop);
	load_tested(t);
	build_rows(t, *keep ? keep : NULL);
	watch_files(t);
}

/*
 * The save check: a listed file whose mtime or size moved is scanned
 * again (only that file), as /watch notices a save. Callbacks never draw:
 * the store write makes every tab reload and the pane redraw.
 */
static int save_timer(struct loop *l, void *data)
{
	struct audit_tab *t = data;
	struct store *s = app_store(t->app);
	int rescanned = 0;
	char last[256] = "";

	(void)l;
	if (!t->scanned || !s || t->prompting)
		return 1000;
	for (int i = 0; i < t->nfiles; i++) {
		int64_t now = file_stamp(t, t->files[i].file);
		struct audit_list out;
		if (now == t->files[i].stamp)
			continue;
		t->files[i].stamp = now;
		if (now < 0)
			continue;   /* deleted: R rescans the repository */
		if (audit_scan(&out, s, app_repo(t->app), t->files[i].file) == 0) {
			audit_list_release(&out);
			rescanned++;
			snprintf(last, sizeof(last), "%s", t->files[i].file);
		}
	}
	if (rescanned) {
		snprintf(t->message, sizeof(t->message), "saved: rescanned %s%s", last,
			 rescanned > 1 ? " and others" : "");
		t->msg_bad = false;
		load(t);
		app_store_touched(t->app);
	}
	return 1000;
}

static void scan(struct audit_tab *t)
{
	struct audit_list l;
	struct store *s = app_store(t->app);

	t->scanned = true;
	if (!s)
		return;
	if (audit_scan(&l, s, app_repo(t->app), NULL) != 0) {
		snprintf(t->message, sizeof(t->message), "scan failed: %s", rwb_last_error());
		t->msg_bad = true;
		return;
	}
	audit_list_release(&l);
	load(t);
}

static void *audit_create(struct app *a)
{
	struct audit_tab *t = xcalloc(1, sizeof(*t));

	t->app = a;
	/* an agent signs as agent:NAME; a person is the one identity rule (app.h) */
	t->me = audit_agent_name(NULL);
	if (!t->me)
		t->me = xstrdup(app_me(a));
	if (app_loop(a))
		t->timer = loop_add_timer(app_loop(a), 1000, save_timer, t);
	return t;
}

static void audit_destroy(void *state)
{
	struct audit_tab *t = state;

	if (!t)
		return;
	if (t->timer)
		loop_del_timer(app_loop(t->app), t->timer);
	audit_list_release(&t->list);
	audit_list_release(&t->gone);
	for (int i = 0; i < t->nfiles; i++)
		free(t->files[i].file);
	free(t->files);
	free(t->rows);
	free(t->item_rows);
	free(t->me);
	free(t->tested);
	free(t->key);
	free(t);
}

static void audit_reload(void *state)
{
	load(state);
}

/* ---- drawing ----------------------------------------------------------------- */

static enum rwb_color status_role(const struct audit_item *it)
{
	switch (it->status) {
	case AUDIT_APPROVED: return it->documented ? RWB_COLOR_AUDIT_OK : RWB_COLOR_AUDIT_PENDING;
	case AUDIT_REJECTED: case AUDIT_NEEDS_WORK: return RWB_COLOR_AUDIT_BAD;
	default: return RWB_COLOR_AUDIT_PENDING;
	}
}

static void draw_list_row(struct audit_tab *t, WINDOW *win, int y, int cols, int r, bool focused)
{
	const struct row *row = &t->rows[r];
	char buf[512];

	if (row->item < 0) {
		int x = draw_text(win, y, 1, cols - 2, row->file, theme_attr(RWB_COLOR_PANE_TITLE));
		snprintf(buf, sizeof(buf), "  %d item%s, %d documented, %d reviewed", row->total,
			 row->total == 1 ? "" : "s", row->documented, row->reviewed);
		draw_text(win, y, 1 + x, cols - 2 - x, buf, theme_attr(RWB_COLOR_DIM));
		return;
	}
	const struct audit_item *it = &t->list.items[row->item];
	bool is_sel = t->lv.count && r == t->item_rows[t->lv.cursor];
	attr_t base = is_sel ? theme_attr(focused ? RWB_COLOR_SELECTION : RWB_COLOR_SELECTION_DIM) :
		theme_attr(RWB_COLOR_DEFAULT);
	const char *where = it->function && *it->function ? it->function :
		(it->name && *it->name ? it->name : "(top level)");
	int x = 1;

	if (is_sel)
		draw_fill(win, y, 0, cols, base);
	snprintf(buf, sizeof(buf), "  %5d-%-5d %-6s ", it->line, it->line_end, unsafe_kind_name(it->kind));
	x += draw_text(win, y, x, cols - x, buf, is_sel ? base : theme_attr(RWB_COLOR_LINE_NUMBER));
	snprintf(buf, sizeof(buf), "%-24.24s ", where);
	x += draw_text(win, y, x, cols - x, buf, base);
	x += draw_text(win, y, x, cols - x, it->documented ? "documented   " : "UNDOCUMENTED ",
		       is_sel ? base : theme_attr(it->documented ? RWB_COLOR_AUDIT_OK : RWB_COLOR_AUDIT_BAD));
	snprintf(buf, sizeof(buf), "%s %d/%d", audit_status_name(it->status), it->sound, t->list.required);
	x += draw_text(win, y, x, cols - x, buf, is_sel ? base : theme_attr(status_role(it)));
	if (t->tested && t->tested[row->item] != COVERAGE_NONE)
		x += draw_text(win, y, x, cols - x, t->tested[row->item] == COVERAGE_HIT ? "  tested" :
			       "  UNTESTED", is_sel ? base : theme_attr(t->tested[row->item] == COVERAGE_HIT ?
			       RWB_COLOR_AUDIT_OK : RWB_COLOR_AUDIT_BAD));
	if (it->forged)
		x += draw_text(win, y, x, cols - x, " FORGED", is_sel ? base : theme_attr(RWB_COLOR_AUDIT_BAD));
	else if (it->status == AUDIT_APPROVED && it->signed_sound >= t->list.required)
		x += draw_text(win, y, x, cols - x, " signed", is_sel ? base : theme_attr(RWB_COLOR_AUDIT_OK));
	snprintf(buf, sizeof(buf), "  %s", it->id);
	draw_text(win, y, x, cols - x, buf, is_sel ? base : theme_attr(RWB_COLOR_DIM));
}

/* A verdict's signature state: "[signed alice@x]", "[unsigned]", ... */
static int draw_sig(WINDOW *win, int y, int x, int maxw, const struct audit_verdict *v)
{
	char buf[300];
	enum rwb_color role = v->sig == AUDIT_SIG_GOOD ? RWB_COLOR_AUDIT_OK :
		v->sig == AUDIT_SIG_FORGED ? RWB_COLOR_AUDIT_BAD : RWB_COLOR_DIM;

	if (v->sig == AUDIT_SIG_GOOD)
		snprintf(buf, sizeof(buf), "  [signed %s]", v->principal ? v->principal : "");
	else
		snprintf(buf, sizeof(buf), "  [%s]", v->sig == AUDIT_SIG_FORGED ? "FORGED" : audit_sig_name(v->sig));
	return draw_text(win, y, x, maxw - x, buf, theme_attr(role));
}

/* One source line, highlighted, tabs as spaces; lx carries multi-line state. */
static void draw_code_line(WINDOW *win, int y, int x, int maxw, const char *line, size_t len,
			   struct rustlex *lx, bool in_item)
{
	struct rust_token tk;

	rustlex_init_line(lx, line, len);
	/* the whole line is lexed (lx carries comments and strings to the
	 * next line) even past the right edge */
	while (rustlex_next(lx, &tk)) {
		if (x >= maxw)
			continue;
		enum rwb_color role = draw_rust_role(&tk, line, len);
		attr_t attr = theme_attr(role);
		if (!in_item && role == RWB_COLOR_DEFAULT)
			attr = theme_attr(RWB_COLOR_DIM);
		/* tabs become four spaces; everything else goes through draw_textn */
		const char *p = line + tk.start, *e = p + tk.len;
		while (p < e && x < maxw) {
			const char *tab = memchr(p, '\t', (size_t)(e - p));
			const char *stop = tab ? tab : e;
			x += draw_textn(win, y, x, maxw - x, p, (size_t)(stop - p), attr);
			if (tab) {
				x += draw_text(win, y, x, maxw - x, "    ", attr);
				p = tab + 1;
			} else {
				p = e;
			}
		}
	}
}

static char *read_source(const char *repo, const char *file, size_t *len)
{
	char *path = xasprintf("%s/%s", repo, file);
	FILE *f = fopen(path, "rb");
	char *buf = NULL;

	free(path);
	*len = 0;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0) {
		long n = ftell(f);
		if (n >= 0 && n < (16 << 20)) {
			rewind(f);
			buf = xmalloc((size_t)n + 1);
			*len = fread(buf, 1, (size_t)n, f);
			buf[*len] = '\0';
		}
	}
	fclose(f);
	return buf;
}

/*
 * The previous version of an item whose code changed: a gone item of the
 * same file, kind and enclosing fn with verdicts, the nearest in lines
 * (the newest verdict breaks ties). NULL when it has current verdicts.
 */
static const struct audit_item *previous_version(const struct audit_tab *t, const struct audit_item *it)
{
	const struct audit_item *best = NULL;
	int bestd = INT_MAX;

	if (audit_item_has_current(it))
		return NULL;
	for (size_t i = 0; i < t->gone.n; i++) {
		const struct audit_item *g = &t->gone.items[i];
		if (g->kind != it->kind || strcmp(g->file, it->file) != 0 ||
		    strcmp(g->function ? g->function : "", it->function ? it->function : "") != 0)
			continue;
		int d = abs(g->line - it->line);
		if (d < bestd || (d == bestd && best && g->verdicts[g->nverdicts - 1].at >
					       best->verdicts[best->nverdicts - 1].at)) {
			best = g;
			bestd = d;
		}
	}
	return best;
}

static void draw_detail(struct audit_tab *t, WINDOW *win, int y0, int rows, int cols)
{
	struct audit_item *it = sel_item(t);
	char buf[512];
	int y = y0, end = y0 + rows;
	size_t len;
	char *src;

	if (!it || rows <= 0)
		return;
	snprintf(buf, sizeof(buf), "%s  %s %s%s%s  in %s  lines %d-%d", it->id, unsafe_kind_name(it->kind),
		 it->module && *it->module ? it->module : "", it->module && *it->module ? "::" : "",
		 it->function && *it->function ? it->function : (it->name ? it->name : ""),
		 it->file, it->line, it->line_end);
	draw_text(win, y, 1, cols - 2, buf, theme_attr(RWB_COLOR_PANE_TITLE));
	y++;
	if (y < end) {
		int x = 1;
		snprintf(buf, sizeof(buf), "%s (%d of %d sound, %d signed%s)", audit_status_name(it->status),
			 it->sound, t->list.required, it->signed_sound,
			 t->list.require_signatures ? "; signatures required" : "");
		x += draw_text(win, y, x, cols - 2, buf, theme_attr(status_role(it)));
		if (!it->documented)
			x += draw_text(win, y, x, cols - 1 - x, "  no SAFETY comment",
				       theme_attr(RWB_COLOR_AUDIT_BAD));
		if (t->tested && t->tested[it - t->list.items] == COVERAGE_MISSED)
			x += draw_text(win, y, x, cols - 1 - x, "  no test executes it",
				       theme_attr(RWB_COLOR_AUDIT_BAD));
		if (it->clippy_flags)
			draw_text(win, y, x, cols - 1 - x, "  (clippy would flag it)", theme_attr(RWB_COLOR_DIM));
		y++;
	}
	/* each reviewer's latest verdict on the current code (audit.c marks
	 * them), with its signature, and every forged verdict */
	for (int i = 0; i < it->nverdicts && y < end; i++) {
		const struct audit_verdict *v = &it->verdicts[i];
		if (!v->latest && v->sig != AUDIT_SIG_FORGED)
			continue;
		enum rwb_color role = strcmp(v->verdict, "sound") == 0 ? RWB_COLOR_AUDIT_OK :
			strcmp(v->verdict, "unsound") == 0 ? RWB_COLOR_AUDIT_BAD : RWB_COLOR_AUDIT_PENDING;
		int x = 3 + draw_text(win, y, 3, cols - 4, v->reviewer, theme_attr(RWB_COLOR_HELP_KEY));
		x += draw_text(win, y, x, cols - 1 - x, ": ", theme_attr(RWB_COLOR_DIM));
		x += draw_text(win, y, x, cols - 1 - x, v->verdict, theme_attr(role));
		if (v->note && *v->note) {
			x += draw_text(win, y, x, cols - 1 - x, "  ", theme_attr(RWB_COLOR_DIM));
			x += draw_text(win, y, x, cols - 1 - x, v->note, theme_attr(RWB_COLOR_HELP_TEXT));
		}
		x += draw_sig(win, y, x, cols - 1, v);
		if (!v->counted && v->why)
			draw_text(win, y, x + 1, cols - 2 - x, v->why,
				  theme_attr(v->sig == AUDIT_SIG_FORGED ? RWB_COLOR_AUDIT_BAD : RWB_COLOR_DIM));
		y++;
	}
	/* code changed: the verdicts on its previous version */
	const struct audit_item *prev = previous_version(t, it);
	for (int i = 0; prev && i < prev->nverdicts && y < end; i++) {
		const struct audit_verdict *v = &prev->verdicts[i];
		/* a gone item's verdicts are all on its own (last) code: the
		 * loader marked each reviewer's latest */
		if (!v->latest)
			continue;
		int x = 3 + draw_text(win, y, 3, cols - 4, "before the code changed, ", theme_attr(RWB_COLOR_DIM));
		x += draw_text(win, y, x, cols - 1 - x, v->reviewer, theme_attr(RWB_COLOR_HELP_KEY));
		x += draw_text(win, y, x, cols - 1 - x, ": ", theme_attr(RWB_COLOR_DIM));
		x += draw_text(win, y, x, cols - 1 - x, v->verdict, theme_attr(RWB_COLOR_DIM));
		if (v->note && *v->note) {
			x += draw_text(win, y, x, cols - 1 - x, "  ", theme_attr(RWB_COLOR_DIM));
			draw_text(win, y, x, cols - 1 - x, v->note, theme_attr(RWB_COLOR_HELP_TEXT));
		}
		y++;
	}
	if (y >= end)
		return;
	/* the code: SAFETY argument and item with context, from the file */
	src = read_source(app_repo(t->app), it->file, &len);
	if (!src) {
		draw_text(win, y, 1, cols - 2, "(the file cannot be read)", theme_attr(RWB_COLOR_DIM));
		return;
	}
	int first = (it->safety_line > 0 && it->safety_line < it->line ? it->safety_line : it->line) - 2;
	int last = it->line_end + 2;
	if (first < 1)
		first = 1;
	first += t->detail_top;
	struct rustlex lx;
	const char *p = src, *e = src + len;
	int ln = 1;
	rustlex_init(&lx, NULL, 0);
	/* lex from the top of the file so block comments and strings carry over */
	while (p < e && y < end && ln <= last) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		const char *le = nl ? nl : e;
		if (ln >= first) {
			bool in_item = ln >= it->line && ln <= it->line_end;
			bool in_safety = it->safety_line > 0 && ln >= it->safety_line && ln <= it->safety_line_end;
			snprintf(buf, sizeof(buf), "%5d ", ln);
			draw_text(win, y, 0, cols, buf, theme_attr(RWB_COLOR_LINE_NUMBER));
			draw_text(win, y, 6, 2, in_item ? "|" : in_safety ? ":" : " ",
				  theme_attr(in_item ? RWB_COLOR_SYN_UNSAFE : RWB_COLOR_AUDIT_OK));
			draw_code_line(win, y, 8, cols - 1, p, (size_t)(le - p), &lx, in_item || in_safety);
			y++;
		} else {
			struct rust_token tk;
			rustlex_init_line(&lx, p, (size_t)(le - p));
			while (rustlex_next(&lx, &tk))
				;
		}
		ln++;
		p = nl ? nl + 1 : e;
	}
	free(src);
}

static void audit_draw(void *state, WINDOW *win, int rows, int cols, bool focused)
{
	struct audit_tab *t = state;
	char buf[512];
	int total = 0, documented = 0, reviewed = 0;

	if (!t || rows <= 0 || cols <= 4)
		return;
	if (!t->scanned)
		scan(t);
	for (size_t i = 0; i < t->list.n; i++) {
		total++;
		documented += t->list.items[i].documented;
		reviewed += t->list.items[i].status == AUDIT_APPROVED;
	}
	snprintf(buf, sizeof(buf), "%d unsafe, %d documented, %d reviewed   filter: %s",
		 total, documented, reviewed, filter_names[t->filter]);
	int x = 1 + draw_text(win, 0, 1, cols - 2, buf, theme_attr(RWB_COLOR_STATUS_ACCENT));
	if (*t->message)
		draw_text(win, 0, x + 2, cols - x - 3, t->message,
			  theme_attr(t->msg_bad ? RWB_COLOR_RESULT_ERROR : RWB_COLOR_RESULT_OK));
	if (rows < 2)
		return;

	int bottom = rows - 1;      /* the key / prompt line */
	/* the list gets two fifths (or what it needs), the detail the rest */
	int list_h = (bottom - 1) * 2 / 5;
	if (list_h > t->nrows)
		list_h = t->nrows;
	if (list_h < 1)
		list_h = 1;
	if (t->nrows == 0) {
		draw_text(win, 1, 1, cols - 2, total ? "no item matches this filter (a: show all)" :
			  "no unsafe code found in this repository (R rescans)", theme_attr(RWB_COLOR_DIM));
	} else {
		/* there are rows, so items: the cursor is on one (with its file's heading above the first) */
		int row = t->item_rows[t->lv.cursor];
		listview_set_rows_at(&t->lv, list_h, &(struct listview_at){
			.row = row, .above = row > 0 && t->rows[row - 1].item < 0, .total = t->nrows });
		for (int r = 0; r < list_h && t->lv.top + r < t->nrows; r++)
			draw_list_row(t, win, 1 + r, cols, (int)t->lv.top + r, focused);
	}
	if (1 + list_h < bottom) {
		/* U+2500 as text, as the frames draw it: the narrow ACS_HLINE
		 * came out as `qqqq` in tmux with TERM=xterm-256color */
		char *line = xmalloc((size_t)cols * 3 + 1);
		for (int c = 0; c < cols; c++)
			memcpy(line + 3 * c, "\xe2\x94\x80", 3);
		line[3 * cols] = '\0';
		draw_text(win, 1 + list_h, 0, cols, line, theme_attr(RWB_COLOR_PANE_BORDER));
		free(line);
		draw_detail(t, win, 2 + list_h, bottom - 2 - list_h, cols);
	}
	if (t->prompting) {
		snprintf(buf, sizeof(buf), "note for %s (Enter records, Esc cancels): ", t->verdict);
		int px = draw_text(win, bottom, 1, cols - 2, buf, theme_attr(RWB_COLOR_PROMPT));
		draw_textn(win, bottom, 1 + px, cols - 2 - px, t->note, t->note_len, theme_attr(RWB_COLOR_DEFAULT));
	} else {
		struct strbuf hint = STRBUF_INIT;
		keymap_hint(&hint, &tab_audit_keys);
		draw_text(win, bottom, 1, cols - 2, strbuf_str(&hint), theme_attr(RWB_COLOR_HELP_TEXT));
		strbuf_free(&hint);
	}
}

/* ---- keys -------------------------------------------------------------------- */

/* After a verdict: the next item (below, then from the top) still to
 * review, i.e. not approved or rejected and without my verdict on its
 * current code; the cursor stays when none is left. */
static void next_to_review(struct audit_tab *t)
{
	for (long k = 1; k <= t->lv.count; k++) {
		long i = (t->lv.cursor + k) % t->lv.count;
		if (mine_to_review(t, &t->list.items[t->rows[t->item_rows[i]].item])) {
			listview_select(&t->lv, i);
			t->detail_top = 0;
			return;
		}
	}
}

static void record(struct audit_tab *t)
{
	struct audit_item *it = sel_item(t);
	char id[11];
	int rc;

	t->prompting = false;
	if (!it)
		return;
	snprintf(id, sizeof(id), "%s", it->id);
	t->note[t->note_len] = '\0';
	if (!t->key_known) {
		/* an agent signs with its own key only, a person with git's
		 * user.signingKey or the ssh-agent's first key */
		const char *k = getenv("RWB_AGENT_KEY");
		t->key = audit_is_agent(t->me) ? (k && *k ? xstrdup(k) : NULL) : sshsig_default_key(app_repo(t->app));
		t->key_known = true;
	}
	rc = audit_review_signed(app_store(t->app), app_repo(t->app), id, t->verdict, t->me, t->note,
				 t->key);
	if (rc) {
		snprintf(t->message, sizeof(t->message), "%s", rwb_last_error());
		t->msg_bad = true;
	} else {
		snprintf(t->message, sizeof(t->message), "%s: %s recorded by %s%s", id, t->verdict, t->me,
			 t->key ? ", signed" : ", unsigned");
		t->msg_bad = false;
		load(t);
		next_to_review(t);
		app_store_touched(t->app);
	}
}

#define DONE (PANE_HANDLED | PANE_REDRAW)

/* The note prompt after s/x/w */

static int k_note_record(void *self, const struct key *k)
{
	(void)k;
	record(self);
	return DONE;
}

static int k_note_cancel(void *self, const struct key *k)
{
	struct audit_tab *t = self;

	(void)k;
	t->prompting = false;
	snprintf(t->message, sizeof(t->message), "verdict cancelled");
	t->msg_bad = false;
	return DONE;
}

static int k_note_backspace(void *self, const struct key *k)
{
	struct audit_tab *t = self;

	(void)k;
	while (t->note_len > 0) {
		unsigned char c = (unsigned char)t->note[--t->note_len];
		if ((c & 0xc0) != 0x80)
			break;
	}
	return DONE;
}

static const struct keybind note_binds[] = {
	{ .keys = { KB_C(KEY_ENTER), '\r', '\n' }, .label = "Enter", .help = "record the verdict with the note",
	  .run = k_note_record },
	{ .keys = { 27 }, .label = "Esc", .help = "cancel (so does any Alt key)", .run = k_note_cancel },
	{ .keys = { KB_C(KEY_BACKSPACE), 127, 8 }, .label = "Backspace/Ctrl-H", .help = "delete a character",
	  .run = k_note_backspace },
};
const struct keymap tab_audit_note_keys = KEYMAP("Browser: Audit tab, the verdict's note", note_binds);

static int prompt_key(struct audit_tab *t, const struct key *k)
{
	if (keymap_dispatch(&tab_audit_note_keys, t, k) != PANE_IGNORED)
		return DONE;
	if (k->alt && !k->is_code) {
		k_note_cancel(t, k);
	} else if (!k->is_code && !k->alt && k->ch >= 0x20 && k->ch != 0x7f) {
		char mb[MB_LEN_MAX];
		mbstate_t ms;
		memset(&ms, 0, sizeof(ms));
		size_t n = wcrtomb(mb, (wchar_t)k->ch, &ms);
		if (n != (size_t)-1 && t->note_len + n < sizeof(t->note) - 1) {
			memcpy(t->note + t->note_len, mb, n);
			t->note_len += n;
		}
	}
	return DONE;
}

/* The list */

static int k_move(void *self, const struct key *k)
{
	struct audit_tab *t = self;
	long was = t->lv.cursor;

	keys_list_move(&t->lv, k);
	if (t->lv.cursor != was)
		t->detail_top = 0;
	return DONE;
}

static int k_detail(void *self, const struct key *k)
{
	struct audit_tab *t = self;

	if (keys_id(k) == 'J')
		t->detail_top++;
	else if (t->detail_top > -20)
		t->detail_top--;
	return DONE;
}

static int k_filter(void *self, const struct key *k)
{
	struct audit_tab *t = self;
	struct audit_item *it = sel_item(t);
	char keep[11] = "";
	int id = keys_id(k);

	if (it)
		snprintf(keep, sizeof(keep), "%s", it->id);
	t->filter = id == 'a' ? F_ALL : id == 'u' ? F_UNDOC : id == 'r' ? F_UNREVIEWED : id == 'v' ? F_SIGNED : F_MINE;
	build_rows(t, *keep ? keep : NULL);
	t->lv.top = 0;  /* another list: from its top down to the kept item */
	return DONE;
}

static int k_verdict(void *self, const struct key *k)
{
	struct audit_tab *t = self;
	int id = keys_id(k);

	if (!sel_item(t)) {
		snprintf(t->message, sizeof(t->message), "no item selected");
		t->msg_bad = true;
	} else {
		t->verdict = id == 's' ? "sound" : id == 'x' ? "unsound" : "needs-work";
		t->prompting = true;
		t->note_len = 0;
		*t->message = '\0';
	}
	return DONE;
}

static int k_rescan(void *self, const struct key *k)
{
	struct audit_tab *t = self;

	(void)k;
	scan(t);
	snprintf(t->message, sizeof(t->message), "rescanned: %zu items", t->list.n);
	t->msg_bad = false;
	app_store_touched(t->app);
	return DONE;
}

static const struct keybind audit_binds[] = {
	{ .keys = { 's' }, .label = "s", .help = "sound: record the verdict (a note follows)", .hint = "sound",
	  .run = k_verdict },
	{ .keys = { 'x' }, .label = "x", .help = "unsound", .hint = "unsound", .run = k_verdict },
	{ .keys = { 'w' }, .label = "w", .help = "needs work", .hint = "needs-work", .run = k_verdict },
	{ .keys = { 'a', 'u', 'r', 'm', 'v' }, .label = "a/u/r/m/v",
	  .help = "show all, undocumented, unreviewed, mine to review, signed", .hint = "filter", .run = k_filter },
	{ .keys = { 'j', KB_C(KEY_DOWN), 'k', KB_C(KEY_UP) }, .label = "j/k, Down/Up", .help = "move",
	  .hint = "move", .run = k_move },
	{ .keys = { KB_C(KEY_NPAGE), KB_C(KEY_PPAGE) }, .label = "PgDn/PgUp", .help = "move a page", .run = k_move },
	{ .keys = { 'J', 'K' }, .label = "J/K", .help = "scroll the detail", .hint = "scroll", .run = k_detail },
	{ .keys = { 'R' }, .label = "R", .help = "scan the repository again", .hint = "rescan", .run = k_rescan },
};
const struct keymap tab_audit_keys = KEYMAP("Browser: Audit tab", audit_binds);

static int audit_key(void *state, const struct key *k)
{
	struct audit_tab *t = state;

	if (!t)
		return PANE_IGNORED;
	if (t->prompting)
		return prompt_key(t, k);
	return keymap_dispatch(&tab_audit_keys, t, k);
}

const struct view_ops tab_audit_ops = {
	.name = "Audit",
	.create = audit_create,
	.destroy = audit_destroy,
	.draw = audit_draw,
	.key = audit_key,
	.reload = audit_reload,
};
