// recordcopy: a person's own copy of the record and its access log (issue 7) — the
// readable page (every part of the record, escaped, one h1, a print stylesheet), the
// JSON copy (a valid FHIR Bundle plus what FHIR does not carry), the group note as the
// attendee sees it (never another attendee's name), drafts left out; the access log lists
// the reads this test made, pages and exports as CSV; only administrators; another
// organisation's person 404; every view audited.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fillIds, MARK_A, MARK_B, startInstance } from '../lib/instance.mjs';
import { assertValid, buildRecord, DAY, fhirValidator, NASTY } from './fhir_fixture.mjs';

const ESCAPED = '&lt;script&gt;&#39;&quot;&amp;';

let inst, ids, validate, admin, ther;

before(async () => {
	validate = fhirValidator();
	inst = await startInstance({ cast: ['admin', 'coordinator', 'therapist', 'auditor', 'foreignAdmin', 'foreignTherapist'] });
	fillIds(inst);
	ids = await buildRecord(inst);
	admin = await inst.login('admin');
	ther = inst.api('therapist');
	// A draft is nobody's record yet: it must not be in the copy.
	const d = await ther.post(`/api/v1/persons/${ids.A.kari}/notes`, { type: 'individual', date: DAY, text: 'Utkast som ikke skal med' });
	assert.equal(d.status, 201, d.text);
});
after(async () => {
	await inst?.stop();
});

describe('the copy', () => {
	test('the page: every part of the record, escaped, the group note without other names', async () => {
		const r = await admin.get(`/persons/${ids.A.kari}/copy`);
		assert.equal(r.status, 200, r.text.slice(0, 300));
		const t = r.text;
		assert.equal((t.match(/<h1/g) || []).length, 1);
		assert.ok(!t.includes(NASTY), 'unescaped text');
		assert.ok(t.includes(`Kari Anne ${ESCAPED}`), 'the name');
		assert.ok(t.includes('Deltakersen'));
		assert.ok(t.includes('Storgata 1'), 'the address');
		assert.ok(t.includes('FHIR-program'), 'the enrolment');
		assert.ok(t.includes(`Holde seg rusfri ${ESCAPED}`), 'the plan');
		assert.ok(t.includes(`Skriv om steg 1 ${ESCAPED}`), 'the assignment');
		assert.ok(t.includes('Fredagskvelder'), 'triggers');
		assert.ok(t.includes(`Samtale om mål ${ESCAPED}`), 'the signed note');
		assert.ok(t.includes('Tillegg: rettet dato'), 'the addendum');
		assert.ok(t.includes('Gruppa gikk gjennom steg en.'), 'the group note');
		assert.ok(!t.includes('Perry') && !t.includes('Gruppesen'), "another attendee's name");
		assert.ok(!t.includes('Utkast som ikke skal med'), 'a draft');
		assert.ok(t.includes(DAY), 'the attendance day');
		if (ids.A.measures) {
			assert.ok(t.includes('0.42 ‰'), 'the breath test');
			assert.ok(t.includes(`Prøve ${ESCAPED}`), 'the drug test note');
			assert.match(t, /AUDIT/, 'the questionnaire results');
			assert.ok(t.includes('<h2 class="ds-heading" data-size="sm">Tilbakefall</h2>') || /Relapses|Tilbakefall/.test(t), 'the relapses');
		}
		assert.match(t, /<table[^>]*>\s*<caption>/, 'tables with captions');
		assert.ok(!/<th(?=[\s>])(?![^>]*scope=)/.test(t), 'a th without scope');
		assert.ok(!/style=/.test(t), 'inline style');
		assert.ok(t.includes(`href="/persons/${ids.A.kari}/copy.json"`), 'no link to the JSON');
		assert.match(t, /<link[^>]+tolv\.css/, 'no stylesheet (print rules)');
		assert.ok(!t.includes(MARK_B));
	});

	test('the JSON copy: a valid FHIR Bundle and the rest; the group note without other names', async () => {
		const r = await admin.get(`/persons/${ids.A.kari}/copy.json`);
		assert.equal(r.status, 200);
		assert.match(r.headers.get('content-type'), /application\/json/);
		assert.match(r.headers.get('content-disposition') ?? '', /attachment/);
		const j = JSON.parse(r.text);
		assert.equal(j.format, 'tolv-record-copy/1');
		assert.equal(j.person_id, ids.A.kari);
		assertValid(validate, j.fhir, 'copy.json fhir');
		for (const e of j.fhir.entry) assertValid(validate, e.resource, `copy.json ${e.resource.resourceType}`);
		assert.equal(j.fhir.entry[0].resource.resourceType, 'Patient');
		assert.deepEqual(j.tolv.person.substances, ['alcohol']);
		assert.equal(j.tolv.notes.length, 1);
		assert.equal(j.tolv.notes[0].text, `Samtale om mål ${NASTY}`);
		assert.equal(j.tolv.notes[0].addenda[0].text, 'Tillegg: rettet dato');
		assert.equal(j.tolv.group_notes.length, 1);
		assert.match(j.tolv.group_notes[0].text, /^Gruppa gikk gjennom steg en\./);
		const e = j.tolv.enrolments.find((x) => x.enrolment_id === ids.A.eKari);
		assert.equal(e.plan_versions.length, 1);
		assert.equal(e.plan_versions[0].plan.goals[0].text, `Holde seg rusfri ${NASTY}`);
		assert.equal(e.step_changes.length, 4);
		assert.ok(!r.text.includes('Perry') && !r.text.includes('Gruppesen'), "another attendee's name");
		assert.ok(!r.text.includes('Utkast som ikke skal med'), 'a draft');
		// Perry's own copy holds the note written on his record, his name left to him.
		const pj = JSON.parse((await admin.get(`/persons/${ids.A.perry}/copy.json`)).text);
		assert.equal(pj.tolv.group_notes.length, 1);
		assert.ok(!JSON.stringify(pj).includes('Kari'), "the other attendee's name in Perry's copy");
	});

	test('only administrators; another organisation gets 404', async () => {
		for (const who of ['coordinator', 'therapist', 'auditor']) {
			const c = await inst.login(who);
			for (const p of ['copy', 'copy.json', 'access-log', 'access-log.csv'])
				assert.equal((await c.get(`/persons/${ids.A.kari}/${p}`)).status, 403, `${who} ${p}`);
		}
		const f = await inst.login('foreignAdmin');
		for (const p of ['copy', 'copy.json', 'access-log', 'access-log.csv']) {
			const r = await f.get(`/persons/${ids.A.kari}/${p}`);
			assert.equal(r.status, 404, `foreign ${p}`);
			assert.ok(!r.text.includes('Deltakersen') && !r.text.includes(MARK_A), 'A data');
		}
		const anon = inst.client();
		const r = await anon.get(`/persons/${ids.A.kari}/copy`);
		assert.equal(r.status, 303);
		// The person page links the copy for administrators only.
		const page = await admin.get(`/persons/${ids.A.kari}`);
		assert.ok(page.text.includes(`href="/persons/${ids.A.kari}/copy"`));
		assert.ok(page.text.includes(`href="/persons/${ids.A.kari}/access-log"`));
		const tp = await (await inst.login('therapist')).get(`/persons/${ids.A.kari}`);
		assert.ok(!tp.text.includes(`/persons/${ids.A.kari}/copy`));
	});
});

