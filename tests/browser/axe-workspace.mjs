// Checks the clerk's workspace with axe-core in headless Chromium: zero WCAG 2.2 A/AA violations
// at desktop and phone width on the sign-in page (also shown again with errors), every workspace
// page, a committee's page and a meeting's page as it goes from scheduled to signed off, with
// every <details> opened first so the forms inside are checked too. What the pages need is made
// through the forms, as a clerk would. Then a keyboard check on a meeting page: the first Tab
// reaches the skip link, the next ones the workspace navigation, and every form control has an
// accessible name. Pages wider than the phone's screen are noted (axe does not test reflow).
// Screenshots go to ARTIFACTS_DIR (not committed).
//
// Usage: node axe-workspace.mjs BASE_URL CLERK_EMAIL ADMIN_EMAIL PASSWORD ARTIFACTS_DIR
// (the clerk works for an organisation that owns at least two committees; both accounts share
// the password).
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const axePath = require.resolve('axe-core/axe.min.js');
const [base, clerkEmail, adminEmail, password, artifacts] = process.argv.slice(2);
if (!base || !clerkEmail || !adminEmail || !password || !artifacts) {
  console.error('usage: node axe-workspace.mjs BASE_URL CLERK_EMAIL ADMIN_EMAIL PASSWORD ARTIFACTS_DIR');
  process.exit(2);
}
mkdirSync(artifacts, { recursive: true });
const started = Date.now();
const watchdog = setTimeout(() => {
  console.error('axe-workspace: gave up after 120 s');
  process.exit(1);
}, 120_000);

const londonToday = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit',
}).format(new Date());
function isoDate(offsetDays) {
  const d = new Date(`${londonToday}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + offsetDays);
  return d.toISOString().slice(0, 10);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
  ],
});
async function newPage() {
  // witan's Content-Security-Policy allows no scripts; axe-core is the test's own, so these
  // pages let it in (journey.mjs browses with the policy in force).
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  return context.newPage();
}

let failures = 0;
const checked = [];
let current = null;
function check(condition, message) {
  if (!condition) throw new Error(message);
}
async function step(name, body) {
  try {
    await body();
  } catch (e) {
    console.error(`setup step failed: ${name}`);
    console.error(`  url: ${current ? current.url() : '(none)'}`);
    console.error(`  ${String(e && e.message ? e.message : e).split('\n').slice(0, 6).join('\n  ')}`);
    await browser.close().catch(() => {});
    process.exit(1);
  }
}
const label = (name, scope = current) => scope.getByLabel(name, { exact: true });
const button = (name, scope = current) => scope.getByRole('button', { name, exact: true });
/** Clicks something that submits a form, and waits for the page it leads to. */
async function go(locator, status = 200) {
  const [response] = await Promise.all([current.waitForNavigation({ waitUntil: 'load' }), locator.click()]);
  check(response && response.status() === status, `expected HTTP ${status}, got ${response && response.status()}`);
}
async function open(path, status = 200) {
  const response = await current.goto(base + path);
  check(response.status() === status, `GET ${path}: expected HTTP ${status}, got ${response.status()}`);
}
async function notice(text) {
  const got = await current.locator('.notice[role="status"]').innerText().catch(() => '(none)');
  check(got.includes(text), `the confirmation says "${got.trim()}", expected "${text}"`);
}

/** Reflow (WCAG 1.4.10), which axe does not test: a page wider than a phone is noted, not counted. */
async function noteReflow(name, path) {
  const wide = await current.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const name = (el) => el.tagName.toLowerCase() + (el.id ? `#${el.id.replace(/\d+/g, 'N')}` : '')
      + (el.className ? `.${String(el.className).split(' ')[0]}` : '');
    const over = [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > width + 1
      && el.parentElement.getBoundingClientRect().right <= width + 1);
    return { width, scroll: document.documentElement.scrollWidth, over: [...new Set(over.map(name))] };
  });
  if (wide.scroll > wide.width) {
    console.log(`note: ${name} ${path} is ${wide.scroll} px wide at ${wide.width} px (too wide: ${wide.over.slice(0, 4).join(', ')})`);
  }
}

/** Opens every <details>, then runs axe at desktop and phone width on the page as it stands. */
async function audit(name) {
  const page = current;
  const path = new URL(page.url()).pathname;
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
  await page.addScriptTag({ path: axePath });
  let count = 0;
  let passed = 0;
  const review = new Set();
  for (const [width, height, size] of [[1280, 900, 'desktop'], [390, 844, 'phone']]) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: join(artifacts, `workspace-${name}-${size}.png`), fullPage: true });
    const result = await page.evaluate(() => window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    }));
    if (size === 'phone') await noteReflow(name, path);
    passed = result.passes.length;
    for (const r of result.incomplete) review.add(r.id);
    for (const v of result.violations) {
      failures++;
      count++;
      console.error(`${name} (${size}) ${path}: ${v.id} (${v.impact}): ${v.help}`);
      for (const node of v.nodes.slice(0, 5)) {
        console.error(`    ${node.target.join(' ')}  ${node.html.replace(/\s+/g, ' ').slice(0, 160)}`);
      }
    }
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  checked.push(name);
  const unsure = review.size ? `, axe could not decide ${[...review].join(', ')}` : '';
  console.log(`${name} ${path}: ${count} violations, ${passed} rules passed${unsure}`);
}

