/*
 * keys.c - finding a key in a view's table, printing the tables as help,
 * hint lines and Markdown, and what the list keys do (keys.h).
 */
#include "keys.h"
#include "listview.h"

#include <stdio.h>
#include <string.h>

int keys_id(const struct key *k)
{
	return (int)k->ch | (k->is_code ? KB_CODE : 0) | (k->alt ? KB_ALT : 0);
}

void keys_name(char *buf, size_t n, int id)
{
	static const struct { int code; const char *name; } codes[] = {
		{ KEY_NPAGE, "PgDn" }, { KEY_PPAGE, "PgUp" }, { KEY_UP, "Up" }, { KEY_DOWN, "Down" },
		{ KEY_LEFT, "Left" }, { KEY_RIGHT, "Right" }, { KEY_BTAB, "Shift-Tab" },
		{ KEY_ENTER, "Enter" }, { KEY_HOME, "Home" }, { KEY_END, "End" },
		{ KEY_BACKSPACE, "Backspace" }, { KEY_DC, "Delete" }, { KEY_SR, "Shift-Up" },
		{ KEY_SF, "Shift-Down" }, { KEY_SNEXT, "Shift-PgDn" }, { KEY_SPREVIOUS, "Shift-PgUp" }, { KEY_EXIT, "Exit" },
	};
	const char *alt = id & KB_ALT ? "Alt-" : "";
	int c = id & ~(KB_ALT | KB_CODE);

	if (id & KB_CODE) {
		if (c >= KEY_F(1) && c <= KEY_F(12)) {
			snprintf(buf, n, "%sF%d", alt, c - KEY_F0);
			return;
		}
		for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
			if (codes[i].code == c) {
				snprintf(buf, n, "%s%s", alt, codes[i].name);
				return;
			}
		snprintf(buf, n, "%skey-%d", alt, c);
	} else if (c == '\n' || c == '\r') {
		snprintf(buf, n, "%sEnter", alt);
	} else if (c == '\t') {
		snprintf(buf, n, "%sTab", alt);
	} else if (c == 27) {
		snprintf(buf, n, "%sEsc", alt);
	} else if (c == ' ') {
		snprintf(buf, n, "%sSpace", alt);
	} else if (c == 127) {
		snprintf(buf, n, "%sBackspace", alt);
	} else if (c < 32) {
		snprintf(buf, n, "%sCtrl-%c", alt, c + '@');
	} else if (c < 128) {
		snprintf(buf, n, "%s%c", alt, c);
	} else {
		snprintf(buf, n, "%sU+%04X", alt, c);
	}
}

const struct keybind *keymap_find(const struct keymap *m, const struct key *k)
{
	int id = keys_id(k);

	for (int i = 0; i < m->n; i++)
		for (int j = 0; j < KB_KEYS && m->binds[i].keys[j]; j++)
			if (m->binds[i].keys[j] == id)
				return &m->binds[i];
	return NULL;
}

int keymap_dispatch(const struct keymap *m, void *self, const struct key *k)
{
	const struct keybind *b = keymap_find(m, k);

	return b ? b->run(self, k) : PANE_IGNORED;
}

void keymap_hint(struct strbuf *out, const struct keymap *m)
{
	for (int i = 0; i < m->n; i++) {
		const char *label = m->binds[i].label;
		/* the main keys: the label up to its first ", " ("j/k" of "j/k, Down/Up") */
		const char *comma = strstr(label, ", ");
		int len = comma ? (int)(comma - label) : (int)strlen(label);
		if (!m->binds[i].hint)
			continue;
		strbuf_addf(out, "%s%.*s %s", out->len ? "  " : "", len, label, m->binds[i].hint);
	}
}

void keymap_help(struct strbuf *out, const struct keymap *m)
{
	strbuf_addf(out, "%s\n", m->title);
	for (int i = 0; i < m->n; i++)
		strbuf_addf(out, "  %-16s %s\n", m->binds[i].label, m->binds[i].help);
}

void keymap_markdown(struct strbuf *out, const struct keymap *m)
{
	strbuf_addf(out, "### %s\n\n| keys | what |\n|---|---|\n", m->title);
	for (int i = 0; i < m->n; i++) {
		strbuf_adds(out, "| ");
		/* a | in a label would end the cell */
		for (const char *p = m->binds[i].label; *p; p++) {
			if (*p == '|')
				strbuf_adds(out, "\\|");
			else
				strbuf_addc(out, *p);
		}
		strbuf_addf(out, " | %s |\n", m->binds[i].help);
	}
	strbuf_adds(out, "\n");
}

enum list_step { STEP_LINE, STEP_PAGE, STEP_END };

/* What each list key does, and which way. */
static const struct { int key; enum list_step step; int dir; } list_keys[] = {
	{ .key = 'j', .step = STEP_LINE, .dir = 1 },
	{ .key = KB_C(KEY_DOWN), .step = STEP_LINE, .dir = 1 },
	{ .key = 'k', .step = STEP_LINE, .dir = -1 },
	{ .key = KB_C(KEY_UP), .step = STEP_LINE, .dir = -1 },
	{ .key = KB_C(KEY_NPAGE), .step = STEP_PAGE, .dir = 1 },
	{ .key = ' ', .step = STEP_PAGE, .dir = 1 },
	{ .key = KEY_CTRL('d'), .step = STEP_PAGE, .dir = 1 },
	{ .key = KEY_CTRL('f'), .step = STEP_PAGE, .dir = 1 },
	{ .key = KB_C(KEY_PPAGE), .step = STEP_PAGE, .dir = -1 },
	{ .key = 'b', .step = STEP_PAGE, .dir = -1 },
	{ .key = KEY_CTRL('u'), .step = STEP_PAGE, .dir = -1 },
	{ .key = KEY_CTRL('b'), .step = STEP_PAGE, .dir = -1 },
	{ .key = 'g', .step = STEP_END, .dir = -1 },
	{ .key = KB_C(KEY_HOME), .step = STEP_END, .dir = -1 },
	{ .key = 'G', .step = STEP_END, .dir = 1 },
	{ .key = KB_C(KEY_END), .step = STEP_END, .dir = 1 },
};

static bool list_key(struct listview *lv, const struct key *k, bool scroll)
{
	int id = keys_id(k);

	for (size_t i = 0; i < sizeof(list_keys) / sizeof(list_keys[0]); i++) {
		int dir = list_keys[i].dir;
		if (list_keys[i].key != id)
			continue;
		if (list_keys[i].step == STEP_PAGE)
			listview_page(lv, dir);
		else if (list_keys[i].step == STEP_END && dir < 0)
			listview_home(lv);
		else if (list_keys[i].step == STEP_END)
			listview_end(lv);
		else if (scroll)
			listview_scroll(lv, dir);
		else
			listview_move(lv, dir);
		return true;
	}
	return false;
}

bool keys_list_move(struct listview *lv, const struct key *k)
{
	return list_key(lv, k, false);
}

bool keys_list_scroll(struct listview *lv, const struct key *k)
{
	return list_key(lv, k, true);
}
