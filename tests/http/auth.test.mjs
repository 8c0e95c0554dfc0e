// auth: logging in (good, bad, throttled), the session cookie, logging out for real,
// CSRF refusals that change nothing, one-time passwords, the language of anonymous pages.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isRedirectToLogin } from '../lib/checks.mjs';
import { Client } from '../lib/client.mjs';
import { csrfOf, forms, htmlLang, text } from '../lib/html.mjs';
import { addUser, listUsers, ORG_A, PASSWORD, startInstance } from '../lib/instance.mjs';

let inst;
before(async () => {
	inst = await startInstance({ cast: ['admin', 'coordinator', 'therapist', 'auditor'] });
});
after(async () => {
	await inst?.stop();
});

const SESSION = 'tolv_session';
const pathOf = (res) => new URL(res.location, res.url).pathname;

describe('log-in', () => {
	test('the right password: 303 into the organisation, a session cookie', async () => {
		const c = new Client(inst.base);
		const res = await c.loginPost(inst.users.admin.email, PASSWORD);
		assert.equal(res.status, 303, res.text.slice(0, 300));
		assert.ok(c.cookies.has(SESSION), 'no session cookie after log-in');
		const page = await c.follow(res);
		assert.equal(page.status, 200, `landed on ${page.url} ${page.status}`);
		assert.ok(text(page.text).includes(ORG_A), 'the start page does not name the organisation');
	});

	test('the e-mail is matched without regard to case', async () => {
		const c = new Client(inst.base);
		const res = await c.loginPost(inst.users.admin.email.toUpperCase(), PASSWORD);
		assert.equal(res.status, 303);
	});

	for (const [what, email, pw] of [
		['a wrong password', 'koordinator@alfa.example', 'Feil-passord-123'],
		['an unknown e-mail', 'ingen@alfa.example', PASSWORD],
		['an empty form', '', ''],
	]) {
		test(`${what}: refused, no session, the form again with the e-mail kept`, async () => {
			const c = new Client(inst.base);
			const res = await c.loginPost(email, pw);
			assert.ok([200, 400, 401, 422].includes(res.status), `status ${res.status}`);
			assert.ok(!c.cookies.has(SESSION), 'a session cookie was set for a failed log-in');
			const f = forms(res.text).find((f) => f.inputs.some((i) => i.type === 'password'));
			assert.ok(f, 'the answer has no log-in form');
			if (email) assert.ok(Object.values(f.fields).includes(email), 'the e-mail typed was not kept');
			assert.ok(!Object.values(f.fields).includes(pw) || pw === '', 'the password was echoed back');
			const after = await c.get('/');
			assert.ok(isRedirectToLogin(after), `GET / after a failed log-in: ${after.status} ${after.location}`);
		});
	}

	test('a wrong password and an unknown e-mail get the same answer', async () => {
		const a = await new Client(inst.base).loginPost('koordinator@alfa.example', 'Feil-passord-456');
		const b = await new Client(inst.base).loginPost('finnesikke@alfa.example', 'Feil-passord-456');
		assert.equal(a.status, b.status);
		const msg = (r) => text(r.text).replace(/\S+@\S+/g, '');
		assert.equal(msg(a), msg(b), 'the pages differ: that tells which e-mail addresses have accounts');
	});

	test('a session cookie sent before log-in is not adopted (no fixation)', async () => {
		const c = new Client(inst.base);
		c.cookies.set(SESSION, 'angriperens-kjente-verdi-0123456789abcdef');
		const res = await c.loginPost(inst.users.admin.email, PASSWORD);
		assert.equal(res.status, 303);
		const sc = res.setCookies.find((x) => x.name === SESSION);
		assert.ok(sc, 'log-in set no session cookie');
		assert.notEqual(sc.value, 'angriperens-kjente-verdi-0123456789abcdef');
	});

	test('the session cookie is HttpOnly, SameSite=Strict, Path=/, and long', async () => {
		const c = new Client(inst.base);
		const res = await c.loginPost(inst.users.admin.email, PASSWORD);
		const sc = res.setCookies.find((x) => x.name === SESSION);
		assert.ok(sc, 'no session cookie');
		assert.equal(sc.attrs.httponly, true, `not HttpOnly: ${sc.raw}`);
		assert.equal(String(sc.attrs.samesite).toLowerCase(), 'strict', `not SameSite=Strict: ${sc.raw}`);
		assert.equal(sc.attrs.path, '/', `Path is not /: ${sc.raw}`);
		assert.equal(sc.attrs.domain, undefined, `a Domain attribute widens the cookie: ${sc.raw}`);
		assert.ok(sc.value.length >= 32, `the session token is short (${sc.value.length})`);
		// Two log-ins, two different sessions.
		const c2 = new Client(inst.base);
		const res2 = await c2.loginPost(inst.users.admin.email, PASSWORD);
		assert.notEqual(res2.setCookies.find((x) => x.name === SESSION)?.value, sc.value);
	});

	test('the log-in form has a csrf field that matches a tolv_csrf cookie', async () => {
		const c = new Client(inst.base);
		const page = await c.get('/login');
		assert.equal(page.status, 200);
		const tok = csrfOf(page.text);
		assert.ok(tok && tok.length >= 16, 'no csrf field on /login');
		const ck = page.setCookies.find((x) => x.name === 'tolv_csrf');
		assert.ok(ck || c.cookies.has('tolv_csrf'), 'no tolv_csrf cookie');
		if (ck) {
			assert.equal(ck.attrs.httponly, true, `tolv_csrf not HttpOnly: ${ck.raw}`);
			assert.ok(ck.attrs.samesite, `tolv_csrf has no SameSite: ${ck.raw}`);
		}
	});
});

