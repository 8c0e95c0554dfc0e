// facilitation: Twelve Step Facilitation (issue 5) — a therapist records a stance of
// "declines" (refused without a day to take it up again; with one it shows on the start
// page when due), later "interested", picks two directory meetings, records an
// accompanied meeting (left early — that is fine) and its debrief, and sees the
// engagement summary; pages keep input on errors, everything is escaped, another
// organisation's person is 404 with none of its data, reads and changes are audited.
//
// The revisit rule (domain/facilitation.h): the day to take it up again must be later
// than the day of the stance and not in the past. To see it come due in a test, the
// stance is recorded as of a week ago with today as the revisit day.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertApiError, assertNoForeign } from '../lib/checks.mjs';
import { MARK_A, MARK_B, startInstance } from '../lib/instance.mjs';

const NASTY = `<script>'"&`;
const pad = (n) => String(n).padStart(2, '0');
const daysAgo = (n) => {
	const d = new Date(Date.now() - n * 86400000);
	return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
};
const today = () => daysAgo(0);

let inst, admin, coord, therapist, auditor, foreign;
let person, foreignPerson, therapistId, m1, m2;
before(async () => {
	inst = await startInstance();
	admin = inst.api('admin');
	coord = inst.api('coordinator');
	therapist = inst.api('therapist');
	auditor = inst.api('auditor');
	foreign = inst.api('foreignAdmin');
	const me = (await therapist.get('/api/v1/me')).data;
	therapistId = me.user?.id ?? me.id;
	const p = await coord.post('/api/v1/persons', { given_name: `Fasil ${NASTY}`, family_name: `Person ${MARK_A}` });
	assert.equal(p.status, 201, p.text);
	person = p.data.person;
	const prog = await coord.post('/api/v1/programmes', { template: 'municipal_day_treatment', name: `Fasilitering ${MARK_A}` });
	assert.equal(prog.status, 201, prog.text);
	const e = await coord.post('/api/v1/enrolments', { person_id: person.id, programme_id: prog.data.programme.id, therapist_id: therapistId });
	assert.equal(e.status, 201, e.text);
	const fp = await foreign.post('/api/v1/persons', { given_name: `Fremmed ${MARK_B}`, family_name: `Person ${MARK_B}` });
	assert.equal(fp.status, 201, fp.text);
	foreignPerson = fp.data.person;
	for (const [name, day] of [[`Tirsdagsgruppa ${MARK_A}`, [2]], [`Torsdagsmøtet ${MARK_A}`, [4]]]) {
		const m = await coord.post('/api/v1/directory/meetings', { name, day, time: '19:00', location: 'Kirkens bymisjon', types: ['O', 'NO', 'DD'] });
		assert.equal(m.status, 201, m.text);
		if (!m1) m1 = m.data.meeting.id;
		else m2 = m.data.meeting.id;
	}
});
after(async () => {
	await inst?.stop();
});

const base = () => `/api/v1/persons/${person.id}/facilitation`;
async function auditEntries(q) {
	const r = await admin.get(`/api/v1/audit?${q}&limit=1000`);
	assert.equal(r.status, 200, r.text);
	return r.data.entries;
}

