/*
 * theme.h - semantic colour roles mapped onto the terminal's colours.
 *
 * Panes call theme_attr(RWB_COLOR_...) and never pick raw colours. Role i
 * uses colour pair i + 1; pairs from THEME_FIRST_FREE_PAIR up are free for
 * the terminal pane's own colours.
 */
#ifndef RWB_THEME_H
#define RWB_THEME_H

#include <curses.h>
#include <stdbool.h>
#include "themefile.h"

#define THEME_FIRST_FREE_PAIR 64

/*
 * Sets up colour (after initscr) and loads the theme name: built in, or
 * NAME.theme from the theme folders. A missing or broken theme falls back
 * to the default; notice (size n) then says why, naming file and line.
 */
void theme_init(const char *name, char *notice, size_t n);
/* The attributes (colour pair included) of a role. */
attr_t theme_attr(enum rwb_color role);
/* The pair number of a role (0 in mono). */
short theme_pair(enum rwb_color role);
/* Number of colours in use: 0 (none), 8, 16, 256 or 16777216. */
int theme_colors(void);
/* The loaded theme's name. */
const char *theme_name(void);

#endif
