/* SPDX-License-Identifier: MIT */
/*
 * capstone, loaded when dis (or --version) first needs it: relocating
 * libcapstone at every start cost smmush most of its start-up time
 * (tens of thousands of relocations for one command few scripts use).
 * A static smmush links it as before.
 */
#ifndef SHELL_CAPSTONE_LOAD_H
#define SHELL_CAPSTONE_LOAD_H

#include <capstone/capstone.h>

struct capstone_fns {
	cs_err (*open)(cs_arch arch, cs_mode mode, csh *handle);
	cs_err (*close)(csh *handle);
	const char *(*strerror)(cs_err code);
	cs_insn *(*malloc)(csh handle);
	bool (*disasm_iter)(csh handle, const uint8_t **code, size_t *size, uint64_t *address, cs_insn *insn);
	void (*free)(cs_insn *insn, size_t count);
	unsigned (*version)(int *major, int *minor);
};

/* The functions, or NULL with *why saying (one line) why the library cannot be loaded. */
const struct capstone_fns *shell_capstone(const char **why);

#endif
