/* SPDX-License-Identifier: MIT */
/*
 * libsmmu against real QEMU (qemu:virt with SMMUv3, qemu:q35 with VT-d):
 * discovery from QEMU's own firmware tables, the whole manager path with a
 * DMA round trip and faults, registers restored on release, and a QEMU that
 * dies or hangs mid-session.  Without QEMU the tests skip, except under
 * CI=true, where a missing QEMU is a failure.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/smmu.h"

struct plat {
	const char *spec, *binary;
	uint64_t unit_base;
	const char *source;       /* where discovery must find the unit */
	uint64_t ram;             /* a free page of RAM for data */
	const uint32_t *regs;     /* registers compared before own / after release */
	size_t nregs;
	uint32_t unmapped_code;   /* a read of an unmapped IOVA */
	uint32_t perm_code;       /* a write to a read-only page */
};

static const uint32_t smmuv3_regs[] = {
	0x20, 0x24, 0x28, 0x2c, 0x44, 0x50, 0x54, 0x60, 0x64, 0x68, 0x6c, 0x70, 0x74, 0x80, 0x84, 0x88,
	0x90, 0x94, 0x98, 0x9c, 0xa0, 0xa4, 0xb0, 0xb4, 0xb8, 0xbc, 0xc0, 0xc4, 0xd0, 0xd4, 0xd8, 0xdc,
	0x100a8, 0x100ac, 0x100c8, 0x100cc,
};
static const uint32_t vtd_regs[] = {
	0x1c, 0x20, 0x24, 0x34, 0x38, 0x3c, 0x40, 0x44, 0x80, 0x84, 0x88, 0x8c, 0x90, 0x94,
};

