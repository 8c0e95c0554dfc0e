// intake: programmes, groups (members, capacity, waiting list), referral sources,
// referrals with their status machine, and the public self-referral form (honeypot, rate
// limit, input kept) — through the API and the pages, with bad input, another
// organisation's ids, escaping and audit entries. Synthetic names only.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertApiError, assertNoForeign } from '../lib/checks.mjs';
import { Client } from '../lib/client.mjs';
import { csrfOf } from '../lib/html.mjs';
import { entriesOf, MARK_B, startInstance } from '../lib/instance.mjs';

const EVIL = `<script>'"&`;
let inst, admin, coord, therapist, foreign, web, orgIdA, orgIdB;
const B = {}; // organisation B's ids

before(async () => {
	inst = await startInstance({ cast: ['admin', 'coordinator', 'therapist', 'foreignAdmin'] });
	admin = inst.api('admin');
	coord = inst.api('coordinator');
	therapist = inst.api('therapist');
	foreign = inst.api('foreignAdmin');
	web = await inst.login('coordinator');
	const orgs = inst.cli(['org', 'list'], { check: true }).stdout.trim().split('\n').map((l) => l.split('\t'));
	orgIdA = Number(orgs.find((o) => o[1] === inst.orgName.A)[0]);
	orgIdB = Number(orgs.find((o) => o[1] === inst.orgName.B)[0]);
	// Organisation B's objects, which A must never see.
	const p = await foreign.post('/api/v1/programmes', { template: 'municipal_day_treatment', name: `Program ${MARK_B}` });
	assert.equal(p.status, 201, p.text);
	B.programme = p.data.programme.id;
	const g = await foreign.post(`/api/v1/programmes/${B.programme}/groups`, { name: `Gruppe ${MARK_B}` });
	assert.equal(g.status, 201, g.text);
	B.group = g.data.group.id;
	const r = await foreign.post('/api/v1/referrals', { source: 'nav', referrer_name: `Henviser ${MARK_B}` });
	assert.equal(r.status, 201, r.text);
	B.referral = r.data.referral.id;
	B.self = await selfRefer(orgIdB, { name: `Selv ${MARK_B}`, phone: '+47 912 34 567', consent: 'yes' }, '10.9.9.9');
});
after(async () => {
	await inst?.stop();
});

const foreignMarkers = () => [MARK_B, inst.orgName.B, inst.users.foreignAdmin.email];

/** Submits the public form (a fresh client, its own address through X-Forwarded-For is
 * not trusted, so the rate limit counts the test's address). Returns the response. */
async function submitPublic(orgId, values) {
	const c = new Client(inst.base);
	const page = await c.get(`/p/${orgId}/self-referral`);
	assert.equal(page.status, 200, page.text.slice(0, 300));
	return c.submit(page, values, (f) => f.action?.includes('self-referral'));
}

/** A self-referral in org (through the public form), returning its id via the API. */
async function selfRefer(orgId, values) {
	const res = await submitPublic(orgId, values);
	assert.equal(res.status, 200, res.text.slice(0, 500));
	const api = orgId === orgIdB ? foreign : admin;
	const list = await api.get('/api/v1/self-referrals?limit=200');
	const row = list.data.self_referrals.find((s) => s.name === values.name);
	assert.ok(row, 'the self-referral is in the queue');
	return row.id;
}

let programme, group;

