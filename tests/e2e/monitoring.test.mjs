// monitoring (browser): sobriety monitoring and relapse follow-up, in Norwegian, through the
// pages (issue 6):
//
//   a programme with zero tolerance and a random-selection rule of 100 % (so the draw always
//   selects), a group meeting every day and a person enrolled in it with the therapist as
//   primary therapist are made through the API and the coordinator's forms; the therapist
//   logs in, opens today's roster and sees the person selected for a test, follows the mark
//   to the drug-test form and records a positive cannabis result; the test is flagged; the
//   person page shows a relapse to confirm, and so does the start page; the therapist opens
//   the draft, confirms it, pauses the enrolment from the relapse page (the enrolment page
//   says paused), and resumes it (active again).
//
// Every page visited passes axe-core (WCAG 2.1 A/AA and best practice) and logs no console
// error, CSP violation or unexpected 4xx/5xx. No fixed sleeps: every step waits for the
// navigation its form causes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startInstance } from '../lib/instance.mjs';
import { checkA11y, launch, watchConsole } from './lib.mjs';

let inst, browser;
const seen = [];

before(async () => {
	inst = await startInstance({ cast: ['admin', 'coordinator', 'therapist'] });
	browser = await launch();
});
after(async () => {
	await browser?.close();
	await inst?.stop();
});

function osloToday() {
	return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Oslo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}
function addDays(iso, n) {
	const d = new Date(`${iso}T12:00:00Z`);
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
}
async function ok(res, status, what) {
	assert.equal(res.status, status, `${what}: ${res.status} ${res.text.slice(0, 400)}`);
	return res.data;
}

const GIVEN = 'Rune Syntetisk';
const FAMILY = 'Prøvesen';
const FULL_NAME = `${GIVEN} ${FAMILY}`;
const pathOf = (page) => new URL(page.url()).pathname;
const norm = (s) => (s || '').replace(/\s+/g, ' ').trim();