static const struct plat plats[] = {
	{ "qemu:virt", "qemu-system-aarch64", 0x09050000, "fdt", 0x41000000, smmuv3_regs,
	  sizeof(smmuv3_regs) / 4, 0x10, 0x13 },
	{ "qemu:q35", "qemu-system-x86_64", 0xfed90000, "DMAR", 0x00100000, vtd_regs,
	  sizeof(vtd_regs) / 4, 0x06, 0x05 },
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool in_path(const char *bin)
{
	const char *path = getenv("PATH");
	char buf[512];

	while (path && *path) {
		size_t n = strcspn(path, ":");
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, bin);
		if (n && !access(buf, X_OK))
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}

/* true when the test must stop here: no QEMU, and not under CI */
static bool skip_without(const struct plat *p)
{
	const char *ci = getenv("CI");

	if (in_path(p->binary))
		return false;
	ck_assert_msg(!(ci && !strcmp(ci, "true")), "%s is not installed, and CI=true forbids skipping",
		      p->binary);
	fprintf(stderr, "check-qemu: SKIP %s: %s is not installed\n", p->spec, p->binary);
	return true;
}

static struct smmu_target *open_opts(const struct plat *p, const char *const *opts, size_t nopts)
{
	struct smmu_target *t;
	char err[256] = "";

	ck_assert_msg(smmu_target_open(p->spec, opts, nopts, &t, err, sizeof(err)) == 0, "%s: %s",
		      p->spec, err);
	ck_assert_msg(smmu_discover(t, err, sizeof(err)) == 0, "%s: discover: %s", p->spec, err);
	return t;
}

static pid_t qemu_pid(struct smmu_target *t)
{
	const char *d = strstr(smmu_target_describe(t), "pid ");

	ck_assert_ptr_nonnull(d);
	return (pid_t)atoi(d + 4);
}

static void read_regs(struct smmu_target *t, const struct plat *p, uint32_t *out)
{
	for (size_t i = 0; i < p->nregs; i++) {
		uint64_t v;
		ck_assert_int_eq(smmu_mmio_read(t, p->unit_base + p->regs[i], 4, &v), 0);
		out[i] = (uint32_t)v;
	}
}

START_TEST(lists_its_parameters)
{
	static const char *const want[] = { "binary", "args", "edu", "ram", "tables", "socket" };
	struct smmu_backend_info bi;
	size_t b;

	for (b = 0; !smmu_backend_info(b, &bi); b++)
		if (!strcmp(bi.name, "qemu"))
			break;
	ck_assert_msg(b < smmu_backend_count(), "no qemu backend");
	ck_assert_str_eq(bi.variants, "virt|q35|amd");
	for (size_t w = 0; w < sizeof(want) / sizeof(want[0]); w++) {
		struct smmu_param_info pi;
		bool found = false;
		for (size_t i = 0; !smmu_backend_param(b, i, &pi); i++)
			found |= !strcmp(pi.name, want[w]) && pi.help && *pi.help;
		ck_assert_msg(found, "qemu has no parameter '%s'", want[w]);
	}
}
END_TEST

START_TEST(bad_options_say_why)
{
	const struct plat *p = &plats[0];
	struct smmu_target *t = NULL;
	char err[256];
	const char *unknown[] = { "colour=blue" };
	const char *nobin[] = { "binary=/nonexistent/qemu-system-aarch64" };
	const char *badarg[] = { "args=-no-such-option" };
	const char *badram[] = { "ram=lots" };

	ck_assert_int_eq(smmu_target_open("qemu:virt", unknown, 1, &t, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "colour"), "%s", err);
	ck_assert_int_eq(smmu_target_open("qemu:sparc", NULL, 0, &t, err, sizeof(err)), -ENOENT);
	ck_assert_msg(strstr(err, "sparc"), "%s", err);
	ck_assert_int_eq(smmu_target_open("qemu:virt", badram, 1, &t, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "ram"), "%s", err);
	ck_assert_int_ne(smmu_target_open("qemu:virt", nobin, 1, &t, err, sizeof(err)), 0);
	ck_assert_msg(strstr(err, "cannot run") && strstr(err, "/nonexistent/qemu-system-aarch64"),
		      "%s", err);
	if (skip_without(p))
		return;
	/* QEMU refuses its command line: the error is the first line of its log */
	double t0 = now_s();
	ck_assert_int_ne(smmu_target_open("qemu:virt", badarg, 1, &t, err, sizeof(err)), 0);
	ck_assert_msg(strstr(err, "-no-such-option") && strstr(err, "exited"), "%s", err);
	ck_assert_double_lt(now_s() - t0, 5);
}
END_TEST

START_TEST(discovers_units_and_devices)
{
	const struct plat *p = &plats[_i];
	struct smmu_unit_info ui;
	struct smmu_device_info di;

	if (skip_without(p))
		return;
	struct smmu_target *t = open_opts(p, NULL, 0);
	ck_assert_uint_eq(smmu_unit_count(t), 1);
	smmu_unit_info(smmu_unit_at(t, 0), &ui);
	ck_assert_uint_eq(ui.base, p->unit_base);
	ck_assert_str_eq(ui.source, p->source);
	struct smmu_device *d = smmu_device_find(t, "00:01.0");
	ck_assert_ptr_nonnull(d);
	smmu_device_info(d, &di);
	ck_assert_ptr_eq(di.unit, smmu_unit_at(t, 0));
	ck_assert_uint_eq(di.sid, 0x8);
	ck_assert(di.caps & SMMU_DEV_DMA);
	d = smmu_device_find(t, "00:02.0");
	ck_assert_ptr_nonnull(d);
	smmu_device_info(d, &di);
	ck_assert(di.caps & SMMU_DEV_DMA);
	ck_assert_uint_eq(di.sid, 0x10);
	ck_assert_ptr_null(smmu_device_find(t, "00:03.0")); /* edu=2 by default */
	ck_assert_ptr_nonnull(strstr(smmu_target_describe(t), "round trips"));

	/* the firmware tables as a firmware would see them */
	void *tab;
	size_t len;
	const char *other = strcmp(p->source, "fdt") ? "fdt" : "DMAR";
	ck_assert_int_eq(smmu_fw_table(t, other, &tab, &len), -ENOENT);
	ck_assert_int_eq(smmu_fw_table(t, p->source, &tab, &len), 0);
	if (!strcmp(p->source, "DMAR")) { /* the loader's checksum applied */
		uint8_t sum = 0;
		ck_assert_uint_ge(len, 48);
		for (size_t i = 0; i < len; i++)
			sum += ((const uint8_t *)tab)[i];
		ck_assert_uint_eq(sum, 0);
	} else {
		ck_assert_uint_eq(((const uint8_t *)tab)[0], 0xd0); /* FDT magic, big-endian */
	}
	free(tab);
	smmu_target_close(t);
}
END_TEST

/* The whole manager path against QEMU's IOMMU model. */
START_TEST(own_map_dma_fault_release)
{
	const struct plat *p = &plats[_i];
	uint32_t before[64], after[64];
	uint8_t pattern[256], got[256];
	struct smmu_domain *dom;
	struct smmu_fault f;
	int n;

	if (skip_without(p))
		return;
	struct smmu_target *t = open_opts(p, NULL, 0);
	struct smmu_unit *u = smmu_unit_at(t, 0);
	struct smmu_device *d = smmu_device_find(t, "00:01.0");
	ck_assert_ptr_nonnull(d);

	read_regs(t, p, before);
	ck_assert_int_eq(smmu_unit_own(u), 0);
	ck_assert_int_eq(smmu_domain_create(t, "test", 0, &dom), 0);
	ck_assert_int_eq(smmu_device_attach(d, dom), 0);
	ck_assert_int_eq(smmu_map(dom, 0x10000, p->ram, 0x1000, SMMU_PROT_R | SMMU_PROT_W), 0);
	ck_assert_int_eq(smmu_map(dom, 0x20000, p->ram + 0x1000, 0x1000, SMMU_PROT_R | SMMU_PROT_W), 0);

	/* memory -> edu's buffer -> memory, through two mappings */
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(i * 7 + 3);
	memset(got, 0, sizeof(got));
	ck_assert_int_eq(smmu_mem_write(t, p->ram, pattern, sizeof(pattern)), 0);
	ck_assert_int_eq(smmu_mem_write(t, p->ram + 0x1000, got, sizeof(got)), 0);
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x10000, sizeof(pattern), NULL), 0);
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_TO_MEM, 0x20000, sizeof(pattern), NULL), 0);
	ck_assert_int_eq(smmu_mem_read(t, p->ram + 0x1000, got, sizeof(got)), 0);
	ck_assert_mem_eq(got, pattern, sizeof(pattern));
	ck_assert_int_eq(smmu_faults_poll(t), 0);

	/* an unmapped IOVA: QEMU's SMMUv3 reports one event per 4 bytes,
	 * its VT-d one record (it compresses repeats): at least one here */
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x30000, 32, NULL), 0);
	n = smmu_faults_poll(t);
	ck_assert_int_ge(n, 1);
	ck_assert_int_eq(smmu_faults_get(t, 0, &f), 0);
	ck_assert_ptr_eq(f.dev, d);
	ck_assert_uint_eq(f.stream.sid, 0x8);
	ck_assert_uint_eq(f.addr & ~0xfffull, 0x30000);
	ck_assert_uint_eq(f.code, p->unmapped_code);
	ck_assert_uint_eq(f.access & (SMMU_PROT_R | SMMU_PROT_W), SMMU_PROT_R);

	/* a write to a read-only page */
	ck_assert_int_eq(smmu_map(dom, 0x40000, p->ram + 0x2000, 0x1000, SMMU_PROT_R), 0);
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_TO_MEM, 0x40000, 16, NULL), 0);
	int m = smmu_faults_poll(t);
	ck_assert_int_ge(m, 1);
	ck_assert_int_eq(smmu_faults_get(t, (size_t)n, &f), 0);
	ck_assert_uint_eq(f.code, p->perm_code);
	ck_assert_uint_eq(f.access & SMMU_PROT_W, SMMU_PROT_W);

	ck_assert_int_eq(smmu_unit_release(u), 0);
	read_regs(t, p, after);
	for (size_t i = 0; i < p->nregs; i++) {
		uint32_t diff = before[i] ^ after[i];
		if (p->unit_base == 0xfed90000 && p->regs[i] == 0x1c)
			diff &= ~(1u << 30); /* GSTS.RTPS: only a reset clears it */
		/* FECTL.IP is read-only status.  QEMU 7.2 re-evaluates it only
		 * when FSTS is written, not when the last F bit is cleared as
		 * the specification says, so it can stay set after a drain. */
		if (p->unit_base == 0xfed90000 && p->regs[i] == 0x38)
			diff &= ~(1u << 30);
		ck_assert_msg(!diff, "%s: register 0x%x was 0x%08x before own, 0x%08x after release",
			      p->spec, p->regs[i], before[i], after[i]);
	}
	smmu_target_close(t);
}
END_TEST

