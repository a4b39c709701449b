/* SPDX-License-Identifier: MIT */
/*
 * The same work over QEMU's gdbstub (the gdb backend) and over qtest (the
 * qemu backend), side by side, as `name value unit` lines: requests and time
 * for `units` (discovery), for one 4 KiB map, and for a walk of a domain
 * with 64 MiB + 4 KiB mapped in 4 KiB pages, and per fault drained.  QEMU is started here with
 * -gdb on a Unix socket: virt with halting firmware (smmush assigns BARs),
 * q35 booting SeaBIOS (which leaves the ACPI tables in memory).
 */
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
#include "tests/bench.h"

static int count_range(void *arg, const struct smmu_pgt_range *r)
{
	(void)r;
	++*(unsigned *)arg;
	return 0;
}

static pid_t start_qemu(const char *arch, const char *dir, char *spec, size_t speclen)
{
	char sock[160], fw[160], gdbarg[200];
	static const unsigned char wfi[8] = { 0x7f, 0x20, 0x03, 0xd5, 0xff, 0xff, 0xff, 0x17 };

	snprintf(sock, sizeof(sock), "%s/gdb-%s.sock", dir, arch);
	snprintf(fw, sizeof(fw), "%s/fw.bin", dir);
	snprintf(gdbarg, sizeof(gdbarg), "unix:%s,server,nowait", sock);
	snprintf(spec, speclen, "gdb:unix:%s", sock);
	FILE *f = fopen(fw, "wb");
	if (!f || fwrite(wfi, 1, sizeof(wfi), f) != sizeof(wfi) || fclose(f))
		return -1;
	pid_t pid = fork();
	if (pid)
		return pid;
	int nul = open("/dev/null", 0);
	dup2(nul, 1);
	dup2(nul, 2);
	if (!strcmp(arch, "virt"))
		execlp("qemu-system-aarch64", "qemu-system-aarch64", "-machine", "virt,iommu=smmuv3", "-cpu",
		       "cortex-a57", "-m", "512", "-nodefaults", "-display", "none", "-serial", "none",
		       "-monitor", "none", "-bios", fw, "-icount", "shift=0,sleep=off", "-device",
		       "edu,dma_mask=0xffffffffffffffff", "-device", "edu,dma_mask=0xffffffffffffffff", "-gdb",
		       gdbarg, "-S", (char *)NULL);
	else
		execlp("qemu-system-x86_64", "qemu-system-x86_64", "-machine", "q35,kernel-irqchip=split", "-m",
		       "512", "-nodefaults", "-display", "none", "-serial", "none", "-monitor", "none",
		       "-device", "intel-iommu,intremap=on", "-icount", "shift=0,sleep=off", "-device",
		       "edu,dma_mask=0xffffffffffffffff", "-device", "edu,dma_mask=0xffffffffffffffff", "-gdb",
		       gdbarg, (char *)NULL);
	_exit(127);
}

/* open + discover, retried while the firmware is still at work */
static int open_target(const char *spec, const char *const *opts, size_t nopts, struct smmu_target **t,
		       double *secs, uint64_t *open_rt, uint64_t *units_rt, char *err, size_t errlen)
{
	int rc = -ENOENT;

	for (int i = 0; i < 100; i++) {
		if (!(rc = smmu_target_open(spec, opts, nopts, t, err, errlen))) {
			*open_rt = smmu_target_roundtrips(*t);
			double t0 = bench_now();
			if (!(rc = smmu_discover(*t, err, errlen)) && smmu_unit_count(*t)) {
				*secs = bench_now() - t0;
				*units_rt = smmu_target_roundtrips(*t) - *open_rt;
				return 0;
			}
			smmu_target_close(*t);
		}
		usleep(100000);
	}
	return rc;
}