describe('the access log', () => {
	test('lists the reads this test made, by whom and how; audited itself; CSV', async () => {
		const fr = await ther.get(`/fhir/Patient/${ids.A.dina}`);
		assert.equal(fr.status, 200);
		const c = await inst.login('coordinator');
		assert.equal((await c.get(`/persons/${ids.A.dina}`)).status, 200);
		const note = await ther.post(`/api/v1/persons/${ids.A.dina}/notes`, { type: 'individual', date: DAY, text: 'Notat' });
		assert.equal(note.status, 201);
		assert.equal((await ther.get(`/api/v1/notes/${note.data.id}`)).status, 200);
		const r = await admin.get(`/persons/${ids.A.dina}/access-log`);
		assert.equal(r.status, 200);
		const t = r.text;
		assert.equal((t.match(/<h1/g) || []).length, 1);
		const rows = [...t.matchAll(/<tr><td>[^<]*<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><td>[^<]*<\/td><td>([^<]*)<\/td><\/tr>/g)].map(
			(m) => ({ who: m[1], action: m[2], object: m[3], detail: m[4] }),
		);
		const has = (who, action, detail) => rows.some((x) => x.who === who && x.action === action && (detail === undefined || x.detail === detail));
		assert.ok(has(inst.users.therapist.email, 'person.read', 'fhir Patient'), 'the FHIR read');
		assert.ok(has(inst.users.coordinator.email, 'person.read'), "the coordinator's page view");
		assert.ok(has(inst.users.therapist.email, 'note.read'), 'the note read');
		assert.ok(has(inst.users.therapist.email, 'note.create'), 'the note written');
		assert.ok(has(inst.users.admin.email, 'person.read', 'access log'), 'the log view itself');
		assert.ok(has(inst.users.coordinator.email, 'person.create'), 'the registration');
		// Nothing about anyone else.
		assert.ok(!rows.some((x) => x.object === `person ${ids.A.kari}`), "another person's entries");
		// Newest first.
		const csv = await admin.get(`/persons/${ids.A.dina}/access-log.csv`);
		assert.equal(csv.status, 200);
		assert.match(csv.headers.get('content-type'), /text\/csv/);
		const lines = csv.text.trim().split('\r\n');
		assert.equal(lines[0], 'seq,time_utc,actor,action,object_type,object_id,address,detail');
		const seqs = lines.slice(1).map((l) => Number(l.split(',')[0]));
		assert.deepEqual(seqs, [...seqs].sort((a, b) => b - a));
		assert.ok(lines.some((l) => l.includes(inst.users.therapist.email) && l.includes('fhir Patient')));
		assert.ok(lines.some((l) => l.includes('access log csv')), 'the CSV export not audited');
	});

	test('pages through a long log', async () => {
		for (let i = 0; i < 55; i++) assert.equal((await ther.get(`/fhir/Patient/${ids.A.sven}`)).status, 200);
		const r1 = await admin.get(`/persons/${ids.A.sven}/access-log`);
		const next = r1.text.match(/href="(\/persons\/\d+\/access-log\?before=\d+)"/);
		assert.ok(next, 'no link to older entries');
		const r2 = await admin.get(next[1].replace(/&amp;/g, '&'));
		assert.equal(r2.status, 200);
		assert.ok(r2.text.includes('person.create'), 'the oldest entry is not on the second page');
		assert.equal((await admin.get(`/persons/${ids.A.sven}/access-log?before=abc`)).status, 400);
	});
});
