/* SPDX-License-Identifier: MIT */
/*
 * vfio-map: a guest-side test program for the live Linux target.  Gives the
 * kernel's IOMMU driver a known mapping to be inspected: opens the VFIO
 * container and group of a PCI function already bound to vfio-pci (the guest
 * script binds it), maps an anonymous buffer at a chosen IOVA with
 * VFIO_IOMMU_MAP_DMA, and prints each page's physical address from
 * /proc/self/pagemap.  With QEMU's edu device it can also drive DMA through
 * that mapping (--check: a round trip RAM -> edu -> RAM, compared) and
 * start a DMA to an IOVA nothing maps (--fault), which the IOMMU must
 * refuse.  Then it exits, or waits (--wait) so smmush can look at the live
 * tables, until SIGTERM or SIGINT (start it in the background and kill it).
 *
 * Output, one fact a line, for scripts:
 *   group N device BDF
 *   map iova=0x... size=0x... vaddr=0x...
 *   page iova=0x... phys=0x...          (one per page)
 *   check ok iova=0x... bytes=N         (--check)
 *   fault iova=0x... bytes=N t_ns=T     (--fault: the DMA ended, seen at
 *                                        CLOCK_MONOTONIC T (polled each ms),
 *                                        the clock of smmush's fault records)
 *   ready                               (--wait)
 *   mark t0_ns=A t1_ns=B                (--fault --wait: the line "vfio-map:
 *                                        clock mark" went to /dev/kmsg
 *                                        between CLOCK_MONOTONIC A and B: its
 *                                        log timestamp places the kernel's
 *                                        clock on CLOCK_MONOTONIC)
 * With --wait, --fault waits for SIGUSR1 instead (one faulting DMA per
 * signal): smmush can be reading the kernel log, and the mapping is still
 * there for it to explain the fault with.
 * Exit status 0, or 1 with "vfio-map: ..." on standard error.
 *
 * edu's registers (QEMU docs/specs/edu.rst): 0x00 identification 0xRRrr00ed,
 * 0x80 DMA source, 0x88 DMA destination, 0x90 count, 0x98 command (1 start,
 * 2 edu -> RAM); its DMA buffer is at 0x40000 (4 KiB) in the device's own
 * space, and it masks DMA addresses to 28 bits unless told otherwise.
 * QEMU 7.2's edu refuses (hw_error: QEMU aborts) a transfer that reaches the
 * buffer's last byte, so transfers here stay well inside it.
 *
 * Built static for each guest (tests/live/build-static.sh).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <linux/vfio.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define EDU_ID 0x00
#define EDU_DMA_SRC 0x80
#define EDU_DMA_DST 0x88
#define EDU_DMA_COUNT 0x90
#define EDU_DMA_CMD 0x98
#define EDU_CMD_START 0x1
#define EDU_CMD_TO_RAM 0x2
#define EDU_BUF 0x40000
#define EDU_BUF_SIZE 4096
#define EDU_XFER_MAX 2048 /* see above */
#define EDU_DMA_LIMIT (1ull << 28)

#define PCI_COMMAND 0x04
#define PCI_COMMAND_MEMORY 0x2
#define PCI_COMMAND_MASTER 0x4

static const char *prog = "vfio-map";

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static uint64_t num(const char *what, const char *s)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || end == s || *end)
		die("%s: '%s' is not a number", what, s);
	return v;
}

struct dev {
	int fd;
	uint64_t bar0, cfg; /* region offsets in the device file */
};

static uint32_t bar_rd(struct dev *d, unsigned off)
{
	uint32_t v;
	if (pread(d->fd, &v, 4, d->bar0 + off) != 4)
		die("reading BAR0+0x%x: %s", off, strerror(errno));
	return v;
}

static void bar_wr(struct dev *d, unsigned off, uint32_t v)
{
	if (pwrite(d->fd, &v, 4, d->bar0 + off) != 4)
		die("writing BAR0+0x%x: %s", off, strerror(errno));
}

static uint64_t region(int fd, unsigned index, uint64_t *size)
{
	struct vfio_region_info ri = { .argsz = sizeof(ri), .index = index };
	if (ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &ri))
		die("VFIO_DEVICE_GET_REGION_INFO %u: %s", index, strerror(errno));
	if (size)
		*size = ri.size;
	return ri.offset;
}

/* One edu DMA, waited for (edu runs it from a timer, about 100 ms later). */
static void edu_dma(struct dev *d, uint64_t src, uint64_t dst, uint32_t n, uint32_t cmd, bool wait)
{
	if (src >> 32 || dst >> 32)
		die("edu DMA addresses must be below 4 GiB");
	bar_wr(d, EDU_DMA_SRC, (uint32_t)src);
	bar_wr(d, EDU_DMA_DST, (uint32_t)dst);
	bar_wr(d, EDU_DMA_COUNT, n);
	bar_wr(d, EDU_DMA_CMD, cmd | EDU_CMD_START);
	for (int ms = 0; wait && bar_rd(d, EDU_DMA_CMD) & EDU_CMD_START; ms++) {
		if (ms == 5000)
			die("edu DMA did not finish in 5 s");
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	}
}

