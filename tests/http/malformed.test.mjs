// malformed: bad input of every kind gets a 4xx, never a crash or a 5xx, and /healthz
// still answers afterwards. Most requests go over a raw socket, since fetch refuses to
// send much of this.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { assertApiError, assertSecurityHeaders, headerObject } from '../lib/checks.mjs';
import { rawRequest } from '../lib/client.mjs';
import { listUsers, startInstance } from '../lib/instance.mjs';
import { statusOf } from '../lib/tolv.mjs';

let inst, admin, cookie, csrf, token;
before(async () => {
	inst = await startInstance({ cast: ['admin', 'foreignAdmin', 'foreignTherapist'] });
	admin = await inst.login('admin');
	cookie = admin.cookieHeader();
	csrf = await admin.csrf('/account');
	token = inst.token('admin');
});
after(async () => {
	await inst?.stop();
});
afterEach(async () => {
	assert.equal(inst.server.exitInfo, null, `tolv serve died:\n${inst.server.log().slice(-3000)}`);
	assert.equal(await statusOf(`${inst.base}/healthz`, 3000), 200, '/healthz does not answer 200 after that');
});

const H = 'Host: 127.0.0.1\r\nConnection: close\r\n';
const send = (data, o) => rawRequest(inst.port, data, o);
const get = (target, extra = '') => send(`GET ${target} HTTP/1.1\r\n${H}${extra}\r\n`);
const post = (target, body, ctype = 'application/x-www-form-urlencoded', extra = '') => {
	const b = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
	return send([Buffer.from(`POST ${target} HTTP/1.1\r\n${H}Content-Type: ${ctype}\r\nContent-Length: ${b.length}\r\n${extra}\r\n`, 'latin1'), b]);
};
const is4xx = (r, what) => {
	assert.ok(r.status >= 400 && r.status < 500, `${what}: expected a 4xx, got ${r.status || 'no answer'}${r.error ? ` (${r.error.code})` : ''}\n${r.raw.slice(0, 400)}`);
};

describe('request targets', () => {
	const cases = [
		['bad percent-encoding in the path', '/users/%zz'],
		['a lone % at the end of the path', '/login%'],
		['a truncated escape', '/static/tolv.css%2'],
		['bad percent-encoding in the query', '/login?next=%zz'],
		['invalid UTF-8 (escaped) in the path', '/%ff%fe'],
		['an overlong UTF-8 encoding of /', '/static/%c0%af..%c0%afetc/passwd'],
		['a NUL byte in the path', '/login%00.css'],
		['a NUL byte in the query', '/login?next=%00'],
		['invalid UTF-8 in the query', '/login?next=%ff'],
		['an absolute-form target to another host', 'http://example.org/login'],
		['a target without a leading slash', 'login'],
	];
	for (const [what, target] of cases) {
		test(`${what}: ${target}`, async () => {
			is4xx(await get(target, `Cookie: ${cookie}\r\n`), what);
		});
	}

	test('raw invalid UTF-8 bytes in the path', async () => {
		const r = await send(Buffer.concat([Buffer.from('GET /users/'), Buffer.from([0xff, 0xfe, 0x80]), Buffer.from(` HTTP/1.1\r\n${H}\r\n`)]));
		is4xx(r, 'raw 0xff in the path');
	});

	test('a 100 KB request target', async () => {
		is4xx(await get('/login?x=' + 'a'.repeat(100_000)), 'a huge URL');
	});

	test('control characters in the request line', async () => {
		is4xx(await send(`GET /lo\x01gin HTTP/1.1\r\n${H}\r\n`), 'a control character');
	});
});

