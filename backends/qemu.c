/* SPDX-License-Identifier: MIT */
/*
 * The qemu backend: QEMU's own SMMUv3 (virt) and VT-d (q35) models, driven
 * over qtest with no guest OS.  This file manages the QEMU process: by
 * default smmush starts QEMU itself (a temporary directory, a listening
 * socket QEMU connects to, time limits, orderly stop, SIGKILL when that
 * fails, reaping); with socket=PATH it attaches to a QEMU started elsewhere
 * with `-qtest unix:PATH,server=on`.  QEMU runs firmware that only halts,
 * so smmush does what firmware would; that is backends/qemu-firmware.c.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* pipe2, mkdtemp */
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backends/qemu-qtest.h"
#include "backends/qemu.h"
#include "lib/backend.h"
#include "lib/smmu.h"

#define QEMU_MAGIC 0x51454d55u /* "QEMU": smmu_qemu_roundtrips() checks it */
#define START_LIMIT_MS 10000   /* QEMU connects in ~50 ms; this is for slow hosts */
#define STOP_LIMIT_MS 1000     /* after SIGTERM, before SIGKILL */
#define MAX_EDU 16

static const struct smmu_backend_param qemu_params[] = {
	{ "binary", "", "QEMU to run (default qemu-system-aarch64 for virt, qemu-system-x86_64 for q35)" },
	{ "args", "", "extra QEMU arguments, separated by spaces" },
	{ "edu", "2", "number of edu DMA test devices (00:01.0, 00:02.0, ...)" },
	{ "ram", "512M", "guest RAM (MiB unless suffixed K, M or G)" },
	{ "tables", "16M", "RAM at the top reserved for smmush's tables (MiB unless suffixed)" },
	{ "socket", "", "attach to a QEMU started with -qtest unix:PATH,server=on instead of starting one" },
	{ "timeout", "2", "seconds QEMU may take to answer one qtest command" },
	{ NULL, NULL, NULL },
};


static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* "512M", "1G", "16" (MiB, as QEMU's -m reads it) */
static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	unsigned shift = 20;

	if (errno || end == s)
		return -EINVAL;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 'b': case 'B': shift = 0; end++; break;
	case '\0': break;
	default: return -EINVAL;
	}
	if (*end == 'i' || *end == 'B')
		end += *end == 'i' && end[1] == 'B' ? 2 : 1;
	if (*end || v > (UINT64_MAX >> shift))
		return -EINVAL;
	*out = (uint64_t)v << shift;
	return 0;
}

/* --- starting and stopping QEMU ------------------------------------------------ */

/* The first line of QEMU's log worth showing: an error before warnings. */
static void log_line(const struct qemu_be *be, char *out, size_t outlen)
{
	char path[160], line[200], first[200] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/qemu.log", be->dir);
	*out = '\0';
	/* once QEMU runs the file is gone, the log read through its descriptor */
	int fd = be->logfd >= 0 ? dup(be->logfd) : -1;
	if (fd >= 0 && lseek(fd, 0, SEEK_SET) == 0)
		f = fdopen(fd, "r");
	else if (fd >= 0)
		close(fd), f = NULL;
	else
		f = *be->dir ? fopen(path, "r") : NULL;
	if (!f) {
		if (fd >= 0)
			close(fd);
		snprintf(out, outlen, "(QEMU's log is not readable)");
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!*line)
			continue;
		if (!*first)
			snprintf(first, sizeof(first), "%s", line);
		if (!strstr(line, "warning:")) {
			snprintf(out, outlen, "%s", line);
			break;
		}
	}
	if (!*out)
		snprintf(out, outlen, "%s", *first ? first : "(QEMU wrote nothing to its log)");
	fclose(f);
}

/* PATH lookup here, not in the child: after fork only async-signal-safe
 * calls are allowed. */
