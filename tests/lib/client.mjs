// client.mjs: a small cookie-keeping HTTP client (fetch with redirect: 'manual'), form
// helpers that pick up the csrf field of a page, log-in, and raw-socket requests for
// input that fetch refuses to send (bad percent-encoding, invalid UTF-8, huge headers).
import net from 'node:net';
import { csrfOf, forms, tags, text } from './html.mjs';

/** One parsed Set-Cookie line: {name, value, attrs: {lower-case name: value|true}, raw} */
export function parseSetCookie(line) {
	const parts = line.split(';').map((s) => s.trim());
	const [nv, ...rest] = parts;
	const eq = nv.indexOf('=');
	const c = { name: nv.slice(0, eq).trim(), value: nv.slice(eq + 1).trim(), attrs: {}, raw: line };
	for (const a of rest) {
		if (!a) continue;
		const i = a.indexOf('=');
		if (i < 0) c.attrs[a.toLowerCase()] = true;
		else c.attrs[a.slice(0, i).trim().toLowerCase()] = a.slice(i + 1).trim();
	}
	return c;
}

function expired(c) {
	if (c.attrs['max-age'] !== undefined && Number(c.attrs['max-age']) <= 0) return true;
	if (c.attrs.expires && Date.parse(c.attrs.expires) < Date.now()) return true;
	return false;
}

export class Client {
	constructor(base, opts = {}) {
		this.base = base;
		this.cookies = new Map(); // name → value
		this.headers = opts.headers || {}; // sent with every request (e.g. Accept-Language)
		this.last = null;
	}

	cookieHeader() {
		return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
	}

	/**
	 * request(method, path, {headers, form, json, body, cookies: false})
	 * form: object or URLSearchParams → application/x-www-form-urlencoded
	 * Returns {status, headers, text, location, setCookies, json()}.
	 */
	async request(method, path, opts = {}) {
		const url = new URL(path, this.base);
		const headers = { ...this.headers, ...(opts.headers || {}) };
		let body = opts.body;
		if (opts.form !== undefined) {
			body = new URLSearchParams(opts.form).toString();
			headers['content-type'] ??= 'application/x-www-form-urlencoded';
		} else if (opts.json !== undefined) {
			body = JSON.stringify(opts.json);
			headers['content-type'] ??= 'application/json';
		}
		if (opts.cookies !== false && this.cookies.size && !headers.cookie) headers.cookie = this.cookieHeader();
		const res = await fetch(url, {
			method,
			headers,
			body,
			redirect: 'manual',
			signal: AbortSignal.timeout(opts.timeout ?? 30_000),
		});
		const text = await res.text();
		const setCookies = (res.headers.getSetCookie?.() ?? []).map(parseSetCookie);
		if (opts.cookies !== false) {
			for (const c of setCookies) {
				if (expired(c) || c.value === '') this.cookies.delete(c.name);
				else this.cookies.set(c.name, c.value);
			}
		}
		const out = {
			method,
			url: url.toString(),
			status: res.status,
			headers: res.headers,
			text,
			setCookies,
			location: res.headers.get('location'),
			json() {
				return JSON.parse(text);
			},
		};
		this.last = out;
		return out;
	}

	get(path, opts) {
		return this.request('GET', path, opts);
	}
	post(path, opts) {
		return this.request('POST', path, opts);
	}

	/** Follows redirects of res with GETs (at most 10); returns the final response. */
	async follow(res) {
		for (let i = 0; i < 10 && res.status >= 300 && res.status < 400 && res.location; i++) {
			res = await this.get(new URL(res.location, res.url).toString());
		}
		return res;
	}

	/**
	 * Loads `page`, picks the form that matches (action string/regexp, or a predicate on the
	 * parsed form; default: the first POST form), merges `values` over what the form would
	 * submit on its own (hidden csrf included) and POSTs it. Returns the response.
	 */
	async submit(page, values = {}, match) {
		const res = typeof page === 'string' ? await this.get(page) : page;
		const f = pickForm(res.text, match);
		if (!f) throw new Error(`no form matching ${match} on ${res.url} (${res.status})\n${res.text.slice(0, 1500)}`);
		const action = new URL(f.action || res.url, res.url).toString();
		const fields = { ...f.fields, ...values };
		for (const k of Object.keys(fields)) if (fields[k] === undefined) delete fields[k];
		return this.request((f.method || 'post').toUpperCase(), action, { form: fields });
	}