/* kill -9 mid-session: the next call fails within the time limit, every
 * later one at once, and close still cleans up. */
START_TEST(killed_qemu_fails_fast)
{
	const struct plat *p = &plats[_i];
	uint64_t v;

	if (skip_without(p))
		return;
	struct smmu_target *t = open_opts(p, NULL, 0);
	ck_assert_int_eq(smmu_unit_own(smmu_unit_at(t, 0)), 0);
	pid_t pid = qemu_pid(t);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	double t0 = now_s();
	ck_assert_int_eq(smmu_mmio_read(t, p->unit_base, 4, &v), -SMMU_E_BACKEND);
	ck_assert_double_lt(now_s() - t0, 2.0);
	t0 = now_s();
	uint8_t page[4096] = { 1 };
	ck_assert_int_eq(smmu_mem_write(t, p->ram, page, sizeof(page)), -SMMU_E_BACKEND);
	ck_assert_int_ne(smmu_unit_release(smmu_unit_at(t, 0)), 0);
	ck_assert_double_lt(now_s() - t0, 0.05);
	ck_assert_ptr_nonnull(strstr(smmu_target_describe(t), "gone"));
	t0 = now_s();
	smmu_target_close(t);
	ck_assert_double_lt(now_s() - t0, 1.5);
	ck_assert_int_eq(kill(pid, 0), -1); /* reaped, not a zombie */
}
END_TEST

