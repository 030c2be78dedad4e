/*
 * tab_metrics.c - the Metrics tab of the browser pane, and its chart view.
 *
 * Each metric of the project (metrics_query(): the store's series plus the
 * derived ones) is a row: name, latest value, trend arrow and a sparkline
 * of the last runs in block characters; a metric of the brief that cannot
 * be measured for the project shows "unavailable: REASON" instead (never
 * silently missing). Benchmark regressions are drawn in
 * the AUDIT_BAD role. Enter opens a chart of the selected metric over time
 * (an overlay, block characters in eighths); `d` opens the diagnostics of
 * the last build (read from the store, so it works after the job ended);
 * `r` reloads. The header says how the last build and test run went.
 *
 * Never: query the store while drawing (reload() does, when the store
 * changed), or draw outside the window it is given.
 */
#include "browser.h"
#include "overlay.h"
#include "app.h"
#include "draw.h"
#include "keys.h"
#include "listview.h"
#include "sanitize.h"
#include "error.h"
#include "metrics.h"
#include "store.h"
#include "theme.h"
#include "xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_POINTS 120

static const char *const blocks[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };

struct metrics_tab {
	struct app *app;             /* borrowed */
	char *project;               /* owned: metrics_project(repo) */
	struct metric_series *v;     /* owned */
	int n;
	struct listview lv;          /* over v */
	char status[160];            /* last build / test summary */
	char error[600];             /* why the metrics could not be read, or "" */
};

static void fmt_value(char *buf, size_t n, const struct metric_series *m)
{
	double x = m->value;

	if (strstr(m->id, "rate"))
		snprintf(buf, n, "%.0f%%", x * 100.0);
	else if (strstr(m->id, "_ns"))
		snprintf(buf, n, x >= 1e6 ? "%.2f ms" : x >= 1e3 ? "%.2f us" : "%.1f ns",
			 x >= 1e6 ? x / 1e6 : x >= 1e3 ? x / 1e3 : x);
	else if (strcmp(m->id, "test_coverage") == 0)  /* lines, % */
		snprintf(buf, n, "%.1f%%", x);
	else if (strstr(m->id, "pct"))
		snprintf(buf, n, "%+.1f%%", x);
	else if (strncmp(m->id, "compile_time", 12) == 0 || strncmp(m->id, "duration_ms", 11) == 0 ||
		 strncmp(m->id, "cpu_ms", 6) == 0)
		snprintf(buf, n, "%.2f s", x / 1000.0);
	else if (strncmp(m->id, "peak_rss_kb", 11) == 0)
		snprintf(buf, n, "%.1f MB", x / 1024.0);
	else if (x == floor(x) && fabs(x) < 1e15)
		snprintf(buf, n, "%.0f", x);
	else
		snprintf(buf, n, "%.3g", x);
}

static const char *arrow(const char *trend)
{
	if (strcmp(trend, "up") == 0)
		return "↑";
	if (strcmp(trend, "down") == 0)
		return "↓";
	if (strcmp(trend, "flat") == 0)
		return "→";
	return "·";
}

/* A sparkline of the last `width` values into buf (UTF-8). */
static void sparkline(char *buf, size_t n, const double *vals, int count, int width)
{
	double lo = INFINITY, hi = -INFINITY;
	int start = count > width ? count - width : 0;
	size_t used = 0;

	buf[0] = '\0';
	for (int i = start; i < count; i++) {
		lo = vals[i] < lo ? vals[i] : lo;
		hi = vals[i] > hi ? vals[i] : hi;
	}
	for (int i = start; i < count && used + 4 < n; i++) {
		int level = hi > lo ? (int)((vals[i] - lo) / (hi - lo) * 7.0 + 0.5) : 3;
		size_t bl = strlen(blocks[level]);
		memcpy(buf + used, blocks[level], bl);
		used += bl;
		buf[used] = '\0';
	}
}

