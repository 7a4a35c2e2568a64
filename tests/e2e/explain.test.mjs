// Explanations one click away: every panel and main control has an ⓘ button whose popover says in
// plain words what it means; the keyboard opens and closes it (focus comes back), a tap does
// on a phone, and the optimizer's explanation shows the rule of the optimizer chosen.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot, startPlayground } from './helpers.mjs';
import { EXPLAIN } from '../../www/i18n/en.js';

let pg;
before(async () => {
  pg = await startPlayground();
});
after(async () => {
  await pg?.close();
});

test('each ⓘ opens its own explanation, and every explanation in the strings file is used', async () => {
  const page = await pg.open('dataset=circle');
  const keys = await page.$$eval('.explain-btn', (bs) => bs.map((b) => b.dataset.explainFor));
  assert.deepEqual([...keys].sort(), Object.keys(EXPLAIN).sort(), 'one button per explanation, none missing, none unused');
  for (const key of keys) {
    const button = page.locator(`.explain-btn[data-explain-for="${key}"]`);
    if (!(await button.isVisible())) continue; // e.g. the confusion matrix of a data set without classes
    await button.click();
    await page.waitForSelector('#explain:popover-open');
    assert.equal(await page.textContent('#explain-title'), EXPLAIN[key].title);
    const text = await page.textContent('#explain-text');
    assert.ok(text.length > 120, `${key}: ${text}`);
    assert.equal(await button.getAttribute('aria-expanded'), 'true');
    // Inside the window.
    const box = await page.locator('#explain').boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= 1366 && box.y >= 0, `${key}: ${JSON.stringify(box)}`);
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.getElementById('explain').matches(':popover-open'));
    assert.equal(await button.getAttribute('aria-expanded'), 'false');
  }
  assert.deepEqual(page.errors, []);
});

test('the keyboard opens an explanation, Escape closes it and gives the focus back; the optimizer shows its rule', async () => {
  const page = await pg.open('dataset=spiral&opt=adam&lr=0.01');
  await page.focus('.explain-btn[data-explain-for="opt"]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#explain:popover-open');
  assert.match(await page.textContent('#explain-rule'), /Update rule \(adam\).*m ← β₁·m/);
  await screenshot(page, 'explain-optimizer');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.getElementById('explain').matches(':popover-open'));
  assert.equal(await page.evaluate(() => document.activeElement.dataset.explainFor), 'opt');
  // Switching the optimizer changes the rule shown.
  await page.selectOption('#opt', { value: (await page.$$eval('#opt option', (os) => os.map((o) => o.value))).find((v) => v.startsWith('momentum')) });
  await page.click('.explain-btn[data-explain-for="opt"]');
  await page.waitForSelector('#explain:popover-open');
  assert.match(await page.textContent('#explain-rule'), /Update rule \(momentum\).*v ← μ·v \+ g/);
  // A click on the button inside the label does not open the optimizer menu or change it.
  assert.ok((await page.inputValue('#opt')).startsWith('momentum'));
  assert.deepEqual(page.errors, []);
});

test('on a phone a tap opens the explanation of a neuron thumbnail, inside the screen', async () => {
  const phone = await startPlayground({ width: 390, height: 844, hasTouch: true, isMobile: true });
  try {
    const page = await phone.open('dataset=xor');
    const button = page.locator('.explain-btn[data-explain-for="neurons"]');
    await button.scrollIntoViewIfNeeded();
    await button.tap();
    await page.waitForSelector('#explain:popover-open');
    assert.match(await page.textContent('#explain-text'), /neuron/);
    const box = await page.locator('#explain').boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= 390, JSON.stringify(box));
    await screenshot(page, 'explain-phone');
    assert.deepEqual(page.errors, []);
  } finally {
    await phone.close();
  }
});
