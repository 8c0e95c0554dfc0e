// meetings (browser): issue 5 in Norwegian, through the pages, as the users do it.
//
//   A member of the public (no login) uses the meeting finder with several filters at
//   once — day, starting in the next two hours, fellowship, open, language, wheelchair
//   access, and within 3 km of a district the directory knows — opens the one meeting that
//   matches, downloads "add to calendar" (.ics: text/calendar with a VEVENT and an RRULE)
//   and sends "request a change to this listing", which lands in the editors' queue.
//
//   A therapist records the person's stance "declines" with a day to take it up again,
//   later "interested", chooses two meetings together with the person (the short list on
//   the facilitation page and the plan), records that they accompanied the person to a
//   meeting (left early — that is fine), the meeting in the log and the debrief
//   afterwards, and sees the engagement summary on the facilitation page, the person page
//   and the caseload.
//
// The meetings are made by a directory editor (the coordinator) through the API, timed
// from now so that "the next two hours" has exactly one candidate left after the other
// filters. Every page visited passes axe-core (WCAG 2.1 A/AA and best practice) and logs
// no console error, CSP violation or unexpected 4xx/5xx.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MARK_A, startInstance } from '../lib/instance.mjs';
import { checkA11y, launch, watchConsole } from './lib.mjs';

let inst, browser;
const seen = [];

