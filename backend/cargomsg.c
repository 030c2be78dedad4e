/*
 * cargomsg.c - cargo JSON messages, libtest output and criterion results.
 *
 * Design: one accumulator fed line by line, so the runner can stream and
 * the fuzzer can throw anything at it. JSON lines are parsed with cJSON and
 * every field is checked for type before use; plain lines are matched
 * against libtest's fixed phrases. Nothing here prints or touches files
 * except cargomsg_read_criterion(), which only reads.
 */
#include "cargomsg.h"
#include "error.h"
#include "xalloc.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_JSON_LINE (16u << 20)   /* longer "JSON" lines are counted malformed */
#define MAX_CAPTURE   (64u << 10)   /* bytes kept of a failing test's output */
#define MAX_CHILDREN  64
#define MAX_CRITERION_DEPTH 8

void cargomsg_init(struct cargomsg *m)
{
	memset(m, 0, sizeof(*m)); /* a zeroed strbuf is STRBUF_INIT */
}

static void diag_release(struct cargo_diag *d)
{
	free(d->level);
	free(d->code);
	free(d->message);
	free(d->file);
	free(d->rendered);
	for (int i = 0; i < d->nchildren; i++)
		diag_release(&d->children[i]);
	free(d->children);
	for (int i = 0; i < d->nfixes; i++) {
		free(d->fixes[i].file);
		free(d->fixes[i].replacement);
	}
	free(d->fixes);
}

void cargomsg_release(struct cargomsg *m)
{
	for (size_t i = 0; i < m->ndiags; i++)
		diag_release(&m->diags[i]);
	free(m->diags);
	for (size_t i = 0; i < m->nbins; i++)
		free(m->bins[i].name);
	free(m->bins);
	for (size_t i = 0; i < m->ncases; i++) {
		free(m->cases[i].name);
		free(m->cases[i].binary);
		free(m->cases[i].status);
		free(m->cases[i].output);
		free(m->cases[i].file);
		free(m->cases[i].message);
	}
	free(m->cases);
	for (size_t i = 0; i < m->nbenches; i++)
		free(m->benches[i].id);
	free(m->benches);
	for (size_t i = 0; i < m->npending; i++)
		free(m->pending_bins[i]);
	free(m->pending_bins);
	free(m->capture_name);
	strbuf_free(&m->capture);
	memset(m, 0, sizeof(*m));
}

static void *grow(void *arr, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return arr;
	*cap = *cap ? *cap * 2 : 8;
	return xrealloc(arr, *cap * elem);
}

static const char *jstr(const cJSON *obj, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int jint(const cJSON *obj, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
	if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 1e9)
		return 0;
	return (int)v->valuedouble;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static long jlong(const cJSON *obj, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
	if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 1e12)
		return -1;
	return (long)v->valuedouble;
}

/* The machine-applicable replacements among a message's spans, into top. */
static void collect_fixes(struct cargo_diag *top, const cJSON *spans)
{
	const cJSON *span;

	if (!cJSON_IsArray(spans))
		return;
	cJSON_ArrayForEach(span, spans) {
		const char *app = jstr(span, "suggestion_applicability");
		const char *repl = jstr(span, "suggested_replacement");
		long bs = jlong(span, "byte_start"), be = jlong(span, "byte_end");
		struct cargo_fix *f;
		if (!repl || !app || strcmp(app, "MachineApplicable") != 0 || !jstr(span, "file_name") ||
		    bs < 0 || be < bs || top->nfixes >= MAX_CHILDREN)
			continue;
		top->fixes = xrealloc(top->fixes, (size_t)(top->nfixes + 1) * sizeof(*top->fixes));
		f = &top->fixes[top->nfixes++];
		f->file = xstrdup(jstr(span, "file_name"));
		f->byte_start = bs;
		f->byte_end = be;
		f->line_start = jint(span, "line_start");
		f->column_start = jint(span, "column_start");
		f->line_end = jint(span, "line_end");
		f->column_end = jint(span, "column_end");
		f->replacement = xstrdup(repl);
	}
}

