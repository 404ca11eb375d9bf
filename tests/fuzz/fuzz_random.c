/*
 * fuzz_random.c: the plain random driver (built with gcc -O2, no
 * instrumentation, so it runs the decoder as fast as the host can).
 *
 *   fuzz_random [-s SECONDS] [-n RUNS] [-S SEED] [-o DIR] [INPUT|DIR]...
 *
 * First replays every INPUT file (and every file in a DIR): the committed
 * corpus and the saved crash inputs. Then runs random inputs for SECONDS
 * or RUNS (whichever ends first; neither: no random runs). A failing input
 * is written to DIR (default build/fuzz/crashes) as crash-SEED-RUN.bin so
 * it can be replayed and committed. Prints the operations and their rate;
 * the last line is "N passed, N failed" over the inputs run.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

static unsigned long passed;
static unsigned long failed;
static unsigned long long ops_total;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void run_one(const uint8_t *data, size_t size, const char *name)
{
	bool bad = false;

	ops_total += fuzz_run(data, size, &bad);
	if (bad) {
		failed++;
		printf("FAIL %s: %s\n", name, fuzz_failure());
	} else {
		passed++;
	}
}

static void replay_file(const char *path)
{
	static uint8_t buf[FUZZ_MAX_INPUT];
	FILE *f = fopen(path, "rb");

	if (f == NULL) {
		printf("FAIL %s: cannot open\n", path);
		failed++;
		return;
	}
	size_t n = fread(buf, 1u, sizeof(buf), f);

	fclose(f);
	run_one(buf, n, path);
}

static void replay(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		printf("FAIL %s: no such file or directory\n", path);
		failed++;
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		replay_file(path);
		return;
	}
	DIR *d = opendir(path);
	struct dirent *e;

	while (d != NULL && (e = readdir(d)) != NULL) {
		char child[4096];

		if (e->d_name[0] == '.') {
			continue;
		}
		snprintf(child, sizeof(child), "%s/%s", path, e->d_name);
		replay_file(child);
	}
	if (d != NULL) {
		closedir(d);
	}
}

static void save(const char *dir, uint32_t seed, unsigned long run, const uint8_t *data,
		 size_t size)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/crash-%lu-%lu.bin", dir, (unsigned long)seed, run);
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(data, 1u, size, f) != size) {
		printf("could not save the failing input as %s\n", path);
	} else {
		printf("saved the failing input as %s\n", path);
	}
	if (f != NULL) {
		fclose(f);
	}
}

int main(int argc, char **argv)
{
	double seconds = 0.0;
	unsigned long runs = 0u;
	uint32_t seed = 1u;
	const char *crash_dir = "build/fuzz/crashes";
	int opt;

	while ((opt = getopt(argc, argv, "s:n:S:o:")) != -1) {
		switch (opt) {
		case 's':
			seconds = atof(optarg);
			break;
		case 'n':
			runs = strtoul(optarg, NULL, 0);
			break;
		case 'S':
			seed = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'o':
			crash_dir = optarg;
			break;
		default:
			fprintf(stderr, "usage: %s [-s SECONDS] [-n RUNS] [-S SEED] [-o DIR] [INPUT|DIR]...\n",
				argv[0]);
			return 2;
		}
	}
	printf("variant: %s, %u-bit\n", fuzz_variant(), (unsigned)(sizeof(void *) * 8u));
	for (int i = optind; i < argc; i++) {
		replay(argv[i]);
	}
	if (optind < argc) {
		printf("replayed %lu inputs, %llu operations\n", passed + failed, ops_total);
	}
	if (seconds > 0.0 || runs != 0u) {
		static uint8_t buf[FUZZ_MAX_INPUT];
		uint32_t state = seed != 0u ? seed : 1u;
		unsigned long long ops_before = ops_total;
		double start = now();
		double elapsed = 0.0;
		unsigned long run = 0u;

		mkdir(crash_dir, 0777);
		for (;;) {
			if ((runs != 0u && run >= runs) || (seconds > 0.0 && elapsed >= seconds)) {
				break;
			}
			size_t size = fuzz_random_input(&state, buf, FUZZ_MAX_INPUT);
			unsigned long failed_before = failed;
			char name[64];

			snprintf(name, sizeof(name), "random seed %lu run %lu", (unsigned long)seed, run);
			run_one(buf, size, name);
			if (failed != failed_before) {
				save(crash_dir, seed, run, buf, size);
				break;
			}
			run++;
			elapsed = now() - start;
		}
		elapsed = now() - start;
		unsigned long long ops = ops_total - ops_before;

		printf("random: %lu inputs, %llu operations in %.1f s: %.0f operations/s\n", run, ops,
		       elapsed, elapsed > 0.0 ? (double)ops / elapsed : 0.0);
	}
	printf("operations: %llu\n", ops_total);
	printf("%lu passed, %lu failed\n", passed, failed);
	return failed == 0u ? 0 : 1;
}