	/** The csrf token of the session, read from a page that has a form (default /account). */
	async csrf(page = '/account') {
		const res = await this.get(page);
		const t = csrfOf(res.text);
		if (!t) throw new Error(`no csrf field on ${page} (${res.status})`);
		return t;
	}

	/**
	 * Logs in through the form. Returns the POST /login response (not followed).
	 * Field names are found from the form: the password input and the e-mail input.
	 */
	async loginPost(email, password) {
		const page = await this.get('/login');
		const f = pickForm(page.text, (f) => f.inputs.some((i) => i.type === 'password'));
		if (!f) throw new Error(`no login form on /login (${page.status})\n${page.text.slice(0, 1500)}`);
		const pw = f.inputs.find((i) => i.type === 'password');
		const em =
			f.inputs.find((i) => i.type === 'email') ??
			f.inputs.find((i) => /mail|user|login/i.test(i.name || '') && i.type !== 'hidden');
		const action = new URL(f.action || '/login', page.url).toString();
		return this.post(action, { form: { ...f.fields, [em.name]: email, [pw.name]: password } });
	}

	/**
	 * Logs in and gets to a page inside the organisation: chooses `org` (by name) if the
	 * server asks. Returns the final page. Throws if the log-in is refused.
	 */
	async login(email, password, { org } = {}) {
		const res = await this.loginPost(email, password);
		if (res.status !== 303 && res.status !== 302) {
			throw new Error(`log-in of ${email} refused: ${res.status}\n${res.text.slice(0, 800)}`);
		}
		let page = await this.follow(res);
		if (/\/org(\?|$)/.test(new URL(page.url).pathname + new URL(page.url).search) && org !== undefined) {
			page = await this.follow(await this.chooseOrg(page, org));
		}
		return page;
	}

	/** Submits the organisation chooser on `page` (or /org) for the org named `name`. */
	async chooseOrg(page, name) {
		const res = typeof page === 'string' || !page ? await this.get(page || '/org') : page;
		const fs = forms(res.text).filter((f) => f.method === 'post');
		for (const f of fs) {
			// A select whose option label is the organisation name…
			for (const i of f.inputs.filter((i) => i.kind === 'select')) {
				const o = i.options.find((o) => o.label === name);
				if (o) return this.submit(res, { [i.name]: o.value }, (g) => g.html === f.html);
			}
			// …or radio buttons with a <label for> …
			for (const i of f.inputs.filter((i) => i.type === 'radio' && i.id)) {
				const lab = tags(f.html, 'label').find((l) => l.attrs.for === i.id);
				if (!lab) continue;
				const after = f.html.slice(lab.index);
				const labText = text(after.slice(0, after.search(/<\/label>/i)));
				if (labText === name || namesOrg(after.slice(0, after.search(/<\/label>/i)), name)) return this.submit(res, { [i.name]: i.value }, (g) => g.html === f.html);
			}
		}
		// …or one form (or one button) per organisation.
		for (const f of fs) {
			const btn = f.inputs.find((i) => i.kind === 'button' && i.name && namesOrg(buttonHtml(f.html, i), name));
			if (btn) return this.submit(res, { [btn.name]: btn.value }, (g) => g.html === f.html);
			if (!f.inputs.some((i) => i.type === 'radio' || i.kind === 'select') && text(f.html).includes(name)) {
				return this.submit(res, {}, (g) => g.html === f.html);
			}
		}
		throw new Error(`cannot find organisation ${name} on ${res.url}\n${res.text.slice(0, 1500)}`);
	}

	/** Logs out through the form on a page (POST /logout with the csrf field). */
	async logout() {
		const csrf = await this.csrf('/account');
		return this.post('/logout', { form: { csrf } });
	}
}

/** True if the markup's whole text, or one of its text nodes, is name. */
function namesOrg(html, name) {
	if (text(html) === name) return true;
	return html.split(/<[^>]*>/).some((t) => text(t) === name);
}