static void tab_reload(void *state)
{
	struct metrics_tab *t = state;
	struct store *s = app_store(t->app);
	bool ok;
	int64_t at;
	int w, e;
	size_t len = 0;

	metrics_series_free(t->v, t->n);
	t->v = NULL;
	t->n = 0;
	t->error[0] = '\0';
	t->status[0] = '\0';
	if (!s)
		return;
	if (metrics_query(&t->v, &t->n, s, t->project, NULL, 0, MAX_POINTS) != RWB_OK)
		snprintf(t->error, sizeof(t->error), "cannot read the metrics: %s", rwb_last_error());
	if (metrics_last_run(s, t->project, "cargo-build", &ok, &at, &w, &e) == RWB_OK)
		len += (size_t)snprintf(t->status, sizeof(t->status), "last build: %s, %d error%s, %d warning%s",
					ok ? "ok" : "FAILED", e, e == 1 ? "" : "s", w, w == 1 ? "" : "s");
	if (metrics_last_run(s, t->project, "rust-test", &ok, &at, &w, &e) == RWB_OK && len < sizeof(t->status))
		snprintf(t->status + len, sizeof(t->status) - len, "%slast test run: %s",
			 len ? "   " : "", ok ? "passed" : "FAILED");
	listview_set_count(&t->lv, t->n);
	/* the status bar carries the same summary, whichever pane is shown */
	app_set_result_status(t->app, t->status,
			      strstr(t->status, "FAILED") ? NOTICE_WARNING : NOTICE_INFO);
}

static void *tab_create(struct app *a)
{
	struct metrics_tab *t = xcalloc(1, sizeof(*t));

	t->app = a;
	t->project = metrics_project(app_repo(a));
	tab_reload(t);
	return t;
}

static void tab_destroy(void *state)
{
	struct metrics_tab *t = state;

	metrics_series_free(t->v, t->n);
	free(t->project);
	free(t);
}

static void tab_draw(void *state, WINDOW *win, int rows, int cols, bool focused)
{
	struct metrics_tab *t = state;
	int name_w, spark_w, list_rows, y0 = 0;

	if (rows < 1 || cols < 8)
		return;
	if (t->status[0])
		draw_text(win, y0++, 1, cols - 1, t->status, theme_attr(RWB_COLOR_STATUS_ACCENT));
	if (t->error[0]) {
		draw_text(win, y0, 1, cols - 1, t->error, theme_attr(RWB_COLOR_RESULT_ERROR));
		return;
	}
	if (!t->n) {
		draw_text(win, y0, 1, cols - 1, "no metrics yet: run /cargo-build, /rust-test, "
			  "/cargo-clippy or /rust-benchmark", theme_attr(RWB_COLOR_DIM));
		return;
	}
	list_rows = rows - y0 - (rows - y0 > 3 ? 1 : 0);
	if (list_rows < 1)
		return;
	listview_set_rows(&t->lv, list_rows);
	spark_w = cols / 4 < 6 ? 6 : cols / 4 > 30 ? 30 : cols / 4;
	name_w = cols - 1 - 12 - 3 - spark_w - 1;
	if (name_w < 8)
		name_w = 8;
	for (int i = (int)t->lv.top; i < t->n && i - t->lv.top < list_rows; i++) {
		const struct metric_series *m = &t->v[i];
		int y = y0 + i - (int)t->lv.top, x;
		bool sel = i == t->lv.cursor;
		attr_t base = theme_attr(sel ? (focused ? RWB_COLOR_SELECTION : RWB_COLOR_SELECTION_DIM)
					     : m->regression ? RWB_COLOR_AUDIT_BAD : RWB_COLOR_DEFAULT);
		char val[48], spark[MAX_POINTS * 4 + 1];
		if (sel)
			draw_fill(win, y, 0, cols, base);
		draw_text_mid(win, y, 1, name_w - 1, m->id, base);
		if (m->unavailable) {
			/* a brief metric that cannot be measured here: the reason instead */
			x = name_w;
			x += draw_text(win, y, x, cols - x, "unavailable: ", sel ? base : theme_attr(RWB_COLOR_DIM));
			draw_text(win, y, x, cols - x, m->unavailable, sel ? base : theme_attr(RWB_COLOR_DIM));
			continue;
		}
		fmt_value(val, sizeof(val), m);
		x = name_w + 12 - (int)strlen(val);
		x = x < name_w ? name_w : x;
		x += draw_text(win, y, x, cols - x, val, base);
		x += draw_text(win, y, x, cols - x, " ", base);
		x += draw_text(win, y, x, cols - x, arrow(m->trend), base);
		x += draw_text(win, y, x, cols - x, m->regression ? "!" : " ",
			       sel ? base : theme_attr(RWB_COLOR_AUDIT_BAD));
		x += 1;
		if (cols - x - 1 > 0 && m->n > 1) {
			int w = cols - x - 1 < spark_w ? cols - x - 1 : spark_w;
			sparkline(spark, sizeof(spark), m->values, m->n, w);
			draw_text(win, y, x, w, spark,
				  sel ? base : theme_attr(m->regression ? RWB_COLOR_AUDIT_BAD : RWB_COLOR_CHART));
		}
	}
	if (rows - y0 > 3) {
		const char *id = t->n ? t->v[t->lv.cursor].id : "";
		struct strbuf hint = STRBUF_INIT;
		int x = 1;
		keymap_hint(&hint, &tab_metrics_keys);
		if ((int)sanitize_width(id, strlen(id)) > name_w - 1) {
			/* the selected name was shortened: the whole of it here */
			x += draw_text(win, rows - 1, 1, cols - 1, id, theme_attr(RWB_COLOR_PANE_TITLE)) + 2;
		} else {
			strbuf_adds(&hint, "  ! regression");
		}
		draw_text(win, rows - 1, x, cols - x, strbuf_str(&hint), theme_attr(RWB_COLOR_PROMPT_HINT));
		strbuf_free(&hint);
	}
}