describe('programmes', () => {
	test('create from a template: 201, phases copied, sources seeded', async () => {
		const r = await coord.post('/api/v1/programmes', { template: 'municipal_day_treatment', name: 'Dagbehandling Alfa' });
		assert.equal(r.status, 201, r.text);
		programme = r.data.programme;
		assert.equal(programme.phases.length, 4);
		assert.equal(programme.phases[2].key, 'day_treatment');
		assert.equal(programme.phases[2].target_days, 100);
		const s = await coord.get('/api/v1/referral-sources');
		assert.ok(s.data.referral_sources.some((x) => x.key === 'nav'));
	});
	test('bad input: each field', async () => {
		assertApiError(await coord.post('/api/v1/programmes', { template: 'nope', name: 'X' }), 422);
		assert.equal((await coord.post('/api/v1/programmes', { template: 'nope', name: 'X' })).data.error.field, 'template');
		assert.equal((await coord.post('/api/v1/programmes', { template: 'facilitation', name: '  ' })).data.error.field, 'name');
		assert.equal((await coord.post('/api/v1/programmes', { template: 'facilitation', name: 'x'.repeat(101) })).data.error.field, 'name');
		assertApiError(await coord.post('/api/v1/programmes', { template: 'facilitation', name: 5 }), 400);
		assertApiError(await coord.post('/api/v1/programmes', { template: 'facilitation', name: 'a', extra: 1 }), 400);
		assertApiError(await coord.post('/api/v1/programmes', { template: 'municipal_day_treatment', name: 'Dagbehandling Alfa' }), 422);
	});
	test('therapists read but do not create', async () => {
		assert.equal((await therapist.get('/api/v1/programmes')).status, 200);
		assert.equal((await therapist.post('/api/v1/programmes', { template: 'facilitation', name: 'T' })).status, 403);
	});
	test('PATCH every number, validated per field, nothing changed on error', async () => {
		const phases = programme.phases.map((p) => ({ ...p }));
		phases[2].target_days = 1001;
		let r = await coord.patch(`/api/v1/programmes/${programme.id}`, { phases });
		assertApiError(r, 422);
		assert.equal(r.data.error.field, 'phase2_target_days');
		phases[2].target_days = 90;
		phases[3].min_months = 20;
		phases[3].max_months = 10;
		r = await coord.patch(`/api/v1/programmes/${programme.id}`, { phases });
		assert.equal(r.data.error.field, 'phase3_min_months');
		assert.equal((await coord.get(`/api/v1/programmes/${programme.id}`)).data.programme.phases[2].target_days, 100);
		phases[3].min_months = 6;
		phases[3].max_months = 18;
		r = await coord.patch(`/api/v1/programmes/${programme.id}`, { phases, min_steps: 4 });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.data.programme.phases[2].target_days, 90);
		assert.equal(r.data.programme.min_steps, 4);
	});
	test('closed dates: add, list, remove, bad date', async () => {
		let r = await coord.post(`/api/v1/programmes/${programme.id}/closed-dates`, { day: '2025-12-24', label: 'Julaften' });
		assert.equal(r.status, 201, r.text);
		assert.deepEqual(r.data.closed_dates, [{ day: '2025-12-24', label: 'Julaften' }]);
		assertApiError(await coord.post(`/api/v1/programmes/${programme.id}/closed-dates`, { day: '2025-02-30' }), 422);
		r = await coord.request('DELETE', `/api/v1/programmes/${programme.id}/closed-dates?day=2025-12-24`);
		assert.equal(r.status, 200, r.text);
		assert.equal(r.data.closed_dates.length, 0);
	});
	test("another organisation's programme: 404 with none of its data", async () => {
		for (const r of [
			await coord.get(`/api/v1/programmes/${B.programme}`),
			await coord.patch(`/api/v1/programmes/${B.programme}`, { name: 'Stjålet' }),
			await coord.get(`/api/v1/programmes/${B.programme}/groups`),
			await coord.post(`/api/v1/programmes/${B.programme}/groups`, { name: 'Inn' }),
			await coord.post(`/api/v1/programmes/${B.programme}/closed-dates`, { day: '2025-01-01' }),
			await web.get(`/programmes/${B.programme}`),
		]) {
			assert.equal(r.status, 404, r.text.slice(0, 200));
			assertNoForeign(r.text, foreignMarkers());
		}
		assert.equal((await foreign.get(`/api/v1/programmes/${B.programme}`)).data.programme.name, `Program ${MARK_B}`);
	});
	test('pages: list, new (422 keeps input), one programme with 422 at the field', async () => {
		let r = await web.get('/programmes');
		assert.equal(r.status, 200);
		assert.ok(r.text.includes('Dagbehandling Alfa'));
		r = await web.submit('/programmes/new', { template: 'outpatient_clinic', name: '' }, '/programmes');
		assert.equal(r.status, 422);
		assert.ok(r.text.includes('id="f-name-error"'));
		r = await web.submit('/programmes/new', { template: 'outpatient_clinic', name: `Poliklinikk ${EVIL}` }, '/programmes');
		assert.equal(r.status, 303, r.text.slice(0, 300));
		r = await web.follow(r);
		assert.ok(!r.text.includes(EVIL) && r.text.includes('&lt;script&gt;&#39;&quot;&amp;'));
		const id = Number(new URL(r.url).pathname.split('/')[2]);
		r = await web.submit(`/programmes/${id}`, { phase1_session_minutes: '481', phase0_target_days: 'ti' }, `/programmes/${id}`);
		assert.equal(r.status, 422);
		assert.ok(r.text.includes('id="f-phase1_session_minutes-error"'));
		assert.ok(r.text.includes('id="f-phase0_target_days-error"'));
		assert.ok(r.text.includes('value="ti"'), 'the input is kept');
	});
});