/** The inner HTML of the <button> whose attributes are `b` in form html. */
function buttonHtml(html, b) {
	for (const m of html.matchAll(/<button\b((?:[^>"']|"[^"]*"|'[^']*')*)>([\s\S]*?)<\/button>/gi)) {
		if (m[1].includes(b.value ?? '\u0000') || (!b.value && m[1].includes(b.name))) return m[2];
	}
	return '';
}

function htmlEsc(s) {
	return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
function escapeRe(s) {
	return String(s).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function pickForm(html, match) {
	const fs = forms(html);
	if (match === undefined) return fs.find((f) => f.method === 'post');
	if (typeof match === 'function') return fs.find(match);
	if (match instanceof RegExp) return fs.find((f) => match.test(f.action));
	return fs.find((f) => f.action === match || f.action.endsWith(match));
}

/** An API client: JSON with a bearer token. */
export class Api {
	constructor(base, token) {
		this.base = base;
		this.token = token;
	}
	async request(method, path, { json, body, headers = {}, token = this.token } = {}) {
		const h = { accept: 'application/json', ...headers };
		if (token) h.authorization = `Bearer ${token}`;
		if (json !== undefined) {
			body = JSON.stringify(json);
			h['content-type'] ??= 'application/json';
		}
		const res = await fetch(new URL(path, this.base), {
			method,
			headers: h,
			body,
			redirect: 'manual',
			signal: AbortSignal.timeout(30_000),
		});
		const text = await res.text();
		let data;
		try {
			data = text ? JSON.parse(text) : undefined;
		} catch {
			data = undefined;
		}
		return { status: res.status, headers: res.headers, text, data };
	}
	get(p, o) {
		return this.request('GET', p, o);
	}
	post(p, json, o = {}) {
		return this.request('POST', p, { ...o, json });
	}
	patch(p, json, o = {}) {
		return this.request('PATCH', p, { ...o, json });
	}
}

/**
 * Sends raw bytes on a fresh connection and reads the answer until the server closes or
 * `timeout` ms pass (or, unless untilClose, one response with a Content-Length is in).
 * Returns {status (0 if none), head, body, raw, error, timedOut}. Errors while
 * writing (the server closing a connection that sends too much) are not failures here:
 * what matters is what came back.
 */
export function rawRequest(port, data, { timeout = 5000, host = '127.0.0.1', untilClose = false } = {}) {
	return new Promise((resolve) => {
		const chunks = [];
		let error = null;
		let done = false;
		let timedOut = false;
		const sock = net.connect({ port, host });
		const finish = () => {
			if (done) return;
			done = true;
			clearTimeout(timer);
			sock.destroy();
			const raw = Buffer.concat(chunks);
			const s = raw.toString('latin1');
			const m = s.match(/^HTTP\/1\.[01] (\d{3})/);
			const split = s.indexOf('\r\n\r\n');
			resolve({
				status: m ? Number(m[1]) : 0,
				head: split >= 0 ? s.slice(0, split) : s,
				body: split >= 0 ? raw.subarray(split + 4).toString('utf8') : '',
				raw: s,
				error,
				timedOut,
			});
		};
		const timer = setTimeout(() => {
			timedOut = true;
			finish();
		}, timeout);
		sock.on('data', (d) => {
			chunks.push(d);
			// One full response is enough: stop at its end if it has a Content-Length.
			const s = Buffer.concat(chunks).toString('latin1');
			const split = s.indexOf('\r\n\r\n');
			if (split >= 0 && !untilClose) {
				const cl = s.slice(0, split).match(/\r\ncontent-length:\s*(\d+)/i);
				if (cl && Buffer.byteLength(s, 'latin1') - split - 4 >= Number(cl[1])) finish();
			}
		});
		sock.on('error', (e) => {
			// A reset after the answer arrived is normal for a refused huge body; what was
			// read before it counts.
			error = e;
			finish();
		});
		sock.on('end', finish);
		sock.on('close', finish);
		sock.on('connect', () => {
			// Written in pieces, and no more once an answer has begun: a server that refuses
			// a huge body answers early and closes, and a client that kept writing would get
			// a reset instead of the answer (as curl and browsers stop too).
			const pieces = [];
			for (const p of Array.isArray(data) ? data : [data]) {
				const b = Buffer.isBuffer(p) ? p : Buffer.from(p, 'latin1');
				for (let i = 0; i < b.length; i += 16_384) pieces.push(b.subarray(i, i + 16_384));
			}
			(async () => {
				for (let i = 0; i < pieces.length; i++) {
					if (done || sock.destroyed || chunks.length) return;
					await new Promise((r) => sock.write(pieces[i], () => setImmediate(r)));
					// After the first piece (the head, usually), give the server a moment to
					// answer early, as a client sending Expect: 100-continue would.
					if (i === 0 && pieces.length > 1) await new Promise((r) => {
						const t = setTimeout(r, 50);
						sock.once('data', () => {
							clearTimeout(t);
							r();
						});
					});
				}
			})().catch((e) => (error = e));
		});
	});
}