static int find_binary(const char *name, char *out, size_t outlen)
{
	if (strchr(name, '/')) {
		snprintf(out, outlen, "%s", name);
		return access(out, X_OK) ? -errno : 0;
	}
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");
		snprintf(out, outlen, "%.*s/%s", (int)n, path, name);
		if (n && !access(out, X_OK))
			return 0;
		path += n + (path[n] == ':');
	}
	return -ENOENT;
}

static void stop_qemu(struct qemu_be *be)
{
	int status;

	if (be->pid <= 0)
		return;
	/* qtest has no quit command: SIGTERM is QEMU's orderly shutdown */
	kill(be->pid, SIGTERM);
	kill(be->pid, SIGCONT); /* a stopped QEMU acts on SIGTERM only once continued */
	for (uint64_t t0 = mono_ns(); mono_ns() - t0 < STOP_LIMIT_MS * 1000000ull;) {
		pid_t r = waitpid(be->pid, &status, WNOHANG);
		if (r == be->pid || (r < 0 && errno == ECHILD)) {
			be->pid = 0;
			return;
		}
		nanosleep(&(struct timespec){ 0, 2000000 }, NULL);
	}
	kill(be->pid, SIGKILL);
	while (waitpid(be->pid, &status, 0) < 0 && errno == EINTR)
		;
	be->pid = 0;
}

static void remove_dir(struct qemu_be *be)
{
	static const char *const files[] = { "qtest.sock", "qemu.log", "firmware.bin" };
	char path[160];

	if (!*be->dir)
		return;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", be->dir, files[i]);
		unlink(path);
	}
	rmdir(be->dir);
	*be->dir = '\0';
}

/* Splits extra arguments at spaces into argv (modifying buf). */
static size_t split_args(char *buf, const char **argv, size_t max)
{
	size_t n = 0;

	for (char *tok = strtok(buf, " \t"); tok && n < max; tok = strtok(NULL, " \t"))
		argv[n++] = tok;
	return n;
}

/* The signals that end smmush (its handlers come only once the target is
 * open): held while the temporary directory exists, so that it is never
 * left behind; the mask before. */
static sigset_t startup_signals, startup_old;

/* One of them came while held: the start-up ends at once (and the signal
 * does what it does once the directory is gone). */
static bool startup_interrupted(void)
{
	sigset_t pending;

	if (sigpending(&pending))
		return false;
	for (int s = 1; s < NSIG; s++)
		if (sigismember(&startup_signals, s) == 1 && sigismember(&pending, s) == 1)
			return true;
	return false;
}

