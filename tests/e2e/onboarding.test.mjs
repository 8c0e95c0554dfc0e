// onboarding (browser): the administrator makes a therapist account, the therapist logs in
// with the one-time password, must change it, switches to Swedish and to English, and
// logs out. Every page visited passes axe-core (WCAG 2.1 A/AA and best practice), has a
// skip link as its first focusable element, and logs no console error or CSP violation.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startInstance } from '../lib/instance.mjs';
import { checkA11y, checkSkipLink, launch, watchConsole } from './lib.mjs';

let inst, browser;
const seen = [];
const THERAPIST = { email: 'ny.terapeut@alfa.example', name: 'Tuva Testterapeut' };
const NEW_PASSWORD = 'Eget-nytt-passord-2024';

before(async () => {
	inst = await startInstance({ cast: ['admin'] });
	browser = await launch();
});
after(async () => {
	await browser?.close();
	await inst?.stop();
});

async function visit(page, problems) {
	await checkA11y(page, seen);
	assert.deepEqual(problems, [], `browser problems:\n${problems.join('\n')}`);
}

const path = (page) => new URL(page.url()).pathname;

test('admin creates a therapist; the therapist logs in, changes password, switches language', async () => {
	// Norwegian browser, so the default language shows first.
	const context = await browser.newContext({ locale: 'nb-NO', javaScriptEnabled: true });
	const page = await context.newPage();
	const problems = watchConsole(page);
	page.setDefaultTimeout(15_000);

	// --- the administrator ---
	await page.goto(`${inst.base}/login`);
	assert.equal(await page.getAttribute('html', 'lang'), 'nb');
	await visit(page, problems);
	await checkSkipLink(page);
	await page.fill('input[name=email]', inst.users.admin.email);
	await page.fill('input[name=password]', inst.users.admin.password);
	await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')]);
	assert.equal(path(page), '/', `after log-in: ${page.url()}`);
	await visit(page, problems);
	await checkSkipLink(page);

	await Promise.all([page.waitForNavigation(), page.click('nav a[href="/users"]')]);
	await visit(page, problems);
	await Promise.all([page.waitForNavigation(), page.click('a[href="/users/new"]')]);
	await visit(page, problems);
	await page.fill('input[name=email]', THERAPIST.email);
	await page.fill('input[name=name]', THERAPIST.name);
	const role = page.locator('[name=role]');
	if ((await role.evaluate((e) => e.tagName)) === 'SELECT') await role.selectOption('therapist');
	else await page.check('input[name=role][value=therapist]');
	await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')]);
	await visit(page, problems);
	// The one-time password is shown once: 16 letters and digits, in an element of its own.
	const onetime = await page.evaluate(() => {
		for (const el of document.querySelectorAll('main code, main kbd, main samp, main output, main strong, main dd, main input[readonly]')) {
			const v = (el.value ?? el.textContent).trim();
			if (/^[A-Za-z0-9]{12,32}$/.test(v)) return v;
		}
		return null;
	});
	assert.ok(onetime, `no one-time password on the result page:\n${(await page.textContent('main')).slice(0, 600)}`);
	assert.ok((await page.textContent('main')).includes(THERAPIST.email));
	// Reloading (GET) the user's page does not show it again.
	await page.goto(`${inst.base}/users`);
	await visit(page, problems);
	assert.ok(!(await page.content()).includes(onetime), 'the one-time password is shown again on /users');
	const userLink = page.locator(`main a:has-text("${THERAPIST.name}"), main a:has-text("${THERAPIST.email}")`).first();
	await Promise.all([page.waitForNavigation(), userLink.click()]);
	assert.match(path(page), /^\/users\/\d+$/);
	await visit(page, problems);
	assert.ok(!(await page.content()).includes(onetime), 'the one-time password is shown again on the user page');

	await Promise.all([page.waitForNavigation(), page.click('form[action="/logout"] button')]);
	assert.equal(path(page), '/login');
	await visit(page, problems);

	// --- the therapist, first log-in ---
	await page.fill('input[name=email]', THERAPIST.email);
	await page.fill('input[name=password]', onetime);
	await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')]);
	assert.equal(path(page), '/account/password', `after the first log-in: ${page.url()}`);
	await visit(page, problems);
	await checkSkipLink(page);
	// Anything else sends back to the password change.
	await page.goto(`${inst.base}/`);
	assert.equal(path(page), '/account/password', 'the start page was reachable before the change');
	const pwFields = await page.locator('main input[type=password]').evaluateAll((els) => els.map((e) => e.name));
	assert.ok(pwFields.length >= 2, `the change form has ${pwFields.length} password fields`);
	for (const n of pwFields) await page.fill(`main input[name="${n}"]`, /current|old|gammel/i.test(n) ? onetime : NEW_PASSWORD);
	await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')]);
	assert.notEqual(path(page), '/account/password', `still on the change page:\n${(await page.textContent('main')).slice(0, 500)}`);
	await visit(page, problems);
	assert.equal(path(page), '/');
	assert.ok((await page.textContent('header')).includes(THERAPIST.name), 'the header does not name the therapist');
	// A therapist has no user administration.
	assert.equal(await page.locator('nav a[href="/users"]').count(), 0, 'a therapist sees the Users link');

	// --- languages, from the account page ---
	await Promise.all([page.waitForNavigation(), page.click('nav a[href="/account"]')]);
	await visit(page, problems);
	await Promise.all([page.waitForNavigation(), page.click('button[name=lang][value=sv]')]);
	assert.equal(await page.getAttribute('html', 'lang'), 'sv');
	assert.equal(path(page), '/account', 'switching language left the page');
	assert.match(await page.textContent('form[action="/logout"] button'), /Logga ut/);
	assert.match(await page.textContent('body'), /Språk/);
	await visit(page, problems);
	// It sticks: another page, still Swedish.
	await page.goto(`${inst.base}/`);
	assert.equal(await page.getAttribute('html', 'lang'), 'sv');
	await visit(page, problems);
	await page.goto(`${inst.base}/account`);
	await Promise.all([page.waitForNavigation(), page.click('button[name=lang][value=en]')]);
	assert.equal(await page.getAttribute('html', 'lang'), 'en');
	assert.match(await page.textContent('form[action="/logout"] button'), /Log out/);
	await visit(page, problems);

	// --- out, and the session is gone ---
	await Promise.all([page.waitForNavigation(), page.click('form[action="/logout"] button')]);
	assert.equal(path(page), '/login');
	assert.equal(await page.getAttribute('html', 'lang'), 'en', 'the language chosen was not kept after log-out');
	await visit(page, problems);
	await page.goto(`${inst.base}/account`);
	assert.equal(path(page), '/login', 'the account page is reachable after log-out');

	// The new password works and the one-time one does not (checked over HTTP: cheaper).
	const { Client } = await import('../lib/client.mjs');
	assert.equal((await new Client(inst.base).loginPost(THERAPIST.email, onetime)).status, 422);
	assert.equal((await new Client(inst.base).loginPost(THERAPIST.email, NEW_PASSWORD)).status, 303);
	await context.close();
	assert.ok(seen.length >= 12, `only ${seen.length} pages checked`);
});

