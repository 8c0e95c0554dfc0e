/* cli.h: the command table (after tmux's cmd_table) and what the commands share. */
#ifndef TOLV_CLI_CLI_H
#define TOLV_CLI_CLI_H

#include "core/alloc.h"
#include "domain/accounts.h"
#include "store/store.h"

/* Exit codes: 0 done, 1 failed (database, I/O, verification), 2 misuse. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct command {
	const char *name;
	const char *args;    /* "[--db URL] --org NAME --admin EMAIL" */
	const char *summary; /* one line for `tolv --help` */
	const char *help;    /* the rest of `tolv NAME --help` */
	int (*run)(int argc, char **argv);
};

extern const struct command cmd_serve, cmd_init, cmd_migrate, cmd_user, cmd_org, cmd_token, cmd_backup,
	cmd_audit, cmd_routes, cmd_version;
extern const struct command cmd_import; /* the meeting directory (issue 5) */
extern const struct command cmd_network; /* the network report (issue 7) */
extern const struct command cmd_questionnaire; /* an organisation's own questionnaires (issue 6) */

/* Prints "tolv NAME: message" and the usage line to stderr; returns EXIT_USAGE. */
int usage_error(const struct command *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints "tolv: message" to stderr; returns EXIT_FAIL. */
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void print_command_help(const struct command *c);

/* The database URL: the --db value, else $TOLV_DB, else sqlite:var/tolv.db. */
const char *db_url(const char *opt);
/* Opens the store (and with migrate, brings the schema up to date); prints why not.
 * pool: connections to keep (0: the store's default). */
int open_store(const char *url, bool migrate, int pool, struct store **out);
/* Opens the store, migrates, and sets up accounts with a synchronous auditor. */
int open_accounts(const char *url, int pool, struct accounts *ac);
void close_accounts(struct accounts *ac);
/* The command line as the audit log's actor. */
void cli_actor(struct actor *who);
/* Looks up an organisation by name; prints why not. */
int find_org(struct store *s, const char *name, struct org *out);

/* Parses --name value / --name=value at argv[*i]; returns 1 if matched (value in *val),
 * 0 if not this option, -1 if the value is missing. */
int opt_value(int argc, char **argv, int *i, const char *name, const char **val);
bool is_help(const char *arg);

#endif