/* kill -9 while a device is attached and a domain has mappings: every
 * later operation fails with -SMMU_E_BACKEND (no crash, no hang), and close
 * frees everything (the sanitizer build checks for leaks). */
START_TEST(killed_while_attached)
{
	const struct plat *p = &plats[_i];
	struct smmu_domain *dom, *dom2;
	struct smmu_unit_status st;

	if (skip_without(p))
		return;
	struct smmu_target *t = open_opts(p, NULL, 0);
	struct smmu_unit *u = smmu_unit_at(t, 0);
	struct smmu_device *d = smmu_device_find(t, "00:01.0"), *d2 = smmu_device_find(t, "00:02.0");
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(smmu_unit_own(u), 0);
	ck_assert_int_eq(smmu_domain_create(t, "d", 0, &dom), 0);
	ck_assert_int_eq(smmu_domain_create(t, "e", 0, &dom2), 0);
	ck_assert_int_eq(smmu_device_attach(d, dom), 0);
	ck_assert_int_eq(smmu_map(dom, 0x1000, p->ram, 0x2000, SMMU_PROT_R | SMMU_PROT_W), 0);
	pid_t pid = qemu_pid(t);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(smmu_map(dom, 0x10000, p->ram, 0x1000, SMMU_PROT_R), -SMMU_E_BACKEND);
	ck_assert_int_eq(smmu_unmap(dom, 0x1000, 0x1000), -SMMU_E_BACKEND);
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x1000, 16, NULL), -SMMU_E_BACKEND);
	ck_assert_int_eq(smmu_faults_poll(t), -SMMU_E_BACKEND);
	ck_assert_int_eq(smmu_unit_status(u, &st), -SMMU_E_BACKEND);
	if (d2)
		ck_assert_int_eq(smmu_device_attach(d2, dom2), -SMMU_E_BACKEND);
	ck_assert_int_eq(smmu_device_detach(d), -SMMU_E_BACKEND);
	ck_assert_int_eq(smmu_unit_release(u), -SMMU_E_BACKEND);
	ck_assert_int_eq(smmu_target_release_all(t), -SMMU_E_BACKEND);
	ck_assert_int_eq(smmu_domain_destroy(dom2), 0);
	smmu_target_close(t); /* the domain with a device and mappings goes too */
	ck_assert_int_eq(kill(pid, 0), -1);
}
END_TEST