// ---- time in Oslo --------------------------------------------------------------------------
function osloParts(date) {
	const f = new Intl.DateTimeFormat('en-GB', {
		timeZone: 'Europe/Oslo',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		weekday: 'short',
		hourCycle: 'h23',
	});
	const p = Object.fromEntries(f.formatToParts(date).map((x) => [x.type, x.value]));
	const wday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(p.weekday); // Meeting Guide: 0 = Sunday
	return { day: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}`, wday };
}
function addDays(iso, n) {
	const d = new Date(`${iso}T12:00:00Z`);
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
}

const SOON = osloParts(new Date(Date.now() + 60 * 60_000)); // starts in an hour
const LATER = osloParts(new Date(Date.now() + 5 * 60 * 60_000)); // in five hours
const LOKKA = { region: 'Grünerløkka', latitude: 59.9225, longitude: 10.759 };
const BERGEN = { region: 'Bergenhus', latitude: 60.3971, longitude: 5.3245 };
const THE_ONE = `Kveldsmøtet på Løkka ${MARK_A}`;
const CHOSEN_TOO = `Lukket gruppe på Løkka ${MARK_A}`;
const MEETINGS = [
	// The one that matches every filter.
	{ name: THE_ONE, fellowship: 'aa', at: SOON, types: ['O', 'NO', 'X', 'DD'], where: LOKKA },
	// Each of these fails exactly one filter.
	{ name: CHOSEN_TOO, fellowship: 'aa', at: SOON, types: ['C', 'NO', 'X'], where: LOKKA },
	{ name: `English speaking ${MARK_A}`, fellowship: 'aa', at: SOON, types: ['O', 'EN', 'X'], where: LOKKA },
	{ name: `NA Løkka ${MARK_A}`, fellowship: 'na', at: SOON, types: ['O', 'NO', 'X'], where: LOKKA },
	{ name: `Trappene opp ${MARK_A}`, fellowship: 'aa', at: SOON, types: ['O', 'NO'], where: LOKKA },
	{ name: `Bergen sentrum ${MARK_A}`, fellowship: 'aa', at: SOON, types: ['O', 'NO', 'X'], where: BERGEN },
	{ name: `Senere i kveld ${MARK_A}`, fellowship: 'aa', at: LATER, types: ['O', 'NO', 'X'], where: LOKKA },
];

let ids = {}, person, enrolment;

before(async () => {
	inst = await startInstance({ cast: ['admin', 'coordinator', 'therapist'] });
	browser = await launch();
	const coord = inst.api('coordinator');
	for (const m of MEETINGS) {
		const r = await coord.post('/api/v1/directory/meetings', {
			name: m.name,
			fellowship: m.fellowship,
			day: [m.at.wday],
			time: m.at.time,
			timezone: 'Europe/Oslo',
			location: 'Kulturhuset',
			types: m.types,
			...m.where,
		});
		assert.equal(r.status, 201, r.text);
		ids[m.name] = r.data.meeting.id;
	}
	const me = (await inst.api('therapist').get('/api/v1/me')).data;
	const therapistId = me.user?.id ?? me.id;
	const p = await coord.post('/api/v1/persons', { given_name: 'Mona', family_name: 'Møtesen' });
	assert.equal(p.status, 201, p.text);
	person = p.data.person;
	const prog = await coord.post('/api/v1/programmes', { template: 'municipal_day_treatment', name: 'Dobbeltdiagnose' });
	assert.equal(prog.status, 201, prog.text);
	const e = await coord.post('/api/v1/enrolments', { person_id: person.id, programme_id: prog.data.programme.id, therapist_id: therapistId });
	assert.equal(e.status, 201, e.text);
	enrolment = e.data.enrolment;
});
after(async () => {
	await browser?.close();
	await inst?.stop();
});

const pathOf = (page) => new URL(page.url()).pathname;
const norm = (s) => (s || '').replace(/\s+/g, ' ').trim();

/** Per browser page: visit() checks axe and the console; follow()/submit() navigate. */
function helpers(page) {
	const problems = watchConsole(page);
	return {
		problems,
		visit: async (what) => {
			await checkA11y(page, seen);
			assert.deepEqual(problems, [], `browser problems (${what}):\n${problems.join('\n')}`);
		},
		follow: async (locator) => {
			await Promise.all([page.waitForNavigation(), locator.click()]);
		},
		submit: async (form) => {
			await Promise.all([page.waitForNavigation(), form.locator('button[type=submit]').first().click()]);
		},
		h1: async () => norm(await page.innerText('main h1')),
	};
}

test('the public finds a meeting, adds it to the calendar and asks for a change', async () => {
	const ctx = await browser.newContext({ locale: 'nb-NO' });
	const page = await ctx.newPage();
	page.setDefaultTimeout(15_000);
	const { visit, follow, submit, h1 } = helpers(page);

	await page.goto(`${inst.base}/meetings`);
	assert.equal(await page.getAttribute('html', 'lang'), 'nb');
	assert.equal(await page.locator('nav a[href="/caseload"]').count(), 0, 'no staff navigation for the public');
	await visit('the finder');
	const all = await page.locator('main ol.tolv-meetings > li').count();
	assert.equal(all, MEETINGS.length, 'every meeting without filters');

	const form = page.locator('main form[role=search]');
	await form.locator('select[name=day]').selectOption(String(SOON.wday));
	await form.locator('select[name=when]').selectOption('soon');
	await form.locator('select[name=fellowship]').selectOption('aa');
	await form.locator('select[name=access]').selectOption('open');
	await form.locator('select[name=lang]').selectOption('NO');
	await form.locator('input[name=wheelchair]').check();
	await form.locator('input[name=near]').fill(LOKKA.region);
	await form.locator('input[name=km]').fill('3');
	await submit(form);
	assert.equal(pathOf(page), '/meetings');
	const q = new URL(page.url()).searchParams;
	assert.equal(q.get('when'), 'soon');
	assert.equal(q.get('near'), LOKKA.region);
	const names = (await page.locator('main ol.tolv-meetings > li h2').allInnerTexts()).map(norm);
	assert.deepEqual(names, [THE_ONE], `the filters leave one meeting: ${names.join(' | ')}`);
	// The form keeps the search.
	assert.equal(await form.locator('select[name=fellowship]').inputValue(), 'aa');
	assert.ok(await form.locator('input[name=wheelchair]').isChecked());
	await visit('the finder with filters');

	await follow(page.locator('main ol.tolv-meetings a', { hasText: THE_ONE }));
	const id = ids[THE_ONE];
	assert.equal(pathOf(page), `/meetings/${id}`);
	assert.equal(await h1(), THE_ONE);
	await visit('the meeting page');

	// Add to calendar: the link's file, fetched as the browser would download it.
	const cal = page.locator(`main a[href="/meetings/${id}/calendar.ics"]`);
	assert.equal(await cal.count(), 1, 'an "add to calendar" link');
	const ics = await ctx.request.get(`${inst.base}/meetings/${id}/calendar.ics`);
	assert.equal(ics.status(), 200);
	assert.match(ics.headers()['content-type'], /^text\/calendar/);
	assert.match(ics.headers()['content-disposition'] ?? '', /attachment/);
	const body = await ics.text();
	assert.match(body, /BEGIN:VCALENDAR/);
	assert.match(body, /BEGIN:VEVENT/);
	assert.match(body, /RRULE:FREQ=WEEKLY/);
	assert.match(body, /DTSTART;TZID=Europe\/Oslo:/);
	assert.ok(body.includes('Kveldsmøtet'), 'the summary is the meeting');

	// Request a change to this listing.
	const cr = page.locator(`main form[action="/meetings/${id}/change"]`);
	await cr.locator('input[name=name]').fill('Kari');
	await cr.locator('textarea[name=message]').fill('Møtet har flyttet til andre etasje.');
	await submit(cr);
	assert.equal(pathOf(page), `/meetings/${id}`);
	assert.match(norm(await page.innerText('main .ds-alert[data-color=success]')), /Redaktørene av møtekatalogen/);
	await visit('the meeting page after a change request');
	await ctx.close();

	// It is in the editors' queue.
	const editor = await inst.login('coordinator');
	const queue = await editor.get('/directory/requests');
	assert.equal(queue.status, 200);
	assert.ok(queue.text.includes('Møtet har flyttet til andre etasje.'), 'the request is in the queue');
});

test('a therapist does the facilitation work and sees the engagement summary', async () => {
	const ctx = await browser.newContext({ locale: 'nb-NO' });
	const page = await ctx.newPage();
	page.setDefaultTimeout(15_000);
	const { visit, follow, submit, h1 } = helpers(page);
	const today = osloParts(new Date()).day;
	const revisit = addDays(today, 14);
	const facPath = `/persons/${person.id}/facilitation`;
	const fact = async (name) => norm(await page.innerText(`main dd[data-fact="${name}"]`));
	const saved = async () => assert.ok(await page.locator('main .ds-alert[data-color=success]').count(), 'saved');

	await page.goto(`${inst.base}/login`);
	await page.fill('input[name=email]', inst.users.therapist.email);
	await page.fill('input[name=password]', inst.users.therapist.password);
	await submit(page.locator('main form'));
	assert.equal(pathOf(page), '/');
	await visit('start page');

	await page.goto(`${inst.base}${facPath}`);
	assert.match(await h1(), /Mona Møtesen/);
	assert.equal(await fact('meetings-30'), '0');
	await visit('the facilitation page, empty');

	// "Declines", with a day to take it up again.
	const stance = page.locator(`main form[action="${facPath}/stance"]`);
	await stance.locator('select[name=stance]').selectOption('declines');
	await stance.locator('input[name=revisit_on]').fill(revisit);
	await stance.locator('textarea[name=stance_note]').fill('Vil ikke gå på møter nå. Respekteres.');
	await submit(stance);
	assert.equal(pathOf(page), facPath);
	await saved();
	assert.ok((await fact('stance')).includes(revisit), `the day to take it up again: ${await fact('stance')}`);
	await visit('after "declines"');

	// Later: "interested".
	await stance.locator('select[name=stance]').selectOption('interested');
	await stance.locator('textarea[name=stance_note]').fill('Vil prøve et åpent møte.');
	await submit(stance);
	assert.match(await fact('stance'), /^Interessert/);
	assert.equal(await page.locator('main table[data-list=stances] tbody tr').count(), 2);
	await visit('after "interested"');

	// Two meetings chosen together.
	const actions = page.locator(`main form[action="${facPath}/actions"]`);
	for (const name of [THE_ONE, CHOSEN_TOO]) {
		await actions.locator('select[name=kind]').selectOption('chose_meetings');
		await actions.locator('input[name=action_meeting]').fill(String(ids[name]));
		await submit(actions);
		await saved();
	}
	const chosen = (await page.locator('main ul[data-list=chosen-meetings] a').allInnerTexts()).map(norm).sort();
	assert.deepEqual(chosen, [THE_ONE, CHOSEN_TOO].sort());
	await visit('two meetings chosen');

	// Accompanied to the first (left early — that is fine), then the meeting in the log.
	await actions.locator('select[name=kind]').selectOption('accompanied');
	await actions.locator('input[name=action_meeting]').fill(String(ids[THE_ONE]));
	await actions.locator('select[name=action_stayed]').selectOption('no');
	await actions.locator('textarea[name=action_note]').fill('Fulgte henne dit; hun gikk etter en halvtime.');
	await submit(actions);
	await saved();
	const log = page.locator(`main form[action="${facPath}/meetings"]`);
	await log.locator('input[name=meeting_id]').fill(String(ids[THE_ONE]));
	await log.locator('select[name=accompanied]').selectOption('yes');
	await log.locator('select[name=meeting_stayed]').selectOption('no');
	await log.locator('select[name=source]').selectOption('staff_confirmed');
	await submit(log);
	await saved();
	// The debrief.
	await actions.locator('select[name=kind]').selectOption('debriefed');
	await actions.locator('input[name=action_meeting]').fill('');
	await actions.locator('textarea[name=action_note]').fill('Snakket om møtet: skummelt, men godt å ha vært der.');
	await submit(actions);
	await saved();

	// The engagement summary and the record.
	assert.equal(await fact('meetings-30'), '1');
	assert.equal(await fact('weeks-with-meeting'), '1');
	assert.match(await fact('stance'), /^Interessert/);
	const actionRows = (await page.locator('main table[data-list=actions] tbody tr').allInnerTexts()).map(norm);
	assert.equal(actionRows.length, 4, actionRows.join('\n'));
	assert.ok(actionRows.some((r) => r.includes('gikk tidlig') && r.includes(THE_ONE)), actionRows.join('\n'));
	assert.ok(actionRows.some((r) => r.includes('Snakket om møtet')), actionRows.join('\n'));
	const logRows = (await page.locator('main table[data-list=meetings] tbody tr').allInnerTexts()).map(norm);
	assert.equal(logRows.length, 1);
	assert.ok(logRows[0].includes(THE_ONE) && logRows[0].includes('Gikk tidlig'), logRows[0]);
	assert.equal(await page.locator('main svg[role=img]').count(), 1, 'the chart');
	await visit('the facilitation page, filled in');

	// A chosen meeting's link leads to its public page.
	await follow(page.locator('main ul[data-list=chosen-meetings] a', { hasText: CHOSEN_TOO }));
	assert.equal(pathOf(page), `/meetings/${ids[CHOSEN_TOO]}`);
	assert.equal(await h1(), CHOSEN_TOO);
	await visit('a chosen meeting');

	// The short list on the plan.
	await page.goto(`${inst.base}/enrolments/${enrolment.id}/plan`);
	const onPlan = (await page.locator('main ul[data-list=chosen-meetings] a').allInnerTexts()).map(norm).sort();
	assert.deepEqual(onPlan, [THE_ONE, CHOSEN_TOO].sort());
	await visit('the plan with the chosen meetings');

	// The summary on the person page.
	await page.goto(`${inst.base}/persons/${person.id}`);
	assert.equal(await fact('meetings-30'), '1');
	await visit('the person page');

	// And in the caseload.
	await follow(page.locator('nav a[href="/caseload"]'));
	const row = page.locator('main table tbody tr', { hasText: 'Mona Møtesen' });
	assert.equal(await row.count(), 1);
	assert.equal(norm(await row.locator('td[data-fact="meetings-30"]').innerText()), '1');
	assert.equal(norm(await row.locator('td[data-fact="sponsor"]').innerText()), 'Ingen sponsor');
	await visit('the caseload');
	await ctx.close();
});
