// The clerk's main journey through the workspace, in headless Chromium with JavaScript switched off
// (the site must work without it): sign in, schedule a meeting, build and publish its agenda, hold
// it, minute it (resolution, key decision, action, escalation), sign the minutes off, check the
// public record, sign out. Fields are found by their labels, so the forms' labelling is checked
// too. A failed step prints its name, the address and an excerpt of the page, and exits 1.
//
// Usage: node journey.mjs BASE_URL EMAIL PASSWORD
import { chromium } from 'playwright-core';

const [base, email, password] = process.argv.slice(2);
if (!base || !email || !password) {
  console.error('usage: node journey.mjs BASE_URL EMAIL PASSWORD');
  process.exit(2);
}
const started = Date.now();
// The whole journey is bounded: a hung page must not hang the test.
const watchdog = setTimeout(() => {
  console.error('journey: gave up after 90 s');
  process.exit(1);
}, 90_000);

// Dates as the forms take them (YYYY-MM-DD, in London) and as the pages show them.
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
  'September', 'October', 'November', 'December'];
const londonToday = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit',
}).format(new Date());
function isoDate(offsetDays) {
  const d = new Date(`${londonToday}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + offsetDays);
  return d.toISOString().slice(0, 10);
}
/** "7 December 2026" */
function ukShortDate(iso) {
  const d = new Date(`${iso}T12:00:00Z`);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}
/** "Monday 7 December 2026" */
function ukDate(iso) {
  return `${DAYS[new Date(`${iso}T12:00:00Z`).getUTCDay()]} ${ukShortDate(iso)}`;
}

const meetingDate = isoDate(-2);
const dueDate = isoDate(14);
const item1 = 'Winter pressures in urgent and emergency care';
const issue1 = 'Winter resilience 2026/27';
const item2 = 'Quality and safety report';
const minutesText = 'The Director of Operations presented the winter plan and answered questions.';
const points = ['note the winter resilience plan', 'ask for a progress report in January'];
const decisionTitle = 'Winter resilience plan approved';
const decisionText = 'The committee approved the winter resilience plan and its funding.';
const actionText = 'Report on ambulance handover times to the next meeting';
const reason = 'Handover delays need system-wide action beyond this committee.';
const signer = 'Dr Jane Whitfield';

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
  ],
});
// What witan's Content-Security-Policy refused (a stylesheet, a form target): the journey runs
// with the policy in force, so a page it breaks fails here.
const refused = [];
// Each context is a reader of its own: its own cookies and its own HTTP cache.
async function reader() {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  const p = await context.newPage();
  p.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) refused.push(`${p.url()}: ${message.text()}`);
  });
  return p;
}
async function cleanUp() {
  await browser.close().catch(() => {});
}

const page = await reader();
// The page a failure is reported from.
let current = page;

/** Reads a public page as someone who is not signed in and has not seen it before. */
async function asThePublic(path) {
  const p = await reader();
  current = p;
  await open(path, p);
  return p;
}

async function excerpt(p) {
  try {
    const text = await p.locator('main').innerText({ timeout: 2_000 });
    return text.replace(/\s+/g, ' ').trim().slice(0, 700);
  } catch {
    try {
      return (await p.content()).replace(/\s+/g, ' ').slice(0, 700);
    } catch {
      return '(no page)';
    }
  }
}

async function step(name, body) {
  const t = Date.now();
  try {
    await body();
  } catch (e) {
    console.error(`journey step failed: ${name}`);
    console.error(`  url: ${current.url()}`);
    console.error(`  ${String(e && e.message ? e.message : e).split('\n').slice(0, 6).join('\n  ')}`);
    console.error(`  page: ${await excerpt(current)}`);
    await cleanUp();
    process.exit(1);
  }
  console.log(`ok ${name} (${Date.now() - t} ms)`);
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function mainText(p = current) {
  return (await p.locator('main').innerText()).replace(/\s+/g, ' ');
}

async function expectText(text, p = current) {
  const got = await mainText(p);
  check(got.includes(text), `expected the page to say "${text}"`);
}

/** Clicks something that submits a form or follows a link, and waits for the page it leads to. */
async function go(locator, status = 200) {
  const [response] = await Promise.all([
    current.waitForNavigation({ waitUntil: 'load' }),
    locator.click(),
  ]);
  check(response, 'the click led to no page');
  check(response.status() === status, `expected HTTP ${status}, got ${response.status()}`);
  return response;
}

async function open(path, p = current, status = 200) {
  const response = await p.goto(base + path);
  check(response.status() === status, `GET ${path}: expected HTTP ${status}, got ${response.status()}`);
  return response;
}

const label = (name, scope = current) => scope.getByLabel(name, { exact: true });
// The add-item form: each item on the agenda has its own number and title fields too.
const addItem = () => page.locator('form[action$="/items"]');
const button = (name, scope = current) => scope.getByRole('button', { name, exact: true });
const notice = async (text) => {
  const status = current.locator('.notice[role="status"]');
  check(await status.count() === 1, `no confirmation; expected "${text}"`);
  const got = (await status.innerText()).trim();
  check(got.includes(text), `the confirmation says "${got}", expected "${text}"`);
};
const meetingStatus = async (expected) => {
  const got = (await current.locator('dl.facts dt:text-is("Status") + dd').innerText()).trim();
  check(got === expected, `the meeting's status is "${got}", expected "${expected}"`);
};

let committees = [];
let meetingPath = '';
let meetingId = '';
let deadline = '';
let owner = '';

await step('1. /workspace sends to sign in, and the form signs in', async () => {
  await open('/workspace');
  check(new URL(page.url()).pathname === '/login', 'not sent to /login');
  check(new URL(page.url()).searchParams.get('next') === '/workspace', 'the sign-in does not lead back');
  await label('Email address').fill(email);
  await label('Password').fill(password);
  await go(button('Sign in'));
  check(new URL(page.url()).pathname === '/workspace', 'not back at /workspace after signing in');
  const who = (await page.locator('.signed-in').innerText()).trim();
  check(who.startsWith('Signed in as') && who.includes('Clerk'), `the header says "${who}"`);
});

await step('2. schedule a meeting of a committee the clerk can edit', async () => {
  const editable = page.locator('main li', { has: page.locator('.tag', { hasText: 'You can edit' }) });
  const count = await editable.count();
  check(count >= 2, `expected two committees marked "You can edit", found ${count}`);
  for (let i = 0; i < count; i++) {
    const link = editable.nth(i).getByRole('link');
    committees.push({ name: (await link.innerText()).trim(), href: await link.getAttribute('href') });
  }
  await go(editable.first().getByRole('link'));
  check(page.url().endsWith(committees[0].href), `expected ${committees[0].href}`);
  await expectText(committees[0].name);
  await label('Date').fill(meetingDate);
  await label('Start time').fill('10:00');
  await label('Venue (optional)').fill('Boardroom, Northshire House');
  await go(button('Schedule the meeting'));
  const m = page.url().match(/\/workspace\/meetings\/(\d+)\?done=scheduled$/);
  check(m, 'not on the new meeting\'s workspace page');
  meetingId = m[1];
  meetingPath = `/workspace/meetings/${meetingId}`;
  await notice('The meeting has been scheduled.');
  await meetingStatus('Scheduled');
  await expectText('Boardroom, Northshire House');
  await expectText(`${ukDate(meetingDate)}, 10:00`);
  // The committee's list of meetings has the new one, and leads back to it.
  await go(page.getByRole('link', { name: `All meetings of ${committees[0].name}`, exact: true }));
  const listed = page.getByRole('link', { name: `${ukDate(meetingDate)}, 10:00`, exact: true });
  check(await listed.count() === 1, 'the committee\'s workspace page does not list the new meeting');
  await go(listed);
  check(new URL(page.url()).pathname === meetingPath, 'the list does not lead to the new meeting');
});

await step('3. add two agenda items, one starting an issue; an empty title is refused', async () => {
  await label('Item number', addItem()).fill('1');
  await label('Title', addItem()).fill(item1);
  await label('Issue').selectOption({ label: 'Start a new issue' });
  await label('Title of the new issue').fill(issue1);
  await go(button('Add the item'));
  await notice('The item has been added to the agenda.');
  const first = page.getByRole('region', { name: `1 ${item1}` });
  check(await first.count() === 1, `item 1 "${item1}" is not on the agenda`);
  check((await first.innerText()).includes(`Issue: ${issue1}`), 'item 1 does not show its new issue');

  await label('Item number', addItem()).fill('2');
  await label('Title', addItem()).fill('');
  await go(button('Add the item'), 400);
  const summary = page.locator('.error-summary[role="alert"]');
  check(await summary.count() === 1, 'no error summary');
  check((await summary.innerText()).includes('There is a problem'), 'the error summary has no title');
  const link = summary.getByRole('link', { name: "Enter the item's title" });
  check(await link.count() === 1, 'the error summary does not link "Enter the item\'s title"');
  const target = (await link.getAttribute('href')).slice(1);
  const titleId = await label('Title', addItem()).getAttribute('id');
  check(target === titleId, `the summary links #${target}, the Title field is #${titleId}`);
  check(await label('Title', addItem()).getAttribute('aria-invalid') === 'true', 'the Title field is not marked invalid');
  const number = await label('Item number', addItem()).inputValue();
  check(number === '2', `the typed item number was not kept (got "${number}")`);
  // Following the summary's link moves to the field.
  await summary.getByRole('link').first().click();
  check(page.url().endsWith(`#${titleId}`), 'the summary link does not lead to the field');

  await label('Title', addItem()).fill(item2);
  await go(button('Add the item'));
  await notice('The item has been added to the agenda.');
  check(await page.getByRole('region', { name: `2 ${item2}` }).count() === 1, 'item 2 is not on the agenda');
});

await step('4. publish the agenda; the public page shows the items', async () => {
  let outsider = await asThePublic(`/meetings/${meetingId}`);
  await expectText('The agenda for this meeting has not been published yet.', outsider);
  current = page;
  await go(button('Publish the agenda'));
  await notice('The agenda has been published.');
  await meetingStatus('Agenda published');
  outsider = await asThePublic(`/meetings/${meetingId}`);
  const text = await mainText(outsider);
  check(text.includes(item1) && text.includes(item2), 'the public agenda does not list both items');
  check(text.includes(`Issue: ${issue1}`), 'the public agenda does not link the new issue');
  check(await outsider.locator('.signed-in').count() === 0, 'the public page looks signed in');
  current = page;
});

const item = () => page.getByRole('region', { name: `1 ${item1}` });

await step('5a. mark the meeting held', async () => {
  await go(button('Mark the meeting as held'));
  await notice('The meeting is marked as held.');
  await meetingStatus('Held');
});

await step('5b. record minutes with two resolution points on item 1', async () => {
  await label('Minutes', item()).fill(minutesText);
  await label('Resolution', item()).fill(points.join('\n'));
  await go(button('Save the minutes of item 1', item()));
  await notice('The minutes have been saved as a draft.');
  await meetingStatus('Draft minutes');
  check(await label('Minutes', item()).inputValue() === minutesText, 'the minutes are not shown again');
  check(await label('Resolution', item()).inputValue() === points.join('\n'), 'the resolution is not shown again');
});

await step('5c. record a key decision and see its call-in deadline', async () => {
  await item().getByText('Record a decision on item 1', { exact: true }).click();
  await label('Decision', item()).fill(decisionTitle);
  await label('Details (optional)', item()).fill(decisionText);
  await label('This is a key decision (it can be called in)', item()).check();
  await go(button('Record the decision', item()));
  await notice('The decision has been recorded.');
  const line = (await item().locator('li', { hasText: decisionTitle }).innerText()).trim();
  const m = line.match(/key decision, call-in until (\w+ \d+ \w+ \d{4})/);
  check(m, `the decision does not show a call-in deadline: "${line}"`);
  deadline = m[1];
});

await step('5d. record an action with an owner and a due date', async () => {
  await item().getByText('Record an action on item 1', { exact: true }).click();
  await label('Action', item()).fill(actionText);
  const owners = label('Owner (optional)', item()).locator('option');
  check(await owners.count() > 1, 'no one to choose as the owner');
  owner = (await owners.nth(1).innerText()).trim();
  await label('Owner (optional)', item()).selectOption({ label: owner });
  await label('Due date (optional)', item()).fill(dueDate);
  await go(button('Record the action', item()));
  await notice('The action has been recorded.');
  const line = (await item().locator('li', { hasText: actionText }).innerText()).replace(/\s+/g, ' ');
  check(line.includes(`– ${owner}, due ${ukDate(dueDate)}`), `the action reads "${line}"`);
});

let target = '';
await step('5e. escalate item 1 to another committee, and find it on that committee\'s agenda', async () => {
  const other = committees[1];
  // The escalation goes on the other committee's next meeting: the clerk schedules one.
  await open(other.href);
  await label('Date').fill(isoDate(28));
  await label('Start time').fill('14:00');
  await go(button('Schedule the meeting'));
  await notice('The meeting has been scheduled.');
  await open(meetingPath);
  await item().getByText('Escalate item 1 to another committee', { exact: true }).click();
  await label('Escalate to', item()).selectOption({ label: other.name });
  await label('What is escalated and why', item()).fill(reason);
  await go(button('Send the escalation', item()));
  await notice('The escalation has been sent.');
  const line = item().locator('li', { hasText: reason });
  check(await line.count() === 1, 'the escalation is not listed on the item');
  let text = (await line.innerText()).replace(/\s+/g, ' ');
  check(text.includes(`To ${other.name}: ${reason}`), `the escalation reads "${text}"`);
  check(text.includes('Awaiting an answer'), `the escalation is not awaiting the committee's answer: "${text}"`);
  // Nothing lands on the other committee's agenda until its clerk accepts it onto a meeting.
  await open(other.href);
  const pending = page.locator('li', { hasText: reason });
  check(await pending.count() === 1, 'the escalation is not on the receiving committee\'s page');
  await pending.getByText('Accept onto a meeting', { exact: true }).click();
  await label('Meeting', pending).selectOption({ index: 1 });
  await go(button('Accept the escalation', pending));
  await notice('The escalation has been accepted.');
  target = new URL(page.url()).pathname;
  check(/^\/workspace\/meetings\/\d+$/.test(target) && target !== meetingPath, 'not on the target meeting');
  await expectText(other.name);
  const proposed = page.getByRole('region', { name: new RegExp(`Escalated from ${committees[0].name}: ${item1}`) });
  check(await proposed.count() >= 1, 'the target meeting has no proposed item for the escalation');
  check((await proposed.last().innerText()).includes(`Escalated from ${committees[0].name}.`), 'the proposed item does not say where it came from');
  await open(meetingPath);
  text = (await item().locator('li', { hasText: reason }).innerText()).replace(/\s+/g, ' ');
  check(text.includes('On an agenda'), `the escalation is not on the committee's agenda: "${text}"`);
});

await step('6. sign off the minutes; the minutes forms are gone', async () => {
  await label('Signed by').fill(signer);
  await label('Date signed').fill(londonToday);
  await go(button('Sign off the minutes'));
  await notice('The minutes are signed off and locked.');
  await meetingStatus('Minutes signed off');
  await expectText(`Version 1 signed off by ${signer} on ${ukDate(londonToday)}`);
  // What was locked has no form any more: the meeting's details, the agenda, minutes, decisions,
  // new actions, escalations and the sign-off. Open actions can still be updated.
  const actions = await page.locator('main form').evaluateAll((fs) => fs.map((f) => f.getAttribute('action')));
  const editing = actions.filter((a) => /\/(minutes|decisions|escalations|sign-off)$/.test(a)
    || /\/items\/\d+\/actions$/.test(a) || /\/meetings\/\d+\/items$/.test(a));
  check(editing.length === 0, `forms still there after sign-off: ${editing.join(', ')}`);
  for (const field of ['Minutes', 'Resolution', 'Decision', 'Action', 'Escalate to', 'Signed by']) {
    check(await label(field).count() === 0, `the field "${field}" is still there after sign-off`);
  }
  // The meeting's date and venue are locked too (the workspace refuses the change).
  check(!actions.includes(meetingPath), 'the form to change the date, time or venue is still offered after sign-off');
  const text = (await item().innerText()).replace(/\s+/g, ' ');
  check(text.includes(minutesText), 'the signed-off minutes are not shown');
  check(text.includes(`Resolved: ${points[0]} ${points[1]}`), 'the signed-off resolution is not shown');
});

await step('7. the public page shows the resolution, the decision and the action', async () => {
  const outsider = await asThePublic(`/meetings/${meetingId}`);
  const article = outsider.locator('article.item', { hasText: item1 });
  check(await article.count() === 1, 'item 1 is not on the public page');
  const resolution = await article.locator('ol.resolution li').allInnerTexts();
  check(JSON.stringify(resolution.map((s) => s.trim())) === JSON.stringify(points),
    `the public resolution is ${JSON.stringify(resolution)}`);
  const text = (await article.innerText()).replace(/\s+/g, ' ');
  check(text.includes(minutesText), 'the public page does not show the minutes');
  check(text.includes(`Decision (key decision): ${decisionText}`), 'the public page does not show the key decision');
  check(text.includes(`Subject to call-in until ${deadline}.`), `the public page does not show the call-in deadline ${deadline}`);
  check(text.includes(`${actionText} — ${owner}, due ${ukShortDate(dueDate)}`), 'the public page does not show the action');
  check(text.includes(`Escalated to ${committees[1].name}`), 'the public page does not show the escalation');
  const summary = await mainText(outsider);
  check(summary.includes(`Item 1: ${decisionTitle} (key decision)`), 'the summary does not list the key decision');
  check(summary.includes(`Item 1: ${actionText} — ${owner}`), 'the summary does not list the action');
  check(summary.includes(`${signer}, `), 'the public page does not say who signed the minutes off');
  current = page;
});

await step('8. sign out', async () => {
  await go(button('Sign out'));
  check(new URL(page.url()).pathname === '/login', 'signing out does not lead to /login');
  await open('/workspace');
  check(new URL(page.url()).pathname === '/login', 'the workspace is still open after signing out');
});

await step('9. nothing was refused by the Content-Security-Policy', async () => {
  check(refused.length === 0, `refused: ${refused.slice(0, 5).join('; ')}`);
});

await cleanUp();
clearTimeout(watchdog);
console.log(`journey: the clerk's meeting ${meetingId} from scheduling to signed-off minutes in ${((Date.now() - started) / 1000).toFixed(1)} s`);