test('the roster draws a test, a positive result opens a draft relapse, the therapist confirms it and pauses and resumes the enrolment', async () => {
	const today = osloToday();
	const since = addDays(today, -20);

	// ---- set-up through the API and the coordinator's forms ----
	const admin = inst.api('admin');
	const me = await inst.api('therapist').get('/api/v1/me');
	const therapistId = me.data.user.id;
	const prog = await ok(await admin.post('/api/v1/programmes', { template: 'municipal_day_treatment', name: 'Poliklinikk Prøver' }), 201, 'programme');
	const pid = prog.programme.id;
	const g = await ok(
		await admin.post(`/api/v1/programmes/${pid}/groups`, {
			name: 'Dagbehandling hver dag',
			phase_key: 'day_treatment',
			weekdays: [1, 2, 3, 4, 5, 6, 7],
			start: '09:00',
			end: '14:00',
			capacity: 12,
		}),
		201,
		'group',
	);
	const gid = g.group.id;
	const per = await ok(await admin.post('/api/v1/persons', { given_name: GIVEN, family_name: FAMILY }), 201, 'person');
	const personId = per.person.id;
	const en = await ok(
		await admin.post('/api/v1/enrolments', { person_id: personId, programme_id: pid, therapist_id: therapistId, start_date: addDays(since, -6) }),
		201,
		'enrolment',
	);
	const eid = en.enrolment.id;
	await ok(
		await admin.post(`/api/v1/enrolments/${eid}/events`, { kind: 'phase', to_phase: 'day_treatment', date: since, reason: 'Syntetisk', version: en.enrolment.version }),
		201,
		'phase',
	);
	await ok(await admin.post(`/api/v1/groups/${gid}/members`, { enrolment_id: eid, from: since }), 201, 'member');
	const cc = await inst.login('coordinator');
	const ccsrf = await cc.csrf(`/programmes/${pid}/tests`);
	assert.equal((await cc.post(`/programmes/${pid}/zero-tolerance`, { form: { csrf: ccsrf, zero_tolerance: 'yes' } })).status, 303, 'zero tolerance');
	const rule = await cc.post(`/programmes/${pid}/test-rules`, { form: { csrf: ccsrf, phase: '', kind: 'percent', percent: '100', per_month: '' } });
	assert.equal(rule.status, 303, `rule: ${rule.text.slice(0, 300)}`);

	// ---- the therapist's browser ----
	const ctx = await browser.newContext({ locale: 'nb-NO' });
	const page = await ctx.newPage();
	page.setDefaultTimeout(15_000);
	const problems = watchConsole(page);
	const visit = async (what) => {
		await checkA11y(page, seen);
		assert.deepEqual(problems, [], `browser problems (${what}):\n${problems.join('\n')}`);
	};
	const main = async () => norm(await page.innerText('main'));
	const follow = async (locator) => {
		await Promise.all([page.waitForNavigation(), locator.click()]);
	};
	const submit = async (form) => {
		await Promise.all([page.waitForNavigation(), form.locator('button[type=submit]').first().click()]);
	};
	const successAlert = async () => norm(await page.innerText('main .ds-alert[data-color=success]'));

	await page.goto(`${inst.base}/login`);
	await page.fill('input[name=email]', inst.users.therapist.email);
	await page.fill('input[name=password]', inst.users.therapist.password);
	await submit(page.locator('main form'));
	assert.equal(pathOf(page), '/', `after log-in: ${page.url()}`);
	await visit('start page');

	// ===================================================== the roster draws the test
	await page.goto(`${inst.base}/groups/${gid}/roster?date=${today}`);
	await visit('roster');
	const mark = page.locator('main a.tolv-test-selected');
	assert.equal(await mark.count(), 1, 'the person is not selected at 100 %');
	assert.match(norm(await mark.innerText()), /Trukket ut til prøve i dag/);
	const row = norm(await page.locator('main tr', { has: page.locator('a.tolv-test-selected') }).innerText());
	assert.ok(row.includes(FULL_NAME), row);
	// A reload keeps the same (stored) draw.
	await page.reload();
	assert.equal(await page.locator('main a.tolv-test-selected').count(), 1);
	await follow(page.locator('main a.tolv-test-selected'));
	assert.equal(pathOf(page), `/persons/${personId}/tests/new`);
	await visit('drug test form');

	// ===================================================== a positive drug test
	const form = page.locator(`main form[method=post][action="/persons/${personId}/tests"]`);
	await form.locator('select[name=r_cannabis]').selectOption('positive');
	await submit(form);
	assert.match(pathOf(page), /^\/tests\/\d+$/, `after saving the test: ${page.url()}`);
	assert.match(await main(), /null ?toleranse/i, 'the test is not flagged');
	await visit('test saved, flagged');

	// ===================================================== the draft relapse
	await page.goto(`${inst.base}/persons/${personId}`);
	await visit('person page');
	const relLink = page.locator(`main a[href="/persons/${personId}/relapses"]`);
	assert.match(norm(await page.locator('main p', { has: page.locator(`a[href="/persons/${personId}/relapses"]`) }).innerText()), /1 å bekrefte eller avvise/);
	await follow(relLink);
	await visit('relapses list');
	const rows = page.locator('main table tbody tr');
	assert.equal(await rows.count(), 1);
	const listRow = norm(await rows.first().innerText());
	assert.match(listRow, /cannabis/);
	assert.match(listRow, /En prøve/);
	assert.match(listRow, /Utkast/);
	// The start page lists it too.
	await page.goto(`${inst.base}/`);
	await visit('start page with a draft');
	const startLink = page.locator('main ul.tolv-relapse-drafts a', { hasText: FULL_NAME });
	assert.equal(await startLink.count(), 1, 'the draft is not on the start page');
	await follow(startLink);
	assert.match(pathOf(page), /^\/relapses\/\d+$/);
	const relapseUrl = page.url();
	assert.match(norm(await page.innerText('main [data-relapse-status]')), /^Utkast$/);
	assert.match(await main(), /En prøve \(prøve \d+\)/);
	await visit('draft relapse');

	// ===================================================== confirm
	await submit(page.locator('main form', { has: page.locator('input[name=decision][value=confirm]') }));
	assert.equal(page.url().split('?')[0], relapseUrl);
	assert.match(await successAlert(), /Avgjørelsen er lagret\./);
	assert.match(norm(await page.innerText('main [data-relapse-status]')), /^Bekreftet$/);
	assert.equal(await page.locator('input[name=decision][value=confirm]').count(), 0, 'confirm offered again');
	await visit('confirmed relapse');

	// ===================================================== pause and resume
	assert.match(norm(await page.innerText('main [data-enrolment-status] [data-status]')), /^Aktiv$/);
	await submit(page.locator('main form[action$="/pause"]'));
	assert.match(await successAlert(), /Forløpet er satt på pause\./);
	assert.match(norm(await page.innerText('main [data-enrolment-status] [data-status]')), /^På pause$/);
	assert.match(norm(await page.innerText('main [data-relapse-pause]')), new RegExp(`satte forløpet på pause ${today}`));
	await visit('paused');
	await page.goto(`${inst.base}/enrolments/${eid}`);
	assert.match(await main(), /På pause/);
	assert.match(await main(), /relapse #\d+/, 'the pause does not name the relapse');
	await visit('enrolment, paused');
	await page.goto(relapseUrl);
	await submit(page.locator('main form[action$="/resume"]'));
	assert.match(await successAlert(), /Forløpet er gjenopptatt\./);
	assert.match(norm(await page.innerText('main [data-enrolment-status] [data-status]')), /^Aktiv$/);
	assert.match(norm(await page.innerText('main [data-relapse-pause]')), /det ble gjenopptatt/);
	await visit('resumed');
	const api = await inst.api('therapist').get(`/api/v1/enrolments/${eid}`);
	assert.equal(api.data.enrolment.status, 'active');
	assert.equal(api.data.enrolment.pauses, 1);

	assert.ok(seen.length >= 12, `pages checked: ${seen.length}`);
	await ctx.close();
});
