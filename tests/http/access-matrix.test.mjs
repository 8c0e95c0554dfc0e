// access-matrix: every route of `tolv routes` × every kind of caller, with the answer
// each must get, derived from the route's flags and roles — so a new route is covered
// the moment it is added to the table.
//
// Callers: admin, coordinator, therapist, auditor of organisation A; nobody (not logged
// in); the admin of organisation B; and, for pages, a user who has not chosen an
// organisation yet and a user who must still change a one-time password.
//
// Expected answers (flags: login, org, csrf, api, no_session, pw_change_ok):
//   not logged in, route needs login  → pages 303 to /login, API 401
//   logged in, must change password, route not pw_change_ok → 303 to /account/password
//   logged in, no organisation chosen, route needs org → 303 to /org
//   logged in, role not among the route's roles → 403
//   a route with {id}, the id of a user of the caller's organisation → allowed
//   a route with {id}, the id of a user of another organisation → 404 (403 if the role
//     may not use the route at all), with none of that user's data in the body
//   allowed: GET 2xx/3xx (not to /login); POST/PATCH 2xx/3xx or a validation answer
//     (400/409/422), never 401/403/404
//   a route that needs no log-in, called while logged in: not 5xx (its rule is not in
//     the table)
// For every caller and route: never 5xx, never another organisation's data.
// Also from the flags: a csrf route refuses a request without the token (403), and a
// no_session route sets no cookie.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isRedirectToLogin } from '../lib/checks.mjs';
import { Api, Client } from '../lib/client.mjs';
import { csrfOf } from '../lib/html.mjs';
import { addUser, CAST, listUsers, MARK_A, MARK_B, ORG_A, ORG_B, PASSWORD, startInstance } from '../lib/instance.mjs';
import { ROOT, tolv } from '../lib/tolv.mjs';

const ROUTES = JSON.parse(tolv(['routes'], { check: true }).stdout);

// Users the routes with {id} act on: OWN[X] by callers of organisation X, VICTIM[X] by
// callers of the other one (who must get 404 and change nothing).
const OWN = {
	A: { email: 'maal@alfa.example', name: `Tia ${MARK_A} Maal`, org: ORG_A },
	B: { email: 'maal@beta.example', name: `Tor ${MARK_B} Maal`, org: ORG_B },
};
const VICTIM = {
	A: { email: 'offer@alfa.example', name: `Vera ${MARK_A} Offer`, org: ORG_A },
	B: { email: 'offer@beta.example', name: `Vidar ${MARK_B} Offer`, org: ORG_B },
};
const MULTI = { email: 'flere@alfa.example', name: `Fia Flere`, role: 'therapist' };
const ONETIME = { email: 'engang@alfa.example', name: `Ole ${MARK_A} Engang`, role: 'therapist' };

let inst;
const callers = {}; // name → {name, role, org ('A'|'B'|null), client, api, csrf, html, apiOk, login()}
const markersOf = { A: [], B: [] }; // strings that belong to one organisation only

