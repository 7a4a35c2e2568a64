// Hostile values typed by hand into the page's fields while it trains: negative, zero, huge,
// not a number, empty, and a megabyte of digits. For each, the page says what is wrong beside
// the control (and in the notice list), keeps the value it had, and keeps training.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readNumber, screenshot, startPlayground, until } from './helpers.mjs';

let pg;
before(async () => {
  pg = await startPlayground();
});
after(async () => {
  await pg?.close();
});

const param = (page, key) => new URL(page.url()).searchParams.get(key);

/** Puts `value` in the field the way typing and leaving it would (works for a megabyte too). */
async function typeInto(page, id, value) {
  await page.evaluate(
    ([id, value]) => {
      const input = document.getElementById(id);
      input.focus();
      input.value = value;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new Event('change', { bubbles: true }));
    },
    [id, value],
  );
}

const CASES = [
  // [field id, link key, value typed]
  ['clip', 'clip', '-5'],
  ['clip', 'clip', '1e300'],
  ['wseed', 'wseed', '-1'],
  ['wseed', 'wseed', '9'.repeat(1 << 20)],
  ['dseed', 'dseed', '1.5'],
  ['p-beta1', 'beta1', '7'],
  ['p-eps', 'eps', '0'],
  ['p-beta2', 'beta2', 'NaN'],
  ['stop-epoch', 'stop_epoch', '-3'],
  ['patience', 'patience', '0'],
  ['sched', 'sched', 'step(0,'],
  ['sched', 'sched', '<img src=x onerror=alert(1)>'],
];

test('every bad value typed into a field is explained beside it, changes nothing and training goes on', async () => {
  const page = await pg.open('dataset=circle&opt=adam&lr=0.01&clip=2&wseed=7&dseed=3&sched=step(100,0.5)');
  await page.click('#play');
  await until(async () => (await readNumber(page, '#epoch')) > 3, { timeoutMs: 20_000 });
  for (const [id, key, value] of CASES) {
    const kept = param(page, key);
    const epoch = await readNumber(page, '#epoch');
    await typeInto(page, id, value);
    const hint = page.locator(`#field-error-${key}`);
    await hint.waitFor({ timeout: 10_000 });
    const said = await hint.textContent();
    assert.ok(said.length > 10 && !said.includes('\n'), `${id}=${value.slice(0, 20)}: ${said}`);
    assert.match(said, new RegExp(`kept ${kept.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), `${id}: ${said}`);
    assert.equal(await page.getAttribute(`#${id}`, 'aria-invalid'), 'true', `${id}=${value.slice(0, 20)}`);
    assert.equal(param(page, key), kept, `${id}=${value.slice(0, 20)} changed the link`);
    await until(async () => (await readNumber(page, '#epoch')) > epoch + 2, { timeoutMs: 10_000 });
    assert.ok((await readNumber(page, '#epoch')) > epoch + 2, `${id}: training stopped`);
    if (id === 'sched' && value.startsWith('<')) await screenshot(page, 'hostile-field');
    // The next edit of the field clears its mark.
    await typeInto(page, id, await page.evaluate(([k]) => new URL(location.href).searchParams.get(k), [key]));
    await until(async () => (await page.locator(`#field-error-${key}`).count()) === 0, { timeoutMs: 10_000 });
  }
  assert.equal(await page.$$eval('img[src="x"]', (n) => n.length), 0);
  assert.deepEqual(page.errors, []);
});