static int bench(const char *spec, const char *const *opts, size_t nopts, const char *tag)
{
	struct smmu_target *t;
	struct smmu_domain *dom;
	char err[256] = "";
	uint64_t base, size, rt, open_rt = 0, units_rt = 0;
	double secs = 0;
	unsigned ranges = 0;
	int rc;

	if ((rc = open_target(spec, opts, nopts, &t, &secs, &open_rt, &units_rt, err, sizeof(err)))) {
		fprintf(stderr, "bench-gdb: %s: %s\n", spec, err[0] ? err : smmu_strerror(rc));
		return 1;
	}
	printf("%s_open_requests %llu requests\n", tag, (unsigned long long)open_rt);
	printf("%s_units_requests %llu requests\n", tag, (unsigned long long)units_rt);
	printf("%s_units %.3f ms\n", tag, secs * 1e3);
	struct smmu_unit *u = smmu_unit_at(t, 0);
	struct smmu_device *d = smmu_device_find(t, "00:01.0");
	smmu_target_table_region(t, &base, &size);
	uint64_t data = base - (128ull << 20);
	if ((rc = smmu_unit_own(u)) || (rc = smmu_domain_create(t, "bench", 0, &dom)) ||
	    (rc = smmu_device_attach(d, dom)))
		goto fail;
	if ((rc = smmu_map(dom, 0x10000000, data - (64ull << 20), 64ull << 20,
			   SMMU_PROT_R | SMMU_PROT_W | SMMU_MAP_PAGES)))
		goto fail;
	rt = smmu_target_roundtrips(t);
	double t0 = bench_now();
	if ((rc = smmu_map(dom, 0x80000000, data, 4096, SMMU_PROT_R | SMMU_PROT_W)))
		goto fail;
	printf("%s_map_4k %.3f ms\n", tag, (bench_now() - t0) * 1e3);
	printf("%s_map_4k_requests %llu requests\n", tag, (unsigned long long)(smmu_target_roundtrips(t) - rt));
	struct smmu_device_info di;
	smmu_device_info(d, &di);
	rt = smmu_target_roundtrips(t);
	t0 = bench_now();
	if ((rc = smmu_list(u, &(struct smmu_stream){ di.sid, false, 0 }, 0, 0, count_range, &ranges, NULL)))
		goto fail;
	printf("%s_walk_64m_4k %.3f ms\n", tag, (bench_now() - t0) * 1e3);
	printf("%s_walk_64m_4k_requests %llu requests (%u ranges)\n", tag,
	       (unsigned long long)(smmu_target_roundtrips(t) - rt), ranges);
	t0 = bench_now();
	if ((rc = smmu_dma(d, SMMU_DMA_FROM_MEM, 0x80000000, 256, NULL)))
		goto fail;
	printf("%s_edu_dma %.3f ms\n", tag, (bench_now() - t0) * 1e3);

	/* faults: unmapped reads, then one drain */
	double per;
	int n;
	if ((rc = bench_fault_roundtrips(t, d, &per, &n)))
		goto fail;
	printf("%s_requests_per_fault %.1f requests (%d records drained)\n", tag, per, n);
	smmu_target_close(t);
	return 0;
fail:
	fprintf(stderr, "bench-gdb: %s: %s\n", spec, smmu_strerror(rc));
	smmu_target_close(t);
	return 1;
}

int main(void)
{
	char dir[] = "/tmp/smmush-bench-gdb-XXXXXX", spec[200], path[200];
	int bad = 0;

	if (!mkdtemp(dir))
		return 1;
	signal(SIGPIPE, SIG_IGN);
	/* the first discovery in a process loads the PCI name database: not
	 * to be charged to whichever backend comes first */
	struct smmu_target *warm;
	char err[256];
	if (!smmu_target_open("sim:virt", NULL, 0, &warm, err, sizeof(err))) {
		smmu_discover(warm, err, sizeof(err));
		smmu_target_close(warm);
	}
	for (int i = 0; i < 2; i++) {
		const char *arch = i ? "q35" : "virt";
		pid_t pid = start_qemu(arch, dir, spec, sizeof(spec));
		if (pid < 0) {
			bad = 1;
			continue;
		}
		static const char *const virt_opts[] = { "assign-bars=yes" };
		static const char *const q35_opts[] = { "tables=0x10000000,16M" };
		char tag[32], qspec[32];
		/* SeaBIOS publishes its tables before it is done booting: a
		 * machine still busy makes each DMA wait for the guest's clock */
		if (i)
			sleep(2);
		snprintf(tag, sizeof(tag), "gdb_%s", arch);
		bad |= bench(spec, i ? q35_opts : virt_opts, 1, tag);
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		snprintf(tag, sizeof(tag), "qtest_%s", arch);
		snprintf(qspec, sizeof(qspec), "qemu:%s", arch);
		bad |= bench(qspec, NULL, 0, tag);
		snprintf(path, sizeof(path), "%s/gdb-%s.sock", dir, arch);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/fw.bin", dir);
	unlink(path);
	rmdir(dir);
	return bad;
}