before(async () => {
	inst = await startInstance();
	for (const t of [OWN.A, OWN.B, VICTIM.A, VICTIM.B]) addUser(inst, t.email, t.org, 'therapist', t.name);
	addUser(inst, MULTI.email, ORG_A, 'therapist', MULTI.name);
	addUser(inst, MULTI.email, ORG_B, 'therapist');
	const out = inst.cli(['user', 'add', ONETIME.email, '--org', ORG_A, '--role', 'therapist', '--name', ONETIME.name], {
		env: { TOLV_USER_PASSWORD: '' },
		check: true,
	});
	ONETIME.password = out.stdout.match(/one-time password[^:]*:\s*(\S+)/i)?.[1];
	assert.ok(ONETIME.password, `no one-time password in: ${out.stdout}`);
	const all = listUsers(inst);
	for (const t of [OWN.A, OWN.B, VICTIM.A, VICTIM.B]) t.id = all.find((u) => u.email === t.email).id;

	for (const k of Object.keys(CAST)) {
		const u = inst.users[k];
		markersOf[u.org].push(u.email);
	}
	markersOf.A.push(MARK_A, OWN.A.email, VICTIM.A.email, ONETIME.email, ORG_A);
	markersOf.B.push(MARK_B, OWN.B.email, VICTIM.B.email, ORG_B);

	const mk = (name, role, org, login, { api = true } = {}) => {
		const c = { name, role, org, api: null, client: null, csrf: null, html: true, apiOk: api, login };
		callers[name] = c;
		return c;
	};
	for (const k of ['admin', 'coordinator', 'therapist', 'auditor', 'foreignAdmin']) {
		const u = inst.users[k];
		mk(k, u.role, u.org, async (c) => {
			c.client = await inst.login(k);
		});
	}
	mk('anonymous', null, null, async (c) => {
		c.client = new Client(inst.base);
	});
	mk(
		'no-org-chosen',
		null,
		null,
		async (c) => {
			c.client = new Client(inst.base);
			await c.client.login(MULTI.email, PASSWORD); // lands on /org, chooses nothing
		},
		{ api: false },
	);
	mk(
		'must-change-password',
		'therapist',
		'A',
		async (c) => {
			c.client = new Client(inst.base);
			await c.client.login(ONETIME.email, ONETIME.password);
		},
		{ api: false },
	);
	for (const c of Object.values(callers)) {
		await c.login(c);
		c.csrf = await csrfFor(c);
		if (c.apiOk && c.role) c.api = inst.api(c.name);
		else c.api = new Api(inst.base, null);
	}
	for (const f of ID_FIXTURES) await f.make();
});