/* A QEMU that stops answering (SIGSTOP) costs one time limit, once. */
START_TEST(hung_qemu_times_out)
{
	const struct plat *p = &plats[0];
	const char *opts[] = { "timeout=0.5" };
	uint64_t v;

	if (skip_without(p))
		return;
	struct smmu_target *t = open_opts(p, opts, 1);
	pid_t pid = qemu_pid(t);
	ck_assert_int_eq(kill(pid, SIGSTOP), 0);
	double t0 = now_s();
	ck_assert_int_eq(smmu_mmio_read(t, p->unit_base, 4, &v), -SMMU_E_BACKEND);
	double dt = now_s() - t0;
	ck_assert_msg(dt > 0.4 && dt < 1.0, "timed out after %.3f s", dt);
	t0 = now_s();
	ck_assert_int_eq(smmu_mmio_read(t, p->unit_base, 4, &v), -SMMU_E_BACKEND);
	ck_assert_double_lt(now_s() - t0, 0.01);
	smmu_target_close(t); /* SIGTERM waits on a stopped QEMU: SIGKILL ends it */
	ck_assert_int_eq(kill(pid, 0), -1);
}
END_TEST

/* socket=PATH: attach to a QEMU someone else started; close leaves it running. */
START_TEST(attaches_to_a_running_qemu)
{
	const struct plat *p = &plats[0];
	char dir[] = "/tmp/check-qemu-XXXXXX", fw[64], sock[64], sockarg[128], opt[80];
	static const unsigned char wfi_loop[8] = { 0x7f, 0x20, 0x03, 0xd5, 0xff, 0xff, 0xff, 0x17 };
	struct smmu_unit_info ui;

	if (skip_without(p))
		return;
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(fw, sizeof(fw), "%s/fw", dir);
	snprintf(sock, sizeof(sock), "%s/qtest", dir);
	snprintf(sockarg, sizeof(sockarg), "unix:%s,server=on,wait=off", sock);
	snprintf(opt, sizeof(opt), "socket=%s", sock);
	FILE *f = fopen(fw, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(wfi_loop, 1, sizeof(wfi_loop), f), sizeof(wfi_loop));
	fclose(f);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		int nul = open("/dev/null", O_WRONLY);
		dup2(nul, 2);
		execlp(p->binary, p->binary, "-machine", "virt,iommu=smmuv3", "-cpu", "cortex-a57", "-m",
		       "256M", "-nodefaults", "-display", "none", "-serial", "none", "-monitor", "none",
		       "-bios", fw, "-icount", "shift=0,sleep=off", "-qtest", sockarg, "-qtest-log",
		       "/dev/null", "-device", "edu,dma_mask=0xffffffffffffffff", (char *)NULL);
		_exit(127);
	}
	struct stat st;
	for (int i = 0; i < 500 && stat(sock, &st); i++)
		usleep(10000);
	/* the socket exists once QEMU binds it, a moment before it listens: a
	 * busy machine can be between the two */
	const char *opts[] = { opt };
	struct smmu_target *t = NULL;
	char err[256] = "";
	for (int i = 0; i < 200 && smmu_target_open(p->spec, opts, 1, &t, err, sizeof(err)); i++)
		usleep(25000);
	ck_assert_msg(t, "%s: %s", p->spec, err);
	ck_assert_msg(smmu_discover(t, err, sizeof(err)) == 0, "%s: discover: %s", p->spec, err);
	smmu_unit_info(smmu_unit_at(t, 0), &ui);
	ck_assert_uint_eq(ui.base, p->unit_base);
	ck_assert_ptr_nonnull(smmu_device_find(t, "00:01.0"));
	/* RAM size came from the device tree, not from the ram parameter */
	uint64_t base, size;
	ck_assert_int_eq(smmu_target_table_region(t, &base, &size), 0);
	ck_assert_uint_eq(base + size, 0x40000000ull + (256ull << 20));
	/* a machine started elsewhere may have a device at work already: each
	 * map reads its table back (2 requests), where one smmush started and
	 * drove costs 1 (tables_read_back_only_after_devices_ran) */
	struct smmu_domain *dom;
	struct smmu_device *d = smmu_device_find(t, "00:01.0");
	ck_assert_int_eq(smmu_unit_own(smmu_unit_at(t, 0)), 0);
	ck_assert_int_eq(smmu_domain_create(t, "d", 0, &dom), 0);
	ck_assert_int_eq(smmu_device_attach(d, dom), 0);
	ck_assert_int_eq(smmu_map(dom, 0x10000, 0x40000000, 0x1000, SMMU_PROT_R), 0);
	for (uint64_t i = 1; i <= 2; i++) {
		uint64_t rt = smmu_target_roundtrips(t);
		ck_assert_int_eq(smmu_map(dom, 0x10000 + i * 0x1000, 0x40000000 + i * 0x1000, 0x1000, SMMU_PROT_R), 0);
		ck_assert_uint_eq(smmu_target_roundtrips(t) - rt, 2);
	}
	smmu_target_close(t);
	ck_assert_int_eq(waitpid(pid, NULL, WNOHANG), 0); /* still running: not ours */
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	unlink(fw);
	unlink(sock);
	rmdir(dir);
}
END_TEST

