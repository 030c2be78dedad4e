/*
 * views.c - which overlay a command result opens ("view": NAME).
 */
#include "app.h"
#include "cmdline.h"
#include "git.h"
#include "overlay.h"
#include "strbuf.h"

#include <string.h>

/* /file-write without content in the TUI: the editor writes the file */
static bool view_edit_open(struct app *a, const cJSON *result)
{
	const cJSON *path = cJSON_GetObjectItemCaseSensitive(result, "path");
	struct strbuf line = STRBUF_INIT;

	if (!cJSON_IsString(path))
		return false;
	strbuf_adds(&line, "/file-edit ");
	cmdline_quote(&line, path->valuestring);
	app_run_command(a, strbuf_str(&line));
	strbuf_free(&line);
	return true;
}

static const struct {
	const char *name;
	bool (*open)(struct app *a, const cJSON *result);
} views[] = {
	{ "file", view_file_open },
	{ "edit", view_edit_open },
	{ "diagnostics", view_diagnostics_open },
	{ "flame", view_flame_open },
	{ "git-diff", view_git_diff_open },
	{ "grep", view_grep_open },
};

bool views_open(struct app *a, const cJSON *result)
{
	const cJSON *v = result ? cJSON_GetObjectItemCaseSensitive(result, "view") : NULL;

	if (!cJSON_IsString(v))
		return false;
	for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++)
		if (strcmp(views[i].name, v->valuestring) == 0)
			return views[i].open(a, result);
	return false;
}