async function signIn(email) {
  await open('/login');
  await label('Email address').fill(email);
  await label('Password').fill(password);
  await go(button('Sign in'));
  check(new URL(current.url()).pathname === '/workspace', `${email} was not signed in`);
}

const clerk = await newPage();
current = clerk;
await step('the sign-in page, also shown again with errors', async () => {
  await open('/login');
  await audit('login');
  await go(button('Sign in'), 400);
  check(await current.locator('.error-summary').count() === 1, 'no error summary for an empty sign-in');
  await audit('login-empty');
  await label('Email address').fill(clerkEmail);
  await label('Password').fill('not the password at all');
  await go(button('Sign in'), 400);
  check(await current.locator('.error-summary').count() === 1, 'no error summary after a wrong password');
  check(await label('Email address').getAttribute('aria-invalid') === 'true', 'the email field is not marked invalid');
  await audit('login-wrong-password');
  await label('Password').fill(password);
  await go(button('Sign in'));
  check(new URL(current.url()).pathname === '/workspace', 'the clerk was not signed in');
});

const committees = [];
let meeting = '';
const item = () => current.getByRole('region', { name: /^1 Winter pressures/ });
const addItem = () => current.locator('form[action$="/items"]');
await step('a meeting with items, one exempt; the add-item form with an empty title', async () => {
  const editable = current.locator('main li', { has: current.locator('.tag', { hasText: 'You can edit' }) });
  check(await editable.count() >= 2, 'the clerk cannot edit two committees');
  for (let i = 0; i < 2; i++) committees.push(await editable.nth(i).getByRole('link').getAttribute('href'));
  await open(committees[0]);
  await label('Date').fill(isoDate(-2));
  await label('Start time').fill('10:00');
  await label('Venue (optional)').fill('Boardroom, Northshire House');
  await go(button('Schedule the meeting'));
  meeting = new URL(current.url()).pathname;
  check(/^\/workspace\/meetings\/\d+$/.test(meeting), 'not on the new meeting');
  await label('Item number', addItem()).fill('1');
  await label('Title', addItem()).fill('Winter pressures in urgent and emergency care');
  await label('Issue', addItem()).selectOption({ label: 'Start a new issue' });
  await label('Title of the new issue', addItem()).fill('Winter resilience 2026/27');
  await go(button('Add the item'));
  await notice('The item has been added');
  await label('Item number', addItem()).fill('2');
  await label('Title', addItem()).fill('Contract award for patient transport');
  await addItem().getByLabel(/^This item is exempt/).check();
  await label('Paragraph of Schedule 12A', addItem()).selectOption({ label: 'Paragraph 3' });
  await label('Review the exemption by', addItem()).fill(isoDate(180));
  await go(button('Add the item'));
  await notice('The item has been added');
  await audit('meeting-scheduled');
  await open(meeting);
  await label('Item number', addItem()).fill('3');
  await go(button('Add the item'), 400);
  check(await current.locator('.error-summary[role="alert"]').count() === 1, 'no error summary');
  check(await label('Title', addItem()).getAttribute('aria-invalid') === 'true', 'the Title field is not marked invalid');
  check(await current.locator('.error-message').count() >= 1, 'no field error');
  await audit('meeting-form-error');
});

await step('the meeting held: minutes, decision, action, escalation and upload forms', async () => {
  await open(meeting);
  await go(button('Publish the agenda'));
  await go(button('Mark the meeting as held'));
  await notice('The meeting is marked as held.');
  await audit('meeting-held');
  // What a clerk records at a meeting, so the lists and their own forms show too.
  await open(meeting);
  await label('Minutes', item()).fill('The Director of Operations presented the winter plan.');
  await label('Resolution', item()).fill('note the winter resilience plan\nask for a progress report');
  await go(button('Save the minutes of item 1', item()));
  await item().getByText('Record a decision on item 1', { exact: true }).click();
  await label('Decision', item()).fill('Winter resilience plan approved');
  await label('This is a key decision (it can be called in)', item()).check();
  await go(button('Record the decision', item()));
  await item().getByText('Record an action on item 1', { exact: true }).click();
  await label('Action', item()).fill('Report on ambulance handover times');
  await label('Due date (optional)', item()).fill(isoDate(14));
  await go(button('Record the action', item()));
  await item().getByText('Upload a document to item 1', { exact: true }).click();
  await label('File', item()).setInputFiles({
    name: 'winter-plan.txt', mimeType: 'text/plain', buffer: Buffer.from('Winter resilience plan.\n'),
  });
  await go(button('Upload', item()));
  await notice('The document has been uploaded.');
  // The escalation waits on the other committee's page until its clerk accepts it onto a
  // meeting, which then shows where it came from.
  await open(committees[1]);
  const otherName = (await current.locator('h1').first().innerText()).replace(/\s*Public page\s*$/, '').trim();
  await label('Date').fill(isoDate(28));
  await label('Start time').fill('14:00');
  await go(button('Schedule the meeting'));
  await open(meeting);
  await item().getByText('Escalate item 1 to another committee', { exact: true }).click();
  await label('Escalate to', item()).selectOption({ label: otherName });
  const reason = 'Handover delays need system-wide action.';
  await label('What is escalated and why', item()).fill(reason);
  await go(button('Send the escalation', item()));
  await notice('The escalation has been sent.');
  await audit('meeting-draft-minutes');
  await open(committees[1]);
  await audit('committee-escalation-pending');
  const pending = current.locator('li', { hasText: reason });
  // The audit opened every <details>: the accept form is showing already (a click would close it).
  await label('Meeting', pending).selectOption({ index: 1 });
  await go(button('Accept the escalation', pending));
  await notice('The escalation has been accepted.');
  await audit('meeting-escalated-to');
});