static int start_qemu(struct qemu_be *be, const char *binary, const char *extra, uint64_t ram,
		      char *err, size_t errlen)
{
	char bin[256], fw[160], sockpath[108], logpath[160], sockarg[180], mem[32], extra_buf[1024];
	const char *argv[128];
	size_t argc = 0;
	int lfd = -1, cfd = -1, logfd = -1, pfd[2] = { -1, -1 }, rc;
	const char *tmp = getenv("TMPDIR");

	if ((rc = find_binary(binary, bin, sizeof(bin)))) {
		snprintf(err, errlen, "qemu: cannot run '%s': %s", binary,
			 rc == -ENOENT ? "not found (install QEMU, or say binary=PATH)" : strerror(-rc));
		return -ENOENT;
	}
	/* a Unix socket path has room for 107 bytes: fall back to /tmp */
	if (!tmp || strlen(tmp) > 60)
		tmp = "/tmp";
	snprintf(be->dir, sizeof(be->dir), "%s/smmush-qemu-XXXXXX", tmp);
	if (!mkdtemp(be->dir)) {
		rc = -errno;
		snprintf(err, errlen, "qemu: cannot create a temporary directory in %s: %s", tmp,
			 strerror(errno));
		*be->dir = '\0';
		return rc;
	}
	snprintf(fw, sizeof(fw), "%s/firmware.bin", be->dir);
	snprintf(sockpath, sizeof(sockpath), "%s/qtest.sock", be->dir);
	snprintf(logpath, sizeof(logpath), "%s/qemu.log", be->dir);
	if ((rc = qemu_write_firmware(be, fw))) {
		snprintf(err, errlen, "qemu: cannot write %s: %s", fw, strerror(-rc));
		return rc;
	}

	/* smmush listens; QEMU connects as the client (-qtest unix:PATH) */
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sockpath);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 1)) {
		rc = -errno;
		snprintf(err, errlen, "qemu: cannot listen on %s: %s", sockpath, strerror(errno));
		goto fail;
	}
	logfd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (logfd < 0) {
		rc = -errno;
		snprintf(err, errlen, "qemu: cannot create %s: %s", logpath, strerror(errno));
		goto fail;
	}

	snprintf(sockarg, sizeof(sockarg), "unix:%s", sockpath);
	snprintf(mem, sizeof(mem), "%lluM", (unsigned long long)(ram >> 20));
	argv[argc++] = bin;
	if (be->plat == VIRT) {
		argv[argc++] = "-machine";
		argv[argc++] = "virt,iommu=smmuv3";
		argv[argc++] = "-cpu";
		argv[argc++] = "cortex-a57";
	} else {
		argv[argc++] = "-machine";
		argv[argc++] = "q35,kernel-irqchip=split";
	}
	const char *common[] = { "-m", mem, "-nodefaults", "-display", "none", "-serial", "none",
				 "-monitor", "none", "-bios", fw,
				 /* without icount, an edu DMA waits ~100 ms of real time */
				 "-icount", "shift=0,sleep=off", "-qtest", sockarg,
				 /* QEMU 7.2 logs every qtest command to stderr unless told */
				 "-qtest-log", "/dev/null" };
	for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		argv[argc++] = common[i];
	if (be->plat == Q35) { /* before any PCI device */
		argv[argc++] = "-device";
		argv[argc++] = "intel-iommu,intremap=on";
	} else if (be->plat == AMD) {
		argv[argc++] = "-device";
		argv[argc++] = "amd-iommu";
	}
	for (unsigned i = 0; i < be->nedu; i++) {
		argv[argc++] = "-device";
		argv[argc++] = "edu,dma_mask=0xffffffffffffffff"; /* default: 28 bits */
	}
	snprintf(extra_buf, sizeof(extra_buf), "%s", extra ? extra : "");
	argc += split_args(extra_buf, argv + argc, sizeof(argv) / sizeof(argv[0]) - argc - 1);
	argv[argc] = NULL;

	if (pipe2(pfd, O_CLOEXEC)) {
		rc = -errno;
		snprintf(err, errlen, "qemu: pipe: %s", strerror(errno));
		goto fail;
	}
	pid_t parent = getpid();
	uint64_t t0 = mono_ns();
	be->epoch_ns = t0;
	be->pid = fork();
	if (be->pid < 0) {
		rc = -errno;
		be->pid = 0;
		snprintf(err, errlen, "qemu: fork: %s", strerror(errno));
		goto fail;
	}
	if (be->pid == 0) {
		/* its own process group: the terminal's Ctrl-C is for smmush,
		 * which must release the unit before QEMU goes; and QEMU dies
		 * with smmush rather than run on, orphaned */
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* nothing held: QEMU's SIGTERM is its shutdown (smmush may hold
		 * signals while a command runs, and an exec keeps the mask) */
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (getppid() != parent)
			_exit(127);
		int nul = open("/dev/null", O_RDONLY);
		if (nul >= 0)
			dup2(nul, 0);
		dup2(logfd, 1);
		dup2(logfd, 2);
		execv(bin, (char *const *)argv);
		int e = errno;
		ssize_t w = write(pfd[1], &e, sizeof(e));
		(void)w;
		_exit(127);
	}
	close(pfd[1]);
	pfd[1] = -1;
	int child_errno = 0;
	ssize_t n;
	while ((n = read(pfd[0], &child_errno, sizeof(child_errno))) < 0 && errno == EINTR)
		;
	if (n == sizeof(child_errno)) {
		snprintf(err, errlen, "qemu: cannot run '%s': %s", bin, strerror(child_errno));
		rc = -child_errno;
		goto fail;
	}

	/* wait for QEMU to connect, or to die trying */
	for (;;) {
		struct pollfd p = { .fd = lfd, .events = POLLIN };
		int status;
		if (poll(&p, 1, 20) > 0 && (cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) >= 0)
			break;
		if (startup_interrupted()) {
			snprintf(err, errlen, "qemu: start-up interrupted by a signal");
			rc = -EINTR;
			goto fail;
		}
		if (waitpid(be->pid, &status, WNOHANG) == be->pid) {
			char line[200];
			be->pid = 0;
			log_line(be, line, sizeof(line));
			snprintf(err, errlen, "qemu: QEMU exited (%s %d) at start: %s",
				 WIFEXITED(status) ? "status" : "signal",
				 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), line);
			rc = -SMMU_E_BACKEND;
			goto fail;
		}
		if (mono_ns() - t0 > START_LIMIT_MS * 1000000ull) {
			char line[200];
			log_line(be, line, sizeof(line));
			snprintf(err, errlen, "qemu: QEMU did not connect within %d s: %s",
				 START_LIMIT_MS / 1000, line);
			rc = -SMMU_E_TIMEOUT;
			goto fail;
		}
	}
	close(lfd);
	close(logfd);
	close(pfd[0]);
	unlink(sockpath); /* connected: the name is no longer needed */
	qtest_init(&be->q, cfd, be->q.timeout_ms);
	/* the first answer comes once the machine is built */
	uint64_t v;
	if ((rc = qtest_mmio_read(&be->q, be->plat == VIRT ? 0x40000000 : be->plat == AMD ? 0xfed80000 : 0xfed90000,
				  4, &v))) {
		/* QEMU connects before it builds the machine: a bad -device
		 * makes it exit right after */
		char line[200];
		int status;
		pid_t r = 0;
		for (int i = 0; i < 100 && !(r = waitpid(be->pid, &status, WNOHANG)); i++)
			nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
		log_line(be, line, sizeof(line));
		if (r == be->pid) {
			be->pid = 0;
			snprintf(err, errlen, "qemu: QEMU exited (%s %d) at start: %s",
				 WIFEXITED(status) ? "status" : "signal",
				 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), line);
		} else {
			snprintf(err, errlen, "qemu: QEMU connected but did not answer: %s", line);
		}
		return rc;
	}
	be->start_ns = mono_ns() - t0;
	/* QEMU runs: nothing of ours needs a name on disk any more.  The log
	 * stays readable through a descriptor, and nothing is left behind
	 * however smmush ends (a signal, SIGKILL included). */
	be->logfd = open(logpath, O_RDONLY | O_CLOEXEC);
	remove_dir(be);
	return 0;