let person1, person2, enrol1, enrol2;
async function makeEnrolment(given) {
	const p = await coord.post('/api/v1/persons', { given_name: given, family_name: 'Testesen' });
	assert.equal(p.status, 201, p.text);
	const pid = (p.data.person ?? p.data).id;
	const e = await coord.post('/api/v1/enrolments', { person_id: pid, programme_id: programme.id });
	assert.ok(e.status === 201 || e.status === 200, e.text);
	return { pid, eid: (e.data.enrolment ?? e.data).id };
}

describe('groups', () => {
	test('create: 201; bad input per field', async () => {
		const r = await coord.post(`/api/v1/programmes/${programme.id}/groups`, {
			name: 'Motivasjon tirsdag',
			phase_key: 'motivation',
			weekdays: [2],
			start: '10:00',
			end: '12:00',
			place: 'Rom 2',
			capacity: 1,
		});
		assert.equal(r.status, 201, r.text);
		group = r.data.group;
		assert.deepEqual(group.weekdays, [2]);
		assert.equal(group.start, '10:00');
		for (const [body, field] of [
			[{ name: '' }, 'name'],
			[{ name: 'a', phase_key: 'nope' }, 'phase_key'],
			[{ name: 'b', start: '25:00', end: '26:00' }, 'start'],
			[{ name: 'c', start: '12:00', end: '11:00' }, 'end'],
			[{ name: 'd', capacity: 1001 }, 'capacity'],
			[{ name: 'e', weekdays: [0] }, 'weekdays'],
			[{ name: 'Motivasjon tirsdag' }, 'name'],
		]) {
			const x = await coord.post(`/api/v1/programmes/${programme.id}/groups`, body);
			assert.equal(x.status, 422, `${JSON.stringify(body)}: ${x.text}`);
			assert.equal(x.data.error.field, field, JSON.stringify(body));
		}
	});
	test('members: full → 409, or the waiting list; promote; end', async () => {
		({ pid: person1, eid: enrol1 } = await makeEnrolment('Gunnar'));
		({ pid: person2, eid: enrol2 } = await makeEnrolment('Hedda'));
		let r = await coord.post(`/api/v1/groups/${group.id}/members`, { enrolment_id: enrol1 });
		assert.equal(r.status, 201, r.text);
		r = await coord.post(`/api/v1/groups/${group.id}/members`, { enrolment_id: enrol2 });
		assert.equal(r.status, 409, r.text);
		r = await coord.post(`/api/v1/groups/${group.id}/members`, { enrolment_id: enrol2, waitlist_if_full: true });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.data.waitlisted, true);
		assert.equal(r.data.waiting[0].enrolment_id, enrol2);
		r = await coord.post(`/api/v1/groups/${group.id}/waiting/promote`, {});
		assert.equal(r.status, 409, 'no room');
		const member = (await coord.get(`/api/v1/groups/${group.id}`)).data.members[0];
		r = await coord.request('DELETE', `/api/v1/groups/${group.id}/members?member_id=${member.id}`);
		assert.equal(r.status, 200, r.text);
		r = await coord.post(`/api/v1/groups/${group.id}/waiting/promote`, {});
		assert.equal(r.status, 200, r.text);
		assert.equal(r.data.waiting.length, 0);
		assert.ok(r.data.members.some((m) => m.enrolment_id === enrol2 && m.to === null));
		r = await coord.post(`/api/v1/groups/${group.id}/members`, { enrolment_id: 999999 });
		assert.equal(r.data.error.field, 'enrolment_id');
	});
	test('the group page shows members (audited as person reads) and links the roster', async () => {
		const r = await web.get(`/groups/${group.id}`);
		assert.equal(r.status, 200);
		assert.ok(r.text.includes('Hedda'));
		assert.ok(r.text.includes(`/groups/${group.id}/roster`));
		const a = await admin.get(`/api/v1/audit?action=person.read&limit=1000`);
		assert.ok(entriesOf(a.data).some((e) => e.object_id === String(person2)));
	});
	test('page: adding a member to a full group without the box → 409 offering the waiting list', async () => {
		await coord.patch(`/api/v1/groups/${group.id}`, { capacity: 1 });
		const r = await web.submit(`/groups/${group.id}`, { enrolment_id: String(enrol1), waitlist: undefined }, `/groups/${group.id}/members`);
		assert.equal(r.status, 409, r.text.slice(0, 300));
		assert.ok(r.text.includes('id="f-waitlist-error"'));
	});
	test("another organisation's group: 404", async () => {
		for (const r of [
			await coord.get(`/api/v1/groups/${B.group}`),
			await coord.patch(`/api/v1/groups/${B.group}`, { name: 'x' }),
			await coord.post(`/api/v1/groups/${B.group}/members`, { enrolment_id: enrol1 }),
			await web.get(`/groups/${B.group}`),
		]) {
			assert.equal(r.status, 404);
			assertNoForeign(r.text, foreignMarkers());
		}
	});
});

