// SPDX-License-Identifier: GPL-2.0
/*
 * rmp-fuzz: hostile input for the debugfs files of rust_mempool.ko (make
 * stress, qemu/guest/stress.sh). A static user-space program, packed into
 * the guest's initramfs: a shell loop forks and execs for every write and
 * so managed a few thousand writes in ten minutes under TCG.
 *
 *   rmp-fuzz DIR SECONDS WRITERS READERS STOP
 *
 * forks WRITERS processes that write to DIR/<name>/control, and READERS that
 * read every stats and summary file under DIR, until SECONDS have passed or
 * the file STOP exists. Files come and go (rmmod, insmod): the list is read
 * again every few operations, and an open() that finds no file counts as
 * such ("gone"), not as a finding. An open file keeps its module loaded, so
 * while the file STOP.pause exists the processes only open files and close
 * them again at once, and rmmod has its chance.
 *
 * A writer writes, at random: a well-formed command; 0 to 8192 random bytes;
 * a command at a random non-zero offset; or a command split over two
 * write()s. Each write must either take every byte or fail with an error
 * code: a short write, or random bytes that the grammar of commands.rs
 * refuses but the kernel took, are findings, and so is a read or lseek()
 * that fails while its file is there, for another reason than memory (I/O
 * errors; the first is told on standard error). The last line is
 *
 *   fuzz: writes W accepted A refused R gone G short S bad-accepted B
 *         reads N io-errors E
 *
 * (one line), and the exit status is 1 if S, B or E is not 0, or if a
 * process did not end well (a crash).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_FILES 64
#define MAX_WRITE 8192
/* The grammar's bounds (commands.rs). */
#define MAX_CMD 64
#define MAX_N 1024

/* What every process counted, in memory that the parent reads at the end. */
struct counts {
	unsigned long writes, accepted, refused, gone, shorts, bad_accepted;
	unsigned long reads, io_errors;
};

static struct counts *counts;
static char files[MAX_FILES][256];
static int nr_files;
static unsigned long long rng;
static const char *stop;
static char pause_file[256];

static unsigned int below(unsigned int n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? rng % n : 0;
}

/* Adds the file @path to the list, if it is there. */
static void add_file(const char *path)
{
	if (nr_files < MAX_FILES && !access(path, F_OK))
		snprintf(files[nr_files++], sizeof(files[0]), "%s", path);
}

/* Lists DIR/<name>/@leaf (and DIR/<name>/<name>/@leaf, the registry's). */
static void list_files(const char *dir, const char *leaf)
{
	struct dirent *d, *e;
	char path[256], sub[256];
	DIR *top, *inner;

	nr_files = 0;
	snprintf(path, sizeof(path), "%s/%s", dir, leaf);
	add_file(path);
	top = opendir(dir);
	if (!top)
		return;
	while ((d = readdir(top)) && nr_files < MAX_FILES) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s", dir, d->d_name, leaf);
		add_file(path);
		snprintf(sub, sizeof(sub), "%s/%s", dir, d->d_name);
		inner = opendir(sub);
		if (!inner)
			continue;
		while ((e = readdir(inner)) && nr_files < MAX_FILES) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s/%s", sub, e->d_name, leaf);
			add_file(path);
		}
		closedir(inner);
	}
	closedir(top);
}

/* Whether @s (@len bytes) is a number from 1 to MAX_N without a leading zero. */
static int valid_number(const char *s, size_t len)
{
	unsigned long n = 0;
	size_t i;

	if (!len || len > 4 || s[0] == '0')
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		n = n * 10 + (s[i] - '0');
	}
	return n <= MAX_N;
}

/* Whether the grammar of commands.rs could accept the bytes @b of @len. */
static int well_formed(const char *b, size_t len)
{
	static const char *const verbs[] = { "alloc ", "free ", "resize " };
	size_t i, v;

	if (!len || len > MAX_CMD)
		return 0;
	if (b[len - 1] == '\n')
		len--;
	if (len == 5 && !memcmp(b, "reset", 5))
		return 1;
	for (i = 0; i < 3; i++) {
		v = strlen(verbs[i]);
		if (len > v && !memcmp(b, verbs[i], v))
			return valid_number(b + v, len - v);
	}
	return 0;
}