fail:
	if (lfd >= 0)
		close(lfd);
	if (logfd >= 0)
		close(logfd);
	if (pfd[0] >= 0)
		close(pfd[0]);
	if (pfd[1] >= 0)
		close(pfd[1]);
	return rc;
}

/* The QEMU at the socket's other end: its pid and when it started (the
 * kernel's start time in clock ticks since boot, so a reused pid differs).
 * A QEMU restarted on the same path is another instance: a journal written
 * for the one before is stale. */
static void peer_instance(struct qemu_be *be, int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	char path[64], stat[1024];
	unsigned long long start = 0;
	FILE *f;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) || cred.pid <= 0)
		return; /* unknown: journals are matched by the socket path alone */
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)cred.pid);
	if ((f = fopen(path, "re"))) {
		/* field 22, counted after the command name's closing parenthesis */
		if (fgets(stat, sizeof(stat), f)) {
			char *p = strrchr(stat, ')');
			if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
					 &start) != 1)
				start = 0;
		}
		fclose(f);
	}
	snprintf(be->instance, sizeof(be->instance), "qemu pid %d start %llu", (int)cred.pid, start);
}

static int attach_qemu(struct qemu_be *be, const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "qemu: socket path too long: %s", path);
		return -ENAMETOOLONG;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	snprintf(be->sock, sizeof(be->sock), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int e = errno;
		snprintf(err, errlen, "qemu: cannot connect to %s: %s (start QEMU with -qtest unix:%s,server=on,wait=off)",
			 path, strerror(e), path);
		if (fd >= 0)
			close(fd);
		return -e;
	}
	uint64_t t0 = mono_ns();
	be->epoch_ns = t0;
	qtest_init(&be->q, fd, be->q.timeout_ms);
	uint64_t v;
	int rc = qtest_mmio_read(&be->q, 0x0, 4, &v);
	if (rc) {
		snprintf(err, errlen, "qemu: %s does not answer qtest commands: %s", path,
			 be->q.why[0] ? be->q.why : smmu_strerror(rc));
		return rc;
	}
	be->start_ns = mono_ns() - t0;
	peer_instance(be, fd);
	return 0;
}

