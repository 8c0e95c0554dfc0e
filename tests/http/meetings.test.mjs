// meetings: the meeting directory over HTTP — the Meeting Guide feed, the public finder and
// its search API with several filters, "add to calendar", CSV, the change-request form
// (CSRF, honeypot, rate limit), the directory editors (listings, publish, the queue, web
// imports), bad input, and organisations kept apart (another organisation's meeting ids on
// editor routes are 404).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertApiError } from '../lib/checks.mjs';
import { Api, Client } from '../lib/client.mjs';
import { csrfOf } from '../lib/html.mjs';
import { ORG_A, ORG_B, startInstance } from '../lib/instance.mjs';
import { ROOT } from '../lib/tolv.mjs';

const FIX = (name) => path.join(ROOT, 'tests', 'fixtures', name);

let inst, anon, coord, foreign, idsA, idB;

before(async () => {
	inst = await startInstance();
	const a = inst.cli(['import', 'meetings', FIX('meetings-http-a.json'), '--org', ORG_A, '--quiet'], { check: true });
	assert.match(a.stdout, /applied: 20 added/);
	inst.cli(['import', 'meetings', FIX('meetings-http-b.json'), '--org', ORG_B, '--quiet'], { check: true });
	anon = new Api(inst.base);
	coord = await inst.login('coordinator');
	foreign = await inst.login('foreignAdmin');
	const list = await inst.api('coordinator').get('/api/v1/directory/meetings?limit=100');
	assert.equal(list.status, 200, list.text);
	idsA = Object.fromEntries(list.data.meetings.map((m) => [m.slug, m.id]));
	const lb = await inst.api('foreignAdmin').get('/api/v1/directory/meetings');
	idB = lb.data.meetings[0].id;
});
after(async () => {
	await inst?.stop();
});

const search = async (q) => {
	const r = await anon.get(`/api/v1/meetings?${new URLSearchParams(q)}`);
	assert.equal(r.status, 200, `${JSON.stringify(q)}: ${r.text}`);
	return r.data;
};

