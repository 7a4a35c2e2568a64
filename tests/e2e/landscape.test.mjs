// The loss landscape, used as a student would: open the tab, train, pause, and read the panel.
// The value at the centre of the map (the current weights) must be the page's own "Training
// loss" (its unrounded data-value) on the same weights, the optimizer's path must grow while
// training plays, the grid refines when training pauses, and "New directions" and the span
// control redraw it. Also measures (prints, does not assert) the page's frames per second with
// the panel open while training, counted with requestAnimationFrame over 3 s.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { pauseAndSettle, readNumber, screenshot, startPlayground, until } from './helpers.mjs';

let pg;
before(async () => {
  pg = await startPlayground({ width: 1366, height: 1000 });
});
after(async () => {
  await pg?.close();
});

const attr = async (page, sel, name) => {
  const v = await page.getAttribute(sel, name);
  return v == null ? NaN : Number(v);
};

async function framesPerSecond(page, ms) {
  return page.evaluate((ms) => new Promise((done) => {
    let n = 0;
    const t0 = performance.now();
    const tick = (t) => {
      n += 1;
      if (t - t0 < ms) requestAnimationFrame(tick);
      else done((n * 1000) / (t - t0));
    };
    requestAnimationFrame(tick);
  }), ms);
}

test('landscape: the centre is the training loss, the path grows, the grid refines', async () => {
  const page = await pg.open('dataset=circle');
  await page.click('#tool-tab-landscape');
  await page.waitForSelector('#landscape-map');
  const res0 = await until(async () => attr(page, '#landscape-map', 'data-res'));
  assert.ok(res0 >= 5, `no grid drawn (${res0})`);

  await page.click('#play');
  await until(async () => (await page.evaluate(() => window.nnplay.stats().epoch)) >= 5);
  const early = await attr(page, '#landscape-path', 'data-count');
  const fps = await framesPerSecond(page, 3000);
  const later = await until(async () => {
    const n = await attr(page, '#landscape-path', 'data-count');
    return n > early && n;
  });
  assert.ok(later > early, `the path did not grow while training (${early} → ${later})`);
  const playRes = await attr(page, '#landscape-map', 'data-res');
  await screenshot(page, 'landscape-1-training');
  console.log(`landscape open while training: ${fps.toFixed(1)} frames/s on the page (rAF over 3 s), grid ${playRes}×${playRes}, path ${later} points`);

  await pauseAndSettle(page);
  const steps = await page.evaluate(() => window.nnplay.stats().steps);
  // When paused the map re-centres on the final weights: its centre value is the page's training loss.
  const centre = await until(async () => {
    const at = await attr(page, '#landscape-centre', 'data-steps');
    return at === steps && attr(page, '#landscape-centre', 'data-value');
  });
  const shown = await attr(page, '#train-loss', 'data-value');
  assert.ok(Number.isFinite(centre) && Number.isFinite(shown), `${centre} ${shown}`);
  const rel = Math.abs(centre - shown) / shown;
  assert.ok(rel < 1e-4, `centre ${centre} vs training loss ${shown} (relative ${rel})`);
  // The rounded number on the score board agrees too.
  assert.equal(Number((await page.textContent('#train-loss')).trim()), Number(shown.toFixed(3)));
  console.log(`centre of the landscape ${centre} vs the page's training loss ${shown} (relative difference ${rel.toExponential(1)}) at step ${steps}`);

  // Idle: the grid refines to the fine resolution.
  const fine = await until(async () => {
    const r = await attr(page, '#landscape-map', 'data-res');
    return r >= 41 && r;
  });
  assert.equal(fine, 41);
  const label = await page.getAttribute('#landscape-map', 'aria-label');
  assert.match(label, /training loss on a plane/);
  assert.match(label, /path of the last \d+ steps/);
  await screenshot(page, 'landscape-2-paused-fine');

  // The lowest point of the map is not above the centre's loss plus the map's spread: the read-out is a loss.
  const lowest = await page.textContent('#landscape-lowest');
  assert.match(lowest, /at α/);

  // New directions: another plane through the same weights, the same centre value.
  const before = await page.textContent('#landscape-progress');
  await page.click('#landscape-new');
  await until(async () => (await page.textContent('#landscape-progress')).includes('#2'));
  assert.notEqual(before, await page.textContent('#landscape-progress'));
  const again = await attr(page, '#landscape-centre', 'data-value');
  assert.ok(Math.abs(again - shown) / shown < 1e-4, `${again} vs ${shown}`);

  // Span and log scale, by keyboard and click.
  await page.selectOption('#landscape-span', '0.25');
  await page.check('#landscape-log');
  await until(async () => (await page.getAttribute('#landscape-map', 'aria-label')).includes('from −0.25 to 0.25'));
  await until(async () => (await attr(page, '#landscape-map', 'data-res')) === 41);
  await page.waitForTimeout(300);
  await screenshot(page, 'landscape-3-zoomed-log');

  // The map has colour (the heat map) over most of its area.
  const inked = await page.$eval('#landscape-map', (c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n += 1;
    return n / (d.length / 4);
  });
  assert.ok(inked > 0.5, `the map is mostly empty (${inked})`);
  assert.deepEqual(page.errors, []);
});

test('landscape: frames per second with a larger network and more points (printed, not asserted)', async () => {
  const page = await pg.open('dataset=spiral&points=1000&layers=8,8,8,8&tool=landscape');
  await page.waitForSelector('#landscape-map');
  await until(async () => attr(page, '#landscape-map', 'data-res'));
  const closed = async () => {
    await page.click('#tool-tab-landscape'); // closes the panel
    await page.click('#play');
    await page.waitForTimeout(500);
    const fps = await framesPerSecond(page, 3000);
    const steps = await page.evaluate(() => window.nnplay.stats().steps);
    await pause(page);
    return { fps, steps };
  };
  await page.click('#play');
  await page.waitForTimeout(500);
  const s0 = await page.evaluate(() => window.nnplay.stats().steps);
  const open = await framesPerSecond(page, 3000);
  const s1 = await page.evaluate(() => window.nnplay.stats().steps);
  const res = await attr(page, '#landscape-map', 'data-res');
  await screenshot(page, 'landscape-4-spiral-deep');
  await pause(page);
  const c0 = await page.evaluate(() => window.nnplay.stats().steps);
  const off = await closed();
  console.log(`spiral, 1000 points, 4×8 tanh: ${open.toFixed(1)} frames/s with the landscape open (grid ${res}×${res}, ${s1 - s0} steps in 3 s) vs ${off.fps.toFixed(1)} frames/s closed (${off.steps - c0} steps in 3.5 s)`);
  assert.deepEqual(page.errors, []);
});

async function pause(page) {
  if ((await page.getAttribute('#play', 'aria-pressed')) === 'true') await page.click('#play');
  await until(async () => (await page.getAttribute('#play', 'aria-pressed')) === 'false');
}