static uint64_t phys_of(int pagemap, void *va, long pg)
{
	uint64_t e;
	if (pread(pagemap, &e, 8, (uintptr_t)va / pg * 8) != 8)
		die("reading /proc/self/pagemap: %s", strerror(errno));
	if (!(e >> 63 & 1))
		die("page at %p is not present", va);
	if (!(e & ((1ull << 55) - 1)))
		die("/proc/self/pagemap hides frame numbers (needs CAP_SYS_ADMIN)");
	return (e & ((1ull << 55) - 1)) * pg;
}

static volatile sig_atomic_t stop, usr1;
static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		usr1 = 1;
	else
		stop = 1;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Where the kernel log's clock is on CLOCK_MONOTONIC (they differ by an
 * offset): a line written between two readings of the latter. */
static void kmsg_mark(void)
{
	static const char line[] = "vfio-map: clock mark\n";
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	uint64_t t0 = mono_ns();
	ssize_t n = write(fd, line, sizeof(line) - 1);
	uint64_t t1 = mono_ns();
	close(fd);
	if (n == (ssize_t)sizeof(line) - 1)
		printf("mark t0_ns=%" PRIu64 " t1_ns=%" PRIu64 "\n", t0, t1);
}

/* A 4-byte DMA read from an IOVA nothing maps: the IOMMU refuses it. */
static void edu_fault(struct dev *d, uint64_t fault_iova)
{
	edu_dma(d, fault_iova, EDU_BUF, 4, 0, true);
	/* edu starts a transfer from a timer, 100 ms after the command: its
	 * end, not its start, is when the IOMMU refused it */
	uint64_t t = mono_ns();
	printf("fault iova=0x%" PRIx64 " bytes=4 t_ns=%" PRIu64 "\n", fault_iova, t);
	fflush(stdout);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: %s [--iova ADDR] [--size BYTES] [--check] [--fault IOVA] [--wait] BDF\n"
		   "  BDF           a PCI function bound to vfio-pci, e.g. 0000:00:02.0\n"
		   "  --iova ADDR   where to map the buffer (default 0x100000)\n"
		   "  --size BYTES  buffer size, whole pages (default two pages)\n"
		   "  --check       edu: DMA the buffer's first half to the device and back\n"
		   "                into its second half, through the mapping, and compare\n"
		   "  --fault IOVA  edu: start a 4-byte DMA read from IOVA (unmapped: a fault)\n"
		   "  --wait        print 'ready', then wait for SIGTERM or SIGINT; with\n"
		   "                --fault, the faulting DMA starts on each SIGUSR1 instead\n",
		prog);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "iova", required_argument, NULL, 'i' }, { "size", required_argument, NULL, 's' },
		{ "check", no_argument, NULL, 'c' },      { "fault", required_argument, NULL, 'f' },
		{ "wait", no_argument, NULL, 'w' },       { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long pg = sysconf(_SC_PAGESIZE);
	uint64_t iova = 0x100000, size = 2 * pg, fault_iova = 0;
	bool check = false, fault = false, wait = false;
	int opt;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 'i': iova = num("--iova", optarg); break;
		case 's': size = num("--size", optarg); break;
		case 'c': check = true; break;
		case 'f': fault = true; fault_iova = num("--fault", optarg); break;
		case 'w': wait = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return 2;
	}
	const char *bdf = argv[optind];
	if (!size || size % pg || iova % pg)
		die("--iova and --size must be multiples of the page size (%ld)", pg);
	if (check && size < 2 * 64)
		die("--check needs at least 128 bytes");

	/* the function's IOMMU group */
	char link[PATH_MAX], path[PATH_MAX + 64];
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	ssize_t n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		die("%s: %s (no such device, or no IOMMU driver on it?)", path, strerror(errno));
	link[n] = '\0';
	int group_id = atoi(basename(link));

	int container = open("/dev/vfio/vfio", O_RDWR);
	if (container < 0)
		die("/dev/vfio/vfio: %s (vfio loaded?)", strerror(errno));
	if (ioctl(container, VFIO_GET_API_VERSION) != VFIO_API_VERSION)
		die("unknown VFIO API version");
	if (ioctl(container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) != 1)
		die("VFIO has no type1v2 IOMMU (vfio_iommu_type1 loaded?)");
	snprintf(path, sizeof(path), "/dev/vfio/%d", group_id);
	int group = open(path, O_RDWR);
	if (group < 0)
		die("%s: %s (is %s bound to vfio-pci?)", path, strerror(errno), bdf);
	struct vfio_group_status gs = { .argsz = sizeof(gs) };
	if (ioctl(group, VFIO_GROUP_GET_STATUS, &gs))
		die("VFIO_GROUP_GET_STATUS: %s", strerror(errno));
	if (!(gs.flags & VFIO_GROUP_FLAGS_VIABLE))
		die("group %d is not viable: bind every device in it to vfio-pci", group_id);
	if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &container))
		die("VFIO_GROUP_SET_CONTAINER: %s", strerror(errno));
	if (ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		die("VFIO_SET_IOMMU: %s (without interrupt remapping vfio_iommu_type1 needs allow_unsafe_interrupts=1)",
		    strerror(errno));
	printf("group %d device %s\n", group_id, bdf);

	/* the buffer, present before it is mapped, and its mapping */
	uint8_t *buf = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (buf == MAP_FAILED)
		die("mmap %" PRIu64 " bytes: %s", size, strerror(errno));
	memset(buf, 0, size);
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)buf,
		.iova = iova,
		.size = size,
	};
	if (ioctl(container, VFIO_IOMMU_MAP_DMA, &map))
		die("VFIO_IOMMU_MAP_DMA iova 0x%" PRIx64 " size 0x%" PRIx64 ": %s", iova, size, strerror(errno));
	printf("map iova=0x%" PRIx64 " size=0x%" PRIx64 " vaddr=%p\n", iova, size, (void *)buf);
	int pagemap = open("/proc/self/pagemap", O_RDONLY);
	if (pagemap < 0)
		die("/proc/self/pagemap: %s", strerror(errno));
	for (uint64_t off = 0; off < size; off += pg)
		printf("page iova=0x%" PRIx64 " phys=0x%" PRIx64 "\n", iova + off, phys_of(pagemap, buf + off, pg));
	fflush(stdout);

	struct dev d;
	if (check || fault) {
		d.fd = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, bdf);
		if (d.fd < 0)
			die("VFIO_GROUP_GET_DEVICE_FD %s: %s", bdf, strerror(errno));
		uint64_t bar_size;
		d.bar0 = region(d.fd, VFIO_PCI_BAR0_REGION_INDEX, &bar_size);
		d.cfg = region(d.fd, VFIO_PCI_CONFIG_REGION_INDEX, NULL);
		if (bar_size < EDU_BUF + EDU_BUF_SIZE)
			die("%s: BAR0 is 0x%" PRIx64 " bytes: not an edu device", bdf, bar_size);
		uint32_t id = bar_rd(&d, EDU_ID);
		if ((id & 0xffff) != 0x00ed)
			die("%s: identification 0x%08x: not an edu device", bdf, id);
		/* the kernel leaves COMMAND = 0 on a device no driver enabled */
		uint16_t cmd;
		if (pread(d.fd, &cmd, 2, d.cfg + PCI_COMMAND) != 2)
			die("reading COMMAND: %s", strerror(errno));
		cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
		if (pwrite(d.fd, &cmd, 2, d.cfg + PCI_COMMAND) != 2)
			die("writing COMMAND: %s", strerror(errno));
		if (check) {
			uint32_t half = size / 2 < EDU_XFER_MAX ? size / 2 : EDU_XFER_MAX;
			if (iova + size > EDU_DMA_LIMIT)
				die("--check: edu reaches only IOVAs below 0x%llx", EDU_DMA_LIMIT);
			for (uint32_t k = 0; k < half; k++)
				buf[k] = (uint8_t)(k * 7 + 1);
			edu_dma(&d, iova, EDU_BUF, half, 0, true);
			edu_dma(&d, EDU_BUF, iova + size - half, half, EDU_CMD_TO_RAM, true);
			if (memcmp(buf, buf + size - half, half))
				die("check: the bytes DMAed back through iova 0x%" PRIx64 " differ", iova);
			printf("check ok iova=0x%" PRIx64 " bytes=%u\n", iova, half);
		}
		if (fault && fault_iova + 4 > EDU_DMA_LIMIT)
			die("--fault: edu reaches only IOVAs below 0x%llx", EDU_DMA_LIMIT);
		if (fault && !wait)
			edu_fault(&d, fault_iova);
		fflush(stdout);
	}

	if (wait) {
		/* the signals blocked until sigsuspend: none is lost in between */
		struct sigaction sa = { .sa_handler = on_signal };
		sigset_t block, old;
		sigemptyset(&block);
		sigaddset(&block, SIGTERM);
		sigaddset(&block, SIGINT);
		sigaddset(&block, SIGUSR1);
		sigprocmask(SIG_BLOCK, &block, &old);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGUSR1, &sa, NULL);
		if (fault)
			kmsg_mark();
		printf("ready\n");
		fflush(stdout);
		while (!stop) {
			sigsuspend(&old);
			if (usr1 && fault && !stop)
				edu_fault(&d, fault_iova);
			usr1 = 0;
		}
	}
	return 0;
}
