#!/usr/bin/env bash
# `make install` puts libsmmu (shared and static, headers, libsmmu.pc),
# smmush, its man page and bash completion in place; the shared library
# exports exactly the public API (smmu_ names, each marked SMMU_EXPORT in an
# installed header); no internal header is installed; and a program builds
# against the installed library with pkg-config alone.
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"
dest=$TMP/dest
if ! make -C "$builddir" install DESTDIR="$dest" prefix=/usr/local >"$TMP/install.log" 2>&1; then
	not_ok "make install: $(tail -3 "$TMP/install.log")"
	finish; exit
fi
for f in bin/smmush lib/libsmmu.so lib/libsmmu.a lib/pkgconfig/libsmmu.pc include/smmu/smmu.h \
	include/smmu/decode.h share/man/man1/smmush.1 share/bash-completion/completions/smmush; do
	check "installed: $f" test -e "$dest/usr/local/$f"
done

# --- the ABI: exactly the functions the installed headers declare ------------
inc=$dest/usr/local/include
so=$dest/usr/local/lib/libsmmu.so
# type A entries are the version script's nodes (SMMU_0.1), not symbols
nm -D --defined-only "$so" | awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' | sort >"$TMP/exported"
others=$(grep -cv '^smmu_' "$TMP/exported")
if [ -s "$TMP/exported" ] && [ "$others" -eq 0 ]; then
	ok "libsmmu.so exports only smmu_ names ($(wc -l <"$TMP/exported") symbols)"
else
	not_ok "libsmmu.so exports $others names without the smmu_ prefix: $(grep -v '^smmu_' "$TMP/exported" | head -5 | tr '\n' ' ')"
fi
# No header the Makefile calls internal (noinst_HEADERS) is installed, and a
# function declared at the start of a line in an installed header carries
# SMMU_EXPORT: one that does not is an internal header installed, or a public
# function the library would not export.
printf 'print-noinst:\n\t@echo $(noinst_HEADERS)\n' |
	make -s -C "$builddir" -f Makefile -f - print-noinst >"$TMP/noinst" 2>&1
for h in $(cat "$TMP/noinst"); do
	[ -e "$inc/smmu/${h##*/}" ] && echo "$h: installed"
done >"$TMP/unmarked"
grep -nE '^[A-Za-z_][A-Za-z0-9_ *]*[A-Za-z0-9_]\(' "$inc"/smmu/*.h |
	grep -vE ':(SMMU_EXPORT |static |typedef |#)' >>"$TMP/unmarked"
if grep -q '\.h' "$TMP/noinst" && [ -n "$(ls "$inc"/smmu/*.h 2>/dev/null)" ] &&
	[ ! -s "$TMP/unmarked" ]; then
	ok "no internal header installed ($(ls "$inc"/smmu/*.h | wc -l) public ones; their functions all SMMU_EXPORT)"
else
	not_ok "internal headers or unexported functions installed: $(head -3 "$TMP/unmarked" "$TMP/noinst" | tr '\n' ' ')"
fi
sed -nE 's/^SMMU_EXPORT [^(]*[^A-Za-z0-9_]([A-Za-z0-9_]+)\(.*/\1/p' "$inc"/smmu/*.h | sort >"$TMP/declared"
if cmp -s "$TMP/declared" "$TMP/exported"; then
	ok "libsmmu.so exports every function the installed headers declare, and nothing else"
else
	not_ok "exported and declared differ: $(diff "$TMP/declared" "$TMP/exported" | grep '^[<>]' | head -5 | tr '\n' ' ')"
fi
bad=
for h in "$inc"/smmu/*.h; do
	printf '#include <smmu/%s>\n' "${h##*/}" | cc -fsyntax-only -x c -I"$inc" - 2>>"$TMP/hdr.log" || bad+=" ${h##*/}"
done
check "each installed header compiles on its own${bad:+ (not:$bad)}" test -z "$bad"

cat >"$TMP/use.c" <<'C'
#include <smmu/decode.h>
#include <smmu/smmu.h>
#include <stdio.h>
int main(void)
{
	const struct smmu_desc *d;
	struct smmu_target *t;
	char err[128];
	if (smmu_decoder_find("smmuv3.ste", &d, NULL) || smmu_target_open("sim", NULL, 0, &t, err, sizeof(err)))
		return 1;
	printf("%s %s\n", smmu_version(), d->name);
	smmu_target_close(t);
	return 0;
}
C
# a sanitizer build's library needs the sanitizer runtime in the program too
san=$(sed -n 's/^SAN_CFLAGS = //p' "$builddir/Makefile")
export PKG_CONFIG_PATH=$dest/usr/local/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$dest
if cc $san -o "$TMP/use" "$TMP/use.c" $(pkg-config --cflags --libs libsmmu) 2>"$TMP/cc.log" &&
	LD_LIBRARY_PATH=$dest/usr/local/lib "$TMP/use" >"$TMP/use.out"; then
	ok "a program builds and runs against the installed libsmmu: $(cat "$TMP/use.out")"
else
	not_ok "building against the installed libsmmu: $(head -3 "$TMP/cc.log")"
fi
finish