/* --- the ops table ----------------------------------------------------------------- */

static void be_close(void *priv)
{
	struct qemu_be *be = priv;

	qtest_fini(&be->q);
	stop_qemu(be);
	remove_dir(be);
	if (be->logfd >= 0)
		close(be->logfd);
	free(be->acpi);
	free(be->acpi_tab);
	free(be->fdt);
	be->magic = 0;
	free(be);
}

static const char *opt(const char *const *opts, size_t nopts, const char *key)
{
	const char *v = NULL;
	size_t k = strlen(key);

	for (size_t i = 0; i < nopts; i++)
		if (!strncmp(opts[i], key, k) && opts[i][k] == '=')
			v = opts[i] + k + 1; /* the last one wins */
	return v;
}

static int be_open(const char *variant, const char *const *opts, size_t nopts, void **priv,
		   char *err, size_t errlen)
{
	struct qemu_be *be;
	const char *binary, *sock, *s;
	uint64_t ram = 512ull << 20, tables = 16ull << 20;
	unsigned long nedu = 2;
	double timeout = 2;
	char *end;
	int rc;

	enum plat plat;
	if (!variant || !strcmp(variant, "virt"))
		plat = VIRT;
	else if (!strcmp(variant, "q35"))
		plat = Q35;
	else if (!strcmp(variant, "amd"))
		plat = AMD;
	else {
		snprintf(err, errlen, "qemu has no platform '%s' (virt, q35, amd)", variant);
		return -ENOENT;
	}
	if ((s = opt(opts, nopts, "ram")) && (parse_size(s, &ram) || ram < (64ull << 20) || ram & 0xfffff)) {
		snprintf(err, errlen, "qemu: bad ram '%s' (whole MiB, at least 64M)", s);
		return -EINVAL;
	}
	if ((s = opt(opts, nopts, "tables")) &&
	    (parse_size(s, &tables) || tables < 0x10000 || tables & 0xfff)) {
		snprintf(err, errlen, "qemu: bad tables '%s' (at least 64K, whole pages)", s);
		return -EINVAL;
	}
	if ((s = opt(opts, nopts, "edu"))) {
		errno = 0;
		nedu = strtoul(s, &end, 0);
		if (errno || end == s || *end || nedu > MAX_EDU) {
			snprintf(err, errlen, "qemu: bad edu '%s' (0 to %d)", s, MAX_EDU);
			return -EINVAL;
		}
	}
	if ((s = opt(opts, nopts, "timeout"))) {
		timeout = strtod(s, &end);
		if (end == s || *end || !(timeout >= 0.01 && timeout <= 600)) {
			snprintf(err, errlen, "qemu: bad timeout '%s' (seconds, 0.01 to 600)", s);
			return -EINVAL;
		}
	}
	binary = opt(opts, nopts, "binary");
	if (!binary || !*binary)
		binary = plat == VIRT ? "qemu-system-aarch64" : "qemu-system-x86_64";
	sock = opt(opts, nopts, "socket");

	be = calloc(1, sizeof(*be));
	if (!be)
		return -ENOMEM;
	be->magic = QEMU_MAGIC;
	be->plat = plat;
	be->q.fd = -1;
	be->logfd = -1;
	be->q.timeout_ms = (int)(timeout * 1000);
	be->nedu = (unsigned)nedu;
	be->ram_base = plat == VIRT ? 0x40000000 : 0;
	be->ram_size = ram;
	be->tables_size = tables;

	if (sock && *sock)
		rc = attach_qemu(be, sock, err, errlen);
	else {
		static const int held[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
		sigemptyset(&startup_signals);
		for (size_t i = 0; i < sizeof(held) / sizeof(held[0]); i++)
			sigaddset(&startup_signals, held[i]);
		sigprocmask(SIG_BLOCK, &startup_signals, &startup_old);
		if ((rc = start_qemu(be, binary, opt(opts, nopts, "args"), ram, err, errlen))) {
			stop_qemu(be);
			remove_dir(be);
		}
		sigprocmask(SIG_SETMASK, &startup_old, NULL);
	}
	if (!rc)
		rc = plat == VIRT ? qemu_setup_virt(be, err, errlen) : qemu_setup_q35(be, err, errlen);
	if (!rc && be->tables_size > be->ram_size / 2) {
		snprintf(err, errlen, "qemu: tables (%llu MiB) is more than half of RAM (%llu MiB)",
			 (unsigned long long)(be->tables_size >> 20),
			 (unsigned long long)(be->ram_size >> 20));
		rc = -EINVAL;
	}
	if (!rc && (rc = qemu_assign_bars(be, err, errlen)) && !*err)
		snprintf(err, errlen, "qemu: assigning PCI BARs: %s", smmu_strerror(rc));
	if (rc) {
		if (!*err)
			snprintf(err, errlen, "qemu: %s", be->q.why[0] ? be->q.why : smmu_strerror(rc));
		be_close(be);
		return rc;
	}
	*priv = be;
	return 0;
}

#define BE(priv) ((struct qemu_be *)(priv))

static int be_ram_ranges(void *priv, uint64_t (*ranges)[2], size_t max)
{
	struct qemu_be *be = priv;
	size_t n = 0;

	if (!be->nram && max) {
		ranges[0][0] = be->ram_base;
		ranges[0][1] = be->ram_size;
		return 1;
	}
	for (; n < be->nram && n < max; n++) {
		ranges[n][0] = be->ram[n][0];
		ranges[n][1] = be->ram[n][1];
	}
	return (int)n;
}

/* qtest answers zeros outside RAM (MMIO, holes): refuse, as every target does */
static bool in_ram(struct qemu_be *be, uint64_t pa, size_t len)
{
	uint64_t r[4][2];
	int n = be_ram_ranges(be, r, 4);

	for (int i = 0; i < n; i++)
		if (pa >= r[i][0] && pa - r[i][0] < r[i][1] && len <= r[i][1] - (pa - r[i][0]))
			return true;
	return false;
}

static int be_mem_read(void *priv, uint64_t pa, void *buf, size_t len)
{
	if (BE(priv)->q.dead)
		return -SMMU_E_BACKEND;
	return in_ram(BE(priv), pa, len) ? qtest_mem_read(&BE(priv)->q, pa, buf, len) : -SMMU_E_NOTRAM;
}

static int be_mem_write(void *priv, uint64_t pa, const void *buf, size_t len)
{
	if (BE(priv)->q.dead)
		return -SMMU_E_BACKEND;
	return in_ram(BE(priv), pa, len) ? qtest_mem_write(&BE(priv)->q, pa, buf, len) : -SMMU_E_NOTRAM;
}

static int be_mmio_read(void *priv, uint64_t addr, unsigned size, uint64_t *val)
{
	return qtest_mmio_read(&BE(priv)->q, addr, size, val);
}

static int be_mmio_write(void *priv, uint64_t addr, unsigned size, uint64_t val)
{
	return qtest_mmio_write(&BE(priv)->q, addr, size, val);
}

/* qtest's (b64)read and write go through the address space: on registers,
 * one MMIO access per register of the region's size, in order */
static int be_mmio_read_block(void *priv, uint64_t addr, void *buf, size_t len)
{
	return qtest_mem_read(&BE(priv)->q, addr, buf, len);
}

static int be_mmio_write_block(void *priv, uint64_t addr, const void *buf, size_t len)
{
	return qtest_mem_write(&BE(priv)->q, addr, buf, len);
}

static int be_pci_read(void *priv, uint16_t bdf, unsigned off, unsigned size, uint32_t *val)
{
	return qemu_pci_read(BE(priv), bdf, off, size, val);
}

static int be_pci_write(void *priv, uint16_t bdf, unsigned off, unsigned size, uint32_t val)
{
	return qemu_pci_write(BE(priv), bdf, off, size, val);
}

static int be_fw_table(void *priv, const char *name, void **data, size_t *len)
{
	struct qemu_be *be = priv;

	if (be->q.dead)
		return -SMMU_E_BACKEND;
	if (be->plat == VIRT) {
		if (strcmp(name, "fdt") || !be->fdt)
			return -ENOENT;
		if (!(*data = malloc(be->fdt_len)))
			return -ENOMEM;
		memcpy(*data, be->fdt, be->fdt_len);
		*len = be->fdt_len;
		return 0;
	}
	if (strlen(name) != 4)
		return -ENOENT;
	if (be->dmar_synth)
		return strcmp(name, "DMAR") || be->plat == AMD ? -ENOENT : qemu_synth_dmar(be, data, len);
	return qemu_acpi_table(be, name, data, len);
}

static int be_table_region(void *priv, uint64_t *base, uint64_t *size)
{
	struct qemu_be *be = priv;

	*base = be->ram_base + be->ram_size - be->tables_size;
	*size = be->tables_size;
	return 0;
}

/* Time since the target started (QEMU spawned, or the socket attached), as
 * the sim counts from its machine's start: fault times are small numbers a
 * user can relate to the session, not the host's uptime. */
static uint64_t be_now(void *priv)
{
	struct qemu_be *be = priv;

	return mono_ns() - be->epoch_ns;
}

/* QEMU runs on its own (icount without sleep): time passes by itself. */
static int be_sleep(void *priv, uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000u), (long)(ns % 1000000000u) };

	(void)priv;
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
	return 0;
}