/* QEMU's edu does DMA but has no storm generator: the library tells it from
 * sim's test devices by their registers, not by the target's name. */
START_TEST(edu_cannot_storm)
{
	const struct plat *p = &plats[_i];
	struct smmu_device_info di;

	if (skip_without(p))
		return;
	struct smmu_target *t = open_opts(p, NULL, 0);
	struct smmu_device *d = smmu_device_find(t, "00:01.0");
	ck_assert_ptr_nonnull(d);
	/* a DMA first, so its registers decode whatever firmware did */
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_TO_MEM, p->ram, 8, NULL), 0);
	char err[256];
	ck_assert_int_eq(smmu_discover(t, err, sizeof(err)), 0);
	d = smmu_device_find(t, "00:01.0");
	smmu_device_info(d, &di);
	ck_assert(di.caps & SMMU_DEV_DMA);
	ck_assert(!(di.caps & SMMU_DEV_STORM));
	ck_assert_int_eq(smmu_device_storm(d, 0, 10, NULL), -EOPNOTSUPP);
	smmu_target_close(t);
}
END_TEST

/* The leaf entry the device's live tables use for iova. */
static uint64_t leaf_entry(struct smmu_target *t, struct smmu_device *d, uint64_t iova, uint64_t *pte)
{
	struct smmu_device_info di;
	struct smmu_translation tr;

	smmu_device_info(d, &di);
	ck_assert_int_eq(smmu_translate(smmu_unit_at(t, 0), &(struct smmu_stream){ di.sid, false, 0 }, iova, 0, &tr), 0);
	ck_assert(tr.ok);
	*pte = tr.x.step[tr.x.nsteps - 1].pte;
	return tr.x.step[tr.x.nsteps - 1].entry_pa;
}

/* No CPU runs under qtest: RAM changes only by what a device or a unit does
 * once driven.  So maps in a row read nothing back (one request each: the
 * entry, and no invalidation on a unit that caches no invalid entry); an
 * edu DMA into a table page is still caught by the next map; and after a
 * register write whose end the library cannot know, every map reads back. */