describe('no open redirects', () => {
	for (const next of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', '/%2f%2fevil.example', ' //evil.example']) {
		test(`next=${next}`, async () => {
			const c = new Client(inst.base);
			const page = await c.get(`/login?next=${encodeURIComponent(next)}`);
			assert.equal(page.status, 200);
			const f = forms(page.text).find((f) => f.inputs.some((i) => i.type === 'password'));
			const res = await c.post('/login', { form: { ...f.fields, next, email: inst.users.admin.email, password: PASSWORD } });
			assert.equal(res.status, 303);
			const to = new URL(res.location, res.url);
			assert.equal(to.origin, new URL(inst.base).origin, `log-in redirected off-site: ${res.location}`);
			assert.ok(!/^\s*(\/\/|\/\\|[a-z]+:)/i.test(res.location.replace(/^https?:\/\/127\.0\.0\.1:\d+/, '')), `Location: ${res.location}`);
			const lang = await c.post('/account/language', { form: { csrf: await c.csrf('/account'), lang: 'nb', next } });
			assert.equal(lang.status, 303);
			assert.equal(new URL(lang.location, lang.url).origin, new URL(inst.base).origin, `language switch redirected off-site: ${lang.location}`);
		});
	}
	test('a local next is followed after log-in', async () => {
		const c = new Client(inst.base);
		const first = await c.get('/users');
		assert.equal(first.status, 303);
		const login = await c.follow(first);
		const f = forms(login.text).find((f) => f.inputs.some((i) => i.type === 'password'));
		const res = await c.post('/login', { form: { ...f.fields, email: inst.users.admin.email, password: PASSWORD } });
		assert.equal(res.status, 303);
		assert.equal(new URL(res.location, res.url).pathname, '/users', `after log-in: ${res.location}`);
	});
});