describe('referrals', () => {
	let ref;
	test('create, list, read with history; bad input per field', async () => {
		let r = await coord.post('/api/v1/referrals', {
			source: 'gp',
			referrer_name: `Dr. ${EVIL}`,
			referrer_org: 'Legekontoret',
			received_on: '2025-01-15',
			reason: `Trenger hjelp ${EVIL}`,
			person_id: person1,
		});
		assert.equal(r.status, 201, r.text);
		ref = r.data.referral;
		assert.equal(ref.status, 'received');
		for (const [body, field] of [
			[{ source: 'nope' }, 'source'],
			[{ source: 'gp', received_on: '2025-13-01' }, 'received_on'],
			[{ source: 'gp', received_on: '2999-01-01' }, 'received_on'],
			[{ source: 'gp', referrer_name: 'x'.repeat(201) }, 'referrer_name'],
			[{ source: 'gp', person_id: 99999 }, 'person_id'],
			[{ source: 'gp', programme_id: B.programme }, 'programme_id'],
			[{ source: 'gp', programme_id: 99999 }, 'programme_id'],
		]) {
			const x = await coord.post('/api/v1/referrals', body);
			assert.equal(x.status, 422, x.text);
			assert.equal(x.data.error.field, field);
		}
		r = await therapist.get(`/api/v1/referrals/${ref.id}`);
		assert.equal(r.status, 200);
		assert.equal(r.data.history.length, 1);
		assert.deepEqual(r.data.allowed_status, ['assessed', 'declined', 'referred_elsewhere']);
		assert.equal((await therapist.post('/api/v1/referrals', { source: 'gp' })).status, 403);
		// A referral for a programme (the report counts it there), through the API and the form.
		r = await coord.post('/api/v1/referrals', { source: 'gp', programme_id: programme.id });
		assert.equal(r.status, 201, r.text);
		assert.equal(r.data.referral.programme_id, programme.id);
		const page = await web.get('/referrals/new');
		assert.equal(page.status, 200);
		assert.match(page.text, /<select[^>]*name="programme_id"/);
		const posted = await web.submit('/referrals/new', { source: 'gp', programme_id: String(programme.id) }, '/referrals');
		assert.equal(posted.status, 303, posted.text);
		const made = await coord.get(`/api/v1/referrals/${posted.location.match(/\/referrals\/(\d+)/)[1]}`);
		assert.equal(made.data.referral.programme_id, programme.id);
	});
	test('status machine: allowed and refused moves, dated and attributed', async () => {
		let r = await coord.post(`/api/v1/referrals/${ref.id}/status`, { status: 'accepted' });
		assert.equal(r.status, 422);
		assert.equal(r.data.error.field, 'status');
		r = await coord.post(`/api/v1/referrals/${ref.id}/status`, { status: 'assessed', on: '2025-01-10' });
		assert.equal(r.data.error.field, 'on_day', 'before the latest change');
		r = await coord.post(`/api/v1/referrals/${ref.id}/status`, { status: 'assessed', on: '2025-01-20', note: 'Vurdert' });
		assert.equal(r.status, 200, r.text);
		r = await coord.post(`/api/v1/referrals/${ref.id}/status`, { status: 'offered_conversation' });
		r = await coord.post(`/api/v1/referrals/${ref.id}/status`, { status: 'accepted' });
		assert.equal(r.data.referral.status, 'accepted');
		assert.equal(r.data.history.length, 4);
		assert.equal(r.data.history[1].by_user, inst.users.coordinator.id);
		assert.deepEqual(r.data.allowed_status, []);
	});
	test('list: filter by status, paging; bad status 400', async () => {
		let r = await coord.get('/api/v1/referrals?status=accepted');
		assert.ok(r.data.referrals.every((x) => x.status === 'accepted'));
		r = await coord.get('/api/v1/referrals?status=open&limit=1');
		assert.equal(r.data.limit, 1);
		assert.equal((await coord.get('/api/v1/referrals?status=bogus')).status, 400);
		r = await web.get('/referrals?status=');
		assert.equal(r.status, 200);
		assert.ok(!r.text.includes(EVIL));
	});
	test('the referral page escapes every text field', async () => {
		const r = await web.get(`/referrals/${ref.id}`);
		assert.equal(r.status, 200);
		assert.ok(!r.text.includes(EVIL));
		assert.ok(r.text.includes('Dr. &lt;script&gt;&#39;&quot;&amp;'));
	});
	test('page: new referral keeps input on error; status form', async () => {
		let r = await web.submit('/referrals/new', { source: '', referrer_name: EVIL, received_on: 'i går' }, '/referrals');
		assert.equal(r.status, 422);
		assert.ok(r.text.includes('id="f-source-error"') && r.text.includes('id="f-received_on-error"'));
		assert.ok(!r.text.includes(EVIL) && r.text.includes('value="&lt;script&gt;&#39;&quot;&amp;"'));
		r = await web.submit('/referrals/new', { source: 'family', reason: 'Bekymret søster' }, '/referrals');
		assert.equal(r.status, 303);
		const page = await web.follow(r);
		const id = new URL(page.url).pathname.split('/')[2];
		r = await web.submit(page, { status: 'waiting_list' }, `/referrals/${id}/status`);
		assert.equal(r.status, 422, 'received → waiting_list is refused');
		r = await web.submit(page, { status: 'assessed' }, `/referrals/${id}/status`);
		assert.equal(r.status, 303);
		assert.ok(page.text.includes(`/persons/new?referral=${id}`));
	});
	test('link a person; another organisation person or referral: refused', async () => {
		let r = await coord.post(`/api/v1/referrals/${ref.id}/person`, { person_id: person2 });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.data.referral.person_id, person2);
		r = await coord.post(`/api/v1/referrals/${B.referral}/person`, { person_id: person2 });
		assert.equal(r.status, 404);
		for (const x of [await coord.get(`/api/v1/referrals/${B.referral}`), await web.get(`/referrals/${B.referral}`)]) {
			assert.equal(x.status, 404);
			assertNoForeign(x.text, foreignMarkers());
		}
		const list = await coord.get('/api/v1/referrals?status=&limit=200');
		assertNoForeign(list.text, foreignMarkers());
	});
	test('referral sources: add, rename, deactivate; bad input', async () => {
		let r = await coord.post('/api/v1/referral-sources', { label: `Barnevernet ${EVIL}` });
		assert.equal(r.status, 201, r.text);
		const key = r.data.referral_source.key;
		assert.match(key, /^[a-z0-9_]+$/);
		assertApiError(await coord.post('/api/v1/referral-sources', { label: '' }), 422);
		r = await coord.patch('/api/v1/referral-sources', { key, label: 'Barnevernstjenesten', active: false });
		assert.equal(r.status, 200, r.text);
		assert.ok(!r.data.referral_sources.some((s) => s.key === key), 'inactive sources are not listed by default');
		assert.equal((await coord.post('/api/v1/referrals', { source: key })).data.error.field, 'source');
		r = await web.get('/settings/referral-sources');
		assert.equal(r.status, 200);
		assert.ok(!r.text.includes(EVIL));
	});
});