/* ---- the chart overlay ---- */

struct chart_view {
	char *id;                    /* owned */
	double *values;              /* owned */
	int64_t *ts;                 /* owned */
	int n;
	bool regression;
	char right[96];
};

static void chart_draw(void *state, WINDOW *win, int rows, int cols, bool focused)
{
	struct chart_view *c = state;
	double lo = INFINITY, hi = -INFINITY;
	int plot_h = rows - 3, label_w = 12, plot_w = cols - label_w - 2, start;
	char buf[64];
	struct metric_series fake = { 0 };

	(void)focused;  /* an open overlay has the keyboard */
	if (plot_h < 2 || plot_w < 4) {
		draw_text(win, 0, 0, cols, "too small for a chart", theme_attr(RWB_COLOR_DIM));
		return;
	}
	start = c->n > plot_w ? c->n - plot_w : 0;
	for (int i = start; i < c->n; i++) {
		lo = c->values[i] < lo ? c->values[i] : lo;
		hi = c->values[i] > hi ? c->values[i] : hi;
	}
	if (!(hi > lo)) {
		hi = lo + 1;
		lo = lo - 1;
	}
	fake.id = c->id;
	fake.value = hi;
	fmt_value(buf, sizeof(buf), &fake);
	draw_text(win, 0, 0, label_w, buf, theme_attr(RWB_COLOR_DIM));
	fake.value = lo;
	fmt_value(buf, sizeof(buf), &fake);
	draw_text(win, plot_h - 1, 0, label_w, buf, theme_attr(RWB_COLOR_DIM));
	for (int i = start; i < c->n; i++) {
		/* height in eighths of a row */
		int eighths = (int)((c->values[i] - lo) / (hi - lo) * (plot_h * 8 - 1)) + 1;
		int x = label_w + 1 + (i - start);
		attr_t a = theme_attr(c->regression && i == c->n - 1 ? RWB_COLOR_AUDIT_BAD : RWB_COLOR_CHART);
		for (int r = 0; r < plot_h && eighths > 0; r++) {
			int part = eighths >= 8 ? 8 : eighths;
			draw_text(win, plot_h - 1 - r, x, 1, blocks[part - 1], a);
			eighths -= part;
		}
	}
	snprintf(buf, sizeof(buf), "%d run%s, oldest left", c->n - start, c->n - start == 1 ? "" : "s");
	draw_text(win, plot_h, label_w + 1, plot_w, buf, theme_attr(RWB_COLOR_DIM));
	fake.value = c->values[c->n - 1];
	fmt_value(buf, sizeof(buf), &fake);
	{
		char line[128];
		snprintf(line, sizeof(line), "latest %s%s   Esc close", buf,
			 c->regression ? "   REGRESSION against the previous run" : "");
		draw_text(win, rows - 1, 1, cols - 1, line,
			  theme_attr(c->regression ? RWB_COLOR_AUDIT_BAD : RWB_COLOR_PROMPT_HINT));
	}
}