describe('path traversal in /static', () => {
	const targets = [
		'/static/../../../../etc/passwd',
		'/static/..%2f..%2f..%2f..%2fetc%2fpasswd',
		'/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
		'/static/ds/../../meson.build',
		'/static/ds/..%2f..%2fmeson.build',
		'/static/tolv.css/../../package.json',
		'/static/..\\..\\meson.build',
		'/static//etc/passwd',
		'/static/%2fetc%2fpasswd',
		'/static/.%2e/.%2e/meson.build',
	];
	for (const t of targets) {
		test(t, async () => {
			const r = await get(t);
			is4xx(r, t);
			assert.doesNotMatch(r.body, /root:.*:0:0:|project\(|"name":\s*"tolv"/, `${t} served a file outside /static`);
		});
	}
	test('the real static file is still served (the refusals are not blanket)', async () => {
		const r = await get('/static/tolv.css');
		assert.equal(r.status, 200);
		assert.match(headerObject(r.head)['content-type'] || '', /^text\/css/);
	});
});

describe('headers', () => {
	test('a 100 KB header', async () => {
		is4xx(await get('/login', `X-Filler: ${'b'.repeat(100_000)}\r\n`), 'a huge header');
	});
	test('5000 headers', async () => {
		let h = '';
		for (let i = 0; i < 5000; i++) h += `X-H${i}: v\r\n`;
		is4xx(await get('/login', h), 'many headers');
	});
	test('a 40 KB cookie', async () => {
		is4xx(await get('/', `Cookie: tolv_session=${'c'.repeat(40_000)}\r\n`), 'a huge cookie');
	});
	test('an overlong session cookie (4 KB) is not a session', async () => {
		const r = await get('/', `Cookie: tolv_session=${'c'.repeat(4000)}\r\n`);
		assert.ok(r.status === 303 || (r.status >= 400 && r.status < 500), `status ${r.status}`);
		if (r.status === 303) assert.match(headerObject(r.head).location, /\/login/);
	});
	for (const n of [300, 1000]) {
		test(`a cookie header of ${n} cookies and junk`, async () => {
			const c = Array.from({ length: n }, (_, i) => `k${i}=v${i}`).join('; ') + '; ;;=;tolv_session;=x';
			const r = await get('/', `Cookie: ${c}\r\n`);
			assert.ok(r.status === 303 || (r.status >= 400 && r.status < 500), `${c.length} bytes of cookies: status ${r.status || 'none (connection closed without an answer)'}`);
		});
	}
	test('an overlong bearer token', async () => {
		const r = await get('/api/v1/me', `Authorization: Bearer tolv_${'t'.repeat(5000)}\r\n`);
		assert.ok(r.status === 401 || r.status === 400 || r.status === 431, `status ${r.status}`);
	});
	test('a malformed Authorization header', async () => {
		for (const a of ['Bearer', 'Bearer ', 'Basic YWRtaW46YWRtaW4=', 'bearer\ttolv_x', 'Bearer tolv_\x7f']) {
			const r = await get('/api/v1/me', `Authorization: ${a}\r\n`);
			assert.equal(r.status, 401, `Authorization: ${JSON.stringify(a)} → ${r.status}`);
		}
	});
	test('a huge Accept-Language', async () => {
		const al = Array.from({ length: 3000 }, (_, i) => `x${i};q=0.${i % 10}`).join(',');
		const r = await get('/login', `Accept-Language: ${al.slice(0, 30_000)}\r\n`);
		assert.ok(r.status === 200 || (r.status >= 400 && r.status < 500), `status ${r.status}`);
	});
	test('a header line without a colon', async () => {
		is4xx(await send(`GET /login HTTP/1.1\r\n${H}Not a header\r\n\r\n`), 'no colon');
	});
	test('Content-Length and Transfer-Encoding together (smuggling)', async () => {
		const r = await send(
			`POST /login HTTP/1.1\r\n${H}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n`,
		);
		is4xx(r, 'CL + TE');
		assert.ok((r.raw.match(/HTTP\/1\.1 /g) || []).length <= 1, 'a smuggled second request was answered');
	});
	test('two different Content-Lengths', async () => {
		is4xx(
			await send(`POST /login HTTP/1.1\r\n${H}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabcde`),
			'two Content-Lengths',
		);
	});
	test('a negative Content-Length', async () => {
		is4xx(await send(`POST /login HTTP/1.1\r\n${H}Content-Length: -1\r\n\r\n`), 'negative length');
	});
	test('an unknown method', async () => {
		const r = await send(`BREW /login HTTP/1.1\r\n${H}\r\n`);
		assert.ok([400, 405, 501].includes(r.status), `status ${r.status}`);
	});
	test('a method the route does not take: 405 with Allow', async () => {
		const r = await send(`DELETE /login HTTP/1.1\r\n${H}\r\n`);
		assert.equal(r.status, 405);
		assert.match(headerObject(r.head).allow || '', /GET/);
		assertSecurityHeaders(headerObject(r.head), 'DELETE /login');
	});
	test('garbage instead of a request: a 4xx, or the connection closed at once', async () => {
		// Not HTTP at all (a TLS hello): closing without an answer is fair; hanging is not.
		const r = await send(Buffer.concat([Buffer.from('16030100c8010000c40303', 'hex'), Buffer.alloc(32, 7), Buffer.from('\r\n\r\n')]), { timeout: 3000 });
		if (r.status === 0) assert.equal(r.timedOut, false, 'the connection was left hanging');
		else is4xx(r, 'garbage');
		const r2 = await send(`GARBAGE\r\n\r\n`, { timeout: 3000 });
		if (r2.status === 0) assert.equal(r2.timedOut, false, 'the connection was left hanging');
		else is4xx(r2, 'a request line of one word');
	});
	test('HTTP/1.1 without Host', async () => {
		is4xx(await send('GET /login HTTP/1.1\r\nConnection: close\r\n\r\n'), 'no Host');
	});
});

describe('bodies', () => {
	test('a 1 MB form body: 413', async () => {
		const r = await post('/login', 'a=' + 'x'.repeat(1 << 20));
		assert.equal(r.status, 413, `status ${r.status || 'none'} ${r.error?.code ?? ''}`);
	});
	test('a 1 MB announced but not sent: 413 at once', async () => {
		const r = await send(`POST /login HTTP/1.1\r\n${H}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1048576\r\n\r\nabc`, { timeout: 3000 });
		assert.equal(r.status, 413);
	});
	test('a 1 MB chunked body: 413', async () => {
		const chunk = 'x'.repeat(16_384);
		const parts = [`POST /login HTTP/1.1\r\n${H}Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n`];
		for (let i = 0; i < 64; i++) parts.push(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
		parts.push('0\r\n\r\n');
		const r = await send(parts);
		assert.equal(r.status, 413);
	});
	test('a 1 MB JSON body to the API: 413 with the JSON error shape', async () => {
		const body = JSON.stringify({ email: 'stor@alfa.example', name: 'x'.repeat(1 << 20), role: 'therapist' });
		const r = await post('/api/v1/users', body, 'application/json', `Authorization: Bearer ${token}\r\n`);
		assert.equal(r.status, 413);
		const h = headerObject(r.head);
		if (r.body) {
			assert.match(h['content-type'] || '', /json/);
			assertApiError({ status: r.status, headers: new Headers(h), text: r.body, data: JSON.parse(r.body) }, 413);
		}
	});
	test('bad percent-encoding in a form body', async () => {
		is4xx(await post('/users', `csrf=${csrf}&email=%zz%&role=therapist`, undefined, `Cookie: ${cookie}\r\n`), 'bad form escape');
	});
	test('invalid UTF-8 in a form field: refused, nobody created', async () => {
		const body = Buffer.concat([Buffer.from(`csrf=${csrf}&email=utf8feil%40alfa.example&role=therapist&name=`), Buffer.from('Ugyldig%ff%fe'), Buffer.from([0xff])]);
		const r = await post('/users', body, undefined, `Cookie: ${cookie}\r\n`);
		assert.ok((r.status >= 400 && r.status < 500) || r.status === 200, `status ${r.status}`);
		assert.ok(!listUsers(inst).some((u) => u.email === 'utf8feil@alfa.example'), 'a user with an invalid UTF-8 name was created');
	});
	test('10 000 empty form fields', async () => {
		const r = await post('/users', `csrf=${csrf}&` + 'a=&'.repeat(10_000), undefined, `Cookie: ${cookie}\r\n`);
		assert.ok(r.status >= 200 && r.status < 500, `status ${r.status}`);
	});
	test('a form posted as JSON (wrong content type)', async () => {
		is4xx(await post('/users', JSON.stringify({ csrf, email: 'json@alfa.example' }), 'application/json', `Cookie: ${cookie}\r\n`), 'JSON to a form route');
	});
	test('a multipart form body (not taken)', async () => {
		const b = `--xx\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${csrf}\r\n--xx--\r\n`;
		is4xx(await post('/account/language', b, 'multipart/form-data; boundary=xx', `Cookie: ${cookie}\r\n`), 'multipart');
	});
});

describe('the JSON API', () => {
	const api = (body, ctype = 'application/json', extra = '') => post('/api/v1/users', body, ctype, `Authorization: Bearer ${token}\r\n${extra}`);
	const asApi = (r) => {
		const h = headerObject(r.head);
		let data;
		try {
			data = JSON.parse(r.body);
		} catch {
			data = undefined;
		}
		return { status: r.status, headers: new Headers(h), text: r.body, data };
	};
	for (const [what, body] of [
		['truncated JSON', '{"email": "a@alfa.example", "role": '],
		['not JSON at all', 'email=a@alfa.example'],
		['a JSON array', '[]'],
		['a JSON string', '"hei"'],
		['an empty body', ''],
		['a trailing comma', '{"email":"a@alfa.example",}'],
		['10 000 nested arrays', '['.repeat(10_000) + ']'.repeat(10_000)],
		['a NUL inside a string', '{"email":"a\\u0000b@alfa.example","role":"therapist"}'],
		['two objects', '{"email":"a@alfa.example"}{"role":"admin"}'],
	]) {
		test(`${what}: 400 with the error shape`, async () => {
			const r = asApi(await api(body));
			assertApiError(r, [400, 422], what);
		});
	}
	test('invalid UTF-8 inside a JSON string', async () => {
		const b = Buffer.concat([Buffer.from('{"email":"x@alfa.example","role":"therapist","name":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
		assertApiError(asApi(await api(b)), [400, 422], 'invalid UTF-8 in JSON');
	});
	test('wrong types: 422 (or 400) naming the field', async () => {
		const r = asApi(await api(JSON.stringify({ email: 42, role: 'therapist' })));
		const e = assertApiError(r, [400, 422], 'email: 42');
		if (r.status === 422) assert.equal(e.field, 'email');
	});
	test('text/plain: 415', async () => {
		assertApiError(asApi(await api('{"email":"t@alfa.example","role":"therapist"}', 'text/plain')), 415, 'text/plain');
	});
	test('no content type: 415 (or 400)', async () => {
		const r = await send(
			[`POST /api/v1/users HTTP/1.1\r\n${H}Authorization: Bearer ${token}\r\nContent-Length: 2\r\n\r\n`, '{}'],
		);
		assertApiError(asApi(r), [400, 415], 'no content type');
	});
	for (const id of ['abc', '1abc', '-1', '0', '99999999999999999999999', '1.5', '1e3', '%31%00', '+1', '0x10', ' 1']) {
		test(`a non-numeric or impossible id: /api/v1/users/${id}`, async () => {
			const r = asApi(await get(`/api/v1/users/${id.replace(/ /g, '%20')}`, `Authorization: Bearer ${token}\r\n`));
			assertApiError(r, [400, 404], `id ${id}`);
		});
	}
});

describe('ids in pages', () => {
	for (const id of ['abc', '1abc', '-1', '0', '99999999999999999999999', '1.5', '00001x', '%00', '9223372036854775808']) {
		test(`/users/${id}`, async () => {
			const r = await get(`/users/${id}`, `Cookie: ${cookie}\r\n`);
			assert.ok(r.status === 404 || r.status === 400, `status ${r.status}`);
		});
	}
	test('the largest int64 that is no user: 404', async () => {
		const r = await get('/users/9223372036854775807', `Cookie: ${cookie}\r\n`);
		assert.equal(r.status, 404);
	});
});
