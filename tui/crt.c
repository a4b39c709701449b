/* SPDX-License-Identifier: MIT */
/*
 * The terminal, owned in one place (as htop's CRT.c does): set up once,
 * restored on q, on SIGINT, SIGTERM and SIGHUP (the handler sets a flag, the
 * loop ends, the terminal is restored, then the caller gives back what it
 * owns and dies of the signal) and on crash signals (restore, then die of
 * the signal).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tui/monitor-priv.h"

volatile sig_atomic_t crt_stop_signal;
volatile sig_atomic_t *crt_interrupt;

static SCREEN *crt_screen;
static volatile sig_atomic_t crt_active;
static bool crt_color;

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };
static const int crash_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGABRT, SIGILL };
#define NSTOP (sizeof(stop_signals) / sizeof(stop_signals[0]))
#define NCRASH (sizeof(crash_signals) / sizeof(crash_signals[0]))
static struct sigaction saved_stop[NSTOP], saved_crash[NCRASH];
static bool saved;

static void on_stop(int sig)
{
	crt_stop_signal = sig;
	if (crt_interrupt)
		*crt_interrupt = 1; /* a long script command stops too */
}

/* A crash: give the terminal back, then die of the signal.  endwin() is not
 * async-signal-safe; like htop, restoring the user's terminal is worth it. */
static void on_crash(int sig)
{
	static const char msg[] = "smmush: monitor: crashed; terminal restored\n";

	if (crt_active) {
		crt_active = 0;
		endwin();
	}
	(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Installed after the library's release-on-signal handlers (the caller
 * opened the target first), and again after each script line (one that
 * opens a target puts the library's back), so the terminal is restored
 * first; the caller releases the units after. */
void crt_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NSTOP; i++)
		sigaction(stop_signals[i], &sa, saved ? NULL : &saved_stop[i]);
	sa.sa_handler = on_crash;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	for (size_t i = 0; i < NCRASH; i++)
		sigaction(crash_signals[i], &sa, saved ? NULL : &saved_crash[i]);
	saved = true;
}

void crt_signals_restore(void)
{
	if (!saved)
		return;
	for (size_t i = 0; i < NSTOP; i++)
		sigaction(stop_signals[i], &saved_stop[i], NULL);
	for (size_t i = 0; i < NCRASH; i++)
		sigaction(crash_signals[i], &saved_crash[i], NULL);
	saved = false;
}

int crt_init(void)
{
	crt_screen = newterm(NULL, stdout, stdin);
	if (!crt_screen)
		return -ENOTTY;
	set_term(crt_screen);
	crt_active = 1;
	crt_signals();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	if (has_colors()) {
		start_color();
		use_default_colors();
		init_pair(PAIR_BAR, COLOR_WHITE, COLOR_BLUE);
		init_pair(PAIR_STATUS, COLOR_BLACK, COLOR_CYAN);
		init_pair(PAIR_WARN, COLOR_YELLOW, -1);
		init_pair(PAIR_BAD, COLOR_RED, -1);
		init_pair(PAIR_CONFIG, COLOR_MAGENTA, -1);
		init_pair(PAIR_GOOD, COLOR_GREEN, -1);
		init_pair(PAIR_FLAG, COLOR_BLACK, COLOR_YELLOW);
		init_pair(PAIR_ERROR, COLOR_WHITE, COLOR_RED);
		init_pair(PAIR_DIM, COLOR_CYAN, -1);
		crt_color = true;
	}
	return 0;
}

void crt_done(void)
{
	if (!crt_active)
		return;
	crt_active = 0;
	endwin();
	delscreen(crt_screen);
	crt_screen = NULL;
	fflush(stdout);
}

int crt_attr(int pair, int fallback)
{
	return crt_color ? (int)COLOR_PAIR(pair) : fallback;
}