// Routes whose {id} is not a user: the pattern's prefix → the id of one such object in
// each organisation (OBJECT_IDS[prefix] = {A, B}), made by the area's fixture below
// through the API. A caller of organisation X gets X's object as "own-id" and the other
// organisation's as "foreign-id". Names carry the organisation's marker, so a leak shows.
// Each area adds its own entry.
const OBJECT_IDS = {};
const ID_FIXTURES = [
	// persons and enrolments (tests/http/persons.test.mjs)
	{
		async make() {
			for (const [org, key, mark] of [
				['A', 'admin', MARK_A],
				['B', 'foreignAdmin', MARK_B],
			]) {
				const api = inst.api(key);
				const p = await api.post('/api/v1/persons', { given_name: `Matrise ${mark}`, family_name: `Person ${mark}` });
				assert.equal(p.status, 201, `fixture person: ${p.text}`);
				(OBJECT_IDS['/persons/'] ??= {})[org] = p.data.person.id;
				(OBJECT_IDS['/api/v1/persons/'] ??= {})[org] = p.data.person.id;
				const prog = await api.post('/api/v1/programmes', { template: 'municipal_day_treatment', name: `Matriseprogram ${mark}` });
				if (prog.status !== 201) continue; // programmes not in this build
				const e = await api.post('/api/v1/enrolments', { person_id: p.data.person.id, programme_id: prog.data.programme.id });
				assert.equal(e.status, 201, `fixture enrolment: ${e.text}`);
				(OBJECT_IDS['/enrolments/'] ??= {})[org] = e.data.enrolment.id;
				(OBJECT_IDS['/api/v1/enrolments/'] ??= {})[org] = e.data.enrolment.id;
			}
		},
	},
	// attendance (tests/http/attendance.test.mjs): a programme with a group in each
	// organisation, for the roster, board and CSV routes — unless the intake fixture made them.
	{
		async make() {
			for (const [org, key, mark] of [
				['A', 'admin', MARK_A],
				['B', 'foreignAdmin', MARK_B],
			]) {
				const have = (k) => OBJECT_IDS[k]?.[org] !== undefined;
				if (have('/groups/') && have('/programmes/')) continue;
				const api = inst.api(key);
				const prog = await api.post('/api/v1/programmes', { template: 'municipal_day_treatment', name: `Fremmøteprogram ${mark}` });
				if (prog.status !== 201) continue; // programmes not in this build
				const pid = prog.data.programme.id;
				const g = await api.post(`/api/v1/programmes/${pid}/groups`, { name: `Fremmøtegruppe ${mark}`, phase_key: 'day_treatment', capacity: 10 });
				assert.equal(g.status, 201, `fixture group: ${g.text}`);
				for (const [k, id] of [
					['/programmes/', pid],
					['/api/v1/programmes/', pid],
					['/groups/', g.data.group.id],
					['/api/v1/groups/', g.data.group.id],
				])
					if (!have(k)) (OBJECT_IDS[k] ??= {})[org] = id;
			}
		},
	},
	// intake (tests/http/intake.test.mjs): a referral and a self-referral (through the
	// public form) in each organisation; the public form's {id} is the organisation's id.
	{
		async make() {
			const orgs = inst.cli(['org', 'list'], { check: true }).stdout.trim().split('\n').map((l) => l.split('\t'));
			for (const [org, key, mark] of [
				['A', 'admin', MARK_A],
				['B', 'foreignAdmin', MARK_B],
			]) {
				const orgId = Number(orgs.find((o) => o[1] === (org === 'A' ? ORG_A : ORG_B))[0]);
				(OBJECT_IDS['/p/'] ??= {})[org] = orgId;
				const api = inst.api(key);
				const r = await api.post('/api/v1/referrals', { source: 'other', referrer_name: `Matrise ${mark}` });
				if (r.status !== 201) continue; // referrals not in this build
				(OBJECT_IDS['/referrals/'] ??= {})[org] = r.data.referral.id;
				(OBJECT_IDS['/api/v1/referrals/'] ??= {})[org] = r.data.referral.id;
				const c = new Client(inst.base);
				const form = await c.get(`/p/${orgId}/self-referral`);
				const sent = await c.request('POST', `/p/${orgId}/self-referral`, {
					form: { csrf: csrfOf(form.text), name: `Matrise ${mark} Selv`, phone: '91234567', consent: 'yes' },
				});
				assert.equal(sent.status, 200, `fixture self-referral: ${sent.status}`);
				const list = await api.get('/api/v1/self-referrals');
				const sr = list.data.self_referrals.find((x) => x.name.includes(mark));
				(OBJECT_IDS['/referrals/self/'] ??= {})[org] = sr.id;
				(OBJECT_IDS['/api/v1/self-referrals/'] ??= {})[org] = sr.id;
			}
		},
	},
	// the meeting directory (tests/http/meetings.test.mjs): each organisation's meetings,
	// imported from the fixtures; the public meeting pages and the editors' pages take them.
	{
		async make() {
			for (const [org, name, key, file] of [
				['A', ORG_A, 'admin', 'meetings-http-a.json'],
				['B', ORG_B, 'foreignAdmin', 'meetings-http-b.json'],
			]) {
				const r = inst.cli(['import', 'meetings', path.join(ROOT, 'tests', 'fixtures', file), '--org', name, '--quiet']);
				if (r.code !== 0) continue; // the directory not in this build
				const list = await inst.api(key).get('/api/v1/directory/meetings');
				const id = list.data?.meetings?.[0]?.id;
				assert.ok(id, `fixture meeting of ${org}: ${list.status} ${list.text}`);
				for (const k of ['/meetings/', '/api/v1/meetings/', '/directory/meetings/']) (OBJECT_IDS[k] ??= {})[org] = id;
			}
		},
	},
	// clinical notes (tests/http/notes.test.mjs): a signed note in each organisation, so
	// that no caller's edit, delete or sign can remove it (each is refused with 409).
	{
		async make() {
			for (const [org, key, mark] of [
				['A', 'admin', MARK_A],
				['B', 'foreignAdmin', MARK_B],
			]) {
				const pid = OBJECT_IDS['/persons/']?.[org];
				if (pid === undefined) continue;
				const api = inst.api(key);
				const n = await api.post(`/api/v1/persons/${pid}/notes`, { type: 'individual', date: '2025-01-06', text: `Matrisenotat ${mark}` });
				if (n.status === 404) continue; // notes not in this build
				assert.equal(n.status, 201, `fixture note: ${n.text}`);
				const s = await api.post(`/api/v1/notes/${n.data.id}/sign`, {});
				assert.equal(s.status, 200, `fixture note sign: ${s.text}`);
				for (const k of ['/notes/', '/api/v1/notes/']) (OBJECT_IDS[k] ??= {})[org] = n.data.id;
			}
		},
	},
	// group sessions (tests/http/sessions.test.mjs): a session of a group with one attendee
	// in each organisation (a roster saved on a past weekday makes it).
	{
		async make() {
			const iso = (d) => d.toISOString().slice(0, 10);
			const day = new Date(Date.now() - 86400000);
			while (day.getUTCDay() === 0 || day.getUTCDay() === 6) day.setUTCDate(day.getUTCDate() - 1);
			const since = new Date(day.getTime() - 14 * 86400000);
			for (const [org, key, mark] of [
				['A', 'admin', MARK_A],
				['B', 'foreignAdmin', MARK_B],
			]) {
				const api = inst.api(key);
				const prog = await api.post('/api/v1/programmes', { template: 'municipal_day_treatment', name: `Samlingsprogram ${mark}` });
				if (prog.status !== 201) continue;
				const g = await api.post(`/api/v1/programmes/${prog.data.programme.id}/groups`, {
					name: `Samlingsgruppe ${mark}`,
					phase_key: 'day_treatment',
					weekdays: [1, 2, 3, 4, 5],
					capacity: 10,
				});
				const p = await api.post('/api/v1/persons', { given_name: 'Samling', family_name: `Deltaker ${mark}` });
				const e = await api.post('/api/v1/enrolments', {
					person_id: p.data.person.id,
					programme_id: prog.data.programme.id,
					start_date: iso(new Date(since.getTime() - 6 * 86400000)),
				});
				assert.equal(e.status, 201, `fixture session enrolment: ${e.text}`);
				const ph = await api.post(`/api/v1/enrolments/${e.data.enrolment.id}/events`, {
					kind: 'phase',
					to_phase: 'day_treatment',
					date: iso(since),
					reason: 'Matrix fixture',
					version: e.data.enrolment.version,
				});
				assert.equal(ph.status, 201, `fixture session phase: ${ph.text}`);
				const m = await api.post(`/api/v1/groups/${g.data.group.id}/members`, { enrolment_id: e.data.enrolment.id, from: iso(since) });
				assert.equal(m.status, 201, `fixture session member: ${m.text}`);
				const r = await api.request('PUT', `/api/v1/groups/${g.data.group.id}/roster`, {
					json: { date: iso(day), rows: [{ enrolment_id: e.data.enrolment.id, attended: true, hours: 4 }] },
				});
				if (r.status === 404) continue; // sessions not in this build
				assert.equal(r.status, 200, `fixture session roster: ${r.text}`);
				for (const k of ['/sessions/', '/api/v1/sessions/']) (OBJECT_IDS[k] ??= {})[org] = r.data.session_id;
			}
		},
	},
	// FHIR export (tests/http/fhir.test.mjs): a Patient is a person, an EpisodeOfCare and a
	// CarePlan are an enrolment — the persons fixture's.
	{
		async make() {
			for (const org of ['A', 'B']) {
				const pid = OBJECT_IDS['/persons/']?.[org];
				const eid = OBJECT_IDS['/enrolments/']?.[org];
				if (pid !== undefined) (OBJECT_IDS['/fhir/Patient/'] ??= {})[org] = pid;
				if (eid !== undefined) for (const k of ['/fhir/EpisodeOfCare/', '/fhir/CarePlan/']) (OBJECT_IDS[k] ??= {})[org] = eid;
			}
		},
	},
	// relapses (tests/http/relapses.test.mjs): a draft relapse about a person in each organisation.
	{
		async make() {
			for (const [org, key, mark] of [
				['A', 'admin', MARK_A],
				['B', 'foreignAdmin', MARK_B],
			]) {
				const api = inst.api(key);
				const p = await api.post('/api/v1/persons', { given_name: 'Tilbakefall', family_name: `Person ${mark}` });
				const x = await api.post(`/api/v1/persons/${p.data.person.id}/relapses`, {
					date: new Date().toISOString().slice(0, 10),
					substances: ['alcohol'],
					source: 'told',
				});
				if (x.status === 404) continue; // relapses not in this build
				assert.equal(x.status, 201, `fixture relapse: ${x.text}`);
				for (const k of ['/relapses/', '/api/v1/relapses/']) (OBJECT_IDS[k] ??= {})[org] = x.data.id;
			}
		},
	},
	// sobriety tests (tests/http/sobriety.test.mjs): a breath test about the persons
	// fixture's person, and a substance class (from the admin's page), in each organisation.
	{
		async make() {
			for (const [org, key] of [
				['A', 'admin'],
				['B', 'foreignAdmin'],
			]) {
				const pid = OBJECT_IDS['/persons/']?.[org];
				if (pid === undefined) continue;
				const t = await inst.api(key).post(`/api/v1/persons/${pid}/tests`, { kind: 'breath', permille: 0 });
				if (t.status === 404) continue; // sobriety tests not in this build
				assert.equal(t.status, 201, `fixture test: ${t.text}`);
				for (const k of ['/tests/', '/api/v1/tests/']) (OBJECT_IDS[k] ??= {})[org] = t.data.id;
				const page = await (await inst.login(key)).get('/substances');
				const m = page.text.match(/href="\/substances\/(\d+)"/);
				if (m) (OBJECT_IDS['/substances/'] ??= {})[org] = Number(m[1]);
			}
		},
	},
	// outcome measures (tests/http/outcomes.test.mjs): an AUDIT result about the persons
	// fixture's person in each organisation (/outcomes/{id}/error).
	{
		async make() {
			for (const [org, key] of [
				['A', 'admin'],
				['B', 'foreignAdmin'],
			]) {
				const pid = OBJECT_IDS['/persons/']?.[org];
				if (pid === undefined) continue;
				const today = new Date().toISOString().slice(0, 10);
				const r = await inst.api(key).post(`/api/v1/persons/${pid}/outcomes`, { questionnaire: 'audit', taken_on: today, answers: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0] });
				if (r.status === 404) continue; // outcome measures not in this build
				assert.equal(r.status, 201, `fixture outcome: ${r.text}`);
				(OBJECT_IDS['/outcomes/'] ??= {})[org] = r.data.outcome.id;
			}
		},
	},
	// the network report (tests/http/network.test.mjs): both organisations are members, so
	// that the report's allowed roles see it (a non-member is refused with 403).
	{
		async make() {
			for (const org of [ORG_A, ORG_B]) {
				const r = inst.cli(['network', 'join', '--org', org]);
				if (r.code === 2) return; // the network is not in this build
				assert.equal(r.code, 0, `fixture network join: ${r.stderr}`);
			}
		},
	},
];
/** The id for a route with {id}: an object of OBJECT_IDS when its prefix matches, else a user. */
function idFor(pattern, variant, org) {
	const own = variant === 'foreign-id' ? otherOrg(org) : org;
	const prefix = Object.keys(OBJECT_IDS)
		.filter((k) => pattern.startsWith(k))
		.sort((a, b) => b.length - a.length)[0];
	if (prefix && OBJECT_IDS[prefix][own] !== undefined) return OBJECT_IDS[prefix][own];
	return variant === 'foreign-id' ? VICTIM[otherOrg(org)].id : OWN[org].id;
}
after(async () => {
	await inst?.stop();
});