static const char *be_describe(void *priv)
{
	struct qemu_be *be = priv;
	uint64_t tb, ts;
	char who[160];

	be_table_region(be, &tb, &ts);
	if (be->pid)
		snprintf(who, sizeof(who), "pid %d, started in %llu ms", (int)be->pid,
			 (unsigned long long)(be->start_ns / 1000000));
	else if (*be->sock)
		snprintf(who, sizeof(who), "at %s", be->sock);
	else
		snprintf(who, sizeof(who), "stopped");
	snprintf(be->desc, sizeof(be->desc),
		 "QEMU %s (%s) over qtest, %s%s%s%s, RAM %llu MiB at 0x%llx, tables 0x%llx+%llu MiB, "
		 "%u BARs assigned, %llu qtest round trips%s",
		 be->plat == VIRT ? "virt" : "q35", be->plat == VIRT ? "SMMUv3" : be->plat == AMD ? "AMD-Vi" : "VT-d", who,
		 be->q.dead ? " (gone: " : "", be->q.dead ? be->q.why : "", be->q.dead ? ")" : "",
		 (unsigned long long)(be->ram_size >> 20), (unsigned long long)be->ram_base, (unsigned long long)tb,
		 (unsigned long long)(ts >> 20), be->bars_assigned, (unsigned long long)be->q.roundtrips,
		 be->dmar_synth ? ", DMAR synthesized (fw_cfg unusable)" : "");
	return be->desc;
}