await step('a keyboard check on the meeting page', async () => {
  await open(meeting);
  // Tab from the top until focus enters the main content.
  const stops = [];
  for (let i = 0; i < 20; i++) {
    await current.keyboard.press('Tab');
    const stop = await current.evaluate(() => {
      const el = document.activeElement;
      return {
        text: el.textContent.trim().replace(/\s+/g, ' '),
        skip: el.classList.contains('skip-link'),
        site: el.classList.contains('site-name'),
        nav: !!el.closest('nav[aria-label="Workspace"]'),
        main: !!el.closest('main'),
      };
    });
    if (stop.main) break;
    stops.push(stop);
  }
  const navigation = await current.$$eval('nav[aria-label="Workspace"] :is(a[href], button)',
    (els) => els.map((el) => el.textContent.trim().replace(/\s+/g, ' ')));
  const order = stops.map((s) => s.text).join(' → ');
  // The site's name (a link home, in the header before the navigation) may come between.
  const after = stops.slice(1).filter((s) => !s.site);
  if (!stops.length || !stops[0].skip) {
    failures++;
    console.error(`keyboard: the first Tab did not reach the skip link (${order})`);
  } else if (!after.every((s) => s.nav) || after.map((s) => s.text).join('|') !== navigation.join('|')) {
    failures++;
    console.error(`keyboard: after the skip link Tab reached ${order}; expected the workspace navigation ${navigation.join(' → ')}`);
  } else {
    console.log(`keyboard: Tab reaches ${order}, then the main content`);
  }
  // Every form control, including those in <details>, has an accessible name (axe's own computation).
  await current.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
  await current.addScriptTag({ path: axePath });
  const controls = await current.evaluate(() => {
    window.axe.setup(document);
    try {
      return [...document.querySelectorAll('input:not([type="hidden"]), select, textarea, button')].map((el) => ({
        html: el.outerHTML.replace(/\s+/g, ' ').slice(0, 160),
        name: window.axe.commons.text.accessibleTextVirtual(window.axe.utils.getNodeFromTree(el)).trim(),
      }));
    } finally {
      window.axe.teardown();
    }
  });
  const unnamed = controls.filter((c) => !c.name);
  for (const c of unnamed) {
    failures++;
    console.error(`keyboard: a form control without an accessible name on ${meeting}: ${c.html}`);
  }
  check(controls.length > 20, `only ${controls.length} form controls found`);
  console.log(`keyboard: all ${controls.length - unnamed.length} of ${controls.length} form controls on ${meeting} have an accessible name`);
});

await step('the minutes signed off, with the correction form', async () => {
  await open(meeting);
  await label('Signed by').fill('Dr Jane Whitfield');
  await go(button('Sign off the minutes'));
  await notice('The minutes are signed off and locked.');
  check(await current.getByText('Correct the signed-off minutes', { exact: true }).count() === 1, 'no correction form');
  await audit('meeting-signed-off');
});

await step("the clerk's other pages", async () => {
  for (const [name, path] of [
    ['home', '/workspace'],
    ['committee', committees[0]],
    ['setup-clerk', '/workspace/setup'],
    ['exempt', '/workspace/exempt'],
    ['password', '/account/password'],
  ]) {
    await open(path);
    await audit(name);
  }
  await go(button('Change password'), 400);
  check(await current.locator('.error-summary').count() === 1, 'no error summary for an empty password form');
  await audit('password-error');
});

await step("the administrator's pages", async () => {
  current = await newPage();
  await signIn(adminEmail);
  for (const [name, path] of [
    ['setup-admin', '/workspace/setup'],
    ['users', '/workspace/users'],
    ['audit', '/workspace/audit'],
  ]) {
    await open(path);
    await audit(name);
  }
});

await browser.close();
clearTimeout(watchdog);
const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (failures) {
  console.error(`${failures} accessibility failures on the workspace (${checked.length} page states, ${seconds} s)`);
  process.exit(1);
}
console.log(`axe-workspace: ${checked.length} page states at two widths, no violations, in ${seconds} s`);
