/* util.h: small helpers every layer uses: time, random tokens, hashing, bounded parsing. */
#ifndef TOLV_CORE_UTIL_H
#define TOLV_CORE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Must be called once before any other function here (initialises libsodium). */
int util_init(void);

int64_t now_seconds(void);
int64_t now_millis(void);

/* Formats unix seconds as "YYYY-MM-DD HH:MM" UTC into out (at least 20 bytes). */
void format_time(int64_t seconds, char *out, size_t outlen);

/* Writes a random token of nbytes random bytes as unpadded base64url into out
 * (outlen >= 4*nbytes/3+2). */
void random_token(char *out, size_t outlen, size_t nbytes);

/* Hex SHA-256 of data into out[65]. */
void sha256_hex(const void *data, size_t len, char out[65]);

/* Parses a whole decimal integer in [min,max]; returns 0 or -1 (bad or out of range).
 * Accepts no sign for min >= 0, no leading/trailing junk, no empty string. */
int parse_int64(const char *s, int64_t min, int64_t max, int64_t *out);

/* Copies src into dst of size dstlen, always terminated; returns false if truncated. */
bool copy_str(char *dst, size_t dstlen, const char *src);

/* Constant-time string equality for secrets. */
bool secret_equal(const char *a, const char *b);

/* True if s is valid UTF-8 without control characters other than tab/newline/CR. */
bool utf8_valid_text(const char *s, size_t len);

/* Lower-cases ASCII letters in place. */
void ascii_lower(char *s);

/* A plausible e-mail address: one @, non-empty local part and a dotted domain,
 * no spaces or control characters, at most 254 bytes. */
bool email_valid(const char *s);

#endif