describe('log-in CSRF', () => {
	test('POST /login without the csrf field and cookie is refused (403), no session', async () => {
		const c = new Client(inst.base);
		const res = await c.post('/login', { form: { email: inst.users.admin.email, password: PASSWORD } });
		assert.equal(res.status, 403);
		assert.ok(!c.cookies.has(SESSION));
	});

	test('POST /login with a field that does not match the cookie is refused (403)', async () => {
		const c = new Client(inst.base);
		const page = await c.get('/login');
		const f = forms(page.text).find((f) => f.inputs.some((i) => i.type === 'password'));
		const fields = { ...f.fields };
		const em = f.inputs.find((i) => i.type === 'email') ?? f.inputs.find((i) => /mail/.test(i.name || ''));
		const pw = f.inputs.find((i) => i.type === 'password');
		fields[em.name] = inst.users.admin.email;
		fields[pw.name] = PASSWORD;
		// A token from another visitor's form.
		const other = new Client(inst.base);
		const otherTok = csrfOf((await other.get('/login')).text);
		const res = await c.post('/login', { form: { ...fields, csrf: otherTok } });
		assert.equal(res.status, 403);
		assert.ok(!c.cookies.has(SESSION));
		// …and the cookie alone (no field) is not enough either.
		delete fields.csrf;
		const res2 = await c.post('/login', { form: fields });
		assert.equal(res2.status, 403);
		assert.ok(!c.cookies.has(SESSION));
	});
});

describe('log-out', () => {
	test('POST /logout ends the session on the server: the old cookie no longer works', async () => {
		const c = await inst.login('admin');
		const cookie = c.cookies.get(SESSION);
		assert.equal((await c.get('/')).status, 200);
		const csrf = await c.csrf('/account');
		const res = await c.post('/logout', { form: { csrf } });
		assert.equal(res.status, 303, `logout: ${res.status}`);
		const cleared = res.setCookies.find((x) => x.name === SESSION);
		assert.ok(cleared, 'logout did not clear the cookie');
		// Replay the old cookie by hand, as a thief who copied it would.
		const thief = new Client(inst.base);
		thief.cookies.set(SESSION, cookie);
		for (const p of ['/', '/account', '/users']) {
			const r = await thief.get(p);
			assert.ok(isRedirectToLogin(r), `${p} with the logged-out cookie: ${r.status} ${r.location}`);
		}
		const api = await fetch(`${inst.base}/api/v1/me`, { headers: { cookie: `${SESSION}=${cookie}` } });
		assert.equal(api.status, 401, 'the API took the logged-out session cookie');
	});

	test('POST /logout without the csrf field is refused (403) and the session lives on', async () => {
		const c = await inst.login('coordinator');
		const res = await c.post('/logout', { form: {} });
		assert.equal(res.status, 403);
		assert.equal((await c.get('/')).status, 200, 'the session ended anyway');
	});
});

describe('CSRF on forms', () => {
	test('POST /account/language without or with a wrong token: 403, language unchanged', async () => {
		const c = await inst.login('therapist');
		const other = await inst.login('coordinator');
		const otherTok = await other.csrf('/account');
		for (const form of [{ lang: 'en' }, { lang: 'en', csrf: 'feil' }, { lang: 'en', csrf: otherTok }, { lang: 'en', csrf: '' }]) {
			const r = await c.post('/account/language', { form });
			assert.equal(r.status, 403, `csrf=${JSON.stringify(form.csrf)}: ${r.status}`);
		}
		const page = await c.get('/account');
		assert.equal(htmlLang(page.text), 'nb', 'the language changed without a valid token');
		// The right token works (so the refusals above were about the token).
		const ok = await c.post('/account/language', { form: { lang: 'en', csrf: await c.csrf('/account') } });
		assert.ok(ok.status === 303 || ok.status === 200, `with the token: ${ok.status}`);
		assert.equal(htmlLang((await c.get('/account')).text), 'en');
		// The choice belongs to the user: a new log-in from a Swedish browser stays English.
		const sv = new Client(inst.base, { headers: { 'accept-language': 'sv' } });
		await sv.login(inst.users.therapist.email, PASSWORD);
		assert.equal(htmlLang((await sv.get('/')).text), 'en', "the user's language was not kept");
	});

	test('POST /users without a token creates nobody', async () => {
		const c = await inst.login('admin');
		const email = 'csrf-offer@alfa.example';
		const page = await c.get('/users/new');
		assert.equal(page.status, 200);
		const f = forms(page.text).find((f) => f.method === 'post');
		const fields = { ...f.fields, email, name: 'Csrf Offer', role: 'therapist' };
		delete fields.csrf;
		const r = await c.post('/users', { form: fields });
		assert.equal(r.status, 403);
		const r2 = await c.post('/users', { form: { ...fields, csrf: 'x'.repeat(43) } });
		assert.equal(r2.status, 403);
		assert.ok(!listUsers(inst).some((u) => u.email === email), 'the user was created despite the refusal');
	});

	test('a cross-site POST (no cookie sent, SameSite) is treated as not logged in', async () => {
		const r = await new Client(inst.base).post('/users', { form: { email: 'x@alfa.example', role: 'admin' } });
		assert.ok(r.status === 403 || isRedirectToLogin(r) || r.status === 401, `status ${r.status}`);
	});
});