/* Fills d from a rustc diagnostic object; depth 0 keeps children. */
static void diag_from_json(struct cargo_diag *d, const cJSON *msg, int depth)
{
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(msg, "code");
	const cJSON *spans = cJSON_GetObjectItemCaseSensitive(msg, "spans");
	const cJSON *children = cJSON_GetObjectItemCaseSensitive(msg, "children");
	const cJSON *span, *first = NULL, *primary = NULL;

	memset(d, 0, sizeof(*d));
	d->level = xstrdup(jstr(msg, "level") ? jstr(msg, "level") : "unknown");
	d->message = xstrdup(jstr(msg, "message") ? jstr(msg, "message") : "");
	if (cJSON_IsObject(code))
		d->code = dup_or_null(jstr(code, "code"));
	d->rendered = dup_or_null(jstr(msg, "rendered"));
	if (cJSON_IsArray(spans)) {
		cJSON_ArrayForEach(span, spans) {
			if (!cJSON_IsObject(span))
				continue;
			if (!first)
				first = span;
			if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(span, "is_primary"))) {
				primary = span;
				break;
			}
		}
	}
	if (!primary)
		primary = first;
	if (primary && jstr(primary, "file_name")) {
		d->file = xstrdup(jstr(primary, "file_name"));
		d->line = jint(primary, "line_start");
		d->column = jint(primary, "column_start");
	}
	if (depth == 0)
		collect_fixes(d, spans);
	if (depth == 0 && cJSON_IsArray(children)) {
		int n = cJSON_GetArraySize(children);
		const cJSON *c;
		if (n > MAX_CHILDREN)
			n = MAX_CHILDREN;
		if (n > 0)
			d->children = xcalloc((size_t)n, sizeof(*d->children));
		cJSON_ArrayForEach(c, children) {
			if (d->nchildren >= n)
				break;
			if (cJSON_IsObject(c)) {
				diag_from_json(&d->children[d->nchildren++], c, depth + 1);
				collect_fixes(d, cJSON_GetObjectItemCaseSensitive(c, "spans"));
			}
		}
	}
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool diag_same(const struct cargo_diag *a, const struct cargo_diag *b)
{
	return same_str(a->level, b->level) && same_str(a->code, b->code) &&
	       same_str(a->message, b->message) && same_str(a->file, b->file) &&
	       a->line == b->line && a->column == b->column;
}

/* rustc's closing summaries ("aborting due to ...", "2 warnings emitted")
 * are not diagnostics of the code. */
static bool is_summary(const struct cargo_diag *d)
{
	if (d->file || d->code)
		return false;
	return strncmp(d->message, "aborting due to", 15) == 0 ||
	       strstr(d->message, "warning emitted") || strstr(d->message, "warnings emitted") ||
	       strncmp(d->message, "For more information about", 26) == 0 ||
	       strncmp(d->message, "Some errors have detailed explanations", 38) == 0;
}

static void on_compiler_message(struct cargomsg *m, const cJSON *root, struct strbuf *human)
{
	const cJSON *msg = cJSON_GetObjectItemCaseSensitive(root, "message");
	struct cargo_diag d;

	if (!cJSON_IsObject(msg))
		return;
	diag_from_json(&d, msg, 0);
	if (human && d.rendered)
		strbuf_adds(human, d.rendered);
	if (is_summary(&d)) {
		diag_release(&d);
		return;
	}
	for (size_t i = 0; i < m->ndiags; i++) {
		if (diag_same(&m->diags[i], &d)) {
			diag_release(&d);
			return;
		}
	}
	m->diags = grow(m->diags, &m->cap_diags, m->ndiags, sizeof(*m->diags));
	m->diags[m->ndiags++] = d;
}

static struct cargo_test_bin *bin_open(struct cargomsg *m)
{
	struct cargo_test_bin *b;

	m->bins = grow(m->bins, &m->cap_bins, m->nbins, sizeof(*m->bins));
	b = &m->bins[m->nbins++];
	memset(b, 0, sizeof(*b));
	if (m->npending) {
		b->name = m->pending_bins[0];
		memmove(m->pending_bins, m->pending_bins + 1, (m->npending - 1) * sizeof(*m->pending_bins));
		m->npending--;
	} else {
		b->name = xasprintf("test binary %zu", m->nbins);
	}
	return b;
}

/* The binary results go to: the last unfinished one, else a new one. */
static struct cargo_test_bin *bin_current(struct cargomsg *m)
{
	if (m->nbins && !m->bins[m->nbins - 1].finished)
		return &m->bins[m->nbins - 1];
	return bin_open(m);
}