/** The csrf token of the caller's session (or, not logged in, of the log-in form). */
async function csrfFor(c) {
	for (const p of ['/account/password', '/account', '/org', '/login']) {
		const r = await c.client.get(p);
		if (r.status === 200) {
			const t = csrfOf(r.text);
			if (t) return t;
		}
	}
	throw new Error(`no csrf token found for ${c.name}`);
}

/** Logs the caller in again if the last request ended its session (POST /logout...). */
async function ensureSession(c) {
	if (c.name === 'anonymous') return;
	const r = await c.client.get('/account/password');
	if (r.status === 200) return;
	await c.login(c);
	c.csrf = await csrfFor(c);
}

const methodsOf = (rt) =>
	rt.method
		.split(/[ ,|]+/)
		.map((m) => m.trim().toUpperCase())
		.filter((m) => m && m !== 'HEAD');

const otherOrg = (org) => (org === 'A' ? 'B' : 'A');

/** What caller c must get for (route, method, variant). */
function expected(rt, method, c, variant) {
	const f = new Set(rt.flags);
	const api = f.has('api');
	if (!c.role && c.name === 'anonymous') {
		if (f.has('login')) return api ? 'unauthorized' : 'to-login';
		return 'allowed';
	}
	if (!f.has('login')) return 'any';
	if (c.name === 'must-change-password' && !f.has('pw_change_ok')) return 'to-password';
	if (c.name === 'no-org-chosen') {
		if (f.has('org')) return 'to-org';
		if (rt.roles.length) return 'any';
	}
	const roleOk = rt.roles.length === 0 || rt.roles.includes(c.role);
	if (!roleOk) return variant === 'foreign-id' ? 'forbidden-or-notfound' : 'forbidden';
	if (variant === 'foreign-id') return 'notfound';
	return 'allowed';
}

