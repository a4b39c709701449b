/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <stddef.h>
#include <stdio.h>

#include "shell/capstone-load.h"

#if SMMUSH_STATIC
const struct capstone_fns *shell_capstone(const char **why)
{
	static const struct capstone_fns fns = {
		cs_open, cs_close, cs_strerror, cs_malloc, cs_disasm_iter, cs_free, cs_version,
	};
	(void)why;
	return &fns;
}
#else
#include <dlfcn.h>

#define STR_(x) #x
#define STR(x) STR_(x)
/* the library built against: its soname carries the API's major version */
#define CAPSTONE_SONAME "libcapstone.so." STR(CS_API_MAJOR)

const struct capstone_fns *shell_capstone(const char **why)
{
	static struct capstone_fns fns;
	static const char *failed;
	static void *lib;

	if (lib)
		return &fns;
	if (failed) {
		*why = failed;
		return NULL;
	}
	void *h = dlopen(CAPSTONE_SONAME, RTLD_NOW | RTLD_LOCAL);
	const struct {
		const char *name;
		void **fn;
	} syms[] = {
		{ "cs_open", (void **)&fns.open },       { "cs_close", (void **)&fns.close },
		{ "cs_strerror", (void **)&fns.strerror }, { "cs_malloc", (void **)&fns.malloc },
		{ "cs_disasm_iter", (void **)&fns.disasm_iter }, { "cs_free", (void **)&fns.free },
		{ "cs_version", (void **)&fns.version },
	};
	for (size_t k = 0; h && k < sizeof(syms) / sizeof(syms[0]); k++)
		if (!(*syms[k].fn = dlsym(h, syms[k].name))) {
			dlclose(h);
			h = NULL;
		}
	if (!h) {
		/* dlerror's text is ours until the next dl call: keep a copy */
		static char buf[256];
		const char *e = dlerror();
		snprintf(buf, sizeof(buf), "%s", e ? e : CAPSTONE_SONAME ": cannot be loaded");
		for (char *c = buf; *c; c++)
			if (*c == '\n')
				*c = ' ';
		*why = failed = buf;
		return NULL;
	}
	lib = h;
	return &fns;
}
#endif
