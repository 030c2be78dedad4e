/*
 * script.c - reading script files (see script.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "script.h"
#include "error.h"
#include "sanitize.h"
#include "xalloc.h"

#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct script {
	struct script_step *steps;  /* owned */
	int nsteps, next;
};

static const struct { const char *name; bool code; int value; } key_names[] = {
	{ "Enter", false, '\r' }, { "CR", false, '\r' }, { "Tab", false, '\t' },
	{ "S-Tab", true, KEY_BTAB }, { "Esc", false, 27 }, { "BS", true, KEY_BACKSPACE },
	{ "Del", true, KEY_DC }, { "Up", true, KEY_UP }, { "Down", true, KEY_DOWN },
	{ "Left", true, KEY_LEFT }, { "Right", true, KEY_RIGHT }, { "Home", true, KEY_HOME },
	{ "End", true, KEY_END }, { "PgUp", true, KEY_PPAGE }, { "PgDn", true, KEY_NPAGE },
	{ "S-PgUp", true, KEY_SPREVIOUS }, { "S-PgDn", true, KEY_SNEXT },
	{ "Space", false, ' ' }, { "lt", false, '<' },
};

static void push(struct key **keys, int *n, struct key k)
{
	*keys = xrealloc(*keys, (size_t)(*n + 1) * sizeof(**keys));
	(*keys)[(*n)++] = k;
}

int script_parse_keys(const char *line, struct key **keys, int *nkeys)
{
	size_t len = strlen(line), i = 0;

	*keys = NULL;
	*nkeys = 0;
	while (i < len) {
		unsigned cp;
		int n;

		if (line[i] == '<') {
			const char *end = strchr(line + i + 1, '>');
			char name[32];
			size_t nl;
			bool found = false;

			if (!end || (nl = (size_t)(end - line - i - 1)) == 0 || nl >= sizeof(name)) {
				push(keys, nkeys, (struct key){ false, false, '<' });
				i++;
				continue;
			}
			memcpy(name, line + i + 1, nl);
			name[nl] = '\0';
			for (size_t k = 0; k < sizeof(key_names) / sizeof(key_names[0]); k++) {
				if (strcmp(name, key_names[k].name) == 0) {
					push(keys, nkeys, (struct key){ key_names[k].code, false,
							  (wint_t)key_names[k].value });
					found = true;
				}
			}
			if (!found && name[0] == 'F' && name[1] >= '1' && name[1] <= '9') {
				int f = atoi(name + 1);
				if (f >= 1 && f <= 12) {
					push(keys, nkeys, (struct key){ true, false, (wint_t)KEY_F(f) });
					found = true;
				}
			}
			if (!found && (name[0] == 'C' || name[0] == 'M') && name[1] == '-' && name[2] &&
			    !name[3]) {
				if (name[0] == 'C')
					push(keys, nkeys, (struct key){ false, false,
							  (wint_t)(name[2] == '?' ? 127 : (name[2] & 0x1f)) });
				else
					push(keys, nkeys, (struct key){ false, true, (wint_t)(unsigned char)name[2] });
				found = true;
			}
			if (!found) {
				free(*keys);
				*keys = NULL;
				*nkeys = 0;
				return rwb_fail(RWB_EINPUT, "unknown key <%s>", name);
			}
			i += nl + 2;
			continue;
		}
		n = sanitize_utf8_decode(line + i, len - i, &cp);
		if (n == 0) {
			cp = (unsigned char)line[i];
			n = 1;
		}
		push(keys, nkeys, (struct key){ false, false, (wint_t)cp });
		i += (size_t)n;
	}
	return 0;
}

struct script *script_load(const char *path)
{
	FILE *f = fopen(path, "r");
	struct script *s;
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	int lineno = 0;

	if (!f) {
		rwb_fail(RWB_EIO, "script %s: %s", path, strerror(errno));
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	while ((got = getline(&line, &cap, f)) >= 0) {
		struct script_step st = { 0 };
		char *p = line;

		lineno++;
		while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r'))
			line[--got] = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			continue;
		if (*p == ':') {
			char *cmd = p + 1, *arg = strchr(cmd, ' ');
			if (arg) {
				*arg++ = '\0';
				while (*arg == ' ')
					arg++;
			}
			if (strcmp(cmd, "save-screen") == 0 && arg && *arg) {
				st.kind = STEP_SAVE_SCREEN;
				st.arg = xstrdup(arg);
			} else if (strcmp(cmd, "wait") == 0 && arg && atoi(arg) >= 0) {
				st.kind = STEP_WAIT;
				st.ms = atoi(arg);
			} else if (strcmp(cmd, "wait-for") == 0 && arg && *arg) {
				st.kind = STEP_WAIT_FOR;
				st.arg = xstrdup(arg);
			} else if (strcmp(cmd, "quit") == 0) {
				st.kind = STEP_QUIT;
			} else {
				rwb_fail(RWB_EINPUT, "%s:%d: unknown script command ':%s' (save-screen FILE, "
					 "wait MS, wait-for TEXT, quit)", path, lineno, cmd);
				goto fail;
			}
		} else {
			st.kind = STEP_KEYS;
			if (script_parse_keys(p, &st.keys, &st.nkeys) != 0) {
				rwb_fail_wrap(RWB_EINPUT, "%s:%d", path, lineno);
				goto fail;
			}
		}
		s->steps = xrealloc(s->steps, (size_t)(s->nsteps + 1) * sizeof(*s->steps));
		s->steps[s->nsteps++] = st;
	}
	free(line);
	fclose(f);
	return s;
fail:
	free(line);
	fclose(f);
	script_free(s);
	return NULL;
}

void script_free(struct script *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->nsteps; i++) {
		free(s->steps[i].keys);
		free(s->steps[i].arg);
	}
	free(s->steps);
	free(s);
}

const struct script_step *script_next(struct script *s)
{
	return s->next < s->nsteps ? &s->steps[s->next++] : NULL;
}
