// facilitation_more: the rest of issue 5's facilitation half over HTTP — the person's
// chosen meetings (the "chose_meetings" actions with a directory meeting) as a short list
// of links to /meetings/{id} on the facilitation page and on the plan page of the
// person's enrolment, and the engagement summary (meetings in the last 30 days, sponsor
// status) in the rows of the caseload.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MARK_A, startInstance } from '../lib/instance.mjs';

const pad = (n) => String(n).padStart(2, '0');
const daysAgo = (n) => {
	const d = new Date(Date.now() - n * 86400000);
	return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
};

let inst, coord, therapist, therapistId, programmeId;
let chooser, quiet, enrolment, m1, m2, m3;

async function newPerson(given) {
	const p = await coord.post('/api/v1/persons', { given_name: given, family_name: `Valg ${MARK_A}` });
	assert.equal(p.status, 201, p.text);
	const e = await coord.post('/api/v1/enrolments', { person_id: p.data.person.id, programme_id: programmeId, therapist_id: therapistId });
	assert.equal(e.status, 201, e.text);
	return { person: p.data.person, enrolment: e.data.enrolment };
}

before(async () => {
	inst = await startInstance({ cast: ['admin', 'coordinator', 'therapist'] });
	coord = inst.api('coordinator');
	therapist = inst.api('therapist');
	const me = (await therapist.get('/api/v1/me')).data;
	therapistId = me.user?.id ?? me.id;
	const prog = await coord.post('/api/v1/programmes', { template: 'municipal_day_treatment', name: `Valgte møter ${MARK_A}` });
	assert.equal(prog.status, 201, prog.text);
	programmeId = prog.data.programme.id;
	const a = await newPerson('Vera');
	chooser = a.person;
	enrolment = a.enrolment;
	quiet = (await newPerson('Stille')).person;
	const ids = [];
	for (const [name, day] of [[`Mandag & venner ${MARK_A}`, [1]], [`Onsdagsmøtet ${MARK_A}`, [3]], [`Fredag ${MARK_A}`, [5]]]) {
		const m = await coord.post('/api/v1/directory/meetings', { name, day, time: '18:30', location: 'Frivillighetshuset', types: ['O', 'NO'] });
		assert.equal(m.status, 201, m.text);
		ids.push(m.data.meeting.id);
	}
	[m1, m2, m3] = ids;
});
after(async () => {
	await inst?.stop();
});

const base = (p) => `/api/v1/persons/${p.id}/facilitation`;
/** The links of the chosen-meetings list in a page, or null when there is none. */
function chosenLinks(html) {
	const m = html.match(/<ul class="ds-list" data-list="chosen-meetings">([\s\S]*?)<\/ul>/);
	if (!m) return null;
	return [...m[1].matchAll(/<a class="ds-link" href="(\/meetings\/\d+)">([^<]*)<\/a>/g)].map((x) => ({ href: x[1], text: x[2] }));
}
/** The caseload row (a <tr>) that names the person. */
function rowOf(html, given) {
	const rows = html.split('<tr>').filter((r) => r.includes(`${given} Valg ${MARK_A}`));
	assert.equal(rows.length, 1, `one caseload row for ${given}`);
	return rows[0];
}

describe('chosen meetings on the facilitation page and the plan', () => {
	test('before any choice: no list, a sentence that says so', async () => {
		const c = await inst.login('therapist');
		const page = await c.get(`/persons/${chooser.id}/facilitation`);
		assert.equal(page.status, 200);
		assert.equal(chosenLinks(page.text), null);
		assert.ok(page.text.includes('Ingen møter er valgt ennå.'));
		const plan = await c.get(`/enrolments/${enrolment.id}/plan`);
		assert.equal(plan.status, 200);
		assert.ok(plan.text.includes('Ingen møter er valgt ennå.'));
	});

	test('two meetings chosen (one of them twice): each once, linked, on both pages; other actions are not choices', async () => {
		for (const [id, on] of [[m1, daysAgo(3)], [m2, daysAgo(2)], [m1, daysAgo(1)]]) {
			const a = await therapist.post(`${base(chooser)}/actions`, { kind: 'chose_meetings', meeting_id: id, on });
			assert.equal(a.status, 201, a.text);
		}
		// Accompanied to a third meeting: an action with a meeting, but not a choice.
		const acc = await therapist.post(`${base(chooser)}/actions`, { kind: 'accompanied', meeting_id: m3, stayed: false });
		assert.equal(acc.status, 201, acc.text);
		const c = await inst.login('therapist');
		for (const path of [`/persons/${chooser.id}/facilitation`, `/enrolments/${enrolment.id}/plan`]) {
			const page = await c.get(path);
			assert.equal(page.status, 200, path);
			assert.equal((page.text.match(/<h1/g) || []).length, 1);
			const links = chosenLinks(page.text);
			assert.ok(links, `${path}: no chosen-meetings list`);
			assert.deepEqual(links.map((l) => l.href).sort(), [`/meetings/${m1}`, `/meetings/${m2}`].sort(), path);
			assert.ok(links.some((l) => l.text === `Mandag &amp; venner ${MARK_A}`), `${path}: the name is escaped`);
			assert.ok(!page.text.includes('Mandag & venner'), `${path}: raw ampersand`);
			assert.ok(!links.some((l) => l.href === `/meetings/${m3}`), `${path}: an accompanied meeting is not a choice`);
		}
		// The other person has chosen nothing.
		const other = await c.get(`/persons/${quiet.id}/facilitation`);
		assert.equal(chosenLinks(other.text), null);
	});

	test('the heading is in the page language (the organisation\'s: Norwegian)', async () => {
		const c = await inst.login('therapist');
		const page = await c.get(`/enrolments/${enrolment.id}/plan`);
		assert.equal(page.status, 200);
		assert.match(page.text, /<h2 class="ds-heading" data-size="sm">Valgte møter<\/h2>/);
	});
});

describe('the engagement summary in the caseload', () => {
	test('meetings in the last 30 days and the sponsor status in each row', async () => {
		for (const on of [daysAgo(0), daysAgo(10), daysAgo(40)]) {
			const l = await therapist.post(`${base(chooser)}/meetings`, { meeting_id: m2, on });
			assert.equal(l.status, 201, l.text);
		}
		const prof = await therapist.request('PUT', `${base(chooser)}/profile`, { json: { sponsor: 'has_sponsor', sponsor_since: daysAgo(5) } });
		assert.equal(prof.status, 200, prof.text);
		const c = await inst.login('therapist');
		const page = await c.get('/caseload');
		assert.equal(page.status, 200);
		assert.ok(page.text.includes('Møter, 30 dager'));
		const row = rowOf(page.text, 'Vera');
		assert.match(row, /data-fact="meetings-30">2</);
		assert.match(row, /data-fact="sponsor">Har sponsor</);
		const none = rowOf(page.text, 'Stille');
		assert.match(none, /data-fact="meetings-30">0</);
		assert.match(none, /data-fact="sponsor">Ingen sponsor</);
		// The same numbers as the person's summary.
		const s = await therapist.get(base(chooser));
		assert.equal(s.data.summary.meetings_last_30_days, 2);
		// The coordinator's view of everybody has the same columns.
		const cc = await inst.login('coordinator');
		const all = await cc.get('/caseload?therapist=0');
		assert.equal(all.status, 200);
		assert.match(rowOf(all.text, 'Vera'), /data-fact="meetings-30">2</);
	});
});
