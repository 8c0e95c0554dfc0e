/* password.h: argon2id password hashes (libsodium) and the password policy. */
#ifndef TOLV_DOMAIN_PASSWORD_H
#define TOLV_DOMAIN_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#define PASSWORD_MIN 10
#define PASSWORD_MAX 256

/* Hashes pw into out (at least 129 bytes). Returns 0, or -1 if out of memory. */
int password_hash(const char *pw, char *out, size_t outlen);
/* True if pw matches the argon2id string hash. False for "" hashes. */
bool password_verify(const char *hash, const char *pw);
/* NULL if pw is acceptable, else an English message (a gettext msgid) saying why. */
const char *password_policy(const char *pw);
/* A random one-time password (letters and digits, 16 characters, easy to type). */
void password_generate(char *out, size_t outlen);
/* Runs argon2id once on a fixed input so failed look-ups of unknown users take as long
 * as real ones (no user enumeration by timing). */
void password_dummy_verify(const char *pw);

#endif
