#!/usr/bin/env bash
# `make install` puts libsmmu (shared and static, headers, libsmmu.pc),
# smmush, its man page and bash completion in place, and a program builds
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
