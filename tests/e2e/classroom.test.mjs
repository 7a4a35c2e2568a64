// The page in a classroom: every shortcut of the `?` overlay works from the keyboard, presenter
// mode (a button, the p key and the link's `present=1`) enlarges the type and hides the
// secondary controls, and the page fits a projector at 1366×768 and 1920×1080.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { pointCount, readNumber, screenshot, startPlayground, until } from './helpers.mjs';

let pg;
before(async () => {
  pg = await startPlayground();
});
after(async () => {
  await pg?.close();
});

const param = (page, key) => new URL(page.url()).searchParams.get(key);
const playing = (page) => page.$eval('#play', (b) => b.getAttribute('aria-pressed') === 'true');

test('the ? overlay lists the shortcuts, and each listed key does what it says', async () => {
  const page = await pg.open('dataset=xor&layers=4&speed=epochs(1)');
  await page.locator('body').click({ position: { x: 5, y: 5 } });

  await page.keyboard.press('?');
  const dialog = page.locator('#shortcuts-dialog');
  await dialog.waitFor({ state: 'visible' });
  const rows = await dialog.locator('dd').allTextContents();
  assert.ok(rows.length >= 10, `the overlay lists ${rows.length} shortcuts`);
  assert.ok(rows.some((r) => /Play or pause/.test(r)));
  await screenshot(page, 'classroom-shortcuts');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  // The ? button opens the same list.
  await page.click('#shortcuts');
  await dialog.waitFor({ state: 'visible' });
  await page.click('#shortcuts-dialog .close');
  await dialog.waitFor({ state: 'hidden' });

  // Focus went back to the ? button (Space would press it): the student clicks the page.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  // → trains exactly one epoch.
  await page.keyboard.press('ArrowRight');
  await until(async () => (await readNumber(page, '#epoch')) === 1);
  assert.equal(await readNumber(page, '#epoch'), 1);

  // Space plays, Space again pauses.
  await page.keyboard.press(' ');
  await until(async () => (await readNumber(page, '#epoch')) > 5);
  assert.ok(await playing(page));
  await page.keyboard.press(' ');
  await until(async () => !(await playing(page)));
  await page.waitForTimeout(300); // the frames already on their way arrive
  const paused = await readNumber(page, '#epoch');
  await page.waitForTimeout(400);
  assert.equal(await readNumber(page, '#epoch'), paused, 'paused: the epoch stays');

  // r resets the weights and the counter.
  await page.keyboard.press('r');
  await until(async () => (await readNumber(page, '#epoch')) === 0);
  assert.equal(await readNumber(page, '#epoch'), 0);

  // t shows the test points, d discretizes: both reach the link.
  await page.keyboard.press('t');
  await until(async () => param(page, 'showtest') === '1');
  assert.ok(await page.isChecked('#showtest'));
  await page.keyboard.press('d');
  await until(async () => param(page, 'discretize') === '1');

  // + adds a hidden layer, − removes it.
  await page.keyboard.press('+');
  await until(async () => param(page, 'layers') === '4,4');
  assert.equal(param(page, 'layers'), '4,4');
  await page.keyboard.press('-');
  await until(async () => param(page, 'layers') === '4', { timeoutMs: 10_000 });

  // ] raises the learning rate.
  const lr = Number(param(page, 'lr') || '0.03');
  await page.keyboard.press(']');
  await until(async () => Number(param(page, 'lr')) > lr);
  assert.ok(Number(param(page, 'lr')) > lr, `lr ${param(page, 'lr')} > ${lr}`);

  // A key typed into a number field stays there: no shortcut fires.
  await page.fill('#dseed', '');
  await page.type('#dseed', '12');
  await page.keyboard.press('r');
  assert.equal(await page.inputValue('#dseed'), '12');
  assert.deepEqual(page.errors, []);
});

test('presenter mode: large type, the essentials only, thicker lines, kept in the link', async () => {
  const page = await pg.open('dataset=spiral&layers=6,6');
  const before = await page.$eval('#epoch', (n) => parseFloat(getComputedStyle(n).fontSize));
  assert.equal(await page.isVisible('.tune-bar'), true);
  await page.click('#present');
  await until(async () => param(page, 'present') === '1');
  await page.waitForFunction(() => document.body.classList.contains('present'));
  const big = await page.$eval('#epoch', (n) => parseFloat(getComputedStyle(n).fontSize));
  assert.ok(big >= before * 1.3, `epoch read-out ${before}px → ${big}px`);
  assert.equal(await page.isVisible('.tune-bar'), false, 'the second bar is hidden');
  assert.equal(await page.isVisible('#play'), true);
  assert.equal(await page.getAttribute('#present', 'aria-pressed'), 'true');
  const labelPx = await page.$eval('.layer-head', (n) => parseFloat(getComputedStyle(n).fontSize));
  assert.ok(labelPx >= 15, `layer labels ${labelPx}px`);
  // Nothing overflows sideways at 1366 px: the three columns still fit.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the window`);
  // Space on the focused toggle would press it again: the student clicks the page first.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press(' ');
  await until(async () => (await readNumber(page, '#epoch')) > 30);
  assert.ok((await readNumber(page, '#epoch')) > 30);
  assert.ok(await page.evaluate(() => document.body.classList.contains('present')));
  await screenshot(page, 'classroom-present-1366');

  // The p key leaves it again.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('p');
  await until(async () => param(page, 'present') !== '1', { timeoutMs: 10_000 });
  assert.notEqual(param(page, 'present'), '1');
  await page.waitForFunction(() => !document.body.classList.contains('present'));
  assert.deepEqual(page.errors, []);
});