const pathOf = (res) => new URL(res.location, res.url).pathname;
const endsSession = (res) =>
	res.setCookies?.some((c) => c.name === 'tolv_session' && (c.value === '' || Number(c.attrs['max-age']) <= 0));

function check(exp, res, method, api) {
	const s = res.status;
	const redirect = s >= 300 && s < 400;
	switch (exp) {
		case 'to-login':
			return isRedirectToLogin(res) ? null : 'a redirect to /login';
		case 'unauthorized':
			return s === 401 ? null : '401';
		case 'to-password':
			return redirect && pathOf(res) === '/account/password' ? null : 'a redirect to /account/password';
		case 'to-org':
			return redirect && pathOf(res) === '/org' ? null : 'a redirect to /org';
		case 'forbidden':
			return s === 403 ? null : '403';
		case 'forbidden-or-notfound':
			return s === 403 || s === 404 ? null : '403 or 404';
		case 'notfound':
			return s === 404 ? null : '404';
		case 'allowed':
			// A redirect to /login refuses the caller — unless the request ended the session
			// itself (log-out), which its answer shows by clearing the session cookie.
			if (redirect && isRedirectToLogin(res) && !endsSession(res)) return 'allowed (not a redirect to /login)';
			if (method === 'GET') return (s >= 200 && s < 300) || redirect ? null : 'allowed (2xx/3xx)';
			return (s >= 200 && s < 400) || [400, 409, 422].includes(s) ? null : 'allowed (2xx/3xx or 400/409/422)';
		case 'any':
			return null;
		default:
			throw new Error(exp);
	}
}