START_TEST(tables_read_back_only_after_devices_ran)
{
	const struct plat *p = &plats[_i];
	const unsigned rw = SMMU_PROT_R | SMMU_PROT_W;
	struct smmu_table_conflict c;
	struct smmu_domain *dom;
	uint64_t was, rt;

	if (skip_without(p))
		return;
	struct smmu_target *t = open_opts(p, NULL, 0);
	struct smmu_device *d = smmu_device_find(t, "00:01.0");
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(smmu_unit_own(smmu_unit_at(t, 0)), 0);
	ck_assert_int_eq(smmu_domain_create(t, "d", 0, &dom), 0);
	ck_assert_int_eq(smmu_device_attach(d, dom), 0);
	ck_assert_int_eq(smmu_map(dom, 0x10000, p->ram, 0x1000, rw), 0);
	for (uint64_t i = 1; i <= 4; i++) {
		rt = smmu_target_roundtrips(t);
		ck_assert_int_eq(smmu_map(dom, 0x10000 + i * 0x1000, p->ram + i * 0x1000, 0x1000, rw), 0);
		ck_assert_uint_eq(smmu_target_roundtrips(t) - rt, 1);
	}

	/* edu writes A's entry: the value comes from RAM into its buffer, then
	 * goes out to an IOVA mapped onto the table page */
	uint64_t ea = leaf_entry(t, d, 0x10000, &was), foreign = was ^ 0x80;
	ck_assert_int_eq(smmu_mem_write(t, p->ram + 0x8000, &foreign, 8), 0);
	ck_assert_int_eq(smmu_map(dom, 0x400000, p->ram + 0x8000, 0x1000, SMMU_PROT_R), 0);
	ck_assert_int_eq(smmu_map(dom, 0x600000, ea & ~0xfffull, 0x1000, rw), 0);
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x400000, 8, NULL), 0);
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_TO_MEM, 0x600000 + (ea & 0xfff), 8, NULL), 0);
	ck_assert_int_eq(smmu_faults_poll(t), 0);
	ck_assert_int_eq(smmu_map(dom, 0x18000, p->ram + 0x8000, 0x1000, rw), -SMMU_E_CONFLICT);
	ck_assert_int_eq(smmu_domain_conflicts(dom, &c), 0);
	ck_assert_uint_eq(c.count, 1);
	ck_assert_uint_eq(c.entry_pa, ea);
	ck_assert_uint_eq(c.cached, was);
	ck_assert_uint_eq(c.memory, foreign);
	ck_assert_int_eq(smmu_map(dom, 0x18000, p->ram + 0x8000, 0x1000, rw), 0);
	rt = smmu_target_roundtrips(t);
	ck_assert_int_eq(smmu_map(dom, 0x19000, p->ram + 0x9000, 0x1000, rw), 0);
	ck_assert_uint_eq(smmu_target_roundtrips(t) - rt, 1);

	/* a device register written past smmu_dma (edu's liveness check): it
	 * may be at work from now on, so each map reads its table back first */
	uint32_t bar0;
	struct smmu_device_info di;
	smmu_device_info(d, &di);
	ck_assert_int_eq(smmu_pci_read(t, di.bdf, 0x10, 4, &bar0), 0);
	ck_assert_int_eq(smmu_mmio_write(t, (bar0 & ~0xfu) + 4, 4, 0x1234), 0);
	for (uint64_t i = 0; i < 2; i++) {
		rt = smmu_target_roundtrips(t);
		ck_assert_int_eq(smmu_map(dom, 0x1a000 + i * 0x1000, p->ram + 0xa000, 0x1000, rw), 0);
		ck_assert_uint_eq(smmu_target_roundtrips(t) - rt, 2);
	}
	smmu_target_close(t);
}
END_TEST

/* QEMU's AMD-Vi sets NpCache (it may cache not-present entries), so there a
 * map still invalidates (sim's, without NpCache, does not: check_lib). */
START_TEST(amd_npcache_maps_invalidate)
{
	const struct plat amd = { .spec = "qemu:amd", .binary = "qemu-system-x86_64" };
	struct smmu_domain *dom;
	struct smmu_target *t;
	char err[256] = "";

	if (skip_without(&amd))
		return;
	ck_assert_msg(smmu_target_open(amd.spec, NULL, 0, &t, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(smmu_discover(t, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(smmu_unit_own(smmu_unit_at(t, 0)), 0);
	ck_assert_int_eq(smmu_domain_create(t, "d", 0, &dom), 0);
	ck_assert_int_eq(smmu_map(dom, 0x10000, 0x100000, 0x1000, SMMU_PROT_R), 0);
	uint64_t rt = smmu_target_roundtrips(t);
	ck_assert_int_eq(smmu_map(dom, 0x11000, 0x101000, 0x1000, SMMU_PROT_R), 0);
	/* the entry, then INVALIDATE_IOMMU_PAGES and COMPLETION_WAIT */
	ck_assert_uint_gt(smmu_target_roundtrips(t) - rt, 2);
	smmu_target_close(t);
}
END_TEST

Suite *suite_qemu(void);
Suite *suite_qemu(void)
{
	Suite *s = suite_create("qemu");
	TCase *tc = tcase_create("qemu");

	tcase_add_test(tc, lists_its_parameters);
	tcase_add_test(tc, bad_options_say_why);
	tcase_add_loop_test(tc, discovers_units_and_devices, 0, 2);
	tcase_add_loop_test(tc, own_map_dma_fault_release, 0, 2);
	tcase_add_loop_test(tc, killed_qemu_fails_fast, 0, 2);
	tcase_add_loop_test(tc, killed_while_attached, 0, 2);
	tcase_add_test(tc, hung_qemu_times_out);
	tcase_add_test(tc, attaches_to_a_running_qemu);
	tcase_add_loop_test(tc, edu_cannot_storm, 0, 2);
	tcase_add_loop_test(tc, tables_read_back_only_after_devices_ran, 0, 2);
	tcase_add_test(tc, amd_npcache_maps_invalidate);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}