test('a link with present=1 opens in presenter mode on a 1920×1080 projector', async () => {
  const page = await pg.open('dataset=circle&present=1');
  await page.setViewportSize({ width: 1920, height: 1080 });
  assert.ok(await page.evaluate(() => document.body.classList.contains('present')));
  await page.click('#play');
  await until(async () => (await readNumber(page, '#epoch')) > 20);
  assert.ok((await readNumber(page, '#epoch')) > 20);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the window`);
  await screenshot(page, 'classroom-present-1920');
  assert.deepEqual(page.errors, []);
});

test('the plane by keyboard: arrows move a cursor with the prediction read out, Enter places a point, Delete removes it', async () => {
  const page = await pg.open('dataset=circle');
  await page.click('.ds[data-token="draw"]');
  await page.waitForSelector('#draw-panel:not([hidden])');
  await page.click('#draw-clear');
  await until(async () => (await pointCount(page)) === 0);
  await page.focus('#overlay');
  assert.match(await page.getAttribute('#overlay', 'aria-label'), /Arrow keys/);
  for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowLeft');
  await until(async () => /\(-2\.00, 0\.00\)/.test((await page.textContent('#hover-readout')) || ''), { timeoutMs: 10_000 });
  assert.match(await page.textContent('#hover-readout'), /\(-2\.00, 0\.00\) → /);
  await page.keyboard.press('Enter');
  await until(async () => (await pointCount(page)) === 1);
  await page.keyboard.press('Shift+ArrowUp');
  await page.keyboard.press('Enter');
  await until(async () => (await pointCount(page)) === 2);
  assert.equal(await pointCount(page), 2);
  await page.keyboard.press('Delete');
  await until(async () => (await pointCount(page)) === 1);
  assert.equal(await pointCount(page), 1);
  assert.deepEqual(page.errors, []);
});

for (const [name, width, height] of [['phone', 390, 844], ['tablet', 820, 1180]]) {
  test(`a ${name} (${width}×${height}, touch only): panels stack, nothing scrolls sideways, taps train and place points`, async () => {
    const device = await startPlayground({ width, height, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
    try {
      const page = await device.open('dataset=spiral');
      const overflow = await page.evaluate((w) => document.documentElement.scrollWidth - w, width);
      assert.ok(overflow <= 0, `the page is ${overflow}px wider than the ${width}px screen`);
      await page.tap('#play');
      await until(async () => (await readNumber(page, '#epoch')) > 10);
      assert.ok((await readNumber(page, '#epoch')) > 10);
      await page.tap('#play');
      // Every panel is on screen somewhere and at least as wide as 90 % of a column.
      const widths = await page.$$eval('.layout > .col', (cols) => cols.map((c) => c.getBoundingClientRect().width));
      assert.ok(widths.every((w) => w > 0 && w <= width), `column widths ${widths}`);
      await screenshot(page, `classroom-${name}`);
      // A tap on the plane shows the prediction there (what hovering shows with a mouse).
      const box = await page.locator('#boundary').boundingBox();
      await page.tap('#overlay', { position: { x: 26 + (box.width * 3) / 4, y: box.height / 4 } });
      await until(async () => /→/.test((await page.textContent('#hover-readout')) || ''));
      assert.match(await page.textContent('#hover-readout'), /→/);
      // Draw mode: taps place points.
      await page.tap('.ds[data-token="draw"]');
      await page.waitForSelector('#draw-panel:not([hidden])');
      await page.tap('#draw-clear');
      await until(async () => (await pointCount(page)) === 0);
      for (const [fx, fy] of [[0.3, 0.3], [0.6, 0.6]]) {
        await page.tap('#overlay', { position: { x: 26 + box.width * fx, y: box.height * fy } });
      }
      await until(async () => (await pointCount(page)) === 2);
      assert.equal(await pointCount(page), 2);
      assert.equal(await page.$eval('#overlay', (c) => getComputedStyle(c).touchAction), 'none');
      await screenshot(page, `classroom-${name}-draw`);
      assert.deepEqual(page.errors, []);
    } finally {
      await device.close();
    }
  });
}
