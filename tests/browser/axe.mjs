// Checks every page type of a running witan with axe-core in headless Chromium: zero WCAG 2.2
// A/AA violations, the skip link first in the tab order, and a visible focus. Screenshots of each
// page type at desktop and phone width go to the folder given (not committed).
//
// Usage: node axe.mjs BASE_URL ARTIFACTS_DIR
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const axePath = require.resolve('axe-core/axe.min.js');
const [base, artifacts] = process.argv.slice(2);
if (!base || !artifacts) {
  console.error('usage: node axe.mjs BASE_URL ARTIFACTS_DIR');
  process.exit(2);
}
mkdirSync(artifacts, { recursive: true });

// Page types found by following links from the home page; fixed paths for the rest.
const patterns = {
  committee: /^\/committees\/[a-z0-9-]+$/,
  'committee-meetings': /^\/committees\/[a-z0-9-]+\/meetings$/,
  meeting: /^\/meetings\/\d+$/,
  issue: /^\/issues\/\d+$/,
  person: /^\/people\/\d+$/,
  'person-meetings': /^\/people\/\d+\/meetings$/,
};
const fixed = {
  home: '/',
  committees: '/committees',
  decisions: '/decisions',
  actions: '/actions',
  'forward-plan': '/forward-plan',
  search: '/search?q=budget+consultation',
  'not-found': '/meetings/0',
  'bad-request': '/decisions?from=yesterday',
};

const profile = mkdtempSync(join(tmpdir(), 'witan-chromium-'));
// A fresh profile each run, so Chromium does not stall on a closed network.
// witan's Content-Security-Policy allows no scripts; axe-core is the test's own, so this
// browser lets it in (journey.mjs browses with the policy in force).
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  bypassCSP: true,
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
  ],
});
let failures = 0;
try {
  const page = browser.pages()[0] || (await browser.newPage());
  // Find one page of each linked type, breadth first, within a bounded number of pages.
  const found = {};
  const queue = ['/', '/committees'];
  const seen = new Set(queue);
  let visited = 0;
  while (queue.length && Object.keys(found).length < Object.keys(patterns).length && visited < 40) {
    const path = queue.shift();
    visited++;
    await page.goto(base + path);
    const links = await page.$$eval('a[href^="/"]', (as) => as.map((a) => a.getAttribute('href')));
    for (const link of links) {
      const bare = link.split('#')[0];
      for (const [type, pattern] of Object.entries(patterns)) {
        if (!found[type] && pattern.test(bare)) found[type] = bare;
      }
      if (!seen.has(bare) && (patterns.meeting.test(bare) || patterns.committee.test(bare))) {
        seen.add(bare);
        queue.push(bare);
      } else if (!seen.has(bare) && patterns.person.test(bare) && !found['person-meetings']) {
        // A person page leads to the list of their meetings: visit people first.
        seen.add(bare);
        queue.unshift(bare);
      }
    }
  }
  const pages = { ...fixed, ...found };
  for (const type of Object.keys(patterns)) {
    if (!found[type]) {
      console.error(`no ${type} page found by following links`);
      failures++;
    }
  }
  for (const [type, path] of Object.entries(pages)) {
    for (const [width, height, label] of [[1280, 900, 'desktop'], [390, 844, 'phone']]) {
      await page.setViewportSize({ width, height });
      await page.goto(base + path);
      await page.screenshot({ path: join(artifacts, `${type}-${label}.png`), fullPage: true });
    }
    await page.addScriptTag({ path: axePath });
    const result = await page.evaluate(() =>
      window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
      }));
    for (const v of result.violations) {
      failures++;
      console.error(`${type} ${path}: ${v.id} (${v.impact}): ${v.help}`);
      for (const node of v.nodes.slice(0, 3)) console.error(`    ${node.target.join(' ')}`);
    }
    // Keyboard: the first Tab lands on the skip link, and focus is visible.
    await page.keyboard.press('Tab');
    const focus = await page.evaluate(() => {
      const el = document.activeElement;
      const style = getComputedStyle(el);
      return { text: el.textContent.trim(), outline: style.outlineStyle, shadow: style.boxShadow, bg: style.backgroundColor };
    });
    if (focus.text !== 'Skip to main content') {
      failures++;
      console.error(`${type} ${path}: the first Tab reached "${focus.text}", not the skip link`);
    }
    if (focus.outline === 'none' && focus.shadow === 'none') {
      failures++;
      console.error(`${type} ${path}: the focused skip link has no visible focus style`);
    }
    await page.keyboard.press('Enter');
    const main = await page.evaluate(() => document.activeElement && document.activeElement.id);
    if (main !== 'main') {
      failures++;
      console.error(`${type} ${path}: the skip link did not move focus to the main content`);
    }
    // Print: the page furniture goes, the content stays.
    await page.emulateMedia({ media: 'print' });
    const printed = await page.evaluate(() => ({
      header: getComputedStyle(document.querySelector('.site-header')).display,
      footer: getComputedStyle(document.querySelector('.site-footer')).display,
      h1: getComputedStyle(document.querySelector('h1')).display,
    }));
    if (printed.header !== 'none' || printed.footer !== 'none' || printed.h1 === 'none') {
      failures++;
      console.error(`${type} ${path}: the print view keeps the site furniture or loses the heading`);
    }
    if (type === 'meeting') await page.pdf({ path: join(artifacts, 'meeting-print.pdf') });
    await page.emulateMedia({ media: 'screen' });
    console.log(`${type} ${path}: ${result.violations.length} violations, ${result.passes.length} rules passed`);
  }

  // A keyboard-only journey: from the home page to the key decisions of the register.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(base + '/');
  let reached = '';
  for (let i = 0; i < 15 && reached !== 'Decisions'; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement.textContent.trim());
  }
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/decisions$/);
  await page.focus('#key');
  await page.keyboard.press('Space');
  await page.keyboard.press('Enter');
  await page.waitForURL(/key=on/);
  const keyOnly = await page.$$eval('tbody tr', (rows) => rows.every((r) => r.textContent.includes('Key decision')));
  if (reached !== 'Decisions' || !keyOnly) {
    failures++;
    console.error(`keyboard journey: reached "${reached}", key decisions only: ${keyOnly}`);
  } else {
    console.log('keyboard journey: home → Decisions → key decisions only, without a mouse');
  }
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
if (failures) {
  console.error(`${failures} accessibility failures`);
  process.exit(1);
}