describe('one-time passwords', () => {
	test('a user with a one-time password must change it before anything else', async () => {
		const email = 'engangs@alfa.example';
		const out = inst.cli(['user', 'add', email, '--org', ORG_A, '--role', 'therapist', '--name', 'Eli Engang'], {
			env: { TOLV_USER_PASSWORD: '' },
			check: true,
		});
		const m = out.stdout.match(/one-time password[^:]*:\s*(\S+)/i);
		assert.ok(m, `no one-time password printed: ${out.stdout}`);
		const onetime = m[1];
		const c = new Client(inst.base);
		const res = await c.loginPost(email, onetime);
		assert.equal(res.status, 303);
		assert.equal(pathOf(res), '/account/password', `after log-in: ${res.location}`);
		for (const p of ['/', '/users', '/audit', '/account']) {
			const r = await c.get(p);
			assert.ok(r.status === 303 && pathOf(r) === '/account/password', `${p} before the change: ${r.status} ${r.location}`);
		}
		const api = await c.get('/api/v1/me');
		assert.ok(api.status === 401 || api.status === 403, `API with a must-change session: ${api.status}`);
		// Too short a new password is refused with the form again.
		const page = await c.get('/account/password');
		assert.equal(page.status, 200);
		const pwInputs = forms(page.text)
			.flatMap((f) => f.inputs)
			.filter((i) => i.type === 'password')
			.map((i) => i.name);
		assert.ok(pwInputs.length >= 2, `the change form has ${pwInputs.length} password fields`);
		const fill = (v, cur) => Object.fromEntries(pwInputs.map((n) => [n, /current|old|gammel|naa|now/i.test(n) ? cur : v]));
		const short = await c.submit(page, fill('kort', onetime), '/account/password');
		assert.ok([200, 400, 422].includes(short.status), `a short password: ${short.status}`);
		const newPw = 'Nytt-passord-for-Eli-7';
		const done = await c.submit('/account/password', fill(newPw, onetime), '/account/password');
		assert.equal(done.status, 303, `changing the password: ${done.status}\n${text(done.text).slice(0, 400)}`);
		assert.equal((await c.follow(done)).status, 200);
		assert.equal((await c.get('/')).status, 200, 'still forced after the change');
		// The one-time password is spent; the new one works.
		const again = await new Client(inst.base).loginPost(email, onetime);
		assert.notEqual(again.status, 303, 'the one-time password still logs in');
		const fresh = await new Client(inst.base).loginPost(email, newPw);
		assert.equal(fresh.status, 303);
		assert.notEqual(pathOf(fresh), '/account/password');
	});
});