static struct cargo_test_case *case_add(struct cargomsg *m, const char *name, size_t nlen,
					const char *status)
{
	struct cargo_test_case *c;
	struct cargo_test_bin *b = bin_current(m);

	m->cases = grow(m->cases, &m->cap_cases, m->ncases, sizeof(*m->cases));
	c = &m->cases[m->ncases++];
	memset(c, 0, sizeof(*c));
	c->name = xstrndup(name, nlen);
	c->binary = dup_or_null(b->name);
	c->status = xstrdup(status);
	return c;
}

static void case_set_output(struct cargo_test_case *c, const char *output)
{
	c->output = xstrdup(output);
	cargomsg_panic_location(output, &c->file, &c->line, &c->column, &c->message);
}

static void on_libtest_event(struct cargomsg *m, const cJSON *root, struct strbuf *human)
{
	const char *type = jstr(root, "type"), *event = jstr(root, "event");
	const char *name = jstr(root, "name");

	if (!type || !event)
		return;
	m->test_json = true;
	if (strcmp(type, "suite") == 0) {
		struct cargo_test_bin *b;
		if (strcmp(event, "started") == 0) {
			bin_open(m);
			if (human)
				strbuf_addf(human, "\nrunning %d tests\n", jint(root, "test_count"));
			return;
		}
		b = bin_current(m);
		b->passed = jint(root, "passed");
		b->failed = jint(root, "failed");
		b->ignored = jint(root, "ignored");
		b->finished = true;
		if (human)
			strbuf_addf(human, "\ntest result: %s. %d passed; %d failed; %d ignored\n",
				    strcmp(event, "ok") == 0 ? "ok" : "FAILED", b->passed, b->failed,
				    b->ignored);
		return;
	}
	if (strcmp(type, "test") != 0 || !name || strcmp(event, "started") == 0)
		return;
	if (strcmp(event, "ok") == 0 || strcmp(event, "failed") == 0 ||
	    strcmp(event, "ignored") == 0) {
		struct cargo_test_case *c = case_add(m, name, strlen(name), event);
		if (jstr(root, "stdout"))
			case_set_output(c, jstr(root, "stdout"));
		if (human)
			strbuf_addf(human, "test %s ... %s\n", name,
				    strcmp(event, "failed") == 0 ? "FAILED" : event);
	}
}

static void on_json(struct cargomsg *m, const char *text, struct strbuf *human)
{
	cJSON *root = cJSON_ParseWithOpts(text, NULL, 1);
	const char *reason;

	if (!cJSON_IsObject(root)) {
		m->malformed++;
		cJSON_Delete(root);
		return;
	}
	reason = jstr(root, "reason");
	if (!reason) {
		on_libtest_event(m, root, human);
	} else if (strcmp(reason, "compiler-message") == 0) {
		on_compiler_message(m, root, human);
	} else if (strcmp(reason, "compiler-artifact") == 0) {
		m->artifacts++;
		m->fresh_artifacts += cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "fresh"));
	} else if (strcmp(reason, "build-finished") == 0) {
		m->build_finished = true;
		m->build_success = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "success"));
	}
	cJSON_Delete(root);
}

/* "N word" inside a "test result:" line. */
static int count_before(const char *line, const char *word)
{
	const char *p = strstr(line, word);
	long v;

	if (!p)
		return 0;
	while (p > line && p[-1] == ' ')
		p--;
	while (p > line && p[-1] >= '0' && p[-1] <= '9')
		p--;
	v = strtol(p, NULL, 10);
	return v < 0 || v > 1000000000L ? 0 : (int)v;
}

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void capture_finish(struct cargomsg *m)
{
	if (!m->capture_name)
		return;
	for (size_t i = m->ncases; i-- > 0;) {
		if (strcmp(m->cases[i].name, m->capture_name) == 0 && !m->cases[i].output) {
			case_set_output(&m->cases[i], strbuf_str(&m->capture));
			break;
		}
	}
	free(m->capture_name);
	m->capture_name = NULL;
	strbuf_reset(&m->capture);
}

/* A libtest number: "1,234" or "4.80" (commas group thousands); -1 when none. */
static double libtest_number(const char **pp)
{
	const char *p = *pp;
	char buf[64];
	size_t n = 0;
	char *end;
	double v;

	while (*p == ' ')
		p++;
	while (((*p >= '0' && *p <= '9') || *p == ',' || *p == '.') && n + 1 < sizeof(buf)) {
		if (*p != ',')
			buf[n++] = *p;
		p++;
	}
	buf[n] = '\0';
	if (!n)
		return -1;
	v = strtod(buf, &end);
	if (*end || !(v >= 0) || v > 1e18)
		return -1;
	*pp = p;
	return v;
}