static const char *chart_right(void *state)
{
	return ((struct chart_view *)state)->right;
}

static void chart_free(void *state)
{
	struct chart_view *c = state;

	free(c->id);
	free(c->values);
	free(c->ts);
	free(c);
}

static const struct view_ops chart_ops = {
	.name = "chart",
	.draw = chart_draw,
	.border_right = chart_right,
	.destroy = chart_free,
};

static void open_chart(struct metrics_tab *t)
{
	const struct metric_series *m = &t->v[t->lv.cursor];
	struct chart_view *c;
	char title[160];

	if (m->n < 1)
		return;
	c = xcalloc(1, sizeof(*c));
	c->id = xstrdup(m->id);
	c->n = m->n;
	c->values = xcalloc((size_t)m->n, sizeof(*c->values));
	c->ts = xcalloc((size_t)m->n, sizeof(*c->ts));
	memcpy(c->values, m->values, (size_t)m->n * sizeof(*c->values));
	memcpy(c->ts, m->ts, (size_t)m->n * sizeof(*c->ts));
	c->regression = m->regression;
	snprintf(c->right, sizeof(c->right), "%d samples, trend %s", m->samples, m->trend);
	snprintf(title, sizeof(title), "Chart: %s", m->id);
	app_open_overlay(t->app, &chart_ops, c, title);
}

static void open_last_diagnostics(struct metrics_tab *t)
{
	struct store *s = app_store(t->app);
	cJSON *diags = NULL, *req;

	if (!s || metrics_last_diagnostics(&diags, s, t->project, "cargo-build") != RWB_OK) {
		app_notice(t->app, NOTICE_INFO, "no build recorded yet for this project (/cargo-build)");
		return;
	}
	req = cJSON_CreateObject();
	cJSON_AddStringToObject(req, "view", "diagnostics");
	cJSON_AddStringToObject(req, "title", "Diagnostics of the last build");
	cJSON_AddItemToObject(req, "diagnostics", diags);
	views_open(t->app, req);
	cJSON_Delete(req);
}

/* ---- keys ---- */

static int k_move(void *self, const struct key *k)
{
	struct metrics_tab *t = self;

	keys_list_move(&t->lv, k);
	return PANE_HANDLED | PANE_REDRAW;
}

static int k_reload(void *self, const struct key *k)
{
	(void)k;
	tab_reload(self);
	return PANE_HANDLED | PANE_REDRAW;
}

static int k_diagnostics(void *self, const struct key *k)
{
	(void)k;
	open_last_diagnostics(self);
	return PANE_HANDLED | PANE_REDRAW;
}

static int k_chart(void *self, const struct key *k)
{
	struct metrics_tab *t = self;

	(void)k;
	if (!t->n)
		return PANE_IGNORED;
	open_chart(t);
	return PANE_HANDLED | PANE_REDRAW;
}

static const struct keybind metrics_binds[] = {
	{ .keys = { '\n', '\r', KB_C(KEY_ENTER) }, .label = "Enter", .help = "a chart of the metric over time",
	  .hint = "chart", .run = k_chart },
	{ .keys = { 'd' }, .label = "d", .help = "the diagnostics of the last build",
	  .hint = "diagnostics of the last build", .run = k_diagnostics },
	{ .keys = { 'r' }, .label = "r", .help = "reload", .hint = "reload", .run = k_reload },
	{ .keys = { 'j', KB_C(KEY_DOWN), 'k', KB_C(KEY_UP) }, .label = "j/k, Down/Up", .help = "move",
	  .run = k_move },
	{ .keys = { KB_C(KEY_NPAGE), KB_C(KEY_PPAGE) }, .label = "PgDn/PgUp", .help = "move a page",
	  .run = k_move },
};
const struct keymap tab_metrics_keys = KEYMAP("Browser: Metrics tab", metrics_binds);

static int tab_key(void *state, const struct key *k)
{
	return keymap_dispatch(&tab_metrics_keys, state, k);
}

const struct view_ops tab_metrics_ops = {
	.name = "Metrics",
	.create = tab_create,
	.destroy = tab_destroy,
	.draw = tab_draw,
	.key = tab_key,
	.reload = tab_reload,
};