test('error pages and the organisation chooser pass the same checks', async () => {
	const context = await browser.newContext({ locale: 'en-GB' });
	const page = await context.newPage();
	const problems = watchConsole(page);
	const r = await page.goto(`${inst.base}/no/such/page`);
	assert.equal(r.status(), 404);
	problems.length = 0; // the 404 itself is expected
	await checkA11y(page, seen);
	await checkSkipLink(page);
	assert.equal(await page.getAttribute('html', 'lang'), 'en');
	await page.goto(`${inst.base}/login`);
	await page.fill('input[name=email]', 'ukjent@alfa.example');
	await page.fill('input[name=password]', 'Feil-passord-42');
	await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')]);
	problems.length = 0; // the 422 is expected
	// The failed log-in page: the e-mail kept, the error announced.
	assert.equal(await page.inputValue('input[name=email]'), 'ukjent@alfa.example');
	assert.equal(await page.inputValue('input[name=password]'), '');
	await checkA11y(page, seen);
	// An empty form: field errors linked to their fields.
	await page.fill('input[name=email]', '');
	await page.evaluate(() => document.querySelectorAll('[required]').forEach((e) => e.removeAttribute('required')));
	await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')]);
	problems.length = 0;
	await checkA11y(page, seen);
	const described = await page.evaluate(() => {
		const e = document.querySelector('input[name=email]');
		const ids = (e.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
		return { invalid: e.getAttribute('aria-invalid'), text: ids.map((id) => document.getElementById(id)?.textContent || '').join(' ') };
	});
	assert.equal(described.invalid, 'true', 'the empty e-mail field is not marked aria-invalid');
	assert.ok(described.text.trim().length > 0, 'the e-mail field error is not linked with aria-describedby');
	await context.close();
});
