/* fuzz_network_import.c: libFuzzer target for the network report's file parser
 * (domain/network.c, `tolv network import`): whatever the bytes, it must not crash; a
 * file it accepts must keep the suppression (no count of 1-4, no sum beside a hidden
 * count), and writing it again and reading that back must give the same figures. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/network.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct net_file f, g;
	char err[256];
	if (net_file_parse((const char *)data, size, &f, err, sizeof err) != 0) {
		if (!err[0])
			__builtin_trap(); /* a refusal always says why */
		return 0;
	}
	int nf = net_nfields(f.npath);
	for (int i = 0; i < nf; i++) {
		struct net_cell c = f.col.c[i];
		if (c.st == NET_EXACT && net_field_base(i) < 0 && c.v >= 1 && c.v <= NET_SMALL_MAX)
			__builtin_trap();
		int b = net_field_base(i);
		if (b >= 0 && c.st == NET_EXACT && f.col.c[b].st != NET_EXACT)
			__builtin_trap();
	}
	char *text = net_file_write(&f);
	if (net_file_parse(text, strlen(text), &g, err, sizeof err) != 0)
		__builtin_trap();
	if (strcmp(f.installation, g.installation) || strcmp(f.organisation, g.organisation) || f.from != g.from ||
	    f.to != g.to || f.generated_at != g.generated_at || f.npath != g.npath)
		__builtin_trap();
	for (int i = 0; i < nf; i++)
		if (f.col.c[i].st != g.col.c[i].st || (f.col.c[i].st == NET_EXACT && f.col.c[i].v != g.col.c[i].v))
			__builtin_trap();
	if (f.col.km_withheld != g.col.km_withheld)
		__builtin_trap();
	free(text);
	return 0;
}