static uint64_t qemu_roundtrips(void *priv)
{
	struct qemu_be *be = priv;

	return be && be->magic == QEMU_MAGIC ? be->q.roundtrips : 0;
}

/* A QEMU smmush attached to (socket=) rather than started: an earlier
 * session may have left a device doing DMA. */
static bool be_devices_may_run(void *priv)
{
	struct qemu_be *be = priv;

	return be->pid <= 0;
}

/* Why the machine went away: QEMU's exit status when smmush started it
 * (reaped here), what the connection saw otherwise; NULL while it answers. */
static const char *be_gone(void *priv)
{
	struct qemu_be *be = priv;
	int status;

	if (!be->q.dead)
		return NULL;
	if (*be->gone)
		return be->gone;
	if (be->pid > 0) {
		pid_t r = 0;
		/* the socket closes as QEMU dies: its status follows at once */
		for (int i = 0; i < 50 && !(r = waitpid(be->pid, &status, WNOHANG)); i++)
			nanosleep(&(struct timespec){ 0, 2000000 }, NULL);
		if (r == be->pid) {
			char line[200];
			log_line(be, line, sizeof(line));
			if (WIFSIGNALED(status))
				snprintf(be->gone, sizeof(be->gone), "QEMU (pid %d) was killed by signal %d (%s)",
					 (int)be->pid, WTERMSIG(status), strsignal(WTERMSIG(status)));
			else
				snprintf(be->gone, sizeof(be->gone), "QEMU (pid %d) exited with status %d: %.100s",
					 (int)be->pid, WEXITSTATUS(status), line);
			be->pid = 0;
			return be->gone;
		}
		snprintf(be->gone, sizeof(be->gone), "QEMU (pid %d) stopped answering: %.120s", (int)be->pid,
			 be->q.why[0] ? be->q.why : "no reason given");
		return be->gone;
	}
	snprintf(be->gone, sizeof(be->gone), "the QEMU at %.60s went away: %.100s", *be->sock ? be->sock : "?",
		 be->q.why[0] ? be->q.why : "no reason given");
	return be->gone;
}

