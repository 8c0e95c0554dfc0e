// outcomes (browser): an AUDIT filled in through a one-time link shows on the person's
// chart (issue 6), in Norwegian:
//
//   a person enrolled in a day-treatment programme is made through the API; the therapist
//   logs in, sees the measurements due on the start page and the due list, opens the
//   person's outcome measures, makes a one-time link for AUDIT and reads it off the page
//   (shown once); a fresh browser context — the person's tablet, with no session — opens
//   the link: the token leaves the address at once (303 to /q), the page shows the ten
//   questions and nothing of the person, the person answers and sends; opening the link
//   again says it has been used. The therapist reloads the outcome measures: the chart has
//   the zone bands and the point, its text alternative and table list the total and zone,
//   and the result is marked as the person's own.
//
// Every page visited passes axe-core (WCAG 2.1 A/AA and best practice) and logs no console
// error, CSP violation or unexpected 4xx/5xx (the used link's page is an expected 410).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startInstance } from '../lib/instance.mjs';
import { checkA11y, checkSkipLink, launch, watchConsole } from './lib.mjs';

let inst, browser;
const seen = [];

before(async () => {
	inst = await startInstance({ cast: ['admin', 'therapist'] });
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

const GIVEN = 'Selma Syntetisk';
const FAMILY = 'Skjemasen';
const pathOf = (page) => new URL(page.url()).pathname;
const norm = (s) => (s || '').replace(/\s+/g, ' ').trim();

test('a person fills in AUDIT through a one-time link, and the therapist sees it on the chart', async () => {
	const today = osloToday();
	const admin = inst.api('admin');
	const me = await inst.api('therapist').get('/api/v1/me');
	const therapistId = me.data.user.id;
	const p = await admin.post('/api/v1/persons', { given_name: GIVEN, family_name: FAMILY });
	assert.equal(p.status, 201, p.text);
	const personId = p.data.person.id;
	const prog = await admin.post('/api/v1/programmes', { template: 'municipal_day_treatment', name: 'Dagbehandling Måling' });
	assert.equal(prog.status, 201, prog.text);
	const e = await admin.post('/api/v1/enrolments', {
		person_id: personId,
		programme_id: prog.data.programme.id,
		therapist_id: therapistId,
		start_date: addDays(today, -3),
	});
	assert.equal(e.status, 201, e.text);

	// ---- the therapist's browser ----
	const ctx = await browser.newContext({ locale: 'nb-NO' });
	const page = await ctx.newPage();
	page.setDefaultTimeout(15_000);
	const problems = watchConsole(page);
	const visit = async (what) => {
		await checkA11y(page, seen);
		assert.deepEqual(problems, [], `browser problems (${what}):\n${problems.join('\n')}`);
	};
	const submit = async (form) => {
		await Promise.all([page.waitForNavigation(), form.locator('button[type=submit]').first().click()]);
	};
	const main = async () => norm(await page.innerText('main'));

	await page.goto(`${inst.base}/login`);
	await page.fill('input[name=email]', inst.users.therapist.email);
	await page.fill('input[name=password]', inst.users.therapist.password);
	await submit(page.locator('main form'));
	assert.equal(pathOf(page), '/');
	await visit('start page');
	// Intake measurements are due for the new person (the default schedule).
	const dueLink = page.locator('main a[href="/outcomes/due"]');
	assert.match(norm(await dueLink.innerText()), /^3 målinger skal tas, 0 av dem er forsinket$/);
	await Promise.all([page.waitForNavigation(), dueLink.click()]);
	assert.equal(pathOf(page), '/outcomes/due');
	assert.match(await main(), new RegExp(`${FAMILY}, ${GIVEN}|${GIVEN} ${FAMILY}`));
	assert.match(await main(), /Ved inntak/);
	await visit('due list');

	// The person page links to the outcome measures.
	await page.goto(`${inst.base}/persons/${personId}`);
	await visit('person');
	await Promise.all([page.waitForNavigation(), page.locator(`main a[href="/persons/${personId}/outcomes"]`).click()]);
	assert.equal(norm(await page.innerText('main h1')), `Resultatmål: ${GIVEN} ${FAMILY}`);
	assert.match(await main(), /Ingen resultater ennå\./);
	await visit('outcome measures, empty');

	// A one-time link for AUDIT, shown once.
	const linkForm = page.locator(`main form[action="/persons/${personId}/outcomes/links"]`);
	await linkForm.getByLabel('Skjema', { exact: true }).selectOption('audit');
	await linkForm.getByLabel('Gyldig i (timer)').fill('24');
	await submit(linkForm);
	const link = await page.getByLabel('Lenken', { exact: true }).inputValue();
	assert.match(link, /^\/q\?t=[A-Za-z0-9_-]{43}$/);
	await visit('one-time link');

	// ---- the person's tablet: a fresh context, no session ----
	const tablet = await browser.newContext({ locale: 'nb-NO' });
	const tpage = await tablet.newPage();
	tpage.setDefaultTimeout(15_000);
	const tproblems = watchConsole(tpage);
	const first = await tpage.goto(`${inst.base}${link}`);
	assert.equal(first.status(), 200);
	assert.equal(pathOf(tpage), '/q', 'the token stayed in the address');
	assert.equal(new URL(tpage.url()).search, '');
	const chain = first.request().redirectedFrom();
	assert.ok(chain && chain.url().includes('/q?t='), 'no redirect from the link');
	const cookies = await tablet.cookies();
	const qc = cookies.find((c) => c.name === 'tolv_q');
	assert.ok(qc && qc.httpOnly && qc.sameSite === 'Strict' && qc.path === '/q', JSON.stringify(cookies));
	const body = await tpage.content();
	for (const s of [GIVEN, FAMILY, 'Dagbehandling', '/persons', '/logout']) assert.ok(!body.includes(s), `the form shows ${s}`);
	assert.equal(norm(await tpage.innerText('main h1')), 'AUDIT – alkoholbruk');
	assert.equal(await tpage.locator('main fieldset.tolv-item').count(), 10);
	await checkSkipLink(tpage);
	await checkA11y(tpage, seen);
	// Answers: 2, 1, 1, 0, 0, 0, 0, 0, 2 and 0 — total 6, zone I.
	const answers = [2, 1, 1, 0, 0, 0, 0, 0, 2, 0];
	for (let i = 0; i < answers.length; i++) await tpage.locator(`input[name=a${i}][value="${answers[i]}"]`).check();
	await Promise.all([tpage.waitForNavigation(), tpage.locator('main form button[type=submit]').click()]);
	assert.equal(norm(await tpage.innerText('main h1')), 'Takk');
	assert.match(norm(await tpage.innerText('main')), /Svarene dine er mottatt\./);
	await checkA11y(tpage, seen);
	assert.deepEqual(tproblems, [], `tablet problems:\n${tproblems.join('\n')}`);
	// The link again: used, and nothing changes.
	const again = await tpage.goto(`${inst.base}${link}`);
	assert.equal(again.status(), 410);
	assert.equal(norm(await tpage.innerText('main h1')), 'Denne lenken er brukt');
	await checkA11y(tpage, seen);
	await tablet.close();

	// ---- back to the therapist: the chart ----
	await page.goto(`${inst.base}/persons/${personId}/outcomes`);
	const svg = page.locator('main svg.tolv-scorechart').first();
	assert.equal(await svg.getAttribute('role'), 'img');
	assert.equal(await svg.locator('rect.tolv-zone').count(), 4);
	assert.equal(await svg.locator('circle.tolv-score').count(), 1);
	assert.match(norm(await svg.locator('desc').textContent()), new RegExp(`^${today}: 6 \\(Sone I: lav risiko\\)\\.$`));
	const row = page.locator('main section#q-audit table.tolv-scoretable tbody tr');
	assert.equal(await row.count(), 1);
	assert.equal(norm(await row.innerText()).replace(/\t/g, ' '), `${today} 6 Sone I: lav risiko`);
	assert.match(await main(), /Personen selv, via lenke/);
	assert.match(await main(), /Brukt/);
	await visit('outcome measures with the result');

	// The due list no longer asks for AUDIT at intake.
	const due = await inst.api('therapist').get('/api/v1/outcomes/due');
	const mine = due.data.due.filter((x) => x.person_id === personId).map((x) => x.questionnaire).sort();
	assert.deepEqual(mine, ['days-abstinent', 'dudit']);
	assert.ok(seen.length >= 8, `pages checked: ${seen.length}`);
});
