/* SPDX-License-Identifier: MIT */
/*
 * The live fault monitor's benchmark: the real monitor (tui/, through
 * tui/monitor.h) on a pseudo-terminal, in a child process, with a storm on
 * sim:virt and sim:q35 and then idle.  Prints `name value unit` lines for
 * `make bench`: the storm's rate, whether the counts shown equal the counts
 * generated (they must), redraws a second, memory, and idle CPU.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/bench.h"
#include "tui/monitor.h"

/* What a child reports when it leaves. */
struct report {
	struct monitor_stats s;
	long rss_growth_kib, rss_kib;
	double cpu_s, window_s;
};

struct child {
	double secs;
	bool warm;
	long warm_rss;
	double t_first;
	struct rusage ru_first;
};

static double cpu_of(const struct rusage *ru)
{
	return ru->ru_utime.tv_sec + ru->ru_utime.tv_usec * 1e-6 + ru->ru_stime.tv_sec + ru->ru_stime.tv_usec * 1e-6;
}

/* Every tick: the window starts at the first, memory is sampled half a
 * second in (the rings are filled by then), the monitor ends at secs. */
static int on_tick(void *ctx, const struct monitor_stats *s)
{
	struct child *c = ctx;

	if (!c->t_first) {
		c->t_first = s->elapsed_s;
		getrusage(RUSAGE_SELF, &c->ru_first);
	}
	if (!c->warm && s->elapsed_s >= 0.5) {
		struct rusage ru;
		getrusage(RUSAGE_SELF, &ru);
		c->warm_rss = ru.ru_maxrss;
		c->warm = true;
	}
	return s->elapsed_s >= c->secs;
}

static int child_main(const char *spec, bool storm, double secs, int report_fd)
{
	struct child c = { .secs = secs };
	struct smmu_target *t;
	struct report r = { 0 };
	struct rusage ru;
	char err[256] = "";
	int sig, rc;

	if ((rc = smmu_target_open(spec, NULL, 0, &t, err, sizeof(err))) ||
	    (rc = smmu_discover(t, err, sizeof(err)))) {
		fprintf(stderr, "bench-monitor: %s: %s\n", spec, err[0] ? err : smmu_strerror(rc));
		return 1;
	}
	smmu_release_on_exit(t);
	struct monitor_config cfg = { .t = t, .storm = storm, .pace_ms = 100, .on_tick = on_tick, .tick_ctx = &c };
	rc = monitor_run(&cfg, &r.s, &sig, err, sizeof(err));
	getrusage(RUSAGE_SELF, &ru);
	r.rss_kib = ru.ru_maxrss;
	r.rss_growth_kib = ru.ru_maxrss - c.warm_rss;
	r.window_s = r.s.elapsed_s - c.t_first;
	r.cpu_s = cpu_of(&ru) - cpu_of(&c.ru_first);
	smmu_target_release_all(t);
	smmu_release_on_exit(NULL);
	smmu_target_close(t);
	if (rc || sig) {
		fprintf(stderr, "bench-monitor: %s: %s\n", spec, rc ? err : "stopped by a signal");
		return 1;
	}
	return write(report_fd, &r, sizeof(r)) == sizeof(r) ? 0 : 1;
}

/* The monitor in a child whose terminal is a pty of ours: 80x24, its
 * screen read and thrown away so it never blocks. */
static int run_child(const char *spec, bool storm, double secs, struct report *r)
{
	int p[2], master, status = 0;
	char name[128];
	pid_t pid;

	if (pipe(p))
		return -errno;
	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master) || ptsname_r(master, name, sizeof(name))) {
		close(p[0]);
		close(p[1]);
		if (master >= 0)
			close(master);
		return -errno;
	}
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };
	ioctl(master, TIOCSWINSZ, &ws);
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) < 0) {
		int e = errno;
		close(p[0]);
		close(p[1]);
		close(master);
		return -e;
	}
	if (pid == 0) {
		close(p[0]);
		close(master);
		setsid();
		int s = open(name, O_RDWR);
		if (s < 0)
			_exit(2);
		int errfd = dup(STDERR_FILENO); /* our errors stay off its screen */
		dup2(s, STDIN_FILENO);
		dup2(s, STDOUT_FILENO);
		if (errfd >= 0)
			dup2(errfd, STDERR_FILENO);
		if (s > 2)
			close(s);
		setenv("TERM", "xterm", 1);
		_exit(child_main(spec, storm, secs, p[1]));
	}
	close(p[1]);
	double deadline = bench_now() + secs + 30;
	char buf[4096];
	for (;;) {
		struct pollfd pfd = { .fd = master, .events = POLLIN };
		int n = poll(&pfd, 1, 200);
		if (n > 0) {
			ssize_t got = read(master, buf, sizeof(buf));
			if (got <= 0 && !(got < 0 && errno == EINTR))
				break; /* EIO: the child closed the terminal */
		}
		if (bench_now() > deadline) {
			kill(pid, SIGKILL);
			break;
		}
		if (waitpid(pid, &status, WNOHANG) == pid) {
			pid = 0;
			break;
		}
	}
	if (pid)
		waitpid(pid, &status, 0);
	ssize_t got = read(p[0], r, sizeof(*r));
	close(p[0]);
	close(master);
	if (got != sizeof(*r) || !WIFEXITED(status) || WEXITSTATUS(status))
		return -EIO;
	return 0;
}

int main(void)
{
	static const char *const specs[] = { "sim:virt", "sim:q35" };
	struct report r;
	int rc, fails = 0;

	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		const char *tag = i ? "q35" : "virt";
		if ((rc = run_child(specs[i], true, 2.0, &r))) {
			fprintf(stderr, "bench-monitor: the storm on %s did not finish: %s\n", specs[i], smmu_strerror(rc));
			return 1;
		}
		bool exact = r.s.shown_total == r.s.generated && r.s.storm_source == r.s.generated && !r.s.shown_lost;
		printf("monitor_storm_rate_%s %.0f faults/s\n", tag, r.s.generated / r.s.storm_s);
		printf("monitor_storm_exact_%s %d bool\n", tag, exact);
		printf("monitor_storm_redraws_%s %.1f per_s\n", tag, r.s.draws / r.s.elapsed_s);
		printf("monitor_storm_rss_%s %ld KiB\n", tag, r.rss_kib);
		printf("monitor_storm_rss_growth_%s %ld KiB\n", tag, r.rss_growth_kib);
		if (!exact) {
			fprintf(stderr, "bench-monitor: %s: generated %" PRIu64 ", shown %" PRIu64 " (source %" PRIu64
				"), lost %" PRIu64 "\n", specs[i], r.s.generated, r.s.shown_total, r.s.storm_source,
				r.s.shown_lost);
			fails++;
		}
	}
	if ((rc = run_child("sim:virt", false, 3.0, &r))) {
		fprintf(stderr, "bench-monitor: the idle run did not finish: %s\n", smmu_strerror(rc));
		return 1;
	}
	printf("monitor_idle_cpu %.2f %%\n", r.window_s > 0 ? 100 * r.cpu_s / r.window_s : 0);
	if (fails) {
		fprintf(stderr, "bench-monitor: a count shown differs from the count generated\n");
		return 1;
	}
	return 0;
}
