/*
 * theme.c - loads a theme and turns its roles into curses attributes.
 *
 * Colour depth comes from terminfo (COLORS after start_color); NO_COLOR set
 * means attributes only, which is also what the mono theme uses. Direct
 * colour terminals (COLORS = 2^24) get the theme's RGB values unchanged.
 */
#define _POSIX_C_SOURCE 200809L
#include "theme.h"
#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct theme current;
static attr_t role_attrs[RWB_COLOR_COUNT];
static short role_pairs[RWB_COLOR_COUNT];
static int ncolors;

static attr_t style_attrs(unsigned a)
{
	attr_t r = 0;

	if (a & THEME_ATTR_BOLD) r |= A_BOLD;
	if (a & THEME_ATTR_DIM) r |= A_DIM;
	if (a & THEME_ATTR_ITALIC) r |= A_ITALIC;
	if (a & THEME_ATTR_UNDERLINE) r |= A_UNDERLINE;
	if (a & THEME_ATTR_REVERSE) r |= A_REVERSE;
	if (a & THEME_ATTR_STANDOUT) r |= A_STANDOUT;
	return r;
}

static void apply(void)
{
	for (int i = 0; i < RWB_COLOR_COUNT; i++) {
		const struct theme_style *st = &current.style[i];
		attr_t a = style_attrs(st->attrs);
		role_pairs[i] = 0;
		if (ncolors >= 8) {
			bool fg_bright, bg_bright;
			int fg = themefile_reduce(st->fg, ncolors, &fg_bright);
			int bg = themefile_reduce(st->bg, ncolors, &bg_bright);
			/* roles that leave a colour unset take the DEFAULT role's */
			if (st->fg.kind == THEME_COLOR_DEFAULT && i != RWB_COLOR_DEFAULT)
				fg = themefile_reduce(current.style[RWB_COLOR_DEFAULT].fg, ncolors, &fg_bright);
			if (st->bg.kind == THEME_COLOR_DEFAULT && i != RWB_COLOR_DEFAULT)
				bg = themefile_reduce(current.style[RWB_COLOR_DEFAULT].bg, ncolors, &bg_bright);
			if (fg_bright)
				a |= A_BOLD;
			if (init_extended_pair(i + 1, fg, bg) == OK)
				role_pairs[i] = (short)(i + 1);
		} else if (st->attrs == 0 && i == RWB_COLOR_SELECTION) {
			a = A_REVERSE;
		}
		role_attrs[i] = a;
	}
}

void theme_init(const char *name, char *notice, size_t n)
{
	const char *no_color = getenv("NO_COLOR");

	if (notice && n)
		notice[0] = '\0';
	ncolors = 0;
	if (has_colors() && !(no_color && *no_color)) {
		start_color();
		use_default_colors();
		ncolors = COLORS >= 0x1000000 ? 0x1000000 : COLORS >= 256 ? 256 : COLORS >= 16 ? 16 :
			  COLORS >= 8 ? 8 : 0;
	}
	if (!name || !*name)
		name = "default";
	if (!themefile_builtin(&current, name)) {
		char *path = themefile_find(name);
		if (!path) {
			snprintf(notice, n, "theme '%s' not found; using the default theme", name);
			themefile_builtin(&current, "default");
		} else if (themefile_load(&current, path) != 0) {
			snprintf(notice, n, "theme %s; using the default theme", rwb_last_error());
			themefile_builtin(&current, "default");
		}
		free(path);
	}
	if (ncolors == 0) {
		/* NO_COLOR or a colourless terminal: keep only the attributes, and
		 * take mono's where the theme relies on colour alone */
		struct theme mono;
		themefile_builtin(&mono, "mono");
		for (int i = 0; i < RWB_COLOR_COUNT; i++)
			if (current.style[i].attrs == 0)
				current.style[i].attrs = mono.style[i].attrs;
	}
	apply();
}

attr_t theme_attr(enum rwb_color role)
{
	if ((unsigned)role >= RWB_COLOR_COUNT)
		return A_NORMAL;
	return role_attrs[role] | (role_pairs[role] ? COLOR_PAIR(role_pairs[role]) : 0);
}

short theme_pair(enum rwb_color role)
{
	return (unsigned)role < RWB_COLOR_COUNT ? role_pairs[role] : 0;
}

int theme_colors(void)
{
	return ncolors;
}

const char *theme_name(void)
{
	return current.name;
}
