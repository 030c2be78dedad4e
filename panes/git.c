/*
 * git.c - the git pane (status, diff and staging arrive with the git issue;
 * until then it shows the branch).
 */
#include "git.h"
#include "app.h"
#include "draw.h"
#include "repoinfo.h"
#include "theme.h"
#include "xalloc.h"

#include <stdio.h>

struct git_pane {
	struct pane base;
	char branch[128];
};

static void git_draw(struct pane *p)
{
	struct git_pane *g = (struct git_pane *)p;
	char line[256];

	draw_clear(p->body);
	repoinfo_branch(app_repo(p->app), g->branch, sizeof(g->branch));
	if (g->branch[0])
		snprintf(line, sizeof(line), "branch %s", g->branch);
	else
		snprintf(line, sizeof(line), "not a git repository");
	draw_text(p->body, 0, 1, getmaxx(p->body) - 1, line, theme_attr(RWB_COLOR_DEFAULT));
}

static const struct pane_ops git_ops = {
	.name = "git",
	.draw = git_draw,
};

struct pane *pane_git_new(struct app *a)
{
	struct git_pane *g = xcalloc(1, sizeof(*g));

	g->base.ops = &git_ops;
	g->base.app = a;
	g->base.title = "Git";
	return &g->base;
}
