// basics: /healthz, keep-alive, security headers on every kind of response, the route
// table, and a clean stop on SIGTERM.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { assertSecurityHeaders, headerObject } from '../lib/checks.mjs';
import { rawRequest } from '../lib/client.mjs';
import { startInstance } from '../lib/instance.mjs';
import { startServer, tolv } from '../lib/tolv.mjs';

let inst;
before(async () => {
	inst = await startInstance({ cast: ['admin', 'therapist'] });
});
after(async () => {
	await inst?.stop();
});

describe('healthz', () => {
	test('GET /healthz answers 200 with a short body', async () => {
		const r = await fetch(`${inst.base}/healthz`);
		const body = await r.text();
		assert.equal(r.status, 200);
		assert.ok(body.length < 200, `healthz body is long: ${body.length} bytes`);
		assert.match(body, /ok/i);
		assert.match(r.headers.get('cache-control') || 'no-store', /no-store|no-cache|max-age=0/);
	});

	test('HEAD /healthz answers 200 without a body', async () => {
		const r = await rawRequest(inst.port, 'HEAD /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
		assert.equal(r.status, 200);
		assert.equal(r.body, '');
	});
});

describe('keep-alive', () => {
	test('a second request reuses the connection', async () => {
		const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
		try {
			const get = (path) =>
				new Promise((resolve, reject) => {
					const req = http.get(`${inst.base}${path}`, { agent }, (res) => {
						res.resume();
						res.on('end', () => resolve({ res, reused: req.reusedSocket, socket: req.socket }));
					});
					req.on('error', reject);
				});
			for (const path of ['/healthz', '/login']) {
				const a = await get(path);
				const b = await get(path);
				assert.notEqual(a.res.headers.connection?.toLowerCase(), 'close', `${path}: Connection: close on the first answer`);
				assert.equal(b.reused, true, `${path}: the second request did not reuse the connection`);
				assert.equal(a.socket, b.socket);
			}
		} finally {
			agent.destroy();
		}
	});

	test('an HTTP/1.1 pipeline of two requests gets two answers on one connection', async () => {
		const one = 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
		const r = await rawRequest(inst.port, one + one.replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n'), { timeout: 3000, untilClose: true });
		const answers = r.raw.match(/HTTP\/1\.1 200/g) || [];
		assert.equal(answers.length, 2, `expected two answers, got:\n${r.raw.slice(0, 600)}`);
	});
});

describe('security headers', () => {
	const cases = [
		['GET', '/login', {}],
		['GET', '/healthz', {}],
		['GET', '/static/tolv.css', {}],
		['GET', '/no/such/page', {}],
		['GET', '/users', {}], // a redirect to /login
		['DELETE', '/login', {}], // 405
		['GET', '/api/v1/me', {}], // 401 JSON
		['GET', '/api/v1/no-such-thing', {}],
		['POST', '/login', { body: 'x=%zz', 'content-type': 'application/x-www-form-urlencoded' }], // 400/403
	];
	for (const [method, path, o] of cases) {
		test(`${method} ${path}`, async () => {
			const headers = o['content-type'] ? { 'content-type': o['content-type'] } : {};
			const r = await fetch(`${inst.base}${path}`, { method, headers, body: o.body, redirect: 'manual' });
			await r.arrayBuffer();
			assert.ok(r.status < 500, `${method} ${path}: ${r.status}`);
			assertSecurityHeaders(r.headers, `${method} ${path} (${r.status})`);
		});
	}

	test('a logged-in page and an API answer with a token', async () => {
		const c = await inst.login('admin');
		const page = await c.get('/');
		assert.equal(page.status, 200);
		assertSecurityHeaders(page.headers, 'GET / logged in');
		assert.match(page.headers.get('content-type'), /^text\/html; charset=utf-8/i);
		assert.match(page.headers.get('cache-control') || '', /no-store/, 'pages of a session must not be cached');
		const api = await inst.api('admin').get('/api/v1/me');
		assert.equal(api.status, 200);
		assertSecurityHeaders(api.headers, 'GET /api/v1/me');
		assert.match(api.headers.get('content-type'), /^application\/json/);
	});

	test('errors the HTTP layer makes itself (bad request line)', async () => {
		const r = await rawRequest(inst.port, 'GET /%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
		assert.ok(r.status >= 400 && r.status < 500, `status ${r.status}`);
		assertSecurityHeaders(headerObject(r.head), `GET /%zz (${r.status})`);
	});

	test('the response does not name the server software or its version', async () => {
		const r = await fetch(`${inst.base}/login`);
		await r.arrayBuffer();
		assert.doesNotMatch(r.headers.get('server') || '', /\d/, 'Server header gives a version');
		assert.equal(r.headers.get('x-powered-by'), null);
	});
});

describe('route table', () => {
	test('tolv routes prints the route table as JSON', () => {
		const r = tolv(['routes'], { check: true });
		const routes = JSON.parse(r.stdout);
		assert.ok(Array.isArray(routes) && routes.length > 5);
		for (const rt of routes) {
			assert.equal(typeof rt.method, 'string');
			assert.match(rt.pattern, /^\//);
			assert.ok(Array.isArray(rt.flags) && Array.isArray(rt.roles));
		}
		const has = (m, p) => routes.some((rt) => rt.method.split(/[ ,]+/).includes(m) && rt.pattern === p);
		for (const [m, p] of [
			['GET', '/healthz'],
			['GET', '/login'],
			['POST', '/login'],
			['POST', '/logout'],
			['GET', '/users'],
			['POST', '/users'],
			['GET', '/users/{id}'],
			['GET', '/audit'],
			['GET', '/api/v1/me'],
			['POST', '/api/v1/users'],
		]) {
			assert.ok(has(m, p), `route ${m} ${p} missing`);
		}
	});
});

describe('stopping', () => {
	test('SIGTERM stops the server cleanly (exit 0)', async () => {
		// A server of our own, so that the shared one stays up for the other tests.
		const s = await startServer(inst.db);
		const c = await fetch(`${s.base}/login`);
		assert.equal(c.status, 200);
		await c.arrayBuffer();
		const exit = await s.stop(10_000);
		assert.equal(exit.code, 0, `exit ${exit.code ?? exit.signal}:\n${s.log().slice(-1000)}`);
		// Nothing listens on the port any more.
		const r = await rawRequest(s.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n', { timeout: 1000 });
		assert.equal(r.status, 0);
	});
});