/* Attached over socket=: the QEMU outlives us, and the path names it. */
static const char *qemu_identity(void *priv)
{
	struct qemu_be *be = priv;

	return *be->sock ? be->sock : NULL;
}

static const char *qemu_instance(void *priv)
{
	struct qemu_be *be = priv;

	return *be->instance ? be->instance : NULL;
}

const struct smmu_backend_ops smmu_backend_qemu = {
	.name = "qemu",
	.help = "QEMU's SMMUv3 (virt), VT-d (q35) or AMD-Vi (amd: q35 with amd-iommu) model, started by smmush and driven over qtest",
	.variants = "virt|q35|amd",
	.params = qemu_params,
	.open = be_open,
	.close = be_close,
	.mem_read = be_mem_read,
	.mem_write = be_mem_write,
	/* -qtest: no CPU runs; devices and units write RAM only once driven */
	.mem_written_when_driven = true,
	.devices_may_run = be_devices_may_run,
	.mmio_read = be_mmio_read,
	.mmio_write = be_mmio_write,
	.mmio_read_block = be_mmio_read_block,
	.mmio_write_block = be_mmio_write_block,
	.pci_read = be_pci_read,
	.pci_write = be_pci_write,
	.fw_table = be_fw_table,
	.table_region = be_table_region,
	.now_ns = be_now,
	.sleep_ns = be_sleep,
	.describe = be_describe,
	.ram_ranges = be_ram_ranges,
	.roundtrips = qemu_roundtrips,
	.identity = qemu_identity,
	.instance = qemu_instance,
	.gone = be_gone,
};
