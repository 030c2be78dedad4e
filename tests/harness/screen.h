/*
 * screen.h - screen tests: the real rwb binary in a real pseudo-terminal of
 * fixed size, its output rendered by libvterm (the test's screen), keys
 * sent as the bytes a terminal would send.
 */
#ifndef RWB_TEST_SCREEN_H
#define RWB_TEST_SCREEN_H

#include <stdbool.h>
#include <stdint.h>

struct screen;

/* Key bytes as xterm sends them. */
#define K_F1 "\033OP"
#define K_F2 "\033OQ"
#define K_F3 "\033OR"
#define K_F4 "\033OS"
#define K_F5 "\033[15~"
#define K_F6 "\033[17~"
#define K_CTRL_Q "\x11"
#define K_TAB "\t"
#define K_STAB "\033[Z"
#define K_ENTER "\r"
#define K_ESC "\033"
#define K_UP "\033[A"
#define K_DOWN "\033[B"

/* Starts argv in a pty of cols x rows; env adds/overrides NAME=VALUE
 * entries (TERM defaults to xterm-256color). */
struct screen *screen_start(char *const argv[], int cols, int rows, char *const env[]);
void screen_free(struct screen *s);
/* Reads output for up to ms (returns early when the child exits). */
void screen_pump(struct screen *s, int ms);
/* Pumps until text appears on the screen (false after timeout_ms), then
 * reads the rest of its frame: until the output has been quiet for 30 ms,
 * at most 0.5 s more. */
bool screen_wait_for(struct screen *s, const char *text, int timeout_ms);
/* Returns the moment text is drawn, without waiting for the frame's rest:
 * for measuring latency. */
bool screen_wait_first(struct screen *s, const char *text, int timeout_ms);
/* Pumps until text is gone from the screen. */
bool screen_wait_gone(struct screen *s, const char *text, int timeout_ms);
/* The screen as UTF-8 text, rows joined by '\n', trailing blanks trimmed
 * (allocated). */
char *screen_text(struct screen *s);
char *screen_row(struct screen *s, int row);
bool screen_contains(struct screen *s, const char *text);
/* Finds text; returns true and its row/column. */
bool screen_find(struct screen *s, const char *text, int *row, int *col);
void screen_send(struct screen *s, const char *bytes);
void screen_resize(struct screen *s, int cols, int rows);
/* Waits for the child to exit; returns its status (or -1 on timeout). */
int screen_wait_exit(struct screen *s, int timeout_ms);
/* Attributes of one cell. */
struct screen_cell_info {
	bool bold, underline, reverse, italic;
	bool fg_default, bg_default;
	uint8_t fg_r, fg_g, fg_b, bg_r, bg_g, bg_b;
	int fg_index, bg_index;   /* -1 when RGB or default */
};
void screen_cell(struct screen *s, int row, int col, struct screen_cell_info *out);
/* Writes the screen to stderr (for failing tests). */
void screen_dump(struct screen *s);
/* The child's pid. */
int screen_pid(struct screen *s);

#endif
