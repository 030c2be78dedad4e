/*
 * views.c - which overlay a command result opens ("view": NAME).
 */
#include "git.h"
#include "overlay.h"

#include <string.h>

static const struct {
	const char *name;
	bool (*open)(struct app *a, const cJSON *result);
} views[] = {
	{ "file", view_file_open },
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