describe('language of anonymous pages', () => {
	for (const [al, want] of [
		[undefined, 'nb'],
		['sv', 'sv'],
		['sv-SE,sv;q=0.9,en;q=0.5', 'sv'],
		['en-GB,en;q=0.9', 'en'],
		['de-DE,de;q=0.9,en;q=0.4', 'en'],
		['nn-NO,nn;q=0.9', 'nb'],
		['*', 'nb'],
		['xx;q=abc,,;;', 'nb'],
	]) {
		test(`Accept-Language: ${al ?? '(none)'} → ${want}`, async () => {
			const c = new Client(inst.base, { headers: al ? { 'accept-language': al } : {} });
			const page = await c.get('/login');
			assert.equal(page.status, 200);
			assert.equal(htmlLang(page.text), want);
		});
	}

	test('the login page differs in the three languages', async () => {
		const bodies = {};
		for (const l of ['nb', 'sv', 'en']) {
			bodies[l] = text((await new Client(inst.base, { headers: { 'accept-language': l } }).get('/login')).text);
		}
		assert.notEqual(bodies.nb, bodies.sv);
		assert.notEqual(bodies.nb, bodies.en);
		assert.match(bodies.en, /log in|sign in|password/i);
		assert.match(bodies.sv, /logga in|lösenord/i);
		assert.match(bodies.nb, /logg inn|passord/i);
	});
});

// Throttling on instances of their own: every failure counts against this address's
// budget (20 per 15 minutes), which the tests above must not run out of.
describe('throttling', () => {
	let inst;
	before(async () => {
		inst = await startInstance({ cast: ['admin', 'coordinator', 'auditor'] });
	});
	after(async () => {
		await inst?.stop();
	});
	test('after 5 failures the 6th try is refused with 429 even with the right password', async () => {
		const email = inst.users.auditor.email;
		for (let i = 1; i <= 5; i++) {
			const r = await new Client(inst.base).loginPost(email, `Feil-passord-${i}-xyz`);
			assert.notEqual(r.status, 429, `try ${i} was already throttled`);
			assert.notEqual(r.status, 303, `try ${i} logged in with a wrong password`);
		}
		const c = new Client(inst.base);
		const r = await c.loginPost(email, PASSWORD);
		assert.equal(r.status, 429, `6th try with the right password: ${r.status}`);
		assert.ok(!c.cookies.has(SESSION), 'a throttled log-in got a session');
		assert.ok(text(r.text).length > 0, 'the 429 page is empty');
		// Another account from the same address is not locked out by this one.
		const other = await new Client(inst.base).loginPost(inst.users.coordinator.email, PASSWORD);
		assert.equal(other.status, 303, 'another account was throttled too');
	});

	test('a successful log-in clears the failures', async () => {
		addUser(inst, 'teller@alfa.example', ORG_A, 'therapist', 'Tove Teller');
		for (let round = 0; round < 2; round++) {
			for (let i = 1; i <= 4; i++) {
				const r = await new Client(inst.base).loginPost('teller@alfa.example', `Feil-${round}-${i}-passord`);
				assert.notEqual(r.status, 429, `round ${round} try ${i} throttled`);
			}
			const ok = await new Client(inst.base).loginPost('teller@alfa.example', PASSWORD);
			assert.equal(ok.status, 303, `round ${round}: the right password after 4 failures: ${ok.status}`);
		}
	});
});

describe('throttling by address', () => {
	let own;
	before(async () => {
		own = await startInstance({ cast: ['admin', 'therapist'] });
	});
	after(async () => {
		await own?.stop();
	});
	test('20 failures from one address over many e-mails lock out the address', async () => {
		for (let i = 1; i <= 20; i++) {
			const r = await new Client(own.base).loginPost(`gjett${i}@alfa.example`, 'Gjettet-passord-1');
			assert.notEqual(r.status, 303);
			assert.notEqual(r.status, 429, `try ${i} already throttled`);
		}
		const r = await new Client(own.base).loginPost(own.users.therapist.email, PASSWORD);
		assert.equal(r.status, 429, `a correct log-in from the locked-out address: ${r.status}`);
	});
});
