// Accessibility as axe-core judges it: no serious or critical violation on the default page,
// with each teaching panel open, with the shortcuts list open, in presenter mode, in the dark
// scheme and in the phone layout. A failure lists each rule with the elements it found, so the
// message says what to fix.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import { readNumber, screenshot, startPlayground, until } from './helpers.mjs';

let pg;
before(async () => {
  pg = await startPlayground();
});
after(async () => {
  await pg?.close();
});

/** The serious and critical violations axe finds in the page as it is now, one line each. */
async function seriousViolations(page) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(' | ')}${v.nodes.length > 4 ? ` (+${v.nodes.length - 4} more)` : ''}`);
}

async function assertClean(page, where) {
  const found = await seriousViolations(page);
  assert.deepEqual(found, [], `${where}:\n  ${found.join('\n  ')}`);
}

test('the default page, trained a little, has no serious or critical axe violation', async () => {
  const page = await pg.open('');
  await page.click('#play');
  await until(async () => (await readNumber(page, '#epoch')) > 5);
  await page.click('#play');
  await assertClean(page, 'default page');
  assert.deepEqual(page.errors, []);
});

test('each teaching panel, opened from its tab, has no serious or critical axe violation', async () => {
  const page = await pg.open('dataset=xor&layers=4');
  const tools = await page.$$eval('#tools [role=tab]', (tabs) => tabs.map((t) => t.dataset.tool));
  assert.ok(tools.length >= 3, `tools: ${tools}`);
  for (const tool of tools) {
    await page.click(`#tools [role=tab][data-tool="${tool}"]`);
    await page.waitForSelector(`#tool-${tool}:not([hidden])`);
    await page.waitForTimeout(600); // the panel's first frame
    await assertClean(page, `the ${tool} panel`);
  }
  assert.deepEqual(page.errors, []);
});

test('the shortcuts list and presenter mode have no serious or critical axe violation', async () => {
  const page = await pg.open('dataset=circle&present=1');
  await assertClean(page, 'presenter mode');
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('?');
  await page.locator('#shortcuts-dialog').waitFor({ state: 'visible' });
  await assertClean(page, 'the shortcuts list');
  assert.deepEqual(page.errors, []);
});

test('the dark scheme and the phone layout have no serious or critical axe violation', async () => {
  const dark = await pg.open('dataset=spiral');
  await dark.emulateMedia({ colorScheme: 'dark' });
  await dark.waitForTimeout(300);
  await assertClean(dark, 'dark scheme');
  await screenshot(dark, 'a11y-dark');
  const phone = await startPlayground({ width: 390, height: 844, hasTouch: true, isMobile: true });
  try {
    const page = await phone.open('dataset=circle');
    await assertClean(page, 'phone layout');
    assert.deepEqual(page.errors, []);
  } finally {
    await phone.close();
  }
});