/*
 * libtest's #[bench] line: "test NAME ... bench:   1,234 ns/iter (+/- 56)".
 * libtest reports the median of its samples and their spread (max - min);
 * the spread stands in for the standard deviation (a wider band, so the
 * regression test is the stricter about noise), and the mean is the median.
 */
static void libtest_bench(struct cargomsg *m, const char *line)
{
	const char *at = strstr(line, " ... bench: "), *p;
	struct cargo_bench b = { 0 };
	double v, dev = 0;

	if (!at || at == line + 5)
		return;
	p = at + 12;
	v = libtest_number(&p);
	if (v < 0 || strncmp(p, " ns/iter", 8) != 0)
		return;
	p += 8;
	if (strncmp(p, " (+/- ", 6) == 0) {
		p += 6;
		dev = libtest_number(&p);
		if (dev < 0)
			dev = 0;
	}
	b.id = xstrndup(line + 5, (size_t)(at - (line + 5)));
	b.mean_ns = b.median_ns = v;
	b.std_dev_ns = dev;
	m->benches = grow(m->benches, &m->cap_benches, m->nbenches, sizeof(*m->benches));
	m->benches[m->nbenches++] = b;
}

static void on_text(struct cargomsg *m, const char *line)
{
	const char *p = line;
	size_t n = strlen(line);

	while (*p == ' ')
		p++;
	if (starts(p, "Running ") || starts(p, "Doc-tests ")) {
		const char *name = starts(p, "Running ") ? p + 8 : p;
		const char *paren = strstr(name, " (");
		size_t len = strlen(name);
		/* "unittests src/lib.rs (target/debug/deps/x-HASH)": the hash changes per build */
		if (paren && len && name[len - 1] == ')')
			len = (size_t)(paren - name);
		m->pending_bins = grow(m->pending_bins, &m->cap_pending, m->npending,
				       sizeof(*m->pending_bins));
		m->pending_bins[m->npending++] = xstrndup(name, len);
		return;
	}
	if (starts(line, "running ") && strstr(line, " test")) {
		capture_finish(m);
		bin_open(m);
		return;
	}
	if (starts(line, "test result: ")) {
		struct cargo_test_bin *b;
		capture_finish(m);
		b = bin_current(m);
		b->passed = count_before(line, " passed");
		b->failed = count_before(line, " failed");
		b->ignored = count_before(line, " ignored");
		b->finished = true;
		return;
	}
	if (starts(line, "---- ") && n > 17 && strcmp(line + n - 12, " stdout ----") == 0) {
		capture_finish(m);
		m->capture_name = xstrndup(line + 5, n - 17);
		return;
	}
	if (m->capture_name) {
		if (strcmp(line, "failures:") == 0) {
			capture_finish(m);
		} else if (m->capture.len < MAX_CAPTURE) {
			strbuf_adds(&m->capture, line);
			strbuf_addc(&m->capture, '\n');
		}
		return;
	}
	if (starts(line, "test ") && strstr(line, " ... bench: ")) {
		libtest_bench(m, line);
		return;
	}
	if (starts(line, "test ") && !m->test_json) {
		static const struct { const char *suffix, *status; } ends[] = {
			{ " ... ok", "ok" }, { " ... FAILED", "failed" }, { " ... ignored", "ignored" },
		};
		for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
			const char *at = strstr(line + 5, ends[i].suffix);
			size_t sl = strlen(ends[i].suffix);
			/* "... ignored, reason" also counts */
			if (at && (at[sl] == '\0' || (i == 2 && at[sl] == ','))) {
				case_add(m, line + 5, (size_t)(at - (line + 5)), ends[i].status);
				return;
			}
		}
	}
}

void cargomsg_feed_line(struct cargomsg *m, const char *line, size_t len, struct strbuf *human)
{
	char *text;
	size_t start = 0;

	m->lines++;
	while (len && (line[len - 1] == '\r' || line[len - 1] == '\n'))
		len--;
	while (start < len && (line[start] == ' ' || line[start] == '\t'))
		start++;
	if (start < len && line[start] == '{') {
		if (len > MAX_JSON_LINE || memchr(line, '\0', len)) {
			m->malformed++;
			return;
		}
		text = xstrndup(line, len);
		on_json(m, text, human);
		free(text);
		return;
	}
	text = xstrndup(line, len);
	if (memchr(line, '\0', len) == NULL)
		on_text(m, text);
	if (human) {
		strbuf_adds(human, text);
		strbuf_addc(human, '\n');
	}
	free(text);
}