describe('the Meeting Guide feed', () => {
	test('GET /meetings.json: every public meeting of every organisation, in the specification\'s shape', async () => {
		const r = await fetch(`${inst.base}/meetings.json`);
		assert.equal(r.status, 200);
		assert.match(r.headers.get('content-type'), /^application\/json/);
		assert.equal(r.headers.get('set-cookie'), null);
		assert.ok(r.headers.get('etag'));
		assert.ok(r.headers.get('last-modified'));
		const feed = await r.json();
		assert.equal(feed.length, 21);
		for (const m of feed) {
			assert.equal(typeof m.name, 'string');
			assert.match(m.slug, /^[a-z0-9._~-]+$/i);
			if (m.time) assert.match(m.time, /^\d\d:\d\d$/);
			const days = Array.isArray(m.day) ? m.day : [m.day];
			for (const d of days) assert.ok(Number.isInteger(d) && d >= 0 && d <= 6);
			assert.ok(Array.isArray(m.types ?? []));
			assert.match(m.updated, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
		}
		const ny = feed.find((m) => m.slug === 'evening-ny');
		assert.deepEqual(ny.day, [1, 3]);
		assert.equal(ny.timezone, 'America/New_York');
		// The same ETag again: 304, no body.
		const again = await fetch(`${inst.base}/meetings.json`, { headers: { 'if-none-match': r.headers.get('etag') } });
		assert.equal(again.status, 304);
		assert.equal((await again.text()).length, 0);
	});
});

describe('the public finder', () => {
	test('several filters at once: day, fellowship, open, language, wheelchair', async () => {
		const all = await search({ limit: 200 });
		assert.equal(all.meetings.length, 21);
		for (const day of [0, 1, 2, 3]) {
			const d = await search({ day, fellowship: 'aa', access: 'open', limit: 200 });
			for (const m of d.meetings) {
				assert.ok(m.days.includes(day), `${m.slug} is not on day ${day}`);
				assert.equal(m.fellowship, 'AA');
				assert.ok(m.types.includes('O'));
			}
		}
		const wc = await search({ wheelchair: 1, lang: 'NO', limit: 200 });
		assert.ok(wc.meetings.length > 0);
		for (const m of wc.meetings) assert.ok(m.types.includes('X') && m.types.includes('NO'), m.slug);
		const na = await search({ fellowship: 'na', limit: 200 });
		assert.ok(na.meetings.length > 0);
		for (const m of na.meetings) assert.equal(m.fellowship, 'NA');
		const online = await search({ mode: 'online', limit: 200 });
		for (const m of online.meetings) assert.notEqual(m.attendance, 'in_person', m.slug);
		assert.ok(online.meetings.some((m) => m.slug === 'bare-nett'));
	});

	test('sorted by next start; the next two hours; distance from a point and from a place', async () => {
		const all = await search({ limit: 200 });
		const starts = all.meetings.map((m) => m.next_start).filter(Boolean);
		assert.deepEqual(starts, [...starts].sort());
		const now = Date.now();
		const soon = await search({ when: 'soon', limit: 200 });
		for (const m of soon.meetings) {
			const t = Date.parse(m.next_start);
			assert.ok(t >= now - 60_000 && t <= now + 2 * 3600_000 + 60_000, `${m.slug} at ${m.next_start}`);
		}
		const near = await search({ lat: '59.9139', lon: '10.7522', km: '3', limit: 200 });
		assert.ok(near.meetings.length > 0);
		for (const m of near.meetings) assert.ok(m.distance_km <= 3, `${m.slug} ${m.distance_km}`);
		assert.ok(!near.meetings.some((m) => m.region === 'Bergenhus' || m.slug === 'evening-ny'));
		const bergen = await search({ near: 'bergenhus', km: '5', limit: 200 });
		assert.ok(bergen.meetings.length > 0);
		for (const m of bergen.meetings) assert.equal(m.region, 'Bergenhus');
		const paged = await search({ limit: 3 });
		assert.equal(paged.meetings.length, 3);
		assert.equal(paged.more, true);
		const next = await search({ limit: 3, offset: 3 });
		assert.notEqual(next.meetings[0].id, paged.meetings[0].id);
	});

	test('bad input is a 400 that names the field', async () => {
		for (const [q, field] of [
			[{ when: 'yesterday' }, 'when'],
			[{ day: '9' }, 'day'],
			[{ lat: '999', lon: '10' }, 'lat'],
			[{ near: 'Atlantis' }, 'near'],
			[{ km: '-1', lat: '59', lon: '10' }, 'km'],
			[{ fellowship: 'xx' }, 'fellowship'],
			[{ limit: '100000' }, 'limit'],
		]) {
			const r = await anon.get(`/api/v1/meetings?${new URLSearchParams(q)}`);
			assertApiError(r, 400, JSON.stringify(q));
			assert.equal(r.data.error.field, field, JSON.stringify(q));
		}
		const page = await new Client(inst.base).get('/meetings?when=yesterday');
		assert.equal(page.status, 400);
	});

	test('the finder page works without login and without scripts, in nb, sv and en', async () => {
		for (const [lang, word] of [
			['nb', 'mandag'],
			['sv', 'måndag'],
			['en', 'Monday'],
		]) {
			const c = new Client(inst.base, { headers: { 'accept-language': lang } });
			const r = await c.get('/meetings?day=1&fellowship=aa');
			assert.equal(r.status, 200);
			assert.match(r.text, new RegExp(`<html lang="${lang}"`));
			assert.ok(r.text.includes(word), `${lang}: no ${word}`);
			assert.ok(!/<script/i.test(r.text));
		}
		const print = await new Client(inst.base).get('/meetings/print?day=1');
		assert.equal(print.status, 200);
	});

	test('a meeting page, and another organisation\'s name is nowhere on it', async () => {
		const r = await new Client(inst.base).get(`/meetings/${idsA['mote-1']}`);
		assert.equal(r.status, 200);
		assert.ok(r.text.includes('Møte'));
		assert.ok(!r.text.includes(ORG_A) && !r.text.includes(ORG_B));
		assert.equal((await new Client(inst.base).get('/meetings/999999')).status, 404);
		assert.equal((await anon.get(`/api/v1/meetings/${idsA['mote-1']}`)).status, 200);
	});

	test('add to calendar: one meeting and a filtered list as iCalendar', async () => {
		const r = await fetch(`${inst.base}/meetings/${idsA['evening-ny']}/calendar.ics`);
		assert.equal(r.status, 200);
		assert.match(r.headers.get('content-type'), /^text\/calendar/);
		const ics = (await r.text()).replace(/\r\n /g, '');
		assert.match(ics, /^BEGIN:VCALENDAR\r\n/);
		assert.match(ics, /BEGIN:VTIMEZONE\r\nTZID:America\/New_York/);
		assert.match(ics, /RRULE:FREQ=WEEKLY;BYDAY=MO,WE/);
		assert.match(ics, /DTSTART;TZID=America\/New_York:\d{8}T190000/);
		const list = await (await fetch(`${inst.base}/meetings.ics?fellowship=na`)).text();
		const events = list.match(/BEGIN:VEVENT/g) ?? [];
		const na = await search({ fellowship: 'na', limit: 200 });
		assert.equal(events.length, na.meetings.length);
		const csv = await fetch(`${inst.base}/meetings.csv?fellowship=na`);
		assert.match(csv.headers.get('content-type'), /^text\/csv/);
		const lines = (await csv.text()).trim().split('\r\n');
		assert.equal(lines.length, na.meetings.length + 1);
		assert.match(lines[0], /^"Time","End Time","Day","Name"/);
	});
});

describe('request a change to a listing', () => {
	const page = () => `/meetings/${idsA['mote-2']}`;
	test('a request lands in the editors\' queue; they close it', async () => {
		const c = new Client(inst.base);
		const res = await c.submit(page(), { name: 'Kari', message: 'Møtet har flyttet til rom 2.' }, /change$/);
		assert.equal(res.status, 303, res.text.slice(0, 500));
		assert.match(res.location, /\?sent=1$/);
		const thanks = await c.follow(res);
		assert.equal(thanks.status, 200);
		const q = await coord.get('/directory/requests');
		assert.ok(q.text.includes('Møtet har flyttet til rom 2.'));
		// The foreign organisation's queue does not have it.
		assert.ok(!(await foreign.get('/directory/requests')).text.includes('rom 2'));
		const done = await coord.submit(q, { status: 'done' }, '/directory/requests');
		assert.equal(done.status, 303);
		assert.ok(!(await coord.get('/directory/requests')).text.includes('rom 2'));
		assert.ok((await coord.get('/directory/requests?status=done')).text.includes('rom 2'));
	});

	test('without the CSRF token: 403; empty: 422 with the message kept; the honeypot keeps nothing', async () => {
		const c = new Client(inst.base);
		await c.get(page());
		const noToken = await c.post(`${page()}/change`, { form: { message: 'x' } });
		assert.equal(noToken.status, 403);
		const empty = await c.submit(page(), { name: '<b>Ola</b>', message: '' }, /change$/);
		assert.equal(empty.status, 422);
		assert.ok(empty.text.includes('&lt;b&gt;Ola&lt;/b&gt;'));
		const robot = await c.submit(page(), { message: 'buy things', homepage: 'http://spam.example' }, /change$/);
		assert.equal(robot.status, 303);
		assert.ok(!(await coord.get('/directory/requests')).text.includes('buy things'));
	});

	test('at most five requests an hour from one address', async () => {
		const c = new Client(inst.base);
		const statuses = [];
		for (let i = 0; i < 5; i++) {
			const r = await c.submit(page(), { message: `Request ${i}` }, /change$/);
			statuses.push(r.status);
		}
		// One was sent by the first test already: the fifth of these is the sixth.
		assert.deepEqual(statuses.slice(0, 4), [303, 303, 303, 303]);
		assert.equal(statuses[4], 429);
	});
});

describe('directory editors', () => {
	test('roles: administrators and coordinators edit; therapists and auditors do not', async () => {
		assert.equal((await coord.get('/directory')).status, 200);
		assert.equal((await (await inst.login('admin')).get('/directory')).status, 200);
		for (const k of ['therapist', 'auditor']) assert.equal((await (await inst.login(k)).get('/directory')).status, 403);
		assert.equal((await anon.get('/api/v1/directory/meetings')).status, 401);
	});

	test('create with validation (anonymity), then find it at once in the public search; unpublish hides it', async () => {
		const form = '/directory/meetings/new';
		const bad = await coord.submit(
			form,
			{ name: 'Onsdagsgruppa', day: '3', time: '18:15', location: 'Kirken', contact_1_name: 'Kari Nordmann' },
			'/directory/meetings',
		);
		assert.equal(bad.status, 422);
		assert.match(bad.text, /f-contact_1_name/);
		assert.ok(bad.text.includes('Onsdagsgruppa'), 'the input is kept');
		const ok = await coord.submit(form, {
			name: 'Onsdagsgruppa <script>"x"</script>',
			day: '3',
			time: '18:15',
			end_time: '19:45',
			location: 'Kirken',
			types: 'O, X, NO',
			contact_1_name: 'Kari N.',
			latitude: '59.91',
			longitude: '10.75',
		}, '/directory/meetings');
		assert.equal(ok.status, 303, ok.text.slice(0, 800));
		const id = Number(ok.location.split('/').pop());
		const pub = await new Client(inst.base).get(`/meetings/${id}`);
		assert.equal(pub.status, 200);
		assert.ok(!pub.text.includes('<script>"x"'));
		assert.ok(pub.text.includes('&lt;script&gt;'));
		const found = await search({ day: 3, wheelchair: 1, limit: 200 });
		assert.ok(found.meetings.some((m) => m.id === id), 'the new meeting is in the search at once');
		const edit = await coord.get(`/directory/meetings/${id}`);
		const off = await coord.submit(edit, {}, `/directory/meetings/${id}/publish`);
		assert.equal(off.status, 303);
		assert.equal((await new Client(inst.base).get(`/meetings/${id}`)).status, 404);
		const feed = await (await fetch(`${inst.base}/meetings.json`)).json();
		assert.ok(!feed.some((m) => m.name.startsWith('Onsdagsgruppa')));
		// An edit keeps it, with the new time.
		const saved = await coord.submit(`/directory/meetings/${id}`, { time: '18:30' }, `/directory/meetings/${id}`);
		assert.equal(saved.status, 303);
		const api = await inst.api('coordinator').get('/api/v1/directory/meetings?q=Onsdagsgruppa');
		assert.equal(api.data.meetings[0].time, '18:30');
		assert.equal(api.data.meetings[0].public, false);
	});

	test('another organisation\'s meeting ids are 404 on every editor route', async () => {
		const csrf = csrfOf((await foreign.get('/directory')).text);
		const id = idsA['mote-3'];
		assert.equal((await foreign.get(`/directory/meetings/${id}`)).status, 404);
		assert.equal((await foreign.post(`/directory/meetings/${id}`, { form: { csrf, name: 'Stolen' } })).status, 404);
		assert.equal((await foreign.post(`/directory/meetings/${id}/publish`, { form: { csrf, public: '0' } })).status, 404);
		assert.equal((await coord.get(`/directory/meetings/${idB}`)).status, 404);
		const list = await inst.api('foreignAdmin').get('/api/v1/directory/meetings?limit=1000');
		assert.ok(!list.data.meetings.some((m) => m.id === id));
		// Still public and unchanged.
		const r = await anon.get(`/api/v1/meetings/${id}`);
		assert.equal(r.status, 200);
		assert.notEqual(r.data.meeting.name, 'Stolen');
	});

	test('the API creates a listing; bad JSON fields are named', async () => {
		const api = inst.api('coordinator');
		const ok = await api.post('/api/v1/directory/meetings', { name: 'Fredagsmøte', day: [5], time: '20:00', location: 'Huset', types: ['C', 'NO'] });
		assert.equal(ok.status, 201, ok.text);
		assert.equal(ok.data.meeting.day, 5);
		const bad = await api.post('/api/v1/directory/meetings', { name: 'X', day: 9, location: 'H' });
		assertApiError(bad, 400);
		assert.equal(bad.data.error.field, 'day');
		const tz = await api.post('/api/v1/directory/meetings', { name: 'X', timezone: 'Mars/Base', location: 'H' });
		assertApiError(tz, 422);
		assert.equal(tz.data.error.field, 'timezone');
		const unknown = await api.post('/api/v1/directory/meetings', { name: 'X', colour: 'red' });
		assertApiError(unknown, 400);
		const therapist = await inst.api('therapist').post('/api/v1/directory/meetings', { name: 'X', location: 'H' });
		assertApiError(therapist, 403);
	});

	test('an import from the web: preview changes nothing; apply does; the history is kept', async () => {
		const feed = JSON.stringify([
			{ name: 'Limt inn 1', slug: 'limt-1', day: 4, time: '18:00', location: 'Huset', types: ['O'] },
			{ name: 'Limt inn 2', slug: 'limt-2', day: 4, time: '99:00', location: 'Huset' },
			{ name: 'Limt inn 3', slug: 'limt-3', day: 6, time: '11:00', location: 'Huset' },
		]);
		const preview = await coord.submit('/directory/import', { feed, name: 'Limt feed', action: 'preview' }, '/directory/import');
		assert.equal(preview.status, 200, preview.text.slice(0, 500));
		assert.ok(preview.text.includes('limt-1') && preview.text.includes('limt-3'));
		assert.ok(preview.text.includes('limt-2'), 'the rejected row is listed');
		assert.ok(!(await search({ limit: 200 })).meetings.some((m) => m.slug === 'limt-1'));
		const applied = await coord.submit(preview, { action: 'apply' }, '/directory/import');
		assert.equal(applied.status, 200);
		assert.ok((await search({ limit: 200 })).meetings.some((m) => m.slug === 'limt-1'));
		const hist = await coord.get('/directory/import');
		assert.ok(hist.text.includes('Limt feed'));
		assert.match(hist.text, /applied/);
		assert.match(hist.text, /preview/);
		const none = await coord.submit('/directory/import', { action: 'preview' }, '/directory/import');
		assert.equal(none.status, 422);
		const broken = await coord.submit('/directory/import', { feed: '{not json', name: 'Broken', action: 'apply' }, '/directory/import');
		assert.equal(broken.status, 200);
		assert.ok(broken.text.includes('not valid JSON') || broken.text.includes('gyldig JSON'));
	});

	test('every change is in the audit log, and the chain verifies', async () => {
		const r = inst.cli(['audit', 'verify']);
		assert.equal(r.code, 0, r.stdout + r.stderr);
		const audit = await (await inst.login('admin')).get('/audit?action=meeting');
		assert.equal(audit.status, 200);
		assert.ok(audit.text.includes('meeting.create'));
		assert.ok(audit.text.includes('meeting.import'));
		assert.ok(audit.text.includes('meeting.unpublish'));
	});
});
