// checks.mjs: assertions shared by the suites.
import assert from 'node:assert/strict';

/** Parses a CSP header into {directive: [sources]}. */
export function parseCsp(h) {
	const out = {};
	for (const d of String(h || '').split(';')) {
		const [name, ...vals] = d.trim().split(/\s+/);
		if (name) out[name.toLowerCase()] = vals;
	}
	return out;
}

/** The security headers every response must carry. `what` names the response in messages. */
export function assertSecurityHeaders(headers, what) {
	const get = (n) => (typeof headers.get === 'function' ? headers.get(n) : headers[n.toLowerCase()]);
	const csp = get('content-security-policy');
	assert.ok(csp, `${what}: no Content-Security-Policy header`);
	const p = parseCsp(csp);
	assert.deepEqual(p['frame-ancestors'], ["'none'"], `${what}: CSP must have frame-ancestors 'none' (got: ${csp})`);
	const scripts = p['script-src'] ?? p['default-src'];
	assert.ok(scripts, `${what}: CSP has neither script-src nor default-src (got: ${csp})`);
	for (const bad of ["'unsafe-inline'", "'unsafe-eval'", '*', 'data:', 'http:', 'https:']) {
		assert.ok(!scripts.includes(bad), `${what}: CSP script sources allow ${bad} (got: ${csp})`);
	}
	if (p['script-src-elem']) assert.ok(!p['script-src-elem'].includes("'unsafe-inline'"), `${what}: script-src-elem allows inline`);
	if (p['script-src-attr']) assert.ok(!p['script-src-attr'].includes("'unsafe-inline'"), `${what}: script-src-attr allows inline`);
	assert.equal(get('x-content-type-options'), 'nosniff', `${what}: X-Content-Type-Options`);
	assert.equal(get('referrer-policy'), 'no-referrer', `${what}: Referrer-Policy`);
}

/** Raw header block (from rawRequest) → lower-case object of the last value of each. */
export function headerObject(head) {
	const o = {};
	for (const line of head.split('\r\n').slice(1)) {
		const i = line.indexOf(':');
		if (i > 0) o[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
	}
	return o;
}

/** {"error":{"code":…,"message":…,"field":…}} with a JSON content type. */
export function assertApiError(res, status, what = `${res.status}`) {
	if (status !== undefined) {
		const ok = Array.isArray(status) ? status.includes(res.status) : res.status === status;
		assert.ok(ok, `${what}: expected status ${status}, got ${res.status}: ${res.text.slice(0, 300)}`);
	}
	assert.match(res.headers.get('content-type') || '', /^application\/(problem\+)?json/, `${what}: error not JSON`);
	assert.ok(res.data && typeof res.data === 'object', `${what}: body is not a JSON object: ${res.text.slice(0, 200)}`);
	const e = res.data.error;
	assert.ok(e && typeof e === 'object', `${what}: no "error" object in ${res.text.slice(0, 200)}`);
	assert.equal(typeof e.code, 'string', `${what}: error.code must be a string (${res.text.slice(0, 200)})`);
	assert.ok(e.code.length > 0, `${what}: empty error.code`);
	assert.equal(typeof e.message, 'string', `${what}: error.message must be a string`);
	assert.ok(e.message.length > 0, `${what}: empty error.message`);
	if ('field' in e) assert.ok(e.field === null || typeof e.field === 'string', `${what}: error.field must be a string or null`);
	return e;
}

/** None of `markers` (strings of another organisation) occurs in body. */
export function assertNoForeign(body, markers, what) {
	for (const m of markers) {
		if (!m) continue;
		assert.ok(!String(body).includes(m), `${what}: the body contains another organisation's data (${JSON.stringify(m)})`);
	}
}

export function isRedirectToLogin(res) {
	if (!(res.status >= 300 && res.status < 400) || !res.location) return false;
	return new URL(res.location, 'http://x/').pathname === '/login';
}

/** Readable one-liner of a response for messages. */
export function brief(res) {
	const loc = res.location ? ` → ${res.location}` : '';
	return `${res.method ?? ''} ${res.url ?? ''} ${res.status}${loc}`;
}
