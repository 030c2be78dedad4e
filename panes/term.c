/*
 * term.c - the terminal pane (the pty and libvterm arrive with the
 * terminal-pane issue; until then it says so and refuses jobs).
 */
#include "term.h"
#include "app.h"
#include "draw.h"
#include "error.h"
#include "theme.h"
#include "xalloc.h"

struct term_pane {
	struct pane base;
};

static void term_draw(struct pane *p)
{
	draw_clear(p->body);
	draw_text(p->body, 0, 1, getmaxx(p->body) - 1, "the shell and cargo jobs run here",
		  theme_attr(RWB_COLOR_DIM));
}

static const struct pane_ops term_ops = {
	.name = "terminal",
	.draw = term_draw,
};

struct pane *pane_term_new(struct app *a)
{
	struct term_pane *t = xcalloc(1, sizeof(*t));

	t->base.ops = &term_ops;
	t->base.app = a;
	t->base.title = "Terminal";
	return &t->base;
}

int pane_term_job_start(struct pane *p, const struct term_job_opts *o, int *job_id)
{
	(void)p; (void)o;
	*job_id = 0;
	return RWB_ENOTIMPL;
}

int pane_term_job_signal(struct pane *p, int job_id, int signo)
{
	(void)p; (void)job_id; (void)signo;
	return RWB_ENOTFOUND;
}

int pane_term_jobs_running(struct pane *p)
{
	(void)p;
	return 0;
}