static size_t command(char *buf)
{
	switch (below(32)) {
	case 0 ... 9:
		return sprintf(buf, "alloc %u\n", 1 + below(40));
	case 10 ... 19:
		return sprintf(buf, "free %u\n", 1 + below(40));
	case 20 ... 25:
		return sprintf(buf, "resize %u", 1 + below(64));
	case 26 ... 30:
		return sprintf(buf, "reset\n");
	default:
		/*
		 * Near the bounds, seldom: a thousand allocations take the
		 * debug kernel longer than a hundred refused writes.
		 */
		return sprintf(buf, "alloc %u", MAX_N - 2 + below(4));
	}
}

/*
 * Whether @err, from a read or lseek() of an open file, is no finding: the
 * file was removed while it was open (debugfs says EIO; a stress or consumer
 * module's files go when it unregisters them, though rust_mempool.ko stays),
 * or memory ran out (the pressure run). Anything else is a finding: an open
 * file cannot vanish in another way.
 */
static int io_expected(int err)
{
	return err == EIO || err == ENOMEM;
}

/* Counts an I/O error that is a finding, and says which the first was. */
static void io_error(struct counts *c, const char *what)
{
	if (!c->io_errors++)
		fprintf(stderr, "rmp-fuzz: %s: %s\n", what, strerror(errno));
}

/* Counts the result @ret of writing @len bytes of @buf. */
static void judge(struct counts *c, ssize_t ret, const char *buf, size_t len,
		  int must_refuse)
{
	c->writes++;
	if (ret < 0) {
		c->refused++;
		return;
	}
	if ((size_t)ret != len) {
		c->shorts++;
		return;
	}
	c->accepted++;
	/* An empty write that takes nothing did nothing. */
	if (len && (must_refuse || !well_formed(buf, len)))
		c->bad_accepted++;
}

/* Mostly the commands' own letters, so that some are nearly right. */
static char random_byte(void)
{
	static const char alphabet[] = "alocfresizt 0123456789\n";

	return below(4) ? alphabet[below(sizeof(alphabet) - 1)] : (char)below(256);
}

static char noise[2 * MAX_WRITE];

/*
 * Writes @len bytes of @buf at @off of @fd. seq_file files have no pwrite():
 * lseek() and write(). A failed lseek() counts as an I/O error.
 */
static ssize_t write_at(struct counts *c, int fd, const char *buf, size_t len,
			off_t off)
{
	if (lseek(fd, off, SEEK_SET) != off) {
		if (!io_expected(errno))
			io_error(c, "lseek");
		return -1;
	}
	return write(fd, buf, len);
}

/* One write, or two, to the open control file @fd; at offset 0 but where said. */
static void write_one(struct counts *c, int fd)
{
	char buf[MAX_CMD + 1], *p;
	size_t len, cut;
	ssize_t ret;

	switch (below(8)) {
	case 0:
	case 1:
		len = command(buf);
		judge(c, write_at(c, fd, buf, len, 0), buf, len, 0);
		break;
	case 2:
		/* Anywhere past the start: refused, whatever it says. */
		len = command(buf);
		judge(c, write_at(c, fd, buf, len, 1 + below(MAX_WRITE)), buf, len, 1);
		break;
	case 3:
		/*
		 * A command in two writes, as write() makes them: the second
		 * starts where the first ended, if that was taken.
		 */
		len = command(buf);
		cut = 1 + below(len - 1);
		ret = write_at(c, fd, buf, cut, 0);
		judge(c, ret, buf, cut, 0);
		/* If the first was taken, the second is past the start. */
		judge(c, write(fd, buf + cut, len - cut), buf + cut, len - cut,
		      ret == (ssize_t)cut);
		break;
	default:
		/*
		 * Random bytes, from none to 8 KiB, half of them short: a
		 * random stretch of noise, a few of its bytes changed each time
		 * (making 8 KiB anew each time would be most of the fuzzer's
		 * work under TCG).
		 */
		len = below(2) ? below(MAX_CMD + 2) : below(MAX_WRITE + 1);
		for (cut = 0; cut < 4; cut++)
			noise[below(sizeof(noise))] = random_byte();
		p = noise + below(sizeof(noise) - len + 1);
		judge(c, write_at(c, fd, p, len, 0), p, len, 0);
		break;
	}
}