async function send(c, rt, method, path, { csrf = true } = {}) {
	const api = rt.flags.includes('api');
	if (api) {
		if (method === 'GET') return c.api.request('GET', path);
		return c.api.request(method, path, { json: {} });
	}
	const opts = {};
	if (method !== 'GET') opts.form = csrf ? { csrf: c.csrf } : {};
	const r = await c.client.request(method, path, opts);
	return r;
}

const short = (res) => `${res.status}${res.location ? ` → ${res.location}` : ''}`;

describe('access matrix', () => {
	test('the route table is not empty and every route has a known shape', () => {
		assert.ok(ROUTES.length >= 10);
		const known = new Set(['login', 'org', 'csrf', 'api', 'no_session', 'pw_change_ok', 'public']);
		for (const rt of ROUTES) for (const f of rt.flags) assert.ok(known.has(f), `unknown flag ${f} on ${rt.pattern}: teach the matrix what it means`);
		const roles = new Set(['admin', 'coordinator', 'therapist', 'auditor']);
		for (const rt of ROUTES) for (const r of rt.roles) assert.ok(roles.has(r), `unknown role ${r} on ${rt.pattern}`);
	});

	for (const rt of ROUTES) {
		for (const method of methodsOf(rt)) {
			test(`${method} ${rt.pattern}`, async () => {
				const failures = [];
				const api = rt.flags.includes('api');
				for (const c of Object.values(callers)) {
					if (api && !c.apiOk) continue;
					const variants = rt.pattern.includes('{id}')
						? c.org
							? ['own-id', 'foreign-id']
							: ['own-id']
						: ['plain'];
					for (const variant of variants) {
						if (!api) await ensureSession(c);
						const org = c.org ?? 'A';
						const id = idFor(rt.pattern, variant, org);
						const path = rt.pattern.replace('{id}', String(id));
						const exp = expected(rt, method, c, variant);
						let res;
						try {
							res = await send(c, rt, method, path);
						} catch (e) {
							failures.push(`${c.name} ${variant}: request failed: ${e.message}`);
							continue;
						}
						const where = `${c.name}${variant === 'plain' ? '' : ` (${variant})`}: ${method} ${path}`;
						if (res.status >= 500) failures.push(`${where}: ${short(res)} (a server error)`);
						const want = check(exp, res, method, api);
						if (want) failures.push(`${where}: expected ${want}, got ${short(res)}`);
						// Never another organisation's data (nobody's, when not logged in).
						const foreign = c.name === 'anonymous' ? [...markersOf.A, ...markersOf.B] : c.org ? [...markersOf[otherOrg(c.org)]] : [];
						// A public page (flag public) of an organisation may name that organisation.
						if (rt.flags.includes('public')) {
							const pageOrg = variant === 'foreign-id' ? otherOrg(org) : org;
							const i = foreign.indexOf(pageOrg === 'A' ? ORG_A : ORG_B);
							if (i >= 0) foreign.splice(i, 1);
						}
						// The network's pages name the member organisations (issue 7), never their data.
						if (rt.pattern.startsWith('/network')) for (const n of [ORG_A, ORG_B]) if (foreign.includes(n)) foreign.splice(foreign.indexOf(n), 1);
						const leaked = foreign.filter((m) => res.text.includes(m));
						if (leaked.length) failures.push(`${where}: the body holds another organisation's data: ${leaked.join(', ')}`);
						if (rt.flags.includes('no_session') && res.headers.get('set-cookie')) {
							failures.push(`${where}: a no_session route set a cookie: ${res.headers.get('set-cookie')}`);
						}
					}
				}
				assert.ok(failures.length === 0, `${failures.length} wrong answer(s):\n  ${failures.join('\n  ')}`);
			});
		}
	}

	test('every csrf route refuses a request without the token (403)', async () => {
		const failures = [];
		for (const rt of ROUTES.filter((r) => r.flags.includes('csrf'))) {
			for (const method of methodsOf(rt)) {
				// A caller who would otherwise be let through.
				const c = rt.flags.includes('login') ? callers.admin : callers.anonymous;
				await ensureSession(c);
				const path = rt.pattern.replace('{id}', String(OWN.A.id));
				let res;
				if (rt.flags.includes('api')) {
					// Bearer tokens carry no ambient authority; a session cookie does.
					res = await callers.admin.client.request(method, path, { json: {}, headers: { accept: 'application/json' } });
				} else {
					res = await c.client.request(method, path, { form: {} });
				}
				if (res.status !== 403) failures.push(`${method} ${path} without a token: ${short(res)}`);
			}
		}
		assert.ok(failures.length === 0, failures.join('\n'));
	});

	test("no caller changed a user of another organisation", async () => {
		for (const [org, v] of Object.entries(VICTIM)) {
			const row = listUsers(inst, v.org).find((u) => u.id === v.id);
			assert.ok(row, `${v.email} is gone from ${v.org}`);
			assert.equal(row.name, v.name, `${v.email} was renamed`);
			assert.equal(row.role, 'therapist', `the role of ${v.email} changed`);
			assert.equal(row.state, 'active', `${v.email} was disabled`);
			const other = org === 'A' ? ORG_B : ORG_A;
			assert.ok(!listUsers(inst, other).some((u) => u.id === v.id), `${v.email} got a membership in ${other}`);
			// Its password was not reset either: it still logs in, without being made to change it.
			const res = await new Client(inst.base).loginPost(v.email, PASSWORD);
			assert.equal(res.status, 303, `${v.email} can no longer log in: ${res.status}`);
			assert.notEqual(new URL(res.location, res.url).pathname, '/account/password', `${v.email} must now change its password`);
		}
		const r = inst.cli(['audit', 'verify']);
		assert.equal(r.code, 0, r.stdout + r.stderr);
	});
});