static bool all_digits(const char *p, size_t n)
{
	if (!n || n > 9)
		return false;
	for (size_t i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	return true;
}

/* "PATH:LINE:COL" at p, up to a space, a newline or len (a trailing ':' is
 * dropped); true and the parts when it is one. */
static bool parse_location(const char *p, size_t len, char **file, int *line, int *column)
{
	size_t end = 0, c1, c2;

	while (end < len && p[end] != ' ' && p[end] != '\n')
		end++;
	if (end && p[end - 1] == ':')
		end--;
	for (c2 = end; c2 > 0 && p[c2 - 1] != ':'; c2--)
		;
	if (c2 < 2 || !all_digits(p + c2, end - c2))
		return false;
	c2--; /* at the ':' */
	for (c1 = c2; c1 > 0 && p[c1 - 1] != ':'; c1--)
		;
	if (c1 < 2 || !all_digits(p + c1, c2 - c1))
		return false;
	c1--;
	*line = atoi(p + c1 + 1);
	*column = atoi(p + c2 + 1);
	*file = xstrndup(p, c1);
	return true;
}

bool cargomsg_panic_location(const char *output, char **file, int *line, int *column,
			     char **message)
{
	const char *at = output ? strstr(output, "panicked at ") : NULL;
	const char *eol;

	*file = *message = NULL;
	*line = *column = 0;
	if (!at)
		return false;
	at += 12;
	eol = strchr(at, '\n');
	if (!eol)
		eol = at + strlen(at);
	if (*at == '\'') {
		/* before 1.73: panicked at 'MESSAGE', FILE:LINE:COL */
		const char *sep = NULL;
		for (const char *q = at + 1; q + 2 < eol; q++)
			if (q[0] == '\'' && q[1] == ',' && q[2] == ' ')
				sep = q;
		if (!sep || !parse_location(sep + 3, (size_t)(eol - sep - 3), file, line, column))
			return false;
		*message = xstrndup(at + 1, (size_t)(sep - at - 1));
		return true;
	}
	if (!parse_location(at, (size_t)(eol - at), file, line, column))
		return false;
	if (*eol == '\n') {
		const char *m = eol + 1, *mend = strchr(m, '\n');
		size_t len = mend ? (size_t)(mend - m) : strlen(m);
		if (len)
			*message = xstrndup(m, len);
	}
	return true;
}

char *cargomsg_strip_ansi(const char *text)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = text ? text : "";

	while (*p) {
		if (p[0] == '\033' && p[1] == '[') {
			p += 2;
			while (*p && !(*p >= 0x40 && *p <= 0x7e))
				p++;
			if (*p)
				p++;
		} else if (p[0] == '\033' && p[1]) {
			p += 2;
		} else if (p[0] == '\033') {
			p++;
		} else {
			strbuf_addc(&sb, *p++);
		}
	}
	return strbuf_detach(&sb);
}

int cargomsg_count(const struct cargomsg *m, const char *level)
{
	int n = 0;

	for (size_t i = 0; i < m->ndiags; i++)
		if (strcmp(m->diags[i].level, level) == 0)
			n++;
	return n;
}

void cargomsg_test_totals(const struct cargomsg *m, int *passed, int *failed, int *ignored)
{
	*passed = *failed = *ignored = 0;
	for (size_t i = 0; i < m->nbins; i++) {
		*passed += m->bins[i].passed;
		*failed += m->bins[i].failed;
		*ignored += m->bins[i].ignored;
	}
}

static bool estimate(const cJSON *root, const char *name, double *out)
{
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(root, name);
	const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, "point_estimate") : NULL;

	if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0) || v->valuedouble > 1e18)
		return false;
	*out = v->valuedouble;
	return true;
}

int cargomsg_parse_estimates(struct cargo_bench *b, const char *json)
{
	cJSON *root = cJSON_Parse(json);
	int rc = RWB_EINPUT;

	if (cJSON_IsObject(root) && estimate(root, "mean", &b->mean_ns) &&
	    estimate(root, "median", &b->median_ns) && estimate(root, "std_dev", &b->std_dev_ns))
		rc = RWB_OK;
	cJSON_Delete(root);
	return rc;
}