static void writer(struct counts *c, const char *dir, time_t end)
{
	unsigned long ops = 0;
	size_t i;
	int fd, n;

	for (i = 0; i < sizeof(noise); i++)
		noise[i] = random_byte();

	while (time(NULL) < end && access(stop, F_OK)) {
		if (ops++ % 32 == 0)
			list_files(dir, "control");
		if (!nr_files) {
			usleep(10000);
			continue;
		}
		fd = open(files[below(nr_files)], O_WRONLY);
		if (fd < 0) {
			c->gone++;
			continue;
		}
		/* Several writes per open, as a program that keeps the file open makes them. */
		for (n = access(pause_file, F_OK) ? 1 + below(8) : 0; n; n--)
			write_one(c, fd);
		close(fd);
		if (!access(pause_file, F_OK))
			usleep(1000);
	}
}

static void reader(struct counts *c, const char *dir, time_t end)
{
	static char buf[MAX_WRITE];
	static const char * const leaf[] = { "stats", "summary" };
	unsigned long ops = 0;
	ssize_t ret;
	int fd;

	/*
	 * Touched once, so that no read() needs a page of it under memory
	 * pressure: that would be EFAULT, which io_expected() rightly refuses.
	 */
	memset(buf, 1, sizeof(buf));
	while (time(NULL) < end && access(stop, F_OK)) {
		if (ops++ % 32 == 0)
			list_files(dir, leaf[below(2)]);
		if (!nr_files) {
			usleep(10000);
			continue;
		}
		fd = open(files[below(nr_files)], O_RDONLY);
		if (fd < 0)
			continue;
		if (!access(pause_file, F_OK)) {
			close(fd);
			usleep(1000);
			continue;
		}
		/* From a random offset, in random sizes, to the end. */
		if (below(2) && lseek(fd, below(512), SEEK_SET) < 0 && !io_expected(errno))
			io_error(c, "lseek");
		do {
			ret = read(fd, buf, 1 + below(sizeof(buf)));
			c->reads++;
		} while (ret > 0);
		if (ret < 0 && !io_expected(errno))
			io_error(c, "read");
		close(fd);
	}
}

int main(int argc, char **argv)
{
	int writers, readers, i, n, status, crashed = 0;
	pid_t pid;
	struct counts sum = { 0 };
	time_t end;

	if (argc != 6) {
		fprintf(stderr, "usage: rmp-fuzz DIR SECONDS WRITERS READERS STOP\n");
		return 2;
	}
	stop = argv[5];
	snprintf(pause_file, sizeof(pause_file), "%s.pause", stop);
	end = time(NULL) + atoi(argv[2]);
	writers = atoi(argv[3]);
	readers = atoi(argv[4]);
	n = writers + readers;
	if (n < 1 || n > 64) {
		fprintf(stderr, "rmp-fuzz: 1 to 64 processes\n");
		return 2;
	}
	counts = mmap(NULL, n * sizeof(*counts), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (counts == MAP_FAILED) {
		perror("rmp-fuzz: mmap");
		return 2;
	}
	memset(counts, 0, n * sizeof(*counts));
	for (i = 0; i < n; i++) {
		pid = fork();

		if (pid < 0) {
			perror("rmp-fuzz: fork");
			return 2;
		}
		if (pid)
			continue;
		rng = ((unsigned long long)getpid() << 32) ^ time(NULL) ^ 0x9e3779b97f4a7c15ULL;
		if (i < writers)
			writer(&counts[i], argv[1], end);
		else
			reader(&counts[i], argv[1], end);
		_exit(0);
	}
	for (;;) {
		pid = wait(&status);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			break;
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			crashed++;
	}
	for (i = 0; i < n; i++) {
		sum.writes += counts[i].writes;
		sum.accepted += counts[i].accepted;
		sum.refused += counts[i].refused;
		sum.gone += counts[i].gone;
		sum.shorts += counts[i].shorts;
		sum.bad_accepted += counts[i].bad_accepted;
		sum.reads += counts[i].reads;
		sum.io_errors += counts[i].io_errors;
	}
	printf("fuzz: writes %lu accepted %lu refused %lu gone %lu short %lu bad-accepted %lu reads %lu io-errors %lu\n",
	       sum.writes, sum.accepted, sum.refused, sum.gone, sum.shorts,
	       sum.bad_accepted, sum.reads, sum.io_errors);
	if (crashed)
		printf("fuzz: %d processes did not end well\n", crashed);
	return sum.shorts || sum.bad_accepted || sum.io_errors || crashed;
}