describe('facilitation', () => {
	test('"declines" without a day to take it up again is refused (API and page, input kept)', async () => {
		const r = await therapist.post(`${base()}/stance`, { stance: 'declines', note: 'Vil ikke nå' });
		const e = assertApiError(r, 422);
		assert.equal(e.field, 'revisit_on');
		const past = await therapist.post(`${base()}/stance`, { stance: 'declines', revisit_on: daysAgo(1) });
		assert.equal(assertApiError(past, 422).field, 'revisit_on');
		const future = await therapist.post(`${base()}/stance`, { stance: 'interested', on: daysAgo(-2) });
		assert.equal(assertApiError(future, 422).field, 'on');
		const c = await inst.login('therapist');
		const page = await c.submit(`/persons/${person.id}/facilitation`, { stance: 'declines', stance_note: `Kept ${NASTY}` }, `/persons/${person.id}/facilitation/stance`);
		assert.equal(page.status, 422);
		assert.match(page.text, /id="f-revisit_on-error"/);
		assert.ok(page.text.includes('Kept &lt;script&gt;'), 'the note is kept, escaped');
		assert.ok(!page.text.includes(NASTY));
		assert.equal((page.text.match(/<h1/g) || []).length, 1);
		const g = await therapist.get(base());
		assert.equal(g.data.stance, null, 'nothing was stored');
	});

	test('"declines" with a day: the revisit shows on the start page when due, and goes when the stance changes', async () => {
		const r = await therapist.post(`${base()}/stance`, { stance: 'declines', on: daysAgo(7), revisit_on: today(), note: `Ikke klar ${NASTY}` });
		assert.equal(r.status, 201, r.text);
		assert.equal(r.data.stance.revisit_on, today());
		const c = await inst.login('therapist');
		const start = await c.get('/');
		assert.equal(start.status, 200);
		assert.match(start.text, /data-list="revisits"/);
		assert.ok(start.text.includes(`href="/persons/${person.id}/facilitation"`), 'the person is listed');
		assert.ok(!start.text.includes(NASTY), 'the name is escaped');
		const cc = await inst.login('coordinator');
		assert.ok((await cc.get('/')).text.includes(`/persons/${person.id}/facilitation`), 'coordinators see the organisation');

		const later = await therapist.post(`${base()}/stance`, { stance: 'interested', note: 'Vil prøve et åpent møte' });
		assert.equal(later.status, 201, later.text);
		assert.equal(later.data.stance.revisit_on, null);
		const again = await c.get('/');
		assert.ok(!again.text.includes(`/persons/${person.id}/facilitation`), 'no longer due');
		const s = await therapist.get(base());
		assert.equal(s.data.summary.stance, 'interested');
	});

	test('two meetings chosen, an accompanied meeting left early, its debrief, the log and the summary', async () => {
		for (const id of [m1, m2]) {
			const a = await therapist.post(`${base()}/actions`, { kind: 'chose_meetings', meeting_id: id });
			assert.equal(a.status, 201, a.text);
		}
		const bad = await therapist.post(`${base()}/actions`, { kind: 'chose_meetings', meeting_id: 99999999 });
		assert.equal(assertApiError(bad, 422).field, 'meeting_id');
		const acc = await therapist.post(`${base()}/actions`, { kind: 'accompanied', meeting_id: m1, stayed: false, note: 'Gikk etter 20 minutter' });
		assert.equal(acc.status, 201, acc.text);
		assert.equal(acc.data.action.stayed, false);
		const deb = await therapist.post(`${base()}/actions`, { kind: 'debriefed', note: `Snakket om møtet ${NASTY}` });
		assert.equal(deb.status, 201, deb.text);

		const l1 = await therapist.post(`${base()}/meetings`, { meeting_id: m1, accompanied: true, stayed: false, source: 'staff_confirmed' });
		assert.equal(l1.status, 201, l1.text);
		assert.equal(l1.data.meeting.name, '', 'the directory names it');
		const l2 = await therapist.post(`${base()}/meetings`, { meeting_id: m2, on: daysAgo(8) });
		assert.equal(l2.status, 201, l2.text);
		const l3 = await therapist.post(`${base()}/meetings`, { name: `NA Sentrum ${NASTY}`, on: daysAgo(40) });
		assert.equal(l3.status, 201, l3.text);
		const none = await therapist.post(`${base()}/meetings`, { on: today() });
		assert.equal(assertApiError(none, 422).field, 'name');

		const prof = await therapist.request('PUT', `${base()}/profile`, { json: { sponsor: 'temporary', home_group: `Torsdag ${NASTY}` } });
		assert.equal(prof.status, 200, prof.text);

		const s = await therapist.get(base());
		assert.equal(s.status, 200, s.text);
		assert.equal(s.data.summary.meetings_last_30_days, 2);
		assert.equal(s.data.summary.weeks_with_meeting, 3);
		assert.equal(s.data.summary.meetings_per_week.length, 12);
		assert.equal(s.data.summary.meetings_per_week.reduce((a, w) => a + w.meetings, 0), 3);
		assert.equal(s.data.summary.sponsor, 'temporary');
		assert.equal(s.data.profile.home_group, `Torsdag ${NASTY}`);

		const c = await inst.login('therapist');
		const page = await c.get(`/persons/${person.id}/facilitation`);
		assert.equal(page.status, 200);
		assert.equal((page.text.match(/<h1/g) || []).length, 1);
		assert.match(page.text, /data-fact="meetings-30">2</);
		assert.match(page.text, /data-fact="weeks-with-meeting">3</);
		assert.match(page.text, /<svg[^>]*role="img"/);
		assert.ok(!/style=/.test(page.text), 'no inline styles');
		assert.ok(page.text.includes(`Tirsdagsgruppa ${MARK_A}`));
		assert.ok(page.text.includes('NA Sentrum &lt;script&gt;'));
		assert.ok(!page.text.includes(NASTY), 'everything is escaped');
		const pp = await c.get(`/persons/${person.id}`);
		assert.match(pp.text, /data-fact="meetings-30">2</);
		assert.ok(pp.text.includes(`/persons/${person.id}/facilitation`));

		// The page forms: a meeting in the log, then the profile.
		const sent = await c.submit(page, { meeting_on: today(), meeting_id: String(m2), accompanied: 'no', meeting_stayed: 'yes', source: 'person_reported' }, `/persons/${person.id}/facilitation/meetings`);
		assert.equal(sent.status, 303, sent.text.slice(0, 500));
		const s2 = await therapist.get(base());
		assert.equal(s2.data.summary.meetings_last_30_days, 3);
	});

	test('another organisation: 404 with none of its data; auditors may not', async () => {
		const f = await foreign.get(base());
		assertApiError(f, 404);
		assertNoForeign(f.text, [MARK_A, 'Tirsdagsgruppa'], 'API');
		assertApiError(await foreign.post(`${base()}/stance`, { stance: 'interested' }), 404);
		const mine = await therapist.get(`/api/v1/persons/${foreignPerson.id}/facilitation`);
		assertApiError(mine, 404);
		assertNoForeign(mine.text, [MARK_B], 'API');
		const fc = await inst.login('foreignAdmin');
		const page = await fc.get(`/persons/${person.id}/facilitation`);
		assert.equal(page.status, 404);
		assertNoForeign(page.text, [MARK_A], 'page');
		assertApiError(await auditor.get(base()), 403);
	});

	test('reads and changes are audited', async () => {
		for (const action of ['facilitation.stance', 'facilitation.action', 'facilitation.meeting', 'facilitation.profile', 'facilitation.read']) {
			const e = await auditEntries(`action=${action}`);
			assert.ok(e.some((x) => x.object_type === 'person' && x.object_id === String(person.id)), `${action} not audited`);
		}
		const listed = await auditEntries('action=person.list');
		assert.ok(listed.some((x) => (x.subjects || []).includes(person.id) && x.detail.includes('facilitation.revisits')), 'the start page listing is audited');
		const stances = await auditEntries('action=facilitation.stance');
		assert.ok(!stances.some((x) => x.detail.includes('Ikke klar')), 'notes are not copied into the audit log');
	});
});