/* dir is a ".../new" folder: read its estimates and name. */
static void read_new_dir(struct cargomsg *m, const char *dir, const char *rel, int64_t since_ms)
{
	char *path = xasprintf("%s/estimates.json", dir);
	char *text = NULL, *meta = NULL;
	struct stat st;
	struct cargo_bench b = { 0 };

	if (stat(path, &st) != 0 ||
	    (since_ms && (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000 < since_ms))
		goto out;
	text = strbuf_read_file(path, 4u << 20, NULL);
	if (!text || cargomsg_parse_estimates(&b, text) != RWB_OK)
		goto out;
	free(path);
	path = xasprintf("%s/benchmark.json", dir);
	meta = strbuf_read_file(path, 4u << 20, NULL);
	if (meta) {
		cJSON *j = cJSON_Parse(meta);
		if (jstr(j, "full_id"))
			b.id = xstrdup(jstr(j, "full_id"));
		cJSON_Delete(j);
	}
	if (!b.id)
		b.id = xstrdup(rel);
	m->benches = grow(m->benches, &m->cap_benches, m->nbenches, sizeof(*m->benches));
	m->benches[m->nbenches++] = b;
out:
	free(path);
	free(text);
	free(meta);
}

static void walk(struct cargomsg *m, const char *dir, const char *rel, int64_t since, int depth)
{
	DIR *d;
	struct dirent *e;

	if (depth > MAX_CRITERION_DEPTH || !(d = opendir(dir)))
		return;
	while ((e = readdir(d))) {
		char *sub, *subrel;
		struct stat st;
		if (e->d_name[0] == '.' || strcmp(e->d_name, "report") == 0)
			continue;
		sub = xasprintf("%s/%s", dir, e->d_name);
		subrel = *rel ? xasprintf("%s/%s", rel, e->d_name) : xstrdup(e->d_name);
		if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (strcmp(e->d_name, "new") == 0)
				read_new_dir(m, sub, rel, since);
			else if (strcmp(e->d_name, "base") != 0 && strcmp(e->d_name, "change") != 0)
				walk(m, sub, subrel, since, depth + 1);
		}
		free(sub);
		free(subrel);
	}
	closedir(d);
}

static int bench_cmp(const void *a, const void *b)
{
	return strcmp(((const struct cargo_bench *)a)->id, ((const struct cargo_bench *)b)->id);
}

int cargomsg_read_criterion(struct cargomsg *m, const char *target_dir, int64_t since)
{
	char *root = xasprintf("%s/criterion", target_dir);
	struct stat st;

	if (stat(root, &st) != 0 || !S_ISDIR(st.st_mode)) {
		free(root);
		return RWB_ENOTFOUND;
	}
	walk(m, root, "", since, 0);
	free(root);
	if (m->nbenches > 1)
		qsort(m->benches, m->nbenches, sizeof(*m->benches), bench_cmp);
	return RWB_OK;
}

static bool in_list(const char *code, const char *const *list)
{
	if (!code)
		return false;
	for (; *list; list++)
		if (strcmp(code, *list) == 0)
			return true;
	return false;
}

bool cargomsg_noop_build(const struct cargomsg *m)
{
	return m->build_finished && m->build_success && m->artifacts > 0 &&
	       m->fresh_artifacts == m->artifacts;
}

bool cargomsg_is_borrow_code(const char *code)
{
	static const char *const codes[] = {
		"E0373", "E0381", "E0382", "E0383", "E0384", "E0499", "E0500", "E0501", "E0502",
		"E0503", "E0505", "E0506", "E0507", "E0508", "E0509", "E0510", "E0594", "E0596",
		"E0597", "E0712", "E0713", "E0716", NULL
	};
	return in_list(code, codes);
}

bool cargomsg_is_lifetime_code(const char *code)
{
	static const char *const codes[] = {
		"E0106", "E0195", "E0261", "E0262", "E0263", "E0478", "E0482", "E0491", "E0495",
		"E0496", "E0581", "E0582", "E0621", "E0623", "E0700", "E0759", "E0772",
		"clippy::needless_lifetimes", "clippy::extra_unused_lifetimes", NULL
	};
	return in_list(code, codes);
}