describe('self-referral (public)', () => {
	test('the form: no login, no staff navigation, unknown organisation 404', async () => {
		const c = new Client(inst.base);
		let r = await c.get(`/p/${orgIdA}/self-referral`);
		assert.equal(r.status, 200);
		assert.ok(!r.text.includes('tolv-nav'));
		assert.ok(r.text.includes('aria-hidden="true"') && r.text.includes('tabindex="-1"'));
		r = await c.get('/p/999999/self-referral');
		assert.equal(r.status, 404);
	});
	test('validation: a message at each field, input kept, nothing stored', async () => {
		const before = (await admin.get('/api/v1/self-referrals?status=')).data.total;
		let r = await submitPublic(orgIdA, { name: '', phone: '12ab', email: 'nope', message: EVIL });
		assert.equal(r.status, 422);
		for (const f of ['name', 'phone', 'email', 'consent']) assert.ok(r.text.includes(`id="f-${f}-error"`), f);
		assert.ok(!r.text.includes(EVIL) && r.text.includes('&lt;script&gt;&#39;&quot;&amp;</textarea>'));
		assert.ok(r.text.includes('value="12ab"'));
		r = await submitPublic(orgIdA, { name: 'Ola Nordmann-Test', consent: 'yes' });
		assert.equal(r.status, 422);
		assert.ok(r.text.includes('id="f-phone-error"'), 'phone or e-mail is required');
		r = await submitPublic(orgIdA, { name: 'Ola', phone: '1234567', consent: 'yes' });
		assert.ok(r.text.includes('id="f-phone-error"'), 'fewer than 8 digits');
		assert.equal((await admin.get('/api/v1/self-referrals?status=')).data.total, before);
	});
	test('success: a receipt that echoes nothing; it lands in the queue; audited', async () => {
		const name = `Kari ${EVIL} Selvhenvist`;
		const r = await submitPublic(orgIdA, { name, email: 'kari@example.no', message: 'Hemmelig melding', consent: 'yes' });
		assert.equal(r.status, 200);
		assert.ok(!r.text.includes('Kari') && !r.text.includes('kari@example.no') && !r.text.includes('Hemmelig'));
		const q = await web.get('/referrals/self');
		assert.equal(q.status, 200);
		assert.ok(q.text.includes('Kari &lt;script&gt;&#39;&quot;&amp; Selvhenvist'));
		assertNoForeign(q.text, foreignMarkers());
		const a = await admin.get('/api/v1/audit?action=self_referral&limit=1000');
		const actions = entriesOf(a.data).map((e) => e.action);
		assert.ok(actions.includes('self_referral.create') && actions.includes('self_referral.read'));
	});
	test('the honeypot: the same receipt, nothing stored', async () => {
		const before = (await admin.get('/api/v1/self-referrals?status=')).data.total;
		const r = await submitPublic(orgIdA, { name: 'Robot', phone: '12345678', consent: 'yes', website: 'http://spam.example' });
		assert.equal(r.status, 200);
		assert.equal((await admin.get('/api/v1/self-referrals?status=')).data.total, before);
	});
	test('take in → a referral with source self-referral; discard needs a reason; foreign ids 404', async () => {
		const id = await selfRefer(orgIdA, { name: 'Per Inntak', phone: '912 34 567', consent: 'yes' });
		let r = await coord.post(`/api/v1/self-referrals/${id}/take`, {});
		assert.equal(r.status, 201, r.text);
		assert.equal(r.data.referral.source, 'self_referral');
		assert.equal((await coord.post(`/api/v1/self-referrals/${id}/take`, {})).status, 409);
		const id2 = await selfRefer(orgIdA, { name: 'Siri Forkast', phone: '+4791234568', consent: 'yes' });
		assertApiError(await coord.post(`/api/v1/self-referrals/${id2}/discard`, { reason: 'lei' }), 422);
		r = await coord.post(`/api/v1/self-referrals/${id2}/discard`, { reason: 'duplicate' });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.data.self_referral.status, 'discarded');
		for (const x of [
			await coord.get(`/api/v1/self-referrals/${B.self}`),
			await coord.post(`/api/v1/self-referrals/${B.self}/take`, {}),
			await coord.post(`/api/v1/self-referrals/${B.self}/discard`, { reason: 'spam' }),
		]) {
			assert.equal(x.status, 404);
			assertNoForeign(x.text, foreignMarkers());
		}
		assert.equal((await therapist.get('/api/v1/self-referrals')).status, 403);
	});
	test('page: take in goes to the new referral', async () => {
		await selfRefer(orgIdA, { name: 'Lise Sidetest', phone: '91234569', consent: 'yes' });
		const q = await web.get('/referrals/self');
		const r = await web.submit(q, {}, (f) => f.action?.endsWith('/take'));
		assert.equal(r.status, 303);
		assert.match(new URL(r.location, r.url).pathname, /^\/referrals\/\d+$/);
	});
	test('rate limit: after 5 an hour from one address, a clear 429 and nothing stored', async () => {
		// Earlier tests stored several from this address already; fill up to the limit.
		let last;
		for (let i = 0; i < 6; i++) last = await submitPublic(orgIdA, { name: `Flom ${i}`, phone: '91234560', consent: 'yes' });
		assert.equal(last.status, 429);
		assert.ok(last.text.includes('<h1'));
		const list = await admin.get('/api/v1/self-referrals?status=&limit=200');
		assert.ok(!list.data.self_referrals.some((s) => s.name === 'Flom 5'));
	});
});

describe('audit and the CSRF token', () => {
	test('changes are audited; the chain verifies', async () => {
		const a = await admin.get('/api/v1/audit?limit=1000');
		const actions = new Set(entriesOf(a.data).map((e) => e.action));
		for (const x of ['programme.create', 'programme.update', 'group.create', 'group.member.add', 'group.waiting.add',
			'group.waiting.promote', 'referral.create', 'referral.status', 'referral.read', 'referral_source.add',
			'self_referral.take', 'self_referral.discard']) assert.ok(actions.has(x), x);
		assert.equal(inst.cli(['audit', 'verify']).code, 0);
	});
	test('a page POST without the csrf field: 403', async () => {
		const r = await web.post('/programmes', { form: { template: 'facilitation', name: 'Uten token' } });
		assert.equal(r.status, 403);
		assert.ok(csrfOf((await web.get('/programmes/new')).text));
	});
});
